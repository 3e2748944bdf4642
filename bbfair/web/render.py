"""Every representation the server sends of a stored document, made once and kept: a GET that hits the cache
does no RDF work at all (DESIGN.md: a precomputed body serves ~15× more requests per second than building the
page per request).

A document is the N-Triples of one resource exactly as it was validated (see `bbfair.store.documents`).
Turtle, JSON-LD, RDF/XML and N-Triples come from pyoxigraph's serialisers (rdflib's Turtle writer is 20–90×
slower); HTML, Signposting links and linksets need an rdflib graph and are made by `pages` and `signposting`.
Entries are keyed by IRI and the document's ETag, so a new build re-renders only what changed, and the cache is
bounded by the bytes it holds.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime

import pyoxigraph as ox
from rdflib import Graph

from ..profiles import Profile
from ..store.documents import Document
from ..store.query import used_prefixes
from .byprofile import content_profile
from .conneg import Offer
from .model import Format, Page, SiteInfo
from .signposting import link_header, links, linkset
from .timeurls import resource_links

#: what every resource is offered as, in the order that breaks ties (Turtle first: the FDP spec's default)
OFFERS: tuple[Offer, ...] = (
    Offer("ttl", "text/turtle", ("application/x-turtle", "application/turtle")),
    Offer("jsonld", "application/ld+json", ("application/json",)),
    Offer("rdf", "application/rdf+xml"),
    Offer("nt", "application/n-triples"),
    Offer("html", "text/html", ("application/xhtml+xml",)),
    Offer("linkset", "application/linkset+json"),
)
BY_KEY = {offer.key: offer for offer in OFFERS}
#: the formats pages list as alternatives (the linkset is announced by Signposting instead)
FORMATS: tuple[Format, ...] = (
    Format("ttl", "text/turtle", "Turtle"),
    Format("jsonld", "application/ld+json", "JSON-LD"),
    Format("rdf", "application/rdf+xml", "RDF/XML"),
    Format("nt", "application/n-triples", "N-Triples"),
    Format("html", "text/html", "HTML"),
)
_RDF_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD, "rdf": ox.RdfFormat.RDF_XML}
CHARSET_TYPES = {"ttl", "nt", "html", "rdf"}
#: CORS for every GET: the records are public, and browser tools (YASGUI, validators) read them cross-origin
CORS = {"access-control-allow-origin": "*",
        "access-control-expose-headers": "ETag, Last-Modified, Link, Content-Type, Content-Profile, Vary"}
CORS_HEADERS = [(k.encode(), v.encode()) for k, v in CORS.items()]


def content_type(key: str) -> str:
    media = BY_KEY[key].media_type
    return f"{media}; charset=utf-8" if key in CHARSET_TYPES else media


def http_date(iso: str) -> str:
    """An ISO 8601 time as an HTTP date (`Last-Modified`)."""
    return format_datetime(datetime.fromisoformat(iso), usegmt=True)


def ordered(triples: Iterable[ox.Triple], main: str) -> list[ox.Triple]:
    """The resource's own statements first, then the others by subject, each subject's statements together
    (the Turtle serialiser groups consecutive statements of one subject)."""
    return sorted(triples, key=lambda t: (t.subject.value != main, str(t.subject), str(t.predicate), str(t.object)))


def serialise(triples: list[ox.Triple], key: str, main: str) -> bytes:
    """`triples` as Turtle, JSON-LD, RDF/XML or N-Triples, the resource's own statements first."""
    rows = ordered(triples, main)
    if key == "nt":
        return "".join(f"{t} .\n" for t in rows).encode("utf-8")
    return ox.serialize(rows, format=_RDF_FORMATS[key], prefixes=used_prefixes(rows))


def cache_key(iri: str, profile: Profile | None) -> str:
    """The render cache's key of `iri` in `profile`."""
    return iri if profile is None else f"{iri} {profile.token}"


@dataclass
class Entry:
    """One document of one build, in one publication profile, and the representations made of it so far, each
    with its response headers ready to send. The rdflib graph and the parsed triples are let go once the bodies
    are made: long-lived rdflib graphs make every full garbage collection slow (DESIGN.md: a 4.6 s pause at
    100k)."""

    doc: Document
    site: SiteInfo
    #: the build this entry was last confirmed current for (its ETag is re-checked when the build changes)
    build_id: str = ""
    bodies: dict[str, bytes] = field(default_factory=dict)
    headers: dict[str, list[tuple[bytes, bytes]]] = field(default_factory=dict)
    _triples: list[ox.Triple] | None = None
    _page: Page | None = None
    _links: str | None = None
    #: the size the cache counted for this entry
    accounted: int = 0
    #: the publication profile of the document (None for a document that has none, such as /spec)
    profile: Profile | None = None

    @property
    def key(self) -> str:
        return cache_key(self.doc.iri, self.profile)

    @property
    def size(self) -> int:
        return len(self.doc.body) + sum(len(b) for b in self.bodies.values())

    def triples(self) -> list[ox.Triple]:
        if self._triples is None:
            self._triples = list(ox.parse(self.doc.body, format=ox.RdfFormat.N_TRIPLES))
        return self._triples

    def page(self) -> Page:
        if self._page is None:
            graph = Graph()
            graph.parse(data=self.doc.body, format="nt")
            d = self.doc
            self._page = Page(d.iri, d.kind, graph, d.etag, d.modified, d.parent, self.site, self.profile)
        return self._page

    def link_header(self) -> str:
        """FAIR Signposting `Link` header value (sent with every representation)."""
        if self._links is None:
            self._links = link_header(links(self.page()))
        return self._links

    def etag(self, key: str) -> str:
        """The representation's ETag: the document's plus the profile and the format (HTML also changes with
        bbfair)."""
        tag = self.doc.etag if self.profile is None else f"{self.doc.etag}-{self.profile.token}"
        return f'"{tag}-{key}"' if key != "html" else f'"{tag}-html-{self.site.bbfair_version}"'

    def render(self, key: str, html: Callable[[Page], str], signposting: bool = True) -> bytes:
        """Make the representation `key` and its headers (once), then let go of the parsed forms."""
        found = self.bodies.get(key)
        if found is None:
            if key == "html":
                found = html(self.page()).encode("utf-8")
            elif key == "linkset":
                found = json.dumps(linkset(self.page()), ensure_ascii=False, indent=1).encode("utf-8")
            else:
                found = serialise(self.triples(), key, self.doc.iri)
            vary = "Accept, Accept-Profile" if self.profile is not None else "Accept"
            if signposting:  # a resource is its own Memento TimeGate (web.memento)
                vary += ", Accept-Datetime"
            headers = [(b"etag", self.etag(key).encode()),
                       (b"last-modified", http_date(self.doc.modified).encode()),
                       (b"vary", vary.encode()),
                       *CORS_HEADERS,
                       (b"content-type", content_type(key).encode()),
                       (b"content-length", str(len(found)).encode())]
            if self.profile is not None:
                headers.append((b"content-profile", content_profile(self.profile).encode()))
            if signposting:
                memento = resource_links(self.doc.iri, self.site.base_iri)
                headers.append((b"link", ", ".join(h for h in (self.link_header(), memento) if h).encode()))
            elif self.profile is not None:  # W3C Content Negotiation by Profile: the profile served, always
                headers.append((b"link", f'<{self.profile.iri}>; rel="profile"'.encode()))
            self.headers[key] = headers
            self.bodies[key] = found
        self._triples = None
        self._page = None
        return found


class RenderCache:
    """Entries by IRI, least recently used dropped first once `max_bytes` are held."""

    def __init__(self, max_bytes: int = 256 * 2**20) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> Entry | None:
        """The entry of `key` (`cache_key`), if cached (no I/O, no rendering: safe on the event loop)."""
        entry = self._entries.get(key)
        if entry is not None:
            with contextlib.suppress(KeyError):  # dropped by another thread meanwhile
                self._entries.move_to_end(key)
        return entry

    def store(self, entry: Entry) -> None:
        """(Re)account for `entry` after bodies were added, evicting old ones when over budget."""
        with self._lock:
            old = self._entries.pop(entry.key, None)
            if old is not None:
                self._bytes -= old.accounted
            entry.accounted = entry.size
            self._entries[entry.key] = entry
            self._bytes += entry.accounted
            while self._bytes > self.max_bytes and len(self._entries) > 1:
                _key, dropped = self._entries.popitem(last=False)
                self._bytes -= dropped.accounted

    def __len__(self) -> int:
        return len(self._entries)
