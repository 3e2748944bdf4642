"""Validate harvested records as their consumer does: with the official shape files of the publication profile
the harvest asked for (Health-RI v2.0.2 by default; HealthDCAT-AP R8 at the level each record's access rights
give), many records per pyshacl call, each record judged on its own. A profile's submission checks (R8's graph
guard: "the submitted graph holds a dcat:Dataset") run on each record's graph alone, as a submission.

pyshacl has a fixed cost per call, so records are validated in batches of about `BATCH_TRIPLES` triples, with
the EU vocabulary background the official `sh:class` checks need: bbfair's fast pre-check
(`validation.fastcheck`) runs over the whole batch and names the records with a failing (shape, focus node)
pair, and one pyshacl call (`engine.run_batch`) checks those records whole and gives every reported result. A
catalogue with no problem never reaches pyshacl.

The harvester imports each record on its own: a record that names its publisher without describing it must
fail even when the record next to it in the batch describes that publisher. So before a batch is formed, every
node that more than one record of the batch mentions and at least one describes (a shared agent, contact
point, parent dataset) is renamed apart per record (`…#harvest-copy-{n}`, a fresh blank node for a blank
node); results are mapped back to the original node and to the record they came from. Nodes the shapes or the
background name (classes, EU vocabulary concepts, `sh:in` values) are never renamed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SH
from rdflib.term import Node

from ..profiles import LEVELS, by_token
from ..rdf import vocab
from ..rdf.namespaces import prefixes
from ..rdf.resources import shapes_path
from ..validation.engine import BATCH_TRIPLES, Result, consecutive_groups, results_of, run_batch
from ..validation.fastcheck import FastChecker
from ..validation.fastindex import Index
from ..validation.shapes import load_shapes, run_pyshacl
from ..validation.shapesets import ShapeSet, load_profiles
from ..validation.shapesets import available as available_sets
from .model import Finding, Record

Triple = tuple[Node, Node, Node]
_COPY = "harvest-copy-"
#: an IRI with a fragment already (`…/agent/X#identifier`) cannot take a second `#`: its copy continues the fragment
_COPY_PATTERN = re.compile(r"[#.]" + re.escape(_COPY) + r"\d+")


def _copy_of(iri: Node, i: int) -> str:
    """The IRI of record `i`'s copy of `iri`: a fragment of it, or a longer fragment when it has one already."""
    return f"{iri}{'.' if '#' in iri else '#'}{_COPY}{i}"


@lru_cache(maxsize=8)
def shapes_for(profiles: tuple[str, ...]) -> ShapeSet:
    """The merged shapes of bbfair's shape sets `profiles` (parsed once per process)."""
    return load_profiles(profiles)


@lru_cache(maxsize=8)
def official_shapes(token: str, level: str) -> ShapeSet:
    """The official shape files of publication profile `token` at access level `level` (PUBLIC, RESTRICTED,
    NON_PUBLIC), parsed once per process."""
    return load_profiles([], by_token(token).official_files(level))


@lru_cache(maxsize=4)
def submission_shapes(token: str) -> Graph | None:
    files = by_token(token).submission_files()
    return load_shapes(files) if files else None


def access_level(record: Record) -> str:
    """The access level a record declares (`dct:accessRights`), NON_PUBLIC when it names none this knows."""
    if record.graph is not None:
        for value in record.graph.objects(URIRef(record.url), DCTERMS.accessRights):
            level = str(value).rsplit("/", 1)[-1]
            if level in LEVELS:
                return level
    return "NON_PUBLIC"


@lru_cache(maxsize=1)
def _background() -> tuple[list[Triple], frozenset[Node]]:
    triples = list(vocab.background())
    return triples, frozenset(t[0] for t in triples)


def _nodes_of(shapes: Graph) -> frozenset[Node]:
    return frozenset(n for triple in shapes for n in triple if not isinstance(n, Literal))


class Isolated:
    """One batch's records with shared nodes renamed apart, and the way back from a result to its record."""

    def __init__(self, graphs: Sequence[Graph], protected: frozenset[Node]) -> None:
        holders: dict[Node, list[int]] = {}
        subjects: set[Node] = set()
        types: set[Node] = set()
        for i, graph in enumerate(graphs):
            nodes: set[Node] = set()
            for s, p, o in graph:
                nodes.add(s)
                subjects.add(s)
                if p == RDF.type:
                    types.add(o)
                elif not isinstance(o, Literal):
                    nodes.add(o)
            for node in nodes:
                holders.setdefault(node, []).append(i)
        renamed = {n for n, held in holders.items() if len(held) > 1 and n in subjects} - protected - types
        #: n3 of a renamed copy -> (n3 of the original, record index)
        self.back: dict[str, tuple[str, int]] = {}
        #: n3 of a node left alone -> the records that describe it (a result on a node no record describes,
        #: such as a background concept, belongs to no record, as in `bbfair validate`)
        self.holders = {n.n3(): held for n, held in holders.items() if n not in renamed and n in subjects}
        self.documents: list[set[Triple]] = []
        for i, graph in enumerate(graphs):
            copies: dict[Node, Node] = {}

            def copy(node: Node, i: int = i, copies: dict[Node, Node] = copies) -> Node:
                if node not in renamed:
                    return node
                if node not in copies:
                    new = BNode() if isinstance(node, BNode) else URIRef(_copy_of(node, i))
                    copies[node] = new
                    self.back[new.n3()] = (node.n3(), i)
                return copies[node]

            self.documents.append({(copy(s), p, copy(o)) for s, p, o in graph})

    def owners(self, focus: str) -> tuple[str, list[int]]:
        """The original focus node and the records a result on it belongs to."""
        if focus in self.back:
            original, i = self.back[focus]
            return original, [i]
        return focus, self.holders.get(focus, [])

    def original(self, n3: str | None) -> str | None:
        if n3 is None:
            return None
        return self.back[n3][0] if n3 in self.back else n3


def _plain(n3: str | None) -> str | None:
    """`<iri>` → `iri`; anything else (a literal, a blank node) as written."""
    if n3 is not None and n3.startswith("<") and n3.endswith(">"):
        return n3[1:-1]
    return n3


@lru_cache(maxsize=1)
def _namespaces() -> list[tuple[str, str]]:
    return sorted(((ns, p) for p, ns in prefixes().items()), key=lambda item: -len(item[0]))


def curie(n3: str | None) -> str | None:
    """A property path as a CURIE (`dct:description`), `^` kept for an inverse path."""
    if n3 is None:
        return None
    inverse = n3.startswith("^")
    iri = _plain(n3.removeprefix("^")) or ""
    for namespace, prefix in _namespaces():
        if iri.startswith(namespace):
            iri = f"{prefix}:{iri[len(namespace):]}"
            break
    else:
        iri = f"<{iri}>"
    return ("^" if inverse else "") + iri


def _count(graph: Graph, focus: str, path: str | None) -> int | None:
    """How many values the record gives the focus node on a plain property path (None when not countable)."""
    if path is None or not (path.startswith("<") and focus.startswith("<")):
        return None
    return sum(1 for _ in graph.objects(URIRef(focus[1:-1]), URIRef(path[1:-1])))


def summarise(result: Result, focus: str, value: str | None, record: Record, shapes: ShapeSet) -> str:
    """A few words on one result: which property of which node, and what is wrong with it (`focus` and `value`
    as N3, renamed copies already mapped back)."""
    where = "" if _plain(focus) == record.url else f"{_short(focus)} "
    prop = curie(result.path) or "the node"
    shape = URIRef(_plain(result.shape) or "") if result.shape and result.shape.startswith("<") else None
    name = shapes.shape_name(shape) if shape is not None else None
    if value is not None:
        return f"{where}{prop} {_short(value)}: not a valid {name or 'value'}"
    count = _count(record.graph, focus, result.path) if record.graph is not None else None
    if count == 0:
        return f"{where}{prop} missing"
    most = shapes.graph.value(shape, SH.maxCount) if shape is not None else None
    if count is not None and most is not None and count > int(most):
        return f"{where}{prop}: {count} values, at most {most}"
    return f"{where}{prop}: not a valid {name or 'value'}"


def _short(n3: str) -> str:
    return n3 if len(n3) <= 90 else n3[:87] + "…"


@lru_cache(maxsize=1)
def friendly_messages() -> dict[str, str]:
    """Official shape IRI -> the message of bbfair's shape that restates it (its `dct:source`): the official
    file judges, and the data manager reads what to fix in their own columns."""
    shapes = load_profiles(available_sets())
    out: dict[str, str] = {}
    for ours, source in shapes.graph.subject_objects(DCTERMS.source):
        message = shapes.graph.value(ours, SH.message)
        if isinstance(source, URIRef) and message is not None:
            out.setdefault(str(source), str(message))
    return out


def _finding(result: Result, isolated: Isolated, focus: str, record: Record, shapes: ShapeSet) -> Finding:
    value = isolated.original(result.value)
    message = friendly_messages().get(_plain(result.shape) or "") or _COPY_PATTERN.sub("", result.message)
    return Finding(focus=_plain(focus) or "", path=curie(result.path), value=_plain(value),
                   severity=result.severity, message=message,
                   shape=_plain(result.shape), summary=summarise(result, focus, value, record, shapes))


def batches(records: Sequence[Record], target: int = BATCH_TRIPLES) -> list[list[Record]]:
    """Consecutive records in groups of about `target` triples."""
    return consecutive_groups(records, lambda r: len(r.graph) if r.graph is not None else 0, target)


def validate_records(records: Iterable[Record], profile: str = "health-ri",
                     progress: Callable[[str, int, int], None] | None = None) -> list[str]:
    """Fill in every record's `findings` as publication profile `profile`'s consumer would (its official shape
    files; records without a graph are skipped); `progress("validate", done, total)` after each batch. The
    shape files it judged by, as paths under `shapes/`."""
    todo = [r for r in records if r.graph is not None]
    levels: dict[str, list[Record]] = {}
    for record in todo:
        levels.setdefault(access_level(record), []).append(record)
    files: list[str] = []
    done = 0
    for level, group in levels.items():
        files += [str(p.relative_to(shapes_path())) for p in by_token(profile).official_files(level)]
        done = _validate(group, official_shapes(profile, level), progress, done, len(todo))
    guard = submission_shapes(profile)
    if guard is not None:
        files += [str(p.relative_to(shapes_path())) for p in by_token(profile).submission_files()]
        for record in todo:
            record.findings += _submission(record, guard)
    return list(dict.fromkeys(files))


def _submission(record: Record, guard: Graph) -> list[Finding]:
    """The profile's checks of a whole submission, on the record's graph alone."""
    assert record.graph is not None
    _conforms, report = run_pyshacl(record.graph, guard)
    out = []
    for result in results_of(report):
        out.append(Finding(focus=record.url, path=None, value=None, severity=result.severity,
                           message=result.message, shape=_plain(result.shape),
                           summary="the submitted graph " + (result.message.rstrip(".") or "fails a submission "
                                                             "check")))
    return out


def _validate(todo: list[Record], shapes: ShapeSet, progress: Callable[[str, int, int], None] | None,
              done: int, total: int) -> int:
    """Validate `todo` with `shapes`, batch by batch; how many records are done in all."""
    background, described = _background()
    protected = described | _nodes_of(shapes.graph)
    checker = shapes.checker()
    done = 0
    for batch in batches(todo):
        isolated = Isolated([r.graph for r in batch], protected)  # type: ignore[misc]
        failing = _failing_records(isolated, background, checker)
        found: list[set[Finding]] = [set() for _ in batch]
        if failing:
            documents = [isolated.documents[i] for i in failing]
            for result in run_batch(documents, shapes.graph, background, None):
                focus, owners = isolated.owners(result.focus)
                for i in owners:
                    found[i].add(_finding(result, isolated, focus, batch[i], shapes))
        for record, findings in zip(batch, found, strict=True):
            record.findings = sorted(findings, key=lambda f: (f.severity != "Violation", f.focus != record.url,
                                                              f.focus, f.path or "", f.message))
        done += len(batch)
        if progress is not None:
            progress("validate", done, total)
    return done


def _failing_records(isolated: Isolated, background: list[Triple], checker: FastChecker) -> list[int]:
    """The records of a batch with a (shape, focus node) pair the fast pre-check does not pass (all of them when
    the shapes are outside what it compiles). pyshacl then checks those records whole: restricting pyshacl to
    the failing focus nodes (`focus_nodes`) would also skip its `sh:node` checks of the values that are not
    focus nodes themselves (a publisher the record does not describe), and report nothing."""
    if not checker.complete:
        return list(range(len(isolated.documents)))
    union: set[Triple] = set(background)
    for document in isolated.documents:
        union.update(document)
    records: set[int] = set()
    for foci in checker.failures(Index(union)).values():
        for focus in foci:
            records.update(isolated.owners(focus.n3())[1])
    return sorted(records)
