"""Resources → what the store holds: each resource's named graph (pyoxigraph quads) and its document as
validated (N-Triples bytes).

The named graph of a resource holds the statements it owns: those whose subject is the resource itself, one of
its `#fragment` nodes, or a node that is no resource of its own (a licence document, a homepage). Statements
about another resource (the agents, contact points and distributions a dataset's document embeds, the member
summaries of a catalogue) live in that resource's graph only, so the union default graph holds each
description once and `COUNT` queries do not see copies. The document served for a resource stays the whole
validated document, kept beside the store (`documents`), because Oxigraph canonicalises literal datatypes
(`xsd:nonNegativeInteger` comes back as `xsd:integer`) and the standards' shapes require the original ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from json.encoder import encode_basestring  # type: ignore[attr-defined]

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from ..mapping.resource import Resource

OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal
XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")


class Serialiser:
    """Converts the resources of one conversion, sharing one term cache (most terms repeat)."""

    def __init__(self, resources: Sequence[Resource]) -> None:
        self.owned: set[str] = {str(r.iri) for r in resources}
        self._terms: dict[Node, OxTerm] = {}
        self._datatypes: dict[str, ox.NamedNode] = {}

    def term(self, term: Node) -> OxTerm:
        found = self._terms.get(term)
        if found is None:
            found = self._terms[term] = self._convert(term)
        return found

    def _convert(self, term: Node) -> OxTerm:
        if isinstance(term, URIRef):
            return ox.NamedNode(str(term))
        if isinstance(term, Literal):
            if term.language:
                return ox.Literal(str(term), language=term.language)
            if term.datatype:
                key = str(term.datatype)
                dt = self._datatypes.get(key)
                if dt is None:
                    dt = self._datatypes[key] = ox.NamedNode(key)
                return ox.Literal(str(term), datatype=dt)
            return ox.Literal(str(term))
        if isinstance(term, BNode):
            return ox.BlankNode(str(term))
        raise TypeError(f"cannot store {term!r}")

    def _foreign(self, subject: Node, own: str) -> bool:
        """Whether `subject` is (a fragment of) another resource, whose own graph holds its statements."""
        if not isinstance(subject, URIRef):
            return False
        text = str(subject).split("#", 1)[0]
        return text != own and text in self.owned

    def graph_quads(self, res: Resource) -> list[ox.Quad]:
        """The statements `res` owns, in its named graph (graph IRI = resource IRI), as pyoxigraph quads."""
        own = str(res.iri)
        graph = ox.NamedNode(own)
        term = self.term
        return [ox.Quad(term(s), term(p), term(o), graph) for s, p, o in res.triples
                if not self._foreign(s, own)]

    def graph_nquads(self, res: Resource) -> str:
        """The same statements as N-Quads text (what Oxigraph's bulk loader and SPARQL servers read fastest:
        building pyoxigraph terms one by one from rdflib terms costs three times as much)."""
        own = str(res.iri)
        graph = f" <{own}> .\n"
        owned = self.owned
        lines = []
        for s, p, o in res.triples:
            if type(s) is URIRef:
                base = str(s).split("#", 1)[0]
                if base != own and base in owned:
                    continue
            lines.append(f"{nt(s)} {nt(p)} {nt(o)}{graph}")
        return "".join(lines)

    def document(self, res: Resource) -> bytes:
        """The whole validated document (own triples and the member summaries it embeds) as N-Triples."""
        return "".join([f"{nt(s)} {nt(p)} {nt(o)} .\n" for s, p, o in res.document()]).encode("utf-8")


def nt(term: Node) -> str:
    """A term in N-Triples syntax. JSON's string escapes are a subset of N-Triples' (ECHAR and UCHAR), so
    json's C string encoder quotes a lexical form correctly and fast."""
    if type(term) is URIRef:
        return f"<{term}>"
    if type(term) is Literal:
        text = encode_basestring(str(term))
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype is not None and term.datatype != XSD_STRING:
            return f"{text}^^<{term.datatype}>"
        return text
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):  # a Literal subclass
        return nt(Literal(str(term), lang=term.language, datatype=term.datatype))
    raise TypeError(f"cannot store {term!r}")


def nquads(quads: Iterable[ox.Quad]) -> bytes:
    """Quads as N-Quads bytes (what bulk loads and SPARQL servers take)."""
    return ox.serialize(list(quads), format=ox.RdfFormat.N_QUADS) or b""
