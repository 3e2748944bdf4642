"""Queries answered by the node's own SPARQL server (`[sparql] upstream`), read back as bbfair's local engine
would have answered them: the answer is fetched in SPARQL JSON results (a table or a boolean) or N-Triples (a
graph), through the server's adapter (`store.servers`: form POST for Virtuoso, its ASK answers), then capped at
`max_rows` / `max_bytes` and written in the format asked for by the same code as a local answer
(`query.execute`'s serialisers). So `/sparql` gives the same formats, caps and headers whichever engine answers.

This module makes no decision about what may be asked: the web tier's checks (`web/sparql/upstream_pool.py`)
run first."""

from __future__ import annotations

import httpx
import pyoxigraph as ox

from ..errors import StoreError
from .query import TABLE_FORMATS, Answer, NotAcceptableError, _graph, _table
from .servers import Server, identify, server

JSON = "application/sparql-results+json"
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
RDF_TYPES = {"application/n-triples": ox.RdfFormat.N_TRIPLES, "text/plain": ox.RdfFormat.N_TRIPLES,
             "text/turtle": ox.RdfFormat.TURTLE, "application/rdf+xml": ox.RdfFormat.RDF_XML}
#: an answer is read up to this many times the result byte limit (then refused: it cannot be capped whole)
READ_FACTOR = 4


class UpstreamError(StoreError):
    """The upstream server failed or answered something that is not a SPARQL result."""


class Upstream:
    """One upstream SPARQL query endpoint, spoken to with its server's adapter."""

    def __init__(self, url: str, kind: str = "auto", client: httpx.AsyncClient | None = None) -> None:
        self.url = url
        self.kind = kind
        self._server: Server | None = None if kind == "auto" else server(kind)
        self.client = client or httpx.AsyncClient()

    async def close(self) -> None:
        await self.client.aclose()

    async def adapter(self) -> Server:
        """The server's adapter: `[sparql] upstream_server`, or what its answer to a GET says it is."""
        if self._server is None:
            try:
                headers: httpx.Headers | None = (await self.client.get(self.url, timeout=10.0)).headers
            except httpx.HTTPError:
                headers = None
            self._server = server(identify(self.url, headers) or "oxigraph")
        return self._server

    async def answer(self, query: str, form: str, *, table: str | None, graph: str | None, max_rows: int,
                     max_bytes: int, timeout: float, default_graph: tuple[str, ...] = (),
                     named_graphs: tuple[str, ...] = ()) -> Answer:
        """`query` (of `form`: SELECT, ASK, CONSTRUCT or DESCRIBE) answered by the upstream server, in `table`
        or `graph` format, capped. Raises UpstreamError; httpx.TimeoutException after `timeout` seconds."""
        adapter = await self.adapter()
        wants_graph = form in ("CONSTRUCT", "DESCRIBE")
        request = adapter.query_request(query, GRAPH_ACCEPT if wants_graph else JSON)
        dataset = [("default-graph-uri", g) for g in default_graph] + [("named-graph-uri", g) for g in named_graphs]
        if dataset:
            request["params"] = dataset
        limit = max_bytes * READ_FACTOR
        async with self.client.stream("POST", self.url, timeout=timeout, **request) as response:
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > limit:
                    raise UpstreamError(f"the SPARQL server's answer passed {limit // 2**20} MiB, more than this "
                                        "endpoint reads; add a LIMIT to the query")
        if response.status_code >= 400:
            text = " ".join(bytes(body).decode("utf-8", "replace").split())[:300]
            raise UpstreamError(f"the SPARQL server answered {response.status_code}: {text}")
        media = response.headers.get("content-type", "").split(";")[0].strip().lower()
        try:
            if wants_graph:
                return self._graph(bytes(body), media, graph, max_rows, max_bytes)
            return self._table(adapter, bytes(body), form, table, max_rows, max_bytes)
        except (ValueError, SyntaxError, KeyError, TypeError) as exc:
            raise UpstreamError(f"the SPARQL server's answer ({media or 'no type'}) could not be read: {exc}") \
                from None

    @staticmethod
    def _table(adapter: Server, body: bytes, form: str, key: str | None, max_rows: int, max_bytes: int) -> Answer:
        if key is None:
            raise NotAcceptableError("table")
        if form == "ASK":  # Virtuoso may answer a one-row table: the adapter reads both forms
            found = ox.Store().query("ASK {}" if adapter.ask(body) else "ASK { FILTER(false) }")
            fmt, media = TABLE_FORMATS[key]
            return Answer(found.serialize(format=fmt) or b"", media, "boolean", 1)
        results = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        if not isinstance(results, ox.QuerySolutions):
            raise ValueError("a boolean answered a SELECT")
        return _table(results, key, max_rows, max_bytes)

    @staticmethod
    def _graph(body: bytes, media: str, key: str | None, max_rows: int, max_bytes: int) -> Answer:
        if key is None:
            raise NotAcceptableError("graph")
        fmt = RDF_TYPES.get(media)
        if fmt is None:
            raise ValueError(f"a graph in {media!r} is not one bbfair reads")
        store = ox.Store()
        store.extend(ox.parse(body, format=fmt))  # triples: into the default graph
        return _graph(store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"), key, max_rows, max_bytes)
