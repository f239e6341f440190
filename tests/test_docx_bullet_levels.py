"""Word bullets nest by list level and indentation: Word's "o" under "•" is a sub-bullet, so is a
bullet of another list indented deeper, and a typed "-" after a "•" is its sibling.

The document is made up here: a plan with typed "1." sections, Word's own default
bullet list (a Symbol-font dot at level 0, a Courier "o" at level 1), a second
one-level list of dashes indented deeper, and typed "-" and "+" bullets mixed in,
as authors do.
"""
from __future__ import annotations

import docx
import pytest
from docx.oxml import parse_xml

from pipeline.document import extract_document
from pipeline.read.docx import read_docx
from tests import docx_fixtures as fx

BULLET_LIST = "7"
DASH_LIST = "8"  # a list of its own, level 0 indented as deep as the bullet list's level 1
NUMBERING = f"""<w:numbering {fx.W_DECL}>
<w:abstractNum w:abstractNumId="20"><w:multiLevelType w:val="hybridMultilevel"/>
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="\uf0b7"/><w:lvlJc w:val="left"/>
  <w:pPr><w:ind w:left="720" w:hanging="360"/></w:pPr><w:rPr><w:rFonts w:ascii="Symbol" w:hAnsi="Symbol" w:hint="default"/></w:rPr></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="o"/><w:lvlJc w:val="left"/>
  <w:pPr><w:ind w:left="1440" w:hanging="360"/></w:pPr><w:rPr><w:rFonts w:ascii="Courier New" w:hAnsi="Courier New"/></w:rPr></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="21"><w:multiLevelType w:val="singleLevel"/>
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="–"/><w:lvlJc w:val="left"/>
  <w:pPr><w:ind w:left="1440" w:hanging="360"/></w:pPr></w:lvl>
</w:abstractNum>
<w:num w:numId="{BULLET_LIST}"><w:abstractNumId w:val="20"/></w:num>
<w:num w:numId="{DASH_LIST}"><w:abstractNumId w:val="21"/></w:num>
</w:numbering>"""


def _bullet(document, text: str, ilvl: int, num_id: str = BULLET_LIST, left: int | None = None) -> None:
    paragraph = fx.set_numbering(document.add_paragraph(text), num_id, ilvl)
    if left is not None:  # the paragraph's own indentation overrides its list level's
        paragraph._p.get_or_add_pPr().append(parse_xml(f'<w:ind {fx.W_DECL} w:left="{left}" w:hanging="360"/>'))


@pytest.fixture(scope="module")
def plan(tmp_path_factory):
    document = docx.Document()
    fx.install_numbering(document, NUMBERING)
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
    document.add_paragraph("3. Truyền thông")
    _bullet(document, "Xây dựng chuyên mục trên đài tỉnh:", 0)
    _bullet(document, "Phát sóng 12 kỳ;", 0, DASH_LIST)  # deeper: a sub-list of its own
    _bullet(document, "Đăng tải 24 tin bài;", 0, DASH_LIST)
    _bullet(document, "Tổ chức hội chợ du lịch:", 0)
    _bullet(document, "Mời 30 doanh nghiệp lữ hành.", 0, left=1440)  # the same list, indented deeper by hand
    document.add_paragraph("Các đơn vị báo cáo kết quả trước ngày 15/12/2026.")
    _bullet(document, "Tổng kết năm 2026.", 0, DASH_LIST)  # after a plain paragraph: nothing open to sit under
    path = tmp_path_factory.mktemp("bullets") / "plan.docx"
    document.save(path)
    return path


def test_a_deeper_list_level_prints_as_a_sub_bullet(plan):
    texts = [line.text for line in read_docx(plan).pages[0].lines]
    i = texts.index("- Xây dựng bộ tiêu chí homestay:")
    assert texts[i : i + 4] == ["- Xây dựng bộ tiêu chí homestay:", "+ Khảo sát 20 hộ dân;",
                                "+ Ban hành tiêu chí trước tháng 6/2026;", "- Tổ chức 3 lớp tập huấn cho hộ dân."]
    assert "+ Đào tạo hướng dẫn viên tại điểm:" in texts
    i = texts.index("- Xây dựng chuyên mục trên đài tỉnh:")
    assert texts[i : i + 5] == ["- Xây dựng chuyên mục trên đài tỉnh:", "+ Phát sóng 12 kỳ;", "+ Đăng tải 24 tin bài;",
                                "- Tổ chức hội chợ du lịch:", "+ Mời 30 doanh nghiệp lữ hành."]
    assert "- Tổng kết năm 2026." in texts


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
    assert items["Phát sóng 12 kỳ"] == "3.-1.+1" and items["Đăng tải 24 tin bài"] == "3.-1.+2"
    assert items["Mời 30 doanh nghiệp lữ hành"] == "3.-2.+1"
