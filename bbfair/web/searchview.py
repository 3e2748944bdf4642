"""A finder's answer as the JSON document `/search` sends and as the values its HTML page lays out: every link
the page offers (each facet value toggled, the age groups, the pages, the sort orders, the same search as
SPARQL) is made here, so the template only arranges them and the query always stays in the URL."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from pydantic import BaseModel, Field

from ..search.facets import AGE_GROUPS, FACETS, RANGES
from ..search.query import SORTS, Query
from ..search.sparql import to_sparql
from ..store.finder import Answer, Finder, Value

#: values of a facet the HTML page shows before "more"
SHOWN = 8
#: at most this many values of one facet on the page (type the name into the text box to find the others)
LISTED = 200
SORT_LABELS = {"relevance": "Relevance", "title": "Title", "donors": "Most donors", "samples": "Most samples"}


class FacetValue(BaseModel):
    """One value of a facet under the current search."""

    code: str = Field(description="the value's code, as the facet's URL parameter takes it")
    label: str
    count: int = Field(description="collections found with this value, under every other filter but this "
                                   "facet's own (disjunctive counts)")
    selected: bool
    narrower: list[FacetValue] = Field(default_factory=list, description="disease tree: the narrower terms of a "
                                                                         "selected term (or of one above it)")


class Result(BaseModel):
    """One collection found."""

    iri: str = Field(description="the collection's dataset IRI (its page, and its linked data)")
    title: str
    acronym: str | None = None
    biobank: str | None = None
    description: str | None = None
    diseases: list[dict[str, str]] = Field(description="code and label of each disease it names")
    materials: list[dict[str, str]]
    countries: list[dict[str, str]]
    donors: int | None = None
    samples: int | None = None
    age_low: int | None = Field(None, description="years")
    age_high: int | None = Field(None, description="years")


class SearchAnswer(BaseModel):
    """What `/search` answers in JSON."""

    query: dict[str, Any] = Field(description="the search as understood: q, filters, ranges, sort, page, size")
    total: int
    page: int
    pages: int
    size: int
    results: list[Result]
    facets: dict[str, list[FacetValue]]
    age_groups: list[dict[str, Any]]
    links: dict[str, str | None] = Field(description="self, html, sparql (the same search as a SPARQL query), "
                                                     "next, prev")


class SearchError(BaseModel):
    """A search the finder cannot run."""

    parameter: str
    error: str
    allowed: list[str] = Field(default_factory=list)


def url(search_url: str, params: list[tuple[str, str]]) -> str:
    return f"{search_url}?{urlencode(params)}" if params else search_url


def _codes(finder: Finder, facet: str, codes: list[str]) -> list[dict[str, str]]:
    return [{"code": c, "label": finder.label(facet, c)} for c in codes]


def result(finder: Finder, hit: Any) -> dict[str, Any]:
    """One result (`Result`): a collection's card, its own diseases (not their broader terms), materials,
    countries and numbers."""
    card = hit.card
    return {"iri": hit.iri, "title": card["title"], "acronym": card.get("acronym"), "biobank": card.get("biobank"),
            "description": card.get("description"),
            "diseases": _codes(finder, "disease", card.get("subjects", [])),
            "materials": _codes(finder, "material", hit.facets.get("material", [])),
            "countries": _codes(finder, "country", hit.facets.get("country", [])),
            "donors": hit.donors, "samples": hit.samples, "age_low": hit.age[0], "age_high": hit.age[1]}


def links(answer: Answer, search_url: str, sparql_url: str, base: str) -> dict[str, str | None]:
    query = answer.query
    here = query.params(page=query.page)
    return {
        "self": url(search_url, here),
        "html": url(search_url, here),
        "sparql": f"{sparql_url}?{urlencode({'query': to_sparql(query, base, url(search_url, here))})}",
        "next": url(search_url, query.params(page=query.page + 1)) if query.page < answer.pages else None,
        "prev": url(search_url, query.params(page=query.page - 1)) if query.page > 1 else None,
    }


def as_json(answer: Answer, finder: Finder, search_url: str, sparql_url: str, base: str) -> dict[str, Any]:
    """The JSON document of `answer` (`SearchAnswer`)."""
    query = answer.query
    return {
        "query": {"q": query.q, "filters": {k: list(v) for k, v in query.filters.items()}, "ranges": query.ranges,
                  "sort": query.sort_order(), "page": query.page, "size": query.size},
        "total": answer.total, "page": query.page, "pages": answer.pages, "size": query.size,
        "results": [result(finder, h) for h in answer.hits],
        "facets": {name: [v.as_dict() for v in values] for name, values in answer.facets.items()},
        "age_groups": [{"label": label, "from": low, "to": high, "count": count}
                       for label, low, high, count in answer.age_groups],
        "links": links(answer, search_url, sparql_url, base),
    }


def _toggle(query: Query, facet: str, code: str) -> list[tuple[str, str]]:
    codes = list(query.filters.get(facet, ()))
    codes = [c for c in codes if c != code] if code in codes else [*codes, code]
    return query.params(**{facet: codes})


def _flat(query: Query, search_url: str, facet: str, values: list[Value], depth: int = 0) -> list[dict[str, Any]]:
    out = []
    for v in values:
        out.append({"code": v.code, "label": v.label, "count": v.count, "selected": v.selected, "depth": depth,
                    "href": url(search_url, _toggle(query, facet, v.code)),
                    "narrower": bool(v.children)})
        out += _flat(query, search_url, facet, v.children, depth + 1)
    return out


def page_context(answer: Answer, finder: Finder, search_url: str, sparql_url: str, base: str) -> dict[str, Any]:
    """What `search.html` shows (see the module docstring)."""
    query = answer.query
    facets = []
    for facet in FACETS:
        rows = _flat(query, search_url, facet.name, answer.facets.get(facet.name, []))[:LISTED]
        if not rows:
            continue
        shown = SHOWN if facet.name != "disease" else max(SHOWN, sum(1 for r in rows if r["depth"] or
                                                                       r["selected"]))
        chosen = sum(1 for r in rows if r["selected"])
        facets.append({"name": facet.name, "label": facet.label, "rows": rows[:shown], "more": rows[shown:],
                       "chosen": chosen, "clear_href": url(search_url, query.params(**{facet.name: []})) if chosen
                       else None})
    low, high = query.ranges.get("age_from"), query.ranges.get("age_to")
    groups = [{"label": label, "count": count, "selected": (low, high) == (lo, hi),
               "href": url(search_url, query.params(age_from=lo, age_to=hi))}
              for label, lo, hi, count in answer.age_groups]
    chips = []
    for facet in FACETS:
        for code in query.filters.get(facet.name, ()):
            chips.append({"label": f"{facet.label}: {finder.label(facet.name, code)}",
                          "href": url(search_url, _toggle(query, facet.name, code))})
    for name, (label, _p) in RANGES.items():
        if name in query.ranges:
            chips.append({"label": f"{label}: {query.ranges[name]}",
                          "href": url(search_url, query.params(**{name: None}))})
    return {
        "query": query, "answer": answer, "facets": facets, "age_groups": groups, "chips": chips,
        "results": [result(finder, h) for h in answer.hits],
        "links": links(answer, search_url, sparql_url, base),
        "sorts": [{"key": s, "label": SORT_LABELS[s], "current": s == query.sort_order(),
                   "href": url(search_url, query.params(sort=s))} for s in SORTS if s != "relevance" or query.text],
        "hidden": [(k, v) for k, v in query.params() if k not in ("q", "page", *RANGES)],
        "ranges": {name: query.ranges.get(name) for name in RANGES},
        "range_labels": {name: label for name, (label, _p) in RANGES.items()},
        "clear_all": search_url,
        "first": (query.page - 1) * query.size + 1, "last": (query.page - 1) * query.size + len(answer.hits),
        "ages": AGE_GROUPS,
    }
