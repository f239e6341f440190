"""HTML fragments built in Python: the highlighted passage (displaCy-style marks), an item's Doc in
displaCy's entity view, and the SVG charts.

Every piece of text that comes from a document goes through `markupsafe.escape`
(displaCy escapes the text it renders itself); the results are `Markup`, so the
templates insert them as they are.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup, escape

LABELS = {"quantity": "QUANTITY", "unit": "UNIT", "deadline": "DEADLINE", "agency": "AGENCY", "citation": "CITATION"}


@dataclass
class Mark:
    start: int  # offsets into the passage
    end: int
    kind: str  # quantity | deadline | agency
    focus: bool = False
    unit: str | None = None  # quantity: the unit, highlighted inside the mark when printed in it
    title: str = ""


def _mark(kind: str, inner: Markup, focus: bool = False, title: str = "") -> Markup:
    classes = f"ent ent-{kind}" + (" focus" if focus else "")
    return Markup('<mark class="{}" title="{}">{}<span class="ent-label">{}</span></mark>').format(
        classes, title, inner, LABELS[kind])


def highlight(text: str, marks: list[Mark]) -> Markup:
    """The passage with the marks, escaped; overlapping marks are dropped (the focused one wins)."""
    chosen: list[Mark] = []
    for mark in sorted(marks, key=lambda m: (not m.focus, m.start, -(m.end - m.start))):
        if not (0 <= mark.start < mark.end <= len(text)):
            continue
        if any(mark.start < other.end and other.start < mark.end for other in chosen):
            continue
        chosen.append(mark)
    chosen.sort(key=lambda m: m.start)
    out, pos = [], 0
    for mark in chosen:
        out.append(escape(text[pos:mark.start]))
        piece = text[mark.start:mark.end]
        inner: Markup = escape(piece)
        if mark.kind == "quantity" and mark.unit:
            at = piece.find(mark.unit)
            if at > 0 or (at == 0 and len(mark.unit) < len(piece)):
                inner = escape(piece[:at]) + _mark("unit", escape(mark.unit)) + escape(piece[at + len(mark.unit):])
        out.append(_mark(mark.kind, inner, mark.focus, mark.title))
        pos = mark.end
    out.append(escape(text[pos:]))
    return Markup("").join(out)


# --------------------------------------------------------------------------
# An item's Doc: displaCy's entity view of doc.spans["facts"] (pipeline/tokens.py)
# --------------------------------------------------------------------------
# displaCy's own templates style every mark inline, which the site's Content-Security-Policy refuses
# (style-src 'self'): the marks get classes instead (review.css), and the wrapper's style is dropped.
_ENT_TEMPLATE = ('<mark class="entity ent ent-{kind}" title="{tip}" data-fact-no="{no}">{text}'
                 '<span class="ent-label">{label}</span></mark>')
_WRAPPER_STYLE = re.compile(r'^(\s*<div class="entities") style="[^"]*"')


def fact_tip(span) -> str:
    fact = span._.fact
    if fact is None:
        return ""
    if span.label_ == "QUANTITY":
        value = f"{fact.value:g}" + (f"–{fact.value_max:g}" if fact.value_max is not None else "")
        return f"{value} {fact.unit_normalized or fact.unit or ''}".strip()
    if span.label_ == "DEADLINE":
        return f"{fact.start or ''} → {fact.end or ''} {fact.recurrence or ''}".strip()
    if span.label_ == "AGENCY":
        return f"{fact.normalized} ({fact.role})"
    return " ".join(str(v) for v in (fact.doc_type, fact.number, fact.issued_date) if v)


def doc_entities(doc) -> Markup:
    """The Doc's text with its facts marked: displaCy's entity view (overlaps keep the longer fact)."""
    from spacy import displacy

    ents, last_end = [], -1
    for span in sorted(doc.spans.get("facts", []), key=lambda s: (s.start_char, -s.end_char)):
        if span.start_char < last_end:
            continue
        ents.append({"start": span.start_char, "end": span.end_char, "label": span.label_,
                     "params": {"kind": span.label_.lower(), "tip": escape(fact_tip(span)),
                                "no": "" if span._.fact_no is None else span._.fact_no}})
        last_end = span.end_char
    html = displacy.render({"text": doc.text, "ents": ents, "title": None}, style="ent", manual=True,
                           options={"template": _ENT_TEMPLATE}, page=False)
    return Markup(_WRAPPER_STYLE.sub(r"\1", html, count=1).strip())


# --------------------------------------------------------------------------
# Charts (server-side SVG; nothing is loaded from elsewhere)
# --------------------------------------------------------------------------
PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#9c755f")


def _num(value: float) -> str:
    return f"{value:g}" if value < 10_000 else f"{value:,.0f}"


def bar_chart(bars: list[tuple[str, float]], *, title: str, width: int = 560, height: int = 240,
              color: str = PALETTE[0]) -> Markup:
    """A vertical bar chart: (label, value) pairs."""
    return stacked_bar_chart([(label, {"": value}) for label, value in bars], title=title, width=width,
                             height=height, series=[""], colors={"": color})


def stacked_bar_chart(bars: list[tuple[str, dict[str, float]]], *, title: str, series: list[str],
                      width: int = 560, height: int = 260, colors: dict[str, str] | None = None) -> Markup:
    """Vertical stacked bars: (label, {series: value}); a legend when there is more than one series."""
    colors = colors or {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(series)}
    legend_h = 18 * ((len(series) + 1) // 2) if len(series) > 1 else 0
    left, right, top, bottom = 44, 10, 24, 40 + legend_h
    plot_w, plot_h = width - left - right, height - top - bottom
    total = max([sum(values.values()) for _, values in bars] or [0]) or 1
    parts = [Markup('<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" '
                    'height="{h}" role="img" aria-label="{t}">').format(w=width, h=height, t=title),
             Markup('<text class="chart-title" x="{}" y="16">{}</text>').format(left, title),
             Markup('<line class="axis" x1="{0}" y1="{1}" x2="{2}" y2="{1}"/>').format(left, top + plot_h, left + plot_w),
             Markup('<text class="tick" x="{}" y="{}" text-anchor="end">{}</text>').format(left - 4, top + 8, _num(total)),
             Markup('<text class="tick" x="{}" y="{}" text-anchor="end">0</text>').format(left - 4, top + plot_h)]
    if not bars:
        parts.append(Markup('<text class="tick" x="{}" y="{}">no data</text>').format(left + 10, top + plot_h / 2))
    slot = plot_w / max(len(bars), 1)
    bar_w = max(2.0, min(48.0, slot * 0.7))
    for n, (label, values) in enumerate(bars):
        x = left + n * slot + (slot - bar_w) / 2
        y = top + plot_h
        for name in series:
            value = values.get(name, 0)
            if not value:
                continue
            h = plot_h * value / total
            y -= h
            parts.append(Markup('<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="{}">'
                                '<title>{}{}: {}</title></rect>').format(
                x, y, bar_w, h, colors[name], label, f" · {name}" if name else "", _num(value)))
        if len(bars) <= 16 or n % max(1, len(bars) // 12) == 0:
            parts.append(Markup('<text class="tick" x="{:.1f}" y="{}" text-anchor="middle">{}</text>').format(
                x + bar_w / 2, top + plot_h + 14, label))
    if len(series) > 1:
        for i, name in enumerate(series):
            lx = left + (i % 2) * (plot_w / 2)
            ly = top + plot_h + 30 + 18 * (i // 2)
            parts.append(Markup('<rect x="{}" y="{}" width="10" height="10" fill="{}"/>'
                                '<text class="tick" x="{}" y="{}">{}</text>').format(
                lx, ly - 9, colors[name], lx + 14, ly, name[:48]))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)
