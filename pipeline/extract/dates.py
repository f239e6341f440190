"""Calendar dates as Vietnamese documents print them.

"ngày 08 tháng 01 năm 2018", "ngày 14/7/2017", "ngày 07/ 3/2002", "08.01.2018".
Used by the header (issue date), citations (date of a cited document) and
stamps. Time expressions that are deadlines ("Quý II/2018") live in
`pipeline.extract.deadlines`.

The patterns match the *match form* of a text (`match_form`): folded one
character for one (OCR drops and swaps tone marks: "ngảy 05 thảng 3") with
look-alike letters inside figures read as digits ("3l" -> "31", "2O24" -> "2024").
Offsets in the match form are offsets in the text, so a match's span points at
the date as printed.
"""
from __future__ import annotations

import datetime as dt

import regex

from pipeline.lexicon import fold_chars, repair_digits

# "ngày 08 tháng 01 năm 2018" (OCR may drop diacritics: "ngay 08 thang 01 nam 2018")
_WORDS = r"ngay\s*(?P<d>\d{1,2})\s*thang\s*(?P<m>\d{1,2})\s*(?:nam\s*)?(?P<y>\d{4})"
# "14/7/2017", "07/ 3/2002", "14-7-2017", "08.01.2018"
_NUMERIC = r"(?P<d2>\d{1,2})\s*(?P<sep>[/.\-])\s*(?P<m2>\d{1,2})\s*(?P=sep)\s*(?P<y2>\d{4})"

DATE_RE = regex.compile(rf"(?:{_WORDS}|(?:ngay\s*)?{_NUMERIC})")
DATE_WITH_DAY_WORD_RE = regex.compile(rf"(?:{_WORDS}|ngay\s*{_NUMERIC})")


def match_form(text: str) -> str:
    """`text` folded one character for one, with look-alike digits repaired: what the patterns here match."""
    return fold_chars(repair_digits(text))


def date_from_match(m: regex.Match) -> dt.date | None:
    day = m.group("d") or m.group("d2")
    month = m.group("m") or m.group("m2")
    year = m.group("y") or m.group("y2")
    try:
        return dt.date(int(year), int(month), int(day))
    except (TypeError, ValueError):
        return None


def find_date(text: str, *, require_day_word: bool = False, folded: bool = False) -> tuple[dt.date, regex.Match] | None:
    """The first valid date in `text`, with its match (over the match form: its span is the date's span in `text`).

    `folded`: `text` is already in match form."""
    pattern = DATE_WITH_DAY_WORD_RE if require_day_word else DATE_RE
    for m in pattern.finditer(text if folded else match_form(text)):
        date = date_from_match(m)
        if date and 1900 <= date.year <= 2100:
            return date, m
    return None
