"""The layout vocabulary of Vietnamese administrative documents (Nghị định 30/2020/NĐ-CP).

Enumerators and fixed header phrases. Folding and document-type names, which
extraction needs too, are in `pipeline.lexicon`.
"""
from __future__ import annotations

from dataclasses import dataclass

import regex

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
    # "1-" / "I-" before a capital: how many older (Word 97) documents number their units.
    ("arabic", regex.compile(r"^(\d{1,3})\s*(?:[.)](?![\d])|-\s*(?=\p{Lu}))\s*(?=\S)")),
    # "I/ MỤC TIÊU" is a heading; "III/2018" (a quarter and its year, wrapped onto a new line) is not.
    ("roman", regex.compile(rf"^({ROMAN})\s*(?:[.)]|/(?!\s*\d)|-\s*(?=\p{{Lu}}))\s*(?=\S)")),
    ("upper", regex.compile(r"^([A-Z])\s*[.)]\s+(?=\S)")),
    # "a)"; and "a." before a capital, as Word 97 documents often print points
    ("letter", regex.compile(r"^([a-zđ])\s*(?:\)|\.(?=\s+\p{Lu}))\s*(?=\S)")),
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
RECIPIENTS_END_RE = regex.compile(r"^N[ơo]i\s+nh[ậâấầẫẩạa]n\s*:?", regex.IGNORECASE)
KINH_GUI_RE = regex.compile(r"^K[íi]nh\s+g[ửu]i\s*:?\s*", regex.IGNORECASE)
SUBJECT_RE = regex.compile(r"^(?:V/v|V/V|Về\s+việc)\s*[:.]?\s*", regex.IGNORECASE)
ATTACHED_RE = regex.compile(r"^\(?\s*(?:Ban\s+hành\s+)?(?:kèm\s+theo|Kèm\s+theo)\b", regex.IGNORECASE)
APPENDIX_RE = regex.compile(r"^(?:PHỤ\s+LỤC|Phụ\s+lục)\b(?:\s+(?:số\s+)?[IVXLC\d]+[a-z]?)?\s*[.:]?", regex.IGNORECASE)
SIGN_AUTHORITY_RE = regex.compile(r"^(?:(?:TM|KT|TL|TUQ|Q|QUYỀN)\s*\.\s*\S|(?:ĐD|ĐẠI\s+DIỆN)\s+\p{Lu}{2})")  # ĐD: a record's signers
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
