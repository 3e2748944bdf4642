"""Read the same records from one JSON or YAML document: ``{"biobanks": [...], "collections": [...],
"networks": [...], "persons": [...]}`` (and optionally the FAIR Data Point and annotation tables: `catalogs`,
`data_services`, `endpoints`, `publishers`, `organisations`, `addresses`, `also_known_in`,
`quality_info_biobanks`, `quality_info_collections`) with the Directory's field names and lists for
multi-values.

Line numbers are recovered by finding each record's `id` in the text in document order, so error messages can
point at the record without a slow position-tracking parser.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from ..errors import InputError, Problem
from .csv_reader import RawTable

#: document key -> Directory table name
DOCUMENT_KEYS = {"persons": "Persons", "networks": "Networks", "biobanks": "Biobanks", "collections": "Collections",
                 "catalogs": "Catalogs", "data_services": "DataServices", "endpoints": "Endpoints",
                 "publishers": "Publishers", "organisations": "Organisations", "addresses": "Address",
                 "also_known_in": "AlsoKnownIn", "quality_info_biobanks": "QualityInfoBiobanks",
                 "quality_info_collections": "QualityInfoCollections"}
#: the lists a document always has, even empty (the others are optional tables, like optional CSV files)
_ALWAYS = ("persons", "networks", "biobanks", "collections")
#: the field holding a record's key, where it is not `id`
_KEY_FIELDS = {"publishers": "name"}
SUFFIXES = (".json", ".yaml", ".yml")


def _parse(path: Path, text: str) -> object:
    if path.suffix == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError([Problem(f"not valid JSON: {exc.msg}", file=str(path), line=exc.lineno)]) from exc
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise InputError([Problem(f"not valid YAML: {exc}", file=str(path), line=line)]) from exc


def _line_finder(text: str):
    """Return find(key, record_id) giving the line of that record's `id` after the list `key` starts."""
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    cursor: dict[str, int] = {}

    def line_of(offset: int) -> int:
        lo, hi = 0, len(line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if line_starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1

    def find(key: str, rid: str, field: str = "id") -> int | None:
        if key not in cursor:
            m = re.search(rf"""["']?{key}["']?\s*:""", text)
            cursor[key] = m.end() if m else 0
        pattern = re.compile(rf"""["']?{field}["']?\s*:\s*["']?{re.escape(rid)}["']?\s*[,}}\n]""")
        m = pattern.search(text, cursor[key])
        if not m:
            return None
        cursor[key] = m.end()
        return line_of(m.start())

    return find


def read_document(path: Path) -> dict[str, RawTable]:
    """Read a JSON/YAML records document into one RawTable per Directory table."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([Problem(f"cannot read the file: {exc}", file=str(path))]) from exc
    doc = _parse(path, text)
    if not isinstance(doc, dict):
        raise InputError([Problem("expected a mapping with the lists biobanks, collections, networks, persons",
                                  file=str(path), line=1)])
    unknown = sorted(set(doc) - set(DOCUMENT_KEYS))
    if unknown:
        raise InputError([Problem(f"unknown top-level key(s) {', '.join(map(str, unknown))}: expected "
                                  f"{', '.join(DOCUMENT_KEYS)}", file=str(path))])
    find = _line_finder(text)
    tables: dict[str, RawTable] = {}
    problems: list[Problem] = []
    for key, name in DOCUMENT_KEYS.items():
        if key not in doc and key not in _ALWAYS:
            continue  # an optional table the document leaves out, as a CSV export leaves out its file
        items = doc.get(key) or []
        if not isinstance(items, list):
            problems.append(Problem(f"{key} must be a list of records", file=str(path), column=key))
            continue
        columns: list[str] = []
        table = RawTable(name=name, file=str(path), columns=columns)
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                problems.append(Problem(f"{key}[{index}] must be a mapping of field names to values",
                                        file=str(path), column=key))
                continue
            for col in item:
                if col not in columns:
                    columns.append(str(col))
            field = _KEY_FIELDS.get(key, "id")
            rid = item.get(field)
            line = find(key, str(rid), field) if rid is not None else None
            table.rows.append((line or 0, {str(k): _cell(v) for k, v in item.items()}))
        tables[name] = table
    if problems:
        raise InputError(problems)
    return tables


def _cell(value: object) -> object:
    """Keep lists as lists (multi-values); render scalars as the CSV reader would see them."""
    if isinstance(value, list) or value is None:
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)
