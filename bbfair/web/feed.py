"""The DCAT-AP Feed (SEMIC, https://semiceu.github.io/LDES-DCAT-AP-feeds/): the catalogue's changes as a Linked
Data Event Stream of Activity Streams `Create`, `Update` and `Delete` activities, made from the store's history
(`store.history`), so a harvester keeps in sync without walking the whole tree.

- `/feed`: the `ldes:EventStream` (`{base}/feed#stream`) and its root view: a `tree:relation` pair on
  `as:published` (greater than or equal to the build's time, less than the next one's) to each build's page, and
  the retention policy: a *latest version subset* of one (only each entity's latest activity stays a member).
- `/feed/{build}` (`?page=2`…, `PAGE_SIZE` members a page): the activities of one build. Each activity is an IRI,
  `{base}/feed/{build}/{path of the entity}`, with `as:object` (the entity) and `as:published` (the time the
  build went live); a `Create` or `Update` carries the entity's document in the named graph named by the
  activity. One build is one set of activities with one time; a build that changed nothing adds none.
- `/feed/{build}/{path}`: one activity, dereferenced; it stays available (immutable) while the history keeps the
  version it published, also after a later activity replaced it in the feed.

The entities are the DCAT-AP Feed's standalone entity types (`ENTITY_KINDS`: catalogues, datasets,
distributions, data services, agents, contact points). LDP containers, the FAIR Data Point root and vocabulary
concepts are not DCAT-AP entities and are not in the feed. Pages are TriG (the default), JSON-LD or N-Quads,
in the publication profile asked for (`Accept-Profile`, `?_profile=`), or HTML for people.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ..rdf.streams import ACTIVITY_SHAPE, AS, DCAT_AP_FEEDS, LDES, PREFIXES, TREE
from ..store.history import DELETE, BuildRow, History, opened
from ..store.local import Build
from .byprofile import content_profile
from .conneg import Offer, choose
from .model import SiteInfo
from .render import CORS
from .timeurls import FEED, activity_iri, feed_page_url, feed_url, memento_url, relative, stream_iri

if TYPE_CHECKING:
    from .server import Server

#: the kinds of resource that are DCAT-AP entities (the feed's standalone entity types)
ENTITY_KINDS = ("catalog", "dataset", "distribution", "service", "agent", "contact")
#: activities per page of a build
PAGE_SIZE = 500
FEED_OFFERS = (Offer("trig", "application/trig"), Offer("jsonld", "application/ld+json", ("application/json",)),
               Offer("nq", "application/n-quads"), Offer("html", "text/html", ("application/xhtml+xml",)))
_FORMATS = {"trig": ox.RdfFormat.TRIG, "jsonld": ox.RdfFormat.JSON_LD, "nq": ox.RdfFormat.N_QUADS}
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_DCT = "http://purl.org/dc/terms/"
_XSD_DATETIME = ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _time(iso: str) -> ox.Literal:
    return ox.Literal(datetime.fromisoformat(iso).isoformat().replace("+00:00", "Z"), datatype=_XSD_DATETIME)


@dataclass
class Activity:
    """One member of the feed, with its payload (None for a Delete)."""

    iri: str
    type: str
    entity: str
    build: BuildRow
    payload: bytes | None  # N-Triples


class Quads:
    """The quads of one feed document, in the default graph unless told."""

    def __init__(self) -> None:
        self.quads: list[ox.Quad] = []

    def add(self, s: str, p: str, o: ox.NamedNode | ox.Literal | str, graph: str | None = None) -> None:
        obj = _n(o) if isinstance(o, str) else o
        self.quads.append(ox.Quad(_n(s), _n(p), obj, _n(graph) if graph else ox.DefaultGraph()))

    def stream(self, site: SiteInfo) -> None:
        """The event stream's description, on every page."""
        base, stream = site.base_iri, stream_iri(site.base_iri)
        self.add(stream, _RDF, LDES + "EventStream")
        self.add(stream, TREE + "shape", ACTIVITY_SHAPE)
        self.add(stream, LDES + "timestampPath", AS + "published")
        self.add(stream, LDES + "versionOfPath", AS + "object")
        self.add(stream, TREE + "view", feed_url(base))
        self.add(stream, _DCT + "conformsTo", DCAT_AP_FEEDS)
        self.add(stream, _DCT + "title", ox.Literal(f"Changes to {site.title}", language="en"))
        self.add(stream, _DCT + "isPartOf", f"{base}/")

    def activity(self, site: SiteInfo, activity: Activity) -> None:
        self.add(stream_iri(site.base_iri), TREE + "member", activity.iri)
        self.add(activity.iri, _RDF, AS + activity.type)
        self.add(activity.iri, AS + "object", activity.entity)
        self.add(activity.iri, AS + "published", _time(activity.build.published))
        if activity.payload is not None:
            graph = _n(activity.iri)
            self.quads += [ox.Quad(t.subject, t.predicate, t.object, graph)
                           for t in ox.parse(activity.payload, format=ox.RdfFormat.N_TRIPLES)]

    def serialise(self, key: str) -> bytes:
        return ox.serialize(self.quads, format=_FORMATS[key], prefixes=PREFIXES if key != "nq" else None)


def root_document(site: SiteInfo, history: History) -> tuple[Quads, list[tuple[BuildRow, int]]]:
    """The root view: the stream, its retention policy and the relations to each build's page."""
    doc = Quads()
    doc.stream(site)
    root = feed_url(site.base_iri)
    doc.add(root, _RDF, TREE + "Node")
    doc.add(root, TREE + "viewDescription", root + "#description")
    doc.add(root + "#description", LDES + "retentionPolicy", root + "#retention")
    doc.add(root + "#retention", _RDF, LDES + "LatestVersionSubset")
    doc.add(root + "#retention", LDES + "amount", ox.Literal("1", datatype=ox.NamedNode(
        "http://www.w3.org/2001/XMLSchema#integer")))
    pages = history.event_counts(ENTITY_KINDS)
    for index, (build, count) in enumerate(pages):
        page = feed_page_url(build.id, site.base_iri)
        bounds = [("from", TREE + "GreaterThanOrEqualToRelation", build.published)]
        if index + 1 < len(pages):
            bounds.append(("until", TREE + "LessThanRelation", pages[index + 1][0].published))
        for name, kind, moment in bounds:
            relation = f"{root}#{build.id}-{name}"
            doc.add(root, TREE + "relation", relation)
            doc.add(relation, _RDF, kind)
            doc.add(relation, TREE + "path", AS + "published")
            doc.add(relation, TREE + "value", _time(moment))
            doc.add(relation, TREE + "node", page)
            doc.add(relation, TREE + "remainingItems", ox.Literal(str(count), datatype=ox.NamedNode(
                "http://www.w3.org/2001/XMLSchema#integer")))
    return doc, pages


def _payload(build: Build, history: History, iri: str, version_build: BuildRow, token: str | None) -> bytes | None:
    found = history.change(iri, version_build)
    if found is None or found[1] is None:
        return None
    doc = history.document(found[1], build.documents, token)
    return doc.body if doc is not None else None


def page_document(site: SiteInfo, build: Build, history: History, build_row: BuildRow, number: int,
                  token: str | None) -> tuple[Quads, list[Activity], int]:
    """Page `number` of one build's activities; (the document, its activities, the number of pages)."""
    total = dict((b.seq, n) for b, n in history.event_counts(ENTITY_KINDS)).get(build_row.seq, 0)
    pages = max(1, -(-total // PAGE_SIZE))
    doc = Quads()
    doc.stream(site)
    url = feed_page_url(build_row.id, site.base_iri, number)
    doc.add(url, _RDF, TREE + "Node")
    if number < pages:
        relation = f"{url}#next"
        doc.add(url, TREE + "relation", relation)
        doc.add(relation, _RDF, TREE + "Relation")
        doc.add(relation, TREE + "node", feed_page_url(build_row.id, site.base_iri, number + 1))
    activities = []
    for event in history.events(build_row, ENTITY_KINDS, (number - 1) * PAGE_SIZE, PAGE_SIZE):
        payload = None if event.type == DELETE else _payload(build, history, event.iri, build_row, token)
        activity = Activity(activity_iri(event.iri, build_row.id, site.base_iri), event.type, event.iri, build_row,
                            payload)
        doc.activity(site, activity)
        activities.append(activity)
    return doc, activities, pages


class FeedCache:
    """Rendered feed documents of the live build (a new build changes the pages: its retention drops members)."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._entries: OrderedDict[tuple, tuple[str, bytes, str]] = OrderedDict()

    def get(self, key: tuple) -> tuple[str, bytes, str] | None:
        return self._entries.get(key)

    def put(self, key: tuple, value: tuple[str, bytes, str]) -> None:
        self._entries = OrderedDict((k, v) for k, v in self._entries.items() if k[0] == key[0])
        self._entries[key] = value
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)


def _render(server: Server, build: Build, site: SiteInfo, what: tuple[str, ...], key: str,
            token: str | None) -> tuple[int, bytes, str]:
    """(status, body, media type) of a feed document: the root (`()`), a build's page (`(build, page)`) or an
    activity (`(build, "", path)`)."""
    with opened(build.path) as history:
        if history is None:
            return 404, b"404 Not Found: this store keeps no history, so it has no feed\n", "text/plain"
        if not what:
            doc, pages = root_document(site, history)
            context = {"builds": [{"build": b, "count": n, "href": feed_page_url(b.id, site.base_iri)}
                                  for b, n in reversed(pages)], "activities": None}
        else:
            build_row = next((b for b in history.builds() if b.id == what[0]), None)
            if build_row is None:
                return 404, f"404 Not Found: no build {what[0]} in this store's history\n".encode(), "text/plain"
            if len(what) == 3:
                iri = f"{site.base_iri}/{what[2]}"
                found = history.change(iri, build_row)
                if found is None:
                    return 404, f"404 Not Found: build {build_row.id} did not change {iri}\n".encode(), "text/plain"
                doc = Quads()
                doc.stream(site)
                payload = None if found[1] is None else _payload(build, history, iri, build_row, token)
                activities = [Activity(activity_iri(iri, build_row.id, site.base_iri), found[0], iri, build_row,
                                       payload)]
                doc.activity(site, activities[0])
                pages = 1
            else:
                doc, activities, pages = page_document(site, build, history, build_row, int(what[1]), token)
                if int(what[1]) > pages:
                    return 404, f"404 Not Found: build {build_row.id} has {pages} page(s)\n".encode(), "text/plain"
            number = int(what[1] or 1)
            context = {"builds": None, "build": build_row, "pages": pages, "page": number,
                       "next": feed_page_url(build_row.id, site.base_iri, number + 1) + "&format=html",
                       "activities": [{"type": a.type, "entity": a.entity, "iri": a.iri,
                                       "memento": memento_url(a.entity, a.build.id, site.base_iri)
                                       if a.payload is not None else "",
                                       "path": relative(a.entity, site.base_iri)} for a in activities]}
    if key == "html":
        body = server.state.templates.get_template("feed.html").render(
            site=site, feed=feed_url(site.base_iri), stream=stream_iri(site.base_iri), **context).encode()
        return 200, body, "text/html; charset=utf-8"
    media = next(o.media_type for o in FEED_OFFERS if o.key == key)
    return 200, doc.serialise(key), media


async def respond(server: Server, cache: FeedCache, request: Request, what: tuple[str, ...]) -> Response:
    """A feed document in the format (`Accept`, `?format=trig|jsonld|nq|html`) and profile asked for."""
    build = server.state.build()
    site = server.site(build)
    fmt = request.query_params.get("format")
    offer = next((o for o in FEED_OFFERS if o.key == fmt), None) if fmt else \
        choose(request.headers.get("accept"), FEED_OFFERS)
    if offer is None:
        return Response("406 Not Acceptable: the feed is offered as application/trig, application/ld+json, "
                        "application/n-quads and text/html (?format=trig|jsonld|nq|html)\n", status_code=406,
                        media_type="text/plain", headers={"vary": "Accept", **CORS})
    chosen = server.profile_of(request, site)
    token = None if chosen.profile == site.profiles[0] else chosen.profile.token
    key = (build.id, what, offer.key, token)
    found = cache.get(key)
    if found is None:
        status, body, media = await run_in_threadpool(_render, server, build, site, what, offer.key, token)
        if status != 200:
            return Response(body, status_code=status, media_type=media, headers=CORS)
        tag = '"' + hashlib.blake2b(body, digest_size=10).hexdigest() + '"'
        found = (tag, body, media)
        cache.put(key, found)
    tag, body, media = found
    headers = {"etag": tag, "vary": "Accept, Accept-Profile", "content-profile": content_profile(chosen.profile),
               "cache-control": "no-cache", **CORS}
    from .server import not_modified

    if not_modified(request.headers.get("if-none-match"), None, tag, ""):
        return Response(status_code=304, headers=headers)
    return Response(b"" if request.method == "HEAD" else body, media_type=media, headers=headers)


def router(server: Server) -> APIRouter:
    """The feed's routes."""
    routes = APIRouter()
    cache = FeedCache()

    @routes.api_route(FEED, methods=["GET", "HEAD"], tags=["history"])
    async def feed_root(request: Request) -> Response:
        """The DCAT-AP Feed: an LDES of the catalogue's changes, paged by build on `as:published`."""
        return await respond(server, cache, request, ())

    @routes.api_route(FEED + "/{build_id}", methods=["GET", "HEAD"], tags=["history"])
    async def feed_page(request: Request, build_id: str, page: str = "1") -> Response:
        """The activities of one build (`?page=` when there are more than a page's worth)."""
        if not page.isdigit() or int(page) < 1:
            return Response(f"400 Bad Request: page must be a number from 1, not {page[:40]!r}\n",
                            status_code=400, media_type="text/plain", headers=CORS)
        return await respond(server, cache, request, (build_id, page))

    @routes.api_route(FEED + "/{build_id}/{rel:path}", methods=["GET", "HEAD"], tags=["history"])
    async def feed_activity(request: Request, build_id: str, rel: str) -> Response:
        """One activity: what build `build_id` did to the entity at `rel`, with its payload."""
        return await respond(server, cache, request, (build_id, "", rel))

    return routes
