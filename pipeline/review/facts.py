"""What the review site says about facts: a readable title for each (what, the value, where), the
item's passage with every fact marked, and the values the edit forms start from.

A fact is a row of `quantities`, `deadlines` (stated), `agencies` or `citations`, an item, a
header field (a `documents` column) or a link between documents. Facts read from a table row's
cells (the lead agency of "Đơn vị chủ trì") have no span in the item's text: they are found in
the row's cells by the text they were read from, and marked there.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from pipeline.dataset.corrections import DOCUMENT_FIELDS, SETTABLE
from pipeline.review import render

ROLE_NAMES = {"lead": "Lead agency", "support": "Supporting agency", "assignee": "Assigned agency"}
HEADER_NAMES = {
    "number": "Number (số ký hiệu)", "issued_date": "Date of issue", "issuer": "Issuer", "parent_issuer": "Issuer's parent body",
    "doc_type": "Document type (slug)", "doc_type_label": "Document type as printed", "place": "Place of issue",
    "title": "Title (trích yếu)", "signer_name": "Signer", "signer_position": "Signer's position",
}
WHAT_NAMES = {"item": "Item", "quantity": "Quantity", "deadline": "Deadline", "agency": "Agency", "citation": "Citation",
              "target_link": "Target link", "document_link": "Document link", **HEADER_NAMES}
FACT_TABLES = {"quantity": "quantities", "deadline": "deadlines", "agency": "agencies"}
NO_COLUMN = {"quantity": "quantity_no", "agency": "agency_no", "citation": "citation_no"}


def fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.6g}" if abs(value) < 1e15 else f"{value:,.0f}"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def edit_value(row: dict | None, key: str) -> str:
    """A value as an edit form shows it (numbers without thousands separators, dates ISO)."""
    value = None if row is None else row.get(key)
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e18 else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return fmt(value)


def _short(text: Any, n: int = 80) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


# --------------------------------------------------------------------------
# Titles
# --------------------------------------------------------------------------
def where(item: dict | None) -> str:
    """Where an item is, in words: "row 3 of table 2", "task II.1"."""
    if item is None:
        return "the document"
    if item.get("kind") == "table_row":
        table = item.get("table_no")
        return f"row {item['path']}" + (f" of table {table}" if table is not None else "")
    return f"{item.get('kind') or 'item'} {item.get('path') or item.get('item_id')}"


def fact_value(what: str, row: dict) -> str:
    """The fact as the pipeline (or a maintainer) read it, in one line."""
    if what == "quantity":
        value = fmt(row.get("value")) + (f"–{fmt(row['value_max'])}" if row.get("value_max") is not None else "")
        return f"{value} {row.get('unit_normalized') or row.get('unit') or ''}".strip()
    if what == "deadline":
        span = " → ".join(filter(None, [fmt(row.get("start")), fmt(row.get("end"))]))
        return " ".join(filter(None, [span, row.get("recurrence")]))
    if what == "agency":
        return f"{row.get('name') or row.get('normalized')} ({row.get('role')})"
    if what == "citation":
        return " ".join(filter(None, [row.get("doc_type"), row.get("number"), fmt(row.get("issued_date"))]))
    return fmt(row.get("value"))


def title(what: str, row: dict | None, item: dict | None, document: dict | None = None) -> str:
    """A readable title: what, the value, where ("Lead agency 'Sở Công Thương' of row 3 of table 2")."""
    row = row or {}
    place = where(item)
    if what == "item":
        return place[:1].upper() + place[1:] + (f": '{_short(item.get('text'), 70)}'" if item else "")
    if what == "agency":
        name = row.get("name") or row.get("raw")
        inherited = " (inherited from its heading)" if row.get("inherited") else ""
        return f"{ROLE_NAMES.get(row.get('role'), 'Agency')} '{name}' of {place}{inherited}"
    if what in ("quantity", "deadline"):
        return f"{WHAT_NAMES[what]} '{_short(row.get('raw'), 70) or fact_value(what, row)}' of {place}"
    doc = document or {}
    of = doc.get("number") or doc.get("file_name") or "the document"
    if what == "citation":
        return f"Citation '{row.get('number') or _short(row.get('raw'), 60)}' in {of}"
    if what in HEADER_NAMES:
        return f"{HEADER_NAMES[what]} of {of}"
    if what in ("target_link", "document_link"):
        return f"{WHAT_NAMES[what]} '{_short(row.get('value'), 90)}' from {of}"
    return f"{what} of {of}"


# --------------------------------------------------------------------------
# The passage: an item's text (a table row: its cells) with its facts marked
# --------------------------------------------------------------------------
@dataclass
class Segment:
    label: str | None  # a table row's column header; None for an item's text
    text: str
    start: int | None  # document offset of text[0], when known
    key: str = ""  # a cell's key in table_rows.cells_json


def segments(item: dict, table_row: dict | None = None) -> list[Segment]:
    """The text a fact of `item` can be printed in: its own text, and a table row's other cells."""
    out = [Segment(None, item.get("text") or "", item.get("span_start"))]
    if table_row is None:
        return out
    out[0].label = "content"
    for cell in json.loads(table_row.get("row_cells_json") or "[]"):
        if cell.get("role") in ("number", "content"):
            continue
        spans = cell.get("spans") or []
        header = " / ".join(cell.get("header") or []) or cell.get("key") or ""
        out.append(Segment(header, cell.get("text") or "", spans[0][0] if len(spans) == 1 else None,
                           " ".join(str(cell.get("key") or "").split())))
    return out


def _find(text: str, needle: str) -> int:
    hay = unicodedata.normalize("NFC", text).casefold()
    if len(hay) != len(text) or not needle:
        return -1
    return hay.find(unicodedata.normalize("NFC", needle).casefold())


@dataclass
class Fact:
    """One fact of an item, for marking and for its form."""

    what: str  # quantity | deadline | agency
    row: dict
    focus: bool = False

    @property
    def no(self) -> int | None:
        return self.row.get(NO_COLUMN.get(self.what, ""))


_COLUMN_REASON = re.compile(r"table column '([^']+)'")


def _mark_for(fact: Fact, segs: list[Segment], taken: list[list[tuple[int, int]]]) -> tuple[int, render.Mark] | None:
    row = fact.row
    tip = fact_value(fact.what, row)
    unit = row.get("unit") if fact.what == "quantity" else None
    start, end = row.get("span_start"), row.get("span_end")
    if start is not None and end is not None:  # by its offsets, in the segment that holds them
        for n, seg in enumerate(segs):
            if seg.start is not None and seg.start <= start and end <= seg.start + len(seg.text):
                return n, render.Mark(start - seg.start, end - seg.start, fact.what, fact.focus, unit=unit, title=tip)
    raw = (row.get("raw") or "").strip()
    # By the text it was read from (a table cell's agency, an added fact): in the column it was read
    # from first (its reasons name it: "table column 'Đơn vị phối hợp'"), then anywhere in the item.
    columns = {m.group(1) for r in row.get("reasons") or [] if (m := _COLUMN_REASON.search(r))}
    order = sorted(range(len(segs)), key=lambda n: segs[n].key not in columns)
    for n in order:
        seg = segs[n]
        at = _find(seg.text, raw)
        while at >= 0:
            span = (at, at + len(raw))
            if not any(a < span[1] and span[0] < b for a, b in taken[n]):
                return n, render.Mark(span[0], span[1], fact.what, fact.focus, unit=unit, title=tip)
            nxt = _find(seg.text[at + 1:], raw)
            at = -1 if nxt < 0 else at + 1 + nxt
    return None


def passage(item: dict, facts: list[Fact], table_row: dict | None = None) -> Markup:
    """The item's text with the facts marked; a table row as a small table of its cells, each marked."""
    segs = segments(item, table_row)
    marks: list[list[render.Mark]] = [[] for _ in segs]
    taken: list[list[tuple[int, int]]] = [[] for _ in segs]
    for fact in sorted(facts, key=lambda f: not f.focus):
        found = _mark_for(fact, segs, taken)
        if found is not None:
            n, mark = found
            marks[n].append(mark)
            taken[n].append((mark.start, mark.end))
    if table_row is None:
        return render.highlight(segs[0].text, marks[0])
    rows = [Markup('<tr><th scope="row">{}</th><td>{}</td></tr>').format(seg.label, render.highlight(seg.text, m))
            for seg, m in zip(segs, marks)]
    return Markup('<table class="cells">{}</table>').format(Markup("").join(rows))


def item_facts(rows_by_table: dict[str, list[dict]], item_id: str) -> list[Fact]:
    """The facts of one item (stated deadlines only: an inherited one is corrected where it is stated)."""
    out = []
    for what, table in FACT_TABLES.items():
        for row in rows_by_table.get(table, []):
            if row["item_id"] == item_id and (what != "deadline" or row["stated"]):
                out.append(Fact(what, row))
    return out


def form_values(what: str, row: dict | None) -> dict[str, str]:
    """What an edit form starts from."""
    keys = SETTABLE.get(what) or ((what,) if what in DOCUMENT_FIELDS else ())
    if what in DOCUMENT_FIELDS:
        return {"value": edit_value(row, what)}
    return {key: edit_value(row, key) for key in keys}
