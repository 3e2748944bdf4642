"""Run SHACL over a conversion fast: batches of resource documents, several processes, unchanged ones skipped.

pyshacl has a fixed cost per call and is linear in the focus nodes it checks, so:
- documents are validated in batches (the union of a few hundred documents, plus the vocabulary background)
  in one pyshacl call with every selected profile at once;
- a batch holds whole families (a biobank catalogue, its datasets, their distributions and containers): a
  catalogue document embeds its datasets' descriptions, so validating it beside them costs nothing extra,
  while the same catalogue in another batch would re-check every one of its datasets;
- batches run in forked worker processes that inherit the parsed shapes and the converted documents (nothing
  is serialised on the way in; only the few results come back), largest batch first;
- a document whose content hash is in the cache is not validated again: its earlier results are reused;
- in violations-only mode (a build: only violations block publishing), pyshacl only sees the pairs with a failing
  Violation part, and the fast check's failing warning and info parts are reported without it (one result per
  part and focus node, with the shape's own message: exact in which shape fails where, not in values or counts).
"""

from __future__ import annotations

import multiprocessing
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from rdflib import Graph, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from ..mapping.resource import Resource, Triple
from ..rdf.digest import content_hashes as digest_hashes
from ..rdf.digest import merkle, own_hash, with_variants
from .engines import DEFAULT_ENGINE, Result, _n3, check
from .engines import results_of as results_of  # the reports' reader, where callers have long found it
from .fastcheck import FastChecker
from .fastindex import Index
from .passes import Validation
from .shapesets import ShapeSet

#: target size of one batch, in triples (about a hundred collections with their distributions)
BATCH_TRIPLES = 20_000


@dataclass
class _Job:
    """What a worker needs; set before forking so workers inherit it instead of receiving it."""

    resources: Sequence[Resource]
    #: (the profile whose documents a pass checks, None for the default's; its shapes; their fast checker)
    passes: list[tuple[str | None, Graph, FastChecker | None]]
    background: list[Triple]
    violations_only: bool = False
    engine: str = DEFAULT_ENGINE


_JOB: _Job | None = None
T = TypeVar("T")


# --- content hashes -------------------------------------------------------------------------------------------

def _own_hashes(indices: list[int]) -> list[tuple[int, str]]:
    assert _JOB is not None
    return [(i, with_variants(own_hash(_JOB.resources[i].triples), _JOB.resources[i])) for i in indices]


def content_hashes(resources: Sequence[Resource], pool=None) -> list[str]:
    """Each document's content hash (`bbfair.rdf.digest`), the own-triple hashes computed by the workers when
    there is a pool (they inherited the resources)."""
    if pool is None:
        return digest_hashes(resources)
    own: dict[int, str] = {}
    for part in pool.imap_unordered(_own_hashes, _chunks(range(len(resources)), max(1, len(resources) // 16))):
        own.update(part)
    return merkle(resources, own)


def _chunks(items: Iterable[int], size: int) -> list[list[int]]:
    out: list[list[int]] = [[]]
    for item in items:
        if len(out[-1]) >= size:
            out.append([])
        out[-1].append(item)
    return [c for c in out if c]


# --- batches --------------------------------------------------------------------------------------------------

def _family(res: Resource, by_iri: dict[URIRef, Resource]) -> URIRef:
    """The catalogue a document belongs with: a dataset's biobank catalogue, a distribution's dataset's, a
    container's parent's; a catalogue is its own family."""
    seen = 0
    while res.kind not in ("catalog", "fdp") and res.parent is not None and res.parent in by_iri and seen < 8:
        res = by_iri[res.parent]
        seen += 1
    return res.iri


def consecutive_groups(items: Iterable[T], weight: Callable[[T], int], target: int) -> list[list[T]]:
    """`items` in order, cut into groups of about `target` total weight (a group holds at least one item):
    how validation batches, harvest checks and build tasks are sized."""
    out: list[list[T]] = [[]]
    size = 0
    for item in items:
        w = weight(item)
        if out[-1] and size + w > target:
            out.append([])
            size = 0
        out[-1].append(item)
        size += w
    return [g for g in out if g]


def batches(resources: Sequence[Resource], todo: Iterable[int], target: int = BATCH_TRIPLES) -> list[list[int]]:
    """Group the documents to validate into batches of whole families, largest first."""
    by_iri = {r.iri: r for r in resources}
    families: dict[URIRef, list[int]] = defaultdict(list)
    for i in todo:
        families[_family(resources[i], by_iri)].append(i)
    grouped = consecutive_groups(families.values(), lambda members: sum(len(resources[i].triples) for i in members),
                                 target)
    out = [[i for members in group for i in members] for group in grouped]
    out.sort(key=lambda b: -sum(len(resources[i].triples) for i in b))
    return out


# --- validation -----------------------------------------------------------------------------------------------

def _approximate(checker: FastChecker, parts: list[tuple[Node, Node]], exact: list[Result]) -> list[Result]:
    """One result per failing warning or info part and focus node, built from the shape alone (no pyshacl): the
    part's message (else its name), its single predicate as the path, no value. A pair pyshacl already reported
    on (a focus node of a shape it checked for a violation) keeps pyshacl's results only."""
    known = {(r.focus, r.shape) for r in exact}
    g = checker.graph
    messages: dict[Node, str] = {}
    out: list[Result] = []
    for node, focus in parts:
        if (focus.n3(), node.n3()) in known:
            continue
        if node not in messages:
            text = next(iter(g.objects(node, SH.message)), None) or g.value(node, SH.name)
            messages[node] = str(text) if text is not None else ""
        shape = checker.compiled[node]
        out.append(Result(focus=focus.n3(), path=_n3(shape.predicate), value=None,
                          severity=str(shape.severity).rsplit("#", 1)[-1], message=messages[node],
                          shape=node.n3()))
    return out


def run_batch(documents: Iterable[set[Triple] | Iterable[Triple]], shapes: Graph,
              background: Iterable[Triple], checker: FastChecker | None = None,
              violations_only: bool = False, engine: str = DEFAULT_ENGINE) -> list[Result]:
    """Validate the union of `documents` and the background on `engine` (`engines.check`). With a complete fast
    checker, the engine only sees the (shape, focus nodes) pairs the checker found failing; otherwise it checks
    everything. `violations_only` narrows the engine to the pairs with a violation and approximates the warnings
    (see `_approximate`); with an incomplete checker the run stays exact."""
    union: set[Triple] = set(background)
    for doc in documents:
        union.update(doc)
    failing = None
    parts: list[tuple[Node, Node]] = []
    if checker is not None and checker.complete:
        if violations_only:
            failing, parts = checker.triage(Index(union))
        else:
            failing = checker.failures(Index(union))
        if not failing:
            return _approximate(checker, parts, []) if parts else []
    if failing is None:
        return check(engine, union, shapes)
    assert checker is not None
    # no `focus_nodes`: with it pyshacl skips the `sh:node` checks of value nodes that are not focus nodes
    # themselves, so a dataset whose publisher is not described at all would pass
    exact = check(engine, union, checker.subgraph(failing), key=(id(checker), frozenset(failing)))
    return exact + _approximate(checker, parts, exact) if parts else exact


def _validate_indices(indices: list[int]) -> tuple[list[int], list[Result]]:
    """One batch in every pass (`passes`): each pass sees the batch's documents in its profile's form."""
    assert _JOB is not None
    found: list[Result] = []
    for variant, shapes, checker in _JOB.passes:
        docs = [_JOB.resources[i].document(variant) for i in indices]
        found += [r.on(variant) for r in run_batch(docs, shapes, _JOB.background, checker, _JOB.violations_only,
                                                   _JOB.engine)]
    return indices, found


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


@dataclass
class Outcome:
    """Results per document index, the content hashes, and how many documents pyshacl actually saw."""

    results: dict[int, list[Result]]
    hashes: list[str]
    validated: int
    batches: int


def validate_resources(resources: Sequence[Resource], shapes: ShapeSet | Validation, background: list[Triple],
                       cached: dict[str, list[Result]] | None = None, workers: int | None = None,
                       fast: bool = True, violations_only: bool = False,
                       hashes: list[str] | None = None, engine: str | None = None) -> Outcome:
    """Validate every document not in `cached` (by content hash); results are attributed to the document
    that owns each focus node (see `Owners`). `fast=False` skips the fast pre-check (pyshacl sees everything:
    the reference the tests compare with). `violations_only` makes violations exact and warnings approximate
    (see `run_batch`). `hashes`, one per resource, spares hashing documents a caller has hashed already."""
    global _JOB
    if hashes is not None and len(hashes) != len(resources):
        raise ValueError(f"{len(hashes)} content hashes for {len(resources)} documents")
    cached = cached or {}
    workers = workers or default_workers()
    validation = shapes if isinstance(shapes, Validation) else Validation.single(shapes)
    _JOB = _Job(resources, [(p.profile, p.shapes.graph, p.shapes.checker() if fast else None)
                            for p in validation.passes], background, violations_only,
                engine or validation.engine)
    fork = workers > 1 and "fork" in multiprocessing.get_all_start_methods()
    # with the hashes given, a pool is only worth forking when there are several batches to run
    pool = multiprocessing.get_context("fork").Pool(workers) if fork and hashes is None else None
    try:
        if hashes is None:
            hashes = content_hashes(resources, pool)
        todo = [i for i, h in enumerate(hashes) if h not in cached]
        plan = batches(resources, todo)
        if fork and pool is None and len(plan) > 1:
            pool = multiprocessing.get_context("fork").Pool(workers)
        results: dict[int, list[Result]] = {i: list(cached[h]) for i, h in enumerate(hashes) if h in cached}
        for i in todo:
            results[i] = []
        owners = Owners(resources)
        outputs = pool.imap_unordered(_validate_indices, plan) if pool and len(plan) > 1 \
            else map(_validate_indices, plan)
        seen: set[tuple[int, Result]] = set()
        for indices, found in outputs:
            for result in found:
                owner = owners.owner(result.focus, indices)
                key = (owner, result)
                if owner is None or key in seen:
                    continue
                seen.add(key)
                results.setdefault(owner, []).append(result)
    finally:
        if pool is not None:
            pool.close()
            pool.join()
        _JOB = None
    for i, found in results.items():
        # a result found again in another batch (a shared agent embedded in many documents) counts once
        results[i] = list(dict.fromkeys(found))
    return Outcome(results, list(hashes), len(todo), len(plan))


class Owners:
    """Which document a focus node belongs to: the document with that IRI, else the document of the IRI before
    its `#` (`…/dataset/x#provenance`), else the first document of the batch that describes it. Nodes only
    the vocabulary background describes belong to no document and are not reported."""

    def __init__(self, resources: Sequence[Resource]) -> None:
        self.resources = resources
        self.by_iri = {r.iri.n3(): i for i, r in enumerate(resources)}
        self._batch: tuple[int, ...] = ()
        self._subjects: dict[str, int] = {}

    def owner(self, focus: str, batch: Sequence[int]) -> int | None:
        found = self.by_iri.get(focus)
        if found is None and "#" in focus:
            found = self.by_iri.get(focus.split("#", 1)[0] + ">")
        if found is None:
            if tuple(batch) != self._batch:  # built once per batch, only when a focus node needs it
                self._batch = tuple(batch)
                self._subjects = {}
                for i in batch:
                    for s in {t[0] for t in self.resources[i].triples}:
                        self._subjects.setdefault(s.n3(), i)
            return self._subjects.get(focus)
        return found
