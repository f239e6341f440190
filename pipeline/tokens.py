"""Tokenize: every item's text as a spaCy Doc of underthesea words and POS tags, its facts as spans.

The stage after extraction. It runs in the document's worker (the sandboxed child
of `pipeline/isolation.py`, after `extract_document`) and hands back `Tokens`: the
item Docs packed in one spaCy ``DocBin``, which the dataset stores beside the
document's Parquet files (``tokens.spacy``) and flattens into the ``tokens`` table
(`pipeline/dataset/tokens.py`).

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
from dataclasses import dataclass, field
from importlib.metadata import version as _package_version
from typing import TYPE_CHECKING, Iterator

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
_FACT_KEY = "decree.fact"  # doc.user_data[(_FACT_KEY, label, start_char, end_char)] = {"no", "json", "source"}


def enabled() -> bool:
    """Whether documents get tokens (the ``DECREE_TOKENS`` setting; on unless off, 0, false or no)."""
    return os.environ.get(SETTING, "on").strip().lower() not in ("off", "0", "false", "no")


@dataclass
class Tokens:
    """What the stage hands back for one document: its item Docs as DocBin bytes, or why there are none."""

    data: bytes | None = None  # DocBin.to_bytes()
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


def register_extensions() -> None:
    """Register the Doc and Span attributes our Docs carry (idempotent)."""
    global _registered
    if _registered:
        return
    from spacy.tokens import Doc, Span

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


def pack(docs: list["Doc"]) -> bytes:
    """The Docs as DocBin bytes (words, tags, sentences, spans, the attributes above)."""
    from spacy.tokens import DocBin

    box = DocBin(attrs=DOCBIN_ATTRS, store_user_data=True)
    for doc in docs:
        box.add(doc)
    return box.to_bytes()


def unpack(data: bytes, vocab=None) -> Iterator["Doc"]:
    """The Docs of DocBin bytes (a fresh Vocab unless one is given)."""
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    register_extensions()
    return DocBin().from_bytes(data).get_docs(vocab if vocab is not None else Vocab())


# --------------------------------------------------------------------------
# The stage
# --------------------------------------------------------------------------
def _nlp():
    if "pipeline.nlp" not in sys.modules and threading.current_thread() is not threading.main_thread():
        raise RuntimeError("import pipeline.nlp in the main thread before tokenizing in a thread "
                           "(underthesea deadlocks when first imported in a Prefect task thread)")
    import pipeline.nlp as nlp

    return nlp


def item_doc(document: "Document", item) -> "Doc | None":
    """One item's Doc (words, tags, sentences, facts), or None when its span is empty or out of range."""
    from pipeline.extract.facts import add_facts, fact_edges

    start, end = item.span
    if not (0 <= start < end <= len(document.text)):
        return None
    text = document.text[start:end]
    doc = _nlp().tokenize(text, with_pos=True, source_offset=start, boundaries=fact_edges(item, document.citations))
    doc._.doc_id = document.document.source.sha256
    doc._.item_id = item.id
    doc._.path = item.path
    add_facts(doc, item, document.citations)
    return doc


def tokenize_document(document: "Document") -> Tokens:
    """The stage: every item of ``document`` tokenized, packed for the dataset.

    An item whose tokenization fails (a bug meeting odd text) gets no Doc and is
    named in ``Tokens.failed``; the other items and the document are not affected.
    """
    started = time.process_time()
    docs, failed = [], []
    for item in document.items:
        try:
            doc = item_doc(document, item)
        except Exception as exc:  # one item's words are not worth the document's
            failed.append(f"{item.id}: {type(exc).__name__}: {exc}"[:200])
            continue
        if doc is not None:
            docs.append(doc)
    words = sum(1 for doc in docs for token in doc if not token.is_space)
    return Tokens(data=pack(docs), docs=len(docs), words=words, failed=failed,
                  seconds=time.process_time() - started)

