"""History end to end, on a real server (docs/history.md): the sample is built and served, two collections change
and one is removed, and the store is rebuilt under the running server. The DCAT-AP Feed then lists exactly those
changes for the second build, a replay of the feed rebuilds the catalogue, Memento serves the first version as
it was, the removed collection answers 410, and `bbfair history` / `bbfair diff` tell the story."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

import httpx
import pytest
from helpers import rows, write
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS
from typer.testing import CliRunner
from webserver import free_port, serving

from bbfair.builder.publish import build
from bbfair.cli import app
from bbfair.profiles import by_token
from bbfair.rdf.namespaces import DCT, FDP
from bbfair.rdf.streams import AS, LDES, TREE
from bbfair.store.local import LocalStore
from bbfair.web.feed import ENTITY_KINDS

CHANGED = ("bbmri-eric:ID:BE_SUH:collection:crc", "bbmri-eric:ID:BE_SUH:collection:lung")
REMOVED = "bbmri-eric:ID:BE_SUH:collection:marfan"
UNCHANGED = "/dataset/BE_SUH-collection-breast"
CRC = "/dataset/BE_SUH-collection-crc"
MARFAN = "/dataset/BE_SUH-collection-marfan"
R8 = by_token("healthdcat-ap").iri


@dataclass
class Site:
    url: str
    store: Path
    data: Path
    #: (path, query) -> (body, etag) as served by the first build
    first: dict[tuple[str, str], tuple[bytes, str]] = field(default_factory=dict)
    builds: list[str] = field(default_factory=list)

    def get(self, path: str, **kwargs: object) -> httpx.Response:
        return httpx.get(self.url + path if path.startswith("/") else path, timeout=30, **kwargs)  # type: ignore


def _edit(data: Path) -> None:
    """Change the description of two collections and remove a third, as a data manager would in the CSV."""
    path = data / "Collections.csv"
    header, table = rows(path)
    for row in table:
        if row["id"] in CHANGED:
            row["description"] = f"Revised description of {row['name']}."
    write(path, header, [row for row in table if row["id"] != REMOVED])


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    work = tmp_path_factory.mktemp("history")
    data = work / "data"
    shutil.copytree(Path(__file__).resolve().parents[1] / "data", data, ignore=shutil.ignore_patterns("directory-*"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    store = work / "site"
    first = build(data, store, base_iri=base, workers=1)
    assert first.status == "published", first.report
    with serving(store, port) as url:
        found = Site(url, store, data, builds=[first.info.id])
        for path, query in [(CRC, "format=ttl"), (CRC, "format=nt"), (CRC, "format=ttl&_profile=healthdcat-ap"),
                            (UNCHANGED, "format=nt"), (MARFAN, "format=ttl")]:
            got = found.get(f"{path}?{query}")
            assert got.status_code == 200, (path, query, got.text[:200])
            found.first[(path, query)] = (got.content, got.headers["etag"])
        _edit(data)
        time.sleep(1.1)  # HTTP dates have whole seconds: the two builds must not share one
        second = build(data, store, base_iri=base, workers=1)
        assert second.status == "published", second.report
        found.builds.append(second.info.id)
        yield found


def _trig(site: Site, url: str) -> Dataset:
    got = site.get(url, headers={"Accept": "application/trig"})
    assert got.status_code == 200, got.text[:300]
    assert got.headers["content-type"].startswith("application/trig")
    return Dataset().parse(data=got.text, format="trig", publicID=url)


@dataclass
class Member:
    iri: URIRef
    type: URIRef
    object: URIRef
    published: str
    payload: Graph | None


def _walk(site: Site) -> tuple[list[Member], Dataset]:
    """Every member of the feed, reached from its root by the `tree:relation`s (as an LDES client does)."""
    todo, seen, members = [f"{site.url}/feed"], set(), {}
    root = None
    while todo:
        url = todo.pop()
        if url in seen:
            continue
        seen.add(url)
        page = _trig(site, url)
        root = root if root is not None else page
        todo += [str(node) for node in page.objects(None, URIRef(TREE + "node"))]
        for member in page.objects(None, URIRef(TREE + "member")):
            payload = page.graph(member)
            members[member] = Member(member, page.value(member, RDF.type), page.value(member, URIRef(AS + "object")),
                                     str(page.value(member, URIRef(AS + "published"))),
                                     Graph() + payload if len(payload) else None)
    assert root is not None
    return list(members.values()), root


@pytest.fixture(scope="module")
def walked(site: Site) -> tuple[list[Member], Dataset]:
    return _walk(site)


def test_the_feed_lists_the_second_builds_changes(site: Site, walked: tuple[list[Member], Dataset]) -> None:
    members, root = walked
    stream = URIRef(f"{site.url}/feed#stream")
    assert (stream, RDF.type, URIRef(LDES + "EventStream")) in root
    assert (stream, URIRef(LDES + "timestampPath"), URIRef(AS + "published")) in root
    assert (stream, URIRef(LDES + "versionOfPath"), URIRef(AS + "object")) in root
    assert (None, RDF.type, URIRef(LDES + "LatestVersionSubset")) in root
    relations = list(root.subjects(URIRef(TREE + "path"), URIRef(AS + "published")))
    assert len(relations) == 3  # build 1: from, until; build 2: from
    second = f"{site.url}/feed/{site.builds[1]}"
    of_second = [m for m in members if str(m.iri).startswith(second + "/")]
    datasets = sorted((str(m.type).rsplit("#", 1)[1], str(m.object).rsplit("/", 1)[1]) for m in of_second
                      if "/dataset/" in str(m.object))
    assert datasets == [("Delete", "BE_SUH-collection-marfan"), ("Update", "BE_SUH-collection-crc"),
                        ("Update", "BE_SUH-collection-lung")]
    kinds = {str(m.object).split("/")[3] for m in of_second}
    assert kinds <= {"dataset", "distribution", "catalog"}  # the removed one's distribution, its catalogues
    assert len({m.published for m in of_second}) == 1  # one build, one time
    for member in of_second:
        assert (member.payload is None) == (member.type == URIRef(AS + "Delete"))
        if member.payload is not None:  # the entity's document, in the graph named by the activity
            assert (member.object, None, None) in member.payload


def test_a_replay_of_the_feed_rebuilds_the_catalogue(site: Site, walked: tuple[list[Member], Dataset]) -> None:
    members, _root = walked
    state: dict[URIRef, Graph] = {}
    for member in sorted(members, key=lambda m: m.published):
        if member.type == URIRef(AS + "Delete"):
            state.pop(member.object, None)
        else:
            state[member.object] = member.payload
    replayed = Graph()
    for graph in state.values():
        for triple in graph:
            replayed.add(triple)
    live = LocalStore.open(site.store).open_live()
    try:
        entities = [iri for iri, kind in live.documents.kinds() if kind in ENTITY_KINDS]
        current = Graph()
        for iri in entities:
            current.parse(data=live.documents.get(iri).body, format="nt")
    finally:
        live.close()
    assert sorted(str(i) for i in state) == sorted(entities)
    assert isomorphic(replayed, current)


def test_an_unchanged_document_keeps_its_bytes_and_times(site: Site) -> None:
    """Item 6 of the issue: dct:modified and fdp-o:metadataModified move only when the content does."""
    body, etag = site.first[(UNCHANGED, "format=nt")]
    now = site.get(f"{UNCHANGED}?format=nt")
    assert now.content == body and now.headers["etag"] == etag
    before, after = Graph().parse(data=site.first[(CRC, "format=nt")][0], format="nt"), \
        Graph().parse(data=site.get(f"{CRC}?format=nt").text, format="nt")
    crc = URIRef(site.url + CRC)
    assert before.value(crc, FDP.metadataModified) != after.value(crc, FDP.metadataModified)
    assert before.value(crc, FDP.metadataIssued) == after.value(crc, FDP.metadataIssued)


def _second_went_live(site: Site) -> str:
    timemap = site.get(f"/timemap{CRC}").text
    last = next(line for line in timemap.splitlines() if 'rel="last memento"' in line)
    return last.split('datetime="', 1)[1].split('"', 1)[0]


@pytest.mark.parametrize("query", ["format=ttl", "format=nt", "format=ttl&_profile=healthdcat-ap"])
def test_accept_datetime_before_the_second_build_gives_the_first_version_as_it_was(site: Site, query: str) -> None:
    before = format_datetime(parsedate_to_datetime(_second_went_live(site)) - timedelta(seconds=1), usegmt=True)
    gate = site.get(f"{CRC}?{query}", headers={"Accept-Datetime": before})
    assert gate.status_code == 302 and "accept-datetime" in gate.headers["vary"].lower()
    assert 'rel="original timegate"' in gate.headers["link"] and 'rel="timemap"' in gate.headers["link"]
    memento = site.get(gate.headers["location"])
    body, etag = site.first[(CRC, query)]
    assert memento.status_code == 200 and memento.content == body and memento.headers["etag"] == etag
    assert "memento-datetime" in memento.headers and 'rel="original timegate"' in memento.headers["link"]
    if "_profile" in query:
        assert memento.headers["content-profile"] == f"<{R8}>"


def test_the_live_resource_names_its_timegate_and_timemap(site: Site) -> None:
    got = site.get(CRC)
    assert "Accept-Datetime" in got.headers["vary"]
    assert f'<{site.url}{CRC}>; rel="original timegate"' in got.headers["link"]
    timemap = site.get(f"/timemap{CRC}")
    assert timemap.headers["content-type"] == "application/link-format"
    assert timemap.text.count('memento"; datetime=') == 2 and 'rel="self"' in timemap.text
    assert site.get(f"/timemap{CRC}", headers={"Accept": "text/html"}).text.count("/memento/") >= 4


def test_bad_and_early_accept_datetime(site: Site) -> None:
    bad = site.get(CRC, headers={"Accept-Datetime": "last tuesday"})
    assert bad.status_code == 400 and "RFC 1123" in bad.text
    early = site.get(CRC, headers={"Accept-Datetime": "Mon, 01 Jan 2001 00:00:00 GMT"})
    assert early.status_code == 302 and "first version" in early.text
    assert early.headers["memento-note"] == "before-first-memento"
    assert f"/memento/{site.builds[0]}/" in early.headers["location"]
    assert site.get("/dataset/never-there", headers={"Accept-Datetime": "Mon, 01 Jan 2001 00:00:00 GMT"}
                    ).status_code == 404


def test_the_removed_collection_is_gone_with_its_last_memento(site: Site) -> None:
    gone = site.get(MARFAN, headers={"Accept": "text/turtle"})
    assert gone.status_code == 410
    graph = Graph().parse(data=gone.text, format="turtle")
    iri = URIRef(site.url + MARFAN)
    last = graph.value(iri, DCT.hasVersion)
    assert graph.value(iri, DCT.isPartOf) == URIRef(f"{site.url}/catalog/BE_SUH")
    assert graph.value(iri, URIRef("http://www.w3.org/ns/prov#invalidatedAtTime")) is not None
    assert f'<{last}>; rel="last memento"' in gone.headers["link"]
    memento = site.get(str(last), headers={"Accept": "text/turtle"})
    assert memento.status_code == 200 and memento.content == site.first[(MARFAN, "format=ttl")][0]
    page = site.get(MARFAN, headers={"Accept": "text/html"})
    assert page.status_code == 410 and "removed" in page.text and str(last) in page.text
    listing = site.get("/catalog/BE_SUH/datasets", headers={"Accept": "application/n-triples"})
    assert "BE_SUH-collection-crc" in listing.text and "BE_SUH-collection-marfan" not in listing.text


def test_a_memento_page_says_it_is_a_past_version(site: Site) -> None:
    page = site.get(f"/memento/{site.builds[0]}{CRC}", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "A past version" in page.text
    assert page.headers["etag"].endswith('-memento"')
    assert site.get(f"/memento/{site.builds[0]}/dataset/nope").status_code == 404


def test_the_root_links_the_feed(site: Site) -> None:
    root = Graph().parse(data=site.get("/", headers={"Accept": "text/turtle"}).text, format="turtle")
    stream = URIRef(f"{site.url}/feed#stream")
    assert (URIRef(site.url + "/"), RDFS.seeAlso, stream) in root
    assert (stream, URIRef(TREE + "view"), URIRef(f"{site.url}/feed")) in root
    assert f"{site.url}/feed" in site.get("/", headers={"Accept": "text/html"}).text
    assert site.get("/feed?format=html").status_code == 200
    assert site.get("/feed?format=jsonld").headers["content-type"].startswith("application/ld+json")


def test_history_and_diff_commands(site: Site) -> None:
    runner = CliRunner()
    listed = runner.invoke(app, ["history", "--store", str(site.store)])
    assert listed.exit_code == 0 and site.builds[0] in listed.output and "(live)" in listed.output
    story = runner.invoke(app, ["history", CHANGED[0], "--store", str(site.store)])
    assert story.exit_code == 0, story.output
    assert "updated" in story.output and '+ <dataset/BE_SUH-collection-crc> dct:description "Revised' in story.output
    changes = runner.invoke(app, ["diff", "first", "live", "--store", str(site.store)])
    assert changes.exit_code == 0
    assert "- <dataset/BE_SUH-collection-marfan> (dataset)" in changes.output
    assert "~ <dataset/BE_SUH-collection-lung> (dataset)" in changes.output
    unknown = runner.invoke(app, ["diff", "nope", "live", "--store", str(site.store)])
    assert unknown.exit_code == 2 and "no build 'nope'" in unknown.output


def test_an_unchanged_rebuild_adds_no_activity(site: Site) -> None:
    """Last: it rebuilds the store."""
    before = site.get("/feed?format=nq").text
    again = build(site.data, site.store, base_iri=site.url, workers=1, force=True)
    assert again.status == "published"
    assert site.get("/health").json()["build"] == again.info.id
    assert site.get("/feed?format=nq").text == before
