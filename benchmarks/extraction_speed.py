"""How fast are tokenisation and fact extraction, next to reading a PDF?

    .venv/bin/python benchmarks/extraction_speed.py [--repeat 3]

Prints, over the items of the shared corpus documents
(/work/shared/corpus/text/*.txt, read with ``pipeline.document.extract_document``):

* tokenisation (``pipeline.nlp.tokenize``, with and without POS tags):
  tokens/s, items/s, chars/s and the share of the time spent inside underthesea;
* extraction (quantities + deadline + agencies): items/s and chars/s;

and, for a text-layer PDF (the corpus's laocai_qd2170 PDF if present, else a
generated 5-page PDF), pdfplumber's own time per page next to our extraction
time per page. Times are the best of ``--repeat`` runs. Nothing is downloaded.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pdfplumber  # noqa: E402

import pipeline.nlp as nlp  # noqa: E402
from pipeline.document import extract_document  # noqa: E402
from pipeline.extract.agencies import extract_agencies, extract_agencies_from_cells  # noqa: E402
from pipeline.extract.deadlines import extract_deadline  # noqa: E402
from pipeline.extract.quantities import extract_quantities  # noqa: E402

CORPUS = Path("/work/shared/corpus")
PDF = CORPUS / "files" / "laocai_qd2170_2026_ctdt_kcn_ban_qua.pdf"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


class _Timed:
    """Wraps an underthesea function in pipeline.nlp and adds up the time spent in it."""

    def __init__(self, name: str):
        self.name = name
        self.inner = getattr(nlp, name)
        self.total = 0.0

    def __call__(self, *args, **kwargs):
        t = time.perf_counter()
        try:
            return self.inner(*args, **kwargs)
        finally:
            self.total += time.perf_counter() - t


def best_of(repeat: int, fn) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    return best, result


def extract_all(items) -> int:
    n = 0
    for item in items:
        n += len(extract_quantities(item.text))
        n += extract_deadline(item.text) is not None
        n += len(extract_agencies(item.text))
        if item.cells:
            n += len(extract_agencies_from_cells(item.cells))
    return n


def tokenize_all(items, with_pos: bool) -> int:
    return sum(len(nlp.tokenize(item.text, with_pos=with_pos)) for item in items)


def bench_tokenize(items, repeat: int, with_pos: bool) -> None:
    chars = sum(len(i.text) for i in items)
    names = ("sent_tokenize", "pos_tag" if with_pos else "word_tokenize")
    timers = {name: _Timed(name) for name in names}
    for name, timer in timers.items():
        setattr(nlp, name, timer)
    try:
        best = float("inf")
        share = 0.0
        tokens = 0
        for _ in range(repeat):
            for timer in timers.values():
                timer.total = 0.0
            t = time.perf_counter()
            tokens = tokenize_all(items, with_pos)
            elapsed = time.perf_counter() - t
            if elapsed < best:
                best = elapsed
                share = sum(timer.total for timer in timers.values()) / elapsed
    finally:
        for name, timer in timers.items():
            setattr(nlp, name, timer.inner)
    label = "tokenize(with_pos=True)" if with_pos else "tokenize()"
    print(f"  {label:26} {tokens / best:10,.0f} tokens/s  {len(items) / best:8,.0f} items/s  "
          f"{chars / best:10,.0f} chars/s  underthesea {share:5.1%} of the time")


def bench_extract(items, repeat: int) -> float:
    chars = sum(len(i.text) for i in items)
    best, facts = best_of(repeat, lambda: extract_all(items))
    print(f"  {'extract (q + d + agencies)':26} {len(items) / best:10,.0f} items/s   {chars / best:10,.0f} chars/s"
          f"  ({facts} facts)")
    for name, fn in (
        ("  quantities", lambda: [extract_quantities(i.text) for i in items]),
        ("  deadline", lambda: [extract_deadline(i.text) for i in items]),
        ("  agencies", lambda: [extract_agencies(i.text) for i in items]),
    ):
        t, _ = best_of(repeat, fn)
        print(f"  {name:26} {len(items) / t:10,.0f} items/s   {chars / t:10,.0f} chars/s")
    return best


def make_pdf(path: Path, pages: int = 5) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.set_font("DejaVu", size=12)
    body = ("{n}. Sở Khoa học và Công nghệ chủ trì, phối hợp với Sở Tài chính, Ủy ban nhân dân các quận, huyện "
            "tổ chức 30 hội thảo, hỗ trợ 22,6 tỷ đồng cho 100 doanh nghiệp; thời gian hoàn thành: Quý II/2018.")
    n = 0
    for _ in range(pages):
        pdf.add_page()
        for _ in range(12):
            n += 1
            pdf.multi_cell(0, 7, body.format(n=n), new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))


def bench_pdf(repeat: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = PDF
        if not path.exists():
            path = Path(tmp) / "generated.pdf"
            make_pdf(path)

        def read():
            with pdfplumber.open(path) as pdf:
                return [page.extract_text() or "" for page in pdf.pages]

        t_plumber, texts = best_of(repeat, read)
        pages = len(texts)
        t_words, _ = best_of(repeat, lambda: _words(path))
        document = extract_document(path)
        items = document.items
        t_extract, _ = best_of(repeat, lambda: extract_all(items))
        t_tok, _ = best_of(repeat, lambda: tokenize_all(items, with_pos=False))
        t_doc, _ = best_of(1, lambda: extract_document(path))
    print(f"\nPDF {path.name}: {pages} pages, {len(items)} items")
    print(f"  pdfplumber extract_text        {1000 * t_plumber / pages:8.1f} ms/page")
    print(f"  pdfplumber extract_words       {1000 * t_words / pages:8.1f} ms/page")
    print(f"  extraction (q + d + agencies)  {1000 * t_extract / pages:8.1f} ms/page")
    print(f"  tokenize() (underthesea)       {1000 * t_tok / pages:8.1f} ms/page")
    print(f"  whole extract_document         {1000 * t_doc / pages:8.1f} ms/page")


def _words(path: Path):
    with pdfplumber.open(path) as pdf:
        return [page.extract_words() for page in pdf.pages]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    t = time.perf_counter()
    nlp.warm_up()
    print(f"warm_up: {time.perf_counter() - t:.2f} s")

    items = []
    for path in sorted((CORPUS / "text").glob("*.txt")):
        document = extract_document(path)
        items.extend(document.items)
        print(f"{path.name}: {len(document.items)} items, {sum(len(i.text) for i in document.items):,} chars")
    if not items:
        sys.exit("no corpus documents found under " + str(CORPUS / "text"))
    print(f"\n{len(items)} items, {sum(len(i.text) for i in items):,} chars")
    bench_tokenize(items, args.repeat, with_pos=False)
    bench_tokenize(items, args.repeat, with_pos=True)
    bench_extract(items, args.repeat)
    bench_pdf(args.repeat)


if __name__ == "__main__":
    main()
