"""Repair the few wrong letters of a text layer that otherwise reads well.

Some PDFs print "ư" as "ƣ" (U+01A3, Latin "oi") and "Ò" as "Õ" ("BỘ CÔNG THƢƠNG",
"CỘNG HÕA") in otherwise good text: the ToUnicode map a PDF tool wrote for a font
gives one or two of its glyphs the wrong character. The text is not garbled enough
for :mod:`pipeline.repair.font_shift` (almost every word is a valid syllable), so
the broken letters are found glyph by glyph, per font, and repaired with the same
syllable-validity reasoning:

1. **Suspect glyphs** (from the fonts alone, before any page is read): a glyph whose
   ToUnicode letter is not a Vietnamese letter ("ƣ"); or a glyph that the embedded
   font program's own character map names differently (cid 209 is "Ò" in the
   font's ``cmap`` table, "Õ" in the ToUnicode map).
2. **Candidates**: the letters the font program names for the glyph; for a
   non-Vietnamese letter without that evidence, every Vietnamese letter of the same
   case that no other glyph of the font already draws (a font draws each letter
   with one glyph: that is what tells "ư" from "ơ").
3. **Decision**: the candidate under which most of the words printed with the glyph
   (at least ``MIN_VALID_SHARE``) are valid Vietnamese syllables (:func:`pipeline.repair.syllables.is_vietnamese_syllable`).
   It replaces the printed letter when it makes more words valid ("hƣớng" is no
   syllable, "hướng" is), or as many while being what the font program itself says
   the glyph is ("HÕA" and "HÒA" are both well formed; the glyph is "Ò").

The fix is made in pdfminer's decoded ToUnicode map of each font, so every page is
then read with the right letters and nothing else changes.
"""
from __future__ import annotations

import io
import re
import struct
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from pdfminer.pdftypes import PDFStream, resolve1

from pipeline.repair.known_syllables import is_known_syllable
from pipeline.repair.legacy_encodings import encoding_for_font
from pipeline.repair.syllables import SPLIT_TONE, is_vietnamese_syllable

_LETTER_RUN = re.compile(r"[^\W\d_]+")
# A font with more suspect glyphs than this is not "a few wrong letters" (a legacy
# encoding, a symbol font, a cmap that does not describe the glyph ids): left alone.
MAX_SUSPECTS = 4
# The chosen letter must make at least this share of the glyph's words valid syllables.
MIN_VALID_SHARE = 0.8
# Vietnamese letters, lower and upper case: the candidates for a glyph with no other evidence.
_VIETNAMESE = frozenset(SPLIT_TONE) | frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


@dataclass
class Suspect:
    """One glyph of one font whose ToUnicode letter may be wrong."""

    font: object  # pdfminer's PDFFont (its unicode map is fixed in place)
    fontname: str
    cid: int
    printed: str
    named: list[str] = field(default_factory=list)  # what the embedded font's cmap calls the glyph
    fixed: str | None = None


def _is_foreign_letter(ch: str) -> bool:
    return len(ch) == 1 and ch.isalpha() and not ch.isascii() and ch not in _VIETNAMESE


def font_program(spec: dict) -> bytes | None:
    """The embedded TrueType program of a Type0 font (its descendant's FontFile2), or None."""
    try:
        descendant = resolve1(resolve1(spec["DescendantFonts"])[0])
        program = resolve1(resolve1(descendant["FontDescriptor"]).get("FontFile2"))
        return program.get_data() if isinstance(program, PDFStream) else None
    except Exception:  # a broken font dictionary is simply no evidence
        return None


def _font_cmap(spec: dict) -> dict[int, list[str]] | None:
    """glyph id -> characters, from the embedded TrueType program of a Type0 font (None without one)."""
    data = font_program(spec)
    if data is None:
        return None
    fast = _format4_cmap(data)
    return fast if fast is not _UNSURE else _fonttools_cmap(data)


def _fonttools_cmap(data: bytes) -> dict[int, list[str]] | None:
    """`_font_cmap` by fontTools: its best Unicode cmap, code -> glyph name -> glyph id."""
    from fontTools.ttLib import TTFont

    try:
        font = TTFont(io.BytesIO(data), lazy=True)
        best = font["cmap"].getBestCmap() if "cmap" in font else None
        if not best:
            return None
        out: dict[int, list[str]] = defaultdict(list)
        for code, name in best.items():
            out[font.getGlyphID(name)].append(chr(code))
        return out
    except Exception:  # a broken or unusual font program is simply no evidence
        return None


_UNSURE = object()  # the fast reader's "ask fontTools"
# fontTools' getBestCmap order of (platform, encoding) pairs (HarfBuzz's)
_CMAP_PREFERENCES = ((3, 10), (0, 6), (0, 4), (3, 1), (0, 3), (0, 2), (0, 1), (0, 0))


def _format4_cmap(data: bytes):
    """`_fonttools_cmap` for the common case, read directly (a tenth of the time: no glyph names): a
    TrueType program whose best Unicode subtable has format 4, as Word and most PDF makers embed.
    Anything else, or anything odd, is `_UNSURE` and left to fontTools, so the answer is always its.
    Glyph ids come straight from the subtable; fontTools' detour through unique glyph names gives
    the same ids back (tests/test_glyph_map.py compares the two over every font of the corpus)."""
    try:
        if data[:4] not in (b"\x00\x01\x00\x00", b"true"):
            return _UNSURE
        (count,) = struct.unpack_from(">H", data, 4)
        tables = {}
        for n in range(count):
            tag, _, offset, length = struct.unpack_from(">4sLLL", data, 12 + 16 * n)
            tables[tag] = (offset, length)
        if b"maxp" not in tables or b"CFF " in tables:
            return _UNSURE  # fontTools' glyph order would come from elsewhere, or fail
        if b"cmap" not in tables:
            return None
        offset, length = tables[b"cmap"]
        if offset + length > len(data):
            return _UNSURE
        cmap = data[offset: offset + length]
        _, subtables = struct.unpack_from(">HH", cmap, 0)
        first: dict[tuple[int, int], tuple[int, int]] = {}  # (platform, encoding) -> (format, offset)
        for n in range(subtables):
            platform, encoding, at = struct.unpack_from(">HHL", cmap, 4 + 8 * n)
            fmt, size = struct.unpack_from(">HH", cmap, at)
            if fmt in (8, 10, 12, 13, 14, 15) or at + size > len(cmap) or size < 14:
                return _UNSURE  # other header layouts, or what fontTools reports as broken
            first.setdefault((platform, encoding), (fmt, at))
        best = next((first[pair] for pair in _CMAP_PREFERENCES if pair in first), None)
        if best is None:
            return None
        fmt, at = best
        if fmt != 4:
            return _UNSURE
        _, size, _, seg_x2 = struct.unpack_from(">HHHH", cmap, at)
        body = cmap[at + 14: at + size]
        if seg_x2 % 2 or len(body) % 2:
            return _UNSURE
        words = struct.unpack(f">{len(body) // 2}H", body)
        segs = seg_x2 // 2
        ends, starts = words[:segs], words[segs + 1: 2 * segs + 1]
        deltas, range_offsets = words[2 * segs + 1: 3 * segs + 1], words[3 * segs + 1: 4 * segs + 1]
        glyphs = words[4 * segs + 1:]
        if len(range_offsets) != segs:
            return _UNSURE
        code_gid: dict[int, int] = {}
        for i in range(segs - 1):  # not the final 0xFFFF segment
            start, end, delta, range_offset = starts[i], ends[i], deltas[i], range_offsets[i]
            for code in range(start, end + 1):
                if range_offset == 0:
                    gid = (code + delta) & 0xFFFF
                else:
                    index = code + range_offset // 2 - start + i - segs
                    if not 0 <= index < len(glyphs):
                        return _UNSURE
                    gid = (glyphs[index] + delta) & 0xFFFF if glyphs[index] else 0
                if gid:
                    code_gid[code] = gid
    except struct.error:
        return _UNSURE
    if not code_gid:
        return None
    out: dict[int, list[str]] = defaultdict(list)
    for code, gid in code_gid.items():
        out[gid].append(chr(code))
    return out


def _cid_to_gid(spec: dict):
    """The CIDToGIDMap of a Type0 font's descendant: identity, or a table."""
    descendant = resolve1(resolve1(spec["DescendantFonts"])[0])
    mapping = resolve1(descendant.get("CIDToGIDMap"))
    if isinstance(mapping, PDFStream):
        data = mapping.get_data()
        return lambda cid: int.from_bytes(data[2 * cid: 2 * cid + 2], "big") if 2 * cid + 2 <= len(data) else cid
    return lambda cid: cid


def page_fonts(pdf):
    """(objid, font dictionary) of every font the pages' resources name, each once (pdfplumber PDF)."""
    seen: set = set()
    for page in pdf.pages:
        resources = resolve1(page.page_obj.resources) or {}
        for ref in (resolve1(resources.get("Font")) or {}).values():
            objid = getattr(ref, "objid", None)
            spec = resolve1(ref)
            if objid in seen or not isinstance(spec, dict):
                continue
            seen.add(objid)
            yield objid, spec


def find_suspects(pdf) -> list[Suspect]:
    """The suspect glyphs of the fonts the pages use (pdfplumber PDF; fonts are not re-read)."""
    suspects: list[Suspect] = []
    for objid, spec in page_fonts(pdf):
        try:
            font = pdf.rsrcmgr.get_font(objid, spec)
        except Exception:
            continue
        table = getattr(getattr(font, "unicode_map", None), "cid2unichr", None)
        if not table or encoding_for_font(re.sub(r"^[A-Z]{6}\+", "", font.fontname or "")):
            continue  # a legacy-encoded (".VnTime", "VNI-Times") or symbol font is another repair's
        letters = {cid: ch for cid, ch in table.items() if len(ch) == 1 and ch.isalpha()}
        foreign = [cid for cid, ch in letters.items() if _is_foreign_letter(ch)]
        if len(foreign) > MAX_SUSPECTS:
            continue  # a whole legacy alphabet (TCVN3 ".VnTime": "ñ", "ß", "Ö" ...), not a few wrong glyphs
        named = _font_cmap(spec) if getattr(spec.get("Subtype"), "name", "") == "Type0" else None
        disagree: list[tuple[int, list[str]]] = []
        if named is not None:
            gid = _cid_to_gid(spec)
            both = [(cid, ch, [n for n in named.get(gid(cid), []) if n.isalpha()]) for cid, ch in letters.items()]
            both = [(cid, ch, names) for cid, ch, names in both if names]
            disagree = [(cid, names) for cid, ch, names in both if ch not in names]
            if len(disagree) > MAX_SUSPECTS or len(disagree) > 0.1 * len(both):
                disagree = []  # the font's cmap does not describe these glyph ids: no evidence
        for cid, names in disagree:
            suspects.append(Suspect(font, font.fontname, cid, letters[cid], names))
        for cid in foreign:
            if cid not in dict(disagree):
                suspects.append(Suspect(font, font.fontname, cid, letters[cid], []))
    return suspects


def _valid_words(words: list[str], printed: str, letter: str) -> tuple[int, int]:
    """(words all of whose syllables holding the letter are well formed, ... and in use)."""
    valid = known = 0
    for word in words:
        runs = [r for r in _LETTER_RUN.findall(unicodedata.normalize("NFC", word.replace(printed, letter)))
                if letter in r]
        if runs and all(is_vietnamese_syllable(r) for r in runs):
            valid += 1
            known += all(is_known_syllable(r) for r in runs)
    return valid, known


def decide(suspects: list[Suspect], words_by_font: dict[str, list[str]]) -> list[Suspect]:
    """Choose each suspect glyph's letter (see the module docstring); returns the ones changed."""
    drawn: dict[int, set[str]] = defaultdict(set)  # letters each font's other glyphs draw
    for s in suspects:
        table = s.font.unicode_map.cid2unichr
        drawn[id(s.font)] = {ch for cid, ch in table.items() if len(ch) == 1}
    changed = []
    for s in suspects:
        words = [w for w in words_by_font.get(s.fontname, []) if s.printed in w]
        if not words:
            continue
        candidates = list(s.named)
        if not candidates and _is_foreign_letter(s.printed):
            same_case = str.isupper if s.printed.isupper() else str.islower
            others = drawn[id(s.font)] - {s.printed}
            candidates = [ch for ch in sorted(_VIETNAMESE) if same_case(ch) and not ch.isascii() and ch not in others]
        base = _valid_words(words, s.printed, s.printed)
        best, best_score = None, (-1, -1)
        for letter in candidates:
            score = _valid_words(words, s.printed, letter)
            if score > best_score:
                best, best_score = letter, score
        if best is None or best == s.printed or best_score[0] < MIN_VALID_SHARE * len(words):
            continue  # no letter makes (nearly) all of the glyph's words Vietnamese
        if best_score > base or (best_score == base and best_score[0] > 0 and best in s.named):
            s.fixed = best
            changed.append(s)
    return changed


def font_words(pdf, fontnames: set[str]) -> dict[str, list[str]]:
    """The words printed in the given fonts, from every page (pages are closed after reading)."""
    out: dict[str, list[str]] = defaultdict(list)
    for page in pdf.pages:
        try:
            for word in page.extract_words(extra_attrs=["fontname"], keep_blank_chars=False):
                if word["fontname"] in fontnames:
                    out[word["fontname"]].append(word["text"])
        finally:
            page.close()
    return out


def repair_glyph_maps(pdf) -> list[str]:
    """Fix wrong letters in the fonts' ToUnicode maps of an open pdfplumber PDF, in place,
    before its pages are read. Returns one line per font repaired (for the warnings)."""
    suspects = find_suspects(pdf)
    if not suspects:
        return []
    changed = decide(suspects, font_words(pdf, {s.fontname for s in suspects}))
    by_font: dict[str, list[str]] = defaultdict(list)
    for s in changed:
        s.font.unicode_map.cid2unichr[s.cid] = s.fixed
        by_font[s.fontname].append(f"{s.printed!r}->{s.fixed!r}")
    return [f"repaired the glyph map of font {name}: {', '.join(fixes)}" for name, fixes in by_font.items()]
