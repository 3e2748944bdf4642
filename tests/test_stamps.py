"""Publication times: unchanged resources keep theirs, changed ones get the build time, and a change bumps the
catalogues above it up to the FDP root."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from helpers import first_published, set_cell
from rdflib import URIRef

from bbfair.builder.pipeline import convert_directory
from bbfair.rdf.namespaces import DCT, FDP

T1 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
T2 = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def _convert(data: Path, now: datetime, previous=None):
    from bbfair.config import load_config
    from bbfair.mapping import convert
    from bbfair.records import load_records

    return convert(load_records(data), load_config(data), now=now, previous=previous)


def test_every_metadata_record_has_fdp_times(sample_dir: Path) -> None:
    conv = convert_directory(sample_dir)
    for res in conv.resources:
        preds = {p for s, p, _o in res.triples if s == res.iri}
        if res.kind in ("fdp", "catalog", "dataset", "distribution"):
            assert {FDP.metadataIssued, FDP.metadataModified} <= preds, res.iri
        if res.kind in ("catalog", "dataset"):
            assert {DCT.issued, DCT.modified} <= preds, res.iri
        if res.kind in ("agent", "container", "concept"):
            assert FDP.metadataModified not in preds


def test_unchanged_keep_times_changed_bubble_up(sample_copy: Path) -> None:
    first = _convert(sample_copy, T1, previous={})
    same = _convert(sample_copy, T2, previous=first.stamps)
    assert same.stamps == first.stamps  # nothing changed: same hashes, ETags and times
    rid, _ = set_cell(sample_copy, "Collections", first_published(sample_copy, "Collections"), "description",
                      "A new description")
    second = _convert(sample_copy, T2, previous=first.stamps)
    changed = {iri for iri, s in second.stamps.items() if s != first.stamps.get(iri)}
    by_iri = {str(r.iri): r for r in second.resources}
    dataset = next(iri for iri in changed if by_iri[iri].kind == "dataset")
    assert by_iri[dataset].record_id == rid
    chain = [dataset]
    while by_iri[chain[-1]].parent is not None:
        chain.append(str(by_iri[chain[-1]].parent))
    assert chain[-1] == first.base + "/" and set(chain) <= changed  # dataset → biobank → node → root
    for iri in changed:
        assert second.stamps[iri].issued == first.stamps[iri].issued  # issued stays, modified moves
        assert second.stamps[iri].modified == T2.isoformat() != first.stamps[iri].modified
        assert second.stamps[iri].etag != first.stamps[iri].etag
    unchanged = set(first.stamps) - changed
    assert unchanged and all(second.stamps[i] == first.stamps[i] for i in unchanged)
    root = by_iri[first.base + "/"]
    assert (URIRef(first.base + "/"), FDP.metadataModified, None) not in root.triples
    assert any(p == FDP.metadataModified and o.toPython() == T2 for _s, p, o in root.triples)


def test_record_dates_win_over_build_times(sample_copy: Path) -> None:
    index = first_published(sample_copy, "Collections")
    rid, _ = set_cell(sample_copy, "Collections", index, "timestamp", "2024-03-01T10:00:00Z")
    conv = _convert(sample_copy, T1, previous={})
    ds = next(r for r in conv.resources if r.kind == "dataset" and r.record_id == rid)
    modified = [o for s, p, o in ds.triples if s == ds.iri and p == DCT.modified]
    assert [m.toPython().year for m in modified] == [2024]
    assert any(p == FDP.metadataModified and o.toPython() == T1 for s, p, o in ds.triples if s == ds.iri)
