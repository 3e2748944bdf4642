"""Plant errors in a copy of the sample catalogue, cell by cell, through the csv module; and the official shapes
files each standard is checked with (paths under shapes/official/, the unchanged copies bbfair ships)."""

from __future__ import annotations

import csv
from pathlib import Path


def rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def write(path: Path, header: list[str], data: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header)
        writer.writeheader()
        writer.writerows(data)


def set_cell(data_dir: Path, table: str, index: int, column: str, value: str) -> tuple[str, int]:
    """Set `column` of the `index`-th row of `table`; return the row's id and its line number."""
    path = data_dir / f"{table}.csv"
    header, data = rows(path)
    data[index][column] = value
    write(path, header, data)
    return data[index]["id"], index + 2


def first_published(data_dir: Path, table: str) -> int:
    """Index of the first row that is not withdrawn."""
    _, data = rows(data_dir / f"{table}.csv")
    return next(i for i, r in enumerate(data) if r.get("withdrawn", "false") != "true")


HEALTH_RI = ["health-ri-core-v2/ValidationShape/HRI-Datamodel-shapes.ttl"]
DCAT_AP = [f"dcat-ap-3.0.1/html-shacl/{f}" for f in ("shapes.ttl", "range.ttl", "mdr-vocabularies.shape.ttl")]
#: HealthDCAT-AP R8 non-public, on the DCAT-AP 3.0.1 base (R8's owl:imports loaded explicitly)
HEALTHDCAT_AP = [
    "healthdcat-ap-r8/validator/shapes/graph-guard.ttl",
    "healthdcat-ap-r8/validator/ranges/range.ttl",
    "healthdcat-ap-r8/validator/shapes/non-public-shapes.ttl",
    "healthdcat-ap-r8/validator/controlled-vocabularies/mdr-vocabularies.shape.ttl",
    "dcat-ap-3.0.1/html-shacl/shapes.ttl",
    "dcat-ap-3.0.1/html-shacl/range.ttl",
]
OFFICIAL = {"health-ri": HEALTH_RI, "dcat-ap": DCAT_AP, "healthdcat-ap": HEALTHDCAT_AP}
