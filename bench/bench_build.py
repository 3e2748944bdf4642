"""Full `bbfair build` (convert + validate + publish) at several sizes, against a baseline in the same run.

For each size the generator writes a Directory export. Each step runs in a fresh Python process, so the
peak memory (RSS) it prints is that step's alone:

* baseline: `bbfair convert` of the same export to one N-Quads file (read, map, serialise: no validation, no
  store), the least any publisher must do with these records;
* build: `bbfair build` into a new store (with an empty validation cache), with its time, the store size on
  disk and its peak memory: the largest total, sampled every 0.5 s, of the proportional set size (PSS) of the
  build process and all its descendants (its child and the workers; shared pages count once), beside the peak RSS
  of the build process and of the largest descendant (RSS counts shared pages in every process);
* unchanged: the same build again (nothing changed: the input hash matches the live build);
* one change: one collection renamed, built again (incremental: only the changed resources are re-written).

Goals on a 2-core machine: 100k collections built in under 5 minutes with peak memory under 2 GiB; an unchanged
rebuild of 10k collections in under 5 s.

    python bench/bench_build.py [--sizes 1000 10000 100000]
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate

from bbfair.builder.publish import store_size

STEP = r"""
import json, os, resource, sys, threading, time
from pathlib import Path

def tree_pss():
    # proportional set size of this process and its descendants: shared pages (the records a forked worker
    # inherits) count once, split between the processes sharing them
    pids, todo = [], [os.getpid()]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        try:
            for tid in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{tid}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except OSError:
            pass
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                total += sum(int(line.split()[1]) for line in f if line.startswith("Pss:"))
        except OSError:
            pass
    return total / 1024

peak = [0.0]
def sample():
    while True:
        peak[0] = max(peak[0], tree_pss())
        time.sleep(0.5)
threading.Thread(target=sample, daemon=True).start()
start = time.perf_counter()
kind, data, target = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
out = {}
if kind == "convert":
    from bbfair.builder.pipeline import convert_to_file
    conv = convert_to_file(data, Path(target))
    out["resources"] = len(conv.resources)
else:
    from bbfair.builder.publish import build
    result = build(data, target, cache_dir=Path(target).parent / "validation-cache")
    out["status"] = result.status
    out["changed"] = result.info.changed if result.info else None
    out["violations"] = result.report.count("violation")
    out["warnings"] = result.report.count("warning")
out["seconds"] = time.perf_counter() - start
out["rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
out["workers_rss_mib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
out["tree_pss_mib"] = max(peak[0], tree_pss())
print(json.dumps(out))
"""


def step(kind: str, data: Path, target: Path) -> dict:
    """Run one step in a fresh interpreter; its JSON line of figures."""
    done = subprocess.run([sys.executable, "-c", STEP, kind, str(data), str(target)], capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def rename_one(data: Path) -> None:
    """Rename the first collection (a one-record change)."""
    path = data / "Collections.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header, rows = list(reader.fieldnames or []), list(reader)
    rows[0]["name"] += " (renamed)"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header)
        writer.writeheader()
        writer.writerows(rows)


def run(size: int, workdir: Path) -> None:
    data = workdir / f"c{size}"
    generate(data, size)
    base = step("convert", data, workdir / f"c{size}.nq")
    store = workdir / f"site{size}"
    # a new store and an empty validation cache, also in a work directory an earlier run left behind
    shutil.rmtree(store, ignore_errors=True)
    shutil.rmtree(workdir / "validation-cache", ignore_errors=True)
    full = step("build", data, store)
    assert full["status"] == "published", full
    disk = store_size(store)
    same = step("build", data, store)
    assert same["status"] == "unchanged", same
    time.sleep(1)
    rename_one(data)
    one = step("build", data, store)
    assert one["status"] == "published", one
    print(f"{size:>7} collections | baseline convert→N-Quads {base['seconds']:7.1f} s, peak {base['rss_mib']:5.0f} MiB"
          f" | build {full['seconds']:7.1f} s (ratio {full['seconds'] / base['seconds']:4.2f}), "
          f"peak memory {full['tree_pss_mib']:5.0f} MiB (all processes, PSS; RSS build {full['rss_mib']:5.0f} MiB, "
          f"workers {full['workers_rss_mib']:5.0f} MiB), "
          f"store {disk / 2**20:6.1f} MiB, {full['warnings']} warnings | unchanged rebuild {same['seconds']:5.2f} s"
          f" | one collection renamed: {one['seconds']:6.1f} s, {one['changed']} resources re-written",
          flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--workdir", type=Path, default=None, help="keep the data and stores here")
    args = parser.parse_args()
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        for size in args.sizes:
            run(size, args.workdir)
        return
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            run(size, Path(tmp))


if __name__ == "__main__":
    main()
