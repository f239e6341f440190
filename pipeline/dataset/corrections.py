"""Maintainers' corrections, applied on top of the pipeline's output.

A correction is one decision about one extracted fact, appended to the
``corrections`` table and never rewritten (`Dataset.append_correction`)::

    field            what            action            after (JSON)
    "item"           the item        accept | reject   null
    "quantities[N]"  a quantity      accept | set |    {"value": 3000, "unit": "doanh nghiệp", ...}
                                     reject
    "quantities[N].value"            set               3000             (one field at a time)
    "deadline"       the stated      accept | set |    {"start": null, "end": "2024-06-30", "recurrence": null}
                     deadline        reject
    "agencies[N]"    an agency       accept | set |    {"name": "Sở Tài chính", "role": "lead"}
                                     reject
    "<column>"       a documents     set | accept      "45/KH-UBND"
                     column (number, issued_date, issuer, title, ...)
    "target_link"    a link between  accept | reject   null             (recorded on the citing document;
    "document_link"  two documents                                       see "Links between documents" below)

``before`` holds what the maintainer saw, including ``item_text`` and the fact's
``raw`` text: that is how a correction finds its fact again after re-extraction.

Every time a document's rows are written (`Dataset.write_document`, so after
``decree process`` and ``decree rebuild`` too) `apply_corrections` re-applies
all of the document's corrections, oldest first, to the freshly flattened rows:

* accept: confidence 1.0, ``review = 'accepted'``;
* set: the values replace the extracted ones, confidence 1.0, ``review = 'corrected'``;
* reject: the fact is dropped from its table (an item is kept, ``review = 'rejected'``,
  and leaves the review queue); what was dropped stays visible in ``correction_status``.

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
WHATS = ("item", "quantity", "deadline", "agency")
RECURRENCES = ("daily", "weekly", "monthly", "quarterly", "semiannual", "yearly")
ROLES = ("lead", "support", "assignee")
QUANTITY_KINDS = ("count", "percent", "money", "measure", "multiplier", "other")
# Columns of `documents` a maintainer may set, with their kind.
DOCUMENT_FIELDS = {
    "doc_type": "str", "doc_type_label": "str", "number": "str", "issuer": "str", "parent_issuer": "str",
    "place": "str", "issued_date": "date", "title": "str", "signer_name": "str", "signer_position": "str",
}
# What a `set` may change, per fact.
SETTABLE = {
    "quantity": ("value", "value_max", "unit", "unit_normalized", "kind", "qualifier"),
    "deadline": ("start", "end", "recurrence"),
    "agency": ("name", "normalized", "role"),
}
_FIELD_RE = re.compile(r"^(?:(quantities|agencies)\[(\d{1,5})\]|(deadline|item))(?:\.([a-z_]{1,32}))?$")
_TABLE_OF = {"quantity": "quantities", "deadline": "deadlines", "agency": "agencies"}
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
    """The `field` a decision about a whole fact is stored under."""
    if what == "quantity":
        return f"quantities[{int(fact_no)}]"
    if what == "agency":
        return f"agencies[{int(fact_no)}]"
    if what in ("deadline", "item"):
        return what
    raise CorrectionError(f"cannot correct a {what!r}")


def parse_field(name: str) -> Target | None:
    m = _FIELD_RE.match(name or "")
    if m:
        plural, number, single, sub = m.groups()
        what = {"quantities": "quantity", "agencies": "agency"}.get(plural) if plural else single
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


def clean_values(what: str, values: dict[str, Any]) -> dict[str, Any]:
    """Validate and normalise the attributes a `set` changes; raise CorrectionError on bad input."""
    if what not in SETTABLE:
        raise CorrectionError(f"a {what} cannot be edited, only accepted or rejected")
    unknown = set(values) - set(SETTABLE[what])
    if unknown:
        raise CorrectionError(f"cannot set {', '.join(sorted(unknown))} on a {what}")
    out: dict[str, Any] = {}
    for key, value in values.items():
        label = f"{what} {key}"
        if what == "quantity":
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
    if what == "deadline" and out.get("start") and out.get("end") and out["start"] > out["end"]:
        raise CorrectionError("the deadline's start is after its end")
    if what == "deadline" and {"start", "end", "recurrence"} <= set(out) and not any(out.values()):
        raise CorrectionError("a deadline needs a start, an end or a recurrence (reject it instead)")
    if what == "quantity" and out.get("value_max") is not None and out.get("value") is not None \
            and out["value_max"] < out["value"]:
        raise CorrectionError("the upper bound is below the value")
    return out


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
    statuses = []
    for correction in corrections:
        if correction["field"] in LINK_FIELDS:
            continue  # applied to the pair's links by apply_link_corrections
        target = parse_field(correction["field"])
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
    for c in corrections:
        field, before = c["field"], c["before_value"] or {}
        rows = tables.get(LINK_FIELDS[field], [])
        row, matched_by = _find_link(rows, field, before)
        status = {"doc_id": c["doc_id"], "correction_id": c["correction_id"], "citing_doc_id": c["doc_id"],
                  "cited_doc_id": before.get("cited_doc_id") or "", "status": "unapplied", "matched_by": None,
                  "what": field, "link_no": None, "action": c["action"], "detail": None}
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


def describe_fact(dataset: "Dataset", doc_id: str, what: str, item_id: str, fact_no: int | None) -> dict:
    """What a maintainer sees of a fact now: the `before` of a decision (with item text and raw text to re-match)."""
    items = {row["item_id"]: row for row in dataset.read_rows(doc_id, "items")}
    item = items.get(item_id)
    if item is None:
        raise CorrectionError(f"no item {item_id} in document {doc_id}")
    before = {"item_text": item["text"], "item_path": item["path"]}
    if what == "item":
        return {**before, "confidence": item["confidence"]}
    if what not in SETTABLE:
        raise CorrectionError(f"cannot correct a {what!r}")
    for row in dataset.read_rows(doc_id, _TABLE_OF[what]):
        if row["item_id"] != item_id:
            continue
        if what == "deadline" and row["stated"] or what != "deadline" and row[_NO_COLUMN[what]] == fact_no:
            return {**before, "raw": row["raw"], **_jsonable(row, SETTABLE[what]), "confidence": row["confidence"]}
    raise CorrectionError(f"no {what} {'' if fact_no is None else fact_no} on item {item_id}")


def record_decision(
    dataset: "Dataset", *, who: str, doc_id: str, what: str, item_id: str, fact_no: int | None, action: str,
    values: dict[str, Any] | None = None, note: str | None = None,
) -> str:
    """Append one decision (accept | set | reject) about a fact and re-apply the document's corrections at once."""
    if what not in WHATS:
        raise CorrectionError(f"cannot correct a {what!r}")
    if action not in ("accept", "set", "reject"):
        raise CorrectionError(f"action must be accept, set or reject, not {action!r}")
    after = clean_values(what, values or {}) if action == "set" else None
    if action == "set" and not after:
        raise CorrectionError("nothing to set")
    with dataset.lock():
        before = describe_fact(dataset, doc_id, what, item_id, fact_no)
        correction_id = dataset.append_correction(
            who=who, doc_id=doc_id, item_id=item_id, field=field_name(what, fact_no), action=action,
            before=before, after=after, note=note or None)
        reapply_corrections(dataset, [doc_id])
    return correction_id


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

    def lines(self, limit: int = 20) -> list[str]:
        """Lines for a status printout."""
        out = [f"corrections {self.total} ({self.applied} applied, {len(self.unapplied)} not applying)"]
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
        frame = con.execute("SELECT * FROM corrections_unapplied ORDER BY \"at\", correction_id").df()
    finally:
        con.close()
    unapplied = frame.to_dict(orient="records")
    return CorrectionSummary(total=total, applied=total - len(unapplied), unapplied=unapplied)


__all__ = [
    "LINK_FIELDS", "apply_link_corrections", "link_before", "link_corrections",
    "CorrectionError", "CorrectionSummary", "apply_corrections", "clean_values", "correction_summary",
    "corrections_for", "describe_fact", "field_name", "parse_field", "reapply_corrections", "record_decision",
]
