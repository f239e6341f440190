"""The target links as researchers read them: `decree targets`, its chart, and the review site's page.

`target_report(home, doc=...)` returns one object per link (and one per target
nothing reports on, with ``report_doc`` null) in the shape `decree targets
--json` prints::

    {"target_doc": "4937/QĐ-UBND", "target_path": "II.2.(4)", "target_text": "100% làng nghề …",
     "target_value": 100, "target_unit": "%", "target_deadline_end": "2020-12-31",
     "report_doc": "62/KH-SKHCN", "report_path": "5", "report_text": "Số làng nghề …",
     "relation": "reports_on", "agency": "Phòng Quản lý khoa học công nghệ cơ sở", "deadline_end": "2018-12-31",
     "values": {"target": 100, "actual": {"2016": 2}, "plan": {"2018": 2}, "ratio": null, "units": …, "raw": …},
     "progress": 0.25, "progress_year": 2016, "progress_reason": "2 of 8 làng nghề …", "confidence": 0.93, …}

Rejected links are left out (a target whose links were all rejected shows as
not reported); accepted ones carry ``review = "accepted"`` and confidence 1.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from pipeline.extract.citations import number_key

FIELDS = (
    "target_doc", "target_doc_id", "target_path", "target_kind", "target_text", "target_figures", "target_value",
    "target_unit", "target_deadline_start", "target_deadline_end", "target_recurrence", "report_doc", "report_doc_id",
    "report_path", "report_kind", "report_text", "report_page", "relation", "agency", "deadline_end", "values",
    "progress", "progress_year", "progress_reason", "confidence", "reasons", "review", "text_score", "link_no",
)


NO_VALUES = {"target": None, "actual": {}, "plan": {}, "ratio": None}  # a target with no report


class ReportError(ValueError):
    """A question about targets that cannot be answered (unknown document, no dataset)."""


def _iso(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def _matches(doc: str, number: str | None, doc_id: str, file_name: str | None) -> bool:
    key = re.sub(r"\s+", "", doc)
    return bool(number and number_key(number) == number_key(key)) or doc_id == key.lower() \
        or (len(key) >= 8 and doc_id.startswith(key.lower())) or file_name == doc


def target_report(home: str | Path = ".", doc: str | None = None, *, con=None) -> list[dict]:
    """Every target link (and target with no report) of the dataset, or of one document (cited, else citing)."""
    from pipeline.query import QueryError, open_dataset

    own = con is None
    try:
        con = con or open_dataset(home)
    except QueryError as exc:
        raise ReportError(exc.reason) from None
    try:
        cursor = con.execute("""
            SELECT t.*, dc.file_name AS _cited_file, dr.file_name AS _citing_file
            FROM target_links t JOIN documents dc ON dc.doc_id = t.cited_doc_id
            JOIN documents dr ON dr.doc_id = t.citing_doc_id
            ORDER BY t.target_number NULLS LAST, t.cited_doc_id, t.target_item_id, t.citing_doc_id, t.link_no""")
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, r)) for r in cursor.fetchall()]
        documents = con.execute("SELECT doc_id, number, file_name FROM documents").fetchall()
    finally:
        if own:
            con.close()
    if doc:
        chosen = [r for r in rows if _matches(doc, r["target_number"], r["cited_doc_id"], r["_cited_file"])]
        if not chosen:
            chosen = [r for r in rows if _matches(doc, r["report_number"], r["citing_doc_id"], r["_citing_file"])]
        if not chosen:
            known = [d for d in documents if _matches(doc, d[1], d[0], d[2])]
            if not known:
                raise ReportError(f"no document {doc!r} in the dataset (a number, doc_id or file name)")
            return unlinked_targets(home, known[0][0])
        rows = chosen
    return _objects(rows)


def _object(row: dict, *, with_report: bool = True) -> dict:
    values = json.loads(row["values_json"] or "{}") if with_report else dict(NO_VALUES)
    out = {
        "target_doc": row["target_number"], "target_doc_id": row["cited_doc_id"], "target_path": row["target_path"],
        "target_kind": row["target_kind"], "target_text": row["target_text"], "target_figures": row["target_figures"],
        "target_value": _num(row["target_value"]), "target_unit": row["target_unit"],
        "target_deadline_start": _iso(row["target_deadline_start"]), "target_deadline_end": _iso(row["target_deadline_end"]),
        "target_recurrence": row["target_recurrence"],
        "report_doc": None, "report_doc_id": None, "report_path": None, "report_kind": None, "report_text": None,
        "report_page": None, "relation": None, "agency": None, "deadline_end": None, "values": values,
        "progress": None, "progress_year": None, "progress_reason": row["progress_reason"],
        "confidence": row["confidence"], "reasons": list(row["reasons"] or []), "review": row["review"],
        "text_score": row["text_score"], "link_no": row["link_no"],
    }
    if with_report:
        out.update({
            "report_doc": row["report_number"] or row["citing_doc_id"][:12], "report_doc_id": row["citing_doc_id"],
            "report_path": row["report_path"], "report_kind": row["report_kind"], "report_text": row["report_text"],
            "report_page": row["report_page"], "relation": row["relation"], "agency": row["agency"],
            "deadline_end": _iso(row["deadline_end"]), "progress": row["progress"], "progress_year": row["progress_year"],
        })
    else:
        out.update(review=None, text_score=0.0, link_no=None)
    return out


def _num(value):
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _objects(rows: list[dict]) -> list[dict]:
    out: list[dict] = []
    groups: dict[tuple[str, str], list[dict]] = {}
    for row in rows:
        groups.setdefault((row["cited_doc_id"], row["target_item_id"]), []).append(row)
    for members in groups.values():
        linked = [r for r in members if r["report_item_id"] is not None and r["review"] != "rejected"]
        if linked:
            out.extend(_object(r) for r in linked)
            continue
        base = dict(members[0])
        rejected = [r for r in members if r["report_item_id"] is not None]
        if rejected:
            base.update(progress_reason=f"no report: the {len(rejected)} link(s) found were rejected by a maintainer",
                        confidence=1.0, reasons=[])
        elif len({r["citing_doc_id"] for r in members}) > 1:
            base["progress_reason"] = "no unit of the documents citing this one reports on or assigns this target"
        out.append(_object(base, with_report=False))
    return out


def unlinked_targets(home, doc_id: str) -> list[dict]:
    """The targets of a stored document no other document cites: each with no report."""
    from pipeline.dataset import dataset_at
    from pipeline.link.targets import targets_of

    doc = dataset_at(home).read_document(doc_id)
    out = []
    for t in targets_of(doc):
        q = t.quantities[0]
        out.append({
            **{name: None for name in FIELDS},
            "target_doc": doc.document.number, "target_doc_id": doc_id, "target_path": t.path, "target_kind": t.kind,
            "target_text": t.text, "target_figures": "; ".join(x.raw for x in t.quantities), "target_value": _num(q.value),
            "target_unit": "%" if q.kind == "percent" else (q.unit_normalized or q.unit),
            "target_deadline_start": t.deadline_start, "target_deadline_end": t.deadline_end,
            "target_recurrence": t.recurrence, "values": dict(NO_VALUES), "confidence": 1.0, "reasons": [],
            "progress_reason": "no document in the dataset cites this one",
        })
    return out


__all__ = ["FIELDS", "ReportError", "target_report", "unlinked_targets"]
