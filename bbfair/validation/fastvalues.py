"""The value tests of SHACL Core the fast pre-check (`fastcheck`) compiles shapes into: node kinds, datatypes,
ranges, language uniqueness, pattern flags and path closures. Each errs towards "fails" where it cannot decide
(an ill-typed or incomparable value), so the SHACL engine decides those pairs."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from .fastindex import Index

Path = Callable[[Index, list[Node]], list[Node]]


def kind_of(node: Node) -> type:
    for cls in (URIRef, BNode, Literal):
        if isinstance(node, cls):
            return cls
    return type(node)


def has_datatype(value: Node, datatype: Node) -> bool:
    if not isinstance(value, Literal):
        return False
    actual = value.datatype
    if actual is None:
        actual = RDF.langString if value.language else XSD.string
    if actual != datatype:
        return False
    return not getattr(value, "ill_typed", False)


RANGE = {
    "minInclusive": lambda a, b: a >= b, "maxInclusive": lambda a, b: a <= b,
    "minExclusive": lambda a, b: a > b, "maxExclusive": lambda a, b: a < b,
}


def compare(value: Node, bound: object, test: Callable[[object, object], bool]) -> bool:
    """Compare a value with a bound the SHACL way; anything incomparable fails (pyshacl then decides)."""
    if not isinstance(value, Literal) or getattr(value, "ill_typed", False):
        return False
    left = value.toPython()
    if isinstance(left, Literal) or isinstance(bound, Literal | URIRef | BNode):
        return False
    try:
        return bool(test(left, bound))
    except TypeError:
        return False


def unique_lang(values: list[Node]) -> bool:
    seen: set[str] = set()
    for v in values:
        if isinstance(v, Literal) and v.language:
            tag = v.language.lower()
            if tag in seen:
                return False
            seen.add(tag)
    return True


def regex_flags(text: str) -> int:
    flags = 0
    for char, flag in (("i", re.IGNORECASE), ("m", re.MULTILINE), ("s", re.DOTALL), ("x", re.VERBOSE)):
        if char in text:
            flags |= flag
    return flags


def unique(nodes: Iterable[Node]) -> list[Node]:
    return list(dict.fromkeys(nodes))


def closure(inner: Path, keep_start: bool, repeat: bool) -> Path:
    def reach(index: Index, nodes: list[Node]) -> list[Node]:
        seen: dict[Node, None] = dict.fromkeys(nodes) if keep_start else {}
        frontier = nodes
        while frontier:
            found = [v for v in inner(index, frontier) if v not in seen]
            seen.update(dict.fromkeys(found))
            frontier = found if repeat else []
        return list(seen)
    return reach
