"""Run one step of a build in a forked child process, so that all its memory is the system's again when it ends.

A build reads the records, converts, validates and writes them (`publish._produce`), then loads the quad
store. The records of 100k collections, and the heap they leave fragmented, stay with the process that read
them: some 0.7 GiB that neither `gc` nor `malloc_trim` gives back. Oxigraph's bulk loader then needs ~1.6 GiB
of its own. Doing the first part in a child that has exited before the load starts keeps a 100k build under
2 GiB.

The child's progress reaches the parent's progress bar through a pipe, and an exception in the child is raised
again in the parent (with the child's traceback as a note). The child dies with its parent (Linux
`PR_SET_PDEATHSIG`) and the parent stops the child when it is interrupted, so a killed build leaves no
process behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import pickle
import signal
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import TypeVar

T = TypeVar("T")
Progress = Callable[[str, int, int], None]
_PR_SET_PDEATHSIG = 1


class ChildDied(RuntimeError):
    """The child ended without a result (killed, or out of memory)."""


def die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies (a no-op elsewhere)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def call(func: Callable[[Progress], T], progress: Progress | None = None) -> T:
    """`func(progress)` in a forked child; its result (which must pickle) or its exception, here. Where fork
    is not available it runs in this process."""
    step = progress or (lambda stage, done, total: None)
    if "fork" not in multiprocessing.get_all_start_methods():
        return func(step)
    ctx = multiprocessing.get_context("fork")
    reader, writer = ctx.Pipe(duplex=False)
    parent = os.getpid()
    # not a daemon: the child starts worker processes of its own
    child = ctx.Process(target=_child, args=(func, writer, parent), name="bbfair-build", daemon=False)
    child.start()
    writer.close()
    try:
        while True:
            try:
                kind, payload = reader.recv()
            except EOFError:
                child.join()
                raise ChildDied(f"the build's child process ended without a result (exit code {child.exitcode}; "
                                "-9 usually means the system ran out of memory)") from None
            if kind == "progress":
                step(*payload)
            elif kind == "result":
                return payload
            else:
                raise payload
    except BaseException:
        if child.is_alive():
            child.terminate()
        raise
    finally:
        child.join()
        reader.close()


def _child(func: Callable[[Progress], object], writer: Connection, parent: int) -> None:
    die_with_parent()
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)

    def step(stage: str, done: int, total: int) -> None:
        writer.send(("progress", (stage, done, total)))

    try:
        writer.send(("result", func(step)))
    except BaseException as exc:  # every failure goes to the parent, which raises it
        writer.send(("error", _portable(exc)))
    finally:
        writer.close()


def _portable(exc: BaseException) -> BaseException:
    """`exc` with the child's traceback as a note, or, when it does not pickle, a RuntimeError saying what it
    was."""
    trace = "".join(traceback.format_exception(exc))
    try:
        copy = pickle.loads(pickle.dumps(exc))
    except Exception:  # any pickling failure
        return RuntimeError(f"the build failed in its child process:\n{trace}")
    copy.add_note(f"raised in the build's child process:\n{trace}")
    return copy
