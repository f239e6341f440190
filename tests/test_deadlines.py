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
