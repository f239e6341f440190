"""Repair PDF text layers whose fonts map glyph codes to the wrong characters.

The typical case (``laocai_kh1105_2026_kiem_tra_vlncn_GARBLED.pdf``): Word
exported the document, Ghostscript re-embedded its Times New Roman fonts as
``CID TrueType / Identity-H`` subsets *without a ToUnicode map*. The codes in
the content stream are then the font's glyph ids. pdfplumber shows them as
``(cid:55)``; pdftotext and pypdfium2 pretend the glyph id is the Unicode code
point and print ``7KӵF KLӋQ`` for "Thực hiện". Measured on that file:

* ASCII letters, digits and punctuation sit at ``glyph id = code point - 29``
  (the TrueType standard order: glyph 3 is the space), so "7" (55) is "T" (84);
* Latin-1 letters (á à â ã é ê í ó ô õ ú ý ...) follow the Macintosh standard
  glyph order (glyph 105 = aacute, 109 = atilde ...);
* the precomposed Vietnamese letters U+1EA0..U+1EF9 form one contiguous block
  (glyph 1227 = ệ U+1EC7, 1269 = ự U+1EF1: offset 6652 in the regular font);
* a handful of letters lie outside these runs (đ 255, Đ 264, ơ 1131, ư 1133 in
  the regular font; other numbers in the italic and bold fonts).

The embedded fonts carry no cmap and no glyph names (``post`` format 3), so the
mapping cannot be read from the font: it is *learned from the text* per font,
by choosing, at each step, the mapping under which most words are valid
Vietnamese syllables (:func:`pipeline.repair.syllables.is_vietnamese_syllable`):

1. a constant offset for the ASCII run (tried over -64..64; 29 here);
2. when that offset is the glyph-order one (29), the Macintosh standard glyph
   order for the Latin-1 letters, as a prior;
3. one offset that places the remaining high codes in the U+1EA0..U+1EF9 block;
4. coordinate ascent: each still-unknown (or doubtful) code is given the
   Vietnamese letter that makes the most of its words valid.

The repair is accepted only when the learned text is good (syllable validity
of the repaired fonts' words >= ``MIN_REPAIRED_VALIDITY``) and nearly every
glyph occurrence got a character; otherwise :func:`read_pdf_repaired` returns
None and the caller must OCR the pages.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from fontTools.agl import toUnicode
from fontTools.ttLib.standardGlyphOrder import standardGlyphOrder

from pipeline.model import RawDocument
from pipeline.repair.known_syllables import is_known_syllable
from pipeline.repair.syllables import SPLIT_TONE, is_vietnamese_syllable, syllable_validity

# A font is "garbled" when fewer of its words than this are valid syllables.
GARBLED_BELOW = 0.6
# A repair is kept only if the repaired words reach this validity ...
MIN_REPAIRED_VALIDITY = 0.9
# ... and at most this share of the repaired fonts' glyph occurrences stay unknown.
MAX_UNKNOWN_SHARE = 0.01
# The glyph-order offset of TrueType fonts (glyph 3 = U+0020).
GLYPH_ORDER_OFFSET = 29
UNKNOWN = "\ufffd"

_VN_BLOCK = range(0x1EA0, 0x1EFA)
_CID = re.compile(r"^\(cid:(\d+)\)$")
# Every Vietnamese letter (with and without marks), the candidates for an unknown glyph.
# Lowercase first: on a tie (a letter seen only word-initially) lowercase is likelier.
_LETTERS = sorted(set(SPLIT_TONE) | set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"),
                  key=lambda ch: (ch.isupper(), ch))

Key = tuple[str, int]  # (font name, code)
Mapping = dict[int, str]


# --------------------------------------------------------------------------
# Glyphs and words
# --------------------------------------------------------------------------
def char_code(text: str) -> int | None:
    """The font code behind a pdfplumber character: ``(cid:55)`` -> 55, "7" -> 55."""
    m = _CID.match(text)
    if m:
        return int(m.group(1))
    return ord(text) if len(text) == 1 else None


@dataclass
class Glyphs:
    """The text of a document as words of glyphs, for learning the mappings.

    A word is a list of items; an item is a ``(font, code)`` key when its
    font is being repaired, or a literal character otherwise.
    """

    words: list[list[Key | str]] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)  # key -> occurrences


def _split_words(chars: list[dict], garbled: set[str]) -> list[list[Key | str]]:
    """Cut the page's characters (content-stream order) into words at spaces and gaps."""
    words: list[list[Key | str]] = []
    current: list[Key | str] = []
    prev = None
    for ch in chars:
        font = ch.get("fontname", "")
        code = char_code(ch["text"]) if font in garbled else None
        item: Key | str = (font, code) if code is not None else ch["text"]
        is_space = (code == 3) if font in garbled else not ch["text"].strip()
        gap = prev is not None and (
            abs(ch["top"] - prev["top"]) > 0.5 * ch["size"]
            or ch["x0"] - prev["x1"] > 0.2 * ch["size"]
            or ch["x0"] < prev["x0"] - 0.5
        )
        if (is_space or gap) and current:
            words.append(current)
            current = []
        if not is_space:
            current.append(item)
        prev = ch
    if current:
        words.append(current)
    return words


def collect_glyphs(pages_chars: list[list[dict]], garbled: set[str]) -> Glyphs:
    glyphs = Glyphs()
    for chars in pages_chars:
        for word in _split_words(chars, garbled):
            if any(isinstance(i, tuple) for i in word):
                glyphs.words.append(word)
                glyphs.counts.update(i for i in word if isinstance(i, tuple))
    return glyphs


def garbled_fonts(pages_chars: list[list[dict]]) -> set[str]:
    """Fonts whose characters are unmapped ``(cid:N)`` codes or read as non-Vietnamese."""
    by_font: dict[str, list[str]] = defaultdict(list)
    cids: Counter = Counter()
    for chars in pages_chars:
        for ch in chars:
            by_font[ch.get("fontname", "")].append(ch["text"])
            cids[ch.get("fontname", "")] += bool(_CID.match(ch["text"]))
    out = set()
    for font, texts in by_font.items():
        if cids[font] > 0.5 * len(texts):
            out.add(font)
        elif len(texts) >= 50 and syllable_validity("".join(texts)) < GARBLED_BELOW:
            out.add(font)  # a wrong ToUnicode map: "7KӵF KLӋQ"
    return out


# --------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------
# Letters, with unknown glyphs kept inside the run they interrupt.
_LETTER_RUN = re.compile(r"(?:[^\W\d_]|\ufffd)+")


# A syllable in which unknown glyphs ("?") may stand for any vowel or the onset:
# "Th?c" and "??nh" are plausible, "Qy?x" is not. Lets partial mappings be scored.
_PLAUSIBLE = re.compile(
    r"^(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx]|\?)?"
    r"[aăâeêioôơuưy?]{1,3}"
    r"(?:ng|nh|ch|[cmnpt])?$"
)


def _casing_ok(run: str) -> bool:
    letters = run.replace(UNKNOWN, "")
    if not letters:
        return True
    return letters.islower() or letters.isupper() or (run[0].isupper() and run[1:].replace(UNKNOWN, "").islower())


@lru_cache(maxsize=1 << 17)  # the search decodes the same words again and again under trial mappings
def _word_score(text: str) -> int:
    """How much evidence a decoded word gives for the mapping.

    Each known letter counts 2 in a word whose letter runs are all syllables
    with sane casing, 1 in a word that could become so once its unknown glyphs
    are known, 0 in a word that cannot. Weighting by *known* letters keeps a
    mapping that turns letters into punctuation or unknowns from scoring well.
    """
    runs = _LETTER_RUN.findall(text)
    if not runs:
        return 0
    full = True
    known = 0
    for run in runs:
        if not _casing_ok(run):
            return 0
        if UNKNOWN in run:
            if not _PLAUSIBLE.match(run.lower().replace(UNKNOWN, "?")):
                return 0
            full = False
        elif not is_vietnamese_syllable(run):
            if run.isupper() and len(run) <= 5 and run.isascii():
                continue  # an abbreviation ("UBND"): allowed, but no evidence either way
            return 0
        known += len(run) - run.count(UNKNOWN)
    return 2 * known if full else known


def _decode(word: list[Key | str], mapping: dict[Key, str]) -> str:
    get = mapping.get
    return "".join([get(i, UNKNOWN) if i.__class__ is tuple else i for i in word])


def _score(words: list[list[Key | str]], mapping: dict[Key, str]) -> int:
    """Valid words count 2, words that may become valid once their unknown glyphs are known 1."""
    return sum(_word_score(_decode(w, mapping)) for w in words)


@lru_cache(maxsize=1 << 17)
def _is_known_word(text: str) -> bool:
    """Does a decoded word spell syllables Vietnamese uses (not only well formed)? The tie-breaker
    between "Nơi" and "Nũi" (see :mod:`pipeline.repair.known_syllables`)."""
    runs = _LETTER_RUN.findall(text)
    return bool(runs) and all(UNKNOWN not in r and is_known_syllable(r) for r in runs)


def _vocabulary(words: list[list[Key | str]], mapping: dict[Key, str]) -> frozenset[str]:
    """Lower-cased words that decode to valid syllables and occur at least twice."""
    seen = Counter(_decode(w, mapping).lower() for w in words)
    return frozenset(t for t, n in seen.items() if n >= 2 and UNKNOWN not in t and _word_score(t) > 0)


# --------------------------------------------------------------------------
# Learning
# --------------------------------------------------------------------------
def _mac_standard(code: int) -> str | None:
    """The character of glyph ``code`` in the Macintosh standard glyph order."""
    if 0 <= code < len(standardGlyphOrder):
        text = toUnicode(standardGlyphOrder[code])
        if len(text) == 1 and text.isprintable():
            return text
    return None


def _best_offset(font: str, codes: list[int], words, mapping: dict[Key, str], target: range) -> int | None:
    """The offset k maximising valid words when code -> chr(code + k) for codes landing in ``target``."""
    best, best_score = None, _score(words, mapping)
    for k in sorted({t - c for c in codes for t in target}):
        trial = dict(mapping)
        for c in codes:
            if c + k in target:
                trial[(font, c)] = chr(c + k)
        score = _score(words, trial)
        if score > best_score:
            best, best_score = k, score
    return best


def _ascii_offset(font: str, codes: list[int], words, mapping: dict[Key, str]) -> int | None:
    """The constant shift of the printable-ASCII run.

    The glyph-order shift (29) is the usual cause, so it is kept unless another
    shift is clearly better: a font with few words can otherwise be fitted by
    a wrong shift that happens to make its short words valid.
    """
    scores = {}
    for k in range(-64, 65):
        trial = dict(mapping)
        for c in codes:
            if 0x20 < c + k < 0x7F:
                trial[(font, c)] = chr(c + k)
        scores[k] = _score(words, trial)
    best = max(scores, key=scores.get)
    if scores[best] == 0:
        return None
    if scores[GLYPH_ORDER_OFFSET] >= 0.9 * scores[best]:
        return GLYPH_ORDER_OFFSET
    return best


def _ascent(keys: list[Key], words_of: dict[Key, list], mapping: dict[Key, str],
            excluded: dict[str, set[str]], vocab: frozenset[str], structured: set[Key],
            rounds: int = 3) -> None:
    """Give each key the letter that makes most of its words valid (in place).

    A font draws each letter with one glyph, so a letter already produced by
    another code of the same font, or one whose code is known from the font's
    ASCII run (``excluded``), is not a candidate. That is what tells "đ" from
    "b" or "ă" from "a", which the shape of a syllable alone cannot.

    Candidates are ranked by: valid words; words that are syllables in use
    ("Nơi" rather than the well-formed "Nũi"); agreeing with the letter the same
    code has in another font (fonts of one family share their glyph order);
    keeping a letter placed by a structured run (``structured``: the Mac order,
    the U+1EA0 block); words the document spells elsewhere (``vocab``); then
    lowercase first.
    """
    for _ in range(rounds):
        changed = False
        for key in keys:
            words = words_of[key]
            current = mapping.get(key)
            taken = {ch for (f, c), ch in mapping.items() if f == key[0] and c != key[1]}
            taken |= excluded.get(key[0], set())
            if key[1] >= len(standardGlyphOrder):
                taken |= excluded.get((key[0], "mac"), set())
            siblings = {ch for (f, c), ch in mapping.items() if c == key[1] and f != key[0]}

            def rank(letter: str) -> tuple:
                # valid words, words in use (_is_known_word), a sibling font's letter, a structured run's
                # letter kept, words the document spells elsewhere; each word decoded once
                mapping[key] = letter
                decoded = [_decode(w, mapping) for w in words]
                return (sum(map(_word_score, decoded)), sum(map(_is_known_word, decoded)), letter in siblings,
                        key in structured and letter == current, sum(t.lower() in vocab for t in decoded))

            best, best_rank = None, None
            for letter in ([current] if current and current not in taken else []) + _LETTERS:
                if letter in taken or (letter == current and best is not None):
                    continue
                r = rank(letter)
                if best_rank is None or r > best_rank:
                    best, best_rank = letter, r
            if best is None:
                mapping.pop(key, None)
            else:
                mapping[key] = best
            changed |= best != current
        if not changed:
            break


def _sibling_pass(glyphs: Glyphs, mapping: dict[Key, str], words_of: dict[Key, list]) -> None:
    """Let a font adopt, all at once, the letters another font gives the same codes.

    Fonts of one family (regular and bold Times New Roman) share their glyph
    order. A word seen once ("THƯƠNG" in the regular font) can sit in a local
    optimum of the letter-by-letter ascent ("THỌĂNG"); the letters learned from
    the font that uses those codes more often are adopted when they leave the
    words at least as valid.
    """
    fonts = sorted({f for f, _ in glyphs.counts})
    for font in fonts:
        for other in fonts:
            if other == font:
                continue
            differ = [(font, c) for f, c in glyphs.counts if f == font
                      and (other, c) in mapping and mapping.get((font, c)) != mapping[(other, c)]
                      and glyphs.counts[(other, c)] >= glyphs.counts[(font, c)]]
            if not differ:
                continue
            words = list({id(w): w for key in differ for w in words_of[key]}.values())
            before = _score(words, mapping)
            trial = dict(mapping)
            for key in differ:
                trial[key] = mapping[(other, key[1])]
            if _score(words, trial) >= before and len(set(trial[k] for k in differ)) == len(differ):
                mapping.update({key: trial[key] for key in differ})


def detect_shift(glyphs: Glyphs) -> dict[str, Mapping]:
    """Learn, per font, the code -> character mapping that makes the words Vietnamese.

    Returns ``{font: {code: char}}``; codes that could not be resolved are absent.
    """
    _word_score.cache_clear()  # the verdicts cached are this search's words, not the last document's
    _is_known_word.cache_clear()
    fonts = sorted({k[0] for k in glyphs.counts})
    words_of: dict[Key, list] = defaultdict(list)
    for w in glyphs.words:
        for key in {i for i in w if isinstance(i, tuple)}:
            words_of[key].append(w)
    mapping: dict[Key, str] = {}
    excluded: dict = {}  # font -> letters; (font, "mac") -> letters
    for font in fonts:
        codes = sorted(c for f, c in glyphs.counts if f == font)
        words = [w for w in glyphs.words if any(isinstance(i, tuple) and i[0] == font for i in w)]
        k = _ascii_offset(font, codes, words, mapping)
        if k is None:
            continue
        mapping[(font, 0x20 - k)] = " "
        for c in codes:
            if 0x20 < c + k < 0x7F:
                mapping[(font, c)] = chr(c + k)
        # The ASCII letters live in the shifted run: no other code draws them.
        excluded[font] = {chr(c) for c in range(0x21, 0x7F) if chr(c).isalpha()}
        if k == GLYPH_ORDER_OFFSET:
            # Codes past the standard order cannot be letters the order places.
            excluded[(font, "mac")] = {ch for c in range(len(standardGlyphOrder))
                                       if (ch := _mac_standard(c)) and ch.isalpha()}
            # Glyph ids: the Latin-1 letters mostly follow the Macintosh standard
            # order (a prior only: the ascent below re-checks every one of them).
            for c in codes:
                ch = _mac_standard(c)
                if (font, c) not in mapping and ch and ch.isalpha():
                    mapping[(font, c)] = ch
        high = [c for c in codes if (font, c) not in mapping and c >= 256]
        high_words = [w for w in words if any(isinstance(i, tuple) and i[0] == font and i[1] in high for i in w)]
        block = _best_offset(font, high, high_words, mapping, _VN_BLOCK)
        if block is not None:
            for c in high:
                if c + block in _VN_BLOCK:
                    mapping[(font, c)] = chr(c + block)
    # Codes still unknown first, then every non-ASCII guess, letter by letter.
    doubtful = [key for key in glyphs.counts
                if key not in mapping or not (0x20 <= ord(mapping[key]) < 0x7F)]
    doubtful.sort(key=lambda key: (key in mapping, -glyphs.counts[key]))
    structured = set(mapping)
    _ascent(doubtful, words_of, mapping, excluded, _vocabulary(glyphs.words, mapping), structured)
    _sibling_pass(glyphs, mapping, words_of)
    # Once more with the vocabulary of the (now mostly right) decoded text.
    _ascent(doubtful, words_of, mapping, excluded, _vocabulary(glyphs.words, mapping), structured, rounds=1)
    out: dict[str, Mapping] = defaultdict(dict)
    for (font, code), ch in mapping.items():
        out[font][code] = ch
    return dict(out)


def repaired_quality(glyphs: Glyphs, mappings: dict[str, Mapping]) -> tuple[float, float]:
    """(share of valid words, share of unknown glyph occurrences) under ``mappings``."""
    flat = {(f, c): ch for f, m in mappings.items() for c, ch in m.items()}
    text = " ".join(_decode(w, flat) for w in glyphs.words)
    total = sum(glyphs.counts.values())
    unknown = sum(n for key, n in glyphs.counts.items() if key not in flat)
    return syllable_validity(text.replace(UNKNOWN, "?")), unknown / max(1, total)


def repair_page_text(chars: list[dict], mappings: dict[str, Mapping]) -> None:
    """Rewrite the ``text`` of pdfplumber character dicts in place with the learned mappings."""
    for ch in chars:
        table = mappings.get(ch.get("fontname", ""))
        if table is None:
            continue
        code = char_code(ch["text"])
        if code is not None:
            ch["text"] = table.get(code, UNKNOWN)


def repair_text(words: list[list[Key | str]], mappings: dict[str, Mapping]) -> str:
    """The words decoded with ``mappings`` (for tests and diagnostics)."""
    flat = {(f, c): ch for f, m in mappings.items() for c, ch in m.items()}
    return " ".join(unicodedata.normalize("NFC", _decode(w, flat)) for w in words)


# --------------------------------------------------------------------------
# Reading a PDF with the repair
# --------------------------------------------------------------------------
def read_pdf_repaired(path: Path) -> RawDocument | None:
    """Read a PDF whose fonts have broken code maps, undoing a consistent mapping.

    Returns None when no font is garbled or the learned mapping is not reliable
    (then the caller should OCR). Pages come back with ``source="repaired"``.
    Line/paragraph building is that of :mod:`pipeline.read.pdf`.
    """
    import pdfplumber

    from pipeline.read import pdf as pdfreader

    path = Path(path)
    pdfreader._check_bytes(path)
    with pdfplumber.open(path) as pdf:
        pages = list(pdf.pages)
        pages_chars = [list(p.chars) for p in pages]
        garbled = garbled_fonts(pages_chars)
        if not garbled:
            return None
        glyphs = collect_glyphs(pages_chars, garbled)
        mappings = detect_shift(glyphs)
        validity, unknown = repaired_quality(glyphs, mappings)
        if validity < MIN_REPAIRED_VALIDITY or unknown > MAX_UNKNOWN_SHARE:
            return None
        data = []
        for page, chars in zip(pages, pages_chars):
            repair_page_text(chars, {f: m for f, m in mappings.items() if f in garbled})
            data.append(pdfreader._read_page(page))  # reads the repaired char dicts
            page.close()
    warnings = [
        f"repaired broken font encoding ({len(garbled)} font(s)); "
        f"{validity:.0%} of repaired words are valid syllables"
    ]
    for p in data:
        text = " ".join(r.text for r in p.rows) + " " + " ".join(" ".join(row) for t in p.tables for row in t.rows)
        p.quality = round(pdfreader.text_layer_quality(text), 3) if text.strip() else None
    pdfreader._drop_running_lines(data)
    built = pdfreader._build_pages(data)
    for page in built:
        page.source = "repaired"
    return RawDocument(pages=built, format="pdf", warnings=warnings)
