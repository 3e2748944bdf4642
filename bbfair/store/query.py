"""SPARQL queries against a published store, local (Oxigraph, in process) or remote (SPARQL Protocol).

The default dataset of every query is the union of the resources' named graphs as the default graph, and every
named graph. As SPARQL 1.1 says (§13.2), a query's own `FROM` / `FROM NAMED` clauses replace that dataset, and
the protocol's `default-graph-uri` / `named-graph-uri` replace both (`execute`). bbfair's prefixes
(`vocab/prefixes.json`: dcat, dct, foaf, healthdcatap, …) are predeclared, so a steward can write
`?d a dcat:Dataset` without a PREFIX line. Only queries run: an update is a syntax error here, never a change.

`execute` is the one engine behind `bbfair query` and the `/sparql` endpoint's workers: it runs a query on an
Oxigraph store and serialises the answer natively, optionally stopping after a number of rows (the answer is
first written as TSV, one line per solution, into a sink that stops Oxigraph's serialiser at the cap).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ..errors import StoreError

if TYPE_CHECKING:
    from .local import LocalStore

#: --format → (pyoxigraph format, media type) for SELECT/ASK results
TABLE_FORMATS: dict[str, tuple[ox.QueryResultsFormat, str]] = {
    "json": (ox.QueryResultsFormat.JSON, "application/sparql-results+json"),
    "xml": (ox.QueryResultsFormat.XML, "application/sparql-results+xml"),
    "csv": (ox.QueryResultsFormat.CSV, "text/csv"),
    "tsv": (ox.QueryResultsFormat.TSV, "text/tab-separated-values"),
}
#: --format → (pyoxigraph format, media type) for CONSTRUCT/DESCRIBE results
GRAPH_FORMATS: dict[str, tuple[ox.RdfFormat, str]] = {
    "turtle": (ox.RdfFormat.TURTLE, "text/turtle"),
    "nt": (ox.RdfFormat.N_TRIPLES, "application/n-triples"),
    "jsonld": (ox.RdfFormat.JSON_LD, "application/ld+json"),
    "rdf": (ox.RdfFormat.RDF_XML, "application/rdf+xml"),
}
_ALIASES = {"ttl": "turtle", "ntriples": "nt", "json-ld": "jsonld", "rdfxml": "rdf"}
_FORM = re.compile(r"^\s*(?:(?:PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>)\s*|#[^\n]*\n\s*)*(\w+)", re.IGNORECASE)


@dataclass(frozen=True)
class Answer:
    """A serialised query result: `kind` is table (SELECT), boolean (ASK) or graph (CONSTRUCT/DESCRIBE); `rows`
    counts solutions or distinct triples; `truncated` says the row cap cut it short."""

    body: bytes
    media_type: str
    kind: str = "table"
    rows: int | None = None
    truncated: bool = False


class QuerySyntaxError(StoreError):
    """The query is not SPARQL 1.1 as Oxigraph parses it (the message is the parser's)."""


class NotAcceptableError(StoreError):
    """The query gives a result (table or graph) for which no acceptable format was chosen."""

    def __init__(self, kind: str) -> None:
        super().__init__(f"the query gives a {'graph' if kind == 'graph' else 'result table'}")
        self.kind = kind


class _Enough(Exception):
    """Raised from a sink's write() to stop Oxigraph's serialiser once the row cap is passed."""


class _LineSink:
    """A binary file Oxigraph serialises into, counting lines (one per solution in TSV) and stopping the
    serialiser — and so the query — when more than `cap` lines or `max_bytes` bytes arrived."""

    def __init__(self, cap: int, max_bytes: int | None = None) -> None:
        self.cap = cap
        self.max_bytes = max_bytes
        self.parts: list[bytes] = []
        self.lines = 0
        self.size = 0

    def write(self, chunk: bytes) -> int:
        data = bytes(chunk)
        self.parts.append(data)
        self.lines += data.count(b"\n")
        self.size += len(data)
        if self.lines > self.cap or (self.max_bytes is not None and self.size > self.max_bytes):
            raise _Enough
        return len(data)

    def flush(self) -> None:
        """Nothing to flush: the parts stay in memory."""


class _DistinctLineSink(_LineSink):
    """N-Triples lines without repeats (Oxigraph's CONSTRUCT may repeat a triple), stopping after `cap`."""

    def __init__(self, cap: int | None, max_bytes: int | None = None) -> None:
        super().__init__(cap or 0, max_bytes)
        self.unlimited = cap is None
        self.seen: dict[bytes, None] = {}
        self.carry = b""

    def write(self, chunk: bytes) -> int:
        data = self.carry + bytes(chunk)
        lines = data.split(b"\n")
        self.carry = lines.pop()
        self.seen.update(dict.fromkeys(lines))
        self.size += len(chunk)
        if (not self.unlimited and len(self.seen) > self.cap) or \
                (self.max_bytes is not None and self.size > self.max_bytes):
            raise _Enough
        return len(chunk)


def _table(result: ox.QuerySolutions, key: str, max_rows: int | None, max_bytes: int | None = None) -> Answer:
    """SELECT results in `key`'s format. With a cap they are first written as TSV (one line per solution, so
    the serialiser can be stopped at the cap) and re-serialised natively: ~10 % dearer than a direct write."""
    fmt, media = TABLE_FORMATS[key]
    if max_rows is None and max_bytes is None:
        return Answer(result.serialize(format=fmt) or b"", media, "table")
    if max_rows is None:
        max_rows = 2**62
    sink = _LineSink(max_rows + 1, max_bytes)  # the header line + max_rows solutions
    truncated = False
    try:
        result.serialize(sink, format=ox.QueryResultsFormat.TSV)
    except _Enough:
        truncated = True
    lines = b"".join(sink.parts).split(b"\n")[:-1]
    if len(lines) > max_rows + 1:
        lines, truncated = lines[: max_rows + 1], True
    if max_bytes is not None and truncated:  # only whole solutions, within the byte limit
        while len(lines) > 1 and sum(len(line) + 1 for line in lines) > max_bytes:
            lines.pop()
    tsv = b"\n".join(lines) + b"\n"
    body = tsv if fmt == ox.QueryResultsFormat.TSV else \
        ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV).serialize(format=fmt) or b""
    return Answer(body, media, "table", len(lines) - 1, truncated)


def _graph(result: ox.QueryTriples, key: str, max_rows: int | None, max_bytes: int | None = None) -> Answer:
    """CONSTRUCT/DESCRIBE triples without duplicates in `key`'s format, at most `max_rows` of them (and about
    `max_bytes` of N-Triples)."""
    fmt, media = GRAPH_FORMATS[key]
    sink = _DistinctLineSink(max_rows, max_bytes)
    truncated = False
    try:
        result.serialize(sink, format=ox.RdfFormat.N_TRIPLES)
    except _Enough:
        truncated = True
    lines = [line for line in sink.seen if line]
    if max_rows is not None and len(lines) > max_rows:
        lines, truncated = lines[:max_rows], True
    ntriples = b"".join(line + b"\n" for line in lines)
    if fmt == ox.RdfFormat.N_TRIPLES:
        return Answer(ntriples, media, "graph", len(lines), truncated)
    triples = [q.triple for q in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)]
    opts = {"prefixes": used_prefixes(triples)} if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else {}
    return Answer(ox.serialize(triples, format=fmt, **opts) or b"", media, "graph", len(lines), truncated)


def execute(store: ox.Store, query: str, *, table: str | None = "json", graph: str | None = "turtle",
            max_rows: int | None = None, default_graph: list[str] | None = None,
            named_graphs: list[str] | None = None, max_bytes: int | None = None) -> Answer:
    """Run `query` on `store` (Oxigraph, bbfair's prefixes predeclared) and serialise the answer: a table or
    boolean in the `table` format, a graph in the `graph` format (None: not acceptable → NotAcceptableError).
    At most `max_rows` solutions or triples (and about `max_bytes` bytes) are read. The one engine behind
    `bbfair query` and the `/sparql` endpoint.

    The dataset (SPARQL 1.1 §13.2 and the Protocol §2.1.4): `default_graph` / `named_graphs` (the protocol's
    default-graph-uri / named-graph-uri), when either is given, are the whole dataset (the one not given is
    empty); else the query's own FROM / FROM NAMED; else the union of every named graph as the default graph,
    with every named graph."""
    options: dict = {"prefixes": _prefixes()}
    if default_graph is not None or named_graphs is not None:
        options["default_graph"] = [ox.NamedNode(iri) for iri in default_graph or ()]
        options["named_graphs"] = [ox.NamedNode(iri) for iri in named_graphs or ()]
    elif not names_dataset(query):
        options["use_default_graph_as_union"] = True
    try:
        result = store.query(query, **options)
    except SyntaxError as exc:
        raise QuerySyntaxError(str(exc)) from None
    if isinstance(result, ox.QueryTriples):
        if graph is None:
            raise NotAcceptableError("graph")
        return _graph(result, graph, max_rows, max_bytes)
    if table is None:
        raise NotAcceptableError("table")
    if isinstance(result, ox.QueryBoolean):
        fmt, media = TABLE_FORMATS[table]
        return Answer(result.serialize(format=fmt) or b"", media, "boolean", 1)
    return _table(result, table, max_rows, max_bytes)


#: what hides a FROM that is not a keyword: long and short strings, IRIs, comments, names ending or starting
#: with ':' (prefixed names) and variables
_NOT_KEYWORDS = re.compile(r'''"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'|"(?:[^"\\\n]|\\.)*"'''
                           r"""|'(?:[^'\\\n]|\\.)*'|<[^<>\s"{}|^`\\]*>|#[^\n]*|[?$][\w]+|(?<![\w.-])[\w.-]*:[\w.:%-]*""")
_FROM = re.compile(r"\bFROM\b", re.IGNORECASE)


def names_dataset(query: str) -> bool:
    """Whether the query has a dataset clause (FROM or FROM NAMED): the keyword, not the word in a string, an
    IRI, a comment, a variable or a prefixed name."""
    return _FROM.search(query) is not None and _FROM.search(_NOT_KEYWORDS.sub(" ", query)) is not None


def _prefixes() -> dict[str, str]:
    """bbfair's prefixes (imported here: the mapping package pulls in rdflib, which query workers never need)."""
    from ..rdf.namespaces import prefixes

    return prefixes()


def query_form(query: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE (upper case) as written after the prologue; '' if unknown."""
    found = _FORM.match(query)
    return found.group(1).upper() if found else ""


UPDATES = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})


def check_format(query: str, fmt: str | None) -> str | None:
    """Refuse an update, normalise `fmt`, and refuse a format that does not fit the query form (a table as
    Turtle, a graph as CSV)."""
    form = query_form(query)
    if form in UPDATES:
        raise StoreError(f"{form} is a SPARQL Update: the published store is read-only here (change the records "
                         "and run `bbfair build` instead)")
    if fmt is None:
        return None
    fmt = _ALIASES.get(fmt.lower(), fmt.lower())
    graph = form in ("CONSTRUCT", "DESCRIBE")
    if fmt not in TABLE_FORMATS and fmt not in GRAPH_FORMATS:
        raise StoreError(f"unknown --format {fmt!r}: use json, xml, csv or tsv for SELECT/ASK and turtle, nt, "
                         "jsonld or rdf for CONSTRUCT/DESCRIBE")
    if graph and fmt in TABLE_FORMATS:
        raise StoreError(f"a {form} query gives RDF: use --format turtle, nt, jsonld or rdf, not {fmt}")
    if form in ("SELECT", "ASK") and fmt in GRAPH_FORMATS:
        raise StoreError(f"a {form} query gives a result table: use --format json, xml, csv or tsv, not {fmt}")
    return fmt


def with_prefixes(query: str) -> str:
    """The query with bbfair's prefixes declared in front (those it does not declare itself)."""
    declared = {m.group(1) for m in re.finditer(r"PREFIX\s+([\w.-]*):", query, re.IGNORECASE)}
    lines = [f"PREFIX {p}: <{iri}>" for p, iri in _prefixes().items() if p not in declared]
    return "\n".join([*lines, query])


def used_prefixes(triples: list[ox.Triple]) -> dict[str, str]:
    """bbfair's prefixes whose namespace some IRI of `triples` starts with (so the Turtle head lists only those;
    forty unused prefixes are noise for the person reading it). Shared by `bbfair query`, `/sparql` and the
    served documents."""
    iris: set[str] = set()
    for triple in triples:
        for term in (triple.subject, triple.predicate, triple.object):
            if isinstance(term, ox.NamedNode):
                iris.add(term.value)
            elif isinstance(term, ox.Literal):
                iris.add(term.datatype.value)
    remaining = dict(_prefixes())
    found: set[str] = set()
    for iri in iris:
        if not remaining:
            break
        if not iri.startswith(tuple(remaining.values())):  # most IRIs are in no shipped namespace: checked in C
            continue
        for prefix, ns in list(remaining.items()):
            if iri.startswith(ns) and iri != ns:
                found.add(prefix)
                del remaining[prefix]
    return {p: ns for p, ns in _prefixes().items() if p in found}


def run_local(store: LocalStore, query: str, fmt: str | None = None) -> Answer:
    """Run `query` on the live build of `store` with Oxigraph."""
    fmt = check_format(query, fmt)
    build = store.open_live()
    try:
        return execute(build.quads, query, table=fmt if fmt in TABLE_FORMATS else "json",
                       graph=fmt if fmt in GRAPH_FORMATS else "turtle")
    except QuerySyntaxError as exc:
        raise StoreError(f"the query is not valid SPARQL 1.1 (updates are not run here): {exc}") from None
    finally:
        build.close()


def run(store: str | Path, query: str, fmt: str | None = None, settings=None) -> Answer:
    """Run `query` on the store at `store` (a directory or a SPARQL server URL)."""
    if str(store).startswith(("http://", "https://")):
        from .remote import RemoteStore

        fmt = check_format(query, fmt)
        graph = query_form(query) in ("CONSTRUCT", "DESCRIBE")
        media = (GRAPH_FORMATS[fmt or "turtle"] if graph else TABLE_FORMATS[fmt or "json"])[1]
        content_type, body = RemoteStore(str(store), settings).query(with_prefixes(query), media)
        return Answer(body, content_type.split(";")[0].strip() or media)
    from .local import LocalStore

    return run_local(LocalStore.open(Path(store)), query, fmt)
