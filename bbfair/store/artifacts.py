"""Build files: each published build as one immutable, compressed, hashed file in an artifacts directory, and
`LATEST` naming the newest — what stateless replicas (`store.replica`) fetch and serve.

Layout of an artifacts directory (a local folder, an NFS export, a Kubernetes volume)::

    artifacts/
      LATEST                        {"build": id, "file": "builds/<id>.tar.zst", "sha256": …, "bytes": …, …}
      builds/<id>.tar.zst           the build directory `builds/<id>/` of the store, as tar + Zstandard
      builds/<id>.tar.zst.sha256    its SHA-256 in `sha256sum` format (`sha256sum -c` checks it by hand)

A build file is written under a temporary name, flushed to disk and renamed into place; its sidecar follows; then
`LATEST` is replaced by one atomic rename, last. A reader that follows `LATEST` therefore only ever sees a
complete file, and checks the hash `LATEST` gives before trusting it. The build directory is immutable once it is
switched in (readers open its quad store read-only, which writes nothing), so it is packed as it is, RocksDB
files and all, with hard links between the profiles' quad stores kept as links.
"""

from __future__ import annotations

import hashlib
import json
import os
import tarfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import BinaryIO

import zstandard

from ..errors import StoreError
from .files import describe_os_error, fsync_dir, lock, unlock, write_durably
from .local import LocalStore
from .manifest import Manifest

LATEST = "LATEST"
BUILDS = "builds"
SUFFIX = ".tar.zst"
#: Zstandard level: 3 (its default) packs the sample's 4 MB build in ~0.1 s; higher levels gain little on
#: RocksDB files, which are compressed already
LEVEL = 3
#: build files kept besides the one LATEST names (older ones are deleted after a publish)
KEEP = 5
#: the per-build lock file of a store directory (`store.files.lock`): not part of a build's content
_SKIP = {".lock"}
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Pointer:
    """What `LATEST` says: the build, its file (relative to the artifacts directory) and the file's hash."""

    build: str
    file: str
    sha256: str
    bytes: int
    created: str = ""
    base_iri: str = ""

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Pointer:
        """Parse `LATEST`; ValueError saying what is wrong when it is not a pointer this bbfair writes."""
        try:
            data = json.loads(text)
            pointer = cls(**{k: data[k] for k in ("build", "file", "sha256", "bytes")},
                          created=str(data.get("created", "")), base_iri=str(data.get("base_iri", "")))
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"not a LATEST pointer ({type(exc).__name__}: {exc})") from None
        if "/" in pointer.build or pointer.build.startswith(".") or not pointer.build:
            raise ValueError(f"bad build id {pointer.build!r}")
        if pointer.file != f"{BUILDS}/{pointer.build}{SUFFIX}":
            raise ValueError(f"the file {pointer.file!r} is not {BUILDS}/{pointer.build}{SUFFIX}")
        if len(pointer.sha256) != 64:
            raise ValueError(f"bad sha256 {pointer.sha256!r}")
        return pointer


class _Hashing:
    """A write-only file that hashes and counts what goes through it."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        self.size += len(data)
        return self.handle.write(data)

    def flush(self) -> None:
        self.handle.flush()


def read_latest(artifacts: Path) -> Pointer | None:
    """The pointer `LATEST` holds (None when nothing was published yet); ValueError when it is unreadable."""
    try:
        text = (Path(artifacts) / LATEST).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot read {LATEST}: {exc}") from None
    return Pointer.from_json(text)


def _members(build_dir: Path) -> Callable[[tarfile.TarInfo], tarfile.TarInfo | None]:
    """The tar filter that packs a build directory reproducibly: no lock files, no owners, no times of day that
    differ between copies of the same file."""

    def keep(info: tarfile.TarInfo) -> tarfile.TarInfo | None:
        if Path(info.name).name in _SKIP:
            return None
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        return info

    return keep


def pack(build_dir: Path, target: Path) -> tuple[str, int]:
    """Write `build_dir` as `target` (tar + Zstandard, every member under `<build id>/`), durably and atomically
    (a temporary name, fsync, rename); return its SHA-256 and size."""
    part = target.with_name(f".{target.name}.part")
    try:
        with part.open("wb") as raw:
            hashing = _Hashing(raw)
            with zstandard.ZstdCompressor(level=LEVEL).stream_writer(hashing, closefd=False) as compressed, \
                    tarfile.open(fileobj=compressed, mode="w|", format=tarfile.PAX_FORMAT) as tar:
                tar.add(build_dir, arcname=build_dir.name, filter=_members(build_dir))
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(part, target)
        fsync_dir(target.parent)
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise StoreError(describe_os_error(exc, target.parent)) from None
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return hashing.digest.hexdigest(), hashing.size


def publish(store_path: str | Path, artifacts: Path, keep: int = KEEP) -> tuple[Pointer, bool]:
    """Write the live build of the store at `store_path` as a build file in `artifacts` and point `LATEST` at it
    (last, by atomic rename); return the pointer and whether anything was written (False when `LATEST` already
    names this build). Build files beyond the `keep` newest are deleted, never the one `LATEST` names."""
    if str(store_path).startswith(("http://", "https://")):
        raise StoreError("--artifacts packs a local store's build; it cannot pack a SPARQL server's")
    store = LocalStore.open(Path(store_path))
    build_id = store.live_id()
    if build_id is None:
        raise StoreError(f"{store_path} holds no build to write as a build file")
    artifacts = Path(artifacts)
    try:
        current = read_latest(artifacts)
    except ValueError:
        current = None  # a damaged LATEST is replaced
    name = f"{build_id}{SUFFIX}"
    target = artifacts / BUILDS / name
    if current is not None and current.build == build_id and target.is_file():
        return current, False
    try:
        (artifacts / BUILDS).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(describe_os_error(exc, artifacts)) from None
    manifest = store.manifest()
    assert manifest is not None
    held = lock(store.builds / build_id / ".lock", exclusive=False, wait=True)  # not cleaned up while packed
    try:
        if store.live_id() != build_id:
            raise StoreError(f"{store_path}: the live build changed while it was being packed; run again")
        sha, size = pack(store.builds / build_id, target)
    finally:
        unlock(held)
    pointer = Pointer(build_id, f"{BUILDS}/{name}", sha, size, manifest.build.created, manifest.build.base_iri)
    try:
        write_durably(target.with_name(name + ".sha256"), f"{sha}  {name}\n")
        write_durably(artifacts / LATEST, pointer.to_json())
    except OSError as exc:
        raise StoreError(describe_os_error(exc, artifacts)) from None
    prune(artifacts, keep)
    return pointer, True


def prune(artifacts: Path, keep: int = KEEP) -> list[str]:
    """Delete build files (and their sidecars) beyond the `keep` newest; never the one `LATEST` names. A replica
    still reading a deleted file on a POSIX or NFS volume reads it to the end."""
    try:
        latest = read_latest(artifacts)
    except ValueError:
        return []  # never delete while LATEST cannot be read
    files = sorted((artifacts / BUILDS).glob(f"*{SUFFIX}"), reverse=True)  # ids start with their UTC time
    removed = []
    for path in files[max(keep, 0):]:
        if latest is not None and path.name == Path(latest.file).name:
            continue
        path.unlink(missing_ok=True)
        path.with_name(path.name + ".sha256").unlink(missing_ok=True)
        removed.append(path.name)
    return removed


def fetch(artifacts: Path, pointer: Pointer, dest: Path) -> None:
    """Copy the build file `pointer` names to `dest`, checking its size and SHA-256 on the way; ValueError
    (nothing left at `dest`) when the file is missing, short, long or not the one `LATEST` describes."""
    source = Path(artifacts) / pointer.file
    digest = hashlib.sha256()
    size = 0
    try:
        with source.open("rb") as src, dest.open("wb") as out:
            while chunk := src.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
    except FileNotFoundError:
        dest.unlink(missing_ok=True)
        raise ValueError(f"{pointer.file} is missing") from None
    except OSError as exc:
        dest.unlink(missing_ok=True)
        raise ValueError(f"cannot read {pointer.file}: {exc.strerror or exc}") from None
    if size != pointer.bytes or digest.hexdigest() != pointer.sha256:
        dest.unlink(missing_ok=True)
        raise ValueError(f"{pointer.file} is {size} bytes with sha256 {digest.hexdigest()[:16]}…, LATEST says "
                         f"{pointer.bytes} bytes with sha256 {pointer.sha256[:16]}… (half-written or damaged)")


def _unpacking(build_id: str) -> Callable[[tarfile.TarInfo, str], tarfile.TarInfo | None]:
    """The extraction filter: every member must lie under `<build_id>/`, which is stripped; then tarfile's
    `data` filter (no absolute paths, no links out of the target, no devices)."""
    prefix = f"{build_id}/"

    def strip(member: tarfile.TarInfo, dest: str) -> tarfile.TarInfo | None:
        if member.name == build_id:
            return None
        if not member.name.startswith(prefix) or (member.islnk() and not member.linkname.startswith(prefix)):
            raise tarfile.FilterError(f"{member.name!r} is not inside {prefix}")
        link = member.linkname[len(prefix):] if member.islnk() else member.linkname
        stripped = member.replace(name=member.name[len(prefix):], linkname=link, deep=False)
        return tarfile.data_filter(stripped, dest)

    return strip


def unpack(archive: Path, build_id: str, into: Path) -> Manifest:
    """Extract the build file `archive` (already checked) into the directory `into` and check what came out is
    the build `build_id`: its manifest names it, its documents file and quad store are there. ValueError when
    not."""
    try:
        with archive.open("rb") as raw, zstandard.ZstdDecompressor().stream_reader(raw) as plain, \
                tarfile.open(fileobj=plain, mode="r|") as tar:
            tar.extractall(into, filter=_unpacking(build_id))
        manifest = Manifest.from_json((into / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, tarfile.TarError, zstandard.ZstdError, ValueError, EOFError) as exc:
        raise ValueError(f"cannot unpack {archive.name}: {exc}") from None
    if manifest.build.id != build_id:
        raise ValueError(f"{archive.name} holds build {manifest.build.id}, not {build_id}")
    missing = [p for p in ("documents.sqlite", "oxigraph/CURRENT") if not (into / p).is_file()]
    if missing:
        raise ValueError(f"{archive.name} lacks {', '.join(missing)}")
    return manifest
