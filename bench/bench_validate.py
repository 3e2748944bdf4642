"""Validation speed: bbfair's batched, multi-process validator against one single-process pyshacl call on the
whole catalogue graph with the same shapes, measured in the same run; then an unchanged re-validation.

For each size the generator writes a Directory export, bbfair converts it (not timed), and then:
- baseline: the union of every document plus the vocabulary background in one rdflib Graph, one pyshacl call
  with the same merged profiles and settings (only the pyshacl call is timed: the baseline is given its graph);
- bbfair: `validate_conversion` (hashing, batching, graph building, workers, report), cache empty;
- unchanged: the same again with the cache the previous run wrote.
Goals (2 cores): 10k collections through all default profiles < 30 s and ≥ 1.7× the baseline; unchanged < 2 s.

    python bench/bench_validate.py [--sizes 1000 10000] [--profile NAME ...] [--shapes FILE ...]
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate

from bbfair.builder.pipeline import convert_directory
from bbfair.validation.run import background, validate_conversion
from bbfair.validation.shapesets import PROFILES, load_profiles


def whole_graph_seconds(conv, shapes) -> tuple[float, int]:
    """One stock pyshacl call over the whole catalogue (shapes on rdflib's default store, pyshacl unpatched:
    it runs before bbfair's validator in this process); returns its time and the number of top-level results."""
    shapes_graph = Graph()
    for triple in shapes.graph:
        shapes_graph.add(triple)
    graph = Graph()
    for triple in {t for r in conv.resources for t in r.document()} | set(background(conv.base)):
        graph.add(triple)
    gc.collect()
    start = time.perf_counter()
    _conforms, report, _ = validate(graph, shacl_graph=shapes_graph, inference="none", advanced=False,
                                    inplace=True, allow_warnings=True, allow_infos=True, do_owl_imports=False)
    seconds = time.perf_counter() - start
    from rdflib.namespace import SH
    return seconds, len(list(report.objects(None, SH.result)))


def run(size: int, workdir: Path, shapes, skip_baseline: bool) -> None:
    data = workdir / f"c{size}"
    generate(data, size)
    conv = convert_directory(data)
    cache = workdir / f"cache-{size}.json"
    base, n = whole_graph_seconds(conv, shapes) if not skip_baseline else (0.0, 0)
    gc.collect()
    gc.freeze()
    first = validate_conversion(conv, shapes, cache_path=cache)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    again = validate_conversion(conv, shapes, cache_path=cache)
    assert again.validated == 0 and len(again.findings) == len(first.findings)
    line = (f"{size:>7} collections  {len(conv.resources):>6} documents  bbfair {first.seconds:6.2f} s "
            f"({first.count('violation')} violations, {first.count('warning')} warnings; worker peak RSS "
            f"{peak:.0f} MiB)  unchanged re-validation {again.seconds:5.2f} s")
    if not skip_baseline:
        line += f"  whole-graph pyshacl {base:6.2f} s ({n} results)  ratio {base / first.seconds:4.2f}×"
    print(line, flush=True)
    gc.unfreeze()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--profile", nargs="*", default=list(PROFILES))
    parser.add_argument("--shapes", type=Path, nargs="*", default=[])
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()
    shapes = load_profiles(args.profile, args.shapes)
    print(f"profiles: {', '.join(shapes.names)}")
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            run(size, Path(tmp), shapes, args.no_baseline)


if __name__ == "__main__":
    main()
