"""Calendar dates as Vietnamese documents print them.

"ngày 08 tháng 01 năm 2018", "ngày 14/7/2017", "ngày 07/ 3/2002", "08.01.2018".
Used by the header (issue date), citations (date of a cited document) and
stamps. Time expressions that are deadlines ("Quý II/2018") live in
`pipeline.extract.deadlines`.
"""
from __future__ import annotations

import datetime as dt

import regex

# "ngày 08 tháng 01 năm 2018" (OCR may drop diacritics: "ngay 08 thang 01 nam 2018")
_WORDS = r"ng[àa]y\s*(?P<d>\d{1,2})\s*th[áa]ng\s*(?P<m>\d{1,2})\s*(?:n[ăa]m\s*)?(?P<y>\d{4})"
# "14/7/2017", "07/ 3/2002", "14-7-2017", "08.01.2018"
_NUMERIC = r"(?P<d2>\d{1,2})\s*(?P<sep>[/.\-])\s*(?P<m2>\d{1,2})\s*(?P=sep)\s*(?P<y2>\d{4})"

DATE_RE = regex.compile(rf"(?:{_WORDS}|(?:ng[àa]y\s*)?{_NUMERIC})", regex.IGNORECASE)
DATE_WITH_DAY_WORD_RE = regex.compile(rf"(?:{_WORDS}|ng[àa]y\s*{_NUMERIC})", regex.IGNORECASE)


def date_from_match(m: regex.Match) -> dt.date | None:
    day = m.group("d") or m.group("d2")
    month = m.group("m") or m.group("m2")
    year = m.group("y") or m.group("y2")
    try:
        return dt.date(int(year), int(month), int(day))
    except (TypeError, ValueError):
        return None


def find_date(text: str, *, require_day_word: bool = False) -> tuple[dt.date, regex.Match] | None:
    """The first valid date in `text`, with its match."""
    pattern = DATE_WITH_DAY_WORD_RE if require_day_word else DATE_RE
    for m in pattern.finditer(text):
        date = date_from_match(m)
        if date and 1900 <= date.year <= 2100:
            return date, m
    return None
