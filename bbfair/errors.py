"""Errors about the user's input, carrying where the problem is so messages can point at the row.

Every problem a data manager can fix (a bad code, a missing reference, a malformed number, a broken CSV row,
a config key) is an `InputError` with the file, line, record id and column it concerns. The CLI prints them
and exits non-zero; nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as precisely as the reader knows."""

    message: str
    file: str | None = None
    line: int | None = None
    record: str | None = None
    column: str | None = None
    severity: str = "error"

    def location(self) -> str:
        """`file:line` (or whichever part is known)."""
        if self.file and self.line:
            return f"{self.file}:{self.line}"
        return self.file or ""

    def __str__(self) -> str:
        parts = [p for p in (self.location(),) if p]
        if self.record:
            parts.append(f"record {self.record}")
        if self.column:
            parts.append(f"column {self.column}")
        where = ", ".join(parts)
        return f"{where}: {self.message}" if where else self.message


@dataclass
class InputError(Exception):
    """The input cannot be converted; `problems` lists every reason found (not just the first)."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)

    def __reduce__(self) -> tuple:
        # however it was made, it pickles with its problems (a build's child process sends it to the parent)
        return type(self), (self.problems,), self.__dict__


class ConfigError(InputError):
    """`bbfair.toml` is missing, unreadable or has a bad key."""


class StoreError(Exception):
    """A store cannot be opened, locked or written: the message says which store, what happened and what to
    do. Nothing published before is touched."""
