"""`decree targets`: each target of a plan with what later documents report and assign for it.

Logic in `pipeline/link/` (report.py reads the links, chart.py draws them); `pipeline/cli.py` calls `register(app)`.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import typer

from pipeline.query_cli import CSV, HOME, JSON, _fail, _format, _shorten, err, out


def _cell(value, unit: str | None = None) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        value = int(value) if value.is_integer() else round(value, 3)
    text = str(value)
    return _shorten(text, 18) if not isinstance(value, (int, float)) else text


def _years(objects: list[dict], kind: str) -> list[str]:
    keys = {k for o in objects for k in ((o.get("values") or {}).get(kind) or {})}
    return sorted(keys, key=lambda k: (not k.isdigit(), k))


RELATION_SHORT = {"reports_on": "reports", "assigns": "assigns", "implements": "implements", "refers_to": "refers"}


def print_table(objects: list[dict]) -> None:
    """A table per source document: its targets, the units reporting on or assigning them, figures by year,
    progress; then the reasons progress was (not) computed, by row number."""
    from rich.table import Table

    from pipeline.link.chart import by_source

    groups = by_source(objects)
    n = 0
    for members in groups.values():
        actual, plan = _years(members, "actual"), _years(members, "plan")
        reports = sorted({o["report_doc"] for o in members if o["report_doc"]})
        out.print(f"{members[0]['target_doc'] or members[0]['target_doc_id'][:12]} — targets, and what "
                  f"{', '.join(reports) or 'no document'} reports on or assigns", markup=False, highlight=False)
        table = Table(show_edge=False, header_style="bold", pad_edge=False)
        for column in ("#", "target", "text", "figure", "by", "report", "relation", *actual,
                       *[f"plan {p}" for p in plan], "progress", "conf"):
            table.add_column(column, overflow="fold", no_wrap=column in ("#", "target", "by", "progress", "conf"))
        notes = []
        for o in members:
            n += 1
            values = o.get("values") or {}
            unit = o["target_unit"]
            figure = f"{_cell(o['target_value'])}{' %' if unit == '%' else ' ' + unit if unit else ''}"
            report = f"{o['report_doc']} {o['report_path']}" if o["report_doc"] else "(no report)"
            progress = o.get("progress")
            shown = f"{progress * 100:.0f} %" if progress is not None else ("n/c" if o["relation"] == "reports_on" else "")
            table.add_row(
                str(n), o["target_path"], _shorten(o["target_text"], 30), _shorten(figure, 14),
                (o["target_deadline_end"] or "")[:4], report, RELATION_SHORT.get(o["relation"], ""),
                *[_cell((values.get("actual") or {}).get(k)) for k in actual],
                *[_cell((values.get("plan") or {}).get(k)) for k in plan],
                shown, f"{o['confidence']:.2f}" if o.get("confidence") is not None else "",
            )
            if o.get("progress_reason") and (o["relation"] == "reports_on" or not o["report_doc"]):
                notes.append(f"[{n}] {o['progress_reason']}")
        out.print(table)
        for note in notes:
            out.print(note, markup=False, highlight=False)
        out.print("")
    out.print(f"{len(objects)} row(s)", highlight=False)


def _slug(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z]+", "-", text).strip("-") or "document"


def write_plots(objects: list[dict], target: Path) -> list[Path]:
    """One chart per source document: `target` itself, or `<stem>-<number><suffix>` when there are several."""
    from pipeline.files import write_atomic
    from pipeline.link.chart import by_source, chart

    fmt = target.suffix.lower().lstrip(".")
    if fmt not in ("svg", "png"):
        _fail(f"--plot: the file must end in .svg or .png, not {target.name!r}")
    groups = by_source(objects)
    written = []
    for doc_id, members in groups.items():
        number = members[0]["target_doc"] or doc_id[:12]
        reports = sorted({o["report_doc"] for o in members if o["report_doc"]})
        title = f"{number}: targets, and what {', '.join(reports) or 'no document'} report(s) by year"
        path = target if len(groups) == 1 else target.with_name(f"{target.stem}-{_slug(number)}{target.suffix}")
        data = chart(members, title, fmt)
        if isinstance(data, str):
            write_atomic(path, data)
        else:
            tmp = path.with_name(f".{path.name}.tmp")
            tmp.write_bytes(data)
            tmp.replace(path)
        written.append(path)
    return written


def register(app: typer.Typer) -> None:
    """Add `targets` to the `decree` app."""

    @app.command()
    def targets(
        home: Path = HOME,
        doc: str = typer.Option(None, "--doc", help="The plan or decision whose targets to show (number, doc_id or file "
                                                  "name); a report's number shows the targets it reports on."),
        as_csv: bool = CSV,
        as_json: bool = JSON,
        plot: Path = typer.Option(None, "--plot", help="Also write a chart per source document (targets × years): "
                                                     "FILE.svg or FILE.png."),
        refresh: bool = typer.Option(False, "--refresh", help="Recompute the links of documents that changed first "
                                                           "(decree process does it after every batch)."),
    ) -> None:
        """Each target of a plan with what later documents report and assign for it: actual and plan by year,
        progress where the units allow it (and why not where they do not)."""
        from pipeline.link.report import ReportError, target_report

        fmt = _format(as_csv, as_json)
        if refresh:
            from pipeline.dataset import dataset_at
            from pipeline.link.refresh import refresh_links

            dataset = dataset_at(home)
            if not dataset.exists():
                _fail(f"no dataset at {dataset.root}")
            result = refresh_links(dataset)
            dataset.refresh_views()
            err.print(f"links: {len(result.computed)} pair(s) recomputed, {result.unchanged} unchanged, "
                      f"{len(result.removed)} removed" + "".join(f"\n  failed {f}" for f in result.failed), markup=False)
        try:
            objects = target_report(home, doc)
        except ReportError as exc:
            _fail(str(exc))
        if fmt == "json":
            import json

            sys.stdout.write(json.dumps(objects, ensure_ascii=False, indent=1) + "\n")
        elif fmt == "csv":
            import pandas as pd

            from pipeline.link.report import FIELDS
            from pipeline.query import to_csv

            sys.stdout.write(to_csv(pd.DataFrame(objects, columns=list(FIELDS))))
        else:
            print_table(objects)
        if plot is not None:
            written = write_plots(objects, plot)
            for path in written:
                err.print(f"chart: {path}", markup=False)
            if not written:
                err.print("no targets to chart", markup=False)
