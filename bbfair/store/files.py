"""Store files written so that a crash leaves either the old or the new version, and the advisory locks that
keep builds and readers apart (flock: released by the kernel when a process dies, so a killed build never leaves
a stale lock)."""

from __future__ import annotations

import errno
import fcntl
import os
from pathlib import Path


def fsync_dir(path: Path) -> None:
    """Flush a directory's entries: a rename or a new file survives a power cut only once its directory is."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_durably(path: Path, text: str) -> None:
    """Write `text` to `path` atomically and durably (temp file, fsync, rename, fsync the directory)."""
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def lock(path: Path, exclusive: bool, wait: bool = False) -> int | None:
    """An flock on `path` (created if missing): the fd, or None when someone else holds it and not `wait`."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    flags = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
    try:
        fcntl.flock(fd, flags if wait else flags | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def unlock(fd: int | None) -> None:
    if fd is not None:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def describe_os_error(exc: OSError, where: Path) -> str:
    """A data manager's reading of an OSError while writing a build."""
    if exc.errno == errno.ENOSPC:
        return f"the disk holding {where} is full ({exc.strerror}); free some space and build again"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"no permission to write in {where} ({exc.strerror}); fix the permissions and build again"
    return f"cannot write the build in {where}: {exc.strerror or exc}"
