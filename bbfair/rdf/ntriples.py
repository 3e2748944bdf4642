"""rdflib terms and triples in N-Triples syntax: what the store loads, the documents file keeps and the content
hashes are taken over, so that a build writes each statement's text once and hashes that same text."""

from __future__ import annotations

from collections.abc import Iterable
from json.encoder import encode_basestring  # type: ignore[attr-defined]

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")

Triple = tuple[Node, Node, Node]


def nt(term: Node) -> str:
    """A term in N-Triples syntax. JSON's string escapes are a subset of N-Triples' (ECHAR and UCHAR), so
    json's C string encoder quotes a lexical form correctly and fast."""
    if type(term) is URIRef:
        return f"<{term}>"
    if type(term) is Literal:
        text = encode_basestring(str(term))
        if term.language:
            return f"{text}@{term.language}"
        datatype = term.datatype
        if datatype is not None and str.__ne__(datatype, XSD_STRING):  # str's C compare, not rdflib's
            return f"{text}^^<{datatype}>"
        return text
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):  # a Literal subclass
        return nt(Literal(str(term), lang=term.language, datatype=term.datatype))
    raise TypeError(f"cannot store {term!r}")


def statements(triples: Iterable[Triple]) -> list[tuple[Node, str]]:
    """Each triple's subject (what decides which named graph it goes in) and its N-Triples line, with its
    final newline."""
    return [(s, f"{nt(s)} {nt(p)} {nt(o)} .\n") for s, p, o in triples]
