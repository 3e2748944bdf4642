"""RemoteStore against a real Oxigraph server (the `oxigraph` binary from PyPI), started once for the module:
full and incremental publishes, the build lock across stores, errors as StoreError, and an interrupted
publish completed by the next one."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest
from helpers import first_published, rows, set_cell, write
from oxigraph_server import binary, oxigraph_server
from webserver import free_port

from bbfair.builder.pipeline import convert_directory
from bbfair.config import Store
from bbfair.errors import StoreError
from bbfair.mapping import Conversion
from bbfair.store.manifest import BuildInfo, Manifest
from bbfair.store.remote import BBFAIR, BUILD_GRAPH, LOCK_GRAPH, RemoteStore

SPARQL_JSON = "application/sparql-results+json"
RENAMED = "Renamed Breast Cancer Collection"
BREAST = "bbmri-eric:ID:BE_SUH:collection:breast"
LUNG = "bbmri-eric:ID:BE_SUH:collection:lung"


@pytest.fixture(scope="module")
def start_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """Start Oxigraph servers (tests/oxigraph_server.py) on demand; all are stopped with the module."""
    if binary() is None:
        pytest.skip("the `oxigraph` server binary is not installed (pip install oxigraph)")
    with ExitStack() as stack:
        yield lambda union=True: stack.enter_context(oxigraph_server(tmp_path_factory.mktemp("oxigraph"), union))


@pytest.fixture(scope="module")
def server(start_server) -> str:
    return start_server()


@pytest.fixture()
def store(server: str) -> Iterator[RemoteStore]:
    """The module's server, emptied."""
    httpx.post(f"{server}/update", content=b"DROP ALL", headers={"Content-Type": "application/sparql-update"})
    with RemoteStore(server) as remote:
        yield remote


def _manifest(conversion: Conversion, build_id: str) -> Manifest:
    info = BuildInfo(build_id, "2025-06-01T12:00:00+00:00", f"input-{build_id}", "test", conversion.base,
                     ["health-ri"], "shapes", dict(conversion.counts), resources=len(conversion.resources))
    return Manifest(info, dict(conversion.stamps))


def _diff(old: Manifest, conversion: Conversion) -> tuple[set[str], set[str]]:
    """What a build compares: resources whose ETag differs (or that are new), and those no longer there."""
    changed = {iri for iri, s in conversion.stamps.items() if iri not in old.stamps or old.stamps[iri].etag != s.etag}
    return changed, set(old.stamps) - set(conversion.stamps)


def _select(remote: RemoteStore, query: str) -> list[dict[str, str]]:
    kind, body = remote.query(query, SPARQL_JSON)
    assert kind.startswith(SPARQL_JSON)
    return [{k: v["value"] for k, v in row.items()} for row in json.loads(body)["results"]["bindings"]]


def _graphs(remote: RemoteStore) -> set[str]:
    rows_ = _select(remote, "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }")
    return {r["g"] for r in rows_} - {BUILD_GRAPH, LOCK_GRAPH}


def _title(remote: RemoteStore, iri: str) -> set[str]:
    found = _select(remote, f"SELECT ?t {{ GRAPH <{iri}> {{ <{iri}> <http://purl.org/dc/terms/title> ?t }} }}")
    return {r["t"] for r in found}


def _edit(data_dir: Path) -> None:
    """Rename the breast cancer collection and delete the lung cancer one (no sub-collections)."""
    set_cell(data_dir, "Collections", 0, "name", RENAMED)
    header, data = rows(data_dir / "Collections.csv")
    write(data_dir / "Collections.csv", header, [r for r in data if r["id"] != LUNG])


def _publish_all(remote: RemoteStore, conversion: Conversion, build_id: str) -> Manifest:
    manifest = _manifest(conversion, build_id)
    with remote.build_lock():
        remote.publish(conversion.resources, manifest, set(conversion.stamps), set())
    return manifest


def _dataset(conversion: Conversion, record: str) -> str:
    return next(str(r.iri) for r in conversion.by_kind("dataset") if r.record_id == record)


def test_full_publish(store: RemoteStore, sample_dir: Path) -> None:
    conversion = convert_directory(sample_dir, previous={})
    assert store.manifest() is None
    calls: list[tuple[str, int, int]] = []
    manifest = _manifest(conversion, "b1")
    with store.build_lock():
        assert store.publish(conversion.resources, manifest, set(conversion.stamps), set(),
                             progress=lambda *a: calls.append(a)) == store.url
    assert calls[-1] == ("publish", len(conversion.resources), len(conversion.resources))
    assert _graphs(store) == {str(r.iri) for r in conversion.resources}
    datasets = _select(store, "PREFIX dcat: <http://www.w3.org/ns/dcat#> "
                              "SELECT (COUNT(DISTINCT ?d) AS ?n) { ?d a dcat:Dataset }")
    assert int(datasets[0]["n"]) == len(conversion.by_kind("dataset")) == 68
    back = store.manifest()
    assert back is not None and back.build == manifest.build and back.stamps == manifest.stamps
    readable = _select(store, f"SELECT ?v {{ GRAPH <{BUILD_GRAPH}> {{ <{BUILD_GRAPH}> <{BBFAIR}inputHash> ?v }} }}")
    assert readable == [{"v": "input-b1"}]


def test_incremental_publish(store: RemoteStore, sample_copy: Path) -> None:
    first = convert_directory(sample_copy, previous={})
    old = _publish_all(store, first, "b1")
    # a sentinel in every graph: a graph that is rewritten loses it, one left alone keeps it
    store._update("test", "INSERT { GRAPH ?g { <urn:test:sentinel> <urn:test:p> 1 } } "
                          f"WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{BUILD_GRAPH}>) }}")
    _edit(sample_copy)
    second = convert_directory(sample_copy, previous=old.stamps)
    changed, removed = _diff(old, second)
    breast, lung = _dataset(first, BREAST), _dataset(first, LUNG)
    assert breast in changed and lung in removed
    kinds = {second.stamps[i].kind for i in changed}
    assert kinds <= {"dataset", "distribution", "catalog", "container", "fdp"}
    assert [i for i in changed if second.stamps[i].kind == "dataset"] == [breast]
    assert len(changed) < 12
    with store.build_lock():
        store.publish(second.resources, _manifest(second, "b2"), changed, removed)
    kept = {r["g"] for r in _select(store, "SELECT ?g { GRAPH ?g { <urn:test:sentinel> ?p ?o } }")}
    assert kept == set(old.stamps) - changed - removed
    assert _title(store, breast) == {RENAMED}
    assert lung not in _graphs(store)
    assert _graphs(store) == set(second.stamps)
    back = store.manifest()
    assert back is not None and back.build.id == "b2" and back.stamps == second.stamps


def _enter(remote: RemoteStore) -> None:
    with remote.build_lock():
        pass


def test_build_lock(store: RemoteStore, server: str) -> None:
    other = RemoteStore(server)
    holder = rf"another build is publishing into {server} \(host {socket.gethostname()}, pid \d+, started \d{{4}}-"
    with store.build_lock(), pytest.raises(StoreError, match=holder):
        _enter(other)
    with other.build_lock(), pytest.raises(StoreError, match="another build"):
        _enter(store)
    with pytest.raises(RuntimeError), store.build_lock():
        raise RuntimeError("the build failed")
    assert not _select(store, f"SELECT * {{ GRAPH <{LOCK_GRAPH}> {{ ?s ?p ?o }} }}")


def test_build_lock_waits(store: RemoteStore, server: str) -> None:
    other = RemoteStore(server)
    other.lock_poll = 0.05
    events: list[str] = []

    def second_build() -> None:
        with other.build_lock(wait=True):
            events.append("second")

    with store.build_lock():
        thread = threading.Thread(target=second_build)
        thread.start()
        time.sleep(0.4)
        events.append("first done")
    thread.join(10)
    assert events == ["first done", "second"]


def test_build_lock_never_held_twice(server: str) -> None:
    """Builds racing for the lock (threads, each with its own connection, like separate machines) never
    overlap: the compare-and-set and the read back let exactly one in at a time."""
    log: list[str] = []
    guard = threading.Lock()

    def build(name: str) -> None:
        with RemoteStore(server) as remote:
            remote.lock_poll = 0.01
            for _ in range(3):
                with remote.build_lock(wait=True):
                    with guard:
                        log.append(f"in {name}")
                    time.sleep(0.01)
                    with guard:
                        log.append(f"out {name}")

    threads = [threading.Thread(target=build, args=(str(n),)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(log) == 24
    for entered, left in zip(log[::2], log[1::2], strict=True):
        assert entered.startswith("in ") and left == "out " + entered[3:]


def test_stale_lock_is_taken_over(store: RemoteStore) -> None:
    store._update("test", f"""INSERT DATA {{ GRAPH <{LOCK_GRAPH}> {{ <{LOCK_GRAPH}:old> bbfair:holder "old" ;
        bbfair:host "gone" ; bbfair:pid "1" ; bbfair:started "2000-01-01T00:00:00Z"^^xsd:dateTime }} }}""")
    with store.build_lock():
        holders = _select(store, f"SELECT ?id {{ GRAPH <{LOCK_GRAPH}> {{ ?h <{BBFAIR}holder> ?id }} }}")
        assert len(holders) == 1 and holders[0]["id"] != "old"


def test_errors(store: RemoteStore, sample_dir: Path) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}"
    remote = RemoteStore(nowhere)
    with pytest.raises(StoreError, match=rf"cannot connect to {nowhere}/query .*check that the SPARQL server"):
        remote.manifest()
    with pytest.raises(StoreError, match=rf"{nowhere}/update"), remote.build_lock():
        pass
    with pytest.raises(StoreError, match=r"answered 400 Bad Request: error at 1:\d+: expected .*check its syntax"):
        store.query("SELEC ?x WHERE { ?x ?p ?o }", SPARQL_JSON)
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        mute = f"http://127.0.0.1:{silent.getsockname()[1]}"
        with pytest.raises(StoreError, match=rf"{mute}/query did not answer within 0.2 s.*raise \[store\] timeout"):
            RemoteStore(mute, Store(timeout=0.2)).manifest()
    wrong = RemoteStore(store.url, Store(query_endpoint=f"{store.url}/nowhere"))
    with pytest.raises(StoreError, match=rf"{store.url}/nowhere answered 404 Not Found: .*query_endpoint"):
        wrong.manifest()


def test_server_without_union_default_graph(start_server, sample_dir: Path) -> None:
    conversion = convert_directory(sample_dir, previous={})
    with RemoteStore(start_server(union=False)) as remote:
        with pytest.raises(StoreError, match=r"does not use the union .* --union-default-graph"):
            _publish_all(remote, conversion, "b1")
        assert remote.manifest() is None  # refused before the manifest is written


class Interrupted(Exception):
    pass


def test_interrupted_publish_is_completed_by_the_next(store: RemoteStore, sample_copy: Path) -> None:
    first = convert_directory(sample_copy, previous={})
    old = _publish_all(store, first, "b1")
    _edit(sample_copy)
    second = convert_directory(sample_copy, previous=old.stamps)
    changed, removed = _diff(old, second)

    def stop(stage: str, done: int, total: int) -> None:
        raise Interrupted(f"{stage} {done}/{total}")

    small = RemoteStore(store.url, batch_chars=2_000)  # one resource or so a request
    with pytest.raises(Interrupted), small.build_lock():
        small.publish(second.resources, _manifest(second, "b2"), changed, removed, progress=stop)
    left = store.manifest()
    assert left is not None and left.build.id == "b1"
    # the IRIs the interrupted build was writing come back with no hash: the next build re-sends them
    assert {i for i, s in left.stamps.items() if s.hash == ""} == (changed | removed) & set(old.stamps)
    assert {i: s for i, s in left.stamps.items() if s.hash} == {i: s for i, s in old.stamps.items()
                                                                if i not in changed | removed}
    third = convert_directory(sample_copy, previous=left.stamps)
    again, gone = _diff(left, third)
    assert changed <= again and gone == removed
    with small.build_lock():
        small.publish(third.resources, _manifest(third, "b3"), again, gone)
    done = store.manifest()
    assert done is not None and done.build.id == "b3" and done.stamps == third.stamps
    assert _graphs(store) == set(third.stamps)
    assert _title(store, _dataset(third, BREAST)) == {RENAMED}


def test_cli_build_and_query_through_a_remote_store(store: RemoteStore, server: str, sample_copy: Path) -> None:
    """What a node running Oxigraph server does: `bbfair build --store URL`, then `bbfair query --store URL`;
    a rebuild of unchanged input sends nothing, an edit sends only what changed, a violation sends nothing."""
    import json

    from typer.testing import CliRunner

    from bbfair.cli import app

    runner = CliRunner()
    first = runner.invoke(app, ["build", str(sample_copy), "--store", server])
    assert first.exit_code == 0, first.output
    answer = runner.invoke(app, ["query", "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a dcat:Dataset }",
                                 "--store", server, "--format", "json"])
    assert answer.exit_code == 0, answer.output
    n = int(json.loads(answer.output)["results"]["bindings"][0]["n"]["value"])
    assert n == store.manifest().build.counts["dataset"]
    assert "unchanged" in runner.invoke(app, ["build", str(sample_copy), "--store", server]).output
    before = store.manifest()
    _edit(sample_copy)
    second = runner.invoke(app, ["build", str(sample_copy), "--store", server])
    assert second.exit_code == 0, second.output
    after = store.manifest()
    assert 0 < after.build.changed < 15 and after.build.id != before.build.id
    set_cell(sample_copy, "Collections", first_published(sample_copy, "Collections"), "number_of_donors", "-3")
    bad = runner.invoke(app, ["build", str(sample_copy), "--store", server])
    assert bad.exit_code == 1 and store.manifest().build.id == after.build.id
    info = runner.invoke(app, ["info", "--store", server])
    assert info.exit_code == 0 and json.loads(info.output)["id"] == after.build.id
