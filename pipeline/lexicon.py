"""Words every text stage shares: folding, fuzzy keyword matching, document-type names.

Segmentation (header, layout, tree) and extraction (citations, agencies, links)
both need them, so they live here, below both: neither imports the other for
them. Keyword matching must survive OCR damage (dropped or wrong diacritics:
"KE HOACH", "ĐÁY MẠNH"), so matchers compare diacritic-folded text and allow a
few edits with the `regex` module's fuzzy matching.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import regex

# --------------------------------------------------------------------------
# Folding
# --------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def ascii_fold(text: str) -> str:
    """Lower-case, strip diacritics, map đ to d: "Quyết Định" -> "quyet dinh".

    Cached: the same lines and phrases are folded by several stages of one document."""
    decomposed = unicodedata.normalize("NFD", text.casefold()).replace("đ", "d").replace("\u0111", "d")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("ð", "d")


def fuzzy_equals(text: str, phrase: str, max_errors: int | None = None) -> bool:
    """True when `text` is `phrase` up to case, diacritics and a few character edits."""
    a, b = squash(text), squash(phrase)
    if a == b:
        return True
    if max_errors is None:
        max_errors = 0 if len(b) <= 4 else 1 if len(b) <= 8 else 2
    if not max_errors or abs(len(a) - len(b)) > max_errors:
        return False
    return _fuzzy_pattern(b, max_errors).fullmatch(a) is not None


@lru_cache(maxsize=4096)
def _fuzzy_pattern(phrase: str, max_errors: int):
    """`phrase` with up to `max_errors` edits, compiled once (keywords are few; texts are many)."""
    return regex.compile(f"(?:{regex.escape(phrase)}){{e<={max_errors}}}")


def fuzzy_startswith(text: str, phrase: str, max_errors: int | None = None) -> bool:
    a, b = squash(text), squash(phrase)
    if a.startswith(b):
        return True
    if max_errors is None:
        max_errors = 0 if len(b) <= 4 else 1 if len(b) <= 8 else 2
    if not max_errors:
        return False
    return _fuzzy_pattern(b, max_errors).match(a[: len(b) + max_errors]) is not None


@lru_cache(maxsize=65536)
def squash(text: str) -> str:
    """Folded, with every run of non-alphanumerics one space: the form keywords are compared in."""
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
    DocType("giay_phep", "GIẤY PHÉP", ("GP",)),
    DocType("phieu_chuyen", "PHIẾU CHUYỂN", ("PC",)),
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
        if squash(text) == squash(doc_type.label):
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
        if len(words) > n + 1 and fuzzy_equals(" ".join(words[:n]), doc_type.label):  # OCR: "HIẾN BẢN KIỂM TRA"
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
    squashed = squash(word)
    for doc_type in DOC_TYPES:
        if squashed == squash(doc_type.label):
            return doc_type.slug
    return doc_type_from_code(word.replace(" ", ""))
