"""Segmentation of decree-style texts written for these tests: header, bases, item tree, closing, stamps."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


# --------------------------------------------------------------------------
# The item tree: conventions of issue 13 (texts written for these tests)
# --------------------------------------------------------------------------
def _plan(body: str, doc_type: str = "KẾ HOẠCH", number: str = "21/KH-UBND") -> str:
    return (
        "ỦY BAN NHÂN DÂN\nTỈNH HÀ NAM SƠN\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
        f"Số: {number}\nHà Nam Sơn, ngày 10 tháng 02 năm 2026\n{doc_type}\nTriển khai số hóa hồ sơ lưu trữ năm 2026\n"
        + body
        + "\nNơi nhận:\n- Như trên;\n- Lưu: VT.\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\nPhạm Văn Quang\n"
    )


def _shape(doc) -> list[tuple[str, str]]:
    return [(item.kind.value, item.path) for item in doc.items]


def test_star_bullets_rank_above_dash_bullets():
    doc = document_from_text(_plan(
        "I. NHIỆM VỤ\n1. Số hóa hồ sơ\n* Giai đoạn 1: chuẩn bị\n- Tiến độ: Quý I/2026.\n- Kinh phí: 200 triệu đồng.\n"
        "* Giai đoạn 2: triển khai\n- Tiến độ: Quý III/2026.\n"
        "2. Đào tạo cán bộ\n- Mở 02 lớp tập huấn.\n* Ghi chú: ưu tiên cán bộ cấp xã.\n"))
    assert [p for _, p in _shape(doc)] == [
        "I", "I.1", "I.1.*1", "I.1.*1.-1", "I.1.*1.-2", "I.1.*2", "I.1.*2.-1",
        "I.2", "I.2.-1", "I.2.*1",  # "*" after "-" closes the "-": a sibling, not its child
    ]
    assert {item.kind.value for item in doc.items if "*" in item.path} == {"task"}
    assert by_path(doc)["I.1.*1.-2"].text == "Kinh phí: 200 triệu đồng."
    assert by_path(doc)["I.1.*1.-1"].parent == by_path(doc)["I.1.*1"].id


def test_run_in_heading_holds_the_bullets_after_it():
    doc = document_from_text(_plan(
        "I. NỘI DUNG THỰC HIỆN\n1. Cải tạo kho lưu trữ\nGiai đoạn 1: khảo sát, lập dự toán\n- Tiến độ: hoàn thành trong Quý I/2026.\n"
        "- Kinh phí: 150 triệu đồng.\nGiai đoạn 2: thi công\n- Tiến độ: Quý II/2026 đến Quý IV/2026.\n"
        "2. Tập huấn nghiệp vụ\nCác phòng chuyên môn cử cán bộ tham gia các lớp, cụ thể như sau:\n- Lớp thứ nhất vào tháng 3.\n"
        "- Lớp thứ hai vào tháng 9.\n"))
    items = by_path(doc)
    assert [p for _, p in _shape(doc)] == [
        "I", "I.1", "I.1.¶1", "I.1.¶1.-1", "I.1.¶1.-2", "I.1.¶2", "I.1.¶2.-1",
        # a lead-in sentence ("…, cụ thể như sau:") does not hold the bullets: they belong to the heading
        "I.2", "I.2.¶1", "I.2.-1", "I.2.-2",
    ]
    assert items["I.1.¶2.-1"].parent == items["I.1.¶2"].id and items["I.1.¶2"].parent == items["I.1"].id
    assert all(items[p].kind == "task" for p in ("I.1.¶1", "I.1.¶1.-1", "I.1.¶2.-1", "I.2.-2"))


def test_multi_level_numbers_keep_their_printed_path():
    doc = document_from_text(_plan(
        "I. ĐÁNH GIÁ KẾT QUẢ NĂM 2025\nI.1. Kết quả đạt được\nI.2. Tồn tại, hạn chế\n"
        "II. NHIỆM VỤ NĂM 2026\n1. Hoàn thiện hạ tầng\n1.1. Nâng cấp máy chủ.\n1.2. Mua sắm máy quét:\n1.2.1. Máy quét khổ A3.\n"
        "1.2.2. Máy quét khổ A4.\n1.3. Thuê đường truyền.\n2. Đào tạo\n"))
    assert [p for _, p in _shape(doc)] == [
        "I", "I.1", "I.2", "II", "II.1", "II.1.1", "II.1.2", "II.1.2.1", "II.1.2.2", "II.1.3", "II.2",
    ]
    items = by_path(doc)
    assert items["I.1"].text == "Kết quả đạt được" and items["I.1"].parent == items["I"].id
    assert items["II.1.2.1"].parent == items["II.1.2"].id and items["II.1.2"].kind == "section"


def test_dash_and_full_stop_enumerators_of_older_documents():
    doc = document_from_text(_plan(
        "I- MỤC TIÊU\n1- Số hóa 100% hồ sơ lưu trữ.\nII- NỘI DUNG\n1- Chuẩn hóa dữ liệu:\na. Rà soát danh mục hồ sơ.\n"
        "b. Cập nhật phần mềm quản lý.\n2- Kết nối cơ sở dữ liệu 1-2 lần mỗi tuần.\n"))
    assert _shape(doc) == [
        ("section", "I"), ("objective", "I.1"), ("section", "II"), ("section", "II.1"), ("task", "II.1.a"),
        ("task", "II.1.b"), ("task", "II.2"),
    ]
    assert by_path(doc)["II.2"].text == "Kết nối cơ sở dữ liệu 1-2 lần mỗi tuần."


def test_a_heading_that_names_the_body_addressed_makes_its_units_assignments():
    # a letter has no MỤC TIÊU / NHIỆM VỤ parts: the headings naming the bodies decide
    doc = document_from_text(_plan(
        "Để triển khai kịp thời, Chủ tịch Ủy ban nhân dân tỉnh yêu cầu:\n1. Sở Xây dựng:\na) Rà soát các công trình xuống cấp.\n"
        "b) Phối hợp với Sở Tài chính lập dự toán sửa chữa.\n2. Giám đốc Sở Nội vụ:\n- Hướng dẫn lập danh mục hồ sơ.\n"
        "3. Tăng cường kiểm tra việc bảo quản hồ sơ:\na) Kiểm tra định kỳ hằng quý.\n",
        doc_type="", number="35/UBND-VX").replace("\n\nTriển khai", "\nV/v triển khai"))
    assert _shape(doc) == [
        ("section", "1"), ("assignment", "1.a"), ("assignment", "1.b"), ("section", "2"), ("assignment", "2.-1"),
        ("section", "3"), ("paragraph", "3.a"),  # a heading that names no body gives no kind
    ]


def test_the_clause_naming_who_executes_the_decision_is_an_assignment():
    doc = document_from_text(_plan(
        "QUYẾT ĐỊNH:\nĐiều 1. Ban hành Quy chế lưu trữ hồ sơ điện tử.\nĐiều 2. Điều khoản thi hành\n"
        "1. Quyết định này có hiệu lực thi hành kể từ ngày ký.\n2. Quyết định số 15/QĐ-UBND ngày 02/3/2020 hết hiệu lực kể từ ngày Quyết định này có hiệu lực.\n"
        "3. Sở Nội vụ có trách nhiệm hướng dẫn, kiểm tra việc thực hiện Quy chế.\n"
        "Điều 3. Hiệu lực thi hành\nQuy chế có hiệu lực sau 10 ngày kể từ ngày ký.\n"
        "Chánh Văn phòng Ủy ban nhân dân tỉnh, Thủ trưởng các sở, ban, ngành chịu trách nhiệm thi hành Quyết định này./.",
        doc_type="QUYẾT ĐỊNH", number="40/QĐ-UBND"))
    assert _shape(doc) == [
        ("article", "Điều 1"), ("article", "Điều 2"),
        ("paragraph", "Điều 2.1"), ("paragraph", "Điều 2.2"),  # entry into force and repeal are provisions
        ("assignment", "Điều 2.3"),
        ("article", "Điều 3"), ("paragraph", "Điều 3.¶1"), ("assignment", "Điều 3.¶2"),
    ]


def test_responsibility_lines_and_sector_lists():
    doc = document_from_text(_plan(
        "I. NHIỆM VỤ TRỌNG TÂM\n1. Số hóa hồ sơ đất đai\n- Quét và nhập liệu 20.000 hồ sơ.\n- Đối soát dữ liệu với bản gốc.\n"
        "Đơn vị chủ trì: Sở Nông nghiệp và Môi trường; Đơn vị phối hợp: Sở Tài chính.\n"
        "II. LĨNH VỰC ĐƯỢC HỖ TRỢ\n1. Các hoạt động giáo dục, đào tạo, y tế, văn hóa:\n- Mở trường học tư thục.\n"
        "2. Các hoạt động chủ yếu:\n- Tổ chức hội thảo.\n"))
    items = by_path(doc)
    assert items["I.1.-1"].kind == "task" and items["I.1.¶1"].kind == "assignment"
    assert items["II.1.-1"].kind == "paragraph"  # "hoạt động giáo dục, đào tạo, …" names sectors
    assert items["II.2.-1"].kind == "task"


_STARTS = ["I. ", "II. ", "I.1. ", "1. ", "2. ", "1.1. ", "1.2.1. ", "a) ", "b. ", "(1) ", "- ", "+ ", "* ", "• ", "1- ",
           "II- ", "Điều 3. ", "Chương II ", "Giai đoạn 1: ", "Về kinh phí: ", "Sở Tài chính: ", "", ""]
_WORDS = ["Tổ chức", "triển khai", "Sở Nội vụ", "chịu trách nhiệm thi hành Quyết định này", "Quý II/2026", "12 lớp",
          "cụ thể như sau:", "có hiệu lực", "NHIỆM VỤ", "MỤC TIÊU", ".", ":", ";"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_STARTS), st.lists(st.sampled_from(_WORDS), min_size=1, max_size=5)),
                min_size=1, max_size=25))
def test_any_mix_of_enumerators_gives_a_consistent_tree(lines):
    body = "\n".join(start + " ".join(words) for start, words in lines)
    doc = document_from_text(_plan(body))
    seen = {}
    for item in doc.items:
        if item.parent is not None:
            parent = seen[item.parent]  # a parent comes before its units
            if item.kind.value != "table_row":
                assert item.path.startswith(parent.path + "."), (parent.path, item.path)
        seen[item.id] = item


def test_a_clause_of_an_article_runs_over_its_paragraphs():
    doc = document_from_text(_plan(
        "Điều 1. Lưu trữ hồ sơ điện tử\n1. Hồ sơ điện tử được lưu trữ tại kho dữ liệu của tỉnh.\n"
        "Kho dữ liệu được sao lưu hằng ngày.\n2. Các cơ quan lưu trữ các loại hồ sơ sau:\na) Hồ sơ cán bộ;\nb) Hồ sơ dự án;\n"
        "3. Hồ sơ giấy được số hóa theo danh mục;\n4. Hồ sơ ảnh được số hóa theo danh mục;\n"
        "Việc số hóa tại khoản 3 và khoản 4 Điều này hoàn thành trong năm 2026.\n",
        doc_type="QUYẾT ĐỊNH", number="41/QĐ-UBND"))
    assert _shape(doc) == [
        ("article", "Điều 1"),
        ("paragraph", "Điều 1.1"), ("paragraph", "Điều 1.1.¶1"),  # a clause's second paragraph; the clause heads nothing
        ("section", "Điều 1.2"), ("paragraph", "Điều 1.2.a"), ("paragraph", "Điều 1.2.b"),
        ("paragraph", "Điều 1.3"), ("paragraph", "Điều 1.4"),
        ("paragraph", "Điều 1.¶1"),  # after clauses ending with ";" (a list): a paragraph of the article
    ]


def test_an_article_about_a_body_and_a_list_of_bodies_are_not_assignments():
    doc = document_from_text(_plan(
        "Điều 1. Hội đồng Lưu trữ tỉnh\n1. Hội đồng do Chủ tịch Ủy ban nhân dân tỉnh thành lập.\n"
        "2. Thành phần Hội đồng gồm:\na) Chủ tịch Hội đồng là Giám đốc Sở Nội vụ;\nb) Các ủy viên.\n",
        doc_type="QUYẾT ĐỊNH", number="42/QĐ-UBND"))
    assert {item.kind.value for item in doc.items if item.path.startswith("Điều 1.")} == {"paragraph", "section"}
    assert not any(a.inherited for item in doc.items for a in item.agencies)
    listing = document_from_text(_plan("I. Các sở, ngành:\nSở Nội vụ\nSở Tài chính\nII. NHIỆM VỤ\n1. Sở Nội vụ:\n"
                                       "- Hướng dẫn nghiệp vụ lưu trữ.\n"))
    assert [(i.kind.value, i.path) for i in listing.items] == [
        ("section", "I"), ("paragraph", "I.¶1"), ("paragraph", "I.¶2"), ("section", "II"), ("section", "II.1"),
        ("assignment", "II.1.-1"),
    ]
