"""Read the BBMRI-ERIC Directory's EMX2 CSV export: one file per table, header row with the Directory's column
names, comma-separated multi-values inside one quoted cell.

Rows come back as plain dicts with their start line; typing happens in `loader`. A row that the CSV grammar
cannot split into the header's columns (a stray quote, a missing delimiter) is an `InputError` naming the file
and the line the row starts on.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, Problem


@dataclass
class RawTable:
    """One table's rows as read, with the columns it had."""

    name: str
    file: str
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


def _rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """Yield (start line, fields) for every record of `path`, raising InputError on broken CSV."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputError([Problem(f"cannot read the file: {exc.strerror}", file=str(path))]) from exc
    with handle:
        reader = csv.reader(handle, strict=True)
        start = 1
        try:
            for fields in reader:
                yield start, fields
                start = reader.line_num + 1
        except csv.Error as exc:
            raise InputError([Problem(f"broken CSV row ({exc}); look for a stray or unbalanced quote",
                                      file=str(path), line=start)]) from exc
        except UnicodeDecodeError as exc:
            raise InputError([Problem(f"not UTF-8 text ({exc.reason}); save the file as UTF-8 CSV",
                                      file=str(path), line=start)]) from exc


def read_table(path: Path, name: str) -> RawTable:
    """Read one Directory table; every data row must have the header's number of fields.

    Trailing empty fields beyond the header are tolerated (the Directory's own demo export has them); any
    other mismatch usually means a quote opened and never closed, so the row's start line is reported.
    """
    rows = _rows(path)
    try:
        _, header = next(rows)
    except StopIteration:
        raise InputError([Problem("the file is empty: expected a header row with the Directory's column names",
                                  file=str(path), line=1)]) from None
    header = [h.strip() for h in header]
    table = RawTable(name=name, file=str(path), columns=header)
    problems: list[Problem] = []
    width = len(header)
    for line, fields in rows:
        if not any(f.strip() for f in fields):
            continue
        if len(fields) > width and not any(f.strip() for f in fields[width:]):
            fields = fields[:width]
        if len(fields) != width:
            rid = fields[0] if fields else None
            problems.append(Problem(
                f"row has {len(fields)} fields but the header has {width}: a stray quote or an unquoted comma "
                "inside a value (multi-values must be quoted: \"DNA,PLASMA\")",
                file=str(path), line=line, record=rid))
            continue
        table.rows.append((line, dict(zip(header, fields, strict=True))))
    if problems:
        raise InputError(problems)
    return table
