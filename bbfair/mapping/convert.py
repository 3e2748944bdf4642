"""Records → one rdflib graph per published resource.

`convert()` is the whole mapping step: it walks the checked `Catalogue` and returns every resource of the
FAIR Data Point tree (root, node catalogue, biobank, network and Directory catalogues, datasets, distributions,
data services, agents, contact points, containers, code-list concepts) with a summary of what was published and
what was derived.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from rdflib import URIRef

from ..config import Config
from ..errors import InputError, Problem
from ..rdf import vocab
from ..rdf.digest import content_hashes
from ..rdf.namespaces import RDF, SKOS
from ..records import Catalogue
from . import catalogs, datasets, dircatalogs, diseases, services
from .context import Context
from .iris import Iris, slug
from .resource import Resource
from .stamps import Stamp, stamp


@dataclass
class Conversion:
    """The resources of one conversion and its summary."""

    resources: list[Resource]
    derived: Counter[str]
    notices: list[str]
    base: str
    counts: Counter[str] = field(default_factory=Counter)
    #: each resource's content hash before the times were added (empty strings when not tracked)
    hashes: list[str] = field(default_factory=list)
    #: each resource's publication stamp, by IRI
    stamps: dict[str, Stamp] = field(default_factory=dict)

    def by_kind(self, kind: str) -> list[Resource]:
        return [r for r in self.resources if r.kind == kind]

    def triple_count(self) -> int:
        return sum(len(r.document()) for r in self.resources)


#: the tables whose records share an IRI kind (`{base}/{kind}/{slug}`), and the node's own slugs of that kind
_SLUG_GROUPS: dict[str, tuple[str, ...]] = {
    "catalog": ("Biobanks", "Networks", "Catalogs"), "agent": ("Biobanks", "Networks", "Publishers"),
    "contact": ("Persons", "Organisations"), "dataset": ("Collections",), "service": ("DataServices", "Endpoints")}


def _check_slugs(cat: Catalogue, node_id: str) -> None:
    """Two records must not fold to the same IRI (`a:b` and `a-b` would, and so would a biobank and a network or
    a Catalogs record with the same local id): report the later one, naming the first."""
    problems = []
    for kind, tables in _SLUG_GROUPS.items():
        taken = {"node": slug(node_id), "hdab": "hdab"} if kind in ("catalog", "agent", "contact") else {}
        seen: dict[str, str] = {key: f"bbfair.toml [{what}]" for what, key in taken.items()
                                if kind != "catalog" or what == "node"}
        for table in tables:
            for rid, rec in cat.table(table).items():
                key = slug(rid)
                if key in seen:
                    problems.append(Problem(f"id gives the same IRI ({kind}/{key}) as {seen[key]}; make the ids "
                                            "differ in letters or digits", file=rec.source.file,
                                            line=rec.source.line, record=rid, column=type(rec).key))
                seen[key] = f"{table} {rid!r}"
    if problems:
        raise InputError(problems)


def vocab_resources(ctx: Context, plan_: Plan) -> list[Resource]:
    """Every code-list scheme and concept as its own small document (`{base}/vocab/{scheme}/{code}`), and the
    document holding the disease concepts the datasets name (`{base}/vocab/diseases`)."""
    graph = vocab.codelist_graph(ctx.iris.base)
    out = []
    for scheme in graph.subjects(RDF.type, SKOS.ConceptScheme):
        res = Resource(URIRef(scheme), "scheme")
        res.add(graph.triples((scheme, None, None)))
        for concept in graph.subjects(SKOS.inScheme, scheme):
            res.add([(scheme, SKOS.hasTopConcept, concept)])
            c = Resource(URIRef(concept), "concept", set(), parent=URIRef(scheme))
            c.add(graph.triples((concept, None, None)))
            c.add(graph.triples((scheme, None, None)))
            out.append(c)
        out.append(res)
    out.append(diseases.collection(ctx.iris.base, plan_.diseases))
    return out


@dataclass
class Plan:
    """Who belongs with whom, from the records alone: what lets the catalogue be converted one family (a
    biobank with its collections, or a network) at a time, in any process, with the same result."""

    #: collection id -> the dataset IRIs of its child collections
    children: dict[str, list[URIRef]]
    #: biobank id -> its collections, in input order
    collections: dict[str, list]
    #: network id -> the ids of its member collections and member biobanks
    network_collections: dict[str, list[str]]
    network_biobanks: dict[str, list[str]]
    #: the disease names the collections name as subjects (`diseases.cited`)
    diseases: list[str] = field(default_factory=list)
    #: Directory catalogue id -> the ids of the collections and of the data services it lists
    catalog_collections: dict[str, list[str]] = field(default_factory=dict)
    catalog_services: dict[str, list[str]] = field(default_factory=dict)
    #: data service id -> the ids of the collections it serves
    served: dict[str, list[str]] = field(default_factory=dict)
    #: the data services and endpoints the node catalogue lists (no Directory catalogue lists them)
    node_services: list[str] = field(default_factory=list)

    def embedded(self) -> set[str]:
        """The ids of the collections another family embeds (networks, Directory catalogues, data services)."""
        out = {c for ids in self.network_collections.values() for c in ids}
        out |= {c for ids in self.catalog_collections.values() for c in ids}
        return out | {c for ids in self.served.values() for c in ids}


def plan(ctx: Context) -> Plan:
    """The families of the catalogue (cheap: no RDF is made)."""
    cat = ctx.catalogue
    children: dict[str, list[URIRef]] = defaultdict(list)
    collections: dict[str, list] = defaultdict(list)
    net_colls: dict[str, list[str]] = defaultdict(list)
    net_bbs: dict[str, list[str]] = defaultdict(list)
    catalog_colls: dict[str, list[str]] = defaultdict(list)
    for coll in cat.collections.values():
        if coll.parent_collection:
            children[coll.parent_collection].append(ctx.iris.dataset(coll.id))
        collections[coll.biobank].append(coll)
        for net in coll.network:
            if net in cat.networks:
                net_colls[net].append(coll.id)
        for catalog in coll.catalog:
            if catalog in cat.catalogs:
                catalog_colls[catalog].append(coll.id)
    for bb in cat.biobanks.values():
        for net in bb.network:
            if net in cat.networks:
                net_bbs[net].append(bb.id)
    catalog_svcs: dict[str, list[str]] = defaultdict(list)
    node_services: list[str] = []
    for svc in cat.services.values():
        listing = services.listed_in(ctx, svc)
        for catalog in listing:
            catalog_svcs[catalog].append(svc.id)
        if not listing:
            node_services.append(svc.id)
    node_services += list(cat.endpoints)
    served = {svc.id: [svc.collection] for svc in cat.services.values() if svc.collection in cat.collections}
    return Plan(dict(children), dict(collections), dict(net_colls), dict(net_bbs),
                diseases.cited(cat.collections.values()), dict(catalog_colls), dict(catalog_svcs), served,
                node_services)


def biobank_family(ctx: Context, plan_: Plan, biobank_id: str) -> list[Resource]:
    """A biobank's datasets and distributions, then its catalogue and container: `[..., catalogue, container]`."""
    out: list[Resource] = []
    members: list[Resource] = []
    for coll in plan_.collections.get(biobank_id, []):
        ds, dist, cont = datasets.dataset(ctx, coll, plan_.children.get(coll.id, []))
        out += [ds, dist, cont]
        members.append(ds)
    return out + catalogs.biobank_catalog(ctx, ctx.catalogue.biobanks[biobank_id], members,
                                          plan_.collections.get(biobank_id, []))


def network_family(ctx: Context, plan_: Plan, network_id: str, member_datasets: list[Resource],
                   member_catalogs: list[Resource]) -> list[Resource]:
    """A network's catalogue and containers; `member_*` are the member resources (or stand-ins carrying their
    summary and content hash, see `Resource.digest`)."""
    return catalogs.network_catalog(ctx, ctx.catalogue.networks[network_id], member_datasets, member_catalogs)


def service_family(ctx: Context, service_id: str, served: list[Resource]) -> list[Resource]:
    """A data service's (or, for an Endpoints id, a metadata endpoint's) document; `served` are the datasets it
    serves (resources or stand-ins)."""
    cat = ctx.catalogue
    if service_id in cat.services:
        return [services.data_service(ctx, cat.services[service_id], served)]
    return [services.endpoint(ctx, cat.endpoints[service_id])]


def directory_catalog_family(ctx: Context, catalog_id: str, member_datasets: list[Resource],
                             member_services: list[Resource]) -> list[Resource]:
    """A Directory catalogue's document and containers; members as resources or stand-ins."""
    return dircatalogs.directory_catalog(ctx, ctx.catalogue.catalogs[catalog_id], member_datasets, member_services)


def top(ctx: Context, member_catalogs: list[Resource], node_services: Sequence[Resource] = ()) -> list[Resource]:
    """The node catalogue (over every biobank, network and Directory catalogue, and the services it lists) and the
    FDP root, with their containers."""
    node = catalogs.node_catalog(ctx, member_catalogs, node_services)
    return [*node, *catalogs.fdp_root(ctx, node[0])]


def convert(catalogue: Catalogue, config: Config, now: datetime | None = None,
            previous: Mapping[str, Stamp] | None = None) -> Conversion:
    """Map every published record to its resource graphs.

    `previous` (the stamps of the live build, `{}` for a first build) turns on change tracking: content hashes
    are computed and unchanged resources keep their times. Without it every time is `now` (one-off
    conversions need no hashes, which cost about a tenth of the conversion)."""
    ctx = context(catalogue, config, now)
    families = plan(ctx)
    out: list[Resource] = []
    by_iri: dict[URIRef, Resource] = {}
    catalogs_by_id: dict[str, Resource] = {}
    for biobank_id in catalogue.biobanks:
        made = biobank_family(ctx, families, biobank_id)
        out += made
        catalogs_by_id[biobank_id] = made[-2]
    for res in out:
        by_iri[res.iri] = res
    members = list(catalogs_by_id.values())
    services_by_id: dict[str, Resource] = {}
    for service_id in [*catalogue.services, *catalogue.endpoints]:
        served = [by_iri[ctx.iris.dataset(c)] for c in families.served.get(service_id, [])]
        made = service_family(ctx, service_id, served)
        out += made
        services_by_id[service_id] = made[0]
    for net in catalogue.networks.values():
        made = network_family(ctx, families, net.id,
                              [by_iri[ctx.iris.dataset(c)] for c in families.network_collections.get(net.id, [])],
                              [catalogs_by_id[b] for b in families.network_biobanks.get(net.id, [])])
        out += made
        members.append(made[0])
    for catalog_id in catalogue.catalogs:
        made = directory_catalog_family(
            ctx, catalog_id, [by_iri[ctx.iris.dataset(c)] for c in families.catalog_collections.get(catalog_id, [])],
            [services_by_id[s] for s in families.catalog_services.get(catalog_id, [])])
        out += made
        members.append(made[0])
    out += top(ctx, members, [services_by_id[s] for s in families.node_services])
    out += agent_resources(ctx, ctx.descriptions)
    out += vocab_resources(ctx, families)
    hashes = content_hashes(out) if previous is not None else [""] * len(out)
    conv = Conversion(out, ctx.derived, list(catalogue.notices), ctx.iris.base, Counter(r.kind for r in out),
                      hashes)
    conv.stamps = stamp(out, hashes, ctx.now, previous)
    return conv


def context(catalogue: Catalogue, config: Config, now: datetime | None = None) -> Context:
    """The mapping context for `catalogue`, after checking that no two ids give the same IRI."""
    base = config.require_base("bbfair.toml")
    _check_slugs(catalogue, config.node.id)
    ctx = Context(config=config, catalogue=catalogue, iris=Iris(base))
    if now is not None:
        ctx.now = now
    return ctx


def agent_resources(ctx: Context, descriptions: Mapping[URIRef, list]) -> list[Resource]:
    """Agents and contact points dereference too: one document each, holding its description."""
    out = []
    for iri, triples in descriptions.items():
        kind = "agent" if str(iri).startswith(f"{ctx.iris.base}/agent/") else "contact"
        table, record = ctx.described_from.get(iri, (None, None))
        res = Resource(iri, kind, set(triples), table=table, record_id=record.id if record else None,
                       source=record.source if record else None)
        out.append(res)
    return out
