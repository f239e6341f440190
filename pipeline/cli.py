"""The `decree` command (also `python -m pipeline`)."""
from __future__ import annotations

import contextlib
import json
from pathlib import Path

import typer
from rich.console import Console

from pipeline.errors import PipelineError
from pipeline.files import write_atomic

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Turn Vietnamese plans and decisions into data.")
err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)


@app.callback()
def main(
    dataset: str = typer.Option(
        None, "--dataset", envvar="DECREE_DATASET", metavar="URL",
        help="Where the dataset lives, for every command: a folder or an fsspec URL (s3://bucket/decree) "
             "for a store shared by several machines. Default: <home>/extracted.",
    ),
) -> None:
    """Turn Vietnamese government plans and decisions into structured data."""
    import os

    if dataset:
        os.environ["DECREE_DATASET"] = dataset  # read by pipeline.dataset.dataset_at, in the flows too


@app.command()
def extract(
    paths: list[Path] = typer.Argument(..., help="Files to read: PDF, DOCX or text."),
    out_dir: Path = typer.Option(Path("extracted/json"), "--out", "-o", help="Folder for the JSON documents."),
    validate: bool = typer.Option(True, help="Check each document against schemas/document.schema.json."),
) -> None:
    """Extract each file into OUT/<file stem>.json and print a one-line summary per file."""
    from pipeline.document import extract_document
    from pipeline.schema import validate_document

    failed = 0
    for path in paths:
        try:
            document = extract_document(path)
            payload = document.model_dump(mode="json")
            if validate:
                validate_document(payload)
        except PipelineError as exc:
            failed += 1
            err.print(f"[red]FAILED[/red] {path}: {exc.reason}")
            continue
        except OSError as exc:
            failed += 1
            err.print(f"[red]FAILED[/red] {path}: cannot read the file ({exc.strerror or exc})")
            continue
        except Exception as exc:  # a bug must not stop the batch: report it in one line
            failed += 1
            err.print(f"[red]FAILED[/red] {path}: internal error {type(exc).__name__}: {exc}")
            continue
        target = out_dir / f"{path.stem}.json"
        write_atomic(target, json.dumps(payload, ensure_ascii=False, indent=1))
        info = document.document
        rows = sum(1 for i in document.items if i.kind == "table_row")
        out.print(
            f"[green]ok[/green] {path.name}: {info.doc_type or '?'} {info.number or '(no number)'} "
            f"{info.issued_date or '(no date)'} · {len(document.items) - rows} items, {rows} table rows, "
            f"{len(document.citations)} citations -> {target}"
        )
    if failed:
        err.print(f"{failed} of {len(paths)} file(s) failed")
        raise typer.Exit(code=1)


@app.command()
def text(
    path: Path = typer.Argument(..., help="A PDF, scan, DOCX, Word 97 or text file."),
    pages: bool = typer.Option(False, "--pages", help="Show each page's source (text layer / repaired / OCR) and quality."),
) -> None:
    """Print a file's repaired Unicode text: what every later stage sees."""
    from pipeline.assemble import assemble
    from pipeline.read import read_file
    from pipeline.repair.syllables import syllable_validity

    try:
        raw = read_file(path)
    except PipelineError as exc:
        err.print(f"[red]FAILED[/red] {path}: {exc.reason}")
        raise typer.Exit(code=1) from None
    document = assemble(raw)
    if not pages:
        typer.echo(document.text)
        return
    for page in raw.pages:
        start, end = document.page_spans.get(page.number, (0, 0))
        page_text = document.text[start:end]
        quality = page.quality if page.quality is not None else syllable_validity(page_text)
        typer.echo(f"--- page {page.number} · source {page.source} · quality {quality:.2f} "
                   f"· valid syllables {syllable_validity(page_text):.2f} ---")
        typer.echo(page_text)
    for warning in raw.warnings:
        err.print(f"[yellow]note[/yellow] {warning}")


@app.command()
def schema(out_path: Path = typer.Option(Path("schemas/document.schema.json"), "--out", help="Where to write it.")) -> None:
    """Write the JSON Schema of the document model (keep schemas/ in step with pipeline/model.py)."""
    from pipeline.schema import document_schema

    write_atomic(out_path, json.dumps(document_schema(), ensure_ascii=False, indent=2) + "\n")
    out.print(f"wrote {out_path}")


# --------------------------------------------------------------------------
# The inbox and the dataset (flows/inbox.py)
# --------------------------------------------------------------------------
HOME_OPTION = typer.Option(Path("."), "--home", help="Folder holding raw_docs/ and extracted/.")


def _print_summary(summary, seconds: float) -> None:
    from rich.table import Table

    table = Table(title="decree process", show_edge=False)
    for column in ("file", "status", "pages", "items", "reason"):
        table.add_column(column)
    for outcome in summary.outcomes + summary.waiting:
        style = {"processed": "green", "skipped": "dim", "quarantined": "red", "waiting": "yellow"}[outcome.status]
        table.add_row(outcome.name, f"[{style}]{outcome.status}[/{style}]", str(outcome.pages or ""),
                      str(outcome.items or ""), outcome.reason or "")
    if summary.outcomes or summary.waiting:
        out.print(table)
    counts = summary.as_dict()
    out.print(
        f"processed {counts['processed']} · skipped {counts['skipped']} · quarantined {counts['quarantined']}"
        f" · waiting {counts['waiting']} · {counts['pages']} pages · {seconds:.1f} s"
    )


def _run_with_progress(run, total: int):
    """Run a flow with a progress bar fed by the flow's per-document hook."""
    import time

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from flows.inbox import PROGRESS_HOOKS

    started = time.perf_counter()
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True, disable=total == 0) as progress:
        bar = progress.add_task("documents", total=total)

        def advance(outcome) -> None:
            progress.update(bar, advance=1, description=outcome.name[:40])

        PROGRESS_HOOKS.append(advance)
        try:
            summary = run()
        finally:
            PROGRESS_HOOKS.remove(advance)
    return summary, time.perf_counter() - started


def _prefect_env(home: Path) -> None:
    import os

    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


@app.command()
def process(
    home: Path = HOME_OPTION,
    dask: bool = typer.Option(False, "--dask", help="Run document tasks on a Dask cluster (a LocalCluster by default)."),
    dask_address: str = typer.Option(None, "--dask-address", help="tcp://host:8786 of an existing Dask scheduler."),
    workers: int = typer.Option(None, "--workers", help="Documents processed at once (default: the number of cores)."),
    settle: float = typer.Option(2.0, "--settle", help="Seconds a file must stay unchanged before it is read."),
) -> None:
    """One pass over raw_docs/inbox: every finished file is processed into extracted/, archived or quarantined."""
    from pipeline.inbox import Home, scan_inbox

    _prefect_env(home)
    from flows.inbox import run_inbox
    from flows.server import prefect_server

    root = Home.at(home)
    root.ensure()
    total = sum(1 for c in scan_inbox(root, settle) if c.ready or c.quarantine)
    with prefect_server() if (dask or dask_address) else contextlib.nullcontext():
        summary, seconds = _run_with_progress(
            lambda: run_inbox(str(root.root), dask=dask or bool(dask_address), dask_address=dask_address,
                              workers=workers, settle_seconds=settle),
            total,
        )
    _print_summary(summary, seconds)
    out.print(f"dataset: {root.extracted}  (decree status --home {home}; DuckDB: {root.extracted / 'decree.duckdb'})")


@app.command()
def watch(
    home: Path = HOME_OPTION,
    interval: float = typer.Option(5.0, "--interval", help="Seconds between looks at the inbox."),
    settle: float = typer.Option(2.0, "--settle", help="Seconds a file must stay unchanged before it is read."),
) -> None:
    """Keep processing the inbox as files arrive (Ctrl-C stops cleanly, after the document in hand)."""
    import time

    from pipeline.inbox import Home, scan_inbox

    _prefect_env(home)
    from flows.inbox import run_inbox

    root = Home.at(home)
    root.ensure()
    out.print(f"watching {root.inbox} every {interval:.0f} s — Ctrl-C to stop")
    try:
        while True:
            pending = [c for c in scan_inbox(root, settle) if c.ready or c.quarantine]
            if pending:
                summary, seconds = _run_with_progress(lambda: run_inbox(str(root.root), settle_seconds=settle), len(pending))
                _print_summary(summary, seconds)
            time.sleep(interval)
    except KeyboardInterrupt:
        out.print("stopped")


@app.command()
def status(home: Path = HOME_OPTION) -> None:
    """What the inbox, archive, quarantine and dataset hold."""
    from pipeline.inbox import Home, quarantined, scan_inbox

    root = Home.at(home)
    root.ensure()
    candidates = scan_inbox(root, settle_seconds=0)
    archived = [p for p in root.archive.iterdir() if p.is_file() and p.name != "index.jsonl"]
    from pipeline.dataset import dataset_at
    from pipeline.dataset.tables import TABLES

    dataset = dataset_at(root.root)
    with dataset.connect() as db:
        counts = {name: db.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in TABLES}
    out.print(f"home        {root.root}")
    out.print(f"dataset at  {dataset.root}")
    out.print(f"inbox       {sum(c.ready for c in candidates)} file(s) waiting")
    out.print(f"archive     {len(archived)} original(s)")
    reports = quarantined(root)
    out.print(f"quarantine  {len(reports)} file(s)")
    for report in reports[:20]:
        out.print(f"  - {report.get('quarantined_as')}: {report.get('reason')} ({report.get('stage')}, {report.get('time')})")
    out.print("dataset     " + ", ".join(f"{name} {n}" for name, n in counts.items()))
    from pipeline.dataset.corrections import correction_summary

    for line in correction_summary(root.root).lines():
        out.print(line)


@app.command()
def retry(
    names: list[str] = typer.Argument(None, help="Quarantined file names (default: all)."),
    home: Path = HOME_OPTION,
    run: bool = typer.Option(True, help="Process the inbox right after."),
) -> None:
    """Move quarantined files back to the inbox (and process them again)."""
    from pipeline.inbox import Home, quarantined, release

    root = Home.at(home)
    root.ensure()
    chosen = names or [r["quarantined_as"] for r in quarantined(root) if r.get("quarantined_as")]
    for name in chosen:
        try:
            target = release(root, name)
            out.print(f"back in the inbox: {target.name}")
        except FileNotFoundError as exc:
            err.print(f"[red]{exc}[/red]")
    if run and chosen:
        process(home=home, dask=False, dask_address=None, workers=None, settle=0.0)


@app.command()
def rebuild(home: Path = HOME_OPTION) -> None:
    """Re-derive the whole dataset from raw_docs/archive (after upgrading the pipeline)."""
    from pipeline.inbox import Home

    _prefect_env(home)
    from flows.inbox import rebuild as rebuild_flow

    root = Home.at(home)
    root.ensure()
    total = sum(1 for p in root.archive.iterdir() if p.is_file() and p.name != "index.jsonl")
    summary, seconds = _run_with_progress(lambda: rebuild_flow(str(root.root)), total)
    _print_summary(summary, seconds)


# Researchers' commands (query, tasks, export) live beside their logic in pipeline/query.py.
from pipeline.query_cli import register as _register_query  # noqa: E402

_register_query(app)
from pipeline.words_cli import register as _register_words; _register_words(app)  # noqa: E402,E702  decree words

# The maintainers' review site (pipeline/review/).
from pipeline.review.cli import register as _register_review  # noqa: E402

_register_review(app)
