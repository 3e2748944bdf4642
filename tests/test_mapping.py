"""What a collection, a biobank and the tree above them become in RDF (standards.md §10–§11)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from bbfair.builder.pipeline import convert_directory
from bbfair.mapping.datasets import years
from bbfair.rdf.namespaces import BBFAIR, DCAT, DCT, EU, FDP, FOAF, HDEU, HEALTH, LDP, RDF, VCARD

BASE = "http://127.0.0.1:8000"
BREAST = URIRef(f"{BASE}/dataset/BE_SUH-collection-breast")


@pytest.fixture(scope="module")
def conv(sample_dir: Path):
    return convert_directory(sample_dir)


def doc(conv, iri: URIRef):
    return next(r for r in conv.resources if r.iri == iri).graph


def test_one_dataset_per_published_collection(conv) -> None:
    assert conv.counts["dataset"] == 68 and conv.counts["distribution"] == 68
    assert conv.counts["catalog"] == 19 + 4 + 1 + 1  # biobanks + networks + Directory catalogue + node catalogue
    withdrawn = URIRef(f"{BASE}/dataset/BE_SUH-collection-gastric")
    assert not [r for r in conv.resources if r.iri == withdrawn]


def test_collection_core_properties(conv) -> None:
    g = doc(conv, BREAST)
    assert (BREAST, RDF.type, DCAT.Dataset) in g
    assert g.value(BREAST, DCT.identifier) == Literal("bbmri-eric:ID:BE_SUH:collection:breast")
    assert set(g.objects(BREAST, DCAT.theme)) == {EU["data-theme/HEAL"]}
    assert g.value(BREAST, DCT.accessRights) == EU["access-right/NON_PUBLIC"]
    # EINS for every collection; medical records add EHRS (vocab/health-categories.csv)
    assert set(g.objects(BREAST, HEALTH.healthCategory)) == {HDEU["healthcategories/EINS"],
                                                             HDEU["healthcategories/EHRS"]}
    assert g.value(BREAST, DCT.spatial) == EU["country/BEL"]
    assert g.value(BREAST, HEALTH.numberOfUniqueIndividuals) == Literal("2310", datatype=XSD.nonNegativeInteger)
    assert g.value(BREAST, HEALTH.numberOfRecords) == Literal("8450", datatype=XSD.nonNegativeInteger)
    assert g.value(BREAST, HEALTH.minTypicalAge) == Literal("21", datatype=XSD.nonNegativeInteger)
    assert g.value(BREAST, HEALTH.maxTypicalAge) == Literal("94", datatype=XSD.nonNegativeInteger)
    modified = g.value(BREAST, DCT.modified)
    assert modified.datatype == XSD.dateTime and str(modified).endswith("+00:00")


def test_diseases_never_go_to_theme(conv) -> None:
    g = doc(conv, BREAST)
    assert {str(v) for v in g.objects(BREAST, HEALTH.hasCodeValues)} == {
        "https://icd.who.int/browse10/2019/en#/C50", "https://icd.who.int/browse10/2019/en#/D05"}  # Health-RI
    breast = next(r for r in conv.resources if r.iri == BREAST)
    assert {str(v) for v in breast.graph_in("healthdcat-ap").objects(BREAST, HEALTH.hasCodeValues)} == {"C50", "D05"}
    assert set(g.objects(BREAST, HEALTH.hasCodingSystem)) == {HDEU["coding-system/ICD-10"]}
    assert URIRef("http://purl.bioontology.org/ontology/ICD10/C50") in set(g.objects(BREAST, DCT.subject))
    keywords = {str(k) for k in g.objects(BREAST, DCAT.keyword)}
    assert "Malignant neoplasm of breast" in keywords
    for dataset in conv.by_kind("dataset"):
        assert set(dataset.graph.objects(dataset.iri, DCAT.theme)) == {EU["data-theme/HEAL"]}


def test_sex_to_pato_and_materials_to_vocab(conv) -> None:
    g = doc(conv, BREAST)
    assert set(g.objects(BREAST, BBFAIR.sex)) == {URIRef("http://purl.obolibrary.org/obo/PATO_0000383"),
                                                  URIRef("http://purl.obolibrary.org/obo/PATO_0000384")}
    materials = set(g.objects(BREAST, BBFAIR.materialType))
    assert materials and all(str(m).startswith(f"{BASE}/vocab/material-type/") for m in materials)


@pytest.mark.parametrize(("value", "unit", "upper", "expected"), [
    (24, "MONTH", True, 2), (18, "MONTH", False, 1), (18, "MONTH", True, 2), (28, "DAY", True, 1),
    (0, "WEEK", False, 0), (12, "WEEK", True, 1), (65, "YEAR", False, 65), (65, None, True, 65),
])
def test_ages_become_whole_years(value, unit, upper, expected) -> None:
    assert years(value, unit, upper) == expected


def test_month_ages_are_converted(conv) -> None:
    iri = URIRef(f"{BASE}/dataset/BE_SCH-collection-cf")
    g = doc(conv, iri)
    assert int(g.value(iri, HEALTH.maxTypicalAge)) == 2
    assert g.value(iri, BBFAIR.ageHigh) == Literal(24)


def test_sub_collection_points_to_parent(conv) -> None:
    sub = URIRef(f"{BASE}/dataset/BE_SUH-collection-hboc")
    g = doc(conv, sub)
    assert BREAST in set(g.objects(sub, DCT.isPartOf))
    assert (BREAST, DCT.hasPart, sub) in doc(conv, BREAST)


def test_dataset_embeds_agents_contact_and_distribution(conv) -> None:
    g = doc(conv, BREAST)
    publisher = g.value(BREAST, DCT.publisher)
    assert (publisher, RDF.type, FOAF.Organization) in g and g.value(publisher, FOAF.mbox)
    contact = g.value(BREAST, DCAT.contactPoint)
    assert str(g.value(contact, VCARD.hasEmail)).startswith("mailto:")
    dist = g.value(BREAST, DCAT.distribution)
    assert g.value(dist, DCAT.accessURL) is not None
    assert g.value(BREAST, HEALTH.hdab) is not None


def test_tree_has_direct_links_and_ldp_containers(conv) -> None:
    root = URIRef(f"{BASE}/")
    node = URIRef(f"{BASE}/catalog/BE")
    g = doc(conv, root)
    assert (root, RDF.type, FDP.FAIRDataPoint) in g and (root, FDP.metadataCatalog, node) in g
    assert (URIRef(f"{BASE}/catalogs"), LDP.contains, node) in g
    biobank = URIRef(f"{BASE}/catalog/BE_SUH")
    assert (node, DCAT.catalog, biobank) in doc(conv, node)
    assert (URIRef(f"{BASE}/catalog/BE/catalogs"), LDP.contains, biobank) in doc(conv, node)
    cg = doc(conv, biobank)
    assert (biobank, DCAT.dataset, BREAST) in cg
    assert (URIRef(f"{BASE}/catalog/BE_SUH/datasets"), LDP.contains, BREAST) in cg
    assert (biobank, DCT.isPartOf, node) in cg
    assert (BREAST, DCT.isPartOf, biobank) in doc(conv, BREAST)


def test_network_catalogue_lists_member_collections(conv) -> None:
    networks = [r for r in conv.by_kind("catalog") if r.table == "Networks"]
    assert len(networks) == 4
    assert any(list(n.graph.objects(n.iri, DCAT.dataset)) for n in networks)


def test_derived_facts_are_listed(conv) -> None:
    assert conv.derived["biobank mailbox: its contact person's email"] == 19
    assert any("ages converted from months" in k for k in conv.derived)


def test_vocab_concepts_are_published(conv) -> None:
    concept = URIRef(f"{BASE}/vocab/material-type/PLASMA")
    g = doc(conv, concept)
    assert g.value(concept, URIRef("http://www.w3.org/2004/02/skos/core#exactMatch")) == URIRef(
        "http://purl.obolibrary.org/obo/OBI_0100016")


# ------------------------------------------------------------------ the Directory's FAIR Data Point columns (issue 19)

CF = URIRef(f"{BASE}/dataset/BE_SCH-collection-cf")


def test_a_collections_publisher_replaces_its_biobank_as_publisher(conv) -> None:
    g = doc(conv, CF)
    consortium = URIRef(f"{BASE}/agent/Sample-Belgian-Biobank-Consortium")
    biobank = URIRef(f"{BASE}/agent/BE_SCH")
    assert g.value(CF, DCT.publisher) == consortium and (consortium, FOAF.name, None) in g
    assert g.value(CF, DCT.creator) == biobank and (biobank, FOAF.name, None) in g  # still made and held by it
    assert g.value(CF, URIRef("http://data.europa.eu/930/custodian")) == biobank
    assert doc(conv, BREAST).value(BREAST, DCT.publisher) == URIRef(f"{BASE}/agent/BE_SUH")  # no publisher column


def test_a_collections_license_and_languages(conv) -> None:
    g = doc(conv, CF)
    license_ = URIRef("http://creativecommons.org/licenses/by/4.0/")
    assert g.value(CF, DCT.license) == license_ and (license_, RDF.type, DCT.LicenseDocument) in g
    assert set(g.objects(CF, DCT.language)) == {EU["language/ENG"], EU["language/NLD"]}  # not the node's three
    assert len(set(doc(conv, BREAST).objects(BREAST, DCT.language))) == 3  # no language column: bbfair.toml's


def test_access_types_sops_and_donor_magnitude_are_code_list_concepts(conv) -> None:
    found = {(p, o) for r in conv.by_kind("dataset") for _s, p, o in r.triples
             if p in (BBFAIR.accessFee, BBFAIR.accessJointProject, BBFAIR.sop, BBFAIR.orderOfMagnitudeDonors)}
    schemes = {p: {str(o).rsplit("/", 2)[-2] for q, o in found if q == p} for p, _o in found}
    assert schemes == {BBFAIR.accessFee: {"access-type"}, BBFAIR.accessJointProject: {"access-type"},
                       BBFAIR.sop: {"sop"}, BBFAIR.orderOfMagnitudeDonors: {"sample-size"}}


def test_a_duc_profile_is_a_policy_of_the_access_route(sample_copy: Path) -> None:
    from helpers import rows, write

    header, data = rows(sample_copy / "Collections.csv")
    data = [{**row, "duc_profile": "https://suh.example.be/duc/breast.json" if row["id"].endswith("breast") else ""}
            for row in data]
    write(sample_copy / "Collections.csv", [*header, "duc_profile"], data)
    conv = convert_directory(sample_copy)
    dist = URIRef(f"{BASE}/distribution/BE_SUH-collection-breast")
    g = doc(conv, dist)
    policy = URIRef("https://suh.example.be/duc/breast.json")
    assert g.value(dist, URIRef("http://www.w3.org/ns/odrl/2/hasPolicy")) == policy
    assert (policy, RDF.type, URIRef("http://www.w3.org/ns/odrl/2/Policy")) in g
