"""End-to-end tests of the FAIR Data Point: the sample catalogue served by a real server on 127.0.0.1."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, SH, Namespace

from bbfair.builder.publish import build
from bbfair.config import Sparql
from bbfair.profiles import by_token
from bbfair.store.local import LocalStore
from bbfair.web.server import resource_iri
from bbfair.web.state import ServeSettings, SiteState

LDP = Namespace("http://www.w3.org/ns/ldp#")
FDPO = Namespace("https://w3id.org/fdp/fdp-o#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
TURTLE = {"Accept": "text/turtle"}


def turtle(response: httpx.Response) -> Graph:
    """Parse as the Health-RI harvester does: Turtle, no base IRI."""
    assert response.status_code == 200, (response.url, response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith("text/turtle")
    return Graph().parse(data=response.text, format="turtle")


def documents(live) -> dict[str, str]:
    build_ = LocalStore.open(live.store).open_live()
    try:
        return {doc.iri: doc.kind for doc in build_.documents}
    finally:
        build_.close()


def test_root_is_the_fdp_record(live_sample) -> None:
    root = f"{live_sample.url}/"
    g = turtle(live_sample.get("/", headers=TURTLE))
    subject = URIRef(root)
    assert {FDPO.FAIRDataPoint, FDPO.MetadataService} <= set(g.objects(subject, RDF.type))
    for prop in (DCTERMS.title, DCTERMS.publisher, DCTERMS.license, DCTERMS.conformsTo, DCAT.endpointURL,
                 FDPO.metadataIdentifier, FDPO.metadataIssued, FDPO.metadataModified, FDPO.conformsToFdpSpec,
                 FDPO.metadataCatalog):
        assert g.value(subject, prop) is not None, prop
    catalog = g.value(subject, FDPO.metadataCatalog)
    containers = list(g.subjects(LDP.membershipResource, subject))
    assert containers and catalog in set(g.objects(containers[0], LDP.contains))


def test_every_resource_is_served_at_its_own_iri(live_sample) -> None:
    """Each document's subject is exactly the URL requested, typed in its own document; containers list
    children that point back with dct:isPartOf."""
    docs = documents(live_sample)
    kinds = {kind for kind in docs.values()}
    assert {"fdp", "catalog", "dataset", "distribution", "agent", "contact", "container", "concept"} <= kinds
    seen: set[str] = set()
    with httpx.Client(timeout=30) as client:
        for iri, kind in sorted(docs.items()):
            if kind in seen and kind not in ("dataset", "container"):
                continue
            seen.add(kind)
            g = turtle(client.get(iri, headers=TURTLE))
            assert (URIRef(iri), RDF.type, None) in g, iri
            if kind == "container":
                members = list(g.objects(URIRef(iri), LDP.contains))
                parent = g.value(URIRef(iri), LDP.membershipResource)
                assert parent is not None
                for member in members[:3]:
                    child = turtle(client.get(str(member), headers=TURTLE))
                    assert (member, DCTERMS.isPartOf, parent) in child or (member, RDF.type, None) in child


def test_formats_say_the_same(live_sample) -> None:
    dataset = next(iri for iri, kind in documents(live_sample).items() if kind == "dataset")
    reference = turtle(httpx.get(dataset, headers=TURTLE))
    for accept, fmt, media in (("application/ld+json", "json-ld", "application/ld+json"),
                               ("application/rdf+xml", "xml", "application/rdf+xml"),
                               ("application/n-triples", "nt", "application/n-triples")):
        by_accept = httpx.get(dataset, headers={"Accept": accept})
        key = {"json-ld": "jsonld", "xml": "rdf", "nt": "nt"}[fmt]
        by_param = httpx.get(dataset, params={"format": key})
        for response in (by_accept, by_param):
            assert response.status_code == 200
            assert response.headers["content-type"].startswith(media)
            assert isomorphic(Graph().parse(data=response.text, format=fmt), reference), accept
    assert turtle(httpx.get(dataset)) is not None  # no Accept: Turtle
    html = httpx.get(dataset, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")


def test_not_acceptable_lists_the_offers(live_sample) -> None:
    response = live_sample.get("/", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "text/turtle" in response.text and "application/ld+json" in response.text
    assert live_sample.get("/", params={"format": "png"}).status_code == 406


def test_conditional_get_head_cors(live_sample) -> None:
    first = live_sample.get("/catalog/BE", headers=TURTLE)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert first.headers["vary"] == "Accept, Accept-Profile, Accept-Datetime"  # Memento: docs/history.md
    assert first.headers["access-control-allow-origin"] == "*"
    assert live_sample.get("/catalog/BE", headers={**TURTLE, "If-None-Match": etag}).status_code == 304
    assert live_sample.get("/catalog/BE", headers={**TURTLE, "If-Modified-Since": modified}).status_code == 304
    assert live_sample.get("/catalog/BE", headers={**TURTLE, "If-None-Match": '"other"'}).status_code == 200
    # another representation has another ETag
    json_ld = live_sample.get("/catalog/BE", headers={"Accept": "application/ld+json"})
    assert json_ld.headers["etag"] != etag
    head = httpx.head(live_sample.url + "/catalog/BE", headers=TURTLE)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(first.content)) and head.headers["etag"] == etag
    for path in ("/health", "/spec", "/profile/health-ri", "/dump", "/", "/docs"):
        assert httpx.head(live_sample.url + path).status_code == 200, path
    options = httpx.options(live_sample.url + "/catalog/BE",
                            headers={"Origin": "https://x.example", "Access-Control-Request-Method": "GET"})
    assert options.status_code == 204 and "GET" in options.headers["access-control-allow-methods"]


def test_unknown_resource_is_404(live_sample) -> None:
    assert live_sample.get("/dataset/no-such-thing", headers=TURTLE).status_code == 404
    page = live_sample.get("/dataset/no-such-thing", headers={"Accept": "text/html"})
    assert page.status_code == 404 and "no-such-thing" in page.text


def test_spec_and_profiles(live_sample) -> None:
    """/spec lists the published profiles; /profile/{token} describes one, with a validation resource per shapes
    file, each served as shipped at /shapes/…"""
    spec = turtle(live_sample.get("/spec"))
    PROF = Namespace("http://www.w3.org/ns/dx/prof/")
    profiles = set(spec.objects(URIRef(f"{live_sample.url}/spec"), PROF.isProfileOf))
    health_ri = URIRef(by_token("health-ri").iri)
    assert profiles == {health_ri, URIRef(by_token("healthdcat-ap").iri)}
    described = turtle(live_sample.get("/profile/health-ri"))
    assert (health_ri, PROF.hasToken, Literal("health-ri")) in described
    artifacts = {str(a) for a in described.objects(None, PROF.hasArtifact)}
    official = f"{live_sample.url}/shapes/official/health-ri-core-v2/ValidationShape/HRI-Datamodel-shapes.ttl"
    assert official in artifacts and f"{live_sample.url}/shapes/health-ri.ttl" in artifacts
    for artifact in artifacts:
        shapes = turtle(httpx.get(artifact))
        assert len(shapes) > 5, artifact
    assert (None, SH.targetClass, DCAT.Dataset) in turtle(httpx.get(official))
    assert live_sample.get("/profile/no-such-profile").status_code == 404
    assert live_sample.get("/shapes/../pyproject.toml").status_code == 404
    assert live_sample.get("/shapes/profiles.ttl").status_code == 404


def test_dump_for_rdf_harvesters(live_sample) -> None:
    """ckanext-dcat sends HEAD first, then GET with no Accept, and reads the format from Content-Type."""
    head = httpx.head(f"{live_sample.url}/dump")
    assert head.status_code == 200 and head.headers["content-type"].startswith("text/turtle")
    g = turtle(httpx.get(f"{live_sample.url}/dump", timeout=30))
    datasets = {iri for iri, kind in documents(live_sample).items() if kind == "dataset"}
    assert {str(s) for s in g.subjects(RDF.type, DCAT.Dataset)} == datasets
    view = next(g.subjects(RDF.type, HYDRA.PartialCollectionView))
    assert g.value(view, HYDRA.next) is None  # the sample fits one page
    assert int(g.value(URIRef(f"{live_sample.url}/dump"), HYDRA.totalItems)) > len(datasets)


def test_dump_paging(live_sample) -> None:
    """With small pages the dump has several, linked by hydra:next, and together they hold every dataset."""
    from fastapi.testclient import TestClient

    from bbfair.web.app import create_app

    app = create_app(SiteState(ServeSettings(store=live_sample.store, dump_page_size=60)))
    datasets = {iri for iri, kind in documents(live_sample).items() if kind == "dataset"}
    with TestClient(app) as client:
        found: list[str] = []
        url: str | None = "/dump"
        pages = 0
        while url:
            g = Graph().parse(data=client.get(url).text, format="turtle")
            found += [str(s) for s in g.subjects(RDF.type, DCAT.Dataset) if str(s) in datasets]
            view = next(g.subjects(RDF.type, HYDRA.PartialCollectionView))
            nxt = g.value(view, HYDRA.next)
            url = str(nxt).removeprefix(live_sample.url) if nxt is not None else None
            pages += 1
        assert pages > 3
        assert set(found) == datasets  # (a catalogue's page also types the members it summarises)
        nt = client.get("/dump", params={"page": 2}, headers={"Accept": "application/n-triples"})
        assert nt.headers["content-type"].startswith("application/n-triples")
        assert client.get("/dump", params={"page": 999}).status_code == 404
        assert client.get("/dump", headers={"Accept": "text/html"}).status_code == 406


def test_iri_with_a_base_path() -> None:
    """Behind a proxy at /fdp, the IRI is the same whether the proxy keeps or strips the prefix."""
    base = "https://fdp.example.org/fdp"
    assert resource_iri("/fdp/dataset/x", base) == "https://fdp.example.org/fdp/dataset/x"
    assert resource_iri("/dataset/x", base) == "https://fdp.example.org/fdp/dataset/x"
    assert resource_iri("/", "http://h:1") == "http://h:1/"


def test_a_new_build_is_served_without_restart(sample_copy: Path, tmp_path: Path) -> None:
    from webserver import free_port, serving

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    store = tmp_path / "store"
    assert build(sample_copy, store, base_iri=base, workers=1).status == "published"
    with serving(store, port, Sparql()) as url:
        before = httpx.get(f"{url}/catalog/BE", headers=TURTLE)
        config = sample_copy / "bbfair.toml"
        config.write_text(config.read_text().replace('title = "Sample Belgian national biobank catalogue"',
                                                      'title = "Renamed national catalogue"'))
        assert build(sample_copy, store, base_iri=base, workers=1).status == "published"
        deadline = time.monotonic() + 10
        while True:
            after = httpx.get(f"{url}/catalog/BE", headers=TURTLE)
            if "Renamed national catalogue" in after.text or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert "Renamed national catalogue" in after.text
        assert after.headers["etag"] != before.headers["etag"]
        assert httpx.get(f"{url}/health").json()["status"] == "ok"


def test_health(live_sample) -> None:
    body = live_sample.get("/health").json()
    assert body["status"] == "ok" and body["base_iri"] == live_sample.url and body["resources"] > 300


@pytest.mark.parametrize("path", ["/docs", "/openapi.json"])
def test_openapi(live_sample, path: str) -> None:
    assert live_sample.get(path).status_code == 200


#: (official shape set, how a consumer asks for its profile: nothing for the default)
CONSUMERS = [("health-ri", {}), ("dcat-ap", {}),
             ("healthdcat-ap", {"Accept-Profile": "<https://healthdataeu.pages.code.europa.eu/healthdcat-ap/releases/release-8/>"}),
             ("dcat-ap", {"Accept-Profile": "<https://healthdataeu.pages.code.europa.eu/healthdcat-ap/releases/release-8/>"})]


def test_served_documents_pass_the_official_shapes(live_sample, official_dir: Path) -> None:
    """What each consumer GETs (Turtle, as served; in its profile) conforms to its official shapes, with no
    exception: the default documents to Health-RI v2.0.2 and DCAT-AP 3.0.1, the HealthDCAT-AP profile's to
    R8 and DCAT-AP 3.0.1; one document of each kind a harvester reads (the JSON-LD of the dataset too)."""
    from helpers import OFFICIAL
    from test_conformance import GUARD, violations

    from bbfair.validation import load_shapes

    docs = documents(live_sample)
    picked = {}
    for iri, kind in sorted(docs.items()):
        if kind in ("fdp", "catalog", "dataset", "distribution", "agent", "contact"):
            picked.setdefault(kind, iri)
    ref = official_dir
    for name, asks in CONSUMERS:
        shapes = load_shapes(ref / p for p in OFFICIAL[name])
        for kind, iri in picked.items():
            served = turtle(httpx.get(iri, headers={**TURTLE, **asks}))
            found = [k for k in violations(served, shapes) if not (k[0] == GUARD and kind != "dataset")]
            assert not found, (name, iri, found)
        dataset = httpx.get(picked["dataset"], headers={"Accept": "application/ld+json", **asks})
        found = violations(Graph().parse(data=dataset.text, format="json-ld"), shapes)
        assert not found, name


def test_related_links_on_the_page_and_in_the_linkset(live_sample) -> None:
    """The sample's `related` column (bio.tools, FAIRsharing) shows as links on the collection's HTML page and
    in its RFC 9264 linkset, which every resource announces with rel="linkset"."""
    iri = f"{live_sample.url}/dataset/BE_SCH-collection-epi"
    html = httpx.get(iri, headers={"Accept": "text/html"})
    assert html.status_code == 200
    assert 'href="https://bio.tools/gatk"' in html.text and "fairsharing.org" in html.text
    assert 'rel="linkset"' in html.headers["link"]
    linkset = httpx.get(iri, headers={"Accept": "application/linkset+json"})
    assert linkset.headers["content-type"] == "application/linkset+json"
    body = linkset.json()
    assert body["linkset"][0]["anchor"] == iri
    targets = {t["href"] for links in body["linkset"] for rel, ts in links.items() if rel != "anchor" for t in ts}
    assert "https://bio.tools/gatk" in targets
    assert httpx.get(iri, params={"format": "linkset"}).json() == body
