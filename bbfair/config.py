"""`bbfair.toml`: what the records do not say — the node, the base IRI, catalogue metadata, the HDAB and the
access defaults.

Parsed into pydantic models so every missing or malformed key is reported by its dotted name
(`node.email`, `access.rights`) with the file it came from.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from . import envconfig
from .errors import ConfigError, Problem
from .profiles import Published, published
from .profiles import tokens as profile_tokens

CONFIG_NAME = "bbfair.toml"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_IRI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|\\^`]+$")


def _check_iri(value: str) -> str:
    if not _IRI.match(value):
        raise ValueError(f"expected an absolute IRI such as https://example.org/…, got {value!r}")
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Agent(_Strict):
    """An organisation named in the config (the node itself, the HDAB)."""

    name: str = Field(min_length=1)
    identifier: str = Field(min_length=1, description="ROR IRI or other persistent identifier")
    homepage: str
    email: str

    _iri = field_validator("homepage")(_check_iri)

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if not _EMAIL.match(value):
            raise ValueError(f"expected an email address like info@example.org, got {value!r}")
        return value


class Node(Agent):
    """The national node: publisher of the node catalogue and of the FDP."""

    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$", description="slug of the node catalogue IRI")


class CatalogMeta(_Strict):
    """Metadata of the national node catalogue."""

    title: str = Field(min_length=1)
    description: str = Field(min_length=1)
    languages: list[str] = Field(default_factory=lambda: ["en"], min_length=1)
    license: str
    #: keywords of the node catalogue and the FAIR Data Point record (biobank and network catalogues get theirs
    #: from their records)
    keywords: list[str] = Field(default_factory=lambda: ["biobank", "sample collection", "biobank catalogue"])

    _iri = field_validator("license")(_check_iri)


class Access(_Strict):
    """How collections can be accessed: the default access rights and the access route (distribution)."""

    rights: Literal["PUBLIC", "RESTRICTED", "NON_PUBLIC"] = "NON_PUBLIC"
    request_url: str | None = Field(
        default=None, description="access-request page used when a collection has no access_uri"
    )
    policy: str = Field(description="IRI of the access policy (dct:rights of every distribution)")
    license: str = Field(description="IRI of the licence or terms under which samples and data are shared")
    byte_size: int = Field(gt=0, description="size in bytes of the access-request page (Health-RI needs > 0)")
    dataset_type: str = Field(default="STATISTICAL", pattern=r"^[A-Z_]+$")

    @field_validator("request_url", "policy", "license")
    @classmethod
    def _iris(cls, value: str | None) -> str | None:
        return None if value is None else _check_iri(value)


class Profiles(_Strict):
    """Which publication profiles (`shapes/profiles.ttl`) the catalogue is published in, and which one a client
    gets when it asks for none (the Health-RI national catalogue's, unless told otherwise)."""

    publish: list[str] = Field(default_factory=lambda: ["health-ri", "healthdcat-ap"], min_length=1)
    #: the profile a client that asks for none gets (default: the first of `publish`)
    default: str | None = None

    @field_validator("publish")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        known = profile_tokens()
        unknown = [t for t in value if t not in known]
        if unknown:
            raise ValueError(f"unknown profile {', '.join(map(repr, unknown))}: choose from {', '.join(known)}")
        return list(dict.fromkeys(value))

    @model_validator(mode="after")
    def _default_published(self) -> Profiles:
        if self.default is not None and self.default not in self.publish:
            known = profile_tokens()
            hint = "" if self.default in known else f" (bbfair knows {', '.join(known)})"
            raise ValueError(f"the default profile {self.default!r} is not in publish "
                             f"({', '.join(self.publish)}){hint}")
        return self

    def selection(self) -> Published:
        """The published profiles, the default first."""
        return published(self.publish, self.default)

    def only(self, tokens: Sequence[str]) -> Profiles:
        """Publishing only `tokens` (`--profile`), keeping the default when it is among them: what a build with
        `--profile` publishes, and what `validate --profile` converts (each profile's documents are then its
        own, even for a profile bbfair.toml does not publish)."""
        return Profiles(publish=list(tokens), default=self.default if self.default in tokens else tokens[0])


class Validation(_Strict):
    """How documents are validated."""

    #: the SHACL engine: "turbo" (pyshacl-turbo, Rust, the default) or "pyshacl" (the reference); both give
    #: the same results (README: Validation)
    engine: Literal["turbo", "pyshacl"] = "turbo"


class Output(_Strict):
    """Replaced by [profiles]: kept only to say so."""

    code_values: str | None = None

    @field_validator("code_values")
    @classmethod
    def _moved(cls, value: str | None) -> str | None:
        if value is not None:
            raise ValueError("[output] code_values is replaced by [profiles]: every document is now published "
                             "in both forms, as IRIs in profile health-ri and as literals in profile healthdcat-ap "
                             "(choose the default with [profiles] default); delete the [output] table")
        return value


class Store(_Strict):
    """Where `bbfair build` publishes when no `--store` is given: a directory (relative to the data directory)
    or the URL of a SPARQL 1.1 server. For a server, `server` names its kind (or "auto": found out from its
    answers), which gives the endpoint layout and protocol quirks (`store.servers`, docs/sparql-servers.md);
    the three endpoints, when set, override that layout."""

    location: str | None = None
    server: Literal["auto", "oxigraph", "virtuoso", "fuseki", "graphdb"] = "auto"
    #: the account bbfair writes with (Virtuoso: a user with the SPARQL_UPDATE role, through /sparql-auth)
    user: str | None = None
    #: its password; better left out of bbfair.toml and given as the environment variable BBFAIR_STORE__PASSWORD
    password: str | None = Field(default=None, repr=False)
    query_endpoint: str | None = None
    update_endpoint: str | None = None
    graph_store_endpoint: str | None = None
    #: seconds to wait for the server on each request
    timeout: float = Field(default=120.0, gt=0)

    @field_validator("query_endpoint", "update_endpoint", "graph_store_endpoint")
    @classmethod
    def _urls(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError(f"expected an http(s) URL, got {value!r}")
        return value


class Sparql(_Strict):
    """Limits of the public SPARQL endpoint (`/sparql`); docs/limits.md explains each."""

    #: seconds a query may run before it is stopped (503)
    timeout: float = Field(default=10.0, gt=0)
    #: most result rows (or triples) returned; a note says when the cap applied
    max_rows: int = Field(default=10000, gt=0)
    #: most bytes of a serialised result (rows past it are cut, as by max_rows)
    max_result_bytes: int = Field(default=64 * 2**20, gt=0)
    #: hosts a SERVICE clause may reach (e.g. "query.wikidata.org"); empty: SERVICE is always refused
    service_allow: list[str] = Field(default_factory=list)
    #: queries run at once (worker processes); more wait their turn, so pages keep answering
    max_running: int = Field(default=4, gt=0)
    #: longest query text in bytes (413)
    max_query_bytes: int = Field(default=256 * 1024, gt=0)
    #: deepest nesting of { ( [ in a query (400 before it reaches the engine)
    max_depth: int = Field(default=100, gt=0)
    #: queries one client (IP address) may have running or waiting at once (429 + Retry-After)
    per_client: int = Field(default=2, gt=0)
    #: seconds a query may wait for a free worker (503 + Retry-After)
    queue_wait: float = Field(default=5.0, gt=0)
    #: seconds after which a running query counts as long: it runs on at low CPU priority
    slow_after: float = Field(default=0.5, gt=0)
    #: long queries at once (one per client); a query that becomes long past this is stopped (503 +
    #: Retry-After), so max_running - max_slow workers stay free for quick questions
    max_slow: int = Field(default=2, gt=0)
    #: the query endpoint of the node's own SPARQL server (e.g. "http://127.0.0.1:8890/sparql"): /sparql then
    #: answers from it, with every limit above (docs/sparql-servers.md); unset: from the build's own store
    upstream: str | None = Field(default=None, pattern=r"^https?://")
    #: which server that is (its protocol quirks, `store.servers`); "auto": found out from its answer
    upstream_server: Literal["auto", "oxigraph", "virtuoso", "fuseki", "graphdb"] = "auto"

    @property
    def slow_cap(self) -> int:
        """Long queries allowed at once: `max_slow`, but always one worker fewer than `max_running` (when there
        are two or more), so quick queries find a free worker."""
        return max(1, min(self.max_slow, self.max_running - 1))


class Limits(_Strict):
    """What one HTTP request may hold (docs/limits.md): past a limit the server answers a short 431, 414 or 413
    at once, before any work, and never echoes the request back."""

    #: bytes of the whole header block (request line and header fields) → 431
    header_bytes: int = Field(default=16 * 1024, ge=1024)
    #: header fields in one request → 431
    header_fields: int = Field(default=100, ge=10)
    #: bytes of the request target (path and query string) → 414
    url_bytes: int = Field(default=8 * 1024, ge=256)
    #: bytes of one Accept or Accept-Profile header → 431
    accept_bytes: int = Field(default=4 * 1024, ge=256)
    #: entries (media ranges, profiles) in one Accept or Accept-Profile header → 431
    accept_ranges: int = Field(default=64, ge=4)
    #: bytes of a request body (a SPARQL form or query POST) → 413
    body_bytes: int = Field(default=1024 * 1024, ge=1024)


class History(_Strict):
    """How long a local store keeps the versions its builds replaced (docs/history.md): the versions of the last
    `builds` builds and/or of the last `days` days (a version is kept while either says so). Leave both out to
    keep every version (the default); each removed resource's last version is always kept."""

    builds: int | None = Field(default=None, ge=1)
    days: int | None = Field(default=None, ge=1)


class Search(_Strict):
    """The collection finder (`/search`)."""

    #: make the finder's index with each build (off: no `/search`, no term counts; the build skips the index)
    index: bool = True


class Config(_Strict):
    """The whole `bbfair.toml`."""

    base_iri: str | None = None
    directory_url: str = "https://directory.bbmri-eric.eu/ERIC/directory/"
    node: Node
    catalog: CatalogMeta
    hdab: Agent
    access: Access
    profiles: Profiles = Profiles()
    validation: Validation = Validation()
    output: Output = Output()
    store: Store = Store()
    sparql: Sparql = Sparql()
    search: Search = Search()
    history: History = History()
    limits: Limits = Limits()

    @field_validator("base_iri")
    @classmethod
    def _base(cls, value: str | None) -> str | None:
        if value is None:
            return None
        _check_iri(value)
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"expected an http(s) IRI, got {value!r}")
        if ";" in value or "#" in value or "?" in value:
            raise ValueError(f"must not contain ';', '#' or '?': {value!r}")
        return value.rstrip("/")

    def with_base(self, base_iri: str | None) -> Config:
        """A copy whose base IRI is `base_iri` (a command-line override) when one is given."""
        if base_iri is None:
            return self
        return Config.model_validate({**self.model_dump(), "base_iri": base_iri})

    def require_base(self, source: str) -> str:
        """The base IRI, or a clear error when neither the config nor the command line gives one."""
        if not self.base_iri:
            raise ConfigError([Problem("missing key base_iri: set base_iri in bbfair.toml or pass --base-iri",
                                       file=source, column="base_iri")])
        return self.base_iri


def load_config(data_dir: Path, base_iri: str | None = None) -> Config:
    """Read `<data_dir>/bbfair.toml`; raise `ConfigError` naming each bad key."""
    path = Path(data_dir) / CONFIG_NAME
    if not path.is_file():
        raise ConfigError([Problem(f"{CONFIG_NAME} not found in {data_dir}: every data directory needs one "
                                   "(copy data/bbfair.toml from bbfair's sample and edit it)", file=str(path))])
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        found = re.search(r"line (\d+)", str(exc))
        line = int(found.group(1)) if found else None
        raise ConfigError([Problem(f"not valid TOML: {exc}", file=str(path), line=line)]) from exc
    raw = envconfig.merged(raw, Config)
    if base_iri is not None:
        raw["base_iri"] = base_iri
    try:
        return Config.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            key = ".".join(str(p) for p in err["loc"])
            kind = err["type"]
            if kind == "missing":
                msg = f"missing key {key}"
            elif kind == "extra_forbidden":
                msg = f"unknown key {key} (check its spelling)"
            else:
                msg = f"bad value for {key}: {err['msg'].removeprefix('Value error, ')}"
            env = envconfig.source(key)
            problems.append(Problem(msg, file=f"environment ({env})" if env else str(path), column=key))
        raise ConfigError(problems) from exc
