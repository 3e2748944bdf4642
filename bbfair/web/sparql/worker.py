"""A query worker: a separate process that keeps the live build's Oxigraph store open read-only and answers
one query at a time with already-serialised bytes.

Why processes: a pyoxigraph query cannot be interrupted from another thread, and ORDER BY or an aggregate
computes everything before its first row, so the only way to stop a runaway query is to kill what runs it. The
server (`pool.py`) keeps a few of these alive, sends each a `Job` over a pipe and kills and replaces one whose
query passes the time limit. A worker also limits its own CPU time (RLIMIT_CPU) per query as a safety net
should the server die, and leaves when the pipe closes.

This module imports only pyoxigraph and the query engine (not rdflib), so a worker starts quickly.
"""

from __future__ import annotations

import fcntl
import json
import os
import resource
import signal
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from ...store.query import NotAcceptableError, QuerySyntaxError, _prefixes, execute
from .safety import MAX_DEPTH, Refused, check

#: seconds of CPU a query may use beyond its time limit before the kernel stops the worker (SIGXCPU), should
#: the server not have killed it
CPU_MARGIN = 5
#: seconds between checks, while idle, whether the build this worker holds is still the live one
IDLE_CHECK = 15.0
#: bytes of stack for the thread that runs queries (address space only: the pages a query does not use are never
#: touched); enough for any query within the size limit
STACK = 512 * 2**20


@dataclass(frozen=True)
class Job:
    """One query to run on one build."""

    build_id: str
    build_path: str
    query: str
    table: str | None
    graph: str | None
    max_rows: int
    timeout: float
    default_graph: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    #: the quad store to ask, relative to the build (`Build.quads_path`: one per publication profile)
    store: str = "oxigraph"
    #: hosts SERVICE may reach, the deepest nesting allowed and the most bytes of a result
    service_allow: tuple[str, ...] = ()
    max_depth: int = MAX_DEPTH
    max_bytes: int | None = None
    #: whether the protocol named a dataset (default-graph-uri / named-graph-uri): then it is the whole dataset
    dataset: bool = False
    #: check the query here first (the server checked only short ones)
    check: bool = True


@dataclass(frozen=True)
class Reply:
    """What a worker answers: a serialised result (status 200) or an error status with its message."""

    status: int
    body: bytes = b""
    media_type: str = "text/plain"
    kind: str = ""
    rows: int | None = None
    truncated: bool = False
    message: str = ""
    extra: dict[str, str] = field(default_factory=dict)


class _Opened:
    """The build this worker reads, held with a shared lock so the store does not delete it meanwhile."""

    def __init__(self, build_id: str, path: Path, store: str = "oxigraph") -> None:
        self.id = build_id
        self.path = path
        self.store_name = store
        self._fd = os.open(path / ".lock", os.O_RDONLY)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_SH)
            if not (path / store).is_dir():
                raise FileNotFoundError(path / store)
            self.store = ox.Store.read_only(str(path / store))
        except BaseException:
            os.close(self._fd)
            raise

    def still_live(self) -> bool:
        """Whether the store's LIVE file still names this build."""
        try:
            live = json.loads((self.path.parent.parent / "LIVE").read_text(encoding="utf-8"))["build"]
        except (OSError, ValueError, KeyError):
            return True
        return live == self.id

    def close(self) -> None:
        del self.store
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)


def _limit_cpu(seconds: float) -> None:
    used = resource.getrusage(resource.RUSAGE_SELF)
    soft = int(used.ru_utime + used.ru_stime + seconds + CPU_MARGIN) + 1
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def run(job: Job, opened: _Opened | None) -> tuple[Reply, _Opened | None]:
    """Answer `job`, opening its build if this worker holds another one (or none)."""
    if opened is None or opened.id != job.build_id or opened.store_name != job.store:
        if opened is not None:
            opened.close()
            opened = None
        try:
            opened = _Opened(job.build_id, Path(job.build_path), job.store)
        except (OSError, RuntimeError) as exc:
            return Reply(503, message=f"the catalogue's build {job.build_id} cannot be opened ({exc}); "
                                      "a new build was probably just published: try again"), None
    _limit_cpu(job.timeout)
    try:
        answer = _engine().submit(_answer, opened.store, job).result()
    except Refused as exc:
        return Reply(400, message=str(exc)), opened
    except QuerySyntaxError as exc:
        return Reply(400, message=f"the query is not valid SPARQL 1.1: {exc}"), opened
    except NotAcceptableError as exc:
        return Reply(406, kind=exc.kind, message=str(exc)), opened
    except ValueError as exc:  # e.g. a default-graph-uri that is not an IRI
        return Reply(400, message=f"the query cannot run: {exc}"), opened
    except Exception as exc:  # an evaluation error: answer it, and stay alive for the next query
        return Reply(500, message=f"the query failed: {type(exc).__name__}: {exc}"), opened
    return Reply(200, answer.body, answer.media_type, answer.kind, answer.rows, answer.truncated), opened


def _answer(store: ox.Store, job: Job):
    """Check `job`'s query, then run it (on the engine thread)."""
    if job.check:
        check(job.query, job.service_allow, _prefixes(), job.max_depth)
    dataset = {"default_graph": list(job.default_graph), "named_graphs": list(job.named_graphs)} if job.dataset \
        else {}
    return execute(store, job.query, table=job.table, graph=job.graph, max_rows=job.max_rows,
                   max_bytes=job.max_bytes, **dataset)


_ENGINE: list[ThreadPoolExecutor] = []


def _engine() -> ThreadPoolExecutor:
    """The one thread queries run on, made with a `STACK`-byte stack."""
    if not _ENGINE:
        previous = threading.stack_size(STACK)
        try:
            _ENGINE.append(ThreadPoolExecutor(1, thread_name_prefix="bbfair-query"))
            _ENGINE[0].submit(lambda: None).result()  # the thread starts now, with the large stack
        finally:
            threading.stack_size(previous)
    return _ENGINE[0]


def serve(conn: Connection) -> None:
    """The worker's loop: receive a Job, send a Reply, until the pipe closes or None arrives."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; the server stops us
    opened: _Opened | None = None
    try:
        while True:
            try:
                if not conn.poll(IDLE_CHECK):
                    if opened is not None and not opened.still_live():
                        opened.close()  # let the store delete the old build
                        opened = None
                    continue
                job = conn.recv()
            except (EOFError, OSError):
                break
            if job is None:
                break
            reply, opened = run(job, opened)
            try:
                conn.send(reply)
            except OSError:
                break
    finally:
        if opened is not None:
            opened.close()


def main(fd: int) -> None:
    """Entry point of `python -c`: serve on the socket `fd` handed down by the pool."""
    serve(Connection(fd))
