"""The queryable dataset: normalized tables as Parquet under `extracted/`, with DuckDB views over them.

Researchers::

    from pipeline import dataset
    items = dataset.load("items", home="/path/to/project")   # a pandas DataFrame
    everything = dataset.load(home=...)                       # {table name: DataFrame}
    con = dataset.connect(home=...)                           # DuckDB, for SQL joins
    con.sql("SELECT * FROM review_queue LIMIT 20").df()
    for doc in dataset.docs(home=..., year=2024):           # spaCy Docs of the tasks (filters of `decree tasks`)
        print(doc._.item_id, [(t.text, t.tag_) for t in doc], doc.spans["facts"])

Writers (the flows and the CLI) use `Dataset`: see `pipeline.dataset.store`.
The dataset is `<home>/extracted` unless a location is given (`location=`, or
the ``DECREE_DATASET`` environment variable): a local folder, or any fsspec
URL for a shared store (`pipeline.dataset.remote`).
Table names: documents, items, quantities, deadlines, agencies, citations,
table_rows, links, tokens, review_queue, corrections; their columns are described in
`schemas/tables/<table>.schema.json`.
"""
from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from pipeline.dataset.store import VIEW_NAMES, Dataset, DatasetError, LockBusy, NoDataset, WriteResult, dataset_at
from pipeline.dataset.tables import SCHEMA_VERSION, TABLES, rows_for_document, validate_table, write_table_schemas
from pipeline.dataset.tokens import docs

__all__ = [
    "Dataset", "DatasetError", "dataset_at", "LockBusy", "NoDataset", "WriteResult", "SCHEMA_VERSION", "TABLES",
    "VIEW_NAMES", "connect", "docs", "load", "rows_for_document", "validate_table", "write_table_schemas",
]


def connect(home: str | Path = ".", location: str | None = None) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection whose views are the dataset's tables (reads only; takes no lock)."""
    return dataset_at(home, location).connect()


def load(table: str | None = None, home: str | Path = ".", location: str | None = None) -> pd.DataFrame | dict[str, pd.DataFrame]:
    """One table as a DataFrame, or every table (name -> DataFrame) when `table` is None."""
    names = VIEW_NAMES if table is None else (table,)
    unknown = [name for name in names if name not in VIEW_NAMES]
    if unknown:
        raise DatasetError(f"unknown table {unknown[0]!r}; known: {', '.join(VIEW_NAMES)}")
    con = connect(home, location)
    try:
        frames = {name: con.sql(f"SELECT * FROM {name}").df() for name in names}
    finally:
        con.close()
    return frames if table is None else frames[table]
