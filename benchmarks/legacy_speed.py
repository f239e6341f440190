"""Legacy files in a batch: seconds per Word 97 file with LibreOffice kept running, and with one LibreOffice per file.

    .venv/bin/python benchmarks/legacy_speed.py [--files N] [--rounds R]

Takes the first N (default 10) ``.doc`` files of ``../shared/corpus/legacy/docs`` (the
1.5 MB one full of embedded objects, 2004-mauduan.doc, is left out: LibreOffice alone
spends 15-20 s of CPU importing it, whatever runs it) and extracts them the way
``decree process`` does: each file in a sandboxed child process (``pipeline.batch.extract``),

* **kept**: the batch's LibreOffice, started for the first file and reused (the UNO
  bridge of ``pipeline.read.office``);
* **per file**: ``$PIPELINE_UNO_PYTHON`` pointed at nothing, so every file runs its own
  ``soffice --convert-to`` (with a profile kept between runs, as the fallback does).

The two modes alternate, R rounds (default 2), each in a fresh process so the first
file pays LibreOffice's start. Prints, per mode, the first file's seconds and the mean
and median wall-clock seconds per file after the first (the sandboxed children are forked
by multiprocessing's fork server, so their CPU time is not ours to count). Targets: 3 s
per file after the first (issue 15), 5 s (issue 19). Timings on a shared machine are
noisy; compare the modes within a round, and report the load average with them.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LEGACY = ROOT.parent / "shared" / "corpus" / "legacy" / "docs"
SLOW = {"2004-mauduan.doc"}


def _run_batch(paths: list[str]) -> dict:
    """In this (fresh) process: extract each file as the batch does; seconds per file."""
    import time

    from pipeline.batch import extract

    seconds, failures = [], []
    for path in paths:
        started = time.perf_counter()
        result = extract(Path(path))
        seconds.append(time.perf_counter() - started)
        if result.payload is None:
            failures.append(f"{Path(path).name}: {result.reason}")
    return {"seconds": seconds, "failures": failures}


def _measure(paths: list[Path], mode: str) -> dict:
    env = dict(os.environ)
    env.pop("PIPELINE_OFFICE_SOCKET", None)
    if mode == "per file":
        env["PIPELINE_UNO_PYTHON"] = "/nonexistent/python"
    out = subprocess.run(
        [sys.executable, __file__, "--child", *map(str, paths)], cwd=ROOT, env=env,
        capture_output=True, text=True, check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--child", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(_run_batch(args.child)))
        return
    if not LEGACY.is_dir():
        sys.exit(f"{LEGACY} not found: the benchmark reads ../shared/corpus/legacy")
    paths = [p for p in sorted(LEGACY.glob("*.doc")) if p.name not in SLOW][: args.files]
    print(f"{len(paths)} Word 97 files, {sum(p.stat().st_size for p in paths) / 1e6:.1f} MB; {args.rounds} round(s); "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    rows: dict[str, list[dict]] = {"kept": [], "per file": []}
    for round_no in range(1, args.rounds + 1):
        for mode in ("kept", "per file"):
            result = _measure(paths, mode)
            rows[mode].append(result)
            after = result["seconds"][1:]
            print(f"  round {round_no} {mode:9s} first {result['seconds'][0]:5.1f} s · after the first: "
                  f"mean {statistics.mean(after):4.2f} s, median {statistics.median(after):4.2f} s per file"
                  + (f" · FAILED {result['failures']}" if result["failures"] else ""))
    print("summary (mean over rounds of the mean seconds per file after the first):")
    for mode, results in rows.items():
        means = [statistics.mean(r["seconds"][1:]) for r in results]
        print(f"  {mode:9s} {statistics.mean(means):4.2f} s per file   (targets: ≤ 3 s, issue 15; ≤ 5 s, issue 19)")


if __name__ == "__main__":
    main()
