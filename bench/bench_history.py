"""What keeping history costs (issue 21): the store's size after ten builds of a catalogue where 1 % of the
collections change each time, against the same catalogue built once into a fresh store; and the time of a
rebuild that changes nothing (`bbfair build --force` on unchanged input), with the history step and without it,
in the same run.

Every build runs as `bbfair build DATA --store STORE` in a fresh process (the validation cache on, as a data
manager runs it). Between builds, `--changed` of the collections (1 % by default, spread over the biobanks) get a
new description, as a data manager's edit would. "Without history" is the same build with the history step
(`store.history_write.advance`) replaced by nothing, in that process only, on a copy of the store: the figure
to compare with is what a build cost before bbfair kept history.

Goal (issue 21): the ten-build store is under 1.2× the single-build store; the unchanged rebuild keeps its time.

    python bench/bench_history.py [--collections 10000] [--builds 10] [--changed 0.01] [--repeat 3]
"""

from __future__ import annotations

import argparse
import csv
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
from bbfair.store.history import HISTORY

#: runs `bbfair build …` with the history step switched off (the baseline of the rebuild time)
WITHOUT_HISTORY = ("import sys; import bbfair.store.staging as s; s.advance = lambda *a, **k: None; "
                   "from bbfair.cli import app; sys.argv[0] = 'bbfair'; app()")


def build(data: Path, store: Path, *extra: str, history: bool = True) -> float:
    command = [sys.executable, "-m", "bbfair.cli"] if history else [sys.executable, "-c", WITHOUT_HISTORY]
    start = time.perf_counter()
    done = subprocess.run([*command, "build", str(data), "--store", str(store), *extra], capture_output=True,
                          text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"build failed:\n{done.stderr[-3000:]}")
    return seconds


def change(data: Path, fraction: float, round_: int) -> int:
    """Give `fraction` of the collections (every n-th, shifted each round) a new description."""
    path = data / "Collections.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header, rows = list(reader.fieldnames or []), list(reader)
    step = max(1, round(1 / fraction))
    changed = 0
    for index in range(round_ % step, len(rows), step):
        rows[index]["description"] = f"{rows[index]['description']} (revised in round {round_})"
        changed += 1
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header)
        writer.writeheader()
        writer.writerows(rows)
    return changed


def live_history(store: Path) -> int:
    live = (store / "LIVE").read_text(encoding="utf-8").split('"build": "', 1)[1].split('"', 1)[0]
    path = store / "builds" / live / HISTORY
    return path.stat().st_size if path.is_file() else 0


def run(size: int, builds: int, fraction: float, repeat: int, workdir: Path) -> None:
    data = workdir / f"c{size}"
    generate(data, size)
    store = workdir / "site"
    seconds = [build(data, store)]
    changed = 0
    for round_ in range(1, builds):
        changed = change(data, fraction, round_)
        time.sleep(1)  # builds a second apart, as the history's times have whole seconds
        seconds.append(build(data, store))
    many = store_size(store)
    kept = live_history(store)
    fresh = workdir / "fresh"
    build(data, fresh)
    one = store_size(fresh)
    print(f"{size} collections, {builds} builds, {changed} collections ({fraction:.0%}) changed per build")
    print(f"  builds: first {seconds[0]:.1f} s, later ones median {statistics.median(seconds[1:]):.1f} s")
    print(f"  store after {builds} builds: {many / 2**20:.1f} MiB (history.sqlite {kept / 2**20:.1f} MiB); "
          f"the final input built once into a fresh store: {one / 2**20:.1f} MiB")
    print(f"  ratio {builds}-build store / single-build store: {many / one:.2f}× (goal < 1.20)")
    print(f"    of which the history: {(one + kept) / one:.2f}× (history.sqlite is {kept / one:.1%} of the "
          f"single-build store); the rest is the live build itself: {(many - kept) / one:.2f}× (the same "
          "without history: an incremental build's quad store is compacted only after a large load)")
    baseline = workdir / "site-without-history"
    shutil.copytree(store, baseline)
    timings: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(repeat):
        for history in (True, False):
            timings[history].append(build(data, store if history else baseline, "--force", history=history))
    with_, without = (statistics.median(timings[h]) for h in (True, False))
    for history in (True, False):
        row = timings[history]
        print(f"  unchanged rebuild (--force) {'with' if history else 'without'} history: median "
              f"{statistics.median(row):.2f} s (min {min(row):.2f}, max {max(row):.2f}, n={len(row)})")
    print(f"  ratio with/without history: {with_ / without:.2f}×")
    noop = build(data, store)
    print(f"  unchanged input (nothing to do): {noop:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--collections", type=int, default=10000)
    parser.add_argument("--builds", type=int, default=10)
    parser.add_argument("--changed", type=float, default=0.01, help="fraction of collections changed per build")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-history-", dir=args.workdir) as tmp:
        run(args.collections, args.builds, args.changed, args.repeat, Path(tmp))


if __name__ == "__main__":
    main()
