"""The Directory CSV reader: headers, multi-values, the demo's trailing empty fields, broken rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import DEMO

from bbfair.errors import InputError
from bbfair.records.csv_reader import read_table


def test_reads_rows_with_start_lines(sample_dir: Path) -> None:
    table = read_table(sample_dir / "Collections.csv", "Collections")
    assert table.columns[0] == "id" and "diagnosis_available" in table.columns
    assert table.rows[0][0] == 2
    assert len(table.rows) == 71


def test_demo_trailing_empty_fields_are_tolerated() -> None:
    table = read_table(DEMO / "CollectionFacts.csv", "CollectionFacts")
    assert len(table.rows) == 123  # includes the rows with a trailing empty field


def test_stray_quote_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "Persons.csv"
    path.write_text('id,email,country\np1,a@example.be,BE\np2,"b@example.be,BE\np3,c@example.be,BE\n')
    with pytest.raises(InputError) as info:
        read_table(path, "Persons")
    problem = info.value.problems[0]
    assert problem.file == str(path) and problem.line == 3
    assert "quote" in problem.message


def test_quote_inside_a_field_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "Persons.csv"
    path.write_text('id,email,country\np1,a@example.be,BE\np2,"b"x@example.be,BE\n')
    with pytest.raises(InputError) as info:
        read_table(path, "Persons")
    assert info.value.problems[0].line == 3


def test_unquoted_multi_value_names_record(tmp_path: Path) -> None:
    path = tmp_path / "Persons.csv"
    path.write_text("id,email,country\np1,a@example.be,BE\np2,b@example.be,BE,NL\n")
    with pytest.raises(InputError) as info:
        read_table(path, "Persons")
    problem = info.value.problems[0]
    assert (problem.line, problem.record) == (3, "p2")
    assert '"DNA,PLASMA"' in problem.message


def test_empty_file_and_non_utf8(tmp_path: Path) -> None:
    empty = tmp_path / "Biobanks.csv"
    empty.write_text("")
    with pytest.raises(InputError, match="empty"):
        read_table(empty, "Biobanks")
    latin = tmp_path / "Persons.csv"
    latin.write_bytes("id,email\np1,caf\xe9@example.be\n".encode("latin-1"))
    with pytest.raises(InputError, match="UTF-8"):
        read_table(latin, "Persons")
