"""`/sparql` answered by the node's own SPARQL server (`[sparql] upstream`) instead of the build's store, with
the same safety and limits: it stands in for the worker pool (`pool.py`, same `run`), so the route's checks
(query size, nesting, SERVICE hosts, updates refused), per-client admission, `max_running`, `queue_wait`,
`timeout`, `slow_after`/`max_slow`, `max_rows` and `max_result_bytes` apply unchanged. Two more checks,
because the upstream server reads more than SPARQL 1.1: every query is parsed as standard SPARQL 1.1 first
(rdflib's parser, off the event loop), so a server's own syntax (Virtuoso's `define`, `sparql`-prefixed SQL)
never reaches it, and a function IRI in a server's built-in namespaces (Virtuoso's `bif:` and `sql:`, which
reach SQL) is refused. A query that passes its time limit is abandoned (the connection closed); the server's
own query limit should be set too (docs/sparql-servers.md)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from functools import lru_cache

import httpx

from ...errors import StoreError
from ...store.query import NotAcceptableError, _prefixes
from ...store.upstream import Upstream
from .lexer import LexError, tokens
from .pool import PoolBusy, QueryTimeout, TooSlow
from .safety import MAX_DEPTH, Refused, check, query_form
from .worker import Job, Reply

#: IRIs a server runs as its own (SQL) functions: never sent
_BUILTIN = re.compile(r"^<?\s*(bif:|sql:|http://www\.openlinksw\.com/schemas/bif#)", re.IGNORECASE)


@lru_cache(maxsize=256)
def _standard(query: str) -> str | None:
    """Why `query` is not a standard SPARQL 1.1 query (rdflib's parser and algebra), or None."""
    from rdflib.plugins.sparql import prepareQuery

    try:
        prepareQuery(query, initNs=_prefixes())
    except Exception as exc:  # pyparsing and algebra errors have no common base
        return f"the query is not standard SPARQL 1.1 ({' '.join(str(exc).split())[:200]})"
    return None


def _builtin_calls(query: str) -> list[str]:
    """IRIs and prefixed names in `query` that name a server's built-in SQL functions."""
    try:
        found = tokens(query)
    except LexError:
        return []
    return [t.text for t in found if (t.kind == "iri" and _BUILTIN.match(t.value))
            or (t.kind == "pname" and t.text.lower().startswith(("bif:", "sql:")))]


def refusal(query: str, allow: tuple[str, ...], max_depth: int) -> str | None:
    """Why `query` may not be sent upstream, or None. Runs on a thread (the parser reads ~1 MB/s)."""
    try:
        check(query, allow, _prefixes(), max_depth)
    except Refused as exc:
        return str(exc)
    builtins = _builtin_calls(query)
    if builtins:
        return (f"the query calls a SPARQL server's own functions ({', '.join(builtins[:3])}), which this "
                "endpoint does not pass on")
    return _standard(query)


class UpstreamPool:
    """Stands in for `WorkerPool`: `run(job, …)` answers a job from the upstream server."""

    def __init__(self, url: str, kind: str, size: int) -> None:
        self.size = size
        self.upstream = Upstream(url, kind)
        self._running = asyncio.Semaphore(size)
        #: queries sent and queries abandoned at their time limit (as the pool's `dispatched` / `killed`)
        self.dispatched = 0
        self.killed = 0
        #: queries refused because every slot stayed busy (as the pool's), and those waiting / running now
        self.refused = 0
        self._waiting = 0
        self._running_now = 0
        self.warmup: Callable[[], Job | None] | None = None

    def load(self) -> tuple[int, int]:
        """Queries waiting for a slot and queries being answered now (for /metrics)."""
        return self._waiting, self._running_now

    def start(self) -> None:
        """Nothing to start: the server is asked at the first query."""

    def close(self) -> None:
        """The connections close with the event loop's end (httpx's pool needs no loop to be dropped)."""

    async def run(self, job: Job, timeout: float, patience: float, slow_after: float | None = None,
                  may_go_slow: Callable[[], bool] | None = None) -> Reply:
        """As `WorkerPool.run`: QueryTimeout, PoolBusy or TooSlow, else the reply (4xx/5xx with a message)."""
        why = await asyncio.to_thread(refusal, job.query, job.service_allow, job.max_depth or MAX_DEPTH)
        if why is not None:
            return Reply(400, message=why)
        self._waiting += 1
        try:
            await asyncio.wait_for(self._running.acquire(), patience)
        except TimeoutError:
            self.refused += 1
            raise PoolBusy() from None
        finally:
            self._waiting -= 1
        self._running_now += 1
        try:
            self.dispatched += 1
            return await self._answer(job, timeout, slow_after, may_go_slow)
        finally:
            self._running_now -= 1
            self._running.release()

    async def _answer(self, job: Job, timeout: float, slow_after: float | None,
                      may_go_slow: Callable[[], bool] | None) -> Reply:
        asking = asyncio.ensure_future(self.upstream.answer(
            job.query, query_form(job.query), table=job.table, graph=job.graph, max_rows=job.max_rows,
            max_bytes=job.max_bytes or 2**62, timeout=timeout, default_graph=job.default_graph,
            named_graphs=job.named_graphs))
        try:
            if slow_after is not None and may_go_slow is not None and slow_after < timeout:
                done, _ = await asyncio.wait({asking}, timeout=slow_after)
                if not done and not may_go_slow():
                    asking.cancel()
                    raise TooSlow()
            answer = await asyncio.wait_for(asking, timeout)
        except (TimeoutError, httpx.TimeoutException):
            asking.cancel()
            self.killed += 1
            raise QueryTimeout() from None
        except NotAcceptableError as exc:
            return Reply(406, kind=exc.kind)
        except httpx.HTTPError as exc:
            return Reply(502, message=f"the node's SPARQL server could not be reached ({type(exc).__name__})")
        except StoreError as exc:
            return Reply(502, message=str(exc))
        return Reply(200, answer.body, answer.media_type, answer.kind, answer.rows, answer.truncated)
