"""Validation speed: the SHACL engine bbfair validates with (pyshacl-turbo, Rust, after the fast pre-check)
against the reference engine on the same batches (pyshacl: what bbfair ran before) and against one
single-process pyshacl call on the whole catalogue graph, all measured in the same run; then an unchanged
re-validation.

For each size the generator writes a Directory export, bbfair converts it (not timed), and then, with every
published profile's shapes (bbfair's own and the official ones, `validation.passes.for_config`):
- whole-graph pyshacl: per validation pass, the union of every document in that pass's profile plus the
  vocabulary background in one rdflib Graph, one pyshacl call (only the calls are timed);
- fast path, pyshacl: `validate_conversion` with `engine="pyshacl"` (hashing, batching, the fast pre-check,
  pyshacl on the failing pairs, workers, report), cache empty;
- fast path, turbo: the same with `engine="turbo"` (bbfair's default);
- unchanged: the default run again with the cache it wrote.
Both fast paths must give the same findings. Peak memory is the largest worker's RSS (ru_maxrss of children).

Goals (issue 23, 2 cores): ≥ 10× whole-graph pyshacl at 10k, 10k under 15 s, 100k under 150 s.

    python bench/bench_validate.py [--sizes 1000 10000 100000] [--no-baseline] [--baseline-max 10000]
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import tempfile
import time
from pathlib import Path

from pyshacl import validate
from rdflib import Graph
from rdflib.namespace import SH

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate

from bbfair.builder.pipeline import convert_directory
from bbfair.config import load_config
from bbfair.validation.passes import for_config
from bbfair.validation.run import background, validate_conversion


def whole_graph_seconds(conv, validation) -> tuple[float, int]:
    """Stock pyshacl, one call per validation pass over the whole catalogue in that pass's profile."""
    seconds, results = 0.0, 0
    for one in validation.passes:
        shapes = Graph()
        for triple in one.shapes.graph:
            shapes.add(triple)
        graph = Graph()
        for triple in {t for r in conv.resources for t in r.document(one.profile)} | set(background(conv.base)):
            graph.add(triple)
        gc.collect()
        start = time.perf_counter()
        _conforms, report, _ = validate(graph, shacl_graph=shapes, inference="none", advanced=False,
                                        inplace=True, allow_warnings=True, allow_infos=True, do_owl_imports=False)
        seconds += time.perf_counter() - start
        results += len(list(report.objects(None, SH.result)))
    return seconds, results


def timed(conv, validation, engine: str, cache: Path | None):
    validation.engine = engine
    report = validate_conversion(conv, validation, cache_path=cache)
    return report, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def run(size: int, workdir: Path, skip_baseline: bool) -> None:
    data = workdir / f"c{size}"
    generate(data, size)
    conv = convert_directory(data)
    validation = for_config(load_config(data))
    validation.compile()
    base, n = whole_graph_seconds(conv, validation) if not skip_baseline else (0.0, 0)
    gc.collect()
    gc.freeze()
    cache = workdir / f"cache-{size}.json"
    turbo, peak = timed(conv, validation, "turbo", cache)  # first: the children's peak is turbo's alone
    reference, both = timed(conv, validation, "pyshacl", None)
    validation.engine = "turbo"
    again = validate_conversion(conv, validation, cache_path=cache)
    assert again.validated == 0 and len(again.findings) == len(turbo.findings)
    same = sorted(map(repr, reference.findings)) == sorted(map(repr, turbo.findings))
    line = (f"{size:>7} collections  {len(conv.resources):>6} documents | fast path: turbo {turbo.seconds:6.2f} s, "
            f"pyshacl {reference.seconds:6.2f} s ({reference.seconds / turbo.seconds:4.2f}×), same findings: {same} "
            f"({turbo.count('violation')} violations, {turbo.count('warning')} warnings); worker peak RSS "
            f"turbo {peak:.0f} MiB (either {both:.0f} MiB) | unchanged re-validation {again.seconds:5.2f} s")
    if not skip_baseline:
        line += f" | whole-graph pyshacl {base:7.2f} s ({n} results), ratio {base / turbo.seconds:5.2f}×"
    else:
        line += " | whole-graph pyshacl not run at this size"
    print(line, flush=True)
    gc.unfreeze()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--no-baseline", action="store_true", help="skip the whole-graph pyshacl call")
    parser.add_argument("--baseline-max", type=int, default=10000,
                        help="largest size the whole-graph pyshacl call runs at (one rdflib graph of the whole "
                             "catalogue in one process: ~100 s at 1k and ~20 min at 10k here; 100k would take "
                             "hours and tens of GiB)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            run(size, Path(tmp), args.no_baseline or size > args.baseline_max)


if __name__ == "__main__":
    main()
