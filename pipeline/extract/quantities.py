"""Quantities in the text of one item: counts, percentages, money, measures,
multipliers.

A quantity is a cardinal number that counts or measures something
("3.000 doanh nghiệp", "60%", "22,6 tỷ đồng", "40.000 m²", "gấp 2 lần").
Vietnamese administrative texts are full of numbers that are *not*
quantities: years and dates, document numbers ("1519/QĐ-UBND"), enumerators,
article references ("Điều 5"), levels ("cấp độ 3"), standard names
("ISO 9001:2008"), identifiers (enterprise and identity numbers, VSIC codes,
phone numbers), addresses ("Số 348", "125 Lê Lợi, phường …"), plot numbers,
ordinals ("lần thứ 3"), datum and projection parameters ("VN-2000", "kinh
tuyến trục 104°30'", "múi chiếu 3°"), URLs, times of day, and an amount
spelled out in words after its figure ("(Bằng chữ: Hai mươi hai tỷ đồng)"),
which restates it. Most of the module is about telling the two apart from
the number's immediate context: the characters touching it, the word in
front of it, what follows, and the phrase it sits in (an address, a
coordinate system, a restatement in words).

Ranges ("từ 5 đến 10 ha", "từ 1.000.000 đồng đến 2.000.000 đồng") are one
quantity with ``value_max``; "trên", "ít nhất", "tối thiểu", "không quá" …
are its qualifier; a unit keeps its "/" parts ("triệu đồng/người/tháng").

Every pattern is compiled once, at import. Entry point: :func:`extract_quantities`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import regex as re

from pipeline.lexicon import ascii_fold
from pipeline.model import Quantity

from .numbers import (
    DIGIT_WORDS,
    NUMBER_WORDS,
    SCALE_WORDS,
    is_ambiguous_dot,
    parse_digits,
    parse_number_words,
)

# --------------------------------------------------------------------------
# Unit registry
# --------------------------------------------------------------------------
# Printed unit (case-folded) -> normalised form. Abbreviations common in
# administrative texts are expanded so that "10 DN" and "10 doanh nghiệp" agree.
UNIT_REGISTRY: dict[str, str] = {
    # abbreviations of counted nouns
    "dn": "doanh nghiệp",
    "dnnvv": "doanh nghiệp nhỏ và vừa",
    "htx": "hợp tác xã",
    "csdl": "cơ sở dữ liệu",
    "cb": "cán bộ",
    "cbcc": "cán bộ công chức",
    "cbccvc": "cán bộ công chức viên chức",
    "gv": "giáo viên",
    "hs": "học sinh",
    "sv": "sinh viên",
    "tthc": "thủ tục hành chính",
    "đvt": "đơn vị tính",
    # percent
    "%": "%",
    "phần trăm": "%",
    # money
    "đồng": "đồng",
    "vnđ": "đồng",
    "vnd": "đồng",
    "đ": "đồng",
    "usd": "USD",
    "đô la mỹ": "USD",
    "đô la": "USD",
    "eur": "EUR",
    "euro": "EUR",
    # measures
    "m²": "m2",
    "m2": "m2",
    "m ²": "m2",
    "m³": "m3",
    "m3": "m3",
    "km²": "km2",
    "km2": "km2",
    "ha": "ha",
    "héc-ta": "ha",
    "hécta": "ha",
    "hecta": "ha",
    "km": "km",
    "m": "m",
    "cm": "cm",
    "mm": "mm",
    "tấn": "tấn",
    "kg": "kg",
    "lít": "lít",
    "mw": "MW",
    "kw": "kW",
    "kwh": "kWh",
    "mwh": "MWh",
    "gw": "GW",
    "teu": "TEU",
    "°c": "°C",
    "ºc": "°C",
    "độ c": "°C",
    "°": "°",
    "º": "°",
    # multiplier
    "lần": "lần",
}

MONEY_UNITS = r"(?:đồng|VNĐ|VND|USD|đô la Mỹ|đô la|euro|EUR|đ)"
MEASURE_UNITS = (
    r"(?:km\s?²|km2|m\s?²|m\s?³|m2|m3|héc-ta|hécta|hecta|ha|km|cm|mm|tấn|kg|lít|kWh|MWh|MW|kW|GW|TEU|m|"
    r"[°º]\s?C|độ\s?C(?![\p{L}\p{M}])|[°º])"
)
# "/năm", "/người/tháng", "/ha" after a unit: "15 triệu đồng/năm", "1,5 triệu đồng/người/tháng"
PER_SUFFIX = r"(?:\s?/\s?(?:01\s|1\s)?[\p{L}\p{M}\d]+){0,3}"

_PERCENT_RE = re.compile(r"\s*((?:%|phần trăm)" + PER_SUFFIX + r")(?![\p{L}\p{M}\d])")
_MONEY_RE = re.compile(r"\s*(" + MONEY_UNITS + PER_SUFFIX + r")(?![\p{L}\p{M}\d])")
_MEASURE_RE = re.compile(r"\s*(" + MEASURE_UNITS + PER_SUFFIX + r")(?![\p{L}\p{M}\d])")
_TIMES_RE = re.compile(r"\s*(lần" + PER_SUFFIX + r")(?![\p{L}\p{M}\d])", re.IGNORECASE)
# Letters that may be glued to digits and still be a unit ("15.000đ", "3m", "60%").
_ATTACHED_UNIT_RE = re.compile(r"(?:%|" + MONEY_UNITS + "|" + MEASURE_UNITS + r")(?![\p{L}\p{M}\d])")

# --------------------------------------------------------------------------
# Words around a number
# --------------------------------------------------------------------------
# Qualifiers in front of a number; longest first so "không dưới" beats "dưới".
QUALIFIERS = [
    "không ít hơn",
    "không thấp hơn",
    "không vượt quá",
    "không nhiều hơn",
    "không dưới",
    "không quá",
    "ít nhất",
    "tối thiểu",
    "tối đa",
    "xấp xỉ",
    "khoảng",
    "gần",
    "hơn",
    "trên",
    "dưới",
    "lên đến",
    "lên tới",
]
_QUALIFIER_RE = re.compile(
    r"(?<![\p{L}\p{M}])(" + "|".join(re.escape(q) for q in QUALIFIERS) + r")\s+$", re.IGNORECASE
)
# Verbs that turn "2 lần" into a multiplier ("gấp 2 lần", "tăng 2,6 lần").
_MULTIPLIER_VERB_RE = re.compile(r"(?<![\p{L}\p{M}])(gấp|tăng|giảm|cao|nhiều)\s+$", re.IGNORECASE)

# A number right after one of these is a reference, a date part, an address or
# an identifier, never a quantity ("Điều 5", "ngày 08", "số 12", "Quận 4").
REFERENCE_WORDS = {
    # dates and times
    "ngày", "tháng", "năm", "quý", "lúc", "thứ",
    # legal structure and numbering
    "điều", "khoản", "điểm", "chương", "mục", "phần", "tiết", "phụ lục", "tập", "số", "ký hiệu",
    "mẫu", "biểu", "biểu mẫu", "mã", "mã số", "hồ sơ",
    # documents cited by number
    "quyết định", "nghị định", "nghị quyết", "thông tư", "chỉ thị", "công văn", "tờ trình", "kế hoạch",
    "thông báo", "văn bản", "luật", "qđ", "nđ", "nq", "tt", "ct", "cv", "kh", "tb", "tbkl",
    # standards and versions
    "iso", "tcvn", "qcvn", "version", "phiên bản", "covid",
    # codes and registers
    "mã ngành", "vsic", "mã hs", "hs", "mã chương", "số hiệu", "số nhà", "thửa", "thửa đất", "tờ bản đồ", "bản đồ",
    "ngã",
    # addresses
    "phòng", "tầng", "lầu", "lô", "tổ", "ấp", "khu phố", "phường", "quận", "đường", "hẻm", "ngõ",
    "ngách", "kiệt", "thôn", "xóm", "khu", "p", "q", "km",
    # contact numbers
    "điện thoại", "đt", "đtdđ", "tel", "fax", "hotline", "di động", "tài khoản", "stk",
}
# Words naming a level, rank or round: "cấp độ 3", "hạng 1", "đợt 2", "lần thứ 2".
LEVEL_WORDS = {
    "cấp độ", "mức độ", "hạng", "bậc", "loại", "khóa", "khoá", "lớp", "vòng", "phiên", "giai đoạn",
    "đợt", "kỳ", "nhóm", "lần thứ", "thứ", "nhiệm kỳ", "level", "lần",
    "top",
}
# Words that are a level word *or* a verb/noun ("cấp 30 giấy phép" = grant 30
# licences, "mức 30%"): a level only when no unit follows the number.
WEAK_LEVEL_WORDS = {"cấp", "mức", "trang", "tuyến", "số lượng"}

# Function words and verbs that end the counted noun phrase.
UNIT_STOP_WORDS = {
    "và", "hoặc", "hay", "của", "cho", "để", "nhằm", "trong", "tại", "về", "với", "theo", "trên", "dưới",
    "từ", "đến", "tới", "được", "bị", "có", "thuộc", "là", "do", "bởi", "mà", "thì", "nhưng", "như", "vào",
    "ra", "qua", "sang", "giữa", "bằng", "so", "đạt", "gồm", "chiếm", "ở", "khi", "nếu", "cùng", "mỗi",
    "các", "những", "này", "đó", "kia", "đã", "đang", "sẽ", "phải", "cần", "nên", "trở", "đối", "vì",
    "tăng", "giảm", "lên", "xuống", "sau", "trước", "ngoài", "tham", "thực", "hoàn", "năm", "tháng",
    "quý", "ngày", "chậm", "kể", "gửi", "nộp", "kịp", "ngay",
}
# Two-word verbs that end a noun phrase (checked only after its first word).
UNIT_STOP_BIGRAMS = {
    "tham gia", "thực hiện", "triển khai", "hoàn thành", "thành lập", "xây dựng", "trở lên", "đối với",
    "bao gồm", "so với", "hình thành", "ứng dụng", "trực tiếp", "gián tiếp",
    "tính từ", "tính đến", "tính tới", "tính theo", "tính trên",
}
# Time units: "đào tạo 3 tháng" is a duration; "6 tháng đầu năm" is a deadline.
TIME_UNITS = {"ngày", "tuần", "tháng", "quý", "năm", "giờ", "phút", "ngày làm việc"}
MAX_UNIT_WORDS = 4

_TOKEN_RE = re.compile(r"[\p{L}\p{M}\d&]+(?:[-/'’][\p{L}\p{M}\d&]+)*")
_GAP_RE = re.compile(r"[ \t\u00a0]+")
_DIGITS_RE = re.compile(r"\d+(?:[.,]\d+)*")
_SCALE_RE = re.compile(
    r"\s*(" + "|".join(SCALE_WORDS) + r")(?![\p{L}\p{M}])(?!\s+(?:lệ|trọng|giá|suất)\b)", re.IGNORECASE
)
_RANGE_SEP_RE = re.compile(r"\s*(%\s*)?(?:-|–|—|đến|tới)\s*", re.IGNORECASE)
_URL_RE = re.compile(r"@|://|www\.|\.(?:vn|com|net|org|gov|edu|info)\b|[\p{L}]\.[\p{L}]{2,}\.", re.IGNORECASE)
_DOC_NUMBER_AFTER_RE = re.compile(r"\s?[-–]\s?[\p{Lu}Đ][\p{L}&]*[/-]")
# "6 tháng đầu năm" (a part of the year), "6 tháng một lần", "định kỳ 6 tháng" (a period of recurrence): the
# number belongs to a time expression. A duration measures time and is a quantity: "trong thời hạn 03 ngày
# làm việc", "30 ngày kể từ ngày nhận", "trước 10 ngày".
_TIME_EXPR_AFTER_RE = re.compile(
    r"\s*(?:ngày làm việc|ngày|tuần|tháng|quý|năm)\s*(?:(?:đầu|cuối)\s+năm|(?:một|1)\s+lần|/\s*lần|\d)",
    re.IGNORECASE,
)
_TIME_EXPR_BEFORE_RE = re.compile(r"(?<![\p{L}\p{M}])(?:định kỳ|hằng|hàng)\s+$", re.IGNORECASE)
# "là một trong ba địa phương phát triển nhất": a rank among N, not a count ("một trong hai phương thức sau" counts).
_ONE_OF_BEFORE_RE = re.compile(r"(?<![\p{L}\p{M}])một\s+trong\s+$", re.IGNORECASE)
_SUPERLATIVE_AFTER_RE = re.compile(r"[^.;:,()\n]{0,60}?(?<![\p{L}\p{M}])(?:nhất|dẫn\s+đầu|hàng\s+đầu)(?![\p{L}\p{M}])",
                                   re.IGNORECASE)
_TIME_UNIT_AFTER_RE = re.compile(r"\s*(?:ngày|tuần|tháng|quý|năm)(?![\p{L}\p{M}])", re.IGNORECASE)
# "Đội kiểm tra 814", "Ban Chỉ đạo 389", "Chương trình 135": a number naming a body or programme.
_NAMED_BODY_BEFORE_RE = re.compile(
    r"(?:(?<![\p{L}\p{M}])(?:Đội|Ban(?!\s+hành)|Tổ(?!\s+chức)|Đoàn|Nhóm|Hội đồng|Trạm|Chốt|Đại đội|Tiểu đoàn)(?:\s+[\p{L}\p{M}]+){0,3}"
    r"|(?<![\p{L}\p{M}])(?:Chương trình|Dự án|Đề án))\s+$"
)
# Words after which a number without a unit is still a quantity: "đạt 22.000", "từ 50 trở lên".
_BARE_OK_BEFORE_RE = re.compile(r"(?<![\p{L}\p{M}])(?:đạt|là|tổng cộng|tổng số|bằng)\s+$", re.IGNORECASE)
_CLOCK_AFTER_RE = re.compile(r"\s*(?:giờ|h)\s*(?:\d|sáng|trưa|chiều|tối|đêm)", re.IGNORECASE)
_SPACES_RE = re.compile(r"\s+")
_YEAR_RE = re.compile(r"(?:19|20)\d\d")
_DATE_AFTER_RE = re.compile(r"\s*tháng\s*\d|\s*/\s*\d", re.IGNORECASE)
_TRO_LEN_RE = re.compile(r"\s*trở\s+lên", re.IGNORECASE)
_TU_BEFORE_RE = re.compile(r"(?<![\p{L}\p{M}])từ\s+$", re.IGNORECASE)
_GAP_BEFORE_RE = re.compile(r"(?<![\p{L}\p{M}])gấp\s+$", re.IGNORECASE)
# "4290 Xây dựng …", "6810 Kinh doanh …": an unpunctuated 4-5 digit number before a capitalised word is a code
_CAPITALISED_AFTER_RE = re.compile(r"[ \t]+\p{Lu}")
# "125 Lê Lợi, phường Kim Tân": a street number
_STREET_AFTER_RE = re.compile(
    r"[ \t]+(?!(?i:tỉnh|xã|phường|huyện|quận|thành\s+phố|thị\s+xã|thị\s+trấn|đơn\s+vị)(?![\p{L}\p{M}]))(?:\p{Lu}[\p{L}\p{M}]*[ \t]+){0,4}\p{Lu}[\p{L}\p{M}]*\s*,\s*"
    r"(?i:phường|xã|quận|huyện|thị\s+trấn|thị\s+xã|thành\s+phố|tp\b|tỉnh|p\.|q\.|khu\s+phố|tổ\b|thôn|ấp)"
)
# "348 đường Hoàng Liên", "12 phố Hàng Bạc": a house number before its street
_STREET_WORD_AFTER_RE = re.compile(r"[ \t]+(?i:đường|phố|ngõ|ngách|hẻm|kiệt)[ \t]+\p{Lu}")
# OCR drops tone marks from reference words ("Điêu 1", "khoan 3 Điều 5"): compared folded
_FOLDED_REFERENCE_WORDS = {"dieu", "chuong", "phu luc", "nghi dinh", "quyet dinh", "thong tu", "nghi quyet"}
_THEN_ARTICLE_RE = re.compile(r"\s+(?:điều|điêu|dieu)(?![\p{L}\p{M}])", re.IGNORECASE)

# Phrases whose numbers are not quantities, found once per text.
_NUMBER_WORD_ALT = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
# "(Bằng chữ: Hai mươi hai tỷ đồng)", "(Bốn triệu đồng)", "(ba mươi) ngày": a figure restated in words
_RESTATED_IN_PARENS_RE = re.compile(
    r"\(\s*(?:bằng\s+chữ\s*:?\s*)?(?=(?:" + _NUMBER_WORD_ALT + r")(?![\p{L}\p{M}]))[^()\d]{1,250}\)", re.IGNORECASE
)
_FIGURE_BEFORE_RE = re.compile(r"\d[\d.,]*\s*(?:[\p{L}\p{M}%°º²³/]+\s*){0,3}$")  # "4.000.000 đồng (…"
_IN_WORDS_RE = re.compile(r"\s*bằng\s+chữ", re.IGNORECASE)
# "…, bằng chữ: mười lăm triệu đồng" (not "bằng chữ ký số", "bằng chữ in hoa")
_RESTATED_AFTER_LABEL_RE = re.compile(
    r"(?<![\p{L}\p{M}])bằng\s+chữ\s*(?::|(?=(?:" + _NUMBER_WORD_ALT + r")(?![\p{L}\p{M}])))[^;()\n]*?(?=[;()\n]|\.\s|\.?$)",
    re.IGNORECASE,
)
# Coordinate systems and map projections: "hệ tọa độ VN-2000, kinh tuyến trục 104°30', múi chiếu 3°"
_DATUM_RE = re.compile(
    r"(?<![\p{L}\p{M}])(?:hệ\s+(?:tọa|toạ)\s+độ|hệ\s+quy\s+chiếu|(?:tọa|toạ)\s+độ|kinh\s+tuyến|vĩ\s+tuyến|múi\s+chiếu|"
    r"kinh\s+độ|vĩ\s+độ)(?![\p{L}\p{M}])|(?<![\p{L}\d])VN\s*-?\s*2000",
    re.IGNORECASE,
)
_COORDINATE_RE = re.compile(r"(?<![\p{L}\p{M}\d])[XY]\s*[=:]")  # "X = 2.485.123,45"
# "Địa chỉ: …", "trụ sở chính tại …", "thường trú tại …": an address runs to the end of its phrase
_ADDRESS_RE = re.compile(
    r"(?<![\p{L}\p{M}])(?:địa\s+chỉ|trụ\s+sở|nơi\s+(?:cư\s+trú|thường\s+trú|ở\s+hiện\s+nay)|thường\s+trú|tạm\s+trú)"
    r"(?:\s+(?:trụ\s+sở|chính|thường\s+trú|liên\s+lạc|liên\s+hệ|giao\s+dịch|và|địa\s+chỉ))*\s*(?::|tại(?![\p{L}\p{M}]))",
    re.IGNORECASE,
)
_PHRASE_END_RE = re.compile(r"[;\n]|\.\s|\.$")
_KEEP_IN_DATUM = {"ha", "m2", "km2", "đồng", "USD", "%"}
_ANGLE_UNITS = {"°", "độ", "phút", "giây"}


def _zones(text: str) -> list[tuple[int, int, str]]:
    """Spans whose numbers are restatements, coordinates or addresses: (start, end, what)."""
    zones = []
    if "(" in text:
        zones.extend((m.start(), m.end(), "restated") for m in _RESTATED_IN_PARENS_RE.finditer(text)
                     if _FIGURE_BEFORE_RE.search(text, max(0, m.start() - 30), m.start())
                     or _IN_WORDS_RE.match(text, m.start() + 1))
    folded = text.casefold()
    if "chữ" in folded:
        zones.extend((m.start(), m.end(), "restated") for m in _RESTATED_AFTER_LABEL_RE.finditer(text))
    patterns = []
    if "độ" in folded or "tuyến" in folded or "chiếu" in folded or "2000" in folded:
        patterns.append((_DATUM_RE, "datum"))
    if "=" in text or ":" in text:
        patterns.append((_COORDINATE_RE, "coordinate"))
    if "địa chỉ" in folded or "trụ sở" in folded or "trú" in folded:
        patterns.append((_ADDRESS_RE, "address"))
    for pattern, what in patterns:
        for m in pattern.finditer(text):
            end = _PHRASE_END_RE.search(text, m.end())
            zones.append((m.start(), min(end.start() if end else len(text), m.end() + 160), what))
    return zones


@dataclass
class _Number:
    """A number found in the text, before deciding whether it is a quantity."""

    start: int
    end: int
    value: float
    printed: str
    in_words: bool = False
    reasons: list[str] = field(default_factory=list)
    confidence: float = 0.95


@dataclass
class _Unit:
    end: int
    unit: str | None
    kind: str


# --------------------------------------------------------------------------
# Context helpers
# --------------------------------------------------------------------------
_PLAIN_WORD_RE = re.compile(r"[\p{L}\p{M}&.]+")
_PLAIN_TAIL_RE = re.compile(r"[\p{L}\p{M}&.]+$")


def _words_before(text: str, pos: int, n: int = 3) -> list[str]:
    """The last ``n`` words before ``pos`` (case-folded), stopping at punctuation: each word
    is letters (and "&", ".") followed by blanks."""
    chunk = text[max(0, pos - 60) : pos]
    if not chunk or not chunk[-1].isspace():
        return []
    words: list[str] = []
    for token in reversed(chunk.split()):
        if len(words) == n:
            break
        if not _PLAIN_WORD_RE.fullmatch(token):
            if tail := _PLAIN_TAIL_RE.search(token):  # "(khoản": the word after the bracket
                words.append(tail.group().strip(".").casefold())
            break
        words.append(token.strip(".").casefold())
    return words[::-1]


def _preceded_by(text: str, pos: int, words: set[str]) -> str | None:
    """The one- or two-word phrase right before ``pos`` if it is in ``words``."""
    before = _words_before(text, pos, 2)
    if len(before) >= 2 and " ".join(before[-2:]) in words:
        return " ".join(before[-2:])
    if before and before[-1] in words:
        return before[-1]
    return None


def _containing_token(text: str, start: int, end: int) -> str:
    """The whitespace-delimited token that contains text[start:end]."""
    left = start
    while left > 0 and not text[left - 1].isspace():
        left -= 1
    right = end
    while right < len(text) and not text[right].isspace():
        right += 1
    return text[left:right]


def _is_year(printed: str) -> bool:
    return bool(_YEAR_RE.fullmatch(printed))


def _prev_char(text: str, pos: int) -> str:
    """The last non-blank character before ``pos`` ("" at the start); newlines count."""
    i = pos - 1
    while i >= 0 and text[i] in " \t\u00a0":
        i -= 1
    return text[i] if i >= 0 else ""


def _at_line_start(text: str, pos: int) -> bool:
    i = pos - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    return i < 0 or text[i] == "\n"


# --------------------------------------------------------------------------
# Finding numbers
# --------------------------------------------------------------------------
def _digit_numbers(text: str) -> list[_Number]:
    out = []
    for m in _DIGITS_RE.finditer(text):
        printed = m.group()
        value = parse_digits(printed)
        if value is None:
            # "1.2.3" or "1.5.2018" is a section number or a date, not a value
            continue
        num = _Number(m.start(), m.end(), value, printed)
        if is_ambiguous_dot(printed):
            num.confidence = 0.6
            num.reasons.append("dot not followed by 3 digits: read as a decimal point")
        out.append(num)
    return out


_BEFORE_YEAR_WORD = {"mươi", "mười"} | set(DIGIT_WORDS)


# A whole word (a run of letters, marks and digits) that may be a number word, checked by casefold below;
# the regex finds the few candidates in C instead of a Python step per word of the text.
_NUMBER_WORD_RE = re.compile(
    r"(?<![\p{L}\p{M}\d])(?:" + "|".join(re.escape(w) for w in sorted(NUMBER_WORDS, key=len, reverse=True))
    + r")(?![\p{L}\p{M}\d])", re.IGNORECASE)


def _number_word_runs(text: str) -> list[tuple[int, int, list[str]]]:
    """Runs of number words separated by blanks only: (start, end, the words as printed). (Any other word
    between two number words leaves a gap that is not blank, so it ends the run.)"""
    runs: list[list] = []
    current = None
    for m in _NUMBER_WORD_RE.finditer(text):
        word = m.group()
        if word.casefold() not in NUMBER_WORDS:
            current = None
        elif current is not None and text[current[1] : m.start()].isspace():
            current[1] = m.end()
            current[2].append(word)
        else:
            current = [m.start(), m.end(), [word]]
            runs.append(current)
    return [tuple(r) for r in runs]


def _word_numbers(text: str) -> list[_Number]:
    """Spelled-out numbers ("hai mươi doanh nghiệp"), read conservatively.

    Bare "một" (also "a"/"one"), "năm" (also "year"), "không" (also "not"),
    "tư" (also "private"), "linh"/"lẻ" and scale words on their own
    ("hàng trăm", "nghìn tỷ") never start a number.
    """
    out = []
    for run_start, _, words in _number_word_runs(text):
        low = [w.casefold() for w in words]
        # "năm" after "mươi"/"mười" is read as "year" ("hai mươi năm"): cut there
        for i in range(1, len(low)):
            if low[i] == "năm" and low[i - 1] in _BEFORE_YEAR_WORD:
                low, words = low[:i], words[:i]
                break
        first = low[0]
        if words[0][0].isupper() and _prev_char(text, run_start) not in ("", ".", ";", ":", "!", "?", "\n", "("):
            continue  # capitalised inside a sentence: part of a name ("Ba Thê", "Hai Bà Trưng")
        if first in ("không", "tư", "mốt", "lăm", "nhăm", "linh", "lẻ", "mươi") or first in SCALE_WORDS:
            continue
        if first == "trăm":
            continue
        if first in ("một", "năm") and (len(low) == 1 or low[1] not in {"mươi", "trăm"} | set(SCALE_WORDS)):
            continue
        # longest prefix that is a well-formed number
        value = None
        while low:
            value = parse_number_words(low)
            if value is not None:
                break
            low, words = low[:-1], words[:-1]
        if value is None or not low:
            continue
        # offsets of the kept words
        end = run_start
        for w in words:
            end = text.index(w, end) + len(w)
        out.append(
            _Number(run_start, end, value, text[run_start:end], in_words=True,
                    reasons=["number written in words"], confidence=0.7)
        )
    return out


# --------------------------------------------------------------------------
# Exclusions
# --------------------------------------------------------------------------
def _exclusion(text: str, num: _Number, has_strong_unit: bool, has_noun_unit: bool) -> str | None:
    """Why the number at ``num`` is not a quantity, or ``None`` if it may be one."""
    s, e, printed = num.start, num.end, num.printed
    prev = text[s - 1] if s > 0 else ""
    prev2 = text[s - 2] if s > 1 else ""
    nxt = text[e] if e < len(text) else ""
    nxt2 = text[e + 1] if e + 1 < len(text) else ""

    if not num.in_words:
        # glued to letters or codes: "ISO9001", "Q.4", "14/7", "16:40", "COVID-19"
        if prev and (prev.isalnum() or prev in "./:_@#"):
            return "part of a code, date or reference"
        if prev and prev in "-–" and prev2.isalnum():
            return "part of a code, date or reference"
        if (prev == "+" and prev2.isdigit()) or (nxt == "+" and nxt2.isdigit()):
            return "a chainage (Km 12+500)"
        if nxt.isalpha() and not _ATTACHED_UNIT_RE.match(text, e):
            return "glued to letters (a code, URL or time)"
        if nxt and nxt in "-–" and nxt2.isdigit() and _is_year(printed):
            return "year range"
        if nxt == "/" and (nxt2.isdigit() or nxt2.isupper()):
            return "date or document number"
        if nxt == ":" and nxt2.isdigit():
            return "time of day or standard number"
        if _DOC_NUMBER_AFTER_RE.match(text, e):
            return "document number"
        if _URL_RE.search(_containing_token(text, s, e)):
            return "part of a URL or e-mail address"
        if _is_year(printed) and not has_strong_unit:
            return "year"
        if "." not in printed and "," not in printed and (
            (printed.startswith("0") and len(printed) >= 3) or len(printed) >= 8
        ):
            return "phone number or identifier"
        if len(printed) in (4, 5) and printed.isdigit() and _CAPITALISED_AFTER_RE.match(text, e) and not has_strong_unit:
            return "a code (VSIC, HS …) before its name"
        if not has_strong_unit and (_STREET_AFTER_RE.match(text, e) or _STREET_WORD_AFTER_RE.match(text, e)):
            return "a street number"
        if num.confidence < 0.9 and not has_strong_unit:  # "1.1" without a unit: a section number
            return "section or version number"
        if _at_line_start(text, s) and nxt and nxt in ".)" and not nxt2.isdigit():
            return "enumerator"
        if prev == "(" and nxt == ")":
            return "enumerator"
        if _CLOCK_AFTER_RE.match(text, e):
            return "time of day"
    if _DATE_AFTER_RE.match(text, e):
        return "date"
    ref = _preceded_by(text, s, REFERENCE_WORDS)
    if ref and not (ref == "số" and _words_before(text, s, 2)[-2:-1] == ["tổng"]):
        return f"reference after '{ref}'"
    before = _words_before(text, s, 2)
    if before and not has_strong_unit:
        folded = ascii_fold(" ".join(before[-2:])), ascii_fold(before[-1])
        if folded[0] in _FOLDED_REFERENCE_WORDS or folded[1] in _FOLDED_REFERENCE_WORDS or (
            folded[1] == "khoan" and _THEN_ARTICLE_RE.match(text, e)
        ):
            return "reference (its word damaged by OCR)"
    # zero-padded numbers ("Ban chủ nhiệm 04 Hệ sinh thái") are counts, names are not padded
    if not printed.startswith("0") and _NAMED_BODY_BEFORE_RE.search(text[max(0, s - 40) : s]):
        return "part of the name of a body or programme"
    level = _preceded_by(text, s, LEVEL_WORDS)
    if level == "lần" and before[-2:-1] in (["mỗi"], ["từng"], ["một"]):
        level = None  # "mỗi lần 03 viên": a count per time, not the third time
    if level:
        return f"level or rank after '{level}'"
    weak = _preceded_by(text, s, WEAK_LEVEL_WORDS)
    if weak and not (has_strong_unit or has_noun_unit):
        return f"level after '{weak}'"
    if _ONE_OF_BEFORE_RE.search(text[max(0, s - 12) : s]) and _SUPERLATIVE_AFTER_RE.match(text, e):
        return "a rank ('một trong ba … nhất')"
    e = _skip_spelled_out(text, e)
    if _TIME_EXPR_AFTER_RE.match(text, e):
        return "part of a time expression"
    if _TIME_UNIT_AFTER_RE.match(text, e) and _TIME_EXPR_BEFORE_RE.search(text[max(0, s - 40) : s]):
        return "part of a time expression"
    return None


# --------------------------------------------------------------------------
# What follows a number
# --------------------------------------------------------------------------
def _scale(text: str, pos: int) -> tuple[float, int]:
    """Multiply by scale words after ``pos`` ("tỷ", "nghìn tỷ"); (factor, new pos)."""
    factor = 1.0
    while m := _SCALE_RE.match(text, pos):
        factor *= SCALE_WORDS[m.group(1).casefold()]
        pos = m.end()
    return factor, pos


_SPELLED_ECHO_RE = re.compile(r"\s*\(([^()\d]{1,40})\)")


def _skip_spelled_out(text: str, pos: int) -> int:
    """Skip the number repeated in words after the digits: "01 (một) bản",
    "10 (mười) ngày"."""
    m = _SPELLED_ECHO_RE.match(text, pos)
    if m and parse_number_words(m.group(1).casefold().split()) is not None:
        return m.end()
    return pos


def _noun_phrase(text: str, pos: int) -> tuple[str | None, int]:
    """The counted noun phrase starting after ``pos``: 1-4 words, stopped at
    punctuation, a number, a function word or verb, an abbreviation or the
    start of a proper name."""
    words: list[tuple[str, int, int]] = []
    i = pos
    while len(words) < MAX_UNIT_WORDS:
        gap = _GAP_RE.match(text, i)
        if not gap:
            break
        tok = _TOKEN_RE.match(text, gap.end())
        if not tok:
            break
        w = tok.group()
        low = w.casefold()
        if w[0].isdigit():
            break
        if words:
            prev_word = words[-1][0]
            if low in UNIT_STOP_WORDS:
                break
            nxt = _TOKEN_RE.match(text, gap.end() + len(w) + 1) if gap.end() + len(w) < len(text) else None
            if nxt and f"{low} {nxt.group().casefold()}" in UNIT_STOP_BIGRAMS:
                break
            letters = [c for c in w if c.isalpha()]
            if len(letters) >= 2 and all(c.isupper() for c in letters):
                break  # an abbreviation qualifying the noun: "tổ chức KH&CN"
            if w[0].isupper() and prev_word[0].islower():
                break  # a proper name starts: "Hỗ trợ 100 doanh nghiệp thành lập Quỹ ..."
        elif low in UNIT_STOP_WORDS - {"năm", "tháng", "quý", "ngày"} or low in NUMBER_WORDS - {"năm"}:
            break
        words.append((w, tok.start(), tok.end()))
        i = tok.end()
    if not words:
        return None, pos
    return text[words[0][1] : words[-1][2]], words[-1][2]


def _unit(text: str, pos: int, before: str) -> _Unit:
    """Classify what follows a number at ``pos``."""
    pos = _skip_spelled_out(text, pos)
    if m := _PERCENT_RE.match(text, pos):
        unit = _SPACES_RE.sub("", m.group(1))
        return _Unit(m.end(), "%" + unit[unit.index("/"):] if "/" in unit else "%", "percent")
    if m := _MONEY_RE.match(text, pos):
        return _Unit(m.end(), m.group(1), "money")
    if m := _MEASURE_RE.match(text, pos):
        # "m ²" (a stray space from PDF extraction) is printed "m²"
        return _Unit(m.end(), _SPACES_RE.sub("", m.group(1)).replace("º", "°"), "measure")
    if m := _TIMES_RE.match(text, pos):
        kind = "multiplier" if _MULTIPLIER_VERB_RE.search(before) else "count"
        return _Unit(m.end(), m.group(1), kind)
    if _MULTIPLIER_VERB_RE.search(before) and _GAP_BEFORE_RE.search(before[-8:]):
        return _Unit(pos, "lần", "multiplier")  # "gấp 3" without "lần"
    unit, end = _noun_phrase(text, pos)
    if unit and unit.casefold().split()[0] in TIME_UNITS:
        # a duration: "trong 3 năm", "03 ngày làm việc", "24 tháng tuổi"; words placing it in time are not
        # its unit ("5 năm tiếp theo", "12 tháng liền kề", "30 ngày kể từ")
        words = unit.split()
        cut = next((n for n, w in enumerate(words) if n and w.casefold() in _DURATION_PLACERS), len(words))
        if cut < len(words):
            end = pos + _unit_span(text[pos:end], cut)
        return _Unit(end, " ".join(words[:cut]), "other")
    return _Unit(end, unit, "count")


_DURATION_PLACERS = frozenset({"tiếp", "gần", "liền", "liên", "đầu", "cuối", "trước", "sau", "kể", "qua", "tới", "đến",
                               "trở", "kế"})


def _unit_span(printed: str, words: int) -> int:
    """Where the first ``words`` words of a printed unit end."""
    found = list(_TOKEN_RE.finditer(printed))
    return found[words - 1].end() if len(found) >= words else len(printed)


def normalize_unit(unit: str | None, kind: str) -> str | None:
    """Registry form of a printed unit: abbreviations expanded, case folded,
    "m²" -> "m2", "VNĐ" -> "đồng"; a "/năm" suffix is kept ("đồng/năm")."""
    if unit is None:
        return None
    folded = _SPACES_RE.sub(" ", unit.casefold()).strip()
    base, slash, per = folded.partition("/")
    base = base.strip()
    if kind in ("money", "measure", "percent", "multiplier"):
        norm = UNIT_REGISTRY.get(base) or UNIT_REGISTRY.get(base.replace(" ", ""), base)
        return norm + (f"/{per.strip()}" if slash else "")
    words = folded.split(" ")
    if words[0] in UNIT_REGISTRY:
        words[0] = UNIT_REGISTRY[words[0]]
    return " ".join(words)


# --------------------------------------------------------------------------
# Main entry point
# --------------------------------------------------------------------------
def _range_end(text: str, pos: int, first: float) -> tuple[float, float, int, bool] | None:
    """An upper bound after ``pos`` ("- 35", "đến 5 triệu").

    Returns (value, its scale factor, end offset, whether a "%" stood before
    the separator), or ``None`` when no larger number follows.
    """
    sep = _RANGE_SEP_RE.match(text, pos)
    if not sep:
        return None
    m = _DIGITS_RE.match(text, sep.end())
    if not m or _is_year(m.group()):
        return None
    value = parse_digits(m.group())
    if value is None:
        return None
    end = m.end()
    if end < len(text) and ((text[end].isalnum() and not _ATTACHED_UNIT_RE.match(text, end)) or text[end] in "/:"):
        return None
    factor, end = _scale(text, end)
    if value * factor <= first:
        return None
    return value * factor, factor, end, bool(sep.group(1))


_UNIT_RANGE_RE = re.compile(
    r"\s*(?:-|–|—|đến|tới)\s*(?:dưới|không\s+quá|tối\s+đa|hết)?\s*(?P<n>\d+(?:[.,]\d+)*)", re.IGNORECASE
)


def _repeated_unit_range(text: str, unit: _Unit, value: float) -> tuple[float, int] | None:
    """"từ 1.000.000 đồng đến 2.000.000 đồng", "5 ha - 10 ha": the upper end, printed with the same unit."""
    m = _UNIT_RANGE_RE.match(text, unit.end)
    if not m:
        return None
    upper = parse_digits(m.group("n"))
    if upper is None or _is_year(m.group("n")):
        return None
    factor, pos = _scale(text, m.end())
    second = _unit(text, pos, "")
    if second.kind != unit.kind or normalize_unit(second.unit, second.kind) != normalize_unit(unit.unit, unit.kind):
        return None
    if upper * factor <= value:
        return None
    return upper * factor, second.end


def _head(unit: str) -> str:
    return unit.split()[0].split("/")[0] if unit and unit.split() else ""


def _zone_excludes(zones: list[tuple[int, int, str]], pos: int, unit: _Unit) -> str | None:
    for a, b, what in zones:
        if a <= pos < b:
            if what == "restated":
                return "an amount restated in words"
            if what == "datum" and (unit.unit is None or _head(normalize_unit(unit.unit, unit.kind)) in _ANGLE_UNITS):
                return "a projection parameter"
            if what == "coordinate" and normalize_unit(unit.unit, unit.kind) not in _KEEP_IN_DATUM:
                return "a coordinate"
            if what == "address" and unit.kind not in ("money", "percent", "measure"):
                return "part of an address"
    return None


def _read_quantity(text: str, num: _Number, zones: list[tuple[int, int, str]] = ()) -> Quantity | None:
    factor, pos = _scale(text, num.end)
    value = num.value * factor
    value_max = None
    unit_pos = pos
    rng = _range_end(text, pos, value)
    if rng:
        value_max, max_factor, unit_pos, percent_before_sep = rng
        if factor == 1.0 and max_factor != 1.0:
            value *= max_factor  # "từ 3 đến 5 tỷ đồng": the scale applies to both ends
    before = text[max(0, num.start - 30) : num.start]
    unit = _unit(text, unit_pos, before)
    if rng and percent_before_sep and unit.kind != "percent":
        unit = _Unit(unit_pos, "%", "percent")  # "30% - 35" is still a percentage range
    strong = unit.kind in ("percent", "money", "measure")
    why_not = _exclusion(text, num, strong, unit.unit is not None) or (zones and _zone_excludes(zones, num.start, unit))
    if why_not:
        return None
    if not rng and unit.unit is not None and unit.kind != "other" and (upper := _repeated_unit_range(text, unit, value)):
        value_max, unit = upper[0], _Unit(upper[1], unit.unit, unit.kind)
        rng = (value_max, 1.0, unit_pos, False)
    if unit.unit is None and (num.in_words or not (
        _QUALIFIER_RE.search(before) or _BARE_OK_BEFORE_RE.search(before) or _TRO_LEN_RE.match(text, unit_pos)
    )):
        # a number with nothing counted after it is a page number, a code or a
        # name ("Đội 814") far more often than a quantity
        return None
    if unit.kind == "other" and num.in_words:
        return None

    start = num.start
    reasons = list(num.reasons)
    confidence = num.confidence
    qualifier = None
    if q := _QUALIFIER_RE.search(text[max(0, start - 30) : start]):
        qualifier = q.group(1)
        start = start - len(q.group(0))
    elif rng and (f := _TU_BEFORE_RE.search(text[max(0, start - 10) : start])):
        start -= len(f.group(0))  # "từ 3 đến 5 ..." keeps its "từ"
    if unit.kind == "multiplier" and (g := _GAP_BEFORE_RE.search(text[max(0, start - 10) : start])):
        start -= len(g.group(0))

    if unit.unit is None:
        confidence = min(confidence, 0.5)
        reasons.append("no unit follows the number")
    elif unit.kind == "other":
        confidence = min(confidence, 0.6)
        reasons.append("a duration")
    else:
        reasons.append(f"{unit.kind} with unit '{unit.unit}'")
    if _is_year(num.printed):
        confidence = min(confidence, 0.6)
        reasons.append("looks like a year but a unit follows")
    if value_max is not None:
        reasons.append("range")
    end = unit.end if unit.unit else max(unit_pos, num.end)
    if unit.kind == "multiplier" and unit.end == unit_pos:
        end = unit_pos
    return Quantity(
        value=value,
        value_max=value_max,
        unit=unit.unit,
        unit_normalized=normalize_unit(unit.unit, unit.kind),
        kind=unit.kind,
        qualifier=qualifier,
        raw=text[start:end],
        span=(start, end),
        confidence=round(confidence, 2),
        reasons=reasons,
    )


_LIST_JOINER_RE = re.compile(r"(?:\s*(?:,|;|và|hoặc|-|–|đến|tới)\s*)+", re.IGNORECASE)


def _continues_list(text: str, previous_end: int, num: _Number) -> bool:
    """True when ``num`` only continues a list started by an excluded number:
    "cấp độ 3, 4", "Điều 5 và 6", "khoản 2, 3"."""
    m = _LIST_JOINER_RE.match(text, previous_end)
    return bool(m) and m.end() == num.start


def extract_quantities(text: str) -> list[Quantity]:
    """All quantities in ``text``, in reading order; spans are offsets into ``text``."""
    if not text:
        return []
    numbers = sorted(_digit_numbers(text) + _word_numbers(text), key=lambda n: n.start)
    if not numbers:
        return []
    zones = _zones(text)
    out: list[Quantity] = []
    taken_until = -1
    excluded_end = None  # end of the last number rejected as a reference or level
    for num in numbers:
        if num.start < taken_until:
            continue  # inside a quantity already read (the upper end of a range)
        if excluded_end is not None and _continues_list(text, excluded_end, num):
            unit = _unit(text, num.end, "")
            if unit.kind not in ("percent", "money", "measure"):
                excluded_end = num.end
                continue
        q = _read_quantity(text, num, zones)
        if q is None:
            excluded_end = num.end
            continue
        excluded_end = None
        out.append(q)
        taken_until = q.span[1]
    return out
