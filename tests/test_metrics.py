"""Tests for the transcript metrics: diacritic accuracy and character error rate."""
import unicodedata

import pytest

from pipeline.repair.metrics import character_error_rate, diacritic_accuracy, fold, is_diacritic_letter

SENTENCE = "Quyết định số 12/QĐ-UBND về việc phê duyệt kế hoạch phát triển"


def test_identical_texts_score_one():
    assert diacritic_accuracy(SENTENCE, SENTENCE) == 1.0
    assert character_error_rate(SENTENCE, SENTENCE) == 0.0


def test_diacritic_letters():
    assert all(is_diacritic_letter(ch) for ch in "àáảãạăằâêệôơườđĐỲ")
    assert not any(is_diacritic_letter(ch) for ch in "aeiouyAQ1 -,ç")  # ç: a cedilla is not Vietnamese


def test_one_tone_changed_costs_one_letter():
    targets = sum(is_diacritic_letter(ch) for ch in SENTENCE)
    assert targets == 13
    hypothesis = SENTENCE.replace("việc", "viếc")
    assert diacritic_accuracy(SENTENCE, hypothesis) == pytest.approx((targets - 1) / targets)


def test_lost_accents_and_mojibake_score_low():
    stripped = "Quyet dinh so 12/QD-UBND ve viec phe duyet ke hoach phat trien"
    assert diacritic_accuracy(SENTENCE, stripped) == 0.0
    tcvn3 = "QuyÕt ®Þnh sè 12/Q§-UBND vÒ viÖc phª duyÖt kÕ ho¹ch ph¸t triÓn"
    assert diacritic_accuracy(SENTENCE, tcvn3) == 0.0


def test_whitespace_and_normalisation_are_ignored():
    spaced = "  Quyết   định\nsố 12/QĐ-UBND\tvề việc phê duyệt\r\n kế hoạch phát triển \n"
    assert diacritic_accuracy(SENTENCE, spaced) == 1.0
    assert character_error_rate(SENTENCE, spaced) == 0.0
    decomposed = unicodedata.normalize("NFD", SENTENCE)
    assert diacritic_accuracy(SENTENCE, decomposed) == 1.0
    assert fold(" a \n\n b ") == "a b"


def test_case_counts_unless_ignored():
    upper = SENTENCE.upper()
    assert diacritic_accuracy(SENTENCE, upper) < 0.5
    assert diacritic_accuracy(SENTENCE, upper, ignore_case=True) == 1.0


def test_alignment_survives_insertions_and_deletions():
    hypothesis = "PAGE 1 " + SENTENCE.replace("phê duyệt ", "") + " trang 2"
    targets = sum(is_diacritic_letter(ch) for ch in SENTENCE)
    # Only "ê" and "ệ" of the deleted words are lost.
    assert diacritic_accuracy(SENTENCE, hypothesis) == pytest.approx((targets - 2) / targets)


def test_empty_reference():
    assert diacritic_accuracy("", "anything") == 1.0
    assert diacritic_accuracy("  \n ", "") == 1.0
    assert diacritic_accuracy("no marks here", "") == 1.0
    assert character_error_rate("", "") == 0.0
    assert character_error_rate(" ", "abc") == 1.0


def test_empty_hypothesis():
    assert diacritic_accuracy(SENTENCE, "") == 0.0
    assert character_error_rate(SENTENCE, "") == 1.0


def test_character_error_rate_is_levenshtein_over_length():
    assert character_error_rate("kitten", "sitting") == pytest.approx(3 / 6)
    assert character_error_rate("việc làm", "viếc làm") == pytest.approx(1 / 8)
    assert character_error_rate("abc", "abcd") == pytest.approx(1 / 3)


def test_long_texts_are_fast_and_close_to_exact():
    # Numbered, as real documents are: a periodic text would let difflib align shifted copies.
    reference = " ".join(f"Điều {i}. {SENTENCE}" for i in range(400))  # ~30 000 characters
    hypothesis = reference.replace("việc", "viec", 40)
    targets = sum(is_diacritic_letter(ch) for ch in reference)  # 15 a sentence
    assert diacritic_accuracy(reference, hypothesis) == pytest.approx(1 - 40 / targets)
    assert character_error_rate(reference, hypothesis) == pytest.approx(40 / len(reference))
