"""The `decree` command (also `python -m pipeline`)."""
from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

# Before anything imports numpy: its OpenBLAS starts a thread per core at import, 0.1 s of CPU per
# process here, for linear algebra the pipeline never does (numpy holds PDF characters). Worker
# processes inherit the setting; a user's own setting wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from pipeline import gc_policy  # noqa: E402 (the thresholds are set before the heavy imports)

gc_policy.for_imports()

import typer  # noqa: E402
from rich.console import Console  # noqa: E402

from pipeline.errors import PipelineError  # noqa: E402
from pipeline.files import write_atomic  # noqa: E402

def _plain_placeholders() -> None:
    """Help that reads like a manual: `decree query [OPTIONS] SQL`, `FILE...`, not `{SQL}`, `<str>`, `<list[str]>`.

    Typer 0.2x prints an argument's Python type beside its placeholder and braces around required
    ones; an argument that names its placeholder (metavar) is shown by that name alone."""
    from typer.core import TyperArgument

    if getattr(TyperArgument, "_decree_plain", False):
        return
    usage, display_type = TyperArgument._usage_display_name, TyperArgument.display_type

    def plain_usage(self) -> str:
        return self.metavar if self.metavar is not None else usage(self)

    def plain_type(self, ctx) -> str:
        return "" if self.metavar is not None else display_type(self, ctx)

    TyperArgument._usage_display_name, TyperArgument.display_type = plain_usage, plain_type
    TyperArgument._decree_plain = True


_plain_placeholders()

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="Turn Vietnamese plans and decisions into data.")
err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)
out = Console(highlight=False, soft_wrap=True, emoji=False)


def _print_version(value: bool) -> None:
    if value:
        from pipeline import __version__

        typer.echo(f"decree {__version__}")
        raise typer.Exit()


@app.callback()
def global_options(
    dataset: str = typer.Option(
        None, "--dataset", envvar="DECREE_DATASET", metavar="URL",
        help="Where the dataset lives, for every command: a folder or an fsspec URL (s3://bucket/decree) "
             "for a store shared by several machines. Default: <home>/extracted.",
    ),
    version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """Turn Vietnamese government plans and decisions into structured data."""
    import os

    if dataset:
        os.environ["DECREE_DATASET"] = dataset  # read by pipeline.dataset.dataset_at, in the flows too


@app.command()
def extract(
    paths: list[Path] = typer.Argument(
        ..., readable=False, metavar="FILE...",
        help="Files to read: PDF (text layer or scanned), DOCX, Word 97 .doc, RTF, images, text."),
    out_dir: Path = typer.Option(Path("extracted/json"), "--out", "-o", metavar="DIR", help="Folder for the JSON documents."),
    validate: bool = typer.Option(True, help="Check each document against schemas/document.schema.json."),
) -> None:
    """Extract each file into OUT/<file stem>.json and print a one-line summary per file."""
    from pydantic import TypeAdapter

    from pipeline.document import extract_document
    from pipeline.model import Document
    from pipeline.schema import validate_document

    gc_policy.for_batch()  # fewer collector passes over a batch of documents
    as_json = TypeAdapter(Document).dump_json  # pydantic's serializer (a tenth of json.dumps), to UTF-8 bytes
    failed = 0
    for path in paths:
        try:
            document = extract_document(path)
            # The JSON as bytes (no second copy as a str), and the model let go before the check reads the JSON
            # back: a long batch's peak memory is the largest document's, and this is where it peaked.
            text = as_json(document, indent=1)
            summary = _summary(document)
            del document
            if validate:
                validate_document(json.loads(text))
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
        write_atomic(target, text)
        out.print(f"[green]ok[/green] {path.name}: {summary} -> {target}")
    if failed:
        err.print(f"{failed} of {len(paths)} file(s) failed")
        raise typer.Exit(code=1)


def _summary(document) -> str:
    """What `decree extract` prints of a document: type, number, date and counts."""
    info = document.document
    rows = sum(1 for i in document.items if i.kind == "table_row")
    return (f"{info.doc_type or '?'} {info.number or '(no number)'} {info.issued_date or '(no date)'} · "
            f"{len(document.items) - rows} items, {rows} table rows, {len(document.citations)} citations")


@app.command()
def text(
    path: Path = typer.Argument(..., readable=False, metavar="FILE", help="A PDF, scan, DOCX, Word 97 or text file."),
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
def schema(out_path: Path = typer.Option(Path("schemas/document.schema.json"), "--out", metavar="FILE",
                                         help="Where to write it.")) -> None:
    """Write the JSON Schema of the document model (keep schemas/ in step with pipeline/model.py)."""
    from pipeline.schema import document_schema

    write_atomic(out_path, json.dumps(document_schema(), ensure_ascii=False, indent=2) + "\n")
    out.print(f"wrote {out_path}")


# --------------------------------------------------------------------------
# The inbox and the dataset (flows/inbox.py)
# --------------------------------------------------------------------------
HOME_OPTION = typer.Option(Path("."), "--home", metavar="DIR", help="Folder holding raw_docs/ and extracted/.")
NO_TOKENS_OPTION = typer.Option(
    False, "--no-tokens",
    help="Store documents without their words (no word segmentation; same as DECREE_TOKENS=off).")


def _tokens_setting(no_tokens: bool) -> None:
    import os

    if no_tokens:
        os.environ["DECREE_TOKENS"] = "off"  # read by the flow and its workers (pipeline.tokens.enabled)


def _print_summary(summary, seconds: float, title: str = "decree process", *, stamp: bool = False) -> None:
    """A table per file on a terminal; in a pipe or a log, one whole line per file (nothing cut or wrapped)."""
    import time

    from rich.table import Table
    from rich.text import Text

    rank = {"quarantined": 0, "waiting": 1, "processed": 2, "skipped": 3}  # what needs a clerk first
    outcomes = sorted(summary.outcomes + summary.waiting, key=lambda o: (rank.get(o.status, 9), o.name))
    styles = {"processed": "green", "skipped": "dim", "quarantined": "red", "waiting": "yellow"}
    when = f"{time.strftime('%H:%M:%S')} " if stamp else ""
    if outcomes and out.is_terminal:
        table = Table(title=f"{title} · {when.strip()}" if stamp else title, show_edge=False)
        for column in ("file", "status", "pages", "items", "reason"):
            table.add_column(column)
        for outcome in outcomes:  # file names and reasons are data: Text is never read as markup
            table.add_row(Text(outcome.name), Text(outcome.status, style=styles[outcome.status]),
                          str(outcome.pages or ""), str(outcome.items or ""), Text(outcome.reason or ""))
        out.print(table)
    else:
        for outcome in outcomes:
            counts = f"{outcome.pages} page(s), {outcome.items} item(s)" if outcome.status == "processed" else ""
            line = "  ".join(part for part in (f"{when}{outcome.status:<11}", outcome.name, counts, outcome.reason or "")
                             if part)
            out.print(line, markup=False, highlight=False, soft_wrap=True)
    counts = summary.as_dict()
    out.print(
        f"{when}processed {counts['processed']} · skipped {counts['skipped']} · quarantined {counts['quarantined']}"
        f" · waiting {counts['waiting']} · {counts['pages']} pages · {seconds:.1f} s", markup=False
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


def _prefect_env() -> None:
    import os

    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    # The run's own log lines (one per file) reach the Prefect API and its UI; the terminal shows warnings only.
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO")
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")
    # Should anything still fall back to Prefect's own temporary server, give it the time a slow machine needs.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "300")


@contextlib.contextmanager
def _said_in_one_line():
    """A run its surroundings stop (no Prefect API, an unwritable disk, another run): one line, exit 1."""
    from pipeline.errors import RunBlocked

    try:
        yield
    except RunBlocked as exc:
        err.print(f"[red]decree:[/red] {exc.reason}", markup=True)
        raise typer.Exit(code=1) from None
    except Exception as exc:
        reason = _lost_api(exc)
        if reason is None:
            raise
        err.print(f"[red]decree:[/red] {reason}", markup=True)
        raise typer.Exit(code=1) from None


def _lost_api(exc: BaseException) -> str | None:
    """The Prefect API went away during a run (its server stopped, the network dropped)."""
    import os

    import httpx

    if isinstance(exc, (httpx.TransportError, ConnectionError)):
        url = os.environ.get("PREFECT_API_URL", "the Prefect API")
        return (f"lost the Prefect API at {url} during the run ({type(exc).__name__}): "
                f"files not yet processed are still in the inbox; run again once it answers")
    return None


def _flow_run(home: Path, run, total: int, title: str):
    """What every flow-running command shares: checks, the run lock, a Prefect API, the progress bar, the table."""
    from flows.server import prefect_api
    from pipeline.dataset import dataset_at
    from pipeline.inbox import Home
    from pipeline.preflight import check_home, prepare_home, run_lock

    _prefect_env()
    root = Home.at(home)
    with _said_in_one_line():
        prepare_home(root)
        with run_lock(root):  # a second run says so at once, before waiting for any server
            check_home(root, dataset_at(root.root).local_root)
            with prefect_api(notify=lambda message: err.print(message, markup=False)):
                summary, seconds = _run_with_progress(run, total)
    _print_summary(summary, seconds, title)
    return summary


@app.command()
def process(
    home: Path = HOME_OPTION,
    dask: bool = typer.Option(False, "--dask", help="Run document tasks on a Dask cluster (a LocalCluster by default)."),
    dask_address: str = typer.Option(None, "--dask-address", metavar="tcp://HOST:PORT", help="tcp://host:8786 of an existing Dask scheduler."),
    workers: int = typer.Option(None, "--workers", min=1, max=256, metavar="N",
                                help="Documents processed at once (default: the number of cores)."),
    settle: float = typer.Option(2.0, "--settle", min=0, metavar="SECONDS",
                                 help="Seconds a file must stay unchanged before it is read."),
    no_tokens: bool = NO_TOKENS_OPTION,
) -> None:
    """One pass over raw_docs/inbox: every finished file is processed into extracted/, archived or quarantined."""
    from pipeline.inbox import Home, scan_inbox
    from pipeline.preflight import prepare_home

    _tokens_setting(no_tokens)
    root = Home.at(home)
    with _said_in_one_line():
        prepare_home(root)
        total = sum(1 for c in scan_inbox(root, settle) if c.ready or c.quarantine)

    def run():
        from flows.inbox import run_inbox

        return run_inbox(str(root.root), dask=dask or bool(dask_address), dask_address=dask_address,
                         workers=workers, settle_seconds=settle)

    _flow_run(home, run, total, "decree process")
    out.print(f"dataset: {root.extracted}  (decree status --home {home}; DuckDB: {root.extracted / 'decree.duckdb'})")


@app.command()
def watch(
    home: Path = HOME_OPTION,
    interval: float = typer.Option(5.0, "--interval", min=0.5, metavar="SECONDS", help="Seconds between looks at the inbox."),
    settle: float = typer.Option(2.0, "--settle", min=0, metavar="SECONDS",
                                 help="Seconds a file must stay unchanged before it is read."),
    no_tokens: bool = NO_TOKENS_OPTION,
) -> None:
    """Keep processing the inbox as files arrive (Ctrl-C stops cleanly, after the document in hand)."""
    import time

    _tokens_setting(no_tokens)
    from flows.server import prefect_api
    from pipeline.inbox import Home, scan_inbox
    from pipeline.preflight import prepare_home, run_lock

    _prefect_env()
    root = Home.at(home)
    with _said_in_one_line():
        prepare_home(root)
        with run_lock(root), prefect_api(notify=lambda message: err.print(message, markup=False)):
            out.print(f"watching {root.inbox} every {interval:.0f} s — Ctrl-C to stop")
            try:
                while True:
                    pending = [c for c in scan_inbox(root, settle) if c.ready or c.quarantine]
                    if pending:
                        from flows.inbox import run_inbox

                        summary, seconds = _run_with_progress(
                            lambda: run_inbox(str(root.root), settle_seconds=settle), len(pending))
                        _print_summary(summary, seconds, "decree watch", stamp=True)
                    time.sleep(interval)
            except KeyboardInterrupt:
                out.print("stopped")


@app.command()
def status(home: Path = HOME_OPTION) -> None:
    """What the inbox, archive, quarantine and dataset hold (reads only: a mistyped --home creates nothing)."""
    from pipeline.dataset import dataset_at
    from pipeline.dataset.corrections import correction_summary
    from pipeline.dataset.tables import TABLES
    from pipeline.inbox import Home, quarantined, scan_inbox

    root = Home.at(home)
    dataset = dataset_at(root.root)
    has_inbox = root.inbox.is_dir()
    if not has_inbox and not dataset.exists():
        try:
            dataset.require()
        except PipelineError as exc:
            err.print(f"error: {exc.reason}", markup=False)
            raise typer.Exit(code=1) from None
    out.print(f"home        {root.root}", markup=False)
    out.print(f"dataset at  {dataset.root}", markup=False)
    if has_inbox:
        candidates = scan_inbox(root, settle_seconds=0)
        out.print(f"inbox       {sum(c.ready for c in candidates)} file(s) ready", markup=False)
        for candidate in candidates:
            if not candidate.ready and candidate.reason != "temporary or hidden file":
                out.print(f"  - {candidate.path.name}: {candidate.reason}", markup=False)
    archived = [p for p in root.archive.iterdir() if p.is_file() and p.name != "index.jsonl"] if root.archive.is_dir() else []
    out.print(f"archive     {len(archived)} original(s)", markup=False)
    reports = quarantined(root)
    out.print(f"quarantine  {len(reports)} file(s)", markup=False)
    for report in reports[:20]:
        out.print(f"  - {report.get('quarantined_as')}: {report.get('reason')} ({report.get('stage')}, {report.get('time')})",
                  markup=False)
    if len(reports) > 20:
        out.print(f"  … and {len(reports) - 20} more in {root.quarantine}", markup=False)
    if not dataset.exists():
        out.print(f"dataset     none yet (run `decree process --home {home}`)", markup=False)
        return
    with dataset.connect() as db:
        counts = {name: db.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in TABLES}
    out.print("dataset     " + ", ".join(f"{name} {n}" for name, n in counts.items()), markup=False)
    for line in correction_summary(root.root).lines():
        out.print(line, markup=False)


@app.command()
def retry(
    names: list[str] = typer.Argument(None, metavar="[NAME]...", help="Quarantined file names (default: all)."),
    home: Path = HOME_OPTION,
    run: bool = typer.Option(True, help="Process the inbox right after."),
    no_tokens: bool = NO_TOKENS_OPTION,
) -> None:
    """Move quarantined files back to the inbox (and process them again)."""
    _tokens_setting(no_tokens)
    from pipeline.inbox import Home, quarantined, release
    from pipeline.preflight import prepare_home

    root = Home.at(home)
    if not root.quarantine.is_dir():
        err.print(f"error: no quarantine at {root.quarantine} (is --home right?)", markup=False)
        raise typer.Exit(code=1)
    held = [r["quarantined_as"] for r in quarantined(root) if r.get("quarantined_as")]
    unknown = [name for name in names or () if not (root.quarantine / name).exists()]
    if unknown:  # nothing is moved and no pass is run when one name is wrong
        for name in unknown:
            err.print(f"error: {name} is not in the quarantine ({len(held)} file(s) there: decree status)", markup=False)
        raise typer.Exit(code=1)
    chosen = names or held
    if not chosen:
        out.print("the quarantine is empty: nothing to retry")
        return
    with _said_in_one_line():
        prepare_home(root)
    for name in chosen:
        target = release(root, name)
        out.print(f"back in the inbox: {target.name}", markup=False)
    if run:
        from pipeline.inbox import scan_inbox

        total = sum(1 for c in scan_inbox(root, 0.0) if c.ready or c.quarantine)

        def run_pass():
            from flows.inbox import run_inbox

            return run_inbox(str(root.root), settle_seconds=0.0)

        _flow_run(home, run_pass, total, "decree retry")


@app.command()
def rebuild(
    home: Path = HOME_OPTION,
    workers: int = typer.Option(None, "--workers", min=1, max=256, metavar="N",
                                help="Documents re-derived at once (default: the number of cores)."),
    no_tokens: bool = NO_TOKENS_OPTION,
) -> None:
    """Re-derive the whole dataset from raw_docs/archive (after upgrading the pipeline)."""
    from pipeline.inbox import Home
    from pipeline.preflight import prepare_home

    _tokens_setting(no_tokens)
    root = Home.at(home)
    with _said_in_one_line():
        prepare_home(root)
        total = sum(1 for p in root.archive.iterdir() if p.is_file() and p.name != "index.jsonl")

    def run():
        from flows.inbox import run_rebuild

        return run_rebuild(str(root.root), workers=workers)

    _flow_run(home, run, total, "decree rebuild")
    out.print(f"dataset: {root.extracted}")


@app.command()
def prefect(
    start: bool = typer.Option(False, "--start", help="Start the local Prefect API server now (set-up warms it)."),
    stop: bool = typer.Option(False, "--stop", help="Stop the local Prefect API server of this PREFECT_HOME."),
) -> None:
    """Which Prefect API the flows use: PREFECT_API_URL when set, else a local server decree starts on demand.

    The local server is shared by every run of this PREFECT_HOME and stops by itself after
    DECREE_PREFECT_IDLE_SECONDS (600) without a run.
    """
    from flows import server

    _prefect_env()
    with _said_in_one_line():
        if stop:
            out.print("stopped the local Prefect API server" if server.stop() else "no local Prefect API server was running")
            return
        if start:
            url = server.configured_api_url()
            if url:
                server.wait_for(url)  # one line when it does not answer
                out.print(f"PREFECT_API_URL is set: decree uses {url}, no local server started")
                return
            out.print(f"local Prefect API server at {server.start()}")
            return
        info = server.status()
    if info["source"] == "PREFECT_API_URL":
        out.print(f"api         {info['api']} (PREFECT_API_URL) · {'answers' if info['answers'] else 'does not answer'}")
        return
    if info["answers"]:
        out.print(f"api         {info['api']} (local server, pid {info['pid']}, {len(info['clients'])} run(s) using it)")
    else:
        out.print("api         none running: the next run starts a local server")
    out.print(f"prefect     PREFECT_HOME {info['prefect_home']} · stops after {info['idle_seconds']:.0f} s idle · log {info['log']}")


# Researchers' commands (query, tasks, export) live beside their logic in pipeline/query.py.
from pipeline.query_cli import register as _register_query  # noqa: E402

_register_query(app)
from pipeline.words_cli import register as _register_words; _register_words(app)  # noqa: E402,E702  decree words

# Target tracking across documents (pipeline/link/).
from pipeline.targets_cli import register as _register_targets  # noqa: E402

_register_targets(app)

# The maintainers' review site (pipeline/review/).
from pipeline.review.cli import register as _register_review  # noqa: E402

_register_review(app)


def main() -> None:
    """The `decree` program: the commands above, with one line instead of a traceback or a box for
    what a user can cause (a bad option, a blocked run, Ctrl-C)."""
    import sys

    # Typer carries its own copy of click; its exceptions are the ones raised here.
    from typer._click import exceptions as click

    from pipeline.errors import PipelineError

    try:
        code = app(prog_name="decree", standalone_mode=False)
    except click.NoArgsIsHelpError:
        sys.exit(0)  # the help was printed while the error was made
    except click.UsageError as exc:
        where = exc.ctx.command_path if exc.ctx else "decree"
        message = " ".join(exc.format_message().split())
        err.print(f"{where}: {message} (see {where} --help)", markup=False)
        sys.exit(2)
    except click.ClickException as exc:
        err.print(f"decree: {' '.join(exc.format_message().split())}", markup=False)
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        err.print("decree: interrupted; files not yet processed are still in the inbox", markup=False)
        sys.exit(130)
    except PipelineError as exc:  # anything a user can cause that a command did not already report
        err.print(f"decree: {exc.reason}", markup=False)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
