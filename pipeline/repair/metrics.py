"""How close a text is to a reference transcript: diacritic accuracy and character error rate.

Both metrics compare texts after the same folding: NFC (so "ệ" typed as one
code point or as e + marks compares equal) and whitespace folding (every run
of whitespace becomes one space, ends stripped), because line breaks and
padding differ between a reader and a transcriber without changing the text.

* :func:`diacritic_accuracy` asks the question legacy-encoding repair must
  answer: of the reference's letters that carry a Vietnamese diacritic (tone
  or vowel mark: ạ, ă, â, ê, ô, ơ, ư and their toned forms) or are đ/Đ, what
  share comes out *exactly* (same letter, same case, same marks) at the aligned
  place in the hypothesis? Mojibake ("QuyÕt") scores near 0, a perfect
  conversion 1.0, and text that merely lost its accents ("Quyet") scores 0.
* :func:`character_error_rate`: Levenshtein distance / reference length.

Alignment uses :class:`difflib.SequenceMatcher` (autojunk off) on the character
sequences: its matching blocks are the characters the two texts share in order.
A reference character counts as recovered when it falls inside a matching block.
"""
from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

__all__ = ["fold", "is_diacritic_letter", "diacritic_accuracy", "character_error_rate"]

_WHITESPACE = re.compile(r"\s+")
_VIETNAMESE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323", "\u0302", "\u0306", "\u031b"}


def fold(text: str) -> str:
    """NFC with every run of whitespace as one space, ends stripped."""
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def is_diacritic_letter(ch: str) -> bool:
    """A letter carrying a Vietnamese tone or vowel mark (à, ă, ệ, ư ...), or đ/Đ."""
    if ch in "đĐ":
        return True
    decomposed = unicodedata.normalize("NFD", ch)
    return len(decomposed) > 1 and decomposed[0].isalpha() and any(m in _VIETNAMESE_MARKS for m in decomposed[1:])


def _matched_positions(reference: str, hypothesis: str) -> set[int]:
    """Indexes of reference characters aligned to an identical hypothesis character."""
    matcher = SequenceMatcher(None, reference, hypothesis, autojunk=False)
    matched: set[int] = set()
    for block in matcher.get_matching_blocks():
        matched.update(range(block.a, block.a + block.size))
    return matched


def diacritic_accuracy(reference: str, hypothesis: str) -> float:
    """Share of the reference's diacritic-bearing letters recovered exactly in the hypothesis.

    Both texts are folded (:func:`fold`) first. A reference with no such letter
    scores 1.0 (there was nothing to recover).
    """
    ref, hyp = fold(reference), fold(hypothesis)
    targets = [i for i, ch in enumerate(ref) if is_diacritic_letter(ch)]
    if not targets:
        return 1.0
    matched = _matched_positions(ref, hyp)
    return sum(i in matched for i in targets) / len(targets)


#: Above this many cells (len(reference) * len(hypothesis)) the exact dynamic
#: programme is too slow in pure Python and the difflib estimate is used instead.
EXACT_CER_CELLS = 4_000_000


def character_error_rate(reference: str, hypothesis: str) -> float:
    """Edit distance between the folded texts divided by the reference's length.

    Short texts (up to :data:`EXACT_CER_CELLS` DP cells, e.g. two 2 000-character
    pages) get the exact Levenshtein distance (classic dynamic programme, one
    row at a time). Longer ones get a difflib estimate: the
    :class:`SequenceMatcher` opcodes priced as edits (a replaced block costs its
    longer side, an insertion or deletion its length). That estimate is an
    upper bound of the true distance and equals it when the differences are
    scattered substitutions, insertions and deletions (the usual case for
    encoding and OCR errors). An empty reference gives 0.0 against an empty
    hypothesis and 1.0 otherwise.
    """
    ref, hyp = fold(reference), fold(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    if len(ref) * len(hyp) <= EXACT_CER_CELLS:
        return _levenshtein(ref, hyp) / len(ref)
    return _difflib_distance(ref, hyp) / len(ref)


def _levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def _difflib_distance(a: str, b: str) -> int:
    cost = 0
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            cost += max(i2 - i1, j2 - j1)
    return cost
