"""The catalogue tree above the datasets: FDP root → national node catalogue → biobank and network catalogues.

Each parent document carries the direct predicate (`fdp-o:metadataCatalog`, `dcat:catalog`, `dcat:dataset`)
**and** an `ldp:DirectContainer` listing its children with `ldp:contains` (all the Health-RI harvester
follows); children point back with `dct:isPartOf`. A biobank's or network's related resources (`related` column) are
linked from its catalogue (`links.related`); its location, other identifiers, quality certificates and
collaboration flags too (`annotations`). The node catalogue also lists the catalogues of the Directory's Catalogs
table (`dircatalogs`) and the data services and endpoints no such catalogue lists (`dcat:service`, `services`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rdflib import Literal, URIRef

from ..rdf.namespaces import DCAT, DCATAP, DCT, FDP, FOAF, LDP, RDF, RDFS
from ..rdf.streams import LDES, TREE
from ..records import Biobank, Collection, Network
from . import agents, annotations, links
from .context import DATA_THEME, EHDS, PUBLIC, Context
from .resource import Resource, Triple

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
    res = Resource(iri, "container", set(), parent=parent)
    res.add(triples)
    return res, triples


def _catalog_common(ctx: Context, iri: URIRef, creator: tuple[URIRef, list[Triple]],
                    keywords: list[str]) -> list[Triple]:
    """What every catalogue record states: its type, legislation, theme taxonomy, licence and languages, and
    what a FAIR assessor looks for in any record (F-UJI): its creator, keywords and access rights (the
    catalogue's metadata is public, whatever the access rights of the collections it lists)."""
    license_ = URIRef(ctx.config.catalog.license)
    triples: list[Triple] = [
        (iri, RDF.type, DCAT.Catalog),
        (iri, DCATAP.applicableLegislation, EHDS),
        (iri, DCAT.themeTaxonomy, DATA_THEME),
        (iri, DCT.license, license_),
        (license_, RDF.type, DCT.LicenseDocument),
        (iri, DCT.creator, creator[0]),
        *creator[1],
        (iri, DCT.accessRights, PUBLIC),
    ]
    triples += [(iri, DCT.language, lang) for lang in ctx.languages()]
    triples += [(iri, DCAT.keyword, Literal(word, lang="en")) for word in dict.fromkeys(keywords) if word]
    return triples


def _words(ctx: Context, scheme: str, codes: Iterable[str]) -> list[str]:
    """Sorted distinct labels of code-list values (a catalogue's keywords from its collections)."""
    return sorted({ctx.label(scheme, code) for code in codes})


def catalog_core(iri: URIRef, title: str, description: str | None, publisher: tuple[URIRef, list[Triple]],
                 contact: tuple[URIRef, list[Triple]]) -> list[Triple]:
    """A catalogue described just enough to satisfy the Catalog shapes of every standard: embedded in the
    documents that point at it (`dcat:catalog`, `dct:isPartOf` have the range dcat:Catalog). A Directory
    catalogue may lack a description: validation then names the column, here and in its own document."""
    return [
        (iri, RDF.type, DCAT.Catalog),
        (iri, DCT.title, Literal(title, lang="en")),
        *([(iri, DCT.description, Literal(description, lang="en"))] if description else []),
        (iri, DCT.publisher, publisher[0]),
        (iri, DCAT.contactPoint, contact[0]),
        (iri, DCATAP.applicableLegislation, EHDS),
        *publisher[1],
        *contact[1],
    ]


def node_core(ctx: Context) -> list[Triple]:
    """The node catalogue's core description (for the `dct:isPartOf` of biobank and network catalogues)."""
    return catalog_core(ctx.iris.catalog(ctx.config.node.id), ctx.config.catalog.title,
                        ctx.config.catalog.description, agents.node_agent(ctx), agents.node_contact(ctx))


def fdp_root(ctx: Context, node: Resource) -> list[Resource]:
    """The FAIR Data Point root record (FDP spec 1.2) and its catalogue container. Its metadata times come
    from the build (`stamps`); it embeds the node catalogue by reference (nothing of it is copied: the node
    catalogue has no summary) so that a change anywhere below bumps the root's `fdp-o:metadataModified`."""
    iri = ctx.iris.root()
    node_catalog = node.iri
    name = ctx.config.node.name
    publisher, publisher_desc = agents.node_agent(ctx)
    cont, cont_triples = container(ctx, iri, "catalogs", FDP.metadataCatalog,
                                   f"Catalogues of {name}", [node_catalog])
    license_ = URIRef(ctx.config.catalog.license)
    res = Resource(iri, "fdp", set(), ctx.config.node.id)
    res.add([
        (iri, RDF.type, FDP.FAIRDataPoint),
        (iri, RDF.type, FDP.MetadataService),
        (iri, DCT.title, Literal(f"{name} FAIR Data Point", lang="en")),
        (iri, DCT.description, Literal(ctx.config.catalog.description, lang="en")),
        (iri, DCT.publisher, publisher),
        (iri, DCT.creator, publisher),
        (iri, DCT.accessRights, PUBLIC),
        (iri, DCT.hasPart, node_catalog),
        (iri, DCT.license, license_),
        (license_, RDF.type, DCT.LicenseDocument),
        (iri, DCT.conformsTo, FDP_PROFILE),
        (iri, DCAT.endpointURL, iri),
        (iri, FDP.metadataIdentifier, iri),
        (iri, FDP.conformsToFdpSpec, FDP_SPEC),
        (iri, FDP.metadataCatalog, node_catalog),
    ])
    res.add((iri, DCAT.keyword, Literal(word, lang="en")) for word in ctx.config.catalog.keywords)
    feed = ctx.iris.feed()  # the DCAT-AP Feed of the catalogue's changes (docs/history.md)
    res.add([(iri, RDFS.seeAlso, feed), (feed, RDF.type, URIRef(LDES + "EventStream")),
             (feed, URIRef(TREE + "view"), URIRef(str(feed).split("#", 1)[0]))])
    res.add(cont_triples)
    res.add(publisher_desc)
    res.embeds.append(node)
    # the root's container names the root as its owner (ldp:membershipResource), which the FDP shapes want
    # typed fdp-o:FAIRDataPoint there, so its document embeds the root's whole record (its times too: stamps)
    res.summary = list(res.triples)
    cont.embeds.append(res)
    return [res, cont]


def node_catalog(ctx: Context, member_catalogs: list[Resource], services: Sequence[Resource] = ()) -> list[Resource]:
    """The national node catalogue listing every biobank, network and Directory catalogue, and the data services
    and endpoints no Directory catalogue lists (each embedded by its summary: `dcat:service` has the range
    dcat:DataService, whose shapes then apply inside this document)."""
    node = ctx.config.node
    members = [m.iri for m in member_catalogs]
    iri = ctx.iris.catalog(node.id)
    publisher, publisher_desc = agents.node_agent(ctx)
    contact, contact_desc = agents.node_contact(ctx)
    cont, cont_triples = container(ctx, iri, "catalogs", DCAT.catalog, f"Catalogues in {node.name}", members)
    extra: list[Resource] = []
    if services:
        svc_cont, svc_triples = container(ctx, iri, "services", DCAT.service, f"Data services of {node.name}",
                                          [s.iri for s in services])
        extra.append(svc_cont)
    res = Resource(iri, "catalog", set(), node.id, parent=ctx.iris.root())
    res.add(_catalog_common(ctx, iri, (publisher, publisher_desc), list(ctx.config.catalog.keywords)))
    res.add([
        (iri, DCT.identifier, Literal(node.id)),
        (iri, DCT.title, Literal(ctx.config.catalog.title, lang="en")),
        (iri, DCT.description, Literal(ctx.config.catalog.description, lang="en")),
        (iri, DCT.publisher, publisher),
        (iri, DCAT.contactPoint, contact),
        (iri, FOAF.homepage, URIRef(node.homepage)),
        (URIRef(node.homepage), RDF.type, FOAF.Document),
    ])
    res.add((iri, DCAT.catalog, m) for m in members)
    res.add((iri, DCT.hasPart, m) for m in members)
    res.embeds += member_catalogs
    res.add(cont_triples)
    if services:
        res.add((iri, DCAT.service, s.iri) for s in services)
        res.embeds += list(services)
        res.add(svc_triples)
    res.add(publisher_desc)
    res.add(contact_desc)
    return [res, cont, *extra]


def biobank_catalog(ctx: Context, biobank: Biobank, members: list[Resource],
                    collections: Sequence[Collection] = ()) -> list[Resource]:
    """A biobank's catalogue of its collections (each member dataset described in full: `dcat:dataset` has
    the range dcat:Dataset, whose shapes then apply inside this document); `collections` are their records
    (for the catalogue's keywords)."""
    iri = ctx.iris.catalog(biobank.id)
    datasets = [m.iri for m in members]
    publisher, publisher_desc = agents.biobank_agent(ctx, biobank)
    contact, contact_desc = agents.person_contact(ctx, ctx.catalogue.persons[biobank.contact])
    cont, cont_triples = container(ctx, iri, "datasets", DCAT.dataset,
                                   f"Collections of {biobank.name}", datasets)
    res = Resource(iri, "catalog", set(), biobank.id, biobank.source,
                   parent=ctx.iris.catalog(ctx.config.node.id), table="Biobanks")
    keywords = ["biobank", *([biobank.acronym] if biobank.acronym else []), ctx.country_label(biobank.country),
                *_words(ctx, "category", (c for coll in collections for c in coll.categories)),
                *_words(ctx, "collection-type", (t for coll in collections for t in coll.type))]
    res.add(_catalog_common(ctx, iri, (publisher, publisher_desc), keywords))
    res.add([
        (iri, DCT.identifier, Literal(biobank.id)),
        (iri, DCT.title, Literal(biobank.name, lang="en")),
        (iri, DCT.description, Literal(biobank.description, lang="en")),
        (iri, DCT.publisher, publisher),
        (iri, DCAT.contactPoint, contact),
        (iri, DCT.spatial, ctx.country(biobank.country)),
    ])
    res.add([(iri, DCT.isPartOf, ctx.iris.catalog(ctx.config.node.id)), *node_core(ctx)])
    if biobank.acronym:
        res.add([(iri, DCT.alternative, Literal(biobank.acronym))])
    if biobank.url:
        res.add([(iri, FOAF.homepage, URIRef(biobank.url)), (URIRef(biobank.url), RDF.type, FOAF.Document)])
    res.add(annotations.location(iri, biobank.location, biobank.latitude, biobank.longitude))
    res.add(annotations.identifiers(ctx, iri, biobank.also_known, biobank.pid))
    res.add(annotations.quality(ctx, iri, ctx.quality.get(biobank.id, ())))
    res.add(annotations.collaboration(iri, biobank.collaboration_commercial, biobank.collaboration_non_for_profit))
    related, described = links.related(ctx, iri, biobank.related)
    res.add(related)
    res.add(described)
    res.add((iri, DCAT.dataset, d) for d in datasets)
    res.embeds += members
    res.add(cont_triples)
    res.add(publisher_desc)
    res.add(contact_desc)
    res.summary = catalog_core(iri, biobank.name, biobank.description, (publisher, publisher_desc),
                               (contact, contact_desc))
    return [res, cont]


def network_catalog(ctx: Context, network: Network, member_datasets: list[Resource],
                    member_catalogs: list[Resource]) -> list[Resource]:
    """A network's catalogue: its member collections (`dcat:dataset`) and member biobanks (`dcat:catalog`),
    each described as far as its class's shapes require."""
    iri = ctx.iris.catalog(network.id)
    datasets = [m.iri for m in member_datasets]
    catalogs = [m.iri for m in member_catalogs]
    publisher, publisher_desc = agents.network_agent(ctx, network)
    contact, contact_desc = agents.person_contact(ctx, ctx.catalogue.persons[network.contact])
    ds_cont, ds_triples = container(ctx, iri, "datasets", DCAT.dataset,
                                    f"Collections in {network.name}", datasets)
    cat_cont, cat_triples = container(ctx, iri, "catalogs", DCAT.catalog,
                                      f"Biobanks in {network.name}", catalogs)
    res = Resource(iri, "catalog", set(), network.id, network.source,
                   parent=ctx.iris.catalog(ctx.config.node.id), table="Networks")
    keywords = ["biobank network", *([network.acronym] if network.acronym else []),
                *_words(ctx, "network-element", network.common_network_elements)]
    res.add(_catalog_common(ctx, iri, (publisher, publisher_desc), keywords))
    res.add([
        (iri, DCT.identifier, Literal(network.id)),
        (iri, DCT.title, Literal(network.name, lang="en")),
        (iri, DCT.description, Literal(network.description, lang="en")),
        (iri, DCT.publisher, publisher),
        (iri, DCAT.contactPoint, contact),
    ])
    res.add([(iri, DCT.isPartOf, ctx.iris.catalog(ctx.config.node.id)), *node_core(ctx)])
    if network.acronym:
        res.add([(iri, DCT.alternative, Literal(network.acronym))])
    if network.url:
        res.add([(iri, FOAF.homepage, URIRef(network.url)), (URIRef(network.url), RDF.type, FOAF.Document)])
    res.add(annotations.location(iri, network.location, network.latitude, network.longitude))
    res.add(annotations.identifiers(ctx, iri, network.also_known))
    related, described = links.related(ctx, iri, network.related)
    res.add(related)
    res.add(described)
    res.add((iri, DCAT.dataset, d) for d in datasets)
    res.add((iri, DCAT.catalog, c) for c in catalogs)
    res.embeds += [*member_datasets, *member_catalogs]
    res.add(ds_triples)
    res.add(cat_triples)
    res.add(publisher_desc)
    res.add(contact_desc)
    res.summary = catalog_core(iri, network.name, network.description, (publisher, publisher_desc),
                               (contact, contact_desc))
    return [res, ds_cont, cat_cont]
