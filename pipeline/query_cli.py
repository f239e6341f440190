"""`decree query`, `decree tasks`, `decree export`: the dataset for researchers (logic in `pipeline/query.py`).

`pipeline/cli.py` calls `register(app)`.
"""
from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.console import Console

# Data is printed as it is: no Rich markup, no emoji codes, no highlighting of what a document says.
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False, emoji=False)
out = Console(highlight=False, markup=False, emoji=False)

HOME = typer.Option(Path("."), "--home", metavar="DIR", help="Folder holding raw_docs/ and extracted/.")
CSV = typer.Option(False, "--csv", help="Comma-separated values on stdout (lists as JSON text).")
JSON = typer.Option(False, "--json", help="A JSON array of row objects on stdout.")

TEXT_WIDTH = 70  # characters of item text shown in the table output of `decree tasks`


def _fail(message: str) -> None:
    err.print(f"error: {message}", markup=False)
    raise typer.Exit(code=1)


def _format(as_csv: bool, as_json: bool) -> str:
    if as_csv and as_json:
        _fail("choose one of --csv and --json")
    return "csv" if as_csv else "json" if as_json else "table"


def _cell(value) -> str:
    from pipeline.query import plain

    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e18 else f"{value:.6g}"
    if isinstance(value, (list, dict)):
        import json

        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _shorten(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def emit(frame, fmt: str, *, columns: list[str] | None = None, shorten: dict[str, int] | None = None,
         title: str | None = None) -> None:
    """Print a DataFrame as an aligned table (only `columns`, the same ones whatever the rows hold; long texts
    cut), CSV or JSON (every column)."""
    from pipeline.query import to_csv, to_json

    if fmt == "csv":
        sys.stdout.write(to_csv(frame))
        return
    if fmt == "json":
        sys.stdout.write(to_json(frame) + "\n")
        return
    from rich.table import Table

    shown = [c for c in (columns or list(frame.columns)) if c in frame.columns]
    from rich.text import Text

    table = Table(title=title, show_edge=False, header_style="bold")
    for column in shown:
        table.add_column(Text(str(column)), overflow="fold")
    for row in frame[shown].itertuples(index=False, name=None):
        cells = [_cell(v) for v in row]
        for n, column in enumerate(shown):
            if shorten and column in shorten:
                cells[n] = _shorten(cells[n], shorten[column])
        table.add_row(*(Text(cell) for cell in cells), style=None)  # Text: printed literally, never parsed
    if len(frame):
        out.print(table)
    out.print(f"{len(frame)} row(s)", highlight=False)


def register(app: typer.Typer) -> None:
    """Add `query`, `tasks` and `export` to the `decree` app."""

    @app.command()
    def query(
        sql: str = typer.Argument(..., metavar="SQL", help="One read-only statement: SELECT, WITH, DESCRIBE, SHOW, EXPLAIN, PRAGMA show_tables."),
        home: Path = HOME,
        as_csv: bool = CSV,
        as_json: bool = JSON,
        allow_files: bool = typer.Option(
            False, "--allow-files",
            help="Let the SQL read files outside the dataset (read_csv('other.csv')); off by default."),
    ) -> None:
        """Run read-only SQL over the dataset's views: documents, items, tokens, quantities, deadlines, agencies,
        citations, table_rows, links, review_queue, corrections, correction_status, corrections_unapplied,
        citation_checks, document_links, target_links, link_correction_status and tasks. fold(text) matches
        without diacritics; files outside the dataset are not read (--allow-files)."""
        from pipeline.query import QueryError, run_sql

        fmt = _format(as_csv, as_json)
        try:
            frame = run_sql(sql, home, allow_files=allow_files)
        except QueryError as exc:
            _fail(exc.reason)
        emit(frame, fmt)

    @app.command()
    def tasks(
        home: Path = HOME,
        doc: str = typer.Option(None, "--doc", metavar="NUMBER", help="Document number (62/KH-SKHCN), doc_id (or its first 8+ characters) or file name."),
        year: int = typer.Option(None, "--year", min=1900, max=2200, metavar="YYYY", help="Deadline in that year, or no deadline and the year named in the item or the title."),
        deadline_before: str = typer.Option(None, "--deadline-before", metavar="YYYY-MM-DD", help="Effective deadline strictly before YYYY-MM-DD."),
        agency: str = typer.Option(None, "--agency", metavar="TEXT", help="Part of an agency name, with or without diacritics (lead inherited included)."),
        unit: str = typer.Option(None, "--unit", metavar="TEXT", help="Part of a quantity's unit: 'doanh nghiep'."),
        min_confidence: float = typer.Option(None, "--min-confidence", min=0, max=1, metavar="0-1", help="Only rows at least this confident (0-1)."),
        max_confidence: float = typer.Option(None, "--max-confidence", min=0, max=1, metavar="0-1", help="Only rows less confident than this (to review)."),
        search: str = typer.Option(None, "--search", metavar="WORDS", help="Words in the item text, with or without diacritics: 'dao tao'."),
        kind: list[str] = typer.Option(None, "--kind", metavar="KIND", help="task, objective, assignment, article, paragraph, table_row, section (repeat or comma-separate)."),
        with_quantities: bool = typer.Option(False, "--with-quantities", help="Only items stating a quantity (targets)."),
        limit: int = typer.Option(None, "--limit", min=1, metavar="N", help="At most N rows."),
        as_csv: bool = CSV,
        as_json: bool = JSON,
    ) -> None:
        """One row per task/objective/article/table row: document, path, text, quantities, deadline, agencies, confidence."""
        from pipeline.query import QueryError, tasks as task_table

        fmt = _format(as_csv, as_json)
        try:
            frame = task_table(
                home, doc=doc, year=year, deadline_before=deadline_before, agency=agency, unit=unit,
                min_confidence=min_confidence, max_confidence=max_confidence, search=search, kinds=kind or None,
                with_quantities=with_quantities, limit=limit,
            )
        except QueryError as exc:
            _fail(exc.reason)
        emit(frame, fmt, columns=["number", "path", "kind", "text", "quantities", "deadline", "lead", "support", "confidence"],
             shorten={"text": TEXT_WIDTH, "support": 40})

    @app.command()
    def export(
        fmt: str = typer.Option(..., "--format", metavar="csv|xlsx|parquet", help="csv | xlsx | parquet."),
        out_path: Path = typer.Option(None, "--out", metavar="PATH", help="Folder (csv, parquet) or .xlsx file; default HOME/export."),
        home: Path = HOME,
        table: list[str] = typer.Option(None, "--table", metavar="NAME", help="Tables to export (repeat or comma-separate); default all, tasks included."),
    ) -> None:
        """Write the dataset's tables: a file per table (csv, parquet) or a workbook with a sheet per table (xlsx)."""
        from pipeline.query import QueryError, export as export_tables

        try:
            written = export_tables(home, fmt, out_path, table or None)
        except QueryError as exc:
            _fail(exc.reason)
        except OSError as exc:
            _fail(f"cannot write the export: {exc.strerror or exc} ({exc.filename or out_path})")
        width = max((len(name) for name, _, _ in written), default=0)
        for name, path, rows in written:
            out.print(f"{name:<{width}} {rows:>8} rows -> {path}", markup=False)
