"""A collection → `dcat:Dataset` (HealthDCAT-AP health dataset, NON_PUBLIC level by default) and its access
route → `dcat:Distribution`.

Mapping follows standards.md §10: diseases to `healthdcatap:hasCodeValues` + `hasCodingSystem`, `dct:subject`
concepts with labels and broader terms (`diseases`) and labelled keywords (never `dcat:theme`, which stays the
EU data theme HEAL); related resources and publications to `dct:relation` / `rdfs:seeAlso` /
`dct:isReferencedBy` (`links`); donors to
`numberOfUniqueIndividuals`, samples to `numberOfRecords`, ages to whole years; MIABIS values kept as our
code-list concepts under bbfair extension properties. HealthData@EU health categories and themes come from the
data categories and ICD-10 diagnoses (`health`); location, other identifiers, quality certificates and the EJP RD
flags from `annotations`. The Directory's FAIR Data Point columns: `publisher` (a Publishers record) is the
dataset's publisher instead of its biobank (which stays creator and custodian), `license` its `dct:license`,
`language` its `dct:language` (instead of the catalogue languages); `catalog` lists it in a Directory catalogue
(`dircatalogs`).
"""

from __future__ import annotations

import math

from rdflib import Literal, URIRef

from ..rdf import vocab
from ..rdf.namespaces import BBFAIR, DCAT, DCATAP, DCT, FOAF, GEODCATAP, HEALTH, LDP, ODRL, RDF, XSD
from ..records import Collection
from . import agents, annotations, diseases, links
from .context import EHDS, HEAL, HTML_FILE, HTML_MEDIA, Context, count, when
from .health import health_categories, health_themes
from .resource import Resource, Triple

#: days per age unit, to turn MIABIS ages into the whole years HealthDCAT-AP wants
_DAYS = {"YEAR": 365.25, "MONTH": 365.25 / 12, "WEEK": 7.0, "DAY": 1.0}

_EXTENSIONS = (
    ("materials", "material-type", BBFAIR.materialType),
    ("storage_temperatures", "storage-temperature", BBFAIR.storageTemperature),
    ("type", "collection-type", BBFAIR.collectionType),
    ("data_categories", "data-category", BBFAIR.dataCategory),
    ("categories", "category", BBFAIR.category),
    ("data_use", "data-use", BBFAIR.dataUse),
    ("access_fee", "access-type", BBFAIR.accessFee),
    ("access_joint_project", "access-type", BBFAIR.accessJointProject),
    ("sop", "sop", BBFAIR.sop),
)


def years(value: int, unit: str | None, upper: bool) -> int:
    """Age in whole years: lower bounds round down, upper bounds round up, so the range still covers."""
    days = value * _DAYS.get(unit or "YEAR", 365.25)
    exact = days / 365.25
    return math.ceil(exact - 1e-9) if upper else math.floor(exact + 1e-9)


def _keywords(ctx: Context, coll: Collection) -> list[str]:
    words: list[str] = list(coll.keywords)
    table = vocab.diseases()
    words += [table[d].label for d in coll.diagnosis_available]
    words += [ctx.label("material-type", m) for m in coll.materials]
    words += [ctx.label("collection-type", t) for t in coll.type]
    words += [ctx.label("category", c) for c in coll.categories]
    seen: dict[str, None] = {}
    for word in words:
        seen.setdefault(word.strip(), None)
    return [w for w in seen if w]


def _coverage(ctx: Context, coll: Collection) -> str | None:
    parts = []
    if coll.sex:
        parts.append("sex: " + ", ".join(ctx.label("sex", s).lower() for s in coll.sex))
    if coll.age_low is not None or coll.age_high is not None:
        unit = ctx.label("age-unit", coll.age_unit).lower() + "s" if coll.age_unit else "years"
        low = "" if coll.age_low is None else str(coll.age_low)
        high = "" if coll.age_high is None else str(coll.age_high)
        parts.append(f"age {low}–{high} {unit}".replace(" –", " up to ").replace("– ", "from "))
    if coll.location or coll.country:
        where = ", ".join(p for p in (coll.location, vocab.countries()[coll.country].label) if p)
        parts.append(f"donors recruited in {where}")
    return "; ".join(parts) + "." if parts else None


def _provenance(ctx: Context, coll: Collection) -> str:
    biobank = ctx.catalogue.biobanks[coll.biobank]
    types = ", ".join(ctx.label("collection-type", t) for t in coll.type)
    held = biobank.name + (f" ({biobank.juridical_person})" if biobank.juridical_person else "")
    text = f"Sample collection of type {types}, held by {held}"
    if coll.data_categories:
        text += "; data available: " + ", ".join(ctx.label("data-category", d) for d in coll.data_categories)
    return text + ". Described in the BBMRI-ERIC Directory as " + coll.id + "."


def distribution(ctx: Context, coll: Collection, dataset: URIRef) -> Resource:
    """The collection's access route: the access URI of the record, else the node's request page, else the
    collection's Directory page (from which the BBMRI-ERIC Negotiator is reached)."""
    iri = ctx.iris.distribution(coll.id)
    access = ctx.config.access
    if coll.access_uri:
        url = URIRef(coll.access_uri)
    elif access.request_url:
        url = URIRef(access.request_url)
        ctx.note("distribution accessURL: the node's access-request page (no access_uri)")
    else:
        url = ctx.directory_page("collection", coll.id)
        ctx.note("distribution accessURL: the collection's Directory page (no access_uri)")
    license_, policy = URIRef(access.license), URIRef(access.policy)
    res = Resource(iri, "distribution", set(), coll.id, coll.source, parent=dataset, table="Collections")
    triples: list[Triple] = [
        (iri, RDF.type, DCAT.Distribution),
        (iri, DCT.title, Literal(f"Access to {coll.name}", lang="en")),
        (iri, DCT.description, Literal(coll.access_description or
                                       "Request access to samples and data of this collection.", lang="en")),
        (iri, DCAT.accessURL, url),
        (iri, DCATAP.applicableLegislation, EHDS),
        (iri, DCT.format, HTML_FILE),
        (iri, DCAT.mediaType, HTML_MEDIA),
        (iri, DCT.license, license_),
        (license_, RDF.type, DCT.LicenseDocument),
        (iri, DCT.rights, policy),
        (policy, RDF.type, DCT.RightsStatement),
        (iri, DCAT.byteSize, Literal(str(access.byte_size), datatype=XSD.nonNegativeInteger)),
        (iri, DCT.isPartOf, dataset),
    ]
    if coll.duc_profile:  # the collection's Digital Use Conditions profile: a policy of its access route
        triples += [(iri, ODRL.hasPolicy, URIRef(coll.duc_profile)), (URIRef(coll.duc_profile), RDF.type, ODRL.Policy)]
    res.add(triples)
    return res


def dataset(ctx: Context, coll: Collection, children: list[URIRef]) -> tuple[Resource, Resource, Resource]:
    """The collection's dataset document, its distribution document and its distributions' LDP container (a
    document of its own too: every IRI a document names in bbfair's namespace resolves)."""
    iri = ctx.iris.dataset(coll.id)
    biobank = ctx.catalogue.biobanks[coll.biobank]
    catalog = ctx.iris.catalog(biobank.id)
    dist = distribution(ctx, coll, iri)
    res = Resource(iri, "dataset", set(), coll.id, coll.source, parent=catalog, table="Collections")
    creator, creator_desc = agents.biobank_agent(ctx, biobank)
    if coll.publisher in ctx.catalogue.publishers:
        publisher, publisher_desc = agents.publisher_agent(ctx, ctx.catalogue.publishers[coll.publisher])
    else:
        publisher, publisher_desc = creator, creator_desc
    hdab, hdab_desc = agents.hdab_agent(ctx)
    contact, contact_desc = agents.person_contact(ctx, ctx.catalogue.persons[coll.contact])
    provenance = URIRef(f"{iri}#provenance")
    en = "en"
    t: list[Triple] = [
        (iri, RDF.type, DCAT.Dataset),
        (iri, DCT.identifier, Literal(coll.id)),
        (iri, DCT.title, Literal(coll.name, lang=en)),
        (iri, DCT.description, Literal(coll.description, lang=en)),
        (iri, DCT.publisher, publisher),
        (iri, DCT.creator, creator),
        (iri, GEODCATAP.custodian, creator),
        (iri, HEALTH.hdab, hdab),
        (iri, DCAT.contactPoint, contact),
        (iri, DCAT.theme, HEAL),
        (iri, DCT.accessRights, ctx.access_rights),
        (iri, DCATAP.applicableLegislation, EHDS),
        (iri, DCT.type, ctx.dataset_type),
        (iri, DCT.provenance, provenance),
        (provenance, RDF.type, DCT.ProvenanceStatement),
        (provenance, DCT.description, Literal(_provenance(ctx, coll), lang=en)),
        (iri, HEALTH.hasStructuredData, Literal(False)),
        (iri, DCT.spatial, ctx.country(coll.country)),
        (iri, DCAT.distribution, dist.iri),
        (iri, DCT.isPartOf, catalog),
    ]
    t += [(iri, DCT.language, lang) for lang in ctx.languages(coll.language)]
    t += [(iri, HEALTH.healthCategory, category) for category in health_categories(coll)]
    t += [(iri, HEALTH.healthTheme, theme) for theme in health_themes(coll)]
    if coll.license:
        t += [(iri, DCT.license, URIRef(coll.license)), (URIRef(coll.license), RDF.type, DCT.LicenseDocument)]
    t += annotations.location(iri, coll.location, coll.latitude, coll.longitude)
    t += annotations.identifiers(ctx, iri, coll.also_known)
    t += annotations.quality(ctx, iri, ctx.quality.get(coll.id, ()))
    t += annotations.ejp(iri, coll.EJP_RD_personalData, coll.EJP_RD_vpConnection)
    t += annotations.collaboration(iri, coll.collaboration_commercial, coll.collaboration_non_for_profit)
    if coll.acronym:
        t.append((iri, DCT.alternative, Literal(coll.acronym)))
    if coll.url:
        t += [(iri, DCAT.landingPage, URIRef(coll.url)), (URIRef(coll.url), RDF.type, FOAF.Document)]
    t += [(iri, DCAT.keyword, Literal(word, lang=en)) for word in _keywords(ctx, coll)]
    if coll.number_of_donors is not None:
        t.append((iri, HEALTH.numberOfUniqueIndividuals, count(coll.number_of_donors)))
    if coll.size is not None:
        t.append((iri, HEALTH.numberOfRecords, count(coll.size)))
    if coll.age_low is not None:
        t.append((iri, HEALTH.minTypicalAge, count(years(coll.age_low, coll.age_unit, upper=False))))
        t.append((iri, BBFAIR.ageLow, Literal(coll.age_low)))
    if coll.age_high is not None:
        t.append((iri, HEALTH.maxTypicalAge, count(years(coll.age_high, coll.age_unit, upper=True))))
        t.append((iri, BBFAIR.ageHigh, Literal(coll.age_high)))
    if coll.age_unit:
        t.append((iri, BBFAIR.ageUnit, ctx.concept("age-unit", coll.age_unit)))
        if coll.age_unit != "YEAR" and (coll.age_low is not None or coll.age_high is not None):
            ctx.note(f"ages converted from {coll.age_unit.lower()}s to whole years")
    coverage = _coverage(ctx, coll)
    if coverage:
        t.append((iri, HEALTH.populationCoverage, Literal(coverage, lang=en)))
    forms = [(p.token, p.code_values) for p in ctx.profiles.profiles]
    disease_triples, described, res.variants = diseases.diseases(iri, coll, forms)
    t += disease_triples
    for own, about in (links.related(ctx, iri, coll.related), links.publications(ctx, iri, coll.publications)):
        t += own
        described += about
    for sex in coll.sex:
        concept = vocab.code_lists()["sex"][sex]
        pato = [m for m in concept.exact_match if "PATO_" in m]
        t.append((iri, BBFAIR.sex, URIRef(pato[0]) if pato else ctx.concept("sex", sex)))
    for column, scheme, prop in _EXTENSIONS:
        t += [(iri, prop, ctx.concept(scheme, code)) for code in getattr(coll, column)]
    if coll.order_of_magnitude:
        t.append((iri, BBFAIR.orderOfMagnitude, ctx.concept("sample-size", coll.order_of_magnitude)))
    if coll.order_of_magnitude_donors:
        t.append((iri, BBFAIR.orderOfMagnitudeDonors, ctx.concept("sample-size", coll.order_of_magnitude_donors)))
    if coll.commercial_use is not None:
        t.append((iri, BBFAIR.commercialUse, Literal(coll.commercial_use)))
    if coll.parent_collection:
        t.append((iri, DCT.isPartOf, ctx.iris.dataset(coll.parent_collection)))
    t += [(iri, DCT.hasPart, child) for child in children]
    issued = coll.issued or coll.timestamp
    modified = coll.modified or coll.timestamp
    if issued:
        t.append((iri, DCT.issued, when(issued)))
    if modified:
        t.append((iri, DCT.modified, when(modified)))
    container = ctx.iris.container(iri, "distributions")
    listing = [
        (container, RDF.type, LDP.DirectContainer),
        (container, DCT.title, Literal(f"Distributions of {coll.name}", lang=en)),
        (container, LDP.membershipResource, iri),
        (container, LDP.hasMemberRelation, DCAT.distribution),
        (container, LDP.contains, dist.iri),
    ]
    cont = Resource(container, "container", set(listing), parent=iri)
    t += listing
    res.add(t)
    res.add(described)
    res.add(publisher_desc)
    res.add(creator_desc)
    res.add(hdab_desc)
    res.add(contact_desc)
    res.add(dist.triples)  # the distribution's full description travels with the dataset
    # a catalogue embedding this dataset gets its statements, not the disease hierarchies and linked resources
    skipped = set(described).difference(t)
    res.summary = [triple for triple in res.triples if triple[0] != container and triple not in skipped]
    res.summary_variants = res.variants  # every varying statement (the disease codes) is in the summary too
    return res, dist, cont
