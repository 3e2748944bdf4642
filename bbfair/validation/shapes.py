"""Load SHACL shapes files the way pyshacl can run them, and run pyshacl the one way bbfair needs.

Official files need a few repairs at load time, never edits on disk (standards.md §12):
- HealthDCAT-AP R8 hangs an `sh:or` on a *path-less* `sh:property` node, which pyshacl rejects as "not a
  well-formed PropertyShape": the constraint is lifted onto the parent node shape, where it means the same.
- `owl:imports` are never fetched (no network; the imported DCAT-AP files are loaded explicitly instead).
- `sh:extends` (R8) and a stray `sh:shape` (DCAT-AP 3.0.1) are not SHACL: pyshacl ignores them, a Rust engine
  refuses them, so they are dropped.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pyshacl import validate
from rdflib import Graph, URIRef
from rdflib.namespace import SH

_LIFTED = (SH["or"], SH["and"], SH["xone"], SH["not"])
#: predicates in the sh: namespace that SHACL does not define and pyshacl ignores (R8's `sh:extends`, a stray
#: `sh:shape` in DCAT-AP 3.0.1): a Rust engine refuses a shapes graph with them, so they are dropped, which
#: changes no result
_NOT_SHACL = (URIRef(f"{SH}extends"), URIRef(f"{SH}shape"))


def repair_pathless_property_shapes(shapes: Graph) -> int:
    """Move logical constraints of path-less `sh:property` nodes onto their parent shape; return how many."""
    fixed = 0
    for parent, prop in list(shapes.subject_objects(SH.property)):
        if shapes.value(prop, SH.path) is not None:
            continue
        shapes.remove((parent, SH.property, prop))
        for pred, obj in list(shapes.predicate_objects(prop)):
            if pred in _LIFTED:
                shapes.add((parent, pred, obj))
        fixed += 1
    return fixed


def load_shapes(paths: Iterable[Path]) -> Graph:
    """Parse shapes files into one graph (format from the suffix) and repair what pyshacl cannot run."""
    shapes = Graph()
    for path in paths:
        fmt = "xml" if Path(path).suffix in (".rdf", ".owl", ".xml") else "turtle"
        shapes.parse(path, format=fmt)
    repair_pathless_property_shapes(shapes)
    for predicate in _NOT_SHACL:
        shapes.remove((None, predicate, None))
    return shapes


def run_pyshacl(data: Graph, shapes: Graph) -> tuple[bool, Graph]:
    """pyshacl with the settings the official files need: no inference (keeps dcat:Catalog from being
    validated as a dcat:Dataset), advanced features on, warnings allowed, no owl:imports."""
    conforms, report, _text = validate(data, shacl_graph=shapes, inference="none", advanced=True,
                                       allow_warnings=True, do_owl_imports=False)
    return bool(conforms), report
