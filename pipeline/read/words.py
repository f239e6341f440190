"""Characters into words, as pdfplumber's ``extract_words`` makes them, faster.

`read/pdf.py` groups a page's characters into words with pdfplumber's rules
(``x_tolerance=3, y_tolerance=3``, blanks dropped); pdfplumber's own
implementation spends a few Python calls on every character and cost as much
as reading the page with pdfium. This is the same algorithm on arrays:

1. Runs of characters with the same ``upright`` are taken in turn (pdfplumber's
   ``groupby``); a run of rotated characters is left to pdfplumber itself.
2. **Lines**: the distinct ``top`` values are sorted and chained — a value
   within ``y_tolerance`` of the one before joins its cluster — and the characters
   are ordered by cluster, then ``x0``, then their order on the page.
3. **Words**: in that order a character starts a new word when it is the first of
   its line, when the one before is blank (blanks are dropped) or has no text, or
   when it does not follow the one before: ``x0`` before the other's ``x0``,
   beyond its ``x1`` plus ``x_tolerance``, or a ``top`` more than ``y_tolerance``
   away. A character without text is a word of its own.
4. A word's box is the union of its characters' boxes; its text their texts
   joined, ligatures ("ﬁ") spelled out.

The comparisons are pdfplumber's, on the same 64-bit floats, so the words are
the same (a test compares both on generated and real pages).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from itertools import groupby
from operator import itemgetter

import numpy as np
from pdfplumber.utils import extract_words as _plumber_extract_words
from pdfplumber.utils.text import LIGATURES

Word = tuple[str, float, float, float, float, float, list[dict]]  # text, x0, top, x1, bottom, size, chars
_BOX = itemgetter("x0", "x1", "top", "bottom", "size")
_TEXT = itemgetter("text")
_EMPTY = "".__eq__


CODE_POINTS = 0x110000  # a group number is a run's key times this, plus the character's code point


@dataclass
class CharArrays:
    """A page's characters as arrays, row ``i`` for character ``i``, as the reader that made them
    (`read/pdfium.py`) keeps them: duplicate removal and words work on these, and the characters'
    dicts (pdfplumber's) are only made where something needs them (:meth:`dicts`: a table's text,
    a stamp, legacy-font text to convert).

    ``boxes``: x0, x1, top, bottom, size; ``doctop``; ``groups``: the run key times 0x110000 plus the
    character's code point (every character's text is one code point), one number per (upright, text,
    fontname, size): the groups of duplicate removal; ``fonts``: the font name of each run key. Only for
    upright characters (pdfium's path reads nothing else). ``texts`` and ``fontnames`` are worked out
    once, when first read: the legacy-font check, words and the page's character count all read them."""

    boxes: np.ndarray  # float64, n x 5
    doctop: np.ndarray  # float64, n
    groups: np.ndarray  # int64, n
    fonts: list[str]  # run key -> font name

    def __len__(self) -> int:
        return len(self.groups)

    def take(self, index: np.ndarray) -> "CharArrays":
        return CharArrays(self.boxes[index], self.doctop[index], self.groups[index], self.fonts)

    @cached_property
    def texts(self) -> list[str]:
        return list(map(chr, (self.groups % CODE_POINTS).tolist()))

    @cached_property
    def fontnames(self) -> list[str]:
        return list(map(self.fonts.__getitem__, (self.groups // CODE_POINTS).tolist()))

    def dicts(self) -> list[dict]:
        """The characters as pdfplumber makes them (the same numbers: width is x1 - x0, height the size)."""
        return [{"text": text, "fontname": fontname, "size": size, "upright": True, "x0": x0, "x1": x1, "top": top,
                 "bottom": bottom, "doctop": doctop, "width": x1 - x0, "height": size}
                for text, fontname, (x0, x1, top, bottom, size), doctop
                in zip(self.texts, self.fontnames, self.boxes.tolist(), self.doctop.tolist())]


def extract_words(chars: list[dict] | CharArrays, x_tolerance: float = 3, y_tolerance: float = 3) -> list[Word]:
    """The words of ``chars`` (pdfplumber's ``extract_words(chars, x_tolerance, y_tolerance,
    keep_blank_chars=False)``), each with the largest ``size`` of its characters and its characters
    (on :class:`CharArrays`, all upright: their positions in it)."""
    if isinstance(chars, CharArrays):
        return _upright_words(list(range(len(chars))), x_tolerance, y_tolerance, chars.boxes, chars.texts)
    out: list[Word] = []
    for upright, run in groupby(chars, itemgetter("upright")):
        run = list(run)
        if upright:
            out.extend(_upright_words(run, x_tolerance, y_tolerance))
        else:
            for w in _plumber_extract_words(run, x_tolerance=x_tolerance, y_tolerance=y_tolerance,
                                            keep_blank_chars=False, return_chars=True):
                out.append((w["text"], w["x0"], w["top"], w["x1"], w["bottom"],
                            max(c["size"] for c in w["chars"]), w["chars"]))
    return out


def _upright_words(chars: list, x_tolerance: float, y_tolerance: float,
                   boxes_in: np.ndarray | None = None, texts_in: list[str] | None = None) -> list[Word]:
    """``chars``: dicts, or anything standing for the characters whose numbers and texts are given."""
    n = len(chars)
    if not n:
        return []
    if boxes_in is None:
        boxes_in = np.array(list(map(_BOX, chars)), np.float64)  # x0, x1, top, bottom, size
    x0, top = boxes_in[:, 0], boxes_in[:, 2]
    # Lines: sorted distinct tops chained within the tolerance (pdfplumber's cluster_list).
    values = np.unique(top)
    cluster_of_value = np.zeros(len(values), np.int64)
    if len(values) > 1:
        cluster_of_value[1:] = np.cumsum(values[1:] > values[:-1] + y_tolerance)
    cluster = cluster_of_value[np.searchsorted(values, top)]
    order = np.lexsort((np.arange(n), x0, cluster))
    order_list = order.tolist()
    ordered = list(map(chars.__getitem__, order_list))
    texts = list(map(_TEXT, ordered)) if texts_in is None else list(map(texts_in.__getitem__, order_list))
    blank = np.fromiter(map(str.isspace, texts), bool, n)
    empty = np.fromiter(map(_EMPTY, texts), bool, n)
    boxes = boxes_in[order]
    x0s, x1s, tops, bottoms, sizes = boxes[:, 0], boxes[:, 1], boxes[:, 2], boxes[:, 3], boxes[:, 4]
    clusters = cluster[order]
    starts = np.ones(n, bool)
    if n > 1:
        follows = (
            (clusters[1:] == clusters[:-1]) & ~blank[:-1] & ~empty[:-1] & ~empty[1:]
            & ~(x0s[1:] < x0s[:-1]) & ~(x0s[1:] > x1s[:-1] + x_tolerance)
            & ~(np.abs(tops[1:] - tops[:-1]) > y_tolerance)
        )
        starts[1:] = ~follows
    kept = np.flatnonzero(~blank)  # blanks are never inside a word
    if not len(kept):
        return []
    first = np.flatnonzero(starts[kept])  # each word's first character, among the kept ones
    lo = np.minimum.reduceat
    hi = np.maximum.reduceat
    boxes = zip(lo(x0s[kept], first).tolist(), lo(tops[kept], first).tolist(), hi(x1s[kept], first).tolist(),
                hi(bottoms[kept], first).tolist(), hi(sizes[kept], first).tolist())
    kept_list = kept.tolist()
    bounds = first.tolist() + [len(kept_list)]
    get = LIGATURES.get
    out: list[Word] = []
    for w, (wx0, wtop, wx1, wbottom, wsize) in enumerate(boxes):
        members = kept_list[bounds[w]:bounds[w + 1]]
        s, e = members[0], members[-1] + 1
        text = "".join([get(t, t) for t in texts[s:e]]) if e - s > 1 else get(texts[s], texts[s])
        out.append((text, wx0, wtop, wx1, wbottom, wsize, ordered[s:e]))
    return out
