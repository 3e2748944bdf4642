"""The collection finder at scale: `/search` over HTTP against the same question as SPARQL on the same store, and
what the finder's index adds to a build, in one run.

For each size it generates a catalogue (`generate.py`) and builds it twice in fresh stores (`--no-cache`): with
`[search] index = false` in bbfair.toml (the baseline: no index) and as shipped (with the index), so the
extra build time and store size are measured against a baseline made on the same machine in the same run. It
also times the index's own last step (`builder.searchindex.finish`, on a copy of the built index) and reports
the index file's size. Then it serves the indexed store (`bbfair serve`, a real uvicorn process) and asks
`/search?…&format=json` with text and three facets (material, storage temperature, sex), rotating the text, for
`--requests` requests over one keep-alive connection (median and p99), and the same questions as SPARQL
(`search.sparql.to_sparql`): on the store directly through pyoxigraph (no HTTP, no time limit: SPARQL's best
case) and through the server's `/sparql` endpoint.

Goals (issue 20, at 100k collections): p99 < 50 ms; ≥ 20× faster than the SPARQL equivalent; the index adds
< 10 % to the build time and < 25 % to the store size.

    python bench/bench_search.py [--sizes 10000 100000] [--requests 300] [--sparql 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate

from bbfair.builder.publish import store_size
from bbfair.builder.searchindex import finish
from bbfair.search.query import parse
from bbfair.search.sparql import to_sparql
from bbfair.store.searchindex import FILE

TEXTS = ("neoplasm", "syndrome", "malignant", "carcin*", "disease")
FACETS = [("material", "SERUM"), ("temperature", "temperature-60to-85"), ("sex", "FEMALE")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build(data: Path, store: Path, base: str) -> float:
    shutil.rmtree(store, ignore_errors=True)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "bbfair.cli", "build", str(data), "--store", str(store),
                           "--no-cache", "--base-iri", base], capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"build failed:\n{done.stderr[-3000:]}")
    return seconds


def live(store: Path) -> Path:
    return store / "builds" / __import__("json").loads((store / "LIVE").read_text())["build"]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run(size: int, workdir: Path, requests: int, sparql_runs: int) -> None:
    data = workdir / f"c{size}"
    if not (data / "Collections.csv").is_file():
        generate(data, size)
    plain = workdir / f"c{size}-noindex"
    if not plain.is_dir():
        shutil.copytree(data, plain)
        with (plain / "bbfair.toml").open("a", encoding="utf-8") as handle:
            handle.write("\n[search]\nindex = false\n")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    without = build(plain, workdir / f"site-{size}-noindex", base)
    size_without = store_size(workdir / f"site-{size}-noindex")
    shutil.rmtree(workdir / f"site-{size}-noindex", ignore_errors=True)
    store = workdir / f"site-{size}"
    with_index = build(data, store, base)
    size_with = store_size(store)
    index_file = live(store) / FILE
    copy = workdir / "finish-copy"
    shutil.rmtree(copy, ignore_errors=True)
    copy.mkdir()
    shutil.copyfile(index_file, copy / FILE)
    start = time.perf_counter()
    finish(copy)
    finish_seconds = time.perf_counter() - start
    shutil.rmtree(copy, ignore_errors=True)
    print(f"{size:>7} collections | build without index {without:7.1f} s, with {with_index:7.1f} s: "
          f"{(with_index / without - 1) * 100:+.1f} % (goal < 10 %); index's last step alone {finish_seconds:.2f} s")
    print(f"{size:>7} collections | store without index {size_without / 2**20:8.1f} MiB, with {size_with / 2**20:8.1f} "
          f"MiB: {(size_with / size_without - 1) * 100:+.1f} % (goal < 25 %); index file "
          f"{index_file.stat().st_size / 2**20:.1f} MiB")

    env = {**os.environ, "PYTHONPATH": os.environ.get("PYTHONPATH", str(Path(__file__).resolve().parents[1]))}
    server = subprocess.Popen([sys.executable, "-m", "bbfair.cli", "serve", "--store", str(store), "--port",
                               str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        with httpx.Client(base_url=base, timeout=120) as client:
            for _ in range(600):
                try:
                    if client.get("/health").status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.2)
            params = [[("q", text), *FACETS, ("format", "json")] for text in TEXTS]
            start = time.perf_counter()
            first = client.get("/search", params=params[0])
            load = time.perf_counter() - start
            totals = {}
            for p in params:  # warm: each text once
                totals[p[0][1]] = client.get("/search", params=p).json()["total"]
            times = []
            for i in range(requests):
                start = time.perf_counter()
                response = client.get("/search", params=params[i % len(params)])
                times.append(time.perf_counter() - start)
                assert response.status_code == 200, response.text
            median, p99 = statistics.median(times) * 1000, percentile(times, 0.99) * 1000
            print(f"{size:>7} collections | /search text + 3 facets over HTTP, {requests} requests: median "
                  f"{median:.1f} ms, p99 {p99:.1f} ms (goal p99 < 50 ms); first search of the build (loads the "
                  f"index) {load * 1000:.0f} ms, status {first.status_code}; found {totals}")
            quads = ox.Store.read_only(str(live(store) / "oxigraph"))
            direct: list[float] = []
            http: list[float] = []
            for i in range(sparql_runs):
                query = parse([p for p in params[i % len(params)] if p[0] != "format"])
                text = to_sparql(query, base)
                start = time.perf_counter()
                rows = list(quads.query(text, use_default_graph_as_union=True))
                direct.append(time.perf_counter() - start)
                assert len(rows) == totals[query.q], (query.q, len(rows), totals[query.q])
                start = time.perf_counter()
                answer = client.post("/sparql", data={"query": text},
                                     headers={"accept": "application/sparql-results+json"})
                http.append(time.perf_counter() - start)
                if answer.status_code != 200:
                    http[-1] = float("nan")
            sparql_direct = statistics.median(direct) * 1000
            http_ok = [t for t in http if t == t]
            sparql_http = statistics.median(http_ok) * 1000 if http_ok else float("nan")
            print(f"{size:>7} collections | same questions as SPARQL ({sparql_runs} runs, every answer the same "
                  f"collections): pyoxigraph direct median {sparql_direct:.0f} ms, over /sparql "
                  f"{sparql_http:.0f} ms ({len(http) - len(http_ok)} over the endpoint's time limit)")
            print(f"{size:>7} collections | ratio SPARQL direct / /search median: {sparql_direct / median:.0f}× "
                  f"(goal ≥ 20×)")
    finally:
        server.terminate()
        server.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--sparql", type=int, default=5, help="SPARQL runs (each text once, rotating)")
    parser.add_argument("--workdir", type=Path, default=None, help="keep catalogues and stores here")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bbfair-bench-search-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        for size in args.sizes:
            run(size, workdir, args.requests, args.sparql)
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
