"""The DOCX reader: document order, automatic numbering, tables, layout tables, refusals."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from pipeline.errors import ReadError
from pipeline.read import docx as docx_reader
from pipeline.read.docx import read_docx
from tests import docx_fixtures as fx

CORPUS = Path("/work/shared/corpus/files")
DRAFT = CORPUS / "laocai_kh_ubnd_2026_chi_thi11_khoang_san_DRAFT.docx"
EXAMPLE = CORPUS / "laocai_kh_sct_2026_de_an08_cong_nghiep_EXAMPLE.docx"


@pytest.fixture(scope="module")
def plan_path(tmp_path_factory) -> Path:
    return fx.build_plan_docx(tmp_path_factory.mktemp("docx") / "ke_hoach.docx")


@pytest.fixture(scope="module")
def plan(plan_path):
    return read_docx(plan_path)


@pytest.fixture(scope="module")
def texts(plan) -> list[str]:
    return [line.text for line in plan.lines]


def index_of(texts: list[str], text: str) -> int:
    return texts.index(text)


# --------------------------------------------------------------------------
# Shape of the result
# --------------------------------------------------------------------------
def test_one_docx_page(plan):
    assert plan.format == "docx"
    assert len(plan.pages) == 1
    assert plan.pages[0].number == 1 and plan.pages[0].source == "docx"
    assert all(line.page == 1 for line in plan.lines)
    assert all(line.text.strip() == line.text and line.text for line in plan.lines if line.cells is None)


# --------------------------------------------------------------------------
# Automatic numbering
# --------------------------------------------------------------------------
def test_list_levels_render_their_enumerators(texts):
    i = index_of(texts, "1. Mục đích")
    assert texts[i : i + 6] == [
        "1. Mục đích",
        "a) Số hóa tài liệu địa chí của tỉnh.",
        "b) Kết nối thư viện xã với thư viện tỉnh:",
        "(1) Kết nối mạng cho 120 điểm thư viện;",
        "(2) Cài đặt phần mềm quản lý dùng chung;",
        "- Ưu tiên các xã vùng cao.",
    ]


def test_lower_level_restarts_when_higher_level_advances(texts):
    i = index_of(texts, "2. Yêu cầu")
    # Word's lowerLetter sequence: a b c d e (no Vietnamese "đ").
    assert texts[i + 1 : i + 6] == ["a) Đúng tiến độ;", "b) Tiết kiệm;", "c) Công khai;", "d) Đồng bộ;", "e) Hiệu quả."]


def test_start_override_restarts_and_plain_num_continues_shared_list(texts):
    # numId 2 restarts the list at 1; numId 1 over the same abstractNum then continues at 2.
    i = index_of(texts, "1. Nhiệm vụ chung")
    assert texts[i + 1] == "a) Tuyên truyền rộng rãi:"
    assert "2. Nhiệm vụ cụ thể" in texts[i:]
    assert not any(t.startswith("3. Nhiệm vụ") or t.startswith("4. Nhiệm vụ") for t in texts)


def test_bullets_map_to_dash_and_plus(texts):
    assert "- Trên báo chí;" in texts  # a Symbol-font private-use dot becomes "-"
    assert "+ Trên mạng xã hội." in texts
    assert not any("\uf0b7" in t for t in texts)


def test_numbering_from_paragraph_style_and_based_on(texts):
    assert "I. MỤC ĐÍCH, YÊU CẦU" in texts  # style MucLon carries numPr, level found via lvl/pStyle
    assert "II. NHIỆM VỤ" in texts
    assert "III. TỔ CHỨC THỰC HIỆN" in texts  # style MucLonDam is basedOn MucLon


def test_num_id_zero_switches_numbering_off(texts):
    assert "PHỤ LỤC" in texts
    assert not any(t.endswith(" PHỤ LỤC") for t in texts)


def test_format_numbers():
    fmt = docx_reader._format_number
    assert [fmt(n, "lowerLetter") for n in (1, 4, 5, 26, 27)] == ["a", "d", "e", "z", "aa"]
    assert fmt(3, "upperLetter") == "C"
    assert fmt(4, "upperRoman") == "IV" and fmt(9, "lowerRoman") == "ix"
    assert fmt(7, "decimalZero") == "07"
    assert docx_reader._bullet("\uf02b") == "+"  # Symbol-font plus
    assert docx_reader._bullet("\uf0a7") == "-"  # Wingdings square
    assert docx_reader._bullet("•") == "-"


# --------------------------------------------------------------------------
# Text of paragraphs
# --------------------------------------------------------------------------
def test_tracked_deletion_absent_insertion_present(texts):
    assert "Kinh phí thực hiện từ ngân sách xã và nguồn xã hội hóa." in texts
    assert not any("ĐÃ XÓA" in t for t in texts)


def test_hyperlink_content_control_field_result_kept_hidden_and_codes_dropped(texts):
    assert "Xem hướng dẫn tại Cổng thông tin tỉnh trước ngày 01/4/2026; mẫu số 7." in texts
    joined = "\n".join(texts)
    assert "CHỮ ẨN" not in joined and "SEQ" not in joined


def test_soft_break_and_tab_become_spaces(texts):
    assert "Dòng thứ nhất dòng thứ hai sau tab" in texts


def test_block_content_control_is_read(texts):
    assert "Đoạn trong điều khiển nội dung." in texts


def test_headers_footers_comments_not_read(texts):
    joined = "\n".join(texts)
    assert "ĐẦU TRANG" not in joined and "CHÂN TRANG" not in joined
    assert "GHI CHÚ BIÊN TẬP" not in joined


# --------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------
def table_rows(plan):
    return [line for line in plan.lines if line.cells is not None]


def test_data_table_rows_cells_and_merges(plan):
    rows = table_rows(plan)
    assert [row.cells for row in rows] == [
        ["TT", "Nhiệm vụ", "Đơn vị chủ trì", "Thời gian", ""],  # gridSpan: text once, then ""
        ["", "", "", "Bắt đầu", "Kết thúc"],  # vMerge continuations are ""
        ["1", "Số hóa tài liệu địa chí", "Sở Văn hóa, Thể thao và Du lịch", "Quý II/2026", "Quý IV/2026"],
        ["2", "Đào tạo cán bộ thư viện xã", "", "Quý III/2026", "Quý I/2027"],
        ["3", "Sơ kết, tổng kết Báo cáo sơ kết Báo cáo tổng kết", "Sở Nội vụ UBND các xã", "Tháng 12/2027", "Tháng 12/2028"],
    ]
    assert all(row.text == "\t".join(row.cells) for row in rows)
    assert {row.table for row in rows} == {1}  # layout tables are not counted
    assert [row.header_row for row in rows] == [True, True, False, False, False]  # 2nd row via w:tblHeader


def test_table_stays_between_its_paragraphs(plan, texts):
    before = index_of(texts, "Bảng phân công nhiệm vụ:")
    after = index_of(texts, "Các đơn vị chủ động bố trí nhân lực.")
    table_indexes = [i for i, line in enumerate(plan.lines) if line.table == 1]
    assert table_indexes == list(range(before + 1, after))


def test_layout_header_table_is_ordinary_lines(plan, texts):
    assert texts[:7] == [
        "ỦY BAN NHÂN DÂN",
        "TỈNH MINH AN",
        "Số: 45/KH-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Minh An, ngày 12 tháng 3 năm 2026",
        "KẾ HOẠCH",
    ]
    assert all(line.cells is None and line.table is None for line in plan.lines[:7])


def test_signature_table_is_ordinary_lines_left_column_first(plan, texts):
    assert texts[-7:] == [
        "Nơi nhận:",
        "- Như Mục III;",
        "- Lưu: VT, VX.",
        "TM. ỦY BAN NHÂN DÂN",
        "KT. CHỦ TỊCH",  # a soft break inside the signature splits its printed lines
        "PHÓ CHỦ TỊCH",
        "Trần Văn Bình",
    ]
    assert all(line.cells is None for line in plan.lines[-7:])


def test_numbered_paragraphs_inside_table_cells(tmp_path):
    def build(document):
        fx.install_numbering(document)
        table = document.add_table(rows=3, cols=2)
        for r, task in enumerate(["Khảo sát", "Triển khai", "Nghiệm thu"]):
            fx.set_numbering(table.cell(r, 0).paragraphs[0], fx.BODY_LIST, 0)
            table.cell(r, 1).text = task

    path = tmp_path / "bang.docx"
    path.write_bytes(fx.docx_bytes(build))
    rows = read_docx(path).lines
    assert [row.cells for row in rows] == [["1.", "Khảo sát"], ["2.", "Triển khai"], ["3.", "Nghiệm thu"]]


# --------------------------------------------------------------------------
# Refusals
# --------------------------------------------------------------------------
def refusal(path: Path) -> str:
    with pytest.raises(ReadError) as err:
        read_docx(path)
    reason = str(err.value)
    assert reason and "\n" not in reason
    return reason


def test_empty_file(tmp_path):
    path = tmp_path / "rong.docx"
    path.write_bytes(b"")
    assert refusal(path) == "empty file"


def test_text_renamed_docx(tmp_path):
    path = tmp_path / "van_ban.docx"
    path.write_text("KẾ HOẠCH\n1. Mục đích\n", encoding="utf-8")
    assert "not a ZIP" in refusal(path)


def test_truncated_zip(tmp_path, plan_path):
    path = fx.truncated_copy(plan_path, tmp_path / "cut.docx")
    assert "truncated or corrupt" in refusal(path)


def test_legacy_doc(tmp_path):
    path = tmp_path / "cu.docx"
    path.write_bytes(fx.ole2_bytes(b"W\x00o\x00r\x00d\x00D\x00o\x00c\x00u\x00m\x00e\x00n\x00t\x00"))
    assert refusal(path) == "legacy Word 97 (.doc) file: needs conversion with LibreOffice"


def test_encrypted_docx(tmp_path):
    path = tmp_path / "mat_khau.docx"
    path.write_bytes(fx.ole2_bytes("EncryptedPackage".encode("utf-16-le")))
    assert "password-protected" in refusal(path)


def test_zip_without_document_xml(tmp_path):
    path = fx.write_zip(tmp_path / "thieu.docx", {"[Content_Types].xml": "<Types/>", "word/styles.xml": "<x/>"})
    assert "word/document.xml" in refusal(path)


def test_excel_renamed_docx(tmp_path):
    path = fx.write_zip(tmp_path / "bang.docx", {"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<x/>"})
    assert "Excel" in refusal(path)


def test_corrupt_member_checksum(tmp_path, plan_path):
    data = bytearray(plan_path.read_bytes())
    with zipfile.ZipFile(plan_path) as archive:
        info = archive.getinfo("word/document.xml")
    # Flip a byte inside document.xml's compressed data (past its local header).
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 10
    data[start] ^= 0xFF
    path = tmp_path / "hong.docx"
    path.write_bytes(bytes(data))
    assert "corrupt" in refusal(path)


def test_malformed_xml(tmp_path):
    members = fx.minimal_docx_members(fx.document_xml("<w:p><w:r><w:t>chưa đóng"))
    path = fx.write_zip(tmp_path / "xml.docx", members)
    assert "not well-formed XML" in refusal(path)


def test_entities_are_not_expanded(tmp_path):
    prolog = '<!DOCTYPE w:document [<!ENTITY boom "BÙM BÙM BÙM">]>'
    members = fx.minimal_docx_members(fx.document_xml("<w:p><w:r><w:t>&boom;</w:t></w:r></w:p>", prolog))
    path = fx.write_zip(tmp_path / "dtd.docx", members)
    assert "DTD" in refusal(path)


def test_oversized_member_refused_before_unpacking(tmp_path, plan_path, monkeypatch):
    monkeypatch.setattr(docx_reader, "MAX_PART_BYTES", 1000)
    assert "would unpack to" in refusal(plan_path)


def test_minimal_package_without_styles_or_numbering(tmp_path):
    members = fx.minimal_docx_members(fx.document_xml(
        '<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="5"/></w:numPr></w:pPr><w:r><w:t>Không có numbering.xml</w:t></w:r></w:p>'
    ))
    raw = read_docx(fx.write_zip(tmp_path / "min.docx", members))
    assert [line.text for line in raw.lines] == ["Không có numbering.xml"]
    assert any("numId 5" in warning for warning in raw.warnings)


# --------------------------------------------------------------------------
# Real files (read-only; skipped when the corpus is absent)
# --------------------------------------------------------------------------
needs_draft = pytest.mark.skipif(not DRAFT.is_file(), reason="corpus DRAFT docx not available")
needs_example = pytest.mark.skipif(not EXAMPLE.is_file(), reason="corpus EXAMPLE docx not available")


@needs_draft
def test_real_draft_plan():
    raw = read_docx(DRAFT)
    texts = [line.text for line in raw.lines]
    assert raw.format == "docx" and len(raw.pages) == 1
    # Header layout table: issuer before the Quốc hiệu, as plain lines.
    assert texts.index("ỦY BAN NHÂN DÂN TỈNH LÀO CAI") < texts.index("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert "Độc lập - Tự do - Hạnh phúc" in texts
    assert "KẾ HOẠCH" in texts
    # Enumerators (typed in this file) at the start of many lines.
    assert sum(bool(re.match(r"(\d+\.|[IVX]+\.|-) ", t)) for t in texts) > 80
    assert any(t.startswith("1. ") for t in texts) and any(t.startswith("II. ") for t in texts)
    # Signature layout table: recipients, then the signature lines split at soft breaks.
    assert texts.index("Nơi nhận:") < texts.index("TM. ỦY BAN NHÂN DÂN") < texts.index("KT. CHỦ TỊCH") < texts.index("PHÓ CHỦ TỊCH")
    # The appendix table: one data table, 6 columns, a header row first.
    rows = [line for line in raw.lines if line.cells is not None]
    assert len(rows) >= 10 and {row.table for row in rows} == {1}
    assert all(len(row.cells) == 6 for row in rows)
    assert rows[0].header_row and rows[0].cells[0] == "TT"
    assert texts.index("Nơi nhận:") < raw.lines.index(rows[0])  # the appendix comes after the signature


@needs_example
def test_real_example_plan():
    raw = read_docx(EXAMPLE)
    texts = [line.text for line in raw.lines]
    assert texts.index("SỞ CÔNG THƯƠNG") < texts.index("CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert "KẾ HOẠCH" in texts
    assert any(t.startswith("I. ") for t in texts) and any(t.startswith("1. ") for t in texts)
    assert "KT. GIÁM ĐỐC" in texts and "PHÓ GIÁM ĐỐC" in texts
    rows = [line for line in raw.lines if line.cells is not None]
    assert {row.table for row in rows} == {1, 2}
    assert all(len(row.cells) >= 3 for row in rows)
    assert all(row.header_row for row in rows)  # the two report forms have only their title rows filled


def test_lvl_restart_zero_legal_numbering_and_decimal_zero(tmp_path):
    numbering = f"""<w:numbering {fx.W_DECL}>
      <w:abstractNum w:abstractNumId="0">
        <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl>
        <w:lvl w:ilvl="1"><w:start w:val="1"/><w:lvlRestart w:val="0"/><w:numFmt w:val="decimalZero"/><w:lvlText w:val="%2."/></w:lvl>
        <w:lvl w:ilvl="2"><w:start w:val="1"/><w:isLgl/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2.%3."/></w:lvl>
      </w:abstractNum>
      <w:num w:numId="7"><w:abstractNumId w:val="0"/></w:num>
    </w:numbering>"""

    def p(level: int, text: str) -> str:
        return f'<w:p><w:pPr><w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="7"/></w:numPr></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>'

    body = p(0, "Phần một") + p(1, "Mục") + p(2, "Tiểu mục") + p(0, "Phần hai") + p(1, "Mục tiếp") + p(2, "Tiểu mục")
    members = fx.minimal_docx_members(fx.document_xml(body))
    members["word/numbering.xml"] = numbering
    raw = read_docx(fx.write_zip(tmp_path / "lvl.docx", members))
    assert [line.text for line in raw.lines] == [
        "I. Phần một",
        "01. Mục",
        "1.1.1. Tiểu mục",  # isLgl: the Roman level shows as decimal
        "II. Phần hai",
        "02. Mục tiếp",  # lvlRestart 0: never restarts
        "2.2.1. Tiểu mục",
    ]
