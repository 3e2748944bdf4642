"""The SPARQL endpoint's speed: every cookbook query through HTTP against the same query run directly on
pyoxigraph in-process, and against the same data served by `rdflib-endpoint` (rdflib's SPARQL engine).

For each size the generator writes a Directory export and `bbfair build` publishes it (or a store kept in
`--workdir` from an earlier run is reused). Then, per cookbook query, the median wall time of `--repeat` runs
(after one warm-up run) of

* direct: `Store.query(…)` on the build's Oxigraph store opened read-only in this process, plus the native
  serialisation of the whole answer (SPARQL JSON for SELECT/ASK, Turtle for CONSTRUCT) — the least any
  server must do;
* http: a POST of `application/sparql-query` to `/sparql` of bbfair's endpoint (uvicorn, one process, two
  query workers), the answer read to the end over a keep-alive connection; its limits are raised so that
  no query is stopped (the default time limit is 10 s);
* rdflib-endpoint: the same POST to rdflib-endpoint serving the build's quads (an rdflib `Dataset`, union
  default graph), each query stopped after `--rdflib-timeout` seconds (the server is then restarted); its
  memory is estimated first and the run skipped, with the reason printed, when the machine cannot hold it.

Goals: http within 1.5× of direct; at least 20× faster than rdflib-endpoint.

    python bench/bench_sparql.py [--sizes 10000 100000] [--workdir DIR] [--repeat 5] [--rdflib-timeout 120]

A 100k build takes ~6 minutes and ~5 GB of disk; pass `--sizes 10000` for a quick run.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate

from bbfair.rdf.namespaces import prefixes
from bbfair.store.local import LocalStore
from bbfair.web.sparql.cookbook import Recipe, cookbook

#: bytes of memory rdflib needs per quad held in a Dataset (measured: ~1.3 kB at 10k collections), with margin
RDFLIB_BYTES_PER_QUAD = 1600

BBFAIR_SERVER = r"""
import sys
from pathlib import Path
import uvicorn
from fastapi import FastAPI
from bbfair.config import Sparql
from bbfair.web.sparql import router
from bbfair.web.state import ServeSettings, SiteState
store, port = Path(sys.argv[1]), int(sys.argv[2])
state = SiteState(ServeSettings(store=store, sparql=Sparql(timeout=3600, max_rows=10_000_000)))
app = FastAPI()
app.include_router(router(state))
uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False, workers=1)
"""

RDFLIB_SERVER = r"""
import sys, time
import uvicorn
from rdflib import Dataset
from rdflib_endpoint import SparqlEndpoint
quads, port = sys.argv[1], int(sys.argv[2])
started = time.perf_counter()
data = Dataset(default_union=True)
data.parse(quads, format="nquads")
print(f"loaded {len(data)} quads in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
app = SparqlEndpoint(graph=data, path="/sparql", cors_enabled=False)
uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False, workers=1)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Timing:
    """Median seconds of one query on one engine, or why there is none."""

    median: float | None = None
    note: str = ""
    rows: int | None = None


@dataclass
class Row:
    recipe: Recipe
    direct: Timing = field(default_factory=Timing)
    http: Timing = field(default_factory=Timing)
    rdflib: Timing = field(default_factory=Timing)


# --- the servers --------------------------------------------------------------------------------------------

class Server:
    """A server process on 127.0.0.1 answering `POST /sparql`."""

    def __init__(self, script: str, arg: str, ready_timeout: float) -> None:
        self.port = free_port()
        self.process = subprocess.Popen([sys.executable, "-c", script, arg, str(self.port)],
                                        stderr=subprocess.PIPE, text=True)
        self.conn: http.client.HTTPConnection | None = None
        deadline = time.monotonic() + ready_timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server stopped: {self.process.stderr.read()[-2000:]}")  # type: ignore[union-attr]
            try:
                self.post("ASK { }", "application/sparql-results+json", timeout=5)
                return
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise TimeoutError(f"the server did not answer within {ready_timeout:.0f} s") from None
                time.sleep(0.5)

    def post(self, query: str, accept: str, timeout: float) -> tuple[int, bytes]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        self.conn.timeout = timeout
        if self.conn.sock is not None:
            self.conn.sock.settimeout(timeout)
        try:
            self.conn.request("POST", "/sparql", body=query.encode(),
                              headers={"Content-Type": "application/sparql-query", "Accept": accept})
            response = self.conn.getresponse()
            return response.status, response.read()
        except BaseException:
            self.conn.close()
            self.conn = None
            raise

    def stop(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


# --- measuring ----------------------------------------------------------------------------------------------

def accept_for(recipe: Recipe) -> str:
    return "text/turtle" if recipe.form in ("CONSTRUCT", "DESCRIBE") else "application/sparql-results+json"


def rows_in(body: bytes, recipe: Recipe) -> int | None:
    """Rows (or triples) in an answer, to check the engines agree."""
    if recipe.form in ("CONSTRUCT", "DESCRIBE"):
        return len({q.triple for q in ox.parse(body, format=ox.RdfFormat.TURTLE)})
    data = json.loads(body)
    return 1 if "boolean" in data else len(data["results"]["bindings"])


def time_direct(store: ox.Store, recipe: Recipe, repeat: int) -> Timing:
    names = prefixes()

    def once() -> bytes:
        result = store.query(recipe.query, prefixes=names, use_default_graph_as_union=True)
        if isinstance(result, ox.QueryTriples):
            return result.serialize(format=ox.RdfFormat.TURTLE) or b""
        return result.serialize(format=ox.QueryResultsFormat.JSON) or b""

    body = once()
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        once()
        runs.append(time.perf_counter() - started)
    return Timing(statistics.median(runs), rows=rows_in(body, recipe))


def time_server(server: Server, recipe: Recipe, repeat: int, timeout: float) -> Timing:
    """Median of `repeat` runs after a warm-up; a query slower than 20 s is measured once (its first run)."""
    runs = []
    body = b""
    for attempt in range(repeat + 1):
        started = time.perf_counter()
        status, body = server.post(recipe.query, accept_for(recipe), timeout)
        elapsed = time.perf_counter() - started
        if status != 200:
            return Timing(note=f"HTTP {status}: {body[:200].decode(errors='replace')}")
        if attempt or elapsed > 20:
            runs.append(elapsed)
        if elapsed > 20:
            break
    return Timing(statistics.median(runs), rows=rows_in(body, recipe))


def time_rdflib(quads: Path, recipes: list[Recipe], rows: dict[str, Row], repeat: int, timeout: float,
                load_timeout: float) -> str:
    """Time every recipe on rdflib-endpoint; restart it after a query that passed `timeout`."""
    started = time.perf_counter()
    server = Server(RDFLIB_SERVER, str(quads), load_timeout)
    load = time.perf_counter() - started
    try:
        for recipe in recipes:
            try:
                rows[recipe.name].rdflib = time_server(server, recipe, repeat, timeout)
            except (TimeoutError, OSError):
                rows[recipe.name].rdflib = Timing(note=f">{timeout:.0f} s (stopped)")
                server.stop()
                server = Server(RDFLIB_SERVER, str(quads), load_timeout)
            print(f"  rdflib-endpoint {recipe.name}: {fmt_time(rows[recipe.name].rdflib)}", flush=True)
    finally:
        server.stop()
    return f"rdflib-endpoint took {load:.0f} s to load the quads and start"


# --- a run --------------------------------------------------------------------------------------------------

def store_for(size: int, workdir: Path) -> Path:
    data, store = workdir / f"c{size}", workdir / f"site{size}"
    if (store / "LIVE").is_file():
        print(f"{size}: reusing the store in {store}", flush=True)
        return store
    if not (data / "Collections.csv").is_file():
        generate(data, size)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "bbfair.cli", "build", str(data), "--store", str(store)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"build failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    print(f"{size}: built in {time.perf_counter() - started:.0f} s", flush=True)
    return store


def fmt_time(timing: Timing) -> str:
    return f"{timing.median * 1000:9.1f}" if timing.median is not None else f"{timing.note[:24]:>9}"


def ratio(a: Timing, b: Timing) -> str:
    if a.median is None or b.median is None or b.median == 0:
        return "     –"
    return f"{a.median / b.median:6.2f}"


def speedup(row: Row, timeout: float) -> tuple[str, float | None]:
    """rdflib-endpoint's time over bbfair's: measured, or a lower bound (≥) when rdflib was stopped."""
    if row.http.median is None or row.http.median == 0:
        return "     –", None
    if row.rdflib.median is not None:
        value = row.rdflib.median / row.http.median
        return f"{value:6.1f}", value
    if row.rdflib.note.startswith(">"):
        value = timeout / row.http.median
        return f"≥{value:5.0f}", value
    return "     –", None


def report(size: int, rows: dict[str, Row], rdflib_note: str, timeout: float) -> None:
    print(f"\n{size} collections — median ms per query (http/direct: bbfair's overhead; rdflib/http: speed-up)")
    print(f"{'query':42} {'direct':>9} {'http':>9} {'http/dir':>8} {'rdflib-ep':>9} {'rdf/http':>8}  rows")
    ratios, speedups, bounds = [], [], 0
    for row in rows.values():
        shown, value = speedup(row, timeout)
        print(f"{row.recipe.name:42} {fmt_time(row.direct)} {fmt_time(row.http)} {ratio(row.http, row.direct):>8} "
              f"{fmt_time(row.rdflib)} {shown:>8}  {row.http.rows}"
              + ("" if row.rdflib.rows in (None, row.http.rows) else f" (rdflib: {row.rdflib.rows})"))
        if row.http.median is not None and row.direct.median:
            ratios.append(row.http.median / row.direct.median)
        if value is not None:
            speedups.append(value)
            bounds += row.rdflib.median is None
    total_direct = sum(r.direct.median or 0 for r in rows.values())
    total_http = sum(r.http.median or 0 for r in rows.values())
    if ratios:
        print(f"http/direct: median {statistics.median(ratios):.2f}×, sum of medians {total_http / total_direct:.2f}×; "
              f"{sum(r <= 1.5 for r in ratios)}/{len(ratios)} queries within the 1.5× goal")
    if speedups:
        print(f"rdflib-endpoint/http: median {statistics.median(speedups):.1f}×; {sum(s >= 20 for s in speedups)}/"
              f"{len(speedups)} queries reach the 20× goal ({bounds} of them lower bounds: rdflib-endpoint was "
              f"stopped after {timeout:.0f} s)")
    print(rdflib_note, flush=True)


def run(size: int, workdir: Path, repeat: int, rdflib_timeout: float, rdflib: bool) -> None:
    store_dir = store_for(size, workdir)
    build = LocalStore.open(store_dir).live_path()
    assert build is not None
    store = ox.Store.read_only(str(build / "oxigraph"))
    recipes = list(cookbook(prefixes()))
    rows = {r.name: Row(r) for r in recipes}
    for recipe in recipes:
        rows[recipe.name].direct = time_direct(store, recipe, repeat)
    server = Server(BBFAIR_SERVER, str(store_dir), 120)
    try:
        for recipe in recipes:
            rows[recipe.name].http = time_server(server, recipe, repeat, 3600)
            print(f"  {recipe.name}: direct {fmt_time(rows[recipe.name].direct)} ms, "
                  f"http {fmt_time(rows[recipe.name].http)} ms", flush=True)
    finally:
        server.stop()
    note = "rdflib-endpoint: not run (--no-rdflib)"
    if rdflib:
        quads = len(store)
        need = quads * RDFLIB_BYTES_PER_QUAD
        free = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        if need > free * 0.6:
            note = (f"rdflib-endpoint: skipped — holding {quads:,} quads in an rdflib Dataset needs about "
                    f"{need / 2**30:.1f} GiB, and this machine has {free / 2**30:.1f} GiB free")
        else:
            path = workdir / f"site{size}.nq"
            if not path.is_file():
                store.dump(str(path), format=ox.RdfFormat.N_QUADS)
            note = time_rdflib(path, recipes, rows, repeat, rdflib_timeout, load_timeout=3600)
            note += f" ({quads:,} quads)"
    report(size, rows, note, rdflib_timeout)


@contextlib.contextmanager
def workspace(path: Path | None) -> Iterator[Path]:
    if path is not None:
        path.mkdir(parents=True, exist_ok=True)
        yield path
        return
    with tempfile.TemporaryDirectory() as tmp:
        yield Path(tmp)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--workdir", type=Path, default=None, help="keep (and reuse) the data and stores here")
    parser.add_argument("--repeat", type=int, default=5, help="measured runs per query (after one warm-up)")
    parser.add_argument("--rdflib-timeout", type=float, default=120.0, help="seconds per rdflib-endpoint query")
    parser.add_argument("--no-rdflib", action="store_true", help="skip rdflib-endpoint")
    args = parser.parse_args()
    print(f"{platform.python_implementation()} {platform.python_version()}, pyoxigraph {ox.__version__}, "
          f"{os.cpu_count()} CPUs", flush=True)
    with workspace(args.workdir) as work:
        for size in args.sizes:
            run(size, work, args.repeat, args.rdflib_timeout, not args.no_rdflib)


if __name__ == "__main__":
    main()
