"""Publication times and version tags: what makes a rebuild of unchanged records change nothing.

Every metadata record of the FAIR Data Point (root, catalogues, datasets, distributions, data services) carries
`fdp-o:metadataIssued` and `fdp-o:metadataModified`, as the FDP reference implementation does; catalogues, and
datasets and data services whose record gives no dates, also get `dct:issued` / `dct:modified`. The records do
not hold those times, so they come from the build: a resource keeps the times (and ETag) of the previous build while its
content hash (`bbfair.rdf.digest`, computed before any time is added) is unchanged, and gets the build time when
it changed or is new. A catalogue's hash covers its members', so a changed dataset bumps its catalogue, up to
the root, as the FDP reference does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from rdflib import Literal, URIRef

from ..rdf.digest import combine
from ..rdf.namespaces import DCT, FDP
from .context import when
from .resource import Resource, Triple

#: the kinds of resource that are FDP metadata records
RECORDS = frozenset({"fdp", "catalog", "dataset", "distribution", "service"})
#: the kinds that also get dct:issued / dct:modified when the record gives none
DATED = frozenset({"fdp", "catalog", "dataset", "service"})
_DATES = frozenset({DCT.issued, DCT.modified})


@dataclass(frozen=True, slots=True)
class Stamp:
    """What a build remembers of one resource: its content hash, version tag and times (ISO 8601)."""

    kind: str
    hash: str
    etag: str
    issued: str
    modified: str

    def as_list(self) -> list[str]:
        return [self.kind, self.hash, self.etag, self.issued, self.modified]

    @classmethod
    def from_list(cls, values: Sequence[str]) -> Stamp:
        return cls(*values)


def stamp(resources: Sequence[Resource], hashes: Sequence[str], now: datetime,
          previous: Mapping[str, Stamp] | None = None,
          added: dict[str, list[Triple]] | None = None) -> dict[str, Stamp]:
    """Add the times to every metadata record and return each resource's stamp (by IRI). `hashes` are the
    content hashes of `resources` taken before this call; `previous` the stamps of the live build. `added`, when
    given, receives the triples added to each resource (by IRI): a caller that wrote the rest already writes
    only those."""
    previous = previous or {}
    moment = when(now).toPython().isoformat()
    out: dict[str, Stamp] = {}
    for res, digest in zip(resources, hashes, strict=True):
        key = str(res.iri)
        old = previous.get(key)
        if old is not None and old.hash == digest:
            issued, modified = old.issued, old.modified
        else:
            issued = old.issued if old is not None else moment
            modified = moment
        out[key] = Stamp(res.kind, digest, combine(digest, issued, modified)[:20], issued, modified)
        if res.kind in RECORDS:
            times = _add_times(res, issued, modified)
            if added is not None:
                added[key] = times
    return out


@lru_cache(maxsize=4096)
def _literal(moment: str) -> Literal:
    """The xsd:dateTime literal of an ISO time (a build stamps most resources with a handful of times)."""
    return when(datetime.fromisoformat(moment))


def _add_times(res: Resource, issued: str, modified: str) -> list[Triple]:
    """Add the times to `res`; the triples added (none of them was there: the FDP times are only ever set here,
    and the dct ones only when the record gave none)."""
    iri: URIRef = res.iri
    issued_lit = _literal(issued)
    modified_lit = _literal(modified)
    times: list[Triple] = [(iri, FDP.metadataIssued, issued_lit), (iri, FDP.metadataModified, modified_lit)]
    if res.kind in DATED:
        # predicate first: a frozenset lookup is a hash, while comparing rdflib terms runs Python code
        said = {p for s, p, _o in res.triples if p in _DATES and s == iri}
        if DCT.issued not in said:
            times.append((iri, DCT.issued, issued_lit))
        if DCT.modified not in said:
            times.append((iri, DCT.modified, modified_lit))
    res.add(times)
    if res.kind in ("fdp", "service") and res.summary:
        # the root's container embeds its whole record (catalogs.fdp_root), a catalogue the whole record of each
        # service it lists (services.data_service: the FDP shapes want an endpoint's times wherever it is typed)
        res.summary.extend(times)
    return times
