"""Load a data directory's records into a `Catalogue`: read (CSV or JSON/YAML), type (pydantic), check
(ids unique, references resolve, codes known) and drop withdrawn records.

Every problem found is collected, so one run reports all of them, each with file, line, record id and column. A
reference into an optional table the export does not include (a national node's export has no Catalogs or
Publishers) is not an error: an optional column's value is left out with a notice, a required one is a problem.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from ..errors import InputError, Problem
from ..rdf import vocab
from . import curies
from .checks import missing_column_problems, missing_columns, skipped_notices, unknown_code, value_problems
from .csv_reader import RawTable, read_table
from .doc_reader import SUFFIXES, read_document
from .extra import AlsoKnownIn, QualityInfoBiobank, QualityInfoCollection
from .fdp import Address, Catalog, DataService, Endpoint, Organisation, Publisher
from .models import Biobank, Collection, Network, Person, Record
from .notices import absent_notices, column_notices, table_notice
from .tables import AUXILIARY_REFERENCES, AUXILIARY_TABLES, REQUIRED_TABLES, TABLES

#: Directory table -> the Catalogue attribute holding its records
_ATTRIBUTES = {"Address": "addresses", "Organisations": "organisations", "Publishers": "publishers",
               "Persons": "persons", "AlsoKnownIn": "also_known", "Networks": "networks", "Biobanks": "biobanks",
               "Catalogs": "catalogs", "Collections": "collections", "DataServices": "services",
               "Endpoints": "endpoints", "QualityInfoBiobanks": "quality_biobanks",
               "QualityInfoCollections": "quality_collections"}


@dataclass
class Catalogue:
    """The records that will be published, by table and id, plus what the reader noticed."""

    persons: dict[str, Person] = field(default_factory=dict)
    networks: dict[str, Network] = field(default_factory=dict)
    biobanks: dict[str, Biobank] = field(default_factory=dict)
    collections: dict[str, Collection] = field(default_factory=dict)
    addresses: dict[str, Address] = field(default_factory=dict)
    organisations: dict[str, Organisation] = field(default_factory=dict)
    publishers: dict[str, Publisher] = field(default_factory=dict)
    also_known: dict[str, AlsoKnownIn] = field(default_factory=dict)
    catalogs: dict[str, Catalog] = field(default_factory=dict)
    services: dict[str, DataService] = field(default_factory=dict)
    endpoints: dict[str, Endpoint] = field(default_factory=dict)
    quality_biobanks: dict[str, QualityInfoBiobank] = field(default_factory=dict)
    quality_collections: dict[str, QualityInfoCollection] = field(default_factory=dict)
    #: notes for the summary: unpublished and unknown columns, withdrawn records, unpublished tables
    notices: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)
    #: what is wrong with the input (only kept when loading leniently; strict loading raises instead)
    problems: list[Problem] = field(default_factory=list)
    #: records left out because a record they need (their biobank, contact, parent) has problems
    skipped: list[str] = field(default_factory=list)
    #: rows read, published or not (what a validation report says it checked)
    rows_read: int = 0

    def table(self, name: str) -> dict[str, Record]:
        """The records of a Directory table by name."""
        return getattr(self, _ATTRIBUTES[name])


def _read(data_dir: Path, lenient: bool) -> tuple[dict[str, RawTable], list[str], list[Problem]]:
    """The raw tables. Leniently, a table that cannot be parsed (a broken CSV row) is reported and left out;
    without Biobanks, Collections and Persons there is nothing to check, so that always raises."""
    notices: list[str] = []
    csvs = {p.stem: p for p in data_dir.glob("*.csv")}
    docs = sorted(p for p in data_dir.iterdir() if p.suffix in SUFFIXES and p.is_file())
    if not csvs and not docs:
        raise InputError([Problem(
            "no records found: expected the Directory CSV export (Biobanks.csv, Collections.csv, Persons.csv, "
            "Networks.csv …) or one JSON/YAML document with lists biobanks, collections, networks, persons",
            file=str(data_dir))])
    if csvs and docs:
        raise InputError([Problem(f"both CSV files and {docs[0].name} found: keep one input format per "
                                  "data directory", file=str(data_dir))])
    if docs:
        if len(docs) > 1:
            raise InputError([Problem(f"several record documents found ({', '.join(d.name for d in docs)}): "
                                      "keep exactly one", file=str(data_dir))])
        return read_document(docs[0]), notices, []
    tables: dict[str, RawTable] = {}
    missing: list[Problem] = []
    problems: list[Problem] = []
    for name in REQUIRED_TABLES:
        if name not in csvs:
            missing.append(Problem(f"{name}.csv is missing (the Directory export has one file per table)",
                                   file=str(data_dir / f"{name}.csv")))
    for name, path in sorted(csvs.items()):
        if name not in TABLES and name not in AUXILIARY_TABLES:
            notices.append(f"{path.name}: not a Directory table bbfair reads; ignored")
            continue
        try:
            tables[name] = read_table(path, name)
        except InputError as exc:
            problems.extend(exc.problems)
    if missing or (problems and not lenient):
        raise InputError(missing + problems)
    return tables, notices, problems


def _typed(table: RawTable, model: type[Record], problems: list[Problem],
           rejected: set[str] | None = None) -> Iterator[Record]:
    """The table's rows as records, in order; the ids of rows that cannot be typed go to `rejected`. A required
    column missing from the header is one problem for the header line (`checks.missing_columns`), not one per
    row. Each raw row is let go once typed (the rows of 100k collections take hundreds of MB), and records with
    the same set of given fields share one `__pydantic_fields_set__` (pydantic keeps a set per instance, about
    2 KB for a collection's 40 fields; bbfair never asks for it)."""
    absent = missing_columns(table, model)
    problems.extend(missing_column_problems(table, absent))
    shared: dict[frozenset[str], set[str]] = {}
    rows = table.rows
    rows.reverse()
    while rows:
        line, row = rows.pop()
        rid = row.get(model.key) if isinstance(row.get(model.key), str) else None
        try:
            record = model.model_validate({**row, "source": {"file": table.file, "line": line or None}})
            given = frozenset(record.__pydantic_fields_set__)
            object.__setattr__(record, "__pydantic_fields_set__", shared.setdefault(given, set(given)))
            yield record
        except ValidationError as exc:
            if rejected is not None and rid:
                rejected.add(rid)
            for err in exc.errors():
                column = str(err["loc"][0]) if err["loc"] else None
                if column in absent:
                    continue  # said once, for the header
                value = row.get(column) if column else None
                problems.append(Problem(_explain(err, column, value), file=table.file, line=line or None,
                                        record=rid, column=column))


def _explain(err: dict, column: str | None, value: object) -> str:
    kind = err["type"]
    blank = value is None or not value or (isinstance(value, str) and not value.strip())
    if kind in ("missing", "string_too_short") or (blank and kind in ("too_short", "string_type")):
        return f"{column} is required but empty"
    if kind.startswith("int"):
        return f"expected a whole number, got {value!r}"
    if kind.startswith("bool"):
        return f"expected true or false, got {value!r}"
    if kind.startswith("datetime"):
        return f"expected a date-time like 2024-05-01T10:00:00+02:00, got {value!r}"
    if kind == "value_error":
        return str(err["msg"]).removeprefix("Value error, ")
    return f"{err['msg']} (got {value!r})"


def _check_codes(record: Record, problems: list[Problem]) -> None:
    for column, scheme in record.coded.items():
        value = getattr(record, column)
        values = value if isinstance(value, list) else [value] if value else []
        known = vocab.known_codes(scheme)
        for code in values:
            if code not in known:
                if scheme == "disease" and not (vocab.ORPHA_CODE.match(code) or vocab.ICD10_CODE.match(code)):
                    what = (f"malformed disease code {code!r}: ORPHA codes look like ORPHA:558, ICD-10 codes "
                            "like urn:miriam:icd:C18 or urn:miriam:icd:C50.9")
                elif scheme == "language":
                    what = (f"unknown language {code!r}: give a language of the Directory's Languages list that has "
                            "an EU language authority entry (vocab/languages.csv), e.g. English or eng")
                else:
                    what = unknown_code(code, scheme, known)
                problems.append(Problem(what, file=record.source.file, line=record.source.line, record=record.id,
                                        column=column))


def _check_identifiers(record: Record, problems: list[Problem]) -> Record:
    """Every identifier column value must be a CURIE of a known prefix (well formed, check digits right), a
    Directory id or a web address (`records.curies`). A bad value is reported and dropped from the record:
    leniently, the record itself is still converted and checked (one wrong link or ROR should not hide the
    record and everything that depends on it); strictly, the problems stop the conversion like any other."""
    update: dict[str, object] = {}
    for column, prefix in record.identifiers.items():
        value = getattr(record, column)
        kept = []
        for item in value if isinstance(value, list) else [value] if value else []:
            try:
                curies.parse(item) if prefix == "any" else curies.parse_as(item, prefix)
                kept.append(item)
            except curies.IdentifierError as exc:
                problems.append(Problem(str(exc), file=record.source.file, line=record.source.line,
                                        record=record.id, column=column))
        if isinstance(value, list) and len(kept) != len(value):
            update[column] = kept
        elif value and not isinstance(value, list) and not kept:
            update[column] = None
    return record.model_copy(update=update) if update else record


def load_records(data_dir: Path, lenient: bool = False) -> Catalogue:
    """Read, type and check every record in `data_dir`.

    Strict (converting): raise InputError listing every problem. Lenient (validating): keep the problems in
    `Catalogue.problems`, leave the records they concern out (a bad identifier only loses that value), and skip
    the records that need one of those, so the rest can still be converted and checked in the same run.
    Unreadable input raises either way."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise InputError([Problem("not a directory: pass the folder holding bbfair.toml and the records",
                                  file=str(data_dir))])
    tables, notices, problems = _read(data_dir, lenient)
    #: bad identifiers are dropped from their record, which stays (see _check_identifiers)
    identifier_problems: list[Problem] = []
    #: ids of the rows of each table that could not be read as records
    rejected: dict[str, set[str]] = {}
    cat = Catalogue(notices=notices)
    for name, model in TABLES.items():
        table = tables.get(name)
        if table is None:
            continue
        cat.rows_read += len(table.rows)
        cat.notices += column_notices(table, model)
        target = cat.table(name)
        for record in _typed(table, model, problems, rejected.setdefault(name, set())):
            if record.id in target:
                first = target[record.id].source
                problems.append(Problem(f"duplicated {model.key}: also used at {first}", file=record.source.file,
                                        line=record.source.line, record=record.id, column=model.key))
                continue
            _check_codes(record, problems)
            identifier_problems += value_problems(record)  # the record stays, so validation also explains it
            target[record.id] = _check_identifiers(record, identifier_problems)
    for name in AUXILIARY_TABLES:
        if name in tables:
            cat.rows_read += len(tables[name].rows)
            cat.notices.append(table_notice(tables[name]))
    blocked = _check_references(cat, tables, problems, rejected)
    if (problems or identifier_problems) and not lenient:
        skipped = [Problem(line) for line in skipped_notices(blocked)]
        raise InputError(problems + identifier_problems + skipped)
    cat.notices += skipped_notices(blocked)
    if problems or identifier_problems:
        _leave_out(cat, problems)
        cat.problems = problems + identifier_problems
    _drop_withdrawn(cat)
    return cat


def _leave_out(cat: Catalogue, problems: list[Problem]) -> None:
    """Drop the records that have problems, then those that need a dropped record (lenient loading)."""
    cat.problems = problems
    bad = {p.record for p in problems if p.record}
    for name in TABLES:
        table = cat.table(name)
        for rid in bad & table.keys():
            del table[rid]
    changed = True
    while changed:
        changed = False
        for name in TABLES:
            table = cat.table(name)
            for rid, record in list(table.items()):
                if any(_dangling(cat, record, column, target) for column, target in record.references.items()):
                    del table[rid]
                    cat.skipped.append(rid)
                    changed = True
    if cat.skipped:
        cat.notices.append(f"not checked, because a record they need has problems: {len(cat.skipped)} "
                           f"record(s) ({', '.join(cat.skipped[:5])}{' …' if len(cat.skipped) > 5 else ''})")


def _dangling(cat: Catalogue, record: Record, column: str, target: str) -> bool:
    """A single-valued reference (biobank, contact, parent) to a record that is not there. Lists (networks)
    only lose the missing member: the mapping skips networks it does not know."""
    value = getattr(record, column)
    return isinstance(value, str) and bool(value) and value not in cat.table(target)


def _check_references(cat: Catalogue, tables: dict[str, RawTable], problems: list[Problem],
                      rejected: dict[str, set[str]]) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """Every reference must name a record of its table. Into a table the export does not include, an optional
    column's values are left out (and said so once per file and column); a required one is a problem. A
    reference to a row that was itself rejected is no new problem: the records that hold one are returned, by
    (file, table referred to), to be reported once as skipped (`checks.skipped_notices`)."""
    absent: list[tuple[str, str, str]] = []
    blocked: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for name in TABLES:
        records = cat.table(name)
        for rid, record in list(records.items()):
            update: dict[str, object] = {}
            for column, target in record.references.items():
                value = getattr(record, column)
                refs = value if isinstance(value, list) else [value] if value else []
                if refs and target not in tables and target not in REQUIRED_TABLES:
                    if type(record).model_fields[column].is_required():
                        problems.append(Problem(
                            f"refers to {refs[0]!r}, but the export has no {target} table ({target}.csv)",
                            file=record.source.file, line=record.source.line, record=record.id, column=column))
                    else:
                        update[column] = [] if isinstance(value, list) else None
                        absent.append((Path(record.source.file).name, column, target))
                    continue
                key = TABLES[target].key
                for ref in refs:
                    if ref in rejected.get(target, ()):
                        blocked.setdefault((record.source.file, target), []).append((record.id, ref))
                    elif ref not in cat.table(target):
                        problems.append(Problem(
                            f"refers to {ref!r}, which is not {'a name' if key == 'name' else 'an id'} in {target}",
                            file=record.source.file, line=record.source.line, record=record.id, column=column))
            if update:
                records[rid] = record.model_copy(update=update)
    cat.notices += absent_notices(absent)
    for name, refs in AUXILIARY_REFERENCES.items():
        table = tables.get(name)
        if table is None:
            continue
        for line, row in table.rows:
            for column, target in refs.items():
                ref = row.get(column)
                if ref and ref in rejected.get(target, ()):
                    blocked.setdefault((table.file, target), []).append((row.get("id") or f"line {line}", ref))
                elif ref and ref not in cat.table(target):
                    problems.append(Problem(f"refers to {ref!r}, which is not an id in {target}",
                                            file=table.file, line=line, record=row.get("id"), column=column))
    return blocked


def _drop_withdrawn(cat: Catalogue) -> None:
    """Withdrawn records are not published; collections of a withdrawn biobank or parent go with them."""
    for name in ("Networks", "Biobanks"):
        table = cat.table(name)
        for rid in [r for r, rec in table.items() if rec.withdrawn]:
            del table[rid]
            cat.withdrawn.append(rid)
    changed = True
    while changed:
        changed = False
        for rid, coll in list(cat.collections.items()):
            parent_gone = coll.parent_collection and coll.parent_collection not in cat.collections
            if coll.withdrawn or coll.biobank not in cat.biobanks or parent_gone:
                del cat.collections[rid]
                cat.withdrawn.append(rid)
                changed = True
    if cat.withdrawn:
        cat.notices.append(f"withdrawn, not published: {len(cat.withdrawn)} record(s) "
                           f"({', '.join(cat.withdrawn[:5])}{' …' if len(cat.withdrawn) > 5 else ''})")
