"""Convert throughput against a pyoxigraph bulk-insert baseline measured in the same run.

For each size the generator writes a Directory export; bbfair then reads, checks and maps it to one rdflib
graph per resource (`convert_directory`). The baseline builds the very same triples as pyoxigraph terms and
bulk-inserts them into an in-memory Store: the cost of merely materialising that RDF in a fast native store.
Prints collections/s, triples/s and the ratio convert / baseline (goal: ≤ 2 at 10k collections).

    python bench/bench_convert.py [--sizes 1000 10000]
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate

from bbfair.builder.pipeline import convert_directory
from bbfair.rdf.rdfio import to_ox


def baseline(lexical: list[tuple]) -> float:
    """Seconds to build the triples as pyoxigraph terms (from their plain string forms) and bulk-insert them."""
    start = time.perf_counter()
    store = ox.Store()
    quads = []
    for s, p, o, g in lexical:
        quads.append(ox.Quad(to_ox(s), to_ox(p), to_ox(o), ox.NamedNode(g)))
    store.bulk_extend(quads)
    return time.perf_counter() - start


def run(size: int, workdir: Path) -> None:
    data = workdir / f"c{size}"
    generate(data, size)
    gc.collect()
    start = time.perf_counter()
    conv = convert_directory(data)
    seconds = time.perf_counter() - start
    triples = conv.triple_count()
    lexical = [(s, p, o, str(r.iri)) for r in conv.resources for s, p, o in r.graph]
    del conv
    gc.collect()
    base = baseline(lexical)
    print(f"{size:>7} collections: convert {seconds:6.2f} s = {size / seconds:8.0f} collections/s, "
          f"{triples / seconds:9.0f} triples/s ({triples} triples) | pyoxigraph bulk insert {base:6.2f} s | "
          f"ratio {seconds / base:4.2f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            run(size, Path(tmp))


if __name__ == "__main__":
    main()
