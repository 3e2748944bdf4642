"""A published resource: its IRI, what kind of thing it is, the record it came from, and its own triples.

One document per resource (its triples, the full descriptions of the agents and contact points it references,
and its LDP containers) is what later steps validate, store as a named graph and serve. The triples are kept as
a plain set of rdflib terms: filling an rdflib Graph costs ~8 µs a triple and the catalogue has ~200 triples per
collection, so the rdflib Graph (`Resource.graph`) is only built when a caller asks for graph operations.
"""

from __future__ import annotations

from collections.abc import Container, Iterable
from dataclasses import dataclass, field

from rdflib import Graph, URIRef
from rdflib.term import Node

from ..records.models import Source

Triple = tuple[Node, Node, Node]


@dataclass(frozen=True)
class Variant:
    """How one publication profile's document differs from the default profile's (`bbfair.profiles`): the
    statements it leaves out and the ones it has instead. Everything else is shared, so a catalogue that differs
    between profiles in a few statements is not held, hashed or written twice."""

    removed: frozenset[Triple]
    added: frozenset[Triple]

    def apply(self, triples: Iterable[Triple]) -> set[Triple]:
        """`triples` as this profile has them (a new set)."""
        out = set(triples)
        out.difference_update(self.removed)
        out.update(self.added)
        return out

    def within(self, keep: Container[Triple]) -> Variant:
        """The part of this variant that concerns the statements of `keep` (and those that replace them)."""
        return Variant(frozenset(t for t in self.removed if t in keep), frozenset(t for t in self.added if t in keep))


def new_graph() -> Graph:
    """An empty graph on the fast, context-free store."""
    return Graph(store="SimpleMemory")


@dataclass
class Resource:
    """One document of the catalogue."""

    iri: URIRef
    kind: str  # fdp | catalog | dataset | distribution | service | agent | contact | container | concept | scheme
    triples: set[Triple] = field(default_factory=set)
    record_id: str | None = None
    source: Source | None = None
    #: the IRI of the resource whose container lists this one (None for the root)
    parent: URIRef | None = None
    #: table the record came from (for reports)
    table: str | None = None
    #: what another document embeds when it references this resource with a range-checked predicate
    #: (`dcat:dataset`, `dcat:catalog`, `dct:isPartOf`): enough for the referenced node to satisfy its own
    #: class's shapes inside that document
    summary: list[Triple] = field(default_factory=list)
    #: resources whose `summary` is part of this document (a catalogue's member datasets): kept as references,
    #: not copied, so a 100k-collection catalogue does not hold every dataset description twice
    embeds: list[Resource] = field(default_factory=list)
    #: the full content hash of a member converted in another process: a stand-in holding only `summary` and
    #: `digest` lets a catalogue embed it and hash exactly as if the member itself were there
    digest: str = ""
    #: nodes that other documents describe too (the disease concepts every dataset document repeats), whose
    #: description this resource holds for the store: their statements go in its named graph only
    #: (`store.serialise`), so the union default graph holds each description once
    holds: frozenset[str] = frozenset()
    #: profile token -> how that profile's document differs from the default's (only profiles that differ)
    variants: dict[str, Variant] = field(default_factory=dict)
    #: profile token -> how that profile's `summary` differs (what a catalogue embedding this resource shows)
    summary_variants: dict[str, Variant] = field(default_factory=dict)

    def add(self, triples: Iterable[Triple]) -> None:
        """Add triples to this resource's document."""
        self.triples.update(triples)

    def document(self, profile: str | None = None) -> set[Triple]:
        """Every triple of the document in `profile` (None: the default profile): the resource's own and the
        summaries it embeds. The default document of a resource that embeds nothing is its own set (do not
        mutate)."""
        own = self.variants.get(profile) if profile is not None else None
        if not self.embeds and own is None:
            return self.triples
        doc = own.apply(self.triples) if own is not None else set(self.triples)
        for member in self.embeds:
            doc.update(member.summary_in(profile))
        return doc

    def summary_in(self, profile: str | None) -> Iterable[Triple]:
        """What a document embedding this resource shows of it in `profile`."""
        change = self.summary_variants.get(profile) if profile is not None else None
        return self.summary if change is None else change.apply(self.summary)

    def differs(self, profile: str) -> bool:
        """Whether this document in `profile` is not the default document."""
        return profile in self.variants or any(profile in m.summary_variants for m in self.embeds)

    @property
    def graph(self) -> Graph:
        """The default document as an rdflib Graph (built on each call: for graph queries, not hot paths)."""
        return self.graph_in(None)

    def graph_in(self, profile: str | None) -> Graph:
        """The document in `profile` as an rdflib Graph."""
        graph = new_graph()
        add = graph.add
        for triple in self.document(profile):
            add(triple)
        return graph
