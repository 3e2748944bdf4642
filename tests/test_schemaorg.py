"""schema.org JSON-LD for the pages: the right type per kind, what a collection says (name, licence, diseases,
counts, distribution, catalogue), an inline @context that rdflib expands without fetching anything, and a
script text that record content cannot break out of."""

from __future__ import annotations

import json

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF
from web_sample import build_documents, load_page

from bbfair.rdf.namespaces import DCAT, DCT, HEALTH
from bbfair.store.documents import Documents
from bbfair.web.labels import disease_code
from bbfair.web.model import Page
from bbfair.web.schemaorg import jsonld, schema_type, script_text

#: rdflib's JSON-LD parser warns about its own use of ConjunctiveGraph
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
SDO = Namespace("https://schema.org/")
TYPES = {"fdp": "DataCatalog", "catalog": "DataCatalog", "dataset": "Dataset", "distribution": "DataDownload",
         "agent": "Organization", "contact": "Person", "concept": "DefinedTerm", "scheme": "DefinedTermSet"}


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> Documents:
    return build_documents(tmp_path_factory.mktemp("store"))


def first(documents: Documents, kind: str, suffix: str = "") -> Page:
    return load_page(documents, next(i for i in documents.iris(kind) if i.endswith(suffix)))


def expand(data: dict) -> Graph:
    """The JSON-LD as RDF, with no network (the inline context is all rdflib needs)."""
    return Graph().parse(data=json.dumps(data), format="json-ld")


def test_type_per_kind(documents: Documents) -> None:
    for kind, expected in TYPES.items():
        page = first(documents, kind, "/contact/BE_suh_breast" if kind == "contact" else "")
        assert schema_type(page) == f"https://schema.org/{expected}", kind
        data = jsonld(page)
        assert data is not None and data["@type"] == expected and data["@id"] == page.iri
        assert isinstance(data["@context"], dict) and data["@context"]["@vocab"] == "https://schema.org/"
        assert (URIRef(page.iri), RDF.type, SDO[expected]) in expand(data)
    container = first(documents, "container")
    assert schema_type(container) is None and jsonld(container) is None


def test_collection_json_ld(documents: Documents) -> None:
    page = first(documents, "dataset", "/BE_SUH-collection-crc")
    g, s = page.graph, URIRef(page.iri)
    data = jsonld(page)
    assert data is not None
    graph = expand(data)
    assert (s, SDO.name, Literal(str(g.value(s, DCT.title)))) in graph
    assert (s, SDO.description, Literal(str(g.value(s, DCT.description)))) in graph
    distribution = g.value(s, DCAT.distribution)
    licence = g.value(distribution, DCT.license)
    assert (s, SDO.license, licence) in graph  # an IRI, not a string, thanks to the inline context
    codes = {disease_code(str(c)) for c in g.objects(s, HEALTH.hasCodeValues)}
    assert {c["code"]["codeValue"] for c in data["about"] if "code" in c} == codes
    assert "Lynch syndrome" in {c["name"] for c in data["about"]}
    measured = {v["name"]: v for v in data["variableMeasured"]}
    assert measured["Number of donors"]["value"] == int(g.value(s, HEALTH.numberOfUniqueIndividuals))
    assert measured["Number of samples"]["value"] == int(g.value(s, HEALTH.numberOfRecords))
    assert [d["@id"] for d in data["distribution"]] == [str(distribution)]
    assert data["distribution"][0]["url"] == str(g.value(distribution, DCAT.accessURL))
    assert [c["@id"] for c in data["includedInDataCatalog"]] == [str(g.value(s, DCT.isPartOf))]
    assert data["creator"][0]["name"] == str(g.value(g.value(s, DCT.creator), URIRef("http://xmlns.com/foaf/0.1/name")))


def test_catalogue_json_ld_lists_its_collections(documents: Documents) -> None:
    page = first(documents, "catalog", "/catalog/BE_SUH")
    data = jsonld(page)
    assert data is not None
    datasets = {str(d) for d in page.graph.objects(URIRef(page.iri), DCAT.dataset)}
    assert {d["@id"] for d in data["dataset"]} == datasets and all(d["name"] for d in data["dataset"])
    assert data["license"] == str(page.graph.value(URIRef(page.iri), DCT.license))


def test_script_text_cannot_close_the_block() -> None:
    data = {"@context": {"@vocab": "https://schema.org/"}, "name": "</script><script>alert(1)</script> & <b>",
            "description": "line\u2028separator <!-- comment -->"}
    text = script_text(data)
    assert json.loads(text) == data
    for forbidden in ("<", ">", "&", "\u2028"):
        assert forbidden not in text
    assert "</script" not in text.lower() and "<!--" not in text
