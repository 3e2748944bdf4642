"""The cookbook's saved queries, run on the sample catalogue, give the answers the CSV files imply.

Every expected value is computed here from `data/*.csv` with the csv module (which collections are published,
their codes, counts, ages, networks, contacts), never copied from a query's output; the queries run with the
same engine as the endpoint (`bbfair.store.query.execute`), in the text the endpoint serves (with its PREFIX
lines)."""

from __future__ import annotations

import csv
import json
import math
import shutil
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef

from bbfair.builder.publish import build
from bbfair.rdf.namespaces import prefixes
from bbfair.store.local import LocalStore
from bbfair.store.query import execute
from bbfair.web.sparql.cookbook import Recipe, cookbook, parse

ROOT = Path(__file__).resolve().parents[1]
#: days in each age unit of the Directory (a month and a year on average)
DAYS = {"YEAR": 365.25, "MONTH": 365.25 / 12, "WEEK": 7.0, "DAY": 1.0}
#: ICD-10 (WHO 2019) chapters: (roman numeral, first code, last code)
CHAPTERS = [("I", "A00", "B99"), ("II", "C00", "D48"), ("III", "D50", "D89"), ("IV", "E00", "E90"),
            ("V", "F00", "F99"), ("VI", "G00", "G99"), ("VII", "H00", "H59"), ("VIII", "H60", "H95"),
            ("IX", "I00", "I99"), ("X", "J00", "J99"), ("XI", "K00", "K93"), ("XII", "L00", "L99"),
            ("XIII", "M00", "M99"), ("XIV", "N00", "N99"), ("XV", "O00", "O99"), ("XVI", "P00", "P96"),
            ("XVII", "Q00", "Q99"), ("XVIII", "R00", "R99"), ("XIX", "S00", "T98"), ("XX", "V01", "Y98"),
            ("XXI", "Z00", "Z99"), ("XXII", "U00", "U85")]


# --- what the CSV files say ------------------------------------------------------------------------------------

def _rows(data: Path, name: str) -> list[dict[str, str]]:
    with (data / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


class Sample:
    """The sample catalogue as the CSV files state it: published collections only."""

    def __init__(self, data: Path) -> None:
        self.biobanks = {r["id"]: r for r in _rows(data, "Biobanks.csv")}
        self.networks = {r["id"]: r for r in _rows(data, "Networks.csv")}
        self.catalogs = {r["id"]: r for r in _rows(data, "Catalogs.csv")}
        self.persons = {r["id"]: r for r in _rows(data, "Persons.csv")}
        rows = {r["id"]: r for r in _rows(data, "Collections.csv")}

        def published(cid: str) -> bool:
            row = rows[cid]
            if row["withdrawn"] == "true" or self.biobanks[row["biobank"]].get("withdrawn") == "true":
                return False
            return not row["parent_collection"] or published(row["parent_collection"])

        self.collections = [r for cid, r in rows.items() if published(cid)]
        self.by_id = {r["id"]: r for r in self.collections}

    def biobank_name(self, row: dict[str, str]) -> str:
        return self.biobanks[row["biobank"]]["name"]

    @staticmethod
    def donors(row: dict[str, str]) -> int:
        return int(row["number_of_donors"] or 0)

    @staticmethod
    def samples(row: dict[str, str]) -> int:
        return int(row["size"] or 0)

    @staticmethod
    def max_age_years(row: dict[str, str]) -> int | None:
        if not row["age_high"]:
            return None
        return math.ceil(int(row["age_high"]) * DAYS[row["age_unit"] or "YEAR"] / DAYS["YEAR"])

    @staticmethod
    def icd10(row: dict[str, str]) -> list[str]:
        return [c.removeprefix("urn:miriam:icd:") for c in _split(row["diagnosis_available"])
                if c.startswith("urn:miriam:icd:")]

    @staticmethod
    def orpha(row: dict[str, str]) -> list[str]:
        return [c for c in _split(row["diagnosis_available"]) if c.startswith("ORPHA:")]


# --- fixtures -------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample(sample_dir: Path) -> Sample:
    return Sample(sample_dir)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, sample_dir: Path) -> ox.Store:
    data = tmp_path_factory.mktemp("data")
    shutil.copytree(sample_dir, data, dirs_exist_ok=True)
    target = tmp_path_factory.mktemp("store") / "site"
    assert build(data, target, workers=1).status == "published"
    path = LocalStore.open(target).live_path()
    assert path is not None
    return ox.Store.read_only(str(path / "oxigraph"))


@pytest.fixture(scope="module")
def recipes() -> dict[str, Recipe]:
    return {r.name: r for r in cookbook(prefixes())}


def rows_of(store: ox.Store, recipe: Recipe) -> list[dict[str, str]]:
    """The recipe's SELECT answer as dicts of plain values (the engine's JSON results, parsed). No row may come
    twice: Oxigraph 0.5 reads the union default graph as a bag (a triple embedded in several documents matches
    once per document), so the saved queries must say DISTINCT where that could happen."""
    answer = execute(store, recipe.query, max_rows=10000)
    assert answer.kind == "table" and not answer.truncated
    data = json.loads(answer.body)
    rows = [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]
    assert len({tuple(sorted(r.items())) for r in rows}) == len(rows), "duplicate rows"
    return rows


# --- the cookbook itself --------------------------------------------------------------------------------------

def test_at_least_twelve_recipes_each_with_title_description_and_a_known_answer(recipes: dict[str, Recipe]) -> None:
    assert len(recipes) >= 12
    for recipe in recipes.values():
        assert recipe.title and recipe.description and recipe.form in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
        assert recipe.query.startswith("# title: ")
    assert set(recipes) == set(CHECKS), "every saved query needs a known-answer check below"


def test_served_queries_declare_the_prefixes_they_use(recipes: dict[str, Recipe]) -> None:
    """Each served query runs as it is on any endpoint: the prefixes come from vocab/prefixes.json."""
    names = prefixes()
    plasma = recipes["plasma-at-minus-80"].query
    assert f"PREFIX skos: <{names['skos']}>" in plasma and f"PREFIX bbfair: <{names['bbfair']}>" in plasma
    assert "PREFIX vcard:" not in plasma
    recipe = parse("x", "# title: T\nSELECT ?x WHERE { ?x a dcat:Dataset }\n", names)
    assert recipe.query.splitlines()[:2] == ["# title: T", f"PREFIX dcat: <{names['dcat']}>"]
    with pytest.raises(ValueError, match="undeclared prefixes"):
        parse("y", "# title: T\nSELECT ?x WHERE { ?x nope:p ?y }\n", names)
    with pytest.raises(ValueError, match="no '# title:'"):
        parse("z", "SELECT * WHERE {}\n", names)


# --- one known answer per recipe ------------------------------------------------------------------------------

def check_collections_per_country(store: ox.Store, recipe: Recipe, sample: Sample) -> None:
    with (ROOT / "vocab" / "countries.csv").open(encoding="utf-8", newline="") as handle:
        iri = {r["alpha2"]: r["iri"] for r in csv.DictReader(handle)}
    expected = Counter(iri[r["country"]] for r in sample.collections)
    got = {r["country"]: int(r["collections"]) for r in rows_of(store, recipe)}
    assert got == dict(expected)


def check_orpha_code_over_100_donors(store: ox.Store, recipe: Recipe, sample: Sample) -> None:
    expected = sorted(((r["name"], sample.donors(r)) for r in sample.collections
                       if "ORPHA:803" in sample.orpha(r) and sample.donors(r) > 100), key=lambda t: -t[1])
    got = [(r["title"], int(r["donors"])) for r in rows_of(store, recipe)]
    assert got == expected and len(got) >= 1
    # the donor filter matters: ORPHA:803 has a collection with 100 donors or fewer in the sample
    assert any("ORPHA:803" in sample.orpha(r) and sample.donors(r) <= 100 for r in sample.collections)


def check_plasma_at_minus_80(store: ox.Store, recipe: Recipe, sample: Sample) -> None:
    expected = {(r["name"], sample.biobank_name(r)) for r in sample.collections
                if "PLASMA" in _split(r["materials"]) and "temperature-60to-85" in _split(r["storage_temperatures"])}
    got = {(r["title"], r["biobank"]) for r in rows_of(store, recipe)}
    assert got == expected and expected


def check_donors_per_icd10_chapter(store: ox.Store, recipe: Recipe, sample: Sample) -> None:
    members: dict[str, set[str]] = defaultdict(set)
    for row in sample.collections:
        for code in sample.icd10(row):
            for numeral, first, last in CHAPTERS:
                if first <= code[:3] <= last:
                    members[numeral].add(row["id"])
    expected = {n: (len(ids), sum(sample.donors(sample.by_id[i]) for i in ids)) for n, ids in members.items()}
    got_rows = rows_of(store, recipe)
    got = {r["chapter"]: (int(r["collections"]), int(r["donors"])) for r in got_rows}
    assert got == expected
    assert expected["II"][0] > 5  # neoplasms: C00–D48 takes C and the D00–D48 codes
    assert [r["title"] for r in got_rows if r["chapter"] == "II"] == ["Neoplasms"]


def check_biobanks_with_rare_disease_collections(store: ox.Store, recipe: Recipe, sample: Sample) -> None:
    expected = Counter(sample.biobank_name(r) for r in sample.collections if sample.orpha(r))
    got = {r["name"]: int(r["rareDiseaseCollections"]) for r in rows_of(store, recipe)}
    assert got == dict(expected) and len(expected) > 3


def check_collections_for_children(store: ox.Store, recipe: Recipe, sample: Sample) -> None:
    expected = {(r["name"], age) for r in sample.collections
                if (age := sample.max_age_years(r)) is not None and age < 18}
    got = {(r["title"], int(r["maxAge"])) for r in rows_of(store, recipe)}
    assert got == expected
    units = {sample.by_id[c]["age_unit"] for c in sample.by_id if (sample.by_id[c]["name"], 1) in expected}
    assert {"WEEK", "DAY"} <= units  # ages in weeks and days are converted, not read as years


def check_networks_and_members(store: ox.Store, recipe: Recipe, sample: Sample) -> None:
    expected = {(sample.networks[n]["name"], r["name"]) for r in sample.collections
                for n in _split(r["network"])}
    expected |= {(sample.catalogs[c]["title"], r["name"]) for r in sample.collections for c in _split(r["catalog"])}
    got = {(r["networkTitle"], r["title"]) for r in rows_of(store, recipe)}
    assert got == expected and len({n for n, _ in expected}) == len(sample.networks) + len(sample.catalogs)


def check_collections_without_own_access_route(store: ox.Store, recipe: Recipe, sample: Sample) -> None:
    expected = {r["name"] for r in sample.collections if not r["access_uri"]}
    got = rows_of(store, recipe)
    assert {r["title"] for r in got} == expected
    assert {r.get("accessURL") for r in got} == {"https://node.example.be/request-access"}  # data/bbfair.toml
    assert any(r["access_uri"] for r in sample.collections)  # and collections with their own are left out


def check_datasets_changed_since(store: ox.Store, recipe: Recipe, sample: Sample) -> None:
    """Records without a timestamp are dated by the build (today); those with one keep it."""
    expected = {r["name"] for r in sample.collections if not r["timestamp"] or r["timestamp"] >= "2025-01-01"}
    got = rows_of(store, recipe)
    assert {r["title"] for r in got} == expected
    assert any(r["timestamp"] and r["timestamp"] < "2025-01-01" for r in sample.collections)
    dated = {r["name"]: r["timestamp"] for r in sample.collections if r["timestamp"] >= "2025-01-01"}
    for row in got:
        if row["title"] in dated:
            assert row["modified"].startswith(dated[row["title"]])


def check_samples_by_material_type(store: ox.Store, recipe: Recipe, sample: Sample) -> None:
    counts: Counter[str] = Counter()
    samples: Counter[str] = Counter()
    for row in sample.collections:
        for material in _split(row["materials"]):
            counts[material] += 1
            samples[material] += sample.samples(row)
    got = {r["material"].rsplit("/", 1)[1]: (int(r["collections"]), int(r["samples"]), r.get("label"))
           for r in rows_of(store, recipe)}
    assert {m: g[:2] for m, g in got.items()} == {m: (counts[m], samples[m]) for m in counts}
    assert got["PLASMA"][2] == "Plasma" and all(g[2] for g in got.values())


def check_contact_points_per_biobank(store: ox.Store, recipe: Recipe, sample: Sample) -> None:
    expected: dict[str, set[str]] = defaultdict(set)
    for row in sample.collections:
        expected[sample.biobank_name(row)].add(sample.persons[row["contact"]]["email"])
    got = {r["name"]: (int(r["contacts"]), set(r["emails"].split(", "))) for r in rows_of(store, recipe)}
    assert got == {name: (len(emails), emails) for name, emails in expected.items()}


def check_collections_by_sex(store: ox.Store, recipe: Recipe, sample: Sample) -> None:
    expected = Counter(code for r in sample.collections for code in set(_split(r["sex"])))
    got = {r["label"].upper(): int(r["collections"]) for r in rows_of(store, recipe)}
    assert got == dict(expected) and {"FEMALE", "MALE"} <= set(got)


def check_largest_collections(store: ox.Store, recipe: Recipe, sample: Sample) -> None:
    ranked = sorted((r for r in sample.collections if r["number_of_donors"]),
                    key=lambda r: (-sample.donors(r), r["name"]))[:10]
    got = rows_of(store, recipe)
    assert [(r["title"], int(r["donors"]), int(r["samples"]), r["biobank"]) for r in got] == \
        [(r["name"], sample.donors(r), sample.samples(r), sample.biobank_name(r)) for r in ranked]


def check_sub_collections(store: ox.Store, recipe: Recipe, sample: Sample) -> None:
    expected = {(sample.by_id[r["parent_collection"]]["name"], r["name"]) for r in sample.collections
                if r["parent_collection"]}
    got = {(r["parentTitle"], r["title"]) for r in rows_of(store, recipe)}
    assert got == expected and expected


def check_biobank_overview(store: ox.Store, recipe: Recipe, sample: Sample) -> None:
    expected: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in sample.collections:
        totals = expected[sample.biobank_name(row)]
        totals[0] += 1
        totals[1] += sample.donors(row)
        totals[2] += sample.samples(row)
    got = {r["name"]: [int(r["collections"]), int(r["donors"]), int(r["samples"])] for r in rows_of(store, recipe)}
    assert got == dict(expected)


def check_dna_from_children(store: ox.Store, recipe: Recipe, sample: Sample) -> None:
    expected = any("DNA" in _split(r["materials"]) and (age := sample.max_age_years(r)) is not None and age < 18
                   for r in sample.collections)
    answer = execute(store, recipe.query)
    assert answer.kind == "boolean"
    assert json.loads(answer.body)["boolean"] is expected is True


def check_rare_disease_summary_graph(store: ox.Store, recipe: Recipe, sample: Sample) -> None:
    answer = execute(store, recipe.query, max_rows=10000)
    assert answer.kind == "graph" and answer.media_type == "text/turtle"
    graph = Graph().parse(data=answer.body.decode(), format="turtle")
    assert answer.rows == len(graph)  # no duplicates
    names = prefixes()
    title, subject = URIRef(names["dct"] + "title"), URIRef(names["dct"] + "subject")
    donors = URIRef(names["healthdcatap"] + "numberOfUniqueIndividuals")
    notation, label = URIRef(names["skos"] + "notation"), URIRef(names["skos"] + "prefLabel")
    got = {}
    for node in set(graph.subjects(subject, None)):
        codes = {str(graph.value(o, notation)) for o in graph.objects(node, subject)}
        count = graph.value(node, donors)
        got[str(graph.value(node, title))] = (codes, int(count) if count is not None else 0)
        assert all(graph.value(o, label) for o in graph.objects(node, subject))
    expected = {r["name"]: (set(sample.orpha(r)), sample.donors(r)) for r in sample.collections if sample.orpha(r)}
    assert got == expected


CHECKS: dict[str, Callable[[ox.Store, Recipe, Sample], None]] = {
    name.removeprefix("check_").replace("_", "-"): check
    for name, check in list(globals().items()) if name.startswith("check_")
}


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_recipe_gives_the_known_answer(name: str, store: ox.Store, recipes: dict[str, Recipe],
                                       sample: Sample) -> None:
    CHECKS[name](store, recipes[name], sample)
