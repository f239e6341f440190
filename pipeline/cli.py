"""The `decree` command (also `python -m pipeline`)."""
from __future__ import annotations

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
def main() -> None:
    """Turn Vietnamese government plans and decisions into structured data."""


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
def schema(out_path: Path = typer.Option(Path("schemas/document.schema.json"), "--out", help="Where to write it.")) -> None:
    """Write the JSON Schema of the document model (keep schemas/ in step with pipeline/model.py)."""
    from pipeline.schema import document_schema

    write_atomic(out_path, json.dumps(document_schema(), ensure_ascii=False, indent=2) + "\n")
    out.print(f"wrote {out_path}")
