"""Build DOCX files for the reader's tests with python-docx, including real automatic numbering.

Nothing here is copied from a real document: ``build_plan_docx`` writes a made-up
provincial plan ("Kế hoạch phát triển thư viện số cấp xã") whose list numbers come
from ``numbering.xml`` exactly as Word stores them, so the test can check that the
reader puts "1.", "a)", "(1)", "-" back in front of the text.

The numbering written by :func:`install_numbering`:

* abstractNum 10 (the body list), used by numId 1 and by numId 2 (numId 2 restarts
  level 0 at 1 with ``lvlOverride/startOverride``):
  level 0 ``%1.`` decimal, 1 ``%2)`` lowerLetter, 2 ``(%3)`` decimal, 3 bullet "-",
  4 bullet U+F0B7 (a Symbol-font dot), 5 bullet "+".
* abstractNum 11 (the Roman part headings), used by numId 3: level 0 ``%1.``
  upperRoman, bound to paragraph style "MucLon". The style carries
  ``numPr/numId=3`` and no ilvl (Word finds the level through the binding);
  style "MucLonDam" is based on it and inherits the numbering.
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

W_DECL = nsdecls("w")

NUMBERING_XML = f"""
<w:numbering {W_DECL}>
  <w:abstractNum w:abstractNumId="10">
    <w:multiLevelType w:val="multilevel"/>
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/><w:lvlJc w:val="left"/></w:lvl>
    <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%2)"/><w:lvlJc w:val="left"/></w:lvl>
    <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="(%3)"/><w:lvlJc w:val="left"/></w:lvl>
    <w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="-"/><w:lvlJc w:val="left"/></w:lvl>
    <w:lvl w:ilvl="4"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="\uf0b7"/><w:lvlJc w:val="left"/>
      <w:rPr><w:rFonts w:ascii="Symbol" w:hAnsi="Symbol" w:hint="default"/></w:rPr></w:lvl>
    <w:lvl w:ilvl="5"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="+"/><w:lvlJc w:val="left"/></w:lvl>
  </w:abstractNum>
  <w:abstractNum w:abstractNumId="11">
    <w:multiLevelType w:val="singleLevel"/>
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:pStyle w:val="MucLon"/><w:lvlText w:val="%1."/><w:lvlJc w:val="left"/></w:lvl>
  </w:abstractNum>
  <w:num w:numId="1"><w:abstractNumId w:val="10"/></w:num>
  <w:num w:numId="2"><w:abstractNumId w:val="10"/>
    <w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>
  </w:num>
  <w:num w:numId="3"><w:abstractNumId w:val="11"/></w:num>
</w:numbering>
"""

BODY_LIST = "1"  # numId of the body list
RESTARTED_LIST = "2"  # the same list, restarted at 1
HEADINGS = "3"  # numId of the Roman headings


def install_numbering(document, xml: str = NUMBERING_XML) -> None:
    """Replace the template's numbering.xml content with `xml` (by default NUMBERING_XML)."""
    numbering = document.part.numbering_part.element
    for child in list(numbering):
        numbering.remove(child)
    for child in parse_xml(xml):
        numbering.append(child)


def install_styles(document) -> None:
    """Paragraph style "MucLon" numbered through numId 3; "MucLonDam" based on it."""
    heading = document.styles.add_style("MucLon", WD_STYLE_TYPE.PARAGRAPH)
    heading.base_style = document.styles["Normal"]
    heading.element.get_or_add_pPr().append(parse_xml(f'<w:numPr {W_DECL}><w:numId w:val="{HEADINGS}"/></w:numPr>'))
    bold = document.styles.add_style("MucLonDam", WD_STYLE_TYPE.PARAGRAPH)
    bold.base_style = heading
    bold.font.bold = True


def set_numbering(paragraph, num_id: str, ilvl: int | None = 0):
    """Give a paragraph direct numbering (w:numPr), as Word does when a list button is pressed."""
    ilvl_xml = "" if ilvl is None else f'<w:ilvl w:val="{ilvl}"/>'
    paragraph._p.get_or_add_pPr().append(parse_xml(f'<w:numPr {W_DECL}>{ilvl_xml}<w:numId w:val="{num_id}"/></w:numPr>'))
    return paragraph


def numbered(document, text: str, ilvl: int, num_id: str = BODY_LIST):
    return set_numbering(document.add_paragraph(text), num_id, ilvl)


def append_xml(paragraph, xml: str) -> None:
    """Append raw run-level XML (w:ins, w:del, w:hyperlink, ...) to a paragraph."""
    paragraph._p.append(parse_xml(xml))


def _run(text: str) -> str:
    return f'<w:r {W_DECL}><w:t xml:space="preserve">{text}</w:t></w:r>'


def _cell_paragraphs(cell, texts: list[str]) -> None:
    cell.text = texts[0]
    for text in texts[1:]:
        cell.add_paragraph(text)


def add_header_table(document) -> None:
    """The two-column national header: issuer and number left, Quốc hiệu and date right."""
    table = document.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    _cell_paragraphs(left, ["ỦY BAN NHÂN DÂN", "TỈNH MINH AN", "Số: 45/KH-UBND"])
    _cell_paragraphs(right, ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Minh An, ngày 12 tháng 3 năm 2026"])


def add_signature_table(document) -> None:
    """Recipients left, signature right; "KT. CHỦ TỊCH" and "PHÓ CHỦ TỊCH" split by a soft break."""
    table = document.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    _cell_paragraphs(left, ["Nơi nhận:", "- Như Mục III;", "- Lưu: VT, VX."])
    _cell_paragraphs(right, ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "Trần Văn Bình"])
    right.paragraphs[1].runs[0].add_break()
    right.paragraphs[1].add_run("PHÓ CHỦ TỊCH")


def _mark_header(row) -> None:
    row._tr.get_or_add_trPr().append(parse_xml(f"<w:tblHeader {W_DECL}/>"))


def add_data_table(document):
    """A 5-column assignment table with a two-row header, a gridSpan, vMerges and a nested table.

    Printed it looks like::

        | TT | Nhiệm vụ          | Đơn vị chủ trì | Thời gian            |
        |    |                   |                | Bắt đầu  | Kết thúc  |
        | 1  | Số hóa tài liệu   | Sở Văn hóa     | Quý II   | Quý IV    |
        | 2  | Đào tạo cán bộ    |  (merged ↑)    | Quý III  | Quý I/2027|
        | 3  | Sơ kết, tổng kết  | Sở Nội vụ      | Tháng 12 | Tháng 12  |
        |    | [nested: 2 rows]  | UBND các xã    |          |           |
    """
    table = document.add_table(rows=5, cols=5)
    for col in range(3):  # TT, Nhiệm vụ, Đơn vị chủ trì span both header rows
        table.cell(0, col).merge(table.cell(1, col))
    table.cell(0, 3).merge(table.cell(0, 4))  # "Thời gian" spans two grid columns
    table.cell(2, 2).merge(table.cell(3, 2))  # one lead unit for two tasks
    for col, title in enumerate(["TT", "Nhiệm vụ", "Đơn vị chủ trì", "Thời gian"]):
        table.cell(0, col).text = title
    table.cell(1, 3).text = "Bắt đầu"
    table.cell(1, 4).text = "Kết thúc"
    _mark_header(table.rows[0])
    _mark_header(table.rows[1])
    rows = [
        ["1", "Số hóa tài liệu địa chí", "Sở Văn hóa, Thể thao và Du lịch", "Quý II/2026", "Quý IV/2026"],
        ["2", "Đào tạo cán bộ thư viện xã", None, "Quý III/2026", "Quý I/2027"],
        ["3", "Sơ kết, tổng kết", "Sở Nội vụ", "Tháng 12/2027", "Tháng 12/2028"],
    ]
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values):
            if value is not None:
                table.cell(r, c).text = value
    table.cell(4, 2).add_paragraph("UBND các xã")
    nested = table.cell(4, 1).add_table(rows=2, cols=1)
    nested.cell(0, 0).text = "Báo cáo sơ kết"
    nested.cell(1, 0).text = "Báo cáo tổng kết"
    table.cell(4, 1).add_paragraph("")  # Word requires a paragraph after a nested table
    return table


def build_plan_docx(path: Path) -> Path:
    """Write the made-up plan to ``path`` and return it."""
    document = docx.Document()
    install_numbering(document)
    install_styles(document)
    document.sections[0].header.paragraphs[0].text = "ĐẦU TRANG KHÔNG ĐỌC"
    document.sections[0].footer.paragraphs[0].text = "CHÂN TRANG KHÔNG ĐỌC"
    body = document.element.body

    add_header_table(document)
    document.add_paragraph("KẾ HOẠCH")
    document.add_paragraph("Phát triển thư viện số cấp xã giai đoạn 2026 - 2028")
    basis = document.add_paragraph("Căn cứ Nghị quyết số 12/NQ-HĐND ngày 05/01/2026 của Hội đồng nhân dân tỉnh;")
    document.add_comment(basis.runs, text="GHI CHÚ BIÊN TẬP KHÔNG ĐỌC", author="Biên tập")

    document.add_paragraph("MỤC ĐÍCH, YÊU CẦU", style="MucLon")  # I.
    numbered(document, "Mục đích", 0)  # 1.
    numbered(document, "Số hóa tài liệu địa chí của tỉnh.", 1)  # a)
    numbered(document, "Kết nối thư viện xã với thư viện tỉnh:", 1)  # b)
    numbered(document, "Kết nối mạng cho 120 điểm thư viện;", 2)  # (1)
    numbered(document, "Cài đặt phần mềm quản lý dùng chung;", 2)  # (2)
    numbered(document, "Ưu tiên các xã vùng cao.", 3)  # -
    numbered(document, "Yêu cầu", 0)  # 2.
    for text in ("Đúng tiến độ;", "Tiết kiệm;", "Công khai;", "Đồng bộ;", "Hiệu quả."):
        numbered(document, text, 1)  # a) .. e) restarted under 2.

    document.add_paragraph("NHIỆM VỤ", style="MucLon")  # II.
    numbered(document, "Nhiệm vụ chung", 0, RESTARTED_LIST)  # 1. (restart)
    numbered(document, "Tuyên truyền rộng rãi:", 1)  # a)
    numbered(document, "Trên báo chí;", 4)  # Symbol-font bullet -> "-"
    numbered(document, "Trên mạng xã hội.", 5)  # "+"
    numbered(document, "Nhiệm vụ cụ thể", 0)  # 2. (numId 1 continues the shared list)
    document.add_paragraph("Bảng phân công nhiệm vụ:")
    add_data_table(document)
    document.add_paragraph("Các đơn vị chủ động bố trí nhân lực.")

    document.add_paragraph("TỔ CHỨC THỰC HIỆN", style="MucLonDam")  # III. through basedOn
    funding = document.add_paragraph("Kinh phí thực hiện từ ngân sách ")
    append_xml(funding, f'<w:del {W_DECL} w:id="1" w:author="A" w:date="2026-03-01T00:00:00Z"><w:r><w:delText>tỉnh ĐÃ XÓA</w:delText></w:r></w:del>')
    append_xml(funding, f'<w:ins {W_DECL} w:id="2" w:author="A" w:date="2026-03-01T00:00:00Z"><w:r><w:t>xã</w:t></w:r></w:ins>')
    funding.add_run(" và nguồn xã hội hóa.")

    links = document.add_paragraph("Xem hướng dẫn tại ")
    append_xml(links, f'<w:hyperlink {W_DECL}>{_run("Cổng thông tin tỉnh")}</w:hyperlink>')
    append_xml(links, f'<w:sdt {W_DECL}><w:sdtPr><w:alias w:val="Ngày"/></w:sdtPr><w:sdtContent>{_run(" trước ngày 01/4/2026")}</w:sdtContent></w:sdt>')
    append_xml(links, f'<w:r {W_DECL}><w:rPr><w:vanish/></w:rPr><w:t>CHỮ ẨN</w:t></w:r>')
    append_xml(links, _run("; mẫu số "))
    append_xml(links, f'<w:r {W_DECL}><w:fldChar w:fldCharType="begin"/></w:r>')
    append_xml(links, f'<w:r {W_DECL}><w:instrText xml:space="preserve"> SEQ Mau \\* ARABIC </w:instrText></w:r>')
    append_xml(links, f'<w:r {W_DECL}><w:fldChar w:fldCharType="separate"/></w:r>')
    append_xml(links, _run("7"))
    append_xml(links, f'<w:r {W_DECL}><w:fldChar w:fldCharType="end"/></w:r>')
    append_xml(links, _run("."))

    broken = document.add_paragraph("Dòng thứ nhất")
    broken.runs[0].add_break()
    broken.add_run("dòng thứ hai\tsau tab")

    body.find(qn("w:sectPr")).addprevious(parse_xml(  # a block-level content control
        f'<w:sdt {W_DECL}><w:sdtPr><w:alias w:val="Kết luận"/></w:sdtPr><w:sdtContent>'
        f'<w:p><w:r><w:t>Đoạn trong điều khiển nội dung.</w:t></w:r></w:p></w:sdtContent></w:sdt>'
    ))
    unnumbered = document.add_paragraph("PHỤ LỤC", style="MucLon")
    set_numbering(unnumbered, "0", None)  # numId 0 switches the style's numbering off
    document.add_paragraph("")  # empty paragraphs give no Line
    add_signature_table(document)
    document.save(path)
    return path


# --------------------------------------------------------------------------
# Bad inputs
# --------------------------------------------------------------------------
def write_zip(path: Path, members: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def minimal_docx_members(document_xml: str) -> dict[str, str]:
    """The smallest package Word-like readers accept, with the given word/document.xml."""
    return {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
            "</Relationships>"
        ),
        "word/document.xml": document_xml,
    }


def document_xml(body: str, prolog: str = "") -> str:
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}<w:document {W_DECL}><w:body>{body}</w:body></w:document>'


def truncated_copy(source: Path, target: Path, keep: float = 0.5) -> Path:
    data = source.read_bytes()
    target.write_bytes(data[: int(len(data) * keep)])
    return target


def ole2_bytes(extra: bytes = b"") -> bytes:
    """The start of an OLE2 compound file (Word 97 .doc and encrypted .docx both are)."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + extra


def docx_bytes(build) -> bytes:
    """Save a python-docx Document built by ``build(document)`` to bytes."""
    document = docx.Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------
# The survey of boundary points (tests/pdf_fixtures.py) as a Word table
# --------------------------------------------------------------------------
def build_survey_docx(path: Path) -> Path:
    """The point table of the survey decision in Word: a two-level header (vMerge "Tên điểm" and "Diện
    tích (ha)" over both header rows, gridSpan "Tọa độ VN-2000" over "X (m) | Y (m)", both rows marked
    w:tblHeader), two points per printed row numbered left to right (M1 | M2, M3 | M4 ...), and the
    area in one cell merged down every data row."""
    from tests.pdf_fixtures import SURVEY_AREA, SURVEY_INTRO, SURVEY_POINTS

    document = docx.Document()
    for text in SURVEY_INTRO:
        document.add_paragraph(text)
    pairs = list(zip(SURVEY_POINTS[0::2], SURVEY_POINTS[1::2]))
    table = document.add_table(rows=2 + len(pairs), cols=7)
    for col in (0, 3, 6):
        table.cell(0, col).merge(table.cell(1, col))
    for col in (1, 4):
        table.cell(0, col).merge(table.cell(0, col + 1))
    for col, text in ((0, "Tên điểm"), (1, "Tọa độ VN-2000"), (3, "Tên điểm"), (4, "Tọa độ VN-2000"),
                      (6, "Diện tích (ha)")):
        table.cell(0, col).text = text
    for col, text in ((1, "X (m)"), (2, "Y (m)"), (4, "X (m)"), (5, "Y (m)")):
        table.cell(1, col).text = text
    _mark_header(table.rows[0])
    _mark_header(table.rows[1])
    for r, (left, right) in enumerate(pairs, start=2):
        for col, text in enumerate(left + right):
            table.cell(r, col).text = text
    area = table.cell(2, 6).merge(table.cell(1 + len(pairs), 6))
    area.text = SURVEY_AREA
    document.add_paragraph("Điều 2. Quyết định này có hiệu lực kể từ ngày ký./.")
    document.save(path)
    return path
