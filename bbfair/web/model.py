"""What the web tier hands to the parts that render a resource (HTML pages, signposting, schema.org): one
stored document as an rdflib graph plus what the site knows about itself. Kept apart from the app so the
renderers can be tested without a server."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph

from ..profiles import Profile


@dataclass(frozen=True)
class Format:
    """One serialisation the server offers."""

    key: str  # the ?format= value: ttl | jsonld | rdf | nt | html
    media_type: str
    label: str


@dataclass(frozen=True)
class SiteInfo:
    """The site around a page: its base IRI, the node's name, where the SPARQL endpoint and dumps are."""

    base_iri: str  # no trailing slash
    title: str  # the node catalogue's (or FDP's) title
    formats: tuple[Format, ...]
    root_iri: str = ""  # the FDP root, `{base_iri}/`
    sparql_url: str = ""
    dump_url: str = ""
    build_id: str = ""
    bbfair_version: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    #: the publication profiles the build offers, the default first (`bbfair.profiles`)
    profiles: tuple[Profile, ...] = ()
    #: the DCAT-AP Feed of the catalogue's changes (`web.feed`), when the store keeps history
    feed_url: str = ""


@dataclass(frozen=True)
class Page:
    """One resource as served: its stored document (exactly as validated) parsed into an rdflib graph."""

    iri: str
    kind: str  # fdp | catalog | dataset | distribution | agent | contact | container | concept | scheme
    graph: Graph
    etag: str
    modified: str  # ISO 8601
    parent: str | None
    site: SiteInfo
    #: the publication profile this document is in (None: a document with no profiles, such as /spec)
    profile: Profile | None = None
