"""Header fields: issuing body, số ký hiệu, place and date, type, title, signer, stamps.

Nghị định 30/2020/NĐ-CP fixes where each field sits: the issuing body (and the
body above it) top left, with "Số: .../..." under it; the Quốc hiệu and Tiêu ngữ
top right with "<place>, ngày .. tháng .. năm ...." under them; then the type
name ("QUYẾT ĐỊNH") and the subject line; at the end "Nơi nhận:" on the left and
the signature block (TM./KT. + position, then the name) on the right.
Texts republished by gazettes and web archives (and many Word files of the 1990s-2000s)
open instead with one sentence in running-text case: "Nghị định của Chính phủ số
117/2003/NĐ-CP ngày 10/10/2003 về việc …" (:func:`parse_heading_citation`).
Each function here reads one field from one line (or a few), so the layout
state machine in `pipeline.segment.layout` can call them as it walks the lines.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import regex

from pipeline.extract.dates import find_date, match_form
from pipeline.lexicon import (
    DOC_TYPES,
    FOLDED_TYPE_WORD_PATTERN,
    NUMBER_RE,
    ascii_fold,
    clean_number,
    doc_type_from_word,
    fold_chars,
    fuzzy_equals,
    fuzzy_startswith,
    is_upper_text,
    repair_digits,
)
from pipeline.segment.patterns import AGENCY_HEADS, MOTTO, NATIONAL_TITLE, starts_with_agency_head

# The number line, in match form (folded one character for one, look-alike digits repaired):
# "Số: 62/KH-SKHCN", "Số 06/2026/TT-BTC" (no colon), "SỐ:", OCR's "Sô:", "S6:", "xố:", and a legal
# normative document's own type word before it ("Luật số: 109/2025/QH15", "Nghị quyết số: 115/2025/UBTVQH15").
_NUMBER_LABEL_RE = regex.compile(rf"^\s*(?:(?P<type>{FOLDED_TYPE_WORD_PATTERN})\s+)?(?:so|s6|s0|xo)(?![a-z0-9])\s*(?P<colon>[:.;])?\s*")
# "Hà Nội, ngày 08 tháng 01 năm 2018"; "Lào Cai, ngày   tháng   năm 2026" (a draft: no day); in match form
PLACE_DATE_RE = regex.compile(
    r"(?P<place>[^\d,;:]{2,60}?)\s*,\s*ngay(?P<rest>.{0,40}?nam\s*\d{4}|\s*\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{4})"
)
# A date line without the place ("Ngày 8 tháng 12 năm 2025"), in match form
_DATE_ONLY_RE = regex.compile(r"^\s*ngay\s*\d{1,2}\s*(?:thang|[/.\-])\s*\d{1,2}\s*(?:nam|[/.\-])\s*\d{4}\s*$")
DIGITAL_SIGNATURE_RE = regex.compile(
    r"^(?:Ký\s+bởi|Người\s+ký|Email|Cơ\s+quan|Thời\s+gian\s+ký|Ngày\s+ký|Chức\s+vụ)\s*:|^[+-]\d{2}:\d{2}$",
    regex.IGNORECASE,
)
_RECEIVED_MARK_FOLDED_RE = regex.compile(r"^(?:den(?:\s|n|:|s|$)|chuy[eê]n\s*:|luu\s+ho\s+so|so\s+va\s+ky\s+hieu)")


class _FoldedMatcher:
    """The receiving stamp's words matched without diacritics: OCR reads "ĐẾN" as "ĐỀN", "Chuyển" as "Chuyên"."""

    def match(self, text: str):
        return _RECEIVED_MARK_FOLDED_RE.match(ascii_fold(text.strip()[:24]))  # the marks are at the start


RECEIVED_MARK_RE = _FoldedMatcher()
RECEIVED_NUMBER_RE = regex.compile(r"^(?:Số|Số đến)\s*:\s*\d+\s*$")


_SEPARATOR_RE = regex.compile(r"[\s\-_=*.~…]+")
_SPACED_DIGITS_RE = regex.compile(r"(?<![\d,.])\d(?: \d(?![\d,.]))+")
_FILL_IN_RE = regex.compile(r"…+\.*|\.{2,}")
_SPACES_RE = regex.compile(r"\s+")
_RECEIVED_NUMBER_IN_RE = regex.compile(r"Số\s*(?:đến)?\s*:\s*(\d+)")
_CODE_CHAR_RE = regex.compile(r"[\d/&]")
_SEGMENT_JOINER_RE = regex.compile(r"(\s+và\s+|\s*-\s*|,\s*)")


def is_national_title(text: str) -> bool:
    return fuzzy_startswith(text, NATIONAL_TITLE, 3)


def is_motto(text: str) -> bool:
    return fuzzy_equals(text, MOTTO, 3)


def is_separator(text: str) -> bool:
    return len(text.strip()) >= 3 and _SEPARATOR_RE.fullmatch(text) is not None


def join_spaced_digits(text: str) -> str:
    """"1 1 0 5" -> "1105": digits stamped one by one (by a signing tool or a typewriter) come out spaced."""
    return _SPACED_DIGITS_RE.sub(lambda m: m.group(0).replace(" ", ""), text) if " " in text else text


def clean_fill_ins(text: str) -> str:
    """Drop the dotted blanks of a form filled in by hand: "số …05…./2006/ QĐ-UBND" -> "số 05 /2006/ QĐ-UBND"."""
    return _SPACES_RE.sub(" ", _FILL_IN_RE.sub(" ", text)).strip()


@dataclass
class NumberLine:
    """The số ký hiệu as the header prints it."""

    number: str | None  # "62/KH-SKHCN"; None in a draft ("Số:      /KH-UBND") or where the digits are handwritten
    raw: str  # as printed
    doc_type: str | None = None  # the type word printed before "số" ("Luật số: …")
    complete: bool = True  # False when the number breaks off ("Số: 12/2025/", "Số: 12/2025/NĐ-") and goes on elsewhere
    labelled: bool = True  # "Số:" or "Luật số"; a bare "Số 06/…" may also be a reference ("THEO QUYẾT ĐỊNH / SỐ 1050/QĐ-SCT")


_DANGLING_JOINER_RE = regex.compile(r"^\s*[/\-]\s*$")
_PARTIAL_NUMBER_RE = regex.compile(r"^\d{1,5}(?:\.\d{1,3})?(?:\s*/\s*(?:(?:19|20)\d{2})?\s*[/\-]?)?\s*$")
# A number left blank or handwritten and not read: the symbol after it, year included ("Số: " /2024/TT-BCT").
_DRAFT_RE = regex.compile(
    r"^[\s.…_]*(?:\S{1,4}\s*)?(?P<code>/\s*(?:(?:19|20)\d{2}\s*/\s*)?[A-ZĐ][A-Za-zĐđ0-9&]*(?:\s*[/\-.]\s*[A-ZĐ][A-Za-zĐđ0-9&]*)*)"
)
# What may continue a number broken off at a line or column end: a code, or digits and codes ("2025/NĐ-CP").
NUMBER_CONTINUATION_RE = regex.compile(r"^\s*[/\-]?\s*[A-ZĐ0-9][A-Za-zĐđ0-9&]*(?:\s*[/\-.]\s*[A-ZĐ0-9][A-Za-zĐđ0-9&]*)*\s*[/\-]?\s*$")


def parse_number_line(text: str) -> NumberLine | None:
    """The number line: "Số: 62 /KH-SKHCN" -> 62/KH-SKHCN; a draft "Số:     /KH-UBND" -> (None, "/KH-UBND")."""
    repaired = repair_digits(join_spaced_digits(text.strip()))
    label = _NUMBER_LABEL_RE.match(fold_chars(repaired))
    if not label:
        return None
    doc_type = doc_type_from_word(label.group("type")) if label.group("type") else None
    labelled = bool(label.group("colon") or doc_type)
    rest = repaired[label.end():]
    found = NUMBER_RE.match(rest)
    if found:
        tail = rest[found.end():]
        complete = _DANGLING_JOINER_RE.match(tail) is None
        raw = found.group(0).strip() if complete else rest.strip()
        return NumberLine(clean_number(found.group(0)), raw, doc_type, complete, labelled)
    if not rest.strip() or (_PARTIAL_NUMBER_RE.match(rest) and (labelled or "/" in rest)):
        return NumberLine(None, rest.strip(), doc_type, False, labelled)  # "Số:" / "Số 12/2025/" goes on elsewhere
    if label.group("colon") is None and label.group("type") is None:
        return None  # "Số lượng …", "Sổ tay …": a word, not the label
    # a draft ("Số:      /KH-UBND") or a number written by hand and not read ("Số: dó /QĐ-XPVPHC"):
    # the symbol is kept, the number is left empty rather than guessed
    draft = _DRAFT_RE.match(rest)
    if draft:
        return NumberLine(None, draft.group("code").strip(), doc_type)
    return None


def continue_number(partial: NumberLine, text: str) -> NumberLine | None:
    """`partial` completed by the next piece of text ("Số: 12/2025/" + "NĐ-CP"), or None when that piece does not continue it."""
    piece = repair_digits(text.strip())
    if not NUMBER_CONTINUATION_RE.match(piece):
        return None
    joined = partial.raw + piece
    found = NUMBER_RE.match(joined)
    if not found or found.end() < len(joined.rstrip(" /-")):
        return None
    complete = not joined.rstrip().endswith(("/", "-"))
    return NumberLine(clean_number(found.group(0)), joined.strip(), partial.doc_type, complete)


def parse_place_date(text: str) -> tuple[str | None, dt.date | None] | None:
    """(place, date) of the line "<place>, ngày … tháng … năm …", of a date line without a place
    ("Ngày 8 tháng 12 năm 2025"), or (place, None) where the day is handwritten and not read.

    A sentence that starts with a date ("Hôm nay, ngày 08/6/2026, Sở … tiến hành …") is not the date line."""
    text = join_spaced_digits(clean_fill_ins(text))
    form = match_form(text)
    m = PLACE_DATE_RE.search(form)
    if m is None:
        if _DATE_ONLY_RE.match(form):
            found = find_date(form, require_day_word=True, folded=True)
            return None, (found[0] if found else None)
        m = _PLACE_UNREAD_DATE_RE.search(form) if len(text) <= 80 else None
        if m is None:
            return None
        found = None
    elif len(form) - m.end() > _MAX_AFTER_DATE:
        return None
    else:
        found = find_date(form[m.start("rest") - 5:], require_day_word=True, folded=True) or find_date(form[m.start():], folded=True)
    start = m.start("place")
    motto = _MOTTO_END_RE.search(form, start, m.end("place"))  # "Độc lập - Tự do - Hạnh phúc Hà Nội, ngày …"
    if motto:
        start = motto.end()
    place = _FORMAT_CHARS_RE.sub("", text[start:m.end("place")]).strip(" -–")
    if _DIGIT_RE.search(text, 0, start):
        place = _NUMBER_BEFORE_PLACE_RE.sub("", place)
    if fold_chars(place) in _NOT_PLACES:
        return None
    return place or None, (found[0] if found else None)


_DIGIT_RE = regex.compile(r"\d")
_NUMBER_BEFORE_PLACE_RE = regex.compile(r"^.*?(?:QĐ|KH|UBND|[A-Z]{2,})[\-/A-Z0-9]*\s+")
_MAX_AFTER_DATE = 15  # "Hà Nội, ngày 31 tháng 12 năm 2025" ends its line (a stray mark or ")" may follow)
_PLACE_UNREAD_DATE_RE = regex.compile(r"(?P<place>[^\d,;:]{2,40}?)\s*,\s*ngay\b[^,;]{0,20}?thang")
_MOTTO_END_RE = regex.compile(r"^.*hanh\s+phuc\s*")
_NOT_PLACES = {"hom nay", "hom nay la"}  # "Hôm nay, ngày …": the opening of a record
_FORMAT_CHARS_RE = regex.compile(r"\p{Cf}+")  # a left-to-right mark copied from a web page


def parse_received(lines: list[str]) -> tuple[str | None, str | None, str | None]:
    """(office, number, ISO date) from the lines of a receiving-office stamp."""
    office = number = date = None
    for text in lines:
        m = _RECEIVED_NUMBER_IN_RE.search(text)
        if m and number is None:
            number = m.group(1)
        found = find_date(text)
        if found and date is None:
            date = found[0].isoformat()
        if office is None and is_upper_text(text) and not RECEIVED_MARK_RE.match(text):
            office = text.strip()
    return office, number, date


def _keep_codes(printed: str, cased: str) -> str:
    """Codes keep their printing: words holding digits, a slash or "&" ("1050/QĐ-SCT", "KH&CN") and
    abbreviations without a vowel ("CP", "TNHH", "MTV")."""
    original, result = printed.split(), cased.split()
    if len(original) != len(result):
        return cased
    return " ".join(o if _CODE_CHAR_RE.search(o) or _ABBREVIATION_RE.fullmatch(ascii_fold(o)) else r
                    for o, r in zip(original, result))


_ABBREVIATION_RE = regex.compile(r"[b-df-hj-np-tv-xz]{2,6}")


def agency_case(name: str) -> str:
    """Write an upper-case agency name the way running text does.

    "SỞ KHOA HỌC VÀ CÔNG NGHỆ" -> "Sở Khoa học và Công nghệ";
    "ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH" -> "Ủy ban nhân dân Thành phố Hồ Chí Minh";
    "ỦY BAN NHÂN DÂN TỈNH LÀO CAI" -> "Ủy ban nhân dân tỉnh Lào Cai";
    "NGÂN HÀNG NHÀ NƯỚC VIỆT NAM" -> "Ngân hàng Nhà nước Việt Nam".
    A name typed with only its head in capitals ("BỘ giao thông vận tải") is read as all capitals.
    """
    name = _SPACES_RE.sub(" ", name).strip()
    if not is_upper_text(name):
        head = name.split(" ", 1)[0]
        if not (is_upper_text(head) and starts_with_agency_head(name) and " " in name):
            return name
        name = name.upper()
    fixed = _FIXED_NAMES.get(name.upper())
    if fixed:
        return fixed
    joint = _JOINT_SEPARATOR_RE.split(name)
    if len(joint) > 1:
        # issuers of a joint act ("BỘ TÀI CHÍNH - BỘ CÔNG NGHIỆP - TỔNG CỤC HẢI QUAN"): each body cased as a
        # name of its own; a dash before a word that heads no body stays inside the name ("… - Công nghiệp")
        groups = [joint[0]]
        for part in joint[1:]:
            if starts_with_agency_head(part):
                groups.append(part)
            else:
                groups[-1] += " - " + part
        if len(groups) > 1:
            return " - ".join(agency_case(group) for group in groups)
    return _PROPER_NOUN_RE.sub(lambda m: _PROPER_NOUNS[m.group(0).casefold()], _keep_codes(name, _agency_case(name)))


_JOINT_SEPARATOR_RE = regex.compile(r"\s+[-–]\s+")
# The central bodies that issue legal normative documents, spelled as the Law names them, and the
# proper nouns inside other names.
_FIXED_NAMES = {
    "ỦY BAN THƯỜNG VỤ QUỐC HỘI": "Ủy ban Thường vụ Quốc hội", "UỶ BAN THƯỜNG VỤ QUỐC HỘI": "Ủy ban Thường vụ Quốc hội",
    "TÒA ÁN NHÂN DÂN TỐI CAO": "Tòa án nhân dân tối cao", "TOÀ ÁN NHÂN DÂN TỐI CAO": "Tòa án nhân dân tối cao",
    "VIỆN KIỂM SÁT NHÂN DÂN TỐI CAO": "Viện kiểm sát nhân dân tối cao", "KIỂM TOÁN NHÀ NƯỚC": "Kiểm toán nhà nước",
    "CHỦ TỊCH NƯỚC": "Chủ tịch nước", "VĂN PHÒNG CHỦ TỊCH NƯỚC": "Văn phòng Chủ tịch nước",
}
_PROPER_NOUNS = {"việt nam": "Việt Nam", "quốc hội": "Quốc hội", "chính phủ": "Chính phủ", "cộng sản": "Cộng sản"}
_PROPER_NOUN_RE = regex.compile(r"(?<!\w)(?:" + "|".join(_PROPER_NOUNS) + r")(?!\w)", regex.IGNORECASE)


def _agency_case(name: str) -> str:
    """The head in its usual spelling ("Ủy ban nhân dân", compared folded, so OCR's "NHÂN DẦN" is the head too),
    an administrative unit's name in title case, the rest in sentence case field by field."""
    words = name.split()
    folded = ascii_fold(name)
    head = next((h for h, f in _HEADS_FOLDED if folded == f or folded.startswith(f + " ")), None)
    if head is None:
        return _capitalize_segments(name.lower())
    head_text = _ABBREVIATED_HEADS.get(head) or (head.capitalize() if " " not in head else head[0] + head[1:].lower())
    rest_words = words[len(head.split()):]
    if not rest_words:
        return head_text
    rest = " ".join(rest_words)
    if ascii_fold(head) in _PLACE_COMMITTEES_FOLDED:
        return f"{head_text} {_title_words(rest)}"  # "TỈNH ỦY LÀO CAI": the committee of a place, then its name
    unit = next((u for u, f in _PLACE_UNITS_FOLDED if ascii_fold(rest).startswith(f + " ")), None)
    if unit:
        spelled = "Thành phố" if unit == "THÀNH PHỐ" else unit.lower()
        return f"{head_text} {spelled} {_title_words(' '.join(rest_words[len(unit.split()):]))}"
    return f"{head_text} {_capitalize_segments(rest.lower())}"


_HEADS_FOLDED = [(h, ascii_fold(h)) for h in sorted(AGENCY_HEADS, key=len, reverse=True)]
_PLACE_COMMITTEES_FOLDED = {ascii_fold(h) for h in ("TỈNH ỦY", "THÀNH ỦY", "HUYỆN ỦY", "THỊ ỦY", "QUẬN ỦY")}
_PLACE_UNITS_FOLDED = [(u, ascii_fold(u)) for u in ("THÀNH PHỐ", "THỊ XÃ", "THỊ TRẤN", "TỈNH", "HUYỆN", "QUẬN", "XÃ", "PHƯỜNG")]


_ABBREVIATED_HEADS = {"UBND": "Ủy ban nhân dân", "HĐND": "Hội đồng nhân dân", "UỶ BAN NHÂN DÂN": "Ủy ban nhân dân"}


def _title_words(text: str) -> str:
    return " ".join(w[:1].upper() + w[1:].lower() for w in text.split())


# Field names whose official spelling capitalises more than the first word.
_FIELD_SPELLING = {"công thương": "Công Thương"}


def _capitalize_segments(text: str) -> str:
    """Capitalise the first word of each field joined by "và" or "-": "khoa học và công nghệ" -> "Khoa học và Công nghệ"."""
    parts = _SEGMENT_JOINER_RE.split(text)
    return "".join(p if i % 2 else _FIELD_SPELLING.get(p, p[:1].upper() + p[1:]) for i, p in enumerate(parts))


# "ỦY BAN THƯỜNG VỤ" / "QUỐC HỘI", "BAN CHẤP HÀNH" / "TRUNG ƯƠNG": a body whose name goes on to the next line
_INCOMPLETE_BODY_RE = regex.compile(r"(?:THƯỜNG\s+VỤ|CHẤP\s+HÀNH|\sVÀ)\s*$", regex.IGNORECASE)
_RIGHT_BLOCK_RE = regex.compile(r"\s+(?:cộng\s+h(?:òa|oà)\s+xã\s+hội|độc\s+lập\s*[-–])(?!\w).*$", regex.IGNORECASE)


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
        if not text or is_separator(text) or _FORM_CODE_RE.match(text):
            continue  # (a form's code printed over its heading, "B1-1-ĐONTC", "Mẫu số 01", names no body)
        if not bodies and not starts_with_agency_head(text):
            continue  # a first line that names no body ("Lời mở đầu", a form's heading "ĐƠN ĐĂNG KÝ")
        if (starts_with_agency_head(text) or not bodies) and not (bodies and _INCOMPLETE_BODY_RE.search(bodies[-1])):
            bodies.append(text)
        else:
            bodies[-1] = f"{bodies[-1]} {text}"
    return [agency_case(b) for b in bodies]


_FORM_CODE_RE = regex.compile(r"^(?:(?=\S*\d)[\p{Lu}\d]+(?:[-./][\p{Lu}\d]+)+|Mẫu\s+(?:số\s+)?\S+)\s*$", regex.IGNORECASE)


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


# A republished text's heading, the way official gazettes and web archives print it in running-text case:
# "Nghị định của Chính phủ số 117/2003/NĐ-CP ngày 10/10/2003 về việc …", "Thông tư / của Bộ Tài chính
# Số 169/1998/TT-BTC ngày 22 tháng 12 năm 1998 / Hướng dẫn …", "Quyết định / của Bộ trưởng Bộ Tài chính
# số 1141-TC/QĐ/CĐKT / ngày 01 tháng 11 năm 1995 Về việc …": type, issuer, number, date, then the title.
_HEADING_TYPES = "|".join(r"\s+".join(regex.escape(w) for w in ascii_fold(t.label).split())
                          for t in sorted(DOC_TYPES, key=lambda t: -len(t.label)))
_HEADING_CITATION_RE = regex.compile(
    r"^\s*(?P<type>" + _HEADING_TYPES + r")(?P<joint>\s+lien\s+tich)?\s+"
    r"(?:(?:cua|do)\s+(?P<issuer>[^\n]{2,120}?(?:\n[^\n]{0,120}?){0,2}?)\s+)?so\s*:?\s*(?=\d)"
)
_ISSUER_AFTER_DATE_RE = regex.compile(
    r"[\s,]*cua\s+(?P<issuer>[^\n]{2,80}?)\s+(?=(?:ve|v/v|ban\s+hanh|quy\s+dinh|huong\s+dan|phe\s+duyet|sua\s+doi)\s)"
)
_DATE_AFTER_NUMBER_RE = regex.compile(r"[\s,]*(?=ngay\s)")  # (matched at the number's end: the date follows it)


@dataclass
class HeadingCitation:
    """What a republished text's one-sentence heading gives (:func:`parse_heading_citation`)."""

    lines: int  # how many of the lines it was read from it spans
    doc_type: str  # slug
    issuer: str | None  # as printed: "Chính phủ", "Bộ trưởng Bộ Tài chính"
    number: NumberLine
    issued_date: dt.date | None
    title_at: int  # where the title starts in the last of those lines (its length when the title follows below)


def parse_heading_citation(lines: list[str]) -> HeadingCitation | None:
    """The heading of a republished text, from the document's first (non-blank) lines, or None."""
    joined = "\n".join(line.rstrip() for line in lines[:4])
    form = fold_chars(joined)
    m = _HEADING_CITATION_RE.match(form)
    if m is None or "\n" in form[: m.start("type")] or form.count("\n", 0, m.end()) > 2:
        return None  # the type word opens the first line; the number comes within three lines
    line_end = joined.find("\n", m.end())
    line_end = len(joined) if line_end < 0 else line_end
    number = parse_number_line("Số: " + joined[m.end():line_end])
    if number is None or number.number is None:
        return None
    at = joined.find(number.raw, m.end())
    after = at + len(number.raw) if at >= 0 else line_end
    issued = None
    date_at = _DATE_AFTER_NUMBER_RE.match(form, after)  # "ngày …" right after the number, or on the next line
    if date_at and form.count("\n", after, date_at.end()) <= 1:
        found = find_date(joined[date_at.end():date_at.end() + 60])
        if found and found[1].start() == 0:
            issued, after = found[0], date_at.end() + found[1].end()
    issuer_after = _ISSUER_AFTER_DATE_RE.match(form, after)  # "… ngày 05/3/2024 của UBND tỉnh về việc …"
    if issuer_after and not m.group("issuer"):
        after = issuer_after.end()
    used = joined.count("\n", 0, after) + 1
    start_of_last = joined.rfind("\n", 0, after) + 1
    while after < len(joined) and joined[after] in " ,.;:-\t":
        after += 1
    title_at = min(after, len(joined)) - start_of_last
    last_len = len(lines[used - 1].rstrip())
    issuer = " ".join(joined[m.start("issuer"):m.end("issuer")].split()) if m.group("issuer") else None
    if issuer is None and issuer_after:
        issuer = " ".join(joined[issuer_after.start("issuer"):issuer_after.end("issuer")].split())
    slug = doc_type_from_word(joined[m.start("type"):m.end("joint") if m.group("joint") else m.end("type")])
    if slug is None:
        return None
    return HeadingCitation(used, slug, issuer, number, issued, min(title_at, last_len))


# The term and sitting of an elected body under its name in a resolution or law:
# "KHÓA XVI, KỲ HỌP THỨ 17", "Khóa XV - Kỳ họp thứ 5", "KỲ HỌP CHUYÊN ĐỀ", "KHÓA XIV".
_SESSION_RE = regex.compile(
    r"^(?:khoa\s+[ivxlc\d]+(?:\s*[,;.\-–]?\s*ky\s+hop\s+(?:thu\s+)?[\w]+(?:\s+[\w]+)?)?"
    r"|ky\s+hop\s+(?:thu\s+)?[\w]+(?:\s+[\w]+)?)\s*$"
)


def is_session_line(text: str) -> bool:
    """The term and sitting line of an elected body ("KHÓA XVI, KỲ HỌP THỨ 17"): part of the enacting authority."""
    text = text.strip()
    return len(text) < 60 and _SESSION_RE.match(ascii_fold(text)) is not None


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
