"""What publishing a second profile costs: `bbfair build` publishing both profiles (Health-RI, the default, and
HealthDCAT-AP R8) against the same build publishing Health-RI alone, in the same run.

Each build runs as `bbfair build DATA --store NEW --no-cache` in a fresh process (a new store, no validation
cache), the two kinds alternating `--repeat` times so both see the same machine; the figures are the medians.
Besides the time it prints each store's size on disk: the second profile's documents are kept only where they
differ, and its quad store is a checkpoint of the default one (hard links) with the differing statements.

Goal (issue 19): two profiles cost at most 1.3× one profile at 10k collections.

    python bench/bench_profiles.py [--sizes 1000 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate

from bbfair.builder.publish import store_size

KINDS = {"one profile (health-ri)": ["--profile", "health-ri"], "two profiles (health-ri + healthdcat-ap)": []}


def build(data: Path, store: Path, extra: list[str]) -> float:
    shutil.rmtree(store, ignore_errors=True)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "bbfair.cli", "build", str(data), "--store", str(store),
                           "--no-cache", *extra], capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"build failed ({extra}):\n{done.stderr[-3000:]}")
    return seconds


def run(size: int, workdir: Path, repeat: int) -> None:
    data = workdir / f"c{size}"
    generate(data, size)
    times: dict[str, list[float]] = {name: [] for name in KINDS}
    sizes: dict[str, int] = {}
    for _ in range(repeat):
        for name, extra in KINDS.items():
            store = workdir / f"site-{size}-{len(extra)}"
            times[name].append(build(data, store, extra))
            sizes[name] = store_size(store)
    one, two = (statistics.median(times[name]) for name in KINDS)
    for name in KINDS:
        row = times[name]
        print(f"{size:>7} collections | {name:42s} | median {statistics.median(row):7.2f} s "
              f"(min {min(row):.2f}, max {max(row):.2f}, n={len(row)}) | store {sizes[name] / 2**20:7.1f} MiB")
    first, second = (sizes[name] for name in KINDS)
    print(f"{size:>7} collections | ratio two/one profiles: time {two / one:.2f}× (goal ≤ 1.30), "
          f"store {second / first:.2f}×", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=None, help="keep the data and stores here")
    args = parser.parse_args()
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        for size in args.sizes:
            run(size, args.workdir, args.repeat)
        return
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            run(size, Path(tmp), args.repeat)


if __name__ == "__main__":
    main()
