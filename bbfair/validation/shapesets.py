"""Validation profiles: named shapes files, merged into one shapes graph that remembers where each shape came from.

A profile is one Turtle file in `shapes/` (`health-ri`, `healthdcat-ap`, `dcat-ap`, `fdp`, `bbfair`); any other
shapes file given with `--shapes` becomes a profile named after the file. All selected profiles are merged so
pyshacl runs once per batch, not once per profile, and every result is traced back to its profile through its
source shape.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import SH
from rdflib.term import Node

from .. import __version__
from ..errors import ConfigError, Problem
from ..profiles import PROFILES_FILE
from ..rdf.resources import shapes_path
from .fastcheck import FastChecker
from .shapes import load_shapes

#: the profiles `bbfair validate` runs unless told otherwise, in the order reports list them
PROFILES = ("health-ri", "healthdcat-ap", "dcat-ap", "fdp", "bbfair")


#: profiles that build on another: HealthDCAT-AP R8 is DCAT-AP 3 plus its own rules (R8's owl:imports, which
#: bbfair never follows, point at the DCAT-AP shapes), so selecting it alone still loads dcat-ap
BUILDS_ON = {"healthdcat-ap": ("dcat-ap",)}


def available() -> list[str]:
    """bbfair's own shape sets shipped in `shapes/` (not the publication profiles' description, profiles.ttl)."""
    return sorted(p.stem for p in shapes_path().glob("*.ttl") if p.name != PROFILES_FILE)


def profile_file(name: str) -> Path:
    """The shapes file of a shipped profile; a clear error naming the ones there are otherwise."""
    path = shapes_path(f"{name}.ttl")
    if not path.is_file() or path.name == PROFILES_FILE:
        raise ConfigError([Problem(f"unknown profile {name!r}: choose from {', '.join(available())}",
                                   column="--profile")])
    return path


@dataclass
class ShapeSet:
    """The merged shapes of the selected profiles, and for every shape node the profile it belongs to."""

    graph: Graph
    profile_of: dict[Node, str]
    names: list[str]
    #: changes whenever a shapes file, the profile selection or bbfair changes: part of the validation cache key
    digest: str
    _labels: dict[Node, str | None] = field(default_factory=dict)
    _checker: FastChecker | None = None

    def checker(self) -> FastChecker:
        """The shapes compiled for the fast pre-check (once per run, before the workers fork)."""
        if self._checker is None:
            self._checker = FastChecker(self.graph)
        return self._checker

    def shape_name(self, shape: Node) -> str | None:
        """The shape's `sh:name`, if it has one (ours always do)."""
        if shape not in self._labels:
            name = self.graph.value(shape, SH.name)
            self._labels[shape] = str(name) if name is not None else None
        return self._labels[shape]


def load_profiles(names: Sequence[str] = PROFILES, extra: Sequence[Path] = ()) -> ShapeSet:
    """Load the named profiles and any extra shapes files (official files included: see `load_shapes`)."""
    selected = list(dict.fromkeys(base for name in names for base in (*BUILDS_ON.get(name, ()), name)))
    sources: list[tuple[str, Path]] = [(name, profile_file(name)) for name in selected]
    for path in extra:
        path = Path(path)
        if not path.is_file():
            raise ConfigError([Problem("shapes file not found", file=str(path), column="--shapes")])
        sources.append((path.stem, path))
    merged = Graph(store="SimpleMemory")  # pyshacl reads shapes millions of times: the context-free store
    profile_of: dict[Node, str] = {}
    digest = hashlib.blake2b(__version__.encode(), digest_size=16)
    for name, path in sources:
        try:
            graph = load_shapes([path])
        except Exception as exc:  # rdflib raises parser-specific errors; all mean "not readable shapes"
            raise ConfigError([Problem(f"cannot read the shapes file: {exc}", file=str(path),
                                       column="--shapes")]) from exc
        for subject in graph.subjects(unique=True):
            profile_of.setdefault(subject, name)
        merged += graph
        digest.update(name.encode() + b"\0" + path.read_bytes())
    return ShapeSet(merged, profile_of, [name for name, _ in sources], digest.hexdigest())
