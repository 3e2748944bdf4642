"""A real bbfair server for end-to-end tests: the sample catalogue built into a temporary store with the
base IRI `http://127.0.0.1:<free port>` (so every IRI is the URL it is served at), served by uvicorn on that
port in a background thread, and stopped afterwards."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn

from bbfair.builder.publish import build
from bbfair.config import Limits, Sparql
from bbfair.web.app import create_app
from bbfair.web.limits import http_protocol
from bbfair.web.state import ServeSettings, SiteState


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    url: str  # no trailing slash; also the base IRI
    store: Path
    data_dir: Path
    #: the application served (its `.app.state.sparql` is the SPARQL endpoint, with its worker pool)
    app: object | None = None

    @property
    def endpoint(self):
        return self.app.app.state.sparql  # type: ignore[union-attr]

    def get(self, path: str, **kwargs: object) -> httpx.Response:
        return httpx.get(self.url + path, timeout=30, **kwargs)  # type: ignore[arg-type]


@contextmanager
def serving(store: Path, port: int, sparql: Sparql | None = None, limits: Limits | None = None,
            apps: list | None = None) -> Iterator[str]:
    """Serve the live build of `store` on 127.0.0.1:`port` until the block ends (with the connection guard
    `bbfair serve` uses)."""
    settings = ServeSettings(store=store, sparql=sparql or Sparql(), limits=limits or Limits())
    app = create_app(SiteState(settings))
    if apps is not None:
        apps.append(app)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False,
                            loop="asyncio", lifespan="on", http=http_protocol(settings.limits))
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def sample_server(data_dir: Path, work: Path, sparql: Sparql | None = None) -> Iterator[LiveServer]:
    """Build `data_dir` for a free port and serve it there."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    store = work / "store"
    result = build(data_dir, store, base_iri=base, workers=1)
    assert result.status == "published", result.report
    apps: list = []
    with serving(store, port, sparql, apps=apps) as url:
        yield LiveServer(url, store, data_dir, apps[0])
