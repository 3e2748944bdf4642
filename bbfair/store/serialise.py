"""Resources → what the store holds: each resource's named graph (N-Quads text) and its document as
validated (N-Triples bytes).

The named graph of a resource holds the statements it owns: those whose subject is the resource itself, one of
its `#fragment` nodes, or a node that is no resource of its own (a licence document, a homepage). Statements
about another resource (the agents, contact points and distributions a dataset's document embeds, the member
summaries of a catalogue) live in that resource's graph only, and so do statements about the nodes a resource
holds for everyone (`Resource.holds`: the disease concepts every dataset document describes), so the union
default graph holds each description once and `COUNT` queries do not see copies. The document served for a
resource stays the whole validated document, kept beside the store (`documents`), because Oxigraph canonicalises
literal datatypes (`xsd:nonNegativeInteger` comes back as `xsd:integer`) and the standards' shapes require the
original ones.
"""

from __future__ import annotations

import zlib
from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass

from rdflib import URIRef
from rdflib.term import Node

from ..mapping.resource import Resource, Variant
from ..mapping.stamps import Stamp
from ..rdf.ntriples import nt, statements

__all__ = ["Serialiser", "Written", "nt"]

@dataclass(frozen=True)
class Written:
    """One resource as a store takes it: its named graph as N-Triples text (one statement a line, each ending
    in " .\n"; a literal's newlines are escaped, so the text splits safely at line ends) and its document,
    zlib-compressed as the documents file keeps it (compressed by whoever serialised it, often a worker)."""

    iri: str
    kind: str
    parent: str | None
    etag: str
    modified: str
    graph: str
    packed: bytes
    #: (profile token, change) of each other publication profile whose document differs: the lines its document
    #: has not ("-" and the line) and has besides ("+" and the line), compressed (`documents.apply`)
    variants: tuple[tuple[str, bytes], ...] = ()
    #: the collection finder's row of a dataset or catalogue, as JSON (`builder.searchrows`; empty for others)
    search: bytes = b""

    def nquads(self) -> str:
        """The named graph as N-Quads (graph IRI = resource IRI)."""
        return self.graph.replace(" .\n", f" <{self.iri}> .\n")


class Serialiser:
    """Writes the resources of one conversion as N-Triples/N-Quads text: what Oxigraph's bulk loader and SPARQL
    servers read fastest (building pyoxigraph terms one by one from rdflib terms costs three times as much)."""

    def __init__(self, owned: Container[str], held: Mapping[str, str] | None = None,
                 profiles: Sequence[str] = ()) -> None:
        #: the IRIs of every resource of the build: a statement about one of them belongs in its own graph
        #: (kept, not copied: a streamed build adds agents to it as they are described)
        self.owned = owned
        #: node IRI -> the resource that holds its description (`holders`)
        self.held = held or {}
        #: the publication profiles besides the default (`bbfair.profiles`): their documents where they differ
        self.profiles = tuple(profiles)

    @classmethod
    def of(cls, resources: Sequence[Resource], profiles: Sequence[str] = ()) -> Serialiser:
        """A serialiser for a whole conversion."""
        return cls({str(r.iri) for r in resources}, holders(resources), profiles)

    def _elsewhere(self, subject: Node, own: str) -> bool:
        """Whether a statement about `subject`, in the document of resource `own`, belongs in another
        resource's named graph (it is about that resource or one of its `#fragment` nodes, or about a node
        another resource holds)."""
        if type(subject) is not URIRef:
            return False
        iri = str(subject)
        holder = self.held.get(iri)
        if holder is not None:
            return holder != own
        base = iri.split("#", 1)[0]
        return base != own and base in self.owned

    def _owned_lines(self, res: Resource) -> list[str]:
        own = str(res.iri)
        return [line for s, line in statements(res.triples) if not self._elsewhere(s, own)]

    def graph_ntriples(self, res: Resource) -> list[str]:
        """The statements `res` owns, one N-Triples line each (without the final newline)."""
        return [line.removesuffix("\n") for line in self._owned_lines(res)]

    def graph_nquads(self, res: Resource) -> str:
        """The statements `res` owns as N-Quads in its named graph (graph IRI = resource IRI)."""
        return "".join(self._owned_lines(res)).replace(" .\n", f" <{res.iri}> .\n")

    def written(self, res: Resource, stamp: Stamp, lines: list[tuple[Node, str]] | None = None) -> Written:
        """`res` ready for a store: its graph and its document, with the stamp's version tag and time. Each
        statement is written once: the graph's lines are a subset of the document's. `lines` are the
        statements of `res` (`ntriples.statements`) when the caller has them already."""
        own = str(res.iri)
        graph: list[str] = []
        mine: list[str] = []
        for s, line in statements(res.triples) if lines is None else lines:
            mine.append(line)
            if not self._elsewhere(s, own):
                graph.append(line)
        summaries = [[line for _s, line in statements(member.summary)] for member in res.embeds]
        doc = _document(mine, summaries)
        variants = []
        for token in self.profiles:
            if not res.differs(token):
                continue
            change = res.variants.get(token)
            theirs = mine if change is None else _changed(mine, change)
            embedded = [lines_ if token not in m.summary_variants else _changed(lines_, m.summary_variants[token])
                        for m, lines_ in zip(res.embeds, summaries, strict=True)]
            variants.append((token, _pack(_delta(doc, _document(theirs, embedded)))))
        return Written(own, res.kind, str(res.parent) if res.parent else None, stamp.etag, stamp.modified,
                       "".join(graph), _pack(doc), tuple(variants))

    def deltas(self, res: Resource) -> dict[str, tuple[str, str]]:
        """For each other profile whose statements of `res` differ: the N-Quads of its named graph to take out
        of the default profile's quad store and to put in, to make that profile's quad store."""
        own = str(res.iri)
        out = {}
        for token, change in res.variants.items():
            if token not in self.profiles:
                continue
            out[token] = tuple("".join(line for s, line in statements(triples) if not self._elsewhere(s, own))
                               .replace(" .\n", f" <{own}> .\n") for triples in (change.removed, change.added))
        return out  # type: ignore[return-value]

    def document(self, res: Resource) -> bytes:
        """The whole validated document (own triples and the member summaries it embeds) as N-Triples."""
        return "".join([line for _s, line in statements(res.document())]).encode("utf-8")


def _document(own: list[str], embedded: list[list[str]]) -> list[str]:
    """A document's lines: its own, then each embedded summary's not said already."""
    if not embedded:
        return own
    doc = list(own)
    seen = set(doc)
    for lines in embedded:
        for line in lines:
            if line not in seen:
                seen.add(line)
                doc.append(line)
    return doc


def _changed(lines: list[str], change: Variant) -> list[str]:
    """`lines` with the statements `change` takes out removed and those it puts in added."""
    out = {line for _s, line in statements(change.removed)}
    kept = [line for line in lines if line not in out]
    have = set(kept)
    return kept + [line for _s, line in statements(change.added) if line not in have]


def _delta(doc: list[str], theirs: list[str]) -> list[str]:
    """The lines that turn `doc` into `theirs`: "-" and a line to take out, "+" and a line to add."""
    mine, other = set(doc), set(theirs)
    return [f"-{line}" for line in doc if line not in other] + [f"+{line}" for line in theirs if line not in mine]


def _pack(lines: list[str]) -> bytes:
    return zlib.compress("".join(lines).encode("utf-8"), 1)


def holders(resources: Sequence[Resource]) -> dict[str, str]:
    """Node IRI -> the IRI of the resource among `resources` that holds its description (`Resource.holds`)."""
    return {node: str(r.iri) for r in resources for node in r.holds}
