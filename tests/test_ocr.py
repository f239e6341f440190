"""OCR of image-only PDFs and image files (skipped without tesseract + vie)."""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pipeline.errors import ReadError
from pipeline.read import ocr
from pipeline.repair.syllables import syllable_validity

pytestmark = pytest.mark.skipif(not ocr.tesseract_available("vie"), reason="tesseract with 'vie' not installed")

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
LINES = [
    "QUYẾT ĐỊNH",
    "Số: 15/QĐ-UBND",
    "Về việc hỗ trợ doanh nghiệp đổi mới sáng tạo năm 2024",
    "Điều 1. Hỗ trợ 120 doanh nghiệp nhỏ và vừa đổi mới công nghệ.",
    "Điều 2. Đào tạo 350 lượt cán bộ quản lý về chuyển đổi số.",
    "Điều 3. Sở Khoa học và Công nghệ chủ trì, phối hợp với các sở,",
    "ngành liên quan tổ chức thực hiện Quyết định này.",
    "Điều 4. Quyết định này có hiệu lực kể từ ngày ký.",
]
ANGLE = 1.5


def _cer(reference: str, hypothesis: str) -> float:
    ref, hyp = " ".join(reference.split()), " ".join(hypothesis.split())
    prev = list(range(len(hyp) + 1))
    for i, a in enumerate(ref, 1):
        cur = [i]
        for j, b in enumerate(hyp, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a != b)))
        prev = cur
    return prev[-1] / max(1, len(ref))


@pytest.fixture(scope="module")
def scan() -> Image.Image:
    """The decree rendered at 200 dpi, rotated 1.5° with mild noise: a scan."""
    if not FONT.exists():
        pytest.skip("DejaVu font not installed")
    import pypdfium2 as pdfium
    from fpdf import FPDF

    pdf = FPDF(format="A5")
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.add_page()
    pdf.set_font("DejaVu", size=11)
    for line in LINES:
        pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    doc = pdfium.PdfDocument(io.BytesIO(bytes(pdf.output())))
    image = doc[0].render(scale=200 / 72, grayscale=True).to_pil().convert("L")
    image = image.rotate(ANGLE, resample=Image.BICUBIC, fillcolor=255)
    rng = np.random.default_rng(1)
    pixels = np.asarray(image, dtype=np.float32) + rng.normal(0, 12, (image.height, image.width))
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


@pytest.fixture(scope="module")
def scan_pdf(scan, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("ocr") / "scan.pdf"
    scan.save(path, "PDF", resolution=200.0)  # an image-only PDF: no text layer
    return path


@pytest.fixture(scope="module")
def scan_png(scan, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("ocr") / "scan.png"
    scan.save(path, dpi=(200, 200))
    return path


def _check_text(text: str) -> None:
    assert "QUYẾT ĐỊNH" in text
    assert "15/QĐ-UBND" in text
    assert "120 doanh nghiệp" in text
    assert _cer("\n".join(LINES), text) <= 0.05


def test_ocr_pdf_reads_scanned_decree(scan_pdf):
    raw = ocr.ocr_pdf(scan_pdf, workers=1)
    assert [p.source for p in raw.pages] == ["ocr"]
    page = raw.pages[0]
    _check_text("\n".join(line.text for line in page.lines))
    assert page.quality and page.quality > 0.8
    # Boxes are in PDF points: inside an A5 page (420 x 595 pt).
    assert all(0 <= ln.bbox[0] < ln.bbox[2] <= page.width + 1 for ln in page.lines)
    assert page.height and 580 < page.height < 610
    confidences = ocr.ocr_confidences(raw)
    assert set(confidences) == {(1, i) for i in range(len(page.lines))}
    assert all(0 <= c <= 1 for c in confidences.values())


def test_read_image_png(scan_png):
    raw = ocr.read_image(scan_png)
    _check_text("\n".join(line.text for line in raw.lines))


def test_deskew_estimate(scan):
    # The page was turned by +1.5°; turning it back needs -1.5°.
    assert abs(ocr.estimate_skew(ocr.to_gray(scan)) + ANGLE) <= 0.5


def test_eth_mapped_to_d_stroke():
    assert ocr.clean_text("\u00d0iều 1") == "Điều 1"
    assert ocr.clean_text("Quyê\u0301t") == "Quyết"  # NFC


def test_parse_tsv_lines_and_low_confidence_warning():
    header = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
    rows = [
        "5\t1\t1\t1\t1\t1\t10\t10\t50\t20\t95\tSố:",
        "5\t1\t1\t1\t1\t2\t70\t10\t80\t20\t91\t26/QĐ-XPVPHC",
        "5\t1\t2\t1\t1\t1\t10\t60\t50\t20\t12\tzxq",
        "5\t1\t2\t1\t1\t2\t70\t60\t50\t20\t20\tJkw",
    ]
    lines = ocr.parse_tsv(header + "\n".join(rows) + "\n")
    assert [ln.text for ln in lines] == ["Số: 26/QĐ-XPVPHC", "zxq Jkw"]
    assert lines[0].confidence == pytest.approx(93)
    assert lines[1].suspect and not lines[0].suspect
    warnings: list[str] = []
    page = ocr._to_page(1, ocr.OcrPage(lines, 200, 100), 0.5, 100, 50, warnings)
    assert page.lines[1].bbox == (5.0, 30.0, 60.0, 40.0)
    assert len(warnings) == 1 and "zxq" in warnings[0] and "(16%)" in warnings[0]


def test_oversized_image_refused(tmp_path):
    # A PNG header claiming 20000 x 20000 pixels; the pixels are never decoded.
    path = tmp_path / "huge.png"
    Image.new("1", (20000, 20000)).save(path)
    with pytest.raises(ReadError, match="too large"):
        ocr.read_image(path)


def test_otsu_threshold_splits_two_levels():
    gray = np.array([[30] * 50 + [220] * 50] * 4, dtype=np.uint8)
    assert 30 <= ocr.otsu_threshold(gray) < 220


GARBLED = Path("/work/shared/corpus/files/laocai_kh1105_2026_kiem_tra_vlncn_GARBLED.pdf")


@pytest.mark.skipif(not GARBLED.exists(), reason="corpus file absent")
def test_ocr_of_garbled_pdf_page_is_vietnamese():
    raw = ocr.ocr_pdf(GARBLED, pages=[1], workers=1)
    text = " ".join(line.text for line in raw.lines)
    assert syllable_validity(text) >= 0.9
    assert "Thực hiện" in text
