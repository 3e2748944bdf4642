"""Stateless replicas: throughput of 1, 2 and 4 `bbfair serve --artifacts` replicas behind one reverse proxy
(nginx, round robin, keep-alive upstreams), and the time from `LATEST` changing to every replica serving the new
build.

The sample is built into a store and written as a build file (`bbfair build --artifacts` does the same two
calls); the replicas start empty and fetch it. Load comes from `wrk` (Debian `wrk`) through the proxy (Debian
`nginx`), on one dataset IRI in Turtle, after a warm-up. The baseline is one replica behind the
same proxy, measured in the same run: printed are requests/s, p50/p99 and the ratio to it (and one replica
without the proxy, for what the proxy costs). On a machine with C
cores, expect growth up to about C replicas (wrk and nginx share those cores too).

Then the sample is rebuilt with one collection renamed and published; every replica is polled (`/health`) until
all serve the new build. Printed: seconds from `LATEST` replaced to the last replica switched, against the poll
interval plus the slowest replica's own install time (fetch, SHA-256, unpack: `bbfair_replica_last_install_seconds`).

    python bench/bench_replicas.py [--replicas 1 2 4] [--seconds 5] [--connections 32] [--poll 1]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_serve import free_port, start, stop, wait_up, wrk

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://fdp.example.org"
NGINX = """worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {prefix}/body; proxy_temp_path {prefix}/proxy; fastcgi_temp_path {prefix}/fcgi;
  uwsgi_temp_path {prefix}/uwsgi; scgi_temp_path {prefix}/scgi;
  upstream replicas {{ {servers} keepalive 64; }}
  server {{
    listen 127.0.0.1:{port};
    location / {{ proxy_pass http://replicas; proxy_http_version 1.1; proxy_set_header Connection "";
                 proxy_set_header Host $host; proxy_set_header X-Forwarded-For $remote_addr; }}
  }}
}}
"""


def publish(data: Path, store: Path, artifacts: Path) -> str:
    """Build `data` into `store` and write it to `artifacts` (as `bbfair build --artifacts`); the build id."""
    from bbfair.builder.publish import build
    from bbfair.store.artifacts import publish as write

    result = build(data, store, base_iri=BASE, workers=1)
    assert result.status == "published", result.report
    pointer, _ = write(store, artifacts)
    return pointer.build


def replica(artifacts: Path, cache: Path, port: int, poll: float) -> subprocess.Popen:
    env = dict(os.environ, BBFAIR_ARTIFACTS=str(artifacts), BBFAIR_CACHE=str(cache), BBFAIR_PORT=str(port),
               BBFAIR_POLL=str(poll), BBFAIR_SPARQL__MAX_RUNNING="1")
    return start([sys.executable, "-m", "bbfair.cli", "serve"], env=env)


def proxy(work: Path, ports: list[int]) -> tuple[subprocess.Popen, int]:
    prefix = work / f"nginx-{len(ports)}-{time.monotonic_ns()}"
    prefix.mkdir()
    port = free_port()
    servers = " ".join(f"server 127.0.0.1:{p};" for p in ports)
    (prefix / "nginx.conf").write_text(NGINX.format(prefix=prefix, servers=servers, port=port), encoding="utf-8")
    proc = start(["nginx", "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"])
    wait_up(f"http://127.0.0.1:{port}/health")
    return proc, port


def serving(port: int) -> str | None:
    try:
        answer = httpx.get(f"http://127.0.0.1:{port}/health", timeout=5)
    except httpx.HTTPError:
        return None
    return answer.json().get("build") if answer.status_code == 200 else None


def metric(port: int, name: str) -> float:
    for line in httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    raise RuntimeError(f"{name} not in /metrics")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--poll", type=float, default=1.0)
    args = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is not installed (Debian: apt-get install {tool})")
    sys.path.insert(0, str(ROOT / "tests"))
    from helpers import set_cell

    work = Path(tempfile.mkdtemp(prefix="bbfair-bench-replicas-"))
    data, store, artifacts = work / "data", work / "store", work / "artifacts"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns(".bbfair"))
    first = publish(data, store, artifacts)
    size = next((artifacts / "builds").glob("*.tar.zst")).stat().st_size
    print(f"cores: {os.cpu_count()}; build file {size / 2**20:.1f} MiB; poll {args.poll:g} s; wrk "
          f"{args.seconds} s x {args.connections} connections, dataset Turtle through nginx")
    ports = [free_port() for _ in range(max(args.replicas))]
    procs = [replica(artifacts, work / f"cache-{i}", port, args.poll) for i, port in enumerate(ports)]
    try:
        for port in ports:
            wait_up(f"http://127.0.0.1:{port}/health")
            deadline = time.monotonic() + 60
            while serving(port) != first and time.monotonic() < deadline:
                time.sleep(0.1)
        direct = f"http://127.0.0.1:{ports[0]}/dataset/BE_SUH-collection-breast"
        wrk(direct, "text/turtle", 1, args.connections)
        alone = wrk(direct, "text/turtle", args.seconds, args.connections)  # what the proxy costs
        results: list[tuple[int, dict[str, float]]] = []
        for count in args.replicas:
            nginx, port = proxy(work, ports[:count])
            try:
                target = f"http://127.0.0.1:{port}/dataset/BE_SUH-collection-breast"
                wrk(target, "text/turtle", 1, args.connections)  # warm-up: render caches of every replica
                results.append((count, wrk(target, "text/turtle", args.seconds, args.connections)))
            finally:
                stop(nginx)
        base = next((r for n, r in results if n == 1), results[0][1])
        print(f"{'replicas':>8} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'ratio to 1':>10}")
        print(f"{'1 direct':>8} {alone['rps']:>9.0f} {alone['p50']:>8.2f} {alone['p99']:>8.2f} "
              f"{alone['rps'] / base['rps']:>10.2f}   (no proxy)")
        for count, found in results:
            print(f"{count:>8} {found['rps']:>9.0f} {found['p50']:>8.2f} {found['p99']:>8.2f} "
                  f"{found['rps'] / base['rps']:>10.2f}")

        set_cell(data, "Collections", 0, "name", "Scheldt Breast Cancer Collection (renamed)")
        from bbfair.builder.publish import build
        from bbfair.store.artifacts import publish as write

        result = build(data, store, base_iri=BASE, workers=1)
        assert result.status == "published", result.report
        pointer, _ = write(store, artifacts)  # LATEST is replaced last, by rename: from here on it names the build
        changed = time.monotonic()
        pending = set(ports)
        while pending and time.monotonic() - changed < 60:
            pending = {p for p in pending if serving(p) != pointer.build}
            time.sleep(0.01)
        took = time.monotonic() - changed
        install = max(metric(p, "bbfair_replica_last_install_seconds") for p in ports)
        print(f"LATEST -> all {len(ports)} replicas serving the new build: {took:.2f} s "
              f"(poll {args.poll:g} s + slowest install {install:.2f} s = {args.poll + install:.2f} s; ratio "
              f"{took / (args.poll + install):.2f}){'; NOT ALL SWITCHED' if pending else ''}")
    finally:
        for proc in procs:
            stop(proc)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
