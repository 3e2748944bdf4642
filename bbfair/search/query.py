"""A search as a request asks it: text (`q=`), facet values, number ranges, sort order and page, checked
before anything runs. Bad input is a `QueryError` that names the parameter and says what it takes; the text
never reaches the full-text engine as written (each word is quoted), so no input can make an engine error.

Text syntax: words (all must match: `breast serum`), "phrases" (`"breast cancer"`), prefixes (`carcin*`) and
`OR` between two of those (`plasma OR serum`). Letters and digits make the words; other characters inside a
word split it into a phrase (`non-Hodgkin` is the phrase "non hodgkin").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .facets import BY_NAME, FACETS, RANGES

SORTS = ("relevance", "title", "donors", "samples")
#: the page size range and default
SIZES = (1, 100)
DEFAULT_SIZE = 20
MAX_TEXT = 500
MAX_TERMS = 16
#: parameters a search takes besides the facets and ranges
OTHER = ("q", "sort", "page", "size")
WORD = re.compile(r"[^\W_]+", re.UNICODE)
_FORBIDDEN = set('()[]{}^+~\\')


class QueryError(ValueError):
    """A parameter the finder cannot take: which one, why, and what it allows."""

    def __init__(self, parameter: str, message: str, allowed: Iterable[str] = ()) -> None:
        self.parameter = parameter
        self.message = message
        self.allowed = list(allowed)
        super().__init__(f"{parameter}: {message}")

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"parameter": self.parameter, "error": self.message}
        if self.allowed:
            out["allowed"] = self.allowed
        return out


@dataclass(frozen=True)
class Term:
    """One word, phrase or prefix of the text: its words, lowercased."""

    words: tuple[str, ...]
    prefix: bool = False

    def fts(self) -> str:
        """The term in SQLite FTS5 syntax: a quoted string (nothing in it is syntax), `*` for a prefix."""
        return '"' + " ".join(self.words) + '"' + ("*" if self.prefix else "")

    def __str__(self) -> str:
        text = " ".join(self.words)
        return (f'"{text}"' if len(self.words) > 1 else text) + ("*" if self.prefix else "")


@dataclass(frozen=True)
class Query:
    """A checked search (see the module docstring); `text` is a conjunction of disjunctions of terms."""

    q: str = ""
    text: tuple[tuple[Term, ...], ...] = ()
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    ranges: dict[str, int] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    size: int = DEFAULT_SIZE

    def fts(self) -> str:
        """The text as an FTS5 query ("" when there is none)."""
        return " AND ".join("(" + " OR ".join(t.fts() for t in group) + ")" for group in self.text)

    def sort_order(self) -> str:
        """The order results come in: relevance needs text to be relevant to, else by title."""
        return "title" if self.sort == "relevance" and not self.text else self.sort

    def params(self, **changes: object) -> list[tuple[str, str]]:
        """The query as URL parameters, with `changes` (a facet name -> codes, or q/sort/page/size/a range ->
        value, None to drop it); the page goes back to 1 unless it is given."""
        filters = dict(self.filters)
        ranges = dict(self.ranges)
        plain = {"q": self.q, "sort": self.sort, "page": 1, "size": self.size}
        for key, value in changes.items():
            if key in BY_NAME:
                filters[key] = tuple(value) if value else ()  # type: ignore[arg-type]
            elif key in RANGES:
                if value is None:
                    ranges.pop(key, None)
                else:
                    ranges[key] = int(value)  # type: ignore[call-overload]
            else:
                plain[key] = value
        out: list[tuple[str, str]] = []
        if plain["q"]:
            out.append(("q", str(plain["q"])))
        for facet in FACETS:
            out += [(facet.name, code) for code in filters.get(facet.name, ())]
        out += [(name, str(ranges[name])) for name in RANGES if name in ranges]
        if plain["sort"] != "relevance":
            out.append(("sort", str(plain["sort"])))
        if plain["size"] != DEFAULT_SIZE:
            out.append(("size", str(plain["size"])))
        if plain["page"] not in (1, None):
            out.append(("page", str(plain["page"])))
        return out


def parse_text(q: str) -> tuple[tuple[Term, ...], ...]:
    """`q=` as terms (see the module docstring); raises QueryError on what it cannot take."""
    if len(q) > MAX_TEXT:
        raise QueryError("q", f"the text is {len(q)} characters long; at most {MAX_TEXT} are taken")
    if q.count('"') % 2:
        raise QueryError("q", 'a phrase is not closed: every " needs its closing "')
    tokens: list[tuple[str, bool]] = []  # (text, quoted)
    for i, part in enumerate(q.split('"')):
        if i % 2:
            tokens.append((part, True))
        else:
            tokens += [(word, False) for word in part.split()]
    groups: list[list[Term]] = []
    joining = False
    for text, quoted in tokens:
        if not quoted and text == "OR":
            if not groups or joining:
                raise QueryError("q", "OR must stand between two words or phrases")
            joining = True
            continue
        if not quoted and text in ("AND", "NOT", "NEAR"):
            if text == "AND":
                continue
            raise QueryError("q", f"{text} is not supported: the text takes words, \"phrases\", prefix* and OR")
        term = _term(text, quoted)
        if term is None:
            continue
        if joining:
            groups[-1].append(term)
            joining = False
        else:
            groups.append([term])
    if joining:
        raise QueryError("q", "OR must stand between two words or phrases")
    if sum(len(g) for g in groups) > MAX_TERMS:
        raise QueryError("q", f"at most {MAX_TERMS} words or phrases are taken")
    return tuple(tuple(g) for g in groups)


def _term(text: str, quoted: bool) -> Term | None:
    bad = sorted(_FORBIDDEN.intersection(text)) if not quoted else []
    if bad:
        raise QueryError("q", f"{' '.join(bad)} cannot be searched for: the text takes words, \"phrases\", "
                              "prefix* and OR")
    prefix = False
    if not quoted and text.endswith("*"):
        prefix = True
        text = text[:-1]
    if "*" in text:
        raise QueryError("q", "* ends a prefix (carcin*): it cannot stand alone or inside a word")
    words = tuple(w.lower() for w in WORD.findall(text))
    if not words:
        if prefix:
            raise QueryError("q", "* ends a prefix (carcin*): it needs at least one letter or digit before it")
        return None
    return Term(words, prefix)


def _integer(name: str, value: str, low: int, high: int | None) -> int:
    try:
        number = int(value)
    except ValueError:
        number = None
    if number is None or number < low or (high is not None and number > high):
        upper = f"–{high}" if high is not None else " or more"
        raise QueryError(name, f"{value!r} is not a whole number from {low}{upper}")
    return number


def parse(params: Iterable[tuple[str, str]], ignore: Iterable[str] = ()) -> Query:
    """A Query from URL parameters (repeated ones kept); unknown parameters, values that are no number where
    one is wanted, or a page size out of range raise QueryError. Parameters in `ignore` (content negotiation:
    `format`) are passed over. Facet codes are checked by the index (`store.finder`), which knows them."""
    filters: dict[str, list[str]] = {}
    ranges: dict[str, int] = {}
    single: dict[str, str] = {}
    skip = set(ignore)
    for name, value in params:
        if name in skip:
            continue
        if name in BY_NAME:
            if value.strip() and value.strip() not in filters.setdefault(name, []):
                filters[name].append(value.strip())
        elif name in RANGES or name in OTHER:
            if name in single and single[name] != value:
                raise QueryError(name, "is given twice; it takes one value")
            single[name] = value
        else:
            allowed = [*OTHER, *BY_NAME, *RANGES, *sorted(skip)]
            raise QueryError(name, "is not a search parameter", allowed)
    for name in RANGES:
        if single.get(name, "").strip():
            ranges[name] = _integer(name, single[name].strip(), 0, None)
    if "age_from" in ranges and "age_to" in ranges and ranges["age_from"] > ranges["age_to"]:
        raise QueryError("age_to", f"the age range ends ({ranges['age_to']}) before it starts "
                                   f"({ranges['age_from']})")
    sort = single.get("sort") or "relevance"
    if sort not in SORTS:
        raise QueryError("sort", f"{sort!r} is not a sort order", SORTS)
    size = _integer("size", single["size"], *SIZES) if single.get("size") else DEFAULT_SIZE
    page = _integer("page", single["page"], 1, 100_000) if single.get("page") else 1
    q = single.get("q", "").strip()
    return Query(q, parse_text(q), {k: tuple(v) for k, v in filters.items() if v}, ranges, sort, page, size)


def folded(text: str) -> str:
    """`text` lowercased and without accents, as the full-text index's tokenizer sees it."""
    if text.isascii():
        return text.lower()
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def finds(term: Term) -> Callable[[str], bool]:
    """A test of whether a folded text holds `term` (its words in a row; the last one a prefix, for one)."""
    words = [folded(w) for w in term.words]
    pattern = r"[\W_]+".join(re.escape(w) for w in words)
    end = "" if term.prefix else r"(?![^\W_])"
    found = re.compile(r"(?<![^\W_])" + pattern + end)
    return lambda text: found.search(text) is not None
