"""The layout of a store directory on local disk (see `store.local`): the names every part of the store agrees
on, in one place."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

#: where `bbfair build DATA_DIR` and `bbfair serve DATA_DIR` keep the store when neither --store nor [store]
#: location names one, relative to the data directory (hidden: never counted as input, see
#: `builder.publish.input_digest`)
DEFAULT_STORE = Path(".bbfair") / "store"
MARKER = "bbfair-store.json"
LIVE = "LIVE"
BUILD_LOCK = ".build.lock"
STAGING = ".staging-"
#: the N-Quads of a build being written, waiting for Oxigraph's bulk loader
SPOOL = "quads.nq"
#: the folder of the other publication profiles' quad stores
PROFILES = "profiles"
#: N-Quads bytes (about 1M statements) above which an incremental build compacts the quad store after loading.
#: The bulk loader leaves its files as it wrote them; SPARQL over such a store measured 1.4–2× slower at 10k
#: collections and 2.7–8.7× slower at 100k than after `optimize()` (a full compaction: 4 s at 10k; at 100k
#: 22 s on a copy, ~50 s inside a build). A new store is always compacted; an incremental build copies a
#: compacted one and adds a few graphs.
COMPACT_AFTER = 256 * 2**20

Progress = Callable[[str, int, int], None]
