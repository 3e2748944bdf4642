"""A fair endpoint under load: pages and cheap SPARQL queries from `--concurrency` clients, first alone (the
baseline), then for `--seconds` with two clients sending a runaway query (a three-way cross join that cannot
finish in the time limit) again and again; and the server's memory before and after that soak.

The sample catalogue (`data/`) is built and served by `bbfair serve --store` in its own process (uvloop,
httptools, the request guard, 4 query workers). The load generator (`loadgen.py`) gives every client its own
loopback address, so the server sees distinct clients.

Goals (issue 22): with the two runaways running, a cheap query's p99 < 100 ms and a page's p99 < 20 ms (printed
with the ratio to the baseline measured in the same run); the server's memory after the soak within 10 % of
before it (measured after a warm-up pass over every page, so the render cache is full in both).

    python bench/bench_load.py [--seconds 30] [--baseline 10] [--concurrency 32]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loadgen import Stats, load, mix, page_targets, rss

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def bbfair(*args: str, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.Popen([sys.executable, "-m", "bbfair.cli", *args], env=env, **kwargs)


def iris(port: int) -> list[str]:
    query = "SELECT ?r WHERE { { ?r a dcat:Dataset } UNION { ?r a dcat:Catalog } } LIMIT 30"
    url = f"http://{HOST}:{port}/sparql?query={urllib.parse.quote(query)}"
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return [b["r"]["value"] for b in json.load(response)["results"]["bindings"]]


def report(name: str, stats: Stats) -> None:
    for kind in ("page", "sparql", "runaway"):
        if kind not in stats.latencies:
            continue
        n = len(stats.latencies[kind])
        statuses = dict(sorted(stats.statuses[kind].items()))
        print(f"{name:26s} | {kind:8s} | n={n:7d} | p50 {stats.percentile(kind, 50) * 1000:8.2f} ms | "
              f"p99 {stats.percentile(kind, 99) * 1000:8.2f} ms | statuses {statuses}")
    if stats.errors:
        print(f"{name:26s} | {len(stats.errors)} connection errors, first: {stats.errors[0]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="the soak with two runaway clients")
    parser.add_argument("--baseline", type=float, default=10.0, help="the same load without runaways, first")
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="bbfair-load-") as tmp:
        store = Path(tmp) / "site"
        done = bbfair("build", str(ROOT / "data"), "--store", str(store), "--base-iri", f"http://{HOST}:{port}",
                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if done.wait() != 0:
            raise SystemExit(f"build failed: {done.stderr.read()[-2000:]}")  # type: ignore[union-attr]
        server = bbfair("serve", "--store", str(store), "--port", str(port), stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    found = iris(port)
                    break
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise SystemExit("the server did not start") from None
                    time.sleep(0.3)
            targets = mix(page_targets(found, f"http://{HOST}:{port}"))
            warm = [t for t in targets if t.kind == "page"]
            asyncio.run(load(HOST, port, warm, 1, 0.0 + len(warm) * 0.05))  # every page rendered once
            asyncio.run(load(HOST, port, targets, args.concurrency, 3.0))  # the allocator settles
            before = rss(server.pid)
            print(f"server {server.pid}: {len(targets)} targets ({sum(t.kind == 'page' for t in targets)} page "
                  f"representations, cheap queries), {args.concurrency} clients, {os.cpu_count()} CPUs")
            baseline = asyncio.run(load(HOST, port, targets, args.concurrency, args.baseline))
            report("baseline (no runaways)", baseline)
            soak = asyncio.run(load(HOST, port, targets, args.concurrency, args.seconds, runaways=2))
            report("two runaways running", soak)
            time.sleep(1.0)
            after = rss(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)
    print()
    goals = [
        ("cheap SPARQL p99 with runaways", soak.percentile("sparql", 99) * 1000, 100.0,
         soak.percentile("sparql", 99) / baseline.percentile("sparql", 99)),
        ("page p99 with runaways", soak.percentile("page", 99) * 1000, 20.0,
         soak.percentile("page", 99) / baseline.percentile("page", 99)),
    ]
    for name, value, goal, ratio in goals:
        print(f"{name:32s} {value:8.2f} ms (goal < {goal:g} ms: {'ok' if value < goal else 'MISSED'}); "
              f"{ratio:.2f}× the baseline")
    growth = after / before - 1
    print(f"{'server memory':32s} {before / 2**20:.1f} MiB before the soak, {after / 2**20:.1f} MiB after "
          f"({growth:+.1%}; goal within 10 %: {'ok' if abs(growth) <= 0.10 else 'MISSED'})")
    errors = sum(s.server_errors(k) for s in (baseline, soak) for k in ("page", "sparql"))
    print(f"{'server errors (pages, cheap)':32s} {errors}; connection errors "
          f"{len(baseline.errors) + len(soak.errors)}")


if __name__ == "__main__":
    main()
