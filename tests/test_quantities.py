"""Quantities in item text: what counts, with which unit, and what is excluded."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract.quantities import extract_quantities


def only(text):
    qs = extract_quantities(text)
    assert len(qs) == 1, [q.raw for q in qs]
    return qs[0]


def values(text):
    return [q.value for q in extract_quantities(text)]


# --- counts -----------------------------------------------------------------
@pytest.mark.parametrize(
    "text, value, unit_prefix",
    [
        ("Tập huấn nghiệp vụ cho 2.500 doanh nghiệp trên địa bàn tỉnh.", 2500, "doanh nghiệp"),
        ("Cử 25 chuyên gia, kỹ sư sang học tập kinh nghiệm.", 25, "chuyên gia"),
        ("Hỗ trợ 03 ngành kinh tế mũi nhọn của huyện.", 3, "ngành kinh tế"),
        ("In ấn 8.000 bản tài liệu hướng dẫn.", 8000, "bản tài liệu"),
        ("Chuyển giao 15 lượt công nghệ cho nông dân.", 15, "lượt công nghệ"),
        ("Bồi dưỡng 45 cán bộ quản lý, nhân viên kỹ thuật.", 45, "cán bộ quản lý"),
        ("Thẩm định 12 hồ sơ đề nghị cấp phép (đợt 1).", 12, "hồ sơ"),
    ],
)
def test_count_with_its_noun(text, value, unit_prefix):
    q = only(text)
    assert q.value == value
    assert q.kind == "count"
    assert q.unit.casefold().startswith(unit_prefix)
    assert len(q.unit.split()) <= 4
    assert text[q.span[0] : q.span[1]] == q.raw


def test_unit_stops_at_function_words_and_punctuation():
    q = only("Hỗ trợ 20 hợp tác xã của huyện nâng cao năng lực.")
    assert q.unit == "hợp tác xã"
    q = only("Thành lập 06 tổ công tác để kiểm tra.")
    assert q.unit == "tổ công tác"


def test_several_counts_in_one_sentence():
    qs = extract_quantities("Đào tạo 120 giáo viên và 2.400 học sinh tại 15 trường tiểu học.")
    assert [(q.value, q.unit) for q in qs] == [(120, "giáo viên"), (2400, "học sinh"), (15, "trường tiểu học")]


@pytest.mark.parametrize(
    "text, normalized",
    [
        ("Hỗ trợ 12 DN khởi nghiệp.", "doanh nghiệp khởi nghiệp"),
        ("Thành lập mới 7 HTX nông nghiệp.", "hợp tác xã nông nghiệp"),
        ("Xây dựng 2 CSDL chuyên ngành.", "cơ sở dữ liệu chuyên ngành"),
    ],
)
def test_abbreviated_units_are_normalised(text, normalized):
    assert only(text).unit_normalized == normalized


# --- percentages ----------------------------------------------------------
def test_percentage():
    q = only("Tỷ lệ hồ sơ giải quyết đúng hạn đạt 95%.")
    assert (q.value, q.unit, q.kind, q.unit_normalized) == (95, "%", "percent", "%")


def test_percentage_with_qualifier_in_raw():
    q = only("Tỷ lệ xã đạt chuẩn không dưới 70% tổng số xã.")
    assert q.value == 70 and q.qualifier == "không dưới" and q.raw == "không dưới 70%"


def test_percentage_range():
    q = only("Giảm chi phí từ 20 - 25% so với năm trước.")
    assert (q.value, q.value_max, q.kind) == (20, 25, "percent")


def test_percentage_in_words():
    q = only("Giảm 10 phần trăm chi phí.")
    assert q.value == 10 and q.unit_normalized == "%"


# --- money ----------------------------------------------------------------
def test_money_with_scale_word():
    q = only("Tổng kinh phí dự kiến 45,8 tỷ đồng từ ngân sách tỉnh.")
    assert q.value == pytest.approx(45.8e9)
    assert (q.unit, q.kind, q.unit_normalized) == ("đồng", "money", "đồng")


def test_money_per_period():
    q = only("Mức hỗ trợ 20 triệu đồng/năm cho mỗi cơ sở.")
    assert q.value == pytest.approx(20e6)
    assert q.unit == "đồng/năm"


@pytest.mark.parametrize("text, value, norm", [("vốn 1.200 USD", 1200, "USD"), ("phí 500.000 VNĐ", 500000, "đồng"),
                                               ("giá 50.000đ một bộ", 50000, "đồng")])
def test_other_currencies(text, value, norm):
    q = only(text)
    assert (q.value, q.kind, q.unit_normalized) == (value, "money", norm)


# --- measures ---------------------------------------------------------------
@pytest.mark.parametrize(
    "text, value, norm",
    [
        ("Xây dựng nhà xưởng diện tích 25.000 m² tại cụm công nghiệp.", 25000, "m2"),
        ("Xây dựng nhà xưởng diện tích 25.000 m2.", 25000, "m2"),
        ("Mặt bằng rộng 12.000 m ² đã giải phóng.", 12000, "m2"),  # stray space from a PDF
        ("Trồng mới 350 ha rừng phòng hộ.", 350, "ha"),
        ("Nâng cấp 18,5 km đường giao thông nông thôn.", 18.5, "km"),
        ("Thu gom 200 tấn rác thải mỗi ngày.", 200, "tấn"),
    ],
)
def test_measures(text, value, norm):
    q = only(text)
    assert q.value == pytest.approx(value)
    assert q.kind == "measure" and q.unit_normalized == norm


# --- multipliers ------------------------------------------------------------
@pytest.mark.parametrize("text, value", [("Phấn đấu tăng gấp 3 lần số lượng sáng chế.", 3),
                                         ("Năng suất lao động tăng 1,8 lần.", 1.8)])
def test_multipliers(text, value):
    q = only(text)
    assert (q.value, q.unit, q.kind) == (value, "lần", "multiplier")


# --- ranges and qualifiers --------------------------------------------------
def test_range_with_words():
    q = only("Mỗi huyện chọn từ 5 đến 8 mô hình điểm.")
    assert (q.value, q.value_max) == (5, 8) and q.unit.startswith("mô hình")
    assert q.raw.startswith("từ 5")


def test_range_with_dash():
    q = only("Tổ chức 2-4 lớp tập huấn.")
    assert (q.value, q.value_max, q.unit) == (2, 4, "lớp tập huấn")


@pytest.mark.parametrize(
    "qualifier",
    ["ít nhất", "không dưới", "tối thiểu", "trên", "dưới", "tối đa", "khoảng", "gần", "hơn", "không quá"],
)
def test_qualifiers_are_kept_and_in_raw(qualifier):
    text = f"Thu hút {qualifier} 40 nhà đầu tư."
    q = only(text)
    assert q.qualifier == qualifier
    assert q.raw == f"{qualifier} 40 nhà đầu tư"


# --- number words -----------------------------------------------------------
def test_number_words_followed_by_a_noun():
    q = only("Năm nay có hai mươi doanh nghiệp đăng ký tham gia.")
    assert q.value == 20 and q.unit.startswith("doanh nghiệp")
    assert q.confidence < 0.9 and "number written in words" in q.reasons


@pytest.mark.parametrize(
    "text",
    [
        "Một số đơn vị chưa thực hiện nghiêm túc.",
        "Triển khai một cách đồng bộ các giải pháp.",
        "Mỗi xã xây dựng mô hình điểm.",
        "Tổ chức hội nghị lần thứ hai.",
        "Đầu tư tư nhân tăng mạnh.",
        "Có hàng trăm doanh nghiệp quan tâm.",
    ],
)
def test_number_words_that_are_not_quantities(text):
    assert extract_quantities(text) == []


# --- exclusions -------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "Tổng kết hoạt động năm 2019.",  # year
        "Thực hiện Kế hoạch giai đoạn 2021-2025.",  # period of years
        "Phấn đấu đến năm 2030 hoàn thành.",
        "Ban hành ngày 15 tháng 02 năm 2021.",  # dates
        "Báo cáo trước ngày 20/11/2021.",
        "Trình phê duyệt trong Quý III/2022.",
        "Tổ chức vào tháng 8 hằng năm.",
        "Căn cứ Quyết định số 2345/QĐ-UBND của UBND tỉnh.",  # document numbers
        "Theo Nghị định 15/2021/NĐ-CP của Chính phủ.",
        "Thực hiện Chỉ thị 05-CT/TU của Tỉnh ủy.",
        "Thực hiện Nghị quyết 36- NQ/TW của Bộ Chính trị.",
        "Quyết định số 812 đã được ban hành.",
        "Xét Tờ trình số 456 của Sở Tài chính.",
        "Cung cấp dịch vụ công trực tuyến mức độ 4.",  # levels
        "Nâng cấp lên cấp độ 3, 4 trong năm.",
        "Xếp hạng 1 toàn quốc.",
        "Đô thị loại 2 của tỉnh.",
        "Công chức bậc 3 trở lên.",
        "Hệ thống ISO 9001:2015 được duy trì.",  # standards
        "Áp dụng TCVN 7391:2007 về trang thiết bị.",
        "Liên hệ điện thoại 0291 3822 456.",  # phone
        "Truy cập congdichvu.tinhabc.gov.vn hoặc 24h.tinhabc.vn để tra cứu.",  # URLs
        "Gửi thư về ubnd123@tinhabc.gov.vn.",
        "Trụ sở tại số 45 đường Trần Phú, Khu phố 2, Phường 7.",  # addresses
        "Theo quy định tại Điều 12, khoản 3 Điều 15.",  # article references
        "Họp lúc 14:30 tại hội trường.",  # time of day
        "Nội dung tại mục 2.1 của Phụ lục.",  # section numbers
        "Đợt 2 sẽ triển khai sau.",
    ],
)
def test_not_quantities(text):
    assert extract_quantities(text) == [], [q.raw for q in extract_quantities(text)]


@pytest.mark.parametrize("text", ["1. Mục tiêu chung", "(3) Tăng cường kiểm tra", "2) Giải pháp"])
def test_enumerators_at_start_are_not_quantities(text):
    assert extract_quantities(text) == []


def test_exclusions_do_not_hide_real_quantities_nearby():
    text = "Theo Quyết định số 2345/QĐ-UBND ngày 10/3/2021, năm 2022 hỗ trợ 35 hộ nghèo."
    assert [(q.value, q.unit) for q in extract_quantities(text)] == [(35, "hộ nghèo")]


def test_spelled_out_echo_is_skipped():
    q = only("Gửi 02 (hai) bản về Sở Công Thương.")
    assert (q.value, q.unit) == (2, "bản")


def test_confidence_and_reasons():
    for q in extract_quantities("Hỗ trợ 40 hộ dân, đạt 3.5% và tăng gấp 2 lần."):
        assert 0 <= q.confidence <= 1
        assert q.reasons
    ambiguous = [q for q in extract_quantities("đạt 3.5%") if q.value == 3.5][0]
    assert ambiguous.confidence < 0.9


# --- robustness -------------------------------------------------------------
@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_and_spans_match_raw(text):
    for q in extract_quantities(text):
        assert text[q.span[0] : q.span[1]] == q.raw


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["12", "3.000", "22,6", "tỷ", "đồng", "%", "năm", "2020", "-", "/", "m²", "hai",
                                 "mươi", "doanh nghiệp", "từ", "đến", "(", ")", ",", "ít nhất", "gấp", "lần", " "]),
                max_size=12).map(" ".join))
def test_never_raises_on_number_like_text(text):
    for q in extract_quantities(text):
        assert text[q.span[0] : q.span[1]] == q.raw


# --- identifiers, addresses, ordinals, datum parameters (issue 13) ------------------------
@pytest.mark.parametrize(
    "text",
    [
        "Giấy chứng nhận đăng ký doanh nghiệp mã số 4300987654 do Sở Tài chính cấp.",  # enterprise code
        "Thẻ căn cước số 036190004567 do Cục Cảnh sát quản lý hành chính cấp.",  # identity number
        "Mã số thuế: 0312345678-001.",
        "Mã ngành theo VSIC: 4101 Xây dựng nhà để ở.",  # VSIC codes
        "Ngành nghề kinh doanh: 4933 Vận tải hàng hóa bằng đường bộ.",
        "Điện thoại: 0205 3871 234; Fax: 0205.3871.235.",  # phone numbers
        "Địa chỉ trụ sở chính: Số 27 đường Nguyễn Huệ, phường Tân Thanh.",  # addresses
        "Trụ sở tại 86 Trần Phú, phường Đông Kinh, tỉnh Lạng Sơn.",
        "Nơi thường trú: thôn 5, xã Mường Khương.",
        "Số nhà 14, ngõ 7, đường Lê Lợi.",
        "Văn phòng đặt tại 348 đường Hoàng Liên.",
        "Thửa 215, tờ bản đồ 18, bản đồ địa chính xã Tả Phìn.",  # plot numbers
        "Đăng ký thay đổi lần thứ 4.",  # ordinals
        "Hồ sơ nộp lần 2 có bổ sung.",
        "Tổ chức Đại hội lần thứ VI của Hội.",
        "Hệ tọa độ VN-2000, kinh tuyến trục 105°00', múi chiếu 3°.",  # datum and projection
        "Hệ tọa độ VN-2000, kinh tuyến trục 104º45', múi chiếu 3º.",
        "Hệ tọa độ VN 2000, kinh tuyến trục 103 độ 30 phút, múi chiếu 6 độ.",
        "Tọa độ điểm mốc: X = 2.486.315,20 m; Y = 412.877,05 m.",
        "Theo quy định tại khoản 2 Điều 5 và điểm b khoản 1 Điều 9.",  # article and clause references
        "Theo khoản 4 Điêu 12 Nghị định số 08/2022/NĐ-CP.",  # the same, damaged by OCR
        "Tại Km 15+300 Quốc lộ 70.",  # a chainage
        "Đến ngã ba Cốc Lếu rẽ trái.",  # "ba" names a junction
    ],
)
def test_identifiers_and_parameters_are_not_quantities(text):
    assert extract_quantities(text) == [], [q.raw for q in extract_quantities(text)]


def test_an_address_does_not_hide_an_area_beside_it():
    qs = extract_quantities("Địa điểm: thửa đất số 45, diện tích 1,2 ha; Trụ sở: 15 Hoàng Liên, phường Cốc Lếu.")
    assert [(q.value, q.unit) for q in qs] == [(1.2, "ha")]


def test_a_coordinate_system_does_not_hide_the_area_of_the_site():
    qs = extract_quantities("Ranh giới theo hệ tọa độ VN-2000, múi chiếu 3°, tổng diện tích 76,5 ha.")
    assert [(q.value, q.unit) for q in qs] == [(76.5, "ha")]


@pytest.mark.parametrize(
    "text, value",
    [
        ("Tổng vốn đầu tư: 22.000.000.000 đồng (Bằng chữ: Hai mươi hai tỷ đồng).", 22e9),
        ("Tổng vốn: 1.250.500.000.000 đồng (Bằng chữ: Một nghìn hai trăm năm mươi tỷ, năm trăm triệu đồng chẵn).", 1250.5e9),
        ("Phạt tiền 7.500.000 đồng (Bảy triệu năm trăm nghìn đồng).", 7.5e6),
        ("Số tiền phải nộp: 3.000.000 đồng, bằng chữ: ba triệu đồng.", 3e6),
        ("Mức vốn: 9.000.000.000 (chín tỷ đồng).", None),  # the figure itself has no unit; the words add nothing
    ],
)
def test_an_amount_spelled_out_in_words_is_not_a_second_quantity(text, value):
    qs = extract_quantities(text)
    assert [q.value for q in qs] == ([pytest.approx(value)] if value else []), [q.raw for q in qs]


def test_a_number_in_words_on_its_own_is_still_read():
    assert values("Cử hai cán bộ tham dự (ba người dự bị).") == [2, 3]


@pytest.mark.parametrize(
    "text, value, value_max, unit",
    [
        ("Diện tích mỗi lô từ 5 đến 10 ha.", 5, 10, "ha"),
        ("Phạt tiền từ 2.000.000 đồng đến 4.000.000 đồng đối với cá nhân.", 2e6, 4e6, "đồng"),
        ("Giao dịch có giá trị từ 50.000.000 đồng đến dưới 100.000.000 đồng.", 5e7, 1e8, "đồng"),
        ("Trẻ em từ 6 tuổi đến dưới 11 tuổi.", 6, 11, "tuổi"),
        ("Nhiệt độ phòng từ 18°C đến 25°C.", 18, 25, "°C"),
    ],
)
def test_ranges_are_one_quantity(text, value, value_max, unit):
    q = only(text)
    assert (q.value, q.value_max, q.unit) == (pytest.approx(value), pytest.approx(value_max), unit)
    assert q.raw.startswith("từ")


@pytest.mark.parametrize("qualifier", ["trên", "ít nhất", "tối thiểu", "không quá", "không vượt quá"])
def test_qualifiers_in_front_of_money_and_percentages(qualifier):
    q = only(f"Hỗ trợ {qualifier} 30% kinh phí.")
    assert (q.value, q.unit, q.qualifier) == (30, "%", qualifier)


@pytest.mark.parametrize(
    "text, unit",
    [
        ("Hỗ trợ 1,5 triệu đồng/người/tháng.", "đồng/người/tháng"),
        ("Chi bồi dưỡng 200.000 đồng/người/buổi.", "đồng/người/buổi"),
        ("Tăng trưởng bình quân 8,5%/năm.", "%/năm"),
        ("Năng suất đạt 15 m3/ha/năm.", "m3/ha/năm"),
        ("Sinh hoạt chuyên đề 2 lần/tháng.", "lần/tháng"),
    ],
)
def test_units_keep_their_per_parts(text, unit):
    assert only(text).unit == unit


@pytest.mark.parametrize("text, unit", [("Giữ nhiệt độ không quá 30°C.", "°C"), ("Góc giao không nhỏ hơn 45°.", "°")])
def test_temperatures_and_angles_have_units(text, unit):
    assert only(text).unit == unit


def test_a_verb_after_a_duration_is_not_part_of_its_unit():
    assert only("Phương tiện đã khai thác trên 25 năm tính từ năm sản xuất.").unit == "năm"
    assert only("Trang bị thêm 03 máy tính cho bộ phận một cửa.").unit == "máy tính"


def test_an_unpunctuated_count_before_a_lowercase_noun_is_still_a_count():
    assert only("Hỗ trợ 1500 hộ nghèo.").value == 1500


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Văn bản gửi đi bằng chữ ký số đạt từ 80% trở lên.", [(80, "%")]),  # "bằng chữ ký số" restates nothing
        ("Tổng cộng: 12 Tỉnh, thành phố có biên giới.", [(12, "Tỉnh")]),  # an administrative unit is not a street
        ("Uống mỗi lần 02 viên, ngày hai lần.", [(2, "viên")]),  # a count per time, not an ordinal
        ("Điểm mốc có tọa độ 105°12'30\"E, cách cầu về phía hạ lưu 200 m.", [(200, "m")]),  # a distance beside a coordinate
    ],
)
def test_the_exclusions_leave_real_quantities_alone(text, expected):
    assert [(q.value, q.unit) for q in extract_quantities(text)] == expected


@pytest.mark.parametrize("text, value, unit", [
    ("Trong thời hạn 03 ngày làm việc kể từ ngày nhận được hồ sơ, cơ quan trả lời.", 3, "ngày làm việc"),
    ("Chủ dự án đăng ký trước 05 ngày làm việc kể từ ngày vận hành.", 5, "ngày làm việc"),
    ("Sau thời hạn 60 ngày, kể từ ngày thông báo, hồ sơ bị hủy.", 60, "ngày"),
    ("Trẻ em dưới 24 tháng tuổi được tiêm miễn phí.", 24, "tháng tuổi"),
    ("Phương án kinh doanh trong 05 năm tiếp theo.", 5, "năm"),  # "tiếp theo" places it in time
])
def test_a_duration_measures_time_and_is_a_quantity(text, value, unit):
    found = [(q.value, q.unit) for q in extract_quantities(text)]
    assert found == [(value, unit)]


@pytest.mark.parametrize("text", [
    "Báo cáo kết quả 6 tháng đầu năm 2026.",  # a part of the year: a deadline
    "Định kỳ 6 tháng một lần, Sở Tài chính báo cáo.",  # a period of recurrence
    "Cửa hàng mở cửa từ 07 giờ sáng đến 10 giờ tối.",  # times of day
])
def test_parts_of_the_year_periods_of_recurrence_and_times_of_day_are_not(text):
    assert extract_quantities(text) == []


@pytest.mark.parametrize("text, expected", [
    ("Khẳng định vị thế là một trong ba địa phương phát triển kinh tế nhất khu vực.", []),  # a rank
    ("Phấn đấu là một trong 5 tỉnh dẫn đầu cả nước về chỉ số PCI.", []),
    ("Hồ sơ được gửi theo một trong ba cách thức sau:", [(3, "cách thức")]),  # a count of ways
])
def test_one_of_n_with_a_superlative_is_a_rank(text, expected):
    assert [(q.value, q.unit) for q in extract_quantities(text)] == expected
