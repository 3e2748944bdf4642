"""Soak and fuzz, kept short for the suite (the 30-second, 32-client run is `bench/bench_load.py`):

- a mixed load (pages in three representations, cheap SPARQL queries, two runaway clients) for a few seconds
  against a real server: no server error on a page or a cheap query, and the server's memory before and after;
- schemathesis over the server's OpenAPI document: no operation answers a generated request with a 5xx;
- hypothesis over records: any bytes as a CSV table give a clear error or a conversion, never a traceback.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bbfair.config import load_config
from bbfair.errors import InputError
from bbfair.mapping.convert import convert
from bbfair.records.loader import load_records

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from loadgen import load, mix, page_targets, rss


def test_a_short_soak_has_no_server_errors_and_keeps_its_memory(live_sample) -> None:
    found = httpx.get(live_sample.url + "/sparql", timeout=30, headers={"accept": "application/json"}, params={
        "query": "SELECT ?r WHERE { ?r a dcat:Dataset } LIMIT 10"}).json()["results"]["bindings"]
    targets = mix(page_targets([b["r"]["value"] for b in found], live_sample.url))
    host, port = live_sample.url.removeprefix("http://").split(":")
    asyncio.run(load(host, int(port), targets, 4, 1.0))  # warm: every page rendered, the allocator settled
    before = rss(os.getpid())
    stats = asyncio.run(load(host, int(port), targets, 8, 3.0, runaways=2))
    after = rss(os.getpid())
    print(f"\nsoak: {sum(len(v) for v in stats.latencies.values())} requests, page p99 "
          f"{stats.percentile('page', 99) * 1000:.1f} ms, sparql p99 {stats.percentile('sparql', 99) * 1000:.1f} ms, "
          f"memory {before / 2**20:.1f} → {after / 2**20:.1f} MiB")
    assert not stats.errors, stats.errors[:3]
    assert stats.server_errors("page") == 0 and stats.server_errors("sparql") == 0, stats.statuses
    assert len(stats.latencies["page"]) > 100 and len(stats.latencies["sparql"]) > 10
    assert after - before < 64 * 2**20  # the test process holds the server: a loose bound, the bench is exact


@pytest.fixture(scope="module")
def api(live_sample):
    document = httpx.get(live_sample.url + "/openapi.json", timeout=30).json()
    schema = schemathesis.openapi.from_dict(document)
    return schema, live_sample.url


def test_no_generated_request_gets_a_server_error(api) -> None:
    schema, url = api
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(max_examples=15, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def call(case) -> None:
            response = case.call(base_url=url, timeout=30)
            if response.status_code >= 500 and response.status_code != 503:
                failures.append(f"{case.method} {case.formatted_path} → {response.status_code}")

        call()
    assert not failures, failures[:5]


@pytest.fixture(scope="module")
def small_data(tmp_path_factory: pytest.TempPathFactory, sample_dir: Path) -> Path:
    """The sample's config and required tables cut to their first rows: quick to load again and again."""
    target = tmp_path_factory.mktemp("small")
    shutil.copy(sample_dir / "bbfair.toml", target / "bbfair.toml")
    for name in ("Biobanks", "Collections", "Persons"):
        lines = (sample_dir / f"{name}.csv").read_text(encoding="utf-8").splitlines(keepends=True)
        (target / f"{name}.csv").write_text("".join(lines[:6]), encoding="utf-8")
    return target


def _cells() -> st.SearchStrategy[str]:
    return st.text(st.characters(blacklist_categories=("Cs",)), max_size=12) | st.sampled_from(
        ["", "-1", "1e9", "true", "DNA,PLASMA", "ORPHA:558", '"', "bbmri-eric:ID:BE_SUH", "\\n", "NaN"])


@st.composite
def csv_bytes(draw, header: list[str]) -> bytes:
    """Either raw bytes, or the table's header (perhaps cut short) with rows of odd cells."""
    if draw(st.booleans()):
        return draw(st.binary(max_size=400))
    columns = header[: draw(st.integers(1, len(header)))]
    rows = [",".join(columns)]
    for _ in range(draw(st.integers(0, 3))):
        rows.append(",".join(draw(_cells()) for _ in columns))
    return "\n".join(rows).encode("utf-8", "surrogatepass")


@pytest.mark.parametrize("table", ["Collections", "Persons"])
def test_any_csv_gives_a_clear_error_or_a_conversion(small_data: Path, tmp_path_factory, table: str) -> None:
    header = (small_data / f"{table}.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    config = load_config(small_data)

    @settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(body=csv_bytes(header))
    def check(body: bytes) -> None:
        data = tmp_path_factory.mktemp("fuzz")
        for path in small_data.iterdir():
            shutil.copy(path, data / path.name)
        (data / f"{table}.csv").write_bytes(body)
        try:
            convert(load_records(data), config)
        except InputError as exc:  # a clear error: every problem says where and what
            assert exc.problems and all(p.message and p.file for p in exc.problems), exc.problems

    check()
