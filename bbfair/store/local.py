"""A bbfair store on local disk: builds written beside the live one and switched in atomically.

Layout of a store directory::

    site/
      bbfair-store.json      marks the directory as a bbfair store (anything else is refused)
      LIVE                   {"build": "<id>"}: the live build, replaced atomically (rename) on a switch
      .build.lock            held (flock) by the one build that may run at a time
      builds/<id>/           one complete build: oxigraph/ (the quad store), documents.sqlite, manifest.json, and
                             profiles/<token>/oxigraph/ for every publication profile besides the default
      builds/.staging-<id>/  a build being written; never read, removed if its writer died

A build never writes into the live build. Readers (queries, the web server) hold a shared lock on the build
they have open; a switched-out build is deleted as soon as nobody holds it (by the build that replaced it, or
by the next one). A killed build leaves only a staging directory, which the next build removes.

Every publication profile besides the default (`bbfair.profiles`) has a quad store of its own, for SPARQL in that
profile: a checkpoint of the default profile's store (RocksDB hard links: nothing is copied) with the few
statements that differ taken out and put in. The profiles share every file but those few statements' own.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from .. import __version__
from ..errors import StoreError
from ..mapping.resource import Resource
from .documents import Documents
from .files import describe_os_error, lock, unlock, write_durably
from .layout import BUILD_LOCK, LIVE, MARKER, PROFILES, Progress
from .manifest import Manifest, builds_on
from .serialise import Serialiser
from .staging import Staging


@dataclass
class Build:
    """One opened build (for reading): its id, directory, manifest, quad store and documents."""

    id: str
    path: Path
    manifest: Manifest
    quads: ox.Store
    documents: Documents
    _lock_fd: int | None = None

    def quads_path(self, profile: str | None = None) -> Path:
        """The quad store of `profile` (None or the default profile: the build's own)."""
        published = self.manifest.build.published
        if profile is None or not published or profile == published[0]:
            return self.path / "oxigraph"
        return self.path / PROFILES / profile / "oxigraph"

    def close(self) -> None:
        self.documents.close()
        unlock(self._lock_fd)
        self._lock_fd = None


class LocalStore:
    """A store directory (see the module docstring)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.builds = self.path / "builds"
        self._manifest: tuple[str, Manifest] | None = None

    # --- opening ------------------------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, create: bool = False) -> LocalStore:
        """Open the store at `path`; with `create`, make it when `path` is missing or an empty directory. A
        file, or a directory with other content, is refused: bbfair never writes into someone else's folder."""
        path = Path(path)
        store = cls(path)
        if path.is_file():
            raise StoreError(f"{path} is a file, not a bbfair store directory")
        marker = path / MARKER
        if marker.is_file():
            try:
                info = json.loads(marker.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise StoreError(f"{marker} is unreadable ({exc}); is {path} a bbfair store?") from None
            if info.get("bbfair_store") != 1:
                raise StoreError(f"{path} is a bbfair store of another format ({info.get('bbfair_store')!r})")
            return store
        if path.is_dir() and any(path.iterdir()):
            raise StoreError(f"{path} is not a bbfair store (it has no {MARKER} and is not empty); give a new or "
                             "empty directory for --store")
        if not create:
            raise StoreError(f"{path} is not a bbfair store yet: run `bbfair build DATA_DIR --store {path}` first")
        try:
            path.mkdir(parents=True, exist_ok=True)
            store.builds.mkdir(exist_ok=True)
            write_durably(marker, json.dumps({"bbfair_store": 1, "created_by": f"bbfair {__version__}",
                                               "created": datetime.now(UTC).isoformat(timespec="seconds")}))
        except OSError as exc:
            raise StoreError(describe_os_error(exc, path)) from None
        return store

    def live_id(self) -> str | None:
        try:
            return str(json.loads((self.path / LIVE).read_text(encoding="utf-8"))["build"])
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError) as exc:
            raise StoreError(f"{self.path / LIVE} is unreadable ({exc})") from None

    def live_path(self) -> Path | None:
        build = self.live_id()
        return None if build is None else self.builds / build

    def manifest(self) -> Manifest | None:
        """The live build's manifest (None before the first build); read once per live build, since a build
        asks for it twice and it is tens of MB at 100k collections."""
        build_id = self.live_id()
        if build_id is None:
            return None
        if self._manifest is not None and self._manifest[0] == build_id:
            return self._manifest[1]
        live = self.builds / build_id
        try:
            manifest = Manifest.from_json((live / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise StoreError(f"the live build {live} is damaged ({exc}); rebuild with --force") from None
        self._manifest = (build_id, manifest)
        return manifest

    def open_live(self) -> Build:
        """Open the live build for reading, holding it (shared lock) until `Build.close()`."""
        for _attempt in range(20):
            build_id = self.live_id()
            if build_id is None:
                raise StoreError(f"{self.path} holds no build yet: run `bbfair build DATA_DIR --store {self.path}`")
            path = self.builds / build_id
            fd = lock(path / ".lock", exclusive=False, wait=True) if path.is_dir() else None
            if fd is not None and self.live_id() == build_id:  # not switched out while we took the lock
                try:
                    manifest = Manifest.from_json((path / "manifest.json").read_text(encoding="utf-8"))
                    return Build(build_id, path, manifest, ox.Store.read_only(str(path / "oxigraph")),
                                 Documents(path / "documents.sqlite"), fd)
                except (OSError, ValueError) as exc:
                    unlock(fd)
                    raise StoreError(f"the live build {path} is damaged ({exc}); rebuild with --force") from None
            unlock(fd)
            time.sleep(0.05)
        raise StoreError(f"{self.path}: the live build keeps changing; try again")

    # --- building -----------------------------------------------------------------------------------------------

    @contextmanager
    def build_lock(self, wait: bool = False) -> Iterator[None]:
        """Hold the store's build lock: a second build at the same time is refused (or waits, with `wait`)."""
        lock_path = self.path / BUILD_LOCK
        try:
            fd = lock(lock_path, exclusive=True, wait=wait)
        except OSError as exc:
            raise StoreError(describe_os_error(exc, self.path)) from None
        if fd is None:
            holder = ""
            with suppress(OSError):
                holder = lock_path.read_text(encoding="utf-8").strip()
            raise StoreError(f"another build is publishing into {self.path} ({holder or 'unknown process'}); "
                             "wait for it to finish (or use --wait)")
        try:
            os.ftruncate(fd, 0)
            os.write(fd, f"pid {os.getpid()}, started {datetime.now(UTC).isoformat(timespec='seconds')}".encode())
            yield
        finally:
            unlock(fd)

    def cleanup(self) -> list[str]:
        """Delete builds that are neither live nor held by a reader or writer; return their names."""
        live = self.live_id()
        removed = []
        if not self.builds.is_dir():
            return removed
        for entry in sorted(self.builds.iterdir()):
            if entry.name == live or not entry.is_dir():
                continue
            fd = lock(entry / ".lock", exclusive=True) if (entry / ".lock").exists() else -1
            if fd is None:
                continue  # a reader still has it open, or a build is writing it
            try:
                shutil.rmtree(entry, ignore_errors=True)
                removed.append(entry.name)
            finally:
                if fd != -1:
                    unlock(fd)
        return removed

    def publish(self, resources: Sequence[Resource], manifest: Manifest, changed: set[str], removed: set[str],
                progress: Progress | None = None) -> Path:
        """Write a whole conversion as a new build (reusing the live one for unchanged resources) and switch it
        in. On any failure the live build is untouched. Call inside `build_lock()`."""
        others = manifest.build.published[1:]
        serialiser = Serialiser.of(resources, others)
        staging = self.staging(manifest.build.id, manifest.build.base_iri, others)
        try:
            for res in resources:
                for token, (out, in_) in serialiser.deltas(res).items():
                    staging.write_deltas(token, out, in_)
            todo = [r for r in resources if not staging.incremental or str(r.iri) in changed]
            for start in range(0, len(todo), 2000):
                staging.write([serialiser.written(r, manifest.stamps[str(r.iri)]) for r in todo[start:start + 2000]])
                if progress:
                    progress("publish", min(start + 2000, len(todo)), len(todo))
            return staging.commit(manifest, removed)
        except BaseException:
            staging.abort()
            raise

    def staging(self, build_id: str, base_iri: str, profiles: Sequence[str] = ()) -> Staging:
        """Start writing build `build_id` beside the live one (see `Staging`), with a quad store for each of the
        publication `profiles` besides the default. Call inside `build_lock()`."""
        previous = self.manifest()
        live = self.live_path()
        incremental = live is not None and builds_on(previous, base_iri)
        self._manifest = None  # the build has its own copy; at 100k collections it is worth its memory
        return Staging(self, build_id, live if incremental else None, profiles)
