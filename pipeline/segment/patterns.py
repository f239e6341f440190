"""The layout vocabulary of Vietnamese administrative documents (Nghị định 30/2020/NĐ-CP).

Enumerators and fixed header phrases. Folding and document-type names, which
extraction needs too, are in `pipeline.lexicon`.
"""
from __future__ import annotations

from dataclasses import dataclass

import regex

from pipeline.lexicon import fold_chars, is_upper_text

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
    type: str  # phan | chuong | muc | tieu_muc | dieu | roman | upper | arabic | multi | letter | paren | dash | plus | bullet
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
    # "Tiểu mục 1": the level between a section and its articles (Luật Ban hành văn bản QPPL)
    ("tieu_muc", regex.compile(r"^(Tiểu\s+mục|TIỂU\s+MỤC)\s+(\d+|[IVXLC]+)\b(?:\s*[.:\-]\s*|\s*$|\s+(?=\p{Lu}))")),
    ("dieu", regex.compile(r"^([ĐÐD]i[ềêeéè]u|ĐIỀU)\s+(\d+[a-zđ]?)(?:\s*[.:]\s*|\s*[-–]\s*(?=\p{Lu})|\s*$)")),  # "Điều 8b."
    ("multi", regex.compile(r"^(\d{1,2}(?:\.\d{1,2})+)(?!\d)\.?\)?\s+(?=\S)")),
    # "1-" / "I-" before a capital, "1/ " before a word: how many older (Word 97) documents number their units.
    ("arabic", regex.compile(r"^(\d{1,3})\s*(?:[.)](?![\d])|-\s*(?=\p{Lu})|/\s+(?=\p{L}))\s*(?=\S)")),
    # "3a." / "3b.": a clause an amendment inserted after clause 3
    ("arabic", regex.compile(r"^(\d{1,3}[a-zđ])\.\s+(?=\p{Lu})")),
    # "I/ MỤC TIÊU" is a heading; "III/2018" (a quarter and its year, wrapped onto a new line) is not.
    ("roman", regex.compile(rf"^({ROMAN})\s*(?:[.)]|/(?!\s*\d)|-\s*(?=\p{{Lu}}))\s*(?=\S)")),
    ("upper", regex.compile(r"^([A-Z])\s*[.)]\s+(?=\S)")),
    # "a)"; and "a." before a capital or a figure ("a. 100% hồ sơ …"), as many documents print points
    ("letter", regex.compile(r"^([a-zđ])\s*(?:\)|\.(?=\s+(?:\p{Lu}|\d)))\s*(?=\S)")),
    # "a.1)": a point of point a
    ("letter_multi", regex.compile(r"^([a-zđ]\.?\d{1,2})\s*\)\s*(?=\S)")),  # "a.1)", "b2)"
    ("paren", regex.compile(r"^\(\s*(\d{1,3})\s*\)\s*(?=\S)")),
    # "(i)", "(ii)", "(iv)": lower-case Roman numerals in brackets (a bracketed letter list rarely reaches "(i)")
    ("paren_roman", regex.compile(r"^\(\s*(i{1,3}|iv|vi{0,3}|ix|x)\s*\)\s*(?=\S)")),
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
        if kind in {"phan", "chuong", "muc", "tieu_muc"}:
            return Enumerator(kind, f"{m.group(1).capitalize()} {m.group(2)}", printed, m.end())
        if kind == "dieu":
            number = m.group(2)
            return Enumerator(kind, f"Điều {int(number.rstrip('abcdđefghijklmnopqrstuvwxyz'))}{number.lstrip('0123456789')}",
                              printed, m.end())
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
        if kind in ("paren_letter", "paren_roman"):
            return Enumerator(kind, f"({m.group(1)})", printed, m.end())
        if kind == "letter_multi":
            return Enumerator(kind, m.group(1), printed, m.end())
        return Enumerator(kind, text[0], printed, m.end())
    return None


# --------------------------------------------------------------------------
# Fixed phrases
# --------------------------------------------------------------------------
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
# The legal bases ("Căn cứ …", "Xét đề nghị …", "Theo đề nghị …", "Thực hiện ý kiến chỉ đạo …") and the
# enacting formula ("QUYẾT ĐỊNH:", "QUYẾT NGHỊ:"), matched in folded text so that OCR's "Căn cử",
# "Cǎn cú", "QUYÉT ĐỊNH:" still open the zone.
_JUNK = r"[\s_~`'\"‘’“”.,:;*]{0,3}(?:[-–+•]\s*)?"  # a stray mark OCR glues to the start of a line; a dash ("- Căn cứ …")
_BASIS_FOLDED_RE = regex.compile(
    rf"^{_JUNK}(?:can\s+cu|xet\s+(?:de\s+nghi|to\s+trinh|bao\s+cao|y\s+kien)|theo\s+(?:de\s+nghi|to\s+trinh|y\s+kien)"
    r"|thuc\s+hien\s+(?:y\s+kien|chi\s+dao))(?![a-z0-9])"
)
# Worse OCR damage ("Cũn rứ Luật …", "Xót đệ nghị của …"): a few letters off, and "Căn cứ" then needs a
# document's type word after it. Used in the header and bases zones only.
_BASIS_FUZZY_RE = regex.compile(
    rf"^{_JUNK}(?:(?:(?:can\s+cu){{e<=2}})\s+(?:bo\s+luat|luat|hien\s+phap|phap\s+lenh|nghi\s+dinh|nghi\s+quyet|quyet\s+dinh"
    r"|thong\s+tu|chi\s+thi|ke\s+hoach|ket\s+luan|cong\s+van|van\s+ban|to\s+trinh|thong\s+bao|quy\s+dinh|y\s+kien)(?![a-z])"
    r"|(?:(?:xet|theo)\s+(?:de\s+nghi|to\s+trinh)){e<=2}\s+cua(?![a-z]))"
)
_DILIGENT_RE = regex.compile(r"^\s*[Cc]ần\s+cù")  # "Cần cù …" folds like "Căn cứ"
_FORMULA_FOLDED_RE = regex.compile(r"^\s*(?P<word>quyet\s+dinh|quyet\s+nghi|chi\s+thi|ban\s+hanh|nghi\s+quyet|quy\s+dinh)\s*[:.;]?\s*$")
FORMULA_TYPES = {"quyet dinh": "quyet_dinh", "quyet nghi": "nghi_quyet", "chi thi": "chi_thi", "nghi quyet": "nghi_quyet"}
# The enacting sentence of a legal normative document (Luật Ban hành văn bản quy phạm pháp luật):
# "Quốc hội ban hành Luật Xây dựng.", "Chính phủ ban hành Nghị định …", "Bộ trưởng Bộ Tài chính ban hành Thông tư …".
_ENACTING_SENTENCE_FOLDED_RE = regex.compile(
    r"^\s*(?:[a-z0-9,]+\s+){1,14}?ban\s+hanh\s+(?P<type>bo\s+luat|luat|phap\s+lenh|nghi\s+quyet\s+lien\s+tich|nghi\s+quyet"
    r"|nghi\s+dinh|thong\s+tu\s+lien\s+tich|thong\s+tu|quyet\s+dinh|lenh)(?![a-z])"
)


def is_basis(text: str, *, damaged: bool = False) -> bool:
    """A legal-basis line: "Căn cứ …", "Xét đề nghị …", "Theo đề nghị …" (OCR-damaged diacritics too).

    `damaged`: also a few letters off ("Cũn rứ Luật …"), where a basis is expected (header and bases zones)."""
    head = fold_chars(text[:40])
    if _BASIS_FOLDED_RE.match(head) is not None:
        return _DILIGENT_RE.match(text) is None
    return damaged and _BASIS_FUZZY_RE.match(head) is not None


def enacting_formula(text: str) -> str | None:
    """The folded word of an enacting formula line in capitals ("QUYẾT ĐỊNH:" -> "quyet dinh"), else None."""
    if len(text) > 30:
        return None  # the formula stands alone on its line
    m = _FORMULA_FOLDED_RE.match(fold_chars(text))
    return " ".join(m.group("word").split()) if m and is_upper_text(text) else None


def enacted_type(text: str) -> str | None:
    """The type an enacting sentence names: "Quốc hội ban hành Luật Xây dựng." -> "luat"."""
    text = _LEADING_JUNK_RE.sub("", text)
    if not text[:1].isupper():
        return None
    m = _ENACTING_SENTENCE_FOLDED_RE.match(fold_chars(text[:200]))
    return "_".join(m.group("type").split()) if m else None


_LEADING_JUNK_RE = regex.compile(rf"^{_JUNK}")
RECIPIENTS_END_RE = regex.compile(r"^N[ơo]i\s+nh[ậâấầẫẩạa]n\s*:?", regex.IGNORECASE)
# OCR's "INơi nhận:" (a stray mark glued on), "Nũi nhạn:": a letter off, then the colon
_RECIPIENTS_FUZZY_RE = regex.compile(r"^[^a-z0-9]{0,2}[a-z|!]?\s*(?:noi\s+nhan){e<=1}\s*:")


# "Nối nhận" (a wrong tone mark, a font's wrong letter) alone on its line: no colon is needed then
_RECIPIENTS_ALONE_RE = regex.compile(r"^[^a-z0-9]{0,2}n(?:oi\s+nhan){e<=1}\s*[:.]?\s*$")


def is_recipients_start(text: str) -> bool:
    """ "Nơi nhận:", the start of the closing (OCR-damaged too)."""
    if RECIPIENTS_END_RE.match(text) is not None:
        return True
    head = fold_chars(text[:16])
    return _RECIPIENTS_FUZZY_RE.match(head) is not None or len(text) <= 14 and _RECIPIENTS_ALONE_RE.match(head) is not None


# The letter's closing formula ("Trân trọng./.", "Trân trọng cảm ơn!", "Xin trân trọng cảm ơn."), a line of its own.
_FAREWELL_RE = regex.compile(
    r"^(?:xin\s+)?tran\s+trong(?:\s+(?:cam\s+on|kinh\s+chao))?(?:\s+(?:quy\s+)?(?:co\s+quan|don\s+vi))?"
    r"[^a-z]*(?:[a-z]{1,2}[^a-z]*){0,2}$"  # then only marks, or a stray mark OCR read ("7k~")
)


def is_farewell(text: str) -> bool:
    """ "Trân trọng./.": how a letter takes leave before "Nơi nhận" (OCR may add a stray mark after it)."""
    return len(text) <= 48 and _FAREWELL_RE.match(fold_chars(text.strip())) is not None


# A form attached to a plan or a report outline: "Biểu 01: BÁO CÁO TIẾN ĐỘ …", "Mẫu số 02/BC", "Biểu mẫu số 3"
FORM_RE = regex.compile(r"^(?:Biểu|BIỂU|Mẫu|MẪU)(?:\s+(?:mẫu|MẪU))?\s+(?:(?:số|SỐ)\s*)?\d{1,3}[a-z]?(?:[/.\-][\w.\-]+)?\s*[.:\-]?")
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
