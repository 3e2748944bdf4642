"""A build for a remote store, collected on local disk until it is known to be valid (`RemoteStaging`); the
server (`store.remote`) gets it at `commit()`, manifest last."""

from __future__ import annotations

import os
import sqlite3
import tempfile
import zlib
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from typing import Protocol

from .manifest import Manifest
from .serialise import Written

Progress = Callable[[str, int, int], None]


class Server(Protocol):
    """What the staging needs of its store (a `RemoteStore`): a way to send a whole build."""

    def send(self, graph_lines: Callable[[str], list[str]], manifest: Manifest, changed: set[str],
             removed: set[str], progress: Progress | None = None) -> str: ...


class RemoteStaging:
    """A build for a remote store, collected on local disk: the server must not see a graph of a build that
    may still turn out invalid, so changed graphs wait in a temporary SQLite file (zlib N-Triples) until
    `commit()` sends them, with the manifest last (`RemoteStore.send`). `abort()` deletes the file; the
    server was never touched."""

    incremental = True  # only changed graphs are sent

    def __init__(self, store: Server) -> None:
        self.store = store
        self._dir = tempfile.TemporaryDirectory(prefix="bbfair-remote-")
        # opened where it is first used: `publish.build` writes in a child process and sends from the parent
        self._conn: sqlite3.Connection | None = None
        self.written: set[str] = set()
        self._manifest: Manifest | None = None

    @property
    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = sqlite3.connect(os.path.join(self._dir.name, "graphs.sqlite"))
            self._conn.execute("CREATE TABLE IF NOT EXISTS graphs (iri TEXT PRIMARY KEY, body BLOB NOT NULL) "
                               "WITHOUT ROWID")
        return self._conn

    def write(self, items: Sequence[Written]) -> None:
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO graphs VALUES (?, ?)",
                                 ((w.iri, zlib.compress(w.graph.encode("utf-8"), 1)) for w in items))
        self.written.update(w.iri for w in items)

    def write_deltas(self, token: str, removed: str, added: str) -> None:
        """The other profiles' statements stay off the server (it holds the default profile's graphs)."""

    def _lines(self, iri: str) -> list[str]:
        row = self._db.execute("SELECT body FROM graphs WHERE iri = ?", (iri,)).fetchone()
        return zlib.decompress(row[0]).decode("utf-8").splitlines() if row else []

    def write_manifest(self, manifest: Manifest) -> None:
        """Keep the manifest for `commit()`, which sends it last."""
        self._manifest = manifest

    def detach(self) -> tuple[set[str], Manifest | None]:
        """Finish writing in this process (the build's child); what it returns goes to `attach()`."""
        self._close()
        return self.written, self._manifest

    def attach(self, state: tuple[set[str], Manifest | None]) -> None:
        """Take over a build another process wrote and `detach()`ed."""
        self.written, self._manifest = state

    def _close(self) -> None:
        if self._conn is not None:
            with suppress(Exception):
                self._conn.close()
            self._conn = None

    def commit(self, manifest: Manifest | None = None, removed: Iterable[str] = (),
               progress: Progress | None = None) -> str:
        manifest = manifest or self._manifest
        try:
            if manifest is None:
                raise ValueError("a remote build was committed without its manifest")
            return self.store.send(self._lines, manifest, set(self.written), set(removed), progress)
        finally:
            self.abort()

    def abort(self) -> None:
        self._close()
        self._dir.cleanup()
