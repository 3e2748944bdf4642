"""`LiveStore`: a long-running reader (the web server) follows the live build without a restart."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import first_published, set_cell

from bbfair.builder.publish import build
from bbfair.store.live import LiveStore
from bbfair.store.local import LocalStore


@pytest.fixture()
def built(sample_copy: Path, tmp_path: Path) -> tuple[Path, Path]:
    """The sample, built once into a fresh store."""
    store = tmp_path / "site"
    assert build(sample_copy, store).status == "published"
    return sample_copy, store


def test_running_reader_picks_up_a_new_build(built: tuple[Path, Path]) -> None:
    """A long-running reader (the web server) sees a new build without a restart; the old build goes once it
    is released."""
    data, store = built
    live = LiveStore(LocalStore.open(store), grace=0)
    first = live.current()
    old_path = first.path
    set_cell(data, "Collections", first_published(data, "Collections"), "name", "Seen without restart")
    assert build(data, store).status == "published"
    assert old_path.is_dir()  # still held by the reader: not deleted under it
    second = live.current()
    assert second.id != first.id
    titles = [str(r["t"]) for r in second.quads.query(
        'SELECT ?t WHERE { ?d <http://purl.org/dc/terms/title> ?t }', use_default_graph_as_union=True)]
    assert '"Seen without restart"@en' in titles
    live.current()
    assert not old_path.exists()
    live.close()
