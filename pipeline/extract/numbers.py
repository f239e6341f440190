"""Vietnamese numbers: digits in the Vietnamese format and number words.

Vietnamese administrative documents group thousands with ``.`` and write the
decimal mark as ``,`` ("1.500.000" = 1500000, "22,6" = 22.6). Counts are often
zero-padded ("04", "01"). Numbers may also be spelled out ("hai mươi lăm") and
scaled by a following scale word ("22,6 tỷ", "15 triệu").

This module only turns a number *string* into a float; deciding whether a
number in running text is a quantity at all is the job of ``quantities.py``.
"""
from __future__ import annotations

import regex as re

# Scale words multiply the number in front of them ("22,6 tỷ" = 22.6e9).
SCALE_WORDS: dict[str, float] = {
    "nghìn": 1e3,
    "ngàn": 1e3,
    "triệu": 1e6,
    "tỷ": 1e9,
    "tỉ": 1e9,
}

# Units 0-9. "mốt" (1), "tư" (4) and "lăm"/"nhăm" (5) are the forms used after
# "mươi"/"mười"; "linh"/"lẻ" mark an empty tens place ("một trăm linh năm").
DIGIT_WORDS: dict[str, int] = {
    "không": 0,
    "một": 1,
    "mốt": 1,
    "hai": 2,
    "ba": 3,
    "bốn": 4,
    "tư": 4,
    "năm": 5,
    "lăm": 5,
    "nhăm": 5,
    "sáu": 6,
    "bảy": 7,
    "bẩy": 7,
    "tám": 8,
    "chín": 9,
}
TEN_WORDS = {"mười"}  # "mười" = 10 on its own, "mười lăm" = 15
TENS_MULTIPLIER = {"mươi"}  # "hai mươi" = 20
HUNDRED_WORDS = {"trăm"}
ZERO_TENS_WORDS = {"linh", "lẻ"}

NUMBER_WORDS: frozenset[str] = frozenset(
    set(DIGIT_WORDS) | TEN_WORDS | TENS_MULTIPLIER | HUNDRED_WORDS | ZERO_TENS_WORDS | set(SCALE_WORDS)
)

# Digit patterns, tried in order.
_THOUSANDS_DOT = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")  # 1.500.000 / 3.000 / 1.234,5
_THOUSANDS_COMMA = re.compile(r"\d{1,3}(?:,\d{3}){2,}(?:\.\d+)?")  # 1,500,000 (English style, 2+ groups)
_DECIMAL_COMMA = re.compile(r"\d+,\d+")  # 22,6
_DECIMAL_DOT = re.compile(r"\d+\.\d+")  # 3.5 (ambiguous; only when not a thousands group)
_INTEGER = re.compile(r"\d+")  # 04


def parse_digits(s: str) -> float | None:
    """Parse a digit string in Vietnamese format; ``None`` if it is not one number.

    A dot followed by exactly three digits groups thousands; any other dot is a
    decimal point. A comma is the decimal mark, except in English-style numbers
    with two or more comma groups ("1,500,000").
    """
    s = s.strip()
    if not s.isascii():
        return None  # digits of other scripts: not how these documents print numbers
    if _THOUSANDS_DOT.fullmatch(s):
        return float(s.replace(".", "").replace(",", "."))
    if _THOUSANDS_COMMA.fullmatch(s):
        return float(s.replace(",", ""))
    if _DECIMAL_COMMA.fullmatch(s):
        return float(s.replace(",", "."))
    if _DECIMAL_DOT.fullmatch(s) or _INTEGER.fullmatch(s):
        return float(s)
    return None


def is_ambiguous_dot(s: str) -> bool:
    """True for "3.5"-like strings where the dot could be a decimal point or a typo."""
    return bool(_DECIMAL_DOT.fullmatch(s.strip())) and not _THOUSANDS_DOT.fullmatch(s.strip())


def parse_number_words(words: list[str]) -> float | None:
    """Value of a sequence of Vietnamese number words, or ``None`` if malformed.

    Reads left to right keeping ``group`` (the part below the current scale)
    and ``pending`` (a digit waiting for "mươi"/"trăm" or the end).
    """
    if not words:
        return None
    total = 0.0
    group = 0.0
    pending: float | None = None
    prev = None
    for w in words:
        if w in DIGIT_WORDS:
            if pending is not None:  # two digits in a row ("hai ba") is not a number
                return None
            if w in ("mốt", "tư", "lăm", "nhăm") and prev not in ("mươi", "mười", "linh", "lẻ", "trăm"):
                if prev is not None or w != "tư":
                    return None
            pending = DIGIT_WORDS[w]
        elif w in TEN_WORDS:
            if pending is not None:
                return None
            group += 10
        elif w in TENS_MULTIPLIER:
            if pending is None:
                return None
            group += pending * 10
            pending = None
        elif w in HUNDRED_WORDS:
            group += (pending if pending is not None else 1) * 100
            pending = None
        elif w in ZERO_TENS_WORDS:
            if prev not in HUNDRED_WORDS and prev not in SCALE_WORDS:
                return None
        elif w in SCALE_WORDS:
            scale = SCALE_WORDS[w]
            chunk = group + (pending or 0)
            if chunk == 0 and total == 0:
                chunk = 1  # "nghìn" alone, "triệu đồng"
            if 0 < total < scale:
                # "một nghìn tỷ": a larger scale multiplies everything read so far
                total = (total + chunk) * scale
            else:
                total += chunk * scale
            group, pending = 0.0, None
        else:
            return None
        prev = w
    return total + group + (pending or 0)


def parse_vn_number(s: str) -> float | None:
    """Parse a Vietnamese number: digits ("1.500.000", "22,6", "04"), words
    ("hai mươi lăm"), or either followed by scale words ("22,6 tỷ", "15 triệu").

    Returns ``None`` when ``s`` is not a number.
    """
    if not s or not s.strip():
        return None
    tokens = s.strip().casefold().split()
    head = tokens[0]
    if head[0].isdigit():
        value = parse_digits(head)
        if value is None:
            return None
        for t in tokens[1:]:  # only scale words may follow digits
            if t not in SCALE_WORDS:
                return None
            value *= SCALE_WORDS[t]
        return value
    return parse_number_words(tokens)
