"""Throughput of the whole pipeline: pages/s per stage, through the Prefect flow, memory, re-runs.

    .venv/bin/python benchmarks/throughput.py [--quick] [--keep DIR]

Generates its own corpus (nothing is downloaded; the decree texts are invented here):

* text PDFs: multi-page Kế hoạch / Quyết định with fpdf2 + DejaVu Sans: a two-column
  header, "Căn cứ" lines, many numbered tasks with quantities, agencies and deadlines,
  sub-items, a ruled table, a signature block, a running header and page numbers
  (20 files / ~120 pages; ``--quick``: 5 files / ~30 pages);
* scans: other documents of the same kind rendered at 200 dpi with pypdfium2, slightly
  rotated, with mild noise, saved as image-only PDFs (no text layer)
  (~22 pages; ``--quick``: ~4 pages).

and prints:

1. pages/s per stage for text PDFs and for scans: read (``read_file``; OCR for scans),
   assemble + normalise, segment (text tables, layout walk, item tree), extract (the rest
   of ``build_document``: header fields, quantities, deadlines, agencies, citations, the
   ``Document``) and end to end (``extract_document``). The stages are timed inside one
   ``extract_document`` call per file by wrapping the functions ``pipeline.document``
   calls (``read_file``, ``assemble``, ``mark_text_tables``, ``read_tables``, ``walk``, ``build_tree``),
   so the split always follows the real code path; extract = build_document minus assemble
   and segment (it includes linking table rows to narrative items, ``link_table_rows``). The 100 % memory run below
   times the same text PDFs again without the wrappers, in a fresh process;
2. the flow (``flows.inbox.run_inbox``) on a fresh home with the whole corpus in the inbox,
   against the local Prefect API server the CLI uses (``flows.server.prefect_api``: started
   once in a private ``PREFECT_HOME``, reported separately, stopped at the end), analytics
   off, logging at WARNING;
3. peak RSS (``resource.getrusage`` maxrss of self and of children) of a fresh subprocess
   that extracts 25 %, 50 % and 100 % of the text corpus, and whether it stays flat;
4. our text-PDF end-to-end time / pdfplumber's ``page.extract_text()`` (open + every page):
   three interleaved runs of both, the median wall-clock ratio (the target, ≤ 1.5×) and the
   median CPU-time ratio (steadier on a shared machine); and / ``pdftotext`` (one subprocess
   per file);
5. an unchanged re-run (the same files copied back into the inbox: recognised by content
   hash and skipped) and a run over an empty inbox, as a share of the first run; target ≤ 2 %;
6. the speed-up of the flow from workers=1 to workers=2 (fresh homes, same corpus);
7. the tokens stage (``pipeline.tokens.tokenize_document`` and its Parquet rows) in a fresh
   process set up as a document's worker, CPU time against underthesea alone on the same text
   (per sentence, as one calls it: target <= 10 % more; and on the same pieces), interleaved
   ``--rounds`` times, and our own work alone (underthesea's answers replayed from a cache),
   over the generated text PDFs and, when present, ../shared/corpus/text;

then a summary table. About 10 minutes on 2 cores (``--quick``: under 3).
"""
from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FONT_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
OLD = 1_000_000_000  # an mtime far in the past: the inbox sees the file as settled

PDFPLUMBER_TARGET = 1.5
RERUN_TARGET = 0.02


# ==========================================================================
# Corpus
# ==========================================================================
PROVINCES = ["AN PHÚ", "BÌNH AN", "HÒA LẠC", "PHÚ XUÂN", "NAM SƠN", "ĐÔNG HẢI", "TÂY NGUYÊN", "BẮC HÀ"]
LEADS = ["Sở Khoa học và Công nghệ", "Sở Công Thương", "Sở Tài chính", "Sở Kế hoạch và Đầu tư",
         "Sở Thông tin và Truyền thông", "Sở Nông nghiệp và Phát triển nông thôn", "Sở Nội vụ",
         "Sở Giáo dục và Đào tạo", "Sở Lao động - Thương binh và Xã hội", "Sở Y tế"]
SUPPORTS = ["các sở, ngành liên quan", "Ủy ban nhân dân các huyện, thị xã, thành phố", "Sở Tài chính",
            "Hiệp hội Doanh nghiệp tỉnh", "Liên minh Hợp tác xã tỉnh", "Đài Phát thanh và Truyền hình tỉnh"]
ACTIONS = [
    ("hỗ trợ", "doanh nghiệp nhỏ và vừa đổi mới công nghệ sản xuất"),
    ("tổ chức", "hội thảo, tọa đàm về chuyển đổi số cho cán bộ, công chức"),
    ("đào tạo", "lượt cán bộ quản lý về quản trị doanh nghiệp số"),
    ("xây dựng", "mô hình liên kết chuỗi giá trị nông sản đặc thù"),
    ("số hóa", "hồ sơ, tài liệu lưu trữ của các cơ quan hành chính"),
    ("kiểm tra", "cơ sở sản xuất, kinh doanh trên địa bàn tỉnh"),
    ("cấp", "giấy chứng nhận quyền sử dụng đất cho hộ gia đình, cá nhân"),
    ("trồng mới", "ha rừng phòng hộ, rừng sản xuất tập trung"),
]
DEADLINES = ["Quý I/{y}", "Quý II/{y}", "Quý III/{y}", "Quý IV/{y}", "trước ngày 30 tháng 6 năm {y}",
             "trong năm {y}", "tháng 12/{y}", "trước ngày 15/11/{y}", "hằng năm", "giai đoạn {y}-{y2}"]


def _deadline(rng: random.Random, year: int) -> str:
    return rng.choice(DEADLINES).format(y=year + rng.randint(0, 2), y2=year + 3)


def _task(rng: random.Random, year: int) -> str:
    verb, obj = rng.choice(ACTIONS)
    lead, support = rng.choice(LEADS), rng.choice(SUPPORTS)
    qty = rng.choice([f"{rng.randint(2, 95)}", f"{rng.randint(1, 9)}.{rng.randint(100, 999)}", f"0{rng.randint(1, 9)}"])
    money = f"{rng.randint(1, 80)},{rng.randint(1, 9)} tỷ đồng"
    share = f"{rng.randint(20, 95)}%"
    return rng.choice([
        f"{lead} chủ trì, phối hợp với {support} {verb} {qty} {obj}; kinh phí dự kiến {money}; "
        f"thời gian hoàn thành: {_deadline(rng, year)}.",
        f"Phấn đấu đến năm {year + 2} có ít nhất {share} {obj.split(',')[0]} được {verb}; giao {lead} "
        f"chủ trì theo dõi, báo cáo kết quả {_deadline(rng, year)}.",
        f"{verb.capitalize()} {qty} {obj} trong {_deadline(rng, year)}, bảo đảm không dưới {share} "
        f"đơn vị tham gia; {lead} chủ trì, {support} phối hợp thực hiện.",
    ])


def decree_pdf_bytes(seed: int, tasks: int) -> bytes:
    """One invented plan (Kế hoạch) issued with its decision, `tasks` numbered tasks, a table."""
    from fpdf import FPDF

    rng = random.Random(seed)
    province = PROVINCES[seed % len(PROVINCES)]
    year = 2022 + seed % 4
    running = f"Bản điện tử - Cổng thông tin tỉnh {province.title()}"

    class Decree(FPDF):
        def header(self):
            self.set_font("DejaVu", size=8)
            self.set_xy(20, 8)
            self.cell(170, 4, running, align="C")

        def footer(self):
            self.set_font("DejaVu", size=10)
            self.set_xy(20, 285)
            self.cell(170, 5, f"- {self.page_no()} -", align="C")

    pdf = Decree(format="A4", unit="mm")
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.add_font("DejaVu", "B", str(FONT_BOLD))

    def at(x, y, text, size=12, bold=False, w=0, align="L"):
        pdf.set_font("DejaVu", "B" if bold else "", size)
        pdf.set_xy(x, y)
        pdf.cell(w, 6, text, align=align)

    def para(text, size=12, bold=False, indent=10, gap=1.5):
        pdf.set_font("DejaVu", "B" if bold else "", size)
        pdf.set_x(20 + indent)
        pdf.multi_cell(170 - indent, 6, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    number = 10 + seed * 7
    pdf.add_page()
    at(15, 18, "ỦY BAN NHÂN DÂN", 11, True, w=70, align="C")
    at(95, 18, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 11, True, w=100, align="C")
    at(15, 24, f"TỈNH {province}", 11, True, w=70, align="C")
    at(95, 24, "Độc lập - Tự do - Hạnh phúc", 11, True, w=100, align="C")
    at(15, 33, f"Số: {number}/KH-UBND", 11, w=70, align="C")
    at(95, 33, f"{province.title()}, ngày {1 + seed % 27} tháng {1 + seed % 12} năm {year}", 11, w=100, align="C")
    at(20, 46, "KẾ HOẠCH", 13, True, w=170, align="C")
    at(20, 53, f"Triển khai chuyển đổi số và hỗ trợ doanh nghiệp giai đoạn {year}-{year + 3}", 12, True, w=170,
       align="C")
    pdf.set_y(66)
    para("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;")
    para("Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;")
    para(f"Căn cứ Quyết định số {500 + seed}/QĐ-UBND ngày 02 tháng 01 năm {year} của Ủy ban nhân dân tỉnh "
         f"{province.title()} về việc ban hành Chương trình hành động năm {year};")
    para("Ủy ban nhân dân tỉnh ban hành Kế hoạch triển khai như sau:")
    para("I. MỤC ĐÍCH, YÊU CẦU", bold=True, indent=0)
    para("1. Mục đích", bold=True)
    for _ in range(2):
        para(f"Nâng cao năng lực cạnh tranh của doanh nghiệp, phấn đấu đến năm {year + 3} có "
             f"{rng.randint(30, 80)}% doanh nghiệp ứng dụng công nghệ số trong quản trị và sản xuất, kinh doanh.")
    para("2. Yêu cầu", bold=True)
    para("Các cơ quan, đơn vị xác định rõ nhiệm vụ, thời hạn hoàn thành và kết quả cụ thể; bảo đảm "
         "sự phối hợp chặt chẽ giữa các sở, ngành và địa phương trong quá trình tổ chức thực hiện.")
    para("II. NHIỆM VỤ VÀ GIẢI PHÁP", bold=True, indent=0)
    n = 0
    for section in range(1, 4):
        para(f"{section}. Nhóm nhiệm vụ {['về thể chế', 'về hạ tầng số', 'về nhân lực'][section - 1]}", bold=True)
        for _ in range(tasks // 3):
            n += 1
            letter = "abcdefghiklmnopqrstuvxy"[(n - 1) % 23]
            para(f"{letter}) {_task(rng, year)}")
            if rng.random() < 0.35:
                for _ in range(rng.randint(1, 3)):
                    para(f"- {_task(rng, year)}", indent=14)
    para("III. DANH MỤC NHIỆM VỤ TRỌNG ĐIỂM", bold=True, indent=0)
    pdf.set_font("DejaVu", size=10)
    with pdf.table(col_widths=(12, 78, 45, 35), text_align="LEFT", width=170, line_height=6) as table:
        row = table.row()
        for cell in ("TT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời hạn"):
            row.cell(cell)
        for i in range(1, 9 + seed % 5):
            verb, obj = rng.choice(ACTIONS)
            row = table.row()
            for cell in (str(i), f"{verb.capitalize()} {rng.randint(2, 400)} {obj}", rng.choice(LEADS),
                         _deadline(rng, year)):
                row.cell(cell)
    pdf.ln(4)
    para("IV. KINH PHÍ THỰC HIỆN", bold=True, indent=0)
    para(f"Tổng kinh phí thực hiện Kế hoạch khoảng {rng.randint(10, 90)},{rng.randint(1, 9)} tỷ đồng từ ngân sách "
         f"tỉnh và các nguồn vốn hợp pháp khác; Sở Tài chính tham mưu bố trí kinh phí hằng năm.")
    para("V. TỔ CHỨC THỰC HIỆN", bold=True, indent=0)
    para(f"1. Giao {rng.choice(LEADS)} chủ trì, theo dõi, đôn đốc việc triển khai Kế hoạch; tổng hợp, báo cáo "
         f"Ủy ban nhân dân tỉnh trước ngày 15 tháng 12 hằng năm.")
    para("2. Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các cơ quan, đơn vị kịp thời phản ánh "
         "về Sở Khoa học và Công nghệ để tổng hợp, báo cáo Ủy ban nhân dân tỉnh xem xét, quyết định./.")
    if pdf.get_y() > 225:
        pdf.add_page()
    y = pdf.get_y() + 6
    at(20, y, "Nơi nhận:", 10, True)
    at(110, y, "TM. ỦY BAN NHÂN DÂN", 12, True, w=80, align="C")
    at(20, y + 5, "- Bộ Khoa học và Công nghệ;", 9)
    at(110, y + 6, "KT. CHỦ TỊCH", 12, True, w=80, align="C")
    at(20, y + 10, "- Như mục V;", 9)
    at(110, y + 12, "PHÓ CHỦ TỊCH", 12, True, w=80, align="C")
    at(20, y + 15, "- Lưu: VT, KGVX.", 9)
    at(110, y + 35, rng.choice(["Trần Văn Bình", "Nguyễn Thị Hoa", "Lê Minh Tuấn", "Phạm Quốc Hùng"]), 12, True,
       w=80, align="C")
    return bytes(pdf.output())


def scan_pdf_bytes(text_pdf: bytes, seed: int) -> bytes:
    """The pages of `text_pdf` rendered at 200 dpi, a little rotated, with noise; image only."""
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image

    rng = np.random.default_rng(seed)
    doc = pdfium.PdfDocument(io.BytesIO(text_pdf))
    images = []
    for index in range(len(doc)):
        image = doc[index].render(scale=200 / 72, grayscale=True).to_pil().convert("L")
        image = image.rotate(float(rng.uniform(-1.0, 1.0)), fillcolor=255, resample=Image.BICUBIC)
        noisy = np.asarray(image, dtype=np.float32) + rng.normal(0, 8, (image.height, image.width))
        images.append(Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8)))
    doc.close()
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=200.0, save_all=True, append_images=images[1:])
    return out.getvalue()


def page_count(path: Path) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        return len(doc)
    finally:
        doc.close()


def build_corpus(root: Path, quick: bool) -> tuple[list[Path], list[Path]]:
    text_dir, scan_dir = root / "text", root / "scans"
    text_dir.mkdir(parents=True)
    scan_dir.mkdir(parents=True)
    n_text, n_scan = (4, 1) if quick else (20, 4)
    texts = []
    for i in range(n_text):
        path = text_dir / f"ke-hoach-{i:02d}.pdf"
        path.write_bytes(decree_pdf_bytes(seed=i, tasks=27 + 3 * (i % 4)))
        texts.append(path)
    scans = []
    for i in range(n_scan):
        path = scan_dir / f"ban-scan-{i:02d}.pdf"
        path.write_bytes(scan_pdf_bytes(decree_pdf_bytes(seed=100 + i, tasks=6 if quick else 24 + 3 * (i % 2)), seed=i))
        scans.append(path)
    return texts, scans


# ==========================================================================
# 1. Stages
# ==========================================================================
STAGE_FUNCS = {"read_file": "read", "assemble": "assemble", "mark_text_tables": "segment", "read_tables": "segment",
               "walk": "segment", "build_tree": "segment", "build_document": "build"}
STAGES = ("read", "assemble", "segment", "extract", "other", "e2e")


@contextmanager
def timed_stages(totals: dict[str, float]):
    """Wrap the functions `pipeline.document` calls so that one `extract_document` call is split into stages."""
    import pipeline.document as document

    originals = {name: getattr(document, name) for name in STAGE_FUNCS}

    def wrap(name, inner):
        stage = STAGE_FUNCS[name]

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                totals[stage] = totals.get(stage, 0.0) + time.perf_counter() - started
        return timed

    for name, inner in originals.items():
        setattr(document, name, wrap(name, inner))
    try:
        yield
    finally:
        for name, inner in originals.items():
            setattr(document, name, inner)


def bench_stages(paths: list[Path]) -> dict[str, float]:
    """Seconds per stage over `paths` (one instrumented extract_document call per file)."""
    from pipeline.document import extract_document

    totals: dict[str, float] = {}
    with timed_stages(totals):
        for path in paths:
            started = time.perf_counter()
            extract_document(path)
            totals["e2e"] = totals.get("e2e", 0.0) + time.perf_counter() - started
    build = totals.pop("build", 0.0)
    totals["extract"] = build - totals.get("assemble", 0.0) - totals.get("segment", 0.0)
    totals["other"] = totals["e2e"] - totals.get("read", 0.0) - build  # hashing, Source
    return totals


# ==========================================================================
# 3. Memory: a fresh subprocess per share of the corpus
# ==========================================================================
def memory_child(list_file: str) -> None:
    """(In the child) extract every file listed; print JSON with seconds and peak RSS of self and children."""
    from pipeline.document import extract_document

    paths = [Path(line) for line in Path(list_file).read_text().splitlines() if line]
    after_import = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    for path in paths:
        extract_document(path)
    seconds = time.perf_counter() - started
    print(json.dumps({
        "seconds": seconds, "files": len(paths),
        "rss_import_mb": after_import / 1024,
        "rss_self_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_children_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "rss_now_mb": _proc_status_mb("VmRSS"), "hwm_mb": _proc_status_mb("VmHWM"),
    }))


def _proc_status_mb(field: str) -> float:
    """VmRSS (now) or VmHWM (peak) of this process's own address space (Linux).

    ru_maxrss is not enough in a child: Linux carries the parent's RSS at fork time over
    the exec into the child's ru_maxrss, so a child of a 200 MB parent reports >= 200 MB.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def bench_memory(paths: list[Path], work: Path) -> list[dict]:
    results = []
    for share in (0.25, 0.5, 1.0):
        subset = paths[: max(1, round(len(paths) * share))]
        list_file = work / f"memory-{int(share * 100)}.txt"
        list_file.write_text("\n".join(str(p) for p in subset))
        done = subprocess.run([sys.executable, __file__, "--memory-child", str(list_file)],
                              capture_output=True, text=True, check=True)
        result = json.loads(done.stdout.strip().splitlines()[-1])
        result.update(share=share, pages=sum(page_count(p) for p in subset))
        results.append(result)
    return results


# ==========================================================================
# 7. Tokens (underthesea words as spaCy Docs): a fresh subprocess, as a document's worker
# ==========================================================================
TOKENS_TARGET = 0.10  # our CPU time over underthesea's on the same text


def tokens_child(list_file: str, rounds: int) -> None:
    """(In the child) the tokens stage over the documents of the files listed, against underthesea alone.

    Conditions of a document's worker: underthesea imported, then ``gc.freeze()`` (what the
    fork server does, `pipeline/worker_preload.py`), then the documents extracted. Per round, in this order, CPU time (``process_time``):

    * underthesea as one calls it: ``sent_tokenize`` then ``pos_tag`` per sentence;
    * underthesea on the very pieces ours hands it (sentences over ``MAX_PIECE_CHARS`` cut);
    * ours: ``tokenize_document`` (underthesea, alignment, Docs, fact spans, DocBin, the rows)
      and the rows as the store writes them (an Arrow table, a Parquet file);

    and once our own work alone: ``tokenize_document`` with underthesea's answers replayed
    from a cache. Each round starts from a fresh Vocab (a worker's is new for every document).
    """
    import gc

    import pyarrow.parquet as pq
    from spacy.vocab import Vocab

    import pipeline.nlp as nlp
    from pipeline.dataset.tokens import token_table
    from pipeline.document import extract_document
    from pipeline.tokens import tokenize_document

    gc.freeze()
    documents = [extract_document(Path(line)) for line in Path(list_file).read_text().splitlines() if line]
    texts = [d.text[i.span[0]:i.span[1]] for d in documents for i in d.items if i.span[1] > i.span[0]]
    sent_tokenize, pos_tag = nlp.sent_tokenize, nlp.pos_tag

    def naive() -> None:
        for text in texts:
            for sentence in sent_tokenize(text):
                pos_tag(sentence)

    def pieces() -> None:
        for text in texts:
            for sentence in sent_tokenize(text):
                for piece in nlp._pieces(sentence):
                    pos_tag(piece)

    def ours() -> None:
        nlp.VOCAB = Vocab()
        for document in documents:
            tokens = tokenize_document(document)
            pq.write_table(token_table(tokens.rows), io.BytesIO(), compression="zstd")

    runs: dict[str, list[float]] = {"naive": [], "pieces": [], "ours": []}
    for _ in range(rounds):
        for name, func in (("naive", naive), ("pieces", pieces), ("ours", ours)):
            started = time.process_time()
            func()
            runs[name].append(time.process_time() - started)
    # Our work alone: underthesea's answers (recorded in one more run) replayed from a cache.
    answers: dict[tuple[str, str], object] = {}

    def recorded(name, func):
        def answer(text):
            if (name, text) not in answers:
                answers[(name, text)] = func(text)
            return answers[(name, text)]
        return answer

    nlp.sent_tokenize, nlp.pos_tag = recorded("s", sent_tokenize), recorded("p", pos_tag)
    ours()
    started = time.process_time()
    ours()
    replay = time.process_time() - started
    nlp.sent_tokenize, nlp.pos_tag = sent_tokenize, pos_tag
    sizes = [tokenize_document(d) for d in documents]
    print(json.dumps({
        "documents": len(documents), "items": len(texts), "chars": sum(map(len, texts)),
        "words": sum(t.words for t in sizes), "docbin_bytes": sum(len(t.data) for t in sizes),
        "runs": runs, "replay": replay,
    }))


def bench_tokens(paths: list[Path], work: Path, rounds: int) -> dict:
    list_file = work / "tokens.txt"
    list_file.write_text("\n".join(str(p) for p in paths))
    done = subprocess.run([sys.executable, __file__, "--tokens-child", str(list_file), "--rounds", str(rounds)],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def report_tokens(label: str, result: dict) -> list[tuple[str, str, str, str]]:
    from statistics import median

    runs, chars = result["runs"], result["chars"]
    naive, pieces, ours = (median(runs[k]) for k in ("naive", "pieces", "ours"))
    over_naive = median(o / n for o, n in zip(runs["ours"], runs["naive"])) - 1
    over_pieces = median(o / p for o, p in zip(runs["ours"], runs["pieces"])) - 1
    own = result["replay"] / pieces
    print(f"  {label}: {result['documents']} documents, {result['items']} items, {chars:,} characters, "
          f"{result['words']:,} words; DocBin {result['docbin_bytes'] / 1024:.0f} KiB")
    print(f"    underthesea per sentence     {naive:6.2f} s CPU  {chars / naive:9,.0f} chars/s")
    print(f"    underthesea on our pieces    {pieces:6.2f} s CPU  {chars / pieces:9,.0f} chars/s")
    print(f"    ours (stage + Parquet rows)  {ours:6.2f} s CPU  {chars / ours:9,.0f} chars/s")
    print(f"    overhead, median of {len(runs['ours'])} interleaved rounds: {over_naive:+.1%} over underthesea as one "
          f"calls it, {over_pieces:+.1%} over underthesea on the same pieces; our work alone (underthesea's "
          f"answers replayed) {result['replay']:.2f} s = {own:.1%} of underthesea's")
    met = "met" if over_naive <= TOKENS_TARGET else "MISSED"
    return [
        (f"tokens ({label}): ours, chars/s per core", f"{chars / ours:,.0f}", "", ""),
        (f"tokens ({label}): over underthesea per sentence", f"{over_naive:+.1%}", f"<= {TOKENS_TARGET:.0%}", met),
        (f"tokens ({label}): over underthesea, same pieces", f"{over_pieces:+.1%}", "", ""),
        (f"tokens ({label}): our work alone / underthesea", f"{own:.1%}", "", ""),
    ]


# ==========================================================================
# 4. Baselines: pdfplumber alone, pdftotext
# ==========================================================================
def bench_pdfplumber(paths: list[Path]) -> float:
    import pdfplumber

    started = time.perf_counter()
    for path in paths:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_text()
                page.close()
    return time.perf_counter() - started


def bench_ratio(paths: list[Path], runs: int) -> dict[str, float]:
    """Our extract_document against pdfplumber's extract_text over the same files, ``runs``
    times interleaved (so that load from other processes hits both alike): the median
    wall-clock and CPU (``process_time``) ratios. Both are single-process."""
    from statistics import median

    from pipeline.document import extract_document

    def ours() -> None:
        for path in paths:
            extract_document(path)

    walls, cpus = [], []
    for _ in range(runs):
        times = []
        for func in (ours, lambda: bench_pdfplumber(paths)):
            wall, cpu = time.perf_counter(), time.process_time()
            func()
            times.append((time.perf_counter() - wall, time.process_time() - cpu))
        walls.append(times[0][0] / times[1][0])
        cpus.append(times[0][1] / times[1][1])
    return {"wall": median(walls), "cpu": median(cpus), "walls": walls}


def bench_pdftotext(paths: list[Path]) -> float | None:
    if shutil.which("pdftotext") is None:
        return None
    started = time.perf_counter()
    for path in paths:
        subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return time.perf_counter() - started


# ==========================================================================
# 2, 5, 6. The flow
# ==========================================================================
def prefect_env(prefect_home: Path) -> None:
    """A private PREFECT_HOME (its own local server), no telemetry, quiet logs (set before prefect is imported)."""
    os.environ.pop("PREFECT_API_URL", None)
    os.environ.update({
        "PREFECT_HOME": str(prefect_home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1",
        "PREFECT_LOGGING_LEVEL": "WARNING",
    })


def fill_inbox(home: Path, paths: list[Path]) -> None:
    from pipeline.inbox import Home

    Home.at(home).ensure()
    inbox = home / "raw_docs" / "inbox"
    for path in paths:
        target = inbox / path.name
        shutil.copyfile(path, target)
        os.utime(target, (OLD, OLD))


def run_flow(home: Path, workers: int) -> tuple[float, object]:
    from flows.inbox import run_inbox

    started = time.perf_counter()
    summary = run_inbox(str(home), workers=workers, settle_seconds=2.0)
    return time.perf_counter() - started, summary


def flow_counts(summary) -> str:
    return (f"{summary.count('processed')} processed, {summary.count('skipped')} skipped, "
            f"{summary.count('quarantined')} quarantined, {len(summary.waiting)} waiting")


# ==========================================================================
# Main
# ==========================================================================
def rate(pages: int, seconds: float | None) -> str:
    return f"{pages / seconds:7.2f}" if seconds else "      -"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smaller corpus (under 3 minutes)")
    parser.add_argument("--keep", metavar="DIR", help="work in DIR (kept) instead of a temporary folder")
    parser.add_argument("--memory-child", help=argparse.SUPPRESS)
    parser.add_argument("--tokens-child", help=argparse.SUPPRESS)
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds of the tokens comparison (7.)")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    if args.memory_child:
        memory_child(args.memory_child)
        return
    if args.tokens_child:
        tokens_child(args.tokens_child, args.rounds)
        return

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="throughput-"))
    work.mkdir(parents=True, exist_ok=True)
    prefect_env(work / "prefect-home")
    wall = time.perf_counter()
    try:
        run(work, args.quick, args.rounds)
    finally:
        from flows import server

        server.stop()  # the benchmark's own local Prefect server
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"\n(total {time.perf_counter() - wall:.0f} s; load average at the end {os.getloadavg()[0]:.1f})")


def run(work: Path, quick: bool, rounds: int = 5) -> None:
    started = time.perf_counter()
    texts, scans = build_corpus(work / "corpus", quick)
    corpus = texts + scans
    text_pages = sum(page_count(p) for p in texts)
    scan_pages = sum(page_count(p) for p in scans)
    pages = text_pages + scan_pages
    print(f"corpus: {len(texts)} text PDFs / {text_pages} pages, {len(scans)} scans / {scan_pages} pages "
          f"(generated in {time.perf_counter() - started:.1f} s); {os.cpu_count()} CPUs"
          f"{' [--quick]' if quick else ''}; load average {os.getloadavg()[0]:.1f}"
          " (other processes on the machine slow every figure down)", flush=True)

    from pipeline.document import extract_document

    extract_document(texts[0])  # warm-up: imports, regex compilation
    summary_rows: list[tuple[str, str, str, str]] = []

    # 1. stages ------------------------------------------------------------
    print("\n1. pages/s per stage (one process; OCR uses its own page pool)", flush=True)
    stage_times = {"text PDFs": (bench_stages(texts), text_pages), "scans": (bench_stages(scans), scan_pages)}
    print(f"  {'':10} " + " ".join(f"{s:>16}" for s in STAGES))
    for kind, (times, n) in stage_times.items():
        cells = [f"{rate(n, times.get(s))} ({times.get(s, 0) / times['e2e']:4.0%})" for s in STAGES]
        print(f"  {kind:10} " + " ".join(f"{c:>16}" for c in cells))
    print("  (pages/s, share of the end-to-end time in brackets; 'other' = hashing the file, the Source)")
    text_e2e = stage_times["text PDFs"][0]["e2e"]
    scan_e2e = stage_times["scans"][0]["e2e"]
    summary_rows += [
        ("text PDFs end to end (extract_document)", f"{text_pages / text_e2e:.2f} pages/s", "", ""),
        ("  read (pdfplumber + our layout)", f"{text_pages / stage_times['text PDFs'][0]['read']:.2f} pages/s",
         "", f"{stage_times['text PDFs'][0]['read'] / text_e2e:.0%} of e2e"),
        ("scans end to end (incl. OCR)", f"{scan_pages / scan_e2e:.2f} pages/s", "", ""),
    ]

    # 7. tokens --------------------------------------------------------------
    print("\n7. tokens: underthesea words and POS tags as spaCy Docs (a fresh process, as a document's worker;"
          " CPU time)", flush=True)
    summary_rows += report_tokens("text PDFs", bench_tokens(texts, work, 3 if quick else rounds))
    shared = sorted((ROOT.parent / "shared" / "corpus" / "text").glob("*.txt"))
    if shared:
        summary_rows += report_tokens("shared corpus text/", bench_tokens(shared, work, 3 if quick else rounds))

    # 4. baselines -----------------------------------------------------------
    print("\n4. text PDFs: our end to end against plain text extraction", flush=True)
    t_plumber = bench_pdfplumber(texts)
    t_pdftotext = bench_pdftotext(texts)
    ratios = bench_ratio(texts, runs=3)
    ratio = ratios["wall"]
    met = "met" if ratio <= PDFPLUMBER_TARGET else "MISSED"
    print(f"  extract_document            {text_e2e:7.1f} s  {rate(text_pages, text_e2e)} pages/s")
    print(f"  pdfplumber extract_text()   {t_plumber:7.1f} s  {rate(text_pages, t_plumber)} pages/s")
    print(f"  ours / pdfplumber, 3 interleaved runs: wall {' '.join(f'{r:.2f}x' for r in ratios['walls'])},"
          f" median {ratio:.2f}x (target <= {PDFPLUMBER_TARGET}x: {met}); CPU median {ratios['cpu']:.2f}x")
    if t_pdftotext:
        print(f"  pdftotext (subprocess)      {t_pdftotext:7.1f} s  {rate(text_pages, t_pdftotext)} pages/s"
              f"   ratio {text_e2e / t_pdftotext:.0f}x")
    summary_rows.append(("text e2e / pdfplumber extract_text", f"{ratio:.2f}x", f"<= {PDFPLUMBER_TARGET}x", met))
    if t_pdftotext:
        summary_rows.append(("text e2e / pdftotext", f"{text_e2e / t_pdftotext:.0f}x", "", ""))

    # 3. memory --------------------------------------------------------------
    print("\n3. peak RSS of a fresh process extracting a growing share of the text corpus", flush=True)
    memory = bench_memory(texts, work)
    for m in memory:
        print(f"  {m['share']:4.0%}: {m['files']:3d} files {m['pages']:4d} pages  {m['seconds']:6.1f} s "
              f"({m['pages'] / m['seconds']:.2f} pages/s)  peak RSS (VmHWM) {m['hwm_mb']:5.0f} MB, at the end "
              f"{m['rss_now_mb']:4.0f} MB; getrusage maxrss self {m['rss_self_mb']:.0f} MB (after imports "
              f"{m['rss_import_mb']:.0f}), children {m['rss_children_mb']:.0f} MB")
    print("  (getrusage maxrss in a child starts at the parent's RSS at fork time on Linux; VmHWM is the child's own peak)")
    growth = max(memory[-1]["hwm_mb"] - memory[0]["hwm_mb"], memory[-1]["rss_now_mb"] - memory[0]["rss_now_mb"])
    flat = growth <= max(25.0, 0.1 * memory[0]["hwm_mb"])
    print(f"  100% vs 25% (peak and end RSS, the larger growth): {growth:+.0f} MB -> {'flat' if flat else 'GROWS with the corpus'}")
    summary_rows += [
        ("peak RSS (VmHWM), extracting 100% of text", f"{memory[-1]['hwm_mb']:.0f} MB", "", ""),
        ("RSS growth 25% -> 100% of corpus", f"{growth:+.0f} MB", "flat", "flat" if flat else "GROWS"),
    ]

    # 2, 5, 6. flow -------------------------------------------------------------
    print("\n2. the flow (run_inbox) over the whole corpus, fresh home, the local Prefect server", flush=True)
    # what `decree process` does: the API of flows.server.prefect_api (the local server, started here once)
    from flows.inbox import process_inbox
    from flows.server import prefect_api
    from pipeline.inbox import Home

    started = time.perf_counter()
    api = prefect_api()
    api.__enter__()  # for the rest of the run; the server is stopped by main()
    t_server = time.perf_counter() - started
    Home.at(work / "home-warmup").ensure()
    started = time.perf_counter()
    process_inbox(str(work / "home-warmup"))
    t_warm = time.perf_counter() - started
    print(f"  the local API server started in {t_server:.1f} s; a first flow run (empty inbox) {t_warm:.1f} s")
    home = work / "home-w2"
    fill_inbox(home, corpus)
    t_first, summary = run_flow(home, workers=2)
    extraction = sum(o.seconds for o in summary.outcomes)
    print(f"  workers=2: {t_first:6.1f} s  {pages / t_first:.2f} pages/s  ({flow_counts(summary)}; "
          f"sum of per-document extraction times {extraction:.1f} s)")
    ideal = text_e2e + scan_e2e
    print(f"  in-process extract_document of the same files, one after another: {ideal:.1f} s")
    summary_rows += [
        ("flow first run, workers=2 (text + scans)", f"{pages / t_first:.2f} pages/s", "", f"{t_first:.1f} s"),
        ("local Prefect server start (once)", f"{t_server:.1f} s", "", ""),
    ]

    print("\n5. re-runs", flush=True)
    fill_inbox(home, corpus)
    t_rerun, rerun = run_flow(home, workers=2)
    t_empty, empty = run_flow(home, workers=2)
    print(f"  same files again: {t_rerun:5.2f} s = {t_rerun / t_first:.2%} of the first run ({flow_counts(rerun)})")
    print(f"  empty inbox:      {t_empty:5.2f} s = {t_empty / t_first:.2%} of the first run ({flow_counts(empty)})")
    for label, t in (("unchanged re-run / first run", t_rerun), ("empty-inbox run / first run", t_empty)):
        share = t / t_first
        summary_rows.append((label, f"{share:.2%}", f"<= {RERUN_TARGET:.0%}", "met" if share <= RERUN_TARGET else "MISSED"))

    print("\n6. workers=1 against workers=2 (fresh homes, whole corpus)", flush=True)
    home1 = work / "home-w1"
    fill_inbox(home1, corpus)
    t_one, one = run_flow(home1, workers=1)
    print(f"  workers=1: {t_one:6.1f} s  {pages / t_one:.2f} pages/s  ({flow_counts(one)})")
    print(f"  workers=2: {t_first:6.1f} s  {pages / t_first:.2f} pages/s  -> speed-up {t_one / t_first:.2f}x")
    summary_rows.append(("speed-up workers 1 -> 2", f"{t_one / t_first:.2f}x", "(2 cores: <= 2x)", ""))

    self_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    summary_rows.append(("peak RSS of this benchmark: self / children", f"{self_mb:.0f} / {children_mb:.0f} MB", "", ""))

    print("\nSummary")
    widths = [max(len(r[i]) for r in summary_rows + [("figure", "value", "target", "result")]) for i in range(4)]
    for row in [("figure", "value", "target", "result")] + summary_rows:
        print("  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())


if __name__ == "__main__":
    main()
