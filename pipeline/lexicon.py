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


class _FoldTable(dict):
    """A `str.translate` table that works out each character's fold the first time it is seen.

    Folding is per character (case-folded, decomposed, combining marks dropped, đ/ð -> d), so
    translating a whole string gives the same result as folding it at once, at C speed."""

    def __init__(self, same_length: bool):
        super().__init__()
        self.same_length = same_length

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        folded = "".join(c for c in unicodedata.normalize("NFD", ch.casefold()) if not unicodedata.combining(c))
        folded = folded.replace("đ", "d").replace("ð", "d")
        if self.same_length and len(folded) != 1:
            folded = folded[:1] or ch  # "ß" -> "s"; a lone combining mark stays itself
        self[code] = folded
        return folded


_FOLD = _FoldTable(same_length=False)
_FOLD_SAME_LENGTH = _FoldTable(same_length=True)


# The letters of Vietnamese enumerations, in order: a), b), c), d), đ), e), g) … y) (no f, j, w, z).
ENUMERATION_LETTERS = "abcdđeghiklmnopqrstuvxy"


@lru_cache(maxsize=8192)
def ascii_fold(text: str) -> str:
    """Lower-case, strip diacritics, map đ to d: "Quyết Định" -> "quyet dinh".

    Cached: the same lines and phrases are folded by several stages of one document."""
    return text.translate(_FOLD)


def fold_chars(text: str) -> str:
    """`ascii_fold` one character for one character: offsets in the folded text are offsets in `text`.

    For matching keywords in folded text and reporting spans in the original (OCR drops and
    swaps diacritics: "Căn cử", "Quyết đinh", "ngảy")."""
    return text.translate(_FOLD_SAME_LENGTH)


@lru_cache(maxsize=4096)
def _fuzzy(phrase: str, max_errors: int) -> regex.Pattern:
    return regex.compile(f"(?:{regex.escape(phrase)}){{e<={max_errors}}}")


def _default_errors(phrase: str) -> int:
    return 0 if len(phrase) <= 4 else 1 if len(phrase) <= 8 else 2


def fuzzy_equals(text: str, phrase: str, max_errors: int | None = None) -> bool:
    """True when `text` is `phrase` up to case, diacritics and a few character edits."""
    a, b = squash(text), squash(phrase)
    if a == b:
        return True
    if max_errors is None:
        max_errors = _default_errors(b)
    if not max_errors or abs(len(a) - len(b)) > max_errors:
        return False
    return _fuzzy(b, max_errors).fullmatch(a) is not None


def fuzzy_startswith(text: str, phrase: str, max_errors: int | None = None) -> bool:
    a, b = squash(text), squash(phrase)
    if a.startswith(b):
        return True
    if max_errors is None:
        max_errors = _default_errors(b)
    if not max_errors:
        return False
    return _fuzzy(b, max_errors).match(a[: len(b) + max_errors]) is not None


_NON_ALNUM_RE = regex.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=65536)
def squash(text: str) -> str:
    """Folded, with every run of non-alphanumerics one space: the form keywords are compared in."""
    return _NON_ALNUM_RE.sub(" ", ascii_fold(text)).strip()


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
    DocType("nghi_quyet_lien_tich", "NGHỊ QUYẾT LIÊN TỊCH", ("NQLT",)),
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
    # the other kinds of Nghị định 30/2020/NĐ-CP (Phụ lục III), and the licence most agencies issue
    DocType("thong_cao", "THÔNG CÁO", ("TC",)),
    DocType("hop_dong", "HỢP ĐỒNG", ("HĐ",)),
    DocType("ban_ghi_nho", "BẢN GHI NHỚ", ("GNN",)),
    DocType("ban_thoa_thuan", "BẢN THỎA THUẬN", ("BTT",)),
    DocType("giay_uy_quyen", "GIẤY ỦY QUYỀN", ("GUQ",)),
    DocType("giay_gioi_thieu", "GIẤY GIỚI THIỆU", ("GGT",)),
    DocType("giay_nghi_phep", "GIẤY NGHỈ PHÉP", ("GNP",)),
    DocType("giay_phep", "GIẤY PHÉP", ("GP",)),
    DocType("phieu_gui", "PHIẾU GỬI", ("PG",)),
    DocType("phieu_chuyen", "PHIẾU CHUYỂN", ("PC",)),
    DocType("phieu_bao", "PHIẾU BÁO", ("PB",)),
    # Legal normative documents (Luật Ban hành văn bản quy phạm pháp luật): the laws and resolutions of
    # the Quốc hội carry no type code in their symbol ("135/2025/QH15"); a President's order is "L-CTN".
    DocType("bo_luat", "BỘ LUẬT", ()),
    DocType("luat", "LUẬT", ()),
    DocType("phap_lenh", "PHÁP LỆNH", ("PL",)),
    DocType("hien_phap", "HIẾN PHÁP", ()),
    DocType("lenh", "LỆNH", ("L",)),
    DocType("cong_van", "CÔNG VĂN", ("CV",)),
    DocType("van_ban", "VĂN BẢN", ()),
    DocType("du_an", "DỰ ÁN", ("DA",)),
    DocType("chien_luoc", "CHIẾN LƯỢC", ()),
    DocType("quy_hoach", "QUY HOẠCH", ()),
)
DOC_TYPE_BY_SLUG = {t.slug: t for t in DOC_TYPES}
#: Acts that regulate (laws, ordinances, decrees, circulars): their units are provisions, not a plan's tasks.
REGULATION_TYPES = frozenset({"hien_phap", "bo_luat", "luat", "phap_lenh", "nghi_dinh", "thong_tu", "thong_tu_lien_tich"})
#: A regulation or rules a decision issues ("QUY ĐỊNH", "QUY CHẾ"): provisions too.
RULES_TYPES = frozenset({"quy_dinh", "quy_che"})
#: Decisions, resolutions and directives are legal normative acts when their number carries the year
#: ("12/2026/QĐ-UBND", "254/2025/NQ-HĐND": the law on legal normative documents numbers them so; an
#: administrative decision approving a plan is "4937/QĐ-UBND").
_NORMATIVE_WHEN_YEARED = frozenset({"quyet_dinh", "nghi_quyet", "nghi_quyet_lien_tich", "chi_thi"})
_YEARED_NUMBER_RE = regex.compile(r"^[\d.]+\s*/\s*(?:19|20)\d\d\s*/")


def is_regulation(doc_type: str | None, number: str | None) -> bool:
    """Does the act regulate (its units are provisions), by its type and the form of its number?"""
    if doc_type in REGULATION_TYPES or doc_type in RULES_TYPES:
        return True
    return doc_type in _NORMATIVE_WHEN_YEARED and bool(number and _YEARED_NUMBER_RE.match(number))
# Codes as printed first ("ĐA" đề án but "DA" dự án, "HĐ" hợp đồng but "HD" hướng dẫn), then folded
# (a code OCR or a legacy font left without its marks).
_CODE_TO_SLUG_EXACT = {code.casefold(): t.slug for t in DOC_TYPES for code in t.codes}
_CODE_TO_SLUG = {ascii_fold(code): t.slug for t in DOC_TYPES for code in t.codes}

# The types that head a document (or a document attached to another one). An official letter is
# recognised by its "V/v" line, a project or a "văn bản" is never a heading of its own.
HEADING_TYPES = tuple(t for t in DOC_TYPES if t.slug not in {"cong_van", "van_ban", "du_an"})
_HEADING_BY_SQUASH = {squash(t.label): t for t in HEADING_TYPES}
_BAN_PREFIX_RE = regex.compile(r"^(?:BẢN|Bản)\s+")


#: Folded phrases that are words of their own within two edits of a type name, never a damaged heading.
_NEAR_TYPE_NAMES = frozenset({"hoi dong"})


def doc_type_from_heading(line: str) -> DocType | None:
    """The document type a heading line names: "QUYẾT ĐỊNH", "KẾ HOẠCH" (OCR-damaged too).

    The line must be the type name alone (a trailing colon is the enacting formula, not a heading).
    "BẢN QUY ĐỊNH" and "QUY ĐỊNH" both name quy_dinh.
    """
    text = line.strip()
    if text.endswith(":") or len(text) > 30 or not is_upper_text(text) and not text.istitle():
        return None
    exact = _HEADING_BY_SQUASH.get(squash(text))  # "BẢN GHI NHỚ" is a type of its own
    if exact is not None:
        return exact
    squashed = squash(_BAN_PREFIX_RE.sub("", text))
    exact = _HEADING_BY_SQUASH.get(squashed)
    if exact is not None:
        return exact
    if squashed in _NEAR_TYPE_NAMES:
        return None  # a real name two letters from a type's: "HỘI ĐỒNG" (a council) is no damaged "HỢP ĐỒNG"
    # a damaged heading: within two edits of a type name (only names of about its length can be)
    return next((t for label, t in _HEADING_BY_SQUASH.items() if abs(len(label) - len(squashed)) <= 2 and fuzzy_equals(squashed, label)), None)


def is_exact_heading(line: str) -> bool:
    """The heading names its type without a damaged letter (fuzzy matches may yield to the symbol)."""
    return squash(line) in _HEADING_BY_SQUASH or squash(_BAN_PREFIX_RE.sub("", line.strip())) in _HEADING_BY_SQUASH


def split_type_heading(line: str) -> tuple[DocType, int] | None:
    """(type, offset of the subject) for a capitals heading that starts with a type name: "QUYẾT ĐỊNH VỀ VIỆC ...",
    "GIẤY PHÉP SỬ DỤNG …" (OCR-damaged names too: "HIẾN BẢN KIỂM TRA"). Longest names first."""
    text = line.strip()
    if not is_upper_text(text) or len(text) > 400:
        return None
    words = text.split()
    for n in range(min(4, len(words) - 2), 0, -1):
        doc_type = doc_type_from_heading(" ".join(words[:n]))
        if doc_type is not None:
            head = _leading_words_re(n).match(line)
            return (doc_type, head.end()) if head else None
    return None


@lru_cache(maxsize=8)
def _leading_words_re(n: int) -> regex.Pattern:
    return regex.compile(r"\s*" + r"\s+".join([r"\S+"] * n) + r"\s+")


def doc_type_from_code(code: str) -> str | None:
    """The type slug of a số ký hiệu code: "QĐ" -> quyet_dinh, "TTr" -> to_trinh."""
    return _CODE_TO_SLUG_EXACT.get(code.casefold()) or _CODE_TO_SLUG.get(ascii_fold(code))


_NUMBER_PARTS_RE = regex.compile(r"[/\-.]")


def doc_type_from_number(number: str) -> str | None:
    """The type named inside a số ký hiệu: "1519/QĐ-UBND" -> quyet_dinh; "29-CT/TU" -> chi_thi;
    "66.4/2025/NQ-CP" -> nghi_quyet.

    The type code is the first code after the number and year (Nghị định 30/2020/NĐ-CP); an official
    letter's symbol names its issuer and drafting unit instead ("210/UBND-NLN", "123/SNN-TT") and has no type.
    """
    for part in _NUMBER_PARTS_RE.split(number):
        if part.strip() and not part.strip().isdigit():
            return doc_type_from_code(part.strip())
    return None


# --------------------------------------------------------------------------
# Số ký hiệu: number [/ year] / type code - issuer code
# --------------------------------------------------------------------------
# Nghị định 30/2020/NĐ-CP: "1519/QĐ-UBND", "29-CT/TU"; legal normative documents add the year
# ("14/2024/TT-BCT", "135/2025/QH15"); a series of resolutions numbers its parts with a dot
# ("66.4/2025/NQ-CP"). Codes start with a capital; spaces may sit around the joiners ("301- KL/TU") and
# between digits stamped one by one ("4 5/TTr-SNV"). A standard's code is not one ("QCVN 01:2019/BCT").
_CODE = r"[A-ZĐ][A-Za-zĐđ0-9&]*"
NUMBER_PATTERN = (
    rf"(?<![\w/.])(?<!\d:)(?:\d(?: \d){{1,4}}(?!\d)|\d{{1,5}})(?:\.\d{{1,3}})?(?:\s*/\s*(?:19|20)\d{{2}})?\s*[/\-]\s*{_CODE}"
    rf"(?:(?:\s*[/\-]\s*|\.){_CODE})*"
)
NUMBER_RE = regex.compile(NUMBER_PATTERN)
_SPACES_RE = regex.compile(r"\s+")
_NOT_KEY_RE = regex.compile(r"[^A-Z0-9]")
# The symbols of the Quốc hội and its Standing Committee name the issuer only ("135/2025/QH15").
QUOC_HOI_CODE_RE = regex.compile(r"(?:^|/)(?:UBTV)?QH\d*$")


def clean_number(raw: str) -> str:
    """"2463 /QĐ - UBND" -> "2463/QĐ-UBND"."""
    return _SPACES_RE.sub("", raw).strip(".")


def number_key(number: str | None) -> str:
    """A comparison key for a số ký hiệu: letters and digits only, diacritics folded, upper case."""
    return _NOT_KEY_RE.sub("", ascii_fold(number or "").upper())


# OCR reads digits as look-alike letters inside figures: "3l" for 31, "2O24" for 2024, "l5" for 15.
_DIGIT_LOOKALIKES = str.maketrans({"l": "1", "I": "1", "|": "1", "O": "0", "o": "0"})
_LOOKALIKE_BY_DIGIT_RE = regex.compile(r"\d[lIO|o]|[lIO|o]\d")
_DAMAGED_FIGURE_RE = regex.compile(r"(?<![\p{L}\d])(?=[\dlIO|o]*\d)[\dlIO|o]{2,}(?![\p{L}\d])")


def repair_digits(text: str) -> str:
    """Look-alike letters inside a run of digits read as the digits ("ngày 3l" -> "ngày 31"); same length.

    Only runs that hold a real digit and stand alone (no letter on either side) change, so
    words, Roman numerals ("Quý II/2025") and codes ("QĐ-UBND") keep their letters."""
    if _LOOKALIKE_BY_DIGIT_RE.search(text) is None:
        return text  # the common case: one C-speed scan
    return _DAMAGED_FIGURE_RE.sub(lambda m: m.group(0).translate(_DIGIT_LOOKALIKES), text)


# --------------------------------------------------------------------------
# Type words in running text ("Căn cứ Quyết định số ...")
# --------------------------------------------------------------------------
TYPE_WORD_PATTERN = (
    r"Bộ\s+luật|Luật|Pháp\s+lệnh|Hiến\s+pháp|Nghị\s+định|Nghị\s+quyết\s+liên\s+tịch|Nghị\s+quyết|Quyết\s+định|"
    r"Thông\s+tư\s+liên\s+tịch|Thông\s+tư|Chỉ\s+thị|Kế\s+hoạch|Công\s+văn|Văn\s+bản|Tờ\s+trình|Thông\s+báo|"
    r"Chương\s+trình|Đề\s+án|Hướng\s+dẫn|Kết\s+luận|Quy\s+định|Công\s+điện|Báo\s+cáo|Lệnh|QĐ|NĐ|NQ|CT|KH|CV|TT"
)
# The same words folded (for `fold_chars` text: OCR-damaged diacritics still match), longest first.
_FOLDED_TYPE_WORDS = sorted(
    {ascii_fold(t.label) for t in DOC_TYPES} | {"qd", "nd", "nq", "ct", "kh", "cv", "tt"}, key=len, reverse=True
)
FOLDED_TYPE_WORD_PATTERN = "|".join(r"\s+".join(regex.escape(w) for w in words.split()) for words in _FOLDED_TYPE_WORDS)
_TYPE_BY_SQUASH = {squash(t.label): t.slug for t in DOC_TYPES}


def doc_type_from_word(word: str) -> str | None:
    """The type a word of running text names: "Nghị định" -> nghi_dinh, "QĐ" -> quyet_dinh."""
    return _TYPE_BY_SQUASH.get(squash(word)) or doc_type_from_code(word.replace(" ", ""))
