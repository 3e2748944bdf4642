"""The SPARQL servers bbfair publishes into, and how each one departs from the SPARQL 1.1 Protocol as written.

One `Server` per kind (`[store] server` in bbfair.toml) holds everything `RemoteStore` must do differently for
it: where its endpoints are, whether a query or an update is sent as an HTML form or as a body of its own media
type, how its ASK answers read, how much one update may carry, whether changed graphs go as SPARQL Update
batches or as one Graph Store Protocol `PUT` each, which HTTP authentication it asks for, how its default graph
is made the union of the named graphs, and what its error messages mean. `identify()` tells the kind from a
server's answer, for `server = "auto"`. Nothing else in bbfair knows these quirks; docs/sparql-servers.md says
what each was tested against.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import httpx

from ..errors import StoreError

KINDS = ("oxigraph", "virtuoso", "fuseki", "graphdb")
DOCS = "docs/sparql-servers.md"


@dataclass(frozen=True)
class Endpoints:
    """Where a server takes queries, updates and Graph Store Protocol requests."""

    query: str
    update: str
    graph_store: str


class Server:
    """A SPARQL 1.1 server that follows the protocol as written (Oxigraph server's layout): queries and updates
    POSTed as `application/sparql-query` / `application/sparql-update`, ASK answered with `boolean`, changed
    graphs sent as SPARQL Update batches of `batch_chars` characters (one transaction each where the server
    has them), HTTP Basic authentication when a user is configured."""

    name: ClassVar[str] = "oxigraph"
    #: queries as `query=` and updates as `update=` in an HTML form, not as a body of their own media type
    form_post: ClassVar[bool] = False
    #: "update": changed graphs in SPARQL Update batches; "graph-store": one Graph Store Protocol PUT a graph
    writes: ClassVar[str] = "update"
    #: most characters of SPARQL Update in one request
    batch_chars: ClassVar[int] = 4_000_000
    #: most statements (triples, graph operations) in one request
    batch_statements: ClassVar[int] = 1_000_000
    #: media type of a graph sent with the Graph Store Protocol (always N-Triples text)
    graph_type: ClassVar[str] = "application/n-triples"
    #: put before every graph sent with the Graph Store Protocol
    graph_preamble: ClassVar[bytes] = b""
    #: "basic" or "digest", when [store] user is set
    auth_scheme: ClassVar[str] = "basic"
    #: how to make this server's default graph the union of its named graphs (for the error that asks for it)
    union_advice: ClassVar[str] = "start Oxigraph with `oxigraph serve --union-default-graph`"

    def endpoints(self, url: str, authenticated: bool) -> Endpoints:
        """The endpoints below `url` (what --store gives); `authenticated`: a user is configured."""
        return Endpoints(f"{url}/query", f"{url}/update", f"{url}/store")

    def auth(self, user: str | None, password: str | None) -> httpx.Auth | None:
        if user is None:
            return None
        if password is None:
            raise StoreError(f"[store] user is {user!r} but no password is given: set [store] password or the "
                             "environment variable BBFAIR_STORE__PASSWORD")
        if self.auth_scheme == "digest":
            return httpx.DigestAuth(user, password)
        return httpx.BasicAuth(user, password)

    def query_request(self, text: str, accept: str) -> dict[str, Any]:
        """The keyword arguments of the POST that runs query `text`, asking for `accept`."""
        if self.form_post:
            return {"data": {"query": text}, "headers": {"Accept": accept}}
        return {"content": text.encode("utf-8"),
                "headers": {"Content-Type": "application/sparql-query", "Accept": accept}}

    def update_request(self, text: str) -> dict[str, Any]:
        """The keyword arguments of the POST that runs update `text`."""
        if self.form_post:
            return {"data": {"update": text}}
        return {"content": text.encode("utf-8"), "headers": {"Content-Type": "application/sparql-update"}}

    def ask(self, body: bytes) -> bool:
        """The answer of an ASK query in SPARQL JSON results. Raises ValueError/KeyError/TypeError when the
        body is not one."""
        value = json.loads(body)["boolean"]
        if not isinstance(value, bool):
            raise TypeError(f"`boolean` is {value!r}")
        return value

    def hint(self, status: int, text: str) -> str:
        """What a data manager should check, for an error answer of this server."""
        if status == 400:
            return "the server refused the request as malformed (for a query: check its syntax)"
        if status in (401, 403):
            return ("the server needs credentials or refuses writes from here; set [store] user and password "
                    f"(see {DOCS}) or check its access settings")
        if status == 404:
            return (f"no such endpoint: check the URL and [store] server (see {DOCS}), or set [store] "
                    "query_endpoint / update_endpoint / graph_store_endpoint in bbfair.toml")
        if status == 405:
            return "the endpoint does not take this request: check the [store] endpoints (is the server read-only?)"
        if status == 413:
            return "the request is larger than the server accepts: raise its upload limit"
        if status >= 500:
            return "the server failed: see its log"
        return "check the server's address and configuration"


class Oxigraph(Server):
    """Oxigraph server (`oxigraph serve`): the protocol as written; `--union-default-graph` is needed."""


class Fuseki(Server):
    """Apache Jena Fuseki, one dataset: --store gives the dataset's URL (`http://host:3030/bbfair`); its
    endpoints are `query`, `update` and `data` below it. TDB2 needs `tdb2:unionDefaultGraph true`."""

    name = "fuseki"
    union_advice = "set `tdb2:unionDefaultGraph true` on the Fuseki dataset (its assembler file)"

    def endpoints(self, url: str, authenticated: bool) -> Endpoints:
        return Endpoints(f"{url}/query", f"{url}/update", f"{url}/data")


class GraphDB(Server):
    """GraphDB (and any RDF4J server), one repository: --store gives the repository's URL
    (`http://host:7200/repositories/bbfair`), which takes queries; updates go to `/statements` below it and
    graphs to `/rdf-graphs/service`. Its default graph already holds every named graph."""

    name = "graphdb"
    union_advice = "GraphDB's default graph holds every named graph unless the repository was set up otherwise"

    def endpoints(self, url: str, authenticated: bool) -> Endpoints:
        return Endpoints(url, f"{url}/statements", f"{url}/rdf-graphs/service")


class Virtuoso(Server):
    """OpenLink Virtuoso 7 (Debian's `virtuoso-opensource`). Its quirks, each seen on 7.2.5:

    * a POST with `Content-Type: application/sparql-query` is never answered (the request hangs until the
      read timeout), so queries and updates go as forms;
    * updates compile to SQL, and one request may not become more than 10,000 lines of it (error SP031: a
      whole-sample `INSERT DATA`, 12,000 triples, is refused), so changed graphs go as one Graph Store
      Protocol PUT each (Virtuoso's bulk loader: no such limit, each graph replaced at once) and what remains
      SPARQL Update (drops, pending marks) goes in batches of at most `batch_statements` statements;
    * the Graph Store Protocol guesses a body's type from its first bytes whatever its Content-Type says, and
      refuses N-Triples whose first statement does not fit in that glance (a literal over ~64 KB, such as
      bbfair's manifest) as "unsupported type text/plain": a Turtle `@prefix` line first makes it Turtle;
    * an ASK may come back as a one-row table (a variable such as `__ask_retval` bound to 1 or 0) with no
      `boolean` (reported with Virtuoso 7.2; Debian's 7.2.5 answers `boolean`): both forms are read;
    * writes need an account: `/sparql` and `/sparql-graph-crud` run as the anonymous SPARQL user, which must
      not be allowed to write on a public node; with [store] user set, bbfair uses `/sparql-auth` and
      `/sparql-graph-crud-auth`, which take HTTP Digest authentication (the user needs the SPARQL_UPDATE
      role and SQL login enabled, nothing more: see docs/sparql-servers.md);
    * `FILTER NOT EXISTS` alone in a group is always true: bbfair's lock uses a COUNT sub-query instead.

    --store gives the server's address (`http://host:8890`; a trailing `/sparql` is dropped). Its default
    graph is the union of all graphs by default."""

    name = "virtuoso"
    form_post = True
    writes = "graph-store"
    batch_statements = 2_000
    graph_type = "text/turtle"  # N-Triples is Turtle
    graph_preamble = b"@prefix bbfair: <https://w3id.org/bbfair/ns#> .\n"
    auth_scheme = "digest"
    union_advice = "Virtuoso's default graph holds every graph unless the server was set up otherwise"

    def endpoints(self, url: str, authenticated: bool) -> Endpoints:
        base = re.sub(r"/sparql(-auth)?$", "", url)
        suffix = "-auth" if authenticated else ""
        return Endpoints(f"{base}/sparql{suffix}", f"{base}/sparql{suffix}", f"{base}/sparql-graph-crud{suffix}")

    def ask(self, body: bytes) -> bool:
        answer = json.loads(body)
        if "boolean" in answer:
            return super().ask(body)
        rows = answer["results"]["bindings"]
        if not rows:
            return False
        if len(rows) != 1 or len(rows[0]) != 1:
            raise ValueError(f"an ASK answered {len(rows)} rows")
        value = str(next(iter(rows[0].values()))["value"]).strip().lower()
        if value not in ("1", "0", "true", "false"):
            raise ValueError(f"an ASK answered {value!r}")
        return value in ("1", "true")

    def hint(self, status: int, text: str) -> str:
        if "SR186" in text or "No permission" in text:
            return ("Virtuoso refuses the write: give bbfair a Virtuoso user with the SPARQL_UPDATE role and set "
                    f"[store] user and password (or BBFAIR_STORE__PASSWORD); see {DOCS}")
        if "SP031" in text or "SP030" in text:
            return ("one request compiled to more SQL than Virtuoso allows; this is a bbfair bug (its batches "
                    "should stay below the limit): please report it")
        if status == 401:
            return ("Virtuoso did not accept the credentials: check [store] user and password (the user needs "
                    f"SQL login enabled and the SPARQL_UPDATE role; see {DOCS})")
        return super().hint(status, text)


SERVERS: dict[str, type[Server]] = {"oxigraph": Oxigraph, "virtuoso": Virtuoso, "fuseki": Fuseki,
                                    "graphdb": GraphDB}


def server(name: str) -> Server:
    """The server kind called `name` (one of `KINDS`)."""
    return SERVERS[name]()


def identify(url: str, headers: Mapping[str, str] | None) -> str | None:
    """The kind of server at `url`, from its address and the headers it answered a GET with (None when the
    GET failed): an RDF4J/GraphDB repository has `/repositories/NAME` in its address; Oxigraph, Virtuoso and
    Fuseki name themselves in the `Server` header (Fuseki also sends `Fuseki-Request-Id`). None when it cannot
    be told."""
    if re.search(r"/repositories/[^/]+$", url):
        return "graphdb"
    if headers is None:
        return None
    said = headers.get("server", "").lower()
    for kind in ("oxigraph", "virtuoso", "fuseki", "graphdb"):
        if kind in said:
            return kind
    if "fuseki-request-id" in {k.lower() for k in headers}:
        return "fuseki"
    return None
