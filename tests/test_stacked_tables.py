"""Tables a web page's text prints one cell per line (`segment.tables.mark_stacked_tables`).

The national legal database's pages, saved as text, give many tables so: the row-number caption
alone on a line, the other captions under it, then each row's cells one per line. The texts here are
written for the tests in that shape.
"""
from __future__ import annotations

from pipeline.assemble import assemble
from pipeline.model import Line, Page, RawDocument
from pipeline.segment.tables import mark_stacked_tables
from tests.helpers import document_from_text

HEAD = """BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG
Số: 12/2025/TT-BNNMT
THÔNG TƯ
Quy định ngưỡng chất thải
Điều 1. Ngưỡng chất thải
Ngưỡng của các chất được quy định tại Bảng 1 dưới đây.
Bảng 1. Ngưỡng chất thải nguy hại
"""

TABLE = """TT
Thành phần nguy hại
Mã số CAS
Ngưỡng (mg/L)
I
Nhóm kim loại
1.
Antimon
7440-36-0
≥ 15
2.
Asen
7440-38-2
≥ 5,0
II
Nhóm hữu cơ
3.
Benzen
≥ 0,5
4.
Clobenzen
108-90-7
- Đo theo nồng độ ngâm chiết;
- Lấy mẫu hai lần.
5.
Toluen
108-88-3
≥ 70
"""

TAIL = """Điều 2. Hiệu lực thi hành
Thông tư này có hiệu lực từ ngày 01 tháng 01 năm 2026.
"""


def _rows(document):
    return [item for item in document.items if item.kind == "table_row"]


def test_a_stacked_table_becomes_one_row_per_record():
    document = document_from_text(HEAD + TABLE + TAIL)
    rows = _rows(document)
    assert [row.path for row in rows] == ["I", "1", "2", "II", "3", "4", "5"]
    assert [row.text for row in rows] == ["Nhóm kim loại", "Antimon", "Asen", "Nhóm hữu cơ", "Benzen", "Clobenzen",
                                          "Toluen"]
    assert rows[1].cells == {"Mã số CAS": "7440-36-0", "Ngưỡng (mg/L)": "≥ 15"}
    # A cell the page left empty shortens its row: the cells fill the columns from the left.
    assert rows[4].cells == {"Mã số CAS": "≥ 0,5"}
    # A cell of several points is one cell.
    assert rows[5].cells["Ngưỡng (mg/L)"].split() == "- Đo theo nồng độ ngâm chiết; - Lấy mẫu hai lần.".split()
    texts = [item.text for item in document.items]
    assert not any(text in ("TT", "Mã số CAS", "7440-36-0", "1.", "I") for text in texts)
    # The body goes on after the table.
    assert any(item.path == "Điều 2" and item.text.startswith("Hiệu lực thi hành") for item in document.items)


def test_spans_of_table_rows_point_at_their_text():
    """Also where a row's content is a cell of several lines."""
    points = "TT\nNội dung\nKết quả\n1\n- Đào tạo chuyên gia;\n- Hỗ trợ doanh nghiệp.\n2\nKiểm tra\n5 đợt\n"
    for text in (HEAD + TABLE + TAIL, HEAD + points + TAIL):
        document = document_from_text(text)
        assert _rows(document)
        for item in document.items:
            assert document.text[item.span[0]:item.span[1]] == item.text


def test_a_caption_row_without_records_stays_as_it_was():
    """An empty form (captions, then the text goes on) is no table: its lines are left alone."""
    form = "TT\nHọ và tên\nChức vụ\nGhi chú\nNgười lập biểu\n(Ký, ghi rõ họ tên)\n"
    doc = _assembled(form)
    before = (list(doc.lines), doc.text)
    mark_stacked_tables(doc)
    assert (doc.lines, doc.text) == before
    assert all(line.cells is None for line in doc.lines)


def test_rows_needing_more_cells_than_captions_leave_the_lines_alone():
    """A caption the page merged away: rows have a cell more than the captions. Not guessed."""
    text = "STT\nNội dung\nĐơn vị\n1\nLập kế hoạch\nSở Tài chính\nTheo thời gian thực tế\n2\nKiểm kê\nSở Xây dựng\nTheo đợt\n"
    doc = _assembled(text)
    mark_stacked_tables(doc)
    assert [line.text for line in doc.lines] == text.strip().split("\n")
    assert doc.text == text.rstrip("\n")


def test_a_row_of_column_numbers_under_the_captions_is_not_a_record():
    text = ("TT\nNội dung\nKết quả\n(1)\n(2)\n(3)\n1\nĐào tạo chuyên gia\n30 người\n2\nHỗ trợ doanh nghiệp\n"
            "100 doanh nghiệp\n")
    document = document_from_text(HEAD + text + TAIL)
    rows = _rows(document)
    assert [(row.path, row.text) for row in rows] == [("1", "Đào tạo chuyên gia"), ("2", "Hỗ trợ doanh nghiệp")]
    assert rows[0].cells == {"Kết quả": "30 người"}


def test_a_number_inside_a_row_is_a_cell_not_the_next_row():
    """"3" under "Số lượng" in row 1 is not row 3: rows follow one another (1, 2, ...)."""
    text = "TT\nTên thiết bị\nSố lượng\n1\nMáy đo\n3\n2\nMáy in\n1\n"
    doc = _assembled(text)
    mark_stacked_tables(doc)
    assert [line.cells for line in doc.lines] == [["TT", "Tên thiết bị", "Số lượng"], ["1", "Máy đo", "3"],
                                                  ["2", "Máy in", "1"]]
    assert [line.index for line in doc.lines] == [0, 1, 2]
    # The text says the same: a row per line, its cells between tabs, at the same offsets.
    assert doc.text == "TT\tTên thiết bị\tSố lượng\n1\tMáy đo\t3\n2\tMáy in\t1"
    assert all(doc.text[line.start:line.end] == line.text for line in doc.lines)


def test_other_formats_are_not_read_so():
    """Only text files: a PDF or DOCX reader gives its tables with cells already."""
    lines = [Line(text=t, page=1) for t in (HEAD + TABLE).split("\n")]
    from pipeline.document import build_document
    from pipeline.model import Source

    source = Source(file_name="a.pdf", sha256="0" * 64, format="pdf", pages=1, bytes=1)
    document = build_document(RawDocument(pages=[Page(number=1, lines=lines)], format="pdf"), source)
    assert not _rows(document)


def _assembled(text: str):
    raw = RawDocument(pages=[Page(number=1, lines=[Line(text=t, page=1) for t in text.rstrip("\n").split("\n")])],
                      format="txt")
    return assemble(raw)
