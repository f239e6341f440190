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
