"""W3C Content Negotiation by Profile on the running server (the sample catalogue, `live_sample`): every
resource, the dump and the SPARQL endpoint are offered in the Health-RI profile (the default) and the
HealthDCAT-AP R8 one, chosen by `Accept-Profile` or `?_profile=`, answered with `Content-Profile`."""

from __future__ import annotations

import httpx
import pytest
from rdflib import Graph, Literal, Namespace, URIRef

from bbfair.profiles import by_token
from bbfair.rdf.namespaces import HEALTH

HRI = by_token("health-ri").iri
R8 = by_token("healthdcat-ap").iri
ALTR = Namespace("http://www.w3.org/ns/dx/connegp/altr#")
DCT = Namespace("http://purl.org/dc/terms/")
BREAST = "/dataset/BE_SUH-collection-breast"


def codes(response: httpx.Response, iri: str) -> set:
    assert response.status_code == 200, response.text[:300]
    graph = Graph().parse(data=response.text, format="turtle")
    return set(graph.objects(URIRef(iri), HEALTH.hasCodeValues))


def test_default_is_health_ri_with_iri_codes(live_sample) -> None:
    got = live_sample.get(BREAST, headers={"Accept": "text/turtle"})
    assert got.headers["content-profile"] == f"<{HRI}>"
    assert got.headers["vary"] == "Accept, Accept-Profile, Accept-Datetime"  # Memento: docs/history.md
    found = codes(got, live_sample.url + BREAST)
    assert found and all(isinstance(c, URIRef) for c in found)


@pytest.mark.parametrize("ask", [{"headers": {"Accept-Profile": f"<{R8}>"}},
                                 {"headers": {"Accept-Profile": f"<urn:nope>;q=1, <{R8}>;q=0.5"}},
                                 {"params": {"_profile": "healthdcat-ap"}},
                                 {"params": {"_profile": R8}}])
def test_healthdcat_ap_by_header_or_query(live_sample, ask: dict) -> None:
    got = live_sample.get(BREAST, **ask)
    assert got.headers["content-profile"] == f"<{R8}>"
    assert codes(got, live_sample.url + BREAST) == {Literal("C50"), Literal("D05")}


def test_q_values_pick_the_preferred_profile(live_sample) -> None:
    got = live_sample.get(BREAST, headers={"Accept-Profile": f"<{R8}>;q=0.4, <{HRI}>;q=0.9"})
    assert got.headers["content-profile"] == f"<{HRI}>"
    refused = live_sample.get(BREAST, headers={"Accept-Profile": f"<{HRI}>;q=0, <{R8}>;q=0.1"})
    assert refused.headers["content-profile"] == f"<{R8}>"


@pytest.mark.parametrize("ask", [{"params": {"_profile": "no-such"}},
                                 {"headers": {"Accept-Profile": "<https://example.org/unknown>"}},
                                 {"headers": {"Accept-Profile": "<" + "x" * 2000}}])
def test_an_unknown_profile_gets_the_default_and_says_so(live_sample, ask: dict) -> None:
    got = live_sample.get(BREAST, **ask)
    assert got.status_code == 200 and got.headers["content-profile"] == f"<{HRI}>"
    assert all(isinstance(c, URIRef) for c in codes(got, live_sample.url + BREAST))


def test_an_accept_profile_past_the_limit_is_refused_without_echo(live_sample) -> None:
    """[limits] accept_bytes (docs/limits.md): a 20 kB Accept-Profile is a 431 with a short body, not parsed."""
    got = live_sample.get(BREAST, headers={"Accept-Profile": "<" + "x" * 20000})
    assert got.status_code == 431 and "xxxx" not in got.text and len(got.content) < 300


def test_each_profile_and_format_has_its_own_etag(live_sample) -> None:
    tags = set()
    for params in ({}, {"_profile": "healthdcat-ap"}):
        for fmt in ("ttl", "jsonld", "nt"):
            got = live_sample.get(BREAST, params={**params, "format": fmt})
            tags.add(got.headers["etag"])
            again = live_sample.get(BREAST, params={**params, "format": fmt},
                                    headers={"If-None-Match": got.headers["etag"]})
            assert again.status_code == 304
    assert len(tags) == 6


def test_link_headers_name_the_profile_and_the_alternates(live_sample) -> None:
    link = live_sample.get(BREAST).headers["link"]
    assert f'<{HRI}>; rel="profile"' in link
    assert (f'<{live_sample.url}{BREAST}?_profile=healthdcat-ap&_mediatype=text%2Fturtle>; rel="alternate"; '
            f'type="text/turtle"; profile="{R8}"; formats="{R8}"') in link
    other = live_sample.get(BREAST, params={"_profile": "healthdcat-ap"}).headers["link"]
    assert f'<{R8}>; rel="profile"' in other and f'profile="{HRI}"' in other
    # the default representation, and every token's profile IRI (the spec's token mappings)
    assert f'<{live_sample.url}{BREAST}>; rel="canonical"; type="text/turtle"; formats="{HRI}"' in link
    for token, iri in (("health-ri", HRI), ("healthdcat-ap", R8)):
        assert f'<http://www.w3.org/ns/dx/prof/Profile>; rel="type"; anchor="{iri}"; token="{token}"' in link


def test_mediatype_in_the_query_string(live_sample) -> None:
    got = live_sample.get(BREAST, params={"_profile": "healthdcat-ap", "_mediatype": "application/n-triples"})
    assert got.headers["content-type"].startswith("application/n-triples")
    assert got.headers["content-profile"] == f"<{R8}>"


def test_alternates_list_every_profile_and_format(live_sample) -> None:
    got = live_sample.get(BREAST, params={"_profile": "alt"}, headers={"Accept": "text/turtle"})
    assert got.status_code == 200 and got.headers["content-profile"] == "<http://www.w3.org/ns/dx/connegp/altr>"
    graph = Graph().parse(data=got.text, format="turtle")
    resource = URIRef(live_sample.url + BREAST)
    representations = set(graph.objects(resource, ALTR.hasRepresentation))
    assert len(representations) == 10  # 2 profiles × 5 formats (Turtle, JSON-LD, RDF/XML, N-Triples, HTML)
    assert {graph.value(r, DCT.conformsTo) for r in representations} == {URIRef(HRI), URIRef(R8)}
    default = graph.value(resource, ALTR.hasDefaultRepresentation)
    assert graph.value(default, DCT.conformsTo) == URIRef(HRI)
    for representation in list(representations)[:4]:  # every listed address answers in its profile
        answer = httpx.get(str(representation))
        assert answer.status_code == 200
        assert answer.headers["content-profile"] == f"<{graph.value(representation, DCT.conformsTo)}>"
    page = live_sample.get(BREAST, params={"_profile": "alt"}, headers={"Accept": "text/html"})
    assert page.status_code == 200 and "HealthDCAT-AP Release 8" in page.text and "_profile=healthdcat-ap" in page.text
    assert live_sample.get("/dataset/no-such", params={"_profile": "alt"}).status_code == 404


def test_html_page_shows_its_profile_and_links_the_other(live_sample) -> None:
    page = live_sample.get(BREAST, headers={"Accept": "text/html"})
    assert "Health-RI core metadata schema v2.0.2" in page.text
    assert f'href="{live_sample.url}{BREAST}?_profile=healthdcat-ap"' in page.text
    r8 = live_sample.get(BREAST, params={"_profile": "healthdcat-ap"}, headers={"Accept": "text/html"})
    assert r8.headers["content-profile"] == f"<{R8}>" and "C50" in r8.text


def test_whole_dump_per_profile_in_one_file(live_sample) -> None:
    """`/dump?page=all`: the whole catalogue in one file, per profile, as N-Quads (a named graph per
    document), TriG, Turtle or N-Triples."""
    from rdflib import Dataset

    nq = live_sample.get("/dump", params={"page": "all", "format": "nq", "_profile": "healthdcat-ap"})
    assert nq.status_code == 200 and nq.headers["content-type"].startswith("application/n-quads")
    assert nq.headers["content-profile"] == f"<{R8}>"
    assert "catalogue-healthdcat-ap.nq" in nq.headers["content-disposition"]
    quads = Dataset().parse(data=nq.text, format="nquads")
    breast = URIRef(live_sample.url + BREAST)
    assert set(quads.graph(breast).objects(breast, HEALTH.hasCodeValues)) == {Literal("C50"), Literal("D05")}
    trig = live_sample.get("/dump", params={"page": "all"}, headers={"Accept": "application/trig"})
    assert trig.headers["content-profile"] == f"<{HRI}>"
    assert len(Dataset().parse(data=trig.text, format="trig")) == len(Dataset().parse(
        data=live_sample.get("/dump", params={"page": "all", "format": "nq"}).text, format="nquads"))
    whole = Graph().parse(data=live_sample.get("/dump", params={"page": "all"}).text, format="turtle")
    assert all(isinstance(c, URIRef) for c in whole.objects(breast, HEALTH.hasCodeValues))
    paged = live_sample.get("/dump", params={"_profile": "healthdcat-ap", "format": "ttl"})
    assert paged.headers["content-profile"] == f"<{R8}>" and "_profile=healthdcat-ap" in paged.text
    assert live_sample.get("/dump", params={"page": "all", "format": "png"}).status_code == 406


def test_sparql_answers_from_the_profile_asked_for(live_sample) -> None:
    query = f"SELECT ?c WHERE {{ <{live_sample.url}{BREAST}> healthdcatap:hasCodeValues ?c }}"
    accept = {"Accept": "text/csv"}
    default = httpx.post(live_sample.url + "/sparql", data={"query": query}, headers=accept, timeout=30)
    assert default.headers["content-profile"] == f"<{HRI}>"
    assert "https://icd.who.int/browse10/2019/en#/C50" in default.text
    r8 = httpx.post(live_sample.url + "/sparql", data={"query": query},
                    headers={**accept, "Accept-Profile": f"<{R8}>"}, timeout=30)
    assert r8.headers["content-profile"] == f"<{R8}>"
    assert sorted(r8.text.split()[1:]) == ["C50", "D05"]
    by_query = httpx.get(live_sample.url + "/sparql", params={"query": query, "_profile": "healthdcat-ap"},
                         headers=accept, timeout=30)
    assert by_query.text == r8.text


def test_harvest_in_each_profile_judged_by_its_official_files(live_sample) -> None:
    """`check-harvest --profile`: the walk asks for the profile and every record passes that consumer's
    official shapes (68 of 68 on the sample)."""
    from bbfair.harvest import check_harvest, to_text

    for token in ("health-ri", "healthdcat-ap"):
        report = check_harvest(f"{live_sample.url}/", timeout=30, profile=token)
        text = to_text(report)
        assert report.ok and len(report.imported) == 68 and report.invalid == [], text
        assert report.profile == token and all(f.startswith("official/") for f in report.judged_with)
    assert any("graph-guard" in f for f in report.judged_with)


def test_the_directory_demo_is_harvested_valid_in_each_profile(demo_dir, tmp_path) -> None:
    """The Directory's own demo export, built and served: every dataset found and valid against the official
    files of each profile's consumer."""
    from webserver import sample_server

    from bbfair.harvest import check_harvest, to_text

    with sample_server(demo_dir, tmp_path) as server:
        for token in ("health-ri", "healthdcat-ap"):
            report = check_harvest(f"{server.url}/", timeout=30, profile=token)
            assert report.ok and len(report.imported) == 3 and report.invalid == [], to_text(report)
