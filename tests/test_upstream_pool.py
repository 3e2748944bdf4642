"""`/sparql` with `[sparql] upstream` keeps every limit of the local endpoint: a bbfair server over the sample,
answering from a real Oxigraph server that holds the sample too (and one triple of its own), refuses what the
local endpoint refuses (updates, SERVICE, too large or too deep queries) plus what only a server's own dialect
would run (non-standard syntax, Virtuoso's `bif:` SQL functions), caps rows, stops a runaway query at the time
limit and says so when the server is gone. `refusal` is also checked directly."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from oxigraph_server import binary, oxigraph_server
from webserver import free_port, serving

from bbfair import envconfig
from bbfair.builder.publish import build
from bbfair.config import Config, Sparql
from bbfair.web.sparql.upstream_pool import refusal

ROOT = Path(__file__).resolve().parents[1]
JSON = "application/sparql-results+json"
OWN = '<urn:upstream:marker> <urn:upstream:says> "only upstream" .'


@pytest.fixture(scope="module")
def upstream(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An Oxigraph server holding the sample (published by bbfair) and one triple of its own."""
    if binary() is None:
        pytest.skip("the `oxigraph` server binary is not installed (pip install oxigraph)")
    work = tmp_path_factory.mktemp("upstream")
    with oxigraph_server(work) as url:
        assert build(ROOT / "data", url, base_iri="https://directory.example.org", workers=1).status == "published"
        httpx.post(f"{url}/update", content=f"INSERT DATA {{ {OWN} }}".encode(),
                   headers={"Content-Type": "application/sparql-update"}).raise_for_status()
        yield url


@pytest.fixture(scope="module")
def local_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("site") / "store"


@pytest.fixture(scope="module")
def site(upstream: str, local_store: Path) -> Iterator[str]:
    """bbfair serving a local build of the sample, its /sparql answered by `upstream`, with small limits."""
    store = local_store
    port = free_port()
    assert build(ROOT / "data", store, base_iri=f"http://127.0.0.1:{port}", workers=1).status == "published"
    limits = Sparql(upstream=f"{upstream}/query", timeout=1.5, max_rows=5, max_query_bytes=2048, max_depth=10,
                    slow_after=1.0)
    with serving(store, port, limits) as url:
        yield url


def _get(site: str, query: str, accept: str = JSON) -> httpx.Response:
    return httpx.get(f"{site}/sparql", params={"query": query}, headers={"Accept": accept}, timeout=30)


def test_answers_come_from_the_upstream_server(site: str) -> None:
    answer = _get(site, "SELECT ?o { <urn:upstream:marker> ?p ?o }")
    assert answer.status_code == 200
    assert [b["o"]["value"] for b in json.loads(answer.content)["results"]["bindings"]] == ["only upstream"]


def test_metrics_count_upstream_queries(site: str) -> None:
    before = httpx.get(f"{site}/metrics", timeout=10).text
    _get(site, "ASK {}")
    after = httpx.get(f"{site}/metrics", timeout=10).text
    assert "bbfair_sparql_queries_running 0.0" in after
    assert _dispatched(after) == _dispatched(before) + 1


def _dispatched(metrics: str) -> float:
    line = next(x for x in metrics.splitlines() if x.startswith("bbfair_sparql_queries_total "))
    return float(line.split()[-1])


def test_rows_are_capped_as_locally(site: str) -> None:
    answer = _get(site, "SELECT * { ?s ?p ?o }")
    assert answer.status_code == 200
    assert len(json.loads(answer.content)["results"]["bindings"]) == 5
    assert answer.headers["x-bbfair-truncated"] == "true; max-rows=5" and answer.headers["x-bbfair-rows"] == "5"


@pytest.mark.parametrize(("query", "status", "says"), [
    ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", 400, "update"),
    ("SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", 400, "SERVICE"),
    ("SELECT * { " + "{ " * 12 + "?s ?p ?o" + " }" * 12 + " }", 400, "nest"),
    ("SELECT * { ?s ?p ?o } # " + "x" * 3000, 413, ""),
    ("define input:inference 'x' SELECT * { ?s ?p ?o }", 400, "standard SPARQL 1.1"),
    ("SELECT (<bif:system>('id') AS ?x) {}", 400, "own functions"),
    ("PREFIX b: <bif:> SELECT (b:system('id') AS ?x) {}", 400, "own functions"),
])
def test_what_the_local_endpoint_refuses_is_refused(site: str, query: str, status: int, says: str) -> None:
    answer = _get(site, query)
    assert answer.status_code == status, answer.text
    assert says.lower() in answer.text.lower()


def test_the_marker_is_untouched_after_a_refused_update(site: str, upstream: str) -> None:
    _get(site, "DELETE WHERE { ?s ?p ?o }")
    count = httpx.post(f"{upstream}/query", content=b"SELECT (COUNT(*) AS ?n) { ?s ?p ?o }",
                       headers={"Content-Type": "application/sparql-query", "Accept": JSON})
    assert int(json.loads(count.content)["results"]["bindings"][0]["n"]["value"]) > 10_000


def test_a_runaway_query_is_stopped_at_the_time_limit(site: str) -> None:
    started = time.monotonic()
    answer = _get(site, "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    assert answer.status_code == 503 and "1.5 s" in answer.text
    assert time.monotonic() - started < 5


def test_a_server_that_is_gone_is_a_502_with_a_message(site: str, local_store: Path) -> None:
    with serving(local_store, free_port(), Sparql(upstream=f"http://127.0.0.1:{free_port()}/query")) as url:
        answer = _get(url, "ASK {}")
    assert answer.status_code == 502 and "could not be reached" in answer.text


def test_refusal() -> None:
    assert refusal("SELECT * { ?s dcat:keyword ?k }", (), 100) is None  # bbfair's prefixes are predeclared
    assert "standard" in refusal("SELECT * { ?s ?p ?o } LIMIT x", (), 100)
    assert "own functions" in refusal("SELECT (sql:foo() AS ?x) {}", (), 100)


def test_a_server_without_bbfair_toml_takes_the_upstream_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BBFAIR_SPARQL__UPSTREAM", "http://127.0.0.1:8890/sparql")
    monkeypatch.setenv("BBFAIR_SPARQL__UPSTREAM_SERVER", "virtuoso")
    sparql = envconfig.table(Config, "sparql")
    assert sparql.upstream == "http://127.0.0.1:8890/sparql" and sparql.upstream_server == "virtuoso"
