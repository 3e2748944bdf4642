"""schema.org JSON-LD for a resource's HTML page, so general search engines (Google Dataset Search, Bioschemas
harvesters) find collections and catalogues without reading DCAT.

The `@context` is an inline object, not the string "https://schema.org": a consumer then needs no remote context
to expand the data (the server never fetches one either), and `url`/`sameAs`/`license` are declared as IRIs.
`script_text` makes the JSON safe inside `<script type="application/ld+json">`: record text such as
`</script>` cannot close the block, because `<`, `>` and `&` are written as JSON `\\u` escapes.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from rdflib import URIRef
from rdflib.namespace import OWL, SKOS

from ..rdf.namespaces import BBFAIR, CV, DCAT, DCT, FDP, FOAF, HEALTH, VCARD
from .docview import Doc
from .model import Page

SCHEMA = "https://schema.org/"
_IRI_TERMS = ("url", "sameAs", "license", "contentUrl", "citation", "inDefinedTermSet", "mainEntityOfPage")
#: inline context: schema.org as the vocabulary, the properties whose values are IRIs declared as such
CONTEXT: dict[str, Any] = {"@vocab": SCHEMA, "schema": SCHEMA,
                           **{term: {"@id": f"schema:{term}", "@type": "@id"} for term in _IRI_TERMS}}

#: rdf:type -> schema.org type, most specific first
_TYPES: tuple[tuple[URIRef, str], ...] = (
    (DCAT.Dataset, "Dataset"), (DCAT.Catalog, "DataCatalog"), (FDP.FAIRDataPoint, "DataCatalog"),
    (DCAT.Distribution, "DataDownload"), (SKOS.ConceptScheme, "DefinedTermSet"), (SKOS.Concept, "DefinedTerm"),
    (FOAF.Person, "Person"), (VCARD.Individual, "Person"), (FOAF.Organization, "Organization"),
    (VCARD.Organization, "Organization"), (FOAF.Agent, "Organization"), (VCARD.Kind, "ContactPoint"),
)


def schema_type(page: Page) -> str | None:
    """The schema.org type IRI of the page's resource ("https://schema.org/Dataset"), or None (containers)."""
    doc = Doc(page)
    for rdf_type, name in _TYPES:
        if doc.has_type(rdf_type):
            return SCHEMA + name
    return None


def _when(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    """Drop empty values so the JSON-LD states only what the record says."""
    return {k: v for k, v in data.items() if v not in (None, "", [], {})}


def _one_or_many(values: list[Any]) -> Any:
    return values[0] if len(values) == 1 else values


def _agent(doc: Doc, node: URIRef) -> dict[str, Any]:
    kind = "Person" if doc.has_type(FOAF.Person, node) or doc.has_type(VCARD.Individual, node) else "Organization"
    emails = [str(e).removeprefix("mailto:") for e in doc.iris(FOAF.mbox, node) + doc.iris(VCARD.hasEmail, node)]
    homepage = doc.iris(FOAF.homepage, node) + doc.iris(VCARD.hasURL, node)
    same = [str(i) for i in doc.iris(OWL.sameAs, node)]
    same += [t for t in doc.texts(DCT.identifier, node) if t.startswith(("https://ror.org/", "https://orcid.org/"))]
    return _clean({"@type": kind, "@id": str(node), "name": doc.name(node),
                   "url": str(homepage[0]) if homepage else None, "email": _one_or_many(emails) if emails else None,
                   "sameAs": same})


def _summary(doc: Doc, node: URIRef, kind: str) -> dict[str, Any]:
    return _clean({"@type": kind, "@id": str(node), "name": doc.name(node), "url": str(node),
                   "description": doc.text(DCT.description, node)})


def _common(doc: Doc, kind: str) -> dict[str, Any]:
    s = doc.subject
    same = [str(i) for i in doc.iris(OWL.sameAs)]
    return {
        "@context": CONTEXT, "@type": kind, "@id": str(s), "url": str(s), "name": doc.name(),
        "alternateName": doc.text(DCT.alternative), "description": doc.text(DCT.description),
        "identifier": _one_or_many(doc.texts(DCT.identifier)) if doc.texts(DCT.identifier) else None,
        "sameAs": same,
    }


def _creative(doc: Doc) -> dict[str, Any]:
    """Properties that datasets and catalogues share (schema.org CreativeWork)."""
    licences = [str(i) for i in doc.licences()]
    return {
        "license": _one_or_many(licences) if licences else None,
        "publisher": [_agent(doc, a) for a in doc.iris(DCT.publisher)],
        "creator": [_agent(doc, a) for a in doc.iris(DCT.creator)],
        "keywords": doc.texts(DCAT.keyword),
        "inLanguage": [doc.name(lang) for lang in doc.iris(DCT.language)],
        "spatialCoverage": [{"@type": "Place", "name": doc.name(p)} for p in doc.iris(DCT.spatial)],
        "datePublished": _when(doc.when(DCT.issued)), "dateModified": _when(doc.when(DCT.modified)),
        "citation": [str(i) for i in doc.iris(DCT.isReferencedBy)],
    }


def _conditions(doc: Doc) -> list[dict[str, Any]]:
    """Diseases of a collection as MedicalCondition, with their ICD-10/ORPHA codes and names."""
    found: dict[str, dict[str, Any]] = {}
    for disease in doc.diseases():
        code = {"@type": "MedicalCode", "codeValue": disease["code"], "codingSystem": disease["system"]}
        found[str(disease["href"] or disease["code"])] = _clean({
            "@type": "MedicalCondition", "@id": disease["href"], "name": disease["name"], "code": code})
    for subject in doc.iris(DCT.subject):
        found.setdefault(str(subject), {"@type": "MedicalCondition", "@id": str(subject), "name": doc.name(subject)})
    return [found[k] for k in sorted(found)]


def _measures(doc: Doc) -> list[dict[str, Any]]:
    out = []
    for label, predicate in (("Number of donors", HEALTH.numberOfUniqueIndividuals),
                             ("Number of samples", HEALTH.numberOfRecords)):
        value = doc.number(predicate)
        if value is not None:
            out.append({"@type": "PropertyValue", "name": label, "value": value})
    low, high = doc.number(HEALTH.minTypicalAge), doc.number(HEALTH.maxTypicalAge)
    if low is not None or high is not None:
        out.append(_clean({"@type": "PropertyValue", "name": "Age of donors", "minValue": low, "maxValue": high,
                           "unitText": "years"}))
    for label, predicate in (("Material type", BBFAIR.materialType), ("Sex", BBFAIR.sex)):
        values = [doc.name(v) for v in doc.iris(predicate)]
        if values:
            out.append({"@type": "PropertyValue", "name": label, "value": _one_or_many(values)})
    return out


def _distribution(doc: Doc, node: URIRef) -> dict[str, Any]:
    access = doc.iris(DCAT.accessURL, node)
    download = doc.iris(DCAT.downloadURL, node)
    media = [str(m).rsplit("/media-types/", 1)[-1] for m in doc.iris(DCAT.mediaType, node)]
    licences = [str(i) for i in doc.iris(DCT.license, node)]
    return _clean({"@type": "DataDownload", "@id": str(node), "name": doc.name(node),
                   "description": doc.text(DCT.description, node),
                   "url": str(access[0]) if access else None, "contentUrl": str(download[0]) if download else None,
                   "encodingFormat": media[0] if media else None,
                   "license": _one_or_many(licences) if licences else None})


def _dataset(doc: Doc) -> dict[str, Any]:
    parents = doc.iris(DCT.isPartOf)
    catalogues = [p for p in parents if not doc.is_dataset(p)]
    rights = [doc.name(r) for r in doc.iris(DCT.accessRights)]
    return {
        **_creative(doc),
        "includedInDataCatalog": [_summary(doc, c, "DataCatalog") for c in catalogues],
        "isPartOf": [_summary(doc, p, "Dataset") for p in parents if p not in catalogues],
        "hasPart": [_summary(doc, p, "Dataset") for p in doc.iris(DCT.hasPart)],
        "distribution": [_distribution(doc, d) for d in doc.iris(DCAT.distribution)],
        "about": _conditions(doc), "variableMeasured": _measures(doc),
        "conditionsOfAccess": "; ".join(f"Access: {r}" for r in rights) or None,
        "subjectOf": [{"@type": "WebPage", "url": str(p)} for p in doc.iris(DCAT.landingPage)],
    }


def _catalog(doc: Doc) -> dict[str, Any]:
    members = doc.iris(DCAT.catalog) + doc.iris(FDP.metadataCatalog)
    return {
        **_creative(doc),
        "dataset": [_summary(doc, d, "Dataset") for d in doc.iris(DCAT.dataset)],
        "hasPart": [_summary(doc, c, "DataCatalog") for c in members],
        "isPartOf": [_summary(doc, p, "DataCatalog") for p in doc.iris(DCT.isPartOf)],
    }


def jsonld(page: Page) -> dict[str, Any] | None:
    """The schema.org description of the page's resource as a JSON-LD object, or None for kinds schema.org has
    nothing useful for (LDP containers)."""
    type_iri = schema_type(page)
    if type_iri is None:
        return None
    doc = Doc(page)
    kind = type_iri.removeprefix(SCHEMA)
    data = _common(doc, kind)
    if kind == "Dataset":
        data.update(_dataset(doc))
    elif kind == "DataCatalog":
        data.update(_catalog(doc))
    elif kind == "DataDownload":
        distribution = _distribution(doc, doc.subject)
        distribution.pop("@type"), distribution.pop("@id")
        data.update(distribution)
        data["isPartOf"] = [_summary(doc, p, "Dataset") for p in doc.iris(DCT.isPartOf)]
    elif kind in ("Person", "Organization"):
        agent = _agent(doc, doc.subject)
        data.update({k: v for k, v in agent.items() if k not in ("@type", "@id", "url")})
        homepage = doc.iris(FOAF.homepage) + doc.iris(VCARD.hasURL)
        data["mainEntityOfPage"] = str(homepage[0]) if homepage else None
        if kind == "Person":
            data["jobTitle"] = doc.text(VCARD.role)
        phones = [str(t).removeprefix("tel:") for t in doc.iris(VCARD.hasTelephone)]
        data["telephone"] = phones[0] if phones else None
        points = doc.iris(CV.contactPoint)
        data["contactPoint"] = [_clean({"@type": "ContactPoint", "email": doc.text(CV.email, p)}) for p in points]
    elif kind == "ContactPoint":
        data["email"] = ", ".join(str(e).removeprefix("mailto:") for e in doc.iris(VCARD.hasEmail)) or None
    elif kind == "DefinedTerm":
        data["termCode"] = doc.text(SKOS.notation)
        data["description"] = doc.text(SKOS.definition) or data["description"]
        data["inDefinedTermSet"] = [str(s) for s in doc.iris(SKOS.inScheme)]
        data["sameAs"] = data["sameAs"] + [str(m) for m in doc.iris(SKOS.exactMatch)]
    elif kind == "DefinedTermSet":
        data["hasDefinedTerm"] = [_clean({"@type": "DefinedTerm", "@id": str(c), "name": doc.name(c)})
                                  for c in doc.iris(SKOS.hasTopConcept)]
    return _clean({k: (v if not isinstance(v, list) else [x for x in v if x not in (None, "", {})])
                   for k, v in data.items()})


def script_text(data: dict[str, Any]) -> str:
    """`data` as JSON that can sit inside `<script type="application/ld+json">…</script>` as it is: `<`, `>` and
    `&` (and the line separators JavaScript parsers trip on) become `\\u` escapes, which JSON reads back as the
    same characters. Put the result in the template unescaped (it is already safe)."""
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False)
    for char, escape in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return text


__all__ = ["CONTEXT", "SCHEMA", "jsonld", "schema_type", "script_text"]
