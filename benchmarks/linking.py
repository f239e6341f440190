"""What linking documents costs: one pair, and `refresh_links` over a dataset of many citing documents.

    .venv/bin/python benchmarks/linking.py [--reports 40]

Prints CPU seconds (time.process_time: other processes on a shared machine slow the wall clock, not this)
for `link_pair` on the corpus pair (62/KH-SKHCN -> 4937/QĐ-UBND, when ../shared is there) and on the
invented decision and report of tests/link_fixtures.py, then for a dataset holding the decision and N
reports citing it (each with other figures, so N distinct documents): the first refresh (N pairs
computed), a refresh with nothing changed (digests only), and one after a single report is reprocessed
(a new pipeline version: same file, new rows).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.dataset import Dataset  # noqa: E402
from pipeline.link import link_pair  # noqa: E402
from pipeline.link.refresh import refresh_links  # noqa: E402
from tests import link_fixtures as F  # noqa: E402
from tests.helpers import SHARED, document_from_text  # noqa: E402


def cpu(fn, repeat: int = 5) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.process_time()
        result = fn()
        times.append(time.process_time() - started)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=40, help="citing documents in the dataset benchmark")
    args = parser.parse_args()

    texts = SHARED / "corpus" / "text"
    if texts.exists():
        from pipeline.document import extract_document

        plan = extract_document(texts / "hcm-4937-qd-ubnd-2015.txt")
        report = extract_document(texts / "hcm-62-kh-skhcn-2018.txt")
        seconds, pair = cpu(lambda: link_pair(report, plan))
        print(f"link_pair corpus (62 -> 4937, {len(report.items)} x {len(plan.items)} items): {seconds * 1000:.0f} ms CPU, "
              f"{sum(1 for l in pair.target_links if l.report_item_id)} links")
    decision = document_from_text(F.DECISION, "decision.txt")
    small = document_from_text(F.REPORT, "report.txt")
    seconds, _ = cpu(lambda: link_pair(small, decision))
    print(f"link_pair fixtures (report -> decision): {seconds * 1000:.1f} ms CPU")

    with tempfile.TemporaryDirectory() as folder:
        dataset = Dataset(folder)
        dataset.write_document(decision)
        reports = [document_from_text(F.REPORT.replace("420 doanh nghiệp", f"{400 + n} doanh nghiệp"), f"r{n}.txt")
                   for n in range(args.reports)]
        for doc in reports:
            dataset.write_document(doc)
        for label, before in (("first refresh", None), ("nothing changed", None),
                              ("one report reprocessed",
                               lambda: dataset.write_document(reports[0].model_copy(update={"pipeline_version": "bench"})))):
            if before:
                before()
            started, wall = time.process_time(), time.perf_counter()
            result = refresh_links(dataset)
            print(f"refresh_links, {args.reports} reports, {label}: {time.process_time() - started:.2f} s CPU "
                  f"({time.perf_counter() - wall:.2f} s wall), {len(result.computed)} computed, {result.unchanged} unchanged")


if __name__ == "__main__":
    main()
