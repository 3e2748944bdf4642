"""The finder's index of the sample (`bbfair.store.finder`, made by `bbfair.builder.searchindex`): every facet
and range finds exactly the collections a SPARQL query on the same build's store finds; counts are
disjunctive; a chapter finds everything under it; paging and sorting are stable. The SPARQL of each check is
the finder's own translation (`bbfair.search.sparql`), and the key facts are also checked with SPARQL written
here by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from bbfair.search.facets import FACETS
from bbfair.search.query import QueryError, parse
from bbfair.search.sparql import to_sparql
from bbfair.store.finder import Finder
from bbfair.store.searchindex import FILE


@pytest.fixture(scope="module")
def build_dir(live_sample) -> Path:
    store = live_sample.store
    return store / "builds" / json.loads((store / "LIVE").read_text())["build"]


@pytest.fixture(scope="module")
def finder(build_dir: Path) -> Finder:
    return Finder(build_dir / FILE)


@pytest.fixture(scope="module")
def quads(build_dir: Path) -> ox.Store:
    return ox.Store.read_only(str(build_dir / "oxigraph"))


def found(finder: Finder, params: list[tuple[str, str]]) -> list[str]:
    """Every collection the finder finds, page by page."""
    out: list[str] = []
    page = 1
    while True:
        answer = finder.search(parse([*params, ("size", "7"), ("page", str(page))]))
        out += [h.iri for h in answer.hits]
        if page >= answer.pages:
            assert len(out) == answer.total
            return out
        page += 1


def sparql(quads: ox.Store, text: str) -> set[str]:
    return {row["dataset"].value for row in quads.query(text, use_default_graph_as_union=True)}


def test_every_facet_value_finds_what_sparql_finds(finder: Finder, quads: ox.Store, live_sample) -> None:
    everything = finder.search(parse([]))
    assert everything.total == 68
    checked = 0
    for facet in FACETS:
        values = everything.facets[facet.name]
        assert values, f"the sample has no {facet.name} values"
        # the most used value (and, for the disease tree, one under it): the SPARQL of a value takes a second
        # on two shared cores, so not every one of the sample's ~200
        todo = [values[0]]
        if facet.name == "disease":  # a chosen node shows its children: the first one too
            opened = finder.search(parse([("disease", values[0].code)])).facets["disease"]
            todo += next(v for v in opened if v.code == values[0].code).children[:1]
        for value in todo:
            params = [(facet.name, value.code)]
            mine = found(finder, params)
            assert len(mine) == len(set(mine)) == value.count, (facet.name, value.code)
            assert set(mine) == sparql(quads, to_sparql(parse(params), live_sample.url)), (facet.name, value.code)
            checked += 1
    assert checked > len(FACETS)


@pytest.mark.parametrize("params", [
    [("age_from", "50")], [("age_to", "1")], [("age_from", "18"), ("age_to", "30")], [("donors_min", "1000")],
    [("samples_min", "5000")], [("q", "breast")], [("q", '"breast cancer"')], [("q", "carcin*")],
    [("q", "plasma OR serum"), ("category", "oncology")], [("q", "c50")], [("q", "tumour")],
    [("q", "cancer"), ("material", "SERUM"), ("material", "PLASMA"), ("country", "BE"), ("disease", "II")],
    [("network", "BE_RDALLIANCE"), ("access", "commercial-use"), ("access", "access-fee")],
    [("quality", "iso-9001"), ("sex", "FEMALE"), ("donors", "3"), ("samples", "3")],
])
def test_text_ranges_and_combinations_match_sparql(finder: Finder, quads: ox.Store, live_sample,
                                                   params: list[tuple[str, str]]) -> None:
    mine = found(finder, params)
    assert mine and set(mine) == sparql(quads, to_sparql(parse(params), live_sample.url))


def test_a_chapter_finds_every_collection_under_it(finder: Finder, quads: ox.Store) -> None:
    by_hand = sparql(quads, """PREFIX dct: <http://purl.org/dc/terms/> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT DISTINCT ?dataset WHERE { ?dataset dct:subject ?s . ?s skos:broader+ ?chapter .
        ?chapter skos:notation "II" }""")
    assert len(by_hand) == 18
    assert set(found(finder, [("disease", "II")])) == by_hand
    breast = set(found(finder, [("disease", "C50")]))  # a category under II, under which C50.9 &c.
    assert breast and breast < by_hand
    tree = finder.search(parse([("disease", "II")])).facets["disease"]
    chapter = next(v for v in tree if v.code == "II")
    assert chapter.selected and chapter.children and all(c.count <= chapter.count for c in chapter.children)


def test_counts_are_disjunctive(finder: Finder) -> None:
    """A facet's counts apply every other filter but its own: choosing a value does not shrink its siblings,
    and each sibling's count is what choosing it instead would find."""
    base = [("q", "cancer"), ("country", "BE")]
    chosen = finder.search(parse([*base, ("material", "SERUM")]))
    alone = finder.search(parse(base))
    materials = {v.code: v.count for v in chosen.facets["material"]}
    assert materials == {v.code: v.count for v in alone.facets["material"]}
    assert chosen.total == materials["SERUM"] < alone.total
    for code, count in materials.items():
        assert finder.search(parse([*base, ("material", code)])).total == count
    either = finder.search(parse([*base, ("material", "SERUM"), ("material", "PLASMA")]))
    assert max(materials["SERUM"], materials["PLASMA"]) <= either.total <= materials["SERUM"] + materials["PLASMA"]
    # another facet's counts do apply the material filter
    assert sum(v.count for v in chosen.facets["sex"]) < sum(v.count for v in alone.facets["sex"])


def test_paging_and_sorting_are_stable(finder: Finder) -> None:
    for sort in ("title", "donors", "samples", "relevance"):
        params = [("q", "cancer OR disease"), ("sort", sort)]
        first, again = found(finder, params), found(finder, params)
        assert first == again and len(first) == len(set(first))
        whole = [h.iri for h in finder.search(parse([*params, ("size", "100")])).hits]
        assert whole == first
    hits = finder.search(parse([("sort", "donors"), ("size", "100")])).hits
    donors = [h.donors if h.donors is not None else -1 for h in hits]
    assert donors == sorted(donors, reverse=True)
    titles = [h.card["title"].casefold() for h in finder.search(parse([("size", "100")])).hits]
    assert titles == sorted(titles)
    assert finder.search(parse([("page", "99")])).hits == []


@pytest.mark.parametrize(("params", "parameter"), [
    ([("material", "GOLD")], "material"), ([("disease", "XYZ")], "disease"), ([("biobank", "nope")], "biobank"),
])
def test_unknown_values_are_refused_with_the_allowed_ones(finder: Finder, params, parameter: str) -> None:
    with pytest.raises(QueryError) as caught:
        finder.search(parse(params))
    assert caught.value.parameter == parameter
    if parameter == "material":
        assert "PLASMA" in caught.value.allowed


def test_a_known_term_no_collection_has_finds_nothing(finder: Finder) -> None:
    answer = finder.search(parse([("material", "CDNA")]))
    assert answer.total == 0 and finder.term_count("material", "CDNA") == 0
    assert finder.term_count("material", "PLASMA") == finder.search(parse([("material", "PLASMA")])).total > 0
