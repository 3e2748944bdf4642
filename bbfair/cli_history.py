"""`bbfair history` and `bbfair diff`: what a local store has published over time (docs/history.md). A thin
shell over `store.history` and `store.changes`; `cli` registers the commands."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from .errors import StoreError
from .store.changes import (
    CREATED,
    REMOVED,
    Readable,
    StatementDiff,
    build_counts,
    catalogue_diff,
    find,
    story,
)
from .store.history import BuildRow, History
from .store.local import Build, LocalStore

StoreDir = Annotated[Path, typer.Option("--store", help="store directory (history is kept by local stores)")]


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(2)


@contextmanager
def _opened(store: Path) -> Iterator[tuple[Build, History]]:
    try:
        build = LocalStore.open(store).open_live()
    except StoreError as exc:
        raise _fail(str(exc)) from None
    history = History.of(build.path)
    try:
        if history is None:
            raise _fail(f"{store} keeps no history yet: its live build was made before bbfair kept history; the "
                        f"next `bbfair build` starts it")
        yield build, history
    finally:
        if history is not None:
            history.close()
        build.close()


def _when(build: BuildRow) -> str:
    return datetime.fromisoformat(build.published).strftime("%Y-%m-%d %H:%M:%S UTC")


def _print_diff(diff: StatementDiff | None, readable: Readable, indent: str = "      ") -> None:
    if diff is None:
        typer.echo(f"{indent}(the earlier version is no longer kept: retention)")
        return
    for line in diff.removed:
        typer.echo(f"{indent}- {readable.statement(line)}")
    for line in diff.added:
        typer.echo(f"{indent}+ {readable.statement(line)}")


def history(
    store: StoreDir,
    ident: Annotated[str | None, typer.Argument(metavar="ID", help="a record id (collection, biobank, network …), "
                                                                  "a path such as dataset/x, or an IRI; leave "
                                                                  "out to list the builds")] = None,
    full: Annotated[bool, typer.Option("--full", help="also list every statement of a created version")] = False,
) -> None:
    """The versions of a record: when each was published, by which build, and what changed (statements removed
    and added). Without ID: every build the store's history holds, with how many documents it created, updated
    and removed."""
    with _opened(store) as (build, kept):
        base = build.manifest.build.base_iri
        if ident is None:
            counts = build_counts(kept)
            typer.echo(f"{'#':>3}  {'went live':23}  {'build':25}  {'created':>7}  {'updated':>7}  {'removed':>7}")
            for row in kept.builds():
                created, updated, removed = counts.get(row.seq, (0, 0, 0))
                mark = "  (live)" if row.id == build.id else ""
                typer.echo(f"{row.seq:>3}  {_when(row):23}  {row.id:25}  {created:>7}  {updated:>7}  {removed:>7}"
                           f"{mark}")
            return
        iris = find(kept, ident, base)
        if not iris:
            raise _fail(f"no record {ident!r} in the history of {store} (give a record id, a path such as "
                        f"dataset/x, or an IRI below {base}/)")
        readable = Readable(base)
        for iri in iris:
            steps = story(kept, iri, build.documents)
            kind = steps[0].version.kind if steps else "?"
            typer.echo(f"{iri} ({kind}): {sum(1 for s in steps if s.what != REMOVED)} version(s)")
            for step in steps:
                typer.echo(f"  {_when(step.build)}  build {step.build.id}  {step.what}")
                if step.what == CREATED and not full and step.diff is not None:
                    typer.echo(f"      ({len(step.diff.added)} statements; --full lists them)")
                elif step.what != REMOVED:
                    _print_diff(step.diff, readable)


def diff(
    build_a: Annotated[str, typer.Argument(metavar="BUILD_A", help="a build: its id (or a unique start of it), its "
                                                                  "number in `bbfair history`, or first, previous, "
                                                                  "live")],
    build_b: Annotated[str, typer.Argument(metavar="BUILD_B", help="the later build, named the same ways")],
    store: StoreDir,
    names_only: Annotated[bool, typer.Option("--names-only", help="list the documents, not the statements")]
    = False,
) -> None:
    """What changed in the whole catalogue between two builds: documents created (+), removed (-) and updated
    (~, with the statements removed and added)."""
    with _opened(store) as (build, kept):
        rows = []
        for ref in (build_a, build_b):
            row = kept.build(ref)
            if row is None:
                known = ", ".join(b.id for b in kept.builds()[-5:])
                raise _fail(f"no build {ref!r} in the history of {store} (the latest: {known}; `bbfair history "
                            f"--store {store}` lists them all)")
            rows.append(row)
        changes = catalogue_diff(kept, rows[0], rows[1], build.documents, statements=not names_only)
        readable = Readable(build.manifest.build.base_iri)
        typer.echo(f"{rows[0].id} ({_when(rows[0])}) → {rows[1].id} ({_when(rows[1])}): "
                   f"{len(changes.created)} created, {len(changes.updated)} updated, {len(changes.removed)} removed")
        for version in changes.created:
            typer.echo(f"+ {readable.term_text(version.iri)} ({version.kind})")
        for version in changes.removed:
            typer.echo(f"- {readable.term_text(version.iri)} ({version.kind})")
        for old, _new, statements in changes.updated:
            typer.echo(f"~ {readable.term_text(old.iri)} ({old.kind})")
            if not names_only:
                _print_diff(statements, readable, "    ")
