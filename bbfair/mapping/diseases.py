"""A collection's diagnoses → HealthDCAT-AP codes and `dct:subject` concept IRIs with their labels and broader
terms.

Codes go to `healthdcatap:hasCodeValues` in the form of each publication profile (`bbfair.profiles`): the
Directory's IRI for the code in Health-RI v2.0.2, the code itself ("C50", "ORPHA:558") in HealthDCAT-AP R8;
`hasCodingSystem` names ICD-10 / ORPHACODE. Each disease is also a `dct:subject`: ORPHA codes as ORDO classes
(`http://www.orpha.net/ORDO/Orphanet_558`), ICD-10 codes as BioPortal's ICD10 classes
(`http://purl.bioontology.org/ontology/ICD10/C50.9`), both expanded from the CURIE prefix map.

The dataset document describes each subject as a `skos:Concept` with its `skos:prefLabel` (from the
Directory's DiseaseTypes list), `skos:notation`, `skos:exactMatch` to the equivalent code of the other
system where the list states one, and `skos:broader` up the list's hierarchy to the top (ICD-10: category →
block → chapter; ORPHA: Orphanet's classifications). Harvesters and the HTML page read one document, so the
labels must be in it; and with the whole chain in each document, the union of all documents answers
"collections under Neoplasms" as `?d dct:subject/skos:broader* icd10:II`. SKOS rather than rdfs:subClassOf:
the concepts are subjects of datasets, not classes of them (ORDO and BioPortal publish the same hierarchy as
rdfs:subClassOf between their own classes).

The store holds each concept description once: in the named graph of `{base}/vocab/diseases` (`collection`),
not in every dataset's (see `Resource.holds`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

from rdflib import Literal, URIRef
from rdflib.term import Node

from ..rdf import vocab
from ..rdf.namespaces import DCT, HEALTH, RDF, SKOS
from ..records import Collection
from ..records.curies import converter
from .context import CODING_SYSTEM
from .resource import Resource, Triple, Variant

#: the CURIE prefix of each coding system's concept IRIs (vocab/curies.json)
_SUBJECT_PREFIX = {"ORPHA": "ORPHA", "ICD-10": "icd10"}


@lru_cache(maxsize=65536)
def subject_iri(name: str) -> URIRef | None:
    """The `dct:subject` IRI of a Directory disease name ("ORPHA:558", "urn:miriam:icd:C50.9"), None if the
    name is not an ORPHA or ICD-10 code of the list."""
    disease = vocab.diseases().get(name)
    if disease is None:
        return None
    local = disease.code.removeprefix("ORPHA:")
    return URIRef(converter().expand(f"{_SUBJECT_PREFIX[disease.system]}:{local}", strict=True))


@lru_cache(maxsize=65536)
def _concept(name: str) -> tuple[Triple, ...]:
    """One concept's own description (type, label, notation, broader terms)."""
    disease = vocab.diseases()[name]
    iri = subject_iri(name)
    triples: list[Triple] = [
        (iri, RDF.type, SKOS.Concept),
        (iri, SKOS.prefLabel, Literal(disease.label, lang="en")),
        (iri, SKOS.notation, Literal(disease.code)),
    ]
    triples += [(iri, SKOS.broader, parent) for parent in map(subject_iri, disease.parents) if parent is not None]
    return tuple(triples)


@lru_cache(maxsize=65536)
def description(name: str) -> tuple[Triple, ...]:
    """The concept of `name` and every broader concept up to the top of the list, each described in full, plus
    the exact matches of `name` itself. Cached: the same tuples are shared by every document naming the
    disease (one copy in memory however many collections have it)."""
    disease = vocab.diseases()[name]
    iri = subject_iri(name)
    seen: dict[str, None] = {}
    todo = [name]
    while todo:
        current = todo.pop()
        if current in seen or current not in vocab.diseases():
            continue
        seen[current] = None
        todo.extend(vocab.diseases()[current].parents)
    triples = [t for current in seen for t in _concept(current)]
    triples += [(iri, SKOS.exactMatch, match) for match in map(subject_iri, disease.exact) if match is not None]
    return tuple(triples)


def named(name: str) -> tuple[Triple, ...]:
    """Just enough of a subject concept for a document that embeds the dataset (a catalogue): its type and
    label, so the subject is still named there, without the hierarchy above it."""
    iri = subject_iri(name)
    return tuple(t for t in _concept(name) if t[0] == iri and t[1] in (RDF.type, SKOS.prefLabel))


def cited(collections: Iterable[Collection]) -> list[str]:
    """The disease names (ORPHA and ICD-10 codes of the list) that `collections` name as subjects, sorted."""
    return sorted({name for coll in collections for name in coll.diagnosis_available
                   if subject_iri(name) is not None})


def collection(base: str, names: Iterable[str]) -> Resource:
    """The document that holds, for the store, the descriptions of the concepts `names` and their broader
    terms (`{base}/vocab/diseases`, a `skos:Collection` of them; header from vocab/diseases.ttl).

    Every dataset document repeats the full description of its subjects, so that a harvester reading one
    document has the labels; stored that way, each description would sit in the named graph of every dataset
    naming the concept (a third of all statements at 10k collections) and the union default graph, which
    Oxigraph evaluates as a bag, would match it once per dataset. This resource's graph holds them instead,
    once (`Resource.holds`)."""
    header = vocab.diseases_header(base)
    iri = URIRef(f"{base}/vocab/diseases")
    res = Resource(iri, "scheme", set(header))
    for name in names:
        res.add(description(name))
    concepts = {s for s, _p, _o in res.triples if s != iri}
    res.add((iri, SKOS.member, concept) for concept in concepts)
    res.holds = frozenset(map(str, concepts))
    return res


def code_value(name: str, form: str) -> Node | None:
    """The `healthdcatap:hasCodeValues` value of a disease in a profile's form: the code's IRI ("iri", Health-RI
    v2.0.2; None when the list gives the code no IRI) or the code itself ("literal", HealthDCAT-AP R8)."""
    disease = vocab.diseases()[name]
    if form == "iri":
        return URIRef(disease.iri) if disease.iri else None
    return Literal(disease.code)


def diseases(iri: URIRef, coll: Collection, forms: Sequence[tuple[str, str]],
             ) -> tuple[list[Triple], list[Triple], dict[str, Variant]]:
    """The dataset's disease statements in the default profile's form (with each subject's type and label), the
    full descriptions of its subject concepts (kept apart so a catalogue that embeds the dataset's summary need
    not repeat whole hierarchies), and for every other profile whose code form differs, its variant. `forms` are
    (profile token, code form) pairs, the default profile first."""
    table = vocab.diseases()
    triples: list[Triple] = []
    described: list[Triple] = []
    systems = set()
    codes: dict[str, list[Triple]] = {}
    for _token, form in forms:
        if form not in codes:
            codes[form] = [(iri, HEALTH.hasCodeValues, value) for value in
                           (code_value(name, form) for name in coll.diagnosis_available) if value is not None]
    default_form = forms[0][1]
    triples += codes[default_form]
    for name in coll.diagnosis_available:
        systems.add(table[name].system)
        subject = subject_iri(name)
        if subject is not None:
            triples.append((iri, DCT.subject, subject))
            triples += named(name)
            described += description(name)
    triples += [(iri, HEALTH.hasCodingSystem, CODING_SYSTEM[s]) for s in sorted(systems)]
    removed = frozenset(codes[default_form])
    variants = {token: Variant(removed, frozenset(codes[form])) for token, form in forms[1:]
                if form != default_form and (removed or codes[form])}
    return triples, described, variants
