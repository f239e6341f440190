"""A document's tokens in the dataset: the DocBin beside its Parquet files, the `tokens` table, `docs()`.

`Dataset.write_document(document, tokens=...)` stores the `pipeline.tokens.Tokens`
of a document as ``tokens.spacy`` in the document's folder (replaced with it, like
every other file there) and flattens its Docs into the ``tokens`` table with
`token_table`: one row per word, whitespace left out. `docs(home, **filters)` reads
the Docs back for researchers, selected with the filters of `decree tasks`.

Only spaCy is needed here, never underthesea.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pyarrow as pa

from pipeline.dataset.tables import arrow_schema, validate_table
from pipeline.lexicon import ascii_fold
from pipeline.tokens import unpack

FILE = "tokens.spacy"
_KIND = {"QUANTITY": "quantity", "DEADLINE": "deadline", "AGENCY": "agency", "CITATION": "citation"}


def _lower(text: str) -> str:
    return (text if " " not in text and "\n" not in text and "\t" not in text else " ".join(text.split())).lower()


def token_table(doc_id: str, data: bytes | None) -> pa.Table:
    """The ``tokens`` rows of a document's DocBin bytes (none for None)."""
    columns: dict[str, list] = {name: [] for name in arrow_schema("tokens").names}
    (c_doc, c_item, c_sent, c_pos_, c_i, c_text, c_lower, c_folded, c_tag, c_start, c_end, c_in, c_fact,
     c_no) = columns.values()
    for doc in unpack(data) if data else ():
        item_id, offset = doc._.item_id, doc._.source_offset
        facts: dict[int, tuple[str, int | None]] = {}
        for span in sorted(doc.spans.get("facts", []), key=lambda s: s.start - s.end):  # longest first
            fact = (_KIND.get(span.label_, span.label_.lower()), span._.fact_no)
            for i in range(span.start, span.end):
                facts[i] = fact  # a shorter fact written later wins
        sentence, position = -1, 0
        for token in doc:
            if token.is_sent_start:
                sentence, position = sentence + 1, 0
            if token.is_space:
                continue
            text = token.text
            lower = _lower(text)
            fact = facts.get(token.i)
            c_doc.append(doc_id)
            c_item.append(item_id)
            c_sent.append(max(sentence, 0))
            c_pos_.append(position)
            c_i.append(token.i)
            c_text.append(text)
            c_lower.append(lower)
            c_folded.append(ascii_fold(lower))
            c_tag.append(token.tag_ or None)
            c_start.append(offset + token.idx)
            c_end.append(offset + token.idx + len(text))
            c_in.append(fact is not None)
            c_fact.append(fact[0] if fact else None)
            c_no.append(fact[1] if fact else None)
            position += 1
    table = pa.Table.from_pydict(columns, schema=arrow_schema("tokens"))
    validate_table("tokens", table)
    return table


def docs(home: str | Path = ".", **filters) -> Iterator:
    """The spaCy Docs of the items `decree tasks` selects with the same filters, in its order.

    ``filters`` are those of `pipeline.query.tasks` (doc, year, deadline_before, agency, unit,
    search, kinds, with_quantities, min_confidence, max_confidence, limit). Each Doc has
    ``doc._.doc_id``, ``doc._.item_id``, ``doc._.path``, ``doc._.source_offset`` (where its
    text starts in the document text) and ``doc.spans["facts"]``; items of documents stored
    without tokens are left out. The Docs of one call share a Vocab.
    """
    from spacy.vocab import Vocab

    from pipeline.dataset.store import dataset_at
    from pipeline.query import tasks  # the task filters live with the task table

    chosen = tasks(home, **filters)
    dataset = dataset_at(home)
    vocab = Vocab()
    wanted: dict[str, list[str]] = {}
    for doc_id, item_id in zip(chosen["doc_id"], chosen["item_id"]):
        wanted.setdefault(doc_id, []).append(item_id)
    for doc_id, item_ids in wanted.items():
        data = dataset.read_tokens(doc_id)
        if not data:
            continue
        by_item = {doc._.item_id: doc for doc in unpack(data, vocab)}
        for item_id in item_ids:
            if item_id in by_item:
                yield by_item[item_id]
