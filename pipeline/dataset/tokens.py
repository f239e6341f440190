"""A document's tokens in the dataset: the DocBin beside its Parquet files, the `tokens` table, `docs()`.

`Dataset.write_document(document, tokens=...)` stores the `pipeline.tokens.Tokens`
of a document as ``tokens.spacy`` in the document's folder (replaced with it, like
every other file there) and their rows (one per word, whitespace left out, made in
the worker by `pipeline.tokens.token_rows`) as the ``tokens`` table (`token_table`).
`docs(home, **filters)` reads the Docs back for researchers, selected with the
filters of `decree tasks`.

Only spaCy is needed here, never underthesea.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pyarrow as pa

from pipeline.dataset.tables import arrow_schema
from pipeline.tokens import token_rows, unpack

FILE = "tokens.spacy"


def token_table(rows: dict[str, list] | None) -> pa.Table:
    """The ``tokens`` table of a document from its rows (`pipeline.tokens.token_rows`; none for None)."""
    schema = arrow_schema("tokens")
    return pa.Table.from_pydict(rows, schema=schema) if rows else schema.empty_table()


def stored_rows(doc_id: str, data: bytes) -> dict[str, list]:
    """The rows of Docs stored as DocBin bytes (when a document is written again with the tokens it has)."""
    return token_rows(doc_id, unpack(data))


def docs(home: str | Path = ".", **filters) -> Iterator:
    """The spaCy Docs of the items `decree tasks` selects with the same filters, in its order.

    ``filters`` are those of `pipeline.query.tasks` (doc, year, deadline_before, agency, unit,
    search, kinds, with_quantities, min_confidence, max_confidence, limit). Each Doc has
    ``doc._.doc_id``, ``doc._.item_id``, ``doc._.path``, ``doc._.source_offset`` (where its
    text starts in the document text) and ``doc.spans["facts"]``; items of documents stored
    without tokens are left out. The Docs of one call share a Vocab (`pipeline.tokens.reading_vocab`:
    spaCy's Vietnamese lexical attributes), so one `spacy.matcher.Matcher(doc.vocab)` serves them all.
    """
    from pipeline.dataset.store import dataset_at
    from pipeline.query import tasks  # the task filters live with the task table
    from pipeline.tokens import reading_vocab

    chosen = tasks(home, **filters)
    dataset = dataset_at(home)
    vocab = reading_vocab()
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
