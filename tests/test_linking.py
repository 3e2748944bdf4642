"""Linking (issue 7): diseases as labelled ORDO / ICD-10 concept IRIs with their broader terms, related resources
of other infrastructures as typed `dct:relation` (or `rdfs:seeAlso` for plain pages), publications as
`dct:isReferencedBy`, organisations by ROR and people by ORCID; bad identifiers reported with record and column.
"""

from __future__ import annotations

import csv
import re
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
import pytest
from helpers import rows, write
from rdflib import Literal, URIRef
from rdflib.namespace import SKOS

from bbfair.builder.pipeline import convert_directory, validate_directory
from bbfair.config import load_config
from bbfair.errors import InputError
from bbfair.mapping import convert
from bbfair.rdf import vocab
from bbfair.rdf.digest import content_hashes
from bbfair.rdf.namespaces import DCAT, DCT, FOAF, HEALTH, OWL, RDF, RDFS, SCHEMA, VCARD
from bbfair.records import load_records
from bbfair.store.serialise import Serialiser
from bbfair.validation.run import validate_conversion
from bbfair.validation.shapesets import load_profiles

BASE = "http://127.0.0.1:8000"
ICD = "http://purl.bioontology.org/ontology/ICD10/"
ORDO = "http://www.orpha.net/ORDO/Orphanet_"
DIRECTORY = "https://directory.bbmri-eric.eu/ERIC/directory/#/"
BREAST = URIRef(f"{BASE}/dataset/BE_SUH-collection-breast")
EPILEPSY = URIRef(f"{BASE}/dataset/BE_SCH-collection-epi")


@pytest.fixture(scope="module")
def conv(sample_dir: Path):
    return convert_directory(sample_dir)


def resource(conv, iri: URIRef):
    return next(r for r in conv.resources if r.iri == iri)


# ------------------------------------------------------------------ diseases

def test_icd10_and_orpha_codes_become_labelled_subject_iris(conv) -> None:
    g = resource(conv, URIRef(f"{BASE}/dataset/BE_SUH-collection-hboc")).graph
    subjects = set(g.objects(URIRef(f"{BASE}/dataset/BE_SUH-collection-hboc"), DCT.subject))
    assert subjects == {URIRef(f"{ORDO}145"), URIRef(f"{ICD}C50")}
    assert g.value(URIRef(f"{ICD}C50"), SKOS.prefLabel) == Literal("Malignant neoplasm of breast", lang="en")
    assert g.value(URIRef(f"{ORDO}145"), SKOS.prefLabel) == Literal(
        "Hereditary breast and/or ovarian cancer syndrome", lang="en")
    # the codes stay as they were: IRIs in the default (Health-RI) profile, literals in HealthDCAT-AP R8's
    hboc = resource(conv, URIRef(f"{BASE}/dataset/BE_SUH-collection-hboc"))
    assert {str(c) for c in g.objects(hboc.iri, HEALTH.hasCodeValues)} \
        == {"https://identifiers.org/orphanet:145", "https://icd.who.int/browse10/2019/en#/C50"}
    assert {str(c) for c in hboc.graph_in("healthdcat-ap").objects(hboc.iri, HEALTH.hasCodeValues)} \
        == {"ORPHA:145", "C50"}


def test_broader_terms_reach_the_top_of_the_list(conv) -> None:
    g = resource(conv, BREAST).graph
    chain = [URIRef(f"{ICD}C50")]
    while (up := g.value(chain[-1], SKOS.broader)) is not None:
        chain.append(up)
    assert [str(c).removeprefix(ICD) for c in chain] == ["C50", "C50-C50", "C00-C75", "C00-C97", "II"]
    assert g.value(URIRef(f"{ICD}II"), SKOS.prefLabel) == Literal("Neoplasms", lang="en")
    # every concept in the document is named, so pages and harvesters need nothing else
    for concept in g.subjects(RDF.type, SKOS.Concept):
        assert g.value(concept, SKOS.prefLabel) is not None, concept


def test_orpha_concepts_keep_every_parent_and_exact_match(conv) -> None:
    g = resource(conv, URIRef(f"{BASE}/dataset/BE_SUH-collection-marfan")).graph
    marfan = URIRef(f"{ORDO}558")
    parents = {str(p).removeprefix(ORDO) for p in g.objects(marfan, SKOS.broader)}
    assert parents == {n.removeprefix("ORPHA:") for n in vocab.diseases()["ORPHA:558"].parents}
    assert len(parents) > 1
    assert g.value(marfan, SKOS.exactMatch) == URIRef(f"{ICD}Q87.4")


def test_stewards_can_ask_for_all_collections_under_neoplasms(conv, sample_dir: Path) -> None:
    """Over the union of the published graphs (as the store holds them), walking skos:broader from each
    subject finds exactly the collections with an ICD-10 code in chapter II (C00–D48), counted from the CSV."""
    store = ox.Store()
    serialiser = Serialiser.of(conv.resources)
    store.load("".join(serialiser.graph_nquads(r) for r in conv.resources).encode(), format=ox.RdfFormat.N_QUADS)
    query = f"""PREFIX dct: <http://purl.org/dc/terms/> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        PREFIX dcat: <http://www.w3.org/ns/dcat#>
        SELECT DISTINCT ?d WHERE {{ ?d a dcat:Dataset ; dct:subject/skos:broader* <{ICD}II> }}"""
    found = {row["d"].value.rsplit("/", 1)[-1] for row in store.query(query, use_default_graph_as_union=True)}
    neoplasm = re.compile(r"^urn:miriam:icd:(C\d\d|D[0-4]\d)")
    withdrawn_biobanks = {r["id"] for r in csv.DictReader((sample_dir / "Biobanks.csv").open(encoding="utf-8"))
                          if r["withdrawn"] == "true"}
    expected = set()
    for row in csv.DictReader((sample_dir / "Collections.csv").open(encoding="utf-8")):
        if row["withdrawn"] == "true" or row["biobank"] in withdrawn_biobanks:
            continue
        if any(neoplasm.match(code.strip()) for code in row["diagnosis_available"].split(",")):
            expected.add(row["id"].removeprefix("bbmri-eric:ID:").replace(":", "-"))
    assert found == expected and len(expected) > 15


def test_catalogues_embed_subjects_without_hierarchies(conv) -> None:
    """A biobank catalogue embeds its datasets' statements (dct:subject with each subject's label) but not the
    concept hierarchies, which live in the dataset documents."""
    g = resource(conv, URIRef(f"{BASE}/catalog/BE_SUH")).graph
    assert URIRef(f"{ICD}C50") in set(g.objects(BREAST, DCT.subject))
    assert g.value(URIRef(f"{ICD}C50"), SKOS.prefLabel) == Literal("Malignant neoplasm of breast", lang="en")
    assert g.value(URIRef(f"{ICD}C50"), SKOS.broader) is None


def test_directory_demo_diseases_are_labelled_subjects(demo_dir: Path) -> None:
    conv = convert_directory(demo_dir)
    seen = 0
    for dataset in conv.by_kind("dataset"):
        g = dataset.graph
        codes = {str(c) for c in dataset.graph_in("healthdcat-ap").objects(dataset.iri, HEALTH.hasCodeValues)}
        for subject in g.objects(dataset.iri, DCT.subject):
            text = str(subject)
            name = f"ORPHA:{text.removeprefix(ORDO)}" if text.startswith(ORDO) else \
                f"urn:miriam:icd:{text.removeprefix(ICD)}"
            assert text.startswith((ORDO, ICD)) and name in vocab.diseases(), text
            assert str(g.value(subject, SKOS.prefLabel)) == vocab.diseases()[name].label
            assert vocab.diseases()[name].code in codes
            seen += 1
    assert seen >= 7  # the demo's ORPHA and ICD-10 diagnoses


# ------------------------------------------------------------------ related resources, publications, ORCID

def test_related_resources_are_typed_by_prefix(conv) -> None:
    g = resource(conv, EPILEPSY).graph
    tool, standard = URIRef("https://bio.tools/gatk"), URIRef("https://fairsharing.org/bsg-s001533")
    assert set(g.objects(EPILEPSY, DCT.relation)) == {tool, standard}
    assert (tool, RDF.type, SCHEMA.SoftwareApplication) in g
    assert (standard, RDF.type, DCT.Standard) in g


def test_directory_record_and_publication_of_a_collection(conv) -> None:
    g = resource(conv, BREAST).graph
    record = URIRef(f"{DIRECTORY}collection/bbmri-eric:ID:BE_SUH:collection:breast")
    assert set(g.objects(BREAST, DCT.relation)) == {record}
    assert (record, RDF.type, DCAT.Resource) in g
    assert set(g.objects(BREAST, DCT.isReferencedBy)) == {URIRef("https://doi.org/10.5555/12345678")}


def test_biobank_and_network_links_and_plain_pages(conv) -> None:
    biobank = URIRef(f"{BASE}/catalog/BE_SUH")
    g = resource(conv, biobank).graph
    assert set(g.objects(biobank, DCT.relation)) == {URIRef(f"{DIRECTORY}biobank/bbmri-eric:ID:BE_SUH"),
                                                      URIRef("https://eatris.eu/")}
    assert set(g.objects(biobank, RDFS.seeAlso)) == {URIRef("https://biobank.suh.example.be/quality")}
    network = URIRef(f"{BASE}/catalog/BE_RDALLIANCE")
    assert set(resource(conv, network).graph.objects(network, RDFS.seeAlso)) == {URIRef("https://www.orpha.net/")}


def test_contact_orcid_is_its_uid(conv) -> None:
    contact = URIRef(f"{BASE}/contact/BE_suh_breast")
    assert resource(conv, contact).graph.value(contact, VCARD.hasUID) == \
        URIRef("https://orcid.org/0000-0002-1825-0097")
    assert (contact, VCARD.hasUID, None) in resource(conv, BREAST).graph  # embedded where it is the contact


# ------------------------------------------------------------------ organisations by ROR

def add_column(data_dir: Path, table: str, column: str, values: dict[str, str]) -> None:
    header, data = rows(data_dir / f"{table}.csv")
    if column not in header:
        header.append(column)
    for row in data:
        row[column] = values.get(row["id"], row.get(column, ""))
    write(data_dir / f"{table}.csv", header, data)


def test_ror_identifies_the_biobank_agent(sample_copy: Path) -> None:
    add_column(sample_copy, "Biobanks", "ror", {"bbmri-eric:ID:BE_SUH": "ror:05wg1m734"})
    conv = convert_directory(sample_copy)
    agent = URIRef(f"{BASE}/agent/BE_SUH")
    ror = URIRef("https://ror.org/05wg1m734")
    for iri in (agent, BREAST, URIRef(f"{BASE}/catalog/BE_SUH")):  # the agent doc and every doc embedding it
        g = resource(conv, iri).graph
        assert g.value(agent, OWL.sameAs) == ror and g.value(agent, DCT.identifier) == Literal(str(ror))
    other = URIRef(f"{BASE}/agent/BE_MVCR")
    assert resource(conv, other).graph.value(other, OWL.sameAs) is None


def test_node_identifier_as_ror(sample_dir: Path) -> None:
    config = load_config(sample_dir)
    config = config.model_copy(update={"node": config.node.model_copy(update={"identifier": "ror:05wg1m734"})})
    conv = convert(load_records(sample_dir), config)
    node = URIRef(f"{BASE}/agent/BE")
    g = resource(conv, node).graph
    assert g.value(node, OWL.sameAs) == URIRef("https://ror.org/05wg1m734")
    assert (node, RDF.type, FOAF.Organization) in g


# ------------------------------------------------------------------ bad identifiers

@pytest.mark.parametrize(("table", "column", "rid", "value", "expected"), [
    ("Collections", "related", "bbmri-eric:ID:BE_SUH:collection:lung", "biotools:gatk,foo:bar", "unknown prefix 'foo'"),
    ("Collections", "publications", "bbmri-eric:ID:BE_SUH:collection:lung", "doi:11.1/x", "malformed doi"),
    ("Biobanks", "related", "bbmri-eric:ID:BE_MVCR", "fairsharing:nope", "malformed fairsharing"),
    ("Networks", "related", "bbmri-eric:networkID:BE_TUMOURNET", "www.example.org", "neither a CURIE"),
    ("Biobanks", "ror", "bbmri-eric:ID:BE_MVCR", "05wg1m735", "check digit"),
    ("Persons", "orcid", "bbmri-eric:contactID:BE_suh_head", "orcid:0000-0002-1825-0098", "check digit"),
])
def test_bad_identifier_is_an_error_naming_record_and_column(sample_copy, table, column, rid, value,
                                                               expected) -> None:
    add_column(sample_copy, table, column, {rid: value})
    with pytest.raises(InputError) as info:  # converting stops, naming the row
        load_records(sample_copy)
    [problem] = info.value.problems
    assert (problem.record, problem.column) == (rid, column) and expected in problem.message
    assert problem.file.endswith(f"{table}.csv") and problem.line
    # validating reports it the same way and still checks the record, without the bad value
    report = validate_directory(sample_copy, profiles=("bbfair",))
    [finding] = [f for f in report.findings if f.severity == "violation"]
    assert (finding.record, finding.column, finding.profile) == (rid, column, "input")
    assert expected in finding.message
    cat = load_records(sample_copy, lenient=True)
    assert rid in cat.table(table) and rid not in cat.skipped
    kept = getattr(cat.table(table)[rid], column)
    assert value not in (kept if isinstance(kept, list) else [kept])


def test_shapes_name_the_column_of_a_link_that_is_no_web_address(conv, sample_dir: Path) -> None:
    """Second line of defence: a link that is not an http(s) IRI in a document (from another producer, or a
    regression) is a bbfair-profile violation located at the record and column it comes from."""
    dataset = resource(conv, BREAST)
    dataset.triples.add((BREAST, DCT.relation, Literal("foo:bar")))
    dataset.triples.add((BREAST, DCT.isReferencedBy, URIRef("doi:10.5555/12345678")))
    try:
        report = validate_conversion(conv, load_profiles(["bbfair"]), config_file=str(sample_dir / "bbfair.toml"),
                                     node_id="BE")
    finally:
        dataset.triples.discard((BREAST, DCT.relation, Literal("foo:bar")))
        dataset.triples.discard((BREAST, DCT.isReferencedBy, URIRef("doi:10.5555/12345678")))
    located = {(f.record, f.column) for f in report.findings if f.severity == "violation"}
    assert ("bbmri-eric:ID:BE_SUH:collection:breast", "related") in located
    assert ("bbmri-eric:ID:BE_SUH:collection:breast", "publications") in located


def test_rebuilds_are_deterministic(sample_dir: Path) -> None:
    """Same input, same documents: the links add nothing that depends on the run (times aside, pinned here)."""
    now = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)
    first, second = (convert(load_records(sample_dir), load_config(sample_dir), now=now) for _ in range(2))
    assert content_hashes(first.resources) == content_hashes(second.resources)
    assert [r.triples for r in first.resources] == [r.triples for r in second.resources]
