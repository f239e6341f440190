"""Deadlines: Vietnamese time expressions to ISO dates, and what is not a deadline."""
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract.deadlines import extract_deadline, parse_roman, quarter_end, quarter_start

SIGNED = dt.date(2021, 3, 15)


def bounds(text, document_date=SIGNED):
    d = extract_deadline(text, document_date)
    assert d is not None, text
    assert text[d.span[0] : d.span[1]] == d.raw
    return d.start, d.end, d.recurrence


# --- helpers ------------------------------------------------------------------
def test_helpers():
    assert parse_roman("IV") == 4 and parse_roman("II") == 2 and parse_roman("3") == 3
    assert parse_roman("abc") is None
    assert quarter_start(2022, 3) == dt.date(2022, 7, 1)
    assert quarter_end(2022, 1) == dt.date(2022, 3, 31)
    assert quarter_end(2024, 4) == dt.date(2024, 12, 31)


# --- quarters -------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, end",
    [
        ("Trình UBND tỉnh ban hành quy chế (Thời gian trình: Quý II/2022).", "2022-06-30"),
        ("Hoàn thành việc rà soát trong Quý IV/2021.", "2021-12-31"),
        ("Tổng kết, báo cáo kết quả vào quý 3 năm 2022.", "2022-09-30"),
        ("Nghiệm thu công trình trong Quý I năm 2023.", "2023-03-31"),
    ],
)
def test_quarters(text, end):
    assert bounds(text)[1] == end


# --- years --------------------------------------------------------------------------
def test_year_as_time_of_work():
    assert bounds("Tổ chức 02 đợt kiểm tra liên ngành năm 2022.")[:2] == ("2022-01-01", "2022-12-31")


def test_by_year():
    assert bounds("Đến năm 2025, tỷ lệ hộ dùng nước sạch đạt 98%.")[:2] == (None, "2025-12-31")
    assert bounds("Phấn đấu đến 2025 có 500 doanh nghiệp.")[:2] == (None, "2025-12-31")


def test_from_year():
    assert bounds("Bắt đầu triển khai từ năm 2022.")[:2] == ("2022-01-01", None)


def test_year_range_with_words():
    assert bounds("Duy trì từ năm 2021 đến năm 2025.")[:2] == ("2021-01-01", "2025-12-31")


@pytest.mark.parametrize("text", ["Thực hiện trong giai đoạn 2021-2025.", "Triển khai giai đoạn 2021 – 2025 trên toàn tỉnh."])
def test_period(text):
    assert bounds(text)[:2] == ("2021-01-01", "2025-12-31")


# --- dates -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, end",
    [
        ("Các đơn vị gửi báo cáo trước ngày 15/12/2021.", "2021-12-15"),
        ("Hoàn thành chậm nhất đến ngày 30 tháng 9 năm 2022.", "2022-09-30"),
        ("Nộp hồ sơ trước 31/10/2021 để tổng hợp.", "2021-10-31"),
    ],
)
def test_end_dates(text, end):
    assert bounds(text)[1] == end


def test_from_date():
    assert bounds("Áp dụng kể từ ngày 01/7/2022.")[0] == "2022-07-01"


# --- months and parts of a year ------------------------------------------------------
@pytest.mark.parametrize("text", ["Tổ chức hội thao trong tháng 10/2022.", "Khai giảng lớp học tháng 10 năm 2022."])
def test_month(text):
    assert bounds(text)[:2] == ("2022-10-01", "2022-10-31")


def test_half_years():
    assert bounds("Hoàn thành 6 tháng đầu năm 2022.")[:2] == ("2022-01-01", "2022-06-30")
    assert bounds("Triển khai trong 6 tháng cuối năm.")[:2] == ("2021-07-01", "2021-12-31")


def test_end_of_year():
    assert bounds("Đưa vào sử dụng cuối năm 2023.")[1] == "2023-12-31"


# --- recurrence -------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, recurrence",
    [
        ("Hàng năm tổ chức tuyên dương điển hình tiên tiến.", "yearly"),
        ("Hằng năm rà soát danh mục.", "yearly"),
        ("Định kỳ hàng năm báo cáo UBND tỉnh.", "yearly"),
        ("Giao ban hàng quý giữa các sở.", "quarterly"),
        ("Cập nhật số liệu hàng tháng.", "monthly"),
        ("Họp giao ban hàng tuần.", "weekly"),
        ("Theo dõi diễn biến hàng ngày.", "daily"),
        ("Báo cáo 6 tháng một lần về Sở.", "semiannual"),
        ("Định kỳ 6 tháng đánh giá kết quả.", "semiannual"),
        ("Báo cáo tình hình hằng tháng, quý, năm.", "monthly"),  # the shortest of a list
    ],
)
def test_recurrence(text, recurrence):
    assert bounds(text)[2] == recurrence


def test_bare_dinh_ky_gives_no_recurrence():
    assert extract_deadline("Định kỳ kiểm tra việc thực hiện.", SIGNED) is None


def test_bound_combined_with_recurrence():
    assert bounds("Đến năm 2025, mỗi xã tổ chức hội thi hàng năm.") == (None, "2025-12-31", "yearly")
    assert bounds("Từ năm 2022, hàng năm hỗ trợ 10 hộ.") == ("2022-01-01", None, "yearly")


# --- relative to the signing date ---------------------------------------------------
def test_effective_from_signing():
    assert bounds("Quyết định này có hiệu lực kể từ ngày ký.")[0] == "2021-03-15"


def test_within_days_of_signing():
    assert bounds("Trong thời hạn 30 ngày kể từ ngày ký, các sở báo cáo.")[1] == "2021-04-14"


def test_after_days_of_signing():
    assert bounds("Quyết định có hiệu lực sau 10 ngày kể từ ngày ký.")[0] == "2021-03-25"


def test_relative_without_document_date():
    d = extract_deadline("Quyết định này có hiệu lực kể từ ngày ký.")
    assert d is not None and d.start is None and d.end is None
    assert d.confidence < 0.5
    assert "relative to the signing date, which is unknown" in d.reasons


# --- precedence -----------------------------------------------------------------
def test_time_clause_wins_over_year_in_text():
    d = extract_deadline("Xây dựng kế hoạch năm 2023 cho toàn ngành (Thời gian thực hiện: Quý I/2023).", SIGNED)
    assert d.end == "2023-03-31"


def test_explicit_date_wins_over_year():
    d = extract_deadline("Trong năm 2022 hoàn thiện hồ sơ, trình trước ngày 30/6/2022.", SIGNED)
    assert d.end == "2022-06-30"


# --- not deadlines ------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "Triển khai Chương trình phát triển du lịch bền vững giai đoạn 2021-2025 trên địa bàn tỉnh.",
        "Xây dựng Kế hoạch truyền thông năm 2022.",
        "Trình phê duyệt Quy hoạch phát triển giao thông đến năm 2030, tầm nhìn đến năm 2050.",
        "Thực hiện theo Quyết định số 1234/QĐ-UBND ngày 12 tháng 5 năm 2020 của UBND tỉnh.",
        "Thực hiện Nghị định số 45-CP của Chính phủ ngày 20/8/1999.",
        "Tổ chức “Ngày hội khởi nghiệp sáng tạo – 2022” tại tỉnh.",
        "Phát động cuộc thi “Sáng tạo trẻ năm 2022”.",
        "Tăng 10% so với năm trước.",
        "Thời gian giải quyết: 15 ngày làm việc.",
        "Định kỳ kiểm tra đột xuất.",
        "Ban hành Chiến lược phát triển nông nghiệp đến năm 2030.",
    ],
)
def test_not_deadlines(text):
    assert extract_deadline(text, SIGNED) is None, extract_deadline(text, SIGNED)


def test_quantity_of_rounds_then_year_is_a_deadline():
    assert bounds("Trình phê duyệt danh mục đề tài 02 đợt năm 2022.")[:2] == ("2022-01-01", "2022-12-31")


def test_generic_plural_mention_keeps_the_year():
    assert bounds("Nâng cao hiệu quả các chương trình khuyến nông đến năm 2025.")[1] == "2025-12-31"


def test_named_plan_with_a_stated_quarter():
    d = extract_deadline("Trình phê duyệt Quy hoạch đô thị đến năm 2035 (Thời gian trình: Quý IV/2021).", SIGNED)
    assert d.end == "2021-12-31"


def test_confidence_and_reasons_everywhere():
    for text in ["Hàng năm tổ chức.", "trước ngày 15/12/2021", "năm 2022", "Quý II/2022"]:
        d = extract_deadline(text, SIGNED)
        assert 0 <= d.confidence <= 1 and d.reasons


# --- robustness -------------------------------------------------------------------
@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_and_span_matches_raw(text):
    d = extract_deadline(text, SIGNED)
    if d is not None and d.span is not None:
        assert text[d.span[0] : d.span[1]] == d.raw


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["Quý", "II", "IV", "/", "2018", "năm", "tháng", "13", "31", "ngày", "trước", "đến",
                                 "từ", "hàng", "hằng", "giai đoạn", "-", "kể từ ngày ký", "6", "Kế hoạch", "“", "”",
                                 "(", ")", "Thời gian trình:", "0", "29/2/2019"]), max_size=12).map(" ".join),
       st.one_of(st.none(), st.dates()))
def test_never_raises_on_time_like_text(text, document_date):
    d = extract_deadline(text, document_date)
    if d is not None and d.span is not None:
        assert text[d.span[0] : d.span[1]] == d.raw


def test_adoption_date_is_not_a_deadline_but_the_effective_date_is():
    d = extract_deadline("Nghị quyết này được Hội đồng nhân dân tỉnh thông qua ngày 10 tháng 12 năm 2022 "
                         "và có hiệu lực từ ngày 01 tháng 01 năm 2023.")
    assert (d.start, d.end) == ("2023-01-01", None)
    assert extract_deadline("Biên bản được lập ngày 05/6/2021 tại trụ sở Ủy ban.") is None


def test_a_range_of_months():
    d = extract_deadline("Thời gian thực hiện: từ tháng 4 đến tháng 9 năm 2025.")
    assert (d.start, d.end) == ("2025-04-01", "2025-09-30")


def test_issuing_within_a_quarter_is_a_deadline():
    d = extract_deadline("Trình Ủy ban nhân dân tỉnh ban hành trong Quý III/2025.")
    assert d.end == "2025-09-30"


# --- dates that are not the time of the work (issue 13) -------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "Bà Trần Thị Hoa, sinh ngày 14/02/1979, trú tại thôn Đông, xã Tân Lập.",
        "Ông Lê Văn Nam; Ngày sinh: 03/11/1988; Quốc tịch: Việt Nam.",
        "Người đại diện sinh năm 1975, quê quán huyện Văn Yên.",
        "Thẻ căn cước số 012345678901 do Cục Cảnh sát cấp ngày 21/7/2022.",
        "Căn cước công dân số 019087000111; Ngày cấp: 02/4/2021; Nơi cấp: Cục Cảnh sát.",
        "Giấy chứng nhận đăng ký hợp tác xã số 4101234567 đăng ký lần đầu ngày 11/3/2019, "
        "đăng ký thay đổi lần thứ ba ngày 08/9/2024.",
        "Hồ sơ đề xuất dự án nộp lần 1 ngày 15/10/2024, nộp lại ngày 02/12/2024.",
        "Hợp tác xã được thành lập ngày 20/5/2010 theo quy định của pháp luật.",
        "Căn cứ Luật Quy hoạch ngày 24 tháng 11 năm 2017, rà soát các quy hoạch ngành.",
        "Thực hiện theo Kết luận của Ban Thường vụ Huyện ủy ngày 05/3/2025 về phát triển chợ.",
        "Nghị quyết này đã được Hội đồng nhân dân huyện thông qua ngày 18 tháng 12 năm 2024.",
        "Hồ sơ đã nộp trước khi trẻ em sinh trước ngày 01/9/2019 được giữ nguyên.",
        "Giấy chứng nhận do Sở Tài chính câp ngày 16/01/2015, câp thay đôi lân thứ 2 ngày 08/4/2020.",  # OCR, no tones
    ],
)
def test_dates_of_past_events_and_citations_are_not_deadlines(text):
    assert extract_deadline(text, SIGNED) is None, extract_deadline(text, SIGNED)


def test_an_event_held_on_a_day_is_the_time_of_the_work():
    assert bounds("Tổ chức Hội nghị tổng kết ngày 20/12/2021 tại hội trường tỉnh.")[:2] == ("2021-12-20", "2021-12-20")


def test_a_registration_date_does_not_hide_the_deadline_of_the_work():
    d = extract_deadline("Doanh nghiệp (đăng ký lần đầu ngày 05/01/2018) hoàn thành thủ tục trước ngày 30/9/2021.", SIGNED)
    assert (d.start, d.end) == (None, "2021-09-30")


# --- deadline grammar (issue 13) ------------------------------------------------------
@pytest.mark.parametrize(
    "text, start",
    [
        ("Các hạng mục còn lại triển khai sau năm 2025.", "2026-01-01"),
        ("Mở rộng diện tích trồng rừng từ sau năm 2022.", "2023-01-01"),
        ("Chỉ tiếp nhận hồ sơ sau ngày 30/6/2021.", "2021-07-01"),
        ("Đưa vào khai thác sau Quý II/2022.", "2022-07-01"),
    ],
)
def test_after_a_period_starts_the_day_after_it_ends(text, start):
    assert bounds(text)[:2] == (start, None)


def test_phases_span_from_the_first_start_to_the_last_end():
    text = ("Tiến độ thực hiện: Giai đoạn 1: (1) chuẩn bị đầu tư: từ Quý I/2022 đến Quý IV/2022; "
            "(2) thi công xây dựng: đến Quý II/2024; (3) vận hành thử: Quý III/2024.")
    assert bounds(text)[:2] == ("2022-01-01", "2024-09-30")


def test_phases_of_years_in_brackets():
    text = "Giai đoạn I (2021 - 2023): hoàn thiện hạ tầng; giai đoạn II (2024 - 2026): mở rộng quy mô."
    assert bounds(text)[:2] == ("2021-01-01", "2026-12-31")


def test_one_phase_marker_is_not_a_list_of_phases():
    d = extract_deadline("Giai đoạn 1 hoàn thành trong năm 2022, trình phê duyệt trước ngày 30/6/2022.", SIGNED)
    assert d.end == "2022-06-30"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Thời gian thực hiện: Từ Quý I/2022\nđến Quý III/2023.", ("2022-01-01", "2023-09-30")),
        ("Triển khai từ năm 2022 đến Quý III/2023.", ("2022-01-01", "2023-09-30")),
        ("Quý I/2022 - Quý II/2023: thi công các hạng mục chính.", ("2022-01-01", "2023-06-30")),
        ("Thực hiện từ tháng 3/2022 đến tháng 6/2023.", ("2022-03-01", "2023-06-30")),
        ("Áp dụng từ ngày 01/7/2021\nđến hết ngày 31/12/2022.", ("2021-07-01", "2022-12-31")),
        ("Có hiệu lực kể từ ngày ký và được áp dụng đến hết ngày 31/12/2022.", ("2021-03-15", "2022-12-31")),
        ("Thời hạn ủy quyền: từ ngày Quyết định này có hiệu lực đến hết ngày 31/12/2022.", ("2021-03-15", "2022-12-31")),
    ],
)
def test_a_start_and_an_end_are_one_range(text, expected):
    assert bounds(text)[:2] == expected


@pytest.mark.parametrize(
    "text, recurrence",
    [
        ("Định kỳ 6 tháng và hàng năm báo cáo Ủy ban nhân dân tỉnh.", "semiannual"),
        ("Báo cáo định kỳ 6 tháng và hằng năm về Sở Nội vụ.", "semiannual"),
        ("Báo cáo định kỳ hằng năm về Sở Tài chính; các xã cập nhật số liệu hằng ngày.", "yearly"),
        ("Hằng năm tổng kết; định kỳ hằng quý (trước ngày 20 tháng cuối quý) và hằng năm báo cáo.", "quarterly"),
        ("Báo cáo giám sát đầu tư (định kỳ hằng quý và cả năm) gửi Sở Kế hoạch.", "quarterly"),
        ("Kiểm tra sức khỏe ít nhất 02 lần/năm.", "semiannual"),
        ("Cập nhật tiến độ tối thiểu 01 lần/tháng.", "monthly"),
        ("Sơ kết hằng quý, 6 tháng và năm.", "quarterly"),
    ],
)
def test_the_shortest_period_of_one_phrase(text, recurrence):
    assert bounds(text)[2] == recurrence


def test_a_period_of_a_school_year_is_not_a_recurrence():
    d = extract_deadline("Tổ chức tối đa 04 lần/năm học.", SIGNED)
    assert d is None or d.recurrence != "quarterly"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Ban hành Chương trình phát triển nông thôn mới giai đoạn 2016–2020 của huyện.", None),
        ("Sơ kết Đề án giảm nghèo bền vững giai đoạn 2021-2025 của tỉnh.", None),
        ("Triển khai các nhiệm vụ của đề án, thực hiện trong giai đoạn 2016–2020.", ("2016-01-01", "2020-12-31")),
        ("Chương trình được thực hiện trong giai đoạn 2016–2020.", ("2016-01-01", "2020-12-31")),
        ("Rà soát Luật Các tổ chức tín dụng năm 2024 và các văn bản hướng dẫn.", None),
        ("Lập kế hoạch sử dụng đất 5 năm (2026 - 2030) của huyện.", None),
    ],
)
def test_a_programme_name_period_is_not_the_time_of_the_work(text, expected):
    d = extract_deadline(text, SIGNED)
    assert (d.start, d.end) == expected if expected else d is None, d


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Gửi báo cáo trong tháng 6/2022.", ("2022-06-01", "2022-06-30")),
        ("Tổ chức khảo sát vào tháng 5 và tháng 6 năm 2022.", ("2022-05-01", "2022-06-30")),
        ("Tổ chức khảo sát trong tháng 5, 6/2022.", ("2022-05-01", "2022-06-30")),
        ("Hoàn thành trong Quý I và Quý II năm 2022.", ("2022-01-01", "2022-06-30")),
        ("Hoàn thành trong Quý III, IV/2022.", ("2022-07-01", "2022-12-31")),
        ("Thực hiện từ Quý I đến Quý III/2022.", ("2022-01-01", "2022-09-30")),
        ("Tập huấn giáo viên trong năm học 2021–2022.", ("2021-09-01", "2022-05-31")),
        ("Từ nay đến năm 2025, phấn đấu 100% xã đạt chuẩn.", ("2021-03-15", "2025-12-31")),
        ("Từ nay đến hết năm 2025 hoàn thành cấp giấy chứng nhận.", ("2021-03-15", "2025-12-31")),
        ("Báo cáo kết quả trước ngày 15/12.", (None, "2021-12-15")),
        ("Nộp báo cáo chậm nhất ngày 10/01.", (None, "2022-01-10")),  # the next 10 January after signing
        ("Trong vòng 30 ngày kể từ ngày Kế hoạch này được ban hành, các phòng báo cáo.", (None, "2021-04-14")),
        ("Trong thời hạn 15 ngày kể từ ngày ký Quyết định này, các xã báo cáo.", (None, "2021-03-30")),
        ("Trong thời hạn 30 ngày kể từ ngày Quyết định này có hiệu lực, các sở rà soát.", (None, "2021-04-14")),
        ("Chậm nhất là ngày 30 tháng 6 năm 2022 phải hoàn thành.", (None, "2022-06-30")),
        ("Hoàn thành trước Quý III/2022.", (None, "2022-06-30")),
        ("Phải hoàn thành xong trong 6 tháng đầu năm 2022.", ("2022-01-01", "2022-06-30")),
        ("Đưa vào sử dụng chậm nhất vào cuối năm 2023.", (None, "2023-12-31")),
    ],
)
def test_other_ways_plans_write_time_bounds(text, expected):
    assert bounds(text)[:2] == expected


@pytest.mark.parametrize(
    "text, recurrence",
    [
        ("Báo cáo trước ngày 15/12 hằng năm.", "yearly"),  # the day of a yearly report, not one date
        ("Hằng năm, các đơn vị gửi báo cáo về Sở trước ngày 31 tháng 3.", "yearly"),
        ("Chi trả trong quý I hằng năm.", "yearly"),
    ],
)
def test_a_day_of_a_recurring_report_is_not_one_date(text, recurrence):
    assert bounds(text) == (None, None, recurrence)


@pytest.mark.parametrize(
    "text",
    [
        "Thường xuyên kiểm tra, giám sát việc chấp hành.",
        "Trong vòng 30 ngày kể từ ngày nhận được hồ sơ hợp lệ, Sở trả lời bằng văn bản.",
        "Trong thời hạn 15 ngày làm việc kể từ ngày ký hợp đồng, nhà thầu nộp bảo lãnh.",
        "Chậm nhất 05 ngày làm việc kể từ ngày ban hành thông báo, đơn vị bổ sung hồ sơ.",
        "Kỳ báo cáo tính từ ngày 15 tháng 12 của năm trước đến ngày 14 tháng 12 của năm báo cáo.",
        "Các văn bản sau hết hiệu lực kể từ ngày Thông tư này có hiệu lực thi hành.",
    ],
)
def test_bounds_that_no_date_can_be_given_for(text):
    assert extract_deadline(text, SIGNED) is None, extract_deadline(text, SIGNED)


def test_a_labelled_clause_beats_the_years_in_its_brackets():
    text = ("Tiến độ thực hiện dự án: Hoàn thành trong quý IV năm 2023 (trong năm 2022 hoàn thành hạ tầng; "
            "tỷ lệ lấp đầy 50% trong năm 2024 và 100% trong năm 2025).")
    assert bounds(text)[:2] == ("2023-10-01", "2023-12-31")


# --- bare values of a time clause -------------------------------------------------
@pytest.mark.parametrize("text, start, end", [
    ("Rà soát quy hoạch. Thời gian thực hiện: 2024 - 2026.", "2024-01-01", "2026-12-31"),
    ("Xây dựng cơ sở dữ liệu (tiến độ: 2025).", "2025-01-01", "2025-12-31"),
    ("Thời hạn hoàn thành: 9/2025", "2025-09-01", "2025-09-30"),
])
def test_bare_value_after_a_time_label(text, start, end):
    assert bounds(text)[:2] == (start, end)


@pytest.mark.parametrize("text", [
    "Thời gian giải quyết: 2025 hồ sơ được tiếp nhận.",  # a processing time, not the work's
    "Triển khai Kế hoạch 2025 của Bộ.",  # a bare year in prose names the plan
    "Thời gian thực hiện: 2025 tỷ đồng",  # not a time at all
])
def test_bare_years_outside_a_time_value_are_not_deadlines(text):
    d = extract_deadline(text, SIGNED)
    assert d is None or d.end is None


@pytest.mark.parametrize("text, end", [
    ("Đến năm 2025, thu nhập bình quân tăng 1,5 lần so với năm 2020.", "2025-12-31"),
    ("Tăng 15% so với năm 2020, đến năm 2025 đạt 90% hộ dân dùng nước sạch.", "2025-12-31"),
])
def test_the_baseline_of_a_comparison_is_not_the_deadline(text, end):
    assert bounds(text)[1] == end


@pytest.mark.parametrize("text", [
    "Dự toán chi thường xuyên tăng không quá 5% so với năm 2024.",
    "Số vụ tai nạn giảm 10% so với cùng kỳ năm 2023.",
    "Doanh thu tăng gấp 2 lần so với giai đoạn 2016-2020.",
])
def test_a_comparison_alone_gives_no_deadline(text):
    assert extract_deadline(text, SIGNED) is None


@pytest.mark.parametrize("text, start, end", [
    ("Hoàn thành QII/2024", None, "2024-06-30"),
    ("Thời gian: Q4/2024", "2024-10-01", "2024-12-31"),
    ("Trình UBND tỉnh Q.III/2024.", "2024-07-01", "2024-09-30"),
])
def test_quarters_abbreviated_with_their_year(text, start, end):
    got = bounds(text)
    assert got[1] == end and (start is None or got[0] == start)


def test_a_day_and_month_after_truoc_without_ngay():
    assert bounds("Các đơn vị báo cáo trước 15/12.", dt.date(2024, 3, 1))[1] == "2024-12-15"


@pytest.mark.parametrize("text", [
    "Hoàn thành 10/12 chỉ tiêu của Nghị quyết.",  # a count of targets, not a date
    "Trụ sở tại Q.2, TP. Hồ Chí Minh.",  # a district, not a quarter
])
def test_figures_that_look_like_a_day_or_a_quarter(text):
    assert extract_deadline(text, dt.date(2024, 3, 1)) is None


def test_a_programmes_number_is_not_a_count_and_its_period_is_its_name():
    """"Đề án số 08 về … giai đoạn 2026-2030": 08 numbers the programme (no count of rounds in a year), so the
    period is part of its name, not the time of the sentence's work."""
    assert extract_deadline("Triển khai Đề án số 08 về phát triển công nghiệp giai đoạn 2026-2030.") is None
    rounds = extract_deadline("Danh mục nhiệm vụ 03 đợt năm 2018")
    assert (rounds.start, rounds.end) == ("2018-01-01", "2018-12-31")


def test_a_title_takes_the_period_of_the_programme_it_carries_out():
    """A plan titled "Thực hiện Đề án số 08 … giai đoạn 2026-2030" runs over that period; a law's year in a
    title ("… Luật Địa chất và khoáng sản năm 2024") still names the law."""
    title = extract_deadline("Thực hiện Đề án số 08 về phát triển công nghiệp giai đoạn 2026-2030", title=True)
    assert (title.start, title.end) == ("2026-01-01", "2030-12-31")
    assert extract_deadline("Tháo gỡ khó khăn trong triển khai Luật Địa chất và khoáng sản năm 2024", title=True) is None


@pytest.mark.parametrize("text, recurrence", [
    ("Sao kê tài khoản ngân hàng ghi nhận thu nhập hàng tháng của bên bảo đảm;", None),  # a monthly income
    ("Bản sao quyết định về việc hưởng chế độ hưu trí hằng tháng.", None),
    ("Chi trợ cấp hàng tháng cho các đối tượng bảo trợ xã hội.", "monthly"),  # paying it is the work
    ("Sở Tài chính báo cáo hằng tháng về tiến độ giải ngân.", "monthly"),
])
def test_a_period_qualifying_an_amount_is_no_recurrence_of_the_work(text, recurrence):
    found = extract_deadline(text)
    assert (found.recurrence if found else None) == recurrence


def test_the_date_of_a_cited_act_whose_symbol_breaks_after_its_dash_is_no_deadline():
    assert extract_deadline("Sửa đổi, bổ sung một số Điều của Thông tư số 11/2024/TT- BNNPTNT ngày 04 tháng 9 năm 2024 "
                            "của Bộ trưởng Bộ Nông nghiệp") is None


def test_in_a_regulation_a_period_before_its_date_is_a_condition_on_the_past():
    """"giấy phép được cấp trước ngày 01/7/2025" in a circular of December 2025 bounds no work; with ``past=True``
    (plans, reports) it would count; a quarter printed without its year is not judged so."""
    signed = dt.date(2025, 12, 2)
    text = "Áp dụng đối với đơn vị được cấp giấy phép hoạt động điện lực trước ngày 01/7/2025."
    assert extract_deadline(text, signed, past=False) is None
    assert extract_deadline(text, signed).end == "2025-07-01"
    assert extract_deadline("Báo cáo tình hình hoạt động Quý I, II, III", signed, past=False) is not None
    future = extract_deadline("Chậm nhất đến ngày 01 tháng 7 năm 2027, các bộ hoàn thành việc rà soát.", signed, past=False)
    assert future.end == "2027-07-01"
