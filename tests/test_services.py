"""DataServices and Endpoints → `dcat:DataService` documents (`bbfair.mapping.services`): what each column becomes,
where the FAIR Data Point tree lists them, and what is derived."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from bbfair.builder.pipeline import convert_directory
from bbfair.rdf.namespaces import DCAT, DCT, EJP, EU, FDP, FOAF, LDP, RDF, VCARD, XSD

BASE = "http://127.0.0.1:8000"
NEGOTIATOR = URIRef(f"{BASE}/service/BE_negotiator")
BEACON = URIRef(f"{BASE}/service/BE_beacon_cf")
ENDPOINT = URIRef(f"{BASE}/service/BE_directory_fdp")
NODE = URIRef(f"{BASE}/catalog/BE")
RARE = URIRef(f"{BASE}/catalog/BE_rare_disease")
CF = URIRef(f"{BASE}/dataset/BE_SCH-collection-cf")
PUBLISHER = URIRef(f"{BASE}/agent/Sample-Belgian-Biobank-Consortium")


@pytest.fixture(scope="module")
def conv(sample_dir: Path):
    return convert_directory(sample_dir)


def res(conv, iri: URIRef):
    return next(r for r in conv.resources if r.iri == iri)


def test_each_service_is_a_document_of_its_own(conv) -> None:
    assert {r.iri for r in conv.by_kind("service")} == {NEGOTIATOR, BEACON, ENDPOINT}
    assert res(conv, BEACON).table == "DataServices" and res(conv, ENDPOINT).table == "Endpoints"


def test_a_data_service_has_what_health_ri_requires(conv) -> None:
    g = res(conv, NEGOTIATOR).graph
    assert (NEGOTIATOR, RDF.type, DCAT.DataService) in g
    assert g.value(NEGOTIATOR, DCT.identifier) == Literal("BE_negotiator")
    assert g.value(NEGOTIATOR, DCT.title) == Literal("Sample Biobank Node Belgium Negotiator", lang="en")
    assert g.value(NEGOTIATOR, DCAT.endpointURL) == URIRef("https://negotiator.node.example.be/api/v3")
    assert g.value(NEGOTIATOR, DCAT.endpointDescription) == URIRef(
        "https://negotiator.node.example.be/api/v3/openapi.json")
    license_ = g.value(NEGOTIATOR, DCT.license)
    assert license_ == URIRef("https://negotiator.node.example.be/terms") and (license_, RDF.type,
                                                                               DCT.LicenseDocument) in g
    assert (g.value(NEGOTIATOR, DCT.conformsTo), RDF.type, DCT.Standard) in g
    assert g.value(NEGOTIATOR, DCT.accessRights) == EU["access-right/NON_PUBLIC"]  # [access] rights, derived
    assert set(g.objects(NEGOTIATOR, DCAT.theme)) == {EU["data-theme/HEAL"]}
    assert g.value(NEGOTIATOR, DCT.publisher) == PUBLISHER and (PUBLISHER, FOAF.name, None) in g
    desk = g.value(NEGOTIATOR, DCAT.contactPoint)
    assert desk == URIRef(f"{BASE}/contact/BE_node_desk") and (desk, RDF.type, VCARD.Organization) in g
    assert g.value(NEGOTIATOR, DCT.language) == EU["language/ENG"]
    assert g.value(NEGOTIATOR, DCT.issued) == Literal("2024-06-01T10:00:00+02:00", datatype=XSD.dateTime)
    assert (NEGOTIATOR, FDP.metadataIssued, None) in g  # a metadata record of the FAIR Data Point
    derived = "data service access rights: [access] rights of bbfair.toml (DataServices has no such column)"
    assert conv.derived[derived] == 2


def test_an_endpoint_description_in_words_gets_an_address_of_its_own(conv) -> None:
    g = res(conv, BEACON).graph
    node = g.value(BEACON, DCAT.endpointDescription)
    assert node == URIRef(f"{BEACON}#endpoint-description")
    assert "biosamples" in str(g.value(node, DCT.description))


def test_a_beacon_serves_its_collection_and_is_listed_by_its_catalogue(conv) -> None:
    beacon = res(conv, BEACON)
    g = beacon.graph
    assert g.value(BEACON, DCAT.servesDataset) == CF and (CF, RDF.type, DCAT.Dataset) in g  # embedded: range
    assert g.value(BEACON, DCT.type) == EJP.VPBeacon2_Biosamples
    assert g.value(BEACON, EJP.personalData) == Literal("false")
    assert g.value(BEACON, EJP.vpConnection) == EJP.VPDiscoverable
    assert g.value(BEACON, DCAT.contactPoint) == URIRef(f"{BASE}/contact/BE_sch_contact")  # contact_individual
    assert beacon.parent == RARE
    rare = res(conv, RARE).graph
    assert (RARE, DCAT.service, BEACON) in rare and (URIRef(f"{RARE}/services"), LDP.contains, BEACON) in rare
    assert (BEACON, DCAT.endpointURL, None) in rare  # the catalogue embeds the service (range dcat:DataService)
    assert (BEACON, DCAT.servesDataset, None) not in rare  # … but not the dataset it serves


def test_services_no_catalogue_lists_are_listed_by_the_node(conv) -> None:
    node = res(conv, NODE).graph
    for service in (NEGOTIATOR, ENDPOINT):
        assert (NODE, DCAT.service, service) in node
        assert (URIRef(f"{NODE}/services"), LDP.contains, service) in node
    assert (NODE, DCAT.service, BEACON) not in node
    container = res(conv, URIRef(f"{NODE}/services")).graph
    assert container.value(URIRef(f"{NODE}/services"), LDP.hasMemberRelation) == DCAT.service


def test_an_endpoint_is_a_fair_data_point_metadata_service(conv) -> None:
    g = res(conv, ENDPOINT).graph
    assert {DCAT.DataService, FDP.MetadataService} <= set(g.objects(ENDPOINT, RDF.type))
    assert g.value(ENDPOINT, FDP.metadataCatalog) == RARE
    assert g.value(ENDPOINT, FDP.metadataIdentifier) == ENDPOINT
    assert g.value(ENDPOINT, FDP.conformsToFdpSpec) == URIRef("https://specs.fairdatapoint.org/fdp-specs-v1.2.html")
    assert g.value(ENDPOINT, DCAT.endpointURL) == URIRef("https://directory.node.example.be/api/fdp")
    assert g.value(ENDPOINT, DCT.accessRights) == EU["access-right/PUBLIC"]  # access_rights "Open access"
    assert g.value(ENDPOINT, FDP.startDate) == Literal("2024-01-10", datatype=XSD.date)
    assert g.value(ENDPOINT, DCT.hasVersion) == Literal("1.2.0")


def test_a_service_without_a_contact_gets_the_nodes_desk(sample_copy: Path) -> None:
    """An Endpoints row without a contact gets the node's desk (derived, counted): Health-RI wants one."""
    from helpers import set_cell

    set_cell(sample_copy, "Endpoints", 0, "contact", "")
    conv = convert_directory(sample_copy)
    g = res(conv, ENDPOINT).graph
    assert g.value(ENDPOINT, DCAT.contactPoint) == URIRef(f"{BASE}/contact/BE")
    assert conv.derived["contact point: the node's desk from bbfair.toml [node] (no contact)"] == 1
