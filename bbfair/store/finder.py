"""Searches over one build's finder index (`store.searchindex`), answered from memory.

Opening the index reads, once per build, every collection's facet codes and numbers into numpy arrays: per
facet, the (collection, value) pairs sorted by value. A search is then a few vectorised steps — a mask of the
collections each filter lets through (the text through SQLite FTS5), their conjunction, and per facet one
`bincount` of its values over the collections every *other* filter lets through (disjunctive counts: a
facet's counts never shrink to the values already chosen in it). At 100k collections the arrays hold a few
million pairs and a search takes milliseconds; the SQLite file is read again only for the text and the cards
of the page shown.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..search.facets import AGE_GROUPS, FACETS, TEXT_FIELDS
from ..search.query import Query, QueryError, finds, folded
from .searchindex import TEXT_COLUMNS

#: up to this many found collections are ranked from their own text, more by one full-text query per field
SCORED_HERE = 2000
#: how many allowed values an error lists before it stops
ALLOWED_SHOWN = 60
#: relevance weight of each full-text column (`search.facets.TEXT_FIELDS`; networks weigh as organisations)
WEIGHTS = [dict(TEXT_FIELDS, networks=dict(TEXT_FIELDS)["organisations"])[c] for c in TEXT_COLUMNS]


@dataclass
class Value:
    """One value of a facet with its count under the search (and, in the disease tree, its narrower terms)."""

    code: str
    label: str
    count: int
    selected: bool = False
    children: list[Value] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "label": self.label, "count": self.count,
                               "selected": self.selected}
        if self.children:
            out["narrower"] = [c.as_dict() for c in self.children]
        return out


@dataclass
class Hit:
    """One collection found: its IRI, card (title, acronym, biobank, description) and facet codes."""

    iri: str
    card: dict[str, Any]
    facets: dict[str, list[str]]
    donors: int | None
    samples: int | None
    age: tuple[int | None, int | None]


@dataclass
class Answer:
    """What a search found: the total, one page of hits and every facet's values with counts."""

    query: Query
    total: int
    hits: list[Hit]
    facets: dict[str, list[Value]]
    #: (label, from, to, count) of each age group (`search.facets.AGE_GROUPS`) under the other filters
    age_groups: list[tuple[str, int, int | None, int]]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.size))


class _Facet:
    """One facet's (collection, value) pairs, grouped by value."""

    def __init__(self, codes: list[str], pairs_ids: list[int], pairs_vals: list[int], size: int) -> None:
        self.codes = codes
        self.index = {code: i for i, code in enumerate(codes)}
        ids, vals = np.asarray(pairs_ids, dtype=np.int64), np.asarray(pairs_vals, dtype=np.int64)
        order = np.argsort(vals, kind="stable")
        self.vals = vals[order]
        self.ids = ids[order]
        self.starts = np.searchsorted(self.vals, np.arange(len(codes) + 1))
        # the same pairs by collection (pairs arrive in collection order): counting over a few found
        # collections reads only theirs
        self.by_collection = vals
        self.collection_starts = np.searchsorted(ids, np.arange(size + 1))

    def members(self, code: str) -> np.ndarray:
        i = self.index.get(code)
        return self.ids[self.starts[i]:self.starts[i + 1]] if i is not None else self.ids[:0]

    def counts(self, base: np.ndarray, found: np.ndarray | None = None) -> np.ndarray:
        """How many of the collections in `base` (a mask; `found`: the same as indices, when known) have each
        value."""
        if found is None or len(found) * 8 > len(self.ids):
            return np.bincount(self.vals[base[self.ids]], minlength=len(self.codes))
        starts = self.collection_starts[found]
        lengths = self.collection_starts[found + 1] - starts
        offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(int(lengths.sum()))
        return np.bincount(self.by_collection[offsets], minlength=len(self.codes))


class Finder:
    """The search index of one build, loaded (see the module docstring). Safe to share between threads."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._local = threading.local()
        db = self._db()
        rows = db.execute("SELECT id, iri, biobank, title, donors, samples, age_low, age_high, facets, networks "
                          "FROM collections ORDER BY id").fetchall()
        size = (rows[-1][0] + 1) if rows else 1
        self.size = size
        self.present = np.zeros(size, dtype=bool)
        self.iris: dict[int, str] = {}
        self.donors = np.full(size, -1, dtype=np.int64)
        self.samples = np.full(size, -1, dtype=np.int64)
        self.age_low = np.full(size, -1, dtype=np.int64)
        self.age_high = np.full(size, -1, dtype=np.int64)
        self.terms: dict[str, dict[str, tuple[str, int]]] = {}
        for facet, code, label, position in db.execute("SELECT facet, code, label, position FROM terms"):
            self.terms.setdefault(facet, {})[code] = (label, position)
        self.diseases: dict[str, tuple[str, list[str]]] = {
            code: (label, json.loads(parents)) for code, label, parents in db.execute("SELECT * FROM diseases")}
        quality = {iri: json.loads(body)["quality"] for iri, body in db.execute(
            "SELECT iri, body FROM catalogs WHERE role = 'biobank'")}
        pairs: dict[str, tuple[dict[str, int], list[int], list[int]]] = {f.name: ({}, [], []) for f in FACETS}
        titles: list[tuple[str, int]] = []
        for ident, iri, biobank, title, donors, samples, low, high, facets, networks in rows:
            self.present[ident] = True
            self.iris[ident] = iri
            titles.append((title.casefold(), ident))
            for array, value in ((self.donors, donors), (self.samples, samples), (self.age_low, low),
                                 (self.age_high, high)):
                if value is not None:
                    array[ident] = value
            values: dict[str, list[str]] = json.loads(facets)
            if biobank:
                values["biobank"] = [biobank.rsplit("/catalog/", 1)[-1]]
                values["quality"] = sorted({*values.get("quality", []), *quality.get(biobank, [])})
            values["network"] = [n.rsplit("/catalog/", 1)[-1] for n in json.loads(networks or "[]")]
            for name, codes in values.items():
                index, ids, vals = pairs[name]
                for code in codes:
                    ids.append(ident)
                    vals.append(index.setdefault(code, len(index)))
        self.facets = {name: _Facet(list(index), ids, vals, size) for name, (index, ids, vals) in pairs.items()}
        disease = self.facets["disease"]
        self._roots = [c for c in disease.codes if not self.diseases.get(c, ("", []))[1]]
        self.title_rank = np.zeros(size, dtype=np.int64)
        for rank, (_title, ident) in enumerate(sorted(titles)):
            self.title_rank[ident] = rank
        self.count = int(self.present.sum())
        self._children: dict[str, list[str]] | None = None

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self._local.db = db
        return db

    # --- labels ---------------------------------------------------------------------------------------------------

    def label(self, facet: str, code: str) -> str:
        """The label of a facet value (the code itself when unknown)."""
        if facet == "disease":
            found = self.diseases.get(code)
            return found[0] if found else code
        return self.terms.get(facet, {}).get(code, (code, 0))[0]

    def known(self, facet: str, code: str) -> bool:
        return code in self.diseases if facet == "disease" else code in self.terms.get(facet, {})

    def check(self, query: Query) -> None:
        """Raise QueryError for a facet value no collection can have (not in the code list, catalogue or
        disease list)."""
        for facet, codes in query.filters.items():
            for code in codes:
                if not self.known(facet, code):
                    hint = next(f.value_hint for f in FACETS if f.name == facet)
                    allowed = [] if facet == "disease" else sorted(self.terms.get(facet, {}))
                    shown = allowed[:ALLOWED_SHOWN] + ([f"… {len(allowed) - ALLOWED_SHOWN} more"]
                                                        if len(allowed) > ALLOWED_SHOWN else [])
                    raise QueryError(facet, f"{code!r} is not a known value ({hint})", shown)

    # --- searching ------------------------------------------------------------------------------------------------

    def _matching(self, fts: str) -> np.ndarray:
        """The collections an FTS5 expression matches (ids, read as one string: fetching a row per match
        costs far more)."""
        try:
            found = self._db().execute("SELECT group_concat(rowid) FROM text WHERE text MATCH ?", (fts,)).fetchone()
        except sqlite3.Error:
            raise QueryError("q", "the text cannot be searched; it takes words, \"phrases\", prefix* and OR")\
                from None
        if not found or not found[0]:
            return np.zeros(0, dtype=np.int64)
        ids = np.array(str(found[0]).split(","), dtype=np.int64)
        return ids[ids < self.size]

    def _text(self, query: Query) -> np.ndarray:
        """The collections the text matches (a mask)."""
        mask = np.zeros(self.size, dtype=bool)
        mask[self._matching(query.fts())] = True
        return mask

    def _relevance(self, query: Query, found: np.ndarray) -> np.ndarray:
        """Relevance of the `found` collections (higher: better): for each group of the text, the weights of
        the fields it is found in (`search.facets.TEXT_FIELDS`: a word in the title counts ten times one in
        the description). SQLite's BM25 was measured 30-100× slower than matching alone on thousands of
        matches. A few found collections are scored from their own text; many, by one query per field."""
        scores = np.zeros(self.size)
        if len(found) <= SCORED_HERE:
            # the full-text table's own content table (FTS5's `%_content`): a rowid lookup through the virtual
            # table runs a scan per row
            columns = ", ".join(f"c{i}" for i in range(len(TEXT_COLUMNS)))
            rows = self._db().execute(f"SELECT id, {columns} FROM text_content WHERE id IN "
                                      f"({', '.join(str(int(i)) for i in found)})").fetchall()
            tests = [[finds(term) for term in group] for group in query.text]
            for row in rows:
                fields = [folded(value or "") for value in row[1:]]
                scores[row[0]] = sum(weight for group in tests for text, weight in zip(fields, WEIGHTS, strict=True)
                                     if any(test(text) for test in group))
            return scores
        for group in query.text:
            expression = " OR ".join(t.fts() for t in group)
            for column, weight in zip(TEXT_COLUMNS, WEIGHTS, strict=True):
                scores[self._matching(f"{{{column}}} : ({expression})")] += weight
        return scores

    def _counts_at_least(self, query: Query) -> np.ndarray:
        """Collections with at least the donors and samples asked (and present)."""
        mask = self.present.copy()
        for name, array in (("donors_min", self.donors), ("samples_min", self.samples)):
            if name in query.ranges:
                mask &= array >= query.ranges[name]
        return mask

    def _age(self, query: Query) -> np.ndarray | None:
        """Collections in the age range asked (None: no age asked)."""
        low, high = query.ranges.get("age_from"), query.ranges.get("age_to")
        if low is None and high is None:
            return None
        return self._overlap(0 if low is None else low, high)

    def _overlap(self, low: int, high: int | None) -> np.ndarray:
        """Collections whose age range overlaps [low, high] (a missing bound of theirs is open; none: no
        match)."""
        known = (self.age_low >= 0) | (self.age_high >= 0)
        theirs_high = np.where(self.age_high >= 0, self.age_high, np.iinfo(np.int64).max)
        mask = known & (theirs_high >= low)
        if high is not None:
            mask &= np.where(self.age_low >= 0, self.age_low, 0) <= high
        return mask

    def _selected(self, name: str, codes: Iterable[str]) -> np.ndarray:
        mask = np.zeros(self.size, dtype=bool)
        facet = self.facets[name]
        for code in codes:
            mask[facet.members(code)] = True
        return mask

    def search(self, query: Query) -> Answer:
        """Run `query` (see the module docstring); QueryError for an unknown facet value or text the engine
        cannot take."""
        self.check(query)
        text = self._text(query) if query.text else None
        unaged = self._counts_at_least(query)
        if text is not None:
            unaged &= text
        chosen = {name: self._selected(name, codes) for name, codes in query.filters.items()}
        for mask in chosen.values():
            unaged &= mask  # every filter but the age range: what the age groups count
        age = self._age(query)
        common = self._counts_at_least(query)
        if text is not None:
            common &= text
        if age is not None:
            common &= age
        everything = common.copy()
        for mask in chosen.values():
            everything &= mask
        found = np.flatnonzero(everything)
        facets: dict[str, list[Value]] = {}
        for facet in FACETS:
            base = everything
            if facet.name in chosen:
                base = common.copy()
                for other, mask in chosen.items():
                    if other != facet.name:
                        base &= mask
            counts = self.facets[facet.name].counts(base, found if base is everything else None)
            facets[facet.name] = self._values(facet.name, counts, query.filters.get(facet.name, ()))
        groups = [(label, low, high, int((unaged & self._overlap(low, high)).sum()))
                  for label, low, high in AGE_GROUPS]
        scores = self._relevance(query, found) if query.sort_order() == "relevance" and len(found) else None
        hits = self._page(found, query, scores)
        return Answer(query, len(found), hits, facets, groups)

    def _order(self, found: np.ndarray, query: Query, scores: np.ndarray | None) -> np.ndarray:
        rank = self.title_rank[found]
        order = query.sort_order()
        if order == "relevance" and scores is not None:
            return found[np.lexsort((rank, -scores[found]))]
        if order in ("donors", "samples"):
            counts = (self.donors if order == "donors" else self.samples)[found]
            return found[np.lexsort((rank, -counts))]  # the largest first; unknown (-1) last
        return found[np.argsort(rank, kind="stable")]

    def _page(self, found: np.ndarray, query: Query, scores: np.ndarray | None) -> list[Hit]:
        start = (query.page - 1) * query.size
        if start >= len(found):
            return []
        shown = [int(i) for i in self._order(found, query, scores)[start:start + query.size]]
        rows = {r[0]: r[1:] for r in self._db().execute(
            f"SELECT id, card, facets FROM collections WHERE id IN ({', '.join('?' * len(shown))})", shown)}
        hits = []
        for ident in shown:
            card, facets = rows[ident]
            hits.append(Hit(self.iris[ident], json.loads(card), json.loads(facets), _opt(self.donors[ident]),
                            _opt(self.samples[ident]), (_opt(self.age_low[ident]), _opt(self.age_high[ident]))))
        return hits

    def _values(self, name: str, counts: np.ndarray, selected: tuple[str, ...]) -> list[Value]:
        facet = self.facets[name]
        if name == "disease":
            return self._tree(facet, counts, selected)
        terms = self.terms.get(name, {})
        out = [Value(code, self.label(name, code), int(counts[i]), code in selected)
               for i, code in enumerate(facet.codes) if counts[i] or code in selected]
        out += [Value(code, self.label(name, code), 0, True) for code in selected if code not in facet.index]
        if name in ("donors", "samples", "temperature", "access"):
            return sorted(out, key=lambda v: terms.get(v.code, ("", 1 << 30))[1])
        return sorted(out, key=lambda v: (-v.count, v.label.casefold()))

    def children(self) -> dict[str, list[str]]:
        """Disease code -> its narrower terms that some collection is under."""
        if self._children is None:
            used = set(self.facets["disease"].codes)
            tree: dict[str, list[str]] = {}
            for code in used:
                for parent in self.diseases.get(code, ("", []))[1]:
                    tree.setdefault(parent, []).append(code)
            self._children = tree
        return self._children

    def _tree(self, facet: _Facet, counts: np.ndarray, selected: tuple[str, ...]) -> list[Value]:
        """The disease facet: the top terms, and below each selected term (and the terms above it) the
        narrower ones, each with its count."""
        open_: set[str] = set()
        todo = list(selected)
        while todo:
            code = todo.pop()
            if code not in open_:
                open_.add(code)
                todo += self.diseases.get(code, ("", []))[1]
        tree = self.children()

        def node(code: str, depth: int) -> Value:
            i = facet.index.get(code)
            value = Value(code, self.label("disease", code), int(counts[i]) if i is not None else 0,
                          code in selected)
            if code in open_ and depth < 12:
                kids = [node(c, depth + 1) for c in tree.get(code, [])]
                value.children = sorted((k for k in kids if k.count or k.code in open_),
                                        key=lambda v: (-v.count, v.label.casefold()))
            return value

        roots = [c for c in self._roots if counts[facet.index[c]] or c in open_]
        roots += [c for c in open_ if not self.diseases.get(c, ("", []))[1] and c not in facet.index]
        out = [node(code, 0) for code in roots]
        return sorted((v for v in out if v.count or v.code in open_), key=lambda v: (-v.count, v.label.casefold()))

    def term_count(self, facet: str, code: str) -> int:
        """How many collections have `code` in `facet` (for a disease: are under it)."""
        return len(self.facets[facet].members(code)) if facet in self.facets else 0


def _opt(value: np.integer) -> int | None:
    return None if value < 0 else int(value)
