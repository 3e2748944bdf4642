"""A build one family at a time: convert, hash, stamp, validate and serialise in worker processes, write as the
families arrive.

A whole conversion of 100k collections holds some 15 million rdflib terms at once (over 5 GiB) and runs on
one core. But every family of documents (a biobank catalogue with its datasets and distributions; a network
catalogue) depends on the records alone (`mapping.convert.Plan`), so worker processes forked after the records
are read convert disjoint families side by side and send back only what the build keeps: each resource's
stamp, the findings, the graphs and documents of the resources to write (`Written`), and, for each catalogue,
the stand-in the node catalogue embeds (its summary and content hash). The rdflib graphs of a family live only
while it is being worked on.

Order of work: the biobank families and the code lists first; then the networks (a network embeds its member
datasets in full, so its task converts them again, and its member biobank catalogues by their stand-ins);
then, in this process, the node catalogue and the FDP root over every catalogue's stand-in. A resource is
hashed, stamped and validated exactly as in a whole conversion (`mapping.convert.convert`), so both give the
same documents, times and version tags.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Protocol, TypeVar

from rdflib import URIRef

from .digest import content_hashes
from .mapping import datasets
from .mapping.context import Context
from .mapping.convert import Plan, agent_resources, biobank_family, network_family, plan, top, vocab_resources
from .mapping.resource import Resource, Triple
from .mapping.stamps import Stamp, stamp
from .store.serialise import Serialiser, Written
from .validation.engine import Result, consecutive_groups, default_workers, validate_resources
from .validation.profiles import ShapeSet
from .validation.report import Finding, Locator

Progress = Callable[[str, int, int], None]
#: collections converted per task: small enough to bound a worker's memory, large enough to amortise a task
CHUNK_COLLECTIONS = 400


class Sink(Protocol):
    """Where the written resources go (a local `Staging` build or a remote store's spool)."""

    def write(self, items: Sequence[Written]) -> None: ...

    def abort(self) -> None: ...


S = TypeVar("S", bound=Sink)


@dataclass
class Member:
    """A catalogue as another catalogue embeds it: its summary triples and full content hash."""

    iri: str
    summary: list[Triple]
    digest: str

    def stand_in(self) -> Resource:
        return Resource(URIRef(self.iri), "catalog", summary=self.summary, digest=self.digest)


@dataclass
class Piece:
    """What one task sends back."""

    stamps: dict[str, Stamp] = field(default_factory=dict)
    triples: dict[str, int] = field(default_factory=dict)
    written: list[Written] = field(default_factory=list)
    #: (resource IRI, finding)
    findings: list[tuple[str, Finding]] = field(default_factory=list)
    #: validation results of every document, by version tag (what the validation cache keeps)
    fresh: dict[str, list[Result]] = field(default_factory=dict)
    members: list[Member] = field(default_factory=list)
    collections: int = 0
    validated: int = 0


@dataclass
class Job:
    """What every task needs: set in this process before the workers fork, so they inherit it."""

    ctx: Context
    plan: Plan
    shapes: ShapeSet
    background: list[Triple]
    previous: Mapping[str, Stamp]
    cached: dict[str, list[Result]]
    #: the IRIs of every resource: all but the agents and contacts from the start, those as they are described
    owned: set[str]
    config_file: str
    #: agents and contacts this process has already sent (each worker sends each one at most once)
    sent: set[URIRef] = field(default_factory=set)
    #: how many of this process's agent descriptions are in `owned` already
    described: int = 0


_JOB: Job | None = None


def owned_iris(ctx: Context, families: Plan) -> set[str]:
    """The IRI of every resource but the agents and contact points (which are known only once described):
    what decides which statements of a document belong in another resource's named graph."""
    iris, cat = ctx.iris, ctx.catalogue
    out = {str(iris.root()), str(iris.container(iris.root(), "catalogs"))}
    node = iris.catalog(ctx.config.node.id)
    out |= {str(node), str(iris.container(node, "catalogs"))}
    for coll in cat.collections.values():
        out |= {str(iris.dataset(coll.id)), str(iris.distribution(coll.id))}
    for bb in cat.biobanks:
        iri = iris.catalog(bb)
        out |= {str(iri), str(iris.container(iri, "datasets"))}
    for net in cat.networks:
        iri = iris.catalog(net)
        out |= {str(iri), str(iris.container(iri, "datasets")), str(iris.container(iri, "catalogs"))}
    out |= {str(r.iri) for r in vocab_resources(ctx)}
    return out


def _finish(job: Job, resources: list[Resource], piece: Piece, hashes: list[str] | None = None) -> Piece:
    """Hash, stamp, validate and serialise `resources` (one or more whole families) into `piece`."""
    hashes = hashes if hashes is not None else content_hashes(resources)
    stamps = stamp(resources, hashes, job.ctx.now, job.previous)
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
    serialiser = Serialiser(job.owned)
    for res in resources:
        key = str(res.iri)
        new = stamps[key]
        piece.stamps[key] = new
        piece.triples[key] = len(res.triples)
        if changed(job.previous.get(key), new):
            piece.written.append(serialiser.written(res, new))
    return piece


def changed(before: Stamp | None, now: Stamp) -> bool:
    """Whether a resource must be (re-)written. An empty old hash marks a resource an interrupted remote build
    may have half-written: it is sent again."""
    return before is None or before.etag != now.etag or not before.hash


def _new_agents(job: Job) -> list[Resource]:
    """Agents and contact points described in this process and not sent yet."""
    fresh = {iri: triples for iri, triples in job.ctx.descriptions.items() if iri not in job.sent}
    job.sent.update(fresh)
    return agent_resources(job.ctx, fresh)


def _biobanks(ids: list[str]) -> Piece:
    assert _JOB is not None
    job = _JOB
    resources: list[Resource] = []
    piece = Piece()
    for biobank_id in ids:
        made = biobank_family(job.ctx, job.plan, biobank_id)
        resources += made
        piece.collections += len(job.plan.collections.get(biobank_id, []))
    hashes = content_hashes(resources)
    for res, digest in zip(resources, hashes, strict=True):
        if res.kind == "catalog":
            piece.members.append(Member(str(res.iri), res.summary, digest))
    _finish(job, resources, piece, hashes)
    return _finish(job, _new_agents(job), piece)


def _vocab(_: object) -> Piece:
    assert _JOB is not None
    return _finish(_JOB, vocab_resources(_JOB.ctx), Piece())


def _network(task: tuple[str, list[Member]]) -> Piece:
    """A network's catalogue, embedding its member datasets (converted again here: a dataset's document is a
    function of its record) and its member biobank catalogues (by stand-in)."""
    assert _JOB is not None
    job = _JOB
    network_id, catalogues = task
    ctx = job.ctx
    collections = job.ctx.catalogue.collections
    members = [datasets.dataset(ctx, collections[cid], job.plan.children.get(cid, []))[0]
               for cid in job.plan.network_collections.get(network_id, [])]
    made = network_family(ctx, job.plan, network_id, members, [m.stand_in() for m in catalogues])
    # hashed with the members in the list (they are not published from here) so they count by full hash
    hashes = content_hashes([*made, *members])[:len(made)]
    piece = Piece(members=[Member(str(made[0].iri), made[0].summary, hashes[0])])
    _finish(job, made, piece, hashes)
    return _finish(job, _new_agents(job), piece)


def _chunks(job: Job) -> list[list[str]]:
    """Biobank ids in tasks of about CHUNK_COLLECTIONS collections (whole biobanks, in input order); a small
    catalogue gets several tasks per worker, so the workers share the work."""
    sizes = {bb: len(job.plan.collections.get(bb, [])) for bb in job.ctx.catalogue.biobanks}
    total = sum(sizes.values())
    target = max(1, min(CHUNK_COLLECTIONS, total // (4 * default_workers()) or 1))
    return consecutive_groups(sizes, sizes.__getitem__, target)


@dataclass
class Outcome:
    """What the streamed build found and wrote."""

    stamps: dict[str, Stamp]
    findings: list[Finding]
    fresh: dict[str, list[Result]]
    triples: int
    validated: int


class _Collector:
    """Merges pieces in this process: each resource once (a worker may send an agent another sent too)."""

    def __init__(self, sink: Sink) -> None:
        self.sink = sink
        self.stamps: dict[str, Stamp] = {}
        self.findings: list[Finding] = []
        self.fresh: dict[str, list[Result]] = {}
        self.triples = 0
        self.validated = 0
        self.members: list[Member] = []
        self.violations = False

    def add(self, piece: Piece) -> None:
        new = {iri for iri in piece.stamps if iri not in self.stamps}
        for iri in new:
            self.stamps[iri] = piece.stamps[iri]
            self.triples += piece.triples[iri]
        for iri, finding in piece.findings:
            if iri in new:
                self.findings.append(finding)
                self.violations = self.violations or finding.severity == "violation"
        self.fresh.update(piece.fresh)
        self.validated += piece.validated
        self.members += piece.members
        if not self.violations:  # once invalid, nothing will be published: stop writing
            self.sink.write([w for w in piece.written if w.iri in new])


def run(job: Job, open_sink: Callable[[], S], workers: int | None = None,
        progress: Progress | None = None) -> tuple[Outcome, S]:
    """Convert, validate and write the whole catalogue of `job` into the sink `open_sink()` makes (after the
    workers fork: they must not inherit an open store), families in parallel. On an error the sink is aborted;
    otherwise the caller commits or aborts it, depending on the outcome."""
    global _JOB
    step = progress or (lambda stage, done, total: None)
    workers = workers or default_workers()
    total = len(job.ctx.catalogue.collections)
    _JOB = job
    gc.freeze()  # the records are read-only from here on: keep the collector off their pages in the workers
    pool = multiprocessing.get_context("fork").Pool(workers) \
        if workers > 1 and "fork" in multiprocessing.get_all_start_methods() else None
    sink: S | None = None
    failed = True
    try:
        sink = open_sink()
        collector = _Collector(sink)
        def each(func: Callable, tasks: Iterable) -> Iterator[Piece]:
            return pool.imap_unordered(func, tasks) if pool is not None else map(func, tasks)

        done = 0
        step("convert", 0, total)
        for piece in each(_biobanks, _chunks(job)):
            collector.add(piece)
            done += piece.collections
            step("convert", done, total)
        for piece in each(_vocab, [None]):
            collector.add(piece)
        biobank_members = {m.iri: m for m in collector.members}
        networks = [(nid, [biobank_members[str(job.ctx.iris.catalog(b))]
                           for b in job.plan.network_biobanks.get(nid, [])])
                    for nid in job.ctx.catalogue.networks]
        for piece in each(_network, networks):
            collector.add(piece)
        # the node catalogue and the root, here: they embed every catalogue's stand-in
        catalogues = [m.stand_in() for m in collector.members]
        last = top(job.ctx, catalogues)
        collector.add(_finish(job, last, Piece()))
        collector.add(_finish(job, _new_agents(job), Piece()))
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


def prepare(ctx: Context, shapes: ShapeSet, background: list[Triple], previous: Mapping[str, Stamp],
            cached: dict[str, list[Result]], config_file: str) -> Job:
    """The job for `run`: the families of the catalogue and everything the workers will inherit."""
    families = plan(ctx)
    shapes.checker()  # compiled once, here, before the workers fork
    return Job(ctx, families, shapes, background, previous, cached, owned_iris(ctx, families), config_file)
