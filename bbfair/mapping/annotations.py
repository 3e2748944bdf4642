"""What the Directory says about a biobank, collection or network besides its core description, as DCAT-AP 3
and its companions have it: where it is (`dct:spatial` with a `dct:Location`, `dcat:centroid`), where else it is
known (`adms:identifier`), which quality standards it is certified for (`dqv:hasQualityAnnotation`), its EJP RD
Virtual Platform flags, and whether it is open to collaborations (bbfair extension properties).

Each function returns the triples to add to the record's own document. The nodes they describe are hash IRIs
under the record (`{record}#location`, `{record}#id-…`, `{record}#quality-…`): the range checks of DCAT-AP and
HealthDCAT-AP want them typed in every document that names them, so they travel with the record's summary too.
"""

from __future__ import annotations

from collections.abc import Sequence

from rdflib import Literal, URIRef

from ..rdf.namespaces import ADMS, BBFAIR, DCAT, DCT, DQV, EJP, FOAF, GSP, LOCN, OA, RDF, RDFS, SKOS
from ..records import QualityInfo
from .context import Context
from .iris import slug
from .resource import Triple


def location(subject: URIRef, name: str | None, latitude: float | None, longitude: float | None) -> list[Triple]:
    """`dct:spatial` a `dct:Location` at WGS84 coordinates (`latitude`/`longitude`, as DCAT-AP 3's
    `dcat:centroid`, a GeoSPARQL WKT point, longitude first), named by the city (`location`,
    `locn:geographicName`) when given. The country stays the EU country IRI beside it. A city alone makes no
    location: a dct:spatial outside the EU place lists and GeoNames only earns a DCAT-AP warning, and the city
    is published elsewhere (the collection's population coverage, the organisation's address)."""
    if latitude is None or longitude is None:
        return []
    node = URIRef(f"{subject}#location")
    triples: list[Triple] = [(subject, DCT.spatial, node), (node, RDF.type, DCT.Location),
                             (node, DCAT.centroid, Literal(f"POINT({longitude!r} {latitude!r})",
                                                           datatype=GSP.wktLiteral))]
    if name:
        triples.append((node, LOCN.geographicName, Literal(name)))
    return triples


def identifiers(ctx: Context, subject: URIRef, also_known: Sequence[str], pid: str | None = None) -> list[Triple]:
    """`adms:identifier` for each other system the record is known in (`also_known`, AlsoKnownIn rows: the id
    there as `skos:notation`, the system as `adms:schemaAgency`, the record there as `rdfs:seeAlso` of the
    subject) and for a biobank's persistent identifier (`pid`). standards.md §10.2."""
    triples: list[Triple] = []
    for ref in also_known:
        known = ctx.catalogue.also_known.get(ref)
        if known is None:
            continue
        node = URIRef(f"{subject}#id-{slug(known.id)}")
        triples += [(subject, ADMS.identifier, node), (node, RDF.type, ADMS.Identifier),
                    (node, SKOS.notation, Literal(known.pid or known.url)),
                    (node, ADMS.schemaAgency, Literal(known.name_system)),
                    (subject, RDFS.seeAlso, URIRef(known.url))]
    if pid:
        node = URIRef(f"{subject}#pid")
        triples += [(subject, ADMS.identifier, node), (node, RDF.type, ADMS.Identifier),
                    (node, SKOS.notation, Literal(pid))]
    return triples


def quality(ctx: Context, subject: URIRef, records: Sequence[QualityInfo]) -> list[Triple]:
    """A `dqv:QualityCertificate` (an annotation whose target is the record) for each quality record: the standard
    (`dct:conformsTo` a Directory QualityStandards concept), how it was assessed (`bbfair:assessmentLevel`), the
    certificate number (`dct:identifier`), its report (`oa:hasBody`) and image (`foaf:depiction`)."""
    triples: list[Triple] = []
    for record in records:
        node = URIRef(f"{subject}#quality-{slug(record.id)}")
        triples += [(subject, DQV.hasQualityAnnotation, node), (node, RDF.type, DQV.QualityCertificate),
                    (node, OA.hasTarget, subject), (node, OA.motivatedBy, DQV.qualityAssessment),
                    (node, DCT.conformsTo, ctx.concept("quality-standard", record.quality_standard)),
                    (node, BBFAIR.assessmentLevel, ctx.concept("assessment-level", record.level))]
        if record.certification_number:
            triples.append((node, DCT.identifier, Literal(record.certification_number)))
        if record.certification_report:
            triples.append((node, OA.hasBody, URIRef(record.certification_report)))
        if record.certification_image_link:
            triples.append((node, FOAF.depiction, URIRef(record.certification_image_link)))
    return triples


def ejp(subject: URIRef, personal_data: str | None, vp_connection: str | None) -> list[Triple]:
    """The EJP RD Virtual Platform flags as the EJP RD shapes expect them: `ejp:personalData` the string "true" or
    "false", `ejp:vpConnection` an IRI (`ejp:VPDiscoverable`, …)."""
    triples: list[Triple] = []
    if personal_data is not None:
        triples.append((subject, EJP.personalData, Literal(personal_data)))
    if vp_connection:
        triples.append((subject, EJP.vpConnection, URIRef(vp_connection)))
    return triples


def collaboration(subject: URIRef, commercial: bool | None, non_for_profit: bool | None) -> list[Triple]:
    """Whether the biobank or collection is open to commercial / non-for-profit collaboration (no DCAT property:
    bbfair extension properties, vocab/bbfair.ttl)."""
    triples: list[Triple] = []
    if commercial is not None:
        triples.append((subject, BBFAIR.collaborationCommercial, Literal(commercial)))
    if non_for_profit is not None:
        triples.append((subject, BBFAIR.collaborationNonForProfit, Literal(non_for_profit)))
    return triples
