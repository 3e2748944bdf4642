"""SPARQL queries against a published store, local (Oxigraph, in process) or remote (SPARQL Protocol).

The default graph of every query is the union of the resources' named graphs. bbfair's prefixes
(`vocab/prefixes.json`: dcat, dct, foaf, healthdcatap, …) are predeclared, so a steward can write
`?d a dcat:Dataset` without a PREFIX line. Only queries run: an update is a syntax error here, never a change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..errors import StoreError
from ..mapping.namespaces import prefixes
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
    """A serialised query result."""

    body: bytes
    media_type: str


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
    lines = [f"PREFIX {p}: <{iri}>" for p, iri in prefixes().items() if p not in declared]
    return "\n".join([*lines, query])


def used_prefixes(triples: list[ox.Triple]) -> dict[str, str]:
    """bbfair's prefixes whose namespace some IRI of `triples` is in (so the Turtle head lists only those)."""
    namespaces: set[str] = set()
    for triple in triples:
        for term in (triple.subject, triple.predicate, triple.object):
            if isinstance(term, ox.NamedNode):
                value = term.value
                cut = max(value.rfind("#"), value.rfind("/"), value.rfind("_"))
                namespaces.add(value[: cut + 1])
            elif isinstance(term, ox.Literal):
                namespaces.add(term.datatype.value.rsplit("#", 1)[0] + "#")
    return {p: ns for p, ns in prefixes().items() if ns in namespaces}


def run_local(store: LocalStore, query: str, fmt: str | None = None) -> Answer:
    """Run `query` on the live build of `store` with Oxigraph."""
    fmt = check_format(query, fmt)
    build = store.open_live()
    try:
        try:
            result = build.quads.query(query, prefixes=prefixes(), use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise StoreError(f"the query is not valid SPARQL 1.1 (updates are not run here): {exc}") from None
        if isinstance(result, ox.QueryTriples):
            name = fmt or "turtle"
            rdf_format, media = GRAPH_FORMATS[name]
            triples = list(dict.fromkeys(result))  # Oxigraph's CONSTRUCT may repeat triples
            opts = {"prefixes": used_prefixes(triples)} \
                if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else {}
            return Answer(ox.serialize(triples, format=rdf_format, **opts) or b"", media)
        table_format, media = TABLE_FORMATS[fmt or "json"]
        return Answer(result.serialize(format=table_format) or b"", media)
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
    return run_local(LocalStore.open(Path(store)), query, fmt)
