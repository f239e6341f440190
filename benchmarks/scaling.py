"""Does the cost grow linearly with the document? `link_table_rows` and the whole extraction on a plan
made 1x, 2x, 4x and 8x as large.

    .venv/bin/python benchmarks/scaling.py [--text FILE] [--repeats 3]

The document is the 2018 plan of `../shared/corpus/text/` (or `--text FILE`, any plan with a
narrative and an appendix table): its body (sections, tasks and the appendix rows) is repeated k
times under one header, each copy's Roman sections renumbered so the item tree grows as a real
longer plan would. CPU time (`time.process_time`, the best of `--repeats`) is printed per size,
with the ratio to the size before: linear growth is a ratio of about 2 per doubling (the target
is at most 2.2).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.document import extract_document  # noqa: E402
from pipeline.extract.links import link_table_rows  # noqa: E402

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "text" / "hcm-62-kh-skhcn-2018.txt"
ROMANS = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV", "XVI",
          "XVII", "XVIII", "XIX", "XX", "XXI", "XXII", "XXIII", "XXIV", "XXV", "XXVI", "XXVII", "XXVIII", "XXIX",
          "XXX", "XXXI", "XXXII", "XXXIII", "XXXIV", "XXXV", "XXXVI", "XXXVII", "XXXVIII", "XXXIX", "XL"]


def enlarged(text: str, k: int) -> str:
    """The plan with its body repeated k times: header once, then k copies with their sections renumbered."""
    lines = text.splitlines()
    start = next(n for n, line in enumerate(lines) if line.strip().startswith("I."))
    head, body = lines[:start], lines[start:]
    sections = [n for n, line in enumerate(body) if any(line.startswith(f"{r}.") for r in ROMANS[:8])]
    copies = []
    for copy in range(k):
        block = list(body)
        for number, n in enumerate(sections):
            roman = ROMANS[min(copy * len(sections) + number, len(ROMANS) - 1)]
            block[n] = roman + "." + block[n].split(".", 1)[1]
        copies.extend(block)
    return "\n".join(head + copies) + "\n"


def best_cpu(function, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.process_time()
        function()
        best = min(best, time.process_time() - started)
    return best


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--text", type=Path, default=DEFAULT)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if not args.text.is_file():
        print(f"no plan text at {args.text} (pass --text FILE)")
        return 1
    text = args.text.read_text(encoding="utf-8")
    print(f"{'size':>5} {'items':>6} {'rows':>5} {'links':>6} {'link s':>8} {'ratio':>6} {'extract s':>10} {'ratio':>6}")
    previous = None
    folder = Path(tempfile.mkdtemp(prefix="decree-scaling-"))
    for k in (1, 2, 4, 8):
        path = folder / f"x{k}.txt"
        path.write_text(enlarged(text, k), encoding="utf-8")
        document = extract_document(path)  # the real reader: tab-separated lines become table rows
        rows = sum(1 for i in document.items if i.kind == "table_row")
        link_s = best_cpu(lambda: link_table_rows(document.items), args.repeats)
        extract_s = best_cpu(lambda: extract_document(path), args.repeats)
        ratios = ("", "") if previous is None else (f"{link_s / previous[0]:.2f}", f"{extract_s / previous[1]:.2f}")
        print(f"{k:>4}x {len(document.items):>6} {rows:>5} {len(document.links):>6} {link_s:>8.3f} {ratios[0]:>6} "
              f"{extract_s:>10.3f} {ratios[1]:>6}")
        previous = (link_s, extract_s)
    print("ratio: CPU time against the size before (linear: about 2; target at most 2.2)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
