"""The SPARQL endpoint as real clients speak to it, on a real server: SPARQLWrapper in its default settings with
every return format, by GET and by POST, and rdflib's SPARQLStore; and the repeated and alias `format=` /
`output=` / `results=` values they send, resolved as the widely used servers resolve them."""

from __future__ import annotations

import warnings
from urllib.parse import urlencode

import httpx
import pytest
from rdflib import Graph
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, GET, JSON, JSONLD, N3, POST, RDF, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

SELECT = "PREFIX dcat: <http://www.w3.org/ns/dcat#> SELECT ?c WHERE { ?c a dcat:Catalog } ORDER BY ?c LIMIT 3"
ASK = "PREFIX dcat: <http://www.w3.org/ns/dcat#> ASK { ?c a dcat:Catalog }"
CONSTRUCT = ("PREFIX dcat: <http://www.w3.org/ns/dcat#> CONSTRUCT { ?c a dcat:Catalog } WHERE { ?c a dcat:Catalog } "
             "LIMIT 3")
DESCRIBE = "PREFIX dcat: <http://www.w3.org/ns/dcat#> DESCRIBE ?c WHERE { ?c a dcat:Catalog } LIMIT 1"


def wrapper(url: str, query: str, fmt: str, method: str) -> SPARQLWrapper:
    sparql = SPARQLWrapper(url + "/sparql")
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    sparql.setMethod(method)
    return sparql


@pytest.mark.parametrize("method", [GET, POST])
@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_tables(live_sample, fmt: str, method: str) -> None:
    for query in (SELECT, ASK):
        result = wrapper(live_sample.url, query, fmt, method).query()
        converted = result.convert()
        if fmt == JSON:
            assert ("boolean" in converted) if query is ASK else len(converted["results"]["bindings"]) == 3
        elif fmt == XML:
            assert converted.documentElement.tagName == "sparql"
        else:
            text = converted.decode() if isinstance(converted, bytes) else converted
            assert text.strip(), (fmt, query)


@pytest.mark.parametrize("method", [GET, POST])
@pytest.mark.parametrize("fmt", [JSONLD, RDFXML, RDF, XML, TURTLE, N3, JSON])
def test_sparqlwrapper_graphs(live_sample, fmt: str, method: str) -> None:
    for query in (CONSTRUCT, DESCRIBE):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SPARQLWrapper warns about its own JSON/CONSTRUCT guesses
            result = wrapper(live_sample.url, query, fmt, method).query()
            converted = result.convert()
        if isinstance(converted, Graph):
            assert len(converted) > 0, (fmt, query)
        else:
            graph = Graph().parse(data=converted, format="turtle" if fmt in (TURTLE, N3) else "json-ld")
            assert len(graph) > 0, (fmt, query)


def test_rdflib_sparqlstore(live_sample) -> None:
    store = SPARQLStore(live_sample.url + "/sparql")
    rows = list(store.query(SELECT))
    assert len(rows) == 3
    assert bool(store.query(ASK))
    graph = Graph(store=store)
    assert len(list(graph.query(CONSTRUCT))) == 3


@pytest.mark.parametrize(("params", "query", "media"), [
    ([("format", "json-ld"), ("format", "application/ld+json,application/x-json+ld"), ("output", "json-ld"),
      ("output", "application/ld+json,application/x-json+ld"), ("results", "json-ld")], CONSTRUCT,
     "application/ld+json"),
    ([("format", "xml"), ("output", "xml"), ("results", "xml")], CONSTRUCT, "application/rdf+xml"),
    ([("format", "xml"), ("output", "xml")], SELECT, "application/sparql-results+xml"),
    ([("format", "nonsense"), ("output", "csv"), ("format", "tsv")], SELECT, "text/csv"),
    ([("output", "json")], CONSTRUCT, "application/ld+json"),
    ([("format", "text/n3")], CONSTRUCT, "text/turtle"),
])
def test_repeated_and_alias_format_values(live_sample, params: list[tuple[str, str]], query: str,
                                          media: str) -> None:
    """The first value understood for the kind of result wins (Virtuoso's format, Fuseki's output, results)."""
    encoded = urlencode([("query", query), *params])  # in this order (httpx would group repeated names)
    for response in (httpx.get(f"{live_sample.url}/sparql?{encoded}", timeout=30),
                     httpx.post(live_sample.url + "/sparql", content=encoded,
                                headers={"content-type": "application/x-www-form-urlencoded"}, timeout=30)):
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].split(";")[0] == media


def test_not_acceptable_never_echoes_the_request(live_sample) -> None:
    for params, headers in (({"format": "zzsecretzz"}, {}), ({}, {"accept": "text/zzsecretzz"}),
                            ({"format": "csv"}, {})):
        response = httpx.get(live_sample.url + "/sparql", params={"query": CONSTRUCT, **params}, headers=headers,
                             timeout=30)
        assert response.status_code == 406 and "zzsecretzz" not in response.text
        assert "text/turtle" in response.text  # what is offered instead
