"""Shared fixtures: the sample catalogue, the Directory demo export (`data/directory-demo`) and the official
shape files bbfair ships (`shapes/official/`)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data"


#: the official shape files bbfair ships (unchanged copies; provenance in shapes/official/SOURCES.md)
OFFICIAL_DIR = ROOT / "shapes" / "official"
#: the BBMRI-ERIC Directory's demo export, as bbfair ships it (data/directory-demo/SOURCES.md)
DEMO = SAMPLE / "directory-demo"


@pytest.fixture(scope="session")
def official_dir() -> Path:
    return OFFICIAL_DIR


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
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A writable copy of the Directory's demo export exactly as published, with its bbfair.toml."""
    target = tmp_path_factory.mktemp("demo")
    for csv in DEMO.glob("*.csv"):
        shutil.copy(csv, target / csv.name)
    shutil.copy(DEMO / "bbfair.toml", target / "bbfair.toml")
    return target


@pytest.fixture(scope="session")
def live_sample(tmp_path_factory: pytest.TempPathFactory):
    """The sample catalogue served by a real bbfair server on 127.0.0.1 (see tests/webserver.py); shared by
    the end-to-end tests of the web tier, which only read from it."""
    from webserver import sample_server

    with sample_server(SAMPLE, tmp_path_factory.mktemp("live")) as server:
        yield server
