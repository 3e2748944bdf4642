"""What a platform team needs around every request: the build id in an `X-bbfair-Build` response header,
Prometheus metrics (`web.metrics`), one JSON log line per request when asked (`--log-json`), and the `/ready` and
`/metrics` endpoints beside `/health`.

`Operated` is the outermost ASGI application: it wraps `app.FastPath` so cached answers, which never reach
FastAPI, are counted and labelled too; it costs a few microseconds a request.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response

from ..errors import StoreError
from .logs import ACCESS
from .metrics import MEDIA_TYPE, Metrics
from .state import SiteState

#: the route template of a resource at its own IRI (FastAPI's catch-all route, and what `FastPath` answers)
RESOURCE_ROUTE = "/{path:path}"
_BUILD_HEADER = b"x-bbfair-build"


def route_of(scope: dict, reserved: tuple[str, ...]) -> str:
    """The route template a request matched (a bounded set: a metrics label, never the raw path)."""
    route = getattr(scope.get("route"), "path", None)
    if route:
        return str(route)
    path = scope.get("path", "")
    if path.startswith("/static/"):
        return "/static"
    return "unmatched" if path.startswith(reserved) else RESOURCE_ROUTE


class Operated:
    """The ASGI application uvicorn runs: `inner` (`FastPath`) with the build header, metrics and access log."""

    def __init__(self, inner: Any, state: SiteState, metrics: Metrics, reserved: tuple[str, ...]) -> None:
        self.inner = inner
        self.state = state
        self.metrics = metrics
        self.reserved = reserved
        self.access = logging.getLogger(ACCESS) if state.settings.log_json else None

    @property
    def app(self) -> FastAPI:
        return self.inner.app

    @property
    def server(self) -> Any:
        return self.inner.server

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.inner(scope, receive, send)
            return
        started = time.perf_counter()
        status, sent = 500, 0

        async def sending(message: dict) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
                build = self.state.live.loaded
                headers = message.get("headers") or []
                if build is not None and not any(name == _BUILD_HEADER for name, _ in headers):
                    message = {**message, "headers": [*headers, (_BUILD_HEADER, build.id.encode())]}
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        self.metrics.in_flight.inc()
        try:
            await self.inner(scope, receive, sending)
        finally:
            self.metrics.in_flight.dec()
            elapsed = time.perf_counter() - started
            route = route_of(scope, self.reserved)
            self.metrics.observe(scope["method"], route, status, elapsed)
            if self.access is not None:
                self._log(scope, route, status, sent, elapsed)

    def _log(self, scope: dict, route: str, status: int, sent: int, elapsed: float) -> None:
        headers = dict(scope.get("headers") or [])
        build = self.state.live.loaded
        client = scope.get("client")
        fields = {"method": scope["method"], "path": scope.get("path", ""),
                  "query": scope.get("query_string", b"").decode("latin-1"), "route": route, "status": status,
                  "bytes": sent, "duration_ms": round(elapsed * 1000, 3), "build": build.id if build else None,
                  "client": client[0] if client else None,
                  "user_agent": headers.get(b"user-agent", b"").decode("latin-1"),
                  "accept": headers.get(b"accept", b"").decode("latin-1")}
        self.access.info("request", extra={"fields": fields})  # type: ignore[union-attr]


def add_routes(app: FastAPI, state: SiteState, metrics: Metrics) -> None:
    """`/ready` and `/metrics` (beside the application's `/health`)."""

    @app.get("/ready", tags=["service"])
    @app.head("/ready", include_in_schema=False)
    def ready() -> JSONResponse:
        """Readiness: 200 once a build is loaded and served, 503 before (a replica fetching its first build, a
        store with no build yet). Liveness is `/health`."""
        try:
            build = state.build()
        except StoreError as exc:
            return JSONResponse({"status": "not ready", "reason": str(exc)}, status_code=503,
                                headers={"cache-control": "no-store"})
        return JSONResponse({"status": "ready", "build": build.id}, headers={"cache-control": "no-store"})

    @app.get("/metrics", tags=["service"], include_in_schema=False)
    def prometheus() -> Response:
        """Prometheus metrics (text exposition format)."""
        return Response(metrics.render(), media_type=MEDIA_TYPE, headers={"cache-control": "no-store"})
