"""Violations-only validation (what `bbfair build` runs): every violation is exactly the one a full run reports,
warnings and infos name the same (focus node, shape) pairs without pyshacl having run for them, and the mode
never leaks into a default run or its cache."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import first_published, set_cell
from pyshacl import validate
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, SH

from bbfair.builder.pipeline import convert_directory
from bbfair.mapping import Conversion
from bbfair.validation import engine
from bbfair.validation.engine import Result, results_of, run_batch, validate_resources
from bbfair.validation.fastcheck import FastChecker
from bbfair.validation.fastindex import Index
from bbfair.validation.run import background, validate_conversion
from bbfair.validation.shapesets import PROFILES, load_profiles

#: not `from rdflib.namespace import DCAT`: pytest's collection probes module attributes, and DCAT warns
#: on every name it does not define
CONTACT_POINT = URIRef("http://www.w3.org/ns/dcat#contactPoint")

EX = "http://example.org/"
PREFIXES = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

#: ex:S mixes a Violation, a Warning and an Info property shape; ex:W is a Warning node shape whose own check
#: (sh:class) warns while its property shape, with no sh:severity of its own, is a Violation
SHAPES = PREFIXES + """
ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property ex:need, ex:nice, ex:hint .
ex:need a sh:PropertyShape ; sh:path ex:title ; sh:minCount 1 ; sh:message "a title is required" .
ex:nice a sh:PropertyShape ; sh:path ex:page ; sh:minCount 1 ; sh:severity sh:Warning ;
  sh:message "a page is recommended" ; sh:name "page" .
ex:hint a sh:PropertyShape ; sh:path ex:note ; sh:datatype xsd:string ; sh:severity sh:Info ; sh:name "note" .
ex:W a sh:NodeShape ; sh:targetClass ex:D ; sh:severity sh:Warning ; sh:class ex:Known ; sh:property ex:id .
ex:id a sh:PropertyShape ; sh:path ex:id ; sh:minCount 1 .
"""


def ex(name: str) -> URIRef:
    return URIRef(EX + name)


@pytest.fixture(scope="module")
def tiny() -> tuple[Graph, FastChecker]:
    shapes = Graph().parse(data=SHAPES, format="turtle")
    checker = FastChecker(shapes)
    assert checker.complete
    return shapes, checker


def _data(turtle: str) -> Graph:
    return Graph().parse(data=PREFIXES + turtle, format="turtle")


def _pyshacl(data: Graph, shapes: Graph) -> list[Result]:
    _, report, _ = validate(data, shacl_graph=shapes, inference="none", advanced=False, allow_warnings=True,
                            allow_infos=True)
    return results_of(report)


def _pairs(results: list[Result]) -> set[tuple[str, str | None]]:
    return {(r.focus, r.shape) for r in results if r.severity != "Violation"}


def _violations(results: list[Result]) -> set[Result]:
    return {r for r in results if r.severity == "Violation"}


# --- triage on a hand-built shapes graph ---------------------------------------------------------------------

def test_severity_is_compiled_per_shape(tiny) -> None:
    _, checker = tiny
    severity = {name: checker.compiled[ex(name)].severity for name in ("S", "need", "nice", "hint", "W", "id")}
    assert severity == {"S": SH.Violation, "need": SH.Violation, "nice": SH.Warning, "hint": SH.Info,
                        "W": SH.Warning, "id": SH.Violation}


def test_triage_sends_only_pairs_with_a_violation_to_pyshacl(tiny) -> None:
    _, checker = tiny
    data = _data("""
        ex:warned a ex:C ; ex:title "T" ; ex:note 1 .
        ex:broken a ex:C .
        ex:fine a ex:C ; ex:title "T" ; ex:page ex:p ; ex:note "n" .""")
    index = Index(data)
    violations, warnings = checker.triage(index)
    assert violations == {ex("S"): [ex("broken")]}
    assert sorted(warnings) == sorted([(ex("nice"), ex("warned")), (ex("hint"), ex("warned"))])
    # the pass/fail pre-check still fails the warning-only focus: failures() is unchanged
    failures = checker.failures(index)
    assert list(failures) == [ex("S")] and set(failures[ex("S")]) == {ex("warned"), ex("broken")}


def test_triage_of_a_warning_node_shape(tiny) -> None:
    _, checker = tiny
    violations, warnings = checker.triage(Index(_data("ex:d a ex:D ; ex:id 1 .")))
    assert violations == {} and warnings == [(ex("W"), ex("d"))]
    violations, warnings = checker.triage(Index(_data("ex:e a ex:D .")))  # its property shape is a Violation
    assert violations == {ex("W"): [ex("e")]} and warnings == []


def test_warning_only_batch_never_calls_pyshacl(tiny, monkeypatch) -> None:
    shapes, checker = tiny
    data = _data('ex:warned a ex:C ; ex:title "T" ; ex:note 1 .')
    monkeypatch.setattr(engine, "check", lambda *a, **k: pytest.fail("an engine ran for warnings only"))
    got = run_batch([set(data)], shapes, [], checker, violations_only=True)
    assert set(got) == {
        Result(f"<{EX}warned>", f"<{EX}page>", None, "Warning", "a page is recommended", f"<{EX}nice>"),
        Result(f"<{EX}warned>", f"<{EX}note>", None, "Info", "note", f"<{EX}hint>"),
    }
    monkeypatch.undo()
    assert _pairs(got) == _pairs(_pyshacl(data, shapes))


def test_mixed_batch_matches_the_default_run(tiny) -> None:
    shapes, checker = tiny
    data = _data("""
        ex:warned a ex:C ; ex:title "T" ; ex:note 1 .
        ex:both a ex:C ; ex:note 2 .
        ex:d a ex:D ; ex:id 1 .
        ex:e a ex:D .""")
    default = run_batch([set(data)], shapes, [], checker)
    fast = run_batch([set(data)], shapes, [], checker, violations_only=True)
    assert _violations(fast) == _violations(default) and _violations(fast)
    assert _pairs(fast) == _pairs(default) == _pairs(_pyshacl(data, shapes))
    assert len(fast) == len(set(fast)), "a pair pyshacl reported on is not approximated again"


def test_incomplete_checker_stays_exact() -> None:
    shapes = Graph().parse(data=PREFIXES + """ex:S a sh:NodeShape ; sh:targetClass ex:C ;
        sh:sparql [ sh:select "SELECT $this WHERE { $this <http://example.org/p> <http://example.org/o> }" ] ;
        sh:property [ sh:path ex:page ; sh:minCount 1 ; sh:severity sh:Warning ] .""", format="turtle")
    checker = FastChecker(shapes)
    assert not checker.complete
    data = _data("ex:x a ex:C ; ex:p ex:o .")
    default = run_batch([set(data)], shapes, [], checker)
    assert {r.severity for r in default} == {"Violation", "Warning"}
    assert sorted(map(str, run_batch([set(data)], shapes, [], checker, violations_only=True))) == \
        sorted(map(str, default))


# --- the default profiles on the sample and planted errors ---------------------------------------------------

@pytest.fixture(scope="module")
def profiles():
    return load_profiles(PROFILES)


def _planted_cells(data_dir: Path, cells: dict[str, str]) -> Conversion:
    from bbfair.config import load_config
    from bbfair.mapping import convert
    from bbfair.records import load_records

    index = first_published(data_dir, "Collections")
    for column, value in cells.items():
        set_cell(data_dir, "Collections", index, column, value)
    return convert(load_records(data_dir, lenient=True), load_config(data_dir))


def _planted_document(data_dir: Path) -> Conversion:
    """A collection without its mandatory name, description and contact, and with an access-rights value that
    is no EU access right: errors the converter cannot make from CSV, planted in the converted document."""
    conversion = convert_directory(data_dir)
    dataset = conversion.by_kind("dataset")[0]
    dropped = (DCTERMS.title, DCTERMS.description, CONTACT_POINT, DCTERMS.accessRights)
    keep = lambda t: not (t[0] == dataset.iri and t[1] in dropped)  # noqa: E731
    dataset.triples = {t for t in dataset.triples if keep(t)}
    dataset.triples.add((dataset.iri, DCTERMS.accessRights, URIRef("http://example.org/no-such-rights")))
    dataset.summary = [t for t in dataset.summary if keep(t)]
    return conversion


def _both_modes(conversion: Conversion, shapes, workers: int = 1) -> tuple[list[Result], list[Result]]:
    bg = background(conversion.base)
    runs = [validate_resources(conversion.resources, shapes, bg, workers=workers, violations_only=mode)
            for mode in (False, True)]
    default, fast = ([r for found in run.results.values() for r in found] for run in runs)
    return default, fast


VARIANTS = {
    "sample": {},
    "negative donors, no diagnoses": {"number_of_donors": "-12", "diagnosis_available": ""},
    "age range upside down": {"age_low": "70", "age_high": "18"},
    "negative size": {"size": "-1"},
}


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_violations_exact_and_warnings_named_on_planted_cells(sample_copy: Path, profiles, variant: str) -> None:
    default, fast = _both_modes(_planted_cells(sample_copy, VARIANTS[variant]), profiles)
    assert _violations(fast) == _violations(default)
    assert _pairs(fast) == _pairs(default) and _pairs(default), "the sample has recommended values missing"
    if VARIANTS[variant]:
        assert _violations(default), "a planted error must give a violation"


def test_violations_exact_on_missing_and_unknown_mandatory_values(sample_copy: Path, profiles) -> None:
    default, fast = _both_modes(_planted_document(sample_copy), profiles, workers=2)
    paths = {r.path for r in _violations(default)}
    assert {DCTERMS.title.n3(), DCTERMS.description.n3(), CONTACT_POINT.n3(), DCTERMS.accessRights.n3()} <= paths
    assert _violations(fast) == _violations(default)
    assert _pairs(fast) == _pairs(default)


def test_violations_only_results_are_cached_under_their_own_key(sample_dir: Path, profiles, tmp_path: Path) -> None:
    conversion = convert_directory(sample_dir)
    cache = tmp_path / "cache.json"
    first = validate_conversion(conversion, profiles, cache_path=cache, workers=1, violations_only=True)
    assert json.loads(cache.read_text())["key"].endswith(":violations-only")
    again = validate_conversion(conversion, profiles, cache_path=cache, workers=1, violations_only=True)
    assert again.validated == 0 and len(again.findings) == len(first.findings)
    full = validate_conversion(conversion, profiles, cache_path=cache, workers=1)
    assert full.validated == full.resources, "a full run never reuses approximate warnings"
    assert not json.loads(cache.read_text())["key"].endswith(":violations-only")


def test_precomputed_hashes_are_used_as_given(sample_dir: Path, profiles) -> None:
    conversion = convert_directory(sample_dir)
    bg = background(conversion.base)
    first = validate_resources(conversion.resources, profiles, bg, workers=1, violations_only=True)
    given = validate_resources(conversion.resources, profiles, bg, workers=2, violations_only=True,
                               hashes=first.hashes)
    assert given.hashes == first.hashes
    assert {i: set(rs) for i, rs in given.results.items()} == {i: set(rs) for i, rs in first.results.items()}
    cached = {first.hashes[i]: rs for i, rs in first.results.items()}
    reused = validate_resources(conversion.resources, profiles, bg, cached, workers=2, hashes=first.hashes)
    assert reused.validated == 0
    with pytest.raises(ValueError):
        validate_resources(conversion.resources, profiles, bg, workers=1, hashes=first.hashes[1:])
