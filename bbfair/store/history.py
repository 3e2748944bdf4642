"""Every version a store has published, in one SQLite file per build (`history.sqlite`): what Memento, the
DCAT-AP Feed and `bbfair history` / `bbfair diff` read.

A build's `documents.sqlite` holds each resource's live document. Its `history.sqlite` holds the rest of the
story (`history_write.advance` makes it at the end of the build, from the live build's copy, so it switches in
with the build or not at all):

- `builds`: every build that went live, in order (`seq`), with the time it went live;
- `versions`: every version of every document: the build that published it (`since`) and the one that replaced
  or removed it (`until`, NULL while it is live), with its kind, ETag, `dct:modified` time and parent. A live
  version's body is the build's own document; a replaced one's is kept in `blobs`, by its digest;
- `blobs`: the bodies of replaced versions and the changes that make their other profiles' documents
  (`documents.apply`), zlib-compressed, each stored once however many versions share it (content-addressed). A
  replaced version that has a successor is kept as the change that turns the successor's body back into its own
  (`patch`: the lines to take out and put in, as `documents.apply` reads them): a catalogue that embeds thousands
  of dataset summaries and changed in a few of them costs those few lines, not a copy of itself. Reading it
  walks forward to the live version (always whole: the build's own document) and back;
- `events`: the latest change of each resource (created, updated, deleted) and the build that made it: the
  DCAT-AP Feed's members under its *latest version subset* retention policy.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .documents import Document, Documents, apply

#: the history file of a build directory
HISTORY = "history.sqlite"

SCHEMA = """
CREATE TABLE IF NOT EXISTS builds (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    published TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS versions (
    iri TEXT NOT NULL,
    since INTEGER NOT NULL,
    until INTEGER,
    kind TEXT NOT NULL,
    etag TEXT NOT NULL,
    modified TEXT NOT NULL,
    parent TEXT,
    body TEXT,
    variants TEXT,
    patch INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (iri, since)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS versions_live ON versions (iri) WHERE until IS NULL;
CREATE INDEX IF NOT EXISTS versions_until ON versions (until);
CREATE TABLE IF NOT EXISTS blobs (
    digest TEXT PRIMARY KEY,
    data BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    iri TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    type TEXT NOT NULL,
    kind TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS events_seq ON events (seq, iri);
"""

CREATE, UPDATE, DELETE = "Create", "Update", "Delete"


@dataclass(frozen=True)
class BuildRow:
    """A build that went live: its place in the history, id and the time it went live (ISO 8601, UTC)."""

    seq: int
    id: str
    published: str


@dataclass(frozen=True)
class Version:
    """One version of one document."""

    iri: str
    since: BuildRow
    until: BuildRow | None
    kind: str
    etag: str
    modified: str
    parent: str | None
    #: digest of the body in `blobs` (None while the version is live: the build's documents hold it)
    body: str | None
    #: profile token -> digest of the change that makes its document (replaced versions only)
    variants: dict[str, str]
    #: `body` is the change from the next version's body to this one's, not the body itself
    patch: bool = False

    @property
    def live(self) -> bool:
        return self.until is None


@dataclass(frozen=True)
class Event:
    """The latest change of one resource: what the DCAT-AP Feed lists."""

    iri: str
    build: BuildRow
    type: str  # Create | Update | Delete
    kind: str


class History:
    """The history file of one build, opened read-only."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
        self._builds: dict[int, BuildRow] = {
            r[0]: BuildRow(*r) for r in self.db.execute("SELECT seq, id, published FROM builds ORDER BY seq")}

    @classmethod
    def of(cls, build_dir: Path) -> History | None:
        """The history of the build in `build_dir`, or None when it has none (a build made before bbfair kept
        history, or published to a SPARQL server)."""
        path = Path(build_dir) / HISTORY
        return cls(path) if path.is_file() else None

    def close(self) -> None:
        self.db.close()

    # --- builds ---------------------------------------------------------------------------------------------

    def builds(self) -> list[BuildRow]:
        return list(self._builds.values())

    def build(self, ref: str) -> BuildRow | None:
        """A build by id, unique id prefix, place (1 = the first build, -1 the last) or name (`first`, `live`,
        `previous`)."""
        rows = self.builds()
        if not rows:
            return None
        named = {"first": rows[0], "live": rows[-1], "latest": rows[-1]}
        if len(rows) > 1:
            named["previous"] = rows[-2]
        if ref in named:
            return named[ref]
        if ref.lstrip("-").isdigit():
            index = int(ref)
            if 1 <= index <= len(rows):
                return rows[index - 1]
            if -len(rows) <= index <= -1:
                return rows[index]
            return None
        found = [r for r in rows if r.id == ref] or [r for r in rows if r.id.startswith(ref)]
        return found[0] if len(found) == 1 else None

    def by_seq(self, seq: int) -> BuildRow:
        return self._builds[seq]

    # --- versions -------------------------------------------------------------------------------------------

    _COLUMNS = "iri, since, until, kind, etag, modified, parent, body, variants, patch"

    def _version(self, row: tuple) -> Version:
        iri, since, until, kind, etag, modified, parent, body, variants, patch = row
        return Version(iri, self._builds[since], None if until is None else self._builds[until], kind, etag,
                       modified, parent, body, json.loads(variants) if variants else {}, bool(patch))

    def versions(self, iri: str) -> list[Version]:
        """Every version of `iri` still kept, oldest first."""
        rows = self.db.execute(f"SELECT {self._COLUMNS} FROM versions WHERE iri = ? ORDER BY since", (iri,))
        return [self._version(r) for r in rows]

    def iris(self, suffix: str = "") -> list[str]:
        """Every IRI that has (or had) a document, optionally only those ending in `suffix`."""
        rows = self.db.execute("SELECT DISTINCT iri FROM versions WHERE iri LIKE ? ESCAPE '\\' ORDER BY iri",
                               ("%" + suffix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_"),))
        return [r[0] for r in rows]

    def state(self, build: BuildRow) -> dict[str, Version]:
        """Every document as it was while `build` was live: IRI -> the version live then."""
        rows = self.db.execute(f"SELECT {self._COLUMNS} FROM versions WHERE since <= ? AND (until IS NULL OR "
                               "until > ?)", (build.seq, build.seq))
        return {r[0]: self._version(r) for r in rows}

    def removed(self, iri: str) -> Version | None:
        """The last version of `iri` when it is no longer published (removed), else None."""
        versions = self.versions(iri)
        return versions[-1] if versions and not versions[-1].live else None

    def document(self, version: Version, live: Documents, profile: str | None = None) -> Document | None:
        """The document of `version` in `profile` (None: the default profile), exactly as it was published: the
        live build's own for a live version, else from the kept bodies. None when it was not kept."""
        if version.body is None:
            doc = live.get(version.iri, profile)
            return doc if doc is not None and doc.etag == version.etag else None
        body = self._body(version, live)
        if body is None:
            return None
        variant = None
        change = version.variants.get(profile) if profile is not None else None
        if change is not None:
            data = self.blob(change)
            if data is not None:
                body, variant = apply(body, data), profile
        return Document(version.iri, version.kind, version.etag, version.modified, version.parent, body, variant)

    def _body(self, version: Version, live: Documents) -> bytes | None:
        """The default profile's body of a replaced version: kept whole, or its successor's with its patch."""
        patches: list[bytes] = []
        current: Version | None = version
        later = {v.since.seq: v for v in self.versions(version.iri)} if version.patch else {}
        while current is not None and current.patch:
            data = self.blob(current.body) if current.body else None
            if data is None or current.until is None:
                return None
            patches.append(data)
            current = later.get(current.until.seq)
        if current is None:
            return None
        if current.body is None:
            doc = live.get(current.iri)
            if doc is None or doc.etag != current.etag:
                return None
            body = doc.body
        else:
            found = self.blob(current.body)
            if found is None:
                return None
            body = found
        for data in reversed(patches):
            body = apply(body, data)
        return body

    def blob(self, digest: str) -> bytes | None:
        row = self.db.execute("SELECT data FROM blobs WHERE digest = ?", (digest,)).fetchone()
        return None if row is None else zlib.decompress(row[0])

    # --- events ---------------------------------------------------------------------------------------------

    def event_counts(self, kinds: tuple[str, ...]) -> list[tuple[BuildRow, int]]:
        """(build, how many latest changes of resources of `kinds` it made) for every build with some."""
        marks = ",".join("?" * len(kinds))
        rows = self.db.execute(f"SELECT seq, COUNT(*) FROM events WHERE kind IN ({marks}) GROUP BY seq ORDER BY seq",
                               kinds)
        return [(self._builds[seq], n) for seq, n in rows]

    def events(self, build: BuildRow, kinds: tuple[str, ...], offset: int = 0, limit: int = -1) -> list[Event]:
        """The latest changes `build` made to resources of `kinds`, in IRI order."""
        marks = ",".join("?" * len(kinds))
        rows = self.db.execute(f"SELECT iri, type, kind FROM events WHERE seq = ? AND kind IN ({marks}) ORDER BY "
                               "iri LIMIT ? OFFSET ?", (build.seq, *kinds, limit, offset))
        return [Event(iri, build, type_, kind) for iri, type_, kind in rows]

    def change(self, iri: str, build: BuildRow) -> tuple[str, Version | None] | None:
        """What `build` did to `iri` (Create, Update or Delete) and the version it published (None for a
        Delete), while the history keeps that version; None when it did nothing to it."""
        versions = self.versions(iri)
        made = next((v for v in versions if v.since.seq == build.seq), None)
        ended = any(v.until is not None and v.until.seq == build.seq for v in versions)
        if made is not None:
            return (UPDATE if ended else CREATE), made
        if ended:
            return DELETE, None
        return None


@contextmanager
def opened(build_dir: Path) -> Iterator[History | None]:
    """`History.of(build_dir)`, closed afterwards."""
    history = History.of(build_dir)
    try:
        yield history
    finally:
        if history is not None:
            history.close()
