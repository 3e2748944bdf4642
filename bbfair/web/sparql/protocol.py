"""The SPARQL 1.1 Protocol's query operation (https://www.w3.org/TR/sparql11-protocol/#query-operation): a
query by GET (`?query=`), by POST of a form (`query=`) or by POST of the query itself
(`Content-Type: application/sparql-query`), with optional `default-graph-uri` and `named-graph-uri`.

The update operation is refused in every form (`update=`, `application/sparql-update`): the endpoint is
read-only. Anything else a client might send is answered with the status the protocol names."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.datastructures import FormData, QueryParams
from starlette.requests import Request

from .formats import FORMAT_PARAMS
from .safety import READ_ONLY

#: the largest query accepted unless told otherwise (bytes of text; `[sparql] max_query_bytes`); a catalogue
#: question is a few kB
MAX_QUERY = 256 * 1024
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class ProtocolError(ValueError):
    """A request the protocol does not allow; `status` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class QueryRequest:
    """What a request asks: the query (None: no query, e.g. the page or the service description), the
    datasets, the `format=` / `output=` / `results=` values in the order sent, and `cookbook=` (a saved query to
    put in the page's form)."""

    query: str | None
    default_graph: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    cookbook: str | None = None
    #: `_profile=`: the publication profile whose dataset to query (W3C Content Negotiation by Profile)
    profile: str | None = None


def _single(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise ProtocolError(400, f"give one {name}= parameter, not {len(values)}")
    return values[0] if values else None


def _from(params: QueryParams | FormData, extra: QueryParams | None = None) -> QueryRequest:
    def values(name: str) -> list[str]:
        found = [str(v) for v in params.getlist(name)]
        if extra is not None:
            found += extra.getlist(name)
        return found

    if values("update"):
        raise ProtocolError(400, READ_ONLY.format(what="update="))
    query = _single(values("query"), "query")
    items = [*params.multi_items(), *(extra.multi_items() if extra is not None else ())]
    formats = tuple(str(v) for k, v in items if k in FORMAT_PARAMS)
    return QueryRequest(query, tuple(values("default-graph-uri")), tuple(values("named-graph-uri")),
                        formats, _single(values("cookbook"), "cookbook"), _single(values("_profile"), "_profile"))


async def parse(request: Request, max_query: int = MAX_QUERY) -> QueryRequest:
    """The query operation a GET or POST asks for; a query longer than `max_query` bytes is refused (413)."""
    if request.method in ("GET", "HEAD"):
        found = _from(request.query_params)
    else:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type == "application/sparql-update":
            raise ProtocolError(400, READ_ONLY.format(what="application/sparql-update"))
        if content_type == "application/sparql-query":
            body = await request.body()  # at most [limits] body_bytes: the request guard saw to that
            if len(body) > max_query:
                raise ProtocolError(413, _too_long(max_query))
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                raise ProtocolError(400, "the query is not UTF-8 text") from None
            found = _from(request.query_params)
            if found.query is not None:
                raise ProtocolError(400, "a POST of application/sparql-query carries the query in its body, "
                                         "not also in ?query=")
            found = QueryRequest(text, found.default_graph, found.named_graphs, found.formats,
                                 profile=found.profile)
        elif content_type in FORM_TYPES:
            form = await request.form()
            found = _from(form, request.query_params)
        else:
            raise ProtocolError(415, "POST a query as application/x-www-form-urlencoded (query=…) or as "
                                     f"application/sparql-query, not {content_type or 'without a Content-Type'}")
        if found.query is None:
            raise ProtocolError(400, "no query: POST query=… (or the query itself as application/sparql-query)")
    if found.query is not None and len(found.query.encode("utf-8")) > max_query:
        raise ProtocolError(413, _too_long(max_query))
    return found


def _too_long(max_query: int) -> str:
    return f"the query is longer than {max_query} bytes (this endpoint's limit)"
