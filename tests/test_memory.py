"""The garbage collector's bulk setting applies inside the block only, also when the block fails."""

from __future__ import annotations

import gc

import pytest

from bbfair.builder import memory


def test_bulk_work_sets_and_restores_the_thresholds() -> None:
    before = gc.get_threshold()
    with memory.bulk_work():
        assert gc.get_threshold() == memory.BULK_THRESHOLDS
    assert gc.get_threshold() == before


def test_bulk_work_restores_the_thresholds_after_an_error() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), memory.bulk_work():
        raise RuntimeError("conversion failed")
    assert gc.get_threshold() == before


def test_the_collector_still_runs_by_itself_during_bulk_work() -> None:
    """Fewer collections, not none: cyclic garbage made in bulk is reclaimed without an explicit collect."""
    with memory.bulk_work():
        before = gc.get_stats()[0]["collections"]
        for _ in range(200_000):
            cycle: list[object] = []
            cycle.append(cycle)
        assert gc.get_stats()[0]["collections"] > before


def test_release_runs_without_error() -> None:
    memory.release()
