"""Word frequencies of the tasks researchers select: `decree words` (`pipeline/words_cli.py`).

`word_counts(home, pos=["N", "V"], top=50, **filters)` counts the words of the
``tokens`` table (underthesea's words: a multi-syllable word such as "doanh nghiệp"
is one word) over the items `pipeline.query.tasks` selects with the same filters,
by their lower-case form. Only words with a letter count (no punctuation, no bare
numbers). Columns: ``word``, ``pos`` (its most frequent tag; ties by name), ``n`` (occurrences),
``items`` and ``documents`` (how many hold it).
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import duckdb
import pandas as pd

from pipeline.query import QueryError, _one_line, open_dataset, tasks

# underthesea's tag set (VLSP 2013), for the help text and the check of --pos.
POS_TAGS = {
    "N": "noun", "Np": "proper noun", "Nc": "classifier noun", "Nu": "unit noun", "Ny": "abbreviated noun",
    "Nb": "borrowed noun", "V": "verb", "Vb": "borrowed verb", "Vy": "abbreviated verb", "A": "adjective",
    "P": "pronoun", "R": "adverb", "L": "determiner", "M": "numeral", "E": "preposition", "C": "conjunction",
    "Cc": "coordinating conjunction", "I": "interjection", "T": "particle", "Y": "abbreviation", "Z": "affix",
    "X": "unknown", "CH": "punctuation", "B": "borrowed word",
}

WORD_COLUMNS = ("word", "pos", "n", "items", "documents")


def _tags(pos: Sequence[str] | str | None) -> list[str]:
    values = [pos] if isinstance(pos, str) else list(pos or [])
    chosen = [t.strip() for value in values for t in str(value).split(",") if t.strip()]
    known = {tag.lower(): tag for tag in POS_TAGS}
    unknown = [t for t in chosen if t.lower() not in known]
    if unknown:
        raise QueryError(f"unknown POS tag {unknown[0]!r}; known: {', '.join(POS_TAGS)}")
    return [known[t.lower()] for t in chosen]


def word_counts(home: str | Path = ".", *, pos: Sequence[str] | str | None = None, top: int | None = 50,
                **filters) -> pd.DataFrame:
    """The most frequent words of the items `tasks(home, **filters)` selects (columns `WORD_COLUMNS`).

    ``pos``: only words with these tags ("N,V" or ["N", "V"]); ``top``: at most that many rows
    (None: all). Ties are ordered by the word.
    """
    tags = _tags(pos)
    con = open_dataset(home)
    try:
        chosen = tasks(home, con=con, **filters)[["doc_id", "item_id"]]
        con.register("_chosen", chosen)
        where = ["regexp_matches(t.text, '\\pL')"]
        params: list = []
        if tags:
            where.append(f"t.pos IN ({', '.join('?' for _ in tags)})")
            params.extend(tags)
        sql = f"""
            WITH w AS (
                SELECT t.lower, t.pos, t.doc_id, t.item_id
                FROM tokens t JOIN _chosen c ON c.doc_id = t.doc_id AND c.item_id = t.item_id
                WHERE {' AND '.join(where)}),
            tags AS (SELECT lower, pos, count(*) AS k FROM w GROUP BY lower, pos)
            SELECT w.lower AS word, (SELECT first(pos ORDER BY k DESC, pos) FROM tags WHERE tags.lower = w.lower) AS pos,
                   count(*) AS n, count(DISTINCT (w.doc_id, w.item_id)) AS items, count(DISTINCT w.doc_id) AS documents
            FROM w GROUP BY w.lower ORDER BY n DESC, word"""
        if top is not None:
            sql += f" LIMIT {max(0, int(top))}"
        return con.execute(sql, params).df()
    except duckdb.Error as exc:
        raise QueryError(f"SQL error: {_one_line(exc)}") from None
    finally:
        con.close()
