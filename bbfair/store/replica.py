"""A stateless replica's store: a local store directory that follows an artifacts directory (`store.artifacts`).

`Replica.check()` reads `LATEST`; when it names a build the local store does not serve, the build file is
copied to local disk with its size and SHA-256 checked, unpacked beside the live build and switched in with the
same atomic `LIVE` rename a local build uses, so the web server's `LiveStore` picks it up with one `stat` and
keeps the old build open for its grace period. A build file that is missing, short, damaged or not what `LATEST`
describes is refused with one log line, and the replica keeps serving what it has; it is tried again only when
`LATEST` or the file changes. `follow()` runs the checks in a background thread every `poll` seconds.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..errors import StoreError
from .artifacts import LATEST, SUFFIX, Pointer, fetch, read_latest, unpack
from .files import fsync_dir, lock, unlock, write_durably
from .layout import LIVE, STAGING
from .local import LocalStore

log = logging.getLogger("bbfair.replica")
DOWNLOAD = ".download-"


@dataclass
class ReplicaStatus:
    """What the replica has done (for `/metrics`)."""

    checks: int = 0
    switches: int = 0
    refused: int = 0
    #: Unix times of the last look at LATEST and of the last switch
    last_check: float = 0.0
    last_switch: float = 0.0
    #: seconds the last switch took, from reading LATEST to LIVE replaced
    last_install_seconds: float = 0.0


class Replica:
    """The local store at `store` following the artifacts directory `artifacts`."""

    def __init__(self, artifacts: Path, store: LocalStore, poll: float = 5.0) -> None:
        self.artifacts = Path(artifacts)
        self.store = store
        self.poll = poll
        self.status = ReplicaStatus()
        self._refused: tuple | None = None
        self._said: str | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        for leftover in self.store.path.glob(f"{DOWNLOAD}*"):  # from a replica killed while fetching
            leftover.unlink(missing_ok=True)

    # --- one look -----------------------------------------------------------------------------------------------

    def _stat(self, relative: str) -> tuple[int, int] | None:
        try:
            st = os.stat(self.artifacts / relative)
        except OSError:
            return None
        return st.st_size, st.st_mtime_ns

    def check(self) -> str:
        """Look at `LATEST` once: `switched` (a new build is now live), `current` (it is live already),
        `waiting` (nothing published yet), `refused` (the pointer or its file cannot be trusted; logged once),
        or `failed` (this replica's own disk failed; logged when the reason changes)."""
        started = time.monotonic()
        self.status.checks += 1
        self.status.last_check = time.time()
        try:
            pointer = read_latest(self.artifacts)
        except ValueError as exc:
            return self._refuse(("LATEST", self._stat(LATEST)), f"{LATEST} in {self.artifacts}: {exc}")
        if pointer is None:
            return "waiting"
        live = self.store.live_id()
        if pointer.build == live:
            return "current"
        key = (pointer, self._stat(pointer.file))
        if key == self._refused:
            return "refused"
        try:
            self.install(pointer)
        except ValueError as exc:
            return self._refuse(key, f"build file {pointer.file}: {exc}")
        except StoreError as exc:
            if str(exc) != self._said:
                log.error("cannot install build %s from %s: %s", pointer.build, self.artifacts, exc)
                self._said = str(exc)
            return "failed"
        self._refused = self._said = None
        self.status.switches += 1
        self.status.last_switch = time.time()
        self.status.last_install_seconds = time.monotonic() - started
        log.info("switched to build %s (%s, %d bytes, checked and unpacked in %.2f s)", pointer.build,
                 pointer.file, pointer.bytes, self.status.last_install_seconds)
        return "switched"

    def _refuse(self, key: tuple, why: str) -> str:
        if key != self._refused:
            self._refused = key
            self.status.refused += 1
            live = self.store.live_id()
            log.warning("refused %s; still serving %s", why, f"build {live}" if live else "nothing (not ready)")
        return "refused"

    def install(self, pointer: Pointer) -> None:
        """Fetch, check, unpack and switch in the build `pointer` names. ValueError when the build file cannot be
        trusted, StoreError when the local store cannot be written; either way the live build is untouched."""
        with self.store.build_lock(wait=True):
            if self.store.live_id() == pointer.build:  # another worker process of this replica did it
                return
            final = self.store.builds / pointer.build
            if not (final / "manifest.json").is_file():  # else: a build switched out moments ago, still here
                self._unpack(pointer, final)
            try:
                write_durably(self.store.path / LIVE, json.dumps({"build": pointer.build}))
            except OSError as exc:
                raise StoreError(f"cannot switch {self.store.path} to build {pointer.build}: {exc}") from None
        self.store.cleanup()

    def _unpack(self, pointer: Pointer, final: Path) -> None:
        staging = self.store.builds / f"{STAGING}{pointer.build}"
        archive = self.store.path / f"{DOWNLOAD}{pointer.build}{SUFFIX}"
        shutil.rmtree(staging, ignore_errors=True)
        try:
            staging.mkdir(parents=True)
            held = lock(staging / ".lock", exclusive=True)  # not cleaned up by a reader meanwhile
        except OSError as exc:
            raise StoreError(f"cannot write in {self.store.builds}: {exc}") from None
        try:
            fetch(self.artifacts, pointer, archive)
            unpack(archive, pointer.build, staging)
            try:
                ox.Store.read_only(str(staging / "oxigraph"))
            except OSError as exc:
                raise ValueError(f"its quad store does not open: {exc}") from None
            os.rename(staging, final)
            fsync_dir(self.store.builds)
        except OSError as exc:
            shutil.rmtree(staging, ignore_errors=True)
            raise StoreError(f"cannot unpack into {self.store.builds}: {exc}") from None
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        finally:
            archive.unlink(missing_ok=True)
            unlock(held)

    # --- following ----------------------------------------------------------------------------------------------

    def follow(self) -> None:
        """Check now and then every `poll` seconds, in a daemon thread, until `stop()`."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="bbfair-replica", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.check()
            except Exception:  # the thread must outlive any surprise; the replica keeps serving
                log.exception("checking %s failed", self.artifacts)
            self._stop.wait(self.poll)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None
