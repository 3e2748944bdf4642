"""A build one family at a time: convert, hash, stamp, validate and serialise in worker processes, write as the
families arrive.

A whole conversion of 100k collections holds some 15 million rdflib terms at once (over 5 GiB) and runs on
one core. But every family of documents (a biobank catalogue with its datasets and distributions; a network
catalogue) depends on the records alone (`mapping.convert.Plan`), so worker processes convert disjoint
families side by side. Each task carries its collections' records, pickled (`Family`), and sends back only
what the build keeps: each resource's stamp, the findings, the graphs and documents of the resources to write
(`Written`), and the stand-ins (summary and content hash) that other catalogues embed: every catalogue's, for
the node catalogue, and those of the datasets some network lists. The rdflib graphs of a family live only
while it is being worked on.

Order of work: the biobank families and the code lists first; then the data services and endpoints (a service
embeds the datasets it serves by their stand-ins); then the networks and the Directory catalogues (a network embeds
its member datasets and biobank catalogues, a Directory catalogue its collections and data services, by the
stand-ins their families sent back); then, in this process, the node catalogue and the FDP root over every
catalogue's stand-in and the stand-ins of the services no Directory catalogue lists. A resource is
hashed, stamped and validated exactly as in a whole conversion (`mapping.convert.convert`), so both give the
same documents, times and version tags.
"""

from __future__ import annotations

import gc
import multiprocessing
import pickle
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice

from rdflib import URIRef

from ..mapping.context import Context
from ..mapping.convert import (
    Plan,
    agent_resources,
    biobank_family,
    directory_catalog_family,
    network_family,
    plan,
    service_family,
    top,
    vocab_resources,
)
from ..mapping.resource import Resource, Triple
from ..mapping.stamps import Stamp, stamp
from ..rdf.digest import content_hashes
from ..rdf.ntriples import statements
from ..store.serialise import Serialiser, holders
from ..validation.engine import Result, consecutive_groups, default_workers, validate_resources
from ..validation.passes import Validation
from ..validation.report import Locator
from . import memory, searchrows
from .forked import die_with_parent
from .stream_pieces import Collector, Family, Member, Outcome, Piece, S, Sink

__all__ = ["Family", "Job", "Member", "Outcome", "Piece", "S", "Sink", "changed", "owned_iris", "prepare", "run"]

Progress = Callable[[str, int, int], None]
#: collections converted per task: small enough to bound a worker's memory, large enough to amortise a task
CHUNK_COLLECTIONS = 400


@dataclass
class Job:
    """What every task needs: set in this process before the workers fork, so they inherit it."""

    ctx: Context
    plan: Plan
    shapes: Validation
    background: list[Triple]
    previous: Mapping[str, Stamp]
    cached: dict[str, list[Result]]
    #: the IRIs of every resource: all but the agents and contacts from the start, those as they are described
    owned: set[str]
    config_file: str
    #: the IRIs of the datasets some network, Directory catalogue or data service embeds
    network_members: set[str] = field(default_factory=set)
    #: node IRI -> the resource whose graph holds its description (`store.serialise.holders`)
    held: dict[str, str] = field(default_factory=dict)
    #: write every resource, changed or not (the live build's graphs are of another layout)
    rewrite: bool = False
    #: the biobank tasks, each a pickled list of `Family` (see `prepare`)
    tasks: list[bytes] = field(default_factory=list)
    #: how many collections the tasks hold
    total: int = 0
    #: agents and contacts this process has already sent (each worker sends each one at most once)
    sent: set[URIRef] = field(default_factory=set)
    #: how many of this process's agent descriptions are in `owned` already
    described: int = 0


_JOB: Job | None = None


def owned_iris(ctx: Context, families: Plan, vocab: Sequence[Resource]) -> set[str]:
    """The IRI of every resource but the agents and contact points (which are known only once described):
    what decides which statements of a document belong in another resource's named graph. `vocab` are the
    build's vocabulary resources (`vocab_resources`)."""
    iris, cat = ctx.iris, ctx.catalogue
    out = {str(iris.root()), str(iris.container(iris.root(), "catalogs"))}
    node = iris.catalog(ctx.config.node.id)
    out |= {str(node), str(iris.container(node, "catalogs"))}
    for coll in cat.collections.values():
        dataset = iris.dataset(coll.id)
        out |= {str(dataset), str(iris.distribution(coll.id)), str(iris.container(dataset, "distributions"))}
    for bb in cat.biobanks:
        iri = iris.catalog(bb)
        out |= {str(iri), str(iris.container(iri, "datasets"))}
    for net in cat.networks:
        iri = iris.catalog(net)
        out |= {str(iri), str(iris.container(iri, "datasets")), str(iris.container(iri, "catalogs"))}
    for catalog in cat.catalogs:
        iri = iris.catalog(catalog)
        out |= {str(iri), str(iris.container(iri, "datasets"))}
        if families.catalog_services.get(catalog):
            out.add(str(iris.container(iri, "services")))
    out |= {str(iris.service(s)) for s in [*cat.services, *cat.endpoints]}
    if families.node_services:
        out.add(str(iris.container(node, "services")))
    out |= {str(r.iri) for r in vocab}
    return out


def _finish(job: Job, resources: list[Resource], piece: Piece) -> list[str]:
    """Hash, stamp, validate and serialise `resources` (one or more whole families) into `piece`; their content
    hashes. Each statement's N-Triples text is made once, hashed, and written as it is."""
    lines = [statements(r.triples) for r in resources]
    hashes = content_hashes(resources, lines)
    added: dict[str, list[Triple]] = {}
    stamps = stamp(resources, hashes, job.ctx.now, job.previous, added)
    tags = [stamps[str(r.iri)].etag for r in resources]
    outcome = validate_resources(resources, job.shapes, job.background, job.cached, workers=1,
                                 violations_only=True, hashes=tags)
    piece.validated += outcome.validated
    for i, found in outcome.results.items():  # cached ones too: the cache keeps what the last build had
        piece.fresh[tags[i]] = found
    locator = Locator(resources, job.config_file, job.ctx.config.node.id)
    for i in sorted(outcome.results):
        res = resources[i]
        piece.findings += [(str(res.iri), locator.finding(res, r, job.shapes)) for r in outcome.results[i]]
    described = job.ctx.descriptions  # agents are resources too, known once described (in insertion order)
    job.owned.update(str(iri) for iri in islice(described, job.described, None))
    job.described = len(described)
    serialiser = Serialiser(job.owned, job.held, [p.token for p in job.ctx.profiles.others])
    for res, own in zip(resources, lines, strict=True):
        key = str(res.iri)
        new = stamps[key]
        piece.stamps[key] = new
        piece.triples[key] = len(res.triples)
        if res.variants:
            piece.deltas += [(key, token, out, in_) for token, (out, in_) in serialiser.deltas(res).items()]
        if job.rewrite or changed(job.previous.get(key), new):
            written = serialiser.written(res, new, own + statements(added.get(key, ())))
            piece.written.append(searchrows.with_row(written, res, job.ctx) if job.ctx.config.search.index
                                 else written)
    return hashes


def changed(before: Stamp | None, now: Stamp) -> bool:
    """Whether a resource must be (re-)written. An empty old hash marks a resource an interrupted remote build
    may have half-written: it is sent again."""
    return before is None or before.etag != now.etag or not before.hash


def _new_agents(job: Job) -> list[Resource]:
    """Agents and contact points described in this process and not sent yet."""
    fresh = {iri: triples for iri, triples in job.ctx.descriptions.items() if iri not in job.sent}
    job.sent.update(fresh)
    return agent_resources(job.ctx, fresh)


def _biobanks(task: bytes) -> Piece:
    assert _JOB is not None
    job = _JOB
    resources: list[Resource] = []
    piece = Piece()
    families: list[Family] = pickle.loads(task)
    for family in families:
        part = Plan(family.children, {family.biobank: family.collections}, {}, {})
        resources += biobank_family(job.ctx, part, family.biobank)
        piece.collections += len(family.collections)
    hashes = _finish(job, resources, piece)
    for res, digest in zip(resources, hashes, strict=True):
        if res.kind == "catalog":
            piece.members.append(Member.of(res, digest))
        elif res.kind == "dataset" and str(res.iri) in job.network_members:
            piece.network_datasets.append(Member.of(res, digest))
    _finish(job, _new_agents(job), piece)
    return piece


def _vocab(_: object) -> Piece:
    assert _JOB is not None
    piece = Piece()
    _finish(_JOB, vocab_resources(_JOB.ctx, _JOB.plan), piece)
    return piece


def _network(task: tuple[str, list[Member], list[Member]]) -> Piece:
    """A network's catalogue, embedding its member datasets and biobank catalogues by their stand-ins."""
    assert _JOB is not None
    job = _JOB
    network_id, catalogues, members = task
    made = network_family(job.ctx, job.plan, network_id, [m.stand_in() for m in members],
                          [m.stand_in() for m in catalogues])
    piece = Piece()
    hashes = _finish(job, made, piece)
    piece.members.append(Member.of(made[0], hashes[0]))
    _finish(job, _new_agents(job), piece)
    return piece


def _service(task: tuple[str, list[Member]]) -> Piece:
    """A data service's or endpoint's document, embedding the datasets it serves by their stand-ins."""
    assert _JOB is not None
    job = _JOB
    service_id, served = task
    made = service_family(job.ctx, service_id, [m.stand_in() for m in served])
    piece = Piece()
    hashes = _finish(job, made, piece)
    piece.services.append(Member.of(made[0], hashes[0]))
    _finish(job, _new_agents(job), piece)
    return piece


def _directory_catalog(task: tuple[str, list[Member], list[Member]]) -> Piece:
    """A Directory catalogue, embedding its collections and data services by their stand-ins."""
    assert _JOB is not None
    job = _JOB
    catalog_id, datasets, services = task
    made = directory_catalog_family(job.ctx, catalog_id, [m.stand_in() for m in datasets],
                                    [m.stand_in() for m in services])
    piece = Piece()
    hashes = _finish(job, made, piece)
    piece.members.append(Member.of(made[0], hashes[0]))
    _finish(job, _new_agents(job), piece)
    return piece


def _chunks(job: Job) -> list[list[Family]]:
    """The biobank families in tasks of about CHUNK_COLLECTIONS collections (whole biobanks, in input order); a
    small catalogue gets several tasks per worker, so the workers share the work."""
    plan_ = job.plan
    sizes = {bb: len(plan_.collections.get(bb, [])) for bb in job.ctx.catalogue.biobanks}
    total = sum(sizes.values())
    target = max(1, min(CHUNK_COLLECTIONS, total // (4 * default_workers()) or 1))
    return [[Family(bb, plan_.collections.get(bb, []),
                    {c.id: plan_.children[c.id] for c in plan_.collections.get(bb, []) if c.id in plan_.children})
             for bb in group]
            for group in consecutive_groups(sizes, sizes.__getitem__, target)]


def run(job: Job, open_sink: Callable[[], S], workers: int | None = None,
        progress: Progress | None = None) -> tuple[Outcome, S]:
    """Convert, validate and write the whole catalogue of `job` into the sink `open_sink()` makes (after the
    workers fork: they must not inherit an open store), families in parallel. On an error the sink is aborted;
    otherwise the caller commits or aborts it, depending on the outcome."""
    global _JOB
    step = progress or (lambda stage, done, total: None)
    workers = workers or default_workers()
    total = job.total
    _JOB = job
    memory.release()  # the records the tasks were made from, if the caller let go of them (`prepare`)
    gc.freeze()  # the records are read-only from here on: keep the collector off their pages in the workers
    pool = multiprocessing.get_context("fork").Pool(workers, initializer=die_with_parent) \
        if workers > 1 and "fork" in multiprocessing.get_all_start_methods() else None
    sink: S | None = None
    failed = True
    try:
        sink = open_sink()
        collector = Collector(sink)
        def each(func: Callable, tasks: Iterable) -> Iterator[Piece]:
            return pool.imap_unordered(func, tasks) if pool is not None else map(func, tasks)

        done = 0
        step("convert", 0, total)
        for piece in each(_biobanks, job.tasks):
            collector.add(piece)
            done += piece.collections
            step("convert", done, total)
        for piece in each(_vocab, [None]):
            collector.add(piece)
        biobank_members = {m.iri: m for m in collector.members}
        iris, cat, plan_ = job.ctx.iris, job.ctx.catalogue, job.plan
        datasets = collector.network_datasets
        services = [(sid, [datasets[str(iris.dataset(c))] for c in plan_.served.get(sid, [])])
                    for sid in [*cat.services, *cat.endpoints]]
        for piece in each(_service, services):
            collector.add(piece)
        networks = [(nid, [biobank_members[str(iris.catalog(b))] for b in plan_.network_biobanks.get(nid, [])],
                     [datasets[str(iris.dataset(c))] for c in plan_.network_collections.get(nid, [])])
                    for nid in cat.networks]
        for piece in each(_network, networks):
            collector.add(piece)
        directory = [(cid, [datasets[str(iris.dataset(c))] for c in plan_.catalog_collections.get(cid, [])],
                      [collector.services[str(iris.service(s))] for s in plan_.catalog_services.get(cid, [])])
                     for cid in cat.catalogs]
        for piece in each(_directory_catalog, directory):
            collector.add(piece)
        # the node catalogue and the root, here: they embed every catalogue's stand-in
        catalogues = [m.stand_in() for m in collector.members]
        listed = [collector.services[str(iris.service(s))].stand_in() for s in plan_.node_services]
        last = top(job.ctx, catalogues, listed)
        for resources in (last, _new_agents(job)):
            piece = Piece()
            _finish(job, resources, piece)
            collector.add(piece)
        failed = False
    except BaseException:
        if sink is not None:
            sink.abort()
        raise
    finally:
        if pool is not None:
            if failed:  # an error or Ctrl-C: the tasks still queued are not wanted
                pool.terminate()
            else:
                pool.close()
            pool.join()
        gc.unfreeze()
        _JOB = None
    outcome = Outcome(collector.stamps, collector.findings, collector.fresh, collector.triples, collector.validated)
    return outcome, sink


def prepare(ctx: Context, shapes: Validation, background: list[Triple], previous: Mapping[str, Stamp],
            cached: dict[str, list[Result]], config_file: str, rewrite: bool = False) -> Job:
    """The job for `run`: the families of the catalogue and everything the workers will inherit. The biobank
    tasks carry their collections' records pickled (~8 MB for 10k collections, against ~70 MB as objects): a
    caller that drops its own references to them (`catalogue.collections`) before `run` forks the workers keeps
    the records out of every process. With `rewrite`, every resource is written, changed or not (the live
    build's graphs are of another layout)."""
    families = plan(ctx)
    shapes.compile()  # once, here, before the workers fork
    in_networks = {str(ctx.iris.dataset(c)) for c in families.embedded()}
    vocab = vocab_resources(ctx, families)  # here for their IRIs only; the vocab task makes them again
    job = Job(ctx, families, shapes, background, previous, cached, owned_iris(ctx, families, vocab), config_file,
              in_networks, holders(vocab), rewrite)
    del vocab
    job.tasks = [pickle.dumps(task, pickle.HIGHEST_PROTOCOL) for task in _chunks(job)]
    job.total = len(ctx.catalogue.collections)
    families.collections.clear()  # the tasks hold them now
    families.children.clear()
    return job
