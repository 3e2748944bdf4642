"""The validator's engine: batching and worker processes change nothing about the results (compared with one
pyshacl call on the whole graph), families stay together, the content-hash cache skips exactly the unchanged
documents, and every result lands on the record it came from."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from helpers import first_published, set_cell
from pyshacl import validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from bbfair.builder.pipeline import convert_directory, validate_directory
from bbfair.validation.engine import batches, own_hash, results_of, validate_resources
from bbfair.validation.run import background
from bbfair.validation.shapesets import load_profiles


@pytest.fixture(scope="module")
def official(official_dir: Path):
    ref = official_dir
    return load_profiles([], [ref / "health-ri-core-v2/ValidationShape/HRI-Datamodel-shapes.ttl",
                              ref / "dcat-ap-3.0.1/html-shacl/shapes.ttl"])


@pytest.fixture(scope="module")
def conversion(sample_dir: Path):
    return convert_directory(sample_dir)


@pytest.fixture(scope="module")
def r8_only(sample_dir: Path):
    """The sample published in the HealthDCAT-AP profile only: literal disease codes, which Health-RI's
    official file objects to (findings for the tests below to trace)."""
    from bbfair.config import Profiles, load_config
    from bbfair.mapping import convert
    from bbfair.records import load_records

    config = load_config(sample_dir)
    config = config.model_copy(update={"profiles": Profiles(publish=["healthdcat-ap"])})
    return convert(load_records(sample_dir), config)


def _key(result) -> tuple:
    return (result.focus, result.path, result.value, result.severity, result.shape)


@pytest.mark.parametrize("workers", [1, 2])
def test_batched_results_equal_one_whole_graph_call(r8_only, official, workers: int) -> None:
    conversion = r8_only
    bg = background(conversion.base)
    whole = Graph()
    for triple in {t for r in conversion.resources for t in r.document()} | set(bg):
        whole.add(triple)
    _, report, _ = validate(whole, shacl_graph=official.graph, inference="none", advanced=False,
                            allow_warnings=True, do_owl_imports=False)
    expected = Counter(_key(r) for r in results_of(report))
    assert expected, "the sample has literal hasCodeValues, which Health-RI objects to"
    outcome = validate_resources(conversion.resources, official, bg, workers=workers)
    got = Counter(_key(r) for found in outcome.results.values() for r in found)
    assert got == expected
    assert outcome.validated == len(conversion.resources)


def test_batches_keep_a_catalogue_with_its_datasets_and_distributions(conversion) -> None:
    resources = conversion.resources
    plan = batches(resources, range(len(resources)), target=1)  # every family is its own batch
    batch_of = {resources[i].iri: n for n, batch in enumerate(plan) for i in batch}
    assert sorted(i for batch in plan for i in batch) == list(range(len(resources)))
    by_iri = {r.iri: r for r in resources}
    for res in conversion.by_kind("distribution"):
        dataset = by_iri[res.parent]
        assert batch_of[res.iri] == batch_of[dataset.iri]
        if by_iri[dataset.parent].kind == "catalog":
            assert batch_of[dataset.iri] == batch_of[dataset.parent]


def test_content_hash_ignores_order_and_sees_datatypes() -> None:
    s, p = URIRef("http://x/s"), URIRef("http://x/p")
    triples = [(s, p, Literal("1", datatype=XSD.nonNegativeInteger)), (s, p, URIRef("http://x/o"))]
    assert own_hash(triples) == own_hash(list(reversed(triples)))
    assert own_hash(triples) != own_hash([(s, p, Literal("1", datatype=XSD.integer)), triples[1]])
    assert own_hash(triples) != own_hash([(s, p, Literal("1")), triples[1]])


def test_unchanged_documents_are_not_validated_again(sample_copy: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # the FDP root's metadata times come from the clock
    cache = tmp_path / "cache"
    first = validate_directory(sample_copy, cache_dir=cache)
    assert first.validated == first.resources
    again = validate_directory(sample_copy, cache_dir=cache)
    assert again.validated == 0
    assert [(f.record, f.message) for f in again.findings] == [(f.record, f.message) for f in first.findings]
    # one collection changes: its dataset, distribution and the catalogues embedding it are checked again
    rid, _ = set_cell(sample_copy, "Collections", first_published(sample_copy, "Collections"), "number_of_donors",
                      "-7")
    changed = validate_directory(sample_copy, cache_dir=cache)
    assert 2 <= changed.validated <= 8
    assert any(f.record == rid and f.column == "number_of_donors" for f in changed.findings)
    assert not changed.conforms


def test_findings_on_distributions_and_containers_point_at_the_collection_row(r8_only, official) -> None:
    from bbfair.validation.run import validate_conversion

    conversion = r8_only
    report = validate_conversion(conversion, official, workers=1)
    code_findings = [f for f in report.findings if f.column == "diagnosis_available"]
    assert code_findings
    for finding in code_findings:
        assert finding.table == "Collections" and finding.file.endswith("Collections.csv") and finding.line >= 2
        assert finding.record in {r.record_id for r in conversion.by_kind("dataset")}


@pytest.fixture(scope="module")
def profiles():
    return load_profiles()


def _both_ways(conversion, shapes) -> tuple[Counter, Counter]:
    bg = background(conversion.base)
    fast = validate_resources(conversion.resources, shapes, bg, workers=1)
    full = validate_resources(conversion.resources, shapes, bg, workers=1, fast=False)
    count = lambda outcome: Counter(_key(r) for found in outcome.results.values() for r in found)  # noqa: E731
    return count(fast), count(full)


def test_fast_precheck_is_complete_for_our_profiles_and_the_official_core_files(profiles, official) -> None:
    assert profiles.checker().complete and official.checker().complete


@pytest.mark.parametrize("planted", [
    {}, {"age_low": "70", "age_high": "18"}, {"number_of_donors": "-4", "size": "-1"},
    {"materials": "", "description": "", "url": ""}, {"sex": "", "storage_temperatures": ""},
])
def test_fast_precheck_changes_no_result(sample_copy: Path, profiles, planted: dict) -> None:
    """Whatever pyshacl reports on its own, the pre-checked run reports too, and nothing else."""
    from bbfair.config import load_config
    from bbfair.mapping import convert
    from bbfair.records import load_records

    index = first_published(sample_copy, "Collections")
    for column, value in planted.items():
        set_cell(sample_copy, "Collections", index, column, value)
    conv = convert(load_records(sample_copy, lenient=True), load_config(sample_copy))
    fast, full = _both_ways(conv, profiles)
    assert fast == full
    if planted:
        assert full, "a planted problem must give at least one result"


def test_an_undescribed_publisher_is_a_violation_with_the_fast_checker(conversion) -> None:
    """Regression: pyshacl with `focus_nodes` skipped the `sh:node` check of a publisher not described in the
    document, so the checked run passed what the full run rejects (found by the harvest self-check)."""
    from bbfair.rdf import vocab
    from bbfair.validation.engine import run_batch

    res = next(r for r in conversion.resources if r.kind == "dataset")
    doc = res.document()
    publisher = next(o for s, p, o in doc if s == res.iri and str(p) == "http://purl.org/dc/terms/publisher")
    stripped = {t for t in doc if t[0] != publisher}
    shapes = load_profiles(["health-ri"])
    bg = set(vocab.background())
    full = {_key(r) for r in run_batch([stripped], shapes.graph, bg, None)}
    checked = {_key(r) for r in run_batch([stripped], shapes.graph, bg, shapes.checker())}
    assert full and checked == full
    assert any("publisher" in r[1] for r in checked)
