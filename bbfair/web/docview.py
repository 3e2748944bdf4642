"""Read one stored document the way the renderers need it: values of a subject in a stable order, the literal to
show among several languages, IRIs with their names, whole numbers and dates. Shared by the HTML pages,
schema.org JSON-LD and signposting so the three say the same thing about a resource."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS
from rdflib.term import Node

from ..rdf.namespaces import DCAT, HEALTH, prefixes
from .labels import Labels, best_literal, disease_code, disease_name
from .model import Page

SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel", "ftp"})


def _order(node: Node) -> tuple[int, str]:
    return (0 if isinstance(node, URIRef) else 1 if isinstance(node, Literal) else 2, str(node))


@dataclass(frozen=True)
class Ref:
    """A link as a page shows it: where it goes, its name, and whether it leaves this site."""

    href: str
    label: str
    external: bool
    named: bool = True  # False when the label is only a fallback made from the IRI

    @property
    def safe_href(self) -> str | None:
        """The href when following it is harmless (http, https, mailto, tel, ftp); None for any other scheme,
        so a record cannot plant a `javascript:` link."""
        return self.href if urlsplit(self.href).scheme.lower() in SAFE_SCHEMES else None

    @property
    def host(self) -> str:
        """The site an external link goes to ("orcid.org"), shown beside its name."""
        parts = urlsplit(self.href)
        if parts.scheme in ("mailto", "tel"):
            return ""
        return (parts.hostname or "").removeprefix("www.")


class Doc:
    """The graph of a page with the helpers to read any subject of it."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.graph: Graph = page.graph
        self.subject = URIRef(page.iri)
        self.base = page.site.base_iri.rstrip("/")
        self.label = Labels(self.graph, self.base)

    # -- raw values --------------------------------------------------------------------------------
    def objects(self, predicate: URIRef, subject: Node | None = None) -> list[Node]:
        """Values of `predicate`, IRIs first then literals, each group sorted (documents are sets)."""
        return sorted(set(self.graph.objects(subject or self.subject, predicate)), key=_order)

    def iris(self, predicate: URIRef, subject: Node | None = None) -> list[URIRef]:
        return [o for o in self.objects(predicate, subject) if isinstance(o, URIRef)]

    def text(self, predicate: URIRef, subject: Node | None = None) -> str | None:
        """The literal to show (English first) of `predicate`, stripped; None when there is none."""
        value = best_literal(self.objects(predicate, subject))
        return str(value).strip() if value is not None and str(value).strip() else None

    def texts(self, predicate: URIRef, subject: Node | None = None) -> list[str]:
        """Every literal of `predicate`: all English ones if there are any, else all."""
        literals = [o for o in self.objects(predicate, subject) if isinstance(o, Literal)]
        english = [v for v in literals if (v.language or "").lower().startswith("en")]
        return sorted({str(v) for v in (english or literals)}, key=str.casefold)

    def number(self, predicate: URIRef, subject: Node | None = None) -> int | None:
        for value in self.objects(predicate, subject):
            if isinstance(value, Literal):
                try:
                    return int(str(value))
                except ValueError:
                    continue
        return None

    def when(self, predicate: URIRef, subject: Node | None = None) -> datetime | date | None:
        for value in self.objects(predicate, subject):
            if isinstance(value, Literal):
                parsed = parse_time(str(value))
                if parsed is not None:
                    return parsed
        return None

    def types(self, subject: Node | None = None) -> list[URIRef]:
        return self.iris(RDF.type, subject)

    def has_type(self, rdf_type: URIRef, subject: Node | None = None) -> bool:
        return (subject or self.subject, RDF.type, rdf_type) in self.graph

    def subjects(self, predicate: URIRef, obj: Node) -> list[Node]:
        return sorted(set(self.graph.subjects(predicate, obj)), key=_order)

    def is_dataset(self, node: Node) -> bool:
        """Whether `node` is a collection: typed so here, or minted under `{base}/dataset/` (bbfair's IRI scheme),
        which tells a parent collection apart from a catalogue when the document does not describe it."""
        return self.has_type(DCAT.Dataset, node) or str(node).startswith(f"{self.base}/dataset/")

    def described(self, node: Node) -> bool:
        """Whether the document says anything about `node` beyond its types."""
        return any(p != RDF.type for p in self.graph.predicates(node, None))

    def diseases(self, node: Node | None = None) -> list[dict[str, str | None]]:
        """A collection's ICD-10 and ORPHA codes (`healthdcatap:hasCodeValues`, as codes or as the codes' IRIs,
        depending on the profile) with their names and the IRI to link: the `dct:subject` of the same notation
        when the document has one (named there), else the
        Directory disease list's. ORPHA codes first, then ICD-10, each by code."""
        subjects = {}
        for subject in self.iris(DCTERMS.subject, node):
            for notation in self.texts(SKOS.notation, subject):
                subjects[notation] = subject
        out = []
        for value in sorted({str(v) for v in self.objects(HEALTH.hasCodeValues, node)}):
            code = disease_code(value)
            known = disease_name(code)
            subject = subjects.get(code)
            name = (self.label.known(subject) if subject is not None else None) or (known[0] if known else code)
            href = str(subject) if subject is not None else (known[1] if known else None)
            system = "ORPHA" if code.startswith("ORPHA:") else "ICD-10"
            out.append({"code": code, "name": name, "system": system, "href": href})
        return sorted(out, key=lambda d: (d["system"] != "ORPHA", str(d["code"])))

    def licences(self) -> list[URIRef]:
        """The resource's `dct:license`; for a dataset without one, that of its distributions, else that of the
        catalogues it is part of (as far as the document describes them): a reuser wants one answer."""
        own = self.iris(DCTERMS.license)
        if own or not self.has_type(DCAT.Dataset):
            return own
        for via in (DCAT.distribution, DCTERMS.isPartOf):
            found = sorted({lic for node in self.iris(via) for lic in self.iris(DCTERMS.license, node)}, key=str)
            if found:
                return found
        return []

    # -- links -------------------------------------------------------------------------------------
    def is_local(self, iri: str) -> bool:
        return iri == self.base + "/" or iri.startswith(self.base + "/")

    def ref(self, node: Node) -> Ref | None:
        """A link to `node` named as well as the document and the vocabularies allow; None for a blank node."""
        if isinstance(node, BNode) or not isinstance(node, URIRef):
            return None
        iri = str(node)
        known = self.label.known(node)
        return Ref(iri, known or self.label(node), not self.is_local(iri), known is not None)

    def refs(self, predicate: URIRef, subject: Node | None = None) -> list[Ref]:
        found = [r for r in (self.ref(o) for o in self.iris(predicate, subject)) if r is not None]
        return sorted(found, key=lambda r: (not r.named, r.label.casefold()))

    def name(self, node: Node | None = None) -> str:
        return self.label(node if node is not None else self.subject)


def parse_time(text: str) -> datetime | date | None:
    """An xsd:dateTime or xsd:date, or None."""
    try:
        if "T" in text:
            return datetime.fromisoformat(text.replace("Z", "+00:00"))
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def curie(iri: str) -> str:
    """`dct:title` for `http://purl.org/dc/terms/title`; the IRI itself when no bbfair prefix fits."""
    best = ""
    for prefix, namespace in prefixes().items():
        if iri.startswith(namespace) and len(namespace) > len(best) and iri[len(namespace):]:
            best, name = namespace, f"{prefix}:{iri[len(namespace):]}"
    return name if best else iri
