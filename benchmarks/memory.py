"""Does memory stay flat over a long batch? Peak RSS of one `decree extract` run at 25/50/75/100 % of it (issue 15).

    .venv/bin/python benchmarks/memory.py [--passes 2]
    .venv/bin/python benchmarks/memory.py --process     # the same files through `decree process --no-tokens`

The batch: the 293 texts of ``../shared/corpus/vbpl/text``, the PDFs of
``../shared/corpus/files`` read from their text layer and the 20 generated plans of
``throughput.py``, in a fixed shuffled order, the whole list ``--passes`` times (the same
files again: whatever a file leaves behind would pile up). One ``decree extract`` process
reads them all; after each file's summary line this script reads the child's
``/proc/<pid>/status``: VmHWM (peak RSS so far) and VmRSS (now). Printed at 25, 50, 75
and 100 % of the files. Flat: peak at 100 % within max(25 MB, 10 %) of the peak at 25 %.

``--process`` measures the deployment's path instead: the distinct files (one pass: a file
seen again is skipped by its hash) dropped in a fresh home's inbox and processed by one
`decree process --no-tokens --workers 1` on a private Prefect home; every half second the
flow process's VmHWM and VmRSS and the RSS of all its descendants (the fork server and the
document's child) are read, and printed when 25, 50, 75 and 100 % of the files have left the
inbox.
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


def peak_growth(seen: dict) -> tuple[float, bool]:
    """(MB the peak RSS grew from 25 % to 100 % of the batch, whether that is flat: within max(25 MB, 10 %))."""
    growth = seen[1.0][0] - seen[0.25][0]
    return growth, growth <= max(25.0, 0.1 * seen[0.25][0])


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (from /proc/*/stat)."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def run_process(files: list[Path], work: Path) -> int:
    """The files through `decree process` in one home; memory of the flow process and of its children."""
    import time

    home = work / "home"
    inbox = home / "raw_docs" / "inbox"
    inbox.mkdir(parents=True)
    for k, path in enumerate(files):
        shutil.copy2(path, inbox / f"{k:04d}-{path.name}")
        os.utime(inbox / f"{k:04d}-{path.name}", (time.time() - 60, time.time() - 60))
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PREFECT_", "DECREE_"))}
    env.update(PREFECT_HOME=str(work / "prefect"), COLUMNS="10000")
    print(f"{len(files)} files through decree process --no-tokens --workers 1; load average {os.getloadavg()[0]:.1f}")
    decree = str(ROOT / ".venv" / "bin" / "decree")
    child = subprocess.Popen([decree, "process", "--home", str(home), "--no-tokens", "--workers", "1"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    marks = [(max(1, round(len(files) * share)), share) for share in (0.25, 0.5, 0.75, 1.0)]
    seen: dict[float, tuple[float, float, float]] = {}
    peak_children = 0.0
    last = (0.0, 0.0)
    try:
        while child.poll() is None:
            time.sleep(0.5)
            try:
                hwm, rss = status_mb(child.pid)
            except (OSError, KeyError):
                break
            last = (hwm, rss)
            below = 0.0
            for pid in descendants(child.pid):
                try:
                    below += status_mb(pid)[1]
                except (OSError, KeyError):
                    pass
            peak_children = max(peak_children, below)
            left = sum(1 for _ in inbox.iterdir())
            done = len(files) - left
            while marks and done >= marks[0][0]:
                _, share = marks.pop(0)
                seen[share] = (hwm, rss, peak_children)
                print(f"  {share:4.0%} ({done:4d} files): flow peak RSS {hwm:6.0f} MB, now {rss:6.0f} MB; "
                      f"its children (fork server + document) at most {peak_children:6.0f} MB so far")
        child.wait()
    finally:
        if child.poll() is None:
            child.kill()
        subprocess.run([decree, "prefect", "--stop"], env=env, capture_output=True)
    if 0.25 not in seen or 1.0 not in seen:
        print(f"the run ended before all files left the inbox (exit {child.returncode}): no comparison")
        return 1
    growth, flat = peak_growth(seen)
    print(f"  end of the run (links and views refreshed, last read before the process left): flow peak RSS "
          f"{last[0]:6.0f} MB")
    print(f"flow peak RSS 100 % vs 25 %: {growth:+.0f} MB -> {'flat' if flat else 'GROWS with the batch'}; "
          f"children at most {seen[0.25][2]:.0f} MB by 25 %, {seen[1.0][2]:.0f} MB by 100 %")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passes", type=int, default=2)
    parser.add_argument("--process", action="store_true", help="through `decree process` instead of `decree extract`")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    from pdf_speed import corpus_pdfs, generated_pdfs

    if args.process:
        work = Path(tempfile.mkdtemp(prefix="memory-"))
        try:
            files = sorted(VBPL.glob("*.txt")) + corpus_pdfs()[0] + generated_pdfs(work / "generated")
            random.Random(15).shuffle(files)
            return run_process(files, work)
        finally:
            shutil.rmtree(work, ignore_errors=True)

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
    growth, flat = peak_growth(seen)
    print(f"peak RSS 100 % vs 25 %: {growth:+.0f} MB -> {'flat' if flat else 'GROWS with the batch'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
