"""A published resource: its IRI, what kind of thing it is, the record it came from, and its own rdflib graph.

One graph per resource (its triples, the full descriptions of the agents and contact points it references,
and its LDP containers) is what later steps validate, store as a named graph and serve as one document.
Graphs use rdflib's SimpleMemory store: no context bookkeeping, about 2.5× faster to fill than the default.
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
    graph: Graph
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

    def add(self, triples: Iterable[Triple]) -> None:
        """Add triples to this resource's graph."""
        add = self.graph.add
        for triple in triples:
            add(triple)
