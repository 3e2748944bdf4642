"""The SHACL engines a batch can be checked with, behind one function (`check`), and the results they give.

- `turbo` (the default): pyshacl-turbo, a Rust SHACL engine with pySHACL's API. It gives exactly pyshacl's
  results on bbfair's shapes and the official files (the tests compare the two on the sample, planted faults and
  the official shape sets) several times faster, and takes the batch as N-Triples text, so no rdflib graph of
  the data is built at all.
- `pyshacl`: the reference; `[validation] engine = "pyshacl"` in bbfair.toml switches back to it.

Both run SHACL Core only: no inference, no SHACL-AF, warnings and infos reported, no owl:imports. A shapes graph
is compiled for pyshacl-turbo once per process and reused (the fast pre-check hands the engine subgraphs of the
failing shapes, which repeat from batch to batch).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from pyshacl import validate
from rdflib import BNode, Graph
from rdflib.namespace import SH
from rdflib.term import Node

from ..rdf.ntriples import statements

ENGINES = ("turbo", "pyshacl")
DEFAULT_ENGINE = "turbo"
Triple = tuple[Node, Node, Node]


@dataclass(frozen=True)
class Result:
    """One top-level SHACL result, as N-Triples-style strings: cheap to send between processes and to cache."""

    focus: str
    path: str | None
    value: str | None
    severity: str  # Violation | Warning | Info
    message: str
    shape: str | None
    #: the publication profile whose documents it was found on (None: the default profile's, see `passes`)
    variant: str | None = None

    def as_list(self) -> list[str | None]:
        return [self.focus, self.path, self.value, self.severity, self.message, self.shape, self.variant]

    def on(self, variant: str | None) -> Result:
        return self if variant is None else replace(self, variant=variant)



def _n3(node: Node | None) -> str | None:
    return None if node is None else node.n3()


def _path(report: Graph, path: Node | None) -> str | None:
    if isinstance(path, BNode):
        inverse = report.value(path, SH.inversePath)
        return f"^{inverse.n3()}" if inverse is not None else None
    return _n3(path)


def results_of(report: Graph, shapes: Graph | None = None) -> list[Result]:
    """The top-level results of a SHACL report (nested `sh:detail` results are pyshacl's own explanation of a
    failed `sh:node`, not separate findings). Given the `shapes`, a result of a shape that has no `sh:message`
    gets one of bbfair's words (`_default_message`) instead of the engine's own text, which differs between
    engines; bbfair's shapes always have a message."""
    out = []
    for result in report.objects(None, SH.result):
        severity = report.value(result, SH.resultSeverity)
        message = report.value(result, SH.resultMessage)
        source = report.value(result, SH.sourceShape)
        if shapes is not None and source is not None and (source, SH.message, None) not in shapes:
            message = _default_message(report.value(result, SH.sourceConstraintComponent))
        out.append(Result(
            focus=_n3(report.value(result, SH.focusNode)) or "",
            path=_path(report, report.value(result, SH.resultPath)),
            value=_n3(report.value(result, SH.value)),
            severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
            message=str(message) if message is not None else "",
            shape=_n3(source),
        ))
    return out


def _default_message(component: Node | None) -> str:
    """What a result of a shape without `sh:message` says: the constraint it fails, in words."""
    name = str(component).rsplit("#", 1)[-1].removesuffix("ConstraintComponent") if component is not None else ""
    words = "".join(f" {c.lower()}" if c.isupper() else c for c in name).strip()
    return f"fails the {words or 'shape'} constraint of an official shape"


class _ParameterList(list):
    """pyshacl's list of constraint parameters with a set's membership test. pyshacl asks `p in parameters` for
    every predicate of every shape each time it evaluates a shape (nested `sh:node` shapes once per value node):
    with a list that is ~40 rdflib `__eq__` calls a time, about a third of a whole validation run."""

    def __init__(self, items: Iterable[Node]) -> None:
        super().__init__(items)
        self._members = frozenset(self)

    def __contains__(self, item: object) -> bool:
        return item in self._members

    def copy(self) -> list:  # type: ignore[override]  # pyshacl appends to the copy (SHACL-AF, SHACL-JS)
        return list(self)


def speed_up_pyshacl() -> None:
    """Give pyshacl's shape module the fast parameter list (same members, same map: results do not change).
    Idempotent; a pyshacl without that module attribute is left as it is."""
    from pyshacl import shape
    from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP

    current = getattr(shape, "CONSTRAINT_PARAMS", None)
    if current is None or not isinstance(current[0], _ParameterList):
        shape.CONSTRAINT_PARAMS = (_ParameterList(ALL_CONSTRAINT_PARAMETERS), CONSTRAINT_PARAMETERS_MAP)


def _pyshacl(data: Graph, shapes: Graph, **options: object) -> list[Result]:
    """pyshacl with SHACL Core only (no inference, no SHACL-AF: advanced mode would make it copy the data graph
    on every call), in place, warnings and infos allowed, no owl:imports."""
    _conforms, report, _ = validate(data, shacl_graph=shapes, inference="none", advanced=False, inplace=True,
                                    allow_warnings=True, allow_infos=True, do_owl_imports=False, **options)
    return results_of(report, shapes)


def check(engine: str, data: Iterable[Triple], shapes: Graph, key: object = None) -> list[Result]:
    """The top-level results of validating `data` (the triples of a batch) with `shapes` on `engine`. `key`
    names the shapes for the compiled-shapes cache (default: the graph object itself)."""
    if engine == "pyshacl":
        speed_up_pyshacl()
        graph = Graph()  # pyshacl wraps it as a Dataset, which needs the context-aware default store
        add = graph.add
        for triple in data:
            add(triple)
        return _pyshacl(graph, shapes)
    if engine == "turbo":
        return _turbo(data, shapes, key if key is not None else id(shapes))
    raise ValueError(f"unknown SHACL engine {engine!r}: choose from {', '.join(ENGINES)}")


_COMPILED: dict[object, tuple[Graph, Any]] = {}


def _turbo(data: Iterable[Triple], shapes: Graph, key: object) -> list[Result]:
    import pyshacl_turbo

    found = _COMPILED.get(key)
    if found is None or (found[0] is not shapes and key == id(shapes)):
        if len(_COMPILED) > 256:
            _COMPILED.clear()
        found = (shapes, pyshacl_turbo.compile_shapes(shapes, advanced=False))
        _COMPILED[key] = found
    text = "".join([line for _s, line in statements(data)])
    source = pyshacl_turbo.Input(text, "nt", None, {}, {})
    _conforms, report, _ = found[1].validate(source, inference="none", allow_warnings=True, allow_infos=True)
    return results_of(report, shapes)
