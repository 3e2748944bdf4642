"""The converted sample catalogue and the Directory demo conform to the official shapes, resource by resource:
Health-RI v2.0.2, DCAT-AP 3.0.1 (html-shacl shapes + range + mdr vocabularies) and HealthDCAT-AP R8
non-public (with the path-less property-shape repair), pyshacl with no inference and no owl:imports, the
vocabulary background loaded.

Health-RI v2.0.2 and HealthDCAT-AP R8 disagree on one thing: `healthdcatap:hasCodeValues` must be an IRI for
Health-RI and a literal for R8. So every document is published in two profiles (`bbfair.profiles`): Health-RI's,
the default, with IRIs, and HealthDCAT-AP's with literals. Each profile's documents are proved clean against
their own consumer's official files, and each consumer is proved to object to the other profile's disease codes
and nothing else.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from helpers import OFFICIAL
from rdflib import Graph
from rdflib.namespace import RDF, SH

from bbfair.builder.pipeline import convert_directory
from bbfair.rdf import vocab
from bbfair.validation import load_shapes, run_pyshacl

SETS = OFFICIAL
#: kinds whose documents are what harvesters read; each validated on its own
VALIDATED = ("fdp", "catalog", "dataset", "distribution", "service", "agent", "contact")


@pytest.fixture(scope="module")
def shapes(official_dir: Path) -> dict[str, Graph]:
    ref = official_dir
    return {name: load_shapes(ref / p for p in paths) for name, paths in SETS.items()}


def violations(graph: Graph, shapes: Graph) -> Counter[tuple[str, str]]:
    """Top-level violations as (focus node, path) -> count."""
    data = Graph()
    for triple in graph:
        data.add(triple)
    for triple in vocab.background():
        data.add(triple)
    conforms, report = run_pyshacl(data, shapes)
    found: Counter[tuple[str, str]] = Counter()
    for result in report.subjects(RDF.type, SH.ValidationResult):
        if (None, SH.result, result) in report and report.value(result, SH.resultSeverity) == SH.Violation:
            found[(str(report.value(result, SH.focusNode)), str(report.value(result, SH.resultPath)))] += 1
    assert conforms == (not found)
    return found


def check_each(resources, shapes: Graph, profile: str | None = None, allowed_path: str | None = None) -> list[str]:
    """Violations of each harvested document (in `profile`; None: the default profile's), one line each."""
    problems = []
    for res in resources:
        if res.kind not in VALIDATED:
            continue
        for (focus, path), n in violations(res.graph_in(profile), shapes).items():
            if allowed_path and path == allowed_path:
                continue
            if focus == GUARD and res.kind != "dataset":
                continue  # R8's guard wants a dataset in a *dataset submission*; this document is not one
            problems.append(f"{res.kind} {res.iri}: {n}× {path} on {focus}")
    return problems


#: HealthDCAT-AP R8's graph guard: "the submitted graph must contain a dcat:Dataset"
GUARD = "urn:x-shacl:guard"
CODE_VALUES = "http://healthdataportal.eu/ns/health#hasCodeValues"


@pytest.fixture(scope="module")
def sample(sample_dir):
    return convert_directory(sample_dir)


@pytest.fixture(scope="module")
def demo(demo_dir):
    return convert_directory(demo_dir)


@pytest.mark.parametrize("which", ["sample", "demo"])
def test_the_default_profile_conforms_to_health_ri_and_dcat_ap(which, sample, demo, shapes):
    """The default profile is Health-RI's: every document passes the official Health-RI v2.0.2 file with no
    exception (disease codes as IRIs), and DCAT-AP 3.0.1."""
    conv = sample if which == "sample" else demo
    assert conv.counts["dataset"] >= 3
    assert check_each(conv.resources, shapes["health-ri"]) == []
    assert check_each(conv.resources, shapes["dcat-ap"]) == []


@pytest.mark.parametrize("which", ["sample", "demo"])
def test_the_healthdcat_ap_profile_conforms_to_r8_and_dcat_ap(which, sample, demo, shapes):
    conv = sample if which == "sample" else demo
    assert check_each(conv.resources, shapes["healthdcat-ap"], "healthdcat-ap") == []
    assert check_each(conv.resources, shapes["dcat-ap"], "healthdcat-ap") == []


def test_the_profiles_differ_only_where_the_standards_disagree(sample, shapes):
    """Each consumer's validator objects to the other profile's documents, and only to their disease codes: the
    one thing Health-RI (IRIs) and R8 (literals) cannot both have."""
    dataset = next(r for r in sample.by_kind("dataset") if r.variants)
    assert {p for _, p in violations(dataset.graph_in("healthdcat-ap"), shapes["health-ri"])} == {CODE_VALUES}
    assert {p for _, p in violations(dataset.graph, shapes["healthdcat-ap"])} == {CODE_VALUES}
    assert check_each(sample.resources, shapes["health-ri"], "healthdcat-ap", allowed_path=CODE_VALUES) == []
    assert check_each(sample.resources, shapes["healthdcat-ap"], None, allowed_path=CODE_VALUES) == []
    changed = {t[1] for r in sample.resources for v in r.variants.values() for t in v.removed | v.added}
    assert {str(p) for p in changed} == {CODE_VALUES}


def test_the_new_documents_pass_the_official_files_of_their_profile(sample, shapes):
    """The documents of the Directory's FAIR Data Point tables (data services, endpoints, Directory catalogues,
    publishers, organisations) pass Health-RI v2.0.2 in the default profile and R8 + DCAT-AP 3.0.1 in the
    healthdcat-ap profile, each on its own."""
    new = [r for r in sample.resources
           if r.kind == "service" or r.table in ("Catalogs", "Publishers", "Organisations")]
    assert {r.kind for r in new} == {"service", "catalog", "agent", "contact"} and len(new) == 6
    assert check_each(new, shapes["health-ri"]) == []
    assert check_each(new, shapes["dcat-ap"]) == []
    assert check_each(new, shapes["healthdcat-ap"], "healthdcat-ap") == []
    assert check_each(new, shapes["dcat-ap"], "healthdcat-ap") == []
