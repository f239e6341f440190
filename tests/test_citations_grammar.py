"""The citation grammar (issue 13 "Citations", issue 12 item 2), on sentences written for these tests."""
from __future__ import annotations

import pytest

from pipeline.extract.citations import find_citations, merge_citations
from tests.helpers import document_from_text


def cited(text: str) -> list[tuple]:
    return [(h.doc_type, h.number, h.issued_date) for h in find_citations(text)]


@pytest.mark.parametrize("text, expected", [
    # "Căn cứ", "Xét", "theo", "thực hiện" mentions, with "số" or without
    ("Căn cứ Quyết định số 245/QĐ-UBND ngày 14 tháng 02 năm 2024 của Ủy ban nhân dân tỉnh;",
     [("quyet_dinh", "245/QĐ-UBND", "2024-02-14")]),
    ("Xét Tờ trình số 77/TTr-SNV ngày 02/10/2024 của Sở Nội vụ.", [("to_trinh", "77/TTr-SNV", "2024-10-02")]),
    ("Các đơn vị triển khai theo Kế hoạch 118/KH-UBND ngày 5/6/2024.", [("ke_hoach", "118/KH-UBND", "2024-06-05")]),
    ("Thực hiện Chỉ thị 07/CT-TTg ngày 04 tháng 3 năm 2024 của Thủ tướng Chính phủ,", [("chi_thi", "07/CT-TTg", "2024-03-04")]),
    # numbers split by spaces, numbers of a series, the type taken from the symbol
    ("thực hiện Kết luận số 301- KL/TU của Ban Thường vụ Tỉnh ủy", [("ket_luan", "301-KL/TU", None)]),
    ("Căn cứ Nghị định số 12 / 2025 / NĐ - CP ngày 3/1/2025;", [("nghi_dinh", "12/2025/NĐ-CP", "2025-01-03")]),
    ("theo Nghị quyết số 66.7/2025/NQ-CP của Chính phủ", [("nghi_quyet", "66.7/2025/NQ-CP", None)]),
    ("được giao tại văn bản 1520/UBND-KT", [("van_ban", "1520/UBND-KT", None)]),
    ("theo Tờ trình số 1 2 5/TTr-SNV", [("to_trinh", "125/TTr-SNV", None)]),  # digits stamped one by one
    # an old number with a dash and no "/": cited with its type word; a law's number alone in a list
    ("Căn cứ Nghị định số 64-CP ngày 27 tháng 9 năm 1993 của Chính phủ;", [("nghi_dinh", "64-CP", "1993-09-27")]),
    ("được sửa đổi bởi Luật số 43/2024/QH15, số 47/2024/QH15", [("luat", "43/2024/QH15", None), (None, "47/2024/QH15", None)]),
    # laws by name: with a number, with a date, alone in a basis line
    ("Căn cứ Luật Đầu tư công số 58/2024/QH15 được sửa đổi, bổ sung bởi Luật số 90/2025/QH15;",
     [("luat", "58/2024/QH15", None), ("luat", "90/2025/QH15", None)]),
    ("Căn cứ Luật Đất đai ngày 18 tháng 01 năm 2024;", [("luat", None, "2024-01-18")]),
    ("Căn cứ Bộ luật Lao động số 45/2019/QH14;", [("bo_luat", "45/2019/QH14", None)]),
    ("Căn cứ Luật Tổ chức chính quyền địa phương;", [("luat", None, None)]),
    ("Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam đã được sửa đổi, bổ sung theo Nghị quyết số 203/2025/QH15;",
     [("hien_phap", None, None), ("nghi_quyet", "203/2025/QH15", None)]),
    ("theo Luật Điện lực được Quốc hội khóa XV thông qua ngày 30 tháng 11 năm 2024,", [("luat", None, "2024-11-30")]),
    # unnumbered documents known by their type and date, after a citing word
    ("theo Công văn ngày 05/3/2024 của Bộ Tài chính về việc rà soát", [("cong_van", None, "2024-03-05")]),
    ("Thực hiện Kết luận của Bộ Chính trị ngày 12 tháng 3 năm 2025 về sắp xếp bộ máy", [("ket_luan", None, "2025-03-12")]),
])
def test_citation_forms(text, expected):
    assert cited(text) == expected


@pytest.mark.parametrize("text, expected", [
    # OCR damage: "3l" for 31, "xố" for số, "Căn cử", tone marks dropped or swapped, "O" for 0
    ("Căn cử Quyết đinh xố 3l/2024/QĐ-UBND ngảy 05 thảng 3 năm 2O24 của Ủy ban nhân dân tỉnh;",
     [("quyet_dinh", "31/2024/QĐ-UBND", "2024-03-05")]),
    ("Can cu Nghi dinh so 45/2021/ND-CP ngay 3l thang 3 nam 2021", [("nghi_dinh", "45/2021/ND-CP", "2021-03-31")]),
    ("Căn cứ Thông tư S6 09/2022/TT-BTC ngày l5/02/2022;", [("thong_tu", "09/2022/TT-BTC", "2022-02-15")]),
    ("Căn cứ Luật Khoa hoc và Công nghê ngảy l8 thảng 6 nãm 2013;", [("luat", None, "2013-06-18")]),
])
def test_ocr_damaged_citations(text, expected):
    assert cited(text) == expected


@pytest.mark.parametrize("text", [
    "Luật này có hiệu lực thi hành từ ngày 01 tháng 01 năm 2026.",
    "Luật này được Quốc hội khóa XV, kỳ họp thứ 9 thông qua ngày 25 tháng 6 năm 2025.",
    "Luật Đất đai thì không áp dụng đối với hồ sơ nộp trước ngày 01/8/2024.",
    "Kế hoạch phải hoàn thành trước ngày 30/6/2025.",
    "Báo cáo gửi về Sở Nội vụ trước ngày 15/12/2024.",
    "Quyết định này có hiệu lực kể từ ngày 05 tháng 3 năm 2025.",
    "Thông tư này có hiệu lực từ ngày 15/02/2026.",
    "Các quy định của pháp luật về đất đai ngày càng hoàn thiện; luật sư được mời ngày 3/4/2025.",
    "theo kế hoạch ngày 12/3/2025 các đoàn sẽ đi kiểm tra",  # a plan, not a named document
    "Thực hiện 1.500 tin bài trong năm 2025, đạt 3l% kế hoạch.",
    "Quý II/2025 hoàn thành 12/15 hạng mục; tỷ lệ 3/4.",
    "bảo đảm khoảng cách an toàn theo Quy chuẩn QCVN 01:2019/BCT của Bộ Công Thương",  # a standard
    # a list's codes: no "/", no type word ("Loại 190 - Phòng", "Danh mục 1 - Phụ lục"), a chemical's name
    "Các khoản chi đã được hạch toán ở Loại 190 - Phòng không, không quân.",
    "Dự án thuộc Mục I Danh mục 1 - Phụ lục được miễn thuế.",
    "Hợp chất 2,4,5- Trichlorophenol có ngưỡng ≥ 400 mg/L.",
    # a form's code, not a document
    "Người khai hải quan lập tờ khai theo Mẫu số 04/SS-CTĐT ban hành kèm theo Thông tư này.",
    "báo cáo theo hướng dẫn tại Biểu mẫu số 01/ĐGTĐ-BHM và mẫu số 13/QĐ-KTCSSX/GSQL",
])
def test_ordinary_prose_cites_nothing(text):
    assert find_citations(text) == []


def test_spans_point_at_the_printed_text():
    text = "Căn cứ Quyết đinh xố 3l/2024/QĐ-UBND ngảy 05 thảng 3 năm 2O24; theo Luật Đất đai ngày 18 tháng 01 năm 2024"
    for hit in find_citations(text):
        assert text[hit.start:hit.end] == hit.raw


def test_a_law_named_alone_joins_its_dated_mention():
    hits = find_citations("Căn cứ Luật Đất đai ngày 18 tháng 01 năm 2024;") + find_citations("Căn cứ Luật Đất đai;")
    hits += find_citations("Căn cứ Luật Nhà ở;")
    merged = merge_citations([(h, 0, 1, "legal_basis") for h in hits])
    assert [(c.doc_type, c.issued_date, len(c.mentions)) for c in merged] == [("luat", "2024-01-18", 2), ("luat", None, 1)]


BASES_ON_A_SCAN = """ỦY BAN NHÂN DÂN TỈNH HÀ SƠN
Số: 52/QĐ-UBND
Hà Sơn, ngày 09 tháng 01 năm 2026
QUYẾT ĐỊNH
Về việc thành lập Tổ công tác
CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH HÀ SƠN
Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 02
VÀ
năm 2025;
Căn cứ Quyết định số 1O2/QĐ-UBND ngày
I
2l/11/2025 của Ủy ban nhân dân tỉnh về kiện toàn tổ chức;
Theo đề nghị của Giám đốc Sở Nội vụ tại Tờ trình xố 4 5/TTr-SNV ngày 05/01/2026.
QUYẾT ĐỊNH:
Điều 1. Thành lập Tổ công tác theo Công văn ngày 06/01/2026 của Bộ Nội vụ.
Điều 2. Quyết định này có hiệu lực kể từ ngày ký.
"""


def test_bases_wrapped_around_stray_ocr_marks_keep_their_dates():
    doc = document_from_text(BASES_ON_A_SCAN)
    cited = {(c.doc_type, c.number, c.issued_date) for c in doc.citations}
    assert cited == {
        ("luat", None, "2025-02-19"), ("quyet_dinh", "102/QĐ-UBND", "2025-11-21"), ("to_trinh", "45/TTr-SNV", "2026-01-05"),
        ("cong_van", None, "2026-01-06"),
    }
    assert [i.path for i in doc.items] == ["Điều 1", "Điều 2"]
    for citation in doc.citations:
        for mention in citation.mentions:
            assert doc.text[mention.span[0]:mention.span[1]] == mention.raw


def test_a_word_naming_what_an_act_does_yields_to_its_symbols_type_code():
    """"Giấy phép số 131/QĐ-UBND" is a decision granting a permit; "Văn bản số 1591-CV/ĐU" a letter; a Party rule
    "Quy định số 296-QĐ/TW" keeps its word. "ĐA" is đề án, "DA" dự án; "HĐ" hợp đồng, "HD" hướng dẫn."""
    from pipeline.lexicon import doc_type_from_code

    types = {h.number: h.doc_type for h in find_citations(
        "theo Giấy phép số 131/QĐ-UBND ngày 16/01/2023, Văn bản số 1591-CV/ĐU ngày 02/3/2026 và Quy định số 296-QĐ/TW")}
    assert types == {"131/QĐ-UBND": "quyet_dinh", "1591-CV/ĐU": "cong_van", "296-QĐ/TW": "quy_dinh"}
    assert [doc_type_from_code(c) for c in ("ĐA", "DA", "HĐ", "HD")] == ["de_an", "du_an", "hop_dong", "huong_dan"]


def test_a_cited_act_dated_after_the_citing_one_is_misread_and_goes_to_review():
    """"Tờ trình số 4179/TTr-SCT ngày 14/7/2096" in a decision of 2026: OCR misread the year, and the year one digit
    from the document's is taken; a later day of the same year stays as printed; both are flagged."""
    doc = document_from_text("""ỦY BAN NHÂN DÂN
TỈNH LÀO CAI
Số: 2507/QĐ-UBND
Lào Cai, ngày 21 tháng 7 năm 2026
QUYẾT ĐỊNH
Về việc cấp giấy phép sử dụng vật liệu nổ công nghiệp
Căn cứ Nghị định số 71/2026/NĐ-CP ngày 25 tháng 8 năm 2026 của Chính phủ;
Theo đề nghị của Sở Công Thương tại Tờ trình số 4179/TTr-SCT ngày 14/7/2096.
QUYẾT ĐỊNH:
Điều 1. Cho phép Công ty sử dụng vật liệu nổ công nghiệp.
""")
    by_number = {c.number: c for c in doc.citations}
    assert by_number["4179/TTr-SCT"].issued_date == "2026-07-14" and by_number["4179/TTr-SCT"].confidence < 0.7
    assert by_number["71/2026/NĐ-CP"].issued_date == "2026-08-25" and "kept as printed" in by_number["71/2026/NĐ-CP"].reasons[-1]


def test_a_circulars_code_with_its_first_t_read_as_a_one():
    """OCR's "Thông tư số 38/2025/1T-BCT" cites Thông tư 38/2025/TT-BCT; the span keeps the text as read."""
    text = "và Thông tư số 38/2025/1T-BCT ngày 19/6/2025 của Bộ Công Thương về phân cấp"
    hit = find_citations(text)[0]
    assert (hit.doc_type, hit.number, hit.issued_date) == ("thong_tu", "38/2025/TT-BCT", "2025-06-19")
    assert "1T-BCT" in text[hit.start:hit.end]
