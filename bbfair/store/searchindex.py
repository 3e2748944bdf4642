"""The collection finder's index of one build: one SQLite file (`search.sqlite`) in the build directory, so it
switches with the quad store and the documents, and a failed build leaves the old one serving.

It holds, per collection (dataset), the codes of its facet values, its numbers, a result card and a row of the
full-text index (SQLite FTS5: title, acronyms, keywords, disease labels with every broader term's, biobank and
network names, description); per catalogue, what collections inherit from it (network members, biobank quality
marks, names); and the labels of every facet value (`terms`, the disease tree in `diseases`).

An incremental build starts from a copy of the live index and replaces only the rows of the resources it
writes (`IndexWriter.put`), so an unchanged collection is not indexed again; the build's last step
(`builder.searchindex.finish`) works out what collections inherit from catalogues and writes the labels.
`store.finder` answers searches from it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

#: the file name in a build directory
FILE = "search.sqlite"
#: the rows' format: an index of another format is not copied into a new build (it is made anew)
FORMAT = "1"
TEXT_COLUMNS = ("title", "acronym", "keywords", "diseases", "organisations", "networks", "description")

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS collections (
    id INTEGER PRIMARY KEY,
    iri TEXT NOT NULL UNIQUE,
    biobank TEXT,
    title TEXT NOT NULL,
    donors INTEGER,
    samples INTEGER,
    age_low INTEGER,
    age_high INTEGER,
    facets TEXT NOT NULL,
    networks TEXT,
    card TEXT NOT NULL
);
CREATE VIRTUAL TABLE IF NOT EXISTS text USING fts5({", ".join(TEXT_COLUMNS)},
    tokenize = 'unicode61 remove_diacritics 2');
CREATE TABLE IF NOT EXISTS catalogs (
    iri TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS diseases (
    code TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    parents TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS terms (
    facet TEXT NOT NULL,
    code TEXT NOT NULL,
    label TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (facet, code)
) WITHOUT ROWID;
"""


def _joined(values: Iterable[str]) -> str:
    return " ; ".join(values)


def disease_text(diseases: dict[str, list[Any]]) -> str:
    """The `diseases` column of the full-text index: each disease's and broader term's label and code."""
    return _joined(f"{label} ({code})" for code, (label, _parents) in sorted(diseases.items()))


class IndexWriter:
    """The index file of a build being written (see the module docstring)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.db = sqlite3.connect(self.path)
        self.db.execute("PRAGMA journal_mode=DELETE")
        self.db.executescript(SCHEMA)
        with self.db:
            self.db.execute("INSERT OR IGNORE INTO meta VALUES ('format', ?)", (FORMAT,))

    def put(self, rows: Sequence[tuple[str, str, bytes]]) -> None:
        """Add or replace the rows (IRI, kind, JSON of `builder.searchrows`) of datasets and catalogues."""
        with self.db:
            for iri, kind, body in rows:
                row = json.loads(body)
                if kind == "dataset":
                    self._dataset(iri, row)
                else:
                    self.db.execute("INSERT OR REPLACE INTO catalogs VALUES (?, ?, ?, ?)",
                                    (iri, row["role"], row["title"], body.decode("utf-8")))

    def _dataset(self, iri: str, row: dict[str, Any]) -> None:
        found = self.db.execute("SELECT id FROM collections WHERE iri = ?", (iri,)).fetchone()
        if found is not None:
            self.db.execute("DELETE FROM text WHERE rowid = ?", (found[0],))
        low, high = row["age"]
        values = (iri, row["biobank"], row["title"], row["donors"], row["samples"], low, high,
                  json.dumps(row["facets"], separators=(",", ":")), json.dumps(row["card"], ensure_ascii=False))
        if found is None:
            cursor = self.db.execute("INSERT INTO collections (iri, biobank, title, donors, samples, age_low, "
                                     "age_high, facets, networks, card) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)",
                                     values)
            ident = cursor.lastrowid
        else:
            ident = found[0]
            self.db.execute("UPDATE collections SET iri = ?, biobank = ?, title = ?, donors = ?, samples = ?, "
                            "age_low = ?, age_high = ?, facets = ?, networks = NULL, card = ? WHERE id = ?",
                            (*values, ident))
        self.db.execute(f"INSERT INTO text (rowid, {', '.join(TEXT_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, '', ?)",
                        (ident, row["title"], _joined(row["acronyms"]), _joined(row["keywords"]),
                         disease_text(row["diseases"]), _joined(row["organisations"]), row["description"]))

    def remove(self, iris: Iterable[str]) -> None:
        """Drop the rows of resources the build no longer has."""
        with self.db:
            for iri in iris:
                found = self.db.execute("SELECT id FROM collections WHERE iri = ?", (iri,)).fetchone()
                if found is not None:
                    self.db.execute("DELETE FROM text WHERE rowid = ?", (found[0],))
                    self.db.execute("DELETE FROM collections WHERE id = ?", (found[0],))
                self.db.execute("DELETE FROM catalogs WHERE iri = ?", (iri,))

    def close(self) -> None:
        self.db.close()


def copyable(path: Path) -> bool:
    """Whether the index at `path` can be the start of a new build's (it exists and is of this format)."""
    if not path.is_file():
        return False
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            found = db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
        finally:
            db.close()
    except sqlite3.Error:
        return False
    return found is not None and found[0] == FORMAT
