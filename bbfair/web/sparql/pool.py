"""A small pool of query workers (`worker.py`) behind an async interface, so the event loop never blocks on a
query: at most `size` queries run at once, the others wait their turn (up to a patience, then "busy"), and a
query that passes its time limit has its worker killed — which really stops the work — and replaced.

Workers are fresh interpreters (`python -c …`, not forks of the server with its threads and open stores, and
without re-importing the server's main module as multiprocessing's spawn and forkserver do); they talk over a
socket pair with multiprocessing's `Connection` framing. A worker starts in ~0.2 s and keeps its store open
between queries; a job carries the build to read, so a newly published build is picked up at once.
Waiting and answering are plain futures on the caller's event loop (the pipe's file descriptor is watched with
`add_reader`), so a query costs one pipe round trip: no thread hand-off, no process start.

A query still running after `slow_after` seconds is *long*: the caller decides (`may_go_slow`) whether it may go
on — then its worker drops to the lowest CPU priority, so pages and quick queries keep their share of the
processors, and is retired once the query ends (a process cannot raise its priority again) — or is stopped
(`TooSlow`).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection, Pipe

from .worker import Job, Reply

log = logging.getLogger(__name__)


class QueryTimeout(Exception):
    """The query passed its time limit and was stopped."""


class PoolBusy(Exception):
    """Every worker stayed busy for longer than the caller would wait."""


class WorkerLost(Exception):
    """The worker died while answering (killed by the kernel, out of memory, …)."""


class TooSlow(Exception):
    """The query became long while as many long queries as allowed were running, and was stopped."""


#: the CPU priority (nice value) of a worker running a long query
SLOW_NICE = 19


#: the worker's entry point (imported by its real name, so the replies it pickles name real classes)
_MAIN = "import sys; from bbfair.web.sparql.worker import main; main(int(sys.argv[1]))"


class _Worker:
    def __init__(self, process: subprocess.Popen, conn: Connection) -> None:
        self.process = process
        self.conn = conn
        #: runs at low priority (it answered a long query): retired after its query
        self.slow = False

    def stop(self, kill: bool) -> None:
        """End the process: politely (close the pipe, the worker leaves) or at once (SIGKILL)."""
        if kill:
            self.process.kill()
        with contextlib.suppress(OSError):
            self.conn.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


def _settle(future: asyncio.Future, value: object = None, error: BaseException | None = None) -> None:
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(value)


def _lower_priority(pid: int) -> None:
    """Every thread of process `pid` to the lowest CPU priority (on Linux a priority is per thread, and the
    query runs on the worker's engine thread)."""
    try:
        threads = [int(tid) for tid in os.listdir(f"/proc/{pid}/task")]
    except OSError:
        threads = [pid]
    for tid in threads:
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, tid, SLOW_NICE)


class WorkerPool:
    """`size` worker processes; `await run(job, …)` answers a job on one of them."""

    def __init__(self, size: int, spares: int = 1) -> None:
        self.size = size
        #: started, warmed workers kept aside to take a stopped worker's place at once (a new interpreter needs
        #: about a second before it answers, and the workers left meanwhile may all be running long queries)
        self.spares = spares
        self._spare: list[_Worker] = []
        self._mutex = threading.Lock()
        self._start_lock = threading.Lock()
        self._idle: list[_Worker] = []
        self._waiters: collections.deque[asyncio.Future] = collections.deque()
        self._all: set[_Worker] = set()
        self._started = False
        self._closed = False
        #: jobs handed to a worker, and workers killed (for tests and /health-style reporting)
        self.dispatched = 0
        self.killed = 0
        #: callers turned away after waiting their patience for a worker (for /metrics)
        self.refused = 0
        #: the job a new worker answers before it takes queries (so it has opened the build and imported what a
        #: query needs, and a query's time is the query's own); None: none
        self.warmup: Callable[[], Job | None] | None = None

    # --- life cycle ---------------------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the workers (blocking, ~0.2 s: call it off the event loop)."""
        with self._start_lock:
            if self._started or self._closed:
                return
            for _ in range(self.size):
                self._release(self._spawn())
            self._started = True
        for _ in range(self.spares):
            self._respawn(to_pool=False)

    def _spawn(self) -> _Worker:
        parent, child = Pipe(duplex=True)
        try:
            process = subprocess.Popen([sys.executable, "-c", _MAIN, str(child.fileno())],
                                       pass_fds=(child.fileno(),), stdin=subprocess.DEVNULL)
        finally:
            child.close()
        found = _Worker(process, parent)
        with self._mutex:
            self._all.add(found)
        return found

    def close(self) -> None:
        """Stop every worker; waiting callers get PoolBusy."""
        with self._mutex:
            self._closed = True
            workers, self._all, self._idle, self._spare = list(self._all), set(), [], []
            waiters, self._waiters = list(self._waiters), collections.deque()
        for future in waiters:
            with contextlib.suppress(RuntimeError):
                future.get_loop().call_soon_threadsafe(_settle, future, None, PoolBusy())
        for found in workers:
            found.stop(kill=False)

    def load(self) -> tuple[int, int]:
        """Queries waiting for a worker, and queries running now (for /metrics)."""
        with self._mutex:
            waiting = sum(1 for future in self._waiters if not future.done())
            return waiting, len(self._all) - len(self._idle) - len(self._spare)

    def pids(self) -> set[int]:
        """Process ids of the live workers."""
        with self._mutex:
            return {found.process.pid for found in self._all}

    # --- lending workers ----------------------------------------------------------------------------------------

    def _hand(self, future: asyncio.Future, found: _Worker) -> None:
        """On the waiter's loop: give it the worker, or take the worker back if the waiter gave up."""
        if future.done():
            self._release(found)
        else:
            future.set_result(found)

    def _release(self, found: _Worker) -> None:
        """Hand a free worker to the first caller still waiting, else keep it idle."""
        with self._mutex:
            if not self._closed:
                while self._waiters:
                    future = self._waiters.popleft()
                    if future.done():
                        continue
                    try:
                        future.get_loop().call_soon_threadsafe(self._hand, future, found)
                    except RuntimeError:  # that waiter's event loop is closed
                        continue
                    return
                self._idle.append(found)
                return
        found.stop(kill=False)

    async def _acquire(self, patience: float) -> _Worker:
        loop = asyncio.get_running_loop()
        with self._mutex:
            if self._closed:
                raise PoolBusy()
            if self._idle:
                return self._idle.pop()
            future: asyncio.Future = loop.create_future()
            self._waiters.append(future)
        timer = loop.call_later(patience, _settle, future, None, PoolBusy())
        try:
            return await future
        except PoolBusy:
            self.refused += 1
            raise
        finally:
            timer.cancel()

    def _replace(self, found: _Worker, kill: bool = True) -> None:
        """Stop `found` (kill it: it may be mid-query) and put a spare in its place, or a new worker once it has
        started; the spare is replaced off the event loop."""
        self.killed += kill
        with self._mutex:
            self._all.discard(found)
            spare = self._spare.pop() if self._spare else None
        if spare is not None:
            self._release(spare)
        threading.Thread(target=found.stop, args=(kill,), name="bbfair-sparql-stop", daemon=True).start()
        self._respawn(to_pool=spare is None)

    def _respawn(self, to_pool: bool) -> None:
        """Start and warm a new worker in a thread, for the pool or as a spare."""

        def work() -> None:
            for attempt in range(5):
                if self._closed:
                    return
                try:
                    fresh = self._spawn()
                    self._warm(fresh)
                    with self._mutex:
                        keep = not to_pool and len(self._spare) < self.spares and not self._closed
                        if keep:
                            self._spare.append(fresh)
                    if not keep:
                        self._release(fresh)
                    return
                except OSError as exc:  # no memory or processes left for now
                    log.warning("cannot start a SPARQL worker (attempt %d): %s", attempt + 1, exc)
                    time.sleep(1 + attempt)
            log.error("the SPARQL endpoint runs with one worker fewer: it could not start a new one")

        threading.Thread(target=work, name="bbfair-sparql-respawn", daemon=True).start()

    def _warm(self, found: _Worker, patience: float = 30.0) -> None:
        """Have a new worker answer the warm-up job (blocking: in the respawning thread)."""
        job = self.warmup() if self.warmup is not None else None
        if job is None:
            return
        with contextlib.suppress(OSError, EOFError):
            found.conn.send(job)
            if found.conn.poll(patience):
                found.conn.recv()

    # --- running ------------------------------------------------------------------------------------------------

    async def run(self, job: Job, timeout: float, patience: float, slow_after: float | None = None,
                  may_go_slow: Callable[[], bool] | None = None) -> Reply:
        """`job`'s reply; QueryTimeout after `timeout` seconds of work, PoolBusy after `patience` seconds of
        waiting for a worker, WorkerLost when the worker died, TooSlow when the query ran `slow_after` seconds
        and `may_go_slow()` said no."""
        if not self._started:
            await asyncio.to_thread(self.start)
        found = await self._acquire(patience)
        loop = asyncio.get_running_loop()
        self.dispatched += 1
        fd = found.conn.fileno()
        answered: asyncio.Future = loop.create_future()
        timers: list[asyncio.TimerHandle] = []
        try:
            found.conn.send(job)
            loop.add_reader(fd, _settle, answered, True)
            timers.append(loop.call_later(timeout, _settle, answered, None, QueryTimeout()))
            if slow_after is not None and slow_after < timeout:
                timers.append(loop.call_later(slow_after, self._gone_slow, answered, found, may_go_slow))
            try:
                await answered
            finally:
                loop.remove_reader(fd)
                os.set_blocking(fd, True)  # uvloop's add_reader made it non-blocking; recv reads whole messages
            reply = found.conn.recv()
        except (QueryTimeout, TooSlow, asyncio.CancelledError):
            self._replace(found)  # the only way to stop a running query
            raise
        except (EOFError, OSError) as exc:
            self._replace(found)
            raise WorkerLost(str(exc) or type(exc).__name__) from None
        finally:
            for timer in timers:
                timer.cancel()
        if found.slow:
            self._replace(found, kill=False)  # it answered at low priority; a fresh one takes its place
        else:
            self._release(found)
        return reply

    @staticmethod
    def _gone_slow(answered: asyncio.Future, found: _Worker, may_go_slow: Callable[[], bool] | None) -> None:
        """The query on `found` passed `slow_after`: stop it, or let it go on at the lowest CPU priority."""
        if answered.done():
            return
        if may_go_slow is not None and not may_go_slow():
            _settle(answered, None, TooSlow())
            return
        found.slow = True
        _lower_priority(found.process.pid)
