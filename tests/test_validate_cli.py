"""`bbfair validate` as a data manager runs it: exit 0 on the sample, 1 on violations with a finding that names
the record and the column, 2 when the input cannot be read; text, JSON and Turtle reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import first_published, rows, set_cell, write
from rdflib import Graph
from rdflib.namespace import RDF, SH
from typer.testing import CliRunner

from bbfair.cli import app

runner = CliRunner()


def validate(data_dir: Path, *args: str) -> tuple[int, dict]:
    result = runner.invoke(app, ["validate", str(data_dir), "--format", "json", "--no-cache", *args])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def test_sample_conforms_to_every_default_profile(sample_dir: Path) -> None:
    code, report = validate(sample_dir)
    assert code == 0, [f for f in report["findings"] if f["severity"] == "violation"][:5]
    assert report["conforms"] is True
    assert report["summary"]["profiles"] == ["health-ri", "healthdcat-ap"]
    assert set(report["summary"]["shapes"]) == {"health-ri", "healthdcat-ap", "dcat-ap", "fdp", "bbfair",
                                                 "official:health-ri", "official:healthdcat-ap"}
    assert report["summary"]["records"] > 100 and report["summary"]["documents"] > 300


def _collection(data_dir: Path, **cells: str) -> tuple[str, int]:
    index = first_published(data_dir, "Collections")
    for column, value in cells.items():
        rid, line = set_cell(data_dir, "Collections", index, column, value)
    return rid, line


# (table, cells to set, column the finding must name, words the message must contain)
PLANTED = [
    ("Collections", {"age_low": "70", "age_high": "18", "age_unit": "YEAR"}, "age_low", "age"),
    ("Collections", {"materials": "DNA,BLOOD_PUDDING"}, "materials", "unknown code 'BLOOD_PUDDING'"),
    ("Collections", {"number_of_donors": "-12"}, "number_of_donors", ""),
    ("Collections", {"size": "lots"}, "size", "whole number"),
    ("Collections", {"diagnosis_available": "ORPHA:12x"}, "diagnosis_available", "malformed disease code"),
    ("Collections", {"biobank": "bbmri-eric:ID:BE_NOPE"}, "biobank", "not an id in Biobanks"),
    ("Collections", {"contact": "bbmri-eric:contactID:BE_NOBODY"}, "contact", "not an id in Persons"),
    ("Collections", {"name": ""}, "name", "name is required"),
    ("Persons", {"email": "jan.peeters(at)uza.be"}, "email", "email address"),
    ("Collections", {"country": "XX"}, "country", "unknown code 'XX'"),
]


@pytest.mark.parametrize(("table", "cells", "column", "words"), PLANTED,
                         ids=[f"{p[0]}.{p[2]}" for p in PLANTED])
def test_planted_error_exits_1_naming_record_and_column(sample_copy: Path, table: str, cells: dict, column: str,
                                                        words: str) -> None:
    index = first_published(sample_copy, table)
    for name, value in cells.items():
        rid, line = set_cell(sample_copy, table, index, name, value)
    code, report = validate(sample_copy)
    assert code == 1
    hits = [f for f in report["findings"] if f["record"] == rid and f["column"] == column
            and f["severity"] == "violation"]
    assert hits, [f for f in report["findings"] if f["severity"] == "violation"][:5]
    assert any(words in f["message"] for f in hits), hits
    assert all(f["file"].endswith(f"{table}.csv") and f["line"] == line for f in hits)


def test_one_profile_in_json_and_one_shape_set(sample_copy: Path) -> None:
    """`--profile healthdcat-ap` checks that profile's documents with all its shapes, the official R8 files
    included; `--profile fdp` runs bbfair's FDP shape set alone."""
    rid, _ = _collection(sample_copy, number_of_donors="-12")
    code, report = validate(sample_copy, "--profile", "healthdcat-ap")
    assert code == 1 and report["summary"]["profiles"] == ["healthdcat-ap"]
    assert set(report["summary"]["shapes"]) == {"healthdcat-ap", "dcat-ap", "fdp", "bbfair", "official:healthdcat-ap"}
    mine = [f for f in report["findings"] if f["record"] == rid and f["profile"] != "input"]
    assert {f["profile"] for f in mine} == {"healthdcat-ap", "bbfair", "official:healthdcat-ap"}
    # the reader refuses the negative count too (as `bbfair convert` does), and the record is still checked
    assert any(f["record"] == rid and f["profile"] == "input" and "cannot be negative" in f["message"]
               for f in report["findings"])
    assert all(f["profiles"] == ["healthdcat-ap"] for f in mine)
    code, report = validate(sample_copy, "--profile", "fdp")
    assert report["summary"]["shapes"] == ["fdp"]  # the FDP shapes find nothing; the reader's refusal stays
    assert {f["profile"] for f in report["findings"] if f["severity"] == "violation"} == {"input"}



@pytest.mark.parametrize("published", ["both", "health-ri only"])
def test_one_profile_is_checked_on_its_own_documents(sample_copy: Path, published: str) -> None:
    """Regression: `validate --profile healthdcat-ap` checked the default (Health-RI) documents, whose disease
    codes are IRIs, against R8, and failed every collection with a diagnosis; it checks that profile's own
    documents, also when bbfair.toml does not publish it ("would this catalogue pass HealthDCAT-AP?")."""
    if published != "both":
        toml = sample_copy / "bbfair.toml"
        toml.write_text(toml.read_text() + '\n[profiles]\npublish = ["health-ri"]\n')
    code, report = validate(sample_copy, "--profile", "healthdcat-ap")
    assert [f for f in report["findings"] if f["severity"] == "violation"] == []
    assert code == 0 and report["summary"]["profiles"] == ["healthdcat-ap"]

def test_negative_count_is_reported_by_the_standards_and_our_rules(sample_copy: Path) -> None:
    rid, _ = _collection(sample_copy, number_of_donors="-12")
    _, report = validate(sample_copy)
    found = [f for f in report["findings"] if f["record"] == rid and f["column"] == "number_of_donors"]
    assert {"bbfair", "healthdcat-ap", "health-ri", "official:health-ri", "official:healthdcat-ap"} <= \
        {f["profile"] for f in found}
    assert {p for f in found for p in f["profiles"]} == {"health-ri", "healthdcat-ap"}


def test_duplicated_id_names_both_rows(sample_copy: Path) -> None:
    header, data = rows(sample_copy / "Collections.csv")
    data.append(dict(data[first_published(sample_copy, "Collections")]))
    write(sample_copy / "Collections.csv", header, data)
    code, report = validate(sample_copy)
    assert code == 1
    dup = [f for f in report["findings"] if f["column"] == "id" and "duplicated id" in f["message"]]
    assert dup and dup[0]["line"] == len(data) + 1 and dup[0]["record"] == data[-1]["id"]


def test_stray_quote_names_file_and_line(sample_copy: Path) -> None:
    path = sample_copy / "Biobanks.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3].replace(",", ',"', 1)
    path.write_text("".join(lines), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(sample_copy), "--no-cache"])
    assert result.exit_code == 1, result.output
    assert "Biobanks.csv:4" in result.stdout and "quote" in result.stdout


def test_text_report_groups_findings_under_the_record(sample_copy: Path) -> None:
    rid, line = _collection(sample_copy, age_low="70", age_high="18", number_of_donors="-3")
    result = runner.invoke(app, ["validate", str(sample_copy), "--no-cache"])
    assert result.exit_code == 1
    block = result.stdout.split(f"Collections {rid}  (")[1].split("\n\n")[0]
    assert block.startswith(f"{sample_copy / 'Collections.csv'}:{line})")
    assert "column age_low" in block and "column number_of_donors" in block
    assert "does not conform" in result.stdout.splitlines()[-1]


def test_turtle_report_is_a_shacl_validation_report(sample_copy: Path, tmp_path: Path) -> None:
    _collection(sample_copy, number_of_donors="-3")
    out = tmp_path / "report.ttl"
    result = runner.invoke(app, ["validate", str(sample_copy), "--format", "turtle", "-o", str(out), "--no-cache"])
    assert result.exit_code == 1
    graph = Graph().parse(out, format="turtle")
    report = next(graph.subjects(RDF.type, SH.ValidationReport))
    assert graph.value(report, SH.conforms).toPython() is False
    assert len(list(graph.objects(report, SH.result))) >= 3


def test_unreadable_input_exits_2(tmp_path: Path, sample_dir: Path) -> None:
    assert runner.invoke(app, ["validate", str(tmp_path / "missing")]).exit_code == 2
    assert runner.invoke(app, ["validate", str(sample_dir), "--profile", "no-such"]).exit_code == 2
    assert runner.invoke(app, ["validate", str(sample_dir), "--format", "xml"]).exit_code == 2


def test_official_healthdcat_ap_shapes_load_through_shapes_option(sample_dir: Path, official_dir: Path) -> None:
    """R8's path-less property shape is repaired on load and its owl:imports are not fetched. Extra files check
    every published profile's documents: R8 passes its own profile's, and objects to the default (Health-RI)
    profile's disease codes only, which are IRIs there."""
    r8 = official_dir / "healthdcat-ap-r8" / "validator"
    dcat = official_dir / "dcat-ap-3.0.1" / "html-shacl"
    args = ["--profile", "none"]
    for path in (r8 / "ranges/range.ttl", r8 / "shapes/non-public-shapes.ttl", dcat / "shapes.ttl",
                 dcat / "range.ttl"):
        args += ["--shapes", str(path)]
    code, report = validate(sample_dir, *args)
    assert report["summary"]["shapes"] == ["range", "non-public-shapes", "shapes", "html-shacl/range"]
    violations = [f for f in report["findings"] if f["severity"] == "violation"]
    assert code == 1 and violations
    assert {(f["path"], tuple(f["profiles"])) for f in violations} == \
        {("http://healthdataportal.eu/ns/health#hasCodeValues", ("health-ri",))}
