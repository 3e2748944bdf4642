"""What a catalogue published in several profiles is validated with, and how, without validating it twice.

Every publication profile (`bbfair.profiles`) names shape sets: bbfair's own files and its consumer's official
files. A document must pass its profile's sets *in that profile's form*. But the profiles' documents differ only
in the statements of a few predicates (`Published.varying()`, the disease codes today), and a shape that never
reads those predicates gives the same results on every profile's document. So validation runs in passes over
each batch:

- the **default pass** checks the default profile's documents with every shape of every published profile,
  except the parts that read a varying predicate and belong only to other profiles. Its results count for every
  profile whose sets hold the shape, but a varying part's results count for the default profile alone;
- one **profile pass** per other profile checks that profile's documents with its varying parts only.

A targeted node shape is split for this into the part that reads a varying predicate (each such property shape,
and its node-level constraints if those do) and the rest, as synthetic targeted shapes (`urn:bbfair:part:…`)
mapped back to the original shape in every report; the original keeps its property shapes and loses only its
targets, so `sh:node` references to it mean what they meant. Official files are renamed apart per set
(`urn:bbfair:set:…`), since several reuse the same shape IRIs (DCAT-AP's `:Dataset_Shape` is extended by R8).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from .. import __version__
from ..config import Config
from ..errors import ConfigError, Problem
from ..profiles import Published, published
from ..profiles import tokens as available_tokens
from .engines import DEFAULT_ENGINE
from .shapes import load_shapes
from .shapesets import BUILDS_ON, ShapeSet, profile_file

TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
#: what a split-off part of a node shape keeps of it besides its targets
_KEPT = (SH.deactivated, SH.severity, SH.message, SH.name)
PART = "urn:bbfair:part:"
RENAMED = "urn:bbfair:set:"


@dataclass
class Pass:
    """One pass over each batch: the documents of `profile` (None: the default profile's) and the shapes."""

    profile: str | None
    shapes: ShapeSet


@dataclass
class Validation:
    """The passes a catalogue is validated in and how each result is attributed (see the module docstring)."""

    passes: list[Pass]
    #: shape set name -> the publication profiles it is part of (empty: a plain run, no profiles)
    sets: dict[str, tuple[str, ...]]
    #: shape node (as run) -> the shape set it belongs to
    set_of: dict[Node, str]
    #: shape node as run (synthetic part, renamed official shape) -> the shape node reports name
    origin: dict[Node, Node]
    #: shape nodes (as run) whose results depend on the profile's documents
    varying: frozenset[Node]
    default: str | None
    digest: str
    names: list[str] = field(default_factory=list)
    #: the publication profiles validated, the default first
    profiles: list[str] = field(default_factory=list)
    #: the SHACL engine the batches run on (`engines.ENGINES`)
    engine: str = DEFAULT_ENGINE

    @classmethod
    def single(cls, shapes: ShapeSet) -> Validation:
        """A plain run of one shapes graph on the default documents (no publication profiles)."""
        return cls([Pass(None, shapes)], {n: () for n in shapes.names}, shapes.profile_of, {},
                   frozenset(), None, shapes.digest, list(shapes.names))

    def compile(self) -> None:
        """Compile every pass's shapes for the fast pre-check (once, before worker processes fork)."""
        for p in self.passes:
            p.shapes.checker()



    def reported(self, shape: Node | None) -> Node | None:
        """The shape node a report names for the shape `shape` a result came from."""
        return None if shape is None else self.origin.get(shape, shape)

    def set_name(self, shape: Node | None) -> str | None:
        return None if shape is None else self.set_of.get(shape)

    def profiles_of(self, shape: Node | None, variant: str | None) -> tuple[str, ...]:
        """The publication profiles a result of `shape`, found on the documents of `variant`, counts for."""
        name = self.set_name(shape)
        users = self.sets.get(name, ()) if name is not None else ()
        if variant is not None:
            return (variant,)
        if shape in self.varying and self.default is not None:
            return (self.default,) if self.default in users else ()
        return users

    def shape_name(self, shape: Node | None) -> str | None:
        if shape is None:
            return None
        for p in self.passes:
            name = p.shapes.shape_name(shape)
            if name is not None:
                return name
        return None

    @property
    def graph(self) -> Graph:
        """The default pass's shapes (what reports read a shape's `sh:maxCount` and the like from)."""
        return self.passes[0].shapes.graph


# --- loading --------------------------------------------------------------------------------------------------

def rename_apart(graph: Graph, set_name: str) -> tuple[Graph, dict[Node, Node]]:
    """`graph` with every IRI-named shape renamed into the set's own namespace, and the way back."""
    shapes = {s for s in graph.subjects() if isinstance(s, URIRef) and _is_shape(graph, s)}
    mapping = {s: URIRef(f"{RENAMED}{set_name}:{s}") for s in shapes}
    out = Graph(store="SimpleMemory")
    for s, p, o in graph:
        out.add((mapping.get(s, s), p, mapping.get(o, o) if p != RDF.type else o))
    return out, {new: old for old, new in mapping.items()}


def _is_shape(graph: Graph, node: Node) -> bool:
    return any((node, p, None) in graph for p in (SH.path, SH.property, *TARGETS)) or \
        (node, RDF.type, SH.NodeShape) in graph or (node, RDF.type, SH.PropertyShape) in graph


def for_config(config: Config, names: Sequence[str] | None = None, extra: Sequence[Path] = ()) -> Validation:
    """The validation `bbfair validate` / `build` run for `config`. `names` (the `--profile` option): None for
    every published profile with all its shapes; publication profile tokens to validate those profiles (published
or not: "would this catalogue pass HealthDCAT-AP?");
    otherwise names of bbfair's shape sets to run only those (on every published profile's documents, without
    the official files); an empty list for only the `extra` files."""
    selection = config.profiles.selection()
    rights = config.access.rights
    if names is None:
        found = load_validation(selection, rights, extra=extra)
    elif names and all(n in available_tokens() for n in names):  # publication profiles, published or not
        chosen = [t for t in [*selection.tokens, *available_tokens()] if t in names]
        found = load_validation(published(chosen, chosen[0]), rights, extra=extra)
    else:
        for name in names:
            profile_file(name)  # a clear error for an unknown name
        found = load_validation(selection, rights, sets=list(names), extra=extra, official=False)
    found.engine = config.validation.engine
    return found


def load_validation(published: Published, access_rights: str, *, sets: Sequence[str] | None = None,
                    extra: Sequence[Path] = (), official: bool = True) -> Validation:
    """The validation of a catalogue published in `published`: each profile's own shape sets (restricted to
    `sets` when given), its official files at the level of `access_rights`, and the `extra` files (which every
    profile gets)."""
    members: dict[str, list[str]] = {}  # set name -> profiles
    sources: dict[str, list[Path]] = {}
    renamed: set[str] = set()
    for profile in published.profiles:
        names = [n for n in profile.shape_sets if sets is None or n in sets]
        for name in list(names):
            names += [b for b in BUILDS_ON.get(name, ()) if b not in names]
        for name in names:
            sources.setdefault(name, [profile_file(name)])
            members.setdefault(name, []).append(profile.token)
        if official and sets is None and profile.official:
            name = f"official:{profile.token}"
            sources[name] = profile.official_files(access_rights)
            renamed.add(name)
            members.setdefault(name, []).append(profile.token)
    for path in extra:
        path = Path(path)
        if not path.is_file():
            raise ConfigError([Problem("shapes file not found", file=str(path), column="--shapes")])
        name = path.stem if path.stem not in sources else f"{path.parent.name}/{path.stem}"
        sources[name] = [path]
        members[name] = list(published.tokens)
    return _assemble(sources, renamed, {k: tuple(v) for k, v in members.items()}, published)


def _assemble(sources: dict[str, list[Path]], renamed: set[str], members: dict[str, tuple[str, ...]],
              published: Published) -> Validation:
    merged = Graph(store="SimpleMemory")
    set_of: dict[Node, str] = {}
    origin: dict[Node, Node] = {}
    digest = hashlib.blake2b(__version__.encode(), digest_size=16)
    for name, paths in sources.items():
        try:
            graph = load_shapes(paths)
        except Exception as exc:  # rdflib raises parser-specific errors; all mean "not readable shapes"
            raise ConfigError([Problem(f"cannot read the shapes file: {exc}", file=str(paths[0]),
                                       column="--shapes")]) from exc
        if name in renamed:
            graph, back = rename_apart(graph, name)
            origin.update(back)
        for subject in graph.subjects(unique=True):
            set_of.setdefault(subject, name)
        merged += graph
        digest.update(name.encode() + b"\0" + ",".join(members[name]).encode() + b"\0")
        for path in paths:
            digest.update(path.read_bytes())
    varying = {URIRef(p) for p in published.varying()}
    digest.update(",".join(published.tokens).encode())
    names = list(sources)
    if not varying:
        shapes = ShapeSet(merged, set_of, names, digest.hexdigest())
        return Validation([Pass(None, shapes)], members, set_of, origin, frozenset(), published.default.token,
                          digest.hexdigest(), names, published.tokens)
    return _split(merged, set_of, origin, members, published, varying, names, digest.hexdigest())


# --- splitting --------------------------------------------------------------------------------------------------

def _reach(graph: Graph, starts: Iterable[Node], skip_property: Node | None = None) -> set[Node]:
    """Every node reachable from `starts` in the shapes graph (not through rdf:type values; from
    `skip_property`, not through its own sh:property links)."""
    seen: set[Node] = set()
    todo = list(starts)
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for _s, p, o in graph.triples((node, None, None)):
            if p == RDF.type or (node == skip_property and p == SH.property) or isinstance(o, Literal):
                continue
            todo.append(o)
    return seen


def _reads(graph: Graph, nodes: set[Node], varying: set[URIRef]) -> bool:
    """Whether shapes reaching `nodes` read a varying predicate (or every predicate: `sh:closed`)."""
    return bool(nodes & varying) or any((n, SH.closed, Literal(True)) in graph for n in nodes)


@dataclass
class _Part:
    """A targeted piece of a shape: a whole shape, or one property shape / the node-level checks of one."""

    node: Node  # what is run (synthetic for a split part)
    owner: Node  # the shape node of the set it belongs to (the property shape, or the node shape)
    varying: bool
    triples: list[tuple[Node, Node, Node]]  # what to add to a pass graph to run it (targets included)


def _parts(graph: Graph, varying: set[URIRef]) -> list[_Part]:
    """Every targeted shape of `graph`, whole when it reads no varying predicate, else split (see the module
    docstring)."""
    out: list[_Part] = []
    counter = 0
    for shape in sorted({s for p in TARGETS for s in graph.subjects(p, None)}, key=str):
        targets = [(p, o) for p in TARGETS for o in graph.objects(shape, p)]
        whole = [(shape, p, o) for p, o in targets]
        if not _reads(graph, _reach(graph, [shape]), varying):
            out.append(_Part(shape, shape, False, whole))
            continue
        properties = list(graph.objects(shape, SH.property))
        if isinstance(shape, BNode) or (graph.value(shape, SH.path) is not None):
            out.append(_Part(shape, shape, True, whole))  # a targeted property shape: it cannot be split
            continue
        kept = [(p, o) for p in _KEPT for o in graph.objects(shape, p)]
        node_level = [(p, o) for p, o in graph.predicate_objects(shape)
                      if p not in (SH.property, RDF.type, *TARGETS) and p not in _KEPT]
        pieces: list[tuple[Node, bool, list[tuple[Node, Node]]]] = []
        rest = [(SH.property, ps) for ps in properties if not _reads(graph, _reach(graph, [ps]), varying)]
        if _reads(graph, _reach(graph, [shape], skip_property=shape), varying):
            pieces.append((shape, True, node_level))
        else:
            rest += node_level
        pieces.append((shape, False, rest))
        pieces += [(ps, True, [(SH.property, ps)]) for ps in properties
                   if _reads(graph, _reach(graph, [ps]), varying)]
        for owner, reads, body in pieces:
            if not body:
                continue
            counter += 1
            node = URIRef(f"{PART}{counter}")
            triples = [(node, RDF.type, SH.NodeShape), *[(node, p, o) for p, o in targets],
                       *[(node, p, o) for p, o in kept], *[(node, p, o) for p, o in body]]
            out.append(_Part(node, owner, reads, triples))
    return out


def _split(merged: Graph, set_of: dict[Node, str], origin: dict[Node, Node],
           members: dict[str, tuple[str, ...]], published: Published, varying: set[URIRef], names: list[str],
           digest: str) -> Validation:
    parts = _parts(merged, varying)
    untargeted = Graph(store="SimpleMemory")
    for triple in merged:
        if triple[1] not in TARGETS:
            untargeted.add(triple)
    default = published.default.token
    run_set: dict[Node, str] = dict(set_of)
    varies: set[Node] = set()
    graphs: dict[str | None, Graph] = {None: _copy(untargeted)}
    graphs.update({p.token: _copy(untargeted) for p in published.others})
    for part in parts:
        name = set_of.get(part.owner)
        users = members.get(name, ()) if name is not None else ()
        if part.node != part.owner:
            origin[part.node] = origin.get(part.owner, part.owner)
            run_set[part.node] = name or ""
        if part.varying:
            varies.add(part.node)
            if part.owner != part.node:
                varies.add(part.owner)  # a property shape split off: its results are keyed by itself
            if default in users:
                _add(graphs[None], part.triples)
            for token in users:
                if token != default:
                    _add(graphs[token], part.triples)
        elif users:
            _add(graphs[None], part.triples)
    passes = [Pass(None, ShapeSet(graphs[None], run_set, names, digest))]
    passes += [Pass(p.token, ShapeSet(graphs[p.token], run_set, names, digest)) for p in published.others
               if any(True for _ in graphs[p.token].subjects(SH.targetClass, None))
               or any(True for t in TARGETS[1:] for _ in graphs[p.token].subjects(t, None))]
    return Validation(passes, members, run_set, origin, frozenset(varies), default, digest, names, published.tokens)


def _copy(graph: Graph) -> Graph:
    out = Graph(store="SimpleMemory")
    for triple in graph:
        out.add(triple)
    return out


def _add(graph: Graph, triples: Iterable[tuple[Node, Node, Node]]) -> None:
    for triple in triples:
        graph.add(triple)
