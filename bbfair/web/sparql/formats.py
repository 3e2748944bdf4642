"""Which serialisation a request gets: the `format=` / `output=` / `results=` values first (repeated and in any
mix, as clients such as SPARQLWrapper send them: the first one understood for the kind of result wins), else the
`Accept` header with its q-values (through the site's `conneg.choose`). A result table (SELECT, ASK) is only
ever sent as a SPARQL results type and a graph (CONSTRUCT, DESCRIBE) only as an RDF type: asking for one the
query cannot give is 406, never a mix-up. Browsers (that prefer `text/html`) get the query page with the results
in it."""

from __future__ import annotations

from dataclasses import dataclass

from ..conneg import Offer, choose

#: SELECT/ASK results; keys are `bbfair.store.query.TABLE_FORMATS` keys. `application/json` is what many
#: clients send for SPARQL JSON results
TABLE_OFFERS = (
    Offer("json", "application/sparql-results+json", ("application/json",)),
    Offer("xml", "application/sparql-results+xml", ("application/xml", "text/xml")),
    Offer("csv", "text/csv"),
    Offer("tsv", "text/tab-separated-values"),
)
#: CONSTRUCT/DESCRIBE results; keys are `bbfair.store.query.GRAPH_FORMATS` keys
GRAPH_OFFERS = (
    Offer("turtle", "text/turtle", ("application/x-turtle", "application/turtle")),
    Offer("jsonld", "application/ld+json", ("application/json",)),
    Offer("rdf", "application/rdf+xml", ("application/xml", "text/xml")),
    Offer("nt", "application/n-triples", ("text/plain",)),
)
HTML = Offer("html", "text/html", ("application/xhtml+xml",))
#: `format=` / `output=` / `results=` words → (table key, graph key): what the widely used servers and clients mean
#: by them (`xml` is SPARQL XML for a table and RDF/XML for a graph, `json` SPARQL JSON or JSON-LD, `n3` is
#: answered with Turtle, which is N3)
WORDS: dict[str, tuple[str | None, str | None]] = {
    "json": ("json", "jsonld"), "xml": ("xml", "rdf"), "csv": ("csv", None), "tsv": ("tsv", None),
    "srj": ("json", None), "srx": ("xml", None), "turtle": (None, "turtle"), "ttl": (None, "turtle"),
    "n3": (None, "turtle"), "jsonld": (None, "jsonld"), "json-ld": (None, "jsonld"), "rdf": (None, "rdf"),
    "rdfxml": (None, "rdf"), "rdf+xml": (None, "rdf"), "rdf/xml": (None, "rdf"), "nt": (None, "nt"),
    "ntriples": (None, "nt"), "n-triples": (None, "nt"),
}
#: media types some clients send for N3 (answered with Turtle)
N3_TYPES = ("text/n3", "text/rdf+n3", "application/n3")
KINDS = {"SELECT": "table", "ASK": "table", "CONSTRUCT": "graph", "DESCRIBE": "graph"}
#: the format parameters clients use for the same thing (Virtuoso `format`, Joseki/Fuseki `output`, `results`)
FORMAT_PARAMS = ("format", "output", "results")


class NotAcceptable(ValueError):
    """Nothing the query can give is acceptable; the message lists what is offered."""

    def __init__(self, kind: str, asked: str) -> None:
        offers = TABLE_OFFERS if kind == "table" else GRAPH_OFFERS
        what = "a result table (SELECT/ASK)" if kind == "table" else "a graph (CONSTRUCT/DESCRIBE)"
        listed = ", ".join(o.media_type for o in offers)
        super().__init__(f"{asked} cannot be sent: this query gives {what}, offered as {listed} (or ?format="
                         f"{'|'.join(o.key for o in offers)}), and text/html for browsers")
        self.kind = kind


@dataclass(frozen=True)
class Choice:
    """The format for each kind of result (None: not acceptable) and whether the client wants the HTML page."""

    table: str | None
    graph: str | None
    html: bool = False


def understood(value: str) -> tuple[str | None, str | None, bool]:
    """(table key, graph key, wants HTML) one `format=` value asks for: a word (`WORDS`), a media type or a
    list of media types as in Accept (SPARQLWrapper sends `format=application/ld+json,application/x-json+ld`)."""
    value = value.strip().lower()
    if value in WORDS:
        return (*WORDS[value], False)
    if value == "html":
        return None, None, True
    if "/" not in value:
        return None, None, False
    if value in N3_TYPES:
        return None, "turtle", False
    if value.split(",")[0].split(";")[0].strip() in HTML.names():
        return None, None, True
    table, graph = choose(value, TABLE_OFFERS), choose(value, GRAPH_OFFERS)
    return (table.key if table else None), (graph.key if graph else None), False


def negotiate(accept: str | None, fmts: tuple[str, ...] | str | None, form: str = "") -> Choice:
    """The formats for a query of `form` ('' when not known yet: both kinds are chosen and the result decides).
    `fmts` are the `format=` / `output=` / `results=` values in the order sent: for each kind of result the first
    value understood for it wins (as Virtuoso and Fuseki read them); without any, `Accept` decides. Raises
    NotAcceptable when a known form (or, with format values, every form) has no acceptable format."""
    kind = KINDS.get(form, "")
    if isinstance(fmts, str):
        fmts = (fmts,)
    if fmts:
        table = graph = None
        for value in fmts:
            t, g, html = understood(value)
            if html and table is None and graph is None:
                return Choice("json", "turtle", html=True)
            table, graph = table or t, graph or g
        picked = {"table": table, "graph": graph}.get(kind, table or graph)
        if picked is None:
            raise NotAcceptable(kind or "table", "the format asked for (format=, output= or results=)")
        return Choice(table, graph)
    table_offer = choose(accept, (*TABLE_OFFERS, HTML))
    graph_offer = choose(accept, (*GRAPH_OFFERS, HTML))
    picked = {"table": table_offer, "graph": graph_offer}.get(kind)
    if kind and picked is None:
        raise NotAcceptable(kind, "the media types the Accept header lists")
    if picked is HTML or (not kind and HTML in (table_offer, graph_offer)):
        return Choice("json", "turtle", html=True)
    return Choice(table_offer.key if table_offer else None, graph_offer.key if graph_offer else None)


def description_offer(accept: str | None, fmts: tuple[str, ...] | str | None) -> Offer | None:
    """The service description's format (or the HTML page): Turtle unless asked otherwise; None → 406."""
    offers = (*GRAPH_OFFERS, HTML)
    if isinstance(fmts, str):
        fmts = (fmts,)
    if fmts:
        for value in fmts:
            _table, graph, html = understood(value)
            if html:
                return HTML
            if graph is not None:
                return next(o for o in GRAPH_OFFERS if o.key == graph)
        return None
    return choose(accept, offers)
