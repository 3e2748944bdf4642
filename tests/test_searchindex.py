"""The finder's index as a build makes it (`bbfair.builder.searchindex`, `bbfair.store.searchindex`): an
incremental build re-indexes only the collections it rewrites, and a build that fails at the index's last step
publishes nothing — the live build's index keeps serving, unchanged."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest
from helpers import first_published, set_cell

from bbfair.builder import searchindex
from bbfair.builder.publish import build
from bbfair.mapping.iris import slug
from bbfair.search.query import parse
from bbfair.store.finder import Finder
from bbfair.store.local import LocalStore
from bbfair.store.searchindex import FILE


def live_index(store: Path) -> Path:
    return LocalStore(store).live_path() / FILE


def titles(path: Path, q: str) -> list[str]:
    finder = Finder(path)
    return [h.card["title"] for h in finder.search(parse([("q", q), ("size", "100")])).hits]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A copy of the sample, built once."""
    import shutil

    root = tmp_path_factory.mktemp("searchindex")
    data = root / "data"
    shutil.copytree(Path(__file__).resolve().parents[1] / "data", data, ignore=shutil.ignore_patterns("directory-demo"))
    store = root / "site"
    assert build(data, store).status == "published"
    return data, store


def test_only_the_changed_collection_is_indexed_again(built: tuple[Path, Path]) -> None:
    """A mark written into every full-text row of the live index (by hand, here) survives the next build in the
    rows it copies and is gone from the one it makes anew: only the changed collection is indexed again."""
    data, store = built
    with sqlite3.connect(live_index(store)) as db:
        db.execute("UPDATE text SET description = description || ' qqmark'")
    assert Finder(live_index(store)).search(parse([("q", "qqmark")])).total == 68
    index = first_published(data, "Collections")
    rid, _ = set_cell(data, "Collections", index, "name", "Zanzibar aardvark collection")
    time.sleep(1.1)
    assert build(data, store).status == "published"
    finder = Finder(live_index(store))
    marked = {h.iri for h in finder.search(parse([("q", "qqmark"), ("size", "100")])).hits}
    assert len(marked) == 67 and not any(iri.endswith(f"/dataset/{slug(rid)}") for iri in marked)
    assert titles(live_index(store), "zanzibar aardvark") == ["Zanzibar aardvark collection"]
    assert finder.search(parse([])).total == 68


def test_a_failed_build_leaves_the_old_index_serving(built: tuple[Path, Path],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    data, store = built
    before_id = LocalStore(store).live_id()
    before = live_index(store).read_bytes()
    index = first_published(data, "Collections")
    set_cell(data, "Collections", index, "name", "Quokka collection")

    def broken(build_dir: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(searchindex, "finish", broken)
    time.sleep(1.1)
    with pytest.raises(Exception):  # noqa: B017 - whatever the build makes of it, nothing is published
        build(data, store)
    assert LocalStore(store).live_id() == before_id
    assert live_index(store).read_bytes() == before
    assert titles(live_index(store), "quokka") == []
    assert json.loads((store / "LIVE").read_text())["build"] == before_id
