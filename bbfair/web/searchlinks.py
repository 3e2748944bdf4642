"""From a vocabulary term's page to the collections that have it: the finder's address filtered by the term,
with the number of collections it finds. A term page (`/vocab/material-type/PLASMA`) links to each facet the
term is a value of (a sample-size term is both a donors and a samples value); a vocabulary's page
(`/vocab/material-type`, `/vocab/diseases`) gives each of its terms its count and link."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from ..search.facets import FACETS
from ..store.finder import Finder

#: code list -> the facets whose values are its concepts
SCHEMES: dict[str, list[str]] = {}
for _facet in FACETS:
    if _facet.scheme:
        SCHEMES.setdefault(_facet.scheme, []).append(_facet.name)
SCHEMES.setdefault("quality-standard", []).append("quality")
DISEASES = "diseases"


@dataclass(frozen=True)
class TermLink:
    """The finder filtered by one term in one facet: the facet's heading, the address and the count."""

    facet: str
    label: str
    href: str
    count: int


class TermLinks:
    """The finder's links for the vocabulary pages of one build (the index is loaded on first use)."""

    def __init__(self, base: str, search_url: str, finder: Callable[[], Finder | None]) -> None:
        self.base = base
        self.search_url = search_url
        self._finder = finder

    def _link(self, finder: Finder, facet: str, code: str) -> TermLink:
        label = next(f.label for f in FACETS if f.name == facet)
        return TermLink(facet, label, f"{self.search_url}?{urlencode({facet: code})}",
                        finder.term_count(facet, code))

    def _place(self, iri: str) -> tuple[str, str] | None:
        """(code list, code) of a concept IRI of this catalogue (`{base}/vocab/{scheme}/{code}`)."""
        prefix = f"{self.base}/vocab/"
        if not iri.startswith(prefix) or iri.count("/", len(prefix)) != 1:
            return None
        scheme, code = iri[len(prefix):].split("/")
        return (scheme, code) if scheme in SCHEMES else None

    def for_term(self, iri: str) -> list[TermLink]:
        """The finder's links of the concept `iri` (none for a term of no facet)."""
        finder = self._finder()
        place = self._place(iri)
        if finder is None or place is None:
            return []
        return [self._link(finder, facet, place[1]) for facet in SCHEMES[place[0]]]

    def for_members(self, scheme_iri: str, codes: list[str]) -> dict[str, list[TermLink]]:
        """code -> the finder's links, for the terms of the vocabulary `scheme_iri` (the disease list's too)."""
        finder = self._finder()
        prefix = f"{self.base}/vocab/"
        scheme = scheme_iri[len(prefix):] if scheme_iri.startswith(prefix) else ""
        if finder is None:
            return {}
        if scheme == DISEASES:
            return {code: [self._link(finder, "disease", code)] for code in codes}
        facets = SCHEMES.get(scheme, [])
        return {code: [self._link(finder, facet, code) for facet in facets] for code in codes} if facets else {}
