"""`bbfair query` on a built store: result formats by query form, predeclared prefixes, read-only."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from rdflib import Graph
from typer.testing import CliRunner

from bbfair.builder.publish import build
from bbfair.cli import app
from bbfair.errors import StoreError
from bbfair.rdf.namespaces import prefixes
from bbfair.store.query import query_form, run

runner = CliRunner()
COUNT = "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a dcat:Dataset }"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, sample_dir: Path) -> Path:
    data = tmp_path_factory.mktemp("data")
    shutil.copytree(sample_dir, data, dirs_exist_ok=True)
    target = tmp_path_factory.mktemp("store") / "site"
    assert build(data, target).status == "published"
    return target


def datasets_in_sample(sample_dir: Path) -> int:
    with (sample_dir / "Collections.csv").open(encoding="utf-8", newline="") as handle:
        return sum(1 for r in csv.DictReader(handle) if r.get("withdrawn", "false") != "true")


def test_select_in_every_table_format(store: Path, sample_dir: Path) -> None:
    n = datasets_in_sample(sample_dir)
    body = json.loads(run(store, COUNT).body)  # JSON by default
    assert int(body["results"]["bindings"][0]["n"]["value"]) == n
    assert run(store, COUNT, "csv").body.decode().splitlines() == ["n", str(n)]
    assert run(store, COUNT, "tsv").body.decode().splitlines()[0] == "?n"
    assert b"<sparql" in run(store, COUNT, "xml").body
    assert run(store, "ASK { ?d a dcat:Dataset }", "json").body.strip().endswith(b"true}")


def test_construct_as_rdf_without_duplicates(store: Path) -> None:
    query = "CONSTRUCT { ?c a dcat:Catalog } WHERE { ?c a dcat:Catalog ; dcat:dataset ?d }"
    answer = run(store, query)
    assert answer.media_type == "text/turtle"
    text = answer.body.decode()
    graph = Graph().parse(data=text, format="turtle")
    assert len(graph) == text.count("dcat:Catalog") > 0  # one line per catalogue, not one per dataset
    nt = run(store, query, "nt").body.decode()
    assert len(nt.splitlines()) == len(graph)
    assert json.loads(run(store, query, "jsonld").body)


def test_form_and_format_must_fit(store: Path) -> None:
    with pytest.raises(StoreError, match="result table"):
        run(store, COUNT, "turtle")
    with pytest.raises(StoreError, match="gives RDF"):
        run(store, "CONSTRUCT WHERE { ?s a dcat:Dataset }", "csv")
    with pytest.raises(StoreError, match="unknown --format"):
        run(store, COUNT, "yaml")
    assert query_form("PREFIX x: <http://x/>\n# a comment\nselect * {}") == "SELECT"


def test_updates_are_refused_and_change_nothing(store: Path, sample_dir: Path) -> None:
    for update in ("INSERT DATA { <http://a> <http://b> <http://c> }", "DELETE WHERE { ?s ?p ?o }",
                   "CLEAR ALL", "DROP ALL", "LOAD <http://example.org/x.ttl>"):
        result = runner.invoke(app, ["query", update, "--store", str(store)])
        assert result.exit_code == 2 and "read-only" in result.output, result.output
    n = json.loads(run(store, COUNT).body)["results"]["bindings"][0]["n"]["value"]
    assert int(n) == datasets_in_sample(sample_dir)


def test_cli_query_from_file_and_syntax_errors(store: Path, tmp_path: Path) -> None:
    query = tmp_path / "q.rq"
    query.write_text("SELECT ?t WHERE { ?c a dcat:Catalog ; dct:title ?t } ORDER BY ?t LIMIT 2", encoding="utf-8")
    result = runner.invoke(app, ["query", f"@{query}", "--store", str(store), "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0] == ["t"] and len(rows) == 3
    bad = runner.invoke(app, ["query", "SELECT ?x WHERE { ?x", "--store", str(store)])
    assert bad.exit_code == 2 and "not valid SPARQL" in bad.output
    missing = runner.invoke(app, ["query", "@/no/such/file.rq", "--store", str(store)])
    assert missing.exit_code == 2 and "cannot read" in missing.output


def test_canonical_literals_in_answers_but_not_in_documents(store: Path) -> None:
    """Oxigraph answers counts as xsd:integer (its canonical form); the stored documents keep the validated
    xsd:nonNegativeInteger (see DESIGN.md, measured pitfalls)."""
    from bbfair.store.local import LocalStore

    body = json.loads(run(store, "SELECT ?n WHERE { ?d healthdcatap:numberOfUniqueIndividuals ?n } LIMIT 1").body)
    assert body["results"]["bindings"][0]["n"]["datatype"].endswith("#integer")
    live = LocalStore.open(store).open_live()
    try:
        doc = live.documents.get(next(iter(live.documents.iris("dataset"))))
    finally:
        live.close()
    assert doc is not None and "numberOfUniqueIndividuals> \"" in doc.ntriples
    assert "#nonNegativeInteger>" in doc.ntriples


def test_engine_caps_results_at_max_rows_in_every_format(store: Path) -> None:
    """`execute` (the engine of `bbfair query` and `/sparql`) stops reading at the cap, says so, and gives the
    same bytes as Oxigraph's own serialiser when the cap does not apply."""
    from bbfair.store.local import LocalStore
    from bbfair.store.query import TABLE_FORMATS, NotAcceptableError, execute

    live = LocalStore.open(store).open_live()
    try:
        every = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
        capped = execute(live.quads, every, table="json", max_rows=7)
        assert capped.truncated and capped.rows == 7 and capped.kind == "table"
        assert len(json.loads(capped.body)["results"]["bindings"]) == 7
        assert len(execute(live.quads, every, table="csv", max_rows=7).body.decode().splitlines()) == 8
        assert execute(live.quads, every, table="xml", max_rows=7).body.count(b"<result>") == 7
        small = "SELECT ?c ?t WHERE { ?c a dcat:Catalog ; dct:title ?t } ORDER BY ?c"
        for key, (fmt, _media) in TABLE_FORMATS.items():
            direct = live.quads.query(small, prefixes=prefixes(), use_default_graph_as_union=True)
            answer = execute(live.quads, small, table=key, max_rows=10_000)
            assert answer.body == direct.serialize(format=fmt) and not answer.truncated, key
        graph = execute(live.quads, "CONSTRUCT { ?c a dcat:Catalog } WHERE { ?c a dcat:Catalog ; dcat:dataset ?d }",
                        graph="nt", max_rows=3)
        assert graph.truncated and graph.rows == 3 and len(set(graph.body.splitlines())) == 3
        with pytest.raises(NotAcceptableError):
            execute(live.quads, "CONSTRUCT WHERE { ?s a dcat:Catalog }", graph=None)
        with pytest.raises(NotAcceptableError):
            execute(live.quads, "ASK { ?s ?p ?o }", table=None)
    finally:
        live.close()
