"""`bbfair check-harvest`'s engine: the harvester's walk, record and fetch rules, the batched per-record
validation, and the report. The integration tests serve a hand-written FAIR Data Point with deliberate faults
from a real HTTP server on 127.0.0.1 (a free port) and require each fault to be reported as the harvester would
suffer it: dropped, incomplete or invalid, with the reason."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import httpx
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from bbfair.harvest import Effect, HarvestReport, Record, Visit, check_harvest, to_json, to_text
from bbfair.harvest.fetch import Assembler, fetched_url, guid, record_kind, remove_fdp_defaults
from bbfair.harvest.validate import Isolated, curie, validate_records
from bbfair.harvest.walk import Document, Fetcher
from bbfair.rdf.namespaces import DCAT, DCT, FOAF, VCARD

PREFIXES = """\
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix dcatap: <http://data.europa.eu/r5r/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
@prefix ldp: <http://www.w3.org/ns/ldp#> .
@prefix fdp: <https://w3id.org/fdp/fdp-o#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

AGENT = """
<{base}/agent/org> a foaf:Agent ; foaf:name "Test Biobank"@en ; dct:identifier "https://ror.org/000000000" ;
    foaf:homepage <https://biobank.example.org/> ; foaf:mbox <mailto:info@biobank.example.org> .
"""
CONTACT = """
<{base}/contact/ann> a vcard:Kind ; vcard:fn "Ann Example" ; vcard:hasEmail <mailto:ann@biobank.example.org> .
"""


def dataset(base: str, name: str, *, subject: str | None = None, description: bool = True, agent: bool = True,
            distribution: str | None = None, listed: bool = True, access: str | None = None,
            extra: str = "", kind: str = "dcat:Dataset") -> str:
    """A dataset document that meets the Health-RI shapes unless told otherwise."""
    iri = subject or f"{base}/dataset/{name}"
    dist = distribution or f"{base}/distribution/{name}"
    rights = access or "<http://publications.europa.eu/resource/authority/access-right/NON_PUBLIC>"
    text = PREFIXES + f"""
<{iri}> a {kind} ;
    dct:title "Collection {name}"@en ;
    {'dct:description "Samples of collection ' + name + '."@en ;' if description else ''}
    dct:identifier "test:{name}" ;
    dct:publisher <{base}/agent/org> ; dct:creator <{base}/agent/org> ;
    dcat:contactPoint <{base}/contact/ann> ;
    dcat:keyword "plasma"@en ;
    dcat:theme <http://publications.europa.eu/resource/authority/data-theme/HEAL> ;
    dct:accessRights {rights} ;
    dcatap:applicableLegislation <http://data.europa.eu/eli/reg/2025/327/oj> ;
    dcat:distribution <{dist}> {extra}.
""" + CONTACT.format(base=base)
    if agent:
        text += AGENT.format(base=base)
    if listed:
        text += f"""
<{iri}/distributions> a ldp:DirectContainer ; dct:title "Distributions"@en ; ldp:membershipResource <{iri}> ;
    ldp:hasMemberRelation dcat:distribution ; ldp:contains <{dist}> .
"""
    return text


def distribution(base: str, name: str, *, subject: str | None = None) -> str:
    iri = subject or f"{base}/distribution/{name}"
    return PREFIXES + f"""
<{iri}> a dcat:Distribution ; dct:title "Access to {name}"@en ;
    dcat:accessURL <https://node.example.org/request-access> ;
    dct:format <http://publications.europa.eu/resource/authority/file-type/HTML> ;
    dct:license <https://node.example.org/terms> ; dct:rights <https://node.example.org/policy> ;
    dcat:byteSize "1024"^^xsd:nonNegativeInteger .
"""


def container(parent: str, relation: str, members: list[str]) -> str:
    listed = ", ".join(m if m.startswith('"') else f"<{m}>" for m in members)
    return f"""
<{parent}/members> a ldp:DirectContainer ; dct:title "Members"@en ; ldp:membershipResource <{parent}> ;
    ldp:hasMemberRelation {relation} ; ldp:contains {listed} .
"""


@dataclass
class Reply:
    status: int = 200
    body: str = ""
    content_type: str = "text/turtle"
    location: str | None = None
    delay: float = 0.0


def faulty_fdp(base: str) -> dict[str, Reply]:
    """A small FAIR Data Point with one deliberate fault per dataset (see the test below for what each must give)."""
    d = f"{base}/dataset"
    members = [f"{d}/good", f"{d}/slash", f"{d}/jsonld", f"{d}/missing", f"{d}/invalid", f"{d}/brokendist",
               f"{d}/semi;colon", f"{d}/moved", f"{d}/borrowed", f"{d}/defaults", f"{d}/relative", f"{d}/slow",
               f"{d}/series", f"{d}/halfbroken", f"{base}/catalog/sub", '"not a link"']
    site = {
        "/": Reply(body=PREFIXES + f"<{base}/> a fdp:FAIRDataPoint, fdp:MetadataService ; dct:title \"FDP\"@en ;"
                   f" fdp:metadataCatalog <{base}/catalog/main> .\n"
                   + container(f"{base}/", "fdp:metadataCatalog", [f"{base}/catalog/main"])),
        "/catalog/main": Reply(body=PREFIXES + f"<{base}/catalog/main> a dcat:Catalog ; dct:title \"Main\"@en .\n"
                               + container(f"{base}/catalog/main", "dcat:dataset", members)),
        # a cycle back to the main catalogue, and a dataset listed twice
        "/catalog/sub": Reply(body=PREFIXES + f"<{base}/catalog/sub> a dcat:Catalog ; dct:title \"Sub\"@en .\n"
                              + container(f"{base}/catalog/sub", "dcat:dataset", [f"{base}/catalog/main",
                                                                                  f"{d}/good"])),
        "/dataset/good": Reply(body=dataset(base, "good")),
        "/distribution/good": Reply(body=distribution(base, "good")),
        "/dataset/slash": Reply(body=dataset(base, "slash", subject=f"{d}/slash/")),
        "/dataset/jsonld": Reply(body=json.dumps({"@id": f"{d}/jsonld", "@type": str(DCAT.Dataset)}),
                                 content_type="application/ld+json"),
        "/dataset/invalid": Reply(body=dataset(base, "invalid", description=False, listed=False)),
        "/dataset/brokendist": Reply(body=dataset(base, "brokendist", listed=False)),
        "/distribution/brokendist": Reply(status=500, body="boom", content_type="text/plain"),
        "/dataset/semi;colon": Reply(body=dataset(base, "semi;colon", listed=False)),
        "/dataset/moved": Reply(status=301, location=f"{d}/moved-here"),
        "/dataset/moved-here": Reply(body=dataset(base, "moved", listed=False)),
        "/dataset/borrowed": Reply(body=dataset(base, "borrowed", agent=False, listed=False)),
        "/dataset/defaults": Reply(body=dataset(base, "defaults", listed=False, access=f"<{d}/defaults#accessRights>",
                                                extra=f"; dct:conformsTo <{base}/profile/dataset> ")),
        "/dataset/relative": Reply(body=PREFIXES + '<relative> a dcat:Dataset ; dct:title "Relative"@en .\n'),
        "/dataset/slow": Reply(body=dataset(base, "slow", listed=False), delay=1.5),
        "/dataset/series": Reply(body=dataset(base, "series", listed=False, kind="dcat:DatasetSeries")),
        # valid Turtle up to the last statement: rdflib keeps what it parsed before the error
        "/dataset/halfbroken": Reply(body=dataset(base, "halfbroken", listed=False) + "\n<oops> <broken"),
    }
    for name in ("invalid", "semi;colon", "moved", "borrowed", "defaults", "slow", "series", "slash", "halfbroken"):
        site[f"/distribution/{name}"] = Reply(body=distribution(base, name))
    return site


class _Handler(BaseHTTPRequestHandler):
    """Serves `site`; the fixture gives each server a subclass with its own site, hit counts and Accepts."""

    protocol_version = "HTTP/1.1"
    site: ClassVar[dict[str, Reply]] = {}
    hits: ClassVar[dict[str, int]] = {}
    accepts: ClassVar[set[str]] = set()

    def do_GET(self) -> None:
        self.hits[self.path] = self.hits.get(self.path, 0) + 1
        self.accepts.add(self.headers.get("Accept", ""))
        reply = self.site.get(self.path, Reply(status=404, body="not here", content_type="text/plain"))
        if reply.delay:
            time.sleep(reply.delay)
        body = reply.body.encode()
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(body)))
            if reply.location:
                self.send_header("Location", reply.location)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the slow answer: the client gave up (its timeout) before it came

    def log_message(self, *args: object) -> None:
        pass


@dataclass
class Site:
    base: str
    hits: dict[str, int]
    accepts: set[str]


@pytest.fixture(scope="module")
def fdp() -> Iterator[Site]:
    """The faulty FDP on 127.0.0.1 at a free port, for this module's tests."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    handler = type("Handler", (_Handler,), {"site": faulty_fdp(base), "hits": {}, "accepts": set()})
    server.RequestHandlerClass = handler
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Site(base, handler.hits, handler.accepts)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def report(fdp: Site) -> HarvestReport:
    return check_harvest(f"{fdp.base}/", timeout=0.5)


def issue(report: HarvestReport, url: str, code: str):
    found = [i for i in report.issues if i.url == url and i.code == code]
    assert found, f"no {code} issue for {url}: {[(i.url, i.code) for i in report.issues]}"
    return found[0]


def record(report: HarvestReport, url: str) -> Record:
    return next(r for r in report.records if r.url == url)


# --- the walk ---------------------------------------------------------------------------------------------------

def test_walk_is_breadth_first_over_ldp_contains_only_with_turtle(report: HarvestReport, fdp: Site) -> None:
    urls = [v.url for v in report.visits]
    assert len(urls) == len(set(urls)), "every URL is visited once, the cycle included"
    assert urls[:2] == [f"{fdp.base}/", f"{fdp.base}/catalog/main"]
    depth = {v.url: v.depth for v in report.visits}
    assert depth[f"{fdp.base}/dataset/good"] == 2 and depth[f"{fdp.base}/distribution/good"] == 3
    assert [v.depth for v in report.visits] == sorted(v.depth for v in report.visits)
    # the cycle (sub → main) is followed once; fdp-o:metadataCatalog alone is never followed
    assert fdp.hits["/catalog/main"] == 1 and fdp.hits["/"] == 1
    assert fdp.accepts == {"text/turtle"}
    assert record(report, f"{fdp.base}/dataset/good").guid == f"dataset={fdp.base}/dataset/good"


def test_wrong_subject_is_dropped_with_the_subject_it_has(report: HarvestReport, fdp: Site) -> None:
    url = f"{fdp.base}/dataset/slash"
    found = issue(report, url, "not-typed")
    assert found.effect is Effect.DROPPED
    assert f"does not type <{url}> (it types <{url}/>" in found.reason
    assert found.via == f"{fdp.base}/catalog/main"
    assert url not in {r.url for r in report.records}


def test_json_ld_body_is_an_empty_graph(report: HarvestReport, fdp: Site) -> None:
    found = issue(report, f"{fdp.base}/dataset/jsonld", "not-turtle")
    assert found.effect is Effect.DROPPED
    assert "body is not Turtle (Content-Type application/ld+json)" in found.reason
    assert "empty graph" in found.reason


def test_broken_turtle_keeps_what_came_before_the_error(report: HarvestReport, fdp: Site) -> None:
    url = f"{fdp.base}/dataset/halfbroken"
    found = issue(report, url, "broken-turtle")
    assert found.effect is Effect.INCOMPLETE and "keeps only the" in found.reason
    assert record(report, url).imported and record(report, url).valid


def test_http_errors_drop_the_node(report: HarvestReport, fdp: Site) -> None:
    found = issue(report, f"{fdp.base}/dataset/missing", "http-error")
    assert found.effect is Effect.DROPPED and found.reason.startswith("answered 404")


def test_timeout_drops_the_node(report: HarvestReport, fdp: Site) -> None:
    found = issue(report, f"{fdp.base}/dataset/slow", "timeout")
    assert found.effect is Effect.DROPPED and "0.5 s" in found.reason


def test_a_literal_child_is_requested_and_fails(report: HarvestReport, fdp: Site) -> None:
    found = issue(report, "not a link", "not-a-url")
    assert found.effect is Effect.DROPPED and found.via == f"{fdp.base}/catalog/main"


def test_relative_iris_never_match(report: HarvestReport, fdp: Site) -> None:
    url = f"{fdp.base}/dataset/relative"
    assert issue(report, url, "not-typed").effect is Effect.DROPPED
    assert "<relative>" in issue(report, url, "relative-iri").reason


def test_redirect_is_followed_and_noted(report: HarvestReport, fdp: Site) -> None:
    url = f"{fdp.base}/dataset/moved"
    moved = record(report, url)
    assert moved.imported and moved.valid
    assert issue(report, url, "redirect").effect is Effect.NOTE
    visit = next(v for v in report.visits if v.url == url)
    assert visit.final_url == f"{fdp.base}/dataset/moved-here"


# --- records and the fetch stage ----------------------------------------------------------------------------------

def test_semicolon_iri_breaks_the_guid(report: HarvestReport, fdp: Site) -> None:
    url = f"{fdp.base}/dataset/semi;colon"
    assert not record(report, url).imported
    found = issue(report, url, "guid-semicolon")
    assert found.effect is Effect.DROPPED and "split at ';'" in found.reason


def test_distribution_that_fails_leaves_the_record_incomplete(report: HarvestReport, fdp: Site) -> None:
    url = f"{fdp.base}/dataset/brokendist"
    found = issue(report, url, "distribution-lost")
    assert found.effect is Effect.INCOMPLETE and "500" in found.reason
    assert record(report, url).imported
    assert fdp.hits["/distribution/brokendist"] == 1  # only reachable through dcat:distribution: the fetch stage


def test_distributions_are_merged_and_fdp_defaults_removed(report: HarvestReport, fdp: Site) -> None:
    good = record(report, f"{fdp.base}/dataset/good")
    dist = URIRef(f"{fdp.base}/distribution/good")
    assert good.distributions == [str(dist)]
    assert good.graph is not None and (dist, DCAT.accessURL, None) in good.graph
    assert (dist, DCT.conformsTo, None) not in good.graph  # …/profile/… is an FDP default to the harvester
    defaults = record(report, f"{fdp.base}/dataset/defaults")
    assert defaults.graph is not None and (None, DCT.accessRights, None) not in defaults.graph
    assert "dct:accessRights missing" in issue(report, defaults.url, "invalid").reason
    assert "dct:conformsTo" in issue(report, defaults.url, "fdp-defaults").reason


def test_invalid_dataset_names_the_missing_property(report: HarvestReport, fdp: Site) -> None:
    url = f"{fdp.base}/dataset/invalid"
    found = issue(report, url, "invalid")
    assert found.effect is Effect.INVALID
    assert found.reason == ("1 violation of the official Health-RI core metadata schema v2.0.2 shapes: "
                            "dct:description missing")
    assert "description column" in found.fix
    assert record(report, url).imported and not record(report, url).valid


def test_each_record_is_validated_on_its_own(report: HarvestReport, fdp: Site) -> None:
    """`borrowed` names the publisher that only `good` describes: in one batch it must still fail."""
    assert record(report, f"{fdp.base}/dataset/good").valid
    borrowed = record(report, f"{fdp.base}/dataset/borrowed")
    assert not borrowed.valid
    assert {f.path for f in borrowed.violations} == {"dct:publisher", "dct:creator"}
    assert all(f.value == f"{fdp.base}/agent/org" and f.focus == borrowed.url for f in borrowed.violations)


def test_series_and_catalogues(report: HarvestReport, fdp: Site) -> None:
    assert record(report, f"{fdp.base}/dataset/series").kind == "series"
    assert record(report, f"{fdp.base}/dataset/series").guid.startswith("dataseries=")
    assert report.of_kind("catalog") == []
    assert {v.url for v in report.catalogs_seen} == {f"{fdp.base}/catalog/main", f"{fdp.base}/catalog/sub"}


def test_harvest_catalogs_makes_catalogue_records(fdp: Site) -> None:
    report = check_harvest(f"{fdp.base}/catalog/sub", timeout=0.5, harvest_catalogs=True)
    catalogs = {r.url for r in report.of_kind("catalog")}
    assert catalogs == {f"{fdp.base}/catalog/main", f"{fdp.base}/catalog/sub"}
    # the test catalogues lack description, publisher and contact point: Health-RI flags them
    assert all(not r.valid for r in report.of_kind("catalog"))


# --- the report ---------------------------------------------------------------------------------------------------

def test_report_counts_verdict_and_exit_code(report: HarvestReport, fdp: Site) -> None:
    assert not report.ok and report.exit_code == 1
    text = to_text(report)
    first = text.splitlines()[0]
    assert first.startswith(f"{fdp.base}/: ") and first.endswith("PROBLEMS")
    imported = {r.url for r in report.imported}
    assert imported == {f"{fdp.base}/dataset/{n}" for n in
                        ("good", "invalid", "brokendist", "moved", "borrowed", "defaults", "series", "halfbroken")}
    assert f"{len(imported)} would be imported" in first
    assert {r.url for r in report.invalid} == {f"{fdp.base}/dataset/{n}" for n in ("invalid", "borrowed",
                                                                                   "defaults")}
    # grouped: dropped before invalid before notes; every problem names its URL and its fix
    assert text.index("Dropped:") < text.index("Incomplete:") < text.index("Invalid:") < text.index("Notes")
    assert f"  {fdp.base}/dataset/missing: answered 404" in text
    assert "fix: " in text
    assert "      - dct:description missing; fix: A collection needs a description" in text
    short = to_text(report, notes=False, limit=1)
    assert "Notes" not in short and "… and 1 more like this (not-typed;" in short
    data = to_json(report)
    json.dumps(data)  # plain JSON
    assert data["exit_code"] == 1 and data["summary"]["invalid"] == 3
    assert {i["code"] for i in data["issues"]} >= {"not-typed", "not-turtle", "http-error", "guid-semicolon",
                                                   "distribution-lost", "invalid", "timeout"}


def test_root_that_cannot_be_read_is_fatal(fdp: Site) -> None:
    for path in ("/dataset/missing", "/dataset/jsonld"):
        report = check_harvest(f"{fdp.base}{path}", timeout=0.5)
        assert report.fatal and report.exit_code == 2 and not report.records
        assert to_text(report).startswith(f"{fdp.base}{path}: cannot be harvested: ")
    with ThreadingHTTPServer(("127.0.0.1", 0), _Handler) as closed:
        port = closed.server_address[1]
    report = check_harvest(f"http://127.0.0.1:{port}/", timeout=0.5)
    assert report.exit_code == 2 and "cannot be fetched" in (report.fatal or "")


def test_a_root_without_children_finds_nothing(fdp: Site) -> None:
    report = check_harvest(f"{fdp.base}/distribution/good", timeout=0.5)
    assert report.exit_code == 1 and report.records == []
    assert [i.code for i in report.issues if i.effect is Effect.DROPPED] == ["no-children"]


# --- units ----------------------------------------------------------------------------------------------------

def test_orcid_contacts_and_embedded_distributions() -> None:
    """An ORCID contact point becomes a bare vcard:Kind (its e-mail lost: invalid); a distribution the record
    describes itself survives an unreadable distribution document, with a note instead of a loss."""
    base = "https://x.org"
    url = f"{base}/dataset/o"
    orcid = URIRef("https://orcid.org/0000-0002-1825-0097")
    text = dataset(base, "o", listed=False).replace(f"<{base}/contact/ann> ;", f"<{orcid}> ;", 1)
    text += distribution(base, "o")  # described in the record's own document too
    doc = Document(Visit(url, 1, f"{base}/catalog/c", status=200, parsed=True, types=[str(DCAT.Dataset)]),
                   Graph().parse(data=text, format="turtle"))
    with httpx.Client() as client:
        fetcher = Fetcher(client)
        dist = f"{base}/distribution/o"
        fetcher.cache[dist] = Document(Visit(dist, 2, url, status=503, error="HTTP 503 Service Unavailable"), Graph())
        made, issues = Assembler(fetcher).record(doc)
    assert made is not None and made.via == f"{base}/catalog/c"
    codes = {i.code: i for i in issues}
    assert codes["distribution-unreadable"].effect is Effect.NOTE and "503" in codes["distribution-unreadable"].reason
    assert codes["orcid-contact"].effect is Effect.NOTE
    contact = made.graph.value(URIRef(url), DCAT.contactPoint)
    assert isinstance(contact, BNode) and (contact, VCARD.hasUID, orcid) in made.graph
    validate_records([made])
    assert {f.path for f in made.violations} == {"dcat:contactPoint", "vcard:fn", "vcard:hasEmail"}


def test_record_kind_follows_the_harvester_order() -> None:
    both = [str(DCAT.Catalog), str(DCAT.Dataset)]
    assert record_kind(both, harvest_catalogs=False) == "dataset"
    assert record_kind(both, harvest_catalogs=True) == "catalog"
    assert record_kind([str(DCAT.Dataset), str(DCAT.DatasetSeries)], False) == "dataset"
    assert record_kind([str(DCAT.Distribution)], True) is None


def test_guid_round_trip() -> None:
    assert fetched_url(guid("dataset", "https://x.org/dataset/a?b=c")) == "https://x.org/dataset/a?b=c"
    assert fetched_url(guid("dataset", "https://x.org/a;b")) is None
    assert fetched_url(guid("series", "https://x.org/a;v=2")) == "2"


def test_remove_fdp_defaults_only_removes_defaults() -> None:
    s = URIRef("https://x.org/dataset/a")
    g = Graph()
    g.add((s, DCT.accessRights, URIRef(f"{s}#accessRights")))
    g.add((URIRef(f"{s}#accessRights"), DCT.description, Literal("This resource has no access restriction")))
    g.add((s, DCT.conformsTo, URIRef("https://x.org/profile/abc")))
    g.add((s, DCT.conformsTo, URIRef("https://standards.example/spec")))
    removed = remove_fdp_defaults(g, s)
    assert len(removed) == 2 and len(g) == 1
    assert (s, DCT.conformsTo, URIRef("https://standards.example/spec")) in g


def test_isolation_renames_only_shared_described_nodes() -> None:
    a, b, agent = URIRef("https://x.org/a"), URIRef("https://x.org/b"), URIRef("https://x.org/agent")
    first, second = Graph(), Graph()
    first.add((a, DCT.publisher, agent))
    first.add((agent, FOAF.name, Literal("Org")))
    first.add((agent, RDF.type, FOAF.Agent))
    second.add((b, DCT.publisher, agent))
    second.add((b, RDF.type, DCAT.Dataset))
    first.add((a, RDF.type, DCAT.Dataset))
    bnode = BNode()
    second.add((b, DCAT.contactPoint, bnode))
    second.add((bnode, VCARD.fn, Literal("Ann")))
    isolated = Isolated([first, second], frozenset())
    one, two = isolated.documents
    assert (agent, FOAF.name, Literal("Org")) not in one  # renamed apart…
    renamed = {s for s, _, _ in one if str(s).startswith(str(agent))}
    assert len(renamed) == 1 and renamed != {agent}
    assert isolated.owners(next(iter(renamed)).n3()) == (agent.n3(), [0])  # …and mapped back
    assert (b, DCAT.contactPoint, bnode) in two and (a, RDF.type, DCAT.Dataset) in one  # the rest untouched
    assert isolated.owners(b.n3()) == (b.n3(), [1])
    assert curie(DCT.title.n3()) == "dct:title" and curie("^" + DCT.isPartOf.n3()) == "^dct:isPartOf"


def test_a_shared_node_with_a_fragment_is_renamed_to_a_valid_iri() -> None:
    """Regression: a shared `…/agent/X#identifier` was copied to `…#identifier#harvest-copy-1`, which no
    N-Triples parser accepts, so check-harvest failed on the Directory's identifiers; the copy now continues the
    fragment, parses, and maps back."""
    from pyoxigraph import RdfFormat, parse

    ident = URIRef("https://x.org/agent/X#identifier")
    graphs = []
    for name in ("a", "b"):
        g = Graph()
        g.add((URIRef(f"https://x.org/{name}"), DCT.identifier, ident))
        g.add((ident, DCT.title, Literal("X")))
        graphs.append(g)
    isolated = Isolated(graphs, frozenset())
    text = "".join(f"{s.n3()} {p.n3()} {o.n3()} .\n" for doc in isolated.documents for s, p, o in doc)
    copies = {str(q.subject.value) for q in parse(text.encode(), RdfFormat.N_TRIPLES)
              if str(q.subject.value).startswith(str(ident))}
    assert len(copies) == 2 and all(c.count("#") == 1 for c in copies)
    assert {isolated.owners(URIRef(c).n3())[0] for c in copies} == {ident.n3()}

def _records(n: int, broken: set[int]) -> list[Record]:
    base = "https://x.org"
    out = []
    for i in range(n):
        g = Graph().parse(data=dataset(base, f"d{i}", description=i not in broken, listed=False), format="turtle")
        out.append(Record(f"{base}/dataset/d{i}", "dataset", f"dataset={base}/dataset/d{i}", graph=g))
    return out


@pytest.mark.parametrize("everything", [False, True], ids=["fast-check", "pyshacl-all"])
def test_validation_batches_many_records_in_few_calls(monkeypatch: pytest.MonkeyPatch, everything: bool) -> None:
    """200 records reach pyshacl in a few calls, not one each: only the failing ones after the fast pre-check,
    all of them when the shapes cannot be pre-checked; the results are the same and stay with their record."""
    from bbfair.harvest import validate as module

    calls: list[int] = []
    real = module.run_batch
    monkeypatch.setattr(module, "run_batch", lambda docs, *a, **k: calls.append(len(docs)) or real(docs, *a, **k))
    if everything:
        monkeypatch.setattr(module, "_failing_records", lambda isolated, *a: list(range(len(isolated.documents))))
    records = _records(200, {7, 107, 187})
    validate_records(records)
    assert sum(calls) == (200 if everything else 3) and 1 <= len(calls) <= 3
    assert [r.url.rsplit("/", 1)[1] for r in records if not r.valid] == ["d7", "d107", "d187"]
    assert all(f.summary == "dct:description missing" for r in records for f in r.violations)
