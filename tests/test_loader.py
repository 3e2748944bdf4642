"""Loading records: typed models with their source; every planted error names file, line, record and column,
and the conversion stops with a non-zero exit and no output."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import first_published, rows, set_cell, write

from bbfair.errors import InputError
from bbfair.records import load_records


def test_sample_loads_and_drops_withdrawn(sample_dir: Path) -> None:
    cat = load_records(sample_dir)
    assert len(cat.biobanks) == 19 and len(cat.collections) == 68 and len(cat.networks) >= 3
    assert "bbmri-eric:ID:BE_ELPB" in cat.withdrawn
    assert all(c.biobank != "bbmri-eric:ID:BE_ELPB" for c in cat.collections.values())
    coll = next(iter(cat.collections.values()))
    assert coll.source.file.endswith("Collections.csv") and coll.source.line and coll.source.line >= 2
    assert isinstance(coll.materials, list)
    assert any(n.startswith("Collections.csv: not published: head (") for n in cat.notices)


def test_demo_export_loads_as_is(demo_dir: Path) -> None:
    cat = load_records(demo_dir)
    assert len(cat.collections) == 3
    assert cat.collections["bbmri-eric:ID:NL_biobank2:collection:coll2a"].parent_collection.endswith("coll2")
    assert cat.collections["bbmri-eric:ID:DE_biobank1:collection:coll1"].sex == ["MALE", "NEUTERED_MALE"]


def planted(data_dir: Path, table: str, column: str, value: str) -> tuple[InputError, str, int]:
    index = first_published(data_dir, table)
    rid, line = set_cell(data_dir, table, index, column, value)
    with pytest.raises(InputError) as info:
        load_records(data_dir)
    return info.value, rid, line


@pytest.mark.parametrize(("table", "column", "value", "expected"), [
    ("Collections", "materials", "DNA,BLOOD_PUDDING", "unknown code 'BLOOD_PUDDING'"),
    ("Collections", "size", "12a", "expected a whole number"),
    ("Collections", "number_of_donors", "lots", "expected a whole number"),
    ("Collections", "diagnosis_available", "ORPHA:XYZ", "malformed disease code 'ORPHA:XYZ'"),
    ("Collections", "biobank", "bbmri-eric:ID:BE_nope", "not an id in Biobanks"),
    ("Collections", "contact", "bbmri-eric:contactID:BE_nobody", "not an id in Persons"),
    ("Collections", "name", "", "name is required"),
    ("Collections", "country", "XX", "unknown code 'XX'"),
    ("Collections", "age_unit", "DECADE", "unknown code 'DECADE'"),
    ("Collections", "access_uri", "www.example.be/access", "web address"),
    ("Persons", "email", "not-an-email", "email address"),
    ("Biobanks", "contact", "", "contact is required"),
])
def test_planted_error_names_record_and_column(sample_copy, table, column, value, expected) -> None:
    error, rid, line = planted(sample_copy, table, column, value)
    matching = [p for p in error.problems if p.record == rid and p.column == column]
    assert matching, [str(p) for p in error.problems]
    problem = matching[0]
    assert expected in problem.message
    assert problem.file.endswith(f"{table}.csv") and problem.line == line
    assert f"{table}.csv:{line}" in str(problem)


def test_duplicated_id_points_at_both_rows(sample_copy: Path) -> None:
    _header, data = rows(sample_copy / "Persons.csv")
    set_cell(sample_copy, "Persons", 1, "id", data[0]["id"])
    with pytest.raises(InputError) as info:
        load_records(sample_copy)
    problem = next(p for p in info.value.problems if "duplicated id" in p.message)
    assert problem.line == 3 and problem.column == "id" and "Persons.csv:2" in problem.message


def test_missing_required_table(sample_copy: Path) -> None:
    (sample_copy / "Persons.csv").unlink()
    with pytest.raises(InputError, match=r"Persons\.csv is missing"):
        load_records(sample_copy)


def test_all_problems_reported_at_once(sample_copy: Path) -> None:
    set_cell(sample_copy, "Collections", first_published(sample_copy, "Collections"), "size", "x")
    set_cell(sample_copy, "Persons", 0, "email", "nope")
    with pytest.raises(InputError) as info:
        load_records(sample_copy)
    assert {p.column for p in info.value.problems} >= {"size", "email"}


# ------------------------------------------------------------------ the Directory's FAIR Data Point tables (issue 19)

def test_sample_reads_the_fair_data_point_and_annotation_tables(sample_dir: Path) -> None:
    cat = load_records(sample_dir)
    assert set(cat.catalogs) == {"BE_rare_disease"} and set(cat.endpoints) == {"BE_directory_fdp"}
    assert set(cat.services) == {"BE_negotiator", "BE_beacon_cf"}
    assert set(cat.publishers) == {"Sample Belgian Biobank Consortium"}  # keyed by name, as the Directory does
    assert set(cat.organisations) == {"BE_node_desk"} and set(cat.addresses) == {"BE_node_address"}
    assert len(cat.also_known) == 2 and len(cat.quality_biobanks) == 3 and len(cat.quality_collections) == 3
    cf = cat.collections["bbmri-eric:ID:BE_SCH:collection:cf"]
    assert cf.catalog == ["BE_rare_disease"] and cf.publisher == "Sample Belgian Biobank Consortium"
    assert cf.language == ["English", "Dutch"] and cf.EJP_RD_personalData == "false"
    assert (cf.latitude, cf.longitude) == (50.8503, 4.3517)
    assert cat.services["BE_beacon_cf"].source.file.endswith("DataServices.csv")


@pytest.mark.parametrize(("table", "column", "value", "expected"), [
    ("Collections", "publisher", "Nobody Ltd", "refers to 'Nobody Ltd', which is not a name in Publishers"),
    ("Collections", "catalog", "BE_rare_disease,BE_nope", "refers to 'BE_nope', which is not an id in Catalogs"),
    ("DataServices", "publisher", "Nobody Ltd", "which is not a name in Publishers"),
    ("DataServices", "part_of", "BE_nope", "which is not an id in Catalogs"),
    ("Endpoints", "metadata_catalog", "BE_nope", "which is not an id in Catalogs"),
    ("Catalogs", "contact", "BE_nobody", "which is not an id in Organisations"),
    ("Organisations", "address", "BE_nowhere", "which is not an id in Address"),
    ("Collections", "also_known", "bbmri-eric:akiID:BE_99999", "which is not an id in AlsoKnownIn"),
    ("Collections", "latitude", "95.1", "between -90 and 90"),
    ("Collections", "language", "Klingon", "unknown language 'Klingon'"),
    ("Collections", "EJP_RD_personalData", "maybe", "expected true or false"),
    ("Collections", "access_fee", "samples,kidneys", "unknown code 'kidneys'"),
    ("DataServices", "endpoint_url", "ftp://beacon.example.org", "web address"),
    ("DataServices", "license", "", "license is required"),
    ("Catalogs", "access_rights", "Secret", "unknown code 'Secret'"),
    ("QualityInfoCollections", "quality_standard", "iso-0000", "unknown code 'iso-0000'"),
])
def test_planted_error_in_the_new_tables_names_record_and_column(sample_copy, table, column, value,
                                                                 expected) -> None:
    """A dangling Publishers or Catalogs reference (or any other new reference, code or value) is an input error
    with file, line, record id and column."""
    error, rid, line = planted(sample_copy, table, column, value)
    matching = [p for p in error.problems if p.record == rid and p.column == column]
    assert matching, [str(p) for p in error.problems]
    assert expected in matching[0].message
    assert matching[0].file.endswith(f"{table}.csv") and matching[0].line == line


def test_a_duplicated_publisher_name_is_reported_by_name(sample_copy: Path) -> None:
    header, data = rows(sample_copy / "Publishers.csv")
    write(sample_copy / "Publishers.csv", header, [data[0], data[0]])
    with pytest.raises(InputError) as info:
        load_records(sample_copy)
    problem = next(p for p in info.value.problems if "duplicated" in p.message)
    assert problem.column == "name" and problem.line == 3 and problem.record == data[0]["name"]


def test_a_reference_into_a_table_the_export_leaves_out(sample_copy: Path) -> None:
    """A national node's export usually has no Publishers or Catalogs table: an optional column naming them is left
    out with a notice (as the Directory demo's collections are); a required one (DataServices.publisher) is an
    input error that says which table is missing."""
    (sample_copy / "Publishers.csv").unlink()
    with pytest.raises(InputError) as info:
        load_records(sample_copy)
    problems = [p for p in info.value.problems if p.file.endswith("DataServices.csv")]
    assert {p.column for p in problems} == {"publisher"}
    assert "the export has no Publishers table (Publishers.csv)" in problems[0].message
    for name in ("DataServices", "Endpoints"):
        (sample_copy / f"{name}.csv").unlink()
    header, data = rows(sample_copy / "Catalogs.csv")
    write(sample_copy / "Catalogs.csv", header, [{**row, "publisher": ""} for row in data])
    cat = load_records(sample_copy)
    assert cat.collections["bbmri-eric:ID:BE_SCH:collection:cf"].publisher is None
    assert "Collections.csv: not published: publisher (refers to Publishers, which the export does not include)" \
        in cat.notices


def test_the_demo_export_keeps_its_fdp_columns_out_with_a_notice(demo_dir: Path) -> None:
    cat = load_records(demo_dir)
    coll = cat.collections["bbmri-eric:ID:DE_biobank1:collection:coll1"]
    assert coll.catalog == [] and coll.publisher is None
    assert coll.license == "https://ejp-rd-vp.github.io/resource-metadata-schema/license/v1.0.txt"
    assert coll.language == ["English"] and coll.EJP_RD_personalData == "false"
    assert ("Collections.csv: not published: catalog (refers to Catalogs, which the export does not include); "
            "publisher (refers to Publishers, which the export does not include)") in cat.notices


@pytest.mark.parametrize("which", ["sample", "demo"])
def test_no_column_is_left_out_without_a_reason(which, sample_dir: Path, demo_dir: Path) -> None:
    """The conversion notice names every column it does not publish with the reason (vocab/unpublished.csv); no
    column of the sample or the Directory's demo export is unknown."""
    cat = load_records(sample_dir if which == "sample" else demo_dir)
    assert not [n for n in cat.notices if "does not know" in n or "ignored" in n]
    for notice in cat.notices:
        if ": not published: " in notice and "refers to" not in notice:
            for item in notice.split(": not published: ", 1)[1].split("; "):
                assert "(" in item and item.endswith(")"), item


def test_an_unknown_column_is_reported(sample_copy: Path) -> None:
    header, data = rows(sample_copy / "Networks.csv")
    write(sample_copy / "Networks.csv", [*header, "colour"], [{**row, "colour": "blue"} for row in data])
    cat = load_records(sample_copy)
    assert "Networks.csv: columns bbfair does not know, ignored: colour" in cat.notices


def schema_columns() -> dict[str, list[str]]:
    """The Directory's EMX2 schema (vocab/directory/molgenis.csv): table -> its data columns."""
    import csv

    from bbfair.rdf.resources import vocab_path

    out: dict[str, list[str]] = {}
    with vocab_path("directory", "molgenis.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["columnName"] and row["columnType"] != "heading":
                out.setdefault(row["tableName"], []).append(row["columnName"])
    return out


def test_every_schema_column_is_mapped_or_has_a_documented_reason() -> None:
    """Each column of each Directory table bbfair reads is a field of its model (published) or listed with the
    reason in vocab/unpublished.csv; each table bbfair does not publish is listed as a whole. And the list names
    only real columns."""
    from bbfair.rdf import vocab
    from bbfair.records.tables import AUXILIARY_TABLES, TABLES

    reasons = vocab.unpublished()
    schema = schema_columns()
    unexplained = []
    for table, columns in schema.items():
        if table in TABLES:
            model = TABLES[table]
            unexplained += [f"{table}.{c}" for c in columns
                            if c not in model.model_fields and (table, c) not in reasons]
        else:
            assert table in AUXILIARY_TABLES, f"{table} is not read"
            assert (table, "*") in reasons, f"{table} is neither published nor explained"
    assert unexplained == []
    assert all(column == "*" or column in schema[table] for table, column in reasons), \
        [f"{t}.{c}" for t, c in reasons if c != "*" and c not in schema.get(t, [])]
    assert all(r.kind in ("unpublished", "redundant") and r.reason for r in reasons.values())
