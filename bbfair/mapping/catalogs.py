"""The catalogue tree above the datasets: FDP root → national node catalogue → biobank and network catalogues.

Each parent document carries the direct predicate (`fdp-o:metadataCatalog`, `dcat:catalog`, `dcat:dataset`)
**and** an `ldp:DirectContainer` listing its children with `ldp:contains` (all the Health-RI harvester
follows); children point back with `dct:isPartOf`.
"""

from __future__ import annotations

from rdflib import Literal, URIRef

from ..records import Biobank, Network
from . import agents
from .context import DATA_THEME, EHDS, Context, when
from .namespaces import DCAT, DCATAP, DCT, FDP, FOAF, LDP, RDF
from .resource import Resource, Triple, new_graph

#: the FAIR Data Point specification the root conforms to
FDP_SPEC = URIRef("https://specs.fairdatapoint.org/fdp-specs-v1.2.html")
FDP_PROFILE = URIRef("https://w3id.org/fdp/fdp-o#MetadataServiceProfile")


def container(ctx: Context, parent: URIRef, members: str, relation: URIRef, title: str,
              children: list[URIRef]) -> tuple[Resource, list[Triple]]:
    """An LDP DirectContainer listing `children` of `parent` (returned as its own resource and as triples to
    embed in the parent's document)."""
    iri = ctx.iris.container(parent, members)
    triples: list[Triple] = [
        (iri, RDF.type, LDP.DirectContainer),
        (iri, DCT.title, Literal(title, lang="en")),
        (iri, LDP.membershipResource, parent),
        (iri, LDP.hasMemberRelation, relation),
    ]
    triples += [(iri, LDP.contains, child) for child in children]
    res = Resource(iri, "container", new_graph(), parent=parent)
    res.add(triples)
    return res, triples


def _catalog_common(ctx: Context, iri: URIRef) -> list[Triple]:
    license_ = URIRef(ctx.config.catalog.license)
    triples: list[Triple] = [
        (iri, RDF.type, DCAT.Catalog),
        (iri, DCATAP.applicableLegislation, EHDS),
        (iri, DCAT.themeTaxonomy, DATA_THEME),
        (iri, DCT.license, license_),
        (license_, RDF.type, DCT.LicenseDocument),
    ]
    triples += [(iri, DCT.language, lang) for lang in ctx.languages()]
    return triples


def fdp_root(ctx: Context, node_catalog: URIRef) -> list[Resource]:
    """The FAIR Data Point root record (FDP spec 1.2) and its catalogue container."""
    iri = ctx.iris.root()
    node = ctx.config.node
    publisher, publisher_desc = agents.node_agent(ctx)
    cont, cont_triples = container(ctx, iri, "catalogs", FDP.metadataCatalog,
                                   f"Catalogues of {node.name}", [node_catalog])
    license_ = URIRef(ctx.config.catalog.license)
    res = Resource(iri, "fdp", new_graph(), node.id)
    res.add([
        (iri, RDF.type, FDP.FAIRDataPoint),
        (iri, RDF.type, FDP.MetadataService),
        (iri, DCT.title, Literal(f"{node.name} FAIR Data Point", lang="en")),
        (iri, DCT.description, Literal(ctx.config.catalog.description, lang="en")),
        (iri, DCT.publisher, publisher),
        (iri, DCT.license, license_),
        (license_, RDF.type, DCT.LicenseDocument),
        (iri, DCT.conformsTo, FDP_PROFILE),
        (iri, DCAT.endpointURL, iri),
        (iri, FDP.metadataIdentifier, iri),
        (iri, FDP.metadataIssued, when(ctx.now)),
        (iri, FDP.metadataModified, when(ctx.now)),
        (iri, FDP.conformsToFdpSpec, FDP_SPEC),
        (iri, FDP.metadataCatalog, node_catalog),
    ])
    res.add(cont_triples)
    res.add(publisher_desc)
    res.children = [node_catalog]
    return [res, cont]


def node_catalog(ctx: Context, members: list[URIRef]) -> list[Resource]:
    """The national node catalogue listing every biobank and network catalogue."""
    node = ctx.config.node
    iri = ctx.iris.catalog(node.id)
    publisher, publisher_desc = agents.node_agent(ctx)
    contact, contact_desc = agents.node_contact(ctx)
    cont, cont_triples = container(ctx, iri, "catalogs", DCAT.catalog, f"Catalogues in {node.name}", members)
    res = Resource(iri, "catalog", new_graph(), node.id, parent=ctx.iris.root())
    res.add(_catalog_common(ctx, iri))
    res.add([
        (iri, DCT.identifier, Literal(node.id)),
        (iri, DCT.title, Literal(ctx.config.catalog.title, lang="en")),
        (iri, DCT.description, Literal(ctx.config.catalog.description, lang="en")),
        (iri, DCT.publisher, publisher),
        (iri, DCAT.contactPoint, contact),
        (iri, FOAF.homepage, URIRef(node.homepage)),
        (iri, DCT.isPartOf, ctx.iris.root()),
    ])
    res.add((iri, DCAT.catalog, m) for m in members)
    res.add(cont_triples)
    res.add(publisher_desc)
    res.add(contact_desc)
    res.children = list(members)
    return [res, cont]


def biobank_catalog(ctx: Context, biobank: Biobank, datasets: list[URIRef]) -> list[Resource]:
    """A biobank's catalogue of its collections."""
    iri = ctx.iris.catalog(biobank.id)
    publisher, publisher_desc = agents.biobank_agent(ctx, biobank)
    contact, contact_desc = agents.person_contact(ctx, ctx.catalogue.persons[biobank.contact])
    cont, cont_triples = container(ctx, iri, "datasets", DCAT.dataset,
                                   f"Collections of {biobank.name}", datasets)
    res = Resource(iri, "catalog", new_graph(), biobank.id, biobank.source,
                   parent=ctx.iris.catalog(ctx.config.node.id), table="Biobanks")
    res.add(_catalog_common(ctx, iri))
    res.add([
        (iri, DCT.identifier, Literal(biobank.id)),
        (iri, DCT.title, Literal(biobank.name, lang="en")),
        (iri, DCT.description, Literal(biobank.description, lang="en")),
        (iri, DCT.publisher, publisher),
        (iri, DCAT.contactPoint, contact),
        (iri, DCT.spatial, ctx.country(biobank.country)),
        (iri, DCT.isPartOf, ctx.iris.catalog(ctx.config.node.id)),
    ])
    if biobank.acronym:
        res.graph.add((iri, DCT.alternative, Literal(biobank.acronym)))
    if biobank.url:
        res.graph.add((iri, FOAF.homepage, URIRef(biobank.url)))
    res.add((iri, DCAT.dataset, d) for d in datasets)
    res.add(cont_triples)
    res.add(publisher_desc)
    res.add(contact_desc)
    res.children = list(datasets)
    return [res, cont]


def network_catalog(ctx: Context, network: Network, datasets: list[URIRef],
                    catalogs: list[URIRef]) -> list[Resource]:
    """A network's catalogue: its member collections (`dcat:dataset`) and member biobanks (`dcat:catalog`)."""
    iri = ctx.iris.catalog(network.id)
    publisher, publisher_desc = agents.network_agent(ctx, network)
    contact, contact_desc = agents.person_contact(ctx, ctx.catalogue.persons[network.contact])
    ds_cont, ds_triples = container(ctx, iri, "datasets", DCAT.dataset,
                                    f"Collections in {network.name}", datasets)
    cat_cont, cat_triples = container(ctx, iri, "catalogs", DCAT.catalog,
                                      f"Biobanks in {network.name}", catalogs)
    res = Resource(iri, "catalog", new_graph(), network.id, network.source,
                   parent=ctx.iris.catalog(ctx.config.node.id), table="Networks")
    res.add(_catalog_common(ctx, iri))
    res.add([
        (iri, DCT.identifier, Literal(network.id)),
        (iri, DCT.title, Literal(network.name, lang="en")),
        (iri, DCT.description, Literal(network.description, lang="en")),
        (iri, DCT.publisher, publisher),
        (iri, DCAT.contactPoint, contact),
        (iri, DCT.isPartOf, ctx.iris.catalog(ctx.config.node.id)),
    ])
    if network.acronym:
        res.graph.add((iri, DCT.alternative, Literal(network.acronym)))
    if network.url:
        res.graph.add((iri, FOAF.homepage, URIRef(network.url)))
    res.add((iri, DCAT.dataset, d) for d in datasets)
    res.add((iri, DCAT.catalog, c) for c in catalogs)
    res.add(ds_triples)
    res.add(cat_triples)
    res.add(publisher_desc)
    res.add(contact_desc)
    res.children = list(datasets) + list(catalogs)
    return [res, ds_cont, cat_cont]
