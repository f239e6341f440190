"""Word's automatic numbering survives a Word 97 file: Roman sections stay the roots of the tree.

A plan whose "I.", "II." come from a multi-level list bound to the heading styles (as Word 97
users number them) is written as DOCX, saved as Word 97 by LibreOffice, and read back through
the legacy reader (LibreOffice -> DOCX -> the DOCX reader's numbering replay). The sections must
keep their Roman numbers, so "1." under "I." has the path "I.1", not "1".
"""
from __future__ import annotations

import subprocess
import uuid

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from pipeline.document import extract_document
from pipeline.read.legacy import find_soffice
from tests import docx_fixtures as fx

pytestmark = pytest.mark.skipif(find_soffice() is None, reason="LibreOffice (soffice) not installed")

W = nsdecls("w")
NUMBERING = f"""<w:numbering {W}>
<w:abstractNum w:abstractNumId="3"><w:multiLevelType w:val="multilevel"/>
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:pStyle w:val="Heading1"/><w:lvlText w:val="%1."/><w:lvlJc w:val="left"/></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:pStyle w:val="Heading2"/><w:lvlText w:val="%2."/><w:lvlJc w:val="left"/></w:lvl>
<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:pStyle w:val="Heading3"/><w:lvlText w:val="%3)"/><w:lvlJc w:val="left"/></w:lvl>
</w:abstractNum>
<w:num w:numId="4"><w:abstractNumId w:val="3"/></w:num>
</w:numbering>"""

HEADER = [
    "ỦY BAN NHÂN DÂN TỈNH HÀ NAM SƠN", "Số: 18/KH-UBND", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc", "Hà Nam Sơn, ngày 12 tháng 01 năm 2026", "KẾ HOẠCH",
    "Chỉnh lý tài liệu lưu trữ năm 2026",
]
BODY = [
    ("Heading 1", "ĐÁNH GIÁ KẾT QUẢ NĂM 2025"),
    ("Heading 2", "Kết quả đạt được"),
    ("Normal", "Đã chỉnh lý 1.200 mét giá tài liệu."),
    ("Heading 2", "Hạn chế"),
    ("Normal", "Kho lưu trữ cấp xã còn thiếu."),
    ("Heading 1", "NHIỆM VỤ NĂM 2026"),
    ("Heading 2", "Chỉnh lý tài liệu tồn đọng"),
    ("Heading 3", "Lập danh mục hồ sơ."),
    ("Heading 3", "Số hóa hồ sơ có giá trị vĩnh viễn."),
    ("Heading 1", "TỔ CHỨC THỰC HIỆN"),
    ("Heading 2", "Sở Nội vụ chủ trì, hướng dẫn thực hiện Kế hoạch này."),
]


def _word97_plan(tmp_path):
    document = docx.Document()
    fx.install_numbering(document, NUMBERING)
    for level, name in enumerate(("Heading 1", "Heading 2", "Heading 3")):
        document.styles[name].element.get_or_add_pPr().append(
            parse_xml(f'<w:numPr {W}><w:ilvl w:val="{level}"/><w:numId w:val="4"/></w:numPr>'))
    for text in HEADER:
        document.add_paragraph(text)
    for style, text in BODY:
        document.add_paragraph(text, style=style)
    for text in ("Nơi nhận:", "- Như trên;", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Lê Văn Toàn"):
        document.add_paragraph(text)
    source = tmp_path / "plan.docx"
    document.save(source)
    profile = tmp_path / f"lo-{uuid.uuid4().hex}"
    subprocess.run(
        [find_soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", "doc:MS Word 97", "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=180,
    )
    return tmp_path / "plan.doc"


def test_roman_sections_of_a_word97_plan_stay_the_roots(tmp_path):
    doc = extract_document(_word97_plan(tmp_path))
    assert doc.document.source.format == "doc"
    shape = [(item.kind.value, item.path, item.text[:24]) for item in doc.items]
    assert [path for _, path, _ in shape] == [
        "I", "I.1", "I.1.¶1", "I.2", "I.2.¶1", "II", "II.1", "II.1.a", "II.1.b", "III", "III.1",
    ]
    assert shape[0][:2] == ("section", "I") and doc.items[0].text == "ĐÁNH GIÁ KẾT QUẢ NĂM 2025"
    assert [kind for kind, path, _ in shape if path.startswith("II.1.")] == ["task", "task"]
    assert shape[-1][0] == "assignment"
