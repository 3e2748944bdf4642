"""Which serialisation a request gets: `?format=` first, else the `Accept` header with its q-values (through
the site's `conneg.choose`). A result table (SELECT, ASK) is only ever sent as a SPARQL results type and a graph
(CONSTRUCT, DESCRIBE) only as an RDF type: asking for one the query cannot give is 406, never a mix-up.
Browsers (that prefer `text/html`) get the query page with the results in it."""

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
#: `?format=` spellings besides the keys and media types
ALIASES = {"ttl": "turtle", "ntriples": "nt", "n-triples": "nt", "json-ld": "jsonld", "rdfxml": "rdf",
           "rdf+xml": "rdf", "srj": "json", "srx": "xml"}
KINDS = {"SELECT": "table", "ASK": "table", "CONSTRUCT": "graph", "DESCRIBE": "graph"}


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


def _by_format(fmt: str) -> Offer | None:
    fmt = fmt.strip().lower()
    fmt = ALIASES.get(fmt, fmt)
    for offer in (*TABLE_OFFERS, *GRAPH_OFFERS, HTML):
        if fmt == offer.key or fmt == offer.media_type:
            return offer
    return None


def negotiate(accept: str | None, fmt: str | None, form: str) -> Choice:
    """The formats for a query of `form` ('' when unknown: both kinds are chosen and the result decides).
    Raises NotAcceptable when a known form has no acceptable format."""
    kind = KINDS.get(form, "")
    if fmt:
        offer = _by_format(fmt)
        if offer is HTML:
            return Choice("json", "turtle", html=True)
        table = offer.key if offer in TABLE_OFFERS else None
        graph = offer.key if offer in GRAPH_OFFERS else None
        if offer is None or (kind == "table" and table is None) or (kind == "graph" and graph is None):
            raise NotAcceptable(kind or ("table" if graph else "graph"), f"format={fmt}")
        return Choice(table, graph)
    table_offer = choose(accept, (*TABLE_OFFERS, HTML))
    graph_offer = choose(accept, (*GRAPH_OFFERS, HTML))
    picked = {"table": table_offer, "graph": graph_offer}.get(kind)
    if kind and picked is None:
        raise NotAcceptable(kind, f"Accept: {accept}")
    if picked is HTML or (not kind and HTML in (table_offer, graph_offer)):
        return Choice("json", "turtle", html=True)
    return Choice(table_offer.key if table_offer else None, graph_offer.key if graph_offer else None)


def description_offer(accept: str | None, fmt: str | None) -> Offer | None:
    """The service description's format (or the HTML page): Turtle unless asked otherwise; None → 406."""
    offers = (*GRAPH_OFFERS, HTML)
    if fmt:
        offer = _by_format(fmt)
        return offer if offer in offers else None
    return choose(accept, offers)
