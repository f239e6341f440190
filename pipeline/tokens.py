"""Tokenize: every item's text as a spaCy Doc of underthesea words and POS tags, its facts as spans.

The stage after extraction. It runs in the document's worker (the sandboxed child
of `pipeline/isolation.py`, after `extract_document`) and hands back `Tokens`: the
item Docs packed in one spaCy ``DocBin``, which the dataset stores beside the
document's Parquet files (``tokens.spacy``), and their rows of the ``tokens`` table
(`token_rows`), made here because the workers run in parallel and the one writer
does not (`pipeline/dataset/tokens.py` stores both).

One Doc per item, over ``Document.text[item.span]`` (the item text up to its
whitespace), so ``token.idx + doc._.source_offset`` is an offset into
``Document.text``. Each Doc carries:

* ``tag_``: underthesea's POS tag (N, V, A, Np, M, CH for punctuation ...; "_SP" on
  whitespace tokens);
* ``doc._.doc_id``, ``doc._.item_id``, ``doc._.path``, ``doc._.source_offset``;
* ``doc.spans["facts"]``: the item's quantities (QUANTITY), stated deadline
  (DEADLINE), agencies (AGENCY) and the citation mentions inside it (CITATION),
  with ``span._.fact`` (the fact itself, a `pipeline.model` object),
  ``span._.fact_no`` (its number in the item, as in the dataset's tables) and
  ``span._.source`` (document offsets). Tokens are cut at the facts' edges, so a
  span is exactly the fact's characters.

Cost: underthesea is the slowest stage of the pipeline (about 50,000 characters/s
per core); `benchmarks/throughput.py` reports it apart, and our work around it
(alignment, Docs, spans, DocBin) against underthesea alone. A deployment that does
not want tokens sets ``DECREE_TOKENS=off`` (`enabled`).

This module is light to import (the flow process needs only `enabled`, `VERSION`
and `Tokens`); `tokenize_document` imports `pipeline.nlp`, which loads underthesea,
and refuses to do so first from a thread other than the main one (see the notes in
`pipeline/nlp.py`). The fork server imports `pipeline.nlp` for every worker.
"""
from __future__ import annotations

import os
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import version as _package_version
from typing import TYPE_CHECKING, Iterable, Iterator

if TYPE_CHECKING:  # spaCy and the model are only needed when tokens are made or read
    from spacy.tokens import Doc

    from pipeline.model import Document

# Bump when the Docs or the tokens table change meaning; with underthesea's version it is what a
# stored document's tokens are checked against (`Dataset.has_document(tokens_version=...)`).
FORMAT = "1"
VERSION = f"{FORMAT}/underthesea-{_package_version('underthesea')}"

# Setting: DECREE_TOKENS=off (or 0, false, no) turns the stage off; on by default.
SETTING = "DECREE_TOKENS"

DOCBIN_ATTRS = ["ORTH", "TAG", "SENT_START"]
LABELS = {"quantity": "QUANTITY", "deadline": "DEADLINE", "agency": "AGENCY", "citation": "CITATION"}
KINDS = {label: kind for kind, label in LABELS.items()}
# The columns of the dataset's `tokens` table (pipeline/dataset/tables.py describes them).
TOKEN_COLUMNS = ("doc_id", "item_id", "sentence", "position", "token_i", "text", "lower", "folded", "pos",
                 "span_start", "span_end", "in_fact", "fact", "fact_no")
_FACT_KEY = "decree.fact"  # doc.user_data[(_FACT_KEY, label, start_char, end_char)] = {"no", "json", "source"}


def enabled() -> bool:
    """Whether documents get tokens (the ``DECREE_TOKENS`` setting; on unless off, 0, false or no)."""
    return os.environ.get(SETTING, "on").strip().lower() not in ("off", "0", "false", "no")


@dataclass
class Tokens:
    """What the stage hands back for one document: its item Docs as DocBin bytes, or why there are none."""

    data: bytes | None = None  # DocBin.to_bytes()
    rows: dict[str, list] | None = None  # the `tokens` table's rows as columns, made in the worker with the Docs
    docs: int = 0
    words: int = 0
    version: str = VERSION
    seconds: float = 0.0  # CPU seconds of the stage in the worker
    skipped: str | None = None  # why there are no tokens (turned off, took too long, failed)
    failed: list[str] = field(default_factory=list)  # items left without a Doc, with the reason

    @classmethod
    def none(cls, reason: str) -> "Tokens":
        return cls(skipped=reason)

    def manifest(self) -> dict:
        """What the dataset's manifest records about them."""
        if self.data is None:
            return {"version": self.version, "skipped": self.skipped or "no tokens"}
        return {"version": self.version, "docs": self.docs, "words": self.words, "failed": self.failed[:20]}


# --------------------------------------------------------------------------
# The Docs' extension attributes and their stored form (spaCy only, no underthesea)
# --------------------------------------------------------------------------
_registered = False
_register_lock = threading.Lock()


def register_extensions() -> None:
    """Register the Doc and Span attributes our Docs carry (idempotent, thread-safe: the review site
    reads Docs in its request threads)."""
    global _registered
    if _registered:
        return
    from spacy.tokens import Doc, Span

    with _register_lock:
        for name, default in (("source_offset", 0), ("doc_id", None), ("item_id", None), ("path", None)):
            if not Doc.has_extension(name):
                Doc.set_extension(name, default=default)
        for name, getter in (("fact", _fact), ("fact_no", _fact_no), ("source", _source)):
            if not Span.has_extension(name):
                Span.set_extension(name, getter=getter)
        _registered = True


def _record(span) -> dict | None:
    return span.doc.user_data.get((_FACT_KEY, span.label_, span.start_char, span.end_char))


def _fact(span):
    """The fact behind a span of ``doc.spans["facts"]``: a Quantity, Deadline, Agency or Citation."""
    from pipeline.model import Agency, Citation, Deadline, Quantity

    record = _record(span)
    if record is None:
        return None
    model = {"QUANTITY": Quantity, "DEADLINE": Deadline, "AGENCY": Agency, "CITATION": Citation}[span.label_]
    return model.model_validate_json(record["json"])


def _fact_no(span) -> int | None:
    record = _record(span)
    return None if record is None else record["no"]


def _source(span) -> tuple[int, int] | None:
    record = _record(span)
    return None if record is None else tuple(record["source"])


def set_fact(span, fact, no: int | None, source: tuple[int, int]) -> None:
    """Attach a fact to a span (stored in the Doc's user data, so it travels in the DocBin)."""
    span.doc.user_data[(_FACT_KEY, span.label_, span.start_char, span.end_char)] = {
        "no": no, "json": fact.model_dump_json(), "source": [int(source[0]), int(source[1])]}


_msgpack_lock = threading.Lock()
_msgpack_depth = 0
_packers = threading.local()


@contextmanager
def _quick_msgpack() -> Iterator[None]:
    """DocBin (un)packs two or three small msgpack messages per Doc, and srsly makes each cost far
    more than the packing: it looks its extension registry up every time (a scan of the entry
    points of every installed package, about 1 ms here) and builds a new Packer (a 256 KiB buffer)
    for every message. Packing a document's Docs cost 14 times what it does inside this block,
    where the registry is looked up once and each thread reuses one Packer. The bytes are the
    same; outside the block srsly is as it was."""
    global _msgpack_depth
    import srsly.msgpack as msgpack

    registries = (msgpack.msgpack_encoders, msgpack.msgpack_decoders)
    with _msgpack_lock:
        if _msgpack_depth == 0:
            for registry in registries:
                found = registry.get_all()
                registry.get_all = lambda found=found: dict(found)  # an instance attribute shadows the method
            plain_dumps = msgpack.dumps

            def dumps(data, **options):
                if options != {"use_bin_type": True}:
                    return plain_dumps(data, **options)
                packer = getattr(_packers, "packer", None)
                if packer is None:
                    packer = _packers.packer = msgpack.Packer(use_bin_type=True)
                return packer.pack(data)  # autoreset: the buffer is emptied after each message

            dumps.plain = plain_dumps
            msgpack.dumps = dumps
        _msgpack_depth += 1
    try:
        yield
    finally:
        with _msgpack_lock:
            _msgpack_depth -= 1
            if _msgpack_depth == 0:
                for registry in registries:
                    del registry.get_all
                msgpack.dumps = msgpack.dumps.plain


def _add(box, doc) -> None:
    """`DocBin.add`, keeping only the strings our Docs use: words, tags, span labels.

    spaCy's own `add` reads nine string attributes of every token (lemma, norm, morph, dep,
    entity ...), making a Token object for each, though our Docs set none of them but the text
    and the tag: 13 % of our work in a worker. What it stores is what `add` stores, but for
    the strings nobody reads back; tests/test_tokens.py checks that the Docs read back alike."""
    import numpy
    import srsly
    from spacy.attrs import ORTH, SPACY, TAG

    array = doc.to_array(box.attrs)
    if len(array.shape) == 1:
        array = array.reshape((array.shape[0], 1))
    box.tokens.append(array)
    spaces = doc.to_array(SPACY)
    box.spaces.append(numpy.asarray(spaces.reshape((spaces.shape[0], 1)), dtype=bool))
    box.flags.append({"has_unknown_spaces": doc.has_unknown_spaces})
    strings = doc.vocab.strings
    for key in set(array[:, [box.attrs.index(ORTH), box.attrs.index(TAG)]].ravel().tolist()):
        if key in strings:
            box.strings.add(strings[key])
    box.cats.append(doc.cats)
    box.user_data.append(srsly.msgpack_dumps(doc.user_data) if box.store_user_data else None)
    box.span_groups.append(doc.spans.to_bytes())
    for group in doc.spans.values():
        for span in group:
            box.strings.add(span.label_)


def pack(docs: list["Doc"]) -> bytes:
    """The Docs as DocBin bytes (words, tags, sentences, spans, the attributes above)."""
    from spacy.tokens import DocBin

    box = DocBin(attrs=DOCBIN_ATTRS, store_user_data=True)
    with _quick_msgpack():
        for doc in docs:
            _add(box, doc)
        return box.to_bytes()


def reading_vocab():
    """A Vocab with spaCy's Vietnamese lexical attributes (``lower_``, ``norm_``, ``like_num`` on "mười",
    ``is_punct`` ...), for Docs read back: what Matcher patterns such as ``{"LOWER": "hỗ trợ"}`` look at.
    (The worker makes its Docs with a bare Vocab: lexical attributes are not stored, only computed.)"""
    from spacy.lang.vi import Vietnamese
    from spacy.vocab import create_vocab

    return create_vocab("vi", Vietnamese.Defaults)


def unpack(data: bytes, vocab=None) -> list["Doc"]:
    """The Docs of DocBin bytes (in a new `reading_vocab` unless a Vocab is given)."""
    from spacy.tokens import DocBin

    register_extensions()
    with _quick_msgpack():
        return list(DocBin().from_bytes(data).get_docs(vocab if vocab is not None else reading_vocab()))


# --------------------------------------------------------------------------
# The stage
# --------------------------------------------------------------------------
def _nlp():
    if "pipeline.nlp" not in sys.modules and threading.current_thread() is not threading.main_thread():
        raise RuntimeError("import pipeline.nlp in the main thread before tokenizing in a thread "
                           "(underthesea deadlocks when first imported in a Prefect task thread)")
    import pipeline.nlp as nlp

    return nlp


def _item_text(document: "Document", item) -> str | None:
    start, end = item.span
    return document.text[start:end] if 0 <= start < end <= len(document.text) else None


def item_doc(document: "Document", item, segmented=None) -> "Doc | None":
    """One item's Doc (words, tags, sentences, facts), or None when its span is empty or out of range.
    ``segmented``: the item text's `pipeline.nlp.segment` output, when already made."""
    from pipeline.extract.facts import add_facts, fact_edges

    text = _item_text(document, item)
    if text is None:
        return None
    nlp = _nlp()
    if segmented is None:
        segmented = nlp.segment(text, with_pos=True)
    doc = nlp.make_doc(text, segmented, with_pos=True, source_offset=item.span[0],
                       boundaries=fact_edges(item, document.citations))
    doc._.doc_id = document.document.source.sha256
    doc._.item_id = item.id
    doc._.path = item.path
    add_facts(doc, item, document.citations)
    return doc


def token_rows(doc_id: str, docs: Iterable["Doc"], texts: Iterable[str] | None = None) -> dict[str, list]:
    """The rows of the dataset's ``tokens`` table for a document's item Docs, as columns (name -> values).

    Plain lists, so the worker makes them without pyarrow and they travel cheaply to the writer
    (`pipeline.dataset.tokens.token_table`), which checks them against the table's schema. The
    words are read from one array per Doc, not from Token objects (which would cost more than all
    the rest); items are short (17 words on average), too short for numpy to pay. ``texts``: the
    Docs' texts when known (``doc.text`` joins a Token object per token).
    """
    from spacy.attrs import IDX, IS_SPACE, LENGTH, SENT_START, TAG

    from pipeline.lexicon import ascii_fold

    columns: dict[str, list] = {name: [] for name in TOKEN_COLUMNS}
    (c_doc, c_item, c_sent, c_pos, c_i, c_text, c_lower, c_folded, c_tag, c_start, c_end, c_in, c_fact,
     c_no) = columns.values()
    forms: dict[str, tuple[str, str]] = {}  # word -> (lower, folded): words repeat a lot
    tags: dict[int, str | None] = {0: None}
    for doc, text in zip(docs, texts) if texts is not None else ((doc, doc.text) for doc in docs):
        item_id, offset = doc._.item_id, doc._.source_offset
        facts: dict[int, tuple[str, int | None]] = {}
        for span in sorted(doc.spans.get("facts", ()), key=lambda s: s.start - s.end):  # longest first
            fact = (KINDS.get(span.label_, span.label_.lower()), span._.fact_no)
            for i in range(span.start, span.end):
                facts[i] = fact  # a shorter fact written later wins
        sentence, position = -1, 0
        rows = doc.to_array([IDX, LENGTH, IS_SPACE, SENT_START, TAG]).tolist()
        for i, (idx, length, is_space, sent_start, tag) in enumerate(rows):
            if sent_start == 1:
                sentence, position = sentence + 1, 0
            if is_space:
                continue
            word = text[idx:idx + length]
            form = forms.get(word)
            if form is None:
                lower = " ".join(word.split()).lower()
                form = forms[word] = (lower, ascii_fold(lower))
            if tag not in tags:
                tags[tag] = doc.vocab.strings[tag] or None
            fact = facts.get(i) if facts else None
            c_doc.append(doc_id)
            c_item.append(item_id)
            c_sent.append(max(sentence, 0))
            c_pos.append(position)
            c_i.append(i)
            c_text.append(word)
            c_lower.append(form[0])
            c_folded.append(form[1])
            c_tag.append(tags[tag])
            c_start.append(offset + idx)
            c_end.append(offset + idx + length)
            c_in.append(fact is not None)
            c_fact.append(fact[0] if fact else None)
            c_no.append(fact[1] if fact else None)
            position += 1
    return columns


def tokenize_document(document: "Document") -> Tokens:
    """The stage: every item of ``document`` tokenized, packed for the dataset.

    An item whose tokenization fails (a bug meeting odd text) gets no Doc and is
    named in ``Tokens.failed``; the other items and the document are not affected.
    """
    started = time.process_time()
    nlp = _nlp()
    docs, texts, failed = [], [], []
    # underthesea over every item first, then our work over all of them (see pipeline.nlp.make_doc).
    segmented: dict[str, object] = {}
    for item in document.items:
        text = _item_text(document, item)
        if text is None:
            continue
        try:
            segmented[item.id] = nlp.segment(text, with_pos=True)
        except Exception as exc:  # one item's words are not worth the document's
            failed.append(f"{item.id}: {type(exc).__name__}: {exc}"[:200])
    for item in document.items:
        if item.id not in segmented:
            continue
        try:
            doc = item_doc(document, item, segmented[item.id])
        except Exception as exc:
            failed.append(f"{item.id}: {type(exc).__name__}: {exc}"[:200])
            continue
        if doc is not None:
            docs.append(doc)
            texts.append(_item_text(document, item))
    # The rows here: the workers run in parallel, the writer does not.
    rows = token_rows(document.document.source.sha256, docs, texts)
    return Tokens(data=pack(docs), rows=rows, docs=len(docs), words=len(rows["doc_id"]), failed=failed,
                  seconds=time.process_time() - started)

