"""End to end on loopback: two real `bbfair serve --artifacts` replicas over one artifacts directory, written by
real builds of the sample (`bbfair build --artifacts` does the same two calls). One scenario, in order: both
answer every sample IRI alike; a rebuild with one collection changed reaches both within the poll interval while
a load loop runs, with no 5xx; corrupt or half-written build files change nothing served; a replica killed with
SIGKILL leaves the other serving; a restarted one says 503 on /ready until its build is in; SIGTERM lets a
request in flight finish."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from helpers import set_cell
from webserver import free_port

from bbfair.builder.publish import build
from bbfair.store import artifacts
from bbfair.store.local import LocalStore

BASE = "https://fdp.example.org"
POLL = 0.5
#: a SPARQL query that keeps a worker busy for a few seconds on the sample (12k statements × 800 rows)
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . VALUES ?k { " + " ".join(map(str, range(800))) + " } }"


@dataclass
class Replica:
    name: str
    port: int
    cache: Path
    log: Path
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def get(self, path: str, **kwargs: object) -> httpx.Response:
        return httpx.get(self.url + path, timeout=30, **kwargs)  # type: ignore[arg-type]

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@dataclass
class Fleet:
    data: Path
    store: Path
    artifacts: Path
    work: Path
    replicas: dict[str, Replica] = field(default_factory=dict)

    def publish(self) -> artifacts.Pointer:
        result = build(self.data, self.store, base_iri=BASE, workers=1)
        assert result.status == "published", result.report
        pointer, wrote = artifacts.publish(self.store, self.artifacts)
        assert wrote
        return pointer

    def start(self, name: str, fresh: bool = True, **env: str) -> Replica:
        old = self.replicas.get(name)
        replica = Replica(name, old.port if old else free_port(), self.work / f"cache-{name}-{time.monotonic_ns()}",
                          self.work / f"{name}-{time.monotonic_ns()}.log")
        environ = dict(os.environ, BBFAIR_ARTIFACTS=str(self.artifacts), BBFAIR_POLL=str(POLL),
                       BBFAIR_SPARQL__MAX_RUNNING="1", BBFAIR_PORT=str(replica.port), **env)
        with replica.log.open("wb") as out:
            replica.proc = subprocess.Popen([sys.executable, "-m", "bbfair.cli", "serve", "--cache",
                                             str(replica.cache)], env=environ, stdout=out, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        self.replicas[name] = replica
        return replica


def wait_for(check, seconds: float, what: str) -> float:
    """Call `check` until it is true; the seconds it took."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        try:
            if check():
                return time.monotonic() - start
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise AssertionError(f"{what}: not within {seconds} s")


def serving(replica: Replica) -> str | None:
    answer = replica.get("/health")
    return answer.json().get("build") if answer.status_code == 200 else None


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory, sample_dir: Path) -> Iterator[Fleet]:
    work = tmp_path_factory.mktemp("replicas")
    shutil.copytree(sample_dir, work / "data", ignore=shutil.ignore_patterns(".bbfair"))
    found = Fleet(work / "data", work / "store", work / "artifacts", work)
    found.publish()
    for name, env in (("a", {"BBFAIR_LOG_JSON": "1"}), ("b", {})):
        found.start(name, **env)
    try:
        for replica in found.replicas.values():
            wait_for(lambda r=replica: r.get("/ready").status_code == 200, 60, f"replica {replica.name} ready")
        yield found
    finally:
        for replica in found.replicas.values():
            if replica.proc is not None and replica.proc.poll() is None:
                os.killpg(replica.proc.pid, signal.SIGKILL)
                replica.proc.wait(10)


def iris(fleet: Fleet) -> list[str]:
    manifest = LocalStore.open(fleet.store).manifest()
    assert manifest is not None
    return sorted(manifest.stamps)


def test_two_replicas_answer_every_sample_iri_with_the_same_etag_and_body(fleet: Fleet) -> None:
    a, b = fleet.replicas["a"], fleet.replicas["b"]
    latest = artifacts.read_latest(fleet.artifacts)
    assert latest is not None and serving(a) == serving(b) == latest.build
    every = iris(fleet)
    assert len(every) > 500
    with httpx.Client(timeout=30) as client:
        for iri in every:
            path = iri.removeprefix(BASE)
            one, two = client.get(a.url + path), client.get(b.url + path)
            assert one.status_code == two.status_code == 200, (iri, one.status_code, two.status_code)
            assert one.headers["etag"] == two.headers["etag"], iri
            assert one.content == two.content, iri
            assert one.headers["x-bbfair-build"] == two.headers["x-bbfair-build"] == latest.build
        page = [client.get(r.url + "/", headers={"accept": "text/html"}) for r in (a, b)]
        assert page[0].headers["etag"] == page[1].headers["etag"] and page[0].content == page[1].content
    lines = [json.loads(line) for line in a.output().splitlines() if line.startswith("{")]
    requests = [line for line in lines if line.get("logger") == "bbfair.access"]
    assert len(requests) >= len(every)
    assert {"method", "path", "route", "status", "duration_ms", "build"} <= set(requests[-1])
    assert not any(line.startswith("{") for line in b.output().splitlines())  # JSON only when asked


def test_metrics_count_requests_by_route_and_status_and_describe_the_build(fleet: Fleet) -> None:
    b = fleet.replicas["b"]
    b.get("/no/such/thing")
    b.get("/sparql", params={"query": "ASK {}"}, headers={"accept": "application/sparql-results+json"})
    answer = b.get("/metrics")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
    text = answer.text
    build = serving(b)
    assert f'bbfair_build_info{{base_iri="{BASE}",bbfair_version=' in text and f'build="{build}"' in text
    assert 'bbfair_http_requests_total{method="GET",route="/{path:path}",status="200"}' in text
    assert 'bbfair_http_requests_total{method="GET",route="/{path:path}",status="404"} 1.0' in text
    assert 'bbfair_http_requests_total{method="GET",route="/sparql",status="200"} 1.0' in text
    assert 'bbfair_http_request_duration_seconds_bucket{le="0.001",method="GET",route="/{path:path}"}' in text
    assert _metric(b, "bbfair_ready") == 1 and _metric(b, "bbfair_build_resources") > 500
    assert _metric(b, "bbfair_sparql_workers") == 1  # BBFAIR_SPARQL__MAX_RUNNING=1: a setting from the environment
    assert _metric(b, "bbfair_sparql_queries_waiting") == 0 and _metric(b, "bbfair_sparql_queries_total") >= 1
    assert _metric(b, "bbfair_replica_switches_total") == 1 and _metric(b, "bbfair_build_age_seconds") >= 0
    assert "/no/such/thing" not in text  # routes are templates, never raw paths


def test_a_rebuild_reaches_both_replicas_within_the_poll_interval_under_load(fleet: Fleet) -> None:
    a, b = fleet.replicas["a"], fleet.replicas["b"]
    paths = [iri.removeprefix(BASE) for iri in iris(fleet)]
    before = a.get("/dataset/BE_SUH-collection-breast")
    statuses: Counter[int] = Counter()
    stop = threading.Event()

    def load() -> None:
        rng = random.Random(7)
        with httpx.Client(timeout=30) as client:
            for _ in range(20000):  # bounded, whatever happens
                if stop.is_set():
                    return
                replica = (a, b)[rng.randrange(2)]
                statuses[client.get(replica.url + rng.choice(paths)).status_code] += 1

    workers = [threading.Thread(target=load) for _ in range(2)]
    for worker in workers:
        worker.start()
    try:
        set_cell(fleet.data, "Collections", 0, "name", "Scheldt Breast Cancer Collection (renamed)")
        pointer = fleet.publish()
        took = wait_for(lambda: serving(a) == serving(b) == pointer.build, 15, "the new build on both replicas")
    finally:
        stop.set()
        for worker in workers:
            worker.join(30)
    install = max(_metric(r, "bbfair_replica_last_install_seconds") for r in (a, b))
    assert took <= POLL + install + 1.0, f"{took:.2f} s for a poll of {POLL} s and an install of {install:.2f} s"
    assert statuses and sum(statuses.values()) > 50
    assert not [s for s in statuses if s >= 500], statuses
    after = [r.get("/dataset/BE_SUH-collection-breast") for r in (a, b)]
    assert after[0].headers["etag"] == after[1].headers["etag"] != before.headers["etag"]
    assert after[0].content == after[1].content and b"(renamed)" in after[0].content


def _metric(replica: Replica, name: str) -> float:
    for line in replica.get("/metrics").text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name} not in /metrics")


def _damaged(fleet: Fleet, how: str) -> artifacts.Pointer:
    """A build file as a failed copy or disk would leave it, with LATEST pointing at it."""
    good = artifacts.read_latest(fleet.artifacts)
    assert good is not None
    fake = f"29991231T000000Z-{how}"
    data = bytearray((fleet.artifacts / good.file).read_bytes())
    if how == "truncated":
        data = data[: len(data) // 2]
    else:
        data[len(data) // 2] ^= 0xFF
    target = fleet.artifacts / artifacts.BUILDS / f"{fake}{artifacts.SUFFIX}"
    target.write_bytes(bytes(data))
    pointer = artifacts.Pointer(fake, f"{artifacts.BUILDS}/{target.name}", good.sha256, good.bytes)
    (fleet.artifacts / artifacts.LATEST).write_text(pointer.to_json(), encoding="utf-8")
    return good


def test_corrupt_or_half_written_build_files_change_nothing_served(fleet: Fleet) -> None:
    a, b = fleet.replicas["a"], fleet.replicas["b"]
    good = artifacts.read_latest(fleet.artifacts)
    assert good is not None
    bodies = {r.name: r.get("/").content for r in (a, b)}
    for how in ("truncated", "flipped"):
        _damaged(fleet, how)
        wait_for(lambda h=how: all(h in r.output() for r in (a, b)), 10, f"the {how} file refused")
        time.sleep(4 * POLL)  # several more polls: still refused, and said only once
        for replica in (a, b):
            assert serving(replica) == good.build
            assert replica.get("/").content == bodies[replica.name]
            assert sum(how in line and "refused" in line for line in replica.output().splitlines()) == 1
    (fleet.artifacts / artifacts.LATEST).write_text("{not json", encoding="utf-8")
    wait_for(lambda: all("LATEST" in r.output() and "not a LATEST pointer" in r.output() for r in (a, b)), 10,
             "the damaged LATEST refused")
    assert serving(a) == serving(b) == good.build
    assert _metric(a, "bbfair_replica_refused_total") == 3


def test_a_replica_killed_with_sigkill_leaves_the_other_serving(fleet: Fleet) -> None:
    a, b = fleet.replicas["a"], fleet.replicas["b"]
    assert b.proc is not None
    os.killpg(b.proc.pid, signal.SIGKILL)
    b.proc.wait(10)
    with pytest.raises(httpx.TransportError):
        b.get("/health")
    paths = [iri.removeprefix(BASE) for iri in iris(fleet)][:100]
    assert {a.get(p).status_code for p in paths} == {200}


def test_a_restarted_replica_is_not_ready_until_its_build_is_in(fleet: Fleet) -> None:
    a = fleet.replicas["a"]
    # LATEST is still the damaged pointer of the test before: a new replica has nothing it can trust yet
    b = fleet.start("b")
    wait_for(lambda: b.get("/health").status_code == 200, 60, "the restarted replica listening")
    assert b.get("/health").json()["status"] == "starting"
    wait_for(lambda: "not a LATEST pointer" in b.output(), 10, "the damaged LATEST refused")
    for _ in range(4):
        answer = b.get("/ready")
        assert answer.status_code == 503, answer.text
        assert b.get("/").status_code == 503
        time.sleep(POLL)
    good = serving(a)
    manifest = LocalStore.open(fleet.store).manifest()
    assert manifest is not None and manifest.build.id == good
    artifacts.publish(fleet.store, fleet.artifacts)  # LATEST rewritten for the live build
    wait_for(lambda: b.get("/ready").status_code == 200, POLL + 5, "the restarted replica ready")
    assert serving(b) == good
    for iri in iris(fleet)[:60]:
        path = iri.removeprefix(BASE)
        one, two = a.get(path), b.get(path)
        assert one.headers["etag"] == two.headers["etag"] and one.content == two.content


def test_sigterm_lets_a_request_in_flight_finish(fleet: Fleet) -> None:
    a = fleet.replicas["a"]
    assert a.proc is not None
    answer: dict[str, object] = {}

    def ask() -> None:
        answer["response"] = httpx.get(a.url + "/sparql", params={"query": SLOW}, timeout=60,
                                       headers={"accept": "application/sparql-results+json"})
        answer["done"] = time.monotonic()

    asking = threading.Thread(target=ask)
    asking.start()
    wait_for(lambda: _metric(a, "bbfair_sparql_queries_running") == 1, 10, "the slow query running")
    signalled = time.monotonic()
    a.proc.send_signal(signal.SIGTERM)
    asking.join(60)
    response = answer["response"]
    assert isinstance(response, httpx.Response)
    assert response.status_code == 200, response.text
    assert int(response.json()["results"]["bindings"][0]["n"]["value"]) > 0
    assert answer["done"] > signalled  # it was still running when the signal came  # type: ignore[operator]
    # uvicorn ends by re-raising the signal it caught, so a supervisor sees "terminated by SIGTERM"
    assert a.proc.wait(30) == -signal.SIGTERM
    assert "Application shutdown complete" in a.output()
    with pytest.raises(httpx.TransportError):
        a.get("/health")
