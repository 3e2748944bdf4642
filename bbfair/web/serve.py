"""What `bbfair serve` decides before the server starts: which store, which base IRI, and whether the IRIs in
the store will resolve at the address the server listens on. The CLI is a thin shell over these functions.
"""

from __future__ import annotations

import os
import socket
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from .. import envconfig
from ..config import Config, Limits, Sparql, load_config
from ..errors import StoreError
from ..store.layout import DEFAULT_STORE
from ..store.local import LocalStore
from .app import ENV_SETTINGS, settings_env
from .limits import http_protocol
from .state import ServeSettings


def serving_url(host: str, port: int) -> str:
    """The URL the server answers at; a wildcard host is replaced by this machine's name."""
    if host in ("0.0.0.0", "::", ""):
        host = socket.getfqdn()
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


@dataclass(frozen=True)
class Plan:
    """A server about to start."""

    store: Path
    base_iri: str
    sparql: Sparql
    url: str
    limits: Limits = field(default_factory=Limits)
    #: an artifacts directory to follow (`store` is then the local cache; the base IRI comes with the build)
    artifacts: Path | None = None
    poll: float = 5.0
    log_json: bool = False

    def settings(self) -> ServeSettings:
        return ServeSettings(store=self.store, sparql=self.sparql, limits=self.limits, artifacts=self.artifacts,
                             poll=self.poll, log_json=self.log_json)

    def warning(self) -> str | None:
        """Why the IRIs would not resolve here, when they would not (a proxy may make them resolve)."""
        base, here = urlsplit(self.base_iri), urlsplit(self.url)
        if not self.base_iri or (base.scheme, base.netloc) == (here.scheme, here.netloc):
            return None
        return (f"the IRIs start with {self.base_iri} but this server listens on {self.url}: they resolve only "
                f"behind a proxy for {base.scheme}://{base.netloc} (or pass --base-iri {self.url})")


def store_for(data_dir: Path, config: Config, store: Path | None) -> Path:
    """--store, else `[store] location` (relative to the data directory), else `DATA_DIR/.bbfair/store`."""
    if store is not None:
        return Path(store)
    location = config.store.location
    if location is not None:
        if location.startswith(("http://", "https://")):
            raise StoreError(f"[store] location is a SPARQL server ({location}); `bbfair serve` serves a store "
                             "directory: pass --store DIR")
        path = Path(location)
        return path if path.is_absolute() else Path(data_dir) / path
    return Path(data_dir) / DEFAULT_STORE


def plan_from_data(data_dir: Path, store: Path | None, host: str, port: int, base_iri: str | None) -> Plan:
    """`bbfair serve DATA_DIR`: the base IRI is --base-iri, else bbfair.toml's, else the serving URL."""
    url = serving_url(host, port)
    config = load_config(data_dir, base_iri)
    base = (base_iri or config.base_iri or url).rstrip("/")
    return Plan(store_for(data_dir, config, store), base, config.sparql, url, config.limits)


def plan_from_store(store: Path, host: str, port: int, base_iri: str | None, sparql: Sparql) -> Plan:
    """`bbfair serve --store DIR`: serve what the store holds; --base-iri must be what it was built with (the
    web tier never rewrites what was validated)."""
    manifest = LocalStore.open(Path(store)).manifest()
    if manifest is None:
        raise StoreError(f"{store} holds no build yet: run `bbfair build DATA_DIR --store {store}` or "
                         f"`bbfair serve DATA_DIR --store {store}`")
    built = manifest.build.base_iri
    if base_iri is not None and base_iri.rstrip("/") != built:
        raise StoreError(f"{store} was built with base IRI {built}, not {base_iri.rstrip('/')}: rebuild it with "
                         f"`bbfair build DATA_DIR --store {store} --base-iri {base_iri}` (or serve DATA_DIR)")
    return Plan(Path(store), built, sparql, serving_url(host, port))


def plan_from_artifacts(artifacts: Path, cache: Path | None, host: str, port: int, sparql: Sparql,
                        limits: Limits | None = None) -> Plan:
    """`bbfair serve --artifacts DIR`: a replica with no state of its own. It starts with an empty local store
    (`cache`, default a new temporary directory), serves as soon as it listens (`/ready` 503 until the first
    build file is fetched, checked and unpacked) and follows `LATEST` (`store.replica`)."""
    if not Path(artifacts).is_dir():
        raise StoreError(f"{artifacts} is not a directory: give the artifacts directory `bbfair build "
                         "--artifacts` writes (a shared folder, an NFS export, a Kubernetes volume)")
    if cache is None:
        cache = Path(tempfile.mkdtemp(prefix="bbfair-replica-")) / "store"
    LocalStore.open(Path(cache), create=True)  # refuses a directory that is not a bbfair store
    return Plan(Path(cache), "", sparql, serving_url(host, port), limits or Limits(), artifacts=Path(artifacts))


def plan_without_data(store: Path | None, artifacts: Path | None, cache: Path | None, host: str, port: int,
                      base_iri: str | None) -> Plan:
    """`bbfair serve --store DIR` or `--artifacts DIR`: no `bbfair.toml` is read, so `[sparql]` and `[limits]`
    come from the environment (`BBFAIR_SPARQL__…`, `BBFAIR_LIMITS__…`: `envconfig`) or their defaults."""
    sparql, limits = envconfig.table(Config, "sparql"), envconfig.table(Config, "limits")
    assert isinstance(sparql, Sparql) and isinstance(limits, Limits)
    if store is not None:
        return replace(plan_from_store(store, host, port, base_iri, sparql), limits=limits)
    assert artifacts is not None
    return plan_from_artifacts(artifacts, cache, host, port, sparql, limits)


def run(plan: Plan, host: str, port: int, workers: int = 1, log_level: str = "info",
        graceful_timeout: float | None = 30.0, poll: float | None = None, log_json: bool | None = None) -> None:
    """Start uvicorn (uvloop + httptools, bounded by `[limits]`) with `workers` processes, each opening the store
    itself (a replica following LATEST every `poll` seconds; JSON log lines with `log_json`). On SIGTERM (or
    Ctrl-C) it stops taking connections, lets the requests in flight finish (for at most `graceful_timeout`
    seconds) and exits."""
    import uvicorn

    plan = replace(plan, poll=plan.poll if poll is None else poll,
                   log_json=plan.log_json if log_json is None else log_json)

    from .logs import config

    os.environ[ENV_SETTINGS] = settings_env(plan.settings())
    uvicorn.run("bbfair.web.app:create_app_from_env", factory=True, host=host, port=port, workers=workers,
                log_level=log_level, loop="uvloop", http=http_protocol(plan.limits), proxy_headers=True,
                access_log=False, log_config=config(plan.log_json, log_level),
                timeout_graceful_shutdown=graceful_timeout)
