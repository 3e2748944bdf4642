"""What a harvest self-check found: the documents visited, the records the national catalogue would make of
them, and every way the real harvester would lose or mangle something, each with its reason and its fix.

The Health-RI harvester drops things silently (an HTTP error, a JSON-LD body, a subject that differs from the
URL by a trailing slash only end up in a server log nobody reads). Every such case is an `Issue` here, so a node
operator sees before Health-RI does what would be missing from the national catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from rdflib import Graph


class Effect(StrEnum):
    """What an issue does to the harvest, from worst to harmless."""

    #: something the harvester loses entirely: a node (and everything only reachable through it) or a record
    DROPPED = "dropped"
    #: a record is imported, but part of it is lost (a distribution it could not read)
    INCOMPLETE = "incomplete"
    #: a record is imported but does not meet the Health-RI shapes
    INVALID = "invalid"
    #: worth knowing, changes nothing that matters (a redirect followed, an FDP default stripped)
    NOTE = "note"


#: the effects that make a harvest check fail (exit code 1)
FAILING = (Effect.DROPPED, Effect.INCOMPLETE, Effect.INVALID)


@dataclass(frozen=True)
class Issue:
    """One thing the harvester would do differently from what the node meant: where, what, why, how to fix."""

    url: str
    code: str  # stable key for tools: http-error, unreachable, not-turtle, not-typed, guid-semicolon, ...
    effect: Effect
    reason: str
    fix: str
    via: str | None = None  # the document whose ldp:contains led to `url`


@dataclass
class Visit:
    """One GET the walk made (what the harvester's gather stage sees of a URL)."""

    url: str
    depth: int  # breadth-first level from the root (-1: fetched only by the fetch stage, for a distribution)
    via: str | None
    status: int | None = None  # None: no answer at all (connection refused, timeout, not a URL)
    content_type: str | None = None
    content_profile: str | None = None  # the server's `Content-Profile` answer, if any
    final_url: str | None = None  # after redirects, when it differs from `url`
    triples: int = 0
    parsed: bool = False  # the body parsed as Turtle (an empty graph otherwise, as in the harvester)
    types: list[str] = field(default_factory=list)  # rdf:type of <url> in its own document
    children: list[str] = field(default_factory=list)  # objects of every ldp:contains, as the harvester reads them
    error: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.parsed and self.error is None


@dataclass(frozen=True)
class Finding:
    """One SHACL result on a record, with IRIs written out plainly and the property as a CURIE."""

    focus: str
    path: str | None
    value: str | None
    severity: str  # Violation | Warning | Info
    message: str  # the shape's message: what to fix
    shape: str | None
    summary: str = ""  # short: "dct:description missing", "<…/agent/x> foaf:mbox: 2 values, at most 1"


@dataclass
class Record:
    """A node the harvester turns into a catalogue entry: its GUID, the graph it would import (the document with
    the FDP defaults removed and its distributions merged in), and what the Health-RI shapes say about it."""

    url: str
    kind: str  # dataset | series | catalog
    guid: str
    imported: bool = True
    via: str | None = None  # the document whose ldp:contains listed it
    distributions: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    graph: Graph | None = field(default=None, repr=False)

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    @property
    def valid(self) -> bool:
        return not self.violations


@dataclass
class HarvestReport:
    """The whole check. `fatal` is set when the root itself could not be fetched or parsed: nothing was walked."""

    root: str
    harvest_catalogs: bool
    profiles: list[str]
    visits: list[Visit] = field(default_factory=list)  # the gather stage's GETs, breadth first
    #: the publication profile judged by (its token) and the official shape files it was judged with
    profile: str = ""
    judged_with: list[str] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    fatal: str | None = None
    seconds: float = 0.0

    def of_kind(self, kind: str) -> list[Record]:
        return [r for r in self.records if r.kind == kind]

    @property
    def imported(self) -> list[Record]:
        """The records the national catalogue would store (valid or not)."""
        return [r for r in self.records if r.imported]

    @property
    def dropped(self) -> list[Issue]:
        """Everything the harvester loses: nodes it cannot read, records it cannot make, parts of records."""
        return [i for i in self.issues if i.effect in (Effect.DROPPED, Effect.INCOMPLETE)]

    @property
    def invalid(self) -> list[Record]:
        return [r for r in self.imported if not r.valid]

    @property
    def catalogs_seen(self) -> list[Visit]:
        """Documents typed dcat:Catalog at their own URL (records only with `harvest_catalogs`)."""
        return [v for v in self.visits if _DCAT_CATALOG in v.types]

    @property
    def ok(self) -> bool:
        """Nothing dropped, nothing lost, every imported record valid, and the root was usable."""
        return self.fatal is None and not any(i.effect in FAILING for i in self.issues)

    @property
    def exit_code(self) -> int:
        """0 ok; 1 something dropped or invalid; 2 the root could not be fetched or parsed at all."""
        if self.fatal is not None:
            return 2
        return 0 if self.ok else 1


_DCAT_CATALOG = "http://www.w3.org/ns/dcat#Catalog"
