"""What each kind of page shows, as plain values for the templates: a collection's diseases with names, its
materials, counts, biobank, contact and access route; a catalogue's biobanks or collections with counts; an
agent's or contact's details; a concept's mappings; a container's members. Templates only lay these out, so
every name lookup and number formatting happens here, once, and is testable without HTML."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from rdflib import URIRef
from rdflib.namespace import OWL, RDFS, SKOS
from rdflib.term import Node

from ..rdf.namespaces import BBFAIR, CV, DCAT, DCATAP, DCT, FDP, FOAF, GEODCATAP, HEALTH, LDP, VCARD
from .docview import Doc, Ref, curie
from .labels import fallback_label

Value = Ref | str


@dataclass
class Field:
    """One labelled row of a definition list; `values` are links or plain text."""

    label: str
    values: list[Value]
    chips: bool = False  # show as tags rather than a comma-separated line


@dataclass
class Card:
    """A small box about one related resource (a biobank, a contact, an access route, a member catalogue)."""

    ref: Ref | None
    title: str
    lines: list[Field] = field(default_factory=list)
    text: str | None = None
    action: Ref | None = None  # the main button (e.g. "Request access")


def number(value: int | None) -> str | None:
    return None if value is None else f"{value:,}"


def when(value: datetime | date | None) -> str | None:
    """A date as people read it ("31 March 2025")."""
    return None if value is None else f"{value.day} {value:%B %Y}"


def _fields(rows: list[tuple[str, list[Value]]], chips: tuple[str, ...] = ()) -> list[Field]:
    return [Field(label, values, label in chips) for label, values in rows if values]


def text_values(*texts: str | None) -> list[Value]:
    return [t for t in texts if t]


def mail_refs(doc: Doc, node: Node, *predicates: URIRef) -> list[Value]:
    out: list[Value] = []
    for predicate in predicates:
        for iri in doc.iris(predicate, node):
            out.append(Ref(str(iri), str(iri).removeprefix("mailto:").removeprefix("tel:"), True))
    return out


def agent_card(doc: Doc, node: URIRef, role: str = "") -> Card:
    """A biobank, network, publisher or access body, from its description embedded in the document."""
    emails = mail_refs(doc, node, FOAF.mbox)
    if not emails:
        emails = [Ref(f"mailto:{e}", e, True) for p in doc.iris(CV.contactPoint, node) for e in doc.texts(CV.email, p)]
    homepage = doc.refs(FOAF.homepage, node)
    return Card(doc.ref(node), doc.name(node), _fields([
        ("Role", text_values(role)), ("Homepage", homepage), ("Email", emails),
        ("Country", doc.refs(DCT.spatial, node)),
    ]))


def contact_card(doc: Doc, node: URIRef) -> Card:
    """A contact point (vcard) as a card: name, role, email, telephone, web page."""
    return Card(doc.ref(node), doc.name(node), _fields([
        ("Role", text_values(doc.text(VCARD.role, node))),
        ("Organisation", text_values(doc.text(VCARD["organization-name"], node))),
        ("Email", mail_refs(doc, node, VCARD.hasEmail)),
        ("Telephone", mail_refs(doc, node, VCARD.hasTelephone)),
        ("Web page", doc.refs(VCARD.hasURL, node)),
    ]))


def distribution_card(doc: Doc, node: URIRef) -> Card:
    """An access route: what to do and where, under which terms."""
    access = doc.refs(DCAT.accessURL, node)
    download = doc.refs(DCAT.downloadURL, node)
    target = (download or access or [None])[0]
    action = Ref(target.href, "Request access" if not download else "Download", True) if target else None
    return Card(doc.ref(node), doc.name(node), _fields([
        ("Access page", access), ("Download", download), ("Licence", doc.refs(DCT.license, node)),
        ("Access policy", doc.refs(DCT.rights, node)), ("Format", doc.refs(DCT.format, node)),
    ]), doc.text(DCT.description, node), action)


def age_range(doc: Doc, node: Node | None = None) -> str | None:
    low = doc.number(HEALTH.minTypicalAge, node)
    high = doc.number(HEALTH.maxTypicalAge, node)
    unit = "years"
    if low is None and high is None:
        low, high = doc.number(BBFAIR.ageLow, node), doc.number(BBFAIR.ageHigh, node)
        units = doc.iris(BBFAIR.ageUnit, node)
        unit = doc.name(units[0]).lower() if units else ""
        unit = unit if unit.endswith("s") or not unit else unit + "s"
    if low is None and high is None:
        return None
    if low is None:
        return f"up to {high} {unit}".strip()
    if high is None:
        return f"{low}+ {unit}".strip()
    return f"{low}–{high} {unit}".strip()


def dataset_view(doc: Doc) -> dict[str, Any]:
    parents = doc.iris(DCT.isPartOf)
    catalogues = [p for p in parents if not doc.is_dataset(p)]
    agents = list(dict.fromkeys(doc.iris(GEODCATAP.custodian) + doc.iris(DCT.publisher) + doc.iris(DCT.creator)))
    stats = [(label, value) for label, value in (
        ("Donors", number(doc.number(HEALTH.numberOfUniqueIndividuals))),
        ("Samples", number(doc.number(HEALTH.numberOfRecords))),
        ("Age", age_range(doc)),
        ("Sex", ", ".join(doc.name(x) for x in doc.iris(BBFAIR.sex)) or None),
    ) if value]
    provenance = [t for p in doc.objects(DCT.provenance) for t in [doc.text(DCT.description, p)] if t]
    return {
        "stats": stats,
        "diseases": doc.diseases(),
        "samples": _fields([
            ("Material types", doc.refs(BBFAIR.materialType)),
            ("Storage temperatures", doc.refs(BBFAIR.storageTemperature)),
            ("Data available", doc.refs(BBFAIR.dataCategory)),
            ("Collection types", doc.refs(BBFAIR.collectionType)),
            ("Research areas", doc.refs(BBFAIR.category)),
            ("Size (order of magnitude)", doc.refs(BBFAIR.orderOfMagnitude)),
            ("Population", text_values(doc.text(HEALTH.populationCoverage))),
        ], chips=("Material types", "Storage temperatures", "Data available", "Collection types", "Research areas")),
        "biobanks": [agent_card(doc, a) for a in agents],
        "catalogues": [doc.ref(c) for c in catalogues],
        "parents": [doc.ref(p) for p in parents if p not in catalogues],
        "children": doc.refs(DCT.hasPart),
        "contacts": [contact_card(doc, c) for c in doc.iris(DCAT.contactPoint)],
        "access": [distribution_card(doc, d) for d in doc.iris(DCAT.distribution)],
        "access_fields": _fields([
            ("Access rights", doc.refs(DCT.accessRights)),
            ("Conditions of use", doc.refs(BBFAIR.dataUse)),
            ("Commercial use", text_values({"true": "allowed", "false": "not allowed"}.get(
                str(next(iter(doc.objects(BBFAIR.commercialUse)), "")).lower()))),
            ("Health data access body", doc.refs(HEALTH.hdab)),
        ], chips=("Conditions of use",)),
        "keywords": doc.texts(DCAT.keyword),
        "provenance": provenance,
        "details": _fields([
            ("Identifier", text_values(*doc.texts(DCT.identifier))),
            ("Health category", doc.refs(HEALTH.healthCategory)),
            ("Coding systems", doc.refs(HEALTH.hasCodingSystem)),
            ("Theme", doc.refs(DCAT.theme)),
            ("Dataset type", doc.refs(DCT.type)),
            ("Languages", doc.refs(DCT.language)),
            ("Country", doc.refs(DCT.spatial)),
            ("Applicable legislation", doc.refs(DCATAP.applicableLegislation)),
        ]),
    }


def _dataset_row(doc: Doc, node: URIRef) -> dict[str, Any]:
    return {
        "ref": doc.ref(node), "alt": doc.text(DCT.alternative, node),
        "description": doc.text(DCT.description, node),
        "donors": doc.number(HEALTH.numberOfUniqueIndividuals, node),
        "samples": doc.number(HEALTH.numberOfRecords, node),
        "donors_text": number(doc.number(HEALTH.numberOfUniqueIndividuals, node)) or "–",
        "samples_text": number(doc.number(HEALTH.numberOfRecords, node)) or "–",
        "materials": [r.label for r in doc.refs(BBFAIR.materialType, node)],
        "diseases": [str(d["name"]) for d in doc.diseases(node)],
        "part_of": [p for p in doc.iris(DCT.isPartOf, node) if doc.is_dataset(p)],
    }


def catalog_view(doc: Doc) -> dict[str, Any]:
    members = doc.iris(DCAT.catalog) + doc.iris(FDP.metadataCatalog)
    rows = sorted((_dataset_row(doc, d) for d in doc.iris(DCAT.dataset)), key=lambda r: r["ref"].label.casefold())
    listed = {r["ref"].href for r in rows}
    top = [r for r in rows if not any(str(p) in listed for p in r["part_of"])]
    datasets = []  # each collection followed by its sub-collections (that this catalogue lists too)
    for row in top:
        datasets.append(row)
        datasets += [r for r in rows if row["ref"].href in {str(p) for p in r["part_of"]}]
    datasets += [r for r in rows if r not in datasets]
    for row in datasets:
        row["nested"] = row not in top
    # sub-collections are counted in their parents
    donors = [r["donors"] for r in top if r["donors"] is not None]
    samples = [r["samples"] for r in top if r["samples"] is not None]
    stats = [(label, value) for label, value in (
        ("Member biobanks" if rows else "Biobanks and networks", number(len(members) or None)),
        ("Collections", number(len(datasets)) if datasets else None),
        ("Donors (total)", number(sum(donors)) if donors else None),
        ("Samples (total)", number(sum(samples)) if samples else None),
    ) if value]
    cards = []
    for node in members:
        publisher = doc.iris(DCT.publisher, node)
        cards.append(Card(doc.ref(node), doc.name(node), _fields([
            ("Publisher", [doc.ref(p) for p in publisher if doc.name(p) != doc.name(node)]),
        ]), doc.text(DCT.description, node)))
    cards.sort(key=lambda c: c.title.casefold())
    return {
        "stats": stats, "members": cards, "datasets": datasets,
        "contacts": [contact_card(doc, c) for c in doc.iris(DCAT.contactPoint)],
        "publishers": [agent_card(doc, a) for a in doc.iris(DCT.publisher)],
        "details": _fields([
            ("Identifier", text_values(*doc.texts(DCT.identifier))),
            ("Homepage", doc.refs(FOAF.homepage)),
            ("Licence", doc.refs(DCT.license)),
            ("Languages", doc.refs(DCT.language)),
            ("Country", doc.refs(DCT.spatial)),
            ("Themes", doc.refs(DCAT.themeTaxonomy)),
            ("Applicable legislation", doc.refs(DCATAP.applicableLegislation)),
        ]),
    }


def fdp_view(doc: Doc) -> dict[str, Any]:
    cards = [Card(doc.ref(c), doc.name(c), [], doc.text(DCT.description, c), Ref(str(c), "Browse the catalogue", False))
             for c in doc.iris(FDP.metadataCatalog)]
    return {
        "members": cards,
        "publishers": [agent_card(doc, a) for a in doc.iris(DCT.publisher)],
        "details": _fields([
            ("Licence", doc.refs(DCT.license)),
            ("Conforms to", doc.refs(FDP.conformsToFdpSpec) + doc.refs(DCT.conformsTo)),
            ("Endpoint", doc.refs(DCAT.endpointURL)),
        ]),
    }


def distribution_view(doc: Doc) -> dict[str, Any]:
    card = distribution_card(doc, doc.subject)
    size = number(doc.number(DCAT.byteSize))
    return {
        "action": card.action,
        "details": _fields([
            ("Access page", doc.refs(DCAT.accessURL)), ("Download", doc.refs(DCAT.downloadURL)),
            ("Collection", doc.refs(DCT.isPartOf)), ("Licence", doc.refs(DCT.license)),
            ("Access policy", doc.refs(DCT.rights)), ("Format", doc.refs(DCT.format)),
            ("Media type", [r.href.rsplit("/media-types/", 1)[-1] for r in doc.refs(DCAT.mediaType)]),
            ("Size of the page", text_values(size and f"{size} bytes")),
            ("Applicable legislation", doc.refs(DCATAP.applicableLegislation)),
        ]),
    }


def agent_view(doc: Doc) -> dict[str, Any]:
    card = agent_card(doc, doc.subject)
    return {"details": _fields([("Identifier", text_values(*doc.texts(DCT.identifier)))]) + card.lines}


def contact_view(doc: Doc) -> dict[str, Any]:
    card = contact_card(doc, doc.subject)
    names = text_values(" ".join(t for t in (doc.text(VCARD["given-name"]), doc.text(VCARD["family-name"])) if t))
    return {"details": card.lines + _fields([("Name", names),
                                              ("Identifier", text_values(*doc.texts(DCT.identifier)))])}


def container_view(doc: Doc) -> dict[str, Any]:
    members = [doc.ref(m) for m in doc.iris(LDP.contains)]
    members.sort(key=lambda r: r.label.casefold())
    return {
        "members": members,
        "details": _fields([
            ("Members of", doc.refs(LDP.membershipResource)),
            ("Member relation", [Ref(str(r), curie(str(r)), True, False) for r in doc.iris(LDP.hasMemberRelation)]),
        ]),
    }


def mappings(doc: Doc, predicate: URIRef) -> list[Value]:
    """Equivalent terms elsewhere (OBI, PATO, NCIT …) shown by their own code, not by this concept's label."""
    return [Ref(str(m), fallback_label(str(m)), not doc.is_local(str(m)), False) for m in doc.iris(predicate)]


def concept_view(doc: Doc) -> dict[str, Any]:
    return {
        "definition": doc.text(SKOS.definition),
        "details": _fields([
            ("Code", text_values(doc.text(SKOS.notation))),
            ("Vocabulary", doc.refs(SKOS.inScheme)),
            ("Broader", doc.refs(SKOS.broader)), ("Narrower", doc.refs(SKOS.narrower)),
            ("Exact match", mappings(doc, SKOS.exactMatch)), ("Close match", mappings(doc, SKOS.closeMatch)),
            ("Broad match", mappings(doc, SKOS.broadMatch)), ("Narrow match", mappings(doc, SKOS.narrowMatch)),
            ("Related match", mappings(doc, SKOS.relatedMatch)),
        ]),
    }


def scheme_view(doc: Doc) -> dict[str, Any]:
    """A code list (`skos:hasTopConcept`) or the catalogue's disease concepts (a `skos:Collection`, whose
    members are other vocabularies' concepts, shown with their own notation)."""
    members = [(doc.ref(c), doc.text(SKOS.notation, c)) for c in doc.iris(SKOS.hasTopConcept) + doc.iris(SKOS.member)]
    members.sort(key=lambda m: m[0].label.casefold())
    return {
        "members": [{"ref": r, "code": code or r.href.rstrip("/").rsplit("/", 1)[-1]} for r, code in members],
        "details": _fields([("Source", doc.refs(DCT.source))]),
    }


VIEWS: dict[str, Callable[[Doc], dict[str, Any]]] = {
    "fdp": fdp_view, "catalog": catalog_view, "dataset": dataset_view, "distribution": distribution_view,
    "agent": agent_view, "contact": contact_view, "container": container_view, "concept": concept_view,
    "scheme": scheme_view,
}

#: links to other resources and infrastructures, shown in every page's "Links" section, in this order
LINK_PREDICATES: tuple[tuple[str, URIRef], ...] = (
    ("Related resource", DCT.relation), ("See also", RDFS.seeAlso), ("Same as", OWL.sameAs),
    ("Identifier", DCT.identifier), ("Referenced by", DCT.isReferencedBy), ("Subject", DCT.subject),
    ("Homepage", FOAF.homepage), ("Landing page", DCAT.landingPage), ("Page", FOAF.page),
    ("Source", DCT.source), ("Conforms to", DCT.conformsTo),
)
