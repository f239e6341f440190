"""Header fields: issuing body, số ký hiệu, place and date, type, title, signer, stamps.

Nghị định 30/2020/NĐ-CP fixes where each field sits: the issuing body (and the
body above it) top left, with "Số: .../..." under it; the Quốc hiệu and Tiêu ngữ
top right with "<place>, ngày .. tháng .. năm ...." under them; then the type
name ("QUYẾT ĐỊNH") and the subject line; at the end "Nơi nhận:" on the left and
the signature block (TM./KT. + position, then the name) on the right.
Each function here reads one field from one line (or a few), so the layout
state machine in `pipeline.segment.layout` can call them as it walks the lines.
"""
from __future__ import annotations

import datetime as dt

import regex

from pipeline.extract.citations import NUMBER_RE, clean_number
from pipeline.extract.dates import find_date
from pipeline.lexicon import ascii_fold, fuzzy_equals, fuzzy_startswith, is_upper_text
from pipeline.segment.patterns import AGENCY_HEADS, MOTTO, NATIONAL_TITLE, starts_with_agency_head

NUMBER_LINE_RE = regex.compile(r"^(?:Số|SỐ|S[ốo]|Sô)\s*[:.]\s*(?P<rest>.*)$")
# "Thành phố Hồ Chí Minh, ngày 08 tháng 01 năm 2018"; "Lào Cai, ngày   tháng   năm 2026" (draft: no day)
PLACE_DATE_RE = regex.compile(
    r"(?P<place>[^\d,;:]{2,60}?)\s*,\s*ng[àa]y(?P<rest>.{0,40}?n[ăa]m\s*\d{4}|\s*\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{4})",
    regex.IGNORECASE,
)
DIGITAL_SIGNATURE_RE = regex.compile(
    r"^(?:Ký\s+bởi|Người\s+ký|Email|Cơ\s+quan|Thời\s+gian\s+ký|Ngày\s+ký|Chức\s+vụ)\s*:|^[+-]\d{2}:\d{2}$",
    regex.IGNORECASE,
)
_RECEIVED_MARK_FOLDED_RE = regex.compile(r"^(?:den(?:\s|n|:|s|$)|chuy[eê]n\s*:|luu\s+ho\s+so|so\s+va\s+ky\s+hieu)")


class _FoldedMatcher:
    """The receiving stamp's words matched without diacritics: OCR reads "ĐẾN" as "ĐỀN", "Chuyển" as "Chuyên"."""

    def match(self, text: str):
        return _RECEIVED_MARK_FOLDED_RE.match(ascii_fold(text.strip()))


RECEIVED_MARK_RE = _FoldedMatcher()
RECEIVED_NUMBER_RE = regex.compile(r"^(?:Số|Số đến)\s*:\s*\d+\s*$")


def is_national_title(text: str) -> bool:
    return fuzzy_startswith(text, NATIONAL_TITLE, 3)


def is_motto(text: str) -> bool:
    return fuzzy_equals(text, MOTTO, 3)


def is_separator(text: str) -> bool:
    return bool(regex.fullmatch(r"[\s\-_=*.~…]+", text)) and len(text.strip()) >= 3


def join_spaced_digits(text: str) -> str:
    """"1 1 0 5" -> "1105": digits stamped one by one (by a signing tool or a typewriter) come out spaced."""
    return regex.sub(r"(?<![\d,.])\d(?: \d(?![\d,.]))+", lambda m: m.group(0).replace(" ", ""), text)


def clean_fill_ins(text: str) -> str:
    """Drop the dotted blanks of a form filled in by hand: "số …05…./2006/ QĐ-UBND" -> "số 05 /2006/ QĐ-UBND"."""
    return regex.sub(r"\s+", " ", regex.sub(r"…+\.*|\.{2,}", " ", text)).strip()


def parse_number_line(text: str) -> tuple[str | None, str] | None:
    """("62/KH-SKHCN", raw) for "Số: 62 /KH-SKHCN"; (None, raw) for a draft "Số:     /KH-UBND"."""
    m = NUMBER_LINE_RE.match(join_spaced_digits(text.strip()))
    if not m:
        return None
    rest = m.group("rest")
    found = NUMBER_RE.match(rest.strip())
    if found:
        return clean_number(found.group(0)), found.group(0).strip()
    # a draft ("Số:      /KH-UBND") or a number written by hand and not read ("Số: dó /QĐ-XPVPHC"):
    # the symbol is kept, the number is left empty rather than guessed
    draft = regex.match(r"^[\s.…_]*(?:\S{1,4}\s*)?(?P<code>/\s*(?:\d{4}\s*/\s*)?[A-ZĐ][\w&.\-/ ]*?)(?=\s{2,}|\s+[A-ZĐ][a-zà-ỹ]|$)", rest)
    if draft:
        return None, draft.group("code").strip()
    return None


def parse_place_date(text: str) -> tuple[str | None, dt.date | None] | None:
    text = join_spaced_digits(clean_fill_ins(text))
    m = PLACE_DATE_RE.search(text)
    if not m:
        return None
    place = m.group("place").strip(" -–")
    place = regex.sub(r"^.*?(?:QĐ|KH|UBND|[A-Z]{2,})[\-/A-Z0-9]*\s+", "", place) if regex.search(r"\d", text[: m.start("place")]) else place
    found = find_date(text[m.start("rest") - 5:], require_day_word=True) or find_date(text[m.start():])
    return place or None, (found[0] if found else None)


def parse_received(lines: list[str]) -> tuple[str | None, str | None, str | None]:
    """(office, number, ISO date) from the lines of a receiving-office stamp."""
    office = number = date = None
    for text in lines:
        m = regex.search(r"Số\s*(?:đến)?\s*:\s*(\d+)", text)
        if m and number is None:
            number = m.group(1)
        found = find_date(text)
        if found and date is None:
            date = found[0].isoformat()
        if office is None and is_upper_text(text) and not RECEIVED_MARK_RE.match(text):
            office = text.strip()
    return office, number, date


def _keep_codes(printed: str, cased: str) -> str:
    """Words holding digits or a slash are codes ("1050/QĐ-SCT"): keep them as printed."""
    original, result = printed.split(), cased.split()
    if len(original) != len(result):
        return cased
    return " ".join(o if regex.search(r"[\d/]", o) else r for o, r in zip(original, result))


def agency_case(name: str) -> str:
    """Write an upper-case agency name the way running text does.

    "SỞ KHOA HỌC VÀ CÔNG NGHỆ" -> "Sở Khoa học và Công nghệ";
    "ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH" -> "Ủy ban nhân dân Thành phố Hồ Chí Minh";
    "ỦY BAN NHÂN DÂN TỈNH LÀO CAI" -> "Ủy ban nhân dân tỉnh Lào Cai".
    """
    name = regex.sub(r"\s+", " ", name).strip()
    if not is_upper_text(name):
        return name
    return _keep_codes(name, _agency_case(name))


def _agency_case(name: str) -> str:
    upper = name.upper()
    head = next((h for h in sorted(AGENCY_HEADS, key=len, reverse=True) if upper.startswith(h + " ") or upper == h), None)
    if head is None:
        return _capitalize_segments(name.lower())
    head_text = _ABBREVIATED_HEADS.get(head) or (head.capitalize() if " " not in head else head[0] + head[1:].lower())
    rest = name[len(head):].strip()
    if not rest:
        return head_text
    place = regex.match(r"^(TỈNH|THÀNH PHỐ|HUYỆN|QUẬN|THỊ XÃ|XÃ|PHƯỜNG|THỊ TRẤN)\s+(.+)$", rest.upper())
    if place:
        unit = place.group(1).lower() if place.group(1) != "THÀNH PHỐ" else "Thành phố"
        return f"{head_text} {unit} {_title_words(rest[len(place.group(1)):].strip())}"
    return f"{head_text} {_capitalize_segments(rest.lower())}"


_ABBREVIATED_HEADS = {"UBND": "Ủy ban nhân dân", "HĐND": "Hội đồng nhân dân", "UỶ BAN NHÂN DÂN": "Ủy ban nhân dân"}


def _title_words(text: str) -> str:
    return " ".join(w[:1].upper() + w[1:].lower() for w in text.split())


# Field names whose official spelling capitalises more than the first word.
_FIELD_SPELLING = {"công thương": "Công Thương"}


def _capitalize_segments(text: str) -> str:
    """Capitalise the first word of each field joined by "và" or "-": "khoa học và công nghệ" -> "Khoa học và Công nghệ"."""
    parts = regex.split(r"(\s+và\s+|\s*-\s*|,\s*)", text)
    return "".join(p if i % 2 else _FIELD_SPELLING.get(p, p[:1].upper() + p[1:]) for i, p in enumerate(parts))


_RIGHT_BLOCK_RE = regex.compile(r"\s+(?:CỘNG\s+H(?:ÒA|OÀ)|Cộng\s+h(?:òa|oà)|Độc\s+lập|ĐỘC\s+LẬP)\b.*$")


def left_block(text: str) -> str:
    """The issuer part of a header line that also carries the Quốc hiệu or Tiêu ngữ on its right."""
    return _RIGHT_BLOCK_RE.sub("", text.strip())


def issuer_bodies(lines: list[str]) -> list[str]:
    """Group the issuer block's lines into bodies: a line that starts with an agency head opens a new body.

    Text copied from a two-column header may carry the right column on the same line
    ("ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI ..."): that part is cut off.
    """
    bodies: list[str] = []
    for text in lines:
        text = left_block(text)
        if not text or is_separator(text):
            continue
        if starts_with_agency_head(text) or not bodies:
            bodies.append(text)
        else:
            bodies[-1] = f"{bodies[-1]} {text}"
    return [agency_case(b) for b in bodies]


AUTHORITY_RE = regex.compile(
    r"^(?:(?:PHÓ\s+)?CHỦ\s+TỊCH|BỘ\s+TRƯỞNG|GIÁM\s+ĐỐC|TỔNG\s+CỤC\s+TRƯỞNG|CỤC\s+TRƯỞNG|THỦ\s+TƯỚNG|TRƯỞNG\s+BAN|TRƯỞNG\s+ĐOÀN)\s+"
)


def authority_body(text: str) -> str | None:
    """The body named by an enacting-authority line: "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH X" -> "Ủy ban nhân dân tỉnh X"."""
    text = text.strip()
    if not is_upper_text(text):
        return None
    stripped = AUTHORITY_RE.sub("", text)
    if starts_with_agency_head(stripped):
        return agency_case(stripped)
    return None


PERSON_NAME_RE = regex.compile(r"^(?:\p{Lu}\p{Ll}*\s+){1,4}\p{Lu}\p{Ll}*$")


def looks_like_person_name(text: str) -> bool:
    text = text.strip()
    if len(text) > 40 or any(ch.isdigit() for ch in text) or not 2 <= len(text.split()) <= 5:
        return False
    if PERSON_NAME_RE.match(text):
        return True
    # names are sometimes printed in capitals; exclude agency and position words
    return is_upper_text(text) and not starts_with_agency_head(text) and not AUTHORITY_RE.match(text + " ") and ascii_fold(text).split()[0] in _SURNAMES


_SURNAMES = {
    "nguyen", "tran", "le", "pham", "hoang", "huynh", "phan", "vu", "vo", "dang", "bui", "do", "ho", "ngo", "duong",
    "ly", "dinh", "lam", "mai", "trinh", "truong", "luu", "cao", "ha", "ta", "doan", "luong", "chu", "la", "quach",
    "giang", "thai", "kieu", "tong", "vuong", "trieu", "nong", "lo", "sung", "giang", "hua", "tang", "thach", "au",
}
