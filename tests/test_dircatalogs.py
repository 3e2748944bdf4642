"""The Directory's Catalogs table → `dcat:Catalog` documents (`bbfair.mapping.dircatalogs`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from bbfair.builder.pipeline import convert_directory
from bbfair.rdf.namespaces import DCAT, DCT, EJP, EU, FOAF, LDP, ODRL, RDF, VCARD, XSD

BASE = "http://127.0.0.1:8000"
RARE = URIRef(f"{BASE}/catalog/BE_rare_disease")
NODE = URIRef(f"{BASE}/catalog/BE")
MEMBERS = {URIRef(f"{BASE}/dataset/{c}") for c in ("BE_SCH-collection-cf", "BE_DRDC-collection-lsd",
                                                   "BE_LVMC-collection-pku")}


@pytest.fixture(scope="module")
def conv(sample_dir: Path):
    return convert_directory(sample_dir)


def doc(conv, iri: URIRef):
    return next(r for r in conv.resources if r.iri == iri).graph


def test_a_directory_catalogue_lists_the_collections_that_name_it(conv) -> None:
    g = doc(conv, RARE)
    assert set(g.objects(RARE, DCAT.dataset)) == MEMBERS
    assert set(g.objects(URIRef(f"{RARE}/datasets"), LDP.contains)) == MEMBERS
    assert all((m, RDF.type, DCAT.Dataset) in g for m in MEMBERS)  # embedded summaries (range dcat:Dataset)
    # the collections stay in their biobank's catalogue too
    assert (URIRef(f"{BASE}/catalog/BE_SCH"), DCAT.dataset, URIRef(f"{BASE}/dataset/BE_SCH-collection-cf")) in \
        doc(conv, URIRef(f"{BASE}/catalog/BE_SCH"))


def test_the_node_catalogue_lists_it_and_it_is_part_of_the_node(conv) -> None:
    node = doc(conv, NODE)
    assert (NODE, DCAT.catalog, RARE) in node and (URIRef(f"{NODE}/catalogs"), LDP.contains, RARE) in node
    assert (RARE, DCT.isPartOf, NODE) in doc(conv, RARE)


def test_catalogue_columns(conv) -> None:
    g = doc(conv, RARE)
    assert g.value(RARE, DCT.title) == Literal("Sample Belgian rare-disease collections", lang="en")
    assert g.value(RARE, DCT.identifier) == Literal("BE_rare_disease")
    assert g.value(RARE, DCT.publisher) == URIRef(f"{BASE}/agent/Sample-Belgian-Biobank-Consortium")
    desk = g.value(RARE, DCAT.contactPoint)
    address = g.value(desk, VCARD.hasAddress)
    assert g.value(address, VCARD.locality) == Literal("Brussels")  # the Organisations row's Address row
    assert set(g.objects(RARE, DCT.language)) == {EU["language/ENG"], EU["language/NLD"]}  # English, Dutch
    assert g.value(RARE, DCT.accessRights) == EU["access-right/PUBLIC"]  # "Open access"
    assert (g.value(RARE, DCT.license), RDF.type, DCT.LicenseDocument) in g
    assert (g.value(RARE, DCT.rights), RDF.type, DCT.RightsStatement) in g
    assert (g.value(RARE, DCT.conformsTo), RDF.type, DCT.Standard) in g
    assert g.value(RARE, FOAF.homepage) == URIRef("https://node.example.be/catalogues/rare-disease")
    assert g.value(RARE, DCAT.version) == Literal("1.0")
    assert g.value(RARE, ODRL.hasPolicy) == URIRef("https://node.example.be/access-policy")
    assert g.value(RARE, DCT.issued) == Literal("2025-01-15T09:00:00+01:00", datatype=XSD.dateTime)
    assert set(g.objects(RARE, DCAT.theme)) == {EU["data-theme/HEAL"]}
    assert g.value(RARE, EJP.vpConnection) == EJP.VPDiscoverable
    assert {str(k) for k in g.objects(RARE, DCAT.keyword)} == {"rare disease", "biobank", "Belgium"}


def test_without_publisher_and_contact_the_node_stands_in(sample_copy: Path) -> None:
    from helpers import set_cell

    set_cell(sample_copy, "Catalogs", 0, "publisher", "")
    set_cell(sample_copy, "Catalogs", 0, "contact", "")
    conv = convert_directory(sample_copy)
    g = doc(conv, RARE)
    assert g.value(RARE, DCT.publisher) == URIRef(f"{BASE}/agent/BE")
    assert g.value(RARE, DCAT.contactPoint) == URIRef(f"{BASE}/contact/BE")
    assert conv.derived["publisher: the node from bbfair.toml [node] (no publisher)"] == 1


def test_every_directory_theme_access_right_and_language_has_its_eu_concept() -> None:
    """The Directory lists bbfair maps to EU authority tables (Themes, AccessRights, Languages) land on concepts
    the vocabulary background describes, so the official range and code-list checks pass for every value."""
    from rdflib.namespace import SKOS

    from bbfair.rdf import vocab

    background = vocab.background()
    for iri in [*vocab.themes().values(), *vocab.access_rights().values(), *vocab.directory_languages().values()]:
        assert (URIRef(iri), RDF.type, SKOS.Concept) in background, iri
    assert vocab.directory_languages()["Dutch"] == str(EU["language/NLD"])  # the Directory's code is "dut"
