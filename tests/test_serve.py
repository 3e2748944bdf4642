"""`bbfair serve`: which store and base IRI it serves, and the real command serving the sample."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from rdflib import RDF, Graph, URIRef
from webserver import free_port

from bbfair.builder.publish import build
from bbfair.errors import StoreError
from bbfair.store.layout import DEFAULT_STORE
from bbfair.web.serve import plan_from_data, plan_from_store, serving_url


def test_base_iri_precedence(sample_copy: Path) -> None:
    plan = plan_from_data(sample_copy, None, "127.0.0.1", 9000, "http://127.0.0.1:9000")
    assert plan.base_iri == "http://127.0.0.1:9000" and plan.warning() is None
    assert plan.store == sample_copy / DEFAULT_STORE
    plan = plan_from_data(sample_copy, None, "127.0.0.1", 9000, None)  # bbfair.toml's base
    assert plan.base_iri == "http://127.0.0.1:8000"
    assert "--base-iri http://127.0.0.1:9000" in (plan.warning() or "")
    config = sample_copy / "bbfair.toml"
    config.write_text(config.read_text().replace('base_iri = "http://127.0.0.1:8000"', ""))
    plan = plan_from_data(sample_copy, sample_copy / "s", "127.0.0.1", 9001, None)  # the serving URL
    assert plan.base_iri == "http://127.0.0.1:9001" and plan.store == sample_copy / "s"
    assert serving_url("0.0.0.0", 80).startswith("http://") and "0.0.0.0" not in serving_url("0.0.0.0", 80)



def test_build_without_a_store_publishes_where_serve_looks(sample_copy: Path) -> None:
    """Regression: `bbfair build DATA_DIR` with no --store and no [store] location stopped with "no store
    given", while `bbfair serve DATA_DIR` builds into DATA_DIR/.bbfair/store: both now use that store, and the
    store inside the data directory is not input (a second build is unchanged)."""
    first = build(sample_copy, None, workers=1)
    assert first.published and (sample_copy / DEFAULT_STORE / "LIVE").is_file()
    assert plan_from_data(sample_copy, None, "127.0.0.1", 8000, None).store == sample_copy / DEFAULT_STORE
    assert build(sample_copy, None, workers=1).status == "unchanged"

def test_store_built_for_another_base_is_refused(sample_dir: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert build(sample_dir, store, base_iri="https://fdp.example.org", workers=1).status == "published"
    plan = plan_from_store(store, "127.0.0.1", 8080, "https://fdp.example.org/", plan_sparql())
    assert plan.base_iri == "https://fdp.example.org"
    assert "https://fdp.example.org" in (plan.warning() or "")  # resolves only behind a proxy
    with pytest.raises(StoreError, match=r"was built with base IRI https://fdp\.example\.org"):
        plan_from_store(store, "127.0.0.1", 8080, "https://other.example.org", plan_sparql())
    with pytest.raises(StoreError, match="not a bbfair store yet"):
        plan_from_store(tmp_path / "nothing", "127.0.0.1", 8080, None, plan_sparql())


def plan_sparql():
    from bbfair.config import Sparql

    return Sparql()


def test_serve_command_builds_and_serves(sample_copy: Path, tmp_path: Path) -> None:
    """The real command, with two worker processes: every IRI is the URL it is served at."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([sys.executable, "-m", "bbfair.cli", "serve", str(sample_copy), "--store",
                             str(tmp_path / "store"), "--port", str(port), "--base-iri", url, "--workers", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
            assert time.monotonic() < deadline, "bbfair serve did not come up"
            time.sleep(0.3)
        root = Graph().parse(data=httpx.get(f"{url}/", headers={"Accept": "text/turtle"}).text, format="turtle")
        assert (URIRef(f"{url}/"), RDF.type, URIRef("https://w3id.org/fdp/fdp-o#FAIRDataPoint")) in root
        for _ in range(6):  # both workers answer
            assert httpx.get(f"{url}/catalog/BE", headers={"Accept": "text/html"}).status_code == 200
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def test_serve_refuses_invalid_input(sample_copy: Path, tmp_path: Path) -> None:
    from helpers import set_cell

    set_cell(sample_copy, "Collections", 0, "age_low", "-5")
    proc = subprocess.run([sys.executable, "-m", "bbfair.cli", "serve", str(sample_copy), "--store",
                           str(tmp_path / "store"), "--port", str(free_port())], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 1 and "not published" in proc.stderr
