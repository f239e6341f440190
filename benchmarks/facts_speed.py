"""CPU time of the quantity and deadline grammars alone, over real decree text.

    .venv/bin/python benchmarks/facts_speed.py [--repeat 3] [--limit 0]

Reads ``../shared/corpus/vbpl/text/*.txt`` (the 293 documents of the national legal
database) and cuts each into paragraphs (its lines), the size of the units the
pipeline extracts from. Times ``extract_quantities`` and ``extract_deadline`` over all
of them with ``time.process_time`` (CPU time, so other processes on a shared machine
disturb it less than wall time), best of ``--repeat`` runs, and prints paragraphs/s,
MB/s and the number of facts found. Without the shared corpus it uses a generated
text of invented decree sentences.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.extract.deadlines import extract_deadline  # noqa: E402
from pipeline.extract.quantities import extract_quantities  # noqa: E402

VBPL = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "vbpl" / "text"
SIGNED = dt.date(2025, 6, 15)
INVENTED = [
    "Hỗ trợ 30 doanh nghiệp, kinh phí 22,6 tỷ đồng (Bằng chữ: Hai mươi hai tỷ sáu trăm triệu đồng).",
    "Định kỳ 6 tháng và hằng năm báo cáo kết quả trước ngày 15/12/2025 theo khoản 2 Điều 5.",
    "Giai đoạn 1: (1) chuẩn bị: từ Quý I/2025 đến Quý IV/2025; (2) thi công: đến Quý II/2027.",
    "Ông Nguyễn Văn A, sinh ngày 01/01/1980, căn cước số 001080001234 cấp ngày 05/5/2021.",
]


def paragraphs(limit: int) -> list[str]:
    files = sorted(VBPL.glob("*.txt")) if VBPL.is_dir() else []
    if limit:
        files = files[:limit]
    if not files:
        return INVENTED * 5000
    out = []
    for path in files:
        out.extend(line for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return out


def run(texts: list[str], fn) -> tuple[float, int]:
    start = time.process_time()
    found = sum(fn(t) for t in texts)
    return time.process_time() - start, found


def main(argv=None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--limit", type=int, default=0, help="only the first N documents")
    args = ap.parse_args(argv)
    texts = paragraphs(args.limit)
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    print(f"{len(texts)} paragraphs, {mb:.1f} MB")
    for name, fn in (("quantities", lambda t: len(extract_quantities(t))),
                     ("deadlines", lambda t: extract_deadline(t, SIGNED) is not None)):
        best, found = float("inf"), 0
        for _ in range(args.repeat):
            seconds, found = run(texts, fn)
            best = min(best, seconds)
        print(f"{name:10s} {best:6.2f} s CPU  {len(texts) / best:8.0f} paragraphs/s  {mb / best:5.2f} MB/s  found {found}")


if __name__ == "__main__":
    main()
