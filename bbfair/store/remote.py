"""A bbfair store in any SPARQL 1.1 server (Oxigraph server, Fuseki, Virtuoso, GraphDB), reached over HTTP
through the SPARQL 1.1 Protocol (queries, updates) and the Graph Store Protocol (the build manifest).

The server holds one named graph per resource (graph IRI = resource IRI), like the local store, plus two
graphs of bbfair's own:

* `<urn:bbfair:build>`: the build manifest (`bbfair:manifest`, the JSON of `Manifest`) and a few readable
  triples (build id, `dct:created`, bbfair version, input hash, base IRI);
* `<urn:bbfair:lock>`: the holder of the build lock (id, host, pid, start time), while a build runs.

bbfair's queries read the union of the named graphs, so the server must use that union as its default graph:
Oxigraph `oxigraph serve --union-default-graph`; Fuseki `tdb2:unionDefaultGraph true` on the dataset;
Virtuoso and GraphDB do so by default. A publish checks this and refuses a server that does not. bbfair's
own two graphs are then part of the union too; they hold no catalogue classes, so catalogue queries skip them.

Every request goes through the server's adapter (`store.servers`: endpoint layout, form or direct POST, ASK
answers, batch sizes, Graph Store Protocol PUT per graph, authentication), chosen by `[store] server` or
found out from the server's first answer.

A remote store cannot switch builds atomically as the local one does: each HTTP request is one transaction
(on Oxigraph), and a publish takes many. So the manifest is written last, and before any resource graph is
touched the IRIs about to change are recorded in the manifest graph (`bbfair:pending`, one request). A build
interrupted half-way therefore leaves the old manifest with those IRIs marked; `manifest()` reports their
hashes as unknown, so the next build sees them as changed and re-sends them, completing the interrupted one
(even where a resource went back to its old content in between). Readers may see a mix of old and new
resource graphs while a publish runs.
"""

from __future__ import annotations

import json
import logging
import os
import random
import re
import socket
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import httpx
import pyoxigraph as ox

from ..config import Store as StoreSettings
from ..errors import StoreError
from ..mapping.resource import Resource
from .manifest import Manifest
from .remote_staging import RemoteStaging
from .remote_writes import insert_batches, iri_term, jobs
from .serialise import Serialiser
from .servers import Endpoints, Server, identify, server

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]

BBFAIR = "https://w3id.org/bbfair/ns#"
DCT = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"
BUILD_GRAPH = "urn:bbfair:build"
LOCK_GRAPH = "urn:bbfair:lock"
#: a lock held longer than this is taken to be left by a killed build and may be taken over
STALE_LOCK = timedelta(hours=6)
PREFIXES = f"PREFIX bbfair: <{BBFAIR}>\nPREFIX dct: <{DCT}>\nPREFIX xsd: <{XSD}>\n"

_FRACTION = re.compile(r"(\.\d{6})\d+")


def _parse_time(text: str) -> datetime:
    """An xsd:dateTime as servers write it (nanoseconds, `Z`) as an aware datetime."""
    return datetime.fromisoformat(_FRACTION.sub(r"\1", text).replace("Z", "+00:00"))


@dataclass(frozen=True)
class _Holder:
    """One entry of the lock graph."""

    id: str
    host: str
    pid: str
    started: str

    def __str__(self) -> str:
        return f"host {self.host}, pid {self.pid}, started {self.started}"


class RemoteStore:
    """A SPARQL 1.1 server as a bbfair store (see the module docstring); the same interface as `LocalStore`."""

    #: seconds between attempts of `build_lock(wait=True)` (randomised by ±50 % so waiting builds spread out)
    lock_poll = 5.0

    def __init__(self, url: str, settings: StoreSettings | None = None, client: httpx.Client | None = None,
                 batch_chars: int | None = None) -> None:
        self.settings = settings or StoreSettings()
        self.url = url.rstrip("/")
        self.timeout = self.settings.timeout
        self._batch_chars = batch_chars  # the server's own size unless given (tests make it small)
        self._own_client = client is None
        self.client = client or httpx.Client(timeout=self.timeout)
        self._server = None if self.settings.server == "auto" else server(self.settings.server)
        self._endpoints: Endpoints | None = None
        self._auth: httpx.Auth | None = None

    def close(self) -> None:
        if self._own_client:
            self.client.close()

    def __enter__(self) -> RemoteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the server ---------------------------------------------------------------------------------------------

    @property
    def server(self) -> Server:
        """The adapter of this kind of server: `[store] server`, or (for "auto") what its answer to a GET of
        the store's URL says it is (`servers.identify`). An unknown server is spoken to as the SPARQL 1.1
        Protocol is written, in Oxigraph's layout, with a warning."""
        if self._server is None:
            try:
                headers: httpx.Headers | None = self.client.get(self.url, timeout=min(self.timeout, 10.0)).headers
            except httpx.HTTPError:
                headers = None  # the first real request says what is wrong, naming its endpoint
            kind = identify(self.url, headers)
            if kind is None and headers is not None:
                log.warning("cannot tell which SPARQL server %s is (its answer names none bbfair knows); "
                            "using the SPARQL 1.1 Protocol as written, in Oxigraph's layout; set [store] server "
                            "(see docs/sparql-servers.md) if this is wrong", self.url)
            self._server = server(kind or "oxigraph")
        return self._server

    @property
    def endpoints(self) -> Endpoints:
        """The server's endpoints: its adapter's layout, each overridden by the [store] key that names it."""
        if self._endpoints is None:
            settings = self.settings
            layout = self.server.endpoints(self.url, settings.user is not None)
            self._auth = self.server.auth(settings.user,
                                          settings.password or os.environ.get("BBFAIR_STORE__PASSWORD"))
            self._endpoints = Endpoints(settings.query_endpoint or layout.query,
                                        settings.update_endpoint or layout.update,
                                        settings.graph_store_endpoint or layout.graph_store)
        return self._endpoints

    @property
    def query_endpoint(self) -> str:
        return self.endpoints.query

    @property
    def batch_chars(self) -> int:
        return self._batch_chars or self.server.batch_chars

    # --- HTTP ---------------------------------------------------------------------------------------------------

    def _send(self, what: str, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """One request; every failure becomes a StoreError saying which URL, what happened and what to check."""
        try:
            response = self.client.request(method, url, auth=self._auth, **kwargs)
        except httpx.TimeoutException:
            raise StoreError(f"{what}: {url} did not answer within {self.timeout:g} s; check that the server is "
                             "up and not overloaded, or raise [store] timeout in bbfair.toml") from None
        except httpx.ConnectError as exc:
            raise StoreError(f"{what}: cannot connect to {url} ({exc}); check that the SPARQL server is running "
                             "and that --store (or [store] in bbfair.toml) gives its address") from None
        except httpx.HTTPError as exc:
            raise StoreError(f"{what}: the request to {url} failed ({exc}); check the address and the network "
                             "between here and the server") from None
        if response.status_code >= 400:
            raise StoreError(f"{what}: {url} answered {response.status_code} {response.reason_phrase}: "
                             f"{_message(response)}; {self.server.hint(response.status_code, response.text)}")
        return response

    def _update(self, what: str, text: str) -> None:
        self._send(what, "POST", self.endpoints.update, **self.server.update_request(PREFIXES + text))

    def _put_graph(self, what: str, graph: str, ntriples: bytes) -> None:
        """Replace `graph` with the N-Triples `ntriples` (Graph Store Protocol PUT)."""
        self._send(what, "PUT", self.endpoints.graph_store, params={"graph": graph},
                   content=self.server.graph_preamble + ntriples,
                   headers={"Content-Type": self.server.graph_type})

    def _select(self, what: str, text: str) -> list[dict[str, str]]:
        """A SELECT's rows as {variable: lexical value}."""
        _kind, body = self._query(what, PREFIXES + text, "application/sparql-results+json")
        try:
            rows = json.loads(body)["results"]["bindings"]
        except (ValueError, KeyError, TypeError) as exc:
            raise StoreError(f"{what}: {self.query_endpoint} did not answer with SPARQL JSON results ({exc}); is "
                             "it a SPARQL query endpoint?") from None
        return [{k: v["value"] for k, v in row.items()} for row in rows]

    def _ask(self, what: str, text: str) -> bool:
        _kind, body = self._query(what, PREFIXES + text, "application/sparql-results+json")
        try:
            return self.server.ask(body)
        except (ValueError, KeyError, TypeError) as exc:
            raise StoreError(f"{what}: {self.query_endpoint} did not answer with SPARQL JSON results ({exc}); is "
                             "it a SPARQL query endpoint?") from None

    def _query(self, what: str, text: str, accept: str) -> tuple[str, bytes]:
        response = self._send(what, "POST", self.endpoints.query, **self.server.query_request(text, accept))
        return response.headers.get("content-type", accept), response.content

    def query(self, query: str, accept: str) -> tuple[str, bytes]:
        """Run any SPARQL query on the server (default graph: the union); return its content type and body."""
        return self._query("the query failed", query, accept)

    # --- the manifest -------------------------------------------------------------------------------------------

    def manifest(self) -> Manifest | None:
        """The manifest of the last complete build (None before the first). Resources that an interrupted build
        had started to rewrite come back with an empty hash, so the next build re-sends them."""
        what = f"cannot read the build manifest from {self.url}"
        own = f"GRAPH <{BUILD_GRAPH}> {{ <{BUILD_GRAPH}>"
        rows = self._select(what, f"SELECT ?m WHERE {{ {own} bbfair:manifest ?m }} }}")
        if not rows:
            return None
        try:
            manifest = Manifest.from_json(rows[0]["m"])
        except (ValueError, KeyError, TypeError) as exc:
            raise StoreError(f"the build manifest in {self.url} (graph <{BUILD_GRAPH}>) is damaged ({exc}); "
                             "rebuild with --force") from None
        pending = self._select(what, f"SELECT ?p WHERE {{ {own} bbfair:pending ?p }} }}")
        for row in pending:
            old = manifest.stamps.get(row["p"])
            if old is not None:
                manifest.stamps[row["p"]] = replace(old, hash="")
        return manifest

    def _manifest_triples(self, manifest: Manifest) -> bytes:
        build = manifest.build
        node = ox.NamedNode(BUILD_GRAPH)
        values: list[tuple[str, ox.NamedNode | ox.Literal]] = [
            (BBFAIR + "manifest", ox.Literal(manifest.to_json())),
            (BBFAIR + "buildId", ox.Literal(build.id)),
            (DCT + "created", ox.Literal(build.created, datatype=ox.NamedNode(XSD + "dateTime"))),
            (BBFAIR + "version", ox.Literal(build.bbfair_version)),
            (BBFAIR + "inputHash", ox.Literal(build.input_hash)),
            (BBFAIR + "baseIri", ox.NamedNode(build.base_iri)),
            (BBFAIR + "resources", ox.Literal(str(len(manifest.stamps)), datatype=ox.NamedNode(XSD + "integer"))),
        ]
        triples = [ox.Triple(node, ox.NamedNode(p), o) for p, o in values]
        return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""

    # --- the build lock -----------------------------------------------------------------------------------------

    @contextmanager
    def build_lock(self, wait: bool = False) -> Iterator[None]:
        """Hold the server's build lock, so two builds (from any machines) never interleave their writes; a
        second build is refused with the holder's host, pid and start time (or waits, with `wait`).

        Taking it is one SPARQL Update that inserts our entry only where the lock graph is empty (counted: a
        lone `FILTER NOT EXISTS` is always true on Virtuoso), then a read
        back: if ours is the only entry we hold it; if another build inserted at the same moment, we withdraw
        ours (both may withdraw; then both retry or report). Times are the server's clock (`NOW()`). A lock
        older than 6 hours is taken to be left by a killed build and is taken over (with a warning): builds are
        expected to take minutes. It is released on exit, also on an exception."""
        holder = uuid.uuid4().hex
        while True:
            other = self._try_lock(holder)
            if other is None:
                break
            if not wait:
                raise StoreError(f"another build is publishing into {self.url} ({other}); wait for it to finish "
                                 "(or use --wait)")
            time.sleep(self.lock_poll * random.uniform(0.5, 1.5))
        try:
            yield
        except BaseException:
            try:
                self._release(holder)
            except StoreError as exc:  # keep the build's own error; the lock goes stale in 6 hours
                log.warning("could not release the build lock: %s", exc)
            raise
        self._release(holder)

    def _try_lock(self, holder: str) -> _Holder | None:
        """Take the lock for `holder`: None when taken, else the build that holds it."""
        what = f"cannot take the build lock of {self.url}"
        first: _Holder | None = None
        for _attempt in range(5):
            self._update(what, f"""INSERT {{ GRAPH <{LOCK_GRAPH}> {{ <{LOCK_GRAPH}:{holder}> bbfair:holder "{holder}" ;
                bbfair:host {ox.Literal(socket.gethostname())} ; bbfair:pid "{os.getpid()}" ; bbfair:started ?now }} }}
                WHERE {{ {{ SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{LOCK_GRAPH}> {{ ?s ?p ?o }} }} }}
                FILTER(?n = 0) BIND(NOW() AS ?now) }}""")
            rows = self._select(what, f"""SELECT ?id ?host ?pid ?started (NOW() AS ?now) WHERE {{ GRAPH <{LOCK_GRAPH}>
                {{ ?h bbfair:holder ?id ; bbfair:host ?host ; bbfair:pid ?pid ; bbfair:started ?started }} }}
                ORDER BY ?started ?id""")
            holders = [_Holder(r["id"], r["host"], r["pid"], r["started"]) for r in rows]
            others = [h for h in holders if h.id != holder]
            if not others and len(holders) == 1:
                return None
            if len(holders) > len(others):  # we raced another build: withdraw and let it (or a retry) win
                self._release(holder)
            if not others:
                continue  # released between our insert and our read: try again
            first = others[0]
            now = rows[0].get("now")
            try:
                stale = now is not None and _parse_time(now) - _parse_time(first.started) > STALE_LOCK
            except ValueError:
                stale = False
            if not stale:
                return first
            log.warning("taking over the build lock of %s, held since more than 6 hours (%s)", self.url, first)
            self._release(first.id)
        return first or _Holder("?", "unknown", "?", "just now")

    def _release(self, holder: str) -> None:
        """Delete `holder`'s entry from the lock graph, and nothing else. A build that withdraws after a race
        must not delete the entry of the build that won: two inserts can both pass the "lock graph is empty"
        test (the server isolates them as snapshots), and the winner may already have read itself back alone."""
        self._update(f"cannot release the build lock of {self.url}",
                     f"DELETE WHERE {{ GRAPH <{LOCK_GRAPH}> {{ <{LOCK_GRAPH}:{holder}> ?p ?o }} }}")

    # --- publishing ---------------------------------------------------------------------------------------------

    def publish(self, resources: Sequence[Resource], manifest: Manifest, changed: set[str], removed: set[str],
                progress: Progress | None = None) -> str:
        """Send a whole conversion: see `send`. Call inside `build_lock()`. Returns the server's URL."""
        by_iri = {str(r.iri): r for r in resources}
        missing = changed - by_iri.keys()
        if missing:
            raise ValueError(f"changed resources not in `resources`: {sorted(missing)[:5]}")
        serialiser = Serialiser.of(resources)
        return self.send(lambda iri: serialiser.graph_ntriples(by_iri[iri]), manifest, changed, removed, progress)

    def staging(self, build_id: str, base_iri: str, profiles: Sequence[str] = ()) -> RemoteStaging:
        """Collect a build's changed graphs on local disk until it is known to be valid (see `RemoteStaging`).
        A SPARQL server holds the default publication profile only: `profiles` (the others) are not sent."""
        return RemoteStaging(self)

    def send(self, graph_lines: Callable[[str], list[str]], manifest: Manifest, changed: set[str],
             removed: set[str], progress: Progress | None = None) -> str:
        """Replace the named graph of every `changed` resource (its N-Triples lines from `graph_lines`), drop
        those of `removed`, then write the manifest (validation happened before). The requests are the
        server's (`remote_writes.jobs`: SPARQL Update batches within its limits, or one Graph Store Protocol
        PUT a graph); see the module docstring for what an interruption leaves."""
        todo = sorted(changed)
        gone = sorted(removed - changed)
        what = f"cannot publish into {self.url}"
        update = partial(self._update, what)
        has_manifest = self._ask(what, f"ASK {{ GRAPH <{BUILD_GRAPH}> {{ <{BUILD_GRAPH}> bbfair:manifest ?m }} }}")
        if has_manifest:
            self._check_union(f"<{BUILD_GRAPH}> bbfair:manifest ?m")
            # mark first: an interruption from here on makes the next build re-send these
            marks = [f"<{BUILD_GRAPH}> bbfair:pending {iri_term(i)} ." for i in todo + gone]
            for text in insert_batches(BUILD_GRAPH, marks, self.batch_chars, self.server.batch_statements):
                update(text)
        total = len(todo) + len(gone)
        probe: list[str] = []
        requests = jobs(self.server, update, partial(self._put_graph, what), graph_lines, gone, todo, probe,
                        self.batch_chars)
        with ThreadPoolExecutor(max_workers=1) as sender:  # the next request is made while one is sent
            sending: tuple[Future[object], int] | None = None
            for job, done in requests:
                if sending is not None:
                    sending[0].result()
                    if progress:
                        progress("publish", sending[1], total)
                sending = sender.submit(job), done
            if sending is not None:
                sending[0].result()
        if progress:
            progress("publish", total, total)
        if probe and not has_manifest:
            self._check_union(probe[0])
        self._put_graph(what, BUILD_GRAPH, self._manifest_triples(manifest))
        return self.url

    def _check_union(self, pattern: str) -> None:
        """Refuse a server whose default graph is not the union of the named graphs: bbfair's queries (and the
        web tier's) would find nothing. `pattern` is a triple pattern known to be in some named graph."""
        if not self._ask(f"cannot publish into {self.url}", f"ASK {{ {pattern} }}"):
            raise StoreError(f"{self.url} ({self.server.name}) does not use the union of the named graphs as its "
                             f"default graph, so bbfair's queries would find nothing: {self.server.union_advice}, "
                             "and build again")


def _message(response: httpx.Response) -> str:
    """The server's own explanation, shortened to what fits in one error message."""
    text = " ".join(response.text.split())
    return (text[:500] + "…" if len(text) > 500 else text) or "(no message)"
