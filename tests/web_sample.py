"""The sample catalogue built into a real store, and its stored documents as the web tier's `Page`s, for the tests
of the HTML pages, signposting and schema.org JSON-LD (renderers are tested without a server)."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from rdflib import Graph

from bbfair.builder.publish import build
from bbfair.store.documents import Documents
from bbfair.store.local import LocalStore
from bbfair.web.model import Format, Page, SiteInfo

SAMPLE = Path(__file__).resolve().parents[1] / "data"
FORMATS = (
    Format("html", "text/html", "HTML"), Format("ttl", "text/turtle", "Turtle"),
    Format("jsonld", "application/ld+json", "JSON-LD"), Format("rdf", "application/rdf+xml", "RDF/XML"),
    Format("nt", "application/n-triples", "N-Triples"),
)


def build_documents(store: Path) -> Documents:
    """Build the sample catalogue into `store` and open the live build's documents."""
    result = build(SAMPLE, store)
    assert result.status == "published", result.report
    live = LocalStore.open(store).live_path()
    assert live is not None
    return Documents(live / "documents.sqlite")


def site_for(documents: Documents) -> SiteInfo:
    base = documents.iris("fdp")[0].rstrip("/")
    return SiteInfo(base, "Sample node", FORMATS, root_iri=base + "/", sparql_url=base + "/sparql",
                    dump_url=base + "/dump", build_id="test-build", bbfair_version="test")


def load_page(documents: Documents, iri: str) -> Page:
    """The stored document of `iri` parsed as the app parses it."""
    doc = documents.get(iri)
    assert doc is not None, iri
    graph = Graph().parse(data=doc.ntriples, format="nt")
    return Page(doc.iri, doc.kind, graph, doc.etag, doc.modified, doc.parent, site_for(documents))


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class ParsedPage(HTMLParser):
    """An HTML page read with the standard library's parser, as a browser would tokenise it: the elements met,
    the text inside each element that has an id, the links (with the ids they sit in), the head's <link>s and
    every <script>'s type and text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[str] = []
        self.stack: list[tuple[str, str | None]] = []
        self.texts: dict[str, list[str]] = {}
        self.links: list[dict[str, str]] = []
        self.head_links: list[dict[str, str]] = []
        self.scripts: list[tuple[str, str]] = []
        self.hrefs: list[str] = []
        self._anchor: dict[str, str] | None = None
        self._script: list[str] | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self.elements.append(tag)
        self.hrefs += [values["href"]] if "href" in values else []
        if tag == "link":
            self.head_links.append(values)
        if tag == "script":
            self._script = [values.get("type", "")]
        if tag == "a":
            self._anchor = {"href": values.get("href", ""), "text": "", "in": " ".join(self._ids())}
            self.links.append(self._anchor)
        if tag not in VOID:
            self.stack.append((tag, values.get("id")))
        if tag in ("h1", "title"):
            self.texts.setdefault(tag, [])

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._anchor = None
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script[0], "".join(self._script[1:])))
            self._script = None
        while self.stack:
            open_tag, _ = self.stack.pop()
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)
            return
        if self._anchor is not None:
            self._anchor["text"] += data
        for key in [*self._ids(), *(t for t, _ in self.stack if t in ("h1", "title"))]:
            self.texts.setdefault(key, []).append(data)

    def _ids(self) -> list[str]:
        return [i for _, i in self.stack if i]

    def text(self, key: str) -> str:
        """The text inside the element with id `key` (or the h1 / title), whitespace collapsed."""
        return " ".join(" ".join(self.texts.get(key, [])).split())

    def hrefs_in(self, key: str) -> list[str]:
        return [a["href"] for a in self.links if key in a["in"].split()]
