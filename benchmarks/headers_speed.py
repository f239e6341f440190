"""Speed of the header and citation stages: the layout walk, citation finding, and the whole pipeline.

Reads ../shared/corpus/vbpl/text (293 laws, decrees, circulars; falls back to ../shared/corpus/text) and
prints CPU seconds (time.process_time, so other processes on a shared machine count less) per document
for: the layout walk (`pipeline.segment.layout.walk`, header fields included), `find_citations` over every
line, and `extract_document` end to end (docs/s). Best of --repeat runs.

    .venv/bin/python benchmarks/headers_speed.py --repeat 3
    PYTHONPATH=/path/to/other/checkout .venv/bin/python benchmarks/headers_speed.py   # another version, same inputs
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.append(str(ROOT))  # after PYTHONPATH: another checkout named there is the one measured

from pipeline.assemble import assemble  # noqa: E402
from pipeline.document import extract_document  # noqa: E402
from pipeline.extract.citations import find_citations  # noqa: E402
from pipeline.read import read_file  # noqa: E402
from pipeline.segment.layout import walk  # noqa: E402
from pipeline.segment.tables import mark_text_tables  # noqa: E402

SHARED = ROOT.parent / "shared" / "corpus"


def corpus(limit: int | None) -> list[Path]:
    for folder in (SHARED / "vbpl" / "text", SHARED / "text"):
        files = sorted(folder.glob("*.txt"))
        if files:
            return files[:limit] if limit else files
    sys.exit("no corpus: ../shared/corpus/vbpl/text or ../shared/corpus/text is needed")


def timed(fn) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--limit", type=int, default=None, help="only the first N documents")
    args = parser.parse_args(argv)
    files = corpus(args.limit)
    assembled = []
    for path in files:
        doc = assemble(read_file(path))
        mark_text_tables(doc.lines)
        assembled.append(doc)
    lines = sum(len(doc.lines) for doc in assembled)

    def walks():
        for doc in assembled:
            walk(doc.lines)

    def citations():
        for doc in assembled:
            for line in doc.lines:
                find_citations(line.text)

    def pipeline():
        for path in files:
            extract_document(path)

    import pipeline as package

    print(f"{len(files)} documents, {lines} lines · code: {Path(package.__file__).parent}")
    best = {name: min(timed(fn) for _ in range(args.repeat)) for name, fn in
            (("walk", walks), ("citations", citations), ("pipeline", pipeline))}
    n = len(files)
    print(f"  layout walk      {1000 * best['walk'] / n:7.2f} ms/doc   {lines / best['walk']:9.0f} lines/s")
    print(f"  find_citations   {1000 * best['citations'] / n:7.2f} ms/doc   {lines / best['citations']:9.0f} lines/s")
    print(f"  extract_document {1000 * best['pipeline'] / n:7.2f} ms/doc   {n / best['pipeline']:9.1f} docs/s")


if __name__ == "__main__":
    main()
