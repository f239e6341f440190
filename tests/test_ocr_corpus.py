"""The shared corpus, printed and scanned: OCR end to end, scored like the text version.

Each document of ``../shared/corpus/text`` is typeset here (fpdf2, DejaVu Sans
12 pt, A4; one paragraph per source line, justified, 6 pt after each
paragraph; tab-separated rows as a ruled table (10 pt) on landscape pages, a
new page at each repeated header row as in the original; a page number at
the foot of every page), rasterised at 200 dpi with pypdfium2,
degraded like a scan (Gaussian noise sigma 8, a 0.7 degree skew) and saved as an
image-only PDF. ``extract_document`` then reads it as any scan: ``read_pdf``
refuses it (no text layer), ``ocr_pdf`` reads it. The JSON is scored with
``../shared/eval/score.py`` against the gold files.

Nothing of ../shared is copied into the repository; the renders live in a
per-session temporary directory. Skips cleanly without ../shared, the DejaVu
font or tesseract + vie. Run with ``-s`` to see the figures.
"""
from __future__ import annotations

import contextlib
import importlib.util
import io
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pipeline.read import ocr
from tests.helpers import SHARED

GOLD = SHARED / "corpus" / "gold"
TEXTS = SHARED / "corpus" / "text"
SCORER = SHARED / "eval" / "score.py"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT, FONT_BOLD = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"

SCAN_DPI = 200
NOISE_SIGMA = 8.0
SKEW_DEGREES = 0.7
FONT_SIZE = 12

BARS = {"items_f1": 0.90, "quantities_f1": 0.85}


# --------------------------------------------------------------------------
# Typesetting and scanning (also used by benchmarks/ocr_pipeline.py)
# --------------------------------------------------------------------------
def _blocks(text: str) -> list[tuple[str, list[str]]]:
    """The source lines as ("para", [line]) and ("table", [tab rows]) blocks."""
    blocks: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        is_row = line.count("\t") >= 2 or ("\t" in line and blocks and blocks[-1][0] == "table" and line.strip())
        if is_row and line.replace("\t", "").strip():
            if blocks and blocks[-1][0] == "table":
                blocks[-1][1].append(line)
            else:
                blocks.append(("table", [line]))
        elif line.strip():
            blocks.append(("para", [" ".join(line.split())]))
    return blocks


def render_text_pdf(text: str, *, size: float = FONT_SIZE) -> bytes:
    """Typeset a corpus text as a PDF (with a text layer; the scan comes next)."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    pdf = FPDF(orientation="P", unit="pt", format="A4")
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.add_font("DejaVu", style="B", fname=str(FONT_BOLD))
    pdf.set_margins(57, 57, 57)  # 2 cm
    pdf.set_auto_page_break(True, margin=57)

    def footer():
        pdf.set_y(-40)
        pdf.set_font("DejaVu", size=10)
        pdf.cell(0, 12, str(pdf.page_no()), align="C")

    pdf.footer = footer
    pdf.add_page()
    leading = 1.4 * size
    portrait = True
    for kind, lines in _blocks(text):
        if kind == "para":
            if not portrait:
                pdf.add_page(orientation="P")
                portrait = True
            pdf.set_font("DejaVu", size=size)
            pdf.multi_cell(0, leading, lines[0], align="J", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(size / 2)
            continue
        rows = [[" ".join(c.split()) for c in line.split("\t")] for line in lines]
        # A header row ("TT | Nội dung | ...") inside the block is the header the
        # original repeated at the top of a page: start a page and a table there.
        parts, start = [], 0
        for i, r in enumerate(rows):
            if i > start and r[0].strip().upper() in ("TT", "STT"):
                parts.append(rows[start:i])
                start = i
        parts.append(rows[start:])
        for k, part in enumerate(parts):
            ncols = max(len(r) for r in part)
            while ncols > 2 and all(len(r) < ncols or not r[-1] for r in part):
                ncols -= 1  # trailing empty columns (a tab at the end of each row)
            part = [(r + [""] * ncols)[:ncols] for r in part]
            if portrait or k > 0 or pdf.get_y() > 0.7 * pdf.eph:
                pdf.add_page(orientation="L")
            else:
                pdf.ln(size)
            pdf.set_font("DejaVu", size=size - 2)
            usable = pdf.epw
            widths = [0.05] + [0.25] + [0.7 / max(1, ncols - 2)] * (ncols - 2)
            with pdf.table(
                col_widths=[w * usable for w in widths[:ncols]], first_row_as_headings=False,
                line_height=1.3 * (size - 2), text_align="LEFT", padding=3,
                headings_style=FontFace(emphasis=None),
            ) as table:
                for r in part:
                    row = table.row()
                    for cell in r:
                        row.cell(cell)
            portrait = False
    return bytes(pdf.output())


def scan_pdf(pdf_bytes: bytes, out: Path, *, dpi: int = SCAN_DPI, sigma: float = NOISE_SIGMA,
             skew: float = SKEW_DEGREES, seed: int = 7) -> Path:
    """Rasterise every page, add noise and skew, save an image-only PDF."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(io.BytesIO(pdf_bytes))
    rng = np.random.default_rng(seed)
    images = []
    for index in range(len(doc)):
        page = doc[index]
        image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
        page.close()
        angle = skew if index % 2 == 0 else -skew
        image = image.rotate(angle, resample=Image.BICUBIC, fillcolor=255)
        pixels = np.asarray(image, dtype=np.float32) + rng.normal(0, sigma, (image.height, image.width))
        images.append(Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)))
    doc.close()
    images[0].save(out, "PDF", resolution=float(dpi), save_all=True, append_images=images[1:])
    return out


def score(gold_dir: Path, pred_dir: Path) -> tuple[dict, str]:
    """The scorer's figures (JSON) and its printed table."""
    spec = importlib.util.spec_from_file_location("score", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        module.main(["--gold-dir", str(gold_dir), "--pred-dir", str(pred_dir), "--json"])
    result = json.loads(buffer.getvalue())
    table = io.StringIO()
    with contextlib.redirect_stdout(table):
        module.main(["--gold-dir", str(gold_dir), "--pred-dir", str(pred_dir)])
    return result, table.getvalue()


# --------------------------------------------------------------------------
# The test
# --------------------------------------------------------------------------
pytestmark = [
    pytest.mark.skipif(not (GOLD.is_dir() and TEXTS.is_dir() and SCORER.is_file()), reason="../shared corpus absent"),
    pytest.mark.skipif(not (FONT.exists() and FONT_BOLD.exists()), reason="DejaVu fonts not installed"),
    pytest.mark.skipif(not ocr.tesseract_available("vie"), reason="tesseract with 'vie' not installed"),
]


@pytest.fixture(scope="session")
def scanned_corpus(tmp_path_factory) -> list[Path]:
    """The corpus texts as image-only PDFs, rendered once per session."""
    out = tmp_path_factory.mktemp("scans")
    paths = []
    for path in sorted(TEXTS.glob("*.txt")):
        pdf = render_text_pdf(path.read_text(encoding="utf-8"))
        paths.append(scan_pdf(pdf, out / f"{path.stem}.pdf"))
    return paths


@pytest.fixture(scope="session")
def scanned_figures(scanned_corpus, tmp_path_factory) -> dict:
    from pipeline.document import extract_document

    pred = tmp_path_factory.mktemp("scan-pred")
    for path in scanned_corpus:
        document = extract_document(path)
        assert all(p.source == "ocr" for p in document.pages)
        (pred / f"{path.stem}.json").write_text(
            json.dumps(document.model_dump(mode="json"), ensure_ascii=False), encoding="utf-8")
    result, table = score(GOLD, pred)
    print("\nScanned corpus (OCR):\n" + table.split("}\n", 1)[-1])
    return result


def test_scans_have_no_text_layer(scanned_corpus):
    from pipeline.errors import NeedsOCR
    from pipeline.read.pdf import read_pdf

    with pytest.raises(NeedsOCR):
        read_pdf(scanned_corpus[0])


@pytest.mark.parametrize("name", sorted(BARS))
def test_scanned_corpus_meets_bar(scanned_figures, name):
    assert scanned_figures["missing"] == []
    assert scanned_figures[name] >= BARS[name], f"{name} = {scanned_figures[name]} < {BARS[name]}"
