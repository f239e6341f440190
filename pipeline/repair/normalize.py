"""Text normalisation that keeps an offset map back to the original text.

Text read from PDFs, scans and Word files is messy in ways that break regexes
and matching downstream: decomposed accents, two tone-mark conventions,
Cyrillic letters hiding inside Latin document numbers, typographic quotes and
dashes, exotic spaces, hyphenated line breaks, syllables split by a stray
space. :func:`normalize_text` fixes these and returns a :class:`Normalized`
whose ``origin`` map ties every normalised character back to the original,
so any span found in the clean text can be shown in the text as read.

Each repair is a small public function (``normalize_spaces``,
``fold_homoglyphs``, ``normalize_unicode``, ``normalize_quotes_dashes``,
``repair_hyphenation``, ``repair_split_syllables``, ``normalize_tone_marks``,
``fix_punctuation_spacing``). Each takes a ``str`` or a :class:`Normalized`
and returns a :class:`Normalized`, so it can be tested alone, offsets
included, and :func:`normalize_text` is just their composition.

How offsets are kept: a step describes its changes as non-overlapping edits
``(start, end, replacement)`` on its input; :func:`_apply_edits` turns them
into the new text plus a step map (new index -> input index), and the step map
is composed with the running ``origin``. Steps that change nothing cost one
regex scan and no copying.

Tabs and newlines are structure (table cells, lines) and are kept; the only
step that removes a newline is hyphenation repair, which rejoins a word split
across two lines.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable

import regex

from .syllables import (
    JOIN_TONE,
    ONSETS,
    SPLIT_TONE,
    VOWELS,
    is_vietnamese_syllable,
    split_tone,
)

__all__ = [
    "Normalized",
    "normalize_text",
    "normalize_spaces",
    "fold_homoglyphs",
    "normalize_unicode",
    "normalize_quotes_dashes",
    "repair_hyphenation",
    "repair_split_syllables",
    "normalize_tone_marks",
    "fix_punctuation_spacing",
    "should_join_syllables",
]

# Characters normalisation may drop (spaces, invisible format characters); used
# by ``to_original`` so a span does not swallow dropped characters after it.
_DROPPABLE = frozenset(" \t\n\r\u00a0\u202f\u2007\u205f\u3000\u1680\u200b\u200c\u200d\u2060\ufeff\u00ad") | {
    chr(c) for c in range(0x2000, 0x200B)
}


@dataclass(frozen=True)
class Normalized:
    """Normalised text plus the map back to the original.

    ``origin`` has ``len(text) + 1`` entries: ``origin[i]`` is the index in the
    original string of normalised character ``i`` (for an inserted or merged
    character, the start of what it replaced); ``origin[len(text)]`` is
    ``len(original)``. It is non-decreasing.
    """

    text: str
    origin: list[int]
    original: str = field(default="", repr=False, compare=False)

    @classmethod
    def identity(cls, s: str) -> "Normalized":
        return cls(s, list(range(len(s) + 1)), s)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map the normalised span ``[start, end)`` to a span of the original.

        The end is the original position of the next normalised character,
        pulled back over characters normalisation dropped (collapsed spaces,
        zero-width characters), so "nghệ" in "nghệ , là" → "nghệ, là" maps to
        "nghệ", not "nghệ ".
        """
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span [{start}, {end}) outside text of length {len(self.text)}")
        o_start = self.origin[start]
        if start == end:
            return o_start, o_start
        o_end = self.origin[end]
        if self.original:
            floor = self.origin[end - 1] + 1
            while o_end > floor and self.original[o_end - 1] in _DROPPABLE:
                o_end -= 1
        return o_start, o_end


Edit = tuple[int, int, str]  # replace text[start:end] with the string


def _as_normalized(s: str | Normalized) -> Normalized:
    return s if isinstance(s, Normalized) else Normalized.identity(s)


def _apply_edits(prev: Normalized, edits: Iterable[Edit]) -> Normalized:
    """Apply sorted, non-overlapping edits to ``prev.text``, composing the map.

    A replacement of the same length maps character to character; otherwise
    every replacement character maps to the start of the replaced span, which
    keeps the map monotonic.
    """
    text = prev.text
    origin = prev.origin
    pieces: list[str] = []
    new_origin: list[int] = []
    pos = 0
    for start, end, repl in edits:
        pieces.append(text[pos:start])
        new_origin.extend(origin[pos:start])  # slices: C speed on long unchanged runs
        pieces.append(repl)
        if len(repl) == end - start:
            new_origin.extend(origin[start:end])
        else:
            new_origin.extend([origin[start]] * len(repl))
        pos = end
    if not pieces:
        return prev  # nothing to do
    pieces.append(text[pos:])
    new_origin.extend(origin[pos:])
    return Normalized("".join(pieces), new_origin, prev.original)


def _with_text(prev: Normalized, new_text: str) -> Normalized:
    """For steps that replace characters one for one: same map, new text."""
    if new_text == prev.text:
        return prev
    return Normalized(new_text, prev.origin, prev.original)


# --------------------------------------------------------------------------
# 1. Spaces: exotic spaces and invisible characters, collapse, trim.

_SPACE_LIKE = "\u00a0\u202f\u2007\u205f\u3000\u1680" + "".join(chr(c) for c in range(0x2000, 0x200B))
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
# An odd space or invisible character. A soft hyphen between a letter and a
# line end is a real hyphenation point: it is left for repair_hyphenation.
_ODD = f"[{_SPACE_LIKE}\u200b\u200c\u200d\u2060\ufeff]|\u00ad(?!\r?\n)|" + r"(?<![\p{L}\p{M}])\u00ad"
_SPACES_RE = regex.compile(
    # Only runs that need a change are matched, so the plain single
    # spaces between words (most of the text) cost nothing: runs of 2+, odd
    # characters, and single spaces at a line or cell edge.
    rf"(?: |{_ODD}){{2,}}|{_ODD}"
    r"|(?:^|(?<=[\t\n\r])) | (?=[\t\n\r]|\Z)"
)


def normalize_spaces(s: str | Normalized) -> Normalized:
    """Exotic spaces → " ", zero-width characters and soft hyphens removed,
    runs of spaces collapsed, spaces trimmed at line and tab-cell edges.

    Tabs and newlines are kept as they are: they carry table and line
    structure. A soft hyphen right before a newline is kept for
    :func:`repair_hyphenation`, which rejoins the word or drops it.
    """
    prev = _as_normalized(s)
    text = prev.text
    n = len(text)
    edits: list[Edit] = []
    # Removing an invisible character can make two space runs adjacent
    # ("a \u200b b"), so runs are merged as edits are produced.
    run_start = -1  # start of a pending run of spaces/invisibles
    run_end = -1

    def flush() -> None:
        if run_start < 0:
            return
        chunk = text[run_start:run_end]
        at_edge = run_start == 0 or run_end == n or text[run_start - 1] in "\t\n\r" or text[run_end] in "\t\n\r"
        has_space = any(c not in _INVISIBLE for c in chunk)
        repl = "" if at_edge or not has_space else " "
        if chunk != repl:
            edits.append((run_start, run_end, repl))

    for m in _SPACES_RE.finditer(text):
        if run_start >= 0 and m.start() == run_end:
            run_end = m.end()
        else:
            flush()
            run_start, run_end = m.start(), m.end()
    flush()
    return _apply_edits(prev, edits)


# --------------------------------------------------------------------------
# 2. Look-alike letters from Cyrillic and Greek inside Latin tokens.

_HOMOGLYPHS = {
    # Cyrillic
    "А": "A", "В": "B", "С": "C", "Е": "E", "Н": "H", "І": "I", "Ј": "J", "К": "K",
    "М": "M", "О": "O", "Р": "P", "Ѕ": "S", "Т": "T", "Х": "X", "У": "Y", "Ү": "Y",
    "Ԛ": "Q", "Ԝ": "W", "а": "a", "с": "c", "е": "e", "і": "i", "ј": "j", "о": "o",
    "р": "p", "ѕ": "s", "х": "x", "у": "y", "һ": "h", "ԁ": "d", "ԛ": "q", "ԝ": "w",
    "ӏ": "l",
    # Greek
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
    "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "ο": "o", "ν": "v",
    "α": "a", "ι": "i", "κ": "k", "ρ": "p", "υ": "u",
}
_HOMOGLYPH_TABLE = str.maketrans(_HOMOGLYPHS)
_CYR_GREEK_RE = regex.compile(r"[\p{Script=Cyrillic}\p{Script=Greek}]")
# Tokens end at whitespace and at the punctuation whose spacing
# fix_punctuation_spacing changes, so that step cannot create new mixed tokens.
_TOKEN_RE = regex.compile(r"[^\s,.;:()\[\]!?]+")
_LATIN_OR_DIGIT_RE = regex.compile(r"[\p{Script=Latin}\d]")


def fold_homoglyphs(s: str | Normalized) -> Normalized:
    """Cyrillic/Greek look-alikes inside Latin tokens → Latin ("TT-BTС" → "TT-BTC").

    Only tokens (delimited by whitespace and , . ; : ( ) [ ] ! ?) that also
    contain a Latin letter or a digit, and whose every Cyrillic/Greek letter has a Latin twin, are
    folded: a real Cyrillic or Greek word ("Москва") is left alone.
    """
    prev = _as_normalized(s)
    text = prev.text
    if not _CYR_GREEK_RE.search(text):
        return prev  # the common case: one C-speed scan
    edits: list[Edit] = []
    for m in _TOKEN_RE.finditer(text):
        token = m.group()
        foreign = _CYR_GREEK_RE.findall(token)
        if not foreign or not _LATIN_OR_DIGIT_RE.search(token):
            continue
        if any(c not in _HOMOGLYPHS for c in foreign):
            continue
        edits.append((m.start(), m.end(), token.translate(_HOMOGLYPH_TABLE)))
    return _apply_edits(prev, edits)


# --------------------------------------------------------------------------
# 3. Unicode NFC.

_GRAPHEME_RE = regex.compile(r"\X")


def _diff_edit(old: str, new: str) -> Edit:
    """One edit covering the region where ``old`` and ``new`` differ."""
    lo = 0
    top = min(len(old), len(new))
    while lo < top and old[lo] == new[lo]:
        lo += 1
    hi_old, hi_new = len(old), len(new)
    while hi_old > lo and hi_new > lo and old[hi_old - 1] == new[hi_new - 1]:
        hi_old -= 1
        hi_new -= 1
    return lo, hi_old, new[lo:hi_new]


def normalize_unicode(s: str | Normalized) -> Normalized:
    """Unicode NFC: "a\u0301" → "á", "ê\u0300" → "ề" (precomposed vowel plus a
    separate combining tone mark, common in PDF text layers)."""
    prev = _as_normalized(s)
    text = prev.text
    if unicodedata.is_normalized("NFC", text):
        return prev
    # Normalise grapheme by grapheme so each composed character maps to the
    # start of its own cluster rather than to one big changed region.
    edits: list[Edit] = []
    for m in _GRAPHEME_RE.finditer(text):
        g = m.group()
        if len(g) > 1 or not unicodedata.is_normalized("NFC", g):
            ng = unicodedata.normalize("NFC", g)
            if ng != g:
                edits.append((m.start(), m.end(), ng))
    result = _apply_edits(prev, edits)
    full = unicodedata.normalize("NFC", text)
    if result.text != full:
        # Composition across grapheme boundaries (exotic scripts): fall back
        # to a single coarse edit, still correct, just less precise.
        result = _apply_edits(prev, [_diff_edit(text, full)])
    return result


# --------------------------------------------------------------------------
# 4. Quotes and dashes.

_QUOTES_DASHES = str.maketrans(
    {
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033", '"'),
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032", "'"),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"),
    }
)


_QUOTES_DASHES_RE = regex.compile("[" + "".join(chr(c) for c in _QUOTES_DASHES) + "]")


def normalize_quotes_dashes(s: str | Normalized) -> Normalized:
    """Typographic quotes → '"' or "'", dashes and minus signs → "-".
    The ellipsis "…" is kept (one character, meaningful in templates)."""
    prev = _as_normalized(s)
    if not _QUOTES_DASHES_RE.search(prev.text):
        return prev
    return _with_text(prev, prev.text.translate(_QUOTES_DASHES))


# --------------------------------------------------------------------------
# 5. Syllable joins (shared by hyphenation and split-syllable repair).

# Vowel letters with any tone mark, to test "starts with a vowel".
VOWELS_ANY_TONE = frozenset(c for c, (base, _) in SPLIT_TONE.items() if base in VOWELS)


def _case_ok(word: str) -> bool:
    """A real word is all lower, all upper or Title case; a join that yields
    "lụcI" or "bĐiều" is two words."""
    return word.islower() or word.isupper() or word.istitle()


def _has_tone(word: str) -> bool:
    parts = split_tone(word)
    return bool(parts and parts[1])


# Word pairs repeat a lot ("nhân dân", "Ủy ban"). 8,192 pairs answer as fast as 65,536 over the legal database
# (the syllable test below is cached itself); the larger cache held 21 MB after 316 documents.
@lru_cache(maxsize=1 << 13)
def should_join_syllables(left: str, right: str) -> bool:
    """Should two letter runs separated by a space or a line-end hyphen be one syllable?

    Only if the joined form is a valid syllable and the split looks
    accidental: one side is not a syllable on its own ("ĐIỀ U", "Q UYẾT",
    "HỢ P"), or the right side is a toned bare rhyme after a toneless left side
    ("NGHI ỆP", "THU Ế"), which is where PDF extraction splits before an
    accented glyph. "cho ăn" (toneless right) and "phát triển" (invalid join)
    stay apart.
    """
    # Cheap tests first: this runs on every pair of neighbouring words.
    if len(left) + len(right) > 8:
        return False
    left_ok = is_vietnamese_syllable(left)
    right_ok = is_vietnamese_syllable(right)
    if left_ok and right_ok:
        if right[0] not in VOWELS_ANY_TONE or _has_tone(left) or not _has_tone(right):
            return False
        if len(right) == 1 and _tone_on_glide(left[-1], right):
            return False
    elif len(left) == 1 and left.islower() and right[0] not in VOWELS_ANY_TONE:
        # A lone lowercase letter is a list label ("điểm c hoặc d"), not an onset.
        return False
    joined = left + right
    return _case_ok(joined) and is_vietnamese_syllable(joined)



def _tone_on_glide(prev: str, last: str) -> bool:
    """Would the tone sit where Vietnamese never puts it, if ``last`` (a toned
    vowel) ended the syllable after the vowel ``prev``? On a final glide
    ("gia ý" → "giaý", the tone belongs on a) or on the a of ia/ua/ưa ("kià")."""
    p = SPLIT_TONE.get(prev.lower(), ("", ""))[0]
    t = SPLIT_TONE[last.lower()][0]
    if t in "iyou" and p in VOWELS and not (p == "u" and t == "y"):
        return True
    return t == "a" and p in "iuư"


# A letter run not glued to digits or underscores ("5a" is not a syllable).
_WORD = r"(?<![\p{L}\p{M}\p{N}_])[\p{L}\p{M}]+(?![\p{L}\p{M}\p{N}_])"
_WORD_RE = regex.compile(_WORD)


# --------------------------------------------------------------------------
# 6. Hyphenation at line ends.

_LINE_END_HYPHEN_RE = regex.compile(r"(?<=[\p{L}\p{M}])[-\u00ad](\r?\n)(?=[\p{L}])")
_WORD_BEFORE_RE = regex.compile(_WORD + r"\Z")
_WORD_AT_RE = regex.compile(_WORD)


def _hyphenation_edits(text: str) -> list[Edit]:
    edits: list[Edit] = []
    last_end = -1
    for m in _LINE_END_HYPHEN_RE.finditer(text):
        # The letter run before the hyphen (bounded by the line start) and after the newline.
        line_start = max(text.rfind("\n", 0, m.start()), text.rfind("\r", 0, m.start())) + 1
        left = _WORD_BEFORE_RE.search(text, line_start, m.start())
        right = _WORD_AT_RE.match(text, m.end())
        if not left or not right:
            continue
        if left.start() < last_end:
            # The left word is the right word of a previous repair ("a-\nb-\nc");
            # decide this one on the next round, with the merged word.
            continue
        lw, rw = left.group(), right.group()
        if should_join_syllables(lw, rw):
            edits.append((m.start(), m.end(), ""))  # "tri-\nển" → "triển"
        elif is_vietnamese_syllable(lw) and is_vietnamese_syllable(rw):
            edits.append((m.start(), m.end(), " "))  # "phát-\ntriển" → "phát triển"
        elif text[m.start()] == "\u00ad":
            edits.append((m.start(), m.start() + 1, ""))  # an invisible soft hyphen: drop it
            continue
        else:
            continue  # "NĐ-\nCP", foreign words: leave alone
        last_end = right.end()
    return edits


def repair_hyphenation(s: str | Normalized) -> Normalized:
    """Rejoin words hyphenated across a line break.

    Vietnamese syllables are words of their own, so a hyphen inside a syllable
    ("tri-\\nển") is removed with the newline, and a hyphen between two complete
    syllables ("phát-\\ntriển") becomes a space. Anything else ("NĐ-\\nCP",
    "COVID-\\n19") is kept. A soft hyphen (U+00AD) at a line end is treated
    the same way, and dropped where nothing is rejoined.
    """
    result = _as_normalized(s)
    if "\n" not in result.text:
        return result
    while True:
        edits = _hyphenation_edits(result.text)
        if not edits:
            break
        result = _apply_edits(result, edits)
    # Soft hyphens at line ends that were no hyphenation point (normalize_spaces
    # removed all others): invisible, so drop them.
    text = result.text
    if "\u00ad" in text:
        result = _apply_edits(result, [(i, i + 1, "") for i, c in enumerate(text) if c == "\u00ad"])
    return result


# --------------------------------------------------------------------------
# 7. Syllables split by a stray space.

def _split_syllable_spaces(text: str, start: int, end: int, removed: list[int]) -> None:
    """Collect the indices of stray spaces in ``text[start:end]`` into ``removed``."""
    stack: list[tuple[int, int, str]] = []  # (start, end, word) of merged words
    for m in _WORD_RE.finditer(text, start, end):
        w_start, w_end = m.span()
        word = m.group()
        # Merge while the word on the left is one space away and joinable;
        # re-checking the merged word against its left neighbour makes the
        # result a fixed point, so normalising twice changes nothing.
        while stack:
            top_start, top_end, top_word = stack[-1]
            if top_end + 1 != w_start or text[top_end] != " " or not should_join_syllables(top_word, word):
                break
            stack.pop()
            removed.append(top_end)
            w_start, word = top_start, top_word + word
        stack.append((w_start, w_end, word))


# Two letter runs one space apart, short enough to be one syllable together (at most 8 letters):
# the only places a stray space can be. The second run is a look-ahead, so pairs overlap.
_PAIR_RE = regex.compile(r"(?<![\p{L}\p{M}\p{N}_])([\p{L}\p{M}]{1,7}) (?=([\p{L}\p{M}]{1,7})(?![\p{L}\p{M}\p{N}_]))")


def _may_join(text: str) -> bool:
    """Is there a pair of words one space apart that :func:`should_join_syllables` joins?
    (One C scan and a cached test per pair: most lines have none, and skip the merging.)"""
    return any(len(a) + len(b) <= 8 and should_join_syllables(a, b) for a, b in _PAIR_RE.findall(text))


def repair_split_syllables(s: str | Normalized) -> Normalized:
    """Remove a stray space inside a syllable: "ĐIỀ U" → "ĐIỀU", "NGHI ỆP" →
    "NGHIỆP", "Q UYẾT" → "QUYẾT" (see :func:`should_join_syllables`)."""
    prev = _as_normalized(s)
    text = prev.text
    if not _may_join(text):
        return prev
    removed: list[int] = []
    _split_syllable_spaces(text, 0, len(text), removed)
    if not removed:
        return prev
    removed.sort()
    return _apply_edits(prev, [(i, i + 1, "") for i in removed])


# --------------------------------------------------------------------------
# 8. Tone-mark placement.

# Old-style placement: tone on the second vowel of an open oa / oe / uy rhyme.
# Anchored on the (rare) toned letter so the scan is cheap; match starts at the o/u.
_OLD_TONE_RE = regex.compile(
    r"[oO](?=[àáảãạÀÁẢÃẠèéẻẽẹÈÉẺẼẸ](?![\p{L}\p{M}]))|[uU](?=[ỳýỷỹỵỲÝỶỸỴ](?![\p{L}\p{M}]))"
)


def normalize_tone_marks(s: str | Normalized) -> Normalized:
    """Use one tone-mark placement: the one in current government templates.

    For the open rhymes oa, oe, uy (nothing after the vowel pair) the tone
    sits on the o / u: "hoà" → "hòa", "khoẻ" → "khỏe", "thuỷ" → "thủy",
    "UỶ" → "ỦY". With a final consonant ("hoàn", "thuyết") the tone is on the
    main vowel in both conventions and is kept. The rule works on the
    syllable: the letters before the vowel pair must form a valid onset, so
    "quỳ" (qu + ỳ) and non-Vietnamese words are left alone.
    """
    prev = _as_normalized(s)
    text = prev.text
    edits: list[Edit] = []
    for m in _OLD_TONE_RE.finditer(text):
        start = m.start()
        word_start = start
        while word_start > 0 and (text[word_start - 1].isalpha() or unicodedata.combining(text[word_start - 1])):
            word_start -= 1
        onset = text[word_start:start].lower()
        # "quỳ", "quý": the u belongs to the onset qu, the tone is on the main vowel.
        if onset not in ONSETS or onset == "q":
            continue
        first, _ = SPLIT_TONE[text[start]]
        second, tone = SPLIT_TONE[text[start + 1]]
        edits.append((start, start + 2, JOIN_TONE[(first, tone)] + second))
    return _apply_edits(prev, edits)


# --------------------------------------------------------------------------
# 9. Spaces around punctuation.

_PUNCT_SPACE_RE = re.compile(
    # A space before closing punctuation that ends a phrase (followed by
    # whitespace or the end of the text) ...
    r" (?=[,.;:)\]!?](?:\s|\Z))"
    # ... and a space after an opening bracket.
    r"|(?<=[(\[]) "
)


def _is_number_gap(text: str, i: int) -> bool:
    """The space at ``i`` sits inside a spaced-out number: "1 . 000", "3 , 5"."""
    return i > 0 and text[i - 1].isdigit() and text[i + 1] in ".," and text[i + 2 : i + 3] == " " and text[i + 3 : i + 4].isdigit()


def fix_punctuation_spacing(s: str | Normalized) -> Normalized:
    """ "công nghệ , là" → "công nghệ, là", "( a )" → "(a)"; "1 . 000" is kept."""
    prev = _as_normalized(s)
    text = prev.text
    edits = [
        (m.start(), m.end(), "")
        for m in _PUNCT_SPACE_RE.finditer(text)
        if not _is_number_gap(text, m.start())
    ]
    return _apply_edits(prev, edits)


# --------------------------------------------------------------------------

_STEPS = (
    normalize_spaces,  # first: later steps rely on single spaces and trimmed lines
    fold_homoglyphs,  # before NFC, so a folded letter composes with its accent
    normalize_unicode,
    normalize_quotes_dashes,  # before hyphenation: "–\n" is a line-end hyphen too
    # split syllables before hyphenation: "U-\nx ăn" must be judged as "U-\nxăn" (two whole
    # syllables), or a second pass would change what the first produced
    repair_split_syllables,
    repair_hyphenation,
    normalize_tone_marks,  # after joins, so a rejoined "ho à" gets "hòa"
    fix_punctuation_spacing,
)


def normalize_text(s: str) -> Normalized:
    """Run every normalisation step; see the module docstring."""
    result = Normalized.identity(s)
    for step in _STEPS:
        result = step(result)
    return result
