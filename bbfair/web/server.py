"""Request handling of the FAIR Data Point (`Server`): each resource at its own IRI in the representation and
publication profile a request asks for, made once and then served from the render cache; the documents the
server makes itself (spec, profiles, dump pages, alternates listings); and the conditional-request rules.
`app` wires it into FastAPI and answers cached GETs before FastAPI's routing (`FastPath`)."""

from __future__ import annotations

from email.utils import parsedate_to_datetime
from html import escape
from urllib.parse import urlsplit

import pyoxigraph as ox
from fastapi import Request
from fastapi.responses import Response, StreamingResponse
from rdflib.namespace import DCTERMS
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool

from .. import __version__
from ..errors import StoreError
from ..profiles import Profile
from ..store.history import HISTORY
from ..store.local import Build
from . import dump as dumps
from .byprofile import ALT, ProfileChoice, alternates_document, choose_profile, content_profile, offered
from .conneg import Offer, choose
from .model import Page, SiteInfo
from .pages import render_page
from .render import BY_KEY, CORS, FORMATS, OFFERS, Entry, RenderCache, cache_key, http_date
from .state import SiteState
from .timeurls import feed_url

#: what `/dump` offers (a dump is for machines: no HTML)
DUMP_OFFERS = tuple(o for o in OFFERS if o.key in ("ttl", "nt", "jsonld"))
RDF_OFFERS = tuple(o for o in OFFERS if o.key != "linkset")
#: what `?_profile=alt` (the list of a resource's representations) is offered as
ALT_OFFERS = RDF_OFFERS
#: what `/dump?page=all` is offered as
EXPORT_OFFERS = (Offer("ttl", "text/turtle"), Offer("nq", "application/n-quads"), Offer("trig", "application/trig"),
                 Offer("nt", "application/n-triples"))


def _not_acceptable(offers: tuple[Offer, ...]) -> Response:
    listed = ", ".join(o.media_type for o in offers)
    return Response(f"406 Not Acceptable: this resource is offered as {listed} (or ?format="
                    f"{'|'.join(o.key for o in offers)})\n", status_code=406, media_type="text/plain",
                    headers={"vary": "Accept", **CORS})


def not_modified(if_none_match: str | None, if_modified_since: str | None, etag: str, last_modified: str) -> bool:
    """RFC 9110 §13.1: If-None-Match wins over If-Modified-Since."""
    if if_none_match is not None:
        tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
        return "*" in tags or etag in tags
    if if_modified_since is not None:
        try:
            return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
    return False


def resource_iri(raw_path: str, base: str) -> str:
    """The IRI a request path asks for: base IRI + path (a base with a path, e.g. behind a proxy at `/fdp`,
    works whether the proxy keeps that prefix or strips it)."""
    parts = urlsplit(base)
    if parts.path and raw_path.startswith(parts.path + "/"):
        return f"{parts.scheme}://{parts.netloc}{raw_path}"
    return base + raw_path


class Server:
    """Request handling on one `SiteState`: kept apart from the FastAPI wiring so tests can reach it."""

    def __init__(self, state: SiteState, cache_bytes: int = 256 * 2**20) -> None:
        self.state = state
        self.cache = RenderCache(cache_bytes)
        self._sites: dict[str, SiteInfo] = {}
        self._dumps: dict[str, dumps.DumpIndex] = {}
        self._synthetic: dict[tuple[str, str], Entry] = {}

    # --- per build ----------------------------------------------------------------------------------------------

    def site(self, build: Build) -> SiteInfo:
        found = self._sites.get(build.id)
        if found is None:
            base = build.manifest.build.base_iri
            found = SiteInfo(base_iri=base, title=self._title(build, base), formats=FORMATS, root_iri=f"{base}/",
                             sparql_url=f"{base}/sparql", dump_url=f"{base}/dump", build_id=build.id,
                             bbfair_version=__version__, profiles=offered(build.manifest.build),
                             feed_url=feed_url(base) if (build.path / HISTORY).is_file() else "")
            self._sites = {build.id: found}  # older builds are gone once their requests finished
        return found

    @staticmethod
    def _title(build: Build, base: str) -> str:
        root = build.documents.get(f"{base}/")
        if root is not None:
            for t in ox.parse(root.body, format=ox.RdfFormat.N_TRIPLES):
                if t.subject.value == f"{base}/" and t.predicate.value == str(DCTERMS.title):
                    return str(t.object.value)
        return "FAIR Data Point"

    # --- the hot path ---------------------------------------------------------------------------------------------

    def cached(self, scope: dict) -> tuple[int, list[tuple[bytes, bytes]], bytes] | None:
        """The response to a GET/HEAD of a resource straight from the render cache, or None when it must go
        through the application (not cached yet, another build, a 404 or 406, a query string other than
        `format=`). No RDF work, no SQL: a dict lookup and the conditional-request check."""
        build = self.state.build()
        site = self._sites.get(build.id)
        if site is None:
            return None
        query = scope.get("query_string", b"")
        accept = inm = ims = None
        for name, value in scope["headers"]:
            if name == b"accept":
                accept = value.decode("latin-1")
            elif name == b"if-none-match":
                inm = value.decode("latin-1")
            elif name == b"if-modified-since":
                ims = value.decode("latin-1")
            elif name in (b"accept-profile", b"accept-datetime"):
                return None  # negotiation by profile or by time (Memento): the application's path
        if query:
            if not query.startswith(b"format=") or b"&" in query:
                return None
            offer = BY_KEY.get(query[7:].decode("latin-1"))
        else:
            offer = choose(accept, OFFERS)
        if offer is None:
            return None
        raw = scope.get("raw_path") or scope["path"].encode("utf-8")
        entry = self.cache.get(cache_key(resource_iri(raw.decode("latin-1").split("?", 1)[0], site.base_iri),
                                         site.profiles[0]))
        if entry is None or entry.build_id != build.id:
            return None
        headers = entry.headers.get(offer.key)
        if headers is None:
            return None
        if (inm is not None or ims is not None) and not_modified(inm, ims, entry.etag(offer.key),
                                                                   http_date(entry.doc.modified)):
            return 304, [h for h in headers if h[0] not in (b"content-type", b"content-length")], b""
        return 200, headers, entry.bodies[offer.key]

    # --- responses ----------------------------------------------------------------------------------------------

    def _respond(self, request: Request, entry: Entry, key: str) -> Response:
        headers = dict((k.decode(), v.decode("latin-1")) for k, v in entry.headers[key])
        body = entry.bodies[key]
        if not_modified(request.headers.get("if-none-match"), request.headers.get("if-modified-since"),
                        headers["etag"], headers["last-modified"]):
            del headers["content-type"], headers["content-length"]
            return Response(status_code=304, headers=headers)
        if request.method == "HEAD":
            return Response(b"", headers=headers)
        return Response(body, headers=headers)

    def _html(self, page: Page) -> str:
        return render_page(page, self.state.templates)

    def _choose(self, request: Request, offers: tuple[Offer, ...]) -> Offer | Response:
        """The representation asked for by `?format=` (a key), `?_mediatype=` (a media type, W3C Content
        Negotiation by Profile's query form) or `Accept`, in that order."""
        fmt = request.query_params.get("format")
        if fmt is not None:
            offer = BY_KEY.get(fmt)
            return offer if offer is not None and offer in offers else _not_acceptable(offers)
        media = request.query_params.get("_mediatype")
        offer = choose(media if media is not None else request.headers.get("accept"), offers)
        return offer if offer is not None else _not_acceptable(offers)

    def export(self, request: Request, build: Build, index: dumps.DumpIndex, profile: Profile,
               token: str | None) -> Response:
        """`/dump?page=all`: the whole catalogue in one file, streamed (`dumps.export`)."""
        key = request.query_params.get("format")
        if key is None:
            media = request.query_params.get("_mediatype") or request.headers.get("accept")
            found = choose(media, EXPORT_OFFERS)
            key = found.key if found is not None else None
        if key not in dumps.EXPORTS:
            listed = ", ".join(f"{k} ({m})" for k, (m, _s) in dumps.EXPORTS.items())
            return Response(f"406 Not Acceptable: the whole catalogue is offered as {listed}\n", status_code=406,
                            media_type="text/plain", headers={"vary": "Accept, Accept-Profile", **CORS})
        media, suffix = dumps.EXPORTS[key]
        tag = f'"{build.id}-{profile.token}-{key}"'
        headers = {"etag": tag, "vary": "Accept, Accept-Profile", "content-profile": content_profile(profile),
                   "content-disposition": f'attachment; filename="catalogue-{profile.token}.{suffix}"', **CORS}
        if not_modified(request.headers.get("if-none-match"), None, tag, ""):
            return Response(status_code=304, headers=headers)
        if request.method == "HEAD":
            return Response(b"", media_type=media, headers=headers)
        return StreamingResponse(iterate_in_threadpool(dumps.export(build.documents, index, key, token)),
                                 media_type=media, headers=headers)

    @staticmethod
    def profile_of(request: Request, site: SiteInfo) -> ProfileChoice:
        """The publication profile a request asks for (`Accept-Profile`, `?_profile=`)."""
        return choose_profile(request.headers.get("accept-profile"), request.query_params.get("_profile"),
                              site.profiles)

    async def resource(self, request: Request) -> Response:
        """Any resource of the live build at its own IRI (the slow path: renders what is not cached yet)."""
        try:
            build = self.state.build()
        except StoreError as exc:
            return Response(f"503 Service Unavailable: {exc}\n", status_code=503, media_type="text/plain")
        site = self.site(build)
        raw = request.scope.get("raw_path") or request.url.path.encode("utf-8")
        iri = resource_iri(raw.decode("latin-1").split("?", 1)[0], site.base_iri)
        from . import memento  # it builds on this module

        if "accept-datetime" in request.headers:  # every resource is its own Memento TimeGate
            return await memento.timegate(self, request, build, site, iri)
        chosen = self.profile_of(request, site)
        if chosen.alt:
            return await self.alternates(request, build, site, iri)
        offer = self._choose(request, OFFERS)
        if isinstance(offer, Response):
            return offer
        entry = await run_in_threadpool(self._load, build, site, iri, offer.key, chosen.profile)
        if entry is None:
            return await memento.absent(self, build, site, iri, offer)
        return self._respond(request, entry, offer.key)

    async def alternates(self, request: Request, build: Build, site: SiteInfo, iri: str) -> Response:
        """`?_profile=alt`: every profile and media type the resource is offered in (W3C ALTR), RDF or HTML."""
        offer = self._choose(request, ALT_OFFERS)
        if isinstance(offer, Response):
            return offer
        if build.documents.head(iri) is None:
            return self._missing(iri, offer)
        entry = self.cache.get(cache_key(iri, ALT))
        if entry is None or entry.build_id != build.id:
            entry = Entry(alternates_document(iri, site, build.manifest.build), site, build.id, profile=ALT)
        if offer.key not in entry.bodies:
            await run_in_threadpool(entry.render, offer.key, self._html, False)
            self.cache.store(entry)
        return self._respond(request, entry, offer.key)

    def _load(self, build: Build, site: SiteInfo, iri: str, key: str, profile: Profile) -> Entry | None:
        """The cache entry of `iri` in `profile` for the live build with representation `key` made (in a
        worker thread)."""
        entry = self.cache.get(cache_key(iri, profile))
        if entry is None or entry.build_id != build.id:
            head = build.documents.head(iri)
            if head is None:
                return None
            if entry is None or entry.doc.etag != head[1]:
                doc = build.documents.get(iri, None if profile == site.profiles[0] else profile.token)
                if doc is None:
                    return None
                entry = Entry(doc, site, profile=profile)
            entry.site = site
            entry.build_id = build.id
        if key not in entry.bodies:
            entry.render(key, self._html)
        self.cache.store(entry)
        return entry

    def _missing(self, iri: str, offer: Offer) -> Response:
        text = f"404 Not Found: no resource {iri} in this catalogue"
        if offer.key == "html":
            page = (f"<!doctype html><html lang=en><meta charset=utf-8><title>Not found</title>"
                    f"<h1>Not found</h1><p>No resource <code>{escape(iri)}</code> in this catalogue. "
                    f"<a href='/'>Back to the FAIR Data Point</a></p></html>")
            return Response(page, status_code=404, media_type="text/html; charset=utf-8", headers=CORS)
        return Response(text + "\n", status_code=404, media_type="text/plain", headers=CORS)

    async def synthetic(self, request: Request, name: str, offers: tuple[Offer, ...], make,
                        profile: Profile | None = None) -> Response:
        """A document made by the server for the live build (spec, profile, dump page), cached per build; in
        the publication `profile`, when it is of one."""
        build = self.state.build()
        site = self.site(build)
        offer = self._choose(request, offers)
        if isinstance(offer, Response):
            return offer
        entry = self._synthetic.get((build.id, name))
        if entry is None:
            try:
                doc = await run_in_threadpool(make, build)
            except KeyError:
                return Response(f"404 Not Found: {name}\n", status_code=404, media_type="text/plain")
            entry = Entry(doc, site, build.id, profile=profile)
            self._synthetic = {k: v for k, v in self._synthetic.items() if k[0] == build.id}
            self._synthetic[(build.id, name)] = entry
        if offer.key not in entry.bodies:
            await run_in_threadpool(entry.render, offer.key, self._html, False)
        return self._respond(request, entry, offer.key)

    def dump_index(self, build: Build) -> dumps.DumpIndex:
        found = self._dumps.get(build.id)
        if found is None:
            found = dumps.index(build.documents, self.state.settings.dump_page_size)
            self._dumps = {build.id: found}
        return found
