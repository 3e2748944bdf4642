"""The value tests the fast pre-check compiles shapes into: each agrees with SHACL where it can decide and says
"fails" where it cannot, so the engine decides."""

from __future__ import annotations

import re

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, XSD

from bbfair.validation.fastindex import Index
from bbfair.validation.fastvalues import (
    RANGE,
    closure,
    compare,
    has_datatype,
    kind_of,
    regex_flags,
    unique,
    unique_lang,
)


def test_node_kinds_and_datatypes() -> None:
    assert kind_of(URIRef("https://x.org/a")) is URIRef and kind_of(BNode()) is BNode
    assert kind_of(Literal("x")) is Literal
    assert has_datatype(Literal("x"), XSD.string) and has_datatype(Literal("x", lang="en"), RDF.langString)
    assert has_datatype(Literal("3", datatype=XSD.integer), XSD.integer)
    assert not has_datatype(Literal("three", datatype=XSD.integer), XSD.integer)  # ill-typed
    assert not has_datatype(URIRef("https://x.org/a"), XSD.string)


def test_ranges_fail_what_cannot_be_compared() -> None:
    assert compare(Literal(5), 0, RANGE["minInclusive"]) and not compare(Literal(-5), 0, RANGE["minInclusive"])
    assert compare(Literal(5), 5, RANGE["maxInclusive"]) and not compare(Literal(5), 5, RANGE["maxExclusive"])
    assert not compare(Literal("five"), 0, RANGE["minInclusive"])  # a string and a number: undecided → fails
    assert not compare(Literal("x", datatype=XSD.integer), 0, RANGE["minInclusive"])  # ill-typed → fails
    assert not compare(URIRef("https://x.org/a"), 0, RANGE["minInclusive"])


def test_languages_flags_and_order() -> None:
    assert unique_lang([Literal("a", lang="en"), Literal("b", lang="nl"), Literal("c")])
    assert not unique_lang([Literal("a", lang="en"), Literal("b", lang="EN")])
    assert regex_flags("im") == re.IGNORECASE | re.MULTILINE and regex_flags("") == 0
    assert unique([3, 1, 3, 2, 1]) == [3, 1, 2]


def test_path_closures() -> None:
    a, b, c = (URIRef(f"https://x.org/{n}") for n in "abc")
    p = URIRef("https://x.org/p")
    index = Index([(a, p, b), (b, p, c), (c, p, a)])
    step = lambda idx, nodes: [o for n in nodes for o in idx.objects(n, p)]  # noqa: E731
    assert closure(step, keep_start=True, repeat=True)(index, [a]) == [a, b, c]  # zero or more, cycle-safe
    assert closure(step, keep_start=False, repeat=True)(index, [a]) == [b, c, a]  # one or more
    assert closure(step, keep_start=True, repeat=False)(index, [a]) == [a, b]  # zero or one
