"""End to end: the sample catalogue built for a free port on 127.0.0.1, served by the real bbfair app (uvicorn,
`live_sample` in conftest.py), walked the way the Health-RI harvester walks it. Every published collection must
be found, imported and valid against the Health-RI profile, and nothing may be dropped."""

from __future__ import annotations

import time

from bbfair.harvest import check_harvest, to_json, to_text
from bbfair.store.local import LocalStore


def published(store) -> dict[str, set[str]]:
    """The IRIs of the documents the build published, by kind."""
    live = LocalStore.open(store).open_live()
    try:
        out: dict[str, set[str]] = {}
        for doc in live.documents:
            out.setdefault(doc.kind, set()).add(doc.iri)
        return out
    finally:
        live.close()


def test_every_collection_is_harvested_and_valid(live_sample) -> None:
    docs = published(live_sample.store)
    stages: list[str] = []
    start = time.perf_counter()
    report = check_harvest(f"{live_sample.url}/", timeout=30, progress=lambda stage, done, total: stages.append(stage))
    seconds = time.perf_counter() - start
    text = to_text(report)
    assert report.fatal is None, text
    # every collection (dataset document) is a record under its GUID, imported, with its distributions merged
    datasets = report.of_kind("dataset")
    assert {r.url for r in datasets} == docs["dataset"], text
    assert all(r.guid == f"dataset={r.url}" and r.imported for r in datasets)
    assert {d for r in datasets for d in r.distributions} == docs["distribution"]
    assert all((r.graph is not None and any(r.graph.triples((None, None, None)))) for r in datasets)
    # valid against Health-RI, nothing dropped or lost: exit code 0
    assert [r.url for r in report.invalid] == [], text
    assert report.dropped == [], text
    assert report.ok and report.exit_code == 0, text
    # the walk reached the root, every catalogue, distribution and data service (listed in the containers), nothing
    # else; a data service is no record (the harvester takes datasets)
    visited = {v.url for v in report.visits}
    assert visited == {f"{live_sample.url}/"} | docs["catalog"] | docs["dataset"] | docs["distribution"] | \
        docs["service"]
    assert docs["service"]
    assert all(v.status == 200 and v.parsed and v.final_url is None for v in report.visits)
    # catalogues are seen but are no records unless harvest_catalogs is on
    assert {v.url for v in report.catalogs_seen} == docs["catalog"]
    assert report.of_kind("catalog") == []
    assert text.splitlines()[0].endswith(": OK")
    assert f"found {len(docs['dataset'])} datasets" in text.splitlines()[0]
    assert {"walk", "validate"} <= set(stages)
    assert to_json(report)["summary"]["imported"] == len(docs["dataset"])
    assert seconds < 30, f"the walk took {seconds:.1f} s"


def test_catalogues_too_when_harvest_catalogs_is_on(live_sample) -> None:
    docs = published(live_sample.store)
    report = check_harvest(f"{live_sample.url}/", timeout=30, harvest_catalogs=True)
    text = to_text(report)
    assert {r.url for r in report.of_kind("catalog")} == docs["catalog"], text
    assert {r.url for r in report.of_kind("dataset")} == docs["dataset"]
    assert report.ok, text
    assert all(r.guid.startswith("catalog=") for r in report.of_kind("catalog"))


def test_check_harvest_command(live_sample) -> None:
    """`bbfair check-harvest URL`: a summary line, exit 0 on the sample; exit 2 when the root cannot be read."""
    from typer.testing import CliRunner

    from bbfair.cli import app

    result = CliRunner().invoke(app, ["check-harvest", f"{live_sample.url}/"])
    assert result.exit_code == 0, result.output
    assert "68 would be imported, 0 dropped, 0 invalid (judged by profile health-ri: " in result.output
    assert "official/health-ri-core-v2/ValidationShape/HRI-Datamodel-shapes.ttl): OK" in result.output
    as_json = CliRunner().invoke(app, ["check-harvest", f"{live_sample.url}/", "--json"])
    assert as_json.exit_code == 0 and '"ok": true' in as_json.output
    missing = CliRunner().invoke(app, ["check-harvest", f"{live_sample.url}/no/such/root"])
    assert missing.exit_code == 2 and "404" in missing.output
