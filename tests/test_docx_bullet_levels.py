"""Word bullets nest by list level: Word's "o" under "•" is a sub-bullet, a typed "-" after a "•" its sibling.

The document is made up here: a plan with typed "1." sections, Word's own default
bullet list (a Symbol-font dot at level 0, a Courier "o" at level 1) and typed
"-" and "+" bullets mixed in, as authors do.
"""
from __future__ import annotations

import docx
import pytest
from docx.oxml import parse_xml

from pipeline.document import extract_document
from pipeline.read.docx import read_docx
from tests import docx_fixtures as fx

BULLET_LIST = "7"
NUMBERING = f"""<w:numbering {fx.W_DECL}>
<w:abstractNum w:abstractNumId="20"><w:multiLevelType w:val="hybridMultilevel"/>
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="\uf0b7"/><w:lvlJc w:val="left"/>
  <w:pPr><w:ind w:left="720" w:hanging="360"/></w:pPr><w:rPr><w:rFonts w:ascii="Symbol" w:hAnsi="Symbol" w:hint="default"/></w:rPr></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="o"/><w:lvlJc w:val="left"/>
  <w:pPr><w:ind w:left="1440" w:hanging="360"/></w:pPr><w:rPr><w:rFonts w:ascii="Courier New" w:hAnsi="Courier New"/></w:rPr></w:lvl>
</w:abstractNum>
<w:num w:numId="{BULLET_LIST}"><w:abstractNumId w:val="20"/></w:num>
</w:numbering>"""


def _bullet(document, text: str, ilvl: int) -> None:
    fx.set_numbering(document.add_paragraph(text), BULLET_LIST, ilvl)


@pytest.fixture(scope="module")
def plan(tmp_path_factory):
    document = docx.Document()
    numbering = document.part.numbering_part.element
    for child in list(numbering):
        numbering.remove(child)
    for child in parse_xml(NUMBERING):
        numbering.append(child)
    for text in ("ỦY BAN NHÂN DÂN TỈNH MINH AN", "Số: 21/KH-UBND", "KẾ HOẠCH",
                 "Phát triển du lịch cộng đồng năm 2026", "1. Phát triển sản phẩm"):
        document.add_paragraph(text)
    _bullet(document, "Xây dựng bộ tiêu chí homestay:", 0)
    _bullet(document, "Khảo sát 20 hộ dân;", 1)
    _bullet(document, "Ban hành tiêu chí trước tháng 6/2026;", 1)
    document.add_paragraph("- Tổ chức 3 lớp tập huấn cho hộ dân.")  # typed, after the automatic "•"
    _bullet(document, "Quảng bá sản phẩm:", 0)
    document.add_paragraph("+ Trên cổng thông tin của tỉnh;")  # typed sub-bullets under an automatic bullet
    document.add_paragraph("+ Trên mạng xã hội.")
    document.add_paragraph("2. Phát triển nguồn nhân lực")
    _bullet(document, "Đào tạo hướng dẫn viên tại điểm:", 1)  # printed at the sub-level, first under its heading
    _bullet(document, "Bồi dưỡng kỹ năng giao tiếp cho 50 hộ dân.", 0)
    path = tmp_path_factory.mktemp("bullets") / "plan.docx"
    document.save(path)
    return path


def test_a_deeper_list_level_prints_as_a_sub_bullet(plan):
    texts = [line.text for line in read_docx(plan).pages[0].lines]
    i = texts.index("- Xây dựng bộ tiêu chí homestay:")
    assert texts[i : i + 4] == ["- Xây dựng bộ tiêu chí homestay:", "+ Khảo sát 20 hộ dân;",
                                "+ Ban hành tiêu chí trước tháng 6/2026;", "- Tổ chức 3 lớp tập huấn cho hộ dân."]
    assert "+ Đào tạo hướng dẫn viên tại điểm:" in texts


def test_bullets_nest_by_level_and_typed_bullets_join_them(plan):
    items = {item.text.rstrip(".;:"): item.path for item in extract_document(plan).items}
    assert items["Xây dựng bộ tiêu chí homestay"] == "1.-1"
    assert items["Khảo sát 20 hộ dân"] == "1.-1.+1"
    assert items["Ban hành tiêu chí trước tháng 6/2026"] == "1.-1.+2"
    assert items["Tổ chức 3 lớp tập huấn cho hộ dân"] == "1.-2"  # typed "-" is the automatic "•"'s sibling
    assert items["Quảng bá sản phẩm"] == "1.-3"
    assert items["Trên cổng thông tin của tỉnh"] == "1.-3.+1"
    assert items["Trên mạng xã hội"] == "1.-3.+2"
    # a sub-bullet first under its heading hangs from the heading; the bullet after it is no child of it
    assert items["Đào tạo hướng dẫn viên tại điểm"] == "2.+1"
    assert items["Bồi dưỡng kỹ năng giao tiếp cho 50 hộ dân"] == "2.-1"
