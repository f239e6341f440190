"""Generate PDFs for the PDF reader tests (fpdf2 + DejaVu; nothing is downloaded).

The decree below is invented for the tests; it only follows the usual layout of
a Vietnamese administrative decision: a two-column header, a title, "Căn cứ"
lines, articles, a ruled table, a signature block, a running header and page
numbers.
"""
from __future__ import annotations

import io
from pathlib import Path

import pytest

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT = FONT_DIR / "DejaVuSans.ttf"
FONT_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"

RUNNING_HEADER = "Bản điện tử - Cổng thông tin tỉnh An Phú"

# A paragraph printed on two lines, broken in the middle of a sentence.
WRAPPED_LINE_1 = "Giao Sở Khoa học và Công nghệ chủ trì, phối hợp với các sở, ngành liên quan"
WRAPPED_LINE_2 = "tổ chức triển khai kế hoạch, báo cáo kết quả trước ngày 30 tháng 6 năm 2024."
WRAPPED_TEXT = f"{WRAPPED_LINE_1} {WRAPPED_LINE_2}"

TABLE_ROWS = [
    ["TT", "Nhiệm vụ", "Thời hạn"],
    ["1", "Khảo sát hiện trạng", "Quý II/2024"],
    ["2", "Xây dựng cơ sở dữ liệu", "Quý III/2024"],
    ["3", "Đánh giá, tổng kết", "Tháng 12/2024"],
]


def require_fonts() -> None:
    if not (FONT.exists() and FONT_BOLD.exists()):
        pytest.skip("DejaVu fonts not installed")


def _new_pdf(running: bool = True):
    from fpdf import FPDF

    class Decree(FPDF):
        def header(self):
            if running:
                self.set_font("DejaVu", size=8)
                self.set_xy(20, 8)
                self.cell(170, 4, RUNNING_HEADER, align="C")

        def footer(self):
            if running:
                self.set_font("DejaVu", size=10)
                self.set_xy(20, 285)
                self.cell(170, 5, f"- {self.page_no()} -", align="C")

    pdf = Decree(format="A4", unit="mm")
    pdf.set_auto_page_break(False)
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.add_font("DejaVu", "B", str(FONT_BOLD))
    return pdf


def _text(pdf, x, y, text, size=12, bold=False, w=0, align="L"):
    pdf.set_font("DejaVu", "B" if bold else "", size)
    pdf.set_xy(x, y)
    pdf.cell(w, 6, text, align=align)


def _paragraph(pdf, y, lines, size=12, indent=10, bold_first=False):
    """Pre-broken lines: the first indented, the others at the margin. Returns the next y."""
    for i, line in enumerate(lines):
        _text(pdf, 20 + (indent if i == 0 else 0), y, line, size, bold=bold_first and i == 0)
        y += 6
    return y + 2


def decree_pdf_bytes() -> bytes:
    require_fonts()
    pdf = _new_pdf()
    pdf.add_page()
    # Two-column header: issuer left, Quốc hiệu / Tiêu ngữ right.
    _text(pdf, 15, 18, "ỦY BAN NHÂN DÂN", 11, True, w=70, align="C")
    _text(pdf, 95, 18, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 11, True, w=100, align="C")
    _text(pdf, 15, 24, "TỈNH AN PHÚ", 11, True, w=70, align="C")
    _text(pdf, 95, 24, "Độc lập - Tự do - Hạnh phúc", 11, True, w=100, align="C")
    _text(pdf, 15, 33, "Số: 12/QĐ-UBND", 11, w=70, align="C")
    _text(pdf, 95, 33, "Hà Nội, ngày 5 tháng 3 năm 2024", 11, w=100, align="C")

    _text(pdf, 20, 48, "QUYẾT ĐỊNH", 13, True, w=170, align="C")
    _text(pdf, 20, 55, "Về việc ban hành Kế hoạch thí điểm số hóa hồ sơ", 12, True, w=170, align="C")
    _text(pdf, 20, 66, "ỦY BAN NHÂN DÂN TỈNH AN PHÚ", 12, True, w=170, align="C")
    y = 76
    y = _paragraph(pdf, y, ["Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;"])
    y = _paragraph(pdf, y, [
        "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về",
        "công tác văn thư;",
    ])
    y = _paragraph(pdf, y, ["Theo đề nghị của Giám đốc Sở Khoa học và Công nghệ."])
    _text(pdf, 20, y + 2, "QUYẾT ĐỊNH:", 13, True, w=170, align="C")
    y += 12
    y = _paragraph(pdf, y, ["Điều 1. Ban hành Kế hoạch thí điểm số hóa hồ sơ kèm theo Quyết định này."],
                   bold_first=True)
    y = _paragraph(pdf, y, ["Điều 2. Tổ chức thực hiện"], bold_first=True)
    y = _paragraph(pdf, y, [WRAPPED_LINE_1, WRAPPED_LINE_2])
    y = _paragraph(pdf, y, ["1. Các đơn vị bố trí kinh phí từ nguồn ngân sách năm 2024."])
    y = _paragraph(pdf, y, ["a) Sở Tài chính thẩm định dự toán;"])
    y = _paragraph(pdf, y, ["b) Sở Nội vụ hướng dẫn nghiệp vụ lưu trữ."])

    pdf.add_page()
    y = _paragraph(pdf, 20, ["Điều 3. Các nhiệm vụ cụ thể như sau:"], bold_first=True)
    pdf.set_font("DejaVu", size=11)
    pdf.set_xy(20, y + 2)
    with pdf.table(col_widths=(15, 95, 60), text_align="LEFT", width=170, line_height=7) as table:
        for data_row in TABLE_ROWS:
            row = table.row()
            for cell in data_row:
                row.cell(cell)
    y = pdf.get_y() + 6
    y = _paragraph(pdf, y, ["Điều 4. Quyết định này có hiệu lực kể từ ngày ký./."], bold_first=True)
    y += 6
    # Signature: Nơi nhận left, signer right.
    _text(pdf, 20, y, "Nơi nhận:", 10, True)
    _text(pdf, 110, y, "TM. ỦY BAN NHÂN DÂN", 12, True, w=80, align="C")
    _text(pdf, 20, y + 5, "- Như Điều 4;", 9)
    _text(pdf, 110, y + 6, "KT. CHỦ TỊCH", 12, True, w=80, align="C")
    _text(pdf, 20, y + 10, "- Lưu: VT, KGVX.", 9)
    _text(pdf, 110, y + 12, "PHÓ CHỦ TỊCH", 12, True, w=80, align="C")
    _text(pdf, 110, y + 35, "Trần Văn Bình", 12, True, w=80, align="C")
    return bytes(pdf.output())


def write_decree(path: Path) -> Path:
    path.write_bytes(decree_pdf_bytes())
    return path


def write_encrypted(path: Path, user_password: str) -> Path:
    """An encrypted copy of a small decree; empty user password = copy-protected only."""
    require_fonts()
    from fpdf.enums import AccessPermission

    pdf = _new_pdf(running=False)
    pdf.add_page()
    _text(pdf, 20, 20, "QUYẾT ĐỊNH", 13, True, w=170, align="C")
    _paragraph(pdf, 30, ["Điều 1. Giao Sở Công Thương chủ trì thực hiện nhiệm vụ được giao."])
    pdf.set_encryption(owner_password="chu-so-huu", user_password=user_password,
                       permissions=AccessPermission.PRINT_LOW_RES)
    path.write_bytes(bytes(pdf.output()))
    return path


def write_scan(path: Path) -> Path:
    """A page carrying only an image, as a scanner produces."""
    require_fonts()
    from PIL import Image, ImageDraw

    image = Image.new("L", (600, 800), 255)
    draw = ImageDraw.Draw(image)
    for row in range(40, 760, 24):
        draw.rectangle((60, row, 540 - (row % 5) * 30, row + 10), fill=30)  # "lines of text"
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    pdf = _new_pdf(running=False)
    pdf.add_page()
    pdf.image(buffer, x=10, y=10, w=190)
    path.write_bytes(bytes(pdf.output()))
    return path


def write_empty(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def write_truncated(path: Path) -> Path:
    data = decree_pdf_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def write_jpeg_named_pdf(path: Path) -> Path:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), (200, 10, 10)).save(buffer, format="JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def write_text_named_pdf(path: Path) -> Path:
    path.write_text("QUYẾT ĐỊNH\nĐiều 1. Đây là một tệp văn bản, không phải PDF.\n", encoding="utf-8")
    return path


def minimal_pdf(objects: list[bytes]) -> bytes:
    """A PDF file from its numbered objects (object 1 is the catalog), with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def write_no_pages(path: Path) -> Path:
    """A well-formed PDF whose page tree is empty."""
    path.write_bytes(minimal_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]))
    return path


# --------------------------------------------------------------------------
# A survey of boundary points: two groups of columns side by side, over three pages
# --------------------------------------------------------------------------
SURVEY_INTRO = [
    "ỦY BAN NHÂN DÂN TỈNH MINH AN",
    "Số: 21/QĐ-UBND",
    "Minh An, ngày 12 tháng 3 năm 2026",
    "QUYẾT ĐỊNH",
    "Phê duyệt ranh giới khu vực khai thác cát lòng sông",
    "Điều 1. Phê duyệt tọa độ các điểm ranh giới khu vực như sau:",
]
SURVEY_AREA = "12,5"  # one merged cell for every point, printed once, on page 1
SURVEY_PAGES = (6, 5, 4)  # printed rows per page: 15 rows, 30 points
SURVEY_POINTS = [
    (f"M{k}", f"{2345000 + 37 * k:,}".replace(",", ".") + f",{(13 * k) % 100:02d}",
     f"{456000 + 29 * k:,}".replace(",", ".") + f",{(7 * k) % 100:02d}")
    for k in range(1, 2 * sum(SURVEY_PAGES) + 1)
]
# The second part of the decision: an assignment table whose second row is cut by the page break.
SURVEY_TASKS_HEADER = ["TT", "Nội dung", "Đơn vị chủ trì", "Thời gian"]
SURVEY_TASKS = [
    ["1", "Cắm mốc giới ngoài thực địa", "Sở Nông nghiệp và Môi trường", "Quý II/2026"],
    ["2", "Khảo sát, đo đạc và cắm mốc", "Sở Nông nghiệp và", "Quý III/2026"],  # ... the page ends here
    ["", "ranh giới khu vực khai thác", "Môi trường", ""],  # the rest, on the next page under the repeated header
    ["3", "Bàn giao mốc giới cho địa phương", "UBND xã Minh Tân", "Quý IV/2026"],
]


def survey_page_points() -> list[list[tuple[tuple, tuple]]]:
    """Per page, the printed rows as (left point, right point): the numbers run down the left group of a
    page first, then down its right group (M1-M6 | M7-M12 on page 1)."""
    pages, k = [], 0
    for rows in SURVEY_PAGES:
        left, right = SURVEY_POINTS[k:k + rows], SURVEY_POINTS[k + rows:k + 2 * rows]
        pages.append(list(zip(left, right)))
        k += 2 * rows
    return pages


def survey_pdf_bytes() -> bytes:
    """The survey decision: a point table "Tên điểm | Tọa độ VN-2000 (X (m), Y (m)) | Tên điểm | Tọa độ
    VN-2000 (X (m), Y (m)) | Diện tích (ha)" over pages 1-3 with its two-level header on page 1, none on
    page 2, and repeated on page 3 with a wrong caption ("Tên mốc" for the second "Tên điểm"); the area
    is one cell merged down every row (its fragments on pages 2 and 3 are empty); then an assignment
    table over pages 3-4, header repeated, whose row 2 is cut by the page break."""
    require_fonts()
    pdf = _new_pdf(running=False)
    widths = [18, 30, 30, 18, 30, 30, 24]
    xs = [15]
    for w in widths:
        xs.append(xs[-1] + w)

    def box(col: int, top: float, height: float, text: str = "", span: int = 1) -> None:
        x0, x1 = xs[col], xs[col + span]
        pdf.rect(x0, top, x1 - x0, height)
        if text:
            pdf.set_xy(x0 + 1, top + 1)
            pdf.cell(x1 - x0 - 2, 5, text)

    def header(top: float, second_name: str = "Tên điểm") -> float:
        pdf.set_font("DejaVu", "B", 7)
        for col, name in ((0, "Tên điểm"), (3, second_name)):
            box(col, top, 14, name)
            box(col + 1, top, 8, "Tọa độ VN-2000", span=2)
            box(col + 1, top + 8, 6, "X (m)")
            box(col + 2, top + 8, 6, "Y (m)")
        box(6, top, 14, "Diện tích (ha)")
        pdf.set_font("DejaVu", size=7)
        return top + 14

    pdf.add_page()
    y = 15
    for text in SURVEY_INTRO:
        _text(pdf, 15, y, text, 12, bold=text.isupper(), w=180, align="C" if text.isupper() else "L")
        y += 8
    for number, rows in enumerate(survey_page_points()):
        if number:
            pdf.add_page()
            y = 20
        if number == 0:
            y = header(y + 4)
        elif number == 2:
            y = header(y, second_name="Tên mốc")
        pdf.set_font("DejaVu", size=7)
        box(6, y, 7 * len(rows), SURVEY_AREA if number == 0 else "")
        for left, right in rows:
            for col, text in enumerate(left + right):
                box(col, y, 7, text)
            y += 7

    task_xs = [15, 25, 105, 160, 195]

    def task_box(col: int, top: float, text: str) -> None:
        pdf.rect(task_xs[col], top, task_xs[col + 1] - task_xs[col], 9)
        if text:
            pdf.set_xy(task_xs[col] + 1, top + 2)
            pdf.cell(task_xs[col + 1] - task_xs[col] - 2, 5, text)

    def task_row(top: float, cells: list[str], bold: bool = False) -> float:
        pdf.set_font("DejaVu", "B" if bold else "", 8)
        for col, text in enumerate(cells):
            task_box(col, top, text)
        return top + 9

    y += 8
    _text(pdf, 15, y, "Điều 2. Phân công thực hiện như sau:", 12)
    y = task_row(y + 10, SURVEY_TASKS_HEADER, bold=True)
    y = task_row(y, SURVEY_TASKS[0])
    task_row(y, SURVEY_TASKS[1])  # the last row of the page
    pdf.add_page()
    y = task_row(20, SURVEY_TASKS_HEADER, bold=True)
    y = task_row(y, SURVEY_TASKS[2])
    y = task_row(y, SURVEY_TASKS[3])
    _text(pdf, 15, y + 8, "Điều 3. Quyết định này có hiệu lực kể từ ngày ký./.", 12)
    return bytes(pdf.output())


def write_survey(path: Path) -> Path:
    path.write_bytes(survey_pdf_bytes())
    return path


def _justified(pdf, x, y, text, right=190):
    """One printed line stretched to the right margin, as a justified paragraph's full lines are."""
    pdf.set_char_spacing(0)
    gap = (right - x - pdf.get_string_width(text)) / (len(text) - 1)
    pdf.set_char_spacing(gap * 72 / 25.4)  # points
    pdf.set_xy(x, y)
    pdf.cell(0, 6, text)
    pdf.set_char_spacing(0)


# A justified flow whose paragraphs start with a first-line indent, at one line pitch throughout:
# (indented?, full line?, text). Pairs of a full line ending in ":" or before an amount, wrapped onto a
# line at the margin; points "c." / "d." (a letter and a full stop); two indented sentences.
INDENTED_FLOW = [
    (True, False, "Điều 1. Phạm vi điều chỉnh"),
    (True, True, "Quyết định này quy định việc cấp giấy phép hành nghề cho người có quốc tịch:"),
    (False, False, "Việt Nam, người nước ngoài cư trú hợp pháp tại Việt Nam."),
    (True, True, "Tổng kinh phí thực hiện kế hoạch giai đoạn 2026 - 2030 dự kiến khoảng"),
    (False, False, "39.897 tỷ đồng, bố trí từ ngân sách nhà nước và các nguồn hợp pháp khác."),
    (True, True, "Các sở, ngành triển khai thực hiện các nhiệm vụ và rà soát các công trình sau:"),
    (True, False, "c. Công trình cấp nước sinh hoạt tập trung;"),
    (True, False, "d. Bể nước phòng cháy chữa cháy."),
    (True, True, "Ủy ban nhân dân các xã chịu trách nhiệm rà soát, thống kê các công trình."),
    (True, False, "Các đơn vị báo cáo kết quả trước ngày 30 tháng 6 năm 2026."),
]


def indented_flow_pdf_bytes() -> bytes:
    require_fonts()
    pdf = _new_pdf(running=False)
    pdf.add_page()
    pdf.set_font("DejaVu", size=12)
    for i, (indented, full, text) in enumerate(INDENTED_FLOW):
        x, y = 30 if indented else 20, 20 + 6 * i
        if full:
            _justified(pdf, x, y, text)
        else:
            pdf.set_xy(x, y)
            pdf.cell(0, 6, text)
    return bytes(pdf.output())
