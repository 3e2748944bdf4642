"""`/dump`: the whole catalogue in a few large pages, for DCAT RDF harvesters (ckanext-dcat's
`dcat_rdf_harvester`) that read one file instead of walking the FAIR Data Point.

Such harvesters send no `Accept` (they take the format from `Content-Type`), refuse files over 50 MB and follow
`hydra:next` from a `hydra:PartialCollectionView` (fdp-and-harvester.md §3.3). A page holds the documents of
`page_size` resources in IRI order (LDP containers left out: they are FDP navigation, not catalogue content),
each statement once, and the Hydra view that links the pages.

`?page=all` is the whole catalogue in one file, streamed (`export`): each document in its own named graph
(N-Quads, TriG), or all of them as one graph (Turtle, N-Triples): what a validator that takes one file, such as
the EHDS/HealthData@EU one, needs. Every page and export is of one publication profile (`?_profile=`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox

from ..store.documents import Document, Documents
from ..store.manifest import BuildInfo

HYDRA = "http://www.w3.org/ns/hydra/core#"
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
#: kinds left out of the dump
SKIPPED = ("container",)


def _h(name: str) -> ox.NamedNode:
    return ox.NamedNode(HYDRA + name)


@dataclass(frozen=True)
class DumpIndex:
    """Which IRIs each page of one build holds."""

    iris: list[str]
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.iris) // self.page_size))

    def page(self, number: int) -> list[str]:
        start = (number - 1) * self.page_size
        return self.iris[start:start + self.page_size]


def index(documents: Documents, page_size: int) -> DumpIndex:
    return DumpIndex([iri for iri, kind in documents.kinds() if kind not in SKIPPED], page_size)


def page_url(base: str, number: int | str, fmt: str | None, profile: str | None = None) -> str:
    query = f"?page={number}" + (f"&format={fmt}" if fmt else "") + (f"&_profile={profile}" if profile else "")
    return f"{base}/dump{query}"


def page_document(info: BuildInfo, documents: Documents, dump: DumpIndex, number: int,
                  fmt: str | None, profile: str | None = None) -> Document:
    """Page `number` (1-based) as one document: the statements of its resources and the Hydra links; in
    `profile` (a token; None for the default profile)."""
    base = info.base_iri
    triples: set[ox.Triple] = set()
    for iri in dump.page(number):
        doc = documents.get(iri, profile)
        if doc is not None:
            triples.update(ox.parse(doc.body, format=ox.RdfFormat.N_TRIPLES))
    collection = ox.NamedNode(f"{base}/dump")
    view = ox.NamedNode(page_url(base, number, fmt, profile))
    triples.add(ox.Triple(collection, _RDF_TYPE, _h("Collection")))
    triples.add(ox.Triple(collection, _h("totalItems"), ox.Literal(str(len(dump.iris)), datatype=_XSD_INTEGER)))
    triples.add(ox.Triple(collection, _h("view"), view))
    triples.add(ox.Triple(view, _RDF_TYPE, _h("PartialCollectionView")))
    triples.add(ox.Triple(view, _h("first"), ox.NamedNode(page_url(base, 1, fmt, profile))))
    triples.add(ox.Triple(view, _h("last"), ox.NamedNode(page_url(base, dump.pages, fmt, profile))))
    if number > 1:
        triples.add(ox.Triple(view, _h("previous"), ox.NamedNode(page_url(base, number - 1, fmt, profile))))
    if number < dump.pages:
        triples.add(ox.Triple(view, _h("next"), ox.NamedNode(page_url(base, number + 1, fmt, profile))))
    body = "".join(f"{t} .\n" for t in sorted(triples, key=str)).encode("utf-8")
    etag = hashlib.blake2b(f"{info.id}/{number}/{dump.page_size}/{profile}".encode(), digest_size=10).hexdigest()
    return Document(str(view), "dump", etag, info.created, None, body)


#: what `?page=all` is offered as: key -> (media type, file suffix)
EXPORTS = {"nq": ("application/n-quads", "nq"), "trig": ("application/trig", "trig"),
           "ttl": ("text/turtle", "ttl"), "nt": ("application/n-triples", "nt")}


def export(documents: Documents, dump: DumpIndex, key: str, profile: str | None) -> Iterator[bytes]:
    """The whole catalogue in `profile` as one file, a document at a time: N-Quads and TriG keep each document
    in its own named graph (graph IRI = document IRI); Turtle and N-Triples give their union (written as
    N-Triples lines, which are Turtle too; a statement two documents share may appear twice)."""
    for iri in dump.iris:
        doc = documents.get(iri, profile)
        if doc is None:
            continue
        if key == "nq":
            yield doc.body.replace(b" .\n", f" <{iri}> .\n".encode())
        elif key == "trig":
            yield b"<" + iri.encode() + b"> {\n" + doc.body + b"}\n"
        else:
            yield doc.body
