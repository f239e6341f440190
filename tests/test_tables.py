"""Tables: the same table read from text, PDF (over two pages, header repeated or not) and DOCX
(merged cells) gives the same rows; column meanings and typed cell values; real tables of the corpus.

The plan and its table are invented for the tests (no corpus document is copied).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

import pytest

from pipeline.document import build_document, extract_document
from pipeline.extract.table_values import classify_header, row_values
from pipeline.model import Line, Page, RawDocument, Source
from pipeline.segment.tables import is_column_number_row
from tests.helpers import SHARED, document_from_text
from tests.pdf_fixtures import FONT, FONT_BOLD, require_fonts

FILES = SHARED / "corpus" / "files"

# --------------------------------------------------------------------------
# One table, four renderings
# --------------------------------------------------------------------------
INTRO = [
    "ỦY BAN NHÂN DÂN TỈNH MINH AN",
    "Số: 18/KH-UBND",
    "Minh An, ngày 10 tháng 01 năm 2026",
    "KẾ HOẠCH",
    "Hỗ trợ doanh nghiệp năm 2026",
    "I. MỤC TIÊU",
    "1. Hỗ trợ 1.500 doanh nghiệp đổi mới sáng tạo.",
    "II. BIỂU CHỈ TIÊU",
]
HEADER_1 = ["TT", "Nội dung", "Chỉ tiêu đến 2025", "Thực hiện", "", "Kế hoạch 2026", "Đơn vị chủ trì"]
HEADER_2 = ["", "", "", "2024", "2025", "", ""]
ROWS = [
    ["A", "Phát triển doanh nghiệp", "", "", "", "", ""],
    ["I", "Hỗ trợ khởi nghiệp", "", "", "", "", ""],
    ["1", "Đào tạo khởi nghiệp", "5.000 DN", "1.020", "1.310", "1.500", "Sở Công Thương"],
    ["2", "Tư vấn sở hữu trí tuệ", "800 DN", "150", "180", "200", "Sở Khoa học và Công nghệ"],
    ["3", "Kết nối đầu tư", "60 dự án", "12", "14", "15 dự án", "Sở Tài chính"],
    ["4", "Hội chợ công nghệ", "10 hội chợ", "2", "2", "2", "Sở Tài chính"],
    ["II", "Hỗ trợ chuyển đổi số", "", "", "", "", ""],
    ["5", "Tư vấn chuyển đổi số", "1.000 DN", "180", "220", "250", "Sở Khoa học và Công nghệ"],
    ["6", "Nền tảng số dùng chung", "3 nền tảng", "1", "1", "1 nền tảng", "Sở Khoa học và Công nghệ"],
    ["7", "Đào tạo kỹ năng số", "2.000 lượt", "300", "450", "500", "Sở Nội vụ"],
    ["B", "Phát triển thị trường", "", "", "", "", ""],
    ["8", "Sàn giao dịch công nghệ", "1 sàn", "", "", "1 sàn", "Sở Công Thương"],
    ["9", "Hội thảo xu hướng công nghệ", "40 buổi", "8", "9", "10 buổi", "Sở Công Thương"],
    ["10", "Chợ công nghệ và thiết bị", "5 chợ", "1", "1", "1", "Sở Công Thương"],
    ["11", "Giải thưởng đổi mới sáng tạo", "5 giải", "1", "1", "1 giải", "Sở Khoa học và Công nghệ"],
    ["12", "Truyền thông khởi nghiệp", "500 tin bài", "90", "110", "120 tin bài", "Sở Văn hóa và Thể thao"],
]
# rows 4 and 5 (TT 3, 4) share one lead agency: a vertical merge in the DOCX and the PDF, blank below in the text
MERGED_LEAD = (4, 5)
COLUMNS = len(HEADER_1)


def _rows_with_merge() -> list[list[str]]:
    rows = [list(r) for r in ROWS]
    rows[MERGED_LEAD[1]][6] = ""
    return rows


def _source(name: str, data: bytes, fmt: str, pages: int) -> Source:
    return Source(file_name=name, sha256=hashlib.sha256(data).hexdigest(), format=fmt, pages=pages, bytes=len(data))


def text_version():
    lines = INTRO + ["\t".join(HEADER_1), "\t".join(HEADER_2)] + ["\t".join(r) for r in _rows_with_merge()]
    return document_from_text("\n".join(lines))


def pdf_bytes(repeat_header: bool) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(False)
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.add_font("DejaVu", "B", str(FONT_BOLD))
    widths = [10, 48, 30, 16, 16, 24, 46]
    xs = [10]
    for w in widths:
        xs.append(xs[-1] + w)
    pdf.add_page()
    pdf.set_font("DejaVu", size=12)
    y = 15
    for text in INTRO:
        pdf.set_xy(15, y)
        pdf.cell(180, 6, text, align="C" if text.isupper() or text.startswith("Hỗ trợ doanh") else "L")
        y += 8

    def cell(col: int, top: float, text: str, span: int = 1, height: float = 14) -> None:
        x0, x1 = xs[col], xs[col + span]
        pdf.rect(x0, top, x1 - x0, height)
        if text:
            pdf.set_xy(x0 + 1, top + 2)
            pdf.cell(x1 - x0 - 2, 5, text)

    def header(top: float) -> float:
        pdf.set_font("DejaVu", "B", 7)
        for col, text in enumerate(HEADER_1):
            if col == 3:
                cell(3, top, text, span=2, height=8)
            elif col != 4:
                cell(col, top, text, height=16)
        cell(3, top + 8, HEADER_2[3], height=8)
        cell(4, top + 8, HEADER_2[4], height=8)
        pdf.set_font("DejaVu", size=7)
        return top + 16

    y = header(y + 6)
    row_height = 14
    page_one = 10  # rows on page 1; the rest go on page 2
    rows = _rows_with_merge()
    for i, row in enumerate(rows):
        if i == page_one:
            pdf.add_page()
            y = header(20) if repeat_header else 20
        for col, text in enumerate(row):
            if col == 6 and i == MERGED_LEAD[0]:
                cell(col, y, text, height=2 * row_height)
            elif col == 6 and i == MERGED_LEAD[1]:
                continue
            else:
                cell(col, y, text, height=row_height)
        y += row_height
    return bytes(pdf.output())


def pdf_version(tmp_path: Path, repeat_header: bool):
    require_fonts()
    path = tmp_path / f"table-{repeat_header}.pdf"
    path.write_bytes(pdf_bytes(repeat_header))
    return extract_document(path)


def docx_version(tmp_path: Path):
    import docx

    document = docx.Document()
    for text in INTRO:
        document.add_paragraph(text)
    table = document.add_table(rows=2 + len(ROWS), cols=COLUMNS)
    for col in (0, 1, 2, 5, 6):
        table.cell(0, col).merge(table.cell(1, col))  # vMerge over the two header rows
    table.cell(0, 3).merge(table.cell(0, 4))  # gridSpan: "Thực hiện" over 2024 | 2025
    for col, text in enumerate(HEADER_1):
        if text:
            table.cell(0, col).text = text
    table.cell(1, 3).text, table.cell(1, 4).text = HEADER_2[3], HEADER_2[4]
    top, bottom = (2 + r for r in MERGED_LEAD)
    table.cell(top, 6).merge(table.cell(bottom, 6))
    for r, row in enumerate(ROWS, start=2):
        for col, text in enumerate(row):
            if text and not (col == 6 and r == bottom):
                table.cell(r, col).text = text
    path = tmp_path / "table.docx"
    document.save(path)
    return extract_document(path)


def fold(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def table_rows(doc) -> list[tuple]:
    return [
        (item.path, fold(item.text), {fold(k): fold(v) for k, v in (item.cells or {}).items()})
        for item in doc.items if item.kind == "table_row"
    ]


@pytest.fixture(scope="module")
def text_rows():
    return table_rows(text_version())


def test_text_version_reads_the_two_level_header_and_every_row(text_rows):
    assert len(text_rows) == len(ROWS)
    assert [r[0] for r in text_rows][:4] == ["A", "I", "1", "2"]
    assert text_rows[2] == ("1", "Đào tạo khởi nghiệp", {
        "Chỉ tiêu đến 2025": "5.000 DN", "Thực hiện - 2024": "1.020", "Thực hiện - 2025": "1.310",
        "Kế hoạch 2026": "1.500", "Đơn vị chủ trì": "Sở Công Thương",
    })
    assert "Đơn vị chủ trì" not in text_rows[MERGED_LEAD[1]][2]  # a text file cannot show the merge: a blank cell


def with_merged_lead(rows: list[tuple]) -> list[tuple]:
    """The text rows as a reader that sees the merge gives them: the merged lead belongs to both its rows."""
    rows = [(path, text, dict(cells)) for path, text, cells in rows]
    rows[MERGED_LEAD[1]][2]["Đơn vị chủ trì"] = rows[MERGED_LEAD[0]][2]["Đơn vị chủ trì"]
    return rows


@pytest.mark.parametrize("repeat_header", [True, False], ids=["header-repeated", "header-not-repeated"])
def test_pdf_over_two_pages_gives_the_text_rows(tmp_path, text_rows, repeat_header):
    doc = pdf_version(tmp_path, repeat_header)
    rows = [item for item in doc.items if item.kind == "table_row"]
    assert {item.page for item in rows} == {1, 2}
    assert len({item.table for item in rows}) == 1  # one table continued, not two
    assert table_rows(doc) == with_merged_lead(text_rows)
    merged = [cell for cell in rows[MERGED_LEAD[1]].row_cells if cell.key == "Đơn vị chủ trì"]
    assert merged[0].merged and merged[0].spans == rows[MERGED_LEAD[0]].row_cells[-1].spans  # printed once


def test_docx_with_merged_cells_gives_the_text_rows(tmp_path, text_rows):
    assert table_rows(docx_version(tmp_path)) == with_merged_lead(text_rows)


def test_values_of_a_row_from_any_source(tmp_path):
    doc = text_version()
    row = next(i for i in doc.items if i.kind == "table_row" and i.path == "1")
    v = row.values
    assert v.target.year == 2025 and v.target.value == 5000 and v.target.unit_normalized == "doanh nghiệp"
    assert v.actual["2024"].value == 1020 and v.actual["2024"].unit_from == "target"
    assert v.actual["2025"].value == 1310
    assert v.plan["2026"].value == 1500 and v.plan["2026"].unit_normalized == "doanh nghiệp"
    assert v.plan["2026"].confidence < 1 and v.plan["2026"].reasons
    assert v.lead == ["Sở Công Thương"]


# --------------------------------------------------------------------------
# Header classification and cell parsing
# --------------------------------------------------------------------------
@pytest.mark.parametrize("header, kind, year", [
    ("TT", "row_number", None),
    ("STT", "row_number", None),
    ("Nội dung", "content", None),
    ("Chỉ tiêu đến 2020", "target", 2020),
    ("Mục tiêu giai đoạn 2021-2025", "target", 2025),
    ("Thực hiện 2016", "actual", 2016),
    ("Thực hiện - 2017", "actual", 2017),  # a two-level header merged
    ("Ước thực hiện năm 2025", "actual", 2025),
    ("Kế hoạch 2018", "plan", 2018),
    ("KH năm 2026", "plan", 2026),
    ("Tỷ lệ thực hiện năm 2016-2017 so với cả giai đoạn", "ratio", 2017),
    ("Tỷ lệ (%)", "ratio", None),
    ("Thời gian thực hiện", "deadline", None),
    ("Thời hạn hoàn thành", "deadline", None),
    ("Tiến độ", "deadline", None),
    ("Đơn vị chủ trì", "lead", None),
    ("Cơ quan chủ trì", "lead", None),
    ("Sở, ngành chủ trì tham mưu", "lead", None),
    ("Đơn vị phối hợp", "support", None),
    ("Đơn vị phối hợp thực hiện", "support", None),
    ("Đơn vị thực hiện", "assignee", None),
    ("Kinh phí (triệu đồng)", "budget", None),
    ("Đơn vị tính", "unit", None),
    ("ĐVT", "unit", None),
    ("Ghi chú", "note", None),
    ("Sản phẩm", "product", None),
    ("Căn cứ pháp lý", "other", None),
    # OCR damage: one wrong letter or lost diacritics
    ("Chỉ chủ", "note", None),
    ("Ghí chu", "note", None),
    ("Thòi gian thực hiện", "deadline", None),
    ("Ke hoach 2018", "plan", 2018),
    ("Don vj chu tri", "lead", None),
])
def test_classify_header(header, kind, year):
    meaning = classify_header(header)
    assert (meaning.kind, meaning.year) == (kind, year)


def test_a_bare_year_header_is_actual_before_the_document_year_and_plan_from_it():
    assert classify_header("Năm 2025", document_year=2026).kind == "actual"
    assert classify_header("2026", document_year=2026).kind == "plan"
    assert classify_header("2026").kind == "other"


@pytest.mark.parametrize("header, unit, scale", [
    ("Kinh phí (triệu đồng)", "đồng", 1e6),
    ("Dự toán (tỷ đồng)", "đồng", 1e9),
    ("Kinh phí (Tr.đ)", "đồng", 1e6),
    ("Kinh phí (1.000 đồng)", "đồng", 1e3),
    ("Tổng vốn, ĐVT: tỷ đồng", "đồng", 1e9),
    ("Diện tích (ha)", "ha", 1.0),
])
def test_header_unit_and_scale(header, unit, scale):
    meaning = classify_header(header)
    assert (meaning.unit, meaning.scale) == (unit, scale)


def test_cells_become_typed_values():
    v = row_values({
        "Chỉ tiêu đến 2020": "10.000 DN", "Thực hiện 2016": "1.069", "Thực hiện 2017": "2.920",
        "Tỷ lệ thực hiện 2016-2017": "3.989 (đạt 39,89% nhiệm kỳ)", "Kế hoạch 2018": "3.000",
        "Thời gian thực hiện": "Quý II/2018", "Đơn vị chủ trì": "Sở Tài chính",
        "Đơn vị phối hợp": "Sở Nội vụ; UBND các xã", "Kinh phí (triệu đồng)": "1.500", "Ghi chú": "Trình UBND tỉnh",
    }, "Đào tạo doanh nghiệp", dt.date(2018, 1, 8))
    assert (v.target.year, v.target.value, v.target.unit_normalized, v.target.unit_from) == (2020, 10000, "doanh nghiệp", "cell")
    assert v.actual["2016"].value == 1069 and v.actual["2016"].unit_from == "target"
    assert "unit inherited from the row's target" in v.actual["2016"].reasons
    assert v.actual["2017"].value == 2920
    assert v.ratio.value == 39.89 and v.ratio.unit == "%"
    assert v.plan["2018"].value == 3000 and v.plan["2018"].unit_normalized == "doanh nghiệp"
    assert (v.deadline.start, v.deadline.end) == ("2018-04-01", "2018-06-30")
    assert v.lead == ["Sở Tài chính"]
    assert "Sở Nội vụ" in v.support and any("xã" in s for s in v.support)
    assert v.budget.value == 1.5e9 and v.budget.unit == "đồng" and v.budget.unit_from == "header"
    assert v.note == "Trình UBND tỉnh"
    assert v.columns["Kinh phí (triệu đồng)"] == "budget"


def test_bare_numbers_take_the_unit_column_or_the_counted_noun():
    v = row_values({"Đơn vị tính": "km", "Kế hoạch 2026": "12,5"}, "Cứng hóa đường giao thông nông thôn")
    assert v.unit == "km" and v.plan["2026"].value == 12.5
    assert (v.plan["2026"].unit, v.plan["2026"].unit_from) == ("km", "unit_column")
    v = row_values({"Kế hoạch 2018": "2"}, "Số làng nghề được hỗ trợ ứng dụng KH&CN")
    assert (v.plan["2018"].unit, v.plan["2018"].unit_from) == ("làng nghề", "content")
    v = row_values({"Kế hoạch 2018": "900"}, "Đào tạo DN thuộc 4 ngành trọng điểm")
    assert v.plan["2018"].unit is None and v.plan["2018"].reasons == ["a bare number: no unit printed or inherited"]


def test_a_percentage_target_is_not_inherited_and_an_enumerator_is_not_a_number():
    v = row_values({"Chỉ tiêu đến 2020": "30% DN", "Thực hiện 2016": "449"}, "Đào tạo DN")
    assert v.target.unit == "%" and v.actual["2016"].unit is None
    v = row_values({"Thực hiện 2016": "2. Dành 70% kinh phí đầu tư"})
    assert v.actual["2016"].value == 70 and v.actual["2016"].unit == "%"


def test_text_cells_keep_their_text_without_a_value():
    v = row_values({"Kế hoạch 2018": "Quy chế", "Thời gian thực hiện": "Thường xuyên"})
    assert v.plan["2018"].value is None and v.plan["2018"].raw == "Quy chế"
    assert v.deadline is None


# --------------------------------------------------------------------------
# Table conventions in tables.py
# --------------------------------------------------------------------------
def test_column_number_rows():
    assert is_column_number_row(["", "(1)", "(2)", "(3)", "(4)", "(5)"])
    assert is_column_number_row(["1", "2", "3", "4", "5"])
    assert is_column_number_row(["A", "B", "1", "2", "3"])
    assert not is_column_number_row(["1", "Đào tạo", "3", "4"])
    assert not is_column_number_row(["1", "5", "7", "9"])


def _plan_with_table(rows: list[str]) -> list:
    doc = document_from_text("\n".join(INTRO + rows))
    return [i for i in doc.items if i.kind == "table_row"]


def test_column_number_row_under_the_header_is_skipped():
    rows = _plan_with_table([
        "TT\tNội dung\tĐơn vị chủ trì\tThời gian thực hiện",
        "\t(1)\t(2)\t(3)",
        "1\tRà soát quy hoạch\tSở Xây dựng\tQuý II/2026",
    ])
    assert [(r.path, r.text) for r in rows] == [("1", "Rà soát quy hoạch")]
    assert rows[0].values.deadline.end == "2026-06-30"


def test_continuation_rows_extend_the_row_above():
    rows = _plan_with_table([
        "STT\tNội dung\tTên thủ tục\tMã thủ tục",
        "1\tCấp giấy phép vận chuyển\tCấp giấy phép\t1.0001",
        "\t\tCấp lại giấy phép\t1.0002",
        "2\tCấp chứng chỉ\tCấp chứng chỉ kiểm định viên\t2.0001",
    ])
    assert [r.path for r in rows] == ["1", "2"]
    assert rows[0].cells == {"Tên thủ tục": "Cấp giấy phép; Cấp lại giấy phép", "Mã thủ tục": "1.0001; 1.0002"}


def test_a_page_dropping_a_column_uses_its_own_header():
    rows = _plan_with_table([
        "TT\tNội dung\tThực hiện 2017\tKế hoạch 2018",
        "1\tĐào tạo doanh nghiệp\t2.920\t3.000",
        "TT\tNội dung\tKế hoạch 2018",
        "2\tTư vấn doanh nghiệp\t1.000",
    ])
    assert [r.cells for r in rows] == [{"Thực hiện 2017": "2.920", "Kế hoạch 2018": "3.000"}, {"Kế hoạch 2018": "1.000"}]


def test_ocr_reader_lines_with_cells_give_rows():
    """Rows handed over with cells (as the PDF/DOCX/OCR readers do) need no tabs."""
    lines = [Line(text=t, page=1) for t in INTRO]
    header = ["TT", "Nội dung", "Kế hoạch 2026"]
    lines.append(Line(text=" ".join(header), page=1, cells=header, table=1, header_row=True))
    lines.append(Line(text="1 Đào tạo 1.500", page=1, cells=["1", "Đào tạo", "1.500"], table=1))
    source = _source("x.pdf", b"x", "pdf", 1)
    doc = build_document(RawDocument(pages=[Page(number=1, lines=lines)], format="pdf"), source)
    row = next(i for i in doc.items if i.kind == "table_row")
    assert row.values.plan["2026"].value == 1500


# --------------------------------------------------------------------------
# Real tables of the corpus (read from ../shared; skipped when absent)
# --------------------------------------------------------------------------
def _real(name: str):
    path = FILES / name
    if not path.is_file():
        pytest.skip(f"{name} absent")
    return [i for i in extract_document(path).items if i.kind == "table_row"]


def test_real_docx_schedule_table():
    rows = _real("laocai_kh_ubnd_2026_chi_thi11_khoang_san_DRAFT.docx")
    assert [r.path for r in rows] == [str(n) for n in range(1, 15)]  # the "(1) (2) ..." column-number row is not data
    first = rows[0]
    assert first.text.startswith("Tổ chức quán triệt sâu rộng Chỉ thị của Ban Thường vụ Tỉnh ủy")
    assert first.cells == {
        "Sở, ngành chủ trì tham mưu": "Các Sở, ban, ngành; UBND các xã, phường",
        "Đơn vị phối hợp thực hiện": "Các Sở, ban, ngành và các cơ quan, đơn vị, địa phương liên quan",
        "Thời gian thực hiện": "Xong trong Quý II/2026",
    }
    assert first.values.deadline.end == "2026-06-30"
    second = rows[1]
    assert second.cells["Sở, ngành chủ trì tham mưu"] == "Sở Nông nghiệp và Môi trường"
    assert second.values.lead == ["Sở Nông nghiệp và Môi trường"]
    assert second.values.deadline.end == "2026-05-31"
    assert rows[5].cells["Sở, ngành chủ trì tham mưu"] == "Sở Công Thương; Sở Xây dựng"
    assert rows[5].values.lead == ["Sở Công Thương", "Sở Xây dựng"]
    assert rows[13].text.startswith("Đẩy nhanh công tác bồi thường, giải phóng mặt bằng")
    assert rows[13].cells["Thời gian thực hiện"] == "Thường xuyên"


def test_real_pdf_table_with_a_two_level_header():
    rows = _real("laocai_qd1696_2026_uy_quyen.pdf")
    assert [(r.path, r.text) for r in rows if r.path in ("I", "II")] == [
        ("I", "Lĩnh vực Vận chuyển hàng hóa nguy hiểm"), ("II", "Lĩnh vực An toàn vệ sinh lao động")]
    assert len(rows) == 4
    one = rows[1]
    assert one.path == "1" and one.text.startswith("Cấp, cấp điều chỉnh, cấp lại, thu hồi giấy phép vận chuyển")
    assert one.cells["CĂN CỨ PHÁP LÝ"] == "Khoản 2 Điều 3 Thông tư số 15/2026/TT-BCT ngày 25/3/2026 của Bộ Công Thương"
    # the two-level header ("DANH MỤC TTHC ĐÃ CÔNG BỐ" over three columns) and the three procedures of the merged row
    assert one.cells["DANH MỤC TTHC ĐÃ CÔNG BỐ - MÃ TTHC"] == "1.014967; 1.014968; 1.014969"
    assert one.cells["DANH MỤC TTHC ĐÃ CÔNG BỐ - TÊN TTHC"].split("; ")[1].startswith("Cấp điều chỉnh Giấy phép")
    last = rows[3]
    assert (last.path, last.text) == ("1", "Cấp, cấp lại chứng chỉ kiểm định viên")
    assert last.cells == {
        "CĂN CỨ PHÁP LÝ": "Điều 27 Nghị định số 146/2025/NĐ-CP ngày 12/6/2025 của Chính phủ",
        "DANH MỤC TTHC ĐÃ CÔNG BỐ - TÊN TTHC": "Cấp chứng chỉ kiểm định viên; Cấp lại chứng chỉ kiểm định viên",
        "DANH MỤC TTHC ĐÃ CÔNG BỐ - LĨNH VỰC CÔNG BỐ": "An toàn vệ sinh lao động; An toàn vệ sinh lao động",
        "DANH MỤC TTHC ĐÃ CÔNG BỐ - MÃ TTHC": "2.000140; 2.000066",
    }


@pytest.mark.parametrize("cell, start, end", [
    ("2025", "2025-01-01", "2025-12-31"),
    ("2024 - 2026", "2024-01-01", "2026-12-31"),
    ("6/2024", "2024-06-01", "2024-06-30"),
    ("06/2024 - 12/2024", "2024-06-01", "2024-12-31"),
    ("Quý II/2024", "2024-04-01", "2024-06-30"),
])
def test_a_deadline_column_reads_bare_years_and_months(cell, start, end):
    """A "Thời gian thực hiện" cell holds a time, so "2025" or "6/2024" there is one (in prose it is not)."""
    v = row_values({"Thời gian thực hiện": cell}, "Rà soát quy hoạch", dt.date(2024, 3, 1))
    assert (v.deadline.start, v.deadline.end) == (start, end)


def test_a_bare_number_in_a_deadline_column_is_no_time():
    v = row_values({"Thời gian thực hiện": "13/2024", "Thời hạn": "30 ngày"}, "Rà soát", dt.date(2024, 3, 1))
    assert v.deadline is None
