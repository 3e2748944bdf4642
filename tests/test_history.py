"""The store's history (`store.history`, `store.history_write`, `store.changes`): versions kept by content, events,
retention, and what a failed build leaves — on small hand-made builds (the end-to-end story of the sample is in
tests/test_history_e2e.py)."""

from __future__ import annotations

import sqlite3
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bbfair.errors import StoreError
from bbfair.store.changes import CREATED, REMOVED, UPDATED, Readable, StatementDiff, catalogue_diff, find, story
from bbfair.store.documents import Document, Documents
from bbfair.store.history import CREATE, DELETE, HISTORY, UPDATE, History
from bbfair.store.history_write import Retention, advance

BASE = "http://example.org"
T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def _doc(path: str, title: str, kind: str = "dataset", etag: str | None = None) -> Document:
    iri = f"{BASE}/{path}"
    body = f'<{iri}> <http://purl.org/dc/terms/title> "{title}" .\n'.encode()
    return Document(iri, kind, etag or f"tag-{path}-{title}", "2026-01-01T00:00:00+00:00", f"{BASE}/catalog/c", body)


class Store:
    """A sequence of hand-made builds, each a directory with its documents, advanced like `Staging.commit`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.live: Path | None = None
        self.n = 0

    def build(self, docs: list[Document], variants: dict[str, bytes] | None = None,
              retention: Retention | None = None, when: datetime | None = None) -> Path:
        self.n += 1
        path = self.root / f"b{self.n}"
        path.mkdir()
        store = Documents(path / "documents.sqlite", read_only=False)
        store.write(docs)
        if variants:
            store.write_packed([], variants=[(iri, "other", zlib.compress(change)) for iri, change in variants.items()])
        store.close()
        advance(path, self.live, f"b{self.n}", retention, when or T0 + timedelta(hours=self.n))
        self.live = path
        return path

    def history(self) -> History:
        assert self.live is not None
        found = History.of(self.live)
        assert found is not None
        return found


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    return Store(tmp_path)


def test_versions_events_and_bodies(store: Store) -> None:
    store.build([_doc("dataset/a", "A"), _doc("dataset/b", "B"), _doc("dataset/c", "C")])
    store.build([_doc("dataset/a", "A2"), _doc("dataset/b", "B"), _doc("dataset/d", "D")])
    history = store.history()
    first, second = history.builds()
    a = history.versions(f"{BASE}/dataset/a")
    assert [v.since.id for v in a] == ["b1", "b2"] and a[0].until == second and a[1].live
    docs = Documents(store.live / "documents.sqlite")  # type: ignore[operator]
    assert b'"A"' in history.document(a[0], docs).body  # the replaced version, from the kept bodies
    assert b'"A2"' in history.document(a[1], docs).body  # the live one, from the build's own documents
    assert len(history.versions(f"{BASE}/dataset/b")) == 1  # unchanged: one version, never stored again
    events = {e.iri.rsplit("/", 1)[1]: e.type for e in history.events(second, ("dataset",))}
    assert events == {"a": UPDATE, "c": DELETE, "d": CREATE}
    assert history.event_counts(("dataset",)) == [(first, 1), (second, 3)]  # b's Create is still its latest
    assert history.change(f"{BASE}/dataset/a", first) == (CREATE, a[0])
    assert history.removed(f"{BASE}/dataset/c").since == first
    assert history.removed(f"{BASE}/dataset/a") is None
    docs.close()
    history.close()


def test_a_body_is_stored_once_however_many_versions_share_it(store: Store) -> None:
    """Content-addressed: a document that comes back to an earlier content (new ETag, same bytes, as a container
    does) is not stored twice."""
    store.build([_doc("x/list", "same", "container", etag="1")])
    store.build([_doc("x/list", "other", "container", etag="2")])
    store.build([_doc("x/list", "same", "container", etag="3")])
    store.build([_doc("x/list", "other", "container", etag="4")])
    history = store.history()
    kept = [v.body for v in history.versions(f"{BASE}/x/list") if not v.live]
    assert len(kept) == 3 and len(set(kept)) == 2
    assert history.db.execute("SELECT COUNT(*) FROM blobs").fetchone()[0] == 2
    history.close()


def test_a_replaced_version_keeps_its_other_profiles_document(store: Store) -> None:
    iri = f"{BASE}/dataset/a"
    store.build([_doc("dataset/a", "A")], variants={iri: f'+<{iri}> <http://example.org/p> "R8" .\n'.encode()})
    store.build([_doc("dataset/a", "A2")])
    history = store.history()
    docs = Documents(store.live / "documents.sqlite")  # type: ignore[operator]
    old = history.versions(iri)[0]
    assert b'"R8"' in history.document(old, docs, "other").body
    assert b'"R8"' not in history.document(old, docs).body
    docs.close()
    history.close()


def test_retention_keeps_the_last_builds_and_every_removed_resources_last_version(store: Store) -> None:
    for n in range(1, 5):
        docs = [_doc("dataset/a", f"A{n}")] + ([_doc("dataset/gone", "G")] if n == 1 else [])
        store.build(docs, retention=Retention(builds=2))
    history = store.history()
    kept = history.versions(f"{BASE}/dataset/a")
    assert [v.since.id for v in kept] == ["b3", "b4"]  # b3's version was live in the last two builds
    assert history.removed(f"{BASE}/dataset/gone") is not None  # for its 410, whatever its age
    assert history.db.execute("SELECT COUNT(*) FROM blobs").fetchone()[0] == 2  # A3 and G: A1 and A2 dropped
    assert len(history.builds()) == 4  # the builds themselves stay: the feed's times
    history.close()


def test_retention_by_days(store: Store) -> None:
    start = datetime.now(UTC) - timedelta(days=30)
    store.build([_doc("dataset/a", "A1")], when=start)
    store.build([_doc("dataset/a", "A2")], when=start + timedelta(days=1), retention=Retention(days=7))
    store.build([_doc("dataset/a", "A3")], when=datetime.now(UTC), retention=Retention(days=7))
    history = store.history()
    assert [v.since.id for v in history.versions(f"{BASE}/dataset/a")] == ["b3"]
    history.close()


def test_a_failed_history_step_publishes_nothing_and_keeps_the_live_history(store: Store) -> None:
    live = store.build([_doc("dataset/a", "A")])
    before = (live / HISTORY).read_bytes()
    broken = store.root / "broken"
    broken.mkdir()
    (broken / "documents.sqlite").write_bytes(b"not a database")
    with pytest.raises(StoreError, match="history"):
        advance(broken, live, "broken")
    assert (live / HISTORY).read_bytes() == before


def test_a_live_build_from_before_history_becomes_the_first_version(store: Store, tmp_path: Path) -> None:
    old = tmp_path / "old"
    old.mkdir()
    docs = Documents(old / "documents.sqlite", read_only=False)
    docs.write([_doc("dataset/a", "A")])
    docs.close()
    (old / "manifest.json").write_text('{"build": {"created": "2025-06-01T00:00:00+00:00"}}')
    store.live = old
    store.build([_doc("dataset/a", "A2")])
    history = store.history()
    assert next((b.id, b.published) for b in history.builds()) == ("old", "2025-06-01T00:00:00+00:00")
    assert [v.since.id for v in history.versions(f"{BASE}/dataset/a")] == ["old", "b1"]
    history.close()


def test_builds_are_named_by_id_prefix_place_or_name(store: Store) -> None:
    for n in range(3):
        store.build([_doc("dataset/a", f"A{n}")])
    history = store.history()
    assert history.build("first").id == "b1" and history.build("live").id == "b3"
    assert history.build("previous").id == "b2" and history.build("2").id == "b2" and history.build("-1").id == "b3"
    assert history.build("b") is None  # not unique
    assert history.build("b2").id == "b2" and history.build("9") is None
    history.close()


def test_story_and_catalogue_diff_in_statements(store: Store) -> None:
    store.build([_doc("dataset/a", "A"), _doc("dataset/c", "C")])
    store.build([_doc("dataset/a", "A2")])
    history = store.history()
    docs = Documents(store.live / "documents.sqlite")  # type: ignore[operator]
    steps = story(history, f"{BASE}/dataset/a", docs)
    assert [s.what for s in steps] == [CREATED, UPDATED]
    assert steps[1].diff == StatementDiff([f'<{BASE}/dataset/a> <http://purl.org/dc/terms/title> "A" .'],
                                          [f'<{BASE}/dataset/a> <http://purl.org/dc/terms/title> "A2" .'])
    assert [s.what for s in story(history, f"{BASE}/dataset/c", docs)] == [CREATED, REMOVED]
    first, second = history.builds()
    diff = catalogue_diff(history, first, second, docs)
    assert [v.iri for v in diff.removed] == [f"{BASE}/dataset/c"] and not diff.created
    assert [(old.iri, bool(d)) for old, _new, d in diff.updated] == [(f"{BASE}/dataset/a", True)]
    assert find(history, "dataset/a", BASE) == [f"{BASE}/dataset/a"]
    assert find(history, "c", BASE) == [f"{BASE}/dataset/c"]
    assert find(history, "nothing", BASE) == []
    assert Readable(BASE).statement(diff.updated[0][2].added[0]) == '<dataset/a> dct:title "A2"'
    docs.close()
    history.close()


def test_history_file_is_sqlite_in_the_build(store: Store) -> None:
    live = store.build([_doc("dataset/a", "A")])
    with sqlite3.connect(live / HISTORY) as db:
        assert {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")} >= {
            "builds", "versions", "blobs", "events"}


def _big(n: int, changed: int) -> Document:
    """A catalogue-like document: many lines, one of which differs from version to version."""
    iri = f"{BASE}/catalog/big"
    lines = [f'<{iri}> <http://example.org/member> "summary {i}{" (revised)" if i == changed else ""}" .\n'
             for i in range(n)]
    return Document(iri, "catalog", f"tag-{changed}", "2026-01-01T00:00:00+00:00", None, "".join(lines).encode())


def test_a_replaced_version_is_kept_as_its_change_from_the_next_one(store: Store) -> None:
    """A catalogue that changed in one embedded summary costs that change, not a copy; every version reads back
    with exactly its statements, however long the chain to the live one."""
    for changed in range(4):
        store.build([_big(2000, changed)])
    history = store.history()
    docs = Documents(store.live / "documents.sqlite")  # type: ignore[operator]
    versions = history.versions(f"{BASE}/catalog/big")
    assert [v.patch for v in versions] == [True, True, True, False]
    whole = len(zlib.compress(_big(2000, 0).body, 1))
    assert history.db.execute("SELECT SUM(LENGTH(data)) FROM blobs").fetchone()[0] < whole / 5
    for changed, version in enumerate(versions):
        got = history.document(version, docs).body
        assert sorted(got.splitlines()) == sorted(_big(2000, changed).body.splitlines())
    docs.close()
    history.close()
