"""Headers of legal normative documents (Luật Ban hành văn bản quy phạm pháp luật and its decrees) and the
header conventions of Nghị định 30/2020/NĐ-CP, on texts written for these tests."""
from __future__ import annotations

import datetime as dt

import pytest

from pipeline.segment.header import agency_case, continue_number, parse_number_line, parse_place_date
from tests.helpers import document_from_text

LAW = """QUỐC HỘI
-------
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
---------------
Luật số: 109/2025/QH15
LUẬT
THỦY LỢI NỘI ĐỒNG
Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;
Quốc hội ban hành Luật Thủy lợi nội đồng.
Chương I
QUY ĐỊNH CHUNG
Điều 1. Phạm vi điều chỉnh
Luật này quy định về công trình thủy lợi nội đồng.
Điều 2. Hiệu lực thi hành
Luật này có hiệu lực thi hành từ ngày 01 tháng 7 năm 2026.
Luật này được Quốc hội nước Cộng hòa xã hội chủ nghĩa Việt Nam khóa XV, kỳ họp thứ 10 thông qua ngày 04 tháng 12 năm 2025.
CHỦ TỊCH QUỐC HỘI
Lê Văn Bình
"""


def test_law_number_type_issuer_title_and_passing_date():
    doc = document_from_text(LAW)
    info = doc.document
    assert (info.doc_type, info.number) == ("luat", "109/2025/QH15")
    assert info.issuer == "Quốc hội"
    assert info.title == "THỦY LỢI NỘI ĐỒNG"  # the name on the line after "LUẬT"
    # a law prints no date in its header: it bears the day it was passed, stated at its end
    assert info.issued_date == "2025-12-04" and "issued_date" in info.inferred
    assert [i.path for i in doc.items][:2] == ["Chương I", "Chương I.Điều 1"]
    # the law's own "Luật này ... có hiệu lực từ ngày ..." is not a citation
    assert {c.doc_type for c in doc.citations} == {"hien_phap"}


STANDING_COMMITTEE = """ỦY BAN THƯỜNG VỤ
QUỐC HỘI
-------
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
---------------
Nghị quyết số: 115/2025/UBTVQH15
Hà Nội, ngày 20 tháng 11 năm 2025
NGHỊ QUYẾT
Về tiêu chuẩn của đơn vị hành chính
ỦY BAN THƯỜNG VỤ QUỐC HỘI
Căn cứ Luật Tổ chức Quốc hội số 57/2014/QH13;
QUYẾT NGHỊ:
Điều 1. Phạm vi điều chỉnh
Nghị quyết này quy định tiêu chuẩn của đơn vị hành chính.
"""


def test_resolution_number_with_its_type_word_and_a_two_line_issuer():
    info = document_from_text(STANDING_COMMITTEE).document
    assert (info.doc_type, info.number, info.issued_date) == ("nghi_quyet", "115/2025/UBTVQH15", "2025-11-20")
    assert info.issuer == "Ủy ban Thường vụ Quốc hội" and info.parent_issuer is None
    assert info.title == "Về tiêu chuẩn của đơn vị hành chính"


def decree_header(number_lines: str, heading: str = "THÔNG TƯ", issuer: str = "BỘ TÀI CHÍNH") -> str:
    return f"""{issuer}
-------
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
---------------
{number_lines}
{heading}
Hướng dẫn quản lý kinh phí thử nghiệm
Căn cứ Luật Ngân sách nhà nước số 89/2025/QH15;
Theo đề nghị của Vụ trưởng Vụ Ngân sách;
Bộ trưởng Bộ Tài chính ban hành Thông tư hướng dẫn quản lý kinh phí thử nghiệm.
Điều 1. Phạm vi điều chỉnh
Thông tư này hướng dẫn quản lý kinh phí thử nghiệm.
"""


@pytest.mark.parametrize("number_lines, number", [
    ("Số 06/2026/TT-BTC\nHà Nội, ngày 12 tháng 01 năm 2026", "06/2026/TT-BTC"),  # no colon
    ("Số: 06/2026/TT-BTС\nHà Nội, ngày 12 tháng 01 năm 2026", "06/2026/TT-BTC"),  # a Cyrillic "С" in the symbol
    ("SỐ : 06 / 2026 / TT-BTC\nHà Nội, ngày 12 tháng 01 năm 2026", "06/2026/TT-BTC"),  # spaces around the joiners
    ("Số: 06/2026/\nTT-BTC\nHà Nội, ngày 12 tháng 01 năm 2026", "06/2026/TT-BTC"),  # split over two lines
    ("Số: 06/2026/TT-\nBTC\nHà Nội, ngày 12 tháng 01 năm 2026", "06/2026/TT-BTC"),  # split inside the symbol
    ("Số:\n06/2026/TT-BTC\nHà Nội, ngày 12 tháng 01 năm 2026", "06/2026/TT-BTC"),  # the label alone on its line
    # split across the two header columns: the date of the right column sits between the two halves
    ("Số: 06/2026/\tHà Nội, ngày 12 tháng 01 năm 2026\nTT-BTC", "06/2026/TT-BTC"),
    ("Số: 06/2026/TT-BTC\tHà Nội, ngày 12 tháng 01 năm 2026", "06/2026/TT-BTC"),  # both columns on one line
    ("Số:\t06/2026/TT-BTC\tHà Nội, ngày 12 tháng 01 năm 2026", "06/2026/TT-BTC"),  # a row of three cells
    ("Sô: 06/2026/TT-BTC\nHà Nội, ngảy l2 thảng 0l năm 2O26", "06/2026/TT-BTC"),  # OCR: "Sô", "l2", "2O26"
])
def test_number_conventions(number_lines, number):
    info = document_from_text(decree_header(number_lines)).document
    assert (info.number, info.doc_type) == (number, "thong_tu")
    assert info.issued_date == "2026-01-12" and info.place == "Hà Nội"
    assert info.issuer == "Bộ Tài chính"
    assert info.title == "Hướng dẫn quản lý kinh phí thử nghiệm"


def test_a_title_citing_a_numbered_document_is_not_the_number_line():
    text = decree_header("Số 65/2025/TT-BCT\nHà Nội, ngày 12 tháng 01 năm 2026").replace(
        "Hướng dẫn quản lý kinh phí thử nghiệm\n",
        "Quy định chi tiết một số điều của\nNghị định số 111/2015/NĐ-CP về phát triển công nghiệp hỗ trợ\n")
    info = document_from_text(text).document
    assert (info.number, info.doc_type) == ("65/2025/TT-BCT", "thong_tu")
    assert info.title == "Quy định chi tiết một số điều của Nghị định số 111/2015/NĐ-CP về phát triển công nghiệp hỗ trợ"


def test_numbers_of_a_series_carry_a_dot():
    info = document_from_text(decree_header("Số: 66.15/2026/NQ-CP\nHà Nội, ngày 3 tháng 2 năm 2026", "NGHỊ QUYẾT", "CHÍNH PHỦ")).document
    assert (info.doc_type, info.number, info.issuer) == ("nghi_quyet", "66.15/2026/NQ-CP", "Chính phủ")


@pytest.mark.parametrize("heading", ["THONG TU", "THÔNG TU'", "", "HƯỚNG DẪN CHUNG"])
def test_type_from_the_symbol_when_the_heading_is_damaged_or_missing(heading):
    info = document_from_text(decree_header("Số: 06/2026/TT-BTC\nHà Nội, ngày 12 tháng 01 năm 2026", heading)).document
    assert (info.doc_type, info.number) == ("thong_tu", "06/2026/TT-BTC")


def test_quoc_hoi_symbol_without_a_heading_takes_the_type_from_the_enacting_formula():
    text = STANDING_COMMITTEE.replace("Nghị quyết số:", "Số:").replace("NGHỊ QUYẾT\n", "")
    assert document_from_text(text).document.doc_type == "nghi_quyet"  # "QUYẾT NGHỊ:"
    text = LAW.replace("Luật số:", "Số:").replace("LUẬT\n", "")
    assert document_from_text(text).document.doc_type == "luat"  # "Quốc hội ban hành Luật …"


def test_a_date_line_without_place_and_a_title_wrapped_over_many_lines():
    text = """CHÍNH PHỦ
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 41/2026/NĐ-CP
Ngày 8 tháng 3 năm 2026
NGHỊ ĐỊNH
Sửa đổi, bổ sung một số điều của Nghị định số 10/2020/NĐ-CP ngày 12 tháng 02
năm 2020 của Chính phủ quy định về kinh doanh vận tải được sửa đổi, bổ sung bởi
Nghị định số 20/2022/NĐ-CP ngày 10 tháng 3 năm 2022 của
Chính phủ và Nghị định số 30/2024/NĐ-CP ngày 5 tháng 4 năm 2024 của
Chính phủ quy định về kinh doanh vận tải bằng xe ô tô.
Căn cứ Luật Tổ chức Chính phủ số 63/2025/QH15;
Chính phủ ban hành Nghị định sửa đổi, bổ sung một số điều.
Điều 1. Sửa đổi Điều 3
Nội dung sửa đổi.
"""
    doc = document_from_text(text)
    info = doc.document
    assert (info.doc_type, info.number, info.issued_date, info.place) == ("nghi_dinh", "41/2026/NĐ-CP", "2026-03-08", None)
    assert info.title.startswith("Sửa đổi, bổ sung") and info.title.endswith("bằng xe ô tô.")
    assert doc.items[0].path == "Điều 1"  # no line of the title became an item


def test_a_plan_paragraph_after_the_title_is_not_the_title():
    text = """ỦY BAN NHÂN DÂN TỈNH HÀ SƠN
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 15/KH-UBND
Hà Sơn, ngày 02 tháng 02 năm 2026
KẾ HOẠCH
Triển khai chuyển đổi số năm 2026
Nhằm đẩy mạnh chuyển đổi số, Ủy ban nhân dân tỉnh ban hành Kế hoạch như sau:
I. MỤC TIÊU
1. Hoàn thành hạ tầng số.
"""
    info = document_from_text(text).document
    assert info.title == "Triển khai chuyển đổi số năm 2026"
    assert (info.doc_type, info.number, info.issuer) == ("ke_hoach", "15/KH-UBND", "Ủy ban nhân dân tỉnh Hà Sơn")


def test_stray_ocr_marks_among_the_bases_do_not_open_the_body():
    text = """ỦY BAN NHÂN DÂN TỈNH HÀ SƠN
Số: 3l/QĐ-UBND
Hà Sơn, ngày 3l tháng 12 năm 2025
QUYẾT ĐỊNH
Về việc phê duyệt kế hoạch
CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH HÀ SƠN
Căn cử Luật Tổ chức chính quyền địa phương ngày 19 tháng 02 năm 2025;
I
Căn cứ Quyết định xố 1O5/QĐ-UBND ngày 05/3/2025 của Ủy ban nhân dân tỉnh;
Z
Xét đề nghị của Giám đốc Sở Tài chính tại Tờ trình số 88/TTr-STC ngày 20/12/2025.
:
QUYẾT ĐỊNH:
Điều 1. Phê duyệt kế hoạch.
Điều 2. Quyết định này có hiệu lực kể từ ngày ký.
"""
    doc = document_from_text(text)
    info = doc.document
    assert (info.number, info.issued_date) == ("31/QĐ-UBND", "2025-12-31")  # "3l" is 31
    assert [i.path for i in doc.items] == ["Điều 1", "Điều 2"]
    cited = {(c.doc_type, c.number, c.issued_date) for c in doc.citations}
    assert cited == {
        ("luat", None, "2025-02-19"), ("quyet_dinh", "105/QĐ-UBND", "2025-03-05"), ("to_trinh", "88/TTr-STC", "2025-12-20"),
    }
    assert all(m.context == "legal_basis" for c in doc.citations for m in c.mentions)


def test_number_line_parsing():
    assert parse_number_line("Số lượng hồ sơ: 12") is None  # a word, not the label
    assert parse_number_line("Số 12 hộ gia đình") is None
    draft = parse_number_line("Số:        /KH-UBND")
    assert (draft.number, draft.raw, draft.complete) == (None, "/KH-UBND", True)
    law = parse_number_line("Luật số: 109/2025/QH15")
    assert (law.number, law.doc_type) == ("109/2025/QH15", "luat")
    order = parse_number_line("Pháp lệnh số 01/2026/UBTVQH15")
    assert (order.number, order.doc_type) == ("01/2026/UBTVQH15", "phap_lenh")
    partial = parse_number_line("Số: 12/2025/NĐ-")
    assert partial.complete is False
    assert continue_number(partial, "CP").number == "12/2025/NĐ-CP"
    assert continue_number(partial, "Hà Nội, ngày 5 tháng 1 năm 2025") is None


def test_place_date_parsing():
    assert parse_place_date("Hà Nội, ngày 31 tháng 12 năm 2025") == ("Hà Nội", dt.date(2025, 12, 31))
    assert parse_place_date("Ngày 8 tháng 12 năm 2025")[1].isoformat() == "2025-12-08"
    assert parse_place_date("Đà Nẵng, ngảy O5 thảng 3 năm 2O26")[1].isoformat() == "2026-03-05"  # OCR


def test_issuer_names_are_written_as_running_text_writes_them():
    assert agency_case("NGÂN HÀNG NHÀ NƯỚC VIỆT NAM") == "Ngân hàng Nhà nước Việt Nam"
    assert agency_case("ỦY BAN THƯỜNG VỤ QUỐC HỘI") == "Ủy ban Thường vụ Quốc hội"
    assert agency_case("TÒA ÁN NHÂN DÂN TỐI CAO") == "Tòa án nhân dân tối cao"
    assert agency_case("BỘ giao thông vận tải") == "Bộ Giao thông vận tải"  # only the head typed in capitals
    assert agency_case("SỞ KH&CN") == "Sở KH&CN"
    assert agency_case("TỈNH ỦY LÀO CAI") == "Tỉnh ủy Lào Cai"  # a place's party committee, then the place's name
    assert agency_case("HUYỆN UỶ BẢO THẮNG") == "Huyện ủy Bảo Thắng"


# ---- headers and bases as OCR reads a scan (issue 12): columns run together, stray marks, handwritten slots
SCANNED_CIRCULAR = """BỘ NỘI VỤ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
I
Số: "/2025/TT-BNV
:
Độc lập - Tự do - Hạnh phúc Hà Nội, ngày 1 † tháng J_ nÄu-202#
THÔNG TƯ
Hướng dẫn chế độ báo cáo thống kê ngành nội vụ
Cũn rứ Luật Thống kê ngày 23 tháng 11 năm 2015;
,
Bà >
Căn cứ Nghị định sô 63/2022/NĐ-CP ngày 12 tháng 9 năm 2022 của Chính phủ;
É
Xót đệ nghị của Vụ trưởng Vụ Kế hoạch - Tài chính;
_ Bộ trưởng Bộ Nội vụ ban hành Thông tư hướng dẫn chế độ báo cáo thống kê.
Điều 1. Phạm vi điều chỉnh
Thông tư này hướng dẫn chế độ báo cáo thống kê.
INơi nhận:
- Như Điều 1;
BỘ TRƯỞNG
"""


def test_a_scanned_circular_with_a_handwritten_number_and_stray_marks():
    doc = document_from_text(SCANNED_CIRCULAR)
    info = doc.document
    assert (info.doc_type, info.number, info.number_raw) == ("thong_tu", None, "/2025/TT-BNV")  # never guessed
    assert (info.issuer, info.place, info.issued_date) == ("Bộ Nội vụ", "Hà Nội", None)
    assert info.title == "Hướng dẫn chế độ báo cáo thống kê ngành nội vụ"
    cited = {(c.doc_type, c.number, c.issued_date) for c in doc.citations}
    assert cited == {("luat", None, "2015-11-23"), ("nghi_dinh", "63/2022/NĐ-CP", "2022-09-12")}
    # no stray mark, basis, enacting sentence or closing line became an item
    assert [(i.path, i.text) for i in doc.items] == [
        ("Điều 1", "Phạm vi điều chỉnh"), ("Điều 1.¶1", "Thông tư này hướng dẫn chế độ báo cáo thống kê."),
    ]


def test_a_scanned_letter_whose_number_and_subject_run_together():
    text = """BỘ CÔNG THƯƠNG
CỤC HÓA CHẤT
Số: Êđã /HC-KHCN V/v hướng dẫn khai báo hóa chất
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Hà Nội, ngày °Ê tháng 4 năm 2026
Kính gửi: Sở Công Thương các tỉnh
1. Về khai báo hóa chất nhập khẩu.
"""
    info = document_from_text(text).document
    assert (info.doc_type, info.number, info.number_raw) == ("cong_van", None, "/HC-KHCN")
    assert info.title == "hướng dẫn khai báo hóa chất"
    assert (info.issuer, info.parent_issuer, info.place, info.issued_date) == ("Cục Hóa chất", "Bộ Công Thương", "Hà Nội", None)


def test_ocr_damaged_headings_and_a_record_that_opens_with_its_date():
    licence = """ỦY BAN NHÂN DẦN
TỈNH HÀ SƠN
Số: 81/GP-UBND
Hà Sơn, ngày 02 tháng 3 năm 2026
GIẦY PHÉP SỬ DỤNG VẬT LIỆU NỔ CÔNG NGHIỆP
CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH HÀ SƠN
Căn cứ Luật Tổ chức chính quyền địa phương ngày 16/6/2025;
Xét đề nghị của Công ty Cổ phần Đá Hà Sơn;
Theo đề nghị của Sở Công Thương tại Tờ trình số 12/TTr-SCT ngày 20/02/2026;
,
Điều 1. Cho phép Công ty sử dụng vật liệu nổ công nghiệp.
"""
    info = document_from_text(licence).document
    assert (info.doc_type, info.number, info.issuer) == ("giay_phep", "81/GP-UBND", "Ủy ban nhân dân tỉnh Hà Sơn")
    assert info.title == "SỬ DỤNG VẬT LIỆU NỔ CÔNG NGHIỆP"
    record = """CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
HIẾN BẢN KIỂM TRA
Hiện trường khu vực nổ mìn
Hôm nay, ngày 08/6/2026, Sở Công Thương tiến hành kiểm tra hiện trường tại mỏ đá Hà Sơn.
A. THÀNH PHẦN
1. Đại diện Sở Công Thương.
"""
    doc = document_from_text(record)
    assert (doc.document.doc_type, doc.document.place) == ("bien_ban", None)  # "Hôm nay" is no place
    assert doc.document.issued_date == "2026-06-08" and doc.document.inferred == ["issued_date"]  # the record's opening
    assert doc.document.title == "KIỂM TRA"  # the subject the heading line carries


HDND_RESOLUTION = """HỘI ĐỒNG NHÂN DÂN
TỈNH YÊN BÁI
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 21/2025/NQ-HĐND
Yên Bái, ngày 10 tháng 12 năm 2025
NGHỊ QUYẾT
Quy định mức chi hỗ trợ đào tạo nghề cho lao động nông thôn trên địa bàn tỉnh giai đoạn 2026 - 2030
HỘI ĐỒNG NHÂN DÂN TỈNH YÊN BÁI
KHÓA XIX, KỲ HỌP THỨ 22
Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 02 năm 2025;
Xét Tờ trình số 190/TTr-UBND ngày 25 tháng 11 năm 2025 của Ủy ban nhân dân tỉnh;
QUYẾT NGHỊ:
Điều 1. Mức hỗ trợ
Hỗ trợ đào tạo nghề cho 2.000 lao động nông thôn mỗi năm.
Điều 2. Hiệu lực thi hành
Nghị quyết này có hiệu lực từ ngày 01 tháng 01 năm 2026.
"""


def test_a_council_resolution_keeps_its_council_and_its_title():
    """"HỘI ĐỒNG NHÂN DÂN" alone on the first line is the issuer (a council, not a damaged "HỢP ĐỒNG"
    heading), and the term and sitting under the enacting council are not part of the title."""
    info = document_from_text(HDND_RESOLUTION).document
    assert (info.doc_type, info.number) == ("nghi_quyet", "21/2025/NQ-HĐND")
    assert info.issuer == "Hội đồng nhân dân tỉnh Yên Bái"
    assert info.title == ("Quy định mức chi hỗ trợ đào tạo nghề cho lao động nông thôn trên địa bàn tỉnh "
                          "giai đoạn 2026 - 2030")


@pytest.mark.parametrize("line, session", [
    ("KHÓA XIX, KỲ HỌP THỨ 22", True), ("Khóa XV - Kỳ họp thứ 5", True), ("KỲ HỌP CHUYÊN ĐỀ", True),
    ("Khoa học và công nghệ", False), ("KỲ HỌP", False),
])
def test_session_lines(line, session):
    from pipeline.segment.header import is_session_line
    assert is_session_line(line) is session


# ---- republished texts: the heading is one sentence in running-text case --------------------
REPUBLISHED = """Thông tư
của Bộ Nông nghiệp Số 45/1999/TT-BNN ngày 12 tháng 4 năm 1999
Hướng dẫn quản lý giống cây trồng
nhập khẩu

Bộ trưởng Bộ Nông nghiệp

- Căn cứ Nghị định số 73/CP ngày 01/11/1995 của Chính phủ;
- Căn cứ ý kiến của Thủ tướng Chính phủ;
Bộ Nông nghiệp hướng dẫn như sau:
I. Quy định chung
1/ Giống nhập khẩu phải có giấy phép.
2/ Thời hạn giấy phép là 12 tháng.
"""


def test_a_republished_heading_gives_type_issuer_number_date_and_title():
    doc = document_from_text(REPUBLISHED)
    info = doc.document
    assert (info.doc_type, info.number, info.issued_date) == ("thong_tu", "45/1999/TT-BNN", "1999-04-12")
    assert info.issuer == "Bộ Nông nghiệp"
    assert info.title == "Hướng dẫn quản lý giống cây trồng nhập khẩu"  # the authority line is not the title
    texts = [item.text for item in doc.items]
    assert not any(t.startswith(("Căn cứ", "- Căn cứ", "Bộ trưởng")) for t in texts)  # bases and authority
    assert [item.path for item in doc.items][-2:] == ["I.1", "I.2"]  # "1/ " numbers units
    assert {c.number for c in doc.citations} == {"73/CP"}


@pytest.mark.parametrize("lines, want", [
    (["Nghị định của Chính phủ số 117/2003/NĐ-CP ngày 10/10/2003", "về việc tuyển dụng công chức"],
     ("nghi_dinh", "Chính phủ", "117/2003/NĐ-CP", dt.date(2003, 10, 10), "")),
    (["Nghị định của Chính phủ số 115/2003/NĐ-CP", "ngày 10/10/2003 về chế độ công chức dự bị."],
     ("nghi_dinh", "Chính phủ", "115/2003/NĐ-CP", dt.date(2003, 10, 10), "về chế độ công chức dự bị.")),
    (["Quyết định", "của Bộ trưởng Bộ Tài chính số 1141-TC/QĐ/CĐKT", "ngày 01 tháng 11 năm 1995 Về việc ban hành"],
     ("quyet_dinh", "Bộ trưởng Bộ Tài chính", "1141-TC/QĐ/CĐKT", dt.date(1995, 11, 1), "Về việc ban hành")),
    (["Quyết định số 12/QĐ-UBND ngày 5/3/2024 của UBND tỉnh Lào Cai về việc ban hành quy chế"],
     ("quyet_dinh", "UBND tỉnh Lào Cai", "12/QĐ-UBND", dt.date(2024, 3, 5), "về việc ban hành quy chế")),
    (["Thông tư ", "liên tịch của Bộ Tài chính - Bộ Công nghiệp", "số 176/1998/TTLT-BTC-BCN", "ngày 25 tháng 12 năm 1998"],
     ("thong_tu_lien_tich", "Bộ Tài chính - Bộ Công nghiệp", "176/1998/TTLT-BTC-BCN", dt.date(1998, 12, 25), "")),
])
def test_parse_heading_citation(lines, want):
    from pipeline.segment.header import parse_heading_citation
    found = parse_heading_citation(lines)
    last = lines[found.lines - 1]
    assert (found.doc_type, found.issuer, found.number.number, found.issued_date, last[found.title_at:].strip()) == want


@pytest.mark.parametrize("lines", [
    ["ỦY BAN NHÂN DÂN", "TỈNH LÀO CAI", "Số: 12/QĐ-UBND"],  # a header of Nghị định 30/2020: read as such
    ["Kế hoạch thực hiện năm 2024", "có 5 nội dung"],  # no number
    ["Báo cáo tình hình", "", "", "", "số 12/BC-UBND"],  # the number too far down
])
def test_not_a_republished_heading(lines):
    from pipeline.segment.header import parse_heading_citation
    assert parse_heading_citation(lines) is None


def test_issuer_line_carrying_the_national_title_in_lower_case():
    from pipeline.segment.header import left_block

    assert left_block("Bộ Tài chính \t\t cộng hoà xã hội chủ nghĩa Việt nam") == "Bộ Tài chính"
    assert left_block("SỞ TÀI CHÍNH Độc lập - Tự do - Hạnh phúc") == "SỞ TÀI CHÍNH"
    assert left_block("BAN ĐỘC LẬP") == "BAN ĐỘC LẬP"  # the words alone are not the right column


def test_type_heading_naming_its_issuer_keeps_it_out_of_the_title():
    """"NGHỊ ĐỊNH CỦA CHÍNH PHỦ" / "Về đăng ký kinh doanh": the heading names the issuer, the title follows."""
    info = document_from_text("""CHÍNH PHỦ
Số: 43/2010/NĐ-CP
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Hà Nội, ngày 15 tháng 4 năm 2010
NGHỊ ĐỊNH CỦA CHÍNH PHỦ
Về đăng ký doanh nghiệp
CHÍNH PHỦ
Căn cứ Luật Tổ chức Chính phủ ngày 25 tháng 12 năm 2001;
NGHỊ ĐỊNH:
Điều 1. Phạm vi điều chỉnh
Nghị định này quy định về đăng ký doanh nghiệp.
""").document
    assert (info.doc_type, info.number, info.issuer, info.title) == (
        "nghi_dinh", "43/2010/NĐ-CP", "Chính phủ", "Về đăng ký doanh nghiệp")


def test_type_heading_and_title_in_a_layout_table(tmp_path):
    """Word files that lay the header out in tables put the type heading and the title in one-cell rows
    under the number: they are the header, not the rows of a data table."""
    import docx

    from pipeline.document import extract_document
    from tests.docx_fixtures import add_header_table

    document = docx.Document()
    add_header_table(document)
    table = document.add_table(rows=2, cols=1)
    table.rows[0].cells[0].text = "KẾ HOẠCH"
    table.rows[1].cells[0].text = "Phát triển thương mại điện tử năm 2026"
    document.add_paragraph("- Căn cứ Quyết định số 645/QĐ-TTg ngày 15/5/2020 của Thủ tướng Chính phủ;")
    document.add_paragraph("I. MỤC TIÊU")
    document.add_paragraph("1. Có 500 doanh nghiệp bán hàng trực tuyến.")
    path = tmp_path / "plan.docx"
    document.save(path)
    doc = extract_document(path)
    assert (doc.document.doc_type, doc.document.title) == ("ke_hoach", "Phát triển thương mại điện tử năm 2026")
    assert [item.path for item in doc.items] == ["I", "I.1"]  # no table rows, and the basis is not an item
    assert [c.number for c in doc.citations] == ["645/QĐ-TTg"]


def test_type_heading_stored_in_lower_case_under_the_date():
    """Word's All Caps and the TCVN3 capital fonts print "QUYẾT ĐỊNH CỦA BỘ TRƯỞNG BỘ TÀI CHÍNH" from text stored
    in lower case: under the date, the type name alone or with "của <authority>" is still the heading."""
    info = document_from_text("""BỘ TÀI CHÍNH
Số: 12/2001/QĐ-BTC
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Hà Nội, ngày 13 tháng 3 năm 2001
quyết định của bộ trưởng bộ tài chính
Về việc ban hành Chế độ kế toán áp dụng cho các đơn vị
ngoài công lập
bộ trưởng bộ tài chính
- Căn cứ Nghị định số 15/CP ngày 2/3/1993 của Chính phủ;
quyết định:
Điều 1. Ban hành Chế độ kế toán.
""").document
    assert (info.doc_type, info.doc_type_label, info.issuer) == ("quyet_dinh", "QUYẾT ĐỊNH", "Bộ Tài chính")
    assert info.title == "Về việc ban hành Chế độ kế toán áp dụng cho các đơn vị ngoài công lập"


def test_an_appendix_filed_alone_takes_its_decisions_number_date_and_issuer():
    """A file that is only an appendix ("PHỤ LỤC" / "Ban hành kèm theo Quyết định số … của UBND tỉnh …") has no
    header of its own: "PHỤ LỤC" and "DANH MỤC" are not its issuer; the decision it came with gives the fields."""
    info = document_from_text("""PHỤ LỤC
Ban hành kèm theo Quyết định số 1445/2002/QĐ-UB ngày 12 tháng 6 năm 2002 của UBND tỉnh An Giang
DANH MỤC 1
Ngành, nghề được hưởng ưu đãi đầu tư
I. Giáo dục, đào tạo
1. Mở trường học dân lập, tư thục.
""").document
    assert (info.number, info.issued_date, info.issuer) == ("1445/2002/QĐ-UB", "2002-06-12", "Ủy ban nhân dân tỉnh An Giang")
    assert "issuer" in info.inferred


CIRCULAR_HEAD = """BỘ TÀI CHÍNH
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 21/2026/TT-BTC
Hà Nội, ngày 15 tháng 4 năm 2026
THÔNG TƯ
"""
CIRCULAR_BODY = """Căn cứ Luật Ngân sách nhà nước số 89/2025/QH15;
Bộ trưởng Bộ Tài chính ban hành Thông tư.
Điều 1. Phạm vi điều chỉnh
Thông tư này quy định về quản lý kinh phí.
"""


def test_a_title_that_repeats_the_type_name_and_one_that_lists_its_subjects():
    """"THÔNG TƯ / Thông tư sửa đổi, bổ sung …": the heading gives the type, the title is what follows it;
    a title whose subjects are separated by ";" goes on over its lower-case lines up to the legal bases."""
    doc = document_from_text(CIRCULAR_HEAD + "Thông tư sửa đổi, bổ sung một số điều của Thông tư số 57/2021/TT-BTC\n"
                             + CIRCULAR_BODY)
    assert doc.document.title == "Sửa đổi, bổ sung một số điều của Thông tư số 57/2021/TT-BTC"
    doc = document_from_text(CIRCULAR_HEAD + "Quy định mã số và tiêu chuẩn chức danh khoa học;\n"
                             "thành tích, kết quả khoa học để xét bổ nhiệm\nvào chức danh cao hơn\n" + CIRCULAR_BODY)
    assert doc.document.title == ("Quy định mã số và tiêu chuẩn chức danh khoa học; thành tích, kết quả khoa học "
                                  "để xét bổ nhiệm vào chức danh cao hơn")
    plan = document_from_text(CIRCULAR_HEAD.replace("21/2026/TT-BTC", "21/KH-BTC").replace("THÔNG TƯ", "KẾ HOẠCH")
                              + "Kế hoạch hành động thực hiện Chương trình chuyển đổi số\n" + CIRCULAR_BODY)
    assert plan.document.title == "Kế hoạch hành động thực hiện Chương trình chuyển đổi số"


def test_the_issuers_of_a_joint_act_are_cased_one_by_one_and_a_form_code_is_no_issuer():
    from pipeline.segment.header import issuer_bodies

    assert agency_case("BỘ TÀI CHÍNH - CÔNG NGHIỆP - TỔNG CỤC HẢI QUAN") == "Bộ Tài chính - Công nghiệp - Tổng cục Hải quan"
    assert agency_case("BỘ TÀI CHÍNH - BỘ CÔNG NGHIỆP") == "Bộ Tài chính - Bộ Công nghiệp"
    # a dash inside one name stays in it
    assert agency_case("BỘ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI") == "Bộ Lao động - Thương binh và Xã hội"
    assert agency_case("ỦY BAN NHÂN DÂN TỈNH BÀ RỊA - VŨNG TÀU") == "Ủy ban nhân dân tỉnh Bà Rịa - Vũng Tàu"
    assert issuer_bodies(["B1-1-ĐONTC"]) == [] and issuer_bodies(["Mẫu số 01", "BỘ TÀI CHÍNH"]) == ["Bộ Tài chính"]


def test_a_heading_that_names_no_body_is_no_issuer():
    """A form's heading in capitals ("ĐƠN ĐĂNG KÝ", "PHÁT TRIỂN CÔNG NGHỆ") or a paper's "LỜI MỞ ĐẦU" at the top is
    no issuing body; "UBND TỈNH LÀO CAI" and "BAN CHỈ ĐẠO …" are."""
    from pipeline.segment.header import issuer_bodies

    assert issuer_bodies(["ĐƠN ĐĂNG KÝ", "CẤP NHÀ NƯỚC"]) == []
    assert issuer_bodies(["PHÁT TRIỂN CÔNG NGHỆ"]) == []
    assert [b[:11] for b in issuer_bodies(["BAN CHỈ ĐẠO CHƯƠNG TRÌNH QUỐC GIA"])] == ["Ban Chỉ đạo"]
    letter = document_from_text("""Khóa họp lần thứ ba, Diễn đàn Việt-Pháp
Hà Nội, ngày 20 tháng 03 năm 2002
LỜI MỞ ĐẦU
Trong những năm 1990, tỷ lệ tăng trưởng của nền kinh tế đạt mức cao.
""")
    assert letter.document.issuer is None
