"""HealthData@EU health themes from ICD-10 chapters and health categories from data categories
(`bbfair.mapping.health`, `vocab/health-themes.csv`, `vocab/health-categories.csv`, standards.md §10.3)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import URIRef
from rdflib.namespace import RDF, SKOS

from bbfair.builder.pipeline import convert_directory
from bbfair.mapping.health import health_categories, health_themes, themes_of
from bbfair.rdf import vocab
from bbfair.rdf.namespaces import HDEU, HEALTH
from bbfair.records import Collection, Source

THEME = "https://hdeu-dcat.data.health.europa.eu/resource/authority/health-theme/"
CATEGORY = "https://hdeu-dcat.data.health.europa.eu/resource/authority/healthcategories/"


@pytest.mark.parametrize(("name", "themes"), [
    ("urn:miriam:icd:C50.9", {"CANCER_DISEASE"}),            # chapter II
    ("urn:miriam:icd:D05", {"CANCER_DISEASE"}),              # chapter II reaches into D
    ("urn:miriam:icd:G40", {"MENTAL_HEALTH"}),               # VI nervous system
    ("urn:miriam:icd:I71", {"NONCOMMUNICABLE_DISEASES"}),    # IX circulatory
    ("urn:miriam:icd:J45", {"NONCOMMUNICABLE_DISEASES"}),    # X, asthma: not an infection
    ("urn:miriam:icd:J10", {"RESPIRATORY_DISEASES"}),        # X, but block J09-J18 (influenza) wins
    ("urn:miriam:icd:E84", {"NONCOMMUNICABLE_DISEASES"}),    # IV
    ("urn:miriam:icd:E43", {"NUTRITION_SECURITY"}),          # block E40-E46 (malnutrition)
    ("urn:miriam:icd:A01", {"ENTERIC_INFECTIONS"}),          # block A00-A09
    ("urn:miriam:icd:A30", set()),                           # chapter I outside the listed blocks
    ("urn:miriam:icd:R50", set()),                           # XVIII symptoms
    ("ORPHA:558", set()),                                     # ORPHA codes keep their codes only
    ("urn:miriam:icd:II", {"CANCER_DISEASE"}),               # the chapter itself
])
def test_health_theme_of_the_most_specific_listed_ancestor(name, themes) -> None:
    assert {str(t).removeprefix(THEME) for t in themes_of(name)} == themes


def test_every_mapping_row_names_a_real_code_and_a_real_concept() -> None:
    background = vocab.background()
    for name, themes in vocab.health_themes().items():
        assert name in vocab.diseases(), name
        for code in themes:
            assert (URIRef(THEME + code), SKOS.inScheme, URIRef(THEME.rstrip("/"))) in background, code
    categories = vocab.code_lists()["data-category"]
    for data_category, codes in vocab.health_categories().items():
        assert data_category in categories, data_category
        for code in codes:
            assert (URIRef(CATEGORY + code), RDF.type, SKOS.Concept) in background, code


def collection(**fields) -> Collection:
    base = {"id": "x", "source": Source(file="Collections.csv"), "name": "n", "description": "d", "country": "BE",
            "contact": "p", "biobank": "b", "type": ["COHORT"]}
    return Collection.model_validate({**base, **fields})


def test_eins_always_then_what_the_data_categories_add() -> None:
    assert health_categories(collection()) == [HDEU["healthcategories/EINS"]]
    found = health_categories(collection(data_categories=["BIOLOGICAL_SAMPLES", "MEDICAL_RECORDS", "SURVEY_DATA",
                                                          "IMAGING_DATA"]))
    assert found == [HDEU["healthcategories/EINS"], HDEU["healthcategories/EHRS"], HDEU["healthcategories/RQSH"]]


def test_health_themes_of_a_collection_are_distinct() -> None:
    coll = collection(diagnosis_available=["urn:miriam:icd:C50", "urn:miriam:icd:D05", "ORPHA:145"])
    assert health_themes(coll) == [HDEU["health-theme/CANCER_DISEASE"]]


def test_the_sample_datasets_carry_them(sample_dir: Path) -> None:
    conv = convert_directory(sample_dir)
    breast = next(r for r in conv.resources if str(r.iri).endswith("/dataset/BE_SUH-collection-breast")).graph
    iri = URIRef(f"{conv.base}/dataset/BE_SUH-collection-breast")
    assert set(breast.objects(iri, HEALTH.healthTheme)) == {HDEU["health-theme/CANCER_DISEASE"]}
    assert HDEU["healthcategories/EINS"] in set(breast.objects(iri, HEALTH.healthCategory))
