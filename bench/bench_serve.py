"""Serving speed: a dataset GET (Turtle, JSON-LD, HTML) under concurrent load, against a bare endpoint.

The sample catalogue is built into a store and served by the real `bbfair serve --store … --workers N`; the
baseline is a bare FastAPI app (`bench/bare_app.py`) returning a constant body of the same size and media type,
under the same uvicorn settings (uvloop, httptools, no access log, N workers). Load comes from `wrk` (Debian
package `wrk`) with keep-alive connections; each run is preceded by a warm-up, so bbfair serves from its render
cache as it does in production. Printed: requests/s, p50 and p99 latency, and bbfair/bare as a ratio.

Goal: at least 70% of the bare endpoint's throughput with one worker, and throughput that grows with --workers.

    python bench/bench_serve.py [--workers 1 2] [--seconds 10] [--connections 32]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
ACCEPT = {"ttl": "text/turtle", "jsonld": "application/ld+json",
          "html": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def start(cmd: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                            start_new_session=True)


def stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def wrk(url: str, accept: str, seconds: int, connections: int) -> dict[str, float]:
    """requests/s and p50/p99 latency (ms) from one wrk run."""
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-H", f"Accept: {accept}",
                          url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        raise RuntimeError(f"{url}: {non2xx.group(1)} failed responses\n{out}")

    def pct(p: str) -> float:
        value, unit = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    return {"rps": rps, "p50": pct("50"), "p99": pct("99")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk not found: apt-get install wrk")
    work = Path(tempfile.mkdtemp(prefix="bbfair-bench-serve-"))
    bbfair = [sys.executable, "-m", "bbfair.cli"]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    store = work / "store"
    subprocess.run([*bbfair, "build", str(ROOT / "data"), "--store", str(store), "--base-iri", base], check=True,
                   capture_output=True)
    dataset = f"{base}/dataset/BE_ALGB-collection-cirrhosis"
    print(f"{'format':7} {'workers':>7} | {'bbfair req/s':>12} {'p50 ms':>7} {'p99 ms':>7} | "
          f"{'bare req/s':>10} {'p50 ms':>7} {'p99 ms':>7} | {'ratio':>5}")
    for workers in args.workers:
        sizes: dict[str, tuple[int, str]] = {}
        results: dict[str, dict[str, float]] = {}
        server = start([*bbfair, "serve", "--store", str(store), "--port", str(port), "--workers", str(workers)])
        try:
            wait_up(f"{base}/health")
            for fmt, accept in ACCEPT.items():
                warm = httpx.get(dataset, headers={"Accept": accept})
                warm.raise_for_status()
                sizes[fmt] = (len(warm.content), warm.headers["content-type"])
                for _ in range(workers * 20):  # every worker process fills its own cache
                    httpx.get(dataset, headers={"Accept": accept})
                results[fmt] = wrk(dataset, accept, args.seconds, args.connections)
        finally:
            stop(server)
        for fmt, accept in ACCEPT.items():
            bare_port = free_port()
            env = {**os.environ, "BARE_SIZE": str(sizes[fmt][0]), "BARE_TYPE": sizes[fmt][1]}
            bare = start([sys.executable, "-m", "uvicorn", "bare_app:app", "--app-dir", str(ROOT / "bench"),
                          "--host", "127.0.0.1", "--port", str(bare_port), "--workers", str(workers),
                          "--loop", "uvloop", "--http", "httptools", "--no-access-log", "--log-level", "warning"],
                         env=env)
            try:
                url = f"http://127.0.0.1:{bare_port}/dataset/x"
                wait_up(url)
                for _ in range(workers * 20):
                    httpx.get(url)
                base_line = wrk(url, accept, args.seconds, args.connections)
            finally:
                stop(bare)
            ours = results[fmt]
            print(f"{fmt:7} {workers:>7} | {ours['rps']:>12.0f} {ours['p50']:>7.2f} {ours['p99']:>7.2f} | "
                  f"{base_line['rps']:>10.0f} {base_line['p50']:>7.2f} {base_line['p99']:>7.2f} | "
                  f"{ours['rps'] / base_line['rps']:>5.2f}", flush=True)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
