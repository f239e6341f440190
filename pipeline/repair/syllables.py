"""Vietnamese syllable validator.

Vietnamese writes one syllable per word, and a syllable has a small, closed
structure::

    syllable = onset? + rhyme + at most one tone mark

so "is this token a possible Vietnamese syllable?" can be answered exactly
with two small inventories (onsets, rhymes) and a few spelling rules. The
repair step uses it to decide whether a stray space or a line-end hyphen split
a syllable ("ĐIỀ U" → "ĐIỀU"), and the quality score uses
:func:`syllable_validity` to tell good text from mojibake or broken OCR.

The validator is deliberately about *form*, not vocabulary: "bau" is accepted
(a well-formed syllable, even if not a common word); "ĐIỀ" is rejected because
the rhyme "iê" cannot end a syllable.

Tone-mark *position* is not checked ("hoà" and "hòa" are both valid), so the
validator is stable under tone-placement normalisation.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache

import regex

# Combining tone marks: huyền, sắc, ngã, hỏi, nặng.
GRAVE, ACUTE, TILDE, HOOK, DOT = "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"
TONE_MARKS = (GRAVE, ACUTE, TILDE, HOOK, DOT)

# Vowel letters with their vowel-quality marks (breve, circumflex, horn) but no tone.
_VOWEL_BASES = "aăâeêioôơuưy"
VOWELS = frozenset(_VOWEL_BASES + _VOWEL_BASES.upper())


def _build_tone_tables() -> tuple[dict[str, tuple[str, str]], dict[tuple[str, str], str]]:
    """``split[ch] = (toneless letter, tone mark or "")`` and the inverse ``join``.

    Covers every Vietnamese letter in both cases, so a lookup miss means "not a
    Vietnamese letter" (e.g. f, j, w, z, Cyrillic, digits).
    """
    split: dict[str, tuple[str, str]] = {}
    join: dict[tuple[str, str], str] = {}
    for base in _VOWEL_BASES + _VOWEL_BASES.upper():
        for tone in ("", *TONE_MARKS):
            composed = unicodedata.normalize("NFC", base + tone)
            if len(composed) == 1:
                split[composed] = (base, tone)
                join[(base, tone)] = composed
    for cons in "bcdđghklmnpqrstvx":
        for c in (cons, cons.upper()):
            split[c] = (c, "")
    return split, join


SPLIT_TONE, JOIN_TONE = _build_tone_tables()

ONSETS = frozenset(
    "b c ch d đ g gh gi h k kh l m n ng ngh nh p ph qu r s t th tr v x".split()
) | {""}
# Longest first, so "ngh" is tried before "ng" and "n"; all are tried anyway
# because "gi" is ambiguous ("gìn" = g + in, "già" = gi + a).
_ONSETS_LONGEST_FIRST = sorted(ONSETS, key=len, reverse=True)

# The rhyme inventory (toneless), medial o/u included.
RHYMES = frozenset(
    """
    a ai ao au ay ac ach am an ang anh ap at
    ăc ăm ăn ăng ăp ăt
    âc âm ân âng âp ât âu ây
    e ec em en eng eo ep et
    ê êch êm ên ênh êp êt êu
    i ia ich im in inh ip it iu
    iêc iêm iên iêng iêp iêt iêu
    y yêm yên yêng yêt yêu
    o oc oi om on ong ooc oong op ot
    oa oac oach oai oam oan oang oanh oao oap oat oay oăc oăm oăn oăng oăt
    oe oen oeo oet
    ô ôc ôi ôm ôn ông ôp ôt
    ơ ơi ơm ơn ơp ơt
    u ua uc ui um un ung up ut
    uâc uân uâng uât uây uê uêch uênh uơ
    uy uya uych uyn uynh uyp uyt uyu uyên uyêt
    uôc uôi uôm uôn uông uôt
    ư ưa ưc ưi ưm ưng ưt ưu
    ươc ươi ươm ươn ương ươp ươt ươu
    """.split()
)

# After "qu" the u is spent on the onset: "quốc" = qu + ôc, "quyết" = qu + yêt,
# "quỳnh" = qu + ynh. No second medial (u/ư/o) can follow.
QU_RHYMES = frozenset(
    r for r in RHYMES if r[0] not in "uưo" and not r.startswith("iê") and r != "ia"
) | {"ynh", "yt", "ych", "yu"}

# Syllables closed by a stop (c, ch, p, t) only take the sắc or nặng tone.
_STOP_FINALS = ("c", "ch", "p", "t")
_FRONT = "ieêy"  # vowels that decide c/k, g/gh, ng/ngh spelling


def split_tone(token: str) -> tuple[str, str] | None:
    """``(toneless lowercase letters, tone mark or "")``, or ``None`` if the token
    is not made of Vietnamese letters or carries more than one tone mark."""
    base: list[str] = []
    tone = ""
    for ch in token.lower():
        info = SPLIT_TONE.get(ch)
        if info is None:
            return None
        letter, mark = info
        if mark:
            if tone:
                return None
            tone = mark
        base.append(letter)
    return "".join(base), tone


def _rhyme_ok(onset: str, rhyme: str, tone: str) -> bool:
    if onset == "qu":
        if rhyme not in QU_RHYMES:
            return False
    else:
        if rhyme not in RHYMES:
            return False
        # "yê" is written only without an onset ("yên"); after a consonant it is "iê".
        if rhyme.startswith("yê") and onset:
            return False
        if rhyme.startswith("iê") and not onset:
            return False
        front = rhyme[0] in _FRONT
        # Spelling rules: k/gh/ngh before front vowels, c/g/ng elsewhere.
        if onset == "k" and not front:
            return False
        if onset == "c" and front:
            return False
        if onset in ("gh", "ngh") and rhyme[0] not in "ieê":
            return False
        if onset in ("g", "ng") and rhyme[0] in "eê":
            return False
        if onset == "ng" and rhyme[0] in "iy":
            return False
    if rhyme.endswith(_STOP_FINALS) and tone not in (ACUTE, DOT):
        return False
    return True


@lru_cache(maxsize=65536)
def is_vietnamese_syllable(token: str) -> bool:
    """True if ``token`` is a well-formed Vietnamese syllable (case-insensitive).

    >>> is_vietnamese_syllable("NGHIỆP"), is_vietnamese_syllable("ĐIỀ")
    (True, False)
    """
    # The longest syllables ("nghiêng", "nghiếng") have 7 letters.
    if not token or len(token) > 8:
        return False
    if not unicodedata.is_normalized("NFC", token):
        token = unicodedata.normalize("NFC", token)
    parts = split_tone(token)
    if parts is None:
        return False
    base, tone = parts
    for onset in _ONSETS_LONGEST_FIRST:
        if base.startswith(onset) and _rhyme_ok(onset, base[len(onset):], tone):
            return True
    return False


_LETTER_RUN = regex.compile(r"[\p{L}\p{M}]+")
# Tokens ignored by the score: short all-caps abbreviations without tone or
# vowel marks ("UBND", "KH", "ĐBSCL"); đ counts as a plain letter here.
_ABBREVIATION = regex.compile(r"[A-ZĐ]{1,5}")


def syllable_validity(text: str) -> float:
    """Share of alphabetic tokens in ``text`` that are valid Vietnamese syllables.

    Numbers and short all-caps abbreviations ("UBND", "TP") are ignored. Text
    with no token to judge scores 1.0 (nothing is wrong with it); callers that
    care about emptiness must check length themselves.
    """
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    total = valid = 0
    for m in _LETTER_RUN.finditer(text):
        word = m.group()
        if _ABBREVIATION.fullmatch(word):
            continue
        total += 1
        valid += is_vietnamese_syllable(word)
    return valid / total if total else 1.0
