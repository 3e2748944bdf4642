"""Query results as the query page shows them to a browser: a table of cells (IRIs as links when they are
web addresses), a yes/no answer, or the Turtle text of a graph. The template autoescapes every value; only
http(s) IRIs become links, so a `javascript:` IRI in the data stays text."""

from __future__ import annotations

import json
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Cell:
    """One value: its text, a link when it is a web IRI, its kind and a note (datatype or language)."""

    text: str
    href: str | None = None
    kind: str = "literal"  # uri | literal | bnode | triple | empty
    note: str = ""


@dataclass
class Results:
    """What the page shows under the form."""

    kind: str  # table | boolean | graph
    columns: list[str] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)
    boolean: bool | None = None
    text: str = ""
    count: int = 0
    truncated: bool = False
    max_rows: int = 0
    milliseconds: float = 0.0


_XSD = "http://www.w3.org/2001/XMLSchema#"


def _cell(term: dict | None) -> Cell:
    if not term:
        return Cell("", kind="empty")
    kind, value = term.get("type", "literal"), term.get("value", "")
    if kind == "uri":
        return Cell(value, value if value.startswith(("http://", "https://")) else None, "uri")
    if kind == "bnode":
        return Cell(f"_:{value}", kind="bnode")
    if kind == "triple":
        parts = [_cell(value.get(k)).text for k in ("subject", "predicate", "object")] \
            if isinstance(value, dict) else [str(value)]
        return Cell("<< " + " ".join(parts) + " >>", kind="triple")
    if "xml:lang" in term:
        return Cell(value, kind="literal", note="@" + term["xml:lang"])
    datatype = term.get("datatype", "")
    note = ("xsd:" + datatype[len(_XSD):]) if datatype.startswith(_XSD) else datatype
    return Cell(value, kind="literal", note="" if note == "xsd:string" else note)


def table(body: bytes, max_rows: int, truncated: bool) -> Results:
    """SPARQL JSON results (SELECT or ASK) as a page table or answer."""
    data = json.loads(body)
    if "boolean" in data:
        return Results("boolean", boolean=bool(data["boolean"]), count=1)
    columns = list(data.get("head", {}).get("vars", []))
    rows = [[_cell(binding.get(c)) for c in columns] for binding in data.get("results", {}).get("bindings", [])]
    return Results("table", columns, rows, count=len(rows), truncated=truncated, max_rows=max_rows)


def graph(body: bytes, count: int, max_rows: int, truncated: bool) -> Results:
    """A CONSTRUCT/DESCRIBE result as Turtle text."""
    return Results("graph", text=body.decode("utf-8"), count=count, truncated=truncated, max_rows=max_rows)
