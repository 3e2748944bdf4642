"""The SHACL engines (`bbfair.validation.engines`): pyshacl-turbo, which bbfair validates with, gives exactly the
results of pyshacl, the reference, on the sample, on planted faults and with the official shape files."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from helpers import OFFICIAL, first_published, set_cell

from bbfair.builder.pipeline import convert_directory, validate_directory
from bbfair.config import load_config
from bbfair.mapping.convert import convert
from bbfair.records.loader import load_records
from bbfair.validation import load_shapes
from bbfair.validation.engine import validate_resources
from bbfair.validation.engines import ENGINES, check
from bbfair.validation.passes import for_config
from bbfair.validation.run import background
from bbfair.validation.shapesets import load_profiles


def multiset(outcome) -> Counter:
    return Counter((r.focus, r.path, r.value, r.severity, r.message, r.shape, r.variant)
                   for results in outcome.results.values() for r in results)


@pytest.fixture()
def planted(sample_copy: Path) -> Path:
    """Faults of several kinds, each in another record (the reader refuses them too, but a lenient load keeps
    the records: the shapes must find them)."""
    index = first_published(sample_copy, "Collections")
    set_cell(sample_copy, "Collections", index, "number_of_donors", "-4")  # a negative count
    set_cell(sample_copy, "Collections", index + 1, "age_low", "90")  # a reversed age range
    set_cell(sample_copy, "Collections", index + 1, "age_high", "10")
    set_cell(sample_copy, "Collections", index + 2, "size", "-7")  # a negative number of samples
    set_cell(sample_copy, "Collections", index + 3, "age_low", "-2")  # a negative age
    set_cell(sample_copy, "Collections", index + 4, "age_high", "-1")
    return sample_copy


@pytest.mark.parametrize("fast", [True, False], ids=["with the fast pre-check", "engine alone"])
def test_both_engines_give_the_same_results_on_every_profile(planted: Path, fast: bool) -> None:
    config = load_config(planted)
    conv = convert(load_records(planted, lenient=True), config)
    validation = for_config(config)
    bg = background(conv.base)
    found = {engine: multiset(validate_resources(conv.resources, validation, bg, workers=1, fast=fast,
                                                 engine=engine)) for engine in ENGINES}
    assert found["turbo"] == found["pyshacl"]
    assert sum(n for k, n in found["turbo"].items() if k[3] == "Violation") >= 4


def test_both_engines_agree_with_the_official_files_alone(sample_dir: Path, official_dir: Path) -> None:
    """Each official shape set on the sample's documents in its consumer's profile, and on the other profile's
    (where it objects to the disease codes)."""
    conv = convert_directory(sample_dir)
    bg = background(conv.base)
    for name, paths in OFFICIAL.items():
        shapes = load_shapes(official_dir / p for p in paths)
        for profile in (None, "healthdcat-ap"):
            data = set(bg)
            for res in conv.resources:
                data |= res.document(profile)
            key = lambda r: (r.focus, r.path, r.value, r.severity, r.message, r.shape)  # noqa: E731
            turbo = Counter(map(key, check("turbo", data, shapes)))
            reference = Counter(map(key, check("pyshacl", data, shapes)))
            assert turbo == reference, (name, profile)


def test_the_report_is_the_same_on_either_engine(planted: Path, tmp_path: Path) -> None:
    """`bbfair validate` as a data manager reads it: same findings (record, column, profile, message)."""
    turbo = validate_directory(planted)
    toml = planted / "bbfair.toml"
    toml.write_text(toml.read_text() + '\n[validation]\nengine = "pyshacl"\n')
    reference = validate_directory(planted)
    def seen(report) -> list[tuple]:  # a blank-node shape has a new name at each load of the files
        return sorted(((f.record, f.column, f.profile, f.message, f.severity, f.focus, f.path, f.value,
                        f.shape if f.shape and "://" in f.shape else None, tuple(f.profiles))
                       for f in report.findings), key=repr)

    assert seen(turbo) == seen(reference)
    assert not turbo.conforms


def test_an_unknown_engine_is_refused(sample_dir: Path) -> None:
    shapes = load_profiles(["fdp"])
    with pytest.raises(ValueError, match="unknown SHACL engine 'jena'"):
        check("jena", set(), shapes.graph)
