"""What `bbfair build --artifacts` and `bbfair serve` say about build files and replicas (docs/operations.md): a
thin shell over `store.artifacts` and `web.serve`; `cli` calls these."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the web tier is imported only by `bbfair serve`
    from .web.serve import Plan


def write_build_file(location: str, artifacts: Path) -> str:
    """Write the store's live build as a build file in `artifacts` (LATEST last); the line to print. StoreError
    when the store is a SPARQL server or the directory cannot be written."""
    from .store.artifacts import publish

    pointer, wrote = publish(location, artifacts)
    return (f"{'build file' if wrote else 'unchanged: LATEST already names'} {Path(artifacts) / pointer.file} "
            f"({pointer.bytes / 2**20:.1f} MiB, sha256 {pointer.sha256[:12]}…)")


def serving_line(plan: Plan) -> str:
    """The line `bbfair serve` prints before it starts: what it serves, where, and where its IRIs point."""
    what = f"the build files of {plan.artifacts} (unpacked into {plan.store}; /ready once the first is in)" \
        if plan.artifacts else f"{plan.store}"
    return (f"serving {what} at {plan.url}/ (IRIs {plan.base_iri or 'as built'}/…; SPARQL {plan.url}/sparql, docs "
            f"{plan.url}/docs); Ctrl-C stops")
