"""Maintainers' corrections, applied on top of the pipeline's output.

A correction is one decision about one extracted fact, appended to the
``corrections`` table and never rewritten (`Dataset.append_correction`)::

    field            what            action            after (JSON)
    "item"           the item        accept | reject   null
    "quantities[N]"  a quantity      accept | set |    {"value": 3000, "unit": "doanh nghiệp", ...}
                                     reject
    "quantities[N].value"            set               3000             (one field at a time)
    "quantities"     a quantity the  add               {"value": 3000, "unit": "doanh nghiệp", "kind": "count",
                     pipeline missed                    "raw": "3.000 doanh nghiệp"}
    "deadline"       the stated      accept | set |    {"start": null, "end": "2024-06-30", "recurrence": null}
                     deadline        reject | add      (add: an item with no stated deadline)
    "agencies[N]"    an agency       accept | set |    {"name": "Sở Tài chính", "role": "lead"}
                                     reject
    "agencies"       a missing one   add               {"name": "Sở Công Thương", "role": "lead"}
    "citations[N]"   a citation      accept | set |    {"number": "12/QĐ-UBND", "issued_date": "2024-03-05"}
                                     reject
    "<column>"       a documents     set | accept      "45/KH-UBND"  (accept: the value as it is, also an
                     column (number, issued_date, issuer, title, ...)  empty one: it leaves the queue)
    "target_link"    a link between  accept | reject   null             (recorded on the citing document;
    "document_link"  two documents                                       see "Links between documents" below)
    any of these     an earlier      undo              null             (``before.undoes`` = its correction_id)
                     correction

``before`` holds what the maintainer saw, including ``item_text`` and the fact's
``raw`` text: that is how a correction finds its fact again after re-extraction.

Every time a document's rows are written (`Dataset.write_document`, so after
``decree process`` and ``decree rebuild`` too) `apply_corrections` re-applies
all of the document's corrections, oldest first, to the freshly flattened rows:

* accept: confidence 1.0, ``review = 'accepted'``;
* set: the values replace the extracted ones, confidence 1.0, ``review = 'corrected'``;
* add: a row the pipeline did not extract is appended, confidence 1.0, ``review = 'added'``
  (when a later pipeline extracts the same fact itself, that row is accepted instead);
* reject: the fact is dropped from its table (an item is kept, ``review = 'rejected'``,
  and leaves the review queue); what was dropped stays visible in ``correction_status``;
* undo: the correction it names is not applied any more (its status is ``undone``) and the
  pipeline's value is back. Nothing is deleted: an undo is itself a correction, and undoing
  an undo puts the first decision back in force.

A correction finds its target by id (same ``item_id`` and fact number, and —
when known — the same item text and fact text), else by text (an item with the
same text holding a fact printed the same way). One that finds nothing, or whose
value is invalid, is recorded ``unapplied`` with the reason: it shows in the
``corrections_unapplied`` view, in `correction_summary` and in the review site,
and is never dropped.

Links between documents (pipeline/link) are not rows of one document: the
decisions on them are applied by `apply_link_corrections` each time a pair's
links are recomputed (pipeline/link/refresh.py), found again by the texts of
the target and of the reporting unit (``before`` holds them), and their status
goes to ``link_correction_status``. Accepting sets the confidence to 1.0;
rejecting keeps the link flagged ``review = 'rejected'`` (out of the review
queue and of ``decree targets``).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from pipeline.dataset.tables import to_table

if TYPE_CHECKING:  # pragma: no cover
    from pipeline.dataset.store import Dataset

LINK_FIELDS = {"target_link": "target_links", "document_link": "document_links"}  # field -> the pair's table
ACCEPT_ACTIONS = ("accept", "confirm")
REJECT_ACTIONS = ("reject", "remove")
UNDO = "undo"
ADD = "add"
WHATS = ("item", "quantity", "deadline", "agency", "citation")
ADDABLE = ("quantity", "deadline", "agency")  # facts a maintainer may add to an item
RECURRENCES = ("daily", "weekly", "monthly", "quarterly", "semiannual", "yearly")
ROLES = ("lead", "support", "assignee")
QUANTITY_KINDS = ("count", "percent", "money", "measure", "multiplier", "other")
# Columns of `documents` a maintainer may set, with their kind.
DOCUMENT_FIELDS = {
    "doc_type": "str", "doc_type_label": "str", "number": "str", "issuer": "str", "parent_issuer": "str",
    "place": "str", "issued_date": "date", "title": "str", "signer_name": "str", "signer_position": "str",
}
# What a `set` may change, per fact (an `add` takes the same keys, and `raw`: the fact as printed).
SETTABLE = {
    "quantity": ("value", "value_max", "unit", "unit_normalized", "kind", "qualifier"),
    "deadline": ("start", "end", "recurrence"),
    "agency": ("name", "normalized", "role"),
    "citation": ("number", "issued_date"),
}
_FIELD_RE = re.compile(r"^(?:(quantities|agencies|citations)(?:\[(\d{1,5})\])?|(deadline|item))(?:\.([a-z_]{1,32}))?$")
_TABLE_OF = {"quantity": "quantities", "deadline": "deadlines", "agency": "agencies"}  # facts of an item
_NO_COLUMN = {"quantity": "quantity_no", "agency": "agency_no"}


class CorrectionError(ValueError):
    """A decision that cannot be recorded (unknown field, invalid value)."""


# --------------------------------------------------------------------------
# Field names and values
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    what: str  # item | quantity | deadline | agency | document
    fact_no: int | None = None
    sub: str | None = None  # one settable attribute ("quantities[0].value"), or a documents column


def field_name(what: str, fact_no: int | None = None) -> str:
    """The `field` a decision about a whole fact is stored under (an added fact: no number)."""
    plural = {"quantity": "quantities", "agency": "agencies", "citation": "citations"}.get(what)
    if plural:
        return plural if fact_no is None else f"{plural}[{int(fact_no)}]"
    if what in ("deadline", "item"):
        return what
    raise CorrectionError(f"cannot correct a {what!r}")


def parse_field(name: str) -> Target | None:
    m = _FIELD_RE.match(name or "")
    if m:
        plural, number, single, sub = m.groups()
        what = {"quantities": "quantity", "agencies": "agency", "citations": "citation"}.get(plural) if plural else single
        return Target(what, int(number) if number is not None else None, sub)
    if name in DOCUMENT_FIELDS:
        return Target("document", None, name)
    return None


def _clean_str(value: Any, what: str, *, required: bool = False) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise CorrectionError(f"{what} may not be empty")
        return None
    if not isinstance(value, (str, int, float)):
        raise CorrectionError(f"{what} must be text")
    text = unicodedata.normalize("NFC", str(value)).strip()
    if len(text) > 500:
        raise CorrectionError(f"{what} is too long")
    return text


def _clean_number(value: Any, what: str, *, required: bool = False) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise CorrectionError(f"{what} may not be empty")
        return None
    if isinstance(value, bool):
        raise CorrectionError(f"{what} must be a number")
    if isinstance(value, str):
        text = value.strip().replace(" ", "").replace("\u00a0", "")
        # Vietnamese print: "3.000" is three thousand and "22,6" is 22.6; a plain "22.6" is accepted too.
        if re.fullmatch(r"-?\d{1,3}(\.\d{3})+(,\d+)?", text):
            text = text.replace(".", "").replace(",", ".")
        elif re.fullmatch(r"-?\d+,\d+", text):
            text = text.replace(",", ".")
        try:
            value = float(text)
        except ValueError:
            raise CorrectionError(f"{what} must be a number, not {value!r}") from None
    number = float(value)
    if not math.isfinite(number):
        raise CorrectionError(f"{what} must be a finite number")
    return number


def _clean_date(value: Any, what: str) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return dt.date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise CorrectionError(f"{what} must be a date YYYY-MM-DD, not {value!r}") from None


def _choice(value: Any, what: str, allowed: tuple[str, ...], *, required: bool = False) -> str | None:
    text = _clean_str(value, what, required=required)
    if text is not None and text not in allowed:
        raise CorrectionError(f"{what} must be one of {', '.join(allowed)}, not {text!r}")
    return text


def _clean_number_text(value: Any, what: str, *, required: bool = False) -> str | None:
    """A số ký hiệu as the dataset keeps it: spaces removed ("45 / KH-UBND" -> "45/KH-UBND")."""
    text = _clean_str(value, what, required=required)
    return None if text is None else re.sub(r"\s+", "", text)


def clean_values(what: str, values: dict[str, Any], *, adding: bool = False) -> dict[str, Any]:
    """Validate and normalise the attributes a `set` changes (or an `add` gives); raise CorrectionError on bad input."""
    if what not in SETTABLE:
        raise CorrectionError(f"a {what} cannot be edited, only accepted or rejected")
    if adding and what not in ADDABLE:
        raise CorrectionError(f"a {what} cannot be added")
    allowed = (*SETTABLE[what], "raw") if adding else SETTABLE[what]
    unknown = set(values) - set(allowed)
    if unknown:
        raise CorrectionError(f"cannot set {', '.join(sorted(unknown))} on a {what}")
    if adding:  # what an added fact needs
        values = dict(values)
        if what == "quantity":
            values.setdefault("kind", "count")
            values.setdefault("value", None)
        elif what == "agency":
            values.setdefault("name", None)
            values.setdefault("role", None)
    out: dict[str, Any] = {}
    for key, value in values.items():
        label = f"{what} {key}"
        if key == "raw":
            out[key] = _clean_str(value, label)
        elif what == "quantity":
            if key in ("value", "value_max"):
                out[key] = _clean_number(value, label, required=key == "value")
            elif key == "kind":
                out[key] = _choice(value, label, QUANTITY_KINDS, required=True)
            else:
                out[key] = _clean_str(value, label)
        elif what == "deadline":
            out[key] = _choice(value, label, RECURRENCES) if key == "recurrence" else _clean_date(value, label)
        elif what == "agency":
            if key == "role":
                out[key] = _choice(value, label, ROLES, required=True)
            else:
                out[key] = _clean_str(value, label, required=True)
        elif what == "citation":
            out[key] = _clean_date(value, label) if key == "issued_date" else _clean_number_text(value, label)
    if what == "deadline" and out.get("start") and out.get("end") and out["start"] > out["end"]:
        raise CorrectionError("the deadline's start is after its end")
    if what == "deadline" and ({"start", "end", "recurrence"} <= set(out) or adding) \
            and not any(out.get(k) for k in ("start", "end", "recurrence")):
        raise CorrectionError("a deadline needs a start, an end or a recurrence" + ("" if adding else " (reject it instead)"))
    if what == "quantity" and out.get("value_max") is not None and out.get("value") is not None \
            and out["value_max"] < out["value"]:
        raise CorrectionError("the upper bound is below the value")
    return out


def clean_document_value(name: str, value: Any) -> Any:
    """A documents column's new value, validated (an ISO date for issued_date); None for an empty one."""
    if name not in DOCUMENT_FIELDS:
        raise CorrectionError(f"{name!r} is not a document field a maintainer may set "
                              f"({', '.join(DOCUMENT_FIELDS)})")
    if DOCUMENT_FIELDS[name] == "date":
        return _clean_date(value, name)
    if name == "number":
        return _clean_number_text(value, name)
    return _clean_str(value, name)


# --------------------------------------------------------------------------
# Reading corrections
# --------------------------------------------------------------------------
def corrections_for(dataset: "Dataset", doc_id: str | None = None) -> list[dict]:
    """The corrections (all, or one document's), oldest first, as dicts with `before`/`after` decoded."""
    rows = []
    for table in dataset.correction_tables():
        for row in table.to_pylist():
            if doc_id is None or row["doc_id"] == doc_id:
                rows.append(row)
    for row in rows:
        row["before_value"] = _loads(row.get("before"))
        row["after_value"] = _loads(row.get("after"))
    rows.sort(key=lambda r: (r["at"], r["correction_id"]))
    return rows


def corrections_digest(corrections: list[dict]) -> str:
    """Changes whenever a document gains a correction (part of the 'unchanged' test of write_document)."""
    return hashlib.sha256("\n".join(c["correction_id"] for c in corrections).encode()).hexdigest()


def _loads(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


# --------------------------------------------------------------------------
# Applying corrections to a document's rows
# --------------------------------------------------------------------------
def _norm(text: Any) -> str:
    return " ".join(unicodedata.normalize("NFC", str(text or "")).split()).casefold()


@dataclass
class _Rows:
    """A document's tables as mutable rows, indexed for matching."""

    tables: dict[str, list[dict]]
    items: dict[str, dict] = field(default_factory=dict)
    facts: dict[tuple[str, str, int | None], dict] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.items = {row["item_id"]: row for row in self.tables["items"]}
        for what, table in _TABLE_OF.items():
            for row in self.tables[table]:
                if what == "deadline" and not row["stated"]:
                    continue  # inherited deadlines are corrected where they are stated
                self.facts[(what, row["item_id"], row.get(_NO_COLUMN.get(what, ""), None))] = row

    def fact(self, what: str, item_id: str, fact_no: int | None) -> dict | None:
        return self.facts.get((what, item_id, fact_no if what != "deadline" else None))

    def facts_of(self, what: str, item_id: str) -> list[tuple[int | None, dict]]:
        return [(key[2], row) for key, row in self.facts.items() if key[0] == what and key[1] == item_id]


def _locate(rows: _Rows, target: Target, item_id: str | None, before: Any) -> tuple[str | None, int | None, str | None, str]:
    """(item_id, fact_no, matched_by, detail) for a correction; matched_by None when nothing matches."""
    context = before if isinstance(before, dict) else {}
    item_text = context.get("item_text")
    raw = context.get("raw")

    def item_ok(row: dict) -> bool:
        return item_text is None or _norm(row["text"]) == _norm(item_text)

    def fact_ok(row: dict) -> bool:
        return raw is None or _norm(row["raw"]) == _norm(raw)

    # 1. Stable ids, checked against the text the maintainer saw.
    item = rows.items.get(item_id or "")
    if item is not None and item_ok(item):
        if target.what == "item":
            return item["item_id"], None, "id", ""
        fact = rows.fact(target.what, item["item_id"], target.fact_no)
        if fact is not None and fact_ok(fact):
            return item["item_id"], target.fact_no, "id", ""
    # 2. Ids moved: the item with the same text, the fact printed the same way.
    if item_text is None and (target.what == "item" or raw is None):
        return None, None, None, "the item or fact it was made on is no longer extracted (matched by id only)"
    candidates = [row for row in rows.tables["items"] if item_ok(row)] if item_text is not None \
        else ([item] if item is not None else [])
    if not candidates:
        return None, None, None, "no item has the text it was made on any more"
    candidates.sort(key=lambda row: (row["item_id"] != item_id, row["path"] != context.get("item_path"), row["item_id"]))
    if target.what == "item":
        return candidates[0]["item_id"], None, "text", f"item moved from {item_id} to {candidates[0]['item_id']}"
    for candidate in candidates:
        found = [(no, row) for no, row in rows.facts_of(target.what, candidate["item_id"]) if fact_ok(row)]
        if found:
            found.sort(key=lambda pair: (pair[0] != target.fact_no, pair[0] or 0))
            no, _ = found[0]
            return candidate["item_id"], no, "text", f"matched by text at {candidate['item_id']}" + (
                f"[{no}]" if no is not None else "")
    return None, None, None, f"the {target.what} {raw!r} is no longer extracted from the item"


def _set_deadline_columns(rows: _Rows, item_id: str, values: dict) -> None:
    item = rows.items.get(item_id)
    if item is None:
        return
    for key in ("start", "end", "recurrence"):
        if key in values:
            value = values[key]
            if key != "recurrence" and value is not None:
                value = dt.date.fromisoformat(value)
            item[f"deadline_{key}"] = value
            if item.get("effective_deadline_inherited_from") is None:
                item[f"effective_deadline_{key}"] = value


def _settle_unread(document: dict, field: str) -> None:
    """A maintainer decided a header field the pipeline could not read: it leaves the review queue."""
    fields, printed = list(document.get("unread") or []), list(document.get("unread_printed") or [])
    if field in fields:
        k = fields.index(field)
        document["unread"], document["unread_printed"] = fields[:k] + fields[k + 1:], printed[:k] + printed[k + 1:]


def _find_span(rows: _Rows, item: dict, text: str | None) -> tuple[int | None, int | None]:
    """Where `text` is printed in the item (its text, or for a table row one of its cells): document offsets."""
    if not text:
        return None, None
    places = [(item["text"], item["span_start"])]
    for row in rows.tables.get("table_rows", []):
        if row["item_id"] == item["item_id"]:
            for cell in json.loads(row.get("row_cells_json") or "[]"):
                if cell.get("role") != "number" and len(cell.get("spans") or []) == 1:
                    places.append((cell.get("text") or "", cell["spans"][0][0]))
    needle = unicodedata.normalize("NFC", text).casefold()
    for hay, base in places:
        folded = unicodedata.normalize("NFC", hay).casefold()
        if base is None or len(folded) != len(hay):
            continue
        at = folded.find(needle)
        if at >= 0:
            return base + at, base + at + len(needle)
    return None, None


def _same_fact(what: str, row: dict, values: dict) -> bool:
    """An extracted fact that already says what an `add` adds."""
    if what == "agency":
        name = _norm(values.get("normalized") or values.get("name"))
        return row["role"] == values.get("role") and name in (_norm(row["normalized"]), _norm(row["name"]))
    if what == "quantity":
        unit = values.get("unit_normalized") or values.get("unit")
        return row["value"] == values.get("value") and (
            unit is None or _norm(unit) in (_norm(row["unit_normalized"]), _norm(row["unit"])))
    return False


def _apply_add(rows: _Rows, correction: dict, target: Target, status: dict) -> dict:
    """A fact the pipeline did not extract, added to its item (or, when extracted after all, accepted)."""
    after = correction["after_value"]
    if target.what not in ADDABLE or target.fact_no is not None or target.sub is not None:
        status["detail"] = "only a quantity, a deadline or an agency can be added (field quantities, deadline or agencies)"
        return status
    try:
        values = clean_values(target.what, after if isinstance(after, dict) else {}, adding=True)
    except CorrectionError as exc:
        status["detail"] = f"invalid value: {exc}"
        return status
    item_id, _, matched_by, detail = _locate(rows, Target("item"), correction["item_id"], correction["before_value"])
    if matched_by is None:
        status["detail"] = detail
        return status
    item = rows.items[item_id]
    raw = values.pop("raw", None)
    status.update(item_id=item_id, matched_by=matched_by)
    table = _TABLE_OF[target.what]
    if target.what == "deadline":
        row = rows.fact("deadline", item_id, None)
        if row is not None:  # the pipeline states one now: the maintainer's values replace it
            done = "the item has a stated deadline now: set"
        else:
            for inherited in rows.tables[table]:
                if inherited["item_id"] == item_id and not inherited["stated"]:
                    inherited["_rejected"] = True  # one deadline row per item: the stated one replaces it
            start, end = _find_span(rows, item, raw)
            row = {"doc_id": item["doc_id"], "item_id": item_id, "stated": True, "start": None, "end": None,
                   "recurrence": None, "raw": raw or "", "inherited_from": None, "span_start": start, "span_end": end}
            rows.tables[table].append(row)
            rows.facts[("deadline", item_id, None)] = row
            item["effective_deadline_inherited_from"] = None
            done = "added"
        values = {"start": None, "end": None, "recurrence": None, **values}
        for key in ("start", "end"):
            row[key] = dt.date.fromisoformat(values[key]) if values[key] else None
        row["recurrence"] = values["recurrence"]
        _set_deadline_columns(rows, item_id, values)
        row.update(confidence=1.0, reasons=[], review="added" if done == "added" else "corrected")
        status.update(status="applied", raw=row["raw"],
                      detail="; ".join(filter(None, [f"{done} " + ", ".join(f"{k}={v}" for k, v in values.items() if v),
                                                     detail])))
        return status
    existing = [(no, row) for no, row in rows.facts_of(target.what, item_id) if not row.get("_rejected")]
    same = next(((no, row) for no, row in existing if _same_fact(target.what, row, values)), None)
    if same is not None:
        no, row = same
        row.update(confidence=1.0, reasons=[], review="accepted")
        status.update(status="applied", fact_no=no, raw=row["raw"],
                      detail="; ".join(filter(None, ["already extracted: accepted", detail])))
        return status
    no = max([n for n, _ in rows.facts_of(target.what, item_id)] + [-1]) + 1
    notes = []
    if target.what == "agency":
        name = values["name"]
        row = {"agency_no": no, "name": name, "normalized": values.get("normalized") or name, "role": values["role"],
               "raw": raw or name, "inherited": False, "inherited_from": None}
        if values["role"] == "lead":  # a lead named by the maintainer replaces one passed down by a heading
            for _, other in existing:
                if other["role"] == "lead" and other.get("inherited"):
                    other["_rejected"] = True
                    notes.append(f"replaces the inherited lead {other['normalized']!r}")
    else:
        unit = values.get("unit")
        row = {"quantity_no": no, "value": values["value"], "value_max": values.get("value_max"), "unit": unit,
               "unit_normalized": values.get("unit_normalized") or unit, "kind": values["kind"],
               "qualifier": values.get("qualifier"),
               "raw": raw or " ".join(filter(None, [f"{values['value']:g}", unit]))}
    start, end = _find_span(rows, item, raw or (row["name"] if target.what == "agency" else None))
    row.update(doc_id=item["doc_id"], item_id=item_id, span_start=start, span_end=end, confidence=1.0, reasons=[],
               review="added")
    rows.tables[table].append(row)
    rows.facts[(target.what, item_id, no)] = row
    status.update(status="applied", fact_no=no, raw=row["raw"],
                  detail="; ".join(filter(None, [f"added as {table}[{no}]", *notes, detail])))
    return status


def _apply_citation(rows: _Rows, correction: dict, target: Target, status: dict) -> dict:
    """A decision on a citation (no item: found by its number in the document, then by its text)."""
    action, after = correction["action"], correction["after_value"]
    before = correction["before_value"] if isinstance(correction["before_value"], dict) else {}
    raw = before.get("raw")
    citations = [c for c in rows.tables.get("citations", []) if not c.get("_rejected")]
    found, matched_by = next((c for c in citations if c["citation_no"] == target.fact_no
                              and (raw is None or _norm(c["raw"]) == _norm(raw))), None), "id"
    if found is None and raw is not None:
        found, matched_by = next((c for c in citations if _norm(c["raw"]) == _norm(raw)), None), "text"
    if found is None:
        status["detail"] = f"the citation {raw!r} is no longer extracted" if raw else "no such citation any more"
        return status
    status.update(fact_no=found["citation_no"], raw=found["raw"], matched_by=matched_by)
    if action in ACCEPT_ACTIONS:
        found.update(confidence=1.0, reasons=[])
        done = "accepted"
    elif action in REJECT_ACTIONS:
        found["_rejected"] = True
        done = "rejected: dropped from citations"
    elif action == "set":
        try:
            values = clean_values("citation", {target.sub: after} if target.sub else (after if isinstance(after, dict) else {}))
            if not values:
                raise CorrectionError("nothing to set")
        except CorrectionError as exc:
            status.update(matched_by=None, detail=f"invalid value: {exc}")
            return status
        for key, value in values.items():
            found[key] = dt.date.fromisoformat(value) if key == "issued_date" and value else value
        found.update(confidence=1.0, reasons=[])
        done = "set " + ", ".join(f"{k}={v}" for k, v in values.items())
    else:
        status.update(matched_by=None, detail=f"action {action!r} is not supported on a citation")
        return status
    status.update(status="applied", detail=done if matched_by == "id" else f"{done}; matched by text")
    return status


# --------------------------------------------------------------------------
# Undo
# --------------------------------------------------------------------------
def undone_id(correction: dict) -> str | None:
    """The correction an undo names (``before.undoes``); None for any other correction."""
    if correction["action"] != UNDO:
        return None
    before = correction.get("before_value")
    value = before.get("undoes") if isinstance(before, dict) else None
    return value if isinstance(value, str) else None


def undo_state(corrections: list[dict]) -> dict[str, str]:
    """{correction_id: the undo in force that cancels it}; a correction not in it is in force.

    An undo cancels an earlier correction unless it is itself cancelled (undoing an undo puts the
    first decision back in force). Settled newest first: an undo is always newer than what it undoes."""
    order = {c["correction_id"]: n for n, c in enumerate(sorted(corrections, key=lambda c: (c["at"], c["correction_id"])))}
    undoers: dict[str, list[str]] = {}
    for c in corrections:
        target = undone_id(c)
        if target in order and order[target] < order[c["correction_id"]]:
            undoers.setdefault(target, []).append(c["correction_id"])
    cancelled: dict[str, str] = {}
    for correction_id in sorted(order, key=order.__getitem__, reverse=True):
        live = [u for u in undoers.get(correction_id, []) if u not in cancelled]
        if live:
            cancelled[correction_id] = max(live, key=order.__getitem__)
    return cancelled


def _undo_status(correction: dict, known: dict[str, dict], cancelled: dict[str, str]) -> tuple[str, str]:
    """(status, detail) of an undo, or of a correction an undo cancels."""
    correction_id = correction["correction_id"]
    if correction_id in cancelled:
        by = cancelled[correction_id]
        if correction["action"] == UNDO:
            return "undone", f"undone by {by}: the correction it undid ({undone_id(correction)}) is in force again"
        return "undone", f"undone by {by} ({known[by]['who']}, {known[by]['at']:%Y-%m-%d %H:%M})"
    target = undone_id(correction)
    if target is None:
        return "unapplied", "an undo must name the correction it undoes (before.undoes)"
    if target not in known:
        return "unapplied", f"undoes {target}, which is not a correction of this document"
    if target not in cancelled:
        return "unapplied", f"undoes {target}, which is not earlier than it"
    undone = known[target]
    return "applied", f"undid {undone['action']} of {undone['field']} ({target}, by {undone['who']})"


def _apply_one(rows: _Rows, correction: dict, target: Target) -> dict:
    """Apply one correction to `rows` in place; return its status row."""
    action = correction["action"]
    status = {"doc_id": correction["doc_id"], "correction_id": correction["correction_id"], "status": "unapplied",
              "matched_by": None, "what": target.what, "item_id": None, "fact_no": None, "action": action,
              "raw": None, "detail": None}
    after = correction["after_value"]
    if target.what == "document":
        document = rows.tables["documents"][0]
        status["raw"] = None if document.get(target.sub) is None else str(document.get(target.sub))
        if action in ACCEPT_ACTIONS:
            status.update(status="applied", matched_by="id", detail="confirmed")
            _settle_unread(document, target.sub)
        elif action == "set":
            try:
                if DOCUMENT_FIELDS[target.sub] == "date":
                    value = _clean_date(after, target.sub)
                    document[target.sub] = dt.date.fromisoformat(value) if value else None
                else:
                    document[target.sub] = _clean_str(after, target.sub)
            except CorrectionError as exc:
                status["detail"] = f"invalid value: {exc}"
                return status
            status.update(status="applied", matched_by="id", detail=f"{target.sub} set")
            _settle_unread(document, target.sub)
        else:
            status["detail"] = f"action {action!r} is not supported on a document field"
        return status

    if target.what == "citation":
        return _apply_citation(rows, correction, target, status)
    if action == ADD:
        return _apply_add(rows, correction, target, status)

    item_id, fact_no, matched_by, detail = _locate(rows, target, correction["item_id"], correction["before_value"])
    if matched_by is None:
        status["detail"] = detail
        return status
    status.update(item_id=item_id, fact_no=fact_no if target.what in _NO_COLUMN else None, matched_by=matched_by)
    row = rows.items[item_id] if target.what == "item" else rows.fact(target.what, item_id, fact_no)
    status["raw"] = row["text"] if target.what == "item" else row["raw"]
    done = []
    if action in ACCEPT_ACTIONS:
        row.update(confidence=1.0, reasons=[], review="accepted")
        row.pop("_rejected", None)
        done.append("accepted")
    elif action in REJECT_ACTIONS:
        if target.what == "item":
            row.update(review="rejected")
        else:
            row["_rejected"] = True
            if target.what == "deadline":
                _set_deadline_columns(rows, item_id, {"start": None, "end": None, "recurrence": None})
        done.append("rejected" if target.what == "item" else "rejected: dropped from " + _TABLE_OF[target.what])
    elif action == "set":
        if target.what == "item":
            status["detail"] = "an item can only be accepted or rejected"
            status.update(status="unapplied", matched_by=None)
            return status
        if target.sub is not None:
            values = {target.sub: after}
        elif isinstance(after, dict):
            values = after
        else:
            values = {}
        try:
            values = clean_values(target.what, values)
            if not values:
                raise CorrectionError("nothing to set")
        except CorrectionError as exc:
            status.update(status="unapplied", matched_by=None, detail=f"invalid value: {exc}")
            return status
        if target.what == "quantity" and "unit" in values and "unit_normalized" not in values:
            values["unit_normalized"] = values["unit"]
        if target.what == "agency" and "name" in values and "normalized" not in values:
            values["normalized"] = values["name"]
        for key, value in values.items():
            if target.what == "deadline" and key in ("start", "end") and value is not None:
                value = dt.date.fromisoformat(value)
            row[key] = value
        if target.what == "deadline":
            _set_deadline_columns(rows, item_id, values)
        row.update(confidence=1.0, reasons=[], review="corrected")
        row.pop("_rejected", None)
        done.append("set " + ", ".join(f"{k}={v}" for k, v in values.items()))
    else:
        status["detail"] = f"action {action!r} is not supported"
        status.update(status="unapplied", matched_by=None)
        return status
    status["status"] = "applied"
    status["detail"] = "; ".join(filter(None, [*done, detail]))
    return status


def apply_corrections(tables: dict[str, pa.Table], corrections: list[dict]) -> dict[str, pa.Table]:
    """The document's tables with its corrections applied, plus its `correction_status` table."""
    rows = _Rows({name: table.to_pylist() for name, table in tables.items()})
    cancelled = undo_state(corrections)
    known = {c["correction_id"]: c for c in corrections}
    statuses = []
    for correction in corrections:
        if correction["field"] in LINK_FIELDS:
            continue  # applied to the pair's links by apply_link_corrections
        target = parse_field(correction["field"])
        if correction["action"] == UNDO or correction["correction_id"] in cancelled:
            state, detail = _undo_status(correction, known, cancelled)
            statuses.append({"doc_id": correction["doc_id"], "correction_id": correction["correction_id"],
                             "status": state, "matched_by": None, "what": target.what if target else "document",
                             "item_id": None, "fact_no": None, "action": correction["action"], "raw": None,
                             "detail": detail})
            continue
        if target is None:
            statuses.append({"doc_id": correction["doc_id"], "correction_id": correction["correction_id"],
                             "status": "unapplied", "matched_by": None, "what": "document", "item_id": None,
                             "fact_no": None, "action": correction["action"], "raw": None,
                             "detail": f"unknown field {correction['field']!r}"})
            continue
        statuses.append(_apply_one(rows, correction, target))
    out = dict(tables)
    changed = bool(corrections)
    if changed:
        for what, name in _TABLE_OF.items():
            out[name] = to_table(name, [{k: v for k, v in row.items() if k != "_rejected"}
                                        for row in rows.tables[name] if not row.get("_rejected")])
        counts: dict[tuple[str, str], int] = {}
        for name, column in (("quantities", "n_quantities"), ("agencies", "n_agencies")):
            for row in out[name].to_pylist():
                counts[(column, row["item_id"])] = counts.get((column, row["item_id"]), 0) + 1
        for item in rows.tables["items"]:
            item["n_quantities"] = counts.get(("n_quantities", item["item_id"]), 0)
            item["n_agencies"] = counts.get(("n_agencies", item["item_id"]), 0)
        out["items"] = to_table("items", rows.tables["items"])
        if "citations" in rows.tables:
            kept = [{k: v for k, v in row.items() if k != "_rejected"}
                    for row in rows.tables["citations"] if not row.get("_rejected")]
            out["citations"] = to_table("citations", kept)
            for document in rows.tables["documents"]:
                document["n_citations"] = len(kept)
        out["documents"] = to_table("documents", rows.tables["documents"])
    out["correction_status"] = to_table("correction_status", statuses)
    return out


# --------------------------------------------------------------------------
# Links between documents
# --------------------------------------------------------------------------
_LINK_KEYS = {
    "target_links": ("cited_doc_id", "target_item_id", "target_path", "target_text", "report_item_id", "report_path",
                     "report_text", "relation", "link_no"),
    "document_links": ("cited_doc_id", "relation", "link_no"),
}


def link_before(field: str, row: dict) -> dict:
    """What a decision on a link stores as `before`: enough to find the link again after it is recomputed."""
    return {**_jsonable(row, _LINK_KEYS[LINK_FIELDS[field]]), "confidence": row.get("confidence")}


def link_corrections(corrections: list[dict], citing_doc_id: str, cited_doc_id: str) -> list[dict]:
    """The decisions (from `corrections_for`) on the links of one pair, oldest first."""
    return [c for c in corrections if c["field"] in LINK_FIELDS and c["doc_id"] == citing_doc_id
            and isinstance(c["before_value"], dict) and c["before_value"].get("cited_doc_id") == cited_doc_id]


def _find_link(rows: list[dict], field: str, before: dict) -> tuple[dict | None, str | None]:
    if field == "document_link":
        found = [r for r in rows if r["relation"] == before.get("relation")]
        return (found[0], "text") if found else (None, None)
    by_id = [r for r in rows if r["target_item_id"] == before.get("target_item_id")
             and r["report_item_id"] == before.get("report_item_id")
             and _norm(r["target_text"]) == _norm(before.get("target_text"))
             and _norm(r["report_text"]) == _norm(before.get("report_text"))]
    if by_id:
        return by_id[0], "id"
    by_text = [r for r in rows if _norm(r["target_text"]) == _norm(before.get("target_text"))
               and r["report_text"] is not None and _norm(r["report_text"]) == _norm(before.get("report_text"))]
    return (by_text[0], "text") if by_text else (None, None)


def apply_link_corrections(tables: dict[str, list[dict]], corrections: list[dict]) -> list[dict]:
    """Apply the decisions on one pair's links to its rows (dicts, in place); return their status rows."""
    statuses = []
    cancelled = undo_state(corrections)
    known = {c["correction_id"]: c for c in corrections}
    for c in corrections:
        field, before = c["field"], c["before_value"] or {}
        rows = tables.get(LINK_FIELDS[field], [])
        status = {"doc_id": c["doc_id"], "correction_id": c["correction_id"], "citing_doc_id": c["doc_id"],
                  "cited_doc_id": before.get("cited_doc_id") or "", "status": "unapplied", "matched_by": None,
                  "what": field, "link_no": None, "action": c["action"], "detail": None}
        if c["action"] == UNDO or c["correction_id"] in cancelled:
            status["status"], status["detail"] = _undo_status(c, known, cancelled)
            statuses.append(status)
            continue
        row, matched_by = _find_link(rows, field, before)
        if row is None:
            status["detail"] = "the link it was made on is no longer found (the documents changed)"
        elif c["action"] in ACCEPT_ACTIONS:
            row.update(confidence=1.0, reasons=[], review="accepted")
            status.update(status="applied", matched_by=matched_by, link_no=row["link_no"], detail="accepted")
        elif c["action"] in REJECT_ACTIONS:
            row.update(review="rejected")
            status.update(status="applied", matched_by=matched_by, link_no=row["link_no"], detail="rejected")
        else:
            status["detail"] = f"action {c['action']!r} is not supported on a link (accept or reject)"
        statuses.append(status)
    return statuses


# --------------------------------------------------------------------------
# Recording a decision (the review site) and re-applying
# --------------------------------------------------------------------------
def _jsonable(row: dict, keys: tuple[str, ...]) -> dict:
    out = {}
    for key in keys:
        value = row.get(key)
        out[key] = value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value
    return out


def describe_fact(dataset: "Dataset", doc_id: str, what: str, item_id: str | None, fact_no: int | None) -> dict:
    """What a maintainer sees of a fact now: the `before` of a decision (with item text and raw text to re-match).

    `fact_no` None for a quantity or an agency: the item alone (the `before` of an `add`)."""
    if what == "citation":
        for row in dataset.read_rows(doc_id, "citations"):
            if row["citation_no"] == fact_no:
                return {"raw": row["raw"], **_jsonable(row, ("doc_type", *SETTABLE["citation"])),
                        "confidence": row["confidence"]}
        raise CorrectionError(f"no citation {fact_no} in document {doc_id}")
    items = {row["item_id"]: row for row in dataset.read_rows(doc_id, "items")}
    item = items.get(item_id or "")
    if item is None:
        raise CorrectionError(f"no item {item_id} in document {doc_id}")
    before = {"item_text": item["text"], "item_path": item["path"]}
    if what == "item" or (what in _NO_COLUMN and fact_no is None):
        return {**before, "confidence": item["confidence"]}
    if what not in _TABLE_OF:
        raise CorrectionError(f"cannot correct a {what!r}")
    for row in dataset.read_rows(doc_id, _TABLE_OF[what]):
        if row["item_id"] != item_id:
            continue
        if what == "deadline" and row["stated"] or what != "deadline" and row[_NO_COLUMN[what]] == fact_no:
            return {**before, "raw": row["raw"], **_jsonable(row, SETTABLE[what]), "confidence": row["confidence"]}
    if what == "deadline" and fact_no is None:
        return before  # an item with no stated deadline (the `before` of an `add`)
    raise CorrectionError(f"no {what} {'' if fact_no is None else fact_no} on item {item_id}")


def record_decision(
    dataset: "Dataset", *, who: str, doc_id: str, what: str, item_id: str | None, fact_no: int | None, action: str,
    values: dict[str, Any] | None = None, note: str | None = None,
) -> str:
    """Append one decision about a fact and re-apply the document's corrections at once; returns its id.

    accept | set | reject a fact (an item: accept | reject; a citation: `item_id` None), or add a
    quantity, deadline or agency the pipeline missed (`fact_no` None, `values` as for a set, plus `raw`)."""
    if what not in WHATS:
        raise CorrectionError(f"cannot correct a {what!r}")
    if action not in ("accept", "set", "reject", ADD):
        raise CorrectionError(f"action must be accept, set, reject or add, not {action!r}")
    if what == "citation" and item_id is not None:
        raise CorrectionError("a citation belongs to the document, not to an item (no item_id)")
    if action == ADD:
        if what not in ADDABLE or fact_no is not None:
            raise CorrectionError("only a quantity, a deadline or an agency can be added, without a fact number")
        after = clean_values(what, values or {}, adding=True)
    elif action == "set":
        after = clean_values(what, values or {})
        if not after:
            raise CorrectionError("nothing to set")
    else:
        after = None
        if what in _NO_COLUMN and fact_no is None:
            raise CorrectionError(f"which {what}? (a fact number is needed)")
    with dataset.lock():
        before = describe_fact(dataset, doc_id, what, item_id, fact_no)
        if action != ADD and what == "deadline" and "raw" not in before:
            raise CorrectionError(f"item {item_id} states no deadline (add one instead)")
        if action == ADD and what == "deadline" and "raw" in before:
            raise CorrectionError(f"item {item_id} has a deadline already: edit it")
        correction_id = dataset.append_correction(
            who=who, doc_id=doc_id, item_id=item_id, field=field_name(what, fact_no), action=action,
            before=before, after=after, note=note or None)
        reapply_corrections(dataset, [doc_id])
    return correction_id


def record_header(dataset: "Dataset", *, who: str, doc_id: str, field: str, action: str, value: Any = None,
                  note: str | None = None) -> str:
    """Set a header field (a `documents` column: number, issued_date, issuer …), or accept it as it is
    (also an empty one the pipeline could not read: it leaves the review queue); re-applied at once."""
    if action not in ("set", "accept"):
        raise CorrectionError(f"a header field can be set or accepted, not {action!r}")
    after = clean_document_value(field, value) if action == "set" else None
    if action == "set" and after is None:
        raise CorrectionError(f"type a value for {field} (or accept it as it is)")
    with dataset.lock():
        rows = dataset.read_rows(doc_id, "documents")
        if not rows:
            raise CorrectionError(f"no document {doc_id}")
        document = rows[0]
        unread = list(document.get("unread") or [])
        printed = dict(zip(unread, document.get("unread_printed") or []))
        current = document.get(field)
        before = {"value": current.isoformat() if isinstance(current, (dt.date, dt.datetime)) else current}
        if field in printed:
            before.update(unread=True, printed=printed[field])
        correction_id = dataset.append_correction(who=who, doc_id=doc_id, field=field, action=action, before=before,
                                                  after=after, note=note or None)
        reapply_corrections(dataset, [doc_id])
    return correction_id


def record_undo(dataset: "Dataset", *, who: str, correction_id: str, note: str | None = None) -> tuple[str, dict]:
    """Undo an earlier correction by recording one more (never by deleting it); (the undo's id, the undone one).

    Undoing an undo puts the correction it undid back in force. The document's rows are re-applied at
    once; for a decision on a link, the caller recomputes the pair (`pipeline.link.refresh.refresh_links`)."""
    with dataset.lock():
        every = corrections_for(dataset)
        undone = next((c for c in every if c["correction_id"] == correction_id), None)
        if undone is None:
            raise CorrectionError(f"no correction {correction_id}")
        mine = [c for c in every if c["doc_id"] == undone["doc_id"]]
        cancelled = undo_state(mine)
        if correction_id in cancelled:
            raise CorrectionError(f"{correction_id} is undone already (by {cancelled[correction_id]})")
        before = dict(undone["before_value"]) if isinstance(undone["before_value"], dict) else {}
        before.update(undoes=correction_id, undone_action=undone["action"], undone_after=undone["after_value"])
        new_id = dataset.append_correction(who=who, doc_id=undone["doc_id"], item_id=undone["item_id"],
                                           field=undone["field"], action=UNDO, before=before, note=note or None)
        if undone["field"] not in LINK_FIELDS:
            reapply_corrections(dataset, [undone["doc_id"]])
    return new_id, undone


def reapply_corrections(dataset: "Dataset", doc_ids: list[str] | None = None) -> dict[str, str]:
    """Rewrite documents' rows from their stored document.json with their corrections applied (status per doc).

    Not needed after `decree process` / `decree rebuild` (write_document applies them); useful after
    appending corrections with `Dataset.append_correction` directly.
    """
    results = {}
    with dataset.lock():
        for doc_id in doc_ids if doc_ids is not None else dataset.documents():
            manifest = dataset.manifest(doc_id)
            if manifest is None:
                results[doc_id] = "missing"
                continue
            result = dataset.write_document(dataset.read_document(doc_id), processed_at=manifest.get("processed_at"))
            results[doc_id] = result.status
    return results


# --------------------------------------------------------------------------
# Status (for `decree status` and the review site)
# --------------------------------------------------------------------------
@dataclass
class CorrectionSummary:
    total: int = 0
    applied: int = 0
    unapplied: list[dict] = field(default_factory=list)  # rows of the corrections_unapplied view
    undone: int = 0  # withdrawn by an undo (the undos themselves count as applied)

    def lines(self, limit: int = 20) -> list[str]:
        """Lines for a status printout."""
        undone = f", {self.undone} undone" if self.undone else ""
        out = [f"corrections {self.total} ({self.applied} applied{undone}, {len(self.unapplied)} not applying)"]
        for row in self.unapplied[:limit]:
            out.append(f"  - {row['correction_id']} {row['doc_id'][:12]} {row['item_id'] or ''} {row['field']} "
                       f"{row['action']} by {row['who']}: {row['reason']}")
        if len(self.unapplied) > limit:
            out.append(f"  … {len(self.unapplied) - limit} more (SELECT * FROM corrections_unapplied)")
        return out


def correction_summary(home) -> CorrectionSummary:
    """How many corrections there are, and those that do not apply to the current rows (with reasons)."""
    from pipeline.dataset.store import dataset_at

    con = dataset_at(home).connect()
    try:
        total = con.execute("SELECT count(*) FROM corrections").fetchone()[0]
        undone = con.execute("""SELECT count(*) FROM (SELECT correction_id FROM correction_status WHERE status = 'undone'
                                UNION SELECT correction_id FROM link_correction_status WHERE status = 'undone')""").fetchone()[0]
        frame = con.execute("SELECT * FROM corrections_unapplied ORDER BY \"at\", correction_id").df()
    finally:
        con.close()
    unapplied = frame.to_dict(orient="records")
    return CorrectionSummary(total=total, applied=total - len(unapplied) - undone, unapplied=unapplied, undone=undone)


__all__ = [
    "LINK_FIELDS", "apply_link_corrections", "link_before", "link_corrections",
    "CorrectionError", "CorrectionSummary", "apply_corrections", "clean_values", "correction_summary",
    "corrections_for", "describe_fact", "field_name", "parse_field", "reapply_corrections", "record_decision",
    "clean_document_value", "record_header", "record_undo", "undo_state", "undone_id",
]
