"""Loading records: typed models with their source; every planted error names file, line, record and column,
and the conversion stops with a non-zero exit and no output."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import first_published, rows, set_cell

from bbfair.errors import InputError
from bbfair.records import load_records


def test_sample_loads_and_drops_withdrawn(sample_dir: Path) -> None:
    cat = load_records(sample_dir)
    assert len(cat.biobanks) == 19 and len(cat.collections) == 68 and len(cat.networks) >= 3
    assert "bbmri-eric:ID:BE_ELPB" in cat.withdrawn
    assert all(c.biobank != "bbmri-eric:ID:BE_ELPB" for c in cat.collections.values())
    coll = next(iter(cat.collections.values()))
    assert coll.source.file.endswith("Collections.csv") and coll.source.line and coll.source.line >= 2
    assert isinstance(coll.materials, list)
    assert any(n.startswith("Collections.csv: not published: head (") for n in cat.notices)


def test_demo_export_loads_as_is(demo_dir: Path) -> None:
    cat = load_records(demo_dir)
    assert len(cat.collections) == 3
    assert cat.collections["bbmri-eric:ID:NL_biobank2:collection:coll2a"].parent_collection.endswith("coll2")
    assert cat.collections["bbmri-eric:ID:DE_biobank1:collection:coll1"].sex == ["MALE", "NEUTERED_MALE"]


def planted(data_dir: Path, table: str, column: str, value: str) -> tuple[InputError, str, int]:
    index = first_published(data_dir, table)
    rid, line = set_cell(data_dir, table, index, column, value)
    with pytest.raises(InputError) as info:
        load_records(data_dir)
    return info.value, rid, line


@pytest.mark.parametrize(("table", "column", "value", "expected"), [
    ("Collections", "materials", "DNA,BLOOD_PUDDING", "unknown code 'BLOOD_PUDDING'"),
    ("Collections", "size", "12a", "expected a whole number"),
    ("Collections", "number_of_donors", "lots", "expected a whole number"),
    ("Collections", "diagnosis_available", "ORPHA:XYZ", "malformed disease code 'ORPHA:XYZ'"),
    ("Collections", "biobank", "bbmri-eric:ID:BE_nope", "not an id in Biobanks"),
    ("Collections", "contact", "bbmri-eric:contactID:BE_nobody", "not an id in Persons"),
    ("Collections", "name", "", "name is required"),
    ("Collections", "country", "XX", "unknown code 'XX'"),
    ("Collections", "age_unit", "DECADE", "unknown code 'DECADE'"),
    ("Collections", "access_uri", "www.example.be/access", "web address"),
    ("Persons", "email", "not-an-email", "email address"),
    ("Biobanks", "contact", "", "contact is required"),
])
def test_planted_error_names_record_and_column(sample_copy, table, column, value, expected) -> None:
    error, rid, line = planted(sample_copy, table, column, value)
    matching = [p for p in error.problems if p.record == rid and p.column == column]
    assert matching, [str(p) for p in error.problems]
    problem = matching[0]
    assert expected in problem.message
    assert problem.file.endswith(f"{table}.csv") and problem.line == line
    assert f"{table}.csv:{line}" in str(problem)


def test_duplicated_id_points_at_both_rows(sample_copy: Path) -> None:
    _header, data = rows(sample_copy / "Persons.csv")
    set_cell(sample_copy, "Persons", 1, "id", data[0]["id"])
    with pytest.raises(InputError) as info:
        load_records(sample_copy)
    problem = next(p for p in info.value.problems if "duplicated id" in p.message)
    assert problem.line == 3 and problem.column == "id" and "Persons.csv:2" in problem.message


def test_missing_required_table(sample_copy: Path) -> None:
    (sample_copy / "Persons.csv").unlink()
    with pytest.raises(InputError, match=r"Persons\.csv is missing"):
        load_records(sample_copy)


def test_all_problems_reported_at_once(sample_copy: Path) -> None:
    set_cell(sample_copy, "Collections", first_published(sample_copy, "Collections"), "size", "x")
    set_cell(sample_copy, "Persons", 0, "email", "nope")
    with pytest.raises(InputError) as info:
        load_records(sample_copy)
    assert {p.column for p in info.value.problems} >= {"size", "email"}
