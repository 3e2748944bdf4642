"""A build's history (`store.history`), made at the end of the build, before it is switched in.

The new build's `history.sqlite` starts as a copy of the live build's (a live build made before bbfair kept
history starts one: its documents become the first versions). Then the build's documents are compared with the
versions live until now, by ETag (a document's ETag changes exactly when its content does: `mapping.stamps`):

- a document with no live version is *created*; one whose ETag differs is *updated*; a live version with no
  document any more is *deleted*;
- the body of every version that stops being live is copied, with its other profiles' changes, from the live
  build's documents into `blobs` under its digest (a body stored already is not stored again);
- the build's changes replace each resource's previous entry in `events` (the feed's latest version subset).

Everything happens in the build's staging directory: a build that fails or is killed leaves the live build and
its history as they were, and a second build cannot run at the same time (the store's build lock). Retention
(`[history]` in bbfair.toml) then drops the versions that stopped being live before the oldest build to keep
(each removed resource's last version stays, for its `410 Gone`), and the bodies no version needs any more.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import zlib
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ..errors import StoreError
from .history import CREATE, DELETE, HISTORY, SCHEMA, UPDATE


@dataclass(frozen=True)
class Retention:
    """How long replaced versions are kept: those of the last `builds` builds and/or of the last `days` days
    (a version is kept while either says so); neither set: every version, forever."""

    builds: int | None = None
    days: int | None = None

    @property
    def keeps_all(self) -> bool:
        return self.builds is None and self.days is None


@dataclass(frozen=True)
class Advanced:
    """What one build changed (counts) and what retention dropped."""

    seq: int
    created: int
    updated: int
    deleted: int
    dropped: int = 0


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def advance(staging: Path, live: Path | None, build_id: str, retention: Retention | None = None,
            now: datetime | None = None) -> Advanced:
    """Write `staging/history.sqlite`: the live build's history (`live`: its directory, None for a store's
    first build) plus what build `build_id`, whose documents are complete in `staging`, changes."""
    try:
        return _advance(staging, live, build_id, retention, now or datetime.now(UTC))
    except sqlite3.Error as exc:
        raise StoreError(f"the build's history could not be written in {staging} ({exc}); nothing was "
                         "published") from None


def _advance(staging: Path, live: Path | None, build_id: str, retention: Retention | None,
             now: datetime) -> Advanced:
    target = Path(staging) / HISTORY
    target.unlink(missing_ok=True)
    source = live / HISTORY if live is not None else None
    if source is not None and source.is_file():
        shutil.copyfile(source, target)
    db = sqlite3.connect(target)
    try:
        db.execute("PRAGMA journal_mode=DELETE")
        db.executescript(SCHEMA)
        db.execute("ATTACH DATABASE ? AS new", (str(Path(staging) / "documents.sqlite"),))
        old = live / "documents.sqlite" if live is not None else None
        if old is not None and old.is_file():
            db.execute("ATTACH DATABASE ? AS old", (str(old),))
        else:
            old = None
        with db:
            if old is not None and db.execute("SELECT COUNT(*) FROM builds").fetchone()[0] == 0:
                _bootstrap(db, live)  # type: ignore[arg-type]
            seq = int(db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM builds").fetchone()[0])
            db.execute("INSERT INTO builds VALUES (?, ?, ?)", (seq, build_id, _iso(now)))
            done = _record(db, seq, old is not None)
        dropped = 0
        if retention is not None and not retention.keeps_all:
            with db:
                dropped = _retain(db, retention, now)
            if dropped:
                db.execute("VACUUM")
        return Advanced(seq, *done, dropped=dropped)
    finally:
        db.close()


def _bootstrap(db: sqlite3.Connection, live: Path) -> None:
    """The live build, made before bbfair kept history, as the first build: its documents the first versions."""
    published = ""
    with suppress(OSError, ValueError, KeyError):
        published = json.loads((live / "manifest.json").read_text(encoding="utf-8"))["build"]["created"]
    if not published:
        published = _iso(datetime.fromtimestamp((live / "documents.sqlite").stat().st_mtime, UTC))
    db.execute("INSERT INTO builds VALUES (1, ?, ?)", (live.name, published))
    db.execute("INSERT INTO versions (iri, since, until, kind, etag, modified, parent) SELECT iri, 1, NULL, kind, "
               "etag, modified, parent FROM old.documents")


def _record(db: sqlite3.Connection, seq: int, has_old: bool) -> tuple[int, int, int]:
    """Close the versions build `seq` replaces or removes (keeping their bodies), open its new ones, and
    record its events; (created, updated, deleted)."""
    ending = db.execute(
        "SELECT v.iri, v.since, v.etag, d.iri IS NOT NULL FROM versions v LEFT JOIN new.documents d ON d.iri = v.iri "
        "WHERE v.until IS NULL AND (d.iri IS NULL OR d.etag != v.etag)").fetchall()
    updated = {iri for iri, _since, _etag, stays in ending if stays}
    for iri, since, etag, _stays in ending:
        body, variants, patch = _keep(db, iri, etag) if has_old else (None, None, False)
        db.execute("UPDATE versions SET until = ?, body = ?, variants = ?, patch = ? WHERE iri = ? AND since = ?",
                   (seq, body, variants, int(patch), iri, since))
    fresh = db.execute(
        "SELECT d.iri, d.kind, d.etag, d.modified, d.parent FROM new.documents d LEFT JOIN versions v "
        "ON v.iri = d.iri AND v.until IS NULL WHERE v.iri IS NULL").fetchall()
    db.executemany("INSERT INTO versions (iri, since, until, kind, etag, modified, parent) VALUES (?, ?, NULL, ?, "
                   "?, ?, ?)", [(iri, seq, kind, etag, modified, parent)
                                for iri, kind, etag, modified, parent in fresh])
    kinds = dict(db.execute("SELECT v.iri, v.kind FROM versions v WHERE v.until = ?", (seq,)).fetchall())
    events = [(iri, seq, UPDATE if iri in updated else CREATE, kind) for iri, kind, *_ in fresh]
    events += [(iri, seq, DELETE, kinds[iri]) for iri, _since, _etag, stays in ending if not stays]
    db.executemany("INSERT OR REPLACE INTO events VALUES (?, ?, ?, ?)", events)
    return len(fresh) - len(updated), len(updated), len(ending) - len(updated)


def _keep(db: sqlite3.Connection, iri: str, etag: str) -> tuple[str | None, str | None, bool]:
    """Store the live build's document of `iri` (and its other profiles' changes) in `blobs`, once per content:
    as the change from the new build's document of `iri` when it has one and that is smaller, else whole;
    (body digest, JSON of the variants' digests, whether the body is such a change). A document the live build
    does not hold with that ETag (a damaged history) is not kept: its memento answers that it was not kept."""
    row = db.execute("SELECT body FROM old.documents WHERE iri = ? AND etag = ?", (iri, etag)).fetchone()
    if row is None:
        return None, None, False
    successor = db.execute("SELECT body FROM new.documents WHERE iri = ?", (iri,)).fetchone()
    patch = _patch(successor[0], row[0]) if successor is not None else None
    body = _put(db, patch) if patch is not None else _put(db, row[0])
    variants = {profile: _put(db, change) for profile, change in
                db.execute("SELECT profile, change FROM old.variants WHERE iri = ?", (iri,))}
    return body, json.dumps(variants, sort_keys=True) if variants else None, patch is not None


def _patch(successor: bytes, packed: bytes) -> bytes | None:
    """The change (compressed, as `documents.apply` reads it) that turns the successor's body into this one's,
    when it is smaller than the body itself."""
    new = zlib.decompress(successor).decode("utf-8").splitlines(keepends=True)
    old = zlib.decompress(packed).decode("utf-8").splitlines(keepends=True)
    theirs, mine = set(new), set(old)
    change = [f"-{line}" for line in new if line not in mine] + [f"+{line}" for line in old if line not in theirs]
    data = zlib.compress("".join(change).encode("utf-8"), 6)
    return data if len(data) < len(packed) else None


def _put(db: sqlite3.Connection, data: bytes) -> str:
    digest = _digest(data)
    db.execute("INSERT OR IGNORE INTO blobs (digest, data) VALUES (?, ?)", (digest, data))
    return digest


def _retain(db: sqlite3.Connection, retention: Retention, now: datetime) -> int:
    """Drop the versions that stopped being live before the oldest build `retention` keeps (but each removed
    resource's last version) and the bodies nothing refers to any more; how many versions were dropped."""
    builds = db.execute("SELECT seq, published FROM builds ORDER BY seq").fetchall()
    kept = set()
    if retention.builds is not None:
        kept |= {seq for seq, _ in builds[-max(retention.builds, 1):]}
    if retention.days is not None:
        horizon = _iso(now - timedelta(days=retention.days))
        kept |= {seq for seq, published in builds if published >= horizon}
    oldest = min(kept) if kept else builds[-1][0]
    gone = db.execute(
        "DELETE FROM versions WHERE until IS NOT NULL AND until <= ? AND EXISTS (SELECT 1 FROM versions w WHERE "
        "w.iri = versions.iri AND w.since > versions.since)", (oldest,)).rowcount
    if gone:
        referenced = {d for (d,) in db.execute("SELECT body FROM versions WHERE body IS NOT NULL")}
        for (variants,) in db.execute("SELECT variants FROM versions WHERE variants IS NOT NULL").fetchall():
            referenced.update(json.loads(variants).values())
        stale = [(d,) for (d,) in db.execute("SELECT digest FROM blobs") if d not in referenced]
        db.executemany("DELETE FROM blobs WHERE digest = ?", stale)
    return gone
