"""Vietnamese number parsing: digit formats, number words, scale words."""
import pytest

from pipeline.extract.numbers import SCALE_WORDS, parse_vn_number


@pytest.mark.parametrize(
    "s, expected",
    [
        ("3.000", 3000),  # dot groups thousands
        ("1.500.000", 1_500_000),
        ("22,6", 22.6),  # comma is the decimal mark
        ("1,5", 1.5),
        ("04", 4),  # zero-padded counts
        ("120", 120),
        ("1.234,5", 1234.5),
        ("3.5", 3.5),  # one group of 1-2 digits after a dot: a decimal point
        ("2.75", 2.75),
        ("1,500,000", 1_500_000),  # English style with several comma groups
    ],
)
def test_digit_formats(s, expected):
    assert parse_vn_number(s) == pytest.approx(expected)


@pytest.mark.parametrize(
    "s, expected",
    [
        ("một", 1),
        ("hai", 2),
        ("mười", 10),
        ("mười lăm", 15),
        ("hai mươi", 20),
        ("hai mươi lăm", 25),
        ("ba mươi mốt", 31),
        ("bốn mươi tư", 44),
        ("một trăm", 100),
        ("một trăm linh năm", 105),
        ("năm trăm", 500),
        ("hai nghìn", 2000),
        ("ba ngàn", 3000),
        ("hai triệu năm trăm nghìn", 2_500_000),
        ("một tỷ", 1e9),
        ("một nghìn tỷ", 1e12),
    ],
)
def test_number_words(s, expected):
    assert parse_vn_number(s) == pytest.approx(expected)


@pytest.mark.parametrize(
    "s, expected",
    [("22,6 tỷ", 22.6e9), ("15 triệu", 15e6), ("3 nghìn", 3000), ("1,2 tỉ", 1.2e9), ("5 ngàn", 5000)],
)
def test_scale_words_multiply_the_number_before_them(s, expected):
    assert parse_vn_number(s) == pytest.approx(expected)


def test_scale_word_registry():
    assert SCALE_WORDS["nghìn"] == SCALE_WORDS["ngàn"] == 1e3
    assert SCALE_WORDS["triệu"] == 1e6
    assert SCALE_WORDS["tỷ"] == SCALE_WORDS["tỉ"] == 1e9


@pytest.mark.parametrize("s", ["", "  ", "abc", "hai ba", "lăm", "1.2.3", "12a", "doanh nghiệp", "15 doanh"])
def test_not_numbers(s):
    assert parse_vn_number(s) is None
