"""One validation run: converted documents (and the input problems found on the way) → a `Report`."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from ..errors import Problem
from ..mapping import Conversion
from ..mapping.resource import Triple
from ..rdf import vocab
from . import cache
from .engine import Outcome, Result, validate_resources
from .passes import Validation
from .report import Finding, Locator, Report, from_problem
from .shapesets import ShapeSet


def background(base: str) -> list[Triple]:
    """What the data graph holds besides the documents, for validation only: the EU vocabulary background
    (types and schemes of the EU IRIs we use) and the node's code lists (so `sh:class skos:Concept` and the
    scheme checks can see that a code exists)."""
    return [*vocab.background(), *vocab.codelist_graph(base)]


def validate_conversion(conversion: Conversion, shapes: ShapeSet | Validation, *, problems: Sequence[Problem] = (),
                        records: int = 0, config_file: str = "bbfair.toml", node_id: str = "",
                        cache_path: Path | None = None, workers: int | None = None,
                        notices: Sequence[str] = (), violations_only: bool = False,
                        hashes: list[str] | None = None) -> Report:
    """Validate every document of `conversion` against `shapes`, reusing cached results of unchanged ones.
    `violations_only` (a build) makes only the violations exact (see `engine.run_batch`): its results are cached
    under their own key, so a later full `bbfair validate` never reuses approximate warnings. `hashes` are the
    documents' content hashes when the caller has them already."""
    start = time.perf_counter()
    key = f"{shapes.digest}:{conversion.base}" + (":violations-only" if violations_only else "")
    cached = cache.load(cache_path, key)
    outcome: Outcome = validate_resources(conversion.resources, shapes, background(conversion.base), cached,
                                          workers, violations_only=violations_only, hashes=hashes)
    fresh: dict[str, list[Result]] = {outcome.hashes[i]: rs for i, rs in outcome.results.items()}
    cache.save(cache_path, key, fresh)
    locator = Locator(conversion.resources, config_file, node_id)
    findings: list[Finding] = [from_problem(p) for p in problems]
    for i in sorted(outcome.results):
        res = conversion.resources[i]
        findings += [locator.finding(res, result, shapes) for result in outcome.results[i]]
    return Report.of(findings, shapes, records=records, resources=len(conversion.resources),
                  validated=outcome.validated, seconds=time.perf_counter() - start,
                  notices=[*notices, *conversion.notices])
