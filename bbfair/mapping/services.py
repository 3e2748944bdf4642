"""Data services and metadata endpoints → `dcat:DataService` documents at `{base}/service/{id}`.

A DataServices record (the node's BBMRI-ERIC Negotiator, a Beacon, …) becomes a DCAT-AP 3 data service as the
Health-RI v2.0.2 DataService shape wants it: title, description, identifier, licence, access rights, endpoint URL
and description, publisher, contact point and theme. An Endpoints record (a FAIR Data Point of the Directory) is a
data service too, typed `fdp-o:MetadataService` as the FDP specification has it, with its catalogues
(`fdp-o:metadataCatalog`) and FDP specification (`fdp-o:conformsToFdpSpec`).

The catalogue a service is listed in (`part_of`, `catalog`; else the node catalogue) names it with `dcat:service`
and an LDP container; it embeds the service's summary, which is the whole description but for the datasets it
serves (a served dataset, `dcat:servesDataset`, has the range dcat:Dataset and is embedded by its summary in the
service's own document only).
"""

from __future__ import annotations

from collections.abc import Sequence

from rdflib import Literal, URIRef

from ..rdf.namespaces import DCAT, DCT, FDP, FOAF, RDF, XSD
from ..records import DataService, Endpoint
from . import agents, annotations
from .context import PUBLIC, Context, when
from .resource import Resource, Triple


def _typed(iri: URIRef, predicate: URIRef, values: Sequence[str], kind: URIRef) -> list[Triple]:
    """`iri predicate value` for each web address, each typed `kind` (the DCAT-AP range of `predicate`)."""
    out: list[Triple] = []
    for value in dict.fromkeys(values):
        out += [(iri, predicate, URIRef(value)), (URIRef(value), RDF.type, kind)]
    return out


def _common(ctx: Context, iri: URIRef, identifier: str, title: str, description: str | None, license_: str,
            conforms_to: str, publishers: list[str], contact: tuple[URIRef, list[Triple]]) -> list[Triple]:
    """What every data service states: identity, licence, specification, publisher(s) and contact point."""
    triples: list[Triple] = [
        (iri, RDF.type, DCAT.DataService),
        (iri, DCT.identifier, Literal(identifier)),
        (iri, DCT.title, Literal(title, lang="en")),
        (iri, DCAT.contactPoint, contact[0]),
        *contact[1],
        *_typed(iri, DCT.license, [license_], DCT.LicenseDocument),
        *_typed(iri, DCT.conformsTo, [conforms_to], DCT.Standard),
    ]
    if description:
        triples.append((iri, DCT.description, Literal(description, lang="en")))
    for agent, described in agents.publishers_for(ctx, publishers):
        triples += [(iri, DCT.publisher, agent), *described]
    return triples


def _dated(iri: URIRef, record: DataService | Endpoint) -> list[Triple]:
    out: list[Triple] = []
    if record.issued:
        out.append((iri, DCT.issued, when(record.issued)))
    if record.modified:
        out.append((iri, DCT.modified, when(record.modified)))
    return out


def _endpoint_description(iri: URIRef, text: str) -> list[Triple]:
    """`dcat:endpointDescription`: the Directory column is text, Health-RI wants an IRI. A web address is used as
    it is; a description in words becomes the description of `{service}#endpoint-description`."""
    if text.startswith(("http://", "https://")) and " " not in text:
        return [(iri, DCAT.endpointDescription, URIRef(text))]
    node = URIRef(f"{iri}#endpoint-description")
    return [(iri, DCAT.endpointDescription, node), (node, DCT.description, Literal(text, lang="en"))]


def listed_in(ctx: Context, service: DataService) -> list[str]:
    """The Directory catalogues that list a data service: the one it is part of and the one it serves."""
    return [c for c in dict.fromkeys((service.part_of, service.catalog)) if c and c in ctx.catalogue.catalogs]


def data_service(ctx: Context, service: DataService, served: Sequence[Resource] = ()) -> Resource:
    """A DataServices record's document; `served` is the dataset it serves (its resource or stand-in)."""
    iri = ctx.iris.service(service.id)
    listing = listed_in(ctx, service)
    parent = ctx.iris.catalog(listing[0] if listing else ctx.config.node.id)
    res = Resource(iri, "service", set(), service.id, service.source, parent=parent, table="DataServices")
    contact = agents.contact_for(ctx, service.contact_organisation, service.contact_individual)
    ctx.note("data service access rights: [access] rights of bbfair.toml (DataServices has no such column)")
    t = _common(ctx, iri, service.id, service.title, service.description, service.license, service.conforms_to,
                [service.publisher], contact)
    t += [
        (iri, DCAT.endpointURL, URIRef(service.endpoint_url)),
        *_endpoint_description(iri, service.endpoint_description),
        (iri, DCT.accessRights, ctx.access_rights),
    ]
    t += [(iri, DCT.type, URIRef(kind)) for kind in service.type]
    t += [(iri, DCAT.theme, theme) for theme in ctx.themes(service.theme)]
    t += [(iri, DCT.language, lang) for lang in ctx.languages(service.language)]
    t += [(iri, DCAT.keyword, Literal(word, lang="en")) for word in dict.fromkeys(service.keyword)]
    if service.url:
        t += _typed(iri, DCAT.landingPage, [service.url], FOAF.Document)
    if service.logo:
        t.append((iri, FOAF.logo, URIRef(service.logo)))
    t += annotations.ejp(iri, service.EJP_RD_personalData, service.EJP_RD_vpConnection)
    t += _dated(iri, service)
    res.add(t)
    res.summary = list(res.triples)
    for dataset in served:
        res.add([(iri, DCAT.servesDataset, dataset.iri)])
        res.embeds.append(dataset)
    return res


def endpoint(ctx: Context, record: Endpoint) -> Resource:
    """An Endpoints record's document: a FAIR Data Point (`fdp-o:MetadataService`, and the classes its `type`
    column names) listed by the node catalogue."""
    iri = ctx.iris.service(record.id)
    res = Resource(iri, "service", set(), record.id, record.source, parent=ctx.iris.catalog(ctx.config.node.id),
                   table="Endpoints")
    contact = agents.contact_for(ctx, record.contact)
    t = _common(ctx, iri, record.id, record.name[0], record.description, record.license, record.conforms_to,
                record.publisher, contact)
    t += [(iri, RDF.type, FDP.MetadataService), *((iri, RDF.type, URIRef(kind)) for kind in record.type)]
    t += [(iri, DCT.alternative, Literal(name, lang="en")) for name in record.name[1:]]
    if not record.access_rights:
        ctx.note("endpoint access rights: public, as every FAIR Data Point's metadata (no access_rights)")
    t += [(iri, DCT.accessRights, right) for right in ctx.rights(record.access_rights, PUBLIC)]
    t += [(iri, FDP.metadataIdentifier, iri), (iri, FDP.conformsToFdpSpec, URIRef(record.conforms_to_FDP_spec))]
    t += [(iri, FDP.metadataCatalog, ctx.iris.catalog(c)) for c in record.metadata_catalog
          if c in ctx.catalogue.catalogs]
    if record.url:
        t.append((iri, DCAT.endpointURL, URIRef(record.url)))
    t += [(iri, DCAT.endpointDescription, URIRef(url)) for url in record.end_point_description]
    t += [(iri, DCAT.theme, theme) for theme in ctx.themes(record.theme)]
    t += [(iri, DCT.language, lang) for lang in ctx.languages(record.language)]
    t += [(iri, FDP.uiLanguage, lang) for lang in ctx.languages(record.ui_language)] if record.ui_language else []
    t += [(iri, DCAT.keyword, Literal(word, lang="en")) for word in dict.fromkeys(record.keyword)]
    t += _typed(iri, DCT.rights, record.rights, DCT.RightsStatement)
    if record.version:
        t += [(iri, DCT.hasVersion, Literal(record.version)), (iri, FDP.hasSoftwareVersion, Literal(record.version))]
    if record.start_date:
        t.append((iri, FDP.startDate, Literal(record.start_date.isoformat(), datatype=XSD.date)))
    if record.end_date:
        t.append((iri, FDP.endDate, Literal(record.end_date.isoformat(), datatype=XSD.date)))
    t += annotations.ejp(iri, record.EJP_RD_personalData, record.EJP_RD_vpConnection)
    t += _dated(iri, record)
    res.add(t)
    res.summary = list(res.triples)
    return res
