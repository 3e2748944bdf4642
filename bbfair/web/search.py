"""`GET /search`: the collection finder, as an HTML page for people (server-rendered, no script needed) and as
JSON for programs (`Accept: application/json` or `?format=json`), over the live build's finder index
(`store.finder`). A search that cannot run is a 400 naming the parameter and what it takes."""

from __future__ import annotations

import threading
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from ..errors import StoreError
from ..search import query as queries
from ..search.facets import FACETS, RANGES
from ..store.finder import Finder
from ..store.local import Build
from ..store.searchindex import FILE
from .conneg import Offer, choose
from .model import SiteInfo
from .render import CORS
from .searchview import SearchAnswer, SearchError, as_json, page_context
from .state import SiteState

OFFERS = (Offer("html", "text/html", ("application/xhtml+xml",)), Offer("json", "application/json"))


class Finders:
    """The finder of the live build, loaded once per build (the switched-out build's is let go)."""

    def __init__(self) -> None:
        self._loaded: tuple[str, Finder | None] | None = None
        self._lock = threading.Lock()

    def get(self, build: Build) -> Finder | None:
        """The loaded index of `build` (None when the build has none: made by a bbfair without the finder)."""
        loaded = self._loaded
        if loaded is not None and loaded[0] == build.id:
            return loaded[1]
        with self._lock:
            if self._loaded is None or self._loaded[0] != build.id:
                path = build.path / FILE
                self._loaded = (build.id, Finder(path) if path.is_file() else None)
            return self._loaded[1]


def _describe() -> dict[str, Any]:
    """The OpenAPI parameters of `/search` (the handler reads them itself, repeated ones included)."""
    params: dict[str, Any] = {
        "q": Query(None, description='words (all must match), "phrases", prefix* and OR between two of those'),
        "sort": Query(None, description=f"one of {', '.join(queries.SORTS)} (relevance needs q; default: "
                                        "relevance with q, else title)"),
        "page": Query(None, description="page number, from 1"),
        "size": Query(None, description=f"results per page, {queries.SIZES[0]}–{queries.SIZES[1]} "
                                        f"(default {queries.DEFAULT_SIZE})"),
        "format": Query(None, description="json or html, instead of the Accept header"),
    }
    for facet in FACETS:
        params[facet.name] = Query(None, description=f"{facet.label}: {facet.value_hint}; repeat for any of "
                                                     "several (OR); facets combine with AND")
    for name, (label, _p) in RANGES.items():
        params[name] = Query(None, description=label)
    return params


def router(state: SiteState, site: Any, finders: Finders) -> APIRouter:
    """The `/search` route over `state`; `site(build)` gives the page's `SiteInfo`."""
    api = APIRouter(tags=["Find samples"])

    def answer(request: Request) -> Response:
        try:
            build = state.build()
        except StoreError as exc:
            return Response(f"503 Service Unavailable: {exc}\n", status_code=503, media_type="text/plain")
        info: SiteInfo = site(build)
        fmt = request.query_params.get("format")
        offer = next((o for o in OFFERS if o.key == fmt), None) if fmt else \
            choose(request.headers.get("accept"), OFFERS)
        if offer is None:
            return Response("406 Not Acceptable: /search answers text/html and application/json (or "
                            "?format=html|json)\n", status_code=406, media_type="text/plain",
                            headers={"vary": "Accept", **CORS})
        finder = finders.get(build)
        if finder is None:
            return Response("503 Service Unavailable: the live build has no search index; rebuild it with this "
                            "bbfair (`bbfair build DATA --store STORE --force`)\n", status_code=503,
                            media_type="text/plain")
        search_url, sparql_url, base = info.search_url, info.sparql_url, info.base_iri
        try:
            query = queries.parse(request.query_params.multi_items(), ignore=("format",))
            found = finder.search(query)
        except queries.QueryError as exc:
            return _error(state, info, offer, exc, request)
        headers = {"vary": "Accept", "x-bbfair-build": build.id, **CORS}
        if offer.key == "json":
            return JSONResponse(as_json(found, finder, search_url, sparql_url, base), headers=headers)
        html = state.templates.get_template("search.html").render(
            site=info, **page_context(found, finder, search_url, sparql_url, base))
        return Response(html, media_type="text/html; charset=utf-8", headers=headers)

    async def search(request: Request, **_params: Any) -> Response:
        """Find sample collections by text and facets: HTML for browsers, JSON (`Accept: application/json`)
        with the results, every facet's counts (disjunctive: a facet's counts apply every other filter but its
        own) and a link to the same search as SPARQL."""
        response = await run_in_threadpool(answer, request)
        if request.method == "HEAD":
            return Response(b"", status_code=response.status_code, headers=dict(response.headers))
        return response

    search.__signature__ = _signature(_describe())  # type: ignore[attr-defined]
    responses = {200: {"model": SearchAnswer, "content": {"text/html": {}}},
                 400: {"model": SearchError, "description": "a parameter the finder cannot take"}}
    api.head("/search", include_in_schema=False)(search)
    api.get("/search", responses=responses, response_model=None)(search)
    return api


def _signature(params: dict[str, Any]) -> Any:
    import inspect

    request = inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request)
    rest = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=str | None)
            for name, default in params.items()]
    return inspect.Signature([request, *rest])


def _error(state: SiteState, info: SiteInfo, offer: Offer, exc: queries.QueryError, request: Request) -> Response:
    """A 400 for a search that cannot run: JSON (`SearchError`) or the page with the message."""
    headers = {"vary": "Accept", **CORS}
    if offer.key == "json":
        return JSONResponse(exc.as_dict(), status_code=400, headers=headers)
    html = state.templates.get_template("search.html").render(site=info, error=exc, asked=str(request.url))
    return Response(html, status_code=400, media_type="text/html; charset=utf-8", headers=headers)
