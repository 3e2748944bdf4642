"""Names for IRIs, so pages show "Marfan syndrome" or "DNA" rather than a raw IRI.

A name is looked up, in order, in the document itself (what the record says wins), in bbfair's code lists
(`{base}/vocab/{scheme}/{code}` and the OBI/PATO/… IRIs they map to), in the Directory's disease list and in the
EU vocabulary background. The vocabulary tables are built once per process: pages are rendered many times.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import unquote, urlsplit

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDFS, SDO, SKOS
from rdflib.term import Node

from ..rdf.namespaces import VCARD
from ..rdf.vocab import background, code_lists, diseases

#: predicates that name a resource, best first
LABEL_PREDICATES = (SKOS.prefLabel, DCTERMS.title, FOAF.name, VCARD.fn, RDFS.label, SDO.name)


def best_literal(values: list[Node], lang: str = "en") -> Literal | None:
    """The literal to show among several: English first, then one without a language, then any (stable order)."""
    literals = sorted((v for v in values if isinstance(v, Literal)), key=lambda v: (v.language or "", str(v)))
    for wanted in (lang, None):
        for value in literals:
            if (value.language or None) == wanted or (wanted and (value.language or "").startswith(wanted + "-")):
                return value
    return literals[0] if literals else None


def graph_label(graph: Graph, node: Node) -> str | None:
    """The name `graph` gives `node`, if it gives one."""
    for predicate in LABEL_PREDICATES:
        value = best_literal(list(graph.objects(node, predicate)))
        if value is not None and str(value).strip():
            return str(value).strip()
    return None


@lru_cache(maxsize=1)
def _background_labels() -> dict[str, str]:
    graph = background()
    labels: dict[str, str] = {}
    for subject in set(graph.subjects()):
        label = graph_label(graph, subject)
        if label:
            labels[str(subject)] = label
    return labels


@lru_cache(maxsize=1)
def _disease_labels() -> dict[str, str]:
    """Disease IRI (identifiers.org ORPHA, WHO ICD-10 browser) -> name."""
    return {d.iri: d.label for d in diseases().values() if d.iri}


@lru_cache(maxsize=8)
def _code_list_labels(base_iri: str) -> dict[str, str]:
    """Code-list concept IRIs under `base_iri`, and the external IRIs they exactly match, -> label."""
    labels: dict[str, str] = {}
    for concepts in code_lists().values():
        for concept in concepts.values():
            for match in concept.exact_match:
                labels.setdefault(match, concept.label)
    for concepts in code_lists().values():
        for concept in concepts.values():
            labels[f"{base_iri}/vocab/{concept.path}"] = concept.label
    return labels


@lru_cache(maxsize=1)
def _codes_by_iri() -> dict[str, str]:
    return {d.iri: d.code for d in diseases().values() if d.iri}


def disease_code(value: str) -> str:
    """A `healthdcatap:hasCodeValues` value as its code: the code itself (HealthDCAT-AP's literal) or the code's
    IRI (Health-RI's), which the Directory's list maps back to the code."""
    return _codes_by_iri().get(value, value)


def disease_name(code: str) -> tuple[str, str | None] | None:
    """A `healthdcatap:hasCodeValues` code ("C50", "ORPHA:558") -> (name, IRI), from the Directory's list."""
    table = diseases()
    disease = table.get(code) or table.get(f"urn:miriam:icd:{code}")
    return None if disease is None else (disease.label, disease.iri)


def fallback_label(iri: str) -> str:
    """Something readable for an IRI nobody names: its last path segment or fragment, or the IRI itself."""
    parts = urlsplit(iri)
    if parts.scheme in ("mailto", "tel"):
        return unquote(parts.path)
    tail = parts.fragment or parts.path.rstrip("/").rsplit("/", 1)[-1]
    if tail and (parts.fragment or parts.path.count("/") > 1):
        return unquote(tail)
    return iri.split("://", 1)[-1].rstrip("/") or iri


class Labels:
    """Names for the IRIs of one document. `base_iri` roots the code lists; a biobank's catalogue that the
    document does not describe is named after the biobank agent of the same id (`{base}/agent/{id}`), which
    bbfair's IRI scheme pairs with `{base}/catalog/{id}`."""

    def __init__(self, graph: Graph, base_iri: str) -> None:
        self.graph = graph
        self.base = base_iri.rstrip("/")
        self._cache: dict[str, str | None] = {}

    def known(self, node: Node) -> str | None:
        """The name of `node` if any source gives one."""
        key = str(node)
        if key in self._cache:
            return self._cache[key]
        label = graph_label(self.graph, node)
        if label is None and isinstance(node, URIRef):
            label = (_code_list_labels(self.base).get(key) or _disease_labels().get(key)
                     or _background_labels().get(key))
            if label is None and key.startswith(f"{self.base}/catalog/") and key.count("/") == self.base.count("/") + 2:
                agent = URIRef(f"{self.base}/agent/{key.rsplit('/', 1)[-1]}")
                label = graph_label(self.graph, agent)
        self._cache[key] = label
        return label

    def __call__(self, node: Node) -> str:
        """The name of `node`, or a readable fallback: the last segment of one of this site's IRIs (its id), the
        address without its scheme for any other."""
        if isinstance(node, Literal):
            return str(node)
        known = self.known(node)
        if known:
            return known
        iri = str(node)
        if iri.startswith(self.base + "/") or not iri.startswith(("http://", "https://")):
            return fallback_label(iri)
        return iri.split("://", 1)[1].rstrip("/")
