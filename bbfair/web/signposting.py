"""FAIR Signposting (https://signposting.org/FAIR/) for every resource: typed links that tell a machine agent,
without parsing RDF or HTML, what the resource's persistent identifier is (`cite-as`), where its metadata is and
in which formats (`describedby` + `type`), what it is (`type`), its licence (`license`), its creator (`author`),
its content (`item`) and what it belongs to (`collection`), plus a `linkset` link to all of that and every
outgoing link of the record as an RFC 9264 `application/linkset+json` document.

The same links go into the HTTP `Link` header (RFC 8288) and into `<link>` elements of the HTML page. A header
has to stay small (proxies reject headers of more than a few KB), so `trimmed` leaves `item` links out past a
size budget; the linkset always has them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, SKOS

from ..profiles import Profile
from ..rdf.namespaces import DCAT, DCT, FDP, LDP
from .docview import Doc
from .model import Page, SiteInfo
from .schemaorg import SCHEMA, schema_type

LINKSET_TYPE = "application/linkset+json"
PROF_PROFILE = "http://www.w3.org/ns/dx/prof/Profile"
#: the schema.org type of an HTML landing page, which signposting asks for beside the resource's own type
ABOUT_PAGE = SCHEMA + "AboutPage"
#: the budget, in characters, for the Link header (and the page's <link> elements)
HEADER_BUDGET = 6000
#: predicates whose objects are the resource's content (signposting `item`), per kind of resource
_ITEM_PREDICATES = (DCAT.distribution, DCAT.dataset, DCAT.catalog, FDP.metadataCatalog, LDP.contains,
                    SKOS.hasTopConcept)
#: predicates whose objects hold the resource (signposting `collection`)
_COLLECTION_PREDICATES = (DCT.isPartOf, SKOS.inScheme)
#: characters that may stay as they are in a URI-reference inside `<…>` (RFC 3986 reserved + `%`)
_URI_SAFE = ":/?#[]@!$&'()*+,;=%~"


@dataclass(frozen=True)
class Link:
    """One typed web link from the resource (RFC 8288): target, relation type and target attributes."""

    href: str
    rel: str  # a registered relation type ("describedby") or an extension relation type (an absolute IRI)
    type: str | None = None  # media type of the target
    profile: str | None = None  # the profile the target conforms to (FAIR Signposting's `describedby` hint)
    title: str | None = None
    #: W3C Content Negotiation by Profile: the profile a representation conforms to (`formats`, the current
    #: drafts' name; `profile` too, for older clients), and a token's mapping to its profile IRI (`token` with
    #: `anchor`, the link context being the profile)
    formats: str | None = None
    token: str | None = None
    anchor: str | None = None

    def attributes(self) -> dict[str, str]:
        return {k: v for k, v in (("anchor", self.anchor), ("type", self.type), ("profile", self.profile),
                                  ("formats", self.formats), ("token", self.token), ("title", self.title)) if v}


def with_query(iri: str, key: str, value: str) -> str:
    """`iri` with `?key=value` (or `&key=value` when it already has a query), before any fragment."""
    base, hash_, fragment = iri.partition("#")
    sep = "&" if urlsplit(base).query else "?"
    return f"{base}{sep}{key}={quote(value, safe='')}{hash_}{fragment}"


def _unique(links: list[Link]) -> list[Link]:
    seen: set[tuple[str, str, str | None, str | None]] = set()
    out = []
    for link in links:
        key = (link.rel, link.href, link.type, link.anchor)
        if key not in seen:
            seen.add(key)
            out.append(link)
    return out


def _item_links(doc: Doc) -> list[Link]:
    out = []
    for predicate in _ITEM_PREDICATES:
        for node in doc.iris(predicate):
            out.append(Link(str(node), "item"))
            for url_predicate in (DCAT.accessURL, DCAT.downloadURL):  # a distribution's access route itself
                media = [str(m).rsplit("/media-types/", 1)[-1] for m in doc.iris(DCAT.mediaType, node)]
                for url in doc.iris(url_predicate, node):
                    out.append(Link(str(url), "item", type=media[0] if media else None))
    for url_predicate in (DCAT.accessURL, DCAT.downloadURL):  # the page of a distribution
        media = [str(m).rsplit("/media-types/", 1)[-1] for m in doc.iris(DCAT.mediaType)]
        out += [Link(str(url), "item", type=media[0] if media else None) for url in doc.iris(url_predicate)]
    return out


def links(page: Page) -> list[Link]:
    """The FAIR Signposting links of the page's resource, in a stable order: cite-as, describedby (one per RDF
    format), type, license, author, collection, item, linkset."""
    doc = Doc(page)
    iri = page.iri
    out = [Link(iri, "cite-as")]
    here = page.profile
    default = page.site.profiles[0] if page.site.profiles else None
    for fmt in page.site.formats:
        if fmt.media_type != "text/html":
            href = with_query(iri, "format", fmt.key) if here is None or here == default else \
                with_query(with_query(iri, "_profile", here.token), "format", fmt.key)
            out.append(Link(href, "describedby", type=fmt.media_type, profile=here.iri if here else None))
    if here is not None:
        out += _profile_links(iri, here, page.site)
    schema = schema_type(page)
    out += [Link(schema, "type")] if schema else []
    out += [Link(ABOUT_PAGE, "type")]
    out += [Link(str(t), "type") for t in doc.types()]
    out += [Link(str(lic), "license") for lic in doc.licences()]
    out += [Link(str(a), "author") for a in doc.iris(DCT.creator)]
    holders = [n for p in _COLLECTION_PREDICATES for n in doc.iris(p)]
    if page.parent and page.kind in ("dataset", "distribution", "catalog", "concept"):
        holders.append(URIRef(page.parent))
    out += [Link(str(h), "collection") for h in holders]
    out += _item_links(doc)
    out.append(Link(with_query(iri, "format", "linkset"), "linkset", type=LINKSET_TYPE))
    return _unique(out)


def _profile_links(iri: str, here: Profile, site: SiteInfo) -> list[Link]:
    """W3C Content Negotiation by Profile: the profile this representation conforms to (`rel="profile"`), the
    default representation (`canonical`) and the other profiles' documents (`alternate`, `format` = the
    profile), and each profile token's IRI (`rel="type"` anchored at the profile)."""
    out = [Link(here.iri, "profile")]
    default = site.profiles[0]
    out.append(Link(iri, "canonical", type="text/turtle", formats=default.iri))
    for other in site.profiles:
        if other != here:
            out += [Link(with_query(with_query(iri, "_profile", other.token), "_mediatype", fmt.media_type),
                         "alternate", type=fmt.media_type, profile=other.iri, formats=other.iri)
                    for fmt in site.formats if fmt.media_type != "text/html"]
    out += [Link(PROF_PROFILE, "type", token=p.token, anchor=p.iri) for p in site.profiles]
    return out


def trimmed(found: list[Link], budget: int = HEADER_BUDGET) -> list[Link]:
    """`found` without the `item` links that would take the Link header past `budget` characters: every other
    link is kept (they come first in the budget), then items in order while they fit. The linkset, which is
    always linked, lists every item."""
    room = budget - sum(len(_format(link)) + 2 for link in found if link.rel != "item")
    kept = []
    for link in found:
        if link.rel == "item":
            length = len(_format(link)) + 2
            if length > room:
                continue
            room -= length
        kept.append(link)
    return kept


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _format(link: Link) -> str:
    parts = [f"<{quote(link.href, safe=_URI_SAFE)}>", f"rel={_quoted(link.rel)}"]
    for name, value in link.attributes().items():
        if value.isascii() and value.isprintable():
            parts.append(f"{name}={_quoted(value)}")
        else:  # RFC 8187 extended notation for text that is not plain ASCII
            parts.append(f"{name}*=UTF-8''{quote(value, safe='')}")
    return "; ".join(parts)


def link_header(found: list[Link], budget: int | None = HEADER_BUDGET) -> str:
    """The HTTP `Link` header value for `found` (RFC 8288): targets percent-encoded to plain ASCII inside `<>`,
    parameters as quoted strings (non-ASCII text as RFC 8187 `title*`). `item` links past `budget` characters
    are left out (see `trimmed`); `budget=None` keeps every link."""
    kept = found if budget is None else trimmed(found, budget)
    return ", ".join(_format(link) for link in kept)


def _target(link: Link) -> dict[str, Any]:
    target: dict[str, Any] = {"href": link.href}
    if link.type:
        target["type"] = link.type
    if link.title:
        target["title"] = link.title
    for name in ("profile", "formats", "token"):  # extension target attributes: always arrays (RFC 9264 §4.2.4.3)
        if getattr(link, name):
            target[name] = [getattr(link, name)]
    return target


def _record_links(doc: Doc) -> list[Link]:
    """Every outgoing link the record states: one per (predicate, IRI value), the predicate IRI as the
    (extension) relation type, the target's name as title; identifiers written as http(s) URLs count too."""
    out = []
    for predicate, value in sorted(doc.graph.predicate_objects(doc.subject), key=lambda po: (str(po[0]), str(po[1]))):
        if predicate == RDF.type:
            continue
        if isinstance(value, URIRef):
            out.append(Link(str(value), str(predicate), title=doc.label.known(value)))
        elif isinstance(value, Literal) and predicate == DCT.identifier and str(value).startswith(("http://", "https://")):
            out.append(Link(str(value), str(predicate)))
    return out


def linkset(page: Page) -> dict[str, Any]:
    """The RFC 9264 `application/linkset+json` document of the resource: one link context object anchored at
    the resource with every signposting link and every outgoing link of its record, grouped by relation type,
    plus one context per content item linking back to the resource as its `collection` (FAIR Signposting's
    links from content resources)."""
    doc = Doc(page)
    everything = [link for link in links(page) if link.rel != "linkset"] + _record_links(doc)
    found = [link for link in everything if link.anchor is None]
    context: dict[str, Any] = {"anchor": page.iri}
    for link in _unique(found):
        context.setdefault(link.rel, []).append(_target(link))
    contexts = [context]
    for link in everything:  # links about another context: the profile tokens' mappings
        if link.anchor is not None:
            contexts.append({"anchor": link.anchor, link.rel: [_target(link)]})
    for item in dict.fromkeys(link.href for link in found if link.rel == "item"):
        contexts.append({"anchor": item, "collection": [{"href": page.iri}]})
    return {"linkset": contexts}
