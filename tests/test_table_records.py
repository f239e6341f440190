"""Tables that keep every value (issue 14): repeated column groups, headers carried over pages, merged
cells, rows cut by a page break, distinct cell keys, the check on every table, and the export.

The survey decision is invented for the tests (tests/pdf_fixtures.py, tests/docx_fixtures.py): 30 boundary
points, two per printed row under "Tên điểm | Tọa độ VN-2000 (X (m), Y (m)) | Tên điểm | ... | Diện tích (ha)".
"""
from __future__ import annotations

import json
from collections import Counter

import pandas as pd
import pytest

import pipeline.document as document_module
from pipeline.dataset import Dataset, connect
from pipeline.document import build_document, extract_document
from pipeline.model import Line, Page, RawDocument
from pipeline.segment.tables import read_tables
from tests.docx_fixtures import build_survey_docx
from tests.helpers import SHARED, document_from_text
from tests.pdf_fixtures import (
    SURVEY_AREA, SURVEY_INTRO, SURVEY_POINTS, require_fonts, survey_page_points, write_survey,
)
from tests.test_tables import _source

X, Y, AREA = "Tọa độ VN-2000 - X (m)", "Tọa độ VN-2000 - Y (m)", "Diện tích (ha)"
POINTS = {name: (x, y) for name, x, y in SURVEY_POINTS}


def points(doc, table: int = 1) -> list:
    return [i for i in doc.items if i.kind == "table_row" and i.table == table]


def assert_every_point_once_in_its_record(rows, with_area: bool = True) -> None:
    assert sorted(r.path for r in rows) == sorted(POINTS)  # every point, none twice
    for row in rows:
        x, y = POINTS[row.path]
        assert (row.text, row.cells[X], row.cells[Y]) == (row.path, x, y), row.path
        assert [c.role for c in row.row_cells][:3] == ["content", "value", "value"]
        assert [c.text for c in row.row_cells][:3] == [row.path, x, y]
    printed = Counter(c.text for r in rows for c in r.row_cells if c.key != AREA)
    assert all(n == 1 for n in printed.values())  # each value of a group's columns in one record only
    if with_area:
        assert all(r.cells[AREA] == SURVEY_AREA and r.row_cells[-1].merged for r in rows)


# --------------------------------------------------------------------------
# PDF: three pages of points, then a table whose row is cut by the page break
# --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def survey(tmp_path_factory):
    require_fonts()
    return extract_document(write_survey(tmp_path_factory.mktemp("survey") / "survey.pdf"))


def test_pdf_two_column_groups_over_three_pages_give_every_point_once(survey):
    rows = points(survey)
    assert_every_point_once_in_its_record(rows)
    # reading order: the numbers run down the left group of each page, then its right group
    assert [r.path for r in rows] == [name for name, _, _ in SURVEY_POINTS]
    expected_side = [side for page in survey_page_points() for side in (0, 1) for _ in page]
    assert [r.record for r in rows] == expected_side
    assert [r.page for r in rows] == [p for p, page in enumerate(survey_page_points(), 1) for _ in range(2 * len(page))]
    info = survey.tables[0]
    assert (info.groups, info.records, info.printed_rows, info.page, info.page_end) == (2, 30, 15, 1, 3)
    assert info.cells_read == info.grid_cells and info.reasons == [] and not survey.warnings


def test_pdf_header_is_kept_on_a_page_without_it_and_under_a_wrong_caption(survey):
    rows = {r.path: r for r in points(survey)}
    # page 2 prints no header, page 3 prints it with "Tên mốc" over the right group: same columns, same keys
    for name in ("M1", "M13", "M27"):
        assert list(rows[name].cells) == [X, Y, AREA]
        assert [c.header for c in rows[name].row_cells][1:] == [["Tọa độ VN-2000", "X (m)"], ["Tọa độ VN-2000", "Y (m)"],
                                                                ["Diện tích (ha)"]]
    assert rows["M27"].row_cells[0].header == ["Tên mốc"]  # the content column's caption as printed on page 3
    assert rows["M12"].row_cells[0].header == ["Tên điểm"]
    assert survey.tables[0].columns[3] == ["Tên điểm"]


def test_pdf_merged_area_belongs_to_every_point_and_is_printed_once(survey):
    rows = points(survey)
    spans = {tuple(map(tuple, r.row_cells[-1].spans)) for r in rows}
    assert len(spans) == 1  # one printed cell (page 1), shared by the points of pages 1-3
    (start, end), = next(iter(spans))
    assert survey.text[start:end] == SURVEY_AREA


def test_pdf_row_cut_by_the_page_break_is_one_row(survey):
    rows = points(survey, table=2)
    assert [r.path for r in rows] == ["1", "2", "3"]
    cut = rows[1]
    assert (cut.page, cut.page_end) == (3, 4)
    content = next(c for c in cut.row_cells if c.role == "content")
    assert content.text == "Khảo sát, đo đạc và cắm mốc ranh giới khu vực khai thác" and len(content.spans) == 2
    assert cut.cells == {"Đơn vị chủ trì": "Sở Nông nghiệp và Môi trường", "Thời gian": "Quý III/2026"}
    assert cut.text == "Khảo sát, đo đạc và cắm mốc"  # the item's own span: the part printed on page 3
    assert survey.text[cut.span[0]:cut.span[1]] == cut.text
    assert cut.values.lead == ["Sở Nông nghiệp và Môi trường"] and cut.values.deadline.end == "2026-09-30"
    assert rows[2].cells == {"Đơn vị chủ trì": "UBND xã Minh Tân", "Thời gian": "Quý IV/2026"}
    assert survey.tables[1].printed_rows == 3 and survey.tables[1].header_rows == 2


# --------------------------------------------------------------------------
# DOCX, text and OCR'd pages: the same rules
# --------------------------------------------------------------------------
def test_docx_two_column_groups_and_an_area_merged_down_every_row(tmp_path):
    doc = extract_document(build_survey_docx(tmp_path / "survey.docx"))
    rows = points(doc)
    assert_every_point_once_in_its_record(rows)
    assert [r.path for r in rows] == [name for name, _, _ in SURVEY_POINTS]  # numbered left to right: M1 | M2
    assert [r.record for r in rows] == [0, 1] * 15
    assert doc.tables[0].grid_cells == doc.tables[0].cells_read


def survey_text(repeat_caption: str = "Tên mốc") -> str:
    """The point table as tab-separated text: numbered down the left group (M1-M15), then the right
    (M16-M30); the header repeated after row 8 with a wrong caption; the area printed in the first row."""
    header = ["Tên điểm", "X (m)", "Y (m)", "Tên điểm", "X (m)", "Y (m)", "Diện tích (ha)"]
    lines = SURVEY_INTRO + ["\t".join(header)]
    for k, (left, right) in enumerate(zip(SURVEY_POINTS[:15], SURVEY_POINTS[15:])):
        if k == 8:
            lines.append("\t".join(header[:3] + [repeat_caption] + header[4:]))
        lines.append("\t".join(left + right + ((SURVEY_AREA,) if k == 0 else ("",))))
    return "\n".join(lines + ["Điều 2. Quyết định này có hiệu lực kể từ ngày ký./."])


def test_text_table_with_a_repeated_header_under_another_caption():
    doc = document_from_text(survey_text())
    rows = points(doc)
    keys = {"X (m)": X, "Y (m)": Y}
    for row in rows:
        row.cells = {keys.get(k, k): v for k, v in row.cells.items()}
    assert_every_point_once_in_its_record(rows, with_area=False)  # a text file cannot show the merge
    assert [r.path for r in rows] == [name for name, _, _ in SURVEY_POINTS]  # left group of the table first
    assert [r.record for r in rows] == [0] * 15 + [1] * 15
    # the area is printed in the first row only; outside the groups, it belongs to both records of that row
    assert [r.path for r in rows if AREA in r.cells] == ["M1", "M16"]
    assert doc.tables[0].header_rows == 2 and doc.tables[0].cells_read == doc.tables[0].grid_cells


def test_ocr_pages_are_joined_and_split_into_records_the_same_way():
    """OCR hands over each page's table piece with cells, its first row marked, no merge information."""
    header = ["Tên điểm", "X (m)", "Y (m)", "Tên điểm", "X (m)", "Y (m)"]
    pages, k = [], 0
    for number, rows in enumerate((4, 3), start=1):
        lines = [Line(text=t, page=number) for t in (SURVEY_INTRO if number == 1 else [])]
        printed = [header] + [list(SURVEY_POINTS[k + i] + SURVEY_POINTS[k + i + 1]) for i in range(0, 2 * rows, 2)]
        if number == 2:
            printed[0] = ["Tên điểm", "X(m)", "Y (m)", "Tên điểm", "X (m)", "Y (m)"]  # OCR lost a space
        k += 2 * rows
        lines += [Line(text="\t".join(c), page=number, cells=c, table=number, header_row=i == 0, confidence=0.95)
                  for i, c in enumerate(printed)]
        pages.append(Page(number=number, lines=lines, source="ocr"))
    doc = build_document(RawDocument(pages=pages, format="pdf"), _source("scan.pdf", b"scan", "pdf", 2))
    rows = points(doc)
    assert [r.path for r in rows] == [name for name, _, _ in SURVEY_POINTS[:14]]
    assert all(set(r.cells) == {"X (m)", "Y (m)"} or set(r.cells) == {"X(m)", "Y (m)"} for r in rows)
    assert {r.table for r in rows} == {1} and len(doc.tables) == 1 and doc.tables[0].groups == 2


# --------------------------------------------------------------------------
# Keys, groups and row numbers
# --------------------------------------------------------------------------
PLAN = ["ỦY BAN NHÂN DÂN TỈNH MINH AN", "Số: 30/KH-UBND", "Minh An, ngày 02 tháng 02 năm 2026", "KẾ HOẠCH",
        "Sửa chữa trường học năm 2026", "I. NỘI DUNG"]


def rows_of(*table: str) -> list:
    return [i for i in document_from_text("\n".join(PLAN + list(table))).items if i.kind == "table_row"]


def test_a_header_printed_twice_gets_distinct_keys():
    rows = rows_of("TT\tNội dung\tKinh phí\tGhi chú\tKinh phí", "1\tSửa mái trường Minh Tân\t120\tVốn tỉnh\t80")
    assert rows[0].cells == {"Kinh phí": "120", "Ghi chú": "Vốn tỉnh", "Kinh phí [2]": "80"}
    assert [(c.column, c.key, c.role) for c in rows[0].row_cells] == [
        (0, "TT", "number"), (1, "Nội dung", "content"), (2, "Kinh phí", "value"), (3, "Ghi chú", "value"),
        (4, "Kinh phí [2]", "value")]


def test_a_repeated_group_without_a_name_column_is_one_record():
    rows = rows_of("TT\tNội dung\tX\tY\tX\tY", "1\tĐiểm đầu tuyến\t10\t20\t30\t40")
    assert len(rows) == 1 and rows[0].record is None
    assert rows[0].cells == {"X": "10", "Y": "20", "X [2]": "30", "Y [2]": "40"}


def test_the_printed_number_is_the_path_and_the_tt_column_of_the_groups_is_shared():
    rows = rows_of("STT\tTên điểm\tX\tY\tTên điểm\tX\tY", "1\tA1\t10\t20\tA2\t30\t40", "2\tA3\t50\t60\t\t\t")
    assert [(r.path, r.text, r.record) for r in rows] == [("1", "A1", 0), ("1", "A2", 1), ("2", "A3", 0)]
    assert rows[1].cells == {"X": "30", "Y": "40"}  # the empty right slot of row 2 is no record


def test_a_table_continued_after_a_tiep_theo_caption_is_one_table():
    rows = rows_of("TT\tNội dung\tKinh phí", "1\tSửa mái trường Minh Tân\t120", "Bảng 1 (tiếp theo)",
                   "TT\tNội dung\tKinh phí", "2\tSửa sân trường Minh Hòa\t90", "Tiếp nhận hồ sơ sửa chữa",
                   "TT\tNội dung\tKinh phí", "3\tXây tường rào\t40")
    assert [(r.path, r.table, r.cells) for r in rows] == [
        ("1", 1, {"Kinh phí": "120"}), ("2", 1, {"Kinh phí": "90"}), ("3", 2, {"Kinh phí": "40"})]


def test_a_text_header_whose_merged_cells_were_dropped_is_realigned():
    """A web page's table saved as text: "Vị trí" spanned two header rows, each system two columns."""
    rows = rows_of("Vị trí\tHệ VN-2000\tHệ WGS-84", "X (m)\tY (m)\tX (m)\tY (m)",
                   "MT1\t2.345.100\t456.200\t2.345.098\t456.207", "MT2\t2.345.150\t456.260\t2.345.148\t456.266")
    assert [r.path for r in rows] == ["MT1", "MT2"]
    assert rows[1].cells == {"Hệ VN-2000 - X (m)": "2.345.150", "Hệ VN-2000 - Y (m)": "456.260",
                             "Hệ WGS-84 - X (m)": "2.345.148", "Hệ WGS-84 - Y (m)": "456.266"}


# --------------------------------------------------------------------------
# The check on every table
# --------------------------------------------------------------------------
def test_cells_that_reach_no_row_send_the_table_to_the_review_queue(tmp_path, monkeypatch):
    def losing_one_row(lines):
        reading = read_tables(lines)
        first = min(reading.at)
        reading.at[first] = reading.at[first][1:]  # a record that never becomes an item
        return reading

    monkeypatch.setattr(document_module, "read_tables", losing_one_row)
    source = tmp_path / "survey.txt"
    source.write_text(survey_text(), encoding="utf-8")
    doc = extract_document(source)
    info = doc.tables[0]
    assert info.cells_read == info.grid_cells - 3 and info.confidence < 0.8  # M1, its X and Y (and its area)
    assert "of %d cells of the grid read (not read: page 1 column 1 'M1'" % info.grid_cells in info.reasons[0]
    assert any("cells of the grid read" in w for w in doc.warnings)
    rows = points(doc)
    assert len(rows) == 29 and all(r.confidence == 0.5 and info.reasons[0] in r.reasons for r in rows)
    dataset = Dataset(tmp_path / "home")
    dataset.write_document(doc)
    with connect(tmp_path / "home") as db:
        queued = db.sql("SELECT what, reasons FROM review_queue WHERE what = 'item'").fetchall()
    assert len(queued) == 29 and all(any("cells of the grid read" in r for r in reasons) for _, reasons in queued)


# --------------------------------------------------------------------------
# decree export --table table_rows
# --------------------------------------------------------------------------
def test_export_table_rows_gives_one_line_per_record_with_every_value(survey, tmp_path):
    import typer
    from typer.testing import CliRunner

    from pipeline.query_cli import register

    home = tmp_path / "home"
    dataset = Dataset(home)
    dataset.write_document(survey)
    dataset.refresh_views()
    app = typer.Typer(add_completion=False)

    @app.callback()
    def main() -> None:
        """decree"""

    register(app)
    result = CliRunner().invoke(app, ["export", "--format", "csv", "--table", "table_rows", "--out",
                                      str(tmp_path / "out"), "--home", str(home)])
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(tmp_path / "out" / "table_rows.csv", dtype=str, keep_default_na=False)
    survey_rows = frame[frame["table_no"] == "1"]
    assert len(survey_rows) == 30 and sorted(survey_rows["path"]) == sorted(POINTS)
    for _, line in survey_rows.iterrows():
        cells = json.loads(line["cells_json"])
        assert (cells[X], cells[Y], cells[AREA]) == (*POINTS[line["path"]], SURVEY_AREA)
        assert [c["text"] for c in json.loads(line["row_cells_json"])] == [line["path"], *POINTS[line["path"]], SURVEY_AREA]
    assert set(survey_rows["record"]) == {"0", "1"}
    cut = frame[(frame["table_no"] == "2") & (frame["path"] == "2")].iloc[0]
    assert cut["text"] == "Khảo sát, đo đạc và cắm mốc ranh giới khu vực khai thác"  # the whole content


# --------------------------------------------------------------------------
# Real tables of the corpus (read from ../shared; skipped when absent)
# --------------------------------------------------------------------------
def _corpus(*parts: str):
    path = SHARED.joinpath("corpus", *parts)
    if not path.is_file():
        pytest.skip(f"{path.name} absent")
    return extract_document(path)


def test_real_point_tables_keep_x_y_and_the_merged_area_on_every_page():
    doc = _corpus("files", "laocai_qd2170_2026_ctdt_kcn_ban_qua.pdf")
    for info in doc.tables[1:3]:
        rows = points(doc, info.table)
        assert [r.path for r in rows] == [f"M{k}" for k in range(1, 86)]  # the point codes, not "-2", "-3"
        assert info.page_end > info.page and info.cells_read == info.grid_cells
        keys = {tuple(r.cells) for r in rows}
        assert len(keys) == 1  # the same columns on every page, the repeated header printing only its first level
        x, y, area = next(iter(keys))
        assert x.endswith("- X") and y.endswith("- Y") and area == "Diện tích (m2)"
        assert {r.cells[area] for r in rows} == {"763.876,85"} and {r.page for r in rows} == set(range(info.page, info.page_end + 1))


def test_real_text_header_whose_merged_cells_were_dropped():
    doc = _corpus("vbpl", "text", "vbpl_0110.txt")
    first = points(doc)[0]
    assert (first.path, first.text) == ("ĐH1", "ĐH1")
    assert list(first.cells) == ["Hệ VN-2000 - Vĩ độ (N)", "Hệ VN-2000 - Kinh độ (E)", "Hệ WGS-84 - Vĩ độ (N)",
                                 "Hệ WGS-84 - Kinh độ (E)"]
