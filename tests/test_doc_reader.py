"""The same records as JSON or YAML give the same catalogue as the CSV export; errors keep line numbers."""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from helpers import rows

from bbfair.config import load_config
from bbfair.errors import InputError
from bbfair.mapping import convert
from bbfair.records import load_records
from bbfair.records.doc_reader import DOCUMENT_KEYS

NOW = datetime(2026, 1, 1, tzinfo=UTC)
MULTI = {"network", "type", "data_categories", "categories", "sex", "diagnosis_available", "materials",
         "storage_temperatures", "data_use", "keywords", "common_network_elements"}


def document_from_csv(data_dir: Path) -> dict[str, list[dict]]:
    doc: dict[str, list[dict]] = {}
    for key, table in DOCUMENT_KEYS.items():
        _, data = rows(data_dir / f"{table}.csv")
        doc[key] = [{k: ([v.strip() for v in val.split(",") if v.strip()] if k in MULTI else val)
                     for k, val in row.items() if val != ""} for row in data]
    return doc


def ntriples(data_dir: Path) -> set[str]:
    conv = convert(load_records(data_dir), load_config(data_dir), now=NOW)
    return {f"{s.n3()} {p.n3()} {o.n3()}" for r in conv.resources for s, p, o in r.graph}


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_document_gives_same_graphs_as_csv(sample_dir: Path, tmp_path: Path, suffix: str) -> None:
    doc = document_from_csv(sample_dir)
    path = tmp_path / f"records{suffix}"
    text = json.dumps(doc, indent=2) if suffix == ".json" else yaml.safe_dump(doc, sort_keys=False)
    path.write_text(text)
    shutil.copy(sample_dir / "bbfair.toml", tmp_path / "bbfair.toml")
    expected = {t for t in ntriples(sample_dir)}
    got = {t for t in ntriples(tmp_path)}
    assert got == expected


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_document_errors_point_at_the_record_line(sample_dir: Path, tmp_path: Path, suffix: str) -> None:
    doc = document_from_csv(sample_dir)
    doc["collections"][3]["size"] = "many"
    rid = doc["collections"][3]["id"]
    text = json.dumps(doc, indent=2) if suffix == ".json" else yaml.safe_dump(doc, sort_keys=False)
    (tmp_path / f"records{suffix}").write_text(text)
    shutil.copy(sample_dir / "bbfair.toml", tmp_path / "bbfair.toml")
    with pytest.raises(InputError) as info:
        load_records(tmp_path)
    problem = next(p for p in info.value.problems if p.column == "size")
    assert problem.record == rid
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if "collections" in line)
    pattern = re.compile(rf"""["']?id["']?:\s*["']?{re.escape(rid)}["']?,?$""")
    expected_line = next(i + 1 for i in range(start, len(lines)) if pattern.search(lines[i].strip()))
    assert problem.line == expected_line


def test_malformed_json_names_line(tmp_path: Path) -> None:
    (tmp_path / "records.json").write_text('{"biobanks": [\n  {"id": "x",}\n]}')
    with pytest.raises(InputError) as info:
        load_records(tmp_path)
    assert info.value.problems[0].line == 2 and "not valid JSON" in info.value.problems[0].message


def test_unknown_top_level_key(tmp_path: Path) -> None:
    (tmp_path / "records.yaml").write_text("biobank: []\n")
    with pytest.raises(InputError, match="unknown top-level key"):
        load_records(tmp_path)


def test_a_document_without_an_optional_list_is_an_export_without_that_table(sample_dir: Path, tmp_path: Path) -> None:
    """Leaving `publishers` out of a document is like leaving Publishers.csv out of an export: a collection's
    optional `publisher` is then left out with a notice, not reported as a dangling reference."""
    doc = document_from_csv(sample_dir)
    for key in ("publishers", "data_services", "endpoints"):
        del doc[key]
    (tmp_path / "records.json").write_text(json.dumps(doc))
    shutil.copy(sample_dir / "bbfair.toml", tmp_path / "bbfair.toml")
    cat = load_records(tmp_path)
    assert cat.collections["bbmri-eric:ID:BE_SCH:collection:cf"].publisher is None
    assert any("publisher (refers to Publishers, which the export does not include)" in n for n in cat.notices)
