"""Text PDFs: `decree extract` end to end against pdfplumber's `extract_text` alone (issue 15).

    .venv/bin/python benchmarks/pdf_speed.py [--runs 3] [--keep DIR] [--base CHECKOUT]

The PDFs: every PDF of ``../shared/corpus/files/`` whose text layer is read (a file the
reader sends to OCR or to the font-map repair is left out, and named), and the 20
generated text PDFs of ``benchmarks/throughput.py`` (multi-page plans with a two-column
header, numbered tasks and a ruled table). Nothing is downloaded.

Measured ``--runs`` times, interleaved (ours, then pdfplumber, then ours ...), so that
load from other processes falls on both alike:

* ours: ``decree extract FILE... -o DIR`` in a fresh process: start-up, reading, every
  later stage, schema validation and writing the JSON;
* pdfplumber: a fresh Python process that opens every file with pdfplumber and calls
  ``page.extract_text()`` on every page (its start-up included too), and the same loop
  timed inside this process (no start-up: the stricter baseline).

Printed: wall-clock seconds and CPU seconds (user + system of the child) of each run,
the median ratio ours / pdfplumber for both (target: ≤ 0.5), and the load average.
CPU time is the steadier figure on a shared machine.

``--base CHECKOUT``: another checkout of this project (``git worktree add /tmp/base <commit>``)
runs the same ``decree extract`` too, with this virtualenv, in each round: the ratio of
this checkout's CPU time to that one's, measured side by side, is what a change gained, on
a machine whose own speed drifts from one minute to the next.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

CORPUS = ROOT.parent / "shared" / "corpus" / "files"
TARGET = 0.5
PLUMBER = (
    "import sys, pdfplumber\n"
    "for path in sys.argv[1:]:\n"
    "    with pdfplumber.open(path) as pdf:\n"
    "        for page in pdf.pages:\n"
    "            page.extract_text()\n"
    "            page.close()\n"
)


def corpus_pdfs() -> tuple[list[Path], list[str]]:
    """The corpus PDFs read from their text layer, and the others with the reason they are left out."""
    from pipeline.errors import PipelineError
    from pipeline.read.pdf import read_pdf

    kept, skipped = [], []
    for path in sorted(CORPUS.glob("*.pdf")) if CORPUS.exists() else []:
        try:
            raw = read_pdf(path)
        except PipelineError as exc:
            skipped.append(f"{path.name} ({exc.reason[:60]}...)")
            continue
        if all(page.source == "text_layer" for page in raw.pages):
            kept.append(path)
    return kept, skipped


def generated_pdfs(folder: Path) -> list[Path]:
    from throughput import decree_pdf_bytes

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(20):
        path = folder / f"ke-hoach-{i:02d}.pdf"
        path.write_bytes(decree_pdf_bytes(seed=i, tasks=27 + 3 * (i % 4)))
        paths.append(path)
    return paths


def timed_child(command: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child) of one run of ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def plumber_in_process(paths: list[Path]) -> tuple[float, float]:
    import pdfplumber

    wall, cpu = time.perf_counter(), time.process_time()
    for path in paths:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_text()
                page.close()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", metavar="DIR", help="work in DIR (kept) instead of a temporary folder")
    parser.add_argument("--base", metavar="CHECKOUT", help="another checkout, timed in each round beside this one")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="pdf-speed-"))
    try:
        run(work, args.runs, Path(args.base).resolve() if args.base else None)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def run(work: Path, runs: int, base: Path | None = None) -> None:
    import pypdfium2 as pdfium

    corpus, skipped = corpus_pdfs()
    generated = generated_pdfs(work / "generated")
    paths = corpus + generated

    def pages(group: list[Path]) -> int:
        return sum(len(pdfium.PdfDocument(str(p))) for p in group)

    print(f"{len(corpus)} corpus text PDFs ({pages(corpus)} pages): {', '.join(p.name for p in corpus) or 'none'}")
    if skipped:
        print(f"  left out (not read from their text layer): {'; '.join(skipped)}")
    print(f"{len(generated)} generated text PDFs ({pages(generated)} pages); {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}")
    decree = [str(ROOT / ".venv" / "bin" / "decree"), "extract", *map(str, paths), "-o", str(work / "json")]
    plumber = [sys.executable, "-c", PLUMBER, *map(str, paths)]
    # the other checkout's CLI, on this interpreter, with its own package first on the path
    other = [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(base)!r}); from pipeline.cli import main; main()",
             "extract", *map(str, paths), "-o", str(work / "json-base")] if base else None
    ours, theirs, inproc, before = [], [], [], []
    for i in range(runs):
        if other:
            before.append(timed_child(other))
            print(f"  run {i + 1}: {base.name}: decree extract {before[-1][0]:6.2f} s wall {before[-1][1]:6.2f} s CPU")
        ours.append(timed_child(decree))
        theirs.append(timed_child(plumber))
        inproc.append(plumber_in_process(paths))
        print(f"  run {i + 1}: decree extract {ours[-1][0]:6.2f} s wall {ours[-1][1]:6.2f} s CPU | pdfplumber "
              f"extract_text {theirs[-1][0]:6.2f} s wall {theirs[-1][1]:6.2f} s CPU (in this process "
              f"{inproc[-1][0]:.2f} / {inproc[-1][1]:.2f}) | load {os.getloadavg()[0]:.1f}")
    for label, against in (("pdfplumber in a fresh process", theirs), ("pdfplumber inside this process", inproc)):
        wall = statistics.median(o[0] / b[0] for o, b in zip(ours, against))
        cpu = statistics.median(o[1] / b[1] for o, b in zip(ours, against))
        print(f"ours / {label}: wall {wall:.3f}x, CPU {cpu:.3f}x (median of {runs}; target <= {TARGET}x: "
              f"{'met' if max(wall, cpu) <= TARGET else 'wall ' + ('met' if wall <= TARGET else 'MISSED') + ', CPU ' + ('met' if cpu <= TARGET else 'MISSED')})")
    if before:
        cpu = statistics.median(o[1] / b[1] for o, b in zip(ours, before))
        print(f"this checkout / {base}: CPU {cpu:.2f}x (median of {runs}, side by side)")


if __name__ == "__main__":
    main()
