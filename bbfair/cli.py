"""The `bbfair` command line: a thin shell over `bbfair.pipeline`; every command is a function tests call."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from . import __version__
from .errors import InputError
from .mapping import Conversion
from .pipeline import convert_to_file, validate_directory
from .validation import cache as validation_cache
from .validation.profiles import PROFILES
from .validation.report import summary, to_json, to_text, to_turtle

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


def print_summary(conv: Conversion, seconds: float, output: Path | None = None) -> None:
    """The conversion summary: what was published, what was derived, what was ignored."""
    table = Table(title="bbfair conversion", show_header=True)
    table.add_column("published")
    table.add_column("count", justify="right")
    for kind in ("catalog", "dataset", "distribution", "agent", "contact", "container", "concept"):
        if conv.counts.get(kind):
            table.add_row(kind, str(conv.counts[kind]))
    console.print(table)
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


def _profiles(values: list[str] | None) -> list[str]:
    """`--profile a --profile b` or `--profile a,b`; `none` for no shipped profile (only `--shapes` files)."""
    if not values:
        return list(PROFILES)
    names = [name.strip() for value in values for name in value.split(",") if name.strip()]
    return [] if names == ["none"] else names


@app.command()
def validate(
    data_dir: DataDir,
    profile: Annotated[list[str] | None, typer.Option(
        "--profile", help=f"profile to check (repeatable or comma-separated; default: {', '.join(PROFILES)}; "
                          "'none' for only --shapes files)")] = None,
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


@app.command()
def version() -> None:
    """Print bbfair's version."""
    typer.echo(__version__)


if __name__ == "__main__":  # pragma: no cover
    app()
