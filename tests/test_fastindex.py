"""The batch index of the fast pre-check: lookups both ways (literals indexed on first use), subclasses as pyshacl
follows them in the data, and the focus nodes each kind of SHACL target selects."""

from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS

from bbfair.validation.fastindex import Index, foci

EX = "https://x.org/"
A, B, C, D = (URIRef(EX + n) for n in "abcd")
P, Q = URIRef(EX + "p"), URIRef(EX + "q")
Thing, Special = URIRef(EX + "Thing"), URIRef(EX + "Special")


def _index() -> Index:
    return Index([(A, RDF.type, Special), (Special, RDFS.subClassOf, Thing), (B, RDF.type, Thing),
                  (A, P, Literal("x")), (C, P, Literal("x")), (A, Q, D)])


def test_lookups_both_ways_including_literals() -> None:
    index = _index()
    assert index.objects(A, Q) == [D] and index.objects(D, Q) == []
    assert index.subjects(Q, D) == [A]
    assert sorted(index.subjects(P, Literal("x"))) == [A, C]  # literals are indexed backwards on first use


def test_instances_follow_subclasses_in_the_data() -> None:
    index = _index()
    assert index.classes_below(Thing) == {Thing, Special}
    assert index.is_instance(A, Thing) and index.is_instance(B, Thing) and not index.is_instance(C, Thing)


def test_each_target_kind_selects_its_focus_nodes_once() -> None:
    index = _index()
    assert set(foci(index, [("targetClass", Thing)])) == {A, B}
    assert foci(index, [("targetNode", D), ("targetNode", D)]) == [D]
    assert set(foci(index, [("targetSubjectsOf", P)])) == {A, C}
    assert foci(index, [("targetObjectsOf", Q)]) == [D]
