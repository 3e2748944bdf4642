"""Memento's pieces without a server (`web.memento`): reading `Accept-Datetime`, choosing the version live at a
time, and the links a memento names (the whole protocol runs on a real server in tests/test_history_e2e.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bbfair.store.history import BuildRow, Version
from bbfair.web.memento import memento_links, parse_accept_datetime, select

BASE = "http://example.org"
IRI = f"{BASE}/dataset/a"
B1 = BuildRow(1, "b1", "2026-01-01T10:00:00+00:00")
B2 = BuildRow(2, "b2", "2026-02-01T10:00:00+00:00")
B3 = BuildRow(3, "b3", "2026-03-01T10:00:00+00:00")


def _version(since: BuildRow, until: BuildRow | None) -> Version:
    return Version(IRI, since, until, "dataset", f"tag{since.seq}", since.published, None, None, {})


VERSIONS = [_version(B1, B2), _version(B2, B3), _version(B3, None)]


@pytest.mark.parametrize(("header", "expected"), [
    ("Sun, 01 Feb 2026 10:00:00 GMT", datetime(2026, 2, 1, 10, tzinfo=UTC)),
    ("  Sun, 01 Feb 2026 10:00:00 GMT ", datetime(2026, 2, 1, 10, tzinfo=UTC)),
])
def test_an_rfc_1123_date_is_read(header: str, expected: datetime) -> None:
    assert parse_accept_datetime(header) == expected


@pytest.mark.parametrize("header", ["", "yesterday", "2026-02-01", "Sun, 99 Feb 2026 10:00:00 GMT", "x" * 5000])
def test_anything_else_is_refused(header: str) -> None:
    assert parse_accept_datetime(header) is None


@pytest.mark.parametrize(("moment", "chosen", "early"), [
    (datetime(2025, 1, 1, tzinfo=UTC), "b1", True),
    (datetime(2026, 1, 1, 10, tzinfo=UTC), "b1", False),
    (datetime(2026, 2, 1, 9, 59, 59, tzinfo=UTC), "b1", False),
    (datetime(2026, 2, 1, 10, tzinfo=UTC), "b2", False),
    (datetime(2030, 1, 1, tzinfo=UTC), "b3", False),
])
def test_the_version_live_at_a_time(moment: datetime, chosen: str, early: bool) -> None:
    version, before_first = select(VERSIONS, moment)
    assert (version.since.id, before_first) == (chosen, early)


def test_a_memento_names_original_timegate_timemap_and_its_neighbours() -> None:
    links = memento_links(IRI, BASE, VERSIONS, VERSIONS[1])
    assert f'<{IRI}>; rel="original timegate"' in links
    assert f'<{BASE}/timemap/dataset/a>; rel="timemap"; type="application/link-format"' in links
    assert f'<{BASE}/memento/b1/dataset/a>; rel="first prev memento"' in links
    assert f'<{BASE}/memento/b2/dataset/a>; rel="memento"; datetime="Sun, 01 Feb 2026 10:00:00 GMT"' in links
    assert f'<{BASE}/memento/b3/dataset/a>; rel="last next memento"' in links
