"""What changed, in statements: between two versions of one record (`bbfair history ID`) and between two builds
of the whole catalogue (`bbfair diff A B`), read from the store's history (`store.history`).

Documents are N-Triples without blank nodes, one statement a line, so a version's change is the lines it lost
and the lines it gained; `readable` writes a statement the way a person reads it (prefixed names, the
catalogue's own IRIs relative to the base).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from ..mapping.iris import slug
from ..rdf.namespaces import prefixes
from .documents import Documents
from .history import BuildRow, History, Version

CREATED, UPDATED, REMOVED = "created", "updated", "removed"


@dataclass(frozen=True)
class StatementDiff:
    """Statements (N-Triples lines, without their end) one version lost and gained against the one before."""

    removed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, before: bytes | None, after: bytes | None) -> StatementDiff:
        old = _lines(before)
        new = _lines(after)
        return cls(sorted(old - new), sorted(new - old))

    def __bool__(self) -> bool:
        return bool(self.removed or self.added)


def _lines(body: bytes | None) -> set[str]:
    return {line.strip() for line in (body or b"").decode("utf-8").splitlines() if line.strip()}


@dataclass(frozen=True)
class Step:
    """One step in a record's story: a version published (created or updated) or the record removed."""

    what: str  # created | updated | removed
    build: BuildRow
    version: Version
    diff: StatementDiff | None  # None when a body was not kept


def body(history: History, version: Version | None, live: Documents) -> bytes | None:
    if version is None:
        return None
    doc = history.document(version, live)
    return doc.body if doc is not None else None


def story(history: History, iri: str, live: Documents) -> list[Step]:
    """Every kept version of `iri`, oldest first, each with what changed against the one before, and its
    removal when it was removed."""
    steps: list[Step] = []
    previous: Version | None = None
    for version in history.versions(iri):
        follows = previous is not None and previous.until is not None and previous.until.seq == version.since.seq
        before = body(history, previous, live) if follows else None
        after = body(history, version, live)
        diff = StatementDiff.of(before, after) if after is not None and (before is not None or not follows) else None
        steps.append(Step(UPDATED if follows else CREATED, version.since, version, diff))
        if version.until is not None and not any(v.since.seq == version.until.seq for v in history.versions(iri)):
            steps.append(Step(REMOVED, version.until, version, StatementDiff.of(after, None) if after else None))
        previous = version
    return steps


def find(history: History, ident: str, base: str) -> list[str]:
    """The IRIs a record id, a path below the base (`dataset/x`) or an IRI names, among those the history
    knows (a collection's id names its dataset and its distribution)."""
    if ident.startswith(("http://", "https://")):
        return [ident] if history.versions(ident) else []
    if "/" in ident:
        iri = f"{base}/{ident.strip('/')}"
        return [iri] if history.versions(iri) else []
    return [iri for iri in history.iris("/" + slug(ident)) if iri.startswith(base + "/")]


@dataclass
class CatalogueDiff:
    """The whole catalogue between two builds."""

    a: BuildRow
    b: BuildRow
    created: list[Version] = field(default_factory=list)
    removed: list[Version] = field(default_factory=list)
    updated: list[tuple[Version, Version, StatementDiff | None]] = field(default_factory=list)


def catalogue_diff(history: History, a: BuildRow, b: BuildRow, live: Documents,
                   statements: bool = True) -> CatalogueDiff:
    """Every document created, removed or changed between build `a` and build `b` (with what changed, in
    statements, unless `statements` is False)."""
    before, after = history.state(a), history.state(b)
    out = CatalogueDiff(a, b)
    out.created = [after[i] for i in sorted(after.keys() - before.keys())]
    out.removed = [before[i] for i in sorted(before.keys() - after.keys())]
    for iri in sorted(before.keys() & after.keys()):
        old, new = before[iri], after[iri]
        if old.etag != new.etag:
            diff = None
            if statements:
                old_body, new_body = body(history, old, live), body(history, new, live)
                diff = StatementDiff.of(old_body, new_body) if old_body is not None and new_body is not None else None
            out.updated.append((old, new, diff))
    return out


def build_counts(history: History) -> dict[int, tuple[int, int, int]]:
    """(created, updated, removed) documents of every build, by its place."""
    rows = history.db.execute(
        "SELECT v.since, SUM(EXISTS (SELECT 1 FROM versions w WHERE w.iri = v.iri AND w.until = v.since)), COUNT(*) "
        "FROM versions v GROUP BY v.since").fetchall()
    counts = {seq: [total - updated, updated, 0] for seq, updated, total in rows}
    for seq, gone in history.db.execute(
            "SELECT v.until, COUNT(*) FROM versions v WHERE v.until IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "
            "versions w WHERE w.iri = v.iri AND w.since = v.until) GROUP BY v.until"):
        counts.setdefault(seq, [0, 0, 0])[2] = gone
    return {seq: (c[0], c[1], c[2]) for seq, c in counts.items()}


class Readable:
    """Statements as people read them: prefixed names, the catalogue's IRIs relative to its base."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.prefixes = sorted(prefixes().items(), key=lambda kv: -len(kv[1]))

    def term(self, term: ox.NamedNode | ox.Literal | ox.BlankNode) -> str:
        if isinstance(term, ox.NamedNode):
            value = term.value
            if value.startswith(self.base + "/"):
                return f"<{value[len(self.base) + 1:] or '/'}>"
            for name, namespace in self.prefixes:
                local = value[len(namespace):]
                if value.startswith(namespace) and local and all(c.isalnum() or c in "_-." for c in local):
                    return f"{name}:{local}"
            return f"<{value}>"
        if isinstance(term, ox.Literal):
            text = '"' + term.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
            if term.language:
                return f"{text}@{term.language}"
            if term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
                return f"{text}^^{self.term(term.datatype)}"
            return text
        return str(term)

    def term_text(self, iri: str) -> str:
        return self.term(ox.NamedNode(iri))

    def statement(self, line: str) -> str:
        try:
            triple = next(iter(ox.parse(line.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)))
        except (SyntaxError, StopIteration):
            return line
        return " ".join(self.term(t) for t in (triple.subject, triple.predicate, triple.object))
