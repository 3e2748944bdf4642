"""Records → one rdflib graph per published resource.

`convert()` is the whole mapping step: it walks the checked `Catalogue` and returns every resource of the
FAIR Data Point tree (root, node catalogue, biobank and network catalogues, datasets, distributions, agents,
contact points, containers, code-list concepts) with a summary of what was published and what was derived.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from rdflib import URIRef

from .. import vocab
from ..config import Config
from ..digest import content_hashes
from ..errors import InputError, Problem
from ..records import Catalogue
from . import catalogs, datasets
from .context import Context
from .iris import Iris, slug
from .namespaces import RDF, SKOS
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


def _check_slugs(cat: Catalogue) -> None:
    """Two ids must not fold to the same IRI (`a:b` and `a-b` would): report both records."""
    problems = []
    for table in ("Persons", "Networks", "Biobanks", "Collections"):
        seen: dict[str, str] = {}
        for rid, rec in cat.table(table).items():
            key = slug(rid)
            if key in seen:
                problems.append(Problem(f"id gives the same IRI slug {key!r} as {seen[key]!r}; make the ids "
                                        "differ in letters or digits", file=rec.source.file,
                                        line=rec.source.line, record=rid, column="id"))
            seen[key] = rid
    if problems:
        raise InputError(problems)


def _vocab_resources(ctx: Context) -> list[Resource]:
    """Every code-list scheme and concept as its own small document (`{base}/vocab/{scheme}/{code}`)."""
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
    return out


def convert(catalogue: Catalogue, config: Config, now: datetime | None = None,
            previous: Mapping[str, Stamp] | None = None) -> Conversion:
    """Map every published record to its resource graphs.

    `previous` (the stamps of the live build, `{}` for a first build) turns on change tracking: content hashes
    are computed and unchanged resources keep their times. Without it every time is `now` (one-off
    conversions need no hashes, which cost about a tenth of the conversion)."""
    base = config.require_base("bbfair.toml")
    _check_slugs(catalogue)
    ctx = Context(config=config, catalogue=catalogue, iris=Iris(base))
    if now is not None:
        ctx.now = now
    out: list[Resource] = []
    children: dict[str, list[URIRef]] = defaultdict(list)
    by_biobank: dict[str, list[Resource]] = defaultdict(list)
    by_network: dict[str, list[Resource]] = defaultdict(list)
    biobanks_in_network: dict[str, list[Resource]] = defaultdict(list)
    for coll in catalogue.collections.values():
        if coll.parent_collection:
            children[coll.parent_collection].append(ctx.iris.dataset(coll.id))
    for coll in catalogue.collections.values():
        ds, dist = datasets.dataset(ctx, coll, children.get(coll.id, []))
        out += [ds, dist]
        by_biobank[coll.biobank].append(ds)
        for net in coll.network:
            if net in catalogue.networks:
                by_network[net].append(ds)
    members: list[Resource] = []
    for bb in catalogue.biobanks.values():
        made = catalogs.biobank_catalog(ctx, bb, by_biobank.get(bb.id, []))
        out += made
        members.append(made[0])
        for net in bb.network:
            if net in catalogue.networks:
                biobanks_in_network[net].append(made[0])
    for net in catalogue.networks.values():
        made = catalogs.network_catalog(ctx, net, by_network.get(net.id, []), biobanks_in_network.get(net.id, []))
        out += made
        members.append(made[0])
    node = catalogs.node_catalog(ctx, members)
    out += node
    out += catalogs.fdp_root(ctx, node[0])
    out += _agent_resources(ctx)
    out += _vocab_resources(ctx)
    hashes = content_hashes(out) if previous is not None else [""] * len(out)
    conv = Conversion(out, ctx.derived, list(catalogue.notices), base, Counter(r.kind for r in out), hashes)
    conv.stamps = stamp(out, hashes, ctx.now, previous)
    return conv


def _agent_resources(ctx: Context) -> list[Resource]:
    """Agents and contact points dereference too: one document each, holding its description."""
    out = []
    for iri, triples in ctx.descriptions.items():
        kind = "agent" if str(iri).startswith(f"{ctx.iris.base}/agent/") else "contact"
        table, record = ctx.described_from.get(iri, (None, None))
        res = Resource(iri, kind, set(triples), table=table, record_id=record.id if record else None,
                       source=record.source if record else None)
        out.append(res)
    return out
