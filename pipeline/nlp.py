"""Vietnamese tokenisation: underthesea's sentences and words in a spaCy ``Doc``.

:func:`tokenize` splits a text into sentences (``underthesea.sent_tokenize``)
and each sentence into words (``underthesea.word_tokenize``, or ``pos_tag``
when tags are wanted), then builds a ``spacy.tokens.Doc`` whose tokens are
*slices of the input*: ``doc.text == text`` and ``token.idx`` is the offset of
the token in ``text``. A multi-syllable word is one token whose text keeps its
internal spaces ("Khoa học"). Whitespace that is not a single space after a
token (newlines, double spaces, leading blanks) becomes whitespace tokens, as
spaCy's own tokenizer does.

Why not ``spacy.blank("vi")``: it needs pyvi. We use a bare shared ``Vocab``.

underthesea must be imported in the main thread (it reconfigures logging on
import, which deadlocks inside a Prefect task thread) and its models load on
the first call (racy when the first calls are concurrent): it is imported at
module top here, and :func:`warm_up` should be called once in the main thread
before any worker starts.

What to rely on: segmentation is statistical and unstable ("Khoa học và" may
come out as one word), so match names and multi-word expressions with regex
over the text and map them to tokens with :func:`span_for_chars`.
"""
from __future__ import annotations

import threading

import regex as re
import underthesea  # noqa: F401  (import at module top on purpose, see above)
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab
from underthesea import pos_tag, sent_tokenize, word_tokenize

from pipeline.lexicon import ascii_fold

VOCAB = Vocab()
if not Doc.has_extension("source_offset"):
    Doc.set_extension("source_offset", default=0)

_warm_lock = threading.Lock()
_warm = False


def warm_up() -> None:
    """Load underthesea's models once (call in the main thread, before workers start)."""
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
    # underthesea normalises some words ("Uỷ" -> "Ủy", "hoà" -> "hòa"): compare without diacritics.
    j = i
    for k, syllable in enumerate(word.split()):
        if k:
            gap = re.match(r"\s+", text[j:])
            if not gap:
                return None
            j += gap.end()
        candidate = text[j : j + len(syllable)]
        if len(candidate) != len(syllable) or ascii_fold(candidate) != ascii_fold(syllable):
            return None
        j += len(syllable)
    return (i, j) if j > i else None


def _segment(text: str, with_pos: bool) -> list[tuple[int, int, str | None, bool]]:
    """(start, end, tag, sentence start) for each word of ``text``, in order.

    Words that cannot be aligned with the text (underthesea rewrote them) are
    replaced by the whitespace-separated chunks of the text they cover.
    """
    out: list[tuple[int, int, str | None, bool]] = []
    pos = 0
    for sentence in sent_tokenize(text):
        if not sentence.strip():
            continue
        words = pos_tag(sentence) if with_pos else [(w, None) for w in word_tokenize(sentence)]
        first = True
        for word, tag in words:
            if not word or not word.strip():
                continue
            hit = _locate(text, word, pos)
            if hit is None:
                # Resynchronise: find the word further on, cover the gap by plain chunks.
                m = _word_pattern(word).search(text, pos)
                if m is None:
                    continue
                for chunk in re.finditer(r"\S+", text[pos:m.start()]):
                    out.append((pos + chunk.start(), pos + chunk.end(), None, first))
                    first = False
                hit = (m.start(), m.end())
            out.append((hit[0], hit[1], tag, first))
            first = False
            pos = hit[1]
    # Text underthesea dropped at the end (should not happen): plain chunks.
    for chunk in re.finditer(r"\S+", text[pos:]):
        out.append((pos + chunk.start(), pos + chunk.end(), None, not out))
    return out


def tokenize(text: str, *, with_pos: bool = False, source_offset: int = 0) -> Doc:
    """A spaCy ``Doc`` over ``text`` with underthesea's sentences and words.

    ``doc.text == text``; ``token.idx`` is the token's offset in ``text``;
    ``doc._.source_offset`` is ``source_offset`` (where ``text`` starts in the
    document text), so ``token.idx + doc._.source_offset`` is a document offset.
    With ``with_pos=True`` the tokens carry underthesea's POS tags in ``tag_``
    (about twice the cost).
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
    for start, end, tag, sent_start in _segment(text, with_pos) if text.strip() else []:
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
    doc = Doc(VOCAB, words=words, spaces=spaces, sent_starts=sent_starts)
    if with_pos:
        for token, tag in zip(doc, tags):
            token.tag_ = tag
    doc._.source_offset = source_offset
    return doc


def span_for_chars(doc: Doc, start: int, end: int) -> Span | None:
    """The tokens covering ``doc.text[start:end]`` (expanded to whole tokens); ``None`` if empty."""
    start = max(0, min(start, len(doc.text)))
    end = max(start, min(end, len(doc.text)))
    return doc.char_span(start, end, alignment_mode="expand")
