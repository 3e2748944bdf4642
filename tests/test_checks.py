"""Errors that name the fix once (`bbfair.records.checks`): a missing required column once for the header, no
cascades from rejected records, unknown codes with the closest valid code and where the list is, `convert`
refusing what `validate` refuses on a single record, and one line per cell in the validation report."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from helpers import first_published, set_cell
from typer.testing import CliRunner

from bbfair.cli import app
from bbfair.errors import InputError
from bbfair.records.loader import load_records

runner = CliRunner()


def drop_column(data: Path, table: str, column: str) -> None:
    path = data / f"{table}.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    index = rows[0].index(column)
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([r[:index] + r[index + 1:] for r in rows])


def problems_of(data: Path) -> list:
    with pytest.raises(InputError) as caught:
        load_records(data)
    return caught.value.problems


def test_a_missing_required_column_is_one_problem_for_the_header(sample_copy: Path) -> None:
    drop_column(sample_copy, "Collections", "type")
    problems = problems_of(sample_copy)
    about_type = [p for p in problems if p.column == "type"]
    assert len(about_type) == 1 and about_type[0].line == 1 and "missing from the header" in about_type[0].message
    # the rows that refer to the rejected collections are skipped, said once per file, never "not an id"
    assert not any("not an id" in p.message for p in problems)
    skipped = [p for p in problems if "skipped because" in p.message]
    assert skipped and len(skipped) <= 3 and all("Collections record(s)" in p.message for p in skipped)


def test_a_rejected_person_does_not_make_its_network_dangle(sample_copy: Path) -> None:
    rid, _ = set_cell(sample_copy, "Persons", 0, "email", "")
    problems = problems_of(sample_copy)
    assert [p.record for p in problems if p.column == "email"] == [rid]
    assert not any("not an id" in p.message for p in problems)
    assert any("skipped because the Persons record(s)" in p.message and rid in p.message for p in problems)
    lenient = load_records(sample_copy, lenient=True)
    assert [p.record for p in lenient.problems] == [rid]
    assert any("skipped because" in n for n in lenient.notices)


def test_an_unknown_code_names_the_closest_and_the_list(sample_copy: Path) -> None:
    index = first_published(sample_copy, "Collections")
    set_cell(sample_copy, "Collections", index, "materials", "BLOOD_PLASMA,DNA")
    [problem] = problems_of(sample_copy)
    assert "did you mean 'PLASMA'?" in problem.message and "material-type.ttl" in problem.message
    assert "/vocab/material-type" in problem.message


#: (cells planted in one record, the column reported, the words) — each in another record, checked in one run
FAULTS = [({"number_of_donors": "-5"}, "number_of_donors", "cannot be negative"),
          ({"size": "-7"}, "size", "cannot be negative"),
          ({"age_low": "80", "age_high": "20"}, "age_low", "wrong way round")]


def test_convert_refuses_what_validate_refuses(sample_copy: Path, tmp_path: Path) -> None:
    index = first_published(sample_copy, "Collections")
    planted = []
    for offset, (cells, column, words) in enumerate(FAULTS):
        for name, value in cells.items():
            rid, _ = set_cell(sample_copy, "Collections", index + offset, name, value)
        planted.append((rid, column, words))
    converted = runner.invoke(app, ["convert", str(sample_copy), "-o", str(tmp_path / "out.ttl")])
    assert converted.exit_code != 0
    validated = runner.invoke(app, ["validate", str(sample_copy)])
    assert validated.exit_code == 1
    found = json.loads(runner.invoke(app, ["validate", str(sample_copy), "--format", "json"]).output)
    for rid, column, words in planted:
        assert any(words in line and rid in line and f"column {column}" in line
                   for line in converted.output.splitlines())
        # one line for the cell, in the reader's words, listing every shape set that fails it
        block = validated.output.split(rid, 1)[1].split("\n\n", 1)[0]
        lines = [line for line in block.splitlines() if f"column {column}:" in line and "violation" in line]
        assert len(lines) == 1 and words in lines[0], lines
        assert "input" in lines[0] and "fails profiles health-ri, healthdcat-ap" in lines[0]
        assert sum(f["record"] == rid and f["column"] == column for f in found["findings"]) > 1  # JSON keeps each
