"""The streamed build (`bbfair.builder.stream`): families converted, validated and written in worker processes must give
exactly what a whole conversion gives (documents, named graphs, times and version tags), with the findings
located as `bbfair validate` locates them."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import first_published, set_cell

from bbfair.builder.pipeline import build_time
from bbfair.builder.publish import build
from bbfair.builder.stream import owned_iris
from bbfair.config import load_config
from bbfair.mapping.convert import context, convert, plan, vocab_resources
from bbfair.records import load_records
from bbfair.store.local import LocalStore
from bbfair.store.manifest import BuildInfo, Manifest

EPOCH = "1700000000"


def contents(store: Path) -> tuple[dict, set[str], dict]:
    """Every document (kind, ETag, time, parent, statements), every quad and every stamp of the live build."""
    live = LocalStore.open(store).open_live()
    try:
        docs = {d.iri: (d.kind, d.etag, d.modified, d.parent, frozenset(d.ntriples.splitlines()))
                for d in live.documents}
        quads = {str(q) for q in live.quads.quads_for_pattern(None, None, None, None)}
        return docs, quads, dict(live.manifest.stamps)
    finally:
        live.close()


def whole(data: Path, store: Path) -> None:
    """The reference: one whole conversion in this process, published as it is."""
    conv = convert(load_records(data), load_config(data), now=build_time(), previous={})
    target = LocalStore.open(store, create=True)
    info = BuildInfo(id="whole", created="", input_hash="", bbfair_version="", base_iri=conv.base, profiles=[],
                     shapes_digest="")
    with target.build_lock():
        target.publish(conv.resources, Manifest(info, conv.stamps), set(conv.stamps), set())


@pytest.mark.parametrize("workers", [1, 2])
def test_streamed_build_equals_a_whole_conversion(sample_copy: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch, workers: int) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)  # both sides stamp the same time
    result = build(sample_copy, tmp_path / "streamed", workers=workers)
    assert result.status == "published"
    whole(sample_copy, tmp_path / "whole")
    streamed_docs, streamed_quads, streamed_stamps = contents(tmp_path / "streamed")
    whole_docs, whole_quads, whole_stamps = contents(tmp_path / "whole")
    assert streamed_docs.keys() == whole_docs.keys()
    assert [iri for iri in whole_docs if streamed_docs[iri] != whole_docs[iri]] == []
    assert streamed_quads == whole_quads
    assert streamed_stamps == whole_stamps
    assert result.info is not None and result.info.resources == len(whole_docs)
    kinds = {kind for kind, *_ in whole_docs.values()}
    assert {"fdp", "catalog", "dataset", "distribution", "agent", "contact", "container", "concept"} <= kinds


def test_owned_iris_are_every_resource_but_agents_and_contacts(sample_dir: Path) -> None:
    """What decides which graph a statement goes to must name exactly the resources a conversion makes."""
    catalogue, config = load_records(sample_dir), load_config(sample_dir)
    conv = convert(catalogue, config)
    ctx = context(catalogue, config)
    expected = {str(r.iri) for r in conv.resources if r.kind not in ("agent", "contact")}
    families = plan(ctx)
    assert owned_iris(ctx, families, vocab_resources(ctx, families)) == expected


def test_violation_in_one_family_is_located_and_publishes_nothing(sample_copy: Path, tmp_path: Path) -> None:
    store = tmp_path / "site"
    assert build(sample_copy, store).status == "published"
    before = contents(store)
    index = first_published(sample_copy, "Collections")
    rid, line = set_cell(sample_copy, "Collections", index, "number_of_donors", "-5")
    result = build(sample_copy, store, workers=2)
    assert result.status == "invalid"
    found = [f for f in result.report.findings if f.severity == "violation"]
    assert found and {(f.record, f.line, f.column) for f in found} == {(rid, line, "number_of_donors")}
    assert contents(store) == before
    assert [p.name for p in (store / "builds").iterdir()] == [LocalStore(store).live_id()]


def test_a_failing_worker_publishes_nothing_and_leaves_no_debris(sample_copy: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A crash in one family's task ends the build with that error; the staging build is deleted and the
    store keeps its live build."""
    import bbfair.builder.stream as stream

    store = tmp_path / "site"
    assert build(sample_copy, store).status == "published"
    before = contents(store)
    index = first_published(sample_copy, "Collections")
    set_cell(sample_copy, "Collections", index, "name", "Renamed")

    def broken(ctx, plan, network_id, *members) -> None:
        raise RuntimeError(f"network task {network_id} failed")

    monkeypatch.setattr(stream, "network_family", broken)  # the workers fork after this, so they inherit it
    with pytest.raises(RuntimeError, match="network task"):
        build(sample_copy, store, workers=2)
    assert contents(store) == before
    assert [p.name for p in (store / "builds").iterdir()] == [LocalStore(store).live_id()]
