"""Shared fixtures: the sample catalogue, the Directory demo export (with the sample's bbfair.toml beside it),
and the official reference shapes in ../shared/."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data"


def shared_dir() -> Path:
    """`shared/` beside the checkout (CI clones the repo next to it); BBFAIR_SHARED overrides."""
    env = os.environ.get("BBFAIR_SHARED")
    candidates = [Path(env)] if env else []
    candidates += [p / "shared" for p in ROOT.parents] + [ROOT.parent / "shared"]
    for candidate in candidates:
        if (candidate / "reference-shapes").is_dir():
            return candidate
    pytest.fail("../shared/ (reference shapes and the Directory demo) not found; set BBFAIR_SHARED")


@pytest.fixture(scope="session")
def shared() -> Path:
    return shared_dir()


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return SAMPLE


@pytest.fixture()
def sample_copy(tmp_path: Path) -> Path:
    """A writable copy of the sample catalogue, for planting errors."""
    target = tmp_path / "data"
    shutil.copytree(SAMPLE, target)
    return target


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory, shared: Path) -> Path:
    """The Directory's demo export exactly as published, with the sample's bbfair.toml copied beside it."""
    target = tmp_path_factory.mktemp("demo")
    for csv in (shared / "directory-emx2" / "demo").glob("*.csv"):
        shutil.copy(csv, target / csv.name)
    shutil.copy(SAMPLE / "bbfair.toml", target / "bbfair.toml")
    return target


@pytest.fixture(scope="session")
def live_sample(tmp_path_factory: pytest.TempPathFactory):
    """The sample catalogue served by a real bbfair server on 127.0.0.1 (see tests/webserver.py); shared by
    the end-to-end tests of the web tier, which only read from it."""
    from webserver import sample_server

    with sample_server(SAMPLE, tmp_path_factory.mktemp("live")) as server:
        yield server
