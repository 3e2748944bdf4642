"""The live build as a long-running reader (the web server) sees it: switched to the new build as soon as one
is published, without a restart."""

from __future__ import annotations

import os
import threading
import time

from .layout import LIVE
from .local import Build, LocalStore


class LiveStore:
    """The live build for a long-running reader (the web server, a SPARQL endpoint): `current()` notices a
    switch with one `stat` of LIVE and opens the new build, so a server picks up a new build without a restart.

    A switched-out build stays open for `grace` seconds, so requests that were already using it finish on it;
    then it is closed and deleted."""

    def __init__(self, store: LocalStore, grace: float = 60.0) -> None:
        self.store = store
        self.grace = grace
        self._build: Build | None = None
        self._key: tuple[int, int] | None = None
        self._retired: list[tuple[float, Build]] = []
        self._mutex = threading.Lock()

    @property
    def loaded(self) -> Build | None:
        """The build opened last, without looking for a switch (no `stat`): for response headers and metrics."""
        return self._build

    def current(self) -> Build:
        try:
            st = os.stat(self.store.path / LIVE)
            key = (st.st_ino, st.st_mtime_ns)
        except FileNotFoundError:
            key = None
        with self._mutex:
            if self._build is None or key != self._key:
                fresh = self.store.open_live()
                if self._build is not None:
                    self._retired.append((time.monotonic(), self._build))
                self._build, self._key = fresh, key
            self._retire(time.monotonic() - self.grace)
            return self._build

    def _retire(self, before: float) -> None:
        keep = []
        for since, build in self._retired:
            if since <= before:
                build.close()
            else:
                keep.append((since, build))
        if len(keep) != len(self._retired):
            self._retired = keep
            self.store.cleanup()

    def close(self) -> None:
        with self._mutex:
            for _since, build in self._retired:
                build.close()
            if self._build is not None:
                self._build.close()
            self._build, self._retired = None, []
