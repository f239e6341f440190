"""General layout and tree conventions, on short texts written for these tests (and PDFs / DOCX made here).

Each test is one convention of Nghị định 30/2020/NĐ-CP or of how Vietnamese documents are
printed, stated on a document of our own; the real files that showed the fault are in
the evaluation tests (tests/gold/structure, tests/gold/scans), not copied here.
"""
from __future__ import annotations

from tests.helpers import by_path, document_from_text

HEADER = """ỦY BAN NHÂN DÂN
TỈNH NAM ĐỊNH SƠN
Số: 210/UBND-NLN
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Nam Định Sơn, ngày 12 tháng 3 năm 2026
"""
CLOSING = """Nơi nhận:
- Như trên;
- Lưu: VT.
TM. ỦY BAN NHÂN DÂN
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Nguyễn Văn An
"""


def texts(doc) -> list[str]:
    return [item.text for item in doc.items]


# ---- 1. a letter's paragraphs ------------------------------------------------
def test_letter_without_subject_line_gives_its_paragraphs_as_items():
    """No "V/v" line (or one OCR could not read): after "Kính gửi:" the body starts, and each paragraph is an item."""
    doc = document_from_text(HEADER + """Kính gửi:
- Sở Nông nghiệp và Môi trường;
- Ủy ban nhân dân các xã, phường.
Thời gian qua, công tác quản lý, bảo vệ rừng trên địa bàn tỉnh đạt nhiều kết quả, tuy nhiên tình trạng phá rừng vẫn còn.
Ủy ban nhân dân tỉnh giao Sở Nông nghiệp và Môi trường chủ trì kiểm tra, xử lý nghiêm các vi phạm.
""" + CLOSING)
    assert doc.document.doc_type == "cong_van"  # a number line and "Kính gửi:", no type heading
    assert doc.document.recipients == ["Sở Nông nghiệp và Môi trường", "Ủy ban nhân dân các xã, phường"]
    assert [t[:20] for t in texts(doc)] == ["Thời gian qua, công ", "Ủy ban nhân dân tỉnh"]
    assert all(item.kind != "article" and item.path.startswith("¶") for item in doc.items)


def test_letter_paragraph_without_kinh_gui_is_body_not_header():
    """A sentence after the number and the date cannot be a header field."""
    doc = document_from_text(HEADER + """Dự báo mùa mưa bão năm 2026 diễn biến phức tạp, Ủy ban nhân dân tỉnh đề nghị các sở, ngành rà soát phương án ứng phó.
Các đơn vị báo cáo kết quả trước ngày 30/6/2026.
""" + CLOSING)
    assert [t[:20] for t in texts(doc)] == ["Dự báo mùa mưa bão n", "Các đơn vị báo cáo k"]
    assert doc.items[1].deadline is not None and doc.items[1].deadline.end == "2026-06-30"


def test_addressee_wrapped_onto_next_line_stays_an_addressee():
    doc = document_from_text(HEADER + """V/v phòng chống lụt bão
Kính gửi: Ủy ban nhân dân các tỉnh,
thành phố trực thuộc Trung ương
Để chủ động ứng phó với mùa mưa bão năm 2026, Ủy ban nhân dân tỉnh đề nghị các đơn vị rà soát phương án.
""" + CLOSING)
    assert doc.document.recipients == ["Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương"]
    assert texts(doc) == ["Để chủ động ứng phó với mùa mưa bão năm 2026, Ủy ban nhân dân tỉnh đề nghị các đơn vị rà soát phương án."]


def test_after_kinh_gui_nothing_joins_the_title():
    """A submission's title comes before "Kính gửi:"; the paragraphs after it are the body."""
    doc = document_from_text(HEADER.replace("210/UBND-NLN", "15/TTr-UBND") + """TỜ TRÌNH
Về việc phê duyệt danh mục dự án đầu tư công năm 2026
Kính gửi: Hội đồng nhân dân tỉnh
Căn cứ Luật Đầu tư công ngày 29 tháng 11 năm 2024;
Ủy ban nhân dân tỉnh kính trình Hội đồng nhân dân tỉnh xem xét, phê duyệt danh mục dự án.
""" + CLOSING)
    assert doc.document.doc_type == "to_trinh"
    assert doc.document.title == "Về việc phê duyệt danh mục dự án đầu tư công năm 2026"
    assert texts(doc) == ["Ủy ban nhân dân tỉnh kính trình Hội đồng nhân dân tỉnh xem xét, phê duyệt danh mục dự án."]
