"""Deadlines: the one place where Vietnamese time expressions become dates.

An item's deadline is the time bound of the work its text asks for: an end
("Quý II/2018", "trước ngày 30/6/2018", "đến năm 2020"), a start ("từ năm
2017", "sau năm 2025", "có hiệu lực kể từ ngày ký"), a period ("giai đoạn
2016-2020", "năm 2018", "tháng 9/2026", "năm học 2024-2025") and/or a
recurrence ("hàng năm", "định kỳ 6 tháng").

How it works:

1. Every time expression in the text is found by a small family of patterns
   (:func:`_find_candidates`), each giving a :class:`_Candidate` with dates and
   a *tier* saying how explicit it is. Lists and ranges of quarters or months
   ("Quý I và Quý II/2025", "tháng 5, 6/2025") are one candidate; a start
   followed by an end ("Từ Quý I/2025 <line break> đến Quý III/2026",
   "Quý I/2025 - Quý II/2026") is joined into one range.
2. Candidates that are not the time of the work are dropped: inside a quoted
   title, the date of a cited document ("Quyết định số 1519/QĐ-UBND ngày …",
   "Luật Đầu tư ngày …"), the date of an event that already happened (birth,
   issue of an identity card or a registration certificate, signing, adoption:
   "sinh ngày", "cấp ngày", "đăng ký lần đầu ngày", "thông qua ngày"), or a
   year or period right after a document noun in the same noun phrase
   ("ban hành Chương trình … giai đoạn 2011-2015", "Kế hoạch truyền thông năm
   2018"), while "thực hiện trong giai đoạn 2016-2020" bounds the work.
3. The best remaining bound wins (a labelled "Thời gian …:"/"Tiến độ …:"
   clause, then a parenthesised time phrase, then dates/quarters/months, then
   years). A unit that lists several phases ("Giai đoạn 1: …; Giai đoạn 2: …",
   "(1) chuẩn bị: …; (2) thi công: …") spans from the first start to the last
   end. A recurrence is added: the first recurring phrase (one with "định kỳ"
   first), and within it the shortest period ("định kỳ 6 tháng và hàng năm"
   is semiannual; "hằng ngày" elsewhere in the unit does not count).
4. A bare year, year range or month/year ("2025", "2024 - 2026", "6/2024") is a
   time only as the value of a time field: after a "Thời gian …:" label, or as a
   whole table cell of a deadline column (``time_field``); in prose it names things.

Every pattern is compiled once, at import. Entry point: :func:`extract_deadline`.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

import regex as re

from pipeline.model import Deadline

# --------------------------------------------------------------------------
# Date helpers
# --------------------------------------------------------------------------
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def parse_roman(s: str) -> int | None:
    """"IV" -> 4; Arabic digits are accepted too ("3" -> 3); ``None`` if neither."""
    s = s.strip().upper()
    if s.isdigit():
        return int(s)
    if not s or any(c not in _ROMAN for c in s):
        return None
    total = 0
    for i, c in enumerate(s):
        v = _ROMAN[c]
        total += -v if i + 1 < len(s) and _ROMAN[s[i + 1]] > v else v
    return total


def quarter_start(year: int, quarter: int) -> dt.date:
    return dt.date(year, 3 * (quarter - 1) + 1, 1)


def quarter_end(year: int, quarter: int) -> dt.date:
    return month_end(year, 3 * quarter)


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def year_start(year: int) -> dt.date:
    return dt.date(year, 1, 1)


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """``start`` plus ``days`` working days (Monday-Friday; holidays ignored)."""
    d = start
    while days > 0:
        d += dt.timedelta(days=1)
        if d.weekday() < 5:
            days -= 1
    return d


def add_months(start: dt.date, months: int) -> dt.date:
    y, m = divmod(start.month - 1 + months, 12)
    year, month = start.year + y, m + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _plausible_year(y: int) -> bool:
    return 1945 <= y <= 2100


def _shift_days(d: dt.date, days: int) -> dt.date | None:
    try:
        return d + dt.timedelta(days=days)
    except OverflowError:
        return None


# --------------------------------------------------------------------------
# Candidates
# --------------------------------------------------------------------------
# Tiers: lower wins.
TIER_LABEL = 0  # the value of a "Thời gian thực hiện: …" / "Tiến độ …:" clause
TIER_PAREN = 1  # a parenthesised time phrase: "(Trình … trong Quý III/2018)"
TIER_EXPLICIT = 2  # dates, quarters, months, half-years, relative to signing
TIER_YEAR = 3  # years and periods of years
TIER_CLAUSE = TIER_LABEL  # the name earlier versions used

RECURRENCE_ORDER = ["daily", "weekly", "monthly", "quarterly", "semiannual", "yearly"]
_PERIOD_WORD = {"ngày": "daily", "tuần": "weekly", "tháng": "monthly", "quý": "quarterly", "năm": "yearly"}


@dataclass
class _Candidate:
    start: int
    end: int
    tier: int
    begin: dt.date | None = None
    finish: dt.date | None = None
    recurrence: str | None = None
    confidence: float = 0.9
    reasons: list[str] = field(default_factory=list)
    weak: bool = False  # a bare year or period: may be part of a name
    relative_unresolved: bool = False
    day: bool = False  # a calendar day ("ngày 05/6/2021"): may be the date of an event
    bound: str = "within"  # the word in front: start | end | within | before | after
    join_only: bool = False  # "từ nay": a start that counts only when an end follows
    directed: bool = False  # "định kỳ …": a recurring phrase that names the cycle of the work


_Y = r"(?P<y>(?:19|20)\d\d)"
_Y2 = r"(?P<y2>(?:19|20)\d\d)"
_Q = r"(?:IV|I{1,3}|[1-4])"
_SEP = r"\s*[-–—]\s*"
_NB = r"(?![\p{L}\p{M}\d])"  # no letter or digit follows
_WB = r"(?<![\p{L}\p{M}\d])"  # no letter or digit precedes

# Words in front of a date that say which end of the period it bounds.
_END_WORDS = (
    r"(?:trước|chậm\s+nhất(?:\s+là)?(?:\s+(?:đến|vào|trước|trong))?|muộn\s+nhất(?:\s+là)?|hạn\s+chót|hạn\s+cuối|"
    r"không\s+(?:muộn|chậm)\s+hơn|đến(?:\s+hết)?|tới|hoàn\s+thành(?:\s+(?:trước|trong|vào))?|xong(?:\s+trước)?|không\s+quá)"
)
_START_WORDS = (
    r"(?:(?:kể\s+)?từ(?:\s+sau)?|bắt\s+đầu(?:\s+từ)?|có\s+hiệu\s+lực(?:\s+thi\s+hành)?(?:\s+kể)?\s+từ|sau)"
)
_PREFIX = r"(?:(?P<pre>" + _END_WORDS + "|" + _START_WORDS + r"|trong|vào)\s+)?"
_START_WORDS_RE = re.compile(_START_WORDS, re.IGNORECASE)
_SPACES_RE = re.compile(r"\s+")

# Full dates: "ngày 08 tháng 01 năm 2018", "30/6/2018", "30-6-2018", "30.6.2018"
_DATE = (
    r"(?:ngày\s+)?(?P<d>\d{1,2})\s*(?:tháng\s*(?P<m>\d{1,2})\s*năm\s*|/\s*(?P<m2>\d{1,2})\s*/\s*|"
    r"-(?P<m3>\d{1,2})-|\.(?P<m4>\d{1,2})\.)(?P<y>(?:19|20)\d\d)" + _NB
)
_DATE_RE = re.compile(_WB + _PREFIX + r"(?:ngày\s+)?" + _DATE, re.IGNORECASE)
_BARE_DATE_RE = re.compile(_WB + r"(?:ngày\s+)?" + _DATE, re.IGNORECASE)
# A day and month without a year: "trước ngày 15/12", "ngày 20 tháng 6"
_DAY_MONTH_RE = re.compile(
    _WB + r"(?P<pre>" + _END_WORDS + r")\s+ngày\s+(?P<d>\d{1,2})\s*(?:/\s*(?P<m2>\d{1,2})|\s+tháng\s+(?P<m>\d{1,2}))"
    r"(?!\s*(?:/|-|\.|năm)\s*\d)(?![\d/])",
    re.IGNORECASE,
)
# Quarters, alone or listed: "Quý II/2018", "quý 3 năm 2022", "Quý I và Quý II năm 2025", "Quý I, II/2025"
_QUARTER_LIST = r"quý\s+(?P<q>" + _Q + r")(?P<more>(?:\s*(?:,|và|-|–|đến|tới)\s*(?:quý\s+)?" + _Q + r"(?![\p{L}\d]))*)"
_QUARTER_RE = re.compile(_WB + _PREFIX + _QUARTER_LIST + r"\s*(?:/|năm|-)\s*" + _Y + _NB, re.IGNORECASE)
_QUARTER_NO_YEAR_RE = re.compile(_WB + _PREFIX + _QUARTER_LIST + r"(?![\p{L}\p{M}\d/])", re.IGNORECASE)
_QUARTER_NUMERAL_RE = re.compile(r"IV|I{1,3}|[1-4]", re.IGNORECASE)
# A quarter abbreviated in tables, always with its year: "QII/2024", "Q2/2024", "Q.IV/2025" ("Q.2" alone is a district)
_QUARTER_ABBR_RE = re.compile(_WB + r"(?i:(?P<pre>" + _END_WORDS + r"|trong|vào)\s+)?Q\.?\s?(?P<q>" + _Q + r")(?P<more>)\s*/\s*" + _Y + _NB)
# "trước 15/12" without "ngày": a day of the document's year (only after "trước", where a figure "10/12" cannot be meant)
_BEFORE_DAY_MONTH_RE = re.compile(
    _WB + r"(?P<pre>trước|chậm\s+nhất(?:\s+là)?(?:\s+trước)?)\s+(?P<d>\d{1,2})\s*/\s*(?P<m2>\d{1,2})(?P<m>)"
    r"(?![\d/]|[.,-]\d)(?=\s*$|\s*[.,;:)]|\s+(?:hằng|hàng|mỗi|năm|của|để|và|hoặc|theo|cho|gửi|báo)(?![\p{L}\p{M}]))",
    re.IGNORECASE,
)
# Months, alone or listed: "tháng 9/2026", "tháng 10 năm 2022", "tháng 5, 6/2025", "tháng 5 và tháng 6 năm 2025"
_MONTH_LIST = r"tháng\s+(?P<mo>\d{1,2})(?P<more>(?:\s*(?:,|và|-|–|đến|tới)\s*(?:(?:hết\s+)?tháng\s+)?\d{1,2}(?!\d))*)"
_MONTH_RE = re.compile(_WB + _PREFIX + _MONTH_LIST + r"\s*(?:/|năm|-)\s*" + _Y + _NB, re.IGNORECASE)
_MONTH_NO_YEAR_RE = re.compile(
    _WB + r"(?P<pre>" + _END_WORDS + "|" + _START_WORDS + r"|trong|vào)\s+tháng\s+(?P<mo>\d{1,2})"
    r"(?!\s*(?:/|-|năm)\s*\d)(?![\d/\p{L}])(?!\s+(?:hằng|hàng|mỗi)\s)",
    re.IGNORECASE,
)
_DIGITS_RE = re.compile(r"\d{1,2}")
_HALF_RE = re.compile(
    _WB + r"(?<!(?:định\s+)?kỳ\s+)(?:(?:6|06|sáu)\s+tháng|nửa)\s+(?P<half>đầu|cuối)\s+năm(?:\s+" + _Y + r")?" + _NB, re.IGNORECASE
)
_YEAR_PART_RE = re.compile(_WB + r"(?P<pre>trước\s+|đến\s+)?(?P<part>cuối|đầu|giữa)\s+năm\s+" + _Y + _NB, re.IGNORECASE)
_PERIOD_RE = re.compile(
    _WB + r"(?:(?P<pre>trong|từ|đến|thực\s+hiện)\s+)?"
    r"(?:(?P<gd>giai\s+đoạn|thời\s+kỳ|niên\s+độ)\s+(?:từ\s+)?(?:năm\s+)?|(?P<tu>từ)\s+năm\s+|(?:năm\s+))"
    + _Y + r"(?:" + _SEP + r"|\s+(?:đến|tới)\s+(?:năm\s+)?)" + _Y2 + _NB,
    re.IGNORECASE,
)
# "(2021 - 2025)" after a phase or a programme
_PAREN_PERIOD_RE = re.compile(r"\(\s*" + _Y + _SEP + _Y2 + r"\s*\)")
# The school year: September to May
_SCHOOL_YEAR_RE = re.compile(
    _WB + r"(?:(?P<pre>trong|từ|đến(?:\s+hết)?)\s+)?năm\s+học\s+" + _Y + r"\s*[-–—/]\s*" + _Y2 + _NB, re.IGNORECASE
)
_YEAR_RE = re.compile(
    _WB + r"(?:(?P<pre>" + _END_WORDS + "|" + _START_WORDS + r"|trong|vào)\s+(?:(?:hết\s+)?năm\s+)?|năm\s+)" + _Y + _NB,
    re.IGNORECASE,
)
_FROM_NOW_RE = re.compile(_WB + r"(?:kể\s+)?từ\s+(?:nay|bây\s+giờ)" + _NB, re.IGNORECASE)

# Recurrence
_EVERY_RE = re.compile(
    _WB + r"(?P<dk>định\s+kỳ\s+)?(?:hàng|hằng|mỗi)\s+(ngày|tuần|tháng|quý|năm)(?!\s+học)" + _NB, re.IGNORECASE
)
_LISTED_PERIOD_RE = re.compile(
    r"\s*(?:,|và|hoặc|/)\s*(?:(?:hàng|hằng|mỗi)\s+|(?P<n>\d{1,2}|sáu|ba)\s+)?(?P<p>ngày|tuần|tháng|quý|năm)" + _NB,
    re.IGNORECASE,
)
_EVERY_N_RE = re.compile(
    _WB + r"(?:(?P<dk>định\s+kỳ)\s+(?P<n1>\d{1,2}|sáu|ba|một|hai)\s+(?P<u1>tháng|năm|tuần|ngày)"
    r"(?:\s*(?:/\s*lần|một\s+lần|1\s+lần))?"
    r"|(?P<n2>\d{1,2}|sáu|ba|một|hai)\s+(?P<u2>tháng|năm|tuần|ngày)\s*(?:/\s*lần|(?:một|1|01)\s+lần))" + _NB,
    re.IGNORECASE,
)
# "02 lần/năm", "4 lần mỗi năm": so many times in a period
_TIMES_PER_RE = re.compile(
    _WB + r"(?P<n>\d{1,2}|một|hai|ba|bốn)\s+lần\s*(?:/|mỗi|trong\s+(?:một|01|1)|một)\s*(?P<u>năm|quý|tháng|tuần)(?!\s+học)" + _NB,
    re.IGNORECASE,
)
# "6 tháng và hằng năm": a count of months listed in front of a recurrence
_LISTED_BEFORE_RE = re.compile(r"(?<![\p{L}\p{M}\d])(?P<n>\d{1,2}|sáu|ba)\s+(?P<u>tháng)\s*(?:,|và|hoặc)\s*$", re.IGNORECASE)
_YEARLY_WORD_RE = re.compile(_WB + r"thường\s+niên" + _NB, re.IGNORECASE)
# Two recurring phrases are one list when only these words (and parenthesised asides) separate them.
_RECURRENCE_JOINER_RE = re.compile(r"[\s,/]*(?:và|hoặc|,|/)?[\s,]*(?:định\s+kỳ\s+)?", re.IGNORECASE)
_PAREN_TEXT_RE = re.compile(r"\([^()]*\)")

# Relative to the signing or effective date of this document
# This document. Administrative documents (quyết định, kế hoạch, văn bản …) take effect when signed, so
# "kể từ ngày Quyết định này có hiệu lực" counts from the signing date; a law, decree or circular takes
# effect on a date of its own, which the unit does not give.
_THIS_DOC = (
    r"(?:quyết\s+định|kế\s+hoạch|văn\s+bản|chỉ\s+thị|công\s+văn|chương\s+trình|đề\s+án|quy\s+chế|quy\s+định)\s+này"
)
_SIGNED = (
    r"(?:(?P<anchor>ký(?:\s+ban\s+hành)?|ban\s+hành)(?:\s+" + _THIS_DOC + r")?"
    r"(?=\s*(?:$|[.,;:)\n]|(?:và|thì|các|mọi|đến|tới|cho\s+đến)\s))"
    r"|" + _THIS_DOC + r"\s+(?:được\s+ký|được\s+ban\s+hành))"
)
_ANCHOR = r"(?:" + _SIGNED + r"|" + _THIS_DOC + r"\s+có\s+hiệu\s+lực(?:\s+thi\s+hành)?)"
_RELATIVE_RE = re.compile(
    _WB + r"(?P<pre>trong\s+(?:thời\s+hạn|vòng)|trong|sau|chậm\s+nhất(?:\s+là)?|không\s+quá)\s+"
    r"(?P<n>\d{1,3})\s+(?P<u>ngày\s+làm\s+việc|ngày|tuần|tháng|năm)\s*,?\s*(?:kể\s+)?từ\s+(?:ngày\s+)?" + _ANCHOR,
    re.IGNORECASE,
)
_EFFECTIVE_RE = re.compile(
    _WB + r"(?:có\s+hiệu\s+lực(?:\s+thi\s+hành)?\s+)?(?:kể\s+)?từ\s+(?:ngày\s+)?"
    r"(?:" + _SIGNED + r"|(?P<effective>" + _THIS_DOC + r"\s+có\s+hiệu\s+lực(?:\s+thi\s+hành)?))",
    re.IGNORECASE,
)
_NUMBER_WORDS_SMALL = {"một": 1, "hai": 2, "ba": 3, "bốn": 4, "sáu": 6}


def _int(s: str) -> int:
    return _NUMBER_WORDS_SMALL.get(s.casefold()) or int(s)


def _bound_kind(pre: str | None) -> str:
    """"start", "end", "within", "before" or "after" for the words in front of a time expression."""
    if not pre:
        return "within"
    p = _SPACES_RE.sub(" ", pre.casefold()).strip()
    if p in ("trong", "vào") or p.startswith("hoàn thành trong") or p.startswith("hoàn thành vào"):
        return "within"
    if p.endswith("sau"):
        return "after"  # "sau năm 2025", "kể từ sau ngày 30/6/2025"
    if _START_WORDS_RE.fullmatch(p):
        return "start"
    if p.endswith("trước"):
        return "before"  # "trước", "hoàn thành trước", "chậm nhất trước"
    return "end"


def _bounded(m: re.Match, begin: dt.date, finish: dt.date, what: str, tier: int, **kw) -> _Candidate:
    """The candidate for the period [begin, finish] bounded by the word in front of ``m``."""
    kind = _bound_kind(m.groupdict().get("pre"))
    if kind == "start" and m.groupdict().get("more"):
        kind = "within"  # "từ tháng 4 đến tháng 9 năm 2025": the range is the whole bound
    c = _Candidate(m.start(), m.end(), tier, bound=kind, **kw)
    if kind == "start":
        c.begin, c.reasons = begin, [f"from {what}"]
    elif kind == "after":
        c.begin, c.reasons = _shift_days(finish, 1), [f"after {what}"]
    elif kind == "before":
        if begin == finish:  # "trước ngày 30/6/2018": by that day
            c.finish, c.reasons = finish, [f"by {what}"]
        else:  # "trước Quý III/2018": before the period starts
            c.finish, c.reasons = _shift_days(begin, -1), [f"before {what}"]
    elif kind == "end":
        c.finish, c.reasons = finish, [f"by {what}" if begin == finish else f"by the end of {what}"]
    else:
        c.begin, c.finish, c.reasons = begin, finish, [f"during {what}"]
    return c


def _date_from(m: re.Match, prefix: str = "") -> dt.date | None:
    g = m.groupdict()
    month = next((g[prefix + k] for k in ("m", "m2", "m3", "m4") if g.get(prefix + k)), None)
    if month is None:
        return None
    return _safe_date(int(g[prefix + "y"]), int(month), int(g[prefix + "d"]))


def _dates_candidates(text: str, document_date: dt.date | None) -> list[_Candidate]:
    out = []
    for m in _DATE_RE.finditer(text):
        d = _date_from(m)
        if d and _plausible_year(d.year):
            c = _bounded(m, d, d, "a date", TIER_EXPLICIT, day=True)
            if c.bound == "within":
                c.confidence = 0.7
                c.reasons = ["on a date"]
            out.append(c)
    if document_date is None:
        return out
    for m in [*_DAY_MONTH_RE.finditer(text), *_BEFORE_DAY_MONTH_RE.finditer(text)]:  # "trước ngày 15/12": the next such day
        if _no_year_of_its_own(text, m.start(), m.end()):
            continue  # "trước ngày 15/12 hằng năm": the day of a recurring report, not one date
        month = int(m.group("m") or m.group("m2"))
        day = int(m.group("d"))
        d = _safe_date(document_date.year, month, day) if 1 <= month <= 12 else None
        if d is None:
            continue
        if d < document_date:
            d = _safe_date(document_date.year + 1, month, day)
            if d is None:
                continue
        c = _bounded(m, d, d, "a day of the year", TIER_EXPLICIT, day=True, confidence=0.6)
        c.reasons.append("year taken from the document date")
        out.append(c)
    return out


_RECURRING_WORD_RE = re.compile(
    r"(?<![\p{L}\p{M}])(?:(?:hằng|hàng|mỗi)\s+(?:năm|tháng|quý)|định\s+kỳ|lần\s*/\s*năm)(?![\p{L}\p{M}])", re.IGNORECASE
)
# "ngày 31 tháng 12 của năm xếp hạng", "trước ngày 15 tháng 4 năm tiếp theo", "tháng 12 năm trước"
_YEAR_IN_WORDS_RE = re.compile(r"\s*(?:của\s+)?(?:năm|tháng|kỳ|quý)(?![\p{L}\p{M}])", re.IGNORECASE)
# "… của năm báo cáo", "năm tiếp theo", "năm trước": the sentence speaks of a year in general
_GENERIC_YEAR_RE = re.compile(
    r"(?<![\p{L}\p{M}])năm\s+(?:trước|sau|tiếp\s+theo|báo\s+cáo|xếp\s+hạng|kế\s+hoạch|hiện\s+hành|đó|tài\s+chính|"
    r"thực\s+hiện|ngân\s+sách|dương\s+lịch|liền\s+kề)(?![\p{L}\p{M}])",
    re.IGNORECASE,
)
_SENTENCE_END_RE = re.compile(r"[.;\n]")


def _no_year_of_its_own(text: str, start: int, end: int) -> bool:
    """A day or month printed without a year that is not one date: its year is said in words
    ("của năm báo cáo"), or it recurs ("Hằng năm, … trước ngày 31 tháng 3")."""
    if _YEAR_IN_WORDS_RE.match(text, end):
        return True
    left = max((m.end() for m in _SENTENCE_END_RE.finditer(text, max(0, start - 500), start)), default=max(0, start - 500))
    right = _SENTENCE_END_RE.search(text, end, end + 300)
    right = right.start() if right else min(len(text), end + 300)
    return bool(_RECURRING_WORD_RE.search(text, left, right) or _GENERIC_YEAR_RE.search(text, left, right))


def _numerals(first: str, more: str, pattern: re.Pattern) -> list[int]:
    return [parse_roman(first) or 0] + [parse_roman(x.group()) or 0 for x in pattern.finditer(more or "")]


def _quarter_candidates(text: str, document_date: dt.date | None) -> list[_Candidate]:
    out = []
    for m in [*_QUARTER_RE.finditer(text), *(_QUARTER_ABBR_RE.finditer(text) if "Q" in text else ())]:
        qs, y = _numerals(m.group("q"), m.group("more"), _QUARTER_NUMERAL_RE), int(m.group("y"))
        if all(1 <= q <= 4 for q in qs) and _plausible_year(y) and qs == sorted(qs):
            what = "a quarter" if len(qs) == 1 else "quarters"
            out.append(_bounded(m, quarter_start(y, qs[0]), quarter_end(y, qs[-1]), what, TIER_EXPLICIT))
    for m in _QUARTER_NO_YEAR_RE.finditer(text):
        if any(c.start <= m.start() < c.end for c in out):
            continue
        qs = _numerals(m.group("q"), m.group("more"), _QUARTER_NUMERAL_RE)
        if not all(1 <= q <= 4 for q in qs) or qs != sorted(qs) or _no_year_of_its_own(text, m.start(), m.end()):
            continue  # "trong quý I hằng năm": a quarter of every year
        if document_date:
            y = document_date.year
            c = _bounded(m, quarter_start(y, qs[0]), quarter_end(y, qs[-1]), "a quarter", TIER_EXPLICIT, confidence=0.6)
            c.reasons.append("year taken from the document date")
        else:
            c = _Candidate(m.start(), m.end(), TIER_EXPLICIT, confidence=0.3,
                           reasons=["quarter without a year; the document date is unknown"])
            c.relative_unresolved = True
        out.append(c)
    return out


def _month_candidates(text: str, document_date: dt.date | None) -> list[_Candidate]:
    out = []
    for m in _MONTH_RE.finditer(text):
        months = [int(m.group("mo"))] + [int(x.group()) for x in _DIGITS_RE.finditer(m.group("more") or "")]
        y = int(m.group("y"))
        if all(1 <= mo <= 12 for mo in months) and months == sorted(months) and _plausible_year(y):
            what = "a month" if len(months) == 1 else "months"
            out.append(_bounded(m, dt.date(y, months[0], 1), month_end(y, months[-1]), what, TIER_EXPLICIT))
    if document_date is None:
        return out
    for m in _MONTH_NO_YEAR_RE.finditer(text):  # "trong tháng 6": that month of the document's year
        if any(c.start <= m.start() < c.end for c in out) or _no_year_of_its_own(text, m.start(), m.end()):
            continue
        mo = int(m.group("mo"))
        if not 1 <= mo <= 12:
            continue
        y = document_date.year
        c = _bounded(m, dt.date(y, mo, 1), month_end(y, mo), "a month", TIER_EXPLICIT, confidence=0.6)
        c.reasons.append("year taken from the document date")
        out.append(c)
    return out


def _half_year_candidates(text: str, document_date: dt.date | None) -> list[_Candidate]:
    out = []
    for m in _HALF_RE.finditer(text):
        y = int(m.group("y")) if m.group("y") else (document_date.year if document_date else None)
        if y is None or (not m.group("y") and _no_year_of_its_own(text, m.start(), m.end())):
            continue  # "kỳ báo cáo 6 tháng đầu năm … hằng năm": the half of every year
        first = m.group("half").casefold() == "đầu"
        begin, finish = (dt.date(y, 1, 1), dt.date(y, 6, 30)) if first else (dt.date(y, 7, 1), dt.date(y, 12, 31))
        c = _Candidate(m.start(), m.end(), TIER_EXPLICIT, begin, finish, reasons=["half of a year"])
        if not m.group("y"):
            c.confidence = 0.6
            c.reasons.append("year taken from the document date")
        out.append(c)
    for m in _YEAR_PART_RE.finditer(text):
        y = int(m.group("y"))
        part = m.group("part").casefold()
        if part == "cuối":
            out.append(_Candidate(m.start(), m.end(), TIER_EXPLICIT, finish=year_end(y), bound="end",
                                  reasons=["end of a year"]))
        elif part == "đầu":
            out.append(_Candidate(m.start(), m.end(), TIER_EXPLICIT, year_start(y), quarter_end(y, 1),
                                  confidence=0.6, reasons=["beginning of a year, read as its first quarter"]))
        else:
            out.append(_Candidate(m.start(), m.end(), TIER_EXPLICIT, finish=dt.date(y, 6, 30), bound="end",
                                  confidence=0.6, reasons=["middle of a year, read as by 30 June"]))
    return out


def _year_candidates(text: str) -> list[_Candidate]:
    out = []
    for m in _PERIOD_RE.finditer(text):
        a, b = int(m.group("y")), int(m.group("y2"))
        if _plausible_year(a) and _plausible_year(b) and a <= b:
            pre = (m.group("pre") or "").casefold()
            c = _Candidate(m.start(), m.end(), TIER_YEAR, year_start(a), year_end(b),
                           reasons=["period of years"], weak=not pre or pre == "đến")
            if pre == "đến":  # "đến giai đoạn 2026-2030"
                c.begin, c.bound = None, "end"
            out.append(c)
    for m in _PAREN_PERIOD_RE.finditer(text):
        a, b = int(m.group("y")), int(m.group("y2"))
        if _plausible_year(a) and _plausible_year(b) and a <= b and not any(c.start <= m.start() < c.end for c in out):
            out.append(_Candidate(m.start() + 1, m.end() - 1, TIER_YEAR, year_start(a), year_end(b),
                                  reasons=["period of years in brackets"], weak=True))
    for m in _SCHOOL_YEAR_RE.finditer(text):
        a, b = int(m.group("y")), int(m.group("y2"))
        if _plausible_year(a) and b == a + 1:
            out.append(_bounded(m, dt.date(a, 9, 1), dt.date(b, 5, 31), "a school year", TIER_YEAR,
                                weak=not m.group("pre")))
    for m in _YEAR_RE.finditer(text):
        if any(c.start <= m.start() < c.end for c in out):
            continue
        y = int(m.group("y"))
        if not _plausible_year(y):
            continue
        c = _bounded(m, year_start(y), year_end(y), "a year", TIER_YEAR, weak=True)
        pre = (m.group("pre") or "").casefold()
        if pre.startswith("trong") or "hết" in m.group(0).casefold() or c.bound == "after":
            c.weak = False  # "trong năm 2018", "đến hết năm 2020", "sau năm 2025" bound the work, never a name
        out.append(c)
    return out


def _relative_candidates(text: str, document_date: dt.date | None) -> list[_Candidate]:
    out = []
    for m in _RELATIVE_RE.finditer(text):
        n, unit = int(m.group("n")), _SPACES_RE.sub(" ", m.group("u").casefold())
        is_start = m.group("pre").casefold() == "sau"
        c = _Candidate(m.start(), m.end(), TIER_EXPLICIT, reasons=["relative to the signing date"])
        if document_date is None:
            c.confidence = 0.3
            c.relative_unresolved = True
            c.reasons = ["relative to the signing date, which is unknown"]
        else:
            d = _shift(document_date, n, unit)
            if d is None:
                c.confidence = 0.3
                c.reasons.append("the resolved date falls outside the calendar")
            else:
                c.confidence = 0.8
                if is_start:
                    c.begin, c.bound = d, "start"
                else:
                    c.finish, c.bound = d, "end"
        out.append(c)
    for m in _EFFECTIVE_RE.finditer(text):
        if any(c.start <= m.start() < c.end for c in out):
            continue
        c = _Candidate(m.start(), m.end(), TIER_EXPLICIT, reasons=["from the signing date"], bound="start")
        if m.group("effective"):  # "từ ngày Quyết định này có hiệu lực": an administrative document takes effect when signed
            c.confidence = 0.7
            c.reasons = ["from the date this document takes effect, read as its signing date"]
        if document_date is None:
            c.confidence = 0.3
            c.relative_unresolved = True
            c.reasons = ["relative to the signing date, which is unknown"]
        else:
            c.begin = document_date
        out.append(c)
    if document_date is not None:
        for m in _FROM_NOW_RE.finditer(text):  # "từ nay đến năm 2030": from the document's date
            out.append(_Candidate(m.start(), m.end(), TIER_EXPLICIT, begin=document_date, bound="start", join_only=True,
                                  confidence=0.8, reasons=["from now (the document date)"]))
    return out


def _shift(start: dt.date, n: int, unit: str) -> dt.date | None:
    """``start`` moved ``n`` units ahead; ``None`` past the calendar's end."""
    try:
        if unit == "ngày làm việc":
            return add_working_days(start, n)
        if unit == "ngày":
            return start + dt.timedelta(days=n)
        if unit == "tuần":
            return start + dt.timedelta(weeks=n)
        if unit == "tháng":
            return add_months(start, n)
        return add_months(start, 12 * n)
    except (OverflowError, ValueError):
        return None


# "thu nhập hàng tháng", "hưởng chế độ hưu trí hằng tháng": the period qualifies an amount earned or received,
# it is no recurrence of the work ("báo cáo hằng năm", "chi trợ cấp hằng tháng", paying it, are).
_AMOUNT_BEFORE_RE = re.compile(
    r"(?<![\p{L}\p{M}])(?<!(?:chi|trả|toán|cấp|nộp|đóng)\s+)"
    r"(?:thu\s+nhập|(?:tiền\s+)?lương(?:\s+hưu)?|trợ\s+cấp|phụ\s+cấp|(?:chế\s+độ\s+)?hưu\s+trí|doanh\s+thu)"
    r"(?:\s+(?:bình\s+quân|thực\s+tế|cơ\s+bản))?\s+$", re.IGNORECASE)


def _recurrence_candidates(text: str) -> list[_Candidate]:
    out = []
    for m in _EVERY_RE.finditer(text):
        if not m.group("dk") and _AMOUNT_BEFORE_RE.search(text, max(0, m.start() - 30), m.start()):
            continue
        periods = [_PERIOD_WORD[m.group(2).casefold()]]
        end = m.end()
        while lm := _LISTED_PERIOD_RE.match(text, end):  # "hằng tháng, quý, năm", "hằng quý, 6 tháng và năm"
            rec = _every_n(_int(lm.group("n")), lm.group("p").casefold()) if lm.group("n") else _PERIOD_WORD[lm.group("p").casefold()]
            if rec:
                periods.append(rec)
            end = lm.end()
        start = m.start()
        if before := _LISTED_BEFORE_RE.search(text, max(0, start - 20), start):  # "6 tháng và hằng năm"
            if rec := _every_n(_int(before.group("n")), "tháng"):
                periods.append(rec)
                start = before.start()
        shortest = min(periods, key=RECURRENCE_ORDER.index)
        out.append(_Candidate(start, end, TIER_EXPLICIT, recurrence=shortest, reasons=["recurring"],
                              directed=bool(m.group("dk"))))
    for m in _EVERY_N_RE.finditer(text):
        n = _int(m.group("n1") or m.group("n2"))
        unit = (m.group("u1") or m.group("u2")).casefold()
        rec = _every_n(n, unit)
        if not rec:
            continue
        end = m.end()
        periods = [rec]
        while lm := _LISTED_PERIOD_RE.match(text, end):  # "định kỳ 6 tháng, năm"
            other = _every_n(_int(lm.group("n")), lm.group("p").casefold()) if lm.group("n") else _PERIOD_WORD[lm.group("p").casefold()]
            if other:
                periods.append(other)
            end = lm.end()
        out.append(_Candidate(m.start(), end, TIER_EXPLICIT, recurrence=min(periods, key=RECURRENCE_ORDER.index),
                              reasons=["recurring every n periods"], directed=bool(m.group("dk"))))
    for m in _TIMES_PER_RE.finditer(text):
        rec = _times_per(_int(m.group("n")), m.group("u").casefold())
        if rec:
            out.append(_Candidate(m.start(), m.end(), TIER_EXPLICIT, recurrence=rec, reasons=["so many times a period"]))
    for m in _YEARLY_WORD_RE.finditer(text):
        out.append(_Candidate(m.start(), m.end(), TIER_EXPLICIT, recurrence="yearly", reasons=["annual"]))
    # one phrase found by two patterns ("hằng năm" inside "6 tháng và hằng năm"): keep the longer
    out.sort(key=lambda c: (c.start, -(c.end - c.start)))
    kept: list[_Candidate] = []
    for c in out:
        if kept and c.start < kept[-1].end:
            if c.end > kept[-1].end or RECURRENCE_ORDER.index(c.recurrence) < RECURRENCE_ORDER.index(kept[-1].recurrence):
                kept[-1].recurrence = min(kept[-1].recurrence, c.recurrence, key=RECURRENCE_ORDER.index)
                kept[-1].end = max(kept[-1].end, c.end)
            continue
        kept.append(c)
    return kept


_DAYS_IN = {"ngày": 1, "tuần": 7, "tháng": 30, "quý": 90, "năm": 360}
_RECURRENCE_BY_DAYS = {1: "daily", 7: "weekly", 30: "monthly", 90: "quarterly", 180: "semiannual", 360: "yearly", 365: "yearly"}


def _every_n(n: int, unit: str) -> str | None:
    """"6 tháng" -> semiannual, "3 tháng" -> quarterly, "1 năm" -> yearly."""
    return _RECURRENCE_BY_DAYS.get(_DAYS_IN.get(unit, 0) * n)


def _times_per(n: int, unit: str) -> str | None:
    """"2 lần/năm" -> semiannual, "4 lần/năm" -> quarterly, "1 lần/tháng" -> monthly."""
    days = _DAYS_IN.get(unit, 0)
    return _RECURRENCE_BY_DAYS.get(days // n) if n and days % n == 0 else None


_ANY_YEAR_RE = re.compile(r"(?:19|20)\d\d")
_RECURRENCE_HINTS = ("hàng", "hằng", "mỗi", "định kỳ", "lần", "thường niên")
_RELATIVE_HINTS = ("ký", "ban hành", "hiệu lực", "nay")


def _find_candidates(text: str, document_date: dt.date | None) -> list[_Candidate]:
    # Each family is looked for only when its words are in the text: most paragraphs of a
    # decree carry no time expression at all, and this keeps them cheap.
    folded = text.casefold()
    has_year = _ANY_YEAR_RE.search(text) is not None
    dates = _dates_candidates(text, document_date) if (has_year or "ngày" in folded or "trước" in folded) else []
    # a month or year inside a full date ("ngày 16 tháng 12 năm 2016") is not a period of its own
    date_spans = [(c.start, c.end) for c in dates]

    def outside_dates(cands: list[_Candidate]) -> list[_Candidate]:
        return [c for c in cands if not any(a <= c.start < b or c.start <= a < c.end for a, b in date_spans)]

    found = dates + outside_dates(
        (_quarter_candidates(text, document_date) if "quý" in folded or "Q" in text and has_year else [])  # "QII/2024"
        + (_month_candidates(text, document_date) if "tháng" in folded else [])
        + (_half_year_candidates(text, document_date) if "năm" in folded else [])
    )
    if any(h in folded for h in _RELATIVE_HINTS):
        found = found + outside_dates(_relative_candidates(text, document_date))
    if any(h in folded for h in _RECURRENCE_HINTS):
        found = found + _recurrence_candidates(text)
    # years only where no more precise expression already covers them
    for c in outside_dates(_year_candidates(text) if has_year else []):
        if not any(o.start <= c.start < o.end or c.start <= o.start < c.end for o in found if o.recurrence is None):
            found.append(c)
    # "6 tháng đầu năm 2018" also contains "đầu năm 2018": keep the longer expression
    bounds = [c for c in found if c.recurrence is None]
    return [
        c for c in found
        if c.recurrence is not None
        or not any(o is not c and o.start <= c.start and c.end <= o.end and (o.end - o.start) > (c.end - c.start) for o in bounds)
    ]


# --------------------------------------------------------------------------
# Names, citations, events and clauses
# --------------------------------------------------------------------------
# Nouns that head the name of a document, programme or event.
DOCUMENT_NOUNS = [
    "kế hoạch", "chương trình", "đề án", "dự án", "quy hoạch", "chiến lược", "quyết định", "nghị quyết",
    "nghị định", "thông tư", "chỉ thị", "luật", "pháp lệnh", "quy chế", "quy định", "báo cáo", "đề tài",
    "tuần lễ", "hội nghị", "hội thảo", "hội thi", "cuộc thi", "giải thưởng", "ngày hội", "lễ hội",
    "triển lãm", "diễn đàn", "hội chợ", "kỳ thi",
]
_DOC_NOUN_RE = re.compile(
    _WB + r"(?P<plural>(?:các|những|mọi)\s+)?(?:" + "|".join(DOCUMENT_NOUNS) + r")" + _NB, re.IGNORECASE
)
# Words between a document noun and a year that show the year bounds an action
# instead of naming the document ("Kế hoạch ... được thực hiện trong năm 2018").
_ACTION_WORDS_RE = re.compile(
    _WB + r"(?:được|sẽ|phải|cần|đã|trình|ban\s+hành|phê\s+duyệt|hoàn\s+thành|thực\s+hiện\s+xong|báo\s+cáo\s+kết\s+quả"
    r"|thực\s+hiện\s+trong)" + _NB,
    re.IGNORECASE,
)
# A count between the noun and the year ("Danh mục nhiệm vụ 03 đợt năm 2018"):
# the year is when the counted rounds happen. ("Đề án số 08 về …": a number, not a count.)
_COUNT_RE = re.compile(r"(?<![\d/])(?<!(?<![\p{L}\p{M}])số\s*:?\s*)\d{1,3}(?:\.\d{3})*\s+(?!(?:năm|tháng|ngày|quý|tuần)(?![\p{L}\p{M}]))[\p{L}]", re.IGNORECASE)
# A document number or "số ..." right before a date: the date belongs to the citation (also a symbol broken
# after its dash, "11/2024/TT- BNNPTNT ngày 04 tháng 9 năm 2024").
_DOC_REF = (
    r"(?:\d+\s*[/-]\s*(?=[\d&.\-/]*\p{L})[\p{L}\d&.\-/]+(?:(?<=-)\s+\p{Lu}[\p{L}\d&.\-/]*)?|số\s*:?\s*\d+[\p{L}\d&./\-]*|(?:quyết định|nghị định|nghị quyết|thông tư|chỉ thị|"
    r"công văn|kế hoạch|tờ trình|luật|văn bản|thông báo|kết luận)\s+(?:số\s+)?\d[\p{L}\d&./\-]*)"
)
_CITATION_BEFORE_RE = re.compile(
    _DOC_REF + r"(?:\s+của\s+[\p{L}\p{M} ]{1,50}?)?\s*,?\s*(?:ban\s+hành\s+|ký\s+)?$",
    re.IGNORECASE,
)
# A legal document cited by its name and date, without a number: "Luật Đầu tư ngày 17 tháng 6 năm 2020",
# "Kết luận của Ban Thường vụ Tỉnh ủy ngày 10/6/2026". The noun is capitalised, as titles are.
_NAMED_DOCUMENT_RE = re.compile(
    r"(?<![\p{L}\p{M}])(?:Hiến\s+pháp|Bộ\s+luật|Luật|Pháp\s+lệnh|Nghị\s+định|Nghị\s+quyết|Quyết\s+định|Thông\s+tư(?:\s+liên\s+tịch)?|"
    r"Chỉ\s+thị|Kết\s+luận|Công\s+văn|Công\s+điện|Tờ\s+trình|Thông\s+báo|Văn\s+bản|Hướng\s+dẫn|Biên\s+bản|Hiệp\s+định|"
    r"Báo\s+cáo|Kế\s+hoạch)" + _NB
)
_NAME_BREAK_RE = re.compile(r"[;:()\n]|\.\s|(?<![\p{L}\p{M}])(?:và|để|nhằm|trước|đến|từ|trong|sau)(?![\p{L}\p{M}])",
                            re.IGNORECASE)
# Events already past, whose date is recorded, not due: birth, issue, registration, signing, adoption.
# (OCR that drops tone marks prints "câp", "đăng ky", "lân": the commonest of those are accepted.)
_LAN = r"l[ầâa]n"
_EVENT_VERBS = (
    r"(?:(?<!phát\s)sinh|c[ấâa]p|đ[ăa]ng\s+k[ýy]|ch[ứư]ng\s+nh[ậâa]n|ký|được\s+ký|thông\s+qua|lập|thành\s+lập|ban\s+hành|"
    r"khai\s+trương|(?:thay\s+đ[ổôo]i|điều\s+chỉnh|sửa\s+đổi)(?=\s+" + _LAN + r")|"
    r"nộp(?=\s+(?:" + _LAN + r"|lại))|công\s+chứng|chứng\s+thực|cấp\s+đổi|cấp\s+lại|xác\s+nhận)"
)
_EVENT_BEFORE_RE = re.compile(
    r"(?:(?<![\p{L}\p{M}])" + _EVENT_VERBS +
    r"(?:\s+(?:" + _LAN + r"\s+(?:đầu(?:\s+tiên)?|th[ứư]\s+[\p{L}\p{M}\d]+|\d+)|lại|mới|bổ\s+sung|đổi|thay\s+đ[ổôo]i|"
    r"điều\s+chỉnh|đăng\s+ký))*"
    r"(?:\s+vào)?"
    r"|(?<![\p{L}\p{M}])(?:ngày|năm)\s*(?:,\s*tháng\s*,\s*năm\s*)?(?:sinh|cấp|ký|ban\s+hành|đăng\s+ký(?:\s+lần\s+đầu)?|thành\s+lập|"
    r"thông\s+qua|lập)\s*:?"
    r"|(?<![\p{L}\p{M}])(?:cấp|ký|sinh)\s+ngày\s*:)\s*$",
    re.IGNORECASE,
)
_BORN_BEFORE_RE = re.compile(r"(?<![\p{L}\p{M}])(?<!phát\s)sinh\s+$", re.IGNORECASE)
_EVENT_YEAR_BEFORE_RE = re.compile(r"(?<![\p{L}\p{M}])(?:sinh|thành\s+lập|được\s+cấp|đăng\s+ký)\s+(?:vào\s+|trong\s+)?$",
                                   re.IGNORECASE)
# What a figure is compared with ("tăng 15% so với năm 2020", "so với cùng kỳ năm 2023"): a baseline, not the time of the work.
_BASELINE_BEFORE_RE = re.compile(r"(?<![\p{L}\p{M}])so\s+với\s+(?:cùng\s+kỳ\s+|của\s+|mức\s+|kết\s+quả\s+)?$", re.IGNORECASE)
# "Thời gian thực hiện: …", "Thời hạn hoàn thành: …", "Tiến độ thực hiện dự án: …"
_LABEL_RE = re.compile(
    r"(?<![\p{L}\p{M}])(?:thời\s+(?:gian|hạn|điểm)|tiến\s+độ)(?:\s+[\p{L}\p{M}]+){0,5}?\s*:\s*",
    re.IGNORECASE,
)
# The value of a time field written bare, without "năm" or "tháng": "Thời gian thực hiện: 2024 - 2026",
# a deadline column's "2025", "6/2024", "6/2024 - 12/2024". Read only there: elsewhere a bare year is a name.
_BARE_TIME_RE = re.compile(
    r"(?:(?P<m>0?[1-9]|1[0-2])\s*/\s*)?" + _Y + r"(?:" + _SEP + r"(?:(?P<m2>0?[1-9]|1[0-2])\s*/\s*)?" + _Y2 + r")?"
    r"(?![\d/]|[.,]\d|\s*(?:%|tỷ|triệu|nghìn|ngàn|đồng))"
)
_QUOTES = [("“", "”"), ('"', '"'), ("«", "»"), ("‘", "’")]
# Processing times are not deadlines ("Thời gian giải quyết: 15 ngày").
_PROCESSING_TIME_RE = re.compile(r"thời\s+(?:gian|hạn)\s+giải\s+quyết", re.IGNORECASE)
# Markers of phases: "Giai đoạn 1:", "giai đoạn II (", "Bước 2:", "đợt 1:", "(1) chuẩn bị:", "a) thi công:"
_PHASE_RE = re.compile(
    r"(?<![\p{L}\p{M}])(?:giai\s+đoạn|bước|đợt|phân\s+kỳ)\s+(?:\d{1,2}|[IVX]{1,4}|một|hai|ba|bốn|năm)(?![\p{L}\p{M}\d/.,])"
    r"|(?:^|(?<=[\s;:,.]))\((?:\d{1,2}|[a-zđ]|[ivx]{1,4})\)\s"
    r"|(?:^|(?<=[;:]\s?))[a-zđ]\)\s",
    re.IGNORECASE,
)


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for open_q, close_q in _QUOTES:
        if open_q not in text:
            continue
        i = 0
        while (a := text.find(open_q, i)) != -1:
            b = text.find(close_q, a + 1)
            if b == -1:
                break
            spans.append((a, b + 1))
            i = b + 1
    return spans


def _paren_spans(text: str) -> list[tuple[int, int]]:
    spans, stack = [], []
    if "(" not in text:
        return spans
    for i, c in enumerate(text):
        if c == "(":
            stack.append(i)
        elif c == ")" and stack:
            spans.append((stack.pop(), i + 1))
    return spans


@dataclass
class _Text:
    """A text and the spans every candidate is checked against, computed once."""

    text: str
    quoted: list[tuple[int, int]]
    parens: list[tuple[int, int]]
    labels: list[tuple[int, int]]  # (start of the label, end of the labelled clause)
    values: list[int]  # where each label's value starts ("Thời gian thực hiện: |2024 - 2026")

    @classmethod
    def of(cls, text: str) -> _Text:
        parens = _paren_spans(text)
        labels, values = [], []
        for m in _LABEL_RE.finditer(text):
            if _PROCESSING_TIME_RE.match(text, m.start()):
                continue
            # the clause runs to the end of its sentence or line, or to the bracket it sits in
            end = len(text)
            for stop in ("\n", ". "):
                i = text.find(stop, m.end())
                if i != -1:
                    end = min(end, i)
            for a, b in parens:
                if a < m.start() < b:
                    end = min(end, b)
            labels.append((m.start(), end))
            values.append(m.end())
        return cls(text, _quoted_spans(text), parens, labels, values)

    def in_parens(self, c: _Candidate, after: int = -1) -> bool:
        return any(after < a < c.start and c.end <= b for a, b in self.parens)

    def in_label(self, c: _Candidate) -> bool:
        """In a labelled clause, and not in a bracket opened inside it."""
        for a, b in self.labels:
            if a <= c.start < b:
                return not self.in_parens(c, after=a)
        return False


_ADOPTED_ON_RE = re.compile(r"(?:thông\s+qua|được\s+ký|ký|ban\s+hành|lập)\s+(?:vào\s+)?(?:ngày\s+)?$", re.IGNORECASE)
_STARTS_WITH_DAY_RE = re.compile(r"\s*(?:ngày\s+)?\d{1,2}\s*(?:tháng|/|-|\.)", re.IGNORECASE)
_DAY_WORD_RE = re.compile(r"ngày\s*$", re.IGNORECASE)


def _clause_start(text: str, pos: int) -> int:
    """Start of the phrase containing ``pos``: after the last ; : ( ) . or newline."""
    i = pos
    # a dot ends a sentence only before a space ("TP.HCM" and "1.500" do not)
    while i > 0 and text[i - 1] not in ";:()\n" and not (text[i - 1] == "." and text[i].isspace()):
        i -= 1
    return i


def _not_the_work(t: _Text, c: _Candidate, names: bool = True) -> str | None:
    """Why candidate ``c`` is not the time of the work: a name (with ``names`` off, a period of several years
    in a name still counts), a citation, a past event."""
    text = t.text
    if any(a < c.start and c.end <= b for a, b in t.quoted):
        return "inside a quoted title"
    head = text[max(0, c.start - 90) : c.start]
    if _CITATION_BEFORE_RE.search(head):
        return "date of a cited document"
    if c.bound == "within" and (c.day or _STARTS_WITH_DAY_RE.match(text, c.start)):
        near = head[-60:]
        if _EVENT_BEFORE_RE.search(near) or (_DAY_WORD_RE.search(near) and _EVENT_BEFORE_RE.search(near[: _DAY_WORD_RE.search(near).start()])):
            return "the date of a past event (birth, issue, registration, signing)"
        if why := _named_document_before(text, c.start):
            return why
    if c.day and c.bound != "within" and _BORN_BEFORE_RE.search(head[-30:]):
        return "a condition on a date of birth"
    if c.bound == "within" and not c.day and _EVENT_YEAR_BEFORE_RE.search(head[-30:]):
        return "the year of a past event (birth, founding)"
    if c.bound == "within" and _BASELINE_BEFORE_RE.search(head[-30:]):
        return "the baseline of a comparison ('so với năm 2020')"
    if not c.weak or (not names and c.begin and c.finish and c.begin.year != c.finish.year):
        return None  # (a title: the period of the programme it carries out is its own; "Luật … năm 2024" is a name)
    # a period in brackets right after a name ("kế hoạch 5 năm (2026 - 2030)") belongs to the phrase before them
    anchor = c.start - 1 if c.start > 0 and text[c.start - 1] == "(" else c.start
    seg_start = _clause_start(text, anchor)
    nouns = list(_DOC_NOUN_RE.finditer(text, seg_start, c.start))
    if not nouns:
        return None
    noun = nouns[-1]
    if noun.group("plural"):
        return None  # "các chương trình ... đến năm 2020": a generic mention, not a title
    between = text[noun.end() : c.start]
    if _ACTION_WORDS_RE.search(between) or _COUNT_RE.search(between):
        return None
    return f"part of the name after '{noun.group().strip()}'"


def _named_document_before(text: str, pos: int) -> str | None:
    """"Luật Đầu tư ngày 17/6/2020": a day right after a document named without a number."""
    lo = max(0, pos - 120)
    nouns = list(_NAMED_DOCUMENT_RE.finditer(text, lo, pos))
    if not nouns:
        return None
    noun = nouns[-1]
    between = text[noun.end() : pos]
    if _NAME_BREAK_RE.search(between) or _ACTION_WORDS_RE.search(between) or any(ch.isdigit() for ch in between):
        return None
    if noun.group().casefold().startswith(("báo cáo", "kế hoạch")) and _clause_start(text, noun.start()) == noun.start():
        return None  # "Báo cáo kết quả ngày …" at the start of a clause is the verb "report"
    return f"date of '{noun.group()}' cited by name"


# --------------------------------------------------------------------------
# Joining, choosing and combining
# --------------------------------------------------------------------------
_RANGE_GAP_RE = re.compile(r"\s*(?:[-–—]|,)?\s*(?:(?:cho\s+)?(?:đến|tới)\s*)?", re.IGNORECASE)
_OPEN_GAP_RE = re.compile(r"\s*|[^.;\n]{0,40}")
_LIST_GAP_RE = re.compile(r"\s*(?:,|và)\s*", re.IGNORECASE)


def _join_ranges(text: str, bounds: list[_Candidate]) -> list[_Candidate]:
    """A start followed by an end ("Từ Quý I/2025 đến Quý III/2026", "từ năm 2025 đến Quý III/2026",
    "Quý I/2025 - Quý II/2026", "từ nay đến năm 2030"), or a list of periods ("năm 2025 và năm 2026"),
    becomes one range."""
    bounds = sorted(bounds, key=lambda c: c.start)
    out: list[_Candidate] = []
    i = 0
    while i < len(bounds):
        a = bounds[i]
        b = bounds[i + 1] if i + 1 < len(bounds) else None
        if b is not None and a.begin is not None and b.finish is not None and a.begin <= b.finish and b.start >= a.end:
            gap = text[a.end : b.start]
            dash = _RANGE_GAP_RE.fullmatch(gap) is not None and any(ch in gap for ch in "-–—")
            joined = (
                (a.finish is None and b.begin is None and _OPEN_GAP_RE.fullmatch(gap))  # từ … (…) đến …
                or (dash and b.bound in ("within", "end") and a.bound in ("within", "start"))  # Quý I/2025 - Quý II/2026
                or (a.bound == b.bound == "within" and _LIST_GAP_RE.fullmatch(gap) and not a.day and not b.day)  # a list
            )
            if joined:
                out.append(_Candidate(a.start, b.end, min(a.tier, b.tier), a.begin, b.finish,
                                      confidence=min(a.confidence, b.confidence), weak=a.weak and b.weak,
                                      reasons=a.reasons + b.reasons + ["start and end joined"], bound="within"))
                i += 2
                continue
        if not a.join_only:
            out.append(a)
        i += 1
    return out


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def _recurrence_phrase(text: str, recurrences: list[_Candidate]) -> _Candidate | None:
    """The recurring phrase of the unit: recurrences listed together are one phrase whose
    shortest period counts; of several phrases, the first with "định kỳ", else the first."""
    if not recurrences:
        return None
    recurrences = sorted(recurrences, key=lambda c: c.start)
    groups: list[_Candidate] = []
    for c in recurrences:
        if groups:
            last = groups[-1]
            gap = _PAREN_TEXT_RE.sub("", text[last.end : c.start])
            if _RECURRENCE_JOINER_RE.fullmatch(gap):
                groups[-1] = _Candidate(last.start, c.end, last.tier, confidence=min(last.confidence, c.confidence),
                                        recurrence=min(last.recurrence, c.recurrence, key=RECURRENCE_ORDER.index),
                                        reasons=last.reasons, directed=last.directed or c.directed)
                continue
        groups.append(c)
    return next((g for g in groups if g.directed), groups[0])


_YEAR_PRINTED_RE = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def extract_deadline(text: str, document_date: dt.date | None = None, *, time_field: bool = False,
                     title: bool = False, past: bool = True) -> Deadline | None:
    """The time bound stated in ``text``, or ``None``.

    ``document_date`` (the signing date) resolves relative expressions ("trong
    thời hạn 30 ngày kể từ ngày ký"), "từ nay", and quarters, months, days or
    half-years printed without a year. ``time_field``: the whole text is the value
    of a time field (a table's "Thời gian thực hiện" cell), so a bare "2025",
    "2024 - 2026" or "6/2024" at its start is read, as it is after a "Thời gian …:" label.
    ``title``: the text is a document's title, whose period is the document's even when it is printed as
    part of the programme's name it carries out ("Kế hoạch thực hiện Đề án số 08 … giai đoạn 2026-2030"; a
    single year after a name, "Luật Địa chất và khoáng sản năm 2024", stays the name's). ``past=False``: a
    period that ends before ``document_date`` is not the time of the work (a regulation's conditions on the
    past); a report's or a plan's past periods (results of 2025, "từ năm 2017") still count.
    """
    if not text or not text.strip():
        return None
    t = _Text.of(text)
    bounds, recurrences = [], []
    candidates = _find_candidates(text, document_date)
    starts = t.values + ([len(text) - len(text.lstrip())] if time_field else [])
    bounds.extend(_bare_values(text, starts, candidates) if starts else [])
    for c in candidates:
        if c.recurrence is not None:
            recurrences.append(c)
            continue
        if _not_the_work(t, c, names=not title):
            continue
        if _PROCESSING_TIME_RE.search(text, max(0, c.start - 40), c.start):
            continue
        bounds.append(c)
    bounds = _join_ranges(text, bounds)
    if not past and document_date is not None:
        # a period printed with its year that ends before the document: a condition on the past
        bounds = [c for c in bounds if not (c.finish is not None and c.finish < document_date
                                            and _YEAR_PRINTED_RE.search(text, c.start, c.end))]
    for c in bounds:
        if t.in_label(c):
            c.tier = TIER_LABEL
            c.reasons.append("stated in a time clause")
        elif not c.weak and t.in_parens(c) and not _CITATION_BEFORE_RE.search(text, max(0, c.start - 90), c.start):
            c.tier = min(c.tier, TIER_PAREN)
            c.reasons.append("stated in a bracketed time phrase")
    recurrence = _recurrence_phrase(text, recurrences)
    if not bounds and recurrence is None:
        return None

    best = _phases(text, bounds) or _labelled(bounds)
    if best is None and bounds:
        best = min(bounds, key=lambda c: (c.tier, c.relative_unresolved, c.start))
    main = best or recurrence
    reasons = list(main.reasons)
    confidence = main.confidence
    if best is not None and recurrence is not None:
        reasons.append(f"recurrence '{text[recurrence.start:recurrence.end]}'")
        confidence = min(confidence, recurrence.confidence)
    if best is not None and len({(c.begin, c.finish) for c in bounds}) > 1 and "phases" not in " ".join(best.reasons):
        confidence = min(confidence, 0.75)
        reasons.append("several time expressions; the most explicit was taken")
    if best is not None and best.begin and best.finish and best.begin > best.finish:
        # "sau năm 2030 … trước năm 2020": no period fits both; the end is the bound that is due
        best = _Candidate(best.start, best.end, best.tier, None, best.finish, confidence=min(best.confidence, 0.5),
                          reasons=best.reasons)
        reasons.append("the start fell after the end and was dropped")
        confidence = min(confidence, 0.5)
    return Deadline(
        start=_iso(best.begin) if best else None,
        end=_iso(best.finish) if best else None,
        recurrence=recurrence.recurrence if recurrence else None,
        raw=text[main.start : main.end],
        span=(main.start, main.end),
        confidence=round(confidence, 2),
        reasons=reasons,
    )


def _bare_values(text: str, starts: list[int], found: list[_Candidate]) -> list[_Candidate]:
    """Bare years, year ranges and month/year values at the start of a time field's value
    (``starts``), where no other time expression was found there."""
    out = []
    for p in starts:
        m = _BARE_TIME_RE.match(text, p)
        if m is None or any(c.start < m.end() and m.start() < c.end for c in found):
            continue
        a, b = int(m.group("y")), int(m.group("y2") or m.group("y"))
        if not (_plausible_year(a) and _plausible_year(b) and a <= b):
            continue
        first, last = m.group("m"), (m.group("m2") if m.group("y2") else m.group("m"))
        begin = dt.date(a, int(first), 1) if first else year_start(a)
        finish = month_end(b, int(last)) if last else year_end(b)
        if begin <= finish:
            out.append(_Candidate(m.start(), m.end(), TIER_LABEL, begin, finish,
                                  reasons=["the bare value of a time field"]))
    return out


def _span_of(bounds: list[_Candidate], why: str) -> _Candidate:
    """One candidate from the first start to the last end of ``bounds``."""
    begins = [c.begin for c in bounds if c.begin]
    finishes = [c.finish for c in bounds if c.finish]
    first, last = min(bounds, key=lambda c: c.start), max(bounds, key=lambda c: c.end)
    return _Candidate(first.start, last.end, min(c.tier for c in bounds), min(begins) if begins else None,
                      max(finishes) if finishes else None, confidence=min(min(c.confidence for c in bounds), 0.8),
                      reasons=[why])


def _phases(text: str, bounds: list[_Candidate]) -> _Candidate | None:
    """A unit listing several phases, each with its time, spans them all."""
    resolved = [c for c in bounds if not c.relative_unresolved and (c.begin or c.finish)]
    if len(resolved) < 2 or len({(c.begin, c.finish) for c in resolved}) < 2:
        return None
    markers = [m for m in _PHASE_RE.finditer(text)]
    if len(markers) < 2:
        return None
    # the bounds must sit under different markers
    first_marker = markers[0].start()
    under = {max((i for i, m in enumerate(markers) if m.start() <= c.start), default=-1) for c in resolved
             if c.start >= first_marker}
    if len(under) < 2:
        return None
    return _span_of([c for c in resolved if c.start >= first_marker], "phases: from the first start to the last end")


def _labelled(bounds: list[_Candidate]) -> _Candidate | None:
    """Several periods given as the value of one time clause ("Thời gian thực hiện: năm 2025;
    năm 2026") span them all."""
    labelled = [c for c in bounds if c.tier == TIER_LABEL and not c.relative_unresolved]
    if len(labelled) < 2 or len({(c.begin, c.finish) for c in labelled}) < 2:
        return None
    return _span_of(labelled, "phases of a time clause: from the first start to the last end")
