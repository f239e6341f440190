"""OCR pipeline speed and accuracy on a scanned decree page.

A decree page (text written here: two-column header, legal bases, articles,
a bulleted list) is typeset with the corpus test's renderer
(``tests/test_ocr_corpus.render_text_pdf``: DejaVu Sans 12 pt, A4), scanned like
the corpus test (200 dpi, Gaussian noise sigma 8, 0.7 degree skew) and saved as
an image-only PDF. The script prints

1. OCR seconds per page at ``DEFAULT_DPI`` (``ocr_pdf``, one worker) and the
   character error rate of the OCR text against the source text
   (``pipeline.repair.metrics.character_error_rate``);
2. the whole pipeline (``extract_document``: read_pdf -> NeedsOCR -> font
   repair attempt -> ocr_pdf -> segmentation and extraction) on the scanned
   page, against Tesseract alone on the same page image (the page rendered
   at ``DEFAULT_DPI``, ``tesseract img stdout -l vie --psm 6``), and the
   overhead in per cent. Both run with ``OMP_THREAD_LIMIT=1`` (what the
   pipeline does; pages run in parallel instead). The three are timed in
   turn, ``--runs`` times; the best time of each is the figure (the machine
   may be shared: the minimum is the least disturbed), the median is shown too.

Run: ``.venv/bin/python benchmarks/ocr_pipeline.py [--runs 3] [--dpi 300]``

Result on the development machine (2 cores, otherwise idle; tesseract 5.3.0,
vie 4.1.0; 7 interleaved runs):

                                         best    median
    OCR (ocr_pdf, 1 worker), s/page      1.31     1.46   CER 0.00%
    tesseract alone (psm 6), s           1.35     1.38
    whole pipeline (extract_document)    1.38     1.44
    pipeline overhead over tesseract    +2.4%    +3.9%   (target < 15%)
    CPU: the pipeline's own work 0.13 s = 10% of Tesseract alone (1.31 s)

The pipeline's own work per page: render 0.03 s, skew estimate 0.03 s,
rotation 0.02, binarise 0.01, table rules 0.01, writing the PGM 0.01, TSV,
layout and extraction ~0.05. Tesseract reads the binarised page a little
faster than the gray one, which is why the wall-clock overhead is about nil.
Before OpenCV and the gray-bitmap render the overhead was +21% (rotation
0.11 s with PIL, render 0.10 s with pdfium's FPDF_GRAYSCALE flag, skew
estimate 0.05 s). Tesseract's own time swings by +-15% between runs on
this machine: compare best and median, and run with ``--runs 7`` or more.

Issue 12 (per-page scan decision, glyph-map check, OCR noise cleaning, coloured-ink
removal for colour scans, unruled table rows) on a loaded shared machine, 5 interleaved
runs each, the commit before and after: CPU own work / Tesseract alone +10.8% -> +11.4%
(0.11 s -> 0.12 s against 1.05-1.07 s); wall-clock best -3.5% -> +4.1%, median +8.0% ->
+15.4% (the wall figures swing with the other engineers' load; CPU is the figure to trust).

DPI (the corpus decree hcm-4937, 7 scanned pages, ocr_pdf, 1 worker):
200 dpi 2.02 s/page, CER 0.12%; 300 dpi 2.49 s/page, CER 0.07%. The default
stays at 300 dpi.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SOURCE = """ỦY BAN NHÂN DÂN TỈNH LÀO CAI
SỞ KHOA HỌC VÀ CÔNG NGHỆ
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 152/QĐ-SKHCN
Lào Cai, ngày 12 tháng 3 năm 2026
QUYẾT ĐỊNH
Về việc ban hành Kế hoạch hỗ trợ doanh nghiệp đổi mới sáng tạo năm 2026
GIÁM ĐỐC SỞ KHOA HỌC VÀ CÔNG NGHỆ
Căn cứ Luật Khoa học và Công nghệ ngày 18 tháng 6 năm 2013;
Căn cứ Quyết định số 1519/QĐ-UBND ngày 31 tháng 3 năm 2016 của Ủy ban nhân dân tỉnh về phê duyệt phương hướng, mục tiêu, nhiệm vụ khoa học và công nghệ chủ yếu giai đoạn 2016-2020;
Xét đề nghị của Trưởng phòng Quản lý khoa học,
QUYẾT ĐỊNH:
Điều 1. Ban hành kèm theo Quyết định này Kế hoạch hỗ trợ doanh nghiệp đổi mới sáng tạo năm 2026 với các chỉ tiêu sau:
- Hỗ trợ ít nhất 120 doanh nghiệp nhỏ và vừa đổi mới công nghệ, trong đó 30% thuộc các ngành công nghiệp chủ lực của tỉnh;
- Đào tạo 350 lượt cán bộ quản lý về chuyển đổi số và quản trị tài sản trí tuệ trước ngày 30/6/2026;
- Tổ chức 03 hội thảo giới thiệu kết quả nghiên cứu có tiềm năng thương mại hóa với tổng kinh phí 2,5 tỷ đồng.
Điều 2. Quyết định này có hiệu lực kể từ ngày ký.
Điều 3. Chánh Văn phòng Sở, Trưởng các phòng, đơn vị thuộc Sở và các tổ chức, cá nhân có liên quan chịu trách nhiệm thi hành Quyết định này./.
"""


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dpi", type=int, default=None, help="OCR rendering DPI (default: DEFAULT_DPI)")
    args = parser.parse_args(argv)

    import pypdfium2 as pdfium

    from pipeline.document import extract_document
    from pipeline.read import ocr
    from pipeline.repair.metrics import character_error_rate
    from tests.test_ocr_corpus import render_text_pdf, scan_pdf

    if not ocr.tesseract_available("vie"):
        print("tesseract with 'vie' is not installed")
        return 1
    dpi = args.dpi or ocr.DEFAULT_DPI
    os.environ["OMP_THREAD_LIMIT"] = "1"
    with tempfile.TemporaryDirectory(prefix="ocr-bench-") as tmp:
        tmp = Path(tmp)
        scanned = scan_pdf(render_text_pdf(SOURCE), tmp / "scan.pdf")
        pages = len(pdfium.PdfDocument(str(scanned)))

        # The same page image the pipeline OCRs, for Tesseract alone.
        doc = pdfium.PdfDocument(str(scanned))
        image_path = tmp / "page.png"
        doc[0].render(scale=dpi / 72, grayscale=True).to_pil().save(image_path)
        doc.close()
        command = ["tesseract", str(image_path), "stdout", "-l", "vie", "--psm", "6"]
        extract_document(scanned)  # warm up: imports, caches

        # Interleaved runs, so that load from other processes hits all three alike.
        times: dict[str, list[float]] = {"ocr": [], "tesseract": [], "pipeline": []}
        cpu: dict[str, list[float]] = {"tesseract": [], "pipeline": [], "pipeline_tesseract": []}
        raw = None
        for _ in range(args.runs):
            start = time.perf_counter()
            raw = ocr.ocr_pdf(scanned, dpi=dpi, workers=1)
            times["ocr"].append((time.perf_counter() - start) / pages)
            start, children = time.perf_counter(), _children_cpu()
            subprocess.run(command, capture_output=True, check=True)
            times["tesseract"].append(time.perf_counter() - start)
            cpu["tesseract"].append(_children_cpu() - children)
            start, own, children = time.perf_counter(), time.process_time(), _children_cpu()
            extract_document(scanned)
            times["pipeline"].append(time.perf_counter() - start)
            cpu["pipeline"].append(time.process_time() - own)
            cpu["pipeline_tesseract"].append(_children_cpu() - children)
        text = "\n".join(line.text for line in raw.lines)
        cer = character_error_rate(SOURCE, text)

    best = {k: min(v) for k, v in times.items()}
    middle = {k: statistics.median(v) for k, v in times.items()}
    _ocr, tesseract_seconds, pipeline_seconds = best["ocr"], best["tesseract"], best["pipeline"]
    overhead = (pipeline_seconds - tesseract_seconds) / tesseract_seconds
    overhead_median = (middle["pipeline"] - middle["tesseract"]) / middle["tesseract"]
    print(f"scanned decree page: {pages} page(s), 200 dpi scan, OCR at {dpi} dpi, {args.runs} interleaved runs")
    print("                                     best    median")
    print(f"  OCR (ocr_pdf, 1 worker), s/page   {best['ocr']:6.2f}   {middle['ocr']:6.2f}   CER {cer:.2%}")
    print(f"  tesseract alone (psm 6), s        {tesseract_seconds:6.2f}   {middle['tesseract']:6.2f}")
    print(f"  whole pipeline (extract_document) {pipeline_seconds:6.2f}   {middle['pipeline']:6.2f}")
    print(f"  pipeline overhead over tesseract  {overhead:+6.1%}  {overhead_median:+6.1%}   (target < 15%)")
    # CPU time does not depend on what else the machine runs: the pipeline's own
    # Python work (rendering, preprocessing, layout, extraction) against Tesseract's.
    own, tess, tess_in = (statistics.median(cpu[k]) for k in ("pipeline", "pipeline_tesseract", "tesseract"))
    # Tesseract's own CPU time swings +-15% from run to run here, so the
    # pipeline's own work over Tesseract alone is the steadier overhead figure.
    print(f"  CPU: tesseract alone {tess:.2f} s; pipeline {own + tess_in:.2f} s = its own work {own:.2f} s"
          f" + tesseract {tess_in:.2f} s; own work / tesseract alone {own / tess:+.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
