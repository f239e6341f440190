"""The chart of one source document's targets: a row per target, a column per year.

Each row is a target of the cited document and the unit reporting on it;
each year's cell shows the figures reported for it — actual as a filled bar,
plan as an outlined one, both scaled to the row's largest figure (targets count
different things, so rows are not on one scale) — with the target at its
deadline year as a dashed line when the figures can be compared with it, or as
text when they cannot. The last column is the progress ("25 %") or "n/c" (not
computed: the reason is in `decree targets`). A target nothing reports on has
an empty row saying so.

Drawn once as a list of shapes, then written as SVG (our own markup, nothing
loaded from elsewhere, no style attributes: it passes the review site's
Content-Security-Policy) or as PNG with Pillow and the DejaVu font.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from pipeline.link.values import same_unit

ACTUAL, PLAN, TARGET, GRID, INK, MUTED = "#4e79a7", "#f28e2b", "#e15759", "#d9d9d9", "#222222", "#777777"
FONT_FILES = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans.ttf")
WIDTH, LABEL_W, PROGRESS_W, ROW_H, TOP, BOTTOM = 1040, 380, 90, 46, 64, 40


@dataclass
class Shape:
    kind: str  # rect | line | text
    x: float
    y: float
    w: float = 0.0  # rect: width; line: x2
    h: float = 0.0  # rect: height; line: y2
    fill: str | None = None
    stroke: str | None = None
    dash: bool = False
    text: str = ""
    size: int = 11
    anchor: str = "start"  # start | middle | end
    bold: bool = False


def _short(text: str, n: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _num(value) -> str:
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.3g}"
    return str(value)


def chart_rows(objects: list[dict]) -> list[dict]:
    """The rows of the chart: the report links (else the other links) of each target, and unreported targets."""
    by_target: dict[tuple, list[dict]] = {}
    for o in objects:
        by_target.setdefault((o["target_doc_id"], o["target_path"], o["target_text"]), []).append(o)
    rows = []
    for members in by_target.values():
        reports = [o for o in members if o["relation"] == "reports_on"] or [o for o in members if o["report_doc"]]
        rows.extend(reports or members[:1])
    return rows


def _years(rows: list[dict]) -> list[int]:
    years = set()
    for o in rows:
        values = o.get("values") or {}
        for kind in ("actual", "plan"):
            years.update(int(k) for k in (values.get(kind) or {}) if str(k).isdigit())
        end = o.get("target_deadline_end")
        if end:
            years.add(int(end[:4]))
    if not years:
        return []
    return list(range(min(years), max(years) + 1)) if max(years) - min(years) <= 12 else sorted(years)


def layout(objects: list[dict], title: str) -> tuple[int, int, list[Shape]]:
    """(width, height, shapes) of the chart of `objects` (one source document's `target_report`)."""
    rows = chart_rows(objects)
    years = _years(rows)
    height = TOP + ROW_H * max(1, len(rows)) + BOTTOM
    shapes = [Shape("text", 10, 20, text=_short(title, 150), size=14, bold=True),
              Shape("text", 10, 40, text="actual ■ (filled) · plan □ (outlined) · target - - - at its deadline year; "
                                         "each row on its own scale", size=10, fill=MUTED)]
    col_w = (WIDTH - LABEL_W - PROGRESS_W) / max(1, len(years))
    for n, year in enumerate(years):
        x = LABEL_W + n * col_w
        shapes.append(Shape("text", x + col_w / 2, TOP - 8, text=str(year), anchor="middle", bold=True))
        shapes.append(Shape("line", x, TOP - 4, x, TOP + ROW_H * len(rows), stroke=GRID))
    shapes.append(Shape("text", WIDTH - PROGRESS_W / 2, TOP - 8, text="progress", anchor="middle", bold=True))
    if not rows:
        shapes.append(Shape("text", 10, TOP + 24, text="no targets", fill=MUTED))
    for r, o in enumerate(rows):
        y0 = TOP + r * ROW_H
        shapes.append(Shape("line", 0, y0 + ROW_H, WIDTH, y0 + ROW_H, stroke=GRID))
        shapes.append(Shape("text", 8, y0 + 18, text=_short(f"{o['target_path']} {o['target_text']}", 58), size=11))
        where = (f"→ {o['report_doc']} {o['report_path']} ({o['relation']}): {o['report_text']}" if o["report_doc"]
                 else "no report found")
        shapes.append(Shape("text", 8, y0 + 34, text=_short(where, 62), size=9, fill=MUTED))
        _row_cells(shapes, o, years, y0, col_w)
        progress = o.get("progress")
        label = f"{progress * 100:.0f} %" if progress is not None else ("n/c" if o["report_doc"] else "—")
        shapes.append(Shape("text", WIDTH - PROGRESS_W / 2, y0 + ROW_H / 2 + 4, text=label, anchor="middle",
                            bold=progress is not None, fill=INK if progress is not None else MUTED))
    return WIDTH, height, shapes


def _row_cells(shapes: list[Shape], o: dict, years: list[int], y0: float, col_w: float) -> None:
    values = o.get("values") or {}
    units = values.get("units") or {}
    cells = {kind: {int(k): v for k, v in (values.get(kind) or {}).items() if str(k).isdigit() and isinstance(v, (int, float))}
             for kind in ("actual", "plan")}
    target_level, target_label = None, None
    if o["target_value"] is not None:
        unit = o["target_unit"]
        target_label = f"target {_num(o['target_value'])}{' %' if unit == '%' else ''}"
        if o.get("target_recurrence") == "yearly":
            target_label += " a year"
        figures = [units.get(kind, {}).get(str(y)) for kind in ("actual", "plan") for y in cells[kind]]
        if unit != "%" and figures and all(same_unit(u, unit) for u in figures if u):
            target_level = o["target_value"]
        elif values.get("target_count") and all(same_unit(u, units.get("target_count")) for u in figures if u):
            target_level = values["target_count"] * (o["target_value"] / 100 if unit == "%" else 1)
            target_label += f" = {_num(target_level)}"
    numbers = [v for kind in cells.values() for v in kind.values()] + ([target_level] if target_level else [])
    top = max(numbers) if numbers else 0
    bar_h = ROW_H - 16
    base = y0 + ROW_H - 4
    for n, year in enumerate(years):
        x = LABEL_W + n * col_w
        present = [kind for kind in ("actual", "plan") if year in cells[kind]]
        bar_w = min(26.0, (col_w - 12) / max(1, len(present)))
        start = x + (col_w - bar_w * len(present)) / 2
        for k, kind in enumerate(present):
            value = cells[kind][year]
            h = max(1.0, bar_h * value / top) if top else 1.0
            bx = start + k * bar_w
            if kind == "actual":
                shapes.append(Shape("rect", bx + 1, base - h, bar_w - 2, h, fill=ACTUAL))
            else:
                shapes.append(Shape("rect", bx + 1, base - h, bar_w - 2, h, fill="#ffffff", stroke=PLAN))
            shapes.append(Shape("text", bx + bar_w / 2, base - h - 2, text=_num(value), size=9, anchor="middle"))
        end = o.get("target_deadline_end")
        if target_label and end and int(end[:4]) == year:
            if target_level and top:
                ty = base - bar_h * target_level / top
                shapes.append(Shape("line", x + 2, ty, x + col_w - 2, ty, stroke=TARGET, dash=True))
                shapes.append(Shape("text", x + col_w - 3, ty - 2, text=target_label, size=9, anchor="end", fill=TARGET))
            else:
                shapes.append(Shape("text", x + col_w / 2, y0 + 14, text=target_label, size=9, anchor="middle", fill=TARGET))


# --------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------
def to_svg(width: int, height: int, shapes: list[Shape]) -> str:
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="targets-chart" viewBox="0 0 {width} {height}" '
           f'width="{width}" height="{height}" font-family="DejaVu Sans, Verdana, sans-serif" role="img">',
           f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>']
    for s in shapes:
        if s.kind == "rect":
            out.append(f'<rect x="{s.x:.1f}" y="{s.y:.1f}" width="{s.w:.1f}" height="{s.h:.1f}" '
                       f'fill="{s.fill or "none"}"' + (f' stroke="{s.stroke}" stroke-width="1.5"' if s.stroke else "") + "/>")
        elif s.kind == "line":
            out.append(f'<line x1="{s.x:.1f}" y1="{s.y:.1f}" x2="{s.w:.1f}" y2="{s.h:.1f}" stroke="{s.stroke}"'
                       + (' stroke-dasharray="5 3" stroke-width="1.5"' if s.dash else "") + "/>")
        else:
            out.append(f'<text x="{s.x:.1f}" y="{s.y:.1f}" font-size="{s.size}" text-anchor="{s.anchor}" '
                       f'fill="{s.fill or INK}"' + (' font-weight="bold"' if s.bold else "") + f">{escape(s.text)}</text>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def to_png(width: int, height: int, shapes: list[Shape], scale: float = 1.5) -> bytes:
    import io

    from PIL import Image, ImageDraw, ImageFont

    def font(size: int, bold: bool):
        for path in FONT_FILES:
            candidate = path.replace("DejaVuSans.ttf", "DejaVuSans-Bold.ttf") if bold else path
            if Path(candidate).exists():
                return ImageFont.truetype(candidate, int(size * scale))
        return ImageFont.load_default(int(size * scale))

    image = Image.new("RGB", (int(width * scale), int(height * scale)), "#ffffff")
    draw = ImageDraw.Draw(image)
    k = scale
    for s in shapes:
        if s.kind == "rect":
            draw.rectangle([s.x * k, s.y * k, (s.x + s.w) * k, (s.y + s.h) * k], fill=s.fill,
                           outline=s.stroke, width=2 if s.stroke else 0)
        elif s.kind == "line":
            if s.dash:
                x, step = s.x, 8.0
                while x < s.w:
                    draw.line([x * k, s.y * k, min(x + 5, s.w) * k, s.h * k], fill=s.stroke, width=2)
                    x += step
            else:
                draw.line([s.x * k, s.y * k, s.w * k, s.h * k], fill=s.stroke, width=1)
        else:
            f = font(s.size, s.bold)
            anchor = {"start": "ls", "middle": "ms", "end": "rs"}[s.anchor]
            draw.text((s.x * k, s.y * k), s.text, fill=s.fill or INK, font=f, anchor=anchor)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def chart(objects: list[dict], title: str, fmt: str = "svg") -> str | bytes:
    """The chart of one source document's target objects, as SVG text or PNG bytes."""
    width, height, shapes = layout(objects, title)
    return to_png(width, height, shapes) if fmt == "png" else to_svg(width, height, shapes)


def by_source(objects: list[dict]) -> dict[str, list[dict]]:
    """`target_report` objects grouped by source (cited) document, in order."""
    out: dict[str, list[dict]] = {}
    for o in objects:
        out.setdefault(o["target_doc_id"], []).append(o)
    return out


__all__ = ["by_source", "chart", "chart_rows", "layout", "to_png", "to_svg"]
