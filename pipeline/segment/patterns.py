"""Shared vocabulary of Vietnamese administrative documents (Nghị định 30/2020/NĐ-CP).

Enumerators, document-type names, fixed header phrases. Keyword matching must
survive OCR damage (dropped or wrong diacritics: "KE HOACH", "ĐÁY MẠNH"), so
matchers compare diacritic-folded text and allow a few edits with the `regex`
module's fuzzy matching.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import regex

# --------------------------------------------------------------------------
# Folding
# --------------------------------------------------------------------------


def ascii_fold(text: str) -> str:
    """Lower-case, strip diacritics, map đ to d: "Quyết Định" -> "quyet dinh"."""
    decomposed = unicodedata.normalize("NFD", text.casefold()).replace("đ", "d").replace("\u0111", "d")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("ð", "d")


def fuzzy_equals(text: str, phrase: str, max_errors: int | None = None) -> bool:
    """True when `text` is `phrase` up to case, diacritics and a few character edits."""
    a, b = _squash(text), _squash(phrase)
    if a == b:
        return True
    if max_errors is None:
        max_errors = 0 if len(b) <= 4 else 1 if len(b) <= 8 else 2
    if not max_errors or abs(len(a) - len(b)) > max_errors:
        return False
    return regex.fullmatch(f"(?:{regex.escape(b)}){{e<={max_errors}}}", a) is not None


def fuzzy_startswith(text: str, phrase: str, max_errors: int | None = None) -> bool:
    a, b = _squash(text), _squash(phrase)
    if a.startswith(b):
        return True
    if max_errors is None:
        max_errors = 0 if len(b) <= 4 else 1 if len(b) <= 8 else 2
    if not max_errors:
        return False
    return regex.match(f"(?:{regex.escape(b)}){{e<={max_errors}}}", a[: len(b) + max_errors]) is not None


def _squash(text: str) -> str:
    return regex.sub(r"[^a-z0-9]+", " ", ascii_fold(text)).strip()


def is_upper_text(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 2 and sum(ch.isupper() for ch in letters) >= 0.85 * len(letters)


# --------------------------------------------------------------------------
# Document types
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class DocType:
    slug: str
    label: str  # as printed in a header, upper case
    codes: tuple[str, ...] = ()  # abbreviations used inside số ký hiệu


DOC_TYPES: tuple[DocType, ...] = (
    DocType("quyet_dinh", "QUYẾT ĐỊNH", ("QĐ",)),
    DocType("ke_hoach", "KẾ HOẠCH", ("KH",)),
    DocType("chi_thi", "CHỈ THỊ", ("CT",)),
    DocType("nghi_quyet", "NGHỊ QUYẾT", ("NQ",)),
    DocType("nghi_dinh", "NGHỊ ĐỊNH", ("NĐ",)),
    DocType("thong_tu_lien_tich", "THÔNG TƯ LIÊN TỊCH", ("TTLT",)),
    DocType("thong_tu", "THÔNG TƯ", ("TT",)),
    DocType("thong_bao", "THÔNG BÁO", ("TB",)),
    DocType("bao_cao", "BÁO CÁO", ("BC",)),
    DocType("to_trinh", "TỜ TRÌNH", ("TTr",)),
    DocType("chuong_trinh", "CHƯƠNG TRÌNH", ("CTr",)),
    DocType("de_an", "ĐỀ ÁN", ("ĐA",)),
    DocType("phuong_an", "PHƯƠNG ÁN", ("PA",)),
    DocType("huong_dan", "HƯỚNG DẪN", ("HD",)),
    DocType("quy_che", "QUY CHẾ", ("QC",)),
    DocType("quy_dinh", "QUY ĐỊNH", ("QyĐ",)),
    DocType("cong_dien", "CÔNG ĐIỆN", ("CĐ",)),
    DocType("bien_ban", "BIÊN BẢN", ("BB",)),
    DocType("giay_moi", "GIẤY MỜI", ("GM",)),
    DocType("ket_luan", "KẾT LUẬN", ("KL",)),
    DocType("luat", "LUẬT", ()),
    DocType("bo_luat", "BỘ LUẬT", ()),
    DocType("phap_lenh", "PHÁP LỆNH", ("PL",)),
    DocType("hien_phap", "HIẾN PHÁP", ()),
    DocType("cong_van", "CÔNG VĂN", ("CV",)),
    DocType("van_ban", "VĂN BẢN", ()),
    DocType("du_an", "DỰ ÁN", ()),
    DocType("chien_luoc", "CHIẾN LƯỢC", ()),
    DocType("quy_hoach", "QUY HOẠCH", ()),
)
DOC_TYPE_BY_SLUG = {t.slug: t for t in DOC_TYPES}
_CODE_TO_SLUG = {ascii_fold(code): t.slug for t in DOC_TYPES for code in t.codes}

# The types that head a document (or a document attached to another one).
HEADING_TYPES = tuple(t for t in DOC_TYPES if t.slug not in {"cong_van", "van_ban", "luat", "bo_luat", "hien_phap", "du_an"})


def doc_type_from_heading(line: str) -> DocType | None:
    """The document type a heading line names: "QUYẾT ĐỊNH", "KẾ HOẠCH" (OCR-damaged too).

    The line must be the type name alone (a trailing colon is the enacting formula, not a heading).
    "BẢN QUY ĐỊNH" and "QUY ĐỊNH" both name quy_dinh.
    """
    text = line.strip()
    if text.endswith(":") or len(text) > 30 or not is_upper_text(text) and not text.istitle():
        return None
    text = regex.sub(r"^(?:BẢN|Bản)\s+", "", text)
    best = None
    for doc_type in HEADING_TYPES:
        if _squash(text) == _squash(doc_type.label):
            return doc_type
        if best is None and fuzzy_equals(text, doc_type.label):
            best = doc_type
    return best


def split_type_heading(line: str) -> tuple[DocType, int] | None:
    """(type, offset of the subject) for a capitals heading that starts with a type name: "QUYẾT ĐỊNH VỀ VIỆC ..."."""
    text = line.strip()
    if not is_upper_text(text) or len(text) > 400:
        return None
    words = text.split()
    for doc_type in HEADING_TYPES:
        n = len(doc_type.label.split())
        if len(words) > n + 1 and _squash(" ".join(words[:n])) == _squash(doc_type.label):
            head = regex.match(r"\s*" + r"\s+".join(regex.escape(w) for w in words[:n]) + r"\s+", line)
            return (doc_type, head.end()) if head else None
    return None


def doc_type_from_code(code: str) -> str | None:
    """The type slug of a số ký hiệu code: "QĐ" -> quyet_dinh, "TTr" -> to_trinh."""
    return _CODE_TO_SLUG.get(ascii_fold(code))


def doc_type_from_number(number: str) -> str | None:
    """The type named inside a số ký hiệu: "1519/QĐ-UBND" -> quyet_dinh; "29-CT/TU" -> chi_thi."""
    parts = [p for p in regex.split(r"[/\-.]", number) if p and not p.isdigit()]
    for part in parts:
        slug = doc_type_from_code(part)
        if slug:
            return slug
    return None


# Type words as they appear in running text ("Căn cứ Quyết định số ...").
TYPE_WORD_PATTERN = (
    r"Bộ\s+luật|Luật|Pháp\s+lệnh|Hiến\s+pháp|Nghị\s+định|Nghị\s+quyết|Quyết\s+định|Thông\s+tư\s+liên\s+tịch|"
    r"Thông\s+tư|Chỉ\s+thị|Kế\s+hoạch|Công\s+văn|Văn\s+bản|Tờ\s+trình|Thông\s+báo|Chương\s+trình|Đề\s+án|"
    r"Hướng\s+dẫn|Kết\s+luận|Quy\s+định|Công\s+điện|Báo\s+cáo|QĐ|NĐ|NQ|CT|KH|CV|TT"
)


def doc_type_from_word(word: str) -> str | None:
    squashed = _squash(word)
    for doc_type in DOC_TYPES:
        if squashed == _squash(doc_type.label):
            return doc_type.slug
    return doc_type_from_code(word.replace(" ", ""))


# --------------------------------------------------------------------------
# Enumerators
# --------------------------------------------------------------------------
ROMAN = r"(?:X{0,3})(?:IX|IV|V?I{0,3})"
_ROMAN_RE = regex.compile(rf"^{ROMAN}$")


def roman_to_int(text: str) -> int | None:
    text = text.upper()
    if not text or not _ROMAN_RE.match(text):
        return None
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
    total = 0
    for ch, nxt in zip(text, text[1:] + " "):
        v = values[ch]
        total += -v if nxt != " " and values.get(nxt, 0) > v else v
    return total


@dataclass(frozen=True)
class Enumerator:
    type: str  # phan | chuong | muc | dieu | roman | upper | arabic | multi | letter | paren | dash | plus | bullet
    label: str  # the path label: "I", "1", "a", "(1)", "Điều 1", "1.2"
    printed: str  # as printed, without the following space
    end: int  # where the unit's own text starts


BULLET_TYPES = {"dash", "plus", "bullet"}

_ENUMERATORS: list[tuple[str, regex.Pattern]] = [
    # A heading, not a reference wrapped onto a new line ("Điều 17 Thông tư số ..."): the number is
    # followed by a period or colon, a dash, the end of the line, or (for Phần/Chương/Mục) a capitalised title.
    ("phan", regex.compile(r"^(Phần|PHẦN)\s+(thứ\s+\w+|THỨ\s+\w+|[IVXLC]+|\d+)\b(?:\s*[.:\-]\s*|\s*$|\s+(?=\p{Lu}))")),
    ("chuong", regex.compile(r"^(Chương|CHƯƠNG)\s+([IVXLC]+|\d+)\b(?:\s*[.:\-]\s*|\s*$|\s+(?=\p{Lu}))")),
    ("muc", regex.compile(r"^(Mục|MỤC)\s+(\d+|[IVXLC]+)\b(?:\s*[.:\-]\s*|\s*$|\s+(?=\p{Lu}))")),
    ("dieu", regex.compile(r"^([ĐÐD]i[ềêeéè]u|ĐIỀU)\s+(\d+)(?:\s*[.:]\s*|\s*$)")),
    ("multi", regex.compile(r"^(\d{1,2}(?:\.\d{1,2})+)(?!\d)\.?\)?\s+(?=\S)")),
    ("arabic", regex.compile(r"^(\d{1,3})\s*[.)](?![\d])\s*(?=\S)")),
    # "I/ MỤC TIÊU" is a heading; "III/2018" (a quarter and its year, wrapped onto a new line) is not.
    ("roman", regex.compile(rf"^({ROMAN})\s*(?:[.)]|/(?!\s*\d))\s*(?=\S)")),
    ("upper", regex.compile(r"^([A-Z])\s*[.)]\s+(?=\S)")),
    ("letter", regex.compile(r"^([a-zđ])\s*\)\s*(?=\S)")),
    ("paren", regex.compile(r"^\(\s*(\d{1,3})\s*\)\s*(?=\S)")),
    ("paren_letter", regex.compile(r"^\(\s*([a-zđ])\s*\)\s*(?=\S)")),
    ("dash", regex.compile(r"^[-–—−]\s*(?=\S)")),
    ("plus", regex.compile(r"^\+\s*(?=\S)")),
    ("bullet", regex.compile(r"^[•●▪◦·*]\s*(?=\S)")),
]


def match_enumerator(text: str) -> Enumerator | None:
    """The enumerator a line starts with, if any: "II.", "1.", "a)", "(3)", "-", "Điều 2." ..."""
    for kind, pattern in _ENUMERATORS:
        m = pattern.match(text)
        if not m:
            continue
        printed = text[: m.end()].rstrip()
        if kind in {"phan", "chuong", "muc"}:
            return Enumerator(kind, f"{m.group(1).capitalize()} {m.group(2)}", printed, m.end())
        if kind == "dieu":
            return Enumerator(kind, f"Điều {int(m.group(2))}", printed, m.end())
        if kind == "roman":
            if not m.group(1) or roman_to_int(m.group(1)) is None:
                continue
            return Enumerator(kind, m.group(1), printed, m.end())
        if kind == "upper":
            return Enumerator(kind, m.group(1), printed, m.end())
        if kind in {"arabic", "multi"}:
            return Enumerator(kind, m.group(1), printed, m.end())
        if kind == "letter":
            return Enumerator(kind, m.group(1), printed, m.end())
        if kind == "paren":
            return Enumerator(kind, f"({int(m.group(1))})", printed, m.end())
        if kind == "paren_letter":
            return Enumerator(kind, f"({m.group(1)})", printed, m.end())
        return Enumerator(kind, text[0], printed, m.end())
    return None


# --------------------------------------------------------------------------
# Fixed phrases
# --------------------------------------------------------------------------
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
BASIS_RE = regex.compile(
    r"^(?:Căn\s+cứ|Xét\s+(?:đề\s+nghị|tờ\s+trình|báo\s+cáo|ý\s+kiến)|Theo\s+(?:đề\s+nghị|tờ\s+trình|ý\s+kiến)|Thực\s+hiện\s+(?:ý\s+kiến|chỉ\s+đạo))\b",
    regex.IGNORECASE,
)
ENACTING_FORMULA_RE = regex.compile(
    r"^(?:QUYẾT\s+ĐỊNH|QUYẾT\s+NGHỊ|CHỈ\s+THỊ|BAN\s+HÀNH|NGHỊ\s+QUYẾT|QUY\s+ĐỊNH)\s*[:.]?\s*$"
)
RECIPIENTS_END_RE = regex.compile(r"^N[ơo]i\s+nh[ậa]n\s*:?", regex.IGNORECASE)
KINH_GUI_RE = regex.compile(r"^K[íi]nh\s+g[ửu]i\s*:?\s*", regex.IGNORECASE)
SUBJECT_RE = regex.compile(r"^(?:V/v|V/V|Về\s+việc)\s*[:.]?\s*", regex.IGNORECASE)
ATTACHED_RE = regex.compile(r"^\(?\s*(?:Ban\s+hành\s+)?(?:kèm\s+theo|Kèm\s+theo)\b", regex.IGNORECASE)
APPENDIX_RE = regex.compile(r"^(?:PHỤ\s+LỤC|Phụ\s+lục)\b(?:\s+(?:số\s+)?[IVXLC\d]+[a-z]?)?\s*[.:]?", regex.IGNORECASE)
SIGN_AUTHORITY_RE = regex.compile(r"^(?:TM|KT|TL|TUQ|Q|QUYỀN)\s*\.\s*\S")
SIGN_POSITION_RE = regex.compile(
    r"^(?:PHÓ\s+)?(?:CHỦ\s+TỊCH|GIÁM\s+ĐỐC|BỘ\s+TRƯỞNG|THỨ\s+TRƯỞNG|TRƯỞNG\s+BAN|TRƯỞNG\s+ĐOÀN|CHÁNH\s+VĂN\s+PHÒNG|"
    r"CỤC\s+TRƯỞNG|VỤ\s+TRƯỞNG|CHI\s+CỤC\s+TRƯỞNG|TRƯỞNG\s+PHÒNG|THỦ\s+TRƯỞNG|BÍ\s+THƯ|THỦ\s+TƯỚNG|"
    r"CHÁNH\s+THANH\s+TRA|TỔNG\s+CỤC\s+TRƯỞNG|GIÁM\s+ĐỐC\s+SỞ)\b"
)
SIGNED_MARK_RE = regex.compile(r"^\(?\s*(?:Đã\s+ký|đã\s+ký|Ký|ký)\s*(?:và\s+đóng\s+dấu)?\s*\)?\s*$")

# An agency name starts with one of these heads; lines without one continue the previous name.
AGENCY_HEADS = (
    "ỦY BAN NHÂN DÂN", "UỶ BAN NHÂN DÂN", "UBND", "HỘI ĐỒNG NHÂN DÂN", "HĐND", "CHÍNH PHỦ", "THỦ TƯỚNG", "QUỐC HỘI",
    "BỘ", "SỞ", "CỤC", "TỔNG CỤC", "CHI CỤC", "BAN", "PHÒNG", "VĂN PHÒNG", "TRUNG TÂM", "VIỆN", "TRƯỜNG",
    "ĐOÀN", "HỘI ĐỒNG", "THANH TRA", "KHO BẠC", "CÔNG AN", "BỘ CHỈ HUY", "TỈNH ỦY", "TỈNH UỶ", "THÀNH ỦY",
    "THÀNH UỶ", "HUYỆN ỦY", "ĐẢNG ỦY", "BAN CHẤP HÀNH", "BAN THƯỜNG VỤ", "ỦY BAN", "UỶ BAN", "LIÊN ĐOÀN",
    "ĐẠI HỌC", "NGÂN HÀNG", "CÔNG TY", "TẬP ĐOÀN", "BAN QUẢN LÝ", "TÒA ÁN", "VIỆN KIỂM SÁT", "KIỂM TOÁN",
)
_AGENCY_HEAD_RE = regex.compile(
    r"^(?:" + "|".join(regex.escape(h) for h in sorted(AGENCY_HEADS, key=len, reverse=True)) + r")\b"
)


def starts_with_agency_head(text: str) -> bool:
    return bool(_AGENCY_HEAD_RE.match(text.strip().upper()))
