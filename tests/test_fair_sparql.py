"""A fair SPARQL endpoint on a real server: runaway queries from several clients never take every worker (cheap
queries keep being answered; one runaway too many is stopped early with Retry-After), one client cannot hold more
than its share, a deeply nested query is a 400 before the engine and no worker ever dies on input, and the
dataset is exactly what SPARQL 1.1 says (FROM / FROM NAMED, default-graph-uri / named-graph-uri)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

from bbfair.config import Sparql

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CHEAP = "SELECT ?c WHERE { ?c a dcat:Catalog } LIMIT 3"
LIMITS = Sparql(timeout=3, max_running=3, max_slow=2, slow_after=0.3, per_client=2, queue_wait=2)
SD = "http://www.w3.org/ns/sparql-service-description#"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, sample_dir: Path):
    from webserver import sample_server

    with sample_server(sample_dir, tmp_path_factory.mktemp("fair"), LIMITS) as live:
        yield live


@pytest.fixture()
def settled(server):
    """The server with every worker idle and its spare ready (earlier tests' stopped workers replaced)."""
    pool = server.endpoint.pool
    deadline = time.monotonic() + 20
    while (len(pool._idle) < pool.size or len(pool._spare) < pool.spares) and time.monotonic() < deadline:
        time.sleep(0.05)
    return server


def client(address: str) -> httpx.Client:
    """A client from its own loopback address: the server tells clients apart by address."""
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=30)


def ask(http: httpx.Client, url: str, query: str, **params: str) -> httpx.Response:
    return http.get(url + "/sparql", params={"query": query, **params}, headers={"accept": "text/csv"})


def test_runaways_leave_room_for_quick_queries(settled) -> None:
    server = settled
    answers: dict[str, httpx.Response] = {}

    def runaway(address: str) -> None:
        answers[address] = ask(client(address), server.url, RUNAWAY)

    threads = [threading.Thread(target=runaway, args=(f"127.0.0.{n}",)) for n in (21, 22)]
    for thread in threads:
        thread.start()
    time.sleep(0.8)  # both are long now, at low priority
    third = ask(client("127.0.0.23"), server.url, RUNAWAY)  # one long query too many: stopped early
    assert third.status_code == 503 and int(third.headers["retry-after"]) >= 1
    assert "long queries" in third.text
    quick = client("127.0.0.24")
    for _ in range(10):
        started = time.perf_counter()
        response = ask(quick, server.url, CHEAP)
        assert response.status_code == 200 and time.perf_counter() - started < 1.0
    for thread in threads:
        thread.join()
    assert all(r.status_code == 503 and "time limit" in r.text for r in answers.values())


def test_one_client_holds_at_most_its_share(settled) -> None:
    server = settled
    statuses: list[int] = []
    one = client("127.0.0.31")
    threads = [threading.Thread(target=lambda: statuses.append(ask(one, server.url, RUNAWAY).status_code))
               for _ in range(2)]
    for thread in threads:
        thread.start()
    active = server.endpoint.admission.active
    while active["127.0.0.31"] < 2:  # both admitted (the second is stopped once it is long: one per client)
        time.sleep(0.005)
    refused = ask(client("127.0.0.31"), server.url, CHEAP)
    assert refused.status_code == 429 and refused.headers["retry-after"] == "1"
    assert ask(client("127.0.0.32"), server.url, CHEAP).status_code == 200  # others are not held up
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [503, 503]  # one long query per client: the second was stopped early


@pytest.mark.parametrize("query", [
    "ASK {" + "{" * 50_000 + "}" * 50_000 + "}",
    "ASK { FILTER(" + "(" * 100_000 + "1" + ")" * 100_000 + ") }",
    "ASK {" + "{" * 200 + "}" * 200 + "}",
])
def test_deep_nesting_is_400_and_no_worker_dies(settled, query: str) -> None:
    server = settled
    pool = server.endpoint.pool
    killed = pool.killed
    response = httpx.post(server.url + "/sparql", data={"query": query}, timeout=30)
    assert response.status_code == 400 and "more than 100 deep" in response.text
    assert pool.killed == killed  # answered, not stopped (a long check is retired politely, never killed)


def test_a_worker_survives_any_nesting_the_size_limit_allows(tmp_path: Path) -> None:
    """Even with the nesting limit lifted, a worker parses a 60 000-deep query on its large stack and answers."""
    script = (
        "import pyoxigraph as ox\n"
        "from bbfair.web.sparql.worker import Job, _answer, _engine\n"
        "store = ox.Store()\n"
        "for q in ['ASK {' + '{' * 60000 + '}' * 60000 + '}', 'ASK { FILTER(' + '(' * 60000 + 'true' + ')' * 60000 "
        "+ ') }']:\n"
        "    job = Job('b', '.', q, 'json', None, 1, 30, max_depth=10**9)\n"
        "    print(_engine().submit(_answer, store, job).result().body.decode())\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert [json.loads(line)["boolean"] for line in done.stdout.splitlines()] == [True, True]


def count(url: str, query: str, **params: str) -> int:
    response = ask(httpx.Client(timeout=30), url, query, **params)
    assert response.status_code == 200, response.text
    return int(response.text.split()[1])


def test_from_and_from_named_are_honoured_exactly(server) -> None:
    graph = f"{server.url}/catalog/BE_rare_disease"
    own = count(server.url, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    total = count(server.url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert 0 < own < total
    assert count(server.url, f"SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE {{ ?s ?p ?o }}") == own
    assert count(server.url, "SELECT (COUNT(*) AS ?n) FROM <urn:nope> WHERE { ?s ?p ?o }") == 0
    # FROM NAMED alone: an empty default graph, and only the graphs named
    assert count(server.url, f"SELECT (COUNT(*) AS ?n) FROM NAMED <{graph}> WHERE {{ ?s ?p ?o }}") == 0
    assert count(server.url, f"SELECT (COUNT(*) AS ?n) FROM NAMED <{graph}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}") \
        == own
    # FROM alone: no named graphs
    assert count(server.url, f"SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}") == 0
    # the protocol's dataset replaces the query's
    assert count(server.url, "SELECT (COUNT(*) AS ?n) FROM <urn:nope> WHERE { ?s ?p ?o }",
                 **{"default-graph-uri": graph}) == own
    assert count(server.url, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
                 **{"default-graph-uri": graph}) == 0
    # FROM in a string, an IRI or a comment is not a dataset clause
    assert count(server.url, 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o BIND("FROM <x>" AS ?why) } # FROM <y>') \
        == total


def test_the_service_description_states_the_default_dataset(server) -> None:
    body = httpx.get(server.url + "/sparql", headers={"accept": "text/turtle"}, timeout=30).text
    graph = Graph().parse(data=body, format="turtle")
    dataset = graph.value(URIRef(server.url + "/sparql"), URIRef(SD + "defaultDataset"))
    comment = str(graph.value(dataset, RDFS.comment))
    assert "union of every named graph" in comment and "FROM NAMED" in comment
    assert (URIRef(server.url + "/sparql"), URIRef(SD + "feature"), URIRef(SD + "UnionDefaultGraph")) in graph
