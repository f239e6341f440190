"""OCR of image-only PDFs and image files (skipped without tesseract + vie)."""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pipeline.errors import ReadError
from pipeline.read import ocr
from pipeline.repair.metrics import character_error_rate
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
    assert character_error_rate("\n".join(LINES), text) <= 0.05


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


# --------------------------------------------------------------------------
# Layout: two-column header and signature, paragraphs, page number, ruled table
# --------------------------------------------------------------------------
BODY = (
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015 và các văn bản hướng dẫn "
    "thi hành có liên quan đến việc xử phạt vi phạm hành chính;",
    "Điều 1. Xử phạt vi phạm hành chính đối với Công ty TNHH Hóa chất An Phát với tổng số tiền phạt "
    "là 35.000.000 đồng do không lập kế hoạch phòng ngừa sự cố hóa chất theo quy định.",
    "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.",
)


def _scan_of(pdf_bytes: bytes, path: Path, angle: float = 0.8) -> Path:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(io.BytesIO(pdf_bytes))
    image = doc[0].render(scale=200 / 72, grayscale=True).to_pil().convert("L")
    image = image.rotate(angle, resample=Image.BICUBIC, fillcolor=255)
    rng = np.random.default_rng(3)
    pixels = np.asarray(image, dtype=np.float32) + rng.normal(0, 8, (image.height, image.width))
    Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(path, "PDF", resolution=200.0)
    return path


@pytest.fixture(scope="module")
def decision_pdf(tmp_path_factory) -> Path:
    """A one-page decision: two-column header and signature, wrapped paragraphs, a page number."""
    if not FONT.exists():
        pytest.skip("DejaVu font not installed")
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format="A4")
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.set_margins(57, 57, 57)
    pdf.add_page()
    pdf.set_font("DejaVu", size=12)

    def two_columns(left: list[str], right: list[str], offsets=(0, 18, 36, 54)):
        y = pdf.get_y()
        for i, text in enumerate(left):
            pdf.set_xy(57, y + offsets[i])
            pdf.cell(190, 16, text, align="C")
        for i, text in enumerate(right):
            pdf.set_xy(270, y + offsets[i])
            pdf.cell(268, 16, text, align="C")
        pdf.set_xy(57, y + offsets[max(len(left), len(right)) - 1] + 30)

    # As printed: the number and the place/date share a row, a little below the rest.
    two_columns(["BỘ CÔNG THƯƠNG", "CỤC HÓA CHẤT", "Số: 26/QĐ-XPHC"],
                ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Hà Nội, ngày 5 tháng 3 năm 2026"],
                offsets=(0, 18, 44))
    pdf.cell(0, 16, "QUYẾT ĐỊNH", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    for text in BODY:
        pdf.multi_cell(0, 17, text, align="J", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(6)
    pdf.ln(10)
    two_columns(["Nơi nhận:", "- Như Điều 3;", "- Lưu: VT."], ["KT. CỤC TRƯỞNG", "PHÓ CỤC TRƯỞNG", "", "Nguyễn Văn An"])
    pdf.set_xy(57, 790)
    pdf.cell(0, 12, "1", align="C")
    return _scan_of(bytes(pdf.output()), tmp_path_factory.mktemp("layout") / "decision.pdf")


def test_ocr_layout_columns_paragraphs_and_page_number(decision_pdf):
    raw = ocr.ocr_pdf(decision_pdf, workers=1)
    lines = raw.pages[0].lines
    texts = [" ".join(ln.text.split()) for ln in lines]

    def index(start: str) -> int:
        return next(i for i, t in enumerate(texts) if t.startswith(start))

    # The header: the left block (issuer, number), then the right block (Quốc hiệu, place and date).
    assert texts[:3] == ["BỘ CÔNG THƯƠNG", "CỤC HÓA CHẤT", "Số: 26/QĐ-XPHC"]
    assert index("Số: 26/QĐ-XPHC") < index("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") < index("Độc lập") < index("Hà Nội, ngày 5")
    assert not any("THƯƠNG CỘNG" in t for t in texts)
    # Paragraphs: each body paragraph is one Line, whatever its printed lines.
    for paragraph in BODY:
        assert texts[index(paragraph[:20])] == paragraph
    # The signature: Nơi nhận (left), then the signer (right).
    assert index("Nơi nhận:") < index("- Như Điều 3;") < index("- Lưu: VT.") < index("KT. CỤC TRƯỞNG") < index("Nguyễn Văn An")
    # The page number is dropped; every Line has a box in points and a confidence.
    assert "1" not in texts
    assert all(ln.bbox and 0 <= ln.bbox[0] < ln.bbox[2] <= 596 for ln in lines)
    assert all(ln.confidence is not None and 0.5 < ln.confidence <= 1 for ln in lines)
    assert ocr.ocr_confidences(raw) == {(1, i): ln.confidence for i, ln in enumerate(lines)}


@pytest.fixture(scope="module")
def table_pdf(tmp_path_factory) -> Path:
    if not FONT.exists():
        pytest.skip("DejaVu font not installed")
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format="A4")
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.set_margins(57, 57, 57)
    pdf.add_page()
    pdf.set_font("DejaVu", size=12)
    pdf.multi_cell(0, 17, "II. CHỈ TIÊU NĂM 2026", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    with pdf.table(col_widths=(40, 260, 90, 91), first_row_as_headings=False, line_height=16, padding=3) as table:
        for cells in (("TT", "Nội dung", "Kế hoạch", "Thời gian"),
                      ("1", "Đào tạo cán bộ quản lý về chuyển đổi số cho các sở, ngành", "350 lượt", "Quý II/2026"),
                      ("2", "Hỗ trợ doanh nghiệp đổi mới công nghệ", "120 DN", "Năm 2026")):
            row = table.row()
            for cell in cells:
                row.cell(cell)
    pdf.ln(10)
    pdf.multi_cell(0, 17, "Sở Khoa học và Công nghệ chủ trì thực hiện.", new_x="LMARGIN", new_y="NEXT")
    return _scan_of(bytes(pdf.output()), tmp_path_factory.mktemp("table") / "table.pdf", angle=-0.6)


def test_ocr_reads_ruled_table_rows_with_cells(table_pdf):
    raw = ocr.ocr_pdf(table_pdf, workers=1)
    lines = raw.pages[0].lines
    rows = [ln for ln in lines if ln.cells is not None]
    assert [ln.cells for ln in rows] == [
        ["TT", "Nội dung", "Kế hoạch", "Thời gian"],
        ["1", "Đào tạo cán bộ quản lý về chuyển đổi số cho các sở, ngành", "350 lượt", "Quý II/2026"],
        ["2", "Hỗ trợ doanh nghiệp đổi mới công nghệ", "120 DN", "Năm 2026"],
    ]
    assert [ln.header_row for ln in rows] == [True, False, False]
    assert len({ln.table for ln in rows}) == 1
    texts = [ln.text for ln in lines]
    assert texts[0] == "II. CHỈ TIÊU NĂM 2026" and texts[-1] == "Sở Khoa học và Công nghệ chủ trì thực hiện."
    assert all(ln.confidence is not None for ln in rows)


def test_find_grids_on_a_drawn_grid():
    ink = np.zeros((400, 600), dtype=bool)
    for y in (50, 150, 250):
        ink[y:y + 3, 40:560] = True
    for x in (40, 200, 557):
        ink[50:253, x:x + 3] = True
    ink[100:130, 300:302] = True  # a glyph stroke inside a cell: not a rule of the grid
    grids = ocr.find_grids(*ocr.find_rules(ink))
    assert len(grids) == 1
    grid = grids[0]
    assert len(grid.xs) == 3 and len(grid.bands) == 2
    assert [c for _, c, _ in grid.cells()] == [0, 1, 0, 1]


def test_ocr_text_fixes():
    assert ocr.clean_text("(KH&CN&Đ\u00d0MST)") == "(KH&CN&ĐMST)"
    assert ocr.fix_quarters("Thời gian trình: Quý JI/2018; Quý lV/2018, Quý 1/2018") == (
        "Thời gian trình: Quý II/2018; Quý IV/2018, Quý 1/2018")
    assert [ocr.fix_roman(t) for t in ("|.", "lII.", "Il", "1.", "11.", "la.")] == ["I.", "III.", "II", "1.", "11.", "la."]


def test_repair_roman_sequence():
    from pipeline.model import Line

    lines = [Line(t) for t in ("I. CƠ SỞ", "II. MỤC TIÊU", "1. Chung", "II. NHIỆM VỤ", "IV. TỔ CHỨC", "IV. KHÁC")]
    lines.insert(3, Line("II\tcell", cells=["II", "cell"]))
    ocr.repair_roman_sequence(lines)
    assert [ln.text for ln in lines] == [
        "I. CƠ SỞ", "II. MỤC TIÊU", "1. Chung", "II\tcell", "III. NHIỆM VỤ", "IV. TỔ CHỨC", "IV. KHÁC"]


def test_h_read_for_ii_is_repaired_only_where_ii_is_due():
    from pipeline.model import Line

    lines = [Line(t) for t in ("I. MỤC TIÊU", "H. NỘI DUNG", "1. Hỗ trợ", "H. Ghi chú lạc", "III. TỔ CHỨC")]
    rows = [Line("I\tMục A", cells=["I", "Mục A"]), Line("1\tViệc", cells=["1", "Việc"]),
            Line("H\tMục B", cells=["H", "Mục B"]), Line("H\tMục C", cells=["H", "Mục C"])]
    ocr.repair_roman_sequence(lines + rows)
    # After "I." the "H." is "II."; after "II." another "H." is left as read (III would be due).
    assert [ln.text for ln in lines] == ["I. MỤC TIÊU", "II. NỘI DUNG", "1. Hỗ trợ", "H. Ghi chú lạc", "III. TỔ CHỨC"]
    assert [r.cells[0] for r in rows] == ["I", "1", "II", "H"] and rows[2].text == "II\tMục B"
    assert ocr.fix_roman("Ị") == "I" and ocr.fix_roman("ỊI.") == "II."
    lettered = [Line(t) for t in ("I. PHẦN CHUNG", "A. Mục đích", "G. Kinh phí", "H. Tiến độ")]
    ocr.repair_roman_sequence(lettered)
    assert lettered[-1].text == "H. Tiến độ"  # letters under "I.": the eighth letter stays


def test_rotate_matches_pil_rotation():
    # OpenCV's bilinear rotation stands in for Image.rotate: same direction,
    # centre, size and white corners.
    gray = np.full((300, 400), 255, np.uint8)
    gray[140:160, 50:350] = 0  # a thick horizontal bar
    ours = ocr.rotate(gray, 3.0).astype(int)
    pil = np.asarray(Image.fromarray(gray).rotate(3.0, resample=Image.BILINEAR, fillcolor=255)).astype(int)
    assert ours.shape == gray.shape
    assert np.abs(ours - pil).mean() < 2
    # Counter-clockwise: the bar's right end rises (smaller row) and its left end drops.
    left, right = ours[:, 70], ours[:, 330]
    assert np.flatnonzero(right < 128).mean() < 150 < np.flatnonzero(left < 128).mean()
    assert ours[0, 0] == 255 and ours[-1, -1] == 255
    # A level page is found level after a turn and its undoing.
    assert abs(ocr.estimate_skew(ocr.rotate(ocr.rotate(gray, 2.0), -2.0))) <= 0.2


def _runs_brute_force(ink: np.ndarray, length: int) -> np.ndarray:
    out = np.zeros_like(ink, dtype=bool)
    for y, row in enumerate(ink):
        x = 0
        while x < len(row):
            if row[x]:
                end = x
                while end < len(row) and row[end]:
                    end += 1
                if end - x >= length:
                    out[y, x:end] = True
                x = end
            else:
                x += 1
    return out


@pytest.mark.parametrize("seed", range(5))
def test_run_mask_keeps_exactly_the_long_runs(seed):
    rng = np.random.default_rng(seed)
    ink = rng.random((30, 60)) < rng.uniform(0.5, 0.95)
    for length in (1, 2, 5, 8, 13, 60, 61):
        assert (ocr._run_mask(ink, length) == _runs_brute_force(ink, length)).all(), length


def test_repair_letter_sequence_reads_misread_point_letters_from_their_neighbours():
    """'8)' before 'b)' is 'a)'; 'b)', 'e)', 'd)' -> 'c)' in the middle; '-a)' before 'b)' is 'a)'; 'ø)' after 'e)'
    is 'g)' and a last '1)' after 'k)' is 'l)'. A clause line ends the run; points numbered with digits ('1)',
    '2)') and a letter with nothing to confirm it stay."""
    from pipeline.model import Line

    read_and_due = [  # (as OCR read it, as it is printed)
        ("2. Hồ sơ gồm:", None), ("8) Văn bản đăng ký;", "a) Văn bản đăng ký;"), ("b) Bản sao giấy phép;", None),
        ("3. Thẩm quyền:", None), ("a) Cấp giấy phép;", None), ("b) Cấp lại;", None),
        ("e) Cấp điều chỉnh;", "c) Cấp điều chỉnh;"), ("d) Thu hồi;", None),
        ("4. Danh mục:", None), ("-a) Thuốc nổ;", "a) Thuốc nổ;"), ("b) Phụ kiện nổ.", None),
        ("5. Các bước:", None), ("1) Tiếp nhận;", None), ("2) Thẩm định;", None), ("e) Ghi chú riêng.", None),
        ("6. Biện pháp:", None), ("e) Buộc tái chế;", None), ("ø) Buộc chấm dứt;", "g) Buộc chấm dứt;"),
        ("h) Buộc thu hồi;", None), ("k) Buộc khắc phục;", None), ("1) Buộc di chuyển.", "l) Buộc di chuyển."),
    ]
    lines = [Line(read) for read, _ in read_and_due]
    ocr.repair_letter_sequence(lines)
    assert [ln.text for ln in lines] == [due or read for read, due in read_and_due]


def test_clean_page_strips_strokes_before_a_clause_number_and_reads_its_comma_as_a_period():
    from pipeline.read.ocr import OcrLine, OcrWord

    def line(text: str, y: int) -> OcrLine:
        words = [OcrWord(t, (100 + 60 * i, y, 150 + 60 * i, y + 40), 90.0) for i, t in enumerate(text.split())]
        return OcrLine(text, (100, y, 100 + 60 * len(words), y + 40), 90.0, words)

    page = ocr.OcrPage([line("--_1. Hồ sơ đăng ký mới", 100), line("1, Việc đăng ký bổ sung", 200),
                        line("- Các tổ chức, cá nhân", 300), line("1, 2 và 3", 400)], width=2480, height=3508)
    assert [ln.text for ln in ocr.clean_page(page).lines] == [
        "1. Hồ sơ đăng ký mới", "1. Việc đăng ký bổ sung", "- Các tổ chức, cá nhân", "1, 2 và 3"]
