"""The validation report a data manager reads: every finding traced back to the record, file, line and column
it came from, grouped by record; as text for the terminal, JSON, or Turtle (`sh:ValidationReport`).

Findings come from two places and look the same: problems that stop a record from being converted at all (an
unknown code, a dangling reference, a broken CSV row: `errors.Problem`) and SHACL results on the converted
documents (`engine.Result`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD
from rdflib.util import from_n3

from ..errors import Problem
from ..mapping.resource import Resource
from ..rdf import vocab
from ..rdf.namespaces import BBFAIR
from .engine import Result
from .passes import Validation
from .shapesets import ShapeSet

SEVERITIES = ("violation", "warning", "info")


@dataclass
class Finding:
    """One thing to fix (violation) or to consider (warning, info), located as precisely as bbfair knows."""

    severity: str
    message: str
    record: str | None = None
    table: str | None = None
    file: str | None = None
    line: int | None = None
    column: str | None = None
    profile: str | None = None
    resource: str | None = None
    focus: str | None = None
    path: str | None = None
    value: str | None = None
    shape: str | None = None
    shape_name: str | None = None
    #: the publication profiles this finding keeps from being published (`bbfair.profiles`)
    profiles: list[str] = field(default_factory=list)

    def where(self) -> str:
        """`file:line` or as much as is known."""
        if self.file and self.line:
            return f"{self.file}:{self.line}"
        return self.file or ""


@dataclass
class Report:
    """All findings of one validation run, and what was checked."""

    findings: list[Finding]
    #: the publication profiles checked (the default first); empty for a run of single shape sets
    profiles: list[str]
    records: int
    resources: int
    validated: int
    seconds: float
    notices: list[str] = field(default_factory=list)
    #: the shape sets run: bbfair's own, the official ones (`official:<profile>`), extra `--shapes` files
    shapes: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, findings: list[Finding], validation: Validation | ShapeSet, **counts: object) -> Report:
        """A report of a run with `validation` (profiles and shape sets named from it)."""
        profiles = list(validation.profiles) if isinstance(validation, Validation) else []
        return cls(findings, profiles, shapes=list(validation.names), **counts)  # type: ignore[arg-type]

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def conforms(self) -> bool:
        return self.count("violation") == 0

    def grouped(self) -> list[tuple[tuple[str | None, str | None, int | None], list[Finding]]]:
        """Findings per record (record id, file, line), records in file order, violations first."""
        groups: dict[tuple[str | None, str | None, int | None], list[Finding]] = {}
        for finding in self.findings:
            groups.setdefault((finding.record, finding.file, finding.line), []).append(finding)
        order = {s: i for i, s in enumerate(SEVERITIES)}
        for items in groups.values():
            items.sort(key=lambda f: (order.get(f.severity, 9), f.column or "", f.message))
        return sorted(groups.items(), key=lambda kv: (kv[0][1] or "~", kv[0][2] or 0, kv[0][0] or ""))


# --- building -------------------------------------------------------------------------------------------------

def from_problem(problem: Problem) -> Finding:
    """An input problem (the record could not be converted) as a finding."""
    severity = "violation" if problem.severity == "error" else problem.severity
    return Finding(severity=severity, message=problem.message, record=problem.record, file=problem.file,
                   line=problem.line, column=problem.column, profile="input")


class Locator:
    """Where a converted document came from: its record, or for the node's own documents, bbfair.toml."""

    def __init__(self, resources: Sequence[Resource], config_file: str, node_id: str) -> None:
        self.resources = resources
        self.by_iri = {r.iri: r for r in resources}
        self.config_file = config_file
        self.node_id = node_id

    def origin(self, res: Resource) -> Resource | None:
        """The nearest document up the parent chain that came from a record (containers, distributions)."""
        hops = 0
        current: Resource | None = res
        while current is not None and current.source is None and hops < 8:
            current = self.by_iri.get(current.parent) if current.parent is not None else None
            hops += 1
        return current

    def finding(self, res: Resource, result: Result, shapes: ShapeSet | Validation) -> Finding:
        origin = self.origin(res)
        validation = shapes if isinstance(shapes, Validation) else Validation.single(shapes)
        ran = from_n3(result.shape) if result.shape else None
        shape = validation.reported(ran)
        finding = Finding(
            severity=result.severity.lower(), message=result.message, resource=str(res.iri),
            focus=_plain(result.focus), path=_plain(result.path), value=_plain(result.value),
            shape=str(shape) if shape is not None and not isinstance(shape, BNode) else _plain(result.shape),
            profile=validation.set_name(ran), shape_name=validation.shape_name(ran),
            profiles=list(validation.profiles_of(ran, result.variant)))
        if origin is None:
            finding.record, finding.file, finding.table = self.node_id, self.config_file, "bbfair.toml"
            return finding
        finding.record, finding.table = origin.record_id, origin.table
        if origin.source is not None:
            finding.file, finding.line = origin.source.file, origin.source.line
        finding.column = _column(origin.table, res.kind, result.path)
        return finding


def _plain(n3: str | None) -> str | None:
    """`<http://x>` → `http://x`; literals keep their quotes and datatype."""
    if n3 is None:
        return None
    return n3[1:-1] if n3.startswith("<") and n3.endswith(">") else n3


def _column(table: str | None, kind: str, path: str | None) -> str | None:
    if not table or not path or not path.startswith("<"):
        return None
    prop = path[1:-1]
    table_columns = vocab.columns()
    return table_columns.get((table, kind, prop)) or table_columns.get((table, "", prop))


# --- rendering ------------------------------------------------------------------------------------------------

def to_text(report: Report) -> str:
    """The terminal report: one block per record, then the summary."""
    lines: list[str] = []
    for (record, _file, _line), items in report.grouped():
        head = items[0]
        where = head.where()
        title = f"{head.table or 'record'} {record}" if record else "catalogue"
        lines.append(f"{title}" + (f"  ({where})" if where else ""))
        for f, sets, profiles in cells(items):
            column = f"column {f.column}: " if f.column else (f"{_short(f.path)}: " if f.path else "")
            value = f" [value: {f.value}]" if f.value else ""
            fails = f"; fails profile{'s' if len(profiles) > 1 else ''} {', '.join(profiles)}" \
                if len(sets) > 1 and profiles else ""
            lines.append(f"  {f.severity:<9} {column}{f.message}{value}  ({', '.join(sets) or '?'}{fails})")
        lines.append("")
    lines.append(summary(report))
    return "\n".join(lines)


def _plain_value(value: str | None) -> str | None:
    """A value without its datatype (`"80"^^xsd:integer` and `"80"^^xsd:nonNegativeInteger` are one cell)."""
    return None if value is None else value.split("^^", 1)[0]


def _rank(f: Finding) -> int:
    """Whose words come first for a cell: the reader's (input), bbfair's shapes, then the official files."""
    return 0 if f.profile == "input" else 2 if (f.profile or "").startswith("official:") else 1


def cells(items: list[Finding]) -> list[tuple[Finding, list[str], list[str]]]:
    """One entry per cell of a record: the findings of the same column and severity that say the same thing
    about the same value — in several shape sets (one per profile, bbfair's and the official files), or twice
    in one (a reversed age range fails the age and the minimum-age checks) — are one line, in bbfair's words,
    with every shape set and publication profile it fails. Different values of a column stay apart (two
    unknown codes), as do findings without a column. JSON and Turtle keep every finding."""
    out: list[tuple[Finding, list[str], list[str], set[str]]] = []
    for f in sorted(items, key=_rank):
        value = _plain_value(f.value)
        for head, sets, profiles, values in out:
            if f.column is None or (head.column, head.severity) != (f.column, f.severity):
                continue
            if (value is not None and value in values) or \
                    ((value is None or not values) and (f.profile or "?") not in sets):
                if (f.profile or "?") not in sets:
                    sets.append(f.profile or "?")
                profiles.extend(p for p in f.profiles if p not in profiles)
                values.update({value} - {None})
                break
        else:
            out.append((f, [f.profile or "?"], list(f.profiles), {value} - {None}))
    order = {s: i for i, s in enumerate(SEVERITIES)}
    out.sort(key=lambda c: (order.get(c[0].severity, 9), c[0].column or "", c[0].message))
    return [(head, sets, sorted(profiles)) for head, sets, profiles, _ in out]


def _short(path: str | None) -> str:
    if not path:
        return ""
    for prefix, ns in _prefix_items():
        if path.startswith(ns):
            return f"{prefix}:{path[len(ns):]}"
    return path


def _prefix_items() -> list[tuple[str, str]]:
    from ..rdf.namespaces import prefixes

    return sorted(prefixes().items(), key=lambda kv: -len(kv[1]))


def summary(report: Report) -> str:
    """One line: what was checked, against what, with what outcome, in how long."""
    verdict = "conforms" if report.conforms else "does not conform"
    reused = report.resources - report.validated
    against = f"profiles {', '.join(report.profiles)} ({', '.join(report.shapes)})" if report.profiles \
        else ", ".join(report.shapes)
    return (f"{report.records} records ({report.resources} documents, {reused} unchanged since the last run) "
            f"checked against {against} in {report.seconds:.2f} s: {verdict}; "
            f"{report.count('violation')} violation(s), {report.count('warning')} warning(s)")


def to_json(report: Report) -> str:
    """The same fields as the text report, for tools."""
    return json.dumps({
        "conforms": report.conforms,
        "summary": {"records": report.records, "documents": report.resources, "validated": report.validated,
                    "violations": report.count("violation"), "warnings": report.count("warning"),
                    "infos": report.count("info"), "seconds": round(report.seconds, 3),
                    "profiles": report.profiles, "shapes": report.shapes},
        "notices": report.notices,
        "findings": [asdict(f) for f in report.findings],
    }, indent=2, ensure_ascii=False)


def to_graph(report: Report) -> Graph:
    """An `sh:ValidationReport`; each result also carries the record, file, line, column and profile."""
    graph = Graph()
    graph.bind("sh", SH)
    graph.bind("bbfair", BBFAIR)
    root = BNode()
    graph.add((root, RDF.type, SH.ValidationReport))
    graph.add((root, SH.conforms, Literal(report.conforms)))
    severity = {"violation": SH.Violation, "warning": SH.Warning, "info": SH.Info}
    for f in report.findings:
        node = BNode()
        graph.add((root, SH.result, node))
        graph.add((node, RDF.type, SH.ValidationResult))
        graph.add((node, SH.resultSeverity, severity.get(f.severity, SH.Violation)))
        graph.add((node, SH.resultMessage, Literal(f.message)))
        focus = f.focus or f.resource
        graph.add((node, SH.focusNode, URIRef(focus) if focus and "://" in focus else Literal(f.record or "")))
        if f.path and "://" in f.path and not f.path.startswith("^"):
            graph.add((node, SH.resultPath, URIRef(f.path)))
        if f.value:
            graph.add((node, SH.value, _value(f.value)))
        if f.shape and "://" in f.shape:
            graph.add((node, SH.sourceShape, URIRef(f.shape)))
        for prop, value in ((BBFAIR.record, f.record), (BBFAIR.sourceFile, f.file), (BBFAIR.column, f.column),
                            (BBFAIR.profile, f.profile)):
            if value:
                graph.add((node, prop, Literal(value)))
        if f.line:
            graph.add((node, BBFAIR.line, Literal(f.line, datatype=XSD.integer)))
    return graph


def _value(text: str):
    try:
        return from_n3(text) if text.startswith('"') else URIRef(text) if "://" in text else Literal(text)
    except Exception:  # an odd lexical form is still worth showing as text
        return Literal(text)


def to_turtle(report: Report) -> str:
    return to_graph(report).serialize(format="turtle")
