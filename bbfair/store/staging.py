"""A build being written into a local store: beside the live build, switched in with one atomic rename, or
deleted (`Staging`). Graphs wait in an N-Quads spool for Oxigraph's bulk loader, documents go into the build's
own documents file, and each other publication profile's quad store is made at the end as a checkpoint of the
default one with the statements that differ changed (`store.local` has the whole layout)."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable, Sequence
from contextlib import suppress
from pathlib import Path
from typing import Protocol, TextIO

import pyoxigraph as ox

from ..errors import StoreError
from .documents import Documents
from .files import describe_os_error, fsync_dir, lock, unlock, write_durably
from .history_write import Retention, advance
from .layout import COMPACT_AFTER, LIVE, PROFILES, SPOOL, STAGING, Progress
from .manifest import Manifest
from .serialise import Written


class Home(Protocol):
    """The store a build is staged in (a `LocalStore`)."""

    path: Path
    builds: Path

    def cleanup(self) -> list[str]: ...

    def live_path(self) -> Path | None: ...


class Staging:
    """A build being written: `write()` resources as they come, then `commit()` switches it in, or `abort()`
    deletes it. An incremental build starts as a copy of the live one (hard links for the quad store) and
    replaces only what it is given. Until `commit()` nothing is visible: a killed build leaves only its
    staging directory, which the next build removes."""

    def __init__(self, store: Home, build_id: str, live: Path | None, profiles: Sequence[str] = ()) -> None:
        self.store = store
        self.build_id = build_id
        self.incremental = live is not None
        self.profiles = tuple(profiles)
        self.dir = store.builds / f"{STAGING}{build_id}"
        self._replaced: list[str] = []
        self._docs: list[tuple[str, str, str, str, str | None, bytes]] = []
        self._variants: list[tuple[str, str, bytes]] = []
        self._deltas: dict[str, tuple[TextIO, TextIO]] = {}
        #: how long the history keeps replaced versions (`[history]` in bbfair.toml; None: all of them)
        self.retention: Retention | None = None
        try:
            store.builds.mkdir(exist_ok=True)
            self.dir.mkdir()
            self._lock = lock(self.dir / ".lock", exclusive=True)
        except OSError as exc:
            raise StoreError(describe_os_error(exc, store.builds)) from None
        try:
            if live is not None:
                ox.Store.read_only(str(live / "oxigraph")).backup(str(self.dir / "oxigraph"))  # hard links
                shutil.copyfile(live / "documents.sqlite", self.dir / "documents.sqlite")
        except OSError as exc:
            self.abort()
            raise StoreError(describe_os_error(exc, store.path)) from None
        except BaseException:
            self.abort()
            raise
        # each opened where it is first used: `publish.build` writes in a child process, which must not share
        # open handles with its parent, and loads the quad store in the parent once the child has ended
        self.quads: ox.Store | None = None
        self.docs: Documents | None = None
        self._spool: TextIO | None = None

    def _writers(self) -> tuple[Documents, TextIO]:
        if self.docs is None:
            self.docs = Documents(self.dir / "documents.sqlite", read_only=False)
        if self._spool is None:
            self._spool = (self.dir / SPOOL).open("a", encoding="utf-8")
        return self.docs, self._spool

    def write(self, items: Sequence[Written]) -> None:
        """Add (or, incrementally, replace) these resources' graphs and documents. The graphs wait in an N-Quads
        file that Oxigraph's bulk loader takes in one go at `commit()`: loads into a store that already holds
        data overlap it and cost far more in compaction (measured at 100k collections: 14 loads of 1M statements
        took more than twice as long as one load of all 13.3M, and 54 loads of 250k 1.5 times as long)."""
        try:
            docs, spool = self._writers()
            for item in items:
                spool.write(item.nquads())
                self._docs.append((item.iri, item.kind, item.etag, item.modified, item.parent, item.packed))
                self._variants += [(item.iri, token, change) for token, change in item.variants]
                if self.incremental:
                    self._replaced.append(item.iri)
            if len(self._docs) >= 5000:
                self._flush_documents(docs)
        except OSError as exc:
            raise StoreError(describe_os_error(exc, self.store.path)) from None

    def write_deltas(self, token: str, removed: str, added: str) -> None:
        """Statements that make profile `token`'s quad store from the default one (see the module docstring)."""
        if token not in self.profiles:
            return
        try:
            if token not in self._deltas:
                self._deltas[token] = ((self.dir / f"delta-{token}-out.nq").open("a", encoding="utf-8"),
                                       (self.dir / f"delta-{token}-in.nq").open("a", encoding="utf-8"))
            out, in_ = self._deltas[token]
            out.write(removed)
            in_.write(added)
        except OSError as exc:
            raise StoreError(describe_os_error(exc, self.store.path)) from None

    def _flush_documents(self, docs: Documents) -> None:
        docs.write_packed(self._docs, variants=self._variants)
        self._docs = []
        self._variants = []

    def detach(self) -> list[str]:
        """Finish writing in this process (the build's child): flush and close the documents and the spool.
        What it returns goes to `attach()` in the process that commits."""
        try:
            docs, _spool = self._writers()
            self._flush_documents(docs)
            self._close()
        except OSError as exc:
            raise StoreError(describe_os_error(exc, self.store.path)) from None
        return self._replaced

    def attach(self, replaced: list[str]) -> None:
        """Take over a build another process wrote and `detach()`ed."""
        self._replaced = replaced

    def write_manifest(self, manifest: Manifest) -> None:
        """Write the build's manifest now, so that the caller can let go of its stamps before the quad store
        loads (Oxigraph's loader needs its memory then)."""
        try:
            write_durably(self.dir / "manifest.json", manifest.to_json())
        except OSError as exc:
            raise StoreError(describe_os_error(exc, self.store.path)) from None

    def commit(self, manifest: Manifest | None = None, removed: Iterable[str] = (),
               progress: Progress | None = None) -> Path:
        """Drop the `removed` resources, load the graphs, write the manifest (unless `write_manifest` did) and
        switch this build in; the build's path."""
        if manifest is not None:
            self.write_manifest(manifest)
        final = self.store.builds / self.build_id
        try:
            gone = sorted(removed)
            docs, spool_file = self._writers()
            docs.write_packed(self._docs, removed=gone, variants=self._variants)
            self._docs = []
            self._variants = []
            spool_file.close()
            self._spool = None
            self.quads = ox.Store(str(self.dir / "oxigraph"))
            for iri in [*self._replaced, *gone]:
                self.quads.remove_graph(ox.NamedNode(iri))
            spool = self.dir / SPOOL
            loaded = spool.stat().st_size
            if loaded:
                if progress:
                    progress("load", 0, 0)
                _load(self.quads, spool)
            spool.unlink()
            if not self.incremental or loaded > COMPACT_AFTER:
                self._compact()
            self.quads.flush()
            self._profile_stores()
            self._close()
            if not (self.dir / "manifest.json").is_file():
                raise StoreError("internal error: a build was committed without its manifest")
            advance(self.dir, self.store.live_path(), self.build_id, self.retention)  # store.history_write
            os.rename(self.dir, final)
            fsync_dir(self.store.builds)
            write_durably(self.store.path / LIVE, json.dumps({"build": self.build_id}))
        except OSError as exc:
            self.abort()
            raise StoreError(describe_os_error(exc, self.store.path)) from None
        except BaseException:
            self.abort()
            raise
        unlock(self._lock)
        self._lock = None
        self.store.cleanup()
        return final

    def _profile_stores(self) -> None:
        """Each other profile's quad store: a checkpoint of the default one (hard links) with the statements
        that differ taken out and put in."""
        assert self.quads is not None
        for token in self.profiles:
            for handle in self._deltas.pop(token, ()):
                handle.close()
            target = self.dir / PROFILES / token / "oxigraph"
            target.parent.mkdir(parents=True)
            self.quads.backup(str(target))
            store = ox.Store(str(target))
            out, in_ = self.dir / f"delta-{token}-out.nq", self.dir / f"delta-{token}-in.nq"
            if out.is_file():
                for quad in ox.parse(path=str(out), format=ox.RdfFormat.N_QUADS):
                    store.remove(quad)
                out.unlink()
            if in_.is_file():
                if in_.stat().st_size:
                    _load(store, in_)
                in_.unlink()
            store.flush()
            del store

    def _compact(self) -> None:
        """Compact the quad store (`COMPACT_AFTER`)."""
        assert self.quads is not None
        self.quads.optimize()

    def _close(self) -> None:
        for handles in getattr(self, "_deltas", {}).values():
            for handle in handles:
                handle.close()
        self._deltas = {}
        if getattr(self, "_spool", None) is not None:
            self._spool.close()
        if getattr(self, "docs", None) is not None:
            self.docs.close()
        self.quads = self.docs = self._spool = None  # Oxigraph closes the store when the last reference goes

    def abort(self) -> None:
        """Delete the staging directory: nothing of this build remains."""
        with suppress(Exception):
            self._close()
        shutil.rmtree(self.dir, ignore_errors=True)
        unlock(getattr(self, "_lock", None))
        self._lock = None


def _load(store: ox.Store, path: Path) -> None:
    """Bulk-load an N-Quads file; an IRI or literal Oxigraph rejects becomes a StoreError naming it."""
    try:
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    except SyntaxError as exc:
        raise StoreError(f"a converted statement is not valid RDF, nothing was published: {exc}") from None
