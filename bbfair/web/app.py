"""The FastAPI application: the FAIR Data Point over the live build of a store.

Every resource is served at its own IRI (the path below the base IRI), in the representation the client's
`Accept` (or `?format=`) asks for, from the render cache: a cached GET is answered by `FastPath` before
FastAPI's routing, with one dict lookup and no SQL or RDF work, so the server outruns a bare FastAPI endpoint.
Misses are rendered in a worker thread, never on the event loop. Conditional requests (`If-None-Match`,
`If-Modified-Since`) get 304, HEAD answers every GET route, and GETs carry CORS and FAIR Signposting headers.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from email.utils import parsedate_to_datetime
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pyoxigraph as ox
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from rdflib.namespace import DCTERMS
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool

from .. import __version__
from ..config import Sparql
from ..errors import StoreError
from ..profiles import Profile
from ..store.local import Build
from . import dump as dumps
from . import spec as specs
from .byprofile import ALT, ProfileChoice, alternates_document, choose_profile, content_profile, offered
from .conneg import Offer, choose
from .model import Page, SiteInfo
from .pages import render_page
from .render import BY_KEY, CORS, FORMATS, OFFERS, Entry, RenderCache, cache_key, http_date
from .sparql import router as sparql_router
from .state import ServeSettings, SiteState

#: what `/dump` offers (a dump is for machines: no HTML)
DUMP_OFFERS = tuple(o for o in OFFERS if o.key in ("ttl", "nt", "jsonld"))
RDF_OFFERS = tuple(o for o in OFFERS if o.key != "linkset")
#: what `?_profile=alt` (the list of a resource's representations) is offered as
ALT_OFFERS = RDF_OFFERS
#: what `/dump?page=all` is offered as
EXPORT_OFFERS = (Offer("ttl", "text/turtle"), Offer("nq", "application/n-quads"), Offer("trig", "application/trig"),
                 Offer("nt", "application/n-triples"))
ENV_SETTINGS = "BBFAIR_SERVE"
#: paths the FastAPI application owns (everything else is a resource IRI)
RESERVED = ("/health", "/spec", "/profile/", "/shapes/", "/dump", "/sparql", "/static/", "/docs", "/redoc",
            "/openapi.json")


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
                             bbfair_version=__version__, profiles=offered(build.manifest.build))
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
            elif name == b"accept-profile":
                return None  # profile negotiation: the application's path
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
        chosen = self.profile_of(request, site)
        if chosen.alt:
            return await self.alternates(request, build, site, iri)
        offer = self._choose(request, OFFERS)
        if isinstance(offer, Response):
            return offer
        entry = await run_in_threadpool(self._load, build, site, iri, offer.key, chosen.profile)
        if entry is None:
            return self._missing(iri, offer)
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


class FastPath:
    """The ASGI application uvicorn runs: GET/HEAD of a cached resource is answered here, without FastAPI's
    routing, dependency solving and middleware (which cost more than the whole cached answer); everything
    else goes to the FastAPI application."""

    def __init__(self, app: FastAPI, server: Server) -> None:
        self.app = app
        self.server = server

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD") and \
                not scope["path"].startswith(RESERVED):
            try:
                found = self.server.cached(scope)
            except StoreError:
                found = None
            if found is not None:
                status, headers, body = found
                await send({"type": "http.response.start", "status": status, "headers": headers})
                await send({"type": "http.response.body", "body": body if scope["method"] == "GET" else b""})
                return
        await self.app(scope, receive, send)


def create_app(state: SiteState) -> FastPath:
    """The application serving `state`'s store (`.app` is the FastAPI application, `.server` the handler)."""
    server = Server(state)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        state.close()

    app = FastAPI(lifespan=lifespan, title="bbfair FAIR Data Point", version=__version__,
                  description="A biobank catalogue as FAIR linked data: FAIR Data Point (FDP spec 1.2), "
                              "DCAT-AP 3 / HealthDCAT-AP / Health-RI v2.0.2 records, SPARQL 1.1 endpoint.")
    app.state.server = server

    def get(path: str, **kwargs: Any) -> Any:
        """GET and HEAD on `path` (FastAPI answers HEAD with 405 unless asked; one OpenAPI operation)."""
        def register(handler: Any) -> Any:
            app.head(path, include_in_schema=False)(handler)
            return app.get(path, **kwargs)(handler)
        return register

    @get("/health", tags=["service"])
    def health() -> JSONResponse:
        """Liveness and the build being served."""
        try:
            info = state.build().manifest.build
        except StoreError as exc:
            return JSONResponse({"status": "unavailable", "error": str(exc)}, status_code=503)
        return JSONResponse({"status": "ok", "build": info.id, "created": info.created, "base_iri": info.base_iri,
                             "resources": info.resources, "bbfair": __version__}, headers=CORS)

    @get("/spec", tags=["FAIR Data Point"])
    async def spec(request: Request) -> Response:
        """The publication profiles every record is published in, and the SHACL shapes each was validated
        with."""
        return await server.synthetic(request, "spec", RDF_OFFERS, lambda build: specs.spec_document(
            build.manifest.build, build.manifest.build.access_rights or None))

    @get("/profile/{token}", tags=["FAIR Data Point"])
    async def profile(request: Request, token: str) -> Response:
        """A publication profile: its IRI, token, title, and the shapes files its documents are validated with
        (W3C Profiles Vocabulary)."""
        return await server.synthetic(request, f"profile/{token}", RDF_OFFERS, lambda build: specs.profile_document(
            build.manifest.build, token, build.manifest.build.access_rights or None))

    @get("/shapes/{path:path}", tags=["FAIR Data Point"])
    def shapes(request: Request, path: str) -> Response:
        """A SHACL shapes file a profile is validated with, as shipped (bbfair's own, or a consumer's official
        file under `official/`)."""
        try:
            body = specs.shapes_file(path).read_bytes()
        except (KeyError, OSError):
            return Response(f"404 Not Found: no shapes file {path!r}; /spec lists them\n", status_code=404,
                            media_type="text/plain", headers=CORS)
        tag = '"' + hashlib.blake2b(body, digest_size=10).hexdigest() + '"'
        if not_modified(request.headers.get("if-none-match"), None, tag, ""):
            return Response(status_code=304, headers={"etag": tag, **CORS})
        return Response(b"" if request.method == "HEAD" else body, media_type="text/turtle; charset=utf-8",
                        headers={"etag": tag, "content-length": str(len(body)), **CORS})

    @get("/dump", tags=["FAIR Data Point"])
    async def dump(request: Request, page: str = "1") -> Response:
        """The whole catalogue for DCAT RDF harvesters: paged (`hydra:next`), or `?page=all` in one file
        (N-Quads, TriG, Turtle, N-Triples), in the profile `_profile=` / `Accept-Profile` asks for."""
        build = state.build()
        site = server.site(build)
        chosen = server.profile_of(request, site)
        token = None if chosen.profile == site.profiles[0] else chosen.profile.token
        index = server.dump_index(build)
        if page == "all":
            return server.export(request, build, index, chosen.profile, token)
        number = int(page) if page.isdigit() else 0
        if not 1 <= number <= index.pages:
            return Response(f"404 Not Found: the dump has pages 1–{index.pages} (or page=all)\n",
                            status_code=404, media_type="text/plain")
        fmt = request.query_params.get("format")
        return await server.synthetic(
            request, f"dump/{number}/{fmt}/{token}", DUMP_OFFERS,
            lambda build: dumps.page_document(build.manifest.build, build.documents, index, number, fmt, token),
            profile=chosen.profile)

    app.include_router(sparql_router(state, server.site))
    app.mount("/static", StaticFiles(packages=[("bbfair.web", "static")]), name="static")

    @app.options("/{path:path}", include_in_schema=False)
    def preflight() -> Response:
        return Response(status_code=204, headers={
            **CORS, "access-control-allow-methods": "GET, HEAD, OPTIONS",
            "access-control-allow-headers": "Accept, Accept-Profile, If-None-Match, If-Modified-Since",
            "access-control-max-age": "86400"})

    @get("/{path:path}", tags=["FAIR Data Point"])
    async def resource(request: Request, path: str) -> Response:
        """Any record at its own IRI: the FDP root (`/`), catalogues, datasets, distributions, agents, contact
        points, LDP containers, vocabulary concepts. Turtle by default; JSON-LD, RDF/XML, N-Triples, HTML and
        a linkset by `Accept` or `?format=ttl|jsonld|rdf|nt|html|linkset`."""
        return await server.resource(request)

    return FastPath(app, server)


def create_app_from_env() -> FastPath:
    """For `uvicorn --factory` (several worker processes): the settings come in the environment as JSON."""
    raw = json.loads(os.environ[ENV_SETTINGS])
    settings = ServeSettings(store=Path(raw["store"]), sparql=Sparql(**raw.get("sparql", {})))
    return create_app(SiteState(settings))


def settings_env(settings: ServeSettings) -> str:
    """`settings` as the JSON `create_app_from_env` reads."""
    return json.dumps({"store": str(settings.store), "sparql": settings.sparql.model_dump()})
