"""What the reader tells about columns and tables it does not publish: each with the reason from
`vocab/unpublished.csv`, so a data manager sees what did not make it into the catalogue and why; a column bbfair
does not know at all (a typo, a column of a newer Directory schema) is reported as unknown."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..rdf import vocab
from .csv_reader import RawTable
from .models import Record


def _has_values(table: RawTable, column: str) -> bool:
    for _line, row in table.rows:
        value = row.get(column)
        if value not in (None, "", []) and not (isinstance(value, str) and not value.strip()):
            return True
    return False


def column_notices(table: RawTable, model: type[Record]) -> list[str]:
    """The notices about `table`'s columns: those not published that hold a value (with the reason), and those
    bbfair does not know."""
    reasons = vocab.unpublished()
    name = Path(table.file).name
    known = set(model.model_fields) | {model.key}
    unpublished: list[str] = []
    unknown: list[str] = []
    for column in table.columns:
        listed = reasons.get((table.name, column))
        if listed is not None:
            if listed.kind == "unpublished" and _has_values(table, column):
                unpublished.append(f"{column} ({listed.reason})")
        elif column not in known and column != "source":
            unknown.append(column)
    out = []
    if unpublished:
        out.append(f"{name}: not published: {'; '.join(unpublished)}")
    if unknown:
        out.append(f"{name}: columns bbfair does not know, ignored: {', '.join(unknown)}")
    return out


def table_notice(table: RawTable) -> str:
    """The notice about a table bbfair reads but does not publish."""
    listed = vocab.unpublished().get((table.name, "*"))
    why = listed.reason if listed is not None else "bbfair does not publish this table"
    return f"{Path(table.file).name}: read and checked, not published: {why}"


def absent_notices(absent: Iterable[tuple[str, str, str]]) -> list[str]:
    """References into tables the export does not include, by (file, column, table): their values are left out."""
    by_file: dict[str, list[str]] = {}
    for file, column, target in sorted(set(absent)):
        by_file.setdefault(file, []).append(f"{column} (refers to {target}, which the export does not include)")
    return [f"{file}: not published: {'; '.join(items)}" for file, items in by_file.items()]
