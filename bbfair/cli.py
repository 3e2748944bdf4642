"""The `bbfair` command line: a thin shell over `bbfair.builder`; every command is a function tests call."""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, ClassVar

import typer
from rich.console import Console
from rich.table import Table

from . import __version__
from . import cli_history as history_commands
from . import cli_ops as ops_commands
from .builder.pipeline import convert_to_file, validate_directory
from .errors import InputError, StoreError
from .mapping import Conversion
from .profiles import tokens as profile_tokens
from .validation import cache as validation_cache
from .validation.report import summary, to_json, to_text, to_turtle
from .validation.shapesets import available as available_sets

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Publish a biobank catalogue as FAIR linked data (DCAT-AP 3, HealthDCAT-AP, Health-RI).")
console = Console(stderr=True, emoji=False)

DataDir = Annotated[Path, typer.Argument(help="folder holding bbfair.toml and the records")]
BaseIri = Annotated[str | None, typer.Option("--base-iri", help="base IRI of every resource (overrides "
                                                                 "base_iri in bbfair.toml)")]


def _fail(exc: InputError, code: int = 2) -> typer.Exit:
    console.print(f"[bold red]error[/]: the input cannot be converted ({len(exc.problems)} problem(s))")
    for problem in exc.problems:
        console.print(f"  ✗ {problem}", markup=False, highlight=False, soft_wrap=True)
    return typer.Exit(code)


def _counts_table(title: str, counts: Mapping[str, int]) -> Table:
    """How many resources of each kind were published."""
    table = Table(title=title, show_header=True)
    table.add_column("published")
    table.add_column("count", justify="right")
    for kind in ("catalog", "dataset", "distribution", "service", "agent", "contact", "container", "concept"):
        if counts.get(kind):
            table.add_row(kind, str(counts[kind]))
    return table


def print_summary(conv: Conversion, seconds: float, output: Path | None = None) -> None:
    """The conversion summary: what was published, what was derived, what was ignored."""
    console.print(_counts_table("bbfair conversion", conv.counts))
    triples = conv.triple_count()
    console.print(f"{triples} triples in {len(conv.resources)} resource graphs, {seconds:.2f} s"
                  + (f" → {output}" if output else ""), highlight=False)
    if conv.derived:
        console.print("[bold]derived[/] (the records do not say it; the standards require it):")
        for what, n in sorted(conv.derived.items()):
            console.print(f"  • {what}: {n}", markup=False, highlight=False)
    for notice in conv.notices:
        console.print(f"note: {notice}", markup=False, highlight=False, soft_wrap=True)


@app.command()
def convert(
    data_dir: DataDir,
    output: Annotated[Path, typer.Option("-o", "--output", help="file to write; format from its suffix "
                                                                 "(.ttl .nt .jsonld .rdf .nq .trig)")],
    fmt: Annotated[str | None, typer.Option("--format", help="turtle|nt|jsonld|rdf|nq|trig")] = None,
    base_iri: BaseIri = None,
) -> None:
    """Convert the records in DATA_DIR into one RDF file (the whole catalogue)."""
    start = time.perf_counter()
    try:
        conv = convert_to_file(data_dir, output, fmt, base_iri)
    except InputError as exc:
        raise _fail(exc, 2) from None
    print_summary(conv, time.perf_counter() - start, output)


def _profiles(values: list[str] | None) -> list[str] | None:
    """`--profile a --profile b` or `--profile a,b` (None when not given); `none` for no shipped shapes (only
    `--shapes` files)."""
    if not values:
        return None
    names = [name.strip() for value in values for name in value.split(",") if name.strip()]
    return [] if names == ["none"] else names


@app.command()
def validate(
    data_dir: DataDir,
    profile: Annotated[list[str] | None, typer.Option(
        "--profile", help="what to check (repeatable or comma-separated): publication profiles "
                          f"({', '.join(profile_tokens())}; default: every profile bbfair.toml publishes, each "
                          f"with all its shapes, official ones included), or single shape sets of bbfair's "
                          f"({', '.join(available_sets())}) on every published profile's documents; 'none' for "
                          "only --shapes files")] = None,
    shapes: Annotated[list[Path] | None, typer.Option(
        "--shapes", help="an extra SHACL shapes file (Turtle or RDF/XML), repeatable; official files welcome")] = None,
    fmt: Annotated[str, typer.Option("--format", help="text|json|turtle")] = "text",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="write the report here, not stdout")] = None,
    base_iri: BaseIri = None,
    workers: Annotated[int | None, typer.Option(help="worker processes (default: one per core)")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="validate every document, even unchanged ones")]
    = False,
) -> None:
    """Check the records in DATA_DIR and their converted documents against the SHACL profiles.

    Exit 0 when everything conforms (warnings are shown, not fatal), 1 on violations, 2 when the input cannot
    be read at all."""
    renderers = {"text": to_text, "json": to_json, "turtle": to_turtle}
    if fmt not in renderers:
        console.print(f"[bold red]error[/]: --format must be one of {', '.join(renderers)}, not {fmt!r}")
        raise typer.Exit(2)
    try:
        report = validate_directory(data_dir, _profiles(profile), shapes or [], base_iri,
                                    None if no_cache else validation_cache.default_dir(), workers)
    except InputError as exc:
        raise _fail(exc, 2) from None
    text = renderers[fmt](report)
    if output:
        output.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        console.print(summary(report), markup=False, highlight=False, soft_wrap=True)
    else:
        typer.echo(text)
    raise typer.Exit(0 if report.conforms else 1)


Store = Annotated[str | None, typer.Option("--store", help="store directory, or the URL of a SPARQL 1.1 "
                                                         "server (default: [store] location in bbfair.toml, else "
                                                         "DATA_DIR/.bbfair/store, which `bbfair serve DATA_DIR` "
                                                         "serves)")]


class _BuildProgress:
    """The build's stages on stderr: a spinner per stage and a bar of collections converted and validated."""

    LABELS: ClassVar[dict[str, str]] = {"read": "reading records", "convert": "converting and validating",
                                        "publish": "publishing", "load": "loading the quad store"}

    def __init__(self) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        self.bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), console=console, transient=True)
        self.task = self.bar.add_task("starting", total=None)

    def __call__(self, stage: str, done: int, total: int) -> None:
        self.bar.update(self.task, description=self.LABELS.get(stage, stage), completed=done,
                        total=total or None)

    def __enter__(self) -> _BuildProgress:
        self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.stop()


@app.command()
def build(
    data_dir: DataDir,
    store: Store = None,
    base_iri: BaseIri = None,
    profile: Annotated[list[str] | None, typer.Option(
        "--profile", help="publication profiles to publish (repeatable or comma-separated; default: [profiles] "
                          "publish in bbfair.toml); each is validated with all its shapes")] = None,
    shapes: Annotated[list[Path] | None, typer.Option("--shapes", help="an extra SHACL shapes file, "
                                                                       "repeatable")] = None,
    workers: Annotated[int | None, typer.Option(help="worker processes that convert and validate (default: one "
                                                     "per core)")] = None,
    force: Annotated[bool, typer.Option("--force", help="rebuild even when nothing changed")] = False,
    wait: Annotated[bool, typer.Option("--wait", help="wait for a build already running on this store "
                                                      "instead of stopping")] = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="validate every document, even unchanged ones")]
    = False,
    artifacts: Annotated[Path | None, typer.Option("--artifacts", envvar="BBFAIR_ARTIFACTS", help="also write the "
                                                   "live build as one hashed build file here, then LATEST, for "
                                                   "`bbfair serve --artifacts` replicas")] = None,
) -> None:
    """Convert, validate and publish DATA_DIR into a store, atomically.

    Nothing is published unless every record converts and every document passes the profiles: the store
    keeps what it had (and a running server keeps serving it). Exit 0 when published or unchanged, 1 on
    violations, 2 when the input or the store cannot be used."""
    location = _run_build(data_dir, store, base_iri, profile, shapes, workers=workers, force=force, wait=wait,
                          no_cache=no_cache)
    if artifacts is not None:
        try:
            console.print(ops_commands.write_build_file(location, artifacts), highlight=False, soft_wrap=True)
        except StoreError as exc:
            raise _store_error(exc) from None


def _run_build(data_dir: Path, store: str | Path | None, base_iri: str | None, profile: list[str] | None,
               shapes: list[Path] | None, *, workers: int | None = None, force: bool = False, wait: bool = False,
               no_cache: bool = False) -> str:
    """`bbfair build` (also the first step of `bbfair serve DATA_DIR`): progress, summary and exit codes; the
    store's location."""
    from .builder.publish import build as run_build
    from .builder.publish import store_size

    try:
        with _BuildProgress() as progress:
            result = run_build(data_dir, store, base_iri=base_iri, profiles=_profiles(profile),
                               extra_shapes=shapes or [], workers=workers, force=force, wait=wait,
                               cache_dir=None if no_cache else validation_cache.default_dir(), progress=progress)
    except InputError as exc:
        raise _fail(exc, 2) from None
    except StoreError as exc:
        raise _store_error(exc) from None
    if result.status == "invalid":
        typer.echo(to_text(result.report))
        console.print(f"[bold red]not published[/]: the catalogue has violations; {result.location} is "
                      "unchanged", highlight=False, soft_wrap=True)
        raise typer.Exit(1)
    info = result.info
    assert info is not None
    if result.status == "unchanged":
        console.print(f"unchanged: {result.location} already holds build {info.id} of this input "
                      f"({info.resources} resources); nothing to do (--force rebuilds)", highlight=False,
                      soft_wrap=True)
        return result.location
    console.print(_counts_table(f"build {info.id}", info.counts))
    size = f", {store_size(Path(result.location)) / 2**20:.1f} MiB on disk" \
        if Path(result.location).is_dir() else ""
    console.print(f"{info.resources} resources ({info.changed} new or changed, {info.removed} removed), "
                  f"{info.triples} triples, {info.warnings} warnings, {result.seconds:.2f} s → "
                  f"{result.location}{size}", highlight=False, soft_wrap=True)
    if info.warnings:
        console.print(f"warnings do not stop publishing; `bbfair validate {data_dir}` lists them",
                      highlight=False)
    return result.location


def _store_error(exc: StoreError) -> typer.Exit:
    console.print(f"error: {exc}", style="bold red", highlight=False, markup=False, soft_wrap=True)
    return typer.Exit(2)


@app.command()
def serve(
    data_dir: Annotated[Path | None, typer.Argument(help="folder holding bbfair.toml and the records: built "
                                                         "first (as `bbfair build`), then served")] = None,
    store: Annotated[Path | None, typer.Option("--store", envvar="BBFAIR_STORE", help="store directory (default: "
                                               "[store] location in bbfair.toml, else DATA_DIR/.bbfair/store)")]
    = None,
    host: Annotated[str, typer.Option(envvar="BBFAIR_HOST", help="address to listen on (0.0.0.0: every "
                                                                  "interface)")] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="BBFAIR_PORT", help="port to listen on")] = 8000,
    base_iri: Annotated[str | None, typer.Option("--base-iri", envvar="BBFAIR_BASE_IRI", help="base IRI of every "
                                                 "resource (overrides bbfair.toml; default: the serving URL)")]
    = None,
    workers: Annotated[int, typer.Option(envvar="BBFAIR_WORKERS", help="server processes")] = 1,
    profile: Annotated[list[str] | None, typer.Option("--profile", help="profiles the build must pass")] = None,
    artifacts: Annotated[Path | None, typer.Option("--artifacts", envvar="BBFAIR_ARTIFACTS", help="serve the build "
                                                   "files there, following LATEST (a stateless replica)")] = None,
    cache: Annotated[Path | None, typer.Option("--cache", envvar="BBFAIR_CACHE", help="with --artifacts: where "
                                               "builds are unpacked (default: a new temporary directory)")] = None,
    poll: Annotated[float, typer.Option("--poll", envvar="BBFAIR_POLL", min=0.05, help="with --artifacts: "
                                        "seconds between looks at LATEST")] = 5.0,
    log_json: Annotated[bool, typer.Option("--log-json", envvar="BBFAIR_LOG_JSON", help="log JSON lines, and one "
                                           "per request")] = False,
    graceful_timeout: Annotated[float, typer.Option("--graceful-timeout", envvar="BBFAIR_GRACEFUL_TIMEOUT",
                                                    help="on SIGTERM, seconds requests in flight may take to "
                                                         "finish")] = 30.0,
) -> None:
    """Serve a catalogue as a FAIR Data Point with HTML pages and a SPARQL endpoint.

    With DATA_DIR it is built first (nothing is served if it has violations); with only --store the store's
    live build is served; with --artifacts the build files of an artifacts directory are. The server picks up
    later builds without a restart, and on SIGTERM lets the requests in flight finish."""
    from .web.serve import plan_from_data, plan_without_data, run

    try:
        if data_dir is not None and artifacts is None:
            plan = plan_from_data(data_dir, store, host, port, base_iri)
            _run_build(data_dir, plan.store, plan.base_iri, profile, None)
        elif (store is None) != (artifacts is None) and data_dir is None:
            plan = plan_without_data(store, artifacts, cache, host, port, base_iri)
        else:
            console.print("[bold red]error[/]: give one of DATA_DIR (build and serve), --store DIR (serve a store "
                          "that was built already) or --artifacts DIR (serve build files)", highlight=False)
            raise typer.Exit(2)
    except InputError as exc:
        raise _fail(exc, 2) from None
    except StoreError as exc:
        raise _store_error(exc) from None
    warning = plan.warning()
    if warning:
        console.print(f"[yellow]note[/]: {warning}", highlight=False, soft_wrap=True)
    console.print(ops_commands.serving_line(plan), highlight=False, soft_wrap=True)
    run(plan, host, port, workers, graceful_timeout=graceful_timeout, poll=poll, log_json=log_json)


@app.command("check-harvest")
def check_harvest(
    url: Annotated[str, typer.Argument(help="the FAIR Data Point's root URL")],
    catalogs: Annotated[bool, typer.Option("--catalogs", help="also harvest catalogues as records (the "
                                                               "harvester's harvest_catalogs option)")] = False,
    timeout: Annotated[float, typer.Option(help="seconds per request (the harvester's default: 100)")] = 100.0,
    as_json: Annotated[bool, typer.Option("--json", help="print the report as JSON")] = False,
    profile: Annotated[str, typer.Option("--profile", help="the publication profile whose consumer judges the "
                                                           "harvest, with its official shape files "
                                                           f"({', '.join(profile_tokens())}); other than "
                                                           "health-ri, the walk asks for it with Accept-Profile")]
    = "health-ri",
) -> None:
    """Walk any FAIR Data Point as the Health-RI national catalogue's harvester does, and report what it would
    import and what it would drop, and why. Exit 0 when everything is found and valid, 1 when something would
    be dropped or is invalid, 2 when the root cannot be read."""
    import json

    from .harvest import check_harvest as walk
    from .harvest import to_json, to_text

    if profile not in profile_tokens():
        console.print(f"[bold red]error[/]: unknown profile {profile!r}: choose from {', '.join(profile_tokens())}",
                      highlight=False)
        raise typer.Exit(2)
    report = walk(url, timeout=timeout, harvest_catalogs=catalogs, profile=profile)
    typer.echo(json.dumps(to_json(report), indent=2) if as_json else to_text(report))
    raise typer.Exit(report.exit_code)


@app.command()
def query(
    sparql: Annotated[str, typer.Argument(help="a SPARQL 1.1 query (or @FILE to read it from a file); "
                                               "bbfair's prefixes (dcat:, dct:, …) are predeclared")],
    store: Annotated[str, typer.Option("--store", help="store directory or SPARQL server URL")],
    fmt: Annotated[str | None, typer.Option("--format", help="json|csv|tsv|xml for SELECT/ASK (default json); "
                                                             "turtle|nt|jsonld|rdf for CONSTRUCT/DESCRIBE")]
    = None,
) -> None:
    """Run a SPARQL query on the published store (the union of every resource's graph)."""
    from .store.query import run

    text = sparql
    if sparql.startswith("@"):
        try:
            text = Path(sparql[1:]).read_text(encoding="utf-8")
        except OSError as exc:
            console.print(f"[bold red]error[/]: cannot read the query file {sparql[1:]}: {exc.strerror}")
            raise typer.Exit(2) from None
    try:
        answer = run(store, text, fmt)
    except StoreError as exc:
        raise _store_error(exc) from None
    typer.echo(answer.body.decode("utf-8"), nl=not answer.body.endswith(b"\n"))


@app.command()
def info(store: Annotated[str, typer.Option("--store", help="store directory or SPARQL server URL")]) -> None:
    """Show the build a store holds: when, from which input, with which bbfair and profiles, and counts."""
    import json
    from dataclasses import asdict

    from .builder.publish import is_url

    try:
        if is_url(store):
            from .store.remote import RemoteStore

            manifest = RemoteStore(store).manifest()
        else:
            from .store.local import LocalStore

            manifest = LocalStore.open(Path(store)).manifest()
    except StoreError as exc:
        raise _store_error(exc) from None
    if manifest is None:
        console.print(f"{store} holds no build yet", highlight=False)
        raise typer.Exit(1)
    typer.echo(json.dumps(asdict(manifest.build), indent=2))


app.command()(history_commands.history)  # docs/history.md
app.command()(history_commands.diff)


@app.command()
def version() -> None:
    """Print bbfair's version."""
    typer.echo(__version__)


if __name__ == "__main__":  # pragma: no cover - `python -m bbfair.cli`
    app()
