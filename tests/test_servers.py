"""The remote store against real SPARQL servers, through their adapters (`bbfair.store.servers`): the sample
published into Oxigraph server and into Debian's Virtuoso (both started here on 127.0.0.1), read back graph by
graph equal to a local build of the same input, the cookbook's saved queries answering the same from each,
an unchanged and a one-collection rebuild, and each Virtuoso quirk the adapter handles. Fuseki and GraphDB
need Java and are not installed here (see docs/sparql-servers.md)."""

from __future__ import annotations

import json
import math
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
import virtuoso
from helpers import set_cell
from oxigraph_server import binary, oxigraph_server
from webserver import free_port, serving

from bbfair.builder.publish import build
from bbfair.config import Sparql, Store
from bbfair.errors import StoreError
from bbfair.rdf.namespaces import prefixes
from bbfair.store.local import LocalStore
from bbfair.store.query import execute
from bbfair.store.remote import BUILD_GRAPH, LOCK_GRAPH, RemoteStore
from bbfair.store.servers import Virtuoso, identify, server
from bbfair.web.sparql.cookbook import cookbook

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://directory.example.org"
JSON = "application/sparql-results+json"
KINDS = ("oxigraph", "virtuoso")
XSD = "http://www.w3.org/2001/XMLSchema#"
NUMBERS = {"integer", "decimal", "double", "float", "int", "long", "short", "byte"}
WKT = "http://www.opengis.net/ont/geosparql#wktLiteral"
#: what Virtuoso makes of a geo:wktLiteral (docs/sparql-servers.md: what each server changes)
VIRTUOSO_GEOMETRY = "http://www.openlinksw.com/schemas/virtrdf#Geometry"
#: builds made here stamp resources with their own time: each build's differs, so these compare as one
START = f"{datetime.now(UTC) - timedelta(seconds=2):%Y-%m-%dT%H:%M:%S}"


@dataclass
class Published:
    kind: str
    url: str
    settings: Store
    data: Path  # the input (a copy of data/ with the account in bbfair.toml)
    first: object  # the first build's BuildResult

    def store(self) -> RemoteStore:
        return RemoteStore(self.url, self.settings)


def _copy(target: Path, store_lines: str) -> Path:
    shutil.copytree(ROOT / "data", target, ignore=shutil.ignore_patterns(".bbfair"))
    with (target / "bbfair.toml").open("a") as toml:
        toml.write(f"\n[store]\n{store_lines}")
    return target


@pytest.fixture(scope="module")
def local_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample built into a local store: what every server must hold."""
    path = tmp_path_factory.mktemp("local") / "store"
    assert build(ROOT / "data", path, base_iri=BASE, workers=1).status == "published"
    return path


@pytest.fixture(scope="module")
def local(local_path: Path) -> Iterator[ox.Store]:
    live = LocalStore.open(local_path).open_live()
    yield live.quads
    live.close()


@pytest.fixture(scope="module")
def virtuoso_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[virtuoso.Virtuoso]:
    why = virtuoso.missing()
    if why:
        pytest.skip(why)
    with virtuoso.virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as running:
        yield running


@pytest.fixture(scope="module", params=KINDS)
def published(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
              monkeypatch_module: pytest.MonkeyPatch) -> Iterator[Published]:
    """The sample published into a real server of each kind (server = "auto": the kind is found out)."""
    work = tmp_path_factory.mktemp(request.param)
    if request.param == "virtuoso":
        running = request.getfixturevalue("virtuoso_url")
        data = _copy(work / "data", f'user = "{virtuoso.USER}"\n')
        monkeypatch_module.setenv("BBFAIR_STORE__PASSWORD", virtuoso.PASSWORD)
        settings = Store(server="auto", user=virtuoso.USER, password=virtuoso.PASSWORD)
        first = build(data, running.url, base_iri=BASE, workers=1)
        yield Published("virtuoso", running.url, settings, data, first)
        return
    if binary() is None:
        pytest.skip("the `oxigraph` server binary is not installed (pip install oxigraph)")
    (work / "db").mkdir()
    with oxigraph_server(work / "db") as url:
        data = _copy(work / "data", "")
        yield Published("oxigraph", url, Store(), data, build(data, url, base_iri=BASE, workers=1))


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def _rows(body: bytes) -> list[dict[str, ox.Term]]:
    results = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    names = [v.value for v in results.variables]
    return [{name: row[name] for name in names if row[name] is not None} for row in results]


def _local_rows(local: ox.Store, query: str) -> list[dict[str, ox.Term]]:
    return _rows(execute(local, query, table="json").body)


def _remote_rows(store: RemoteStore, query: str) -> list[dict[str, ox.Term]]:
    kind, body = store.query(query, JSON)
    assert kind.startswith(JSON)
    return _rows(body)


def _all_quads(store: RemoteStore, graphs: int = 40) -> list[dict[str, ox.Term]]:
    """Every quad of the sample's graphs, a few graphs a query: Virtuoso answers at most ResultSetMaxRows
    (10,000 in Debian's virtuoso.ini) rows to one query, silently, and sorts no deeper for an OFFSET."""
    names = sorted(r["g"].value for r in _remote_rows(store, "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } "
                                                              f"FILTER(STRSTARTS(STR(?g), \"{BASE}\")) }}"))
    found: list[dict[str, ox.Term]] = []
    for start in range(0, len(names), graphs):
        values = " ".join(f"<{g}>" for g in names[start:start + graphs])
        found += _remote_rows(store, f"SELECT ?g ?s ?p ?o {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}")
    return found


def _same(term: ox.Term) -> object:
    """A term as compared between servers: numbers by value (servers write 2.50 or 2.5e0 for the same
    number), everything else as written."""
    if isinstance(term, ox.Literal):
        kind = term.datatype.value.removeprefix(XSD)
        if kind in NUMBERS or kind.endswith("Integer"):
            return round(float(term.value), 6)
        if kind == "boolean":  # Virtuoso writes true as 1
            return term.value in ("true", "1")
        if term.datatype.value in (WKT, VIRTUOSO_GEOMETRY):  # Virtuoso keeps single-precision coordinates
            return "WKT", tuple(round(float(n), 4) for n in re.findall(r"-?[\d.]+", term.value))
        if kind == "dateTime" and term.value >= START:  # a time stamp of a build made by this module
            return "this run's builds"
    return str(term)


def _multiset(rows: list[dict[str, ox.Term]]) -> list[tuple]:
    return sorted(tuple(sorted((k, repr(_same(v))) for k, v in row.items())) for row in rows)


QUADS = ("SELECT ?g ?s ?p ?o { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), \"" + BASE + "\")) }")


def test_the_sample_is_published_and_reads_back_graph_by_graph(published: Published, local: ox.Store) -> None:
    assert published.first.status == "published", published.first.report
    with published.store() as store:
        assert store.server.name == published.kind  # "auto" found the kind out from the server's answer
        remote = _multiset(_all_quads(store))
        manifest = store.manifest()
    expected = _multiset(_local_rows(local, QUADS))
    assert len(expected) > 10_000
    missing, extra = set(expected) - set(remote), set(remote) - set(expected)
    assert not missing and not extra, (len(missing), len(extra), sorted(missing)[:3], sorted(extra)[:3])
    assert manifest is not None and manifest.build.id == published.first.info.id
    assert len(manifest.stamps) == published.first.info.resources
    kinds = {r["d"].value for r in _remote_rows(published.store(), "SELECT DISTINCT (DATATYPE(?o) AS ?d) "
                                                                   "{ ?s ?p ?o FILTER(CONTAINS(STR(?o), 'POINT(')) }")}
    assert kinds == ({VIRTUOSO_GEOMETRY} if published.kind == "virtuoso" else {WKT})


def test_the_cookbook_answers_the_same_from_each_server(published: Published, local: ox.Store) -> None:
    recipes = [r for r in cookbook(prefixes()) if r.form == "SELECT"]
    assert len(recipes) >= 5
    with published.store() as store:
        for recipe in recipes:
            here = _multiset(_local_rows(local, recipe.query))
            there = _multiset(_remote_rows(store, recipe.query))
            assert there == here, f"{recipe.name} answers differently from {published.kind}"


# --- Virtuoso's quirks, each on the real server ------------------------------------------------------------------

def test_virtuoso_hangs_on_a_direct_post_so_queries_go_as_forms(virtuoso_url: virtuoso.Virtuoso) -> None:
    url = f"{virtuoso_url.url}/sparql"
    with pytest.raises(httpx.ReadTimeout):  # the quirk itself: SPARQL 1.1's direct POST is never answered
        httpx.post(url, content=b"ASK {}", headers={"Content-Type": "application/sparql-query",
                                                     "Accept": JSON}, timeout=2)
    request = server("virtuoso").query_request("ASK { <urn:none> <urn:none> <urn:none> }", JSON)
    answer = httpx.post(url, timeout=10, **request)
    assert answer.status_code == 200 and server("virtuoso").ask(answer.content) is False


def test_virtuoso_ask_answers_are_read_in_both_forms(virtuoso_url: virtuoso.Virtuoso) -> None:
    adapter = Virtuoso()
    answer = httpx.post(f"{virtuoso_url.url}/sparql", timeout=10,
                        **adapter.query_request("ASK { ?s ?p ?o }", JSON))
    assert adapter.ask(answer.content) is True
    table = {"head": {"vars": ["__ASK_RETVAL"]},
             "results": {"bindings": [{"__ASK_RETVAL": {"type": "literal", "value": "1"}}]}}
    assert adapter.ask(json.dumps(table).encode()) is True
    table["results"]["bindings"][0]["__ASK_RETVAL"]["value"] = "0"
    assert adapter.ask(json.dumps(table).encode()) is False
    with pytest.raises(ValueError):
        adapter.ask(json.dumps({"head": {"vars": ["a", "b"]}, "results": {"bindings": [{}, {}]}}).encode())


def test_virtuoso_refuses_a_large_insert_so_graphs_go_by_graph_store_put(virtuoso_url: virtuoso.Virtuoso) -> None:
    adapter = Virtuoso()
    lines = "\n".join(f"<urn:s{i}> <urn:p> \"{i}\" ." for i in range(12_000))
    auth = adapter.auth(virtuoso.USER, virtuoso.PASSWORD)
    endpoints = adapter.endpoints(virtuoso_url.url, authenticated=True)
    refused = httpx.post(endpoints.update, auth=auth, timeout=60,
                         **adapter.update_request(f"INSERT DATA {{ GRAPH <urn:big> {{ {lines} }} }}"))
    assert refused.status_code >= 400 and "SP03" in refused.text  # SP030 or SP031, by size
    assert "bbfair bug" in adapter.hint(refused.status_code, refused.text)
    put = httpx.put(endpoints.graph_store, params={"graph": "urn:big"}, auth=auth, timeout=60,
                    content=adapter.graph_preamble + lines.encode(), headers={"Content-Type": adapter.graph_type})
    assert put.status_code in (200, 201, 204), put.text
    count = httpx.post(endpoints.query, auth=auth, timeout=30, **adapter.query_request(
        "SELECT (COUNT(*) AS ?n) { GRAPH <urn:big> { ?s ?p ?o } }", JSON))
    assert int(json.loads(count.content)["results"]["bindings"][0]["n"]["value"]) == 12_000
    httpx.post(endpoints.update, auth=auth, timeout=30, **adapter.update_request("DROP SILENT GRAPH <urn:big>"))


def test_virtuoso_without_an_account_refuses_writes_with_advice(virtuoso_url: virtuoso.Virtuoso,
                                                                tmp_path: Path) -> None:
    with RemoteStore(virtuoso_url.url, Store(server="virtuoso")) as store, pytest.raises(StoreError) as refused, \
            store.build_lock():
        pass
    assert "[store] user" in str(refused.value) and "sparql-servers.md" in str(refused.value)


def test_identify_tells_each_real_server(virtuoso_url: virtuoso.Virtuoso, tmp_path: Path) -> None:
    assert identify(virtuoso_url.url, httpx.get(virtuoso_url.url, timeout=10).headers) == "virtuoso"
    if binary() is None:
        pytest.skip("the `oxigraph` server binary is not installed")
    with oxigraph_server(tmp_path) as url:
        assert identify(url, httpx.get(url, timeout=10).headers) == "oxigraph"
    assert identify("http://h:7200/repositories/bbfair", None) == "graphdb"
    assert identify("http://h:3030/ds", {"Fuseki-Request-Id": "1"}) == "fuseki"
    assert math.isfinite(Virtuoso.batch_statements)


# --- /sparql answered by the server ([sparql] upstream) --------------------------------------------------------

def test_sparql_upstream_answers_from_each_server(published: Published, local_path: Path, local: ox.Store) -> None:
    endpoint = f"{published.url}/sparql" if published.kind == "virtuoso" else f"{published.url}/query"
    with serving(local_path, free_port(), Sparql(upstream=endpoint)) as url:
        def ask(query: str, accept: str = JSON) -> httpx.Response:
            return httpx.get(f"{url}/sparql", params={"query": query}, headers={"Accept": accept}, timeout=30)

        # only the server holds bbfair's manifest graph: the answer is the server's, not the local store's
        marker = f"ASK {{ <{BUILD_GRAPH}> ?p ?o }}"
        assert json.loads(ask(marker).content)["boolean"] is True
        assert json.loads(execute(local, marker, table="json").body)["boolean"] is False
        for recipe in [r for r in cookbook(prefixes()) if r.form == "SELECT"][:4]:
            answer = ask(recipe.query)
            assert answer.status_code == 200 and answer.headers["content-type"].startswith(JSON)
            assert _multiset(_rows(answer.content)) == _multiset(_local_rows(local, recipe.query)), recipe.name
        csv = ask("SELECT ?s { ?s a <http://www.w3.org/ns/dcat#Dataset> } LIMIT 3", "text/csv")
        assert csv.headers["content-type"].startswith("text/csv") and len(csv.text.splitlines()) == 4
        graph = ask(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{BASE}/> {{ ?s ?p ?o }} }}", "text/turtle")
        assert graph.status_code == 200 and graph.headers["content-type"].startswith("text/turtle")
        assert int(graph.headers["x-bbfair-rows"]) > 10


def test_an_unchanged_and_a_one_collection_rebuild(published: Published) -> None:
    """Last of the module: it changes what the server holds."""
    again = build(published.data, published.url, base_iri=BASE, workers=1)
    assert again.status == "unchanged"
    set_cell(published.data, "Collections", 0, "name", f"Renamed on {published.kind}")
    changed = build(published.data, published.url, base_iri=BASE, workers=1)
    assert changed.status == "published"
    assert 0 < changed.info.changed < 20  # the collection, its distributions and what lists it
    with published.store() as store:
        titles = {r["t"].value for r in _remote_rows(
            store, "SELECT ?t { ?c <http://purl.org/dc/terms/title> ?t FILTER(STRSTARTS(?t, \"Renamed on\")) }")}
        assert titles == {f"Renamed on {published.kind}"}
        assert store.manifest().build.id == changed.info.id
        assert store._ask("test", f"ASK {{ GRAPH <{LOCK_GRAPH}> {{ ?s ?p ?o }} }}") is False  # the lock was let go
