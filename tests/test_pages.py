"""The HTML pages people read: every stored document of the sample catalogue renders a complete page whose
sections show what the record says (diseases by name, materials, counts, contact, access route, biobank), with
labels instead of IRIs, links to every resource, the other formats, signposting <link>s and schema.org JSON-LD;
and text from records stays text everywhere, including inside the JSON-LD block."""

from __future__ import annotations

import json
from pathlib import Path

import jinja2
import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDFS, SKOS
from web_sample import ParsedPage, build_documents, load_page, site_for

from bbfair.rdf.namespaces import BBFAIR, DCAT, DCT, HEALTH, VCARD
from bbfair.rdf.vocab import code_lists, diseases
from bbfair.store.documents import Documents
from bbfair.web.labels import disease_code
from bbfair.web.model import Page
from bbfair.web.pages import render_page
from bbfair.web.schemaorg import jsonld
from bbfair.web.signposting import links, trimmed

STATIC = Path(__file__).resolve().parents[1] / "bbfair" / "web" / "static"
HOSTILE = '</script><script>alert(1)</script> <b>bold</b> & "quoted"'


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> Documents:
    return build_documents(tmp_path_factory.mktemp("store"))


@pytest.fixture(scope="module")
def env() -> jinja2.Environment:
    """The environment the server uses (`SiteState.templates`)."""
    return jinja2.Environment(loader=jinja2.PackageLoader("bbfair.web", "templates"), autoescape=True,
                              trim_blocks=True, lstrip_blocks=True)


def render(page: Page, env: jinja2.Environment) -> ParsedPage:
    return ParsedPage(render_page(page, env))


def dataset_iri(documents: Documents, suffix: str) -> str:
    return next(i for i in documents.iris("dataset") if i.endswith(suffix))


def code_label(iri: URIRef) -> str:
    """The code-list label of a `{base}/vocab/{scheme}/{code}` IRI, from vocab/ (what the page must show)."""
    scheme, code = str(iri).rsplit("/vocab/", 1)[1].split("/", 1)
    return next(c.label for c in code_lists()[scheme].values() if c.path == f"{scheme}/{code}")


def test_collection_page_shows_every_section(documents: Documents, env: jinja2.Environment) -> None:
    page = load_page(documents, dataset_iri(documents, "/BE_SUH-collection-crc"))
    g, s = page.graph, URIRef(page.iri)
    html = render(page, env)

    assert html.text("h1") == str(g.value(s, DCT.title))
    assert str(g.value(s, DCT.description)) in html.text("main")
    # diseases by name (ICD-10 and ORPHA), each with its code
    codes = sorted(disease_code(str(c)) for c in g.objects(s, HEALTH.hasCodeValues))
    assert "ORPHA:144" in codes and "C18" in codes
    table = diseases()
    subjects = {str(n): str(o) for o in g.objects(s, DCT.subject) for n in g.objects(o, SKOS.notation)}
    for code in codes:
        disease = table.get(code) or table[f"urn:miriam:icd:{code}"]
        name = g.value(URIRef(subjects[code]), SKOS.prefLabel) if code in subjects else None
        assert str(name or disease.label) in html.text("diseases") and code in html.text("diseases")
        # linked to the record's own subject IRI for that code, else to the Directory list's IRI
        assert subjects.get(code, disease.iri) in html.hrefs_in("diseases")
    assert "Lynch syndrome" in html.text("diseases")
    # materials and the other code lists by label, linked to their concept pages
    materials = list(g.objects(s, BBFAIR.materialType))
    assert materials
    for material in materials:
        assert code_label(material) in html.text("samples")
        assert str(material) in html.hrefs_in("samples")
    # counts, formatted for people
    donors = int(g.value(s, HEALTH.numberOfUniqueIndividuals))
    samples = int(g.value(s, HEALTH.numberOfRecords))
    assert f"{donors:,}" in html.text("main") and f"{samples:,}" in html.text("main")
    assert f"{g.value(s, HEALTH.minTypicalAge)}–{g.value(s, HEALTH.maxTypicalAge)} years" in html.text("main")
    assert "Female" in html.text("main") and "Male" in html.text("main")
    # contact point, access route and biobank
    contact = g.value(s, DCAT.contactPoint)
    assert str(g.value(contact, VCARD.fn)) in html.text("contact")
    assert str(g.value(contact, VCARD.hasEmail)) in html.hrefs_in("contact")
    distribution = g.value(s, DCAT.distribution)
    assert str(g.value(distribution, DCT.title)) in html.text("access")
    assert str(g.value(distribution, DCAT.accessURL)) in html.hrefs_in("access")
    assert "Request access" in html.text("access") and "non-public" in html.text("access")
    publisher = g.value(s, DCT.publisher)
    assert str(g.value(publisher, FOAF.name)) in html.text("biobank")
    assert str(publisher) in html.hrefs_in("biobank")
    # every resource IRI of the record is linked; the other formats are offered
    for iri in (publisher, distribution, contact, g.value(s, DCT.isPartOf)):
        assert str(iri) in html.hrefs
    for key in ("ttl", "jsonld", "rdf", "nt", "linkset"):
        assert f"{page.iri}?format={key}" in html.hrefs
    assert "Issued" in html.text("main") or "Modified" in html.text("main")


def test_collection_page_carries_signposting_and_json_ld(documents: Documents, env: jinja2.Environment) -> None:
    page = load_page(documents, dataset_iri(documents, "/BE_SUH-collection-breast"))
    html = render(page, env)
    expected = {(link.rel, link.href, link.type or "") for link in trimmed(links(page))}
    found = {(a["rel"], a["href"], a.get("type", "")) for a in html.head_links
             if a["rel"] not in ("stylesheet", "canonical")}
    assert found == expected
    assert {"cite-as", "describedby", "type", "license", "item", "collection", "linkset"} <= {r for r, _, _ in found}
    blocks = [text for kind, text in html.scripts if kind == "application/ld+json"]
    assert len(blocks) == 1 and json.loads(blocks[0]) == jsonld(page)
    assert [kind for kind, _ in html.scripts] == ["application/ld+json"]  # no JavaScript on the page


def test_every_document_renders_a_named_page(documents: Documents, env: jinja2.Environment) -> None:
    kinds = set()
    for doc in documents:
        page = load_page(documents, doc.iri)
        html = render(page, env)
        kinds.add(doc.kind)
        subject = URIRef(doc.iri)
        name = next((str(v) for p in (SKOS.prefLabel, DCT.title, FOAF.name, VCARD.fn)
                     for v in page.graph.objects(subject, p)), None)
        if name:
            assert html.text("h1") == name, doc.iri
        assert html.text("h1"), doc.iri
        assert f"{doc.iri}?format=ttl" in html.hrefs and doc.iri in html.hrefs
        assert not [h for h in html.hrefs if h.startswith("javascript:")]
        for kind, text in html.scripts:
            assert kind == "application/ld+json" and json.loads(text)["@id"] == doc.iri
    assert kinds == {"fdp", "catalog", "dataset", "distribution", "service", "agent", "contact", "container", "concept",
                     "scheme"}


def test_catalogue_pages_list_members_with_counts(documents: Documents, env: jinja2.Environment) -> None:
    biobank = load_page(documents, next(i for i in documents.iris("catalog") if i.endswith("/catalog/BE_SUH")))
    html = render(biobank, env)
    datasets = list(biobank.graph.objects(URIRef(biobank.iri), DCAT.dataset))
    assert len(datasets) >= 3
    for dataset in datasets:
        assert str(dataset) in html.hrefs_in("collections")
        assert str(biobank.graph.value(dataset, DCT.title)) in html.text("collections")
        assert f"{int(biobank.graph.value(dataset, HEALTH.numberOfRecords)):,}" in html.text("collections")
    node = load_page(documents, next(i for i in documents.iris("catalog") if i.endswith("/catalog/BE")))
    html = render(node, env)
    members = list(node.graph.objects(URIRef(node.iri), DCAT.catalog))
    assert len(members) > 10 and f"{len(members)}" in html.text("main")
    for member in members:
        assert str(member) in html.hrefs_in("members")
        assert str(node.graph.value(member, DCT.title)) in html.text("members")


def test_vocabulary_pages_show_labels_and_mappings(documents: Documents, env: jinja2.Environment) -> None:
    concept = load_page(documents, next(i for i in documents.iris("concept") if i.endswith("/material-type/DNA")))
    html = render(concept, env)
    assert html.text("h1") == "DNA"
    for match in concept.graph.objects(URIRef(concept.iri), SKOS.exactMatch):
        assert str(match) in html.hrefs_in("details")
    assert str(concept.graph.value(URIRef(concept.iri), SKOS.definition)) in html.text("main")
    scheme = load_page(documents, next(i for i in documents.iris("scheme") if i.endswith("/vocab/material-type")))
    html = render(scheme, env)
    for member in scheme.graph.objects(URIRef(scheme.iri), SKOS.hasTopConcept):
        assert str(member) in html.hrefs_in("members") and code_label(member) in html.text("members")


def test_links_to_other_infrastructures(documents: Documents, env: jinja2.Environment) -> None:
    """Subjects with labels and broader terms, related resources, identifiers and DOIs the converter may add."""
    page = load_page(documents, dataset_iri(documents, "/BE_SUH-collection-marfan"))
    g, s = page.graph, URIRef(page.iri)
    orpha = URIRef("http://www.orpha.net/ORDO/Orphanet_900001")  # codes the sample does not use
    broader = URIRef("http://www.orpha.net/ORDO/Orphanet_900002")
    tool, doi = URIRef("https://bio.tools/example-tool"), URIRef("https://doi.org/10.1234/example.5678")
    g.add((s, DCTERMS.subject, orpha))
    g.add((orpha, SKOS.prefLabel, Literal("Marfan syndrome (ORDO)", lang="en")))
    g.add((orpha, SKOS.broader, broader))
    g.add((broader, RDFS.label, Literal("Genetic connective tissue disorder", lang="en")))
    g.add((s, DCTERMS.relation, tool))
    g.add((tool, RDFS.label, Literal("An example tool")))
    g.add((s, RDFS.seeAlso, URIRef("https://fairsharing.org/FAIRsharing.example")))
    g.add((s, DCTERMS.isReferencedBy, doi))
    g.add((s, OWL.sameAs, URIRef("https://ror.org/05xxxxx00")))
    html = render(page, env)
    section = html.text("links")
    for label in ("Marfan syndrome (ORDO)", "Genetic connective tissue disorder", "An example tool", "bio.tools",
                  "doi.org/10.1234/example.5678", "fairsharing.org/FAIRsharing.example"):
        assert label in section
    for href in (orpha, broader, tool, doi, "https://fairsharing.org/FAIRsharing.example", "https://ror.org/05xxxxx00"):
        assert str(href) in html.hrefs_in("links")


def test_record_text_stays_text_everywhere(documents: Documents, env: jinja2.Environment) -> None:
    page = load_page(documents, dataset_iri(documents, "/BE_SUH-collection-breast"))
    g, s = page.graph, URIRef(page.iri)
    for predicate in (DCT.title, DCT.description, DCT.alternative):
        g.remove((s, predicate, None))
        g.add((s, predicate, Literal(HOSTILE, lang="en")))
    g.add((s, DCAT.keyword, Literal(HOSTILE, lang="en")))
    contact = g.value(s, DCAT.contactPoint)
    g.remove((contact, VCARD.fn, None))
    g.add((contact, VCARD.fn, Literal(HOSTILE)))
    g.add((s, FOAF.homepage, URIRef("javascript:alert(1)")))
    html = render(page, env)
    assert html.text("h1") == HOSTILE
    assert HOSTILE in html.text("title") and HOSTILE in html.text("contact") and HOSTILE in html.text("keywords")
    assert "b" not in html.elements  # the <b> of the record never became an element
    assert [kind for kind, _ in html.scripts] == ["application/ld+json"]
    (block,) = [text for _, text in html.scripts]
    assert json.loads(block) == jsonld(page) and json.loads(block)["name"] == HOSTILE
    assert "<" not in block and "&" not in block
    assert not [h for h in html.hrefs if h.lower().startswith("javascript:")]
    assert "javascript:alert(1)" in html.text("main")  # shown, not linked


def test_base_template_serves_other_pages(documents: Documents, env: jinja2.Environment) -> None:
    """The SPARQL page extends base.html with the blocks title, head and content and only `site`."""
    site = site_for(documents)
    template = env.from_string('{% extends "base.html" %}{% block title %}Query{% endblock %}'
                               '{% block head %}<meta name="x" content="y">{% endblock %}'
                               '{% block content %}<p id="body">hello</p>{% endblock %}')
    html = ParsedPage(template.render(site=site))
    assert html.text("title") == "Query" and html.text("body") == "hello"
    assert {site.root_iri, site.sparql_url, site.dump_url} <= set(html.hrefs)


def test_no_remote_assets(documents: Documents, env: jinja2.Environment) -> None:
    html = render(load_page(documents, documents.iris("fdp")[0]), env)
    sheets = [a["href"] for a in html.head_links if a["rel"] == "stylesheet"]
    assert sheets == ["/static/site.css"] and (STATIC / "site.css").is_file()
    assert "@import" not in (STATIC / "site.css").read_text() and "url(" not in (STATIC / "site.css").read_text()
