"""The finder's query language (`bbfair.search.query`): what `q=` and the other parameters take, and the 400
messages for what they do not."""

from __future__ import annotations

import pytest

from bbfair.search.query import QueryError, Term, parse, parse_text


def test_words_phrases_prefixes_and_or() -> None:
    groups = parse_text('breast "Breast Cancer" carcin* plasma OR serum non-Hodgkin')
    assert groups == (
        (Term(("breast",)),), (Term(("breast", "cancer")),), (Term(("carcin",), prefix=True),),
        (Term(("plasma",)), Term(("serum",))), (Term(("non", "hodgkin")),),
    )
    query = parse([("q", "plasma OR serum carcin*")])
    assert query.fts() == '("plasma" OR "serum") AND ("carcin"*)'  # every term quoted: nothing is FTS syntax


@pytest.mark.parametrize(("q", "says"), [
    ('"unclosed', "not closed"), ("NEAR(", "cannot be searched"), ("*", "needs at least one letter"),
    ("a*b", "ends a prefix"), ("OR serum", "between two"), ("plasma OR", "between two"),
    ("NOT plasma", "not supported"), ("x" * 501, "at most 500"),
])
def test_text_it_cannot_take_names_q(q: str, says: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse([("q", q)])
    assert caught.value.parameter == "q" and says in caught.value.message


def test_parameters_and_ranges() -> None:
    query = parse([("material", "PLASMA"), ("material", "SERUM"), ("material", "PLASMA"), ("age_from", "50"),
                   ("donors_min", "100"), ("sort", "donors"), ("page", "2"), ("size", "5"), ("format", "json")],
                  ignore=("format",))
    assert query.filters == {"material": ("PLASMA", "SERUM")}
    assert query.ranges == {"age_from": 50, "donors_min": 100}
    assert (query.sort, query.page, query.size) == ("donors", 2, 5)
    assert query.params(material=["SERUM"]) == [("material", "SERUM"), ("age_from", "50"), ("donors_min", "100"),
                                                ("sort", "donors"), ("size", "5")]  # back to page 1
    assert parse([]).sort_order() == "title" and parse([("q", "x")]).sort_order() == "relevance"


@pytest.mark.parametrize(("params", "parameter", "allowed"), [
    ([("colour", "red")], "colour", "material"), ([("size", "0")], "size", None), ([("size", "101")], "size", None),
    ([("page", "first")], "page", None), ([("sort", "best")], "sort", "donors"),
    ([("age_from", "-1")], "age_from", None),
    ([("age_from", "60"), ("age_to", "20")], "age_to", None), ([("q", "a"), ("q", "b")], "q", None),
])
def test_bad_parameters(params: list[tuple[str, str]], parameter: str, allowed: str | None) -> None:
    with pytest.raises(QueryError) as caught:
        parse(params)
    assert caught.value.parameter == parameter
    if allowed:
        assert allowed in caught.value.allowed
