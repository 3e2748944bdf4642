"""Content negotiation: pick what to send from an `Accept` header (RFC 9110 §12.5.1), honouring q-values and
media ranges, never by substring matching.

Rules that matter for a FAIR Data Point:
- no `Accept`, or only `*/*`, gets the server's first choice (Turtle: the FDP spec's default);
- among offered types with the same q-value, one named exactly beats one reached through a wildcard, so a
  browser's `text/html,…,*/*;q=0.8` gets HTML and `text/html, */*` does too, while `*/*` alone stays Turtle;
- otherwise the server's order breaks ties (Turtle before JSON-LD before RDF/XML …);
- `q=0` refuses a type, also when a wildcard would allow it; so does a q-value that is not one by RFC 9110's
  grammar (`qvalue()`: `1e999`, `nan`, `-0`, `1.0001`), on every route (`/sparql` and `Accept-Profile` too).
Parsing is bounded: past `MAX_HEADER` characters or `MAX_RANGES` entries a header is read up to there (the
request guard, `limits.py`, refuses such headers before they reach here). The choice for a given header string
is cached: clients send a handful of distinct headers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

#: the most of a header (characters) and entries that are read
MAX_HEADER = 8192
MAX_RANGES = 64
#: RFC 9110 §12.4.2: qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
_QVALUE = re.compile(r"(?:0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)")


def qvalue(text: str) -> float:
    """The weight a `q=` parameter gives; anything that is not an RFC 9110 qvalue refuses (0.0), so a header
    is judged the same on every route."""
    text = text.strip()
    return float(text) if _QVALUE.fullmatch(text) else 0.0


@dataclass(frozen=True)
class Offer:
    """A representation the server can send: its key (`?format=` value), its media type and aliases that
    clients use for the same thing (e.g. `application/x-turtle`)."""

    key: str
    media_type: str
    aliases: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        return (self.media_type, *self.aliases)


@dataclass(frozen=True)
class _Range:
    type: str
    subtype: str
    q: float
    order: int


def _parse(header: str) -> list[_Range]:
    ranges = []
    for order, part in enumerate(header[:MAX_HEADER].split(",", MAX_RANGES)[:MAX_RANGES]):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        if media == "*":  # some old clients send a bare `*`
            media = "*/*"
        if "/" not in media:
            continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                q = qvalue(value)
        main, _, sub = media.partition("/")
        ranges.append(_Range(main, sub, q, order))
    return ranges


def _quality(ranges: list[_Range], name: str) -> tuple[float, int] | None:
    """q-value and specificity (2 exact, 1 `type/*`, 0 `*/*`) of the most specific range matching `name`."""
    main, _, sub = name.partition("/")
    best: tuple[int, float] | None = None
    for r in ranges:
        if r.type == main and r.subtype == sub:
            spec = 2
        elif r.type == main and r.subtype == "*":
            spec = 1
        elif r.type == "*" and r.subtype == "*":
            spec = 0
        else:
            continue
        if best is None or spec > best[0]:
            best = (spec, r.q)
    return None if best is None else (best[1], best[0])


def choose(accept: str | None, offers: Sequence[Offer]) -> Offer | None:
    """The offer to send for `accept`, or None when nothing offered is acceptable (→ 406)."""
    return _choose(accept or "", tuple(offers))


@lru_cache(maxsize=512)
def _choose(accept: str, offers: tuple[Offer, ...]) -> Offer | None:
    if not accept.strip():
        return offers[0] if offers else None
    ranges = _parse(accept)
    if not ranges:
        return offers[0] if offers else None
    best: tuple[float, int, int] | None = None
    chosen: Offer | None = None
    for rank, offer in enumerate(offers):
        found = [qs for qs in (_quality(ranges, name) for name in offer.names()) if qs is not None]
        if not found:
            continue
        q, spec = max(found, key=lambda qs: (qs[1], qs[0]))
        if q <= 0:
            continue
        key = (q, spec, -rank)
        if best is None or key > best:
            best, chosen = key, offer
    return chosen
