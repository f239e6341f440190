"""Questions researchers ask of the dataset: read-only SQL, the task table, exports.

Pure functions over a home folder (or an open connection) returning pandas DataFrames;
`pipeline/query_cli.py` puts them on the command line (`decree query`, `decree tasks`,
`decree export`).

Every connection opened here (`open_dataset`) has, on top of the dataset's views:

* ``fold(text)`` — a macro for diacritic- and case-insensitive matching:
  lower case, ``đ`` → ``d``, accents stripped, runs of white space made one space
  (``fold('Đào  tạo') = 'dao tao'``);
* ``tasks`` — a view with one row per item of the body (see `TASK_COLUMNS`):
  document number/type/issuer, path, text, its quantities as text, its effective
  deadline, lead/support agencies (``lead_inherited`` when the lead is not named in
  the item but passed down by the heading that addresses it, as the pipeline records it
  in `agencies.inherited`) and the lowest confidence among the item and its facts.
"""
from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
from pathlib import Path
from typing import Iterable, Sequence

import duckdb
import pandas as pd

from pipeline.errors import PipelineError

# Item kinds researchers get by default from `tasks` (section headings left out).
TASK_KINDS = ("task", "objective", "assignment", "article", "paragraph", "table_row")
ALL_KINDS = ("article", "section", "objective", "task", "assignment", "paragraph", "table_row")

# The read-only PRAGMAs `run_sql` lets through.
READ_PRAGMAS = ("show_tables", "show_tables_expanded", "table_info", "show", "database_list", "version",
                "platform", "database_size", "storage_info", "functions")

EXPORT_FORMATS = ("csv", "xlsx", "parquet")

_FOLD_MACRO = (
    "CREATE OR REPLACE TEMP MACRO fold(s) AS "
    "strip_accents(replace(lower(regexp_replace(trim(CAST(s AS VARCHAR)), '\\s+', ' ', 'g')), 'đ', 'd'))"
)

_FMT_MACRO = (  # a quantity value as a person writes it: 3000, 22600000000, 12.5
    "CREATE OR REPLACE TEMP MACRO _fmt_value(v) AS "
    "CASE WHEN v = round(v) AND abs(v) < 1e18 THEN CAST(CAST(v AS BIGINT) AS VARCHAR) ELSE CAST(v AS VARCHAR) END"
)

# Everything the `tasks` view and the `tasks()` filters need, per item (columns starting with _ are hidden).
_TASKS_BASE_SQL = """
CREATE OR REPLACE TEMP MACRO _tasks_base() AS TABLE
WITH
q AS (
    SELECT doc_id, item_id,
           string_agg(trim(coalesce(qualifier || ' ', '') || _fmt_value(value)
                           || coalesce('–' || _fmt_value(value_max), '')
                           || CASE WHEN unit = '%' THEN '%' ELSE coalesce(' ' || unit, '') END),
                      '; ' ORDER BY quantity_no) AS quantities,
           string_agg(coalesce(unit, '') || ' ' || coalesce(unit_normalized, ''), ' | ') AS _units,
           min(confidence) AS _confidence
    FROM quantities GROUP BY doc_id, item_id
),
a AS (
    SELECT doc_id, item_id,
           string_agg(normalized, '; ' ORDER BY agency_no) FILTER (WHERE role = 'lead') AS lead,
           bool_and(inherited) FILTER (WHERE role = 'lead') AS lead_inherited,
           string_agg(normalized, '; ' ORDER BY agency_no) FILTER (WHERE role = 'support') AS support,
           string_agg(normalized, '; ' ORDER BY agency_no) FILTER (WHERE role NOT IN ('lead', 'support')) AS assignees,
           string_agg(name || ' | ' || normalized, ' | ') AS _agencies,
           count(*) FILTER (WHERE NOT inherited) AS _own_agencies,
           min(confidence) AS _confidence
    FROM agencies GROUP BY doc_id, item_id
)
SELECT
    i.doc_id, d.number, d.doc_type, d.issuer, d.issued_date, i.item_id, i.kind, i.path, i.text, i.page,
    q.quantities, i.n_quantities,
    i.effective_deadline_end AS deadline, i.effective_deadline_start AS deadline_start,
    i.effective_deadline_recurrence AS recurrence, i.effective_deadline_inherited_from AS deadline_inherited_from,
    dl.raw AS deadline_raw,
    a.lead, coalesce(a.lead_inherited, false) AS lead_inherited,
    a.support, a.assignees,
    least(i.confidence, coalesce(q._confidence, 1.0), coalesce(a._confidence, 1.0),
          CASE WHEN dl.stated THEN dl.confidence ELSE 1.0 END) AS confidence,
    d.title AS _title, q._units, a._agencies,
    i.span_start AS _span_start, d.file_name AS _file_name,
    i.n_quantities > 0 OR coalesce(a._own_agencies, 0) > 0 OR i.deadline_end IS NOT NULL OR i.deadline_start IS NOT NULL AS _has_facts
FROM items i
JOIN documents d ON d.doc_id = i.doc_id
LEFT JOIN q ON q.doc_id = i.doc_id AND q.item_id = i.item_id
LEFT JOIN a ON a.doc_id = i.doc_id AND a.item_id = i.item_id
LEFT JOIN deadlines dl ON dl.doc_id = i.doc_id AND dl.item_id = i.item_id
"""

# The columns of `tasks` (and of the `tasks()` DataFrame), in order.
TASK_COLUMNS = (
    "doc_id", "number", "doc_type", "issuer", "issued_date", "item_id", "kind", "path", "text", "page",
    "quantities", "n_quantities", "deadline", "deadline_start", "recurrence", "deadline_inherited_from",
    "deadline_raw", "lead", "lead_inherited", "support", "assignees", "confidence",
)
_TASK_ORDER = "issued_date NULLS LAST, number, doc_id, _span_start NULLS LAST, item_id"

# Items `tasks` shows by default: every kind but sections, plus the sections stating a fact of their own.
_DEFAULT_KINDS_SQL = f"(kind IN ({', '.join(repr(k) for k in TASK_KINDS)}) OR (kind = 'section' AND _has_facts))"

_TASKS_VIEW_SQL = (
    f"CREATE OR REPLACE TEMP VIEW tasks AS SELECT {', '.join(TASK_COLUMNS)} FROM _tasks_base() "
    f"WHERE {_DEFAULT_KINDS_SQL} ORDER BY {_TASK_ORDER}"
)


class QueryError(PipelineError):
    """A query that cannot run: refused, malformed, or failing in DuckDB. `str()` is one line."""

    stage = "query"


# --------------------------------------------------------------------------
# Connections
# --------------------------------------------------------------------------
def open_dataset(home: str | Path = ".", *, files: bool = True) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the dataset of `home`, with `fold()` and the `tasks` view.

    `files=False` (user SQL): the connection can read the dataset's own files and nothing else —
    no `read_csv('/etc/passwd')`, no COPY TO, no ATTACH — and cannot be switched back."""
    from pipeline.dataset import dataset_at

    dataset = dataset_at(home)
    try:
        dataset.require()
    except PipelineError as exc:
        raise QueryError(exc.reason) from None
    con = dataset.connect()
    try:
        prepare(con)
        if not files:
            root = str(dataset.root).rstrip("/") + "/"
            con.execute("SET allowed_directories = [?]", [root])
            con.execute("SET enable_external_access = false")
    except Exception:
        con.close()
        raise
    return con


def prepare(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Add `fold()`, the `tasks` view and its helpers (all temporary) to a dataset connection."""
    for statement in (_FOLD_MACRO, _FMT_MACRO, _TASKS_BASE_SQL, _TASKS_VIEW_SQL):
        con.execute(statement)
    return con


def fold(text: str | None) -> str:
    """The Python twin of the SQL `fold()`: 'Sở  Công Thương' -> 'so cong thuong'."""
    import unicodedata

    if text is None:
        return ""
    text = re.sub(r"\s+", " ", text.strip()).lower().replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def _one_line(exc: BaseException) -> str:
    """DuckDB's message (which spans lines, with a caret drawing) as one line."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    kept = [line for line in lines if not line.startswith("LINE ") and not set(line) <= {"^", " "}]
    return " ".join(kept) or type(exc).__name__


# --------------------------------------------------------------------------
# Read-only SQL
# --------------------------------------------------------------------------
def check_read_only(sql: str) -> str:
    """The single statement of `sql` if it only reads; QueryError (one line) otherwise."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryError(f"SQL error: {_one_line(exc)}") from None
    if not statements:
        raise QueryError("no SQL statement given")
    if len(statements) > 1:
        raise QueryError(f"one statement at a time, got {len(statements)}")
    statement = statements[0]
    _check_statement(statement.type, statement.query)
    return statement.query


def _check_statement(kind, text: str) -> None:
    name = getattr(kind, "name", str(kind)).upper()
    if name == "SELECT":  # SELECT, WITH ... SELECT, FROM-first, VALUES, DESCRIBE, SHOW, SUMMARIZE
        return
    if name == "EXPLAIN":
        inner = re.sub(r"^\s*EXPLAIN\s+(ANALY[SZ]E\s+)?(\([^)]*\)\s*)?", "", text, flags=re.IGNORECASE)
        try:
            statements = duckdb.extract_statements(inner)
        except duckdb.Error:
            statements = []
        if len(statements) == 1 and getattr(statements[0].type, "name", "") != "EXPLAIN":
            _check_statement(statements[0].type, statements[0].query)
            return
        raise QueryError("refused: EXPLAIN is allowed only in front of a SELECT")
    if name == "PRAGMA":
        match = re.match(r"\s*PRAGMA\s+(\w+)", text, flags=re.IGNORECASE)
        if match and match.group(1).lower() in READ_PRAGMAS:
            return
        raise QueryError(f"refused: only read-only PRAGMAs ({', '.join(READ_PRAGMAS)}) are allowed")
    verb = text.strip().split(None, 1)[0].upper() if text.strip() else name
    raise QueryError(
        f"refused: the dataset is read-only; {verb} statements are not allowed "
        "(use SELECT, WITH, DESCRIBE, SHOW, EXPLAIN or PRAGMA show_tables)"
    )


def _explain_sql_error(exc: BaseException) -> str:
    """DuckDB's message in one line, pointed at our views: a mistyped view is not offered a DuckDB internal
    ("Did you mean pg_enum?"), and a refused file read says how to allow it."""
    import difflib

    from pipeline.dataset import VIEW_NAMES

    message = _one_line(exc)
    missing = re.search(r"Table with name (\S+) does not exist!", message)
    if missing:
        name = missing.group(1)
        views = [*VIEW_NAMES, "tasks"]
        close = difflib.get_close_matches(name.lower(), views, n=1)
        hint = f' Did you mean "{close[0]}"?' if close else ""
        return f"SQL error: no table or view named {name}.{hint} The views are: {', '.join(views)}"
    if "file system operations are disabled" in message:
        return (f"SQL error: {message.split(' - ')[0]} - decree query reads only the dataset "
                f"(--allow-files lets it read other files)")
    return f"SQL error: {message}"


def run_sql(sql: str, home: str | Path = ".", *, con: duckdb.DuckDBPyConnection | None = None,
            allow_files: bool = False) -> pd.DataFrame:
    """Run one read-only statement over the dataset's views; QueryError (one line) when refused or failing.

    Files outside the dataset (read_csv, read_parquet of other paths) are refused unless `allow_files`."""
    statement = check_read_only(sql)
    own = con is None
    con = open_dataset(home, files=allow_files) if own else con
    try:
        relation = con.sql(statement)
        if relation is None:  # a statement without a result
            return pd.DataFrame()
        return dates_as_dates(relation.df(), relation.types)
    except duckdb.Error as exc:
        raise QueryError(_explain_sql_error(exc)) from None
    finally:
        if own:
            con.close()


# --------------------------------------------------------------------------
# The task table
# --------------------------------------------------------------------------
def tasks(
    home: str | Path = ".",
    *,
    con: duckdb.DuckDBPyConnection | None = None,
    doc: str | None = None,
    year: int | None = None,
    deadline_before: str | dt.date | None = None,
    agency: str | None = None,
    unit: str | None = None,
    min_confidence: float | None = None,
    max_confidence: float | None = None,
    search: str | None = None,
    kinds: Sequence[str] | None = None,
    with_quantities: bool = False,
    limit: int | None = None,
) -> pd.DataFrame:
    """One row per body item (columns `TASK_COLUMNS`), filtered; every text filter folds diacritics and case.

    * ``doc`` — a document number ("62/KH-SKHCN", "62/kh-skhcn", "62/KH-SKHCN" without
      diacritics all match), a doc_id or its first 8+ characters, or the file name;
    * ``year`` — the effective deadline ends in that year (or starts in it), or the item has
      no deadline and its text or its document's title names the year;
    * ``deadline_before`` — the effective deadline ends strictly before that date;
    * ``agency`` — contained in a name (as printed or expanded) of one of the item's agencies
      or of the lead it inherits;
    * ``unit`` — contained in the unit of one of its quantities;
    * ``search`` — contained in the item text;
    * ``kinds`` — item kinds; by default `TASK_KINDS` plus the sections that state a quantity, an
      agency or a deadline of their own ("1. Sở Công Thương chủ trì ...:" over its sub-tasks),
      i.e. everything but bare headings.
    """
    where, params = [], []
    if kinds:
        chosen = _kinds(kinds)
        where.append(f"kind IN ({', '.join('?' for _ in chosen)})")
        params.extend(chosen)
    else:  # a numbered unit with sub-items is a "section"; one naming an agency, a quantity or a deadline is work
        where.append(_DEFAULT_KINDS_SQL)
    if doc:
        key = re.sub(r"\s+", "", doc)
        where.append("(fold(number) = fold(?) OR doc_id = lower(?) OR (length(?) >= 8 AND starts_with(doc_id, lower(?)))"
                     " OR _file_name = ?)")
        params.extend([key, key, key, key, doc])
    if year is not None:
        year = int(year)
        where.append(
            "(year(deadline) = ? OR year(deadline_start) = ? OR (deadline IS NULL AND deadline_start IS NULL"
            " AND (regexp_matches(text, ?) OR regexp_matches(coalesce(_title, ''), ?))))"
        )
        pattern = rf"(^|[^0-9]){year}([^0-9]|$)"
        params.extend([year, year, pattern, pattern])
    if deadline_before is not None:
        where.append("deadline < CAST(? AS DATE)")
        params.append(_date(deadline_before, "--deadline-before"))
    if agency:
        where.append("contains(fold(_agencies), fold(?))")
        params.append(agency)
    if unit:
        where.append("contains(fold(_units), fold(?))")
        params.append(unit)
    if search:
        where.append("contains(fold(text), fold(?))")
        params.append(search)
    if min_confidence is not None:
        where.append("confidence >= ?")
        params.append(float(min_confidence))
    if max_confidence is not None:
        where.append("confidence < ?")
        params.append(float(max_confidence))
    if with_quantities:
        where.append("n_quantities > 0")
    sql = f"SELECT {', '.join(TASK_COLUMNS)} FROM _tasks_base() WHERE {' AND '.join(where)} ORDER BY {_TASK_ORDER}"
    if limit is not None:
        sql += f" LIMIT {max(0, int(limit))}"
    own = con is None
    con = open_dataset(home) if own else con
    try:
        result = con.execute(sql, params)
        types = [column[1] for column in result.description]
        return dates_as_dates(result.df(), types)
    except duckdb.Error as exc:
        raise QueryError(f"SQL error: {_one_line(exc)}") from None
    finally:
        if own:
            con.close()


def _kinds(kinds: Sequence[str] | None) -> list[str]:
    chosen = [k.strip().lower() for value in (kinds or TASK_KINDS) for k in str(value).split(",") if k.strip()]
    unknown = [k for k in chosen if k not in ALL_KINDS]
    if unknown:
        raise QueryError(f"unknown kind {unknown[0]!r}; known: {', '.join(ALL_KINDS)}")
    return chosen


def _date(value: str | dt.date, what: str) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise QueryError(f"{what}: {value!r} is not a date (YYYY-MM-DD)") from None


# --------------------------------------------------------------------------
# Plain values for CSV / JSON / spreadsheets
# --------------------------------------------------------------------------
def plain(value):
    """A cell as a JSON-ready Python value: lists stay lists, dates become ISO text, missing becomes None."""
    import numpy as np

    if value is None:
        return None
    if isinstance(value, (list, tuple, np.ndarray)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return None if pd.isna(value) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def dates_as_dates(frame: pd.DataFrame, types) -> pd.DataFrame:
    """DuckDB hands DATE columns to pandas as datetimes at midnight: make them `datetime.date`s again."""
    for column, typ in zip(list(frame.columns), types):
        if str(typ).upper() == "DATE" and column in frame.columns:
            series = frame[column]
            frame[column] = pd.Series(
                [None if pd.isna(v) else (v.date() if hasattr(v, "date") else v) for v in series],
                index=frame.index, dtype=object,
            )
    return frame


def records(frame: pd.DataFrame) -> list[dict]:
    """The rows of `frame` as JSON-ready dicts."""
    columns = list(frame.columns)
    return [{c: plain(v) for c, v in zip(columns, row)} for row in frame.itertuples(index=False, name=None)]


def flat_frame(frame: pd.DataFrame, *, naive_times: bool = False) -> pd.DataFrame:
    """`frame` with list/dict cells as JSON text (for CSV and spreadsheets); `naive_times`: time stamps in UTC
    without their zone (spreadsheets cannot hold a zone)."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if naive_times and isinstance(series.dtype, pd.DatetimeTZDtype):
            out[column] = series.dt.tz_convert("UTC").dt.tz_localize(None)
        elif series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
            if series.map(lambda v: isinstance(v, (list, tuple, dict)) or hasattr(v, "tolist")).any():
                out[column] = series.map(
                    lambda v: None if v is None or (isinstance(v, float) and math.isnan(v))
                    else json.dumps(plain(v), ensure_ascii=False)
                )
    return out


def to_csv(frame: pd.DataFrame) -> str:
    return flat_frame(frame).to_csv(index=False)


def to_json(frame: pd.DataFrame) -> str:
    return json.dumps(records(frame), ensure_ascii=False, indent=1)


# --------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------
def export_names() -> tuple[str, ...]:
    from pipeline.dataset import VIEW_NAMES

    return (*VIEW_NAMES, "tasks")


def export(
    home: str | Path = ".", fmt: str = "csv", out: str | Path | None = None, tables: Iterable[str] | None = None,
) -> list[tuple[str, Path, int]]:
    """Write tables (all by default, the `tasks` view included) to `out`; returns (table, file, rows) per table.

    csv/parquet: one file per table in the folder `out` (default HOME/export);
    xlsx: one workbook, a sheet per table (`out` ending in .xlsx, else OUT/decree.xlsx).
    Lists become JSON text in csv and xlsx; parquet keeps the dataset's types.
    """
    fmt = fmt.lower().lstrip(".")
    if fmt not in EXPORT_FORMATS:
        raise QueryError(f"unknown format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")
    known = export_names()
    names = [n.strip() for value in (tables or known) for n in str(value).split(",") if n.strip()]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise QueryError(f"unknown table {unknown[0]!r}; known: {', '.join(known)}")
    names = list(dict.fromkeys(names))
    target = Path(out) if out is not None else Path(home) / "export"
    if fmt == "xlsx" and target.suffix.lower() != ".xlsx":
        target = target / "decree.xlsx"
    folder = target.parent if fmt == "xlsx" else target
    con = open_dataset(home)  # before anything is made: a mistyped home writes nothing
    written: list[tuple[str, Path, int]] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if fmt == "xlsx":
            frames = {}
            for name in names:
                relation = con.sql(f"SELECT * FROM {name}")
                frames[name] = dates_as_dates(relation.df(), relation.types)
            _write_xlsx(target, frames)
            written = [(name, target, len(frame)) for name, frame in frames.items()]
        for name in names if fmt != "xlsx" else ():
            path = folder / f"{name}.{fmt}"
            tmp = folder / f".{name}.{os.getpid()}.tmp"
            relation = con.sql(f"SELECT * FROM {name}")
            if fmt == "parquet":
                import pyarrow.parquet as pq

                table = relation.to_arrow_table() if hasattr(relation, "to_arrow_table") else relation.arrow()
                pq.write_table(table, tmp)
                rows = table.num_rows
            else:
                frame = dates_as_dates(relation.df(), relation.types)
                flat_frame(frame).to_csv(tmp, index=False, encoding="utf-8")
                rows = len(frame)
            os.replace(tmp, path)
            written.append((name, path, rows))
    except duckdb.Error as exc:
        raise QueryError(f"export failed: {_one_line(exc)}") from None
    finally:
        con.close()
    return written


XLSX_MAX_ROWS = 1_048_575  # one row of the sheet is the header
XLSX_MAX_CELL = 32_767


def _write_xlsx(path: Path, frames: dict[str, pd.DataFrame]) -> None:
    try:
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    except ImportError:  # pragma: no cover - openpyxl is a dependency
        raise QueryError("xlsx export needs openpyxl (pip install openpyxl)") from None

    def clean(value):
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
            if len(value) > XLSX_MAX_CELL:
                value = value[: XLSX_MAX_CELL - 1] + "…"
        return value

    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
        for name, frame in frames.items():
            if len(frame) > XLSX_MAX_ROWS:
                raise QueryError(f"table {name} has {len(frame)} rows, more than a spreadsheet holds; export csv or parquet")
            flat = flat_frame(frame, naive_times=True)
            for column in flat.columns:
                if flat[column].dtype == object or pd.api.types.is_string_dtype(flat[column].dtype):
                    flat[column] = flat[column].map(clean)
            flat.to_excel(writer, sheet_name=name[:31], index=False)
    os.replace(tmp, path)
