"""The `/sparql` routes: the SPARQL 1.1 Protocol endpoint, its service description, the query page and the
cookbook. Everything a query costs happens in a worker process (`pool.py`); the event loop only parses the
request, checks a short query (`safety.py`; a long one is checked by the worker), negotiates the format
(`formats.py`), admits the query (`admission.py`: per client, long queries) and waits on a pipe."""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.routing import NoMatchFound

from ... import __version__
from ...errors import StoreError
from ...profiles import Profile
from ...store.local import Build
from ..byprofile import choose_profile, content_profile, offered
from ..model import SiteInfo
from ..state import SiteState
from . import htmlview
from .admission import Admission, TooMany
from .cookbook import Recipe, cookbook
from .description import description
from .formats import NotAcceptable, description_offer, negotiate, understood
from .pool import PoolBusy, QueryTimeout, TooSlow, WorkerLost, WorkerPool
from .protocol import ProtocolError, QueryRequest, parse
from .safety import Refused, check
from .upstream_pool import UpstreamPool
from .worker import Job, Reply

log = logging.getLogger(__name__)
#: queries up to this many characters are checked (`safety.check`) on the event loop, so a refused one never
#: takes a worker; the tokenizer reads ~2 µs a token, so longer ones are checked by the worker instead
CHECK_ON_LOOP = 4096
#: seconds the workers may take to start and answer their first (warm-up) query
STARTUP = 60.0

YASGUI = "yasgui-4.6.2"
CORS = {"access-control-allow-origin": "*",
        "access-control-expose-headers": "Content-Type, Content-Profile, Vary, Warning, X-bbfair-Build, X-bbfair-Rows, "
                                         "X-bbfair-Truncated"}
RDF_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD, "rdf": ox.RdfFormat.RDF_XML,
               "nt": ox.RdfFormat.N_TRIPLES}
SiteFor = Callable[[Build], SiteInfo]


def _prefixes() -> dict[str, str]:
    from ...rdf.namespaces import prefixes

    return prefixes()


def _default_site(build: Build) -> SiteInfo:
    base = build.manifest.build.base_iri
    return SiteInfo(base_iri=base, title=base, formats=(), root_iri=f"{base}/", sparql_url=f"{base}/sparql",
                    build_id=build.id, bbfair_version=__version__)


class Endpoint:
    """The endpoint over one `SiteState`: kept apart from the FastAPI wiring so tests can reach its pool."""

    def __init__(self, state: SiteState, site: SiteFor | None = None) -> None:
        self.state = state
        self.limits = state.settings.sparql
        self.pool: WorkerPool | UpstreamPool = WorkerPool(self.limits.max_running) if self.limits.upstream is None \
            else UpstreamPool(self.limits.upstream, self.limits.upstream_server, self.limits.max_running)
        self.admission = Admission(self.limits.per_client, self.limits.slow_cap)
        self.site = site or _default_site

    # --- life cycle ---------------------------------------------------------------------------------------------

    async def start(self) -> None:
        """Start the workers and let each open the live build, so the first queries do not pay for it."""
        self.pool.warmup = self._warmup
        await asyncio.to_thread(self.pool.start)
        job = self._warmup()
        if job is None or isinstance(self.pool, UpstreamPool):  # the upstream server is asked at the first query
            return
        startup = max(self.limits.timeout, STARTUP)  # fresh interpreters import and open the store: not a query
        await asyncio.gather(*(self.pool.run(job, startup, startup) for _ in range(self.pool.size)),
                             return_exceptions=True)

    def _warmup(self) -> Job | None:
        """A query that opens the live build (and loads what a query needs) in a new worker."""
        try:
            build = self.state.build()
        except StoreError:
            return None
        return Job(build.id, str(build.path), "ASK {}", "json", None, 1, self.limits.timeout)

    async def stop(self) -> None:
        await asyncio.to_thread(self.pool.close)

    def recipes(self) -> tuple[Recipe, ...]:
        return cookbook(_prefixes())

    # --- responses ----------------------------------------------------------------------------------------------

    @staticmethod
    def _plain(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
        reason = {400: "Bad Request", 404: "Not Found", 406: "Not Acceptable", 413: "Content Too Large",
                  415: "Unsupported Media Type", 429: "Too Many Requests", 500: "Internal Server Error",
                  502: "Bad Gateway", 503: "Service Unavailable"}
        return Response(f"{status} {reason.get(status, '')}: {message}\n", status_code=status,
                        media_type="text/plain", headers={**CORS, "vary": "Accept", **(headers or {})})

    def _page(self, request: Request, build: Build | None, status: int = 200, **context: Any) -> Response:
        static = _static_url(request)
        if build is not None:
            site = self.site(build)
        else:  # no build yet: the page still explains the endpoint
            base = str(request.base_url).rstrip("/")
            site = SiteInfo(base_iri=base, title="bbfair", formats=(), root_iri=f"{base}/", sparql_url=f"{base}/sparql",
                            bbfair_version=__version__)
        html = self.state.templates.get_template("sparql.html").render(
            site=site, endpoint=request.url.path, yasgui=f"{static}/{YASGUI}", static=static,
            version=__version__, recipes=[r.as_dict() for r in self.recipes()], limits=self.limits,
            **{"query": "", "selected": None, "results": None, "error": None, **context})
        return Response(html, status_code=status, media_type="text/html",
                        headers={"vary": "Accept", "cache-control": "no-cache"})

    def _error(self, request: Request, wants_html: bool, build: Build | None, status: int, message: str,
               query: str | None = None, headers: dict[str, str] | None = None) -> Response:
        if wants_html:
            return self._page(request, build, status, query=query or "", error=message)
        return self._plain(status, message, headers)

    @staticmethod
    def _head(request: Request, response: Response) -> Response:
        if request.method != "HEAD":
            return response
        headers = dict(response.headers)
        headers["content-length"] = str(len(response.body))
        return Response(b"", status_code=response.status_code, headers=headers)

    # --- the endpoint -------------------------------------------------------------------------------------------

    async def handle(self, request: Request) -> Response:
        return self._head(request, await self._handle(request))

    async def _handle(self, request: Request) -> Response:
        accept = request.headers.get("accept")
        browser = description_offer(accept, None)
        browser_wants_html = browser is not None and browser.key == "html"
        try:
            asked = await parse(request, self.limits.max_query_bytes)
        except ProtocolError as exc:
            return self._error(request, browser_wants_html, self._build_or_none(), exc.status, str(exc))
        if asked.query is None:
            return self._no_query(request, asked, accept)
        wants_html = any(understood(f)[2] for f in asked.formats[:1]) or (not asked.formats and browser_wants_html)
        limits = self.limits
        on_loop = len(asked.query) <= CHECK_ON_LOOP  # a longer one is checked by the worker, off the event loop
        try:
            form = check(asked.query, limits.service_allow, _prefixes(), limits.max_depth).form if on_loop else ""
            choice = negotiate(accept, asked.formats, form)
        except Refused as exc:
            return self._error(request, wants_html, self._build_or_none(), 400, str(exc), asked.query)
        except NotAcceptable as exc:
            return self._plain(406, str(exc))
        try:
            build = self.state.build()
        except StoreError as exc:
            return self._error(request, wants_html, None, 503, str(exc), asked.query)
        profile = choose_profile(request.headers.get("accept-profile"), asked.profile,
                                 offered(build.manifest.build)).profile
        store = str(build.quads_path(profile.token).relative_to(build.path))
        job = Job(build.id, str(build.path), asked.query, choice.table, choice.graph, limits.max_rows,
                  limits.timeout, asked.default_graph, asked.named_graphs, store, tuple(limits.service_allow),
                  limits.max_depth, limits.max_result_bytes, bool(asked.default_graph or asked.named_graphs),
                  check=not on_loop)
        started = time.perf_counter()
        client = request.client.host if request.client else "unknown"
        try:
            with self.admission.enter(client) as ticket:
                reply = await self.pool.run(job, limits.timeout, limits.queue_wait, limits.slow_after,
                                            ticket.may_go_slow)
        except TooMany:
            return self._error(request, choice.html, build, 429, (
                f"this endpoint answers at most {limits.per_client} queries of one client at a time, running or "
                "waiting; send the next one when one has been answered"), asked.query, self._retry(1))
        except QueryTimeout:
            return self._error(request, choice.html, build, 503, (
                f"the query ran longer than {limits.timeout:g} s, this endpoint's time limit, and was "
                "stopped. Narrow it (more specific patterns, a LIMIT, fewer OPTIONALs), or download the catalogue "
                "(/dump) and query it on your own machine"), asked.query)
        except TooSlow:
            return self._error(request, choice.html, build, 503, (
                f"the query was still running after {limits.slow_after:g} s while this endpoint already ran as "
                f"many long queries as it allows ({limits.slow_cap} at once, one per client), and was stopped so "
                "that quick questions keep being answered. Try again later, or narrow it"), asked.query,
                self._retry(limits.timeout))
        except PoolBusy:
            return self._error(request, choice.html, build, 503, (
                f"all {self.pool.size} query workers stayed busy for {limits.queue_wait:g} s; try again in a "
                "moment"), asked.query, self._retry(limits.queue_wait))
        except WorkerLost as exc:
            log.warning("a SPARQL worker died during a query: %s", exc)
            return self._error(request, choice.html, build, 500, "the query engine stopped while answering "
                               "(out of memory?); it was restarted", asked.query)
        elapsed = (time.perf_counter() - started) * 1000
        if reply.status != 200:
            if reply.status == 406:
                asked_for = "the format asked for (format=, output= or results=)" if asked.formats else \
                    "the media types the Accept header lists"
                return self._plain(406, str(NotAcceptable(reply.kind, asked_for)))
            return self._error(request, choice.html, build, reply.status, reply.message, asked.query)
        if choice.html:
            return self._page(request, build, query=asked.query, results=_results(reply, self.limits.max_rows,
                                                                                  elapsed))
        return Response(reply.body, media_type=reply.media_type,
                        headers=self._result_headers(reply, build, profile))

    @staticmethod
    def _retry(seconds: float) -> dict[str, str]:
        return {"retry-after": str(max(1, math.ceil(seconds)))}

    def _result_headers(self, reply: Reply, build: Build, profile: Profile) -> dict[str, str]:
        headers = {**CORS, "vary": "Accept, Accept-Profile", "x-bbfair-build": build.id,
                   "content-profile": content_profile(profile)}
        if reply.rows is not None:
            headers["x-bbfair-rows"] = str(reply.rows)
        if reply.truncated:
            headers["x-bbfair-truncated"] = f"true; max-rows={self.limits.max_rows}"
            headers["warning"] = (f'199 bbfair "result truncated to the first {self.limits.max_rows} '
                                  f'{"triples" if reply.kind == "graph" else "rows"} (this endpoint\'s limit)"')
        return headers

    def _build_or_none(self) -> Build | None:
        try:
            return self.state.build()
        except StoreError:
            return None

    def _no_query(self, request: Request, asked: QueryRequest, accept: str | None) -> Response:
        """GET /sparql without a query: the page for a browser, the service description for a machine."""
        offer = description_offer(accept, asked.formats)
        if offer is None:
            return self._plain(406, "the service description is offered as text/turtle, application/ld+json, "
                                    "application/rdf+xml and application/n-triples (and this page as text/html)")
        build = self._build_or_none()
        if offer.key == "html":
            recipe = next((r for r in self.recipes() if r.name == asked.cookbook), None)
            if asked.cookbook and recipe is None:
                return self._page(request, build, 404, error=f"no saved query named {asked.cookbook!r}")
            return self._page(request, build, query=recipe.query if recipe else "",
                              selected=recipe.name if recipe else None)
        triples = build.manifest.build.triples if build is not None else 0
        url = self.site(build).sparql_url if build is not None else str(request.url.replace(query=""))
        body = description(url, self.limits, triples, RDF_FORMATS[offer.key])
        return Response(body, media_type=offer.media_type, headers={**CORS, "vary": "Accept"})


def _results(reply: Reply, max_rows: int, elapsed: float) -> htmlview.Results:
    if reply.kind == "graph":
        found = htmlview.graph(reply.body, reply.rows or 0, max_rows, reply.truncated)
    else:
        found = htmlview.table(reply.body, max_rows, reply.truncated)
    found.milliseconds = elapsed
    return found


def _static_url(request: Request) -> str:
    """Where `bbfair/web/static/` is served (`/static`, below the app's root path)."""
    try:
        return request.url_for("static", path="").path.rstrip("/")
    except NoMatchFound:  # no mount named "static" (a bare router): where the app mounts it
        return request.scope.get("root_path", "") + "/static"


def router(state: SiteState, site: SiteFor | None = None) -> APIRouter:
    """The `/sparql` routes over `state`. `site` gives the page's `SiteInfo` for a build (the app's, so the
    page shares the site's title and links); without it one is made from the build's base IRI. The workers
    start with the app (the router's lifespan) or at the first query, and stop with the app."""
    endpoint = Endpoint(state, site)

    @asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        await endpoint.start()
        try:
            yield
        finally:
            await endpoint.stop()

    api = APIRouter(lifespan=lifespan, tags=["SPARQL"])
    api.endpoint = endpoint  # type: ignore[attr-defined]  # for tests and the app

    def route(path: str, *methods: str) -> Callable[[Any], Any]:
        """`path` for GET (and the other `methods`), and HEAD outside the OpenAPI document (one operation each)."""
        def register(handler: Any) -> Any:
            api.head(path, include_in_schema=False)(handler)
            for method in methods:
                api.api_route(path, methods=[method])(handler)
            return api.get(path)(handler)
        return register

    @route("/sparql", "POST")
    async def sparql(request: Request) -> Response:
        """SPARQL 1.1 Protocol query operation (read-only): `?query=`, a form with `query=`, or a POST of
        `application/sparql-query`. Without a query: the service description (Turtle, JSON-LD, RDF/XML,
        N-Triples) or, for a browser, the query page."""
        return await endpoint.handle(request)

    @api.options("/sparql", include_in_schema=False)
    def preflight() -> Response:
        return Response(status_code=204, headers={
            **CORS, "access-control-allow-methods": "GET, HEAD, POST, OPTIONS",
            "access-control-allow-headers": "Accept, Accept-Profile, Content-Type",
            "access-control-max-age": "86400"})

    @route("/sparql/cookbook")
    def recipes(request: Request) -> Response:
        """The saved queries: name, title, description, form, query text and where to fetch it as a file."""
        base = str(request.url).split("?", 1)[0].rstrip("/")
        listed = [{**r.as_dict(), "url": f"{base}/{r.name}.rq"} for r in endpoint.recipes()]
        return endpoint._head(request, JSONResponse(listed, headers=CORS))

    @route("/sparql/cookbook/{name}.rq")
    def recipe(request: Request, name: str) -> Response:
        """One saved query as a `.rq` file."""
        found = next((r for r in endpoint.recipes() if r.name == name), None)
        if found is None:
            return endpoint._plain(404, f"no saved query named {name!r}; see /sparql/cookbook")
        return endpoint._head(request, Response(found.query, media_type="application/sparql-query",
                                                headers=CORS))

    return api
