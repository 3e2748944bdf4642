"""Each resource's document as validated, with its version tag and time, in one SQLite file per build.

The web tier serves resources from here (never re-reading them from Oxigraph, which canonicalises literal
datatypes), so a GET is one indexed lookup. Bodies are zlib-compressed N-Triples: catalogue documents embed
their members' summaries and compress about tenfold. SQLite gives atomic commits and concurrent readers for
free; a build writes its own copy and never touches the live one.

A document is kept in the default publication profile (`documents`) and, for each other profile in which it
differs, as the change that makes that profile's document from the default one (`variants`: the N-Triples lines
to take out and to add; a catalogue that differs in a few disease codes of its datasets is not stored twice). A
profile without a row of its own has the default document.
"""

from __future__ import annotations

import sqlite3
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    iri TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    etag TEXT NOT NULL,
    modified TEXT NOT NULL,
    parent TEXT,
    body BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS variants (
    iri TEXT NOT NULL,
    profile TEXT NOT NULL,
    change BLOB NOT NULL,
    PRIMARY KEY (iri, profile)
) WITHOUT ROWID;
"""


@dataclass(frozen=True)
class Document:
    """One stored document."""

    iri: str
    kind: str
    etag: str
    modified: str
    parent: str | None
    body: bytes  # N-Triples
    #: the publication profile whose own document this is, when it differs from the default's (None: the default)
    variant: str | None = None

    @property
    def ntriples(self) -> str:
        return self.body.decode("utf-8")


def apply(body: bytes, change: bytes) -> bytes:
    """A default document (N-Triples) with a profile's change applied ("-" lines out, "+" lines in)."""
    lines = change.decode("utf-8").splitlines(keepends=True)
    out = {line[1:] for line in lines if line.startswith("-")}
    kept = [line for line in body.decode("utf-8").splitlines(keepends=True) if line not in out]
    return "".join(kept + [line[1:] for line in lines if line.startswith("+")]).encode("utf-8")


class Documents:
    """The documents file of one build."""

    def __init__(self, path: Path, read_only: bool = True) -> None:
        self.path = Path(path)
        if read_only:
            self.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
        else:
            self.db = sqlite3.connect(self.path)
            self.db.execute("PRAGMA journal_mode=DELETE")
            self.db.executescript(SCHEMA)

    def get(self, iri: str, profile: str | None = None) -> Document | None:
        """The document of `iri` in `profile` (None: the default profile): its own variant when it has one."""
        row = self.db.execute("SELECT iri, kind, etag, modified, parent, body FROM documents WHERE iri = ?",
                              (iri,)).fetchone()
        if row is None:
            return None
        if profile is not None:
            own = self.db.execute("SELECT change FROM variants WHERE iri = ? AND profile = ?",
                                  (iri, profile)).fetchone()
            if own is not None:
                return Document(*row[:5], apply(zlib.decompress(row[5]), zlib.decompress(own[0])), profile)
        return Document(*row[:5], zlib.decompress(row[5]))

    def head(self, iri: str) -> tuple[str, str, str] | None:
        """(kind, etag, modified) of `iri` without reading its body: what a conditional GET needs."""
        row = self.db.execute("SELECT kind, etag, modified FROM documents WHERE iri = ?", (iri,)).fetchone()
        return None if row is None else (row[0], row[1], row[2])

    def iris(self, kind: str | None = None) -> list[str]:
        if kind is None:
            rows = self.db.execute("SELECT iri FROM documents ORDER BY iri")
        else:
            rows = self.db.execute("SELECT iri FROM documents WHERE kind = ? ORDER BY iri", (kind,))
        return [r[0] for r in rows]

    def kinds(self) -> list[tuple[str, str]]:
        """(iri, kind) of every document, in IRI order, without reading the bodies."""
        return [(r[0], r[1]) for r in self.db.execute("SELECT iri, kind FROM documents ORDER BY iri")]

    def listing(self, kinds: tuple[str, ...]) -> list[tuple[str, str]]:
        """(IRI, modified) of every document of `kinds`, without reading the bodies (for a sitemap)."""
        marks = ", ".join("?" * len(kinds))
        return list(self.db.execute(f"SELECT iri, modified FROM documents WHERE kind IN ({marks})", kinds))

    def __len__(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0])

    def __iter__(self) -> Iterator[Document]:
        for row in self.db.execute("SELECT iri, kind, etag, modified, parent, body FROM documents ORDER BY iri"):
            yield Document(*row[:5], zlib.decompress(row[5]))

    def write(self, documents: Iterable[Document], removed: Iterable[str] = ()) -> None:
        """Insert or replace `documents` and delete `removed`, in one transaction."""
        self.write_packed(((d.iri, d.kind, d.etag, d.modified, d.parent, zlib.compress(d.body, 1))
                           for d in documents), removed)

    def write_packed(self, rows: Iterable[tuple[str, str, str, str, str | None, bytes]],
                     removed: Iterable[str] = (), variants: Iterable[tuple[str, str, bytes]] = ()) -> None:
        """Like `write`, with each row's body already compressed (iri, kind, etag, modified, parent, body), and
        the other profiles' documents of those rows (iri, profile, compressed body): a row's variants are
        replaced with it."""
        rows = list(rows)
        gone = [(iri,) for iri in removed]
        with self.db:
            self.db.executemany("DELETE FROM documents WHERE iri = ?", gone)
            self.db.executemany("DELETE FROM variants WHERE iri = ?", gone + [(row[0],) for row in rows])
            self.db.executemany("INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?, ?, ?)", rows)
            self.db.executemany("INSERT OR REPLACE INTO variants VALUES (?, ?, ?)", variants)

    def close(self) -> None:
        self.db.close()
