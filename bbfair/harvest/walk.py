"""The harvester's gather stage, re-implemented from its documented behaviour (fdp-and-harvester.md §3.1):
breadth first from the harvest-source URL over the objects of every `ldp:contains` triple, one GET per URL with
`Accept: text/turtle` and nothing else, redirects followed, HTTP errors and unparseable bodies turned into an
empty graph, the body always parsed as Turtle (whatever its Content-Type) and without a base IRI.

Where the harvester only logs, the walk records an `Issue` with the reason and the fix. Each breadth-first
level is fetched by a small thread pool (the order of the visits, and so the report, stays that of a plain
breadth-first walk); only the documents a record can be made of are kept in memory.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from ..rdf.namespaces import DCAT, LDP
from .model import Effect, Issue, Visit

#: the only Accept header the Health-RI harvester sends
ACCEPT = {"Accept": "text/turtle"}
#: its request timeout (`request_timeout` of the harvest source, 100 s unless configured)
TIMEOUT = 100.0
#: documents of these types are kept after the walk: records, and the distributions merged into them
KEEP = {DCAT.Dataset, DCAT.DatasetSeries, DCAT.Catalog, DCAT.Distribution}
#: the types that make a record (a catalogue only with `harvest_catalogs`)
RECORD_TYPES = (DCAT.Dataset, DCAT.DatasetSeries, DCAT.Catalog)

Progress = Callable[[str, int, int], None]


@dataclass
class Document:
    """One URL as the harvester sees it: the visit, its graph (empty when it could not be read) and the issues."""

    visit: Visit
    graph: Graph
    issues: list[Issue] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.visit.url


def _base_of_nothing() -> str:
    """What rdflib resolves relative IRIs against when no base is given: the working directory as a file: IRI.
    Knowing it lets a message show the relative IRI as the document wrote it."""
    return Path.cwd().as_uri().rstrip("/") + "/"


def _distance(url: str, other: str) -> tuple[int, str]:
    """Order candidate subjects by how much of the URL they share (a trailing-slash twin comes first)."""
    common = 0
    for a, b in zip(url, other, strict=False):
        if a != b:
            break
        common += 1
    return (-common, other)


def _first_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:200] + ("…" if len(text) > 200 else "")


class Fetcher:
    """GETs URLs the way the harvester does and parses them the way it does; remembers what it fetched."""

    def __init__(self, client: httpx.Client, timeout: float = TIMEOUT, concurrency: int = 8,
                 accept_profile: str | None = None) -> None:
        self.client = client
        self.timeout = timeout
        self.concurrency = max(1, concurrency)
        self.cache: dict[str, Document] = {}
        #: the profile IRI a harvester of another consumer asks for (`Accept-Profile`); None: the Health-RI
        #: harvester, which asks for none and gets the server's default
        self.headers = dict(ACCEPT) if accept_profile is None else {**ACCEPT, "Accept-Profile": f"<{accept_profile}>"}

    def document(self, url: str, depth: int = 0, via: str | None = None) -> Document:
        """The document at `url`, fetched once."""
        if url not in self.cache:
            self.cache[url] = self.get(url, depth, via)
        return self.cache[url]

    def many(self, todo: list[tuple[str, str | None]], depth: int) -> list[Document]:
        """Fetch several URLs at once, in the order given."""
        if len(todo) <= 1 or self.concurrency == 1:
            return [self.get(url, depth, via) for url, via in todo]
        with ThreadPoolExecutor(min(self.concurrency, len(todo))) as pool:
            return list(pool.map(lambda item: self.get(item[0], depth, item[1]), todo))

    def get(self, url: str, depth: int = 0, via: str | None = None) -> Document:
        """One GET with `Accept: text/turtle`, redirects followed; the body parsed as Turtle without a base."""
        start = time.perf_counter()
        doc = Document(Visit(url, depth, via), Graph())
        try:
            if not url.lower().startswith(("http://", "https://")):
                doc.visit.error = "not an http(s) address"
                doc.issues.append(Issue(
                    url, "not-a-url", Effect.DROPPED,
                    f"listed in ldp:contains as {url!r}, which is not an http(s) address: the harvester's request "
                    "fails and it moves on", "list every child by its absolute http(s) IRI", via))
                return doc
            try:
                response = self.client.get(url, headers=self.headers, timeout=self.timeout, follow_redirects=True)
            except httpx.TimeoutException:
                doc.visit.error = f"no answer within {self.timeout:g} s"
                doc.issues.append(Issue(
                    url, "timeout", Effect.DROPPED,
                    f"no answer within {self.timeout:g} s: the harvester gives up on it, so it is not imported and "
                    "nothing listed below it is reached", "make the server answer faster (or raise the harvest "
                    "source's request_timeout)", via))
                return doc
            except (httpx.HTTPError, httpx.InvalidURL) as exc:  # InvalidURL is no HTTPError (a malformed IRI)
                doc.visit.error = _first_line(exc) or type(exc).__name__
                doc.issues.append(Issue(
                    url, "unreachable", Effect.DROPPED,
                    f"cannot be fetched ({doc.visit.error}): the harvester treats it as an empty document, so it is "
                    "not imported and nothing listed below it is reached", "check the server, the host name and "
                    "the port in the IRIs (the base_iri in bbfair.toml)", via))
                return doc
            self._read(doc, response)
            return doc
        finally:
            doc.visit.seconds = time.perf_counter() - start

    def _read(self, doc: Document, response: httpx.Response) -> None:
        url, via, visit = doc.url, doc.visit.via, doc.visit
        visit.status = response.status_code
        visit.content_type = response.headers.get("content-type")
        visit.content_profile = response.headers.get("content-profile")
        if response.history:
            visit.final_url = str(response.url)
            hops = ", ".join(f"{r.status_code} → {r.headers.get('location', '?')}" for r in response.history)
            doc.issues.append(Issue(
                url, "redirect", Effect.NOTE,
                f"redirected ({hops}); the harvester follows, but the record stays identified by {url}, so the "
                "document it ends at must describe exactly that IRI",
                "serve every document at its own IRI, without redirects", via))
        if response.is_error:
            reason = response.reason_phrase or ""
            visit.error = f"HTTP {response.status_code} {reason}".strip()
            doc.issues.append(Issue(
                url, "http-error", Effect.DROPPED,
                f"answered {response.status_code} {reason}".rstrip() + ": the harvester logs the error and treats "
                "it as an empty document, so it is not imported and nothing listed below it is reached",
                "make the IRI resolve (HTTP 200, Turtle) or stop listing it in ldp:contains", via))
            return
        # the harvester forces UTF-8 whatever the charset says
        text = response.content.decode("utf-8", errors="replace")
        try:
            doc.graph.parse(data=text, format="turtle")
        except Exception as exc:  # rdflib raises parser-specific errors; the harvester catches them all alike
            kept = len(doc.graph)
            shown = visit.content_type or "none"
            if kept:
                doc.issues.append(Issue(
                    url, "broken-turtle", Effect.INCOMPLETE,
                    f"body is not valid Turtle (Content-Type {shown}; {_first_line(exc)}): the harvester keeps only "
                    f"the {kept} triples before the error", "serve valid Turtle for Accept: text/turtle", via))
            else:
                doc.issues.append(Issue(
                    url, "not-turtle", Effect.DROPPED,
                    f"body is not Turtle (Content-Type {shown}): the harvester parses every body as Turtle and sees "
                    "an empty graph, so it is not imported and nothing listed below it is reached",
                    "serve Turtle for Accept: text/turtle (the only type the harvester asks for)", via))
        visit.parsed = True
        visit.triples = len(doc.graph)
        if visit.triples == 0 and not doc.issues:
            doc.issues.append(Issue(url, "empty", Effect.DROPPED,
                                    "answered with an empty document: there is nothing to import or follow",
                                    "serve the resource's description at its IRI", via))
        subject = URIRef(url)
        visit.types = sorted(str(t) for t in doc.graph.objects(subject, RDF.type))
        if not visit.types and visit.triples:
            self._untyped(doc)
        children = list(doc.graph.objects(None, LDP.contains))
        visit.children = sorted({str(c) for c in children})
        for child in children:
            if isinstance(child, Literal):
                doc.issues.append(Issue(
                    url, "child-literal", Effect.NOTE,
                    f"ldp:contains gives the text {str(child)!r} instead of an IRI; the harvester requests it "
                    "all the same", "write container members as IRIs (<…>), not strings", via))
        self._relative_iris(doc)

    def _untyped(self, doc: Document) -> None:
        """The document says nothing typed about its own URL: the harvester makes no record of it. When it
        types another subject as a dataset, series or catalogue (a trailing slash, http for https, another port),
        that record is what the node meant and what the harvester drops."""
        url = doc.url
        others = {s for kind in RECORD_TYPES for s in doc.graph.subjects(RDF.type, kind) if isinstance(s, URIRef)}
        if others:
            base = _base_of_nothing()
            shown = ", ".join(f"<{s.removeprefix(base)}> (a relative IRI)" if s.startswith(base) else f"<{s}>"
                              for s in sorted(map(str, others), key=lambda s: _distance(url, s))[:3])
            doc.visit.error = "does not type its own URL"
            doc.issues.append(Issue(
                url, "not-typed", Effect.DROPPED,
                f"document does not type <{url}> (it types {shown}{', …' if len(others) > 3 else ''}): the harvester "
                "only makes a record where the exact URL it requested is typed in its own document, so this is "
                "not imported", "make the subject IRI exactly the URL the parent lists in ldp:contains (same "
                "scheme, host, port, path and trailing slash)", doc.visit.via))
        else:
            subjects = sorted({str(s) for s in doc.graph.subjects() if isinstance(s, URIRef)},
                              key=lambda s: _distance(url, s))[:3]
            described = ", ".join(f"<{s}>" for s in subjects) or "only blank nodes"
            doc.issues.append(Issue(
                url, "untyped", Effect.NOTE,
                f"document gives <{url}> no rdf:type (it describes {described}): the harvester makes nothing of it "
                "besides following its ldp:contains",
                "describe the resource under the IRI it is served at", doc.visit.via))

    def _relative_iris(self, doc: Document) -> None:
        """Relative IRIs in a document the harvester parses without a base become file: IRIs on its machine."""
        base = _base_of_nothing()
        relative = sorted({str(t) for triple in doc.graph for t in triple
                           if isinstance(t, URIRef) and str(t).startswith("file:")})
        if relative:
            shown = ", ".join(f"<{r.removeprefix(base)}>" for r in relative[:3])
            doc.issues.append(Issue(
                doc.url, "relative-iri", Effect.NOTE,
                f"uses relative IRIs ({shown}{', …' if len(relative) > 3 else ''}): the harvester parses without a "
                "base IRI, so they become file: IRIs on its machine and never match a URL",
                "write every IRI absolute (scheme, host, port and path)", doc.visit.via))


def keep(doc: Document, harvest_catalogs: bool) -> bool:
    """Whether a document's graph may be needed later: a record's, or a distribution's the fetch stage merges
    (an untyped document is kept too, it may be a distribution without its type). Catalogue documents embed
    their members' summaries and are the large ones: they are let go unless catalogues are harvested."""
    types = {URIRef(t) for t in doc.visit.types}
    if not types:
        return True
    wanted = KEEP if harvest_catalogs else KEEP - {DCAT.Catalog}
    return bool(types & wanted)


def walk(fetcher: Fetcher, root: str, progress: Progress | None = None,
         harvest_catalogs: bool = False) -> list[Document]:
    """Every document reachable from `root` over `ldp:contains`, breadth first, each URL once (by its exact
    string, as the harvester's visited set). Graphs nothing later needs are let go (see `keep`)."""
    visited: dict[str, Document] = {}
    level: list[tuple[str, str | None]] = [(root, None)]
    depth = 0
    while level:
        todo: list[tuple[str, str | None]] = []
        queued: set[str] = set()
        for url, via in level:
            if url not in visited and url not in queued:
                queued.add(url)
                todo.append((url, via))
        level = []
        for doc in fetcher.many(todo, depth):
            if not keep(doc, harvest_catalogs):
                doc.graph = Graph()
            visited[doc.url] = doc
            fetcher.cache[doc.url] = doc
            level += [(child, doc.url) for child in doc.visit.children if child not in visited]
            if progress is not None:
                progress("walk", len(visited), len(visited) + len(level))
        depth += 1
    return list(visited.values())


def issues_of(documents: Iterable[Document]) -> list[Issue]:
    return [issue for doc in documents for issue in doc.issues]
