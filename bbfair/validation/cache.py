"""Results of earlier validation runs, by document content hash, so an unchanged document is not checked again.

The cache is only valid for the same shapes, the same bbfair version and the same base IRI (the vocabulary
background depends on it): `key` covers all three, and a cache with another key is ignored and replaced.
It is a single JSON file written atomically, so a killed run leaves the previous cache or none, never half one.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from .engine import Result


def default_dir() -> Path:
    """`$XDG_CACHE_HOME/bbfair/validation` (or `~/.cache/…`): outside the data directory, which stays the
    data manager's own."""
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "bbfair" / "validation"


def cache_file(cache_dir: Path, data_dir: Path) -> Path:
    """One cache file per data directory."""
    name = hashlib.blake2b(str(Path(data_dir).resolve()).encode(), digest_size=8).hexdigest()
    return Path(cache_dir) / f"{name}.json"


def load(path: Path | None, key: str) -> dict[str, list[Result]]:
    """The cached results for `key`; empty when there is no cache, another key, or an unreadable file."""
    if path is None or not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if data.get("key") != key:
        return {}
    return {h: [Result(*r) for r in results] for h, results in data.get("results", {}).items()}


def save(path: Path | None, key: str, results: dict[str, list[Result]]) -> None:
    """Replace the cache atomically; a cache that cannot be written only costs speed next time."""
    if path is None:
        return
    payload = {"key": key, "results": {h: [r.as_list() for r in rs] for h, rs in results.items()}}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(payload, handle, separators=(",", ":"))
        os.replace(tmp, path)
    except OSError:
        return
