"""Segmentation of decree-style texts written for these tests: header, bases, item tree, closing, stamps."""
from __future__ import annotations

import pytest

from tests.helpers import FIXTURES, by_path, document_from_text


def decision():
    return document_from_text((FIXTURES / "qd-12-ubnd-quy-che.txt").read_text(encoding="utf-8"), "qd.txt")


def letter():
    return document_from_text((FIXTURES / "cv-210-ubnd-phong-chong-lu.txt").read_text(encoding="utf-8"), "cv.txt")


def test_decision_header_fields():
    info = decision().document
    assert info.doc_type == "quyet_dinh"
    assert info.number == "1203/QĐ-UBND"  # printed "1203 /QĐ - UBND"
    assert info.number_raw.replace(" ", "") == "1203/QĐ-UBND"
    assert info.issued_date == "2023-09-05"
    assert info.place == "Nam Định Sơn"
    assert info.issuer == "Ủy ban nhân dân tỉnh Nam Định Sơn"
    assert info.title == "Ban hành Quy chế quản lý và sử dụng kinh phí hỗ trợ phát triển hợp tác xã trên địa bàn tỉnh"
    assert info.signer.name == "Lê Thị Hồng Nhung"
    assert info.signer.position == "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"
    assert info.inferred == []


def test_legal_bases_are_citations_not_items():
    doc = decision()
    assert not any(item.text.startswith(("Căn cứ", "Theo đề nghị")) for item in doc.items)
    cited = {(c.doc_type, c.number, c.issued_date) for c in doc.citations}
    assert ("nghi_dinh", "45/2021/NĐ-CP", "2021-03-31") in cited
    assert ("to_trinh", "88/TTr-SKHĐT", "2023-08-20") in cited
    assert ("luat", None, "2015-06-19") in cited  # a law cited by name and date
    assert ("luat", "17/2023/QH15", None) in cited
    # the Cyrillic "С" typed into "TT-BTС" is folded, so the number is searchable
    assert ("thong_tu", "09/2022/TT-BTC", "2022-02-15") in cited
    # the attached regulation's "Ban hành kèm theo Quyết định số 1203/QĐ-UBND" is the document itself
    assert not any(c.number == "1203/QĐ-UBND" for c in doc.citations)
    basis = next(c for c in doc.citations if c.number == "45/2021/NĐ-CP")
    assert basis.mentions[0].context == "legal_basis"
    assert doc.text[basis.mentions[0].span[0]:basis.mentions[0].span[1]] == basis.mentions[0].raw
    assert basis.issuer == "Chính phủ"


def test_articles_chapters_clauses_and_points_nest():
    doc = decision()
    items = by_path(doc)
    assert [i.path for i in doc.items[:3]] == ["Điều 1", "Điều 2", "Điều 3"]
    assert all(i.kind == "article" for i in doc.items[:3])
    assert items["Chương I"].text == "QUY ĐỊNH CHUNG"  # the chapter's title line is its text
    assert items["Chương I"].kind == "section"
    point = items["Chương II.Điều 3.2.a"]
    assert point.text.startswith("Đào tạo cho 500 lượt")
    clause = items["Chương II.Điều 3.2"]
    assert point.parent == clause.id and clause.kind == "section"
    assert items["Chương II.Điều 3"].parent == items["Chương II"].id
    assert items["Chương II.Điều 4.¶1"].kind == "assignment"  # under "Trách nhiệm thi hành"


def test_closing_and_signature_are_not_items():
    doc = decision()
    texts = " ".join(i.text for i in doc.items)
    assert "Như Điều 3" not in texts and "Lê Thị Hồng Nhung" not in texts and "PHÓ CHỦ TỊCH" not in texts
    assert "Ban hành kèm theo Quyết định số" not in texts


def test_every_item_span_points_at_its_text():
    for doc in (decision(), letter()):
        for item in doc.items:
            assert doc.text[item.span[0]:item.span[1]].replace("\n", " ") == item.text
            start, end = item.original_span
            assert doc.original_text[start:end].split()[:1] == item.text.split()[:1] or item.text == ""


def test_official_letter():
    doc = letter()
    info = doc.document
    assert info.doc_type == "cong_van"
    assert info.number == "210/UBND-NLN"
    assert info.title == "tăng cường phòng, chống lũ quét, sạt lở đất"
    assert info.recipients == ["Sở Nông nghiệp và Phát triển nông thôn", "Ủy ban nhân dân các huyện, thành phố"]
    assert info.issued_date == "2024-10-10"
    # the digital-signature block and the receiving office's stamp stay out of the body
    assert info.received.number == "1532" and info.received.date == "2024-10-14"
    texts = " ".join(i.text for i in doc.items)
    assert "Thời gian ký" not in texts and "ĐẾN" not in texts and "Email" not in texts
    # the sentence before the first numbered unit is preamble, not an item
    assert doc.items[0].path == "1"
    assert [i.path for i in doc.items] == ["1", "2", "2.-1", "2.-2", "2.¶1"]
    assert ("cong_dien", "95/CĐ-TTg") in {(c.doc_type, c.number) for c in doc.citations}


PLAN = """ỦY BAN NHÂN DÂN TỈNH HÀ SƠN
QUYẾT ĐỊNH
VỀ VIỆC BAN HÀNH KẾ HOẠCH PHÁT TRIỂN DU LỊCH GIAI ĐOẠN 2021 - 2025
ỦY BAN NHÂN DÂN TỈNH HÀ SƠN
Căn cứ Luật Du lịch ngày 19 tháng 6 năm 2017;
QUYẾT ĐỊNH:
Điều 1. Ban hành kèm theo Quyết định này Kế hoạch phát triển du lịch giai đoạn 2021 - 2025.
Điều 2. Quyết định này có hiệu lực kể từ ngày ký./.
Nơi nhận:
- Như Điều 2;
- Lưu: VT.
KẾ HOẠCH
PHÁT TRIỂN DU LỊCH GIAI ĐOẠN 2021 - 2025
(Ban hành kèm theo Quyết định số 77/QĐ-UBND ngày 12 tháng 01 năm 2021 của Ủy ban nhân dân tỉnh)
I. MỤC TIÊU
1. Mục tiêu chung
Đưa du lịch trở thành ngành kinh tế mũi nhọn của tỉnh.
2. Mục tiêu cụ thể
(1) Đón 2 triệu lượt khách vào năm 2025.
(2) Doanh thu du lịch tăng bình quân 15%/năm.
II. NHIỆM VỤ
1. Phát triển sản phẩm
a) Xây dựng 05 tuyến du lịch mới;
- Tuyến du lịch sinh thái;
+ Khảo sát địa điểm;
- Tuyến du lịch văn hóa;
b) Tổ chức lễ hội hằng năm.
III. TỔ CHỨC THỰC HIỆN
Các sở, ngành triển khai Kế hoạch này, cụ thể:
1. Sở Văn hóa và Du lịch chủ trì tổ chức thực hiện.
2. Sở Tài chính bố trí kinh phí.
"""


def test_attached_plan_restarts_numbering_and_gives_the_missing_number():
    doc = document_from_text(PLAN)
    info = doc.document
    assert info.doc_type == "quyet_dinh"
    assert info.number == "77/QĐ-UBND" and info.issued_date == "2021-01-12"
    assert set(info.inferred) == {"number", "issued_date"}
    assert info.issuer == "Ủy ban nhân dân tỉnh Hà Sơn"
    items = by_path(doc)
    assert ["Điều 1", "Điều 2", "I", "I.1", "I.1.¶1", "I.2", "I.2.(1)"] == [i.path for i in doc.items[:7]]
    assert items["I.2.(1)"].kind == "objective"
    assert items["II.1.a"].kind == "section" and items["II.1.a.-1"].kind == "task"
    assert items["II.1.a.-1.+1"].parent == items["II.1.a.-1"].id
    assert items["II.1.a.-2"].parent == items["II.1.a"].id  # a "-" after a "+" is a sibling of the first "-"
    assert items["II.1.b"].parent == items["II.1"].id  # b) closes the bullets opened under a)
    assert items["III.¶1"].kind == "assignment"
    assert items["III.1"].kind == "assignment" and items["III.1"].parent == items["III"].id
    assert not any("Ban hành kèm theo Quyết định số" in i.text for i in doc.items)


def test_ocr_damaged_keywords_still_match():
    text = PLAN.replace("KẾ HOẠCH\n", "KE HOACH\n").replace("QUYẾT ĐỊNH\nVỀ", "QUYET DINH\nVỀ")
    doc = document_from_text(text)
    assert doc.document.doc_type == "quyet_dinh"
    assert doc.items[2].path == "I"  # the attached plan still opens a new tree


TABLE = """KẾ HOẠCH
Thực hiện nhiệm vụ năm 2022
I. NHIỆM VỤ
1. Triển khai các nhiệm vụ theo Phụ lục kèm theo.
Phụ lục
DANH MỤC NHIỆM VỤ
STT\tNội dung\tĐơn vị chủ trì\tThời gian\tGhi chú
A. NHÓM NHIỆM VỤ THỨ NHẤT\t\t\t\t
1\tXây dựng đề án\tSở Nội vụ\tQuý II/2022\t
1.1\tKhảo sát thực trạng\tSở Nội vụ\tQuý I/2022\tĐã có kế hoạch
\t- Lấy ý kiến các huyện\t\t\t
STT\tNội dung\tĐơn vị chủ trì\tThời gian
2\tTổng kết\tVăn phòng\tQuý IV/2022
"""


def test_tab_separated_table_rows_become_items():
    doc = document_from_text(TABLE)
    rows = [i for i in doc.items if i.kind == "table_row"]
    assert [r.path for r in rows] == ["A", "1", "1.1", "1.1.-1", "2"]
    assert rows[0].text == "NHÓM NHIỆM VỤ THỨ NHẤT"
    assert rows[1].cells == {"Đơn vị chủ trì": "Sở Nội vụ", "Thời gian": "Quý II/2022"}
    assert rows[2].cells["Ghi chú"] == "Đã có kế hoạch"
    assert rows[3].text == "Lấy ý kiến các huyện"
    assert rows[2].parent == rows[1].id and rows[1].parent == rows[0].id and rows[3].parent == rows[2].id
    assert rows[4].cells == {"Đơn vị chủ trì": "Văn phòng", "Thời gian": "Quý IV/2022"}  # a repeated, narrower header
    # the table's text never leaks into the body items, and the appendix heading is not an item
    body = [i for i in doc.items if i.kind != "table_row"]
    assert [i.path for i in body] == ["I", "I.1"]
    for row in rows:
        assert doc.text[row.span[0]:row.span[1]] == row.text


def test_empty_and_odd_texts_do_not_crash():
    for text in ["", "\n\n", "Điều", "1.", "- ", "\t\t\t", "Nơi nhận:", "QUYẾT ĐỊNH:", "Căn cứ"]:
        doc = document_from_text(text)
        assert doc.items is not None


def test_header_copied_as_single_lines_with_both_columns():
    text = """ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH HÀ GIANG Độc lập - Tự do - Hạnh phúc
Số: 15/KH-UBND Hà Giang, ngày 05/3/2024
KẾ HOẠCH
Triển khai công tác năm 2024
I. MỤC TIÊU
1. Hoàn thành 100% chỉ tiêu.
"""
    info = document_from_text(text).document
    assert info.issuer == "Ủy ban nhân dân tỉnh Hà Giang"
    assert (info.number, info.place, info.issued_date) == ("15/KH-UBND", "Hà Giang", "2024-03-05")
    assert info.title == "Triển khai công tác năm 2024"


RESOLUTION = """NGHỊ QUYẾT
Về hỗ trợ sản xuất nông nghiệp
QUYẾT NGHỊ:
Điều 1. Tổ chức thực hiện
1. Giao Ủy ban nhân dân tỉnh tổ chức thực hiện Nghị quyết.
2. Thường trực Hội đồng nhân dân tỉnh giám sát việc thực hiện Nghị quyết.
Nghị quyết này có hiệu lực từ ngày 01 tháng 01 năm 2024./.
"""


def test_a_paragraph_after_a_full_sentence_clause_belongs_to_the_article():
    doc = document_from_text(RESOLUTION)
    assert doc.document.doc_type == "nghi_quyet"
    items = by_path(doc)
    assert items["Điều 1.¶1"].parent == items["Điều 1"].id
    assert items["Điều 1.¶1"].deadline.start == "2024-01-01"
    assert items["Điều 1.2"].kind == "assignment"  # not a section: nothing hangs under it


@pytest.mark.parametrize("text, printed", [
    ("I/ MỤC TIÊU", "I/"), ("II/MỤC TIÊU", "II/"), ("III. TỔ CHỨC", "III."), ("IV) Khác", "IV)"),
    ("III/2018)", None), ("II/2019 và Quý III/2019", None),  # a quarter wrapped onto a new line
])
def test_a_roman_numeral_and_slash_is_a_heading_unless_a_year_follows(text, printed):
    from pipeline.segment.patterns import match_enumerator

    found = match_enumerator(text)
    assert (found.printed if found else None) == printed
