"""FAIR Signposting on real sample resources: the links a machine agent needs (cite-as, describedby with type,
type, license, author, item, collection, linkset), the `Link` header they make (parsed back with an RFC 8288
reader written here), its size bound, and the RFC 9264 linkset document."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDFS, SKOS
from web_sample import FORMATS, build_documents, load_page

from bbfair.rdf.namespaces import DCAT, DCT
from bbfair.store.documents import Documents
from bbfair.web.model import Page
from bbfair.web.signposting import HEADER_BUDGET, Link, link_header, links, linkset, trimmed

LINK = re.compile(r'\s*<([^>]*)>((?:\s*;\s*[\w*-]+=(?:"(?:[^"\\]|\\.)*"|[^;,\s]*))*)\s*(?:,|$)')
PARAM = re.compile(r'\s*;\s*([\w*-]+)=("(?:[^"\\]|\\.)*"|[^;,\s]*)')


def parse_header(value: str) -> list[dict[str, str]]:
    """An RFC 8288 `Link` header as a list of {href, rel, type, …} (quoted strings unescaped)."""
    out, pos = [], 0
    while pos < len(value):
        match = LINK.match(value, pos)
        assert match, f"unparseable Link header at {value[pos:pos + 60]!r}"
        link = {"href": match.group(1)}
        for name, raw in PARAM.findall(match.group(2)):
            link[name] = re.sub(r"\\(.)", r"\1", raw[1:-1]) if raw.startswith('"') else raw
        out.append(link)
        pos = match.end()
    return out


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> Documents:
    return build_documents(tmp_path_factory.mktemp("store"))


def first(documents: Documents, kind: str, suffix: str = "") -> Page:
    return load_page(documents, next(i for i in documents.iris(kind) if i.endswith(suffix)))


def by_rel(found: list[Link]) -> dict[str, set[tuple[str, str | None]]]:
    out: dict[str, set[tuple[str, str | None]]] = {}
    for link in found:
        out.setdefault(link.rel, set()).add((link.href, link.type))
    return out


def test_collection_signposts(documents: Documents) -> None:
    page = first(documents, "dataset", "/BE_SUH-collection-breast")
    g, s = page.graph, URIRef(page.iri)
    rels = by_rel(links(page))
    assert rels["cite-as"] == {(page.iri, None)}
    assert rels["describedby"] == {(f"{page.iri}?format={f.key}", f.media_type) for f in FORMATS
                                   if f.media_type != "text/html"}
    assert {("https://schema.org/Dataset", None), ("http://www.w3.org/ns/dcat#Dataset", None)} <= rels["type"]
    # the collection states no licence itself: its access route's terms are its licence
    assert not list(g.objects(s, DCT.license))
    distribution = g.value(s, DCAT.distribution)
    assert rels["license"] == {(str(g.value(distribution, DCT.license)), None)}
    assert rels["author"] == {(str(a), None) for a in g.objects(s, DCT.creator)}
    assert (str(distribution), None) in rels["item"]
    assert (str(g.value(distribution, DCAT.accessURL)), "text/html") in rels["item"]
    assert rels["collection"] == {(str(c), None) for c in g.objects(s, DCT.isPartOf)}
    assert rels["linkset"] == {(f"{page.iri}?format=linkset", "application/linkset+json")}


def test_other_kinds_point_to_what_holds_them(documents: Documents) -> None:
    distribution = first(documents, "distribution")
    rels = by_rel(links(distribution))
    assert rels["collection"] == {(str(distribution.parent), None)}
    assert ("https://schema.org/DataDownload", None) in rels["type"]
    licences = distribution.graph.objects(URIRef(distribution.iri), DCT.license)
    assert rels["license"] == {(str(o), None) for o in licences}
    concept = first(documents, "concept", "/material-type/DNA")
    scheme = str(concept.graph.value(URIRef(concept.iri), SKOS.inScheme))
    assert by_rel(links(concept))["collection"] == {(scheme, None)}
    catalogue = first(documents, "catalog", "/catalog/BE")
    members = {str(o) for o in catalogue.graph.objects(URIRef(catalogue.iri), DCAT.catalog)}
    assert {h for h, _ in by_rel(links(catalogue))["item"]} == members


def test_link_header_round_trips(documents: Documents) -> None:
    page = first(documents, "dataset", "/BE_SUH-collection-crc")
    found = links(page)
    header = link_header(found)
    assert header.isascii()
    parsed = parse_header(header)
    assert [(p["href"], p["rel"], p.get("type")) for p in parsed] == [(k.href, k.rel, k.type) for k in found]


def test_link_header_quotes_and_encodes() -> None:
    odd = [Link('https://example.org/a b"<é>', "related", title='say "hi" \\ now'),
           Link("https://example.org/x", "describedby", type="text/turtle", profile="https://example.org/p"),
           Link("https://example.org/y", "related", title="Gène")]
    parsed = parse_header(link_header(odd))
    assert parsed[0]["href"] == "https://example.org/a%20b%22%3C%C3%A9%3E"
    assert unquote(parsed[0]["href"]) == odd[0].href
    assert parsed[0]["title"] == 'say "hi" \\ now'
    assert parsed[1] == {"href": "https://example.org/x", "rel": "describedby", "type": "text/turtle",
                         "profile": "https://example.org/p"}
    assert unquote(parsed[2]["title*"].removeprefix("UTF-8''")) == "Gène"


def test_header_stays_small_and_keeps_the_linkset() -> None:
    many = [Link("https://example.org/r", "cite-as")]
    many += [Link(f"https://example.org/dataset/{i:05d}", "item") for i in range(2000)]
    many += [Link("https://example.org/r?format=linkset", "linkset", type="application/linkset+json")]
    header = link_header(many)
    assert len(header) <= HEADER_BUDGET
    rels = [p["rel"] for p in parse_header(header)]
    assert rels[0] == "cite-as" and rels[-1] == "linkset" and 10 < rels.count("item") < 2000
    assert len(trimmed(many, budget=10**9)) == len(many) and len(parse_header(link_header(many, None))) == 2002


def test_linkset_document(documents: Documents) -> None:
    page = first(documents, "dataset", "/BE_SUH-collection-breast")
    g, s = page.graph, URIRef(page.iri)
    g.add((s, DCT.relation, URIRef("https://bio.tools/example")))
    g.add((URIRef("https://bio.tools/example"), RDFS.label, Literal("Example tool")))
    g.add((s, OWL.sameAs, URIRef("https://directory.bbmri-eric.eu/example")))
    doc = linkset(page)
    assert list(doc) == ["linkset"]
    contexts = doc["linkset"]
    main = contexts[0]
    assert main["anchor"] == page.iri
    for context in contexts:
        assert re.match(r"^[a-z][a-z0-9+.-]*:", context["anchor"])
        for rel, targets in context.items():
            if rel == "anchor":
                continue
            assert re.fullmatch(r"[a-z][a-z0-9.-]*", rel) or re.match(r"^https?://", rel), rel
            assert isinstance(targets, list) and targets
            for target in targets:
                assert isinstance(target["href"], str)
                assert set(target) <= {"href", "type", "title", "profile", "hreflang"}
                assert isinstance(target.get("profile", []), list)
    for rel in ("cite-as", "describedby", "type", "license", "item", "collection"):
        assert rel in main
    assert "linkset" not in main  # the document does not link to itself
    assert {"href": "https://bio.tools/example", "title": "Example tool"} in main[str(DCT.relation)]
    assert {"href": "https://directory.bbmri-eric.eu/example"} in main[str(OWL.sameAs)]
    for predicate in (DCAT.distribution, DCT.isPartOf, DCT.publisher):
        assert {t["href"] for t in main[str(predicate)]} == {str(o) for o in g.objects(s, predicate)}
    items = {t["href"] for t in main["item"]}
    backs = {c["anchor"] for c in contexts[1:] if c["collection"] == [{"href": page.iri}]}
    assert backs == items
