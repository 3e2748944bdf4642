"""The Directory's own catalogues (Catalogs table) → `dcat:Catalog` documents at `{base}/catalog/{id}`.

A Catalogs record groups collections across biobanks (the collections that name it in their `catalog` column) and
lists data services (those that name it in `part_of` or `catalog`). Like a network catalogue it lists its
collections with `dcat:dataset` and an LDP container the harvester follows (`{catalog}/datasets`), embedding each
collection's summary; its services with `dcat:service` and `{catalog}/services`. It is part of the node catalogue,
which lists it with the biobank and network catalogues. Its own columns map as the EMX2 schema's `semantics` say:
title, description, homepage, version, logo, contact (an Organisations record), publisher (Publishers),
licence, policy, rights, access rights, language, themes, keywords, times, and the EJP RD flags.
"""

from __future__ import annotations

from rdflib import Literal, URIRef

from ..rdf.namespaces import DCAT, DCATAP, DCT, FOAF, ODRL, RDF
from ..records import Catalog
from . import agents, annotations
from .catalogs import catalog_core, container, node_core
from .context import DATA_THEME, EHDS, PUBLIC, Context, when
from .resource import Resource, Triple


def _links(iri: URIRef, predicate: URIRef, values: list[str], kind: URIRef | None = None) -> list[Triple]:
    out: list[Triple] = []
    for value in dict.fromkeys(values):
        out.append((iri, predicate, URIRef(value)))
        if kind is not None:
            out.append((URIRef(value), RDF.type, kind))
    return out


def directory_catalog(ctx: Context, catalog: Catalog, member_datasets: list[Resource],
                      member_services: list[Resource]) -> list[Resource]:
    """The catalogue's document and its containers: `[catalogue, datasets container, services container?]`."""
    iri = ctx.iris.catalog(catalog.id)
    node = ctx.iris.catalog(ctx.config.node.id)
    publishers = agents.publishers_for(ctx, catalog.publisher)
    contact = agents.contact_for(ctx, catalog.contact)
    datasets = [m.iri for m in member_datasets]
    ds_cont, ds_triples = container(ctx, iri, "datasets", DCAT.dataset, f"Collections in {catalog.title}", datasets)
    made = [ds_cont]
    res = Resource(iri, "catalog", set(), catalog.id, catalog.source, parent=node, table="Catalogs")
    t: list[Triple] = [
        (iri, RDF.type, DCAT.Catalog),
        (iri, DCT.identifier, Literal(catalog.id)),
        (iri, DCT.title, Literal(catalog.title, lang="en")),
        (iri, DCATAP.applicableLegislation, EHDS),
        (iri, DCAT.themeTaxonomy, DATA_THEME),
        (iri, DCAT.contactPoint, contact[0]),
        *contact[1],
        *_links(iri, DCT.license, [catalog.license], DCT.LicenseDocument),
        *_links(iri, DCT.conformsTo, [catalog.conforms_to], DCT.Standard),
        *_links(iri, DCT.rights, catalog.rights, DCT.RightsStatement),
        *_links(iri, DCT.isReferencedBy, catalog.referenced_by),
        (iri, DCT.isPartOf, node),
        *node_core(ctx),
    ]
    for agent, described in publishers:
        t += [(iri, DCT.publisher, agent), *described]
    t += [(iri, DCT.creator, publishers[0][0])]
    if not catalog.access_rights:
        ctx.note("catalogue access rights: public, as every catalogue's metadata (no access_rights)")
    t += [(iri, DCT.accessRights, right) for right in ctx.rights(catalog.access_rights, PUBLIC)]
    t += [(iri, DCT.language, lang) for lang in ctx.languages(catalog.language)]
    t += [(iri, DCAT.theme, theme) for theme in ctx.themes(catalog.theme, heal=False)]
    t += [(iri, DCAT.keyword, Literal(word, lang="en")) for word in dict.fromkeys(catalog.keyword)]
    if catalog.description:
        t.append((iri, DCT.description, Literal(catalog.description, lang="en")))
    if catalog.url:
        t += _links(iri, FOAF.homepage, [catalog.url], FOAF.Document)
    if catalog.has_version:
        t.append((iri, DCAT.version, Literal(catalog.has_version)))
    if catalog.logo:
        t.append((iri, FOAF.logo, URIRef(catalog.logo)))
    if catalog.policy:
        t.append((iri, ODRL.hasPolicy, URIRef(catalog.policy)))
    if catalog.issued:
        t.append((iri, DCT.issued, when(catalog.issued)))
    if catalog.modified:
        t.append((iri, DCT.modified, when(catalog.modified)))
    t += annotations.ejp(iri, catalog.EJP_RD_personalData, catalog.EJP_RD_vpConnection)
    t += [(iri, DCAT.dataset, d) for d in datasets]
    t += ds_triples
    if member_services:
        services = [s.iri for s in member_services]
        svc_cont, svc_triples = container(ctx, iri, "services", DCAT.service, f"Data services in {catalog.title}",
                                          services)
        t += [(iri, DCAT.service, s) for s in services]
        t += svc_triples
        made.append(svc_cont)
    res.add(t)
    res.embeds += [*member_datasets, *member_services]
    res.summary = catalog_core(iri, catalog.title, catalog.description, publishers[0], contact)
    return [res, *made]
