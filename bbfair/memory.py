"""Giving memory back to the system between the phases of a build."""

from __future__ import annotations

import contextlib
import ctypes
import gc


def release() -> None:
    """Collect garbage and hand free heap pages back to the system (glibc `malloc_trim`; elsewhere only the
    collection). Python keeps freed small objects in its own arenas and glibc keeps freed blocks in its heap,
    so without this a process that has let go of ~0.5 GiB of records still holds most of it, and a process
    forked from it inherits that too."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
