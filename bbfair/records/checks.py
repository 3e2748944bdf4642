"""Checks on records that name the fix once: a required column missing from a file's header (one problem for the
header line, not one per row), an unknown code with the closest valid one and where the list is, values that
validation would refuse on a single record (a negative count, an age range the wrong way round) so that
`bbfair convert` and `bbfair validate` never disagree, and records skipped because a record they refer to was
rejected (said once per file, instead of a false "not an id" for each).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from pathlib import Path

from ..errors import Problem
from ..rdf import vocab
from .csv_reader import RawTable
from .models import Record

#: columns holding counts, which cannot be negative
COUNTS = ("size", "number_of_donors", "age_low", "age_high")
#: how many ids a grouped message names before "…"
SHOWN = 3


def missing_columns(table: RawTable, model: type[Record]) -> list[str]:
    """The required columns of `model` that `table`'s header does not have."""
    present = set(table.columns)
    return [name for name, info in model.model_fields.items()
            if info.is_required() and name != "source" and (name == model.key or name != "id")
            and name not in present]


def missing_column_problems(table: RawTable, columns: list[str]) -> list[Problem]:
    """One problem per missing required column, on the header line."""
    return [Problem(f"the required column {column} is missing from the header: add it (every row needs a value "
                    f"in it); the rows of {Path(table.file).name} cannot be read until then",
                    file=table.file, line=1, column=column) for column in columns]


def code_list_location(scheme: str) -> str:
    """Where a data manager finds a code list's valid codes."""
    if scheme in vocab.code_lists():
        return (f"the list is in {vocab.vocab_path('codelists') / f'{scheme}.ttl'} (skos:notation), and a "
                f"running `bbfair serve` shows it at /vocab/{scheme}")
    files = {"country": "countries.csv", "language": "languages.csv", "theme": "health-themes.csv"}
    if scheme in files:
        return f"the list is in {vocab.vocab_path(files[scheme])}"
    return "see the Directory's code list"


def unknown_code(code: str, scheme: str, known: Iterable[str]) -> str:
    """The message for a code not in `scheme`: the closest valid code (when one is close) and where the list is."""
    close = difflib.get_close_matches(code, list(known), n=1, cutoff=0.6)
    if not close:
        upper = {k.upper(): k for k in known}
        close = [upper[code.upper()]] if code.upper() in upper else []
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"unknown code {code!r}: not in the Directory's {scheme} code list{hint} ({code_list_location(scheme)})"


def value_problems(record: Record) -> list[Problem]:
    """What validation would refuse in this record's own values, found before conversion."""
    problems: list[Problem] = []

    def add(column: str, message: str) -> None:
        problems.append(Problem(message, file=record.source.file, line=record.source.line, record=record.id,
                                column=column))

    for column in COUNTS:
        value = getattr(record, column, None)
        if isinstance(value, int) and value < 0:
            add(column, f"{column} cannot be negative (got {value}): give 0 or more, or leave it empty")
    low, high = getattr(record, "age_low", None), getattr(record, "age_high", None)
    if isinstance(low, int) and isinstance(high, int) and 0 <= high < low:
        add("age_low", f"age_low ({low}) is above age_high ({high}): the range is the wrong way round; swap "
                       "them or correct the one that is wrong")
    return problems


def skipped_notices(blocked: Mapping[tuple[str, str], list[tuple[str, str]]]) -> list[str]:
    """One line per (file, table referred to): the records skipped because the records they need were rejected.
    `blocked` maps (file, table referred to) to (record id, rejected id) pairs."""
    out = []
    for (file, target), pairs in sorted(blocked.items()):
        records = sorted({rid for rid, _ in pairs})
        rejected = sorted({ref for _, ref in pairs})
        out.append(f"{Path(file).name}: {len(records)} record(s) skipped because the {target} record(s) they "
                   f"refer to were rejected ({_few(rejected)}): fix those first ({_few(records)})")
    return out


def _few(items: list[str]) -> str:
    return ", ".join(items[:SHOWN]) + (f" and {len(items) - SHOWN} more" if len(items) > SHOWN else "")
