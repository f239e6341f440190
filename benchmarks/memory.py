"""Does memory stay flat over a long batch? Peak RSS of one `decree extract` run at 25/50/75/100 % of it (issue 15).

    .venv/bin/python benchmarks/memory.py [--passes 2]

The batch: the 293 texts of ``../shared/corpus/vbpl/text``, the PDFs of
``../shared/corpus/files`` read from their text layer and the 20 generated plans of
``throughput.py``, in a fixed shuffled order, the whole list ``--passes`` times (the same
files again: whatever a file leaves behind would pile up). One ``decree extract`` process
reads them all; after each file's summary line this script reads the child's
``/proc/<pid>/status``: VmHWM (peak RSS so far) and VmRSS (now). Printed at 25, 50, 75
and 100 % of the files. Flat: peak at 100 % within max(25 MB, 10 %) of the peak at 25 %.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

VBPL = ROOT.parent / "shared" / "corpus" / "vbpl" / "text"


def status_mb(pid: int) -> tuple[float, float]:
    """(VmHWM, VmRSS) of process ``pid`` in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            fields[key] = int(value.split()[0]) / 1024
    return fields["VmHWM"], fields["VmRSS"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passes", type=int, default=2)
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    from pdf_speed import corpus_pdfs, generated_pdfs

    work = Path(tempfile.mkdtemp(prefix="memory-"))
    try:
        files = sorted(VBPL.glob("*.txt")) + corpus_pdfs()[0] + generated_pdfs(work / "generated")
        random.Random(15).shuffle(files)
        batch = files * args.passes
        print(f"{len(batch)} files ({len(files)} distinct, {args.passes} passes); load average "
              f"{os.getloadavg()[0]:.1f}")
        env = dict(os.environ, COLUMNS="10000")  # one summary line per file, never wrapped
        child = subprocess.Popen([str(ROOT / ".venv" / "bin" / "decree"), "extract", *map(str, batch),
                                  "-o", str(work / "json")], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                 text=True, env=env)
        marks = {max(1, round(len(batch) * share)): share for share in (0.25, 0.5, 0.75, 1.0)}
        done, seen = 0, {}
        for line in child.stdout:
            if not line.startswith("ok "):
                continue
            done += 1
            if done in marks:
                seen[marks[done]] = status_mb(child.pid)
                hwm, rss = seen[marks[done]]
                print(f"  {marks[done]:4.0%} ({done:4d} files): peak RSS {hwm:6.0f} MB, RSS now {rss:6.0f} MB")
        child.wait()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if 0.25 not in seen or 1.0 not in seen:
        print(f"only {done} of {len(batch)} files succeeded: no comparison")
        return 1
    growth = seen[1.0][0] - seen[0.25][0]
    flat = growth <= max(25.0, 0.1 * seen[0.25][0])
    print(f"peak RSS 100 % vs 25 %: {growth:+.0f} MB -> {'flat' if flat else 'GROWS with the batch'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
