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


# ---- 2. what is not an item: a farewell, a footnote, a form's title, an unread signature block -----
def test_farewell_line_is_closing_not_an_item():
    doc = document_from_text(HEADER + """V/v phòng chống lụt bão
Kính gửi: Sở Nông nghiệp và Môi trường
Ủy ban nhân dân tỉnh đề nghị Sở Nông nghiệp và Môi trường rà soát phương án ứng phó với mùa mưa bão.
Trân trọng./.
""" + CLOSING)
    assert texts(doc) == ["Ủy ban nhân dân tỉnh đề nghị Sở Nông nghiệp và Môi trường rà soát phương án ứng phó với mùa mưa bão."]


def test_recipients_heading_with_a_wrong_tone_mark_alone_on_its_line():
    doc = document_from_text(HEADER + """V/v phòng chống lụt bão
Kính gửi: Sở Nông nghiệp và Môi trường
Ủy ban nhân dân tỉnh đề nghị Sở Nông nghiệp và Môi trường rà soát phương án ứng phó với mùa mưa bão.
""" + CLOSING.replace("Nơi nhận:", "Nối nhận"))
    assert len(doc.items) == 1 and doc.document.signer is not None


FOOTNOTED = HEADER.replace("210/UBND-NLN", "15/QĐ-UBND") + """QUYẾT ĐỊNH
Về việc ban hành Quy chế quản lý cụm công nghiệp
ỦY BAN NHÂN DÂN TỈNH
Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2025;
QUYẾT ĐỊNH:
Điều 1. Ban hành kèm theo Quyết định này Quy chế quản lý cụm công nghiệp trên địa bàn tỉnh¹.
Điều 2. Sở Công Thương chủ trì, phối hợp với
¹ Nghị định số 32/2024/NĐ-CP ngày 15 tháng 3 năm 2024 của Chính phủ về quản lý, phát triển cụm công nghiệp.\fỦy ban nhân dân các xã hướng dẫn, kiểm tra việc thực hiện Quy chế này.
Điều 3. Quyết định này có hiệu lực kể từ ngày ký./.
""" + CLOSING


def test_footnote_at_a_page_foot_is_no_item():
    doc = document_from_text(FOOTNOTED)
    assert not any("Nghị định số 32/2024" in t for t in texts(doc))
    assert [item.path for item in doc.items][:2] == ["Điều 1", "Điều 2"]
    assert texts(doc)[-1] == "Quyết định này có hiệu lực kể từ ngày ký./."


def test_form_title_after_the_body_opens_an_attached_part():
    doc = document_from_text(HEADER.replace("210/UBND-NLN", "20/KH-UBND") + """KẾ HOẠCH
Triển khai thực hiện chuyển đổi số năm 2026
I. MỤC TIÊU
1. Hoàn thành số hóa hồ sơ thủ tục hành chính trong năm 2026.
II. TỔ CHỨC THỰC HIỆN
Các sở, ngành báo cáo kết quả theo Biểu 01 kèm theo Kế hoạch này.
""" + CLOSING + """PHỤ LỤC I
DANH MỤC NHIỆM VỤ
1. Số hóa hồ sơ thủ tục hành chính.
Biểu 01: BÁO CÁO TIẾN ĐỘ THỰC HIỆN
Kỳ báo cáo: quý II năm 2026.
""")
    assert not any(t.startswith(("Biểu 01", "BÁO CÁO TIẾN ĐỘ")) for t in texts(doc))
    assert [item.path for item in doc.items if item.path.startswith(("I", "II"))][:3] == ["I", "I.1", "II"]


def test_signature_block_not_read_as_such_is_no_item():
    """"Nơi nhận:" lost (a column OCR did not read): the receivers, "Lưu:" and the signer's lines the body
    ends with are the closing, not paragraphs."""
    doc = document_from_text(HEADER + """V/v phòng chống lụt bão
Kính gửi: Sở Nông nghiệp và Môi trường
Ủy ban nhân dân tỉnh đề nghị Sở Nông nghiệp và Môi trường rà soát phương án ứng phó với mùa mưa bão.
Sở Tài chính bố trí kinh phí thực hiện từ nguồn dự phòng ngân sách tỉnh năm 2026.
- Như trên;
- Lưu: VT, NLN.
ủy ban nhân dân tỉnh
Nguyễn Văn An
""")
    assert [t[:20] for t in texts(doc)] == ["Ủy ban nhân dân tỉnh", "Sở Tài chính bố trí "]


# ---- 3. articles and chapters --------------------------------------------------------------------
DECREE = HEADER.replace("210/UBND-NLN", "15/QĐ-UBND") + """QUYẾT ĐỊNH
Ban hành Quy định quản lý vật liệu nổ công nghiệp
ỦY BAN NHÂN DÂN TỈNH
Căn cứ Luật Quản lý, sử dụng vũ khí, vật liệu nổ và công cụ hỗ trợ ngày 29 tháng 6 năm 2024;
QUYẾT ĐỊNH:
Chương I
QUY ĐỊNH CHUNG
Điều 1. Phạm vi điều chỉnh
Quy định này quy định việc quản lý vật liệu nổ công nghiệp trên địa bàn tỉnh.
ChươnH
TỔ CHỨC THỰC HIỆN
Điều 2.
1. Sở Công Thương chủ trì kiểm tra việc sử dụng vật liệu nổ công nghiệp theo quy định:
“Tổ chức sử dụng vật liệu nổ công nghiệp phải có giấy phép.”
2. Sở Xây dựng phối hợp với
Ủy ban nhân dân các xã kiểm tra các công trình sử dụng vật liệu nổ công nghiệp.
""" + CLOSING


def test_chapter_heading_damaged_by_ocr_is_the_next_chapter():
    paths = [item.path for item in document_from_text(DECREE).items]
    assert "Chương II" in paths and "ChươnH" not in " ".join(paths)


def test_article_without_a_title_is_kept_in_its_clauses_paths():
    """"Điều 2." alone on its line, its clauses below: no empty item, the clauses keep "Điều 2" in their paths."""
    doc = document_from_text(DECREE)
    paths = set(by_path(doc))
    assert "Chương II.Điều 2" not in paths and {"Chương II.Điều 2.1", "Chương II.Điều 2.2"} <= paths


def test_quoted_provision_and_a_phrase_broken_after_a_linking_word_stay_in_their_clause():
    items = by_path(document_from_text(DECREE))
    assert items["Chương II.Điều 2.1"].text.endswith('theo quy định: "Tổ chức sử dụng vật liệu nổ công nghiệp phải có giấy phép."')
    assert items["Chương II.Điều 2.2"].text == (
        "Sở Xây dựng phối hợp với Ủy ban nhân dân các xã kiểm tra các công trình sử dụng vật liệu nổ công nghiệp.")


def test_chapter_title_in_capitals_is_not_continued_by_a_lowercase_line():
    """A chapter's title in capitals goes on in capitals only: a lowercase line under it (OCR's reading of a
    "Mục 1" heading, a stray mark) is not part of the title."""
    doc = document_from_text(DECREE.replace("ChươnH\nTỔ CHỨC THỰC HIỆN\n", "Chương II\nTỔ CHỨC THỰC HIỆN\nca ỐC ĐỘ\n"))
    assert by_path(doc)["Chương II"].text == "TỔ CHỨC THỰC HIỆN"


def test_letter_points_with_a_period_before_a_figure():
    """"a. 100% hồ sơ …": a point printed "a." opens a unit before a figure as it does before a capital."""
    doc = document_from_text(HEADER.replace("210/UBND-NLN", "77/KH-UBND") + """KẾ HOẠCH
Chuyển đổi số năm 2026
I. MỤC TIÊU
1. Về chính quyền số
a. 100% hồ sơ công việc cấp tỉnh được xử lý trên môi trường mạng.
b. 80% thủ tục hành chính được cung cấp trực tuyến toàn trình.
""" + CLOSING)
    items = by_path(doc)
    assert items["I.1"].text == "Về chính quyền số"
    assert items["I.1.a"].text.startswith("100% hồ sơ") and items["I.1.b"].text.startswith("80% thủ tục")
    assert [q.value for q in items["I.1.a"].quantities] == [100]


def test_bracketed_roman_numerals_sub_points_and_an_article_with_a_dash():
    """"(i)", "(ii)", "(iv)" number the parts of a point, "a.1)" the points of point a, and "Điều 3 - Tên"
    opens an article as "Điều 3. Tên" does."""
    doc = document_from_text(HEADER.replace("210/UBND-NLN", "12/2026/QĐ-UBND") + """QUYẾT ĐỊNH
Ban hành Quy định về quản lý cụm công nghiệp
Điều 1. Hồ sơ gồm:
a) Văn bản đề nghị, gồm:
(i) tên cụm công nghiệp;
(ii) địa điểm, diện tích;
(iv) thời gian thực hiện.
b) Báo cáo thẩm định:
b.1) Đối với cụm công nghiệp mới;
b.2) Đối với cụm công nghiệp mở rộng.
Điều 2 - Hiệu lực thi hành
Quyết định này có hiệu lực kể từ ngày ký.
""" + CLOSING)
    items = by_path(doc)
    assert [items[p].text for p in ("Điều 1.a.(i)", "Điều 1.a.(ii)", "Điều 1.a.(iv)")] == [
        "tên cụm công nghiệp;", "địa điểm, diện tích;", "thời gian thực hiện."]
    assert items["Điều 1.b.b.1"].text == "Đối với cụm công nghiệp mới;"
    assert items["Điều 1.b.b.2"].text == "Đối với cụm công nghiệp mở rộng."
    assert items["Điều 2"].kind == "article" and items["Điều 2"].text == "Hiệu lực thi hành"


def test_units_under_trien_khai_thuc_hien_are_assignments():
    """"TRIỂN KHAI THỰC HIỆN" closes a plan as "TỔ CHỨC THỰC HIỆN" does: its units assign the work."""
    doc = document_from_text(HEADER.replace("210/UBND-NLN", "12/KH-UBND") + """KẾ HOẠCH
Chuyển đổi số năm 2026
I. MỤC TIÊU
Hoàn thành 100% hồ sơ trực tuyến.
II. TRIỂN KHAI THỰC HIỆN
1. Sở Nội vụ theo dõi, đôn đốc việc thực hiện.
2. Các sở, ngành gửi báo cáo kết quả trước ngày 30/11/2026.
""" + CLOSING)
    items = by_path(doc)
    assert (items["I.¶1"].kind, items["II.1"].kind, items["II.2"].kind) == ("objective", "assignment", "assignment")


def test_sub_points_without_a_dot_and_inserted_clauses_and_articles():
    """"b1)" numbers a point of point b as "b.1)" does; an amendment's inserted clause "3a." and article
    "Điều 8a." are units of their own, numbered as printed."""
    doc = document_from_text(HEADER.replace("210/UBND-NLN", "12/2026/QĐ-UBND") + """QUYẾT ĐỊNH
Ban hành Quy định về hỗ trợ doanh nghiệp
Điều 1. Mức hỗ trợ
3. Hỗ trợ kinh phí:
b) Kinh phí đào tạo:
b1) Tối đa 50% chi phí khóa học;
b2) Tối đa 10 triệu đồng một người.
3a. Hỗ trợ tư vấn pháp lý cho 100 doanh nghiệp.
Điều 8a. Hiệu lực thi hành
Quyết định này có hiệu lực kể từ ngày ký.
""" + CLOSING)
    items = by_path(doc)
    assert items["Điều 1.3.b.b1"].text == "Tối đa 50% chi phí khóa học;"
    assert items["Điều 1.3.b.b2"].text == "Tối đa 10 triệu đồng một người."
    assert items["Điều 1.3a"].text == "Hỗ trợ tư vấn pháp lý cho 100 doanh nghiệp."
    assert items["Điều 8a"].kind == "article" and items["Điều 8a"].text == "Hiệu lực thi hành"


def test_an_amendments_quoted_provisions_nest_in_the_unit_that_quotes_them():
    """'1. Sửa đổi Điều 3 như sau: "Điều 3. … 1. … a) …"': the quoted article and its clauses are units
    under the amending clause (their own numbers in the path, not the amending article's clauses again);
    the closing mark ends the quotation, and an amending unit after a quotation left open ends it too."""
    doc = document_from_text(HEADER.replace("210/UBND-NLN", "12/2026/QĐ-UBND") + """QUYẾT ĐỊNH
Sửa đổi, bổ sung một số điều của Quy định ban hành kèm theo Quyết định số 05/2024/QĐ-UBND
Điều 1. Sửa đổi, bổ sung một số điều của Quy định
1. Sửa đổi, bổ sung Điều 3 như sau:
"Điều 3. Hồ sơ đề nghị hỗ trợ
1. Đơn đề nghị hỗ trợ.
2. Các giấy tờ sau:
a) Giấy chứng nhận đăng ký doanh nghiệp;
b) Báo cáo tài chính năm gần nhất."
2. Sửa đổi khoản 2 Điều 5 như sau:
“2. Mức hỗ trợ tối đa 50 triệu đồng cho một doanh nghiệp.”
3. Bổ sung khoản 4 vào Điều 6 như sau:
"4. Hỗ trợ đào tạo cho 30 doanh nghiệp mỗi năm.
4. Bãi bỏ Điều 8.
Điều 2. Hiệu lực thi hành
Quyết định này có hiệu lực kể từ ngày ký.
""" + CLOSING)
    items = by_path(doc)
    assert items["Điều 1.1.Điều 3"].text == "Hồ sơ đề nghị hỗ trợ"
    assert items["Điều 1.1.Điều 3.1"].text == "Đơn đề nghị hỗ trợ."
    assert items["Điều 1.1.Điều 3.2.b"].text == "Báo cáo tài chính năm gần nhất."  # the closing mark is not its text
    assert items["Điều 1.2"].text == "Sửa đổi khoản 2 Điều 5 như sau:"
    assert items["Điều 1.2.2"].quantities[0].value == 50_000_000
    assert items["Điều 1.3.4"].text.startswith("Hỗ trợ đào tạo cho 30 doanh nghiệp")
    assert items["Điều 1.4"].text == "Bãi bỏ Điều 8."  # the quotation left open ends at the next amending clause
    assert items["Điều 2"].kind == "article"
    assert len(items) == len(doc.items)  # every path once


DECREE_HEAD = """CHÍNH PHỦ
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 71/2026/NĐ-CP
Hà Nội, ngày 28 tháng 8 năm 2026
NGHỊ ĐỊNH
Quy định xử phạt vi phạm hành chính trong lĩnh vực hóa chất
Căn cứ Luật Tổ chức Chính phủ số 63/2025/QH15;
Chính phủ ban hành Nghị định quy định xử phạt vi phạm hành chính trong lĩnh vực hóa chất.
Chương I
QUY ĐỊNH CHUNG
Điều 1. Phạm vi điều chỉnh
Nghị định này quy định về hành vi vi phạm hành chính.
Chương II
VI PHẠM HÀNH CHÍNH VÀ HÌNH THỨC XỬ PHẠT
"""


def test_a_sub_section_level_between_a_section_and_its_articles():
    """"Tiểu mục 1" (the law on legal normative documents: Phần, Chương, Mục, Tiểu mục, Điều) holds its articles."""
    doc = document_from_text(DECREE_HEAD + """Mục 1
VI PHẠM VỀ SẢN XUẤT
Tiểu mục 1
VI PHẠM VỀ NHÀ XƯỞNG
Điều 2. Vi phạm quy định về nhà xưởng
Phạt tiền từ 1.000.000 đồng đến 2.000.000 đồng.
Tiểu mục 2
VI PHẠM VỀ KHO CHỨA
Điều 3. Vi phạm quy định về kho chứa
Phạt tiền từ 3.000.000 đồng đến 5.000.000 đồng.
""" + CLOSING)
    items = by_path(doc)
    assert items["Chương II.Mục 1.Tiểu mục 1"].text == "VI PHẠM VỀ NHÀ XƯỞNG"
    assert items["Chương II.Mục 1.Tiểu mục 1.Điều 2"].kind == "article"
    assert items["Chương II.Mục 1.Tiểu mục 2.Điều 3"].text == "Vi phạm quy định về kho chứa"


def test_a_section_heading_ocr_turned_into_letters_is_known_by_where_it_stands():
    """"Mục 1" read as "ca ỐC ĐỘ": a short mixed-case line in a chapter, between its title and a title in capitals
    that an article follows, is the chapter's next section (numbered after the sections before it)."""
    doc = document_from_text(DECREE_HEAD + """ca ỐC ĐỘ
VI PHẠM VỀ ĐIỀU KIỆN SẢN XUẤT, KINH DOANH HÓA CHẤT
Điều 2. Vi phạm quy định về nhà xưởng
Phạt tiền từ 1.000.000 đồng đến 2.000.000 đồng.
Mục 2
VI PHẠM VỀ VẬN CHUYỂN
Điều 3. Vi phạm quy định về vận chuyển
Phạt tiền từ 3.000.000 đồng đến 5.000.000 đồng.
""" + CLOSING)
    items = by_path(doc)
    assert items["Chương II.Mục 1"].text == "VI PHẠM VỀ ĐIỀU KIỆN SẢN XUẤT, KINH DOANH HÓA CHẤT"
    assert items["Chương II.Mục 1.Điều 2"].kind == "article"
    assert items["Chương II.Mục 2.Điều 3"].kind == "article"


def test_a_figure_that_goes_on_in_lower_case_after_a_wrapped_line_continues_it():
    """A hard-wrapped line ending in a word, then "2, loại 3, …": the sentence goes on (a wrapped PDF or scan
    line); after a short line ("Thục địa" / "16 g", a table flattened to lines) each line stays its own."""
    doc = document_from_text(HEADER + """V/v vận chuyển hàng hóa nguy hiểm
Kính gửi: Sở Công Thương các tỉnh.
1. Ủy ban nhân dân cấp tỉnh cấp giấy phép vận chuyển hàng hóa nguy hiểm đối với loại 1, loại
2, loại 3, loại 4 theo quy định.
2. Thành phần gồm:
Thục địa
16 g
""" + CLOSING)
    items = by_path(doc)
    assert items["1"].text.endswith("đối với loại 1, loại 2, loại 3, loại 4 theo quy định.")
    assert [items["2.¶1"].text, items["2.¶2"].text] == ["Thục địa", "16 g"]


def test_a_regulations_units_are_provisions_whatever_their_headings_say():
    """In a decree, "Điều 4. Nội dung thẩm định" and "Yêu cầu kỹ thuật" head what is assessed or required:
    provisions (paragraph), not a plan's tasks or objectives; a plan's "II. NHIỆM VỤ" still heads tasks, and in
    the decree the clause naming who executes it is still an assignment."""
    decree = document_from_text(DECREE_HEAD.split("Chương II")[0].replace("Chương I\nQUY ĐỊNH CHUNG\n", "") + """Điều 4. Nội dung thẩm định
1. Sự phù hợp của hồ sơ với quy định.
2. Yêu cầu kỹ thuật:
a) Nhà xưởng có hệ thống thông gió;
b) Kho chứa có hệ thống thu lôi.
Điều 5. Trách nhiệm thi hành
Các Bộ trưởng, Chủ tịch Ủy ban nhân dân cấp tỉnh chịu trách nhiệm thi hành Nghị định này.
""" + CLOSING)
    items = by_path(decree)
    assert [items[p].kind for p in ("Điều 4.1", "Điều 4.2", "Điều 4.2.a")] == ["paragraph", "section", "paragraph"]
    assert items["Điều 5.¶1"].kind == "assignment"
    plan = document_from_text(HEADER.replace("210/UBND-NLN", "21/KH-UBND") + """KẾ HOẠCH
Phát triển công nghiệp năm 2026
I. MỤC TIÊU
Tăng trưởng công nghiệp 12%.
II. NHIỆM VỤ
1. Hỗ trợ 30 doanh nghiệp đổi mới công nghệ.
""" + CLOSING)
    items = by_path(plan)
    assert (items["I.¶1"].kind, items["II.1"].kind) == ("objective", "task")


def test_rules_a_decision_issues_are_provisions_and_its_own_plan_content_keeps_its_topics():
    """A decision issuing "QUY CHẾ hoạt động của Hội đồng": the rules' "Điều 4. Nhiệm vụ của Hội đồng" heads
    provisions; the decision's own "1. Nhiệm vụ:" (a programme it approves) still heads tasks."""
    doc = document_from_text(HEADER.replace("210/UBND-NLN", "15/QĐ-UBND") + """QUYẾT ĐỊNH
Ban hành Quy chế hoạt động của Hội đồng thẩm định
Điều 1. Phê duyệt Chương trình với các nội dung sau:
1. Nhiệm vụ:
a) Hỗ trợ 30 doanh nghiệp đổi mới công nghệ.
Điều 2. Ban hành kèm theo Quyết định này Quy chế hoạt động của Hội đồng thẩm định.
""" + CLOSING + """QUY CHẾ
Hoạt động của Hội đồng thẩm định
(Ban hành kèm theo Quyết định số 15/QĐ-UBND ngày 12 tháng 3 năm 2026)
Điều 1. Nhiệm vụ của Hội đồng
1. Thẩm định dự thảo văn bản.
2. Kiến nghị việc sửa đổi dự thảo.
""")
    kinds = {(item.path, item.text[:20]): item.kind for item in doc.items}
    assert kinds[("Điều 1.1.a", "Hỗ trợ 30 doanh nghi")] == "task"
    assert kinds[("Điều 1.1", "Thẩm định dự thảo vă")] == "paragraph"


def test_a_decision_numbered_with_its_year_is_a_normative_act_and_regulates():
    """"12/2026/QĐ-UBND" (the law on legal normative documents puts the year in their numbers): its
    "Nội dung …" headings head provisions; "15/QĐ-UBND", an administrative decision, keeps a programme's tasks."""
    body = """QUYẾT ĐỊNH
Quy định về khen thưởng
Điều 1. Nội dung bằng khen
1. Quốc hiệu được trình bày bằng chữ in hoa.
2. Tiêu ngữ được trình bày bằng chữ in thường.
""" + CLOSING
    normative = by_path(document_from_text(HEADER.replace("210/UBND-NLN", "12/2026/QĐ-UBND") + body))
    administrative = by_path(document_from_text(HEADER.replace("210/UBND-NLN", "15/QĐ-UBND") + body))
    assert normative["Điều 1.1"].kind == "paragraph" and administrative["Điều 1.1"].kind == "task"
    from pipeline.lexicon import is_regulation

    assert is_regulation("nghi_quyet", "254/2025/NQ-HĐND") and not is_regulation("nghi_quyet", "35-NQ/TU")
    assert is_regulation("thong_tu", None) and not is_regulation("ke_hoach", "21/2026/KH-UBND")


# --------------------------------------------------------------------------
# Counts that start again, and articles whose "Điều" was lost
# --------------------------------------------------------------------------
DECISION_HEADER = """ỦY BAN NHÂN DÂN
TỈNH NAM ĐỊNH SƠN
Số: 15/2026/QĐ-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Nam Định Sơn, ngày 12 tháng 3 năm 2026
QUYẾT ĐỊNH
Ban hành Quy định ưu đãi đầu tư
"""


def test_a_count_starting_again_under_a_heading_of_its_style_is_that_headings_list():
    """An appendix lists communes by province, both counted "1.", "2.": the communes nest in their province."""
    doc = document_from_text(DECISION_HEADER + """Điều 1. Danh sách các xã biên giới
1. HÀ GIANG
1. Xã Lũng Cú
2. Xã Má Lé
2. CAO BẰNG
1. Xã Đàm Thủy
Điều 2. Hiệu lực thi hành
Quyết định này có hiệu lực từ ngày ký.
""" + CLOSING)
    paths = {item.text: item.path for item in doc.items}
    assert paths["HÀ GIANG"] == "Điều 1.1"
    assert paths["Xã Lũng Cú"] == "Điều 1.1.1"
    assert paths["Xã Má Lé"] == "Điều 1.1.2"
    assert paths["CAO BẰNG"] == "Điều 1.2"
    assert paths["Xã Đàm Thủy"] == "Điều 1.2.1"


def test_a_count_starting_again_after_a_sentence_stays_where_it_was():
    """Only a heading (no sentence ended) takes the new count under it."""
    doc = document_from_text(DECISION_HEADER + """Điều 1. Nhiệm vụ
1. Rà soát các dự án đầu tư.
2. Báo cáo kết quả rà soát.
1. Kiểm tra các khu công nghiệp.
Điều 2. Hiệu lực thi hành
Quyết định này có hiệu lực từ ngày ký.
""" + CLOSING)
    paths = {item.text: item.path for item in doc.items}
    assert paths["Kiểm tra các khu công nghiệp."] == "Điều 1.1"
    assert paths["Báo cáo kết quả rà soát."] == "Điều 1.2"


def test_an_article_whose_word_dieu_was_lost_is_still_an_article():
    """Word numbers "Điều %1." itself; a copy that lost the word prints "16. Lệ phí trước bạ" inside
    Điều 15. One past the article, a title, the clauses jumping (1, 2, then 16): the next article."""
    doc = document_from_text(DECISION_HEADER + """Điều 15. Miễn, giảm thuế sử dụng đất
1. Nhà đầu tư được giao đất được giảm 50% thuế sử dụng đất;
2. Nhà đầu tư tại địa bàn khó khăn được miễn thuế sử dụng đất.
16. Lệ phí trước bạ
Miễn lệ phí trước bạ đối với các dự án đầu tư thuộc Danh mục 1.
17. Thuế giá trị gia tăng
1. Các dự án đầu tư thuộc Danh mục 1 không phải nộp thuế giá trị gia tăng.
Điều 18. Ưu đãi về thuế suất
Thuế suất 20% đối với dự án đầu tư thuộc Danh mục 1.
""" + CLOSING)
    articles = [(item.path, item.text) for item in doc.items if item.kind == "article"]
    assert articles == [("Điều 15", "Miễn, giảm thuế sử dụng đất"), ("Điều 16", "Lệ phí trước bạ"),
                        ("Điều 17", "Thuế giá trị gia tăng"), ("Điều 18", "Ưu đãi về thuế suất")]
    assert by_path(doc)["Điều 17.1"].text.startswith("Các dự án đầu tư thuộc Danh mục 1")


def test_the_next_clause_of_an_article_is_not_an_article():
    """"3." in Điều 2 after its clauses 1 and 2 is its clause, though 3 is one past the article too."""
    doc = document_from_text(DECISION_HEADER + """Điều 2. Hồ sơ đề nghị
1. Đơn đề nghị theo mẫu;
2. Bản sao giấy chứng nhận đầu tư;
3. Báo cáo tài chính
Điều 3. Hiệu lực thi hành
Quyết định này có hiệu lực từ ngày ký.
""" + CLOSING)
    assert by_path(doc)["Điều 2.3"].text == "Báo cáo tài chính"
    assert [item.path for item in doc.items if item.kind == "article"] == ["Điều 2", "Điều 3"]
