"""Validating every publication profile in passes (`bbfair.validation.passes`) gives each profile exactly the
results of validating its own documents with its own shapes alone: the shortcut (shapes that never read the
disease codes run once, on the default profile's documents) changes no result."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from helpers import first_published, set_cell
from rdflib.namespace import SH

from bbfair.config import Profiles, load_config
from bbfair.mapping import convert
from bbfair.profiles import published
from bbfair.records import load_records
from bbfair.validation.engine import validate_resources
from bbfair.validation.passes import load_validation
from bbfair.validation.report import Locator
from bbfair.validation.run import background

NOW = datetime(2026, 1, 1, tzinfo=UTC)
#: an extra rule only the HealthDCAT-AP profile's documents break (they have literal codes)
IRI_CODES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix healthdcatap: <http://healthdataportal.eu/ns/health#> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
<urn:test:Codes> a sh:NodeShape ; sh:targetClass dcat:Dataset ;
    sh:property [ sh:path healthdcatap:hasCodeValues ; sh:nodeKind sh:IRI ; sh:message "codes must be IRIs" ] .
"""


def conversion(data: Path, tokens: list[str]):
    config = load_config(data)
    config = config.model_copy(update={"profiles": Profiles(publish=tokens)})
    return convert(load_records(data, lenient=True), config, now=NOW)  # the planted values stay in, for SHACL


def findings(conv, validation, tokens: list[str] | None = None) -> dict[str, Counter]:
    """Results per publication profile, as (focus, path, value, severity, message, reported shape set)."""
    outcome = validate_resources(conv.resources, validation, background(conv.base), workers=1)
    locator = Locator(conv.resources, "bbfair.toml", "BE")
    out: dict[str, Counter] = {t: Counter() for t in tokens or validation.profiles}
    for i, results in outcome.results.items():
        for result in results:
            f = locator.finding(conv.resources[i], result, validation)
            for token in (f.profiles or tokens or []):
                out[token][(f.focus, f.path, f.value, f.severity, f.message, f.profile)] += 1
    return out


@pytest.fixture()
def planted(sample_copy: Path, tmp_path: Path) -> tuple[Path, Path]:
    index = first_published(sample_copy, "Collections")
    set_cell(sample_copy, "Collections", index, "number_of_donors", "-3")
    set_cell(sample_copy, "Collections", index + 1, "age_low", "80")
    set_cell(sample_copy, "Collections", index + 1, "age_high", "20")
    extra = tmp_path / "iri-codes.ttl"
    extra.write_text(IRI_CODES)
    return sample_copy, extra


def test_passes_equal_each_profile_validated_on_its_own(planted) -> None:
    data, extra = planted
    both = conversion(data, ["health-ri", "healthdcat-ap"])
    validation = load_validation(published(["health-ri", "healthdcat-ap"]), "NON_PUBLIC", extra=[extra])
    assert [p.profile for p in validation.passes] == [None, "healthdcat-ap"]
    got = findings(both, validation)
    for token in ("health-ri", "healthdcat-ap"):
        alone = load_validation(published([token]), "NON_PUBLIC", extra=[extra])
        assert len(alone.passes) == 1
        expected = findings(conversion(data, [token]), alone, [token])[token]
        assert got[token] == expected, token
    # the planted errors are found in both profiles, the IRI-codes rule only in HealthDCAT-AP's documents
    assert any(k[2] == '"-3"^^<http://www.w3.org/2001/XMLSchema#integer>' for k in got["health-ri"])
    assert sum(n for k, n in got["healthdcat-ap"].items() if k[4] == "codes must be IRIs") > 10
    assert not any(k[4] == "codes must be IRIs" for k in got["health-ri"])


def test_only_the_parts_that_read_the_codes_run_twice() -> None:
    validation = load_validation(published(["health-ri", "healthdcat-ap"]), "NON_PUBLIC")
    default, r8 = (p.shapes for p in validation.passes)
    targeted = {s for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
                for s in r8.graph.subjects(p, None)}
    assert 0 < len(targeted) < 12  # the Dataset shapes' disease-code parts, not every shape again
    everything = {s for p in (SH.targetClass,) for s in default.graph.subjects(p, None)}
    assert len(everything) > 5 * len(targeted)
    reads = {str(validation.reported(n)) for n in validation.varying}
    assert any("hasCodeValues" in r or r.startswith("urn:bbfair:") or "#" in r for r in reads)
