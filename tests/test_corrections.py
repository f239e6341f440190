"""Corrections that last: applied on top of the pipeline's rows whenever a document is written."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.dataset import Dataset, load
from pipeline.dataset.corrections import (
    CorrectionError,
    correction_summary,
    reapply_corrections,
    record_decision,
    record_header,
    record_undo,
)
from pipeline.document import extract_document
from pipeline.model import Document
from tests.review_fixtures import PLAN


@pytest.fixture(scope="module")
def plan(tmp_path_factory) -> Document:
    path = tmp_path_factory.mktemp("src") / "kh-45.txt"
    path.write_text(PLAN, encoding="utf-8")
    return extract_document(path)


def find(doc: Document, raw: str, what: str):
    for item in doc.items:
        facts = {"quantity": item.quantities, "agency": item.agencies,
                 "deadline": [item.deadline] if item.deadline else []}[what]
        for n, fact in enumerate(facts):
            if fact.raw == raw:
                return item, n
    raise AssertionError(raw)


def rows(home: Path, table: str) -> list[dict]:
    return json.loads(load(table, home=home).to_json(orient="records", date_format="iso"))


def shift_ids(doc: Document) -> Document:
    """The same document as a newer pipeline might segment it: every item id moved by one."""
    moved = doc.model_copy(deep=True)
    rename = {item.id: f"i{int(item.id[1:]) + 1:04d}" for item in moved.items}
    for item in moved.items:
        item.id = rename[item.id]
        item.parent = rename.get(item.parent) if item.parent else None
    return moved


def test_accept_set_reject_change_the_rows_and_leave_the_queue(tmp_path, plan):
    ds = Dataset(tmp_path)
    ds.write_document(plan)
    doc_id = plan.document.source.sha256
    q_item, q_no = find(plan, "ít nhất năm mươi cán bộ quản lý", "quantity")
    a_item, a_no = find(plan, "Các sở, ngành", "agency")
    d_item, _ = find(plan, "trong Quý III", "deadline")
    record_decision(ds, who="lan", doc_id=doc_id, what="quantity", item_id=q_item.id, fact_no=q_no, action="set",
                    values={"value": "1.500", "unit": "cán bộ"}, note="scan says 1.500")
    record_decision(ds, who="lan", doc_id=doc_id, what="agency", item_id=a_item.id, fact_no=a_no, action="reject")
    record_decision(ds, who="minh", doc_id=doc_id, what="deadline", item_id=d_item.id, fact_no=None, action="accept")

    quantity = [q for q in rows(tmp_path, "quantities") if q["raw"] == "ít nhất năm mươi cán bộ quản lý"][0]
    assert (quantity["value"], quantity["unit"], quantity["unit_normalized"]) == (1500, "cán bộ", "cán bộ")
    assert (quantity["review"], quantity["confidence"], quantity["reasons"]) == ("corrected", 1.0, [])
    assert "Các sở, ngành" not in [a["raw"] for a in rows(tmp_path, "agencies")]
    item = [i for i in rows(tmp_path, "items") if i["item_id"] == a_item.id][0]
    assert item["n_agencies"] == len(a_item.agencies) - 1
    deadline = [d for d in rows(tmp_path, "deadlines") if d["raw"] == "trong Quý III"][0]
    assert (deadline["review"], deadline["confidence"]) == ("accepted", 1.0)
    queue = load("review_queue", home=tmp_path)
    assert not queue["value"].isin(["ít nhất năm mươi cán bộ quản lý", "Các sở, ngành", "trong Quý III"]).any()

    corrections = load("corrections", home=tmp_path).sort_values("at")
    assert corrections["action"].tolist() == ["set", "reject", "accept"]
    assert corrections["who"].tolist() == ["lan", "lan", "minh"]
    before = json.loads(corrections.iloc[0]["before"])
    assert before["item_text"] == q_item.text and before["raw"] == "ít nhất năm mươi cán bộ quản lý"
    assert json.loads(corrections.iloc[0]["after"]) == {"value": 1500.0, "unit": "cán bộ"}
    status = {s["action"]: s for s in rows(tmp_path, "correction_status")}
    assert all(s["status"] == "applied" and s["matched_by"] == "id" for s in status.values())
    assert status["reject"]["raw"] == "Các sở, ngành"  # the rejected fact stays visible
    # document.json keeps the pipeline's output; the rows carry the corrections.
    assert ds.read_document(doc_id).model_dump() == plan.model_dump()


def test_corrections_survive_rewrites_and_follow_moved_ids(tmp_path, plan):
    ds = Dataset(tmp_path)
    ds.write_document(plan)
    doc_id = plan.document.source.sha256
    q_item, q_no = find(plan, "ít nhất năm mươi cán bộ quản lý", "quantity")
    a_item, a_no = find(plan, "Các sở, ngành", "agency")
    record_decision(ds, who="lan", doc_id=doc_id, what="quantity", item_id=q_item.id, fact_no=q_no, action="set",
                    values={"value": 55})
    record_decision(ds, who="lan", doc_id=doc_id, what="agency", item_id=a_item.id, fact_no=a_no, action="reject")
    assert ds.write_document(plan).status == "unchanged"  # same output, same corrections: nothing to do
    ds.remove_document(doc_id)
    ds.write_document(plan)  # as `decree rebuild` does, from scratch
    assert [q["value"] for q in rows(tmp_path, "quantities") if q["raw"].startswith("ít nhất")] == [55]

    ds.write_document(shift_ids(plan))  # re-extraction moved every id
    moved = [q for q in rows(tmp_path, "quantities") if q["raw"].startswith("ít nhất")][0]
    assert moved["item_id"] != q_item.id and moved["value"] == 55 and moved["review"] == "corrected"
    assert "Các sở, ngành" not in [a["raw"] for a in rows(tmp_path, "agencies")]
    assert {s["matched_by"] for s in rows(tmp_path, "correction_status")} == {"text"}
    assert load("corrections_unapplied", home=tmp_path).empty


def test_a_correction_that_no_longer_applies_is_listed_never_dropped(tmp_path, plan):
    ds = Dataset(tmp_path)
    ds.write_document(plan)
    doc_id = plan.document.source.sha256
    q_item, q_no = find(plan, "ít nhất năm mươi cán bộ quản lý", "quantity")
    correction_id = record_decision(ds, who="lan", doc_id=doc_id, what="quantity", item_id=q_item.id, fact_no=q_no,
                                    action="set", values={"value": 55})
    changed = plan.model_copy(deep=True)  # a newer pipeline no longer finds that quantity
    item = next(i for i in changed.items if i.id == q_item.id)
    item.quantities = []
    ds.write_document(changed)

    unapplied = load("corrections_unapplied", home=tmp_path)
    assert unapplied["correction_id"].tolist() == [correction_id]
    assert "no longer extracted" in unapplied.iloc[0]["reason"]
    assert load("corrections", home=tmp_path)["correction_id"].tolist() == [correction_id]
    summary = correction_summary(tmp_path)
    assert (summary.total, summary.applied, len(summary.unapplied)) == (1, 0, 1)
    assert "1 not applying" in summary.lines()[0] and correction_id in summary.lines()[1]

    ds.write_document(plan)  # the fact is back: the correction applies again
    assert load("corrections_unapplied", home=tmp_path).empty
    assert correction_summary(tmp_path).applied == 1


def test_invalid_decisions_are_refused_and_nothing_is_recorded(tmp_path, plan):
    ds = Dataset(tmp_path)
    ds.write_document(plan)
    doc_id = plan.document.source.sha256
    q_item, q_no = find(plan, "ít nhất năm mươi cán bộ quản lý", "quantity")
    d_item, _ = find(plan, "trong Quý III", "deadline")
    a_item, a_no = find(plan, "Các sở, ngành", "agency")
    bad = [
        dict(what="quantity", item_id=q_item.id, fact_no=q_no, action="set", values={"value": "nhiều"}),
        dict(what="quantity", item_id=q_item.id, fact_no=q_no, action="set", values={"value": "nan"}),
        dict(what="quantity", item_id=q_item.id, fact_no=q_no, action="set", values={"raw": "x"}),
        dict(what="deadline", item_id=d_item.id, fact_no=None, action="set", values={"end": "30/6/2024"}),
        dict(what="deadline", item_id=d_item.id, fact_no=None, action="set",
             values={"start": "2024-09-01", "end": "2024-01-01"}),
        dict(what="agency", item_id=a_item.id, fact_no=a_no, action="set", values={"role": "boss"}),
        dict(what="agency", item_id=a_item.id, fact_no=a_no, action="set", values={"name": " "}),
        dict(what="quantity", item_id=q_item.id, fact_no=99, action="accept"),
        dict(what="item", item_id="i9999", fact_no=None, action="accept"),
        dict(what="item", item_id=q_item.id, fact_no=None, action="set", values={"text": "x"}),
        dict(what="citation", item_id=q_item.id, fact_no=0, action="accept"),
        dict(what="quantity", item_id=q_item.id, fact_no=q_no, action="overwrite"),
    ]
    for decision in bad:
        with pytest.raises(CorrectionError):
            record_decision(ds, who="lan", doc_id=doc_id, **decision)
    assert load("corrections", home=tmp_path).empty


def test_corrections_appended_directly_and_document_fields(tmp_path, plan):
    ds = Dataset(tmp_path)
    ds.write_document(plan)
    doc_id = plan.document.source.sha256
    q_item, q_no = find(plan, "200 doanh nghiệp", "quantity")
    ds.append_correction(who="lan", doc_id=doc_id, item_id=q_item.id, field=f"quantities[{q_no}].value",
                         action="set", before=200, after=250)
    ds.append_correction(who="lan", doc_id=doc_id, field="issued_date", action="set", before="2024-03-10",
                         after="2024-03-11")
    ds.append_correction(who="lan", doc_id=doc_id, field="no_such_field", action="set", after=1)
    pending = load("corrections_unapplied", home=tmp_path)
    assert len(pending) == 3 and set(pending["reason"]) == {"not applied yet (the document was written before it)"}
    assert reapply_corrections(ds) == {doc_id: "replaced"}
    assert [q["value"] for q in rows(tmp_path, "quantities") if q["raw"] == "200 doanh nghiệp"] == [250]
    assert rows(tmp_path, "documents")[0]["issued_date"].startswith("2024-03-11")
    unapplied = load("corrections_unapplied", home=tmp_path)
    assert unapplied["field"].tolist() == ["no_such_field"] and "unknown field" in unapplied.iloc[0]["reason"]
    # A correction on a document that left the dataset is listed too.
    ds.remove_document(doc_id)
    assert len(load("corrections_unapplied", home=tmp_path)) == 3
    assert Dataset(tmp_path).verify() == []


# --------------------------------------------------------------------------
# Undo, added facts, header fields, citations
# --------------------------------------------------------------------------
def status_of(home: Path, correction_id: str) -> dict:
    return next(s for s in rows(home, "correction_status") if s["correction_id"] == correction_id)


def test_undo_is_a_correction_of_a_correction_and_survives_rewrites(tmp_path, plan):
    ds = Dataset(tmp_path)
    ds.write_document(plan)
    doc_id = plan.document.source.sha256
    a_item, a_no = find(plan, "Các sở, ngành", "agency")
    q_item, q_no = find(plan, "ít nhất năm mươi cán bộ quản lý", "quantity")
    rejected = record_decision(ds, who="lan", doc_id=doc_id, what="agency", item_id=a_item.id, fact_no=a_no,
                               action="reject")
    edited = record_decision(ds, who="lan", doc_id=doc_id, what="quantity", item_id=q_item.id, fact_no=q_no,
                             action="set", values={"value": 60})
    assert "Các sở, ngành" not in [a["raw"] for a in rows(tmp_path, "agencies")]

    undo, undone = record_undo(ds, who="minh", correction_id=rejected)
    assert undone["correction_id"] == rejected
    # The agency is back as the pipeline read it; the rejection is kept, marked undone; the edit still holds.
    agency = [a for a in rows(tmp_path, "agencies") if a["raw"] == "Các sở, ngành"]
    assert len(agency) == 1 and agency[0]["review"] is None and agency[0]["confidence"] < 0.8
    assert [q["value"] for q in rows(tmp_path, "quantities") if q["raw"].startswith("ít nhất")] == [60]
    assert status_of(tmp_path, rejected)["status"] == "undone" and undo in status_of(tmp_path, rejected)["detail"]
    assert status_of(tmp_path, undo)["status"] == "applied" and "undid reject" in status_of(tmp_path, undo)["detail"]
    corrections = load("corrections", home=tmp_path).sort_values("at")
    assert corrections["action"].tolist() == ["reject", "set", "undo"]  # nothing deleted
    assert json.loads(corrections.iloc[2]["before"])["undoes"] == rejected
    assert load("corrections_unapplied", home=tmp_path).empty  # withdrawn is not failing
    assert load("review_queue", home=tmp_path)["value"].eq("Các sở, ngành").any()
    summary = correction_summary(tmp_path)
    assert (summary.total, summary.applied, summary.undone) == (3, 2, 1) and "1 undone" in summary.lines()[0]

    # Undone twice is refused; undoing the undo puts the rejection back in force.
    with pytest.raises(CorrectionError, match="undone already"):
        record_undo(ds, who="minh", correction_id=rejected)
    redo, _ = record_undo(ds, who="minh", correction_id=undo)
    assert "Các sở, ngành" not in [a["raw"] for a in rows(tmp_path, "agencies")]
    assert status_of(tmp_path, rejected)["status"] == "applied" and status_of(tmp_path, undo)["status"] == "undone"
    with pytest.raises(CorrectionError, match="no correction"):
        record_undo(ds, who="minh", correction_id="nope")

    # A rebuild (the document written from scratch) and moved ids give the same rows.
    record_undo(ds, who="minh", correction_id=edited)
    ds.remove_document(doc_id)
    ds.write_document(shift_ids(plan))
    assert "Các sở, ngành" not in [a["raw"] for a in rows(tmp_path, "agencies")]
    quantity = [q for q in rows(tmp_path, "quantities") if q["raw"].startswith("ít nhất")][0]
    assert (quantity["value"], quantity["review"]) == (50, None)  # the edit is undone: the pipeline's value
    states = sorted(s["status"] for s in rows(tmp_path, "correction_status"))
    assert states == ["applied", "applied", "applied", "undone", "undone"]
    assert load("corrections_unapplied", home=tmp_path).empty


def test_an_undo_that_names_nothing_is_listed_as_not_applying(tmp_path, plan):
    ds = Dataset(tmp_path)
    ds.write_document(plan)
    doc_id = plan.document.source.sha256
    ds.append_correction(who="lan", doc_id=doc_id, field="deadline", action="undo", before={"undoes": "x-1"})
    ds.append_correction(who="lan", doc_id=doc_id, field="deadline", action="undo", before={})
    reapply_corrections(ds)
    reasons = sorted(load("corrections_unapplied", home=tmp_path)["reason"])
    assert "must name the correction" in reasons[0] and "undoes x-1, which is not a correction" in reasons[1]


def test_added_facts_are_kept_across_rewrites_and_accepted_once_extracted(tmp_path, plan):
    ds = Dataset(tmp_path)
    ds.write_document(plan)
    doc_id = plan.document.source.sha256
    item, _ = find(plan, "200 doanh nghiệp", "quantity")  # "2. Xây dựng cơ sở dữ liệu 200 doanh nghiệp …"
    assert not item.agencies and item.deadline is not None
    lead = record_decision(ds, who="lan", doc_id=doc_id, what="agency", item_id=item.id, fact_no=None, action="add",
                           values={"name": "Sở Công Thương", "role": "lead"})
    record_decision(ds, who="lan", doc_id=doc_id, what="quantity", item_id=item.id, fact_no=None, action="add",
                    values={"value": "1.500", "unit": "hồ sơ", "raw": "cơ sở dữ liệu"})
    added = [a for a in rows(tmp_path, "agencies") if a["item_id"] == item.id]
    assert [(a["name"], a["role"], a["review"], a["confidence"], a["span_start"]) for a in added] == [
        ("Sở Công Thương", "lead", "added", 1.0, None)]  # not printed in the item: no span
    quantity = [q for q in rows(tmp_path, "quantities") if q["item_id"] == item.id and q["review"] == "added"][0]
    assert (quantity["value"], quantity["unit"], quantity["kind"], quantity["quantity_no"]) == (1500, "hồ sơ", "count", 1)
    assert plan.text[quantity["span_start"]:quantity["span_end"]] == "cơ sở dữ liệu"  # printed: located
    assert [i["n_agencies"] for i in rows(tmp_path, "items") if i["item_id"] == item.id] == [1]
    # The agency is now a fact like any other: it can be edited by its number, and it survives a rebuild.
    record_decision(ds, who="lan", doc_id=doc_id, what="agency", item_id=item.id, fact_no=0, action="set",
                    values={"role": "support"})
    ds.remove_document(doc_id)
    ds.write_document(plan)
    assert [(a["name"], a["role"]) for a in rows(tmp_path, "agencies") if a["item_id"] == item.id] == [
        ("Sở Công Thương", "support")]
    assert {s["status"] for s in rows(tmp_path, "correction_status")} == {"applied"}
    # A later pipeline that reads the agency itself: the addition accepts it instead of doubling it.
    better = plan.model_copy(deep=True)
    from pipeline.model import Agency
    target = next(i for i in better.items if i.id == item.id)
    target.agencies = [Agency(name="Sở Công Thương", normalized="Sở Công Thương", role="lead", raw="Sở Công Thương",
                              confidence=0.6, reasons=["guess"])]
    ds.write_document(better)
    found = [a for a in rows(tmp_path, "agencies") if a["item_id"] == item.id]
    assert len(found) == 1 and found[0]["confidence"] == 1.0 and found[0]["role"] == "support"
    assert "already extracted" in status_of(tmp_path, lead)["detail"]


def test_a_deadline_added_to_an_item_without_one(tmp_path, plan):
    ds = Dataset(tmp_path)
    ds.write_document(plan)
    doc_id = plan.document.source.sha256
    item = next(i for i in plan.items if i.deadline is None and i.kind.value in ("task", "objective"))
    with pytest.raises(CorrectionError, match="states no deadline"):
        record_decision(ds, who="lan", doc_id=doc_id, what="deadline", item_id=item.id, fact_no=None, action="reject")
    with pytest.raises(CorrectionError, match="needs a start"):
        record_decision(ds, who="lan", doc_id=doc_id, what="deadline", item_id=item.id, fact_no=None, action="add",
                        values={})
    record_decision(ds, who="lan", doc_id=doc_id, what="deadline", item_id=item.id, fact_no=None, action="add",
                    values={"end": "2024-12-31"})
    deadline = [d for d in rows(tmp_path, "deadlines") if d["item_id"] == item.id]
    assert [(d["stated"], d["end"][:10], d["review"]) for d in deadline] == [(True, "2024-12-31", "added")]
    row = [i for i in rows(tmp_path, "items") if i["item_id"] == item.id][0]
    assert row["deadline_end"].startswith("2024-12-31") and row["effective_deadline_end"].startswith("2024-12-31")
    assert row["effective_deadline_inherited_from"] is None
    with pytest.raises(CorrectionError, match="has a deadline already"):
        record_decision(ds, who="lan", doc_id=doc_id, what="deadline", item_id=item.id, fact_no=None, action="add",
                        values={"end": "2025-01-31"})


def test_header_fields_are_set_or_accepted_and_undone(tmp_path, plan):
    ds = Dataset(tmp_path)
    ds.write_document(plan)
    doc_id = plan.document.source.sha256
    with pytest.raises(CorrectionError, match="date YYYY-MM-DD"):
        record_header(ds, who="lan", doc_id=doc_id, field="issued_date", action="set", value="10/3/2024")
    with pytest.raises(CorrectionError, match="not a document field"):
        record_header(ds, who="lan", doc_id=doc_id, field="pipeline_version", action="set", value="x")
    with pytest.raises(CorrectionError, match="type a value"):
        record_header(ds, who="lan", doc_id=doc_id, field="issuer", action="set", value=" ")
    assert load("corrections", home=tmp_path).empty
    number = record_header(ds, who="lan", doc_id=doc_id, field="number", action="set", value=" 46 / KH-UBND")
    record_header(ds, who="lan", doc_id=doc_id, field="issuer", action="set", value="UBND tỉnh Nam Định Sơn")
    document = rows(tmp_path, "documents")[0]
    assert (document["number"], document["issuer"]) == ("46/KH-UBND", "UBND tỉnh Nam Định Sơn")
    assert json.loads(load("corrections", home=tmp_path).sort_values("at").iloc[0]["before"]) == {"value": "45/KH-UBND"}
    record_undo(ds, who="lan", correction_id=number)
    ds.remove_document(doc_id)
    ds.write_document(plan)  # a rebuild
    document = rows(tmp_path, "documents")[0]
    assert (document["number"], document["issuer"]) == ("45/KH-UBND", "UBND tỉnh Nam Định Sơn")


def test_an_unread_number_typed_once_survives_rebuilds(tmp_path):
    from tests.helpers import document_from_text
    from tests.test_handwritten_slots import HEADER

    doc = document_from_text(HEADER, name="qd-blank.txt")
    ds = Dataset(tmp_path)
    ds.write_document(doc)
    doc_id = doc.document.source.sha256
    queue = load("review_queue", home=tmp_path)
    assert sorted(queue[queue["item_id"].isna()]["what"]) == ["issued_date", "number"]
    record_header(ds, who="lan", doc_id=doc_id, field="number", action="set", value="152/QĐ-UBND")
    date = record_header(ds, who="lan", doc_id=doc_id, field="issued_date", action="set", value="2026-03-09")
    before = json.loads(load("corrections", home=tmp_path).sort_values("at").iloc[0]["before"])
    assert before == {"value": None, "unread": True, "printed": "Số: …/QĐ-UBND"}
    ds.remove_document(doc_id)
    ds.write_document(doc)
    document = rows(tmp_path, "documents")[0]
    assert (document["number"], document["issued_date"][:10], document["unread"]) == ("152/QĐ-UBND", "2026-03-09", [])
    assert not load("review_queue", home=tmp_path)["what"].isin(["number", "issued_date"]).any()
    record_undo(ds, who="lan", correction_id=date)  # back in the queue, as the pipeline left it
    assert load("review_queue", home=tmp_path)["what"].isin(["issued_date"]).any()


def test_citations_are_accepted_edited_and_rejected(tmp_path, plan):
    ds = Dataset(tmp_path)
    ds.write_document(plan)
    doc_id = plan.document.source.sha256
    citations = rows(tmp_path, "citations")
    assert len(citations) == 1 and citations[0]["number"] == "12/QĐ-UBND"
    edited = record_decision(ds, who="lan", doc_id=doc_id, what="citation", item_id=None, fact_no=0, action="set",
                             values={"number": "12 /QĐ-UBND", "issued_date": "2024-03-06"})
    citation = rows(tmp_path, "citations")[0]
    assert (citation["number"], citation["issued_date"][:10], citation["confidence"]) == ("12/QĐ-UBND", "2024-03-06", 1.0)
    record_decision(ds, who="lan", doc_id=doc_id, what="citation", item_id=None, fact_no=0, action="reject")
    assert rows(tmp_path, "citations") == [] and rows(tmp_path, "documents")[0]["n_citations"] == 0
    ds.write_document(shift_ids(plan))  # re-extraction: found again by its number and text
    assert rows(tmp_path, "citations") == []
    assert status_of(tmp_path, edited)["status"] == "applied"
    with pytest.raises(CorrectionError, match="no citation 5"):
        record_decision(ds, who="lan", doc_id=doc_id, what="citation", item_id=None, fact_no=5, action="accept")


def test_undoing_a_decision_on_a_link_between_documents(tmp_path):
    from pipeline.link.refresh import record_link_decision, refresh_links
    from tests import link_fixtures as F
    from tests.helpers import document_from_text

    decision, report = (document_from_text(F.DECISION, "decision.txt"), document_from_text(F.REPORT, "report.txt"))
    ds = Dataset(tmp_path)
    for doc in (decision, report):
        ds.write_document(doc)
    refresh_links(ds)
    citing, cited = report.document.source.sha256, decision.document.source.sha256
    link = next(r for r in rows(tmp_path, "target_links") if r["target_path"] == "II.1")
    rejected = record_link_decision(ds, who="lan", what="target_link", citing_doc_id=citing, cited_doc_id=cited,
                                    link_no=link["link_no"], action="reject")

    def review() -> str | None:
        return next(r for r in rows(tmp_path, "target_links") if r["target_path"] == "II.1")["review"]

    assert review() == "rejected"
    undo, undone = record_undo(ds, who="lan", correction_id=rejected)
    assert undone["field"] == "target_link"
    refresh_links(ds, only=[(citing, cited)])  # what the review site does after an undo on a link
    assert review() is None
    states = {s["correction_id"]: s["status"] for s in rows(tmp_path, "link_correction_status")}
    assert states == {rejected: "undone", undo: "applied"}
    for folder in (tmp_path / "extracted" / "links").iterdir():
        (folder / "pair.json").unlink()  # a full recomputation, as after a rebuild
    refresh_links(ds)
    assert review() is None and load("corrections_unapplied", home=tmp_path).empty
