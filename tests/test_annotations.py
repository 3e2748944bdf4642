"""Where a record is, where else it is known, its quality certificates, its EJP RD flags and collaboration flags
(`bbfair.mapping.annotations`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from bbfair.builder.pipeline import convert_directory
from bbfair.mapping.annotations import location
from bbfair.rdf.namespaces import ADMS, BBFAIR, DCAT, DCT, DQV, EJP, EU, GSP, LOCN, OA, RDF, RDFS, SKOS

BASE = "http://127.0.0.1:8000"
CF = URIRef(f"{BASE}/dataset/BE_SCH-collection-cf")
SCH = URIRef(f"{BASE}/catalog/BE_SCH")
SUH = URIRef(f"{BASE}/catalog/BE_SUH")
BREAST = URIRef(f"{BASE}/dataset/BE_SUH-collection-breast")


@pytest.fixture(scope="module")
def conv(sample_dir: Path):
    return convert_directory(sample_dir)


def doc(conv, iri: URIRef):
    return next(r for r in conv.resources if r.iri == iri).graph


def test_coordinates_become_a_location_with_a_centre_point(conv) -> None:
    g = doc(conv, CF)
    where = URIRef(f"{CF}#location")
    assert set(g.objects(CF, DCT.spatial)) == {EU["country/BEL"], where}
    assert (where, RDF.type, DCT.Location) in g
    assert g.value(where, DCAT.centroid) == Literal("POINT(4.3517 50.8503)", datatype=GSP.wktLiteral)
    assert g.value(where, LOCN.geographicName) == Literal("Brussel")
    assert (SCH, DCT.spatial, URIRef(f"{SCH}#location")) in doc(conv, SCH)  # Biobanks latitude/longitude


def test_a_city_alone_makes_no_location() -> None:
    assert location(CF, "Leuven", None, None) == []
    assert location(CF, "Leuven", 50.88, None) == []


def test_other_systems_become_other_identifiers(conv) -> None:
    g = doc(conv, CF)
    node = URIRef(f"{CF}#id-BE_00001")
    assert g.value(CF, ADMS.identifier) == node and (node, RDF.type, ADMS.Identifier) in g
    assert g.value(node, SKOS.notation) == Literal("RDR-CF-0042")
    assert g.value(node, ADMS.schemaAgency) == Literal("Sample regional rare-disease registry")
    assert (CF, RDFS.seeAlso, URIRef("https://registry.example.org/collections/RDR-CF-0042")) in g
    sch = doc(conv, SCH)
    notations = {str(sch.value(n, SKOS.notation)) for n in sch.objects(SCH, ADMS.identifier)}
    assert notations == {"SCH-BB-01", "pid_BE_SCH"}  # also_known, and the biobank's pid


def test_quality_records_become_quality_certificates(conv) -> None:
    g = doc(conv, SUH)
    (cert,) = g.objects(SUH, DQV.hasQualityAnnotation)
    assert (cert, RDF.type, DQV.QualityCertificate) in g and g.value(cert, OA.hasTarget) == SUH
    assert g.value(cert, DCT.conformsTo) == URIRef(f"{BASE}/vocab/quality-standard/ISO-20387-2018")
    assert g.value(cert, BBFAIR.assessmentLevel) == URIRef(f"{BASE}/vocab/assessment-level/accredited")
    assert g.value(cert, DCT.identifier) == Literal("BE-CERT-SUH-2024")
    assert g.value(cert, OA.hasBody) == URIRef("https://suh.example.be/quality/ISO-20387-2018.pdf")
    b = doc(conv, BREAST)
    (cert,) = b.objects(BREAST, DQV.hasQualityAnnotation)
    assert b.value(cert, BBFAIR.assessmentLevel) == URIRef(f"{BASE}/vocab/assessment-level/eric")


def test_ejp_rd_flags_and_collaboration_flags(conv) -> None:
    g = doc(conv, CF)
    assert g.value(CF, EJP.personalData) == Literal("false")
    assert g.value(CF, EJP.vpConnection) == EJP.VPDiscoverable
    lsd = URIRef(f"{BASE}/dataset/BE_DRDC-collection-lsd")
    assert doc(conv, lsd).value(lsd, EJP.personalData) == Literal("true")
    ucb = URIRef(f"{BASE}/catalog/BE_UCB")
    g = doc(conv, ucb)
    assert g.value(ucb, BBFAIR.collaborationCommercial) == Literal(False)
    assert g.value(ucb, BBFAIR.collaborationNonForProfit) == Literal(True)
    mvcr = URIRef(f"{BASE}/catalog/BE_MVCR")  # a blank collaboration_commercial says nothing
    assert doc(conv, mvcr).value(mvcr, BBFAIR.collaborationCommercial) is None
