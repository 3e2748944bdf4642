"""The finder end to end, against a real server on the sample (`live_sample`): `/search` as HTML and JSON,
400s that name the parameter (never a 500), the SPARQL link giving the same collections, the header link on
every page, vocabulary pages linking to the finder with counts, the sitemap and robots.txt, and OpenAPI."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

JSON = {"accept": "application/json"}
HTML = {"accept": "text/html"}


def test_json_answer(live_sample) -> None:
    body = live_sample.get("/search", params=[("q", "cancer"), ("material", "SERUM"), ("country", "BE")],
                           headers=JSON).json()
    assert body["total"] == len(body["results"]) > 0
    assert body["query"]["filters"] == {"material": ["SERUM"], "country": ["BE"]}
    assert all(any(m["code"] == "SERUM" for m in r["materials"]) for r in body["results"])
    assert {"disease", "material", "temperature", "country", "biobank", "network", "sex", "access"} \
        <= set(body["facets"])
    serum = next(v for v in body["facets"]["material"] if v["code"] == "SERUM")
    assert serum["selected"] and serum["count"] == body["total"]
    for result in body["results"]:  # each result's link is its dataset page
        assert live_sample.get(urlsplit(result["iri"]).path, headers=HTML).status_code == 200


def test_the_sparql_link_finds_the_same_collections(live_sample) -> None:
    body = live_sample.get("/search", params=[("q", "breast"), ("disease", "II")], headers=JSON).json()
    query = parse_qs(urlsplit(body["links"]["sparql"]).query)["query"][0]
    rows = httpx.post(f"{live_sample.url}/sparql", data={"query": query},
                      headers={"accept": "application/sparql-results+json"}, timeout=30).json()
    assert {b["dataset"]["value"] for b in rows["results"]["bindings"]} == {r["iri"] for r in body["results"]}


def test_html_page(live_sample) -> None:
    page = live_sample.get("/search?q=cancer&material=SERUM&age_from=50", headers=HTML)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert 'role="search"' in html and 'value="cancer"' in html
    assert "Material type: Serum" in html and "Show as SPARQL" in html and "collections" in html
    assert re.search(r'aria-current="true"[^>]*><span class="box"', html)  # the chosen value is marked


@pytest.mark.parametrize(("query", "parameter"), [
    ("q=%22unclosed", "q"), ("q=NEAR(", "q"), ("q=*", "q"), ("size=500", "size"), ("size=0", "size"),
    ("colour=red", "colour"), ("material=GOLD", "material"), ("disease=XYZ", "disease"), ("sort=best", "sort"),
    ("age_from=old", "age_from"), ("page=-1", "page"),
])
def test_bad_input_is_a_400_naming_the_parameter(live_sample, query: str, parameter: str) -> None:
    answer = live_sample.get(f"/search?{query}", headers=JSON)
    assert answer.status_code == 400 and answer.json()["parameter"] == parameter
    assert "sql" not in answer.text.lower() and "fts5" not in answer.text.lower()
    page = live_sample.get(f"/search?{query}", headers=HTML)
    assert page.status_code == 400 and parameter in page.text and "This search cannot run" in page.text


def test_every_page_links_the_finder_and_terms_link_to_it(live_sample) -> None:
    for path in ("/", "/catalog/BE", "/dataset/BE_SUH-collection-breast", "/sparql"):
        assert f'href="{live_sample.url}/search"' in live_sample.get(path, headers=HTML).text, path
    plasma = live_sample.get("/search?material=PLASMA", headers=JSON).json()["total"]
    term = live_sample.get("/vocab/material-type/PLASMA", headers=HTML).text
    assert f'href="{live_sample.url}/search?material=PLASMA">{plasma} collections</a>' in term
    diseases = live_sample.get("/vocab/diseases", headers=HTML).text
    chapter = live_sample.get("/search?disease=II", headers=JSON).json()["total"]
    assert f'href="{live_sample.url}/search?disease=II"' in diseases and f">{chapter}</a>" in diseases


def test_sitemap_and_robots(live_sample) -> None:
    robots = live_sample.get("/robots.txt").text
    assert f"Sitemap: {live_sample.url}/sitemap.xml" in robots
    sitemap = live_sample.get("/sitemap.xml")
    assert sitemap.status_code == 200 and sitemap.headers["content-type"].startswith("application/xml")
    listed = re.findall(r"<loc>([^<]+)</loc><lastmod>([^<]+)</lastmod>", sitemap.text)
    datasets = [iri for iri, _ in listed if "/dataset/" in iri]
    catalogs = [iri for iri, _ in listed if "/catalog/" in iri]
    assert len(datasets) == 68 and len(catalogs) == 25 and listed[0][0] == f"{live_sample.url}/"
    assert all(re.match(r"\d{4}-\d\d-\d\dT", modified) for _, modified in listed)


def test_openapi_describes_search(live_sample) -> None:
    spec = live_sample.get("/openapi.json").json()["paths"]["/search"]["get"]
    names = {p["name"] for p in spec["parameters"]}
    assert {"q", "material", "disease", "age_from", "size", "sort"} <= names
    assert "application/json" in spec["responses"]["200"]["content"] and "400" in spec["responses"]


def test_the_sparql_link_of_a_long_search_stays_within_the_url_limit(live_sample) -> None:
    """Regression: the link carried every prefix and was ~4 kB for two words, so a longer search met [limits]
    url_bytes (8 kB) and the click got 414. It names only the prefixes it uses, and the link itself answers."""
    ask = [("q", "breast cancer tumour tissue plasma serum"), ("disease", "II"), ("material", "SERUM"),
           ("material", "PLASMA"), ("age_from", "50"), ("donors_min", "10")]
    link = live_sample.get("/search", params=ask, headers=JSON).json()["links"]["sparql"]
    assert len(urlsplit(link).path) + len(urlsplit(link).query) + 1 < 8192 // 2
    got = httpx.get(link if link.startswith("http") else live_sample.url + link,
                    headers={"accept": "application/sparql-results+json"}, timeout=30)
    assert got.status_code == 200, got.text
