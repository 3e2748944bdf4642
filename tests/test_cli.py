"""`bbfair convert` as a user runs it: every output format parses back, bad input exits non-zero and writes
nothing (an existing output file is left as it was)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import first_published, set_cell
from rdflib import Dataset, Graph
from typer.testing import CliRunner

from bbfair.cli import app

runner = CliRunner()


@pytest.mark.parametrize(("name", "rdflib_format"), [
    ("catalog.ttl", "turtle"), ("catalog.nt", "nt"), ("catalog.jsonld", "json-ld"), ("catalog.rdf", "xml"),
])
def test_convert_writes_each_format(sample_dir: Path, tmp_path: Path, name: str, rdflib_format: str) -> None:
    out = tmp_path / name
    result = runner.invoke(app, ["convert", str(sample_dir), "-o", str(out)])
    assert result.exit_code == 0, result.output
    graph = Graph().parse(out, format=rdflib_format)
    assert len(graph) > 5000
    assert "dataset" in result.output and "derived" in result.output


def test_nquads_keep_one_named_graph_per_resource(sample_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "catalog.nq"
    assert runner.invoke(app, ["convert", str(sample_dir), "-o", str(out)]).exit_code == 0
    ds = Dataset().parse(out, format="nquads")
    names = {str(g.identifier) for g in ds.graphs()}
    assert "http://127.0.0.1:8000/dataset/BE_SUH-collection-breast" in names


def test_format_option_overrides_suffix(sample_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "catalog.txt"
    assert runner.invoke(app, ["convert", str(sample_dir), "-o", str(out), "--format", "nt"]).exit_code == 0
    assert len(Graph().parse(out, format="nt")) > 5000
    bad = runner.invoke(app, ["convert", str(sample_dir), "-o", str(tmp_path / "x.docx")])
    assert bad.exit_code == 2 and "unknown RDF format" in bad.output


def test_bad_input_exits_non_zero_and_keeps_existing_output(sample_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "catalog.ttl"
    out.write_text("previous content\n")
    rid, line = set_cell(sample_copy, "Collections", first_published(sample_copy, "Collections"), "size", "12a")
    result = runner.invoke(app, ["convert", str(sample_copy), "-o", str(out)])
    assert result.exit_code == 2
    assert f"Collections.csv:{line}" in result.output and rid in result.output and "column size" in result.output
    assert out.read_text() == "previous content\n"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".catalog")]


def test_no_output_file_on_bad_input(sample_copy: Path, tmp_path: Path) -> None:
    (sample_copy / "bbfair.toml").unlink()
    out = tmp_path / "catalog.ttl"
    result = runner.invoke(app, ["convert", str(sample_copy), "-o", str(out)])
    assert result.exit_code == 2 and "bbfair.toml not found" in result.output
    assert not out.exists()


def test_installed_command_converts_the_demo(demo_dir: Path, tmp_path: Path) -> None:
    exe = shutil.which("bbfair") or str(Path(sys.executable).parent / "bbfair")
    out = tmp_path / "demo.ttl"
    done = subprocess.run([exe, "convert", str(demo_dir), "-o", str(out)], capture_output=True, text=True,
                          cwd=tmp_path, check=False)
    assert done.returncode == 0, done.stderr
    assert len(Graph().parse(out)) > 1000


@pytest.mark.parametrize("which", ["sample", "demo"])
def test_convert_says_why_each_column_it_leaves_out_is_not_published(which, sample_dir: Path, demo_dir: Path,
                                                                     tmp_path: Path) -> None:
    data = sample_dir if which == "sample" else demo_dir
    result = runner.invoke(app, ["convert", str(data), "-o", str(tmp_path / "out.ttl")])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())  # rich wraps long lines
    assert "ignored" not in text and "does not know" not in text
    assert "Collections.csv: not published: head (a Persons record" in text
    if which == "demo":
        assert "catalog (refers to Catalogs, which the export does not include)" in text
        assert "Studies.csv: read and checked, not published: a study is a MIABIS research resource" in text
