"""A fast pass/fail pre-check of SHACL Core shapes, so pyshacl only runs where something fails.

pyshacl evaluates every (focus node, shape) pair through rdflib graph queries: on the five default profiles
that is ~170 shape evaluations and ~15 ms per collection, far too slow for 10k collections. This module
compiles the shapes once into Python closures over a plain dict index of a batch's triples and answers one
question per targeted shape and focus node: does it conform (no result of any severity)? Only the pairs that
do not are handed to pyshacl (`use_shapes` + `focus_nodes`), which remains the one producer of every reported
result, so messages, paths and values are exactly pyshacl's.

`triage` answers a finer question for a build, which only needs exact violations: which *parts* of a targeted
shape (the shape's own checks, each property shape) fail, and with which severity. Only the pairs with a failing
Violation part need pyshacl; the failing warning and info parts of the other pairs are reported as they are.

The check is written to err towards "fails": a pair it cannot decide (an incomparable value, a recursion limit)
fails and pyshacl decides. A shapes file using anything outside the supported SHACL Core subset (SPARQL
constraints, SHACL-AF, blank-node targeted shapes) makes `FastChecker.complete` false, and the engine then
runs pyshacl on every batch as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from ..rdf.namespaces import canonical
from .fastindex import Index, Triple, foci
from .fastvalues import RANGE, Path, closure, compare, has_datatype, kind_of, regex_flags, unique, unique_lang

__all__ = ["FastChecker", "Index", "Shape", "Triple", "Unsupported"]

Check = Callable[[Index, Node, list[Node], int], bool]
MAX_DEPTH = 24

#: predicates of a shape that do not constrain anything
_ANNOTATIONS = {SH.name, SH.description, SH.message, SH.severity, SH.order, SH.group, SH.defaultValue,
                SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.property, SH.path,
                SH.deactivated, SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.flags, SH.ignoredProperties}


class Unsupported(Exception):
    """A construct the fast check does not implement: pyshacl must do all the work."""


@dataclass
class Shape:
    """A compiled shape: its path (None for a node shape), its checks and its property shapes."""

    node: Node
    path: Path | None
    #: the predicate, when the path is a single one (what sh:closed allows)
    predicate: Node | None = None
    checks: list[Check] = field(default_factory=list)
    properties: list[Shape] = field(default_factory=list)
    deactivated: bool = False
    #: the severity of the results this shape's own checks give (a property shape has its own, not its parent's)
    severity: Node = SH.Violation
    #: a property shape with a single predicate, checks and no property shapes of its own (most of them): its
    #: parent runs its checks inline, without a call, a memo entry or a list per focus node (`FastChecker.leaves`)
    leaf: bool = False

    def values(self, index: Index, focus: Node) -> list[Node]:
        if self.predicate is not None:  # the common case: the index holds a subject's objects once each
            return index.objects(focus, self.predicate)
        return [focus] if self.path is None else self.path(index, [focus])

    def conforms(self, index: Index, focus: Node, depth: int = 0) -> bool:
        key = (id(self), focus, depth)
        found = index.memo.get(key)
        if found is None:
            found = index.memo[key] = self._conforms(index, focus, depth)
        return found

    def _conforms(self, index: Index, focus: Node, depth: int) -> bool:
        if self.deactivated:
            return True
        if depth > MAX_DEPTH:
            return False
        values = self.values(index, focus)
        for check in self.checks:
            if not check(index, focus, values, depth):
                return False
        by_p = index.spo.get(focus)
        inline = depth + 1 <= MAX_DEPTH
        for prop in self.properties:
            if prop.leaf and inline:
                if prop.leaf_fails(index, focus, by_p, depth + 1):
                    return False
            elif not prop.conforms(index, focus, depth + 1):
                return False
        return True

    def leaf_fails(self, index: Index, focus: Node, by_p: dict[Node, list[Node]] | None, depth: int) -> bool:
        """Whether a leaf property shape's own checks fail for `focus`, whose predicate -> objects the parent
        has looked up already (`by_p`)."""
        values = by_p.get(self.predicate, _NONE) if by_p else _NONE
        return not all(check(index, focus, values, depth) for check in self.checks)

    def failing_parts(self, index: Index, focus: Node, depth: int = 0) -> list[Shape]:
        """This shape and its property shapes (walked as `conforms` walks them) whose own checks fail for
        `focus`: each is the source shape of pyshacl's results, and its severity theirs. A part past the
        recursion limit cannot be decided and is returned as itself, with Violation severity, so the pair goes
        to pyshacl."""
        if self.deactivated:
            return []
        if depth > MAX_DEPTH:
            return [_UNDECIDED]
        values = self.values(index, focus)
        out: list[Shape] = []
        for check in self.checks:
            if not check(index, focus, values, depth):
                out.append(self)
                break
        by_p = index.spo.get(focus)
        inline = depth + 1 <= MAX_DEPTH
        for prop in self.properties:
            if prop.leaf and inline:
                if prop.leaf_fails(index, focus, by_p, depth + 1):
                    out.append(prop)
            elif prop.properties or prop.checks:
                out += prop.failing_parts(index, focus, depth + 1)
        return out


class FastChecker:
    """The targeted shapes of a shapes graph, compiled; `failures(index)` gives the pairs pyshacl must see."""

    def __init__(self, shapes: Graph) -> None:
        self.graph = shapes
        self.compiled: dict[Node, Shape] = {}
        self.targets: list[tuple[Shape, list[tuple[str, Node]]]] = []
        self.complete = True
        try:
            for node in self._targeted():
                if isinstance(node, BNode):
                    raise Unsupported("a targeted shape without an IRI")
                kinds = [(kind, canonical(value)) for kind in ("targetClass", "targetNode", "targetSubjectsOf",
                                                               "targetObjectsOf")
                         for value in shapes.objects(node, SH[kind])]
                self.targets.append((self.shape(node), kinds))
        except Unsupported:
            self.complete = False
            self.targets = []
        self.leaves()

    def leaves(self) -> None:
        """Mark the leaf property shapes (see `Shape.leaf`), once every shape is compiled."""
        for shape in self.compiled.values():
            shape.leaf = (shape.predicate is not None and bool(shape.checks) and not shape.properties
                          and not shape.deactivated)

    def _targeted(self) -> list[Node]:
        g = self.graph
        found: dict[Node, None] = {}
        for pred in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
            for s in g.subjects(pred, None):
                found[s] = None
        for kind in (SH.NodeShape, SH.PropertyShape):
            for s in g.subjects(RDF.type, kind):
                if (s, RDF.type, RDFS.Class) in g:
                    raise Unsupported("implicit class target")
        if any(True for _ in g.subjects(SH.target, None)):
            raise Unsupported("SHACL-AF target")
        return list(found)

    def failures(self, index: Index) -> dict[Node, list[Node]]:
        """Targeted shape → the focus nodes that do not conform to it."""
        out: dict[Node, list[Node]] = {}
        for shape, kinds in self.targets:
            if shape.deactivated:
                continue
            bad = [f for f in foci(index, kinds) if not shape.conforms(index, f)]
            if bad:
                out[shape.node] = bad
        return out

    def triage(self, index: Index) -> tuple[dict[Node, list[Node]], list[tuple[Node, Node]]]:
        """Split the failing pairs by what a build needs: targeted shape → the focus nodes with a failing
        Violation part (as `failures`, for pyshacl), and (part shape, focus node) for each failing warning or
        info part of the other pairs. A pair that goes to pyshacl gets its warnings from pyshacl, so its parts
        are not listed again."""
        violations: dict[Node, list[Node]] = {}
        warnings: dict[tuple[Node, Node], None] = {}
        for shape, kinds in self.targets:
            if shape.deactivated:
                continue
            bad: list[Node] = []
            for focus in foci(index, kinds):
                parts = shape.failing_parts(index, focus)
                if any(part.severity == SH.Violation for part in parts):
                    bad.append(focus)
                else:
                    warnings.update(((part.node, focus), None) for part in parts)
            if bad:
                violations[shape.node] = bad
        return violations, list(warnings)

    def subgraph(self, shapes: Iterable[Node]) -> Graph:
        """The given shapes and everything they reach (property shapes, lists, nested shapes) as a shapes graph
        of their own: pyshacl's `use_shapes` skips IRI-named property shapes, so the failing shapes are handed
        to pyshacl this way instead."""
        g = self.graph
        out = Graph(store="SimpleMemory")
        seen: set[Node] = set()
        todo = list(shapes)
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            for triple in g.triples((node, None, None)):
                out.add(triple)
                obj = triple[2]
                if not isinstance(obj, Literal) and obj not in seen and triple[1] != RDF.type:
                    todo.append(obj)
        return out

    # --- compiling ---------------------------------------------------------------------------------------------

    def shape(self, node: Node) -> Shape:
        if node in self.compiled:
            return self.compiled[node]
        g = self.graph
        path_node = g.value(node, SH.path)
        shape = Shape(node, self._path(path_node) if path_node is not None else None,
                      canonical(path_node) if isinstance(path_node, URIRef) else None)
        self.compiled[node] = shape  # before compiling the parts: shapes may refer to themselves
        shape.deactivated = g.value(node, SH.deactivated) == Literal(True)
        shape.severity = g.value(node, SH.severity) or SH.Violation
        for prop in g.objects(node, SH.property):
            shape.properties.append(self.shape(prop))
        for pred, obj in g.predicate_objects(node):
            if pred in _ANNOTATIONS or pred not in _parameters():
                continue  # pyshacl ignores what is not a constraint parameter (DCAT-AP has a stray sh:shape)
            shape.checks.append(self._check(node, pred, canonical(obj)))
        return shape

    def _path(self, node: Node) -> Path:
        """A SHACL property path as a function from nodes to the nodes it reaches."""
        g = self.graph
        if isinstance(node, URIRef):
            pred = canonical(node)
            return lambda index, nodes: unique(v for n in nodes for v in index.objects(n, pred))
        if g.value(node, RDF.first) is not None:
            steps = [self._path(item) for item in Collection(g, node)]

            def sequence(index: Index, nodes: list[Node]) -> list[Node]:
                for step in steps:
                    nodes = step(index, nodes)
                return nodes
            return sequence
        inverse = canonical(g.value(node, SH.inversePath))
        if isinstance(inverse, URIRef):
            return lambda index, nodes: unique(v for n in nodes for v in index.subjects(inverse, n))
        alternatives = g.value(node, SH.alternativePath)
        if alternatives is not None:
            options = [self._path(item) for item in Collection(g, alternatives)]
            return lambda index, nodes: unique(v for option in options for v in option(index, nodes))
        for pred, keep_start, repeat in ((SH.zeroOrMorePath, True, True), (SH.oneOrMorePath, False, True),
                                         (SH.zeroOrOnePath, True, False)):
            inner_node = g.value(node, pred)
            if inner_node is not None:
                return closure(self._path(inner_node), keep_start, repeat)
        raise Unsupported("property path")

    def _list(self, node: Node) -> list[Node]:
        return list(Collection(self.graph, node))

    def _check(self, shape: Node, pred: Node, obj: Node) -> Check:
        name = str(pred)[len(str(SH)):]
        if name == "minCount":
            n = int(obj)
            return lambda index, focus, values, depth: len(values) >= n
        if name == "maxCount":
            n = int(obj)
            return lambda index, focus, values, depth: len(values) <= n
        if name == "datatype":
            return lambda index, focus, values, depth: all(has_datatype(v, obj) for v in values)
        if name == "nodeKind":
            kinds = _NODE_KINDS[obj]
            return lambda index, focus, values, depth: all(type(v) in kinds or kind_of(v) in kinds for v in values)
        if name == "class":
            return lambda index, focus, values, depth: all(index.is_instance(v, obj) for v in values)
        if name == "in":
            allowed = {canonical(v) for v in self._list(obj)}
            return lambda index, focus, values, depth: all(v in allowed for v in values)
        if name == "hasValue":
            return lambda index, focus, values, depth: obj in values
        if name == "pattern":
            flags = self.graph.value(shape, SH.flags)
            regex = re.compile(str(obj), regex_flags(str(flags) if flags else ""))
            return lambda index, focus, values, depth: all(
                not isinstance(v, BNode) and regex.search(str(v)) is not None for v in values)
        if name in ("minInclusive", "maxInclusive", "minExclusive", "maxExclusive"):
            test = RANGE[name]
            bound = obj.toPython() if isinstance(obj, Literal) else obj
            return lambda index, focus, values, depth: all(compare(v, bound, test) for v in values)
        if name in ("minLength", "maxLength"):
            n = int(obj)
            longer = name == "minLength"
            return lambda index, focus, values, depth: all(
                not isinstance(v, BNode) and (len(str(v)) >= n if longer else len(str(v)) <= n) for v in values)
        if name in ("lessThan", "lessThanOrEquals"):
            strict = name == "lessThan"
            return lambda index, focus, values, depth: all(
                compare(v, w.toPython() if isinstance(w, Literal) else w,
                         (lambda a, b: a < b) if strict else (lambda a, b: a <= b))
                for v in values for w in index.objects(focus, obj))
        if name == "equals":
            return lambda index, focus, values, depth: set(values) == set(index.objects(focus, obj))
        if name == "disjoint":
            return lambda index, focus, values, depth: not set(values) & set(index.objects(focus, obj))
        if name == "languageIn":
            tags = [str(t).lower() for t in self._list(obj)]
            return lambda index, focus, values, depth: all(
                isinstance(v, Literal) and v.language is not None
                and any(v.language.lower() == t or v.language.lower().startswith(t + "-") for t in tags)
                for v in values)
        if name == "uniqueLang":
            if obj != Literal(True):
                return lambda index, focus, values, depth: True
            return lambda index, focus, values, depth: unique_lang(values)
        if name == "node":
            target = self.shape(obj)
            return lambda index, focus, values, depth: all(target.conforms(index, v, depth + 1) for v in values)
        if name in ("or", "and"):  # only conformance counts here: stop at the first member that decides
            members = [self.shape(m) for m in self._list(obj)]
            combine = any if name == "or" else all
            return lambda index, focus, values, depth: all(
                combine(m.conforms(index, v, depth + 1) for m in members) for v in values)
        if name == "xone":
            members = [self.shape(m) for m in self._list(obj)]
            return lambda index, focus, values, depth: all(
                sum(m.conforms(index, v, depth + 1) for m in members) == 1 for v in values)
        if name == "not":
            negated = self.shape(obj)
            return lambda index, focus, values, depth: all(not negated.conforms(index, v, depth + 1) for v in values)
        if name == "qualifiedValueShape":
            if self.graph.value(shape, SH.qualifiedValueShapesDisjoint) == Literal(True):
                raise Unsupported("qualifiedValueShapesDisjoint")
            qualified = self.shape(obj)
            low = self.graph.value(shape, SH.qualifiedMinCount)
            high = self.graph.value(shape, SH.qualifiedMaxCount)

            def check(index: Index, focus: Node, values: list[Node], depth: int) -> bool:
                n = sum(1 for v in values if qualified.conforms(index, v, depth + 1))
                return (low is None or n >= int(low)) and (high is None or n <= int(high))
            return check
        if name == "qualifiedValueShapesDisjoint":
            return lambda index, focus, values, depth: True
        if name == "closed":
            if obj != Literal(True):
                return lambda index, focus, values, depth: True
            allowed = {p.predicate for p in (self.shape(x) for x in self.graph.objects(shape, SH.property))
                       if p.predicate is not None}
            ignored = self.graph.value(shape, SH.ignoredProperties)
            allowed |= set(self._list(ignored)) if ignored is not None else set()
            return lambda index, focus, values, depth: all(
                set(index.spo.get(v, {})) <= allowed for v in values)
        raise Unsupported(f"sh:{name}")


#: the values of a predicate a node does not have (shared: checks never change the values they get)
_NONE: list[Node] = []

#: what `Shape.failing_parts` returns past the recursion limit: a Violation, so pyshacl decides the pair
_UNDECIDED = Shape(BNode("undecided"), None)

_NODE_KINDS: dict[Node, set] = {
    SH.IRI: {URIRef}, SH.BlankNode: {BNode}, SH.Literal: {Literal}, SH.BlankNodeOrIRI: {BNode, URIRef},
    SH.BlankNodeOrLiteral: {BNode, Literal}, SH.IRIOrLiteral: {URIRef, Literal},
}


@lru_cache(maxsize=1)
def _parameters() -> frozenset[Node]:
    """The constraint parameters pyshacl acts on (plus SPARQL-based constraints)."""
    from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS

    return frozenset({*ALL_CONSTRAINT_PARAMETERS, SH.sparql})
