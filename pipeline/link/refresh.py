"""Links in the dataset: every pair of stored documents where one cites the other, kept up to date.

`refresh_links(dataset)` runs after documents are stored (`pipeline.batch.relink`,
called by the inbox and rebuild flows, and after a maintainer's decision on a
link). It

1. lists the pairs: each citation of a stored document whose number is the
   number of another stored document (the `citation_checks` view), so the
   order in which the two arrived does not matter — the report stored before
   the plan gets its links when the plan arrives;
2. recomputes a pair only when something it depends on changed: either
   document's content or corrections, the decisions on its links, or
   `LINK_VERSION` (the digest of these is kept in the pair's ``pair.json``);
3. deletes the pairs whose documents or citation are gone.

Recomputing is `pipeline.link.link_pair` over the two stored `Document`s, then
the maintainers' decisions on the pair's links (`apply_link_corrections`).
"""
from __future__ import annotations

import functools
import hashlib
import json
import time
from dataclasses import dataclass, field

from pipeline.dataset.corrections import (
    LINK_FIELDS, apply_link_corrections, corrections_for, link_before, link_corrections)
from pipeline.dataset.store import Dataset, DatasetError
from pipeline.dataset.tables import SCHEMA_VERSION, to_table
from pipeline.extract.citations import number_key
from pipeline.link import link_pair
from pipeline.link.model import PairLinks, TargetLink
from pipeline.model import Document

# Bump when the linking rules change: every pair is recomputed by the next refresh.
LINK_VERSION = "1"


@dataclass
class RefreshResult:
    computed: list[str] = field(default_factory=list)  # pair keys recomputed
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # "key: reason" (a pair that cannot be linked costs that pair only)
    seconds: float = 0.0


def pair_key(citing_doc_id: str, cited_doc_id: str) -> str:
    return f"{citing_doc_id[:32]}_{cited_doc_id[:32]}"


def pairs(dataset: Dataset) -> list[tuple[str, str, str | None]]:
    """(citing doc_id, cited doc_id, cited number) of every stored pair of documents where one cites the other."""
    con = dataset.connect()
    try:
        rows = con.execute("""
            SELECT DISTINCT c.doc_id, c.cited_doc_id, d.number FROM citation_checks c
            JOIN documents d ON d.doc_id = c.cited_doc_id ORDER BY 1, 2""").fetchall()
    finally:
        con.close()
    return [(a, b, n) for a, b, n in rows]


def _digest(dataset: Dataset, citing: str, cited: str, decisions: list[dict]) -> str:
    parts = [LINK_VERSION, SCHEMA_VERSION]
    for doc_id in (citing, cited):
        manifest = dataset.manifest(doc_id) or {}
        parts += [doc_id, str(manifest.get("document_sha256")), str(manifest.get("corrections_digest"))]
    parts += [c["correction_id"] for c in decisions]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def refresh_links(dataset: Dataset, only: list[tuple[str, str]] | None = None) -> RefreshResult:
    """Bring the stored links up to date with the stored documents (see the module docstring).

    `only`: (citing, cited) pairs to look at (a maintainer's decision); stale pairs are then left alone."""
    started = time.perf_counter()
    result = RefreshResult()
    with dataset.lock():
        stored = dataset.link_pairs()
        current = pairs(dataset)
        wanted = {pair_key(a, b): (a, b, n) for a, b, n in current if only is None or (a, b) in only}
        corrections = [c for c in corrections_for(dataset) if c["field"] in LINK_FIELDS]
        # The pairs come ordered by citing document: it is read once, and a law many documents cite stays
        # among the last few read. Not every document at once: the whole dataset would be in memory.
        document = functools.lru_cache(maxsize=8)(dataset.read_document)

        for key, (citing, cited, number) in wanted.items():
            decisions = link_corrections(corrections, citing, cited)
            digest = _digest(dataset, citing, cited, decisions)
            if stored.get(key, {}).get("digest") == digest:
                result.unchanged += 1
                continue
            try:
                links = _link(document(citing), document(cited), number)
            except Exception as exc:  # a bug in linking one pair must not stop the batch
                result.failed.append(f"{key}: {type(exc).__name__}: {exc}")
                continue
            tables = link_rows(links, document(citing), document(cited))
            statuses = apply_link_corrections(tables, decisions)
            arrow = {name: to_table(name, rows) for name, rows in tables.items()}
            arrow["link_correction_status"] = to_table("link_correction_status", statuses)
            dataset.write_link_pair(key, arrow, {"citing_doc_id": citing, "cited_doc_id": cited, "digest": digest,
                                                 "link_version": LINK_VERSION})
            result.computed.append(key)
        if only is None:
            for key in stored:
                if key not in wanted:
                    dataset.remove_link_pair(key)
                    result.removed.append(key)
    result.seconds = time.perf_counter() - started
    return result


def _link(citing: Document, cited: Document, number: str | None) -> PairLinks:
    key = number_key(number or cited.document.number)
    citation = next((c for c in citing.citations if key and number_key(c.number) == key), None)
    return link_pair(citing, cited, citation)


# --------------------------------------------------------------------------
# Rows
# --------------------------------------------------------------------------
def _date(value: str | None):
    import datetime as dt

    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _latest(values: dict, kind: str) -> tuple[int | None, float | None]:
    numbers = [(int(k), v) for k, v in values.get(kind, {}).items() if k.isdigit() and isinstance(v, (int, float))]
    return max(numbers) if numbers else (None, None)


def _target_row(n: int, link: TargetLink, citing: Document, cited: Document) -> dict:
    t = link.target
    quantity = next((q for q in t.quantities if link.values.get("target") is not None and q.value == link.values["target"]),
                    t.quantities[0])
    actual_year, actual_value = _latest(link.values, "actual")
    plan_year, plan_value = _latest(link.values, "plan")
    return {
        "citing_doc_id": citing.document.source.sha256, "cited_doc_id": cited.document.source.sha256, "link_no": n,
        "target_number": cited.document.number, "target_item_id": t.item_id, "target_path": t.path,
        "target_kind": t.kind, "target_text": t.text, "target_figures": "; ".join(q.raw for q in t.quantities),
        "target_value": float(quantity.value), "target_unit": "%" if quantity.kind == "percent" else (quantity.unit_normalized or quantity.unit),
        "target_deadline_start": _date(t.deadline_start), "target_deadline_end": _date(t.deadline_end),
        "target_recurrence": t.recurrence, "target_deadline_from": t.deadline_from,
        "report_number": citing.document.number if link.report_item_id else None,
        "report_item_id": link.report_item_id, "report_path": link.report_path, "report_kind": link.report_kind,
        "report_text": link.report_text, "report_page": link.report_page, "relation": link.relation,
        "agency": link.agency, "deadline_end": _date(link.deadline_end),
        "values_json": json.dumps(link.values, ensure_ascii=False),
        "actual_year": actual_year, "actual_value": None if actual_value is None else float(actual_value),
        "plan_year": plan_year, "plan_value": None if plan_value is None else float(plan_value),
        "progress": link.progress, "progress_year": link.progress_year, "progress_reason": link.progress_reason,
        "text_score": link.text_score, "confidence": link.confidence, "reasons": list(link.reasons), "review": None,
    }


def link_rows(links: PairLinks, citing: Document, cited: Document) -> dict[str, list[dict]]:
    """A pair's links as rows of `document_links` and `target_links` (before corrections)."""
    paths = {i.id: i.path for i in citing.items}
    documents = [{
        "citing_doc_id": d.citing_doc_id, "cited_doc_id": d.cited_doc_id, "link_no": n,
        "citing_number": d.citing_number, "cited_number": d.cited_number, "relation": d.relation,
        "evidence": list(d.evidence), "scope_paths": [paths.get(i, i) for i in d.scope],
        "cited_date": _date(d.cited_date), "dataset_date": _date(d.dataset_date),
        "confidence": d.confidence, "reasons": list(d.reasons), "review": None,
    } for n, d in enumerate(links.document_links)]
    targets = [_target_row(n, link, citing, cited) for n, link in enumerate(links.target_links)]
    return {"document_links": documents, "target_links": targets}


# --------------------------------------------------------------------------
# A maintainer's decision
# --------------------------------------------------------------------------
def record_link_decision(dataset: Dataset, *, who: str, what: str, citing_doc_id: str, cited_doc_id: str,
                         link_no: int, action: str, note: str | None = None) -> str:
    """Accept or reject one link, and recompute its pair at once (the decision then survives every re-run)."""
    if what not in LINK_FIELDS:
        raise DatasetError(f"cannot decide on a {what!r}")
    if action not in ("accept", "reject"):
        raise DatasetError(f"a link can be accepted or rejected, not {action!r}")
    key = pair_key(citing_doc_id, cited_doc_id)
    with dataset.lock():
        row = next((r for r in dataset.read_link_rows(key, LINK_FIELDS[what]) if r["link_no"] == link_no), None)
        if row is None or row["cited_doc_id"] != cited_doc_id:
            raise DatasetError(f"no {what} {link_no} between {citing_doc_id[:12]} and {cited_doc_id[:12]}")
        if what == "target_link" and row["report_item_id"] is None:
            raise DatasetError("a target with no report has no link to decide on")
        correction_id = dataset.append_correction(
            who=who, doc_id=citing_doc_id, item_id=row.get("report_item_id"), field=what, action=action,
            before=link_before(what, row), note=note or None)
        refresh_links(dataset, only=[(citing_doc_id, cited_doc_id)])
    return correction_id


__all__ = ["LINK_VERSION", "RefreshResult", "link_rows", "pair_key", "pairs", "record_link_decision", "refresh_links"]
