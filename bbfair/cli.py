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
from .pipeline import convert_to_file

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


@app.command()
def version() -> None:
    """Print bbfair's version."""
    typer.echo(__version__)


if __name__ == "__main__":  # pragma: no cover
    app()
