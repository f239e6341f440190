"""`decree words`: the most frequent words of the selected tasks (logic in `pipeline/words.py`).

`pipeline/cli.py` calls `register(app)`. The filters are those of `decree tasks`.
"""
from __future__ import annotations

from pathlib import Path

import typer

from pipeline.query_cli import CSV, HOME, JSON, _fail, _format, emit


def register(app: typer.Typer) -> None:
    """Add `words` to the `decree` app."""

    @app.command()
    def words(
        home: Path = HOME,
        pos: str = typer.Option(None, "--pos", help="Only words with these POS tags, comma-separated: N,V "
                                                    "(N noun, Np proper noun, V verb, A adjective, M numeral ...)."),
        top: int = typer.Option(50, "--top", help="How many words (the most frequent first)."),
        doc: str = typer.Option(None, "--doc", help="Document number (62/KH-SKHCN), doc_id (or its first 8+ characters) or file name."),
        year: int = typer.Option(None, "--year", help="Deadline in that year, or no deadline and the year named in the item or the title."),
        deadline_before: str = typer.Option(None, "--deadline-before", help="Effective deadline strictly before YYYY-MM-DD."),
        agency: str = typer.Option(None, "--agency", help="Part of an agency name, with or without diacritics (lead inherited included)."),
        unit: str = typer.Option(None, "--unit", help="Part of a quantity's unit: 'doanh nghiep'."),
        min_confidence: float = typer.Option(None, "--min-confidence", help="Only items at least this confident (0-1)."),
        max_confidence: float = typer.Option(None, "--max-confidence", help="Only items less confident than this."),
        search: str = typer.Option(None, "--search", help="Words in the item text, with or without diacritics: 'dao tao'."),
        kind: list[str] = typer.Option(None, "--kind", help="task, objective, assignment, article, paragraph, table_row, section (repeat or comma-separate)."),
        with_quantities: bool = typer.Option(False, "--with-quantities", help="Only items stating a quantity (targets)."),
        as_csv: bool = CSV,
        as_json: bool = JSON,
    ) -> None:
        """The most frequent words (underthesea's, "doanh nghiệp" is one word) of the items `decree tasks` selects."""
        from pipeline.query import QueryError
        from pipeline.words import WORD_COLUMNS, word_counts

        fmt = _format(as_csv, as_json)
        try:
            frame = word_counts(
                home, pos=pos, top=top, doc=doc, year=year, deadline_before=deadline_before, agency=agency, unit=unit,
                min_confidence=min_confidence, max_confidence=max_confidence, search=search, kinds=kind or None,
                with_quantities=with_quantities,
            )
        except QueryError as exc:
            _fail(exc.reason)
        emit(frame, fmt, columns=list(WORD_COLUMNS))
