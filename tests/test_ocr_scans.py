"""Scans as published (issue 12): a signed scan, and survey tables of coordinates on a scan.

Both are generated here: a decree typeset with fpdf2 (DejaVu Sans), rasterised at 200 dpi
with noise and a slight skew, and put back into a PDF as full-page images; the signed scan
also gets, on page 1, the small text layer a signing tool adds ("Ký bởi: ... Thời gian ký:
..."). Three OCR'd pages in all. Skips without Tesseract's Vietnamese model or the font.
"""
from __future__ import annotations

import io
import random
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pipeline.read import ocr

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT = FONT_DIR / "DejaVuSans.ttf"
DPI = 200

pytestmark = [
    pytest.mark.skipif(not FONT.exists(), reason="DejaVu font not installed"),
    pytest.mark.skipif(not ocr.tesseract_available("vie"), reason="tesseract with 'vie' not installed"),
]

PAGE_1 = [
    "ỦY BAN NHÂN DÂN TỈNH LÀO CAI",
    "Số: 152/QĐ-UBND",
    "Lào Cai, ngày 12 tháng 3 năm 2026",
    "QUYẾT ĐỊNH",
    "Về việc ban hành Kế hoạch kiểm tra an toàn vật liệu nổ công nghiệp năm 2026",
    "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH LÀO CAI",
    "Căn cứ Luật Quản lý, sử dụng vũ khí, vật liệu nổ và công cụ hỗ trợ ngày 29 tháng 6 năm 2024;",
    "Căn cứ Nghị định số 181/2024/NĐ-CP ngày 31 tháng 12 năm 2024 của Chính phủ;",
    "Xét đề nghị của Giám đốc Sở Công Thương.",
    "QUYẾT ĐỊNH:",
    "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch kiểm tra an toàn vật liệu nổ công nghiệp năm 2026.",
    "Điều 2. Giao Sở Công Thương chủ trì, phối hợp với Công an tỉnh tổ chức kiểm tra 12 mỏ đá trước ngày 30/6/2026.",
]
PAGE_2 = [
    "Điều 3. Quyết định này có hiệu lực kể từ ngày ký.",
    "Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc Sở Công Thương và các tổ chức, cá nhân có liên quan chịu trách nhiệm thi hành Quyết định này./.",
    "Nơi nhận:",
    "- Như Điều 3;",
    "- Lưu: VT.",
    "KT. CHỦ TỊCH",
    "PHÓ CHỦ TỊCH",
    "Nguyễn Văn An",
]
SIGNATURE = ["Ký bởi: Ủy ban nhân dân tỉnh Lào Cai", "Cơ quan: Tỉnh Lào Cai", "Thời gian ký: 12.03.2026 16:05:12 +07:00"]


def _fpdf():
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format="A4")
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.set_margins(57, 57, 57)
    pdf.set_auto_page_break(False)
    return pdf


def _typeset(pages: list[list[str]]) -> bytes:
    pdf = _fpdf()
    for lines in pages:
        pdf.add_page()
        pdf.set_y(90)
        pdf.set_font("DejaVu", size=12)
        for line in lines:
            pdf.multi_cell(0, 17, line, align="J", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(5)
    return bytes(pdf.output())


def _scan_images(pdf_bytes: bytes, seed: int = 3) -> list[Image.Image]:
    """Each page rasterised at DPI with noise and a 0.5 degree skew: what a scanner gives."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(io.BytesIO(pdf_bytes))
    rng = np.random.default_rng(seed)
    out = []
    for index in range(len(doc)):
        image = doc[index].render(scale=DPI / 72, grayscale=True).to_pil().convert("L")
        image = image.rotate(0.5 if index % 2 == 0 else -0.5, resample=Image.BICUBIC, fillcolor=255)
        pixels = np.asarray(image, dtype=np.float32) + rng.normal(0, 8, (image.height, image.width))
        out.append(Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)))
    doc.close()
    return out


def _image_pdf(images: list[Image.Image], path: Path, signature: list[str] | None = None) -> Path:
    """The images as full-page images of a PDF; with ``signature``, page 1 also gets those lines
    as a small text layer in its top right corner (7 pt), as signing tools stamp them."""
    pdf = _fpdf()
    for index, image in enumerate(images):
        pdf.add_page()
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        pdf.image(buffer, x=0, y=0, w=pdf.w, h=pdf.h)
        if signature and index == 0:
            pdf.set_font("DejaVu", size=7)
            for k, line in enumerate(signature):
                pdf.set_xy(380, 14 + 9 * k)
                pdf.cell(200, 9, line)
    path.write_bytes(bytes(pdf.output()))
    return path


@pytest.fixture(scope="module")
def signed_scan(tmp_path_factory) -> Path:
    images = _scan_images(_typeset([PAGE_1, PAGE_2]))
    return _image_pdf(images, tmp_path_factory.mktemp("signed") / "qd-152-signed.pdf", SIGNATURE)


def test_a_signature_layer_does_not_make_a_scan_a_text_page(signed_scan):
    from pipeline.errors import NeedsOCR
    from pipeline.read.pdf import read_pdf, read_text_layer

    layer = read_text_layer(signed_scan)
    assert layer.scanned == [1, 2]
    first, second = layer.pages
    assert [r.text for r in first.overlay] == SIGNATURE and first.image_cover > 0.9
    assert second.overlay == [] and second.quality is None  # no text layer: not "quality 1.00"
    with pytest.raises(NeedsOCR, match="scanned"):
        read_pdf(signed_scan)


def test_signed_scan_is_read_by_ocr_with_its_signature_as_metadata(signed_scan):
    from pipeline.document import extract_document

    doc = extract_document(signed_scan)
    assert [p.source for p in doc.pages] == ["ocr", "ocr"]
    (signature,) = doc.document.digital_signatures
    assert signature.signer == "Ủy ban nhân dân tỉnh Lào Cai" and signature.organization == "Tỉnh Lào Cai"
    assert signature.signed_at == "2026-03-12T16:05:12+07:00"
    assert doc.document.doc_type == "quyet_dinh" and doc.document.number == "152/QĐ-UBND"
    assert doc.document.issued_date == "2026-03-12"
    paths = [item.path for item in doc.items]
    assert paths[:3] == ["Điều 1", "Điều 2", "Điều 3"], paths
    assert "12 mỏ đá" in doc.items[1].text and doc.items[2].page == 2
    assert not any("Ký bởi" in item.text or "Thời gian ký" in item.text for item in doc.items)
    # The signature was read from the text layer (exactly), not OCR'd a second time.
    assert doc.text.count("Thời gian ký") == 1


def _survey_page() -> bytes:
    """One page, two survey tables of coordinates (point, X, Y, twice side by side): the first
    with column rules and an outer frame but no rule between its rows, the second with column
    rules running down past its header and no closing rule at all."""
    pdf = _fpdf()
    pdf.add_page()
    pdf.set_font("DejaVu", size=12)
    pdf.text(150, 70, "TỌA ĐỘ CÁC ĐIỂM GÓC KHU VỰC KHAI THÁC")
    rng = random.Random(5)
    xs = [60, 130, 220, 300, 370, 460, 540]
    heads = ["Điểm", "X (m)", "Y (m)", "Điểm", "X (m)", "Y (m)"]
    pdf.set_line_width(0.6)
    for table, (top, n, closed) in enumerate([(90, 8, True), (330, 8, False)]):
        bottom = top + 18 * (n + 1) + 4
        pdf.line(xs[0], top, xs[-1], top)
        pdf.line(xs[0], top + 18, xs[-1], top + 18)
        if closed:
            pdf.line(xs[0], bottom, xs[-1], bottom)
        for x in xs:
            pdf.line(x, top, x, bottom)
        pdf.set_font("DejaVu", size=10)
        for c, head in enumerate(heads):
            pdf.text(xs[c] + 8, top + 13, head)
        for i in range(1, n + 1):
            k = table * 2 * n + i
            cells = [str(k), f"2 {rng.randint(400, 499)} {rng.randint(100, 999)}", f"{rng.randint(400, 499)} {rng.randint(100, 999)}",
                     str(k + n), f"2 {rng.randint(400, 499)} {rng.randint(100, 999)}", f"{rng.randint(400, 499)} {rng.randint(100, 999)}"]
            for c, cell in enumerate(cells):
                pdf.text(xs[c] + 8, top + 18 * i + 13, cell)
    pdf.set_font("DejaVu", size=12)
    pdf.text(60, 560, "Diện tích khu vực khai thác: 4,3 ha.")
    return bytes(pdf.output())


def test_survey_tables_on_a_scan_are_read_as_rows(tmp_path):
    from pipeline.document import extract_document

    path = _image_pdf(_scan_images(_survey_page()), tmp_path / "toa-do.pdf")
    doc = extract_document(path)
    rows = [item for item in doc.items if item.kind.value == "table_row"]
    # Two points side by side on each printed line: one record per point (segment/tables.py splits the
    # repeated column group), numbered as printed, each with its own X and Y.
    assert len(rows) == 32, [item.text[:40] for item in doc.items]
    numbers = [row.path for row in rows]
    assert sum(n == str(k) for n, k in zip(numbers, range(1, 33))) >= 28, numbers
    with_both = [row for row in rows if sum(bool(re.search(r"\d{3}", v or "")) for v in row.cells.values()) == 2]
    assert len(with_both) >= 28, [row.cells for row in rows]
    # No coordinates left over as paragraphs: the rows are all in the tables.
    left = [item.text for item in doc.items if item.kind.value != "table_row"]
    assert not [text for text in left if re.search(r"\d{3} \d{3}", text)], left
    assert any(text.startswith("Diện tích khu vực khai thác") for text in left)
