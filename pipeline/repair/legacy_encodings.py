"""Pre-Unicode Vietnamese encodings: TCVN3 (ABC), VNI and VISCII, detected and converted to Unicode.

Before Unicode, Vietnamese offices typed with font-based encodings: the file
stores ordinary 8-bit codes and the *font* draws them as Vietnamese letters.
Opened with any other font, or read by a program, the text "looks 80% intact"
(ASCII letters survive) but every diacritic is lost: "Quyết định" arrives as
"QuyÕt ®Þnh" (TCVN3) or "Quyeát ñònh" (VNI). The codes reach us as the
characters Windows code page 1252 / Latin-1 gives those bytes, because that is
how Word, LibreOffice and PDF text layers decode a non-Unicode font.

Three encodings, written from their published descriptions:

* **TCVN3 / ABC** (TCVN 5712:1993, the "VN3" set; fonts ``.VnTime``, ``.VnArial`` ...):
  one byte per precomposed letter. The set holds the lower-case toned letters
  plus Ă Â Ê Ô Ơ Ư Đ; capitals *with tones* come from separate capital fonts
  (``.VnTimeH``, ``.VnArialH`` ...) that draw the same codes (and plain ASCII
  letters) as capitals. A capital font is presentation, like Word's "All
  caps": the text is converted in the case it was typed ("céng hßa" in
  ``.VnTimeH`` is "cộng hòa", printed "CỘNG HÒA"), as the DOCX reader ignores
  ``w:caps``. A word typed in capitals with the lower-case toned codes
  ("VIÖT", the only way to type it outside a capital font) is upper-cased
  from its context. In PDF text layers the code 0xAD ("ư") also arrives as
  U+2212 (minus sign) or U+00AD next to letters.
* **VNI** (VNI-Windows; fonts ``VNI-Times``, ``VNI-Helve`` ...): a base letter
  followed by one "mark" character ("Vieät" = "Việt"), plus a few single-code
  letters (ñ = đ, ô = ơ, ö = ư, æ = ỉ, ó = ĩ, ò = ị).
* **VISCII** (VISCII 1.1, RFC 1456): one byte per precomposed letter, both
  cases, using C0 control and 0x80-0xFF positions.

Detection asks the syllable validator (:func:`syllable_validity`) which reading
makes the most Vietnamese syllables, and converts only when a reading clearly
beats the text as it is. Text that already contains Vietnamese letters outside
Latin-1 (ă, đ, ơ, ư, ạ ...) is Unicode: no legacy file can produce them, so it
is never converted. Correct Unicode Vietnamese therefore passes through unchanged.

Public API: :func:`detect_legacy_encoding`, :func:`convert_legacy`,
:func:`repair_legacy_text`, :func:`encoding_for_font`, :func:`convert_runs`
(text runs with their font names) and :func:`convert_run_texts` (the same,
one output string per run, for callers that write the runs back).
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .syllables import syllable_validity

__all__ = [
    "ENCODINGS",
    "TCVN3_TABLE",
    "VISCII_TABLE",
    "VNI_LETTERS",
    "VNI_MARKS",
    "detect_legacy_encoding",
    "convert_legacy",
    "repair_legacy_text",
    "encoding_for_font",
    "is_capital_font",
    "has_unicode_vietnamese",
    "convert_runs",
    "convert_run_texts",
    "conversion_hurts",
    "legacy_codes",
    "vni_combine",
    "symbol_char",
    "convert_symbol_text",
]

ENCODINGS = ("tcvn3", "vni", "viscii")


def _byte_char(code: int) -> set[str]:
    """The characters a byte may reach us as: its cp1252 reading (Word) and its Latin-1 one (PDF, RTF)."""
    chars = {chr(code)}
    try:
        chars.add(bytes([code]).decode("cp1252"))
    except UnicodeDecodeError:  # 0x81, 0x8D, 0x8F, 0x90, 0x9D are undefined in cp1252
        pass
    return chars


def _char_table(by_byte: dict[int, str]) -> dict[str, str]:
    """A byte -> letter table re-keyed by every character the byte can arrive as."""
    table: dict[str, str] = {}
    for code, letter in by_byte.items():
        for ch in _byte_char(code):
            table[ch] = letter
    return table


# --------------------------------------------------------------------------
# TCVN3 (TCVN 5712:1993, VN3 / "ABC")
# --------------------------------------------------------------------------
# The standard orders each vowel's five toned forms huyền, hỏi, ngã, sắc, nặng
# (grave, hook, tilde, acute, dot below); the gaps between groups (0xBA, 0xBF-0xC5,
# 0xCD, 0xD9-0xDB, 0xE0, 0xF0) hold capitals in the full VN1 set, not in the ABC fonts.
_TCVN3_BYTES: dict[int, str] = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
}
_TCVN3_TONED = (  # (first code of each of the five tones, the toneless vowel)
    ((0xB5, 0xB6, 0xB7, 0xB8, 0xB9), "a"),
    ((0xBB, 0xBC, 0xBD, 0xBE, 0xC6), "ă"),
    ((0xC7, 0xC8, 0xC9, 0xCA, 0xCB), "â"),
    ((0xCC, 0xCE, 0xCF, 0xD0, 0xD1), "e"),
    ((0xD2, 0xD3, 0xD4, 0xD5, 0xD6), "ê"),
    ((0xD7, 0xD8, 0xDC, 0xDD, 0xDE), "i"),
    ((0xDF, 0xE1, 0xE2, 0xE3, 0xE4), "o"),
    ((0xE5, 0xE6, 0xE7, 0xE8, 0xE9), "ô"),
    ((0xEA, 0xEB, 0xEC, 0xED, 0xEE), "ơ"),
    ((0xEF, 0xF1, 0xF2, 0xF3, 0xF4), "u"),
    ((0xF5, 0xF6, 0xF7, 0xF8, 0xF9), "ư"),
    ((0xFA, 0xFB, 0xFC, 0xFD, 0xFE), "y"),
)
_TCVN3_TONE_ORDER = ("\u0300", "\u0309", "\u0303", "\u0301", "\u0323")  # huyền hỏi ngã sắc nặng
for _codes, _vowel in _TCVN3_TONED:
    for _code, _tone in zip(_codes, _TCVN3_TONE_ORDER):
        _TCVN3_BYTES[_code] = unicodedata.normalize("NFC", _vowel + _tone)

#: TCVN3 character (as cp1252/Latin-1 decoded it) -> Unicode letter. U+00AD is the
#: byte 0xAD ("ư"), which Word and LibreOffice take for a soft hyphen.
TCVN3_TABLE: dict[str, str] = _char_table(_TCVN3_BYTES)
#: PDF producers name the glyph of 0xAD "minus" or "hyphen": inside a word it is "ư" ("n−íc" = "nước").
_TCVN3_PDF_U = re.compile("(?<=[\\w\u00a1-\u00fe])[\u2212\u2010]|[\u2212\u2010](?=[\\w\u00a1-\u00fe])")

# --------------------------------------------------------------------------
# VISCII 1.1 (RFC 1456)
# --------------------------------------------------------------------------
_VISCII_BYTES: dict[int, str] = {
    0x02: "Ẳ", 0x05: "Ẵ", 0x06: "Ẫ", 0x14: "Ỷ", 0x19: "Ỹ", 0x1E: "Ỵ",
}
_VISCII_HIGH = (  # 0x80 .. 0xFF, sixteen per row
    "ẠẮẰẶẤẦẨẬẼẸẾỀỂỄỆỐ"
    "ỒỔỖỘỢỚỜỞỊỎỌỈỦŨỤỲ"
    "Õắằặấầẩậẽẹếềểễệố"
    "ồổỗỠƠộờởịỰỨỪỬơớƯ"
    "ÀÁÂÃẢĂẳẵÈÉÊẺÌÍĨỳ"
    "ĐứÒÓÔạỷừửÙÚỹỵÝỡư"
    "àáâãảăữẫèéêẻìíĩỉ"
    "đựòóôõỏọụùúũủýợỮ"
)
for _offset, _letter in enumerate(_VISCII_HIGH):
    _VISCII_BYTES[0x80 + _offset] = _letter

#: VISCII character -> Unicode letter, for the codes whose letter differs from the character.
VISCII_TABLE: dict[str, str] = {ch: letter for ch, letter in _char_table(_VISCII_BYTES).items() if ch != letter}

# --------------------------------------------------------------------------
# VNI (VNI-Windows)
# --------------------------------------------------------------------------
#: Codes that are whole letters on their own.
VNI_LETTERS: dict[str, str] = {
    "ñ": "đ", "Ñ": "Đ", "ô": "ơ", "Ô": "Ơ", "ö": "ư", "Ö": "Ư",
    "æ": "ỉ", "Æ": "Ỉ", "ó": "ĩ", "Ó": "Ĩ", "ò": "ị", "Ò": "Ị",
    # ì, í (and Ì, Í) are the same code in VNI and Latin-1.
}
_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_CIRCUMFLEX, _BREVE = "\u0302", "\u0306"
#: Mark codes that follow a base vowel: (vowel-quality mark or "", tone mark or "").
VNI_MARKS: dict[str, tuple[str, str]] = {}
for _lower, _marks in {
    "ù": ("", _ACUTE), "ø": ("", _GRAVE), "û": ("", _HOOK), "õ": ("", _TILDE), "ï": ("", _DOT),
    "â": (_CIRCUMFLEX, ""), "á": (_CIRCUMFLEX, _ACUTE), "à": (_CIRCUMFLEX, _GRAVE),
    "å": (_CIRCUMFLEX, _HOOK), "ã": (_CIRCUMFLEX, _TILDE), "ä": (_CIRCUMFLEX, _DOT),
    "ê": (_BREVE, ""), "é": (_BREVE, _ACUTE), "è": (_BREVE, _GRAVE),
    "ú": (_BREVE, _HOOK), "ü": (_BREVE, _TILDE), "ë": (_BREVE, _DOT),
}.items():
    VNI_MARKS[_lower] = _marks
    VNI_MARKS[_lower.upper()] = _marks
# Which bases take which vowel-quality mark: circumflex on a/e/o, breve on a only.
_QUALITY_BASES = {_CIRCUMFLEX: "aeoAEO", _BREVE: "aA", "": "aeiouyăâêôơưAEIOUYĂÂÊÔƠƯ"}


def _vni_combine(base: str, mark: str) -> str | None:
    """The letter "base + VNI mark code", or None when the mark cannot sit on that base."""
    quality, tone = VNI_MARKS[mark]
    if base not in _QUALITY_BASES[quality]:
        return None
    if tone and unicodedata.decomposition(base) and base not in "ăâêôơưĂÂÊÔƠƯ":
        return None  # already toned: a second tone is not Vietnamese
    return unicodedata.normalize("NFC", base + quality + tone)


def vni_combine(base: str, mark: str) -> str | None:
    """The letter a VNI mark code makes with the letter before it ("a", "\u00f9" -> "á"), or None."""
    if mark not in VNI_MARKS or len(base) != 1:
        return None
    return _vni_combine(base, mark)


def _convert_vni(text: str) -> str:
    out: list[str] = []
    for ch in text:
        if ch in VNI_MARKS and out:
            combined = _vni_combine(out[-1], ch)
            if combined is not None:
                out[-1] = combined
                continue
        out.append(VNI_LETTERS.get(ch, ch))
    return "".join(out)


# --------------------------------------------------------------------------
# Unicode evidence
# --------------------------------------------------------------------------
_CP1252_CHARS = frozenset(ch for code in range(0x80, 0x100) for ch in _byte_char(code))
# Vietnamese letters no 8-bit legacy text can contain as characters (they are
# beyond Latin-1 and are not what cp1252 makes of any byte), plus combining tone marks.
_UNICODE_ONLY = frozenset(
    ch
    for ch in (
        [chr(c) for c in range(0x1EA0, 0x1EFA)]
        + list("ăâêôơưđĂÂÊÔƠƯĐĩũĨŨ")
        + ["\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]
    )
    if ch not in _CP1252_CHARS and ord(ch) > 0xFF
)


def has_unicode_vietnamese(text: str) -> bool:
    """True when ``text`` holds a Vietnamese letter only Unicode can encode (ạ, ă, đ, ơ, ư ...)."""
    return any(ch in _UNICODE_ONLY for ch in text)


# --------------------------------------------------------------------------
# Conversion
# --------------------------------------------------------------------------
_TCVN3_TRANSLATE = str.maketrans(TCVN3_TABLE)
_VISCII_TRANSLATE = str.maketrans(VISCII_TABLE)
_TCVN3_LOWER_CODES = frozenset(ch for ch, letter in TCVN3_TABLE.items() if letter.islower())
# A word of TCVN3 text: letters plus the codes that are letters in TCVN3 but
# symbols in Latin-1 ("®" is đ, "§" is Đ, "¸" is á).
_TCVN3_WORD = re.compile("(?:\\w|[%s])+" % re.escape("".join(sorted(TCVN3_TABLE))))


def _capitalise_tcvn3_words(original: str, converted: str) -> str:
    """Upper-case words typed in capitals with TCVN3's lower-case toned codes: "VIÖT" -> "VIỆT".

    The ABC fonts have no toned capitals, so a typist writing in capitals with
    ``.VnTime`` gets lower-case toned letters between capitals. A word is taken
    to be in capitals when at least two of its *other* letters are capitals and
    none is lower case ("TØnh" stays "Tỉnh", "§Ó" stays "Để", "§èI" is "ĐỐI").
    A word with one other letter, a capital ("Vô", "Bé", "Tæ"), is in capitals
    when the words on both sides of it on its line are: "NHIỆM VỤ, QUYỀN HẠN,
    TỔ CHỨC BỘ MÁY", but "Hộ lý", "Số TT".
    """
    if len(original) != len(converted):  # the table is one-to-one; never happens
        return converted
    out = list(converted)
    words = []  # (start, end, kind): kind "caps" | "short" (one capital + codes) | "lower" | "none"
    for m in _TCVN3_WORD.finditer(original):
        word = m.group()
        letters = [converted[m.start() + i] for i in range(len(word)) if converted[m.start() + i].isalpha()]
        if not letters:
            continue
        others = [converted[m.start() + i] for i, ch in enumerate(word)
                  if ch not in _TCVN3_LOWER_CODES and converted[m.start() + i].isalpha()]
        has_codes = any(ch in _TCVN3_LOWER_CODES for ch in word)
        if has_codes and len(others) >= 2 and all(ch.isupper() for ch in others):
            out[m.start():m.end()] = converted[m.start():m.end()].upper()
            kind = "caps"
        elif not has_codes and len(letters) >= 2 and all(ch.isupper() for ch in letters):
            kind = "caps"
        elif has_codes and len(others) == 1 and others[0].isupper():
            kind = "short"
        else:
            kind = "lower"
        words.append((m.start(), m.end(), kind))
    for i, (start, end, kind) in enumerate(words):
        if kind != "short" or i == 0 or i == len(words) - 1:
            continue
        before, after = words[i - 1], words[i + 1]
        same_line = "\n" not in original[before[1]:start] and "\n" not in original[end:after[0]]
        if same_line and before[2] == "caps" and after[2] == "caps":
            out[start:end] = converted[start:end].upper()
    return "".join(out)


def convert_legacy(text: str, encoding: str, capitals: bool = False) -> str:
    """Convert ``text`` read in a legacy encoding to NFC Unicode.

    ``capitals``: upper-case everything, as a TCVN3 capital font (``.VnTimeH``)
    draws it; the readers do not ask for it (the text is kept as typed, see the
    module's notes). Characters outside the encoding's table (ASCII,
    punctuation) pass through.
    """
    if encoding == "tcvn3":
        text = _TCVN3_PDF_U.sub("\u00ad", text)
        converted = text.translate(_TCVN3_TRANSLATE)
        converted = converted.upper() if capitals else _capitalise_tcvn3_words(text, converted)
    elif encoding == "vni":
        converted = _convert_vni(text)
    elif encoding == "viscii":
        converted = text.translate(_VISCII_TRANSLATE)
    else:
        raise ValueError(f"unknown legacy encoding {encoding!r} (expected one of {', '.join(ENCODINGS)})")
    return unicodedata.normalize("NFC", converted)


# --------------------------------------------------------------------------
# Detection
# --------------------------------------------------------------------------
#: A conversion must raise the share of valid syllables by this much to be applied.
MIN_GAIN = 0.15
#: ... and reach at least this share.
MIN_VALIDITY = 0.6
_SOURCE_CHARS = {
    "tcvn3": frozenset(TCVN3_TABLE),
    "vni": frozenset(VNI_MARKS) | frozenset(VNI_LETTERS),
    "viscii": frozenset(VISCII_TABLE),
}


_ANY_SOURCE = frozenset().union(*_SOURCE_CHARS.values())


def legacy_codes(text: str, encoding: str) -> bool:
    """True when ``text`` holds a code that ``encoding`` would convert."""
    source = _SOURCE_CHARS[encoding]
    return any(ch in source for ch in text) or (encoding == "tcvn3" and bool(_TCVN3_PDF_U.search(text)))


def detect_legacy_encoding(text: str) -> tuple[str | None, float]:
    """Name the legacy encoding ``text`` is in, with a confidence in [0, 1].

    Lines that already hold Unicode Vietnamese are left out of the vote (a
    Unicode title over a TCVN3 body). Each candidate conversion of the rest is
    scored by :func:`syllable_validity`; the best wins when it beats the text
    as it is by :data:`MIN_GAIN` and reaches :data:`MIN_VALIDITY`. The
    confidence is the validity of the reading chosen: of the converted text
    when an encoding is returned, of ``text`` itself when ``None`` is (Unicode
    text, or text with too little to judge).
    """
    text = unicodedata.normalize("NFC", text)
    legacy = "\n".join(line for line in text.split("\n") if not has_unicode_vietnamese(line))
    if not legacy.strip():
        return None, syllable_validity(text)
    baseline = syllable_validity(legacy)
    best, best_score = None, baseline
    for name in ENCODINGS:
        if not any(ch in _SOURCE_CHARS[name] for ch in legacy):
            continue  # the conversion would change nothing
        score = syllable_validity(convert_legacy(legacy, name))
        if score > best_score:
            best, best_score = name, score
    if best is not None and best_score - baseline >= MIN_GAIN and best_score >= MIN_VALIDITY:
        return best, best_score
    return None, syllable_validity(text)


def repair_legacy_text(text: str) -> tuple[str, str | None]:
    """Detect the legacy encoding of ``text`` and convert it; ``(text, None)`` when none is found.

    Detection is over the whole text, conversion line by line: a line that
    already holds Unicode Vietnamese (a title retyped in Unicode above a TCVN3
    body) is left as it is.
    """
    encoding, _ = detect_legacy_encoding(text)
    if encoding is None:
        return text, None
    lines = text.split("\n")
    repaired = [line if has_unicode_vietnamese(line) else convert_legacy(line, encoding) for line in lines]
    return "\n".join(repaired), encoding


# --------------------------------------------------------------------------
# Symbol fonts: glyphs at private-use code points
# --------------------------------------------------------------------------
# Word stores a character picked from a symbol font as U+F000 + its code in that
# font. The Symbol font's codes (Adobe Symbol encoding) that mean a character of
# their own: Greek letters, relations and arrows, which decrees use in figures
# ("≥ 50%", "α"); codes equal to ASCII (digits, brackets, "+") are ASCII.
_SYMBOL_FONT = dict(zip(range(0x41, 0x5B), "ΑΒΧΔΕΦΓΗΙϑΚΛΜΝΟΠΘΡΣΤΥςΩΞΨΖ"))
_SYMBOL_FONT.update(zip(range(0x61, 0x7B), "αβχδεφγηιϕκλμνοπθρστυϖωξψζ"))
_SYMBOL_FONT.update({
    0x22: "∀", 0x24: "∃", 0x27: "∋", 0x2A: "∗", 0x2D: "−", 0x40: "≅", 0x5C: "∴", 0x5E: "⊥", 0x60: "‾", 0x7E: "∼",
    0xA1: "ϒ", 0xA2: "′", 0xA3: "≤", 0xA4: "⁄", 0xA5: "∞", 0xA6: "ƒ", 0xA7: "♣", 0xA8: "♦", 0xA9: "♥",
    0xAA: "♠", 0xAB: "↔", 0xAC: "←", 0xAD: "↑", 0xAE: "→", 0xAF: "↓", 0xB0: "°", 0xB1: "±", 0xB2: "″",
    0xB3: "≥", 0xB4: "×", 0xB5: "∝", 0xB6: "∂", 0xB7: "•", 0xB8: "÷", 0xB9: "≠", 0xBA: "≡", 0xBB: "≈",
    0xBC: "…", 0xC5: "⊕", 0xC6: "∅", 0xC7: "∩", 0xC8: "∪", 0xC9: "⊃", 0xCA: "⊇", 0xCB: "⊄", 0xCC: "⊂",
    0xCD: "⊆", 0xCE: "∈", 0xCF: "∉", 0xD0: "∠", 0xD1: "∇", 0xD5: "∏", 0xD6: "√", 0xD7: "⋅", 0xD8: "¬",
    0xD9: "∧", 0xDA: "∨", 0xDB: "⇔", 0xDC: "⇐", 0xDD: "⇑", 0xDE: "⇒", 0xDF: "⇓", 0xE0: "◊", 0xE5: "∑",
    0xF2: "∫",
})
# Wingdings: only the marks used as bullets and ticks have a Unicode twin worth giving.
_WINGDINGS = {0x6C: "●", 0x6E: "■", 0x71: "❑", 0x75: "◆", 0x76: "❖", 0xA7: "▪", 0xA8: "◻", 0xD8: "➢", 0xFC: "✓", 0xFE: "☑"}


def symbol_char(code: int, font: str | None) -> str | None:
    """The Unicode character a symbol font draws for ``code`` (its code, or U+F000 + code), or None."""
    if 0xF000 <= code <= 0xF0FF:
        code -= 0xF000
    name = (font or "").strip().lower()
    if name.startswith("wingdings"):
        return _WINGDINGS.get(code)
    if name.startswith("symbol"):
        if code in _SYMBOL_FONT:
            return _SYMBOL_FONT[code]
        return chr(code) if 0x20 <= code < 0x7F else None
    return None


def convert_symbol_text(text: str, font: str | None) -> str:
    """Private-use symbol-font codes in ``text`` (U+F020..U+F0FF) replaced by their Unicode characters."""
    return "".join((symbol_char(ord(ch), font) or ch) if 0xF020 <= ord(ch) <= 0xF0FF else ch for ch in text)


# --------------------------------------------------------------------------
# Fonts and runs
# --------------------------------------------------------------------------
_SYMBOL_FONTS = ("symbol", "wingdings", "webdings", "zapf", "marlett", "mt extra")


@lru_cache(maxsize=512)
def encoding_for_font(font: str | None) -> str | None:
    """The legacy encoding a font name implies: "tcvn3", "vni", "viscii", "symbol" or None (Unicode/unknown).

    ".VnTime", ".VnTimeH", ".VnArial" ... (also without the dot: "VnTime") are
    TCVN3; "VNI-Times", "VNI-Helve" ... are VNI; names with "VISCII" or starting
    "VI " (e.g. "VI Times") are VISCII. "symbol" marks picture fonts (Symbol,
    Wingdings) whose codes are glyphs, never letters.
    """
    if not font:
        return None
    name = font.strip()
    lower = name.lower()
    if lower.startswith(_SYMBOL_FONTS):
        return "symbol"
    if lower.startswith("vni-") or lower.startswith("vni "):
        return "vni"
    if lower.startswith(".vn") or re.match(r"vn(time|arial|avant|black|centur|courier|helv|univ|bodoni|book|clarendon|cooper|souvenir|swiss|free)", lower):
        return "tcvn3"
    if "viscii" in lower or re.match(r"VI[ -]", name):
        return "viscii"
    return None


def is_capital_font(font: str | None) -> bool:
    """A TCVN3 capital font (".VnTimeH", ".VnArialH", ".VnBlackH"): every letter is drawn as a capital."""
    return bool(font) and encoding_for_font(font) == "tcvn3" and font.strip().endswith("H")


def convert_run_texts(runs: list[tuple[str, str | None]]) -> list[str]:
    """Convert each ``(text, font name)`` run; one output string per run, in order.

    * A run in a legacy font is converted with that font's encoding, in the
      case it was typed (a capital font is presentation), unless it already
      holds Unicode Vietnamese (a Unicode text typed while the old font was
      selected).
    * Runs in other or unknown fonts are pooled and converted only when
      detection over the pool finds a legacy encoding.
    * A VNI mark code that opens a run belongs to the letter ending the run
      before it (the formatting changed inside the word): it is moved there
      before converting.
    """
    texts = [text for text, _ in runs]
    encodings = [encoding_for_font(font) for _, font in runs]
    _move_leading_vni_marks(texts, encodings)
    pool = [text for text, enc in zip(texts, encodings) if enc is None]
    pooled_encoding = detect_legacy_encoding(" ".join(pool))[0] if pool else None
    out: list[str] = []
    for text, enc in zip(texts, encodings):
        enc = pooled_encoding if enc is None else enc
        if enc in ENCODINGS and not has_unicode_vietnamese(text):
            text = convert_legacy(text, enc)
        out.append(text)
    return texts if conversion_hurts("".join(texts), "".join(out)) else out


#: How much a conversion may lower the share of valid syllables before it is refused.
HURT_MARGIN = 0.05


#: Letters Unicode Vietnamese shares with Latin-1: text made only of these (and ASCII) may be either.
_LATIN1_VIETNAMESE = frozenset("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ")


def conversion_hurts(before: str, after: str) -> bool:
    """True when converting made the text *less* Vietnamese: it was Unicode after all.

    Guards font-driven conversion: Unicode typed while ".VnTime" was selected
    has no letter beyond Latin-1 when it uses only à, â, ê, ô ... ("Tôi là ai"),
    yet the TCVN3 table would turn "ô" into "ụ". Judged on a whole paragraph,
    because a single run is often a fragment of a word. Text holding a code
    that no Vietnamese Unicode text uses ("®", "µ", "¸", "Ö", "ñ", "ä" ...) is
    legacy whatever the syllables say: "Hé lý 1.200.000 ®" is "Hộ lý 1.200.000 đ",
    though a lone "đ" (đồng) is no syllable.
    """
    if before == after:
        return False
    if any(ord(ch) > 0x7F and ch not in _LATIN1_VIETNAMESE and ch in _ANY_SOURCE for ch in before):
        return False
    return syllable_validity(after) + HURT_MARGIN < syllable_validity(before)


def convert_runs(runs: list[tuple[str, str | None]]) -> str:
    """The text of ``(text, font name)`` runs joined, each converted as :func:`convert_run_texts` says."""
    return "".join(convert_run_texts(runs))


def _move_leading_vni_marks(texts: list[str], encodings: list[str | None]) -> None:
    for i in range(1, len(texts)):
        if encodings[i] != "vni" or encodings[i - 1] != "vni":
            continue
        j = 0
        while j < len(texts[i]) and texts[i][j] in VNI_MARKS:
            j += 1
        if j and texts[i - 1] and texts[i - 1][-1].isalpha():
            texts[i - 1] += texts[i][:j]
            texts[i] = texts[i][j:]
