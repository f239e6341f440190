"""Vietnamese tokenisation: underthesea's sentences and words in a spaCy ``Doc``.

:func:`tokenize` splits a text into sentences (``underthesea.sent_tokenize``)
and each sentence into words (``underthesea.word_tokenize``, or ``pos_tag``
when tags are wanted), then builds a ``spacy.tokens.Doc`` whose tokens are
*slices of the input*: ``doc.text == text`` and ``token.idx`` is the offset of
the token in ``text``. A multi-syllable word is one token whose text keeps its
internal spaces ("Khoa học"). Whitespace that is not a single space after a
token (newlines, double spaces, leading blanks) becomes whitespace tokens, as
spaCy's own tokenizer does. ``boundaries`` are offsets where a token must end
(the edges of extracted facts): a word underthesea glued across one is cut
there, so a fact is always a whole number of tokens.

Two things underthesea does that we work around:

* its POS features are rebuilt from the whole sentence for every word
  (``pos_tag.tagged_feature.template2features``), so tagging is quadratic in the
  sentence length: 300 characters tag at about 50,000 chars/s, 2,000 without a full
  stop at 27,000, 20,000 at 4,500. Sentences longer than
  ``MAX_PIECE_CHARS`` are therefore tagged in pieces cut after clause punctuation
  ("; " ", " ": "), or at a space when there is none; the tagger's context is two
  words either side, so only the words next to a cut can change.
* it rewrites some words ("Uỷ" -> "Ủy", "\\x1f" read as a space): words are found
  in the text again, comparing without diacritics; what cannot be found is
  covered by the text's own whitespace-separated chunks (no tag).

Why not ``spacy.blank("vi")``: it needs pyvi. We use a bare shared ``Vocab``.

underthesea must be imported in the main thread (it reconfigures logging on
import, which deadlocks inside a Prefect task thread) and its models load on
the first call (racy when the first calls are concurrent): it is imported at
module top here and the models are loaded when this module is imported
(:func:`warm_up`, 0.2 s), so import this module in the main thread before any
worker thread starts. The extraction fork server imports it once for every
document's worker (``pipeline/isolation.py``). Everything underthesea uses is
in its wheel; nothing is downloaded.

What to rely on: segmentation is statistical and unstable ("Khoa học và" may
come out as one word), so match names and multi-word expressions with regex
over the text and map them to tokens with :func:`span_for_chars`.
"""
from __future__ import annotations

import bisect
import threading
from typing import Iterable

import regex as re
import underthesea  # noqa: F401  (import at module top on purpose, see above)
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab
from underthesea import pos_tag, sent_tokenize, word_tokenize

from pipeline.lexicon import ascii_fold
from pipeline.tokens import register_extensions

register_extensions()
VOCAB = Vocab()

# Sentences longer than this are tagged in pieces (see the module notes). 300 characters (about
# 65 words) tag within 10 % of the speed of short sentences; on the shared corpus the pieces change
# 0.07 % of the words and tags (1 % of its sentences are longer; none of the sample decrees').
MAX_PIECE_CHARS = 300
_CLAUSE_END = re.compile(r"[;,:]\s+")
_WS_RUN = re.compile(r"\s+")
_CHUNK = re.compile(r"\S+")

_warm_lock = threading.Lock()
_warm = False


def warm_up() -> None:
    """Load underthesea's models once (done at import; call in the main thread before workers start)."""
    global _warm
    with _warm_lock:
        if _warm:
            return
        sent_tokenize("Sở Khoa học và Công nghệ chủ trì. Sở Tài chính phối hợp.")
        word_tokenize("Sở Khoa học và Công nghệ chủ trì thực hiện.")
        pos_tag("Sở Khoa học và Công nghệ chủ trì thực hiện.")
        _warm = True


def _word_pattern(word: str) -> re.Pattern:
    """A word as underthesea prints it, matching any whitespace between its syllables."""
    parts = [re.escape(p) for p in word.split()]
    return re.compile(r"\s+".join(parts))


def _locate(text: str, word: str, pos: int) -> tuple[int, int] | None:
    """Where ``word`` starts at or after ``pos``, skipping only whitespace."""
    i = pos
    n = len(text)
    while i < n and text[i].isspace():
        i += 1
    if text.startswith(word, i):
        return i, i + len(word)
    m = _word_pattern(word).match(text, i)
    if m:
        return m.start(), m.end()
    # underthesea normalises some words ("Uỷ" -> "Ủy", "hoà" -> "hòa") and reads some control
    # characters as spaces: compare syllable by syllable without diacritics, any whitespace between.
    j = i
    for k, syllable in enumerate(word.split()):
        if k:
            gap = j
            while gap < n and text[gap].isspace():
                gap += 1
            if gap == j:
                return None
            j = gap
        candidate = text[j : j + len(syllable)]
        if len(candidate) != len(syllable) or ascii_fold(candidate) != ascii_fold(syllable):
            return None
        j += len(syllable)
    return (i, j) if j > i else None


def _pieces(sentence: str) -> list[str]:
    """``sentence`` cut into pieces of at most MAX_PIECE_CHARS (clause punctuation first, then spaces)."""
    if len(sentence) <= MAX_PIECE_CHARS:
        return [sentence]
    pieces, start, n = [], 0, len(sentence)
    while n - start > MAX_PIECE_CHARS:
        limit = start + MAX_PIECE_CHARS
        cut = None
        for m in _CLAUSE_END.finditer(sentence, start + MAX_PIECE_CHARS // 3, limit):
            cut = m.end()
        if cut is None:
            space = max(sentence.rfind(" ", start + 1, limit), sentence.rfind("\n", start + 1, limit))
            cut = space + 1 if space > start else limit
        pieces.append(sentence[start:cut])
        start = cut
    pieces.append(sentence[start:])
    return [p for p in pieces if p.strip()]


Words = list[tuple[int, int, "str | None", bool]]  # (start, end, tag, sentence start) per word


def segment(text: str, with_pos: bool = True) -> Words:
    """(start, end, tag, sentence start) for each word of ``text``, in order: underthesea's part.

    Words that cannot be aligned with the text (underthesea rewrote them) are
    replaced by the whitespace-separated chunks of the text they cover.
    """
    if not text.strip():
        return []
    out: Words = []
    append = out.append
    pos = 0
    for sentence in sent_tokenize(text):
        if not sentence.strip():
            continue
        first = True
        for piece in _pieces(sentence):
            words = pos_tag(piece) if with_pos else [(w, None) for w in word_tokenize(piece)]
            for word, tag in words:
                if not word or not word.strip():
                    continue
                hit = _locate(text, word, pos)
                if hit is None:
                    # Resynchronise: find the word further on, cover the gap by plain chunks.
                    m = _word_pattern(word).search(text, pos)
                    if m is None:
                        continue
                    for chunk in _CHUNK.finditer(text, pos, m.start()):
                        append((chunk.start(), chunk.end(), None, first))
                        first = False
                    hit = (m.start(), m.end())
                append((hit[0], hit[1], tag, first))
                first = False
                pos = hit[1]
    # Text underthesea dropped at the end (a control character it skipped): plain chunks.
    for chunk in _CHUNK.finditer(text, pos):
        append((chunk.start(), chunk.end(), None, not out))
    return out


def _cut(words: list[tuple[int, int, str | None, bool]], text: str,
         boundaries: Iterable[int]) -> list[tuple[int, int, str | None, bool]]:
    """Words split at every boundary falling inside one (the pieces keep the word's tag)."""
    cuts = sorted({b for b in boundaries if 0 < b < len(text)})
    if not cuts:
        return words
    out = []
    for start, end, tag, sent_start in words:
        k = bisect.bisect_right(cuts, start)
        if k == len(cuts) or cuts[k] >= end:
            out.append((start, end, tag, sent_start))
            continue
        edges = [start, *[c for c in cuts[k:] if c < end], end]
        for a, b in zip(edges, edges[1:]):
            while a < b and text[a].isspace():
                a += 1
            while b > a and text[b - 1].isspace():
                b -= 1
            if a < b:
                out.append((a, b, tag, sent_start))
                sent_start = False
    return out


def tokenize(text: str, *, with_pos: bool = False, source_offset: int = 0, boundaries: Iterable[int] = ()) -> Doc:
    """A spaCy ``Doc`` over ``text`` with underthesea's sentences and words.

    ``doc.text == text``; ``token.idx`` is the token's offset in ``text``;
    ``doc._.source_offset`` is ``source_offset`` (where ``text`` starts in the
    document text), so ``token.idx + doc._.source_offset`` is a document offset.
    With ``with_pos=True`` the tokens carry underthesea's POS tags in ``tag_``
    (about twice the cost; "" for a chunk underthesea did not return).
    ``boundaries``: offsets into ``text`` where a token must end (fact edges).
    """
    return make_doc(text, segment(text, with_pos), with_pos=with_pos, source_offset=source_offset,
                    boundaries=boundaries)


def make_doc(text: str, segmented: Words, *, with_pos: bool = True, source_offset: int = 0,
             boundaries: Iterable[int] = ()) -> Doc:
    """The Doc of ``text`` from its `segment` output (our part: tokens cut at ``boundaries``, whitespace).

    Separate from `segment` so that a document's items can be segmented first and their Docs made
    afterwards: made between underthesea's calls, on caches underthesea has just filled with its own
    work, the same Python costs three times as much (measured by benchmarks/throughput.py).
    """
    words: list[str] = []
    spaces: list[bool] = []
    tags: list[str] = []
    sent_starts: list[bool] = []

    def gap(start: int, end: int) -> None:
        """Whitespace between tokens: a single space rides on the previous token."""
        if start >= end:
            return
        if words and not spaces[-1] and text[start] == " ":
            spaces[-1] = True
            start += 1
            if start >= end:
                return
        words.append(text[start:end])
        spaces.append(False)
        tags.append("_SP")
        sent_starts.append(False)

    pos = 0
    for start, end, tag, sent_start in _cut(segmented, text, boundaries):
        if start > pos:
            gap(pos, start)
        words.append(text[start:end])
        spaces.append(False)
        tags.append(tag or "")
        sent_starts.append(sent_start)
        pos = end
    gap(pos, len(text))

    if sent_starts:
        # Leading whitespace belongs to the first sentence.
        first_word = next((k for k, w in enumerate(words) if not w.isspace()), None)
        if first_word:
            sent_starts[first_word] = False
        sent_starts[0] = True
    doc = Doc(VOCAB, words=words, spaces=spaces, sent_starts=sent_starts, tags=tags if with_pos else None)
    doc._.source_offset = source_offset
    return doc


def span_for_chars(doc: Doc, start: int, end: int) -> Span | None:
    """The tokens covering ``doc.text[start:end]`` (expanded to whole tokens); ``None`` if empty."""
    start = max(0, min(start, len(doc.text)))
    end = max(start, min(end, len(doc.text)))
    return doc.char_span(start, end, alignment_mode="expand")


warm_up()
