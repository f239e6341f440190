"""Documents per second of `decree extract` over the national legal database texts (issue 15).

    .venv/bin/python benchmarks/vbpl_speed.py [--runs 3] [--limit N]

Runs ``decree extract`` over every text of ``../shared/corpus/vbpl/text`` (293 plain-text
legal documents) in a fresh process, ``--runs`` times: start-up, reading, every stage,
schema validation and writing the JSON included. ``decree extract`` does no word
segmentation (the tokens stage belongs to ``decree process``; ``throughput.py`` measures
it apart). The child is pinned to one core (``taskset -c 0`` when there is one) and its
CPU time (user + system, ``RUSAGE_CHILDREN``) gives documents per CPU second, the figure
that other load on a shared machine disturbs least; wall-clock is printed beside it.
Target: at least 5 documents/s on one core.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from pdf_speed import timed_child  # noqa: E402

VBPL = ROOT.parent / "shared" / "corpus" / "vbpl" / "text"
TARGET = 5.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--limit", type=int, default=None, help="only the first N documents")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    paths = sorted(VBPL.glob("*.txt"))[: args.limit]
    if not paths:
        print(f"no texts in {VBPL}")
        return 1
    work = Path(tempfile.mkdtemp(prefix="vbpl-speed-"))
    pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []
    decree = [*pin, str(ROOT / ".venv" / "bin" / "decree"), "extract", *map(str, paths), "-o", str(work)]
    startup = [*pin, str(ROOT / ".venv" / "bin" / "decree"), "extract", "--help"]
    size = sum(p.stat().st_size for p in paths) / 1e6
    print(f"{len(paths)} vbpl texts ({size:.1f} MB); {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
          f"{', pinned to core 0' if pin else ''}")
    try:
        runs, starts = [], []
        for i in range(args.runs):
            starts.append(timed_child(startup))
            runs.append(timed_child(decree))
            wall, cpu = runs[-1]
            print(f"  run {i + 1}: {wall:6.2f} s wall {cpu:6.2f} s CPU -> {len(paths) / cpu:5.2f} docs/CPU s, "
                  f"{len(paths) / wall:5.2f} docs/s wall (start-up alone {starts[-1][1]:.2f} s CPU) | "
                  f"load {os.getloadavg()[0]:.1f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    cpu = statistics.median(len(paths) / c for _, c in runs)
    wall = statistics.median(len(paths) / w for w, _ in runs)
    print(f"median of {args.runs}: {cpu:.2f} docs per CPU second, {wall:.2f} docs/s wall on one core "
          f"(target >= {TARGET}: {'met' if cpu >= TARGET else 'MISSED'} by CPU time)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
