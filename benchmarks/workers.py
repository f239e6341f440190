"""Do workers scale? `decree process --workers 1` against `--workers 2` on the same 20 real files (issue 15).

    .venv/bin/python benchmarks/workers.py [--rounds 2] [--tokens]

The batch: the ten files of ``../shared/corpus/files`` as published (text PDFs, a scan, a
garbled PDF, DOCX plans, Word 97 in TCVN3 and VNI, an OCR'd text) and the first ten of
``../shared/corpus/legacy/docs`` (Word 97, RTF and PDF in legacy fonts; their Word files go
through the batch's one LibreOffice). Each run drops them into a fresh home and runs one
`decree process --no-tokens` (tokens with ``--tokens``) against a local Prefect server that a
warm-up run started, so no run pays the server's start. Runs are interleaved (1, 2, 1, 2, ...);
printed: each run's wall time and documents/s, the median of each, and the ratio (target ≥ 1.7
on two cores). A scan's OCR already runs its pages in parallel inside one document, so it gains
least from a second worker.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
DECREE = str(ROOT / ".venv" / "bin" / "decree")


def batch() -> list[Path]:
    files = sorted(p for p in (CORPUS / "files").iterdir()
                   if p.is_file() and not p.name.endswith(".groundtruth.txt") and p.name != "SOURCES.tsv")
    legacy = sorted(p for p in (CORPUS / "legacy" / "docs").iterdir() if p.suffix.lower() in (".doc", ".rtf", ".pdf"))
    return files + legacy[:20 - len(files)]


def run(files: list[Path], work: Path, workers: int, env: dict, tokens: bool) -> tuple[float, str]:
    home = work / f"home-{time.monotonic_ns()}"
    inbox = home / "raw_docs" / "inbox"
    inbox.mkdir(parents=True)
    old = time.time() - 60
    for path in files:
        shutil.copyfile(path, inbox / path.name)
        os.utime(inbox / path.name, (old, old))
    started = time.perf_counter()
    done = subprocess.run([DECREE, "process", "--home", str(home), "--workers", str(workers),
                           *([] if tokens else ["--no-tokens"])], env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    last = [line for line in done.stdout.splitlines() if line.startswith("processed ")]
    shutil.rmtree(home, ignore_errors=True)
    return seconds, (last[-1] if last else f"exit {done.returncode}: {done.stderr.strip()[-200:]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--tokens", action="store_true", help="with the tokens stage (the deployment's default)")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    files = batch()
    if len(files) < 20:
        print(f"only {len(files)} files under {CORPUS}: no comparison")
        return 1
    work = Path(tempfile.mkdtemp(prefix="workers-"))
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PREFECT_", "DECREE_"))}
    env.update(PREFECT_HOME=str(work / "prefect"), COLUMNS="10000")
    try:
        print(f"{len(files)} files, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
        seconds, line = run(files[:1], work, 1, env, args.tokens)
        print(f"  warm-up (starts the Prefect server): {seconds:.1f} s")
        times: dict[int, list[float]] = {1: [], 2: []}
        for k in range(args.rounds):
            for workers in (1, 2):
                seconds, line = run(files, work, workers, env, args.tokens)
                times[workers].append(seconds)
                print(f"  round {k + 1}, --workers {workers}: {seconds:6.1f} s, {len(files) / seconds:.2f} docs/s  ({line})")
    finally:
        subprocess.run([DECREE, "prefect", "--stop"], env=env, capture_output=True)
        shutil.rmtree(work, ignore_errors=True)
    one, two = statistics.median(times[1]), statistics.median(times[2])
    print(f"median --workers 1 {one:.1f} s, --workers 2 {two:.1f} s: {one / two:.2f}x the documents/s (target >= 1.7)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
