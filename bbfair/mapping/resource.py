"""A published resource: its IRI, what kind of thing it is, the record it came from, and its own triples.

One document per resource (its triples, the full descriptions of the agents and contact points it references,
and its LDP containers) is what later steps validate, store as a named graph and serve. The triples are kept as
a plain set of rdflib terms: filling an rdflib Graph costs ~8 µs a triple and the catalogue has ~200 triples per
collection, so the rdflib Graph (`Resource.graph`) is only built when a caller asks for graph operations.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import Graph, URIRef
from rdflib.term import Node

from ..records.models import Source

Triple = tuple[Node, Node, Node]


def new_graph() -> Graph:
    """An empty graph on the fast, context-free store."""
    return Graph(store="SimpleMemory")


@dataclass
class Resource:
    """One document of the catalogue."""

    iri: URIRef
    kind: str  # fdp | catalog | dataset | distribution | agent | contact | container | concept | scheme
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

    def add(self, triples: Iterable[Triple]) -> None:
        """Add triples to this resource's document."""
        self.triples.update(triples)

    def document(self) -> set[Triple]:
        """Every triple of the document: the resource's own and the summaries it embeds (do not mutate)."""
        if not self.embeds:
            return self.triples
        doc = set(self.triples)
        for member in self.embeds:
            doc.update(member.summary)
        return doc

    @property
    def graph(self) -> Graph:
        """The document as an rdflib Graph (built on each call: for graph queries, not for hot paths)."""
        graph = new_graph()
        add = graph.add
        for triple in self.document():
            add(triple)
        return graph
