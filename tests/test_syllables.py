"""Tests for the Vietnamese syllable validator."""
import unicodedata

import pytest

from pipeline.repair.syllables import is_vietnamese_syllable, split_tone, syllable_validity

VALID = (
    "a ba ăn ấy ý yên yêu ích ưu oà òa uỷ ủy "
    "quyết định số của ủy ban nhân dân tỉnh về việc phê duyệt kế hoạch phát triển "
    "kinh tế xã hội năm người nghiệp điều khoản giữa giêng già gìn gì quốc quý quỳ "
    "quỳnh quá quân quê khuya khuỷu thuở hoà hòa khoẻ khỏe thuỷ thủy nghiêng kiểm "
    "ngoặc hoằng luật chuyên truyền tuyệt xuân toán khoảng hoạt loại xoáy khoét "
    "thuế hướng dẫn trách nhiệm đồng thời ke ghe ghi nghe nghĩ"
).split()

INVALID = [
    "ĐIỀ",  # "iê" cannot end a syllable
    "NGHIỆ",
    "cuộ",
    "ngườ",
    "Q",  # no vowel
    "UBND",
    "BTC",
    "xyz",
    "ngi",  # ng before i is spelled ngh
    "ghê" + "a",
    "ca" + "\u0301" + "\u0300",  # two tone marks
    "ce",  # c before e is spelled k
    "ka",  # k only before i, e, ê, y
    "gha",
    "iên",  # without an onset this rhyme is written "yên"
    "tiếng" + "x",
    "hoàt",  # stop final with the huyền tone
    "cát2",
    "word",
    "",
    "nghiêngg",
]


@pytest.mark.parametrize("word", VALID)
def test_valid_syllables(word):
    assert is_vietnamese_syllable(word)
    assert is_vietnamese_syllable(word.upper())
    assert is_vietnamese_syllable(word.capitalize())


@pytest.mark.parametrize("word", INVALID)
def test_invalid_syllables(word):
    assert not is_vietnamese_syllable(word)


def test_decomposed_input_is_accepted():
    assert is_vietnamese_syllable(unicodedata.normalize("NFD", "nghiệp"))


def test_tone_constraint_on_stop_finals():
    assert is_vietnamese_syllable("việt")  # nặng
    assert is_vietnamese_syllable("tiết")  # sắc
    assert not is_vietnamese_syllable("tiềt")  # huyền with final t
    assert not is_vietnamese_syllable("các" + "h" + "x")


def test_split_tone():
    assert split_tone("Ủy") == ("uy", "\u0309")
    assert split_tone("ban") == ("ban", "")
    assert split_tone("Москва") is None


def test_syllable_validity_scores():
    assert syllable_validity("Ủy ban nhân dân tỉnh") == 1.0
    # Abbreviations and numbers are ignored.
    assert syllable_validity("UBND tỉnh 2020 KH ĐBSCL") == 1.0
    # Upper case: single letters count as abbreviations, only ĐIỀ, NGHIỆ are judged.
    assert syllable_validity("ĐIỀ U NGHIỆ P") == 0.0
    # Lower case: only "u" of điề / u / nghiệ / p is a syllable.
    assert syllable_validity("điề u nghiệ p") == pytest.approx(0.25)
    assert syllable_validity("") == 1.0
    assert syllable_validity("Æ§ßð¶ þýøðß") == 0.0
