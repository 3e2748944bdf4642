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
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from .. import __version__
from ..config import Limits, Sparql
from ..errors import StoreError
from . import dump as dumps
from . import spec as specs
from .feed import router as feed_router
from .limits import Bounds
from .memento import router as memento_router
from .metrics import Metrics
from .ops import Operated, add_routes
from .render import CORS
from .server import DUMP_OFFERS, RDF_OFFERS, Server, not_modified
from .sparql import router as sparql_router
from .state import ServeSettings, SiteState

ENV_SETTINGS = "BBFAIR_SERVE"
#: paths the FastAPI application owns (everything else is a resource IRI)
RESERVED = ("/health", "/ready", "/metrics", "/spec", "/profile/", "/shapes/", "/dump", "/sparql", "/static/",
            "/docs", "/redoc", "/openapi.json", "/feed", "/timemap/", "/memento/")


class FastPath:
    """The ASGI application uvicorn runs: GET/HEAD of a cached resource is answered here, without FastAPI's
    routing, dependency solving and middleware (which cost more than the whole cached answer); everything
    else goes to the FastAPI application."""

    def __init__(self, app: FastAPI, server: Server) -> None:
        self.app = app
        self.server = server
        self.bounds = Bounds(server.state.settings.limits)

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            receive = await self.bounds.admit(scope, receive, send)  # the request's limits, before any work
            if receive is None:
                return
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


def create_app(state: SiteState) -> Operated:
    """The application serving `state`'s store (`.app` is the FastAPI application, `.server` the handler)."""
    server = Server(state)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        state.start()
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
            if state.replica is not None and state.live.loaded is None:  # alive, waiting for its first build
                return JSONResponse({"status": "starting", "build": None, "waiting_for": str(exc),
                                     "bbfair": __version__}, headers=CORS)
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

    sparql_api = sparql_router(state, server.site)
    app.state.sparql = sparql_api.endpoint  # type: ignore[attr-defined]  # its pool, for tests and health
    app.include_router(sparql_api)
    app.include_router(memento_router(server))  # docs/history.md
    app.include_router(feed_router(server))
    pool = sparql_api.endpoint.pool  # type: ignore[attr-defined]
    metrics = Metrics(state, lambda: (pool.load(), pool.size, pool.refused, pool.killed, pool.dispatched))
    add_routes(app, state, metrics)
    app.mount("/static", StaticFiles(packages=[("bbfair.web", "static")]), name="static")

    @app.options("/{path:path}", include_in_schema=False)
    def preflight() -> Response:
        return Response(status_code=204, headers={
            **CORS, "access-control-allow-methods": "GET, HEAD, OPTIONS",
            "access-control-allow-headers": "Accept, Accept-Profile, Accept-Datetime, If-None-Match, "
                                            "If-Modified-Since",
            "access-control-max-age": "86400"})

    @get("/{path:path}", tags=["FAIR Data Point"])
    async def resource(request: Request, path: str) -> Response:
        """Any record at its own IRI: the FDP root (`/`), catalogues, datasets, distributions, agents, contact
        points, LDP containers, vocabulary concepts. Turtle by default; JSON-LD, RDF/XML, N-Triples, HTML and
        a linkset by `Accept` or `?format=ttl|jsonld|rdf|nt|html|linkset`."""
        return await server.resource(request)

    return Operated(FastPath(app, server), state, metrics, RESERVED)


def create_app_from_env() -> Operated:
    """For `uvicorn --factory` (several worker processes): the settings come in the environment as JSON."""
    raw = json.loads(os.environ[ENV_SETTINGS])
    artifacts = raw.get("artifacts")
    settings = ServeSettings(store=Path(raw["store"]), sparql=Sparql(**raw.get("sparql", {})),
                             limits=Limits(**raw.get("limits", {})), artifacts=Path(artifacts) if artifacts else None,
                             poll=raw.get("poll", 5.0), log_json=raw.get("log_json", False))
    return create_app(SiteState(settings))


def settings_env(settings: ServeSettings) -> str:
    """`settings` as the JSON `create_app_from_env` reads."""
    return json.dumps({"store": str(settings.store), "sparql": settings.sparql.model_dump(),
                       "limits": settings.limits.model_dump(),
                       "artifacts": str(settings.artifacts) if settings.artifacts else None,
                       "poll": settings.poll, "log_json": settings.log_json})
