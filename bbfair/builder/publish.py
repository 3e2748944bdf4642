"""`bbfair build`: records → mapping → validation → store, publishing nothing unless everything is valid.

The order is what keeps harvesters safe: the catalogue is converted, validated and written family by family
(`stream`) into a new build beside the live one, which is switched in only when no family had a violation
(and the input had no problems); otherwise the new build is deleted. A remote server gets nothing until the
whole catalogue is known to be valid, then only the changed graphs, and its manifest last. Unchanged
resources keep their times and ETags (`mapping.stamps`). When the input files, the profiles, the base IRI and
bbfair's version are all as they were at the live build, nothing is rebuilt at all.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__
from ..config import Config, load_config
from ..errors import ConfigError, InputError, Problem
from ..mapping.convert import context
from ..mapping.stamps import Stamp
from ..profiles import tokens as profile_tokens
from ..records import load_records
from ..store.history_write import Retention
from ..store.layout import DEFAULT_STORE
from ..store.local import LocalStore
from ..store.manifest import LAYOUT, BuildInfo, Manifest, builds_on
from ..store.staging import Staging
from ..validation import cache
from ..validation.passes import Validation, for_config
from ..validation.report import Report, from_problem
from ..validation.run import background
from . import forked, memory, stream
from .pipeline import build_time
from .stream import S

if TYPE_CHECKING:
    from ..store.remote import RemoteStore
    from ..store.remote_staging import RemoteStaging

Progress = Callable[[str, int, int], None]


@dataclass
class BuildResult:
    """What a build did: `published`, `unchanged` (nothing to do) or `invalid` (nothing published)."""

    status: str
    report: Report
    info: BuildInfo | None
    location: str
    seconds: float

    @property
    def published(self) -> bool:
        return self.status == "published"


def is_url(spec: str | Path) -> bool:
    return str(spec).startswith(("http://", "https://"))


def open_target(store: str | Path | None, data_dir: Path, config: Config,
                create: bool = True) -> LocalStore | RemoteStore:
    """The store named by `--store` (a directory or a SPARQL server URL), else by `[store] location` in
    bbfair.toml (a relative directory there is relative to the data directory), else `DATA_DIR/.bbfair/store`,
    the one `bbfair serve DATA_DIR` serves."""
    spec = store if store is not None else (config.store.location or DEFAULT_STORE)
    if is_url(spec):
        from ..store.remote import RemoteStore  # httpx is only needed for a remote store

        return RemoteStore(str(spec), config.store)
    path = Path(spec)
    if store is None and not path.is_absolute():
        path = Path(data_dir) / path
    return LocalStore.open(path, create=create)


def input_digest(data_dir: Path, extra: Sequence[str], skip: Path | None = None) -> str:
    """Hash of every file under `data_dir` (hidden ones and the store itself excepted) and of `extra`."""
    digest = hashlib.blake2b(digest_size=16)
    root = Path(data_dir).resolve()
    skip = skip.resolve() if skip is not None else None
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts) or not path.is_file():
            continue
        if skip is not None and path.is_relative_to(skip):
            continue
        digest.update(str(rel).encode() + b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    for item in extra:
        digest.update(item.encode() + b"\0")
    return digest.hexdigest()


def _publishing(config: Config, profiles: Sequence[str] | None) -> Config:
    """`config` publishing only the profiles `profiles` names (`bbfair build --profile`), the default first when
    it is among them. A build always validates each profile it publishes with all of that profile's shapes, so
    only publication profiles can be named here, not single shape sets."""
    if not profiles:
        return config
    known = profile_tokens()
    unknown = [p for p in profiles if p not in known]
    if unknown:
        raise ConfigError([Problem(f"--profile {', '.join(unknown)}: a build publishes whole profiles, validated "
                                   f"with all their shapes; choose from {', '.join(known)} (`bbfair validate "
                                   "--profile` runs single shape sets)", column="--profile")])
    return config.model_copy(update={"profiles": config.profiles.only(profiles)})


def build(data_dir: Path, store: str | Path | None = None, *, base_iri: str | None = None,
          profiles: Sequence[str] | None = None, extra_shapes: Sequence[Path] = (), workers: int | None = None,
          force: bool = False, wait: bool = False, cache_dir: Path | None = None,
          progress: Progress | None = None) -> BuildResult:
    """Convert, validate and publish `data_dir` into `store`. Raises InputError/ConfigError when the input
    cannot be read at all and StoreError when the store cannot be opened, locked or written; a catalogue with
    violations gives status `invalid` and publishes nothing."""
    start = time.perf_counter()
    data_dir = Path(data_dir)
    step = progress or (lambda stage, done, total: None)
    config = load_config(data_dir, base_iri)
    config = _publishing(config, profiles)
    shapes = for_config(config, None, extra_shapes)
    config_file = str(data_dir / "bbfair.toml")
    base = config.require_base(config_file)
    target = open_target(store, data_dir, config)
    location = str(getattr(target, "url", None) or getattr(target, "path", ""))
    with target.build_lock(wait):
        previous = target.manifest()
        skip = target.path if isinstance(target, LocalStore) else None
        digest = input_digest(data_dir, [__version__, base, shapes.digest, *shapes.names], skip)
        if previous is not None and not force and previous.build.input_hash == digest and builds_on(previous, base):
            report = Report.of([], shapes, records=previous.build.resources, resources=previous.build.resources,
                               validated=0, seconds=0.0)
            return BuildResult("unchanged", report, previous.build, location, time.perf_counter() - start)
        build_id = f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"
        stamps = previous.stamps if previous is not None and previous.build.base_iri == base else {}
        old = previous.stamps if previous is not None else {}
        rewrite = previous is not None and not builds_on(previous, base)  # every graph, not the changed only
        del previous
        staging = target.staging(build_id, base, [p.token for p in config.profiles.selection().others])
        if isinstance(staging, Staging):  # a local store keeps history (docs/history.md)
            staging.retention = Retention(config.history.builds, config.history.days)
        try:
            produce = partial(_produce, data_dir, config, shapes, stamps, old, rewrite, cache_dir, staging, workers,
                              BuildInfo(id=build_id, created="", input_hash=digest, bbfair_version=__version__,
                                        base_iri=base, profiles=list(shapes.names), shapes_digest=shapes.digest,
                                        published=shapes.profiles, access_rights=config.access.rights,
                                        layout=LAYOUT))
            made = forked.call(produce, step)
            del produce, stamps, old
            if made.info is None:
                staging.abort()
                made.report.seconds = time.perf_counter() - start
                return BuildResult("invalid", made.report, None, location, made.report.seconds)
            memory.release()  # the previous build's stamps (~0.2 GiB at 100k collections): before Oxigraph loads
            staging.attach(made.state)
            step("publish", 0, 0)
            staging.commit(removed=made.removed, progress=progress)
        except BaseException:
            staging.abort()
            raise
        made.report.seconds = time.perf_counter() - start
        return BuildResult("published", made.report, made.info, location, made.report.seconds)


@dataclass
class Produced:
    """What the child process of a build hands back: the report, and for a valid catalogue the build's info,
    the resources to remove and the staging build's state (`detach()`)."""

    report: Report
    info: BuildInfo | None = None
    removed: set[str] = field(default_factory=set)
    state: object = None


def _produce(data_dir: Path, config: Config, shapes: Validation, stamps: dict[str, Stamp], old: dict[str, Stamp],
             rewrite: bool, cache_dir: Path | None, staging: Staging | RemoteStaging, workers: int | None,
             info: BuildInfo, step: Progress) -> Produced:
    """Everything of a build but the commit, run in a child process (`forked.call`): read, convert, validate
    and write the staging build and its manifest. The records never enter the process that loads the quad
    store."""
    with memory.bulk_work():
        report, outcome, sink = _stream(data_dir, config, shapes, stamps, cache_dir, lambda: staging, workers,
                                        step, rewrite)
    if outcome is None or sink is None:
        return Produced(report)
    changed = sum(1 for iri, s in outcome.stamps.items() if stream.changed(old.get(iri), s))
    removed = set(old) - set(outcome.stamps)
    info = replace(info, created=datetime.now(UTC).isoformat(timespec="seconds"),
                   counts=dict(Counter(s.kind for s in outcome.stamps.values())), triples=outcome.triples,
                   resources=len(outcome.stamps), changed=changed, removed=len(removed),
                   warnings=report.count("warning"))
    sink.write_manifest(Manifest(info, outcome.stamps))
    return Produced(report, info, removed, sink.detach())


def _stream(data_dir: Path, config: Config, shapes: Validation, stamps: dict[str, Stamp], cache_dir: Path | None,
            open_sink: Callable[[], S], workers: int | None, step: Progress, rewrite: bool = False,
            ) -> tuple[Report, stream.Outcome | None, S | None]:
    """Read the records and stream them through conversion and validation into the sink (`stream.run`)."""
    step("read", 0, 0)
    catalogue = load_records(data_dir, lenient=True)
    config_file = str(data_dir / "bbfair.toml")
    base = config.require_base(config_file)
    now = build_time() or datetime.now(UTC).replace(microsecond=0)
    try:
        ctx = context(catalogue, config, now)
    except InputError as exc:  # ids that collide as IRIs
        findings = [from_problem(p) for p in [*catalogue.problems, *exc.problems]]
        return Report.of(findings, shapes, records=catalogue.rows_read, resources=0, validated=0, seconds=0.0), \
            None, None
    cache_path = cache.cache_file(cache_dir, data_dir) if cache_dir else None
    cache_key = f"{shapes.digest}:{base}:violations-only"
    job = stream.prepare(ctx, shapes, background(base), stamps, cache.load(cache_path, cache_key), config_file,
                         rewrite)
    catalogue.collections = {}  # their records travel in the job's tasks: not in any process while they run
    outcome, sink = stream.run(job, open_sink, workers, step)
    findings = [from_problem(p) for p in catalogue.problems] + outcome.findings
    report = Report.of(findings, shapes, records=catalogue.rows_read, resources=len(outcome.stamps),
                       validated=outcome.validated, seconds=0.0, notices=list(catalogue.notices))
    try:
        cache.save(cache_path, cache_key, outcome.fresh)
    except BaseException:
        sink.abort()
        raise
    if not report.conforms:
        sink.abort()
        return report, None, None
    return report, outcome, sink


def store_size(path: Path) -> int:
    """Bytes on disk under `path` (for the build summary and the benchmark), each file once however many hard
    links it has (a profile's quad store shares the default one's files)."""
    total = 0
    seen: set[tuple[int, int]] = set()
    for root, _dirs, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                stat = os.lstat(os.path.join(root, name))
                if (stat.st_dev, stat.st_ino) not in seen:
                    seen.add((stat.st_dev, stat.st_ino))
                    total += stat.st_size
    return total
