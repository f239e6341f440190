"""Deadlines: the one place where Vietnamese time expressions become dates.

An item's deadline is the time bound stated in its own text: an end ("Quý
II/2018", "trước ngày 30/6/2018", "đến năm 2020"), a start ("từ năm 2017",
"có hiệu lực kể từ ngày ký"), a period ("giai đoạn 2016-2020", "năm 2018",
"tháng 9/2026") and/or a recurrence ("hàng năm", "định kỳ 6 tháng").

How it works:

1. Every time expression in the text is found by a small family of patterns
   (:func:`_find_candidates`), each giving a :class:`_Candidate` with dates and
   a *tier* saying how explicit it is.
2. Candidates that only *name* something are dropped: inside a quoted title,
   part of a cited document ("Quyết định số 1519/QĐ-UBND ngày 31 tháng 3 năm
   2016"), or a year/period right after a document noun in the same noun
   phrase ("Quy hoạch ... đến năm 2030", "Kế hoạch truyền thông năm 2018").
3. The best remaining bound wins (an explicit "Thời gian ...:" clause or a
   parenthesised time clause, then dates/quarters/months, then years); a
   recurrence is added to it (the shortest period when several are listed).

Entry point: :func:`extract_deadline`.
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


# --------------------------------------------------------------------------
# Candidates
# --------------------------------------------------------------------------
# Tiers: lower wins.
TIER_CLAUSE = 0  # "(Thời gian trình: Quý I/2018)", a parenthesised time clause
TIER_EXPLICIT = 1  # dates, quarters, months, half-years, relative to signing
TIER_YEAR = 2  # years and periods of years

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


_Y = r"(?P<y>(?:19|20)\d\d)"
_Y2 = r"(?P<y2>(?:19|20)\d\d)"
_ROMAN_OR_DIGIT = r"(?P<q>IV|I{1,3}|[1-4])"
_SEP = r"\s*[-–—]\s*"
_NB = r"(?![\p{L}\p{M}\d])"  # no letter or digit follows
_WB = r"(?<![\p{L}\p{M}\d])"  # no letter or digit precedes

# Words in front of a date that say which end of the period it bounds.
_END_WORDS = (
    r"(?:trước|chậm nhất(?:\s+là)?(?:\s+(?:đến|vào|trước))?|hạn chót|hạn cuối|đến(?:\s+hết)?|tới|"
    r"hoàn thành(?:\s+(?:trước|trong))?|xong(?:\s+trước)?|không\s+quá)"
)
_START_WORDS = r"(?:từ|kể\s+từ|bắt\s+đầu(?:\s+từ)?|có\s+hiệu\s+lực(?:\s+thi\s+hành)?(?:\s+kể)?\s+từ|sau)"
_PREFIX = r"(?:(?P<pre>" + _END_WORDS + "|" + _START_WORDS + r"|trong)\s+)?"

# Full dates: "ngày 08 tháng 01 năm 2018", "30/6/2018", "30-6-2018", "30.6.2018"
_DATE = (
    r"(?:ngày\s+)?(?P<d>\d{1,2})\s*(?:tháng\s*(?P<m>\d{1,2})\s*năm\s*|/\s*(?P<m2>\d{1,2})\s*/\s*|"
    r"-(?P<m3>\d{1,2})-|\.(?P<m4>\d{1,2})\.)(?P<y>(?:19|20)\d\d)" + _NB
)
_DATE_RE = re.compile(_WB + _PREFIX + r"(?:ngày\s+)?" + _DATE, re.IGNORECASE)
_DATE_RANGE_RE = re.compile(
    _WB + r"từ\s+(?:ngày\s+)?(?P<a>" + _DATE.replace("?P<", "?P<a_") + r")\s+(?:đến|tới)\s+(?:(?:hết\s+)?ngày\s+)?(?P<b>"
    + _DATE.replace("?P<", "?P<b_") + ")",
    re.IGNORECASE,
)
_QUARTER_RE = re.compile(
    _WB + _PREFIX + r"quý\s+" + _ROMAN_OR_DIGIT + r"\s*(?:/|năm|-)\s*" + _Y + _NB, re.IGNORECASE
)
_QUARTER_NO_YEAR_RE = re.compile(_WB + _PREFIX + r"quý\s+" + _ROMAN_OR_DIGIT + r"(?![\p{L}\p{M}\d/])", re.IGNORECASE)
_MONTH_RE = re.compile(
    _WB + _PREFIX + r"tháng\s+(?P<mo>\d{1,2})\s*(?:/|năm|-)\s*" + _Y + _NB, re.IGNORECASE
)
_MONTH_RANGE_RE = re.compile(
    _WB + r"từ\s+tháng\s+(?P<mo1>\d{1,2})\s+(?:đến|tới)\s+(?:hết\s+)?tháng\s+(?P<mo2>\d{1,2})\s*(?:/|năm|-)\s*" + _Y + _NB,
    re.IGNORECASE,
)
_HALF_RE = re.compile(
    _WB + r"(?:(?:6|sáu)\s+tháng|nửa)\s+(?P<half>đầu|cuối)\s+năm(?:\s+" + _Y + r")?" + _NB, re.IGNORECASE
)
_YEAR_PART_RE = re.compile(_WB + r"(?P<pre>trước\s+|đến\s+)?(?P<part>cuối|đầu|giữa)\s+năm\s+" + _Y + _NB, re.IGNORECASE)
_PERIOD_RE = re.compile(
    _WB + r"(?:(?P<gd>giai\s+đoạn|thời\s+kỳ|niên\s+độ)\s+(?:từ\s+)?(?:năm\s+)?|(?P<tu>từ)\s+năm\s+|(?:năm\s+))"
    + _Y + r"(?:" + _SEP + r"|\s+(?:đến|tới)\s+(?:năm\s+)?)" + _Y2 + _NB,
    re.IGNORECASE,
)
_YEAR_RE = re.compile(
    _WB + r"(?:(?P<pre>" + _END_WORDS + "|" + _START_WORDS + r"|trong)\s+(?:(?:hết\s+)?năm\s+)?|năm\s+)" + _Y + _NB,
    re.IGNORECASE,
)
# Recurrence
_EVERY_RE = re.compile(
    _WB + r"(?:định\s+kỳ\s+)?(?:hàng|hằng|mỗi)\s+(ngày|tuần|tháng|quý|năm)" + _NB, re.IGNORECASE
)
_LISTED_PERIOD_RE = re.compile(r"\s*(?:,|và|hoặc|/)\s*(?:(?:hàng|hằng|mỗi)\s+)?(ngày|tuần|tháng|quý|năm)" + _NB, re.IGNORECASE)
_EVERY_N_RE = re.compile(
    _WB + r"(?:định\s+kỳ\s+(?P<n1>\d{1,2}|sáu|ba|một|hai)\s+(?P<u1>tháng|năm|tuần|ngày)(?:\s*(?:/\s*lần|một\s+lần|1\s+lần))?"
    r"|(?P<n2>\d{1,2}|sáu|ba|một|hai)\s+(?P<u2>tháng|năm|tuần|ngày)\s*(?:/\s*lần|(?:một|1)\s+lần))" + _NB,
    re.IGNORECASE,
)
_YEARLY_WORD_RE = re.compile(_WB + r"thường\s+niên" + _NB, re.IGNORECASE)
# Relative to the signing date
_RELATIVE_RE = re.compile(
    _WB + r"(?P<pre>trong\s+(?:thời\s+hạn|vòng)|trong|sau|chậm\s+nhất(?:\s+là)?|không\s+quá)\s+"
    r"(?P<n>\d{1,3})\s+(?P<u>ngày\s+làm\s+việc|ngày|tuần|tháng|năm)\s*,?\s*(?:kể\s+)?từ\s+(?:ngày\s+)?"
    r"(?P<anchor>ký|ban\s+hành|quyết\s+định\s+này\s+có\s+hiệu\s+lực|văn\s+bản\s+này\s+có\s+hiệu\s+lực)",
    re.IGNORECASE,
)
_EFFECTIVE_RE = re.compile(
    _WB + r"(?:có\s+hiệu\s+lực(?:\s+thi\s+hành)?\s+)?(?:kể\s+)?từ\s+(?:ngày\s+)?(?:ký|ban\s+hành)(?:\s+ban\s+hành)?" + _NB,
    re.IGNORECASE,
)
_NUMBER_WORDS_SMALL = {"một": 1, "hai": 2, "ba": 3, "sáu": 6}


def _int(s: str) -> int:
    return _NUMBER_WORDS_SMALL.get(s.casefold()) or int(s)


def _bound_kind(pre: str | None) -> str:
    """"end", "start" or "within" for the word in front of a time expression."""
    if not pre:
        return "within"
    p = re.sub(r"\s+", " ", pre.casefold()).strip()
    if p == "trong" or p.startswith("hoàn thành trong"):
        return "within"
    if re.fullmatch(_START_WORDS, p, re.IGNORECASE):
        return "start"
    return "end"


def _dates_candidates(text: str) -> list[_Candidate]:
    out = []
    for m in _DATE_RANGE_RE.finditer(text):
        a, b = _date_from(m, "a_"), _date_from(m, "b_")
        if a and b:
            out.append(_Candidate(m.start(), m.end(), TIER_EXPLICIT, a, b, reasons=["date range"]))
    for m in _DATE_RE.finditer(text):
        d = _date_from(m, "")
        if not d:
            continue
        kind = _bound_kind(m.group("pre"))
        if kind == "start":
            out.append(_Candidate(m.start(), m.end(), TIER_EXPLICIT, begin=d, reasons=["from a date"]))
        elif kind == "end":
            out.append(_Candidate(m.start(), m.end(), TIER_EXPLICIT, finish=d, reasons=["by a date"]))
        else:
            out.append(_Candidate(m.start(), m.end(), TIER_EXPLICIT, d, d, confidence=0.7, reasons=["on a date"]))
    return out


def _date_from(m: re.Match, prefix: str) -> dt.date | None:
    g = m.groupdict()
    month = next((g[prefix + k] for k in ("m", "m2", "m3", "m4") if g.get(prefix + k)), None)
    if month is None:
        return None
    return _safe_date(int(g[prefix + "y"]), int(month), int(g[prefix + "d"]))


def _period_candidate(m: re.Match, begin: dt.date, finish: dt.date, what: str, tier=TIER_EXPLICIT, **kw) -> _Candidate:
    """A period bounded according to the word in front of it."""
    kind = _bound_kind(m.groupdict().get("pre"))
    if kind == "start":
        return _Candidate(m.start(), m.end(), tier, begin=begin, reasons=[f"from {what}"], **kw)
    if kind == "end":
        pre = re.sub(r"\s+", " ", (m.group("pre") or "").casefold())
        if pre.startswith("trước") and not pre.startswith("trước khi"):
            # "trước Quý III/2018": before the period starts
            return _Candidate(m.start(), m.end(), tier, finish=begin - dt.timedelta(days=1),
                              reasons=[f"before {what}"], **kw)
        return _Candidate(m.start(), m.end(), tier, finish=finish, reasons=[f"by the end of {what}"], **kw)
    return _Candidate(m.start(), m.end(), tier, begin, finish, reasons=[f"during {what}"], **kw)


def _quarter_candidates(text: str, document_date: dt.date | None) -> list[_Candidate]:
    out = []
    for m in _QUARTER_RE.finditer(text):
        q, y = parse_roman(m.group("q")), int(m.group("y"))
        if q and 1 <= q <= 4 and _plausible_year(y):
            out.append(_period_candidate(m, quarter_start(y, q), quarter_end(y, q), "a quarter"))
    for m in _QUARTER_NO_YEAR_RE.finditer(text):
        if any(c.start <= m.start() < c.end for c in out):
            continue
        q = parse_roman(m.group("q"))
        if not q or not 1 <= q <= 4:
            continue
        if document_date:
            y = document_date.year
            c = _period_candidate(m, quarter_start(y, q), quarter_end(y, q), "a quarter", confidence=0.6)
            c.reasons.append("year taken from the document date")
        else:
            c = _Candidate(m.start(), m.end(), TIER_EXPLICIT, confidence=0.3,
                           reasons=["quarter without a year; the document date is unknown"])
            c.relative_unresolved = True
        out.append(c)
    return out


def _month_candidates(text: str) -> list[_Candidate]:
    out = []
    for m in _MONTH_RANGE_RE.finditer(text):  # "từ tháng 3 đến tháng 6 năm 2024"
        first, last, y = int(m.group("mo1")), int(m.group("mo2")), int(m.group("y"))
        if 1 <= first <= last <= 12 and _plausible_year(y):
            out.append(_Candidate(m.start(), m.end(), TIER_EXPLICIT, dt.date(y, first, 1), month_end(y, last),
                                  reasons=["a range of months"]))
    for m in _MONTH_RE.finditer(text):
        if any(c.start <= m.start() < c.end for c in out):
            continue
        mo, y = int(m.group("mo")), int(m.group("y"))
        if 1 <= mo <= 12 and _plausible_year(y):
            out.append(_period_candidate(m, dt.date(y, mo, 1), month_end(y, mo), "a month"))
    return out


def _half_year_candidates(text: str, document_date: dt.date | None) -> list[_Candidate]:
    out = []
    for m in _HALF_RE.finditer(text):
        y = int(m.group("y")) if m.group("y") else (document_date.year if document_date else None)
        if y is None:
            continue
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
            out.append(_Candidate(m.start(), m.end(), TIER_EXPLICIT, finish=year_end(y), reasons=["end of a year"]))
        elif part == "đầu":
            out.append(_Candidate(m.start(), m.end(), TIER_EXPLICIT, year_start(y), quarter_end(y, 1),
                                  confidence=0.6, reasons=["beginning of a year, read as its first quarter"]))
        else:
            out.append(_Candidate(m.start(), m.end(), TIER_EXPLICIT, finish=dt.date(y, 6, 30),
                                  confidence=0.6, reasons=["middle of a year, read as by 30 June"]))
    return out


def _year_candidates(text: str) -> list[_Candidate]:
    out = []
    for m in _PERIOD_RE.finditer(text):
        a, b = int(m.group("y")), int(m.group("y2"))
        if _plausible_year(a) and _plausible_year(b) and a <= b:
            out.append(_Candidate(m.start(), m.end(), TIER_YEAR, year_start(a), year_end(b),
                                  reasons=["period of years"], weak=True))
    for m in _YEAR_RE.finditer(text):
        if any(c.start <= m.start() < c.end for c in out):
            continue
        y = int(m.group("y"))
        if not _plausible_year(y):
            continue
        c = _period_candidate(m, year_start(y), year_end(y), "a year", tier=TIER_YEAR, weak=True)
        pre = (m.group("pre") or "").casefold()
        if pre.startswith("trong") or "hết" in m.group(0).casefold():
            c.weak = False  # "trong năm 2018", "đến hết năm 2020" bound the work, never a name
        out.append(c)
    return out


def _relative_candidates(text: str, document_date: dt.date | None) -> list[_Candidate]:
    out = []
    for m in _RELATIVE_RE.finditer(text):
        n, unit = int(m.group("n")), re.sub(r"\s+", " ", m.group("u").casefold())
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
                    c.begin = d
                else:
                    c.finish = d
        out.append(c)
    for m in _EFFECTIVE_RE.finditer(text):
        if any(c.start <= m.start() < c.end for c in out):
            continue
        c = _Candidate(m.start(), m.end(), TIER_EXPLICIT, reasons=["from the signing date"])
        if document_date is None:
            c.confidence = 0.3
            c.relative_unresolved = True
            c.reasons = ["relative to the signing date, which is unknown"]
        else:
            c.begin = document_date
        out.append(c)
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


def _recurrence_candidates(text: str) -> list[_Candidate]:
    out = []
    for m in _EVERY_RE.finditer(text):
        periods = [_PERIOD_WORD[m.group(1).casefold()]]
        end = m.end()
        while lm := _LISTED_PERIOD_RE.match(text, end):  # "hằng tháng, quý, năm"
            periods.append(_PERIOD_WORD[lm.group(1).casefold()])
            end = lm.end()
        shortest = min(periods, key=RECURRENCE_ORDER.index)
        out.append(_Candidate(m.start(), end, TIER_EXPLICIT, recurrence=shortest, reasons=["recurring"]))
    for m in _EVERY_N_RE.finditer(text):
        n = _int(m.group("n1") or m.group("n2"))
        unit = (m.group("u1") or m.group("u2")).casefold()
        rec = _every_n(n, unit)
        if rec:
            out.append(_Candidate(m.start(), m.end(), TIER_EXPLICIT, recurrence=rec, reasons=["recurring every n periods"]))
    for m in _YEARLY_WORD_RE.finditer(text):
        out.append(_Candidate(m.start(), m.end(), TIER_EXPLICIT, recurrence="yearly", reasons=["annual"]))
    return out


def _every_n(n: int, unit: str) -> str | None:
    """"6 tháng" -> semiannual, "3 tháng" -> quarterly, "1 năm" -> yearly."""
    days = {"ngày": 1, "tuần": 7, "tháng": 30, "năm": 365}[unit] * n
    table = {1: "daily", 7: "weekly", 30: "monthly", 90: "quarterly", 180: "semiannual", 365: "yearly", 360: "yearly"}
    return table.get(days)


def _find_candidates(text: str, document_date: dt.date | None) -> list[_Candidate]:
    dates = _dates_candidates(text)
    # a month or year inside a full date ("ngày 16 tháng 12 năm 2016") is not a period of its own
    date_spans = [(m.start(), m.end()) for m in _DATE_RE.finditer(text)]

    def outside_dates(cands: list[_Candidate]) -> list[_Candidate]:
        return [c for c in cands if not any(a <= c.start < b or c.start <= a < c.end for a, b in date_spans)]

    found = dates + outside_dates(
        _quarter_candidates(text, document_date)
        + _month_candidates(text)
        + _half_year_candidates(text, document_date)
        + _relative_candidates(text, document_date)
    ) + _recurrence_candidates(text)
    # years only where no more precise expression already covers them
    for c in outside_dates(_year_candidates(text)):
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
# Names, citations and clauses
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
    _WB + r"(?:được|sẽ|phải|cần|đã|trình|ban\s+hành|phê\s+duyệt|hoàn\s+thành|thực\s+hiện\s+xong|báo\s+cáo\s+kết\s+quả)" + _NB,
    re.IGNORECASE,
)
# A count between the noun and the year ("Danh mục nhiệm vụ 03 đợt năm 2018"):
# the year is when the counted rounds happen.
_COUNT_RE = re.compile(r"(?<![\d/])\d{1,3}(?:\.\d{3})*\s+[\p{L}]", re.IGNORECASE)
# A document number or "số ..." right before a date: the date belongs to the citation.
_DOC_REF = (
    r"(?:\d+\s*[/-]\s*[\p{L}\d&.\-/]+|số\s*\d+[\p{L}\d&./\-]*|(?:quyết định|nghị định|nghị quyết|thông tư|chỉ thị|"
    r"công văn|kế hoạch|tờ trình|luật|văn bản|thông báo)\s+(?:số\s+)?\d[\p{L}\d&./\-]*)"
)
_CITATION_BEFORE_RE = re.compile(
    _DOC_REF + r"(?:\s+của\s+[\p{L}\p{M} ]{1,50}?)?\s*,?\s*(?:ban\s+hành\s+|ký\s+)?$",
    re.IGNORECASE,
)
_CLAUSE_RE = re.compile(
    r"thời\s+(?:gian|hạn)\s*(?:trình|thực\s+hiện|hoàn\s+thành|triển\s+khai|báo\s+cáo|nộp|gửi|tổ\s+chức)?\s*:\s*",
    re.IGNORECASE,
)
_QUOTES = [("“", "”"), ('"', '"'), ("«", "»"), ("‘", "’")]
# Processing times are not deadlines ("Thời gian giải quyết: 15 ngày").
_PROCESSING_TIME_RE = re.compile(r"thời\s+(?:gian|hạn)\s+giải\s+quyết", re.IGNORECASE)


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for open_q, close_q in _QUOTES:
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
    for i, c in enumerate(text):
        if c == "(":
            stack.append(i)
        elif c == ")" and stack:
            spans.append((stack.pop(), i + 1))
    return spans


# "thông qua ngày ...", "ký ngày ...": when a text was adopted, not when work is due.
# ("ban hành trong Quý III/2018" is a deadline for issuing: only a day right after the verb counts.)
_ADOPTED_ON_RE = re.compile(r"(?:thông\s+qua|được\s+ký|ký|ban\s+hành|lập)\s+(?:vào\s+)?(?:ngày\s+)?$", re.IGNORECASE)


def _is_a_day(expression: str) -> bool:
    return bool(re.match(r"(?:ngày\s+)?\d{1,2}\s*(?:tháng|/|-|\.)", expression.strip(), re.IGNORECASE))


def _clause_start(text: str, pos: int) -> int:
    """Start of the phrase containing ``pos``: after the last ; : ( ) . or newline."""
    i = pos
    # a dot ends a sentence only before a space ("TP.HCM" and "1.500" do not)
    while i > 0 and text[i - 1] not in ";:()\n" and not (text[i - 1] == "." and text[i].isspace()):
        i -= 1
    return i


def _names_something(text: str, c: _Candidate) -> str | None:
    """Why candidate ``c`` names a document/programme/event instead of bounding the work."""
    if any(a < c.start and c.end <= b for a, b in _quoted_spans(text)):
        return "inside a quoted title"
    if _CITATION_BEFORE_RE.search(text[max(0, c.start - 90) : c.start]):
        return "date of a cited document"
    if _ADOPTED_ON_RE.search(text[max(0, c.start - 30) : c.start]) and _is_a_day(text[c.start : c.end]):
        return "the date the text was adopted or signed"
    if not c.weak:
        return None
    seg_start = _clause_start(text, c.start)
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


def _in_clause(text: str, c: _Candidate) -> bool:
    """True when ``c`` is the value of a "Thời gian ...:" clause or sits in a
    parenthesised phrase that is not a citation."""
    head = text[max(0, c.start - 40) : c.start]
    if _CLAUSE_RE.search(head) and _CLAUSE_RE.search(head).end() >= len(head) - 2:
        return True
    for a, b in _paren_spans(text):
        if a < c.start and c.end <= b:
            return True
    return False


# --------------------------------------------------------------------------
# Choosing and combining
# --------------------------------------------------------------------------
def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def extract_deadline(text: str, document_date: dt.date | None = None) -> Deadline | None:
    """The time bound stated in ``text``, or ``None``.

    ``document_date`` (the signing date) resolves relative expressions ("trong
    thời hạn 30 ngày kể từ ngày ký") and quarters or half-years printed
    without a year.
    """
    if not text or not text.strip():
        return None
    candidates = []
    for c in _find_candidates(text, document_date):
        if c.recurrence is None:
            why = _names_something(text, c)
            if why:
                continue
            if _PROCESSING_TIME_RE.search(text[max(0, c.start - 40) : c.start]):
                continue
            if _in_clause(text, c):
                c.tier = TIER_CLAUSE
                c.reasons.append("stated in a time clause")
        candidates.append(c)
    bounds = [c for c in candidates if c.recurrence is None]
    recurrences = [c for c in candidates if c.recurrence is not None]
    if not bounds and not recurrences:
        return None

    best = min(bounds, key=lambda c: (c.tier, c.relative_unresolved, c.start)) if bounds else None
    if best is not None:
        best = _merge_open_ends(best, bounds)
    recurrence = min(recurrences, key=lambda c: RECURRENCE_ORDER.index(c.recurrence)) if recurrences else None

    main = best or recurrence
    reasons = list(main.reasons)
    confidence = main.confidence
    if best is not None and recurrence is not None:
        reasons.append(f"recurrence '{text[recurrence.start:recurrence.end]}'")
        confidence = min(confidence, recurrence.confidence)
    if len({(c.begin, c.finish) for c in bounds}) > 1:
        confidence = min(confidence, 0.75)
        reasons.append("several time expressions; the most explicit was taken")
    return Deadline(
        start=_iso(best.begin) if best else None,
        end=_iso(best.finish) if best else None,
        recurrence=recurrence.recurrence if recurrence else None,
        raw=text[main.start : main.end],
        span=(main.start, main.end),
        confidence=round(confidence, 2),
        reasons=reasons,
    )


def _merge_open_ends(best: _Candidate, bounds: list[_Candidate]) -> _Candidate:
    """"từ năm 2017 ... đến năm 2020" found as two candidates: give a start-only
    bound the end of a later end-only bound of the same tier, and vice versa."""
    if best.begin and not best.finish:
        later = [c for c in bounds if c.start > best.end and c.finish and not c.begin and c.tier == best.tier]
        if later and later[0].start - best.end < 40:
            best = _Candidate(best.start, later[0].end, best.tier, best.begin, later[0].finish,
                              confidence=best.confidence, reasons=best.reasons + ["start and end joined"])
    return best
