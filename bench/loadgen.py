"""A small HTTP/1.1 load generator for bbfair servers (asyncio, keep-alive connections, no client library), used
by `bench_load.py` (30 s, 32 clients) and by the suite's soak test (a few seconds).

Each client has its own loopback address (127.0.0.10, .11, …; Linux routes all of 127/8 to the loopback
interface), so the server sees distinct clients as it would on the internet (its SPARQL admission control is
per client). Every request's status and latency are kept per kind (`page`, `sparql`, `runaway`).
"""

from __future__ import annotations

import asyncio
import itertools
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CHEAP = (
    "SELECT ?d ?t WHERE { ?d a dcat:Dataset ; dct:title ?t } LIMIT 10",
    "ASK { ?c a dcat:Catalog }",
    "SELECT (COUNT(*) AS ?n) WHERE { ?d a dcat:Dataset }",
)


@dataclass(frozen=True)
class Target:
    kind: str
    path: str
    accept: str = "*/*"


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    statuses: dict[str, Counter] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def add(self, kind: str, status: int, seconds: float) -> None:
        self.latencies.setdefault(kind, []).append(seconds)
        self.statuses.setdefault(kind, Counter())[status] += 1

    def percentile(self, kind: str, p: float) -> float:
        values = sorted(self.latencies.get(kind, []))
        if not values:
            return float("nan")
        return values[min(len(values) - 1, int(len(values) * p / 100))]

    def server_errors(self, kind: str) -> int:
        return sum(n for status, n in self.statuses.get(kind, Counter()).items() if status >= 500)


def sparql_target(query: str, kind: str = "sparql") -> Target:
    return Target(kind, "/sparql?query=" + quote(query, safe=""), "application/sparql-results+json")


def page_targets(iris: list[str], base: str) -> list[Target]:
    """Pages in the representations clients ask for most: HTML, Turtle, JSON-LD."""
    out = [Target("page", "/", "text/turtle"), Target("page", "/", "text/html")]
    for iri in iris:
        path = iri[len(base):] or "/"
        out += [Target("page", path, "text/html"), Target("page", path, "text/turtle"),
                Target("page", path, "application/ld+json")]
    return out


class Connection:
    """One keep-alive HTTP/1.1 connection from a fixed local address."""

    def __init__(self, host: str, port: int, local: str) -> None:
        self.host, self.port, self.local = host, port, local
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, target: Target, timeout: float) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port,
                                                                     local_addr=(self.local, 0))
        assert self.reader is not None
        self.writer.write(f"GET {target.path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                          f"Accept: {target.accept}\r\n\r\n".encode())
        head = await asyncio.wait_for(self.reader.readuntil(b"\r\n\r\n"), timeout)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = dict(line.split(":", 1) for line in lines[1:] if ":" in line)
        headers = {k.strip().lower(): v.strip() for k, v in headers.items()}
        if "content-length" in headers:
            await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding") == "chunked":
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).strip(), 16)
                await self.reader.readexactly(size + 2)
                if size == 0:
                    break
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def _client(host: str, port: int, local: str, targets: list[Target], until: float, stats: Stats,
                  seed: int, timeout: float) -> None:
    rng = random.Random(seed)
    conn = Connection(host, port, local)
    while time.monotonic() < until:
        target = rng.choice(targets)
        started = time.perf_counter()
        try:
            status = await conn.request(target, min(timeout, max(0.1, until - time.monotonic() + 1.0)))
        except TimeoutError:
            conn.close()
            if time.monotonic() >= until:  # cut off at the end of the run (a runaway still going): not an error
                break
            stats.errors.append(f"{target.kind} timed out")
            continue
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            stats.errors.append(f"{target.kind} {type(exc).__name__}: {exc}"[:200])
            conn.close()
            continue
        stats.add(target.kind, status, time.perf_counter() - started)
    conn.close()


async def load(host: str, port: int, targets: list[Target], concurrency: int, seconds: float,
               runaways: int = 0, timeout: float = 60.0) -> Stats:
    """`concurrency` clients sending `targets` (chosen at random) for `seconds`, and `runaways` more clients
    each sending the runaway query again and again."""
    stats = Stats()
    until = time.monotonic() + seconds
    tasks = [_client(host, port, f"127.0.0.{10 + i}", targets, until, stats, i, timeout)
             for i in range(concurrency)]
    tasks += [_client(host, port, f"127.0.1.{10 + i}", [sparql_target(RUNAWAY, "runaway")], until, stats, i,
                      timeout) for i in range(runaways)]
    await asyncio.gather(*tasks)
    return stats


def rss(pid: int) -> int:
    """Resident memory of process `pid` in bytes (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def mix(pages: list[Target], sparql_share: float = 0.2) -> list[Target]:
    """Pages and cheap queries in about the proportion `sparql_share` of queries."""
    queries = [sparql_target(q) for q in CHEAP]
    n = max(1, round(len(pages) * sparql_share / (1 - sparql_share) / len(queries)))
    return pages + list(itertools.chain.from_iterable(itertools.repeat(queries, n)))
