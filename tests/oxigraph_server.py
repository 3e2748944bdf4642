"""A real Oxigraph server for end-to-end tests: the `oxigraph` binary from PyPI (`pip install oxigraph`),
`oxigraph serve --union-default-graph` on 127.0.0.1 at a free port with its database in a given directory,
stopped afterwards."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from webserver import free_port


def binary() -> str | None:
    """The `oxigraph` server binary (on PATH or beside this Python), or None."""
    found = shutil.which("oxigraph")
    if found:
        return found
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.is_file() else None


@contextmanager
def oxigraph_server(location: Path, union: bool = True) -> Iterator[str]:
    """Serve a new Oxigraph database in `location`; yield its URL (no trailing slash)."""
    found = binary()
    if found is None:
        raise RuntimeError("the `oxigraph` server binary is not installed (pip install oxigraph)")
    url = f"http://127.0.0.1:{free_port()}"
    args = [found, "serve", "--location", str(location), "--bind", url.removeprefix("http://")]
    log = (location / "server.log").open("wb")
    proc = subprocess.Popen(args + (["--union-default-graph"] if union else []), stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 20
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"oxigraph serve exited with {proc.returncode}: "
                                   f"{(location / 'server.log').read_text()}")
            try:
                httpx.get(f"{url}/query", params={"query": "ASK {}"}, timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise RuntimeError("oxigraph serve did not answer within 20 s") from None
                time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
