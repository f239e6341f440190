"""The review site in a real browser: Playwright driving Debian's Chromium (headless, nothing downloaded).

1. A maintainer reviews three extractions — accepts a deadline with the keyboard, edits a
   quantity's value and unit through the edit form, rejects an agency with its button —
   then the dataset is checked (corrections table, corrected quantities, the rejected
   agency gone and listed in correction_status), `flows.inbox.rebuild` re-derives every
   document from the archive, and the corrections are checked again.
2. A maintainer undoes decisions (a keyboard rejection, which asks once more, from the
   message that follows it; an acceptance from the Corrections page) and corrects facts
   that are not in the queue from the document page (a wrong deadline, a missing lead
   agency, the issuer) and from the item page (a quantity); all of it survives a rebuild.

The rebuild flow needs a Prefect API: one `prefect_test_harness` for the module.
Skipped when /usr/bin/chromium or the `playwright` package is missing.
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from pipeline.dataset import Dataset, load
from tests import review_fixtures, review_server
from tests.review_server import CHROMIUM

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium not installed (apt-get install chromium)"),
    pytest.mark.skipif(shutil.which("chromium") is None and not CHROMIUM.exists(), reason="no chromium"),
]


def open_entry(page, base: str, raw: str) -> None:
    """Go to the queue entry whose fact is printed as `raw` (by clicking it in the queue list)."""
    page.goto(f"{base}/queue")
    link = page.locator(".queue-list li a").filter(has=page.locator("span.raw", has_text=re.compile(f"^{re.escape(raw)}$")))
    assert link.count() == 1, f"{raw!r} is not (or not once) in the queue"
    link.click()
    page.wait_for_load_state()
    assert page.locator(".queue-list li.current span.raw").inner_text() == raw


def facts(home: Path, table: str, doc_id: str) -> list[dict]:
    frame = load(table, home=home)
    return json.loads(frame[frame["doc_id"] == doc_id].to_json(orient="records", date_format="iso"))


def check_dataset(home: Path, plan: str) -> None:
    corrections = load("corrections", home=home).sort_values("at")
    assert corrections["action"].tolist() == ["accept", "set", "reject"]
    assert set(corrections["who"]) == {"browser-test"}
    assert corrections["field"].tolist() == ["deadline", "quantities[0]", "agencies[0]"]
    edited = json.loads(corrections.iloc[1]["after"])
    assert edited["value"] == 60 and edited["unit"] == "cán bộ quản lý cấp phòng"
    assert json.loads(corrections.iloc[1]["before"])["raw"] == "ít nhất năm mươi cán bộ quản lý"

    quantities = {q["raw"]: q for q in facts(home, "quantities", plan)}
    corrected = quantities["ít nhất năm mươi cán bộ quản lý"]
    assert (corrected["value"], corrected["unit"], corrected["review"], corrected["confidence"]) == (
        60, "cán bộ quản lý cấp phòng", "corrected", 1.0)
    deadline = [d for d in facts(home, "deadlines", plan) if d["raw"] == "trong Quý III"][0]
    assert (deadline["review"], deadline["confidence"]) == ("accepted", 1.0)
    agencies = [a["raw"] for a in facts(home, "agencies", plan)]
    assert "Các sở, ngành" not in agencies and "Sở Tài chính" in agencies  # the rejected one is gone
    status = {s["action"]: s for s in facts(home, "correction_status", plan)}
    assert {s["status"] for s in status.values()} == {"applied"}
    assert status["reject"]["raw"] == "Các sở, ngành" and "dropped" in status["reject"]["detail"]
    assert load("corrections_unapplied", home=home).empty
    queue = load("review_queue", home=home)
    assert not queue["value"].isin(["trong Quý III", "ít nhất năm mươi cán bộ quản lý", "Các sở, ngành"]).any()


@pytest.fixture(scope="module")
def prefect_api():
    """A temporary Prefect API for the rebuild flow (started once for the module)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield


def rebuild_from_archive(home: Path, doc_id: str) -> None:
    """`decree rebuild`'s flow, after dropping the document's rows: they can only come back from the
    archived original plus the corrections."""
    from flows.inbox import rebuild

    assert Dataset(home).remove_document(doc_id)
    assert load("quantities", home=home).query("doc_id == @doc_id").empty
    summary = rebuild(str(home))
    assert [o.status for o in summary.outcomes] == ["processed"] * 3


def test_review_three_items_in_chromium_then_rebuild(tmp_path, prefect_api):
    home = tmp_path / "home"
    ids = review_fixtures.build_home(home)
    plan = ids["plan"]
    with review_server.in_chromium(home) as (base, page, errors):

        # j / k move through the queue.
        page.goto(f"{base}/queue")
        total = int(page.locator("#queue-count").inner_text())
        assert total >= 5
        page.keyboard.press("j")
        page.wait_for_url(re.compile(r"/queue\?i=1$"))
        page.keyboard.press("k")
        page.wait_for_url(re.compile(r"/queue\?i=0$"))

        # 1. accept a deadline with the keyboard.
        open_entry(page, base, "trong Quý III")
        assert page.locator("#passage mark.ent-deadline.focus").count() == 1
        with page.expect_navigation():
            page.keyboard.press("a")
        assert "accepted deadline" in page.locator("#flash").inner_text()

        # 2. edit a quantity: e opens the form, the value and unit are typed, Enter saves.
        open_entry(page, base, "ít nhất năm mươi cán bộ quản lý")
        assert page.locator("#passage mark.ent-quantity.focus mark.ent-unit").inner_text().startswith("cán bộ quản lý")
        page.keyboard.press("e")
        assert page.locator("#form-edit").is_visible()
        page.fill("#edit-value", "60")
        page.fill("#edit-unit", "cán bộ quản lý cấp phòng")
        with page.expect_navigation():
            page.press("#edit-unit", "Enter")
        assert "corrected quantity" in page.locator("#flash").inner_text()

        # 3. reject an agency with its button.
        open_entry(page, base, "Các sở, ngành")
        with page.expect_navigation():
            page.click("#btn-reject")
        assert "rejected agency" in page.locator("#flash").inner_text()
        assert int(page.locator("#queue-count").inner_text()) == total - 3

        # The PDF's entries show the page crop, rendered from the archived original.
        pdf_entry = page.locator(".queue-list li a").filter(has_text="các sở, ngành liên quan")
        pdf_entry.click()
        page.wait_for_load_state()
        page.wait_for_function("document.getElementById('crop') && document.getElementById('crop').naturalWidth > 0")

        # The document view shows the decisions.
        page.goto(f"{base}/doc/{plan}")
        assert page.locator("#doc-corrections tr.status-applied").count() == 3
        assert page.locator("#citations a.cited-in-dataset").count() == 1  # 12/QĐ-UBND is the PDF
        assert not errors, errors

    check_dataset(home, plan)

    # Rebuild from the archive (the flow `decree rebuild` runs): the corrections are re-applied.
    rebuild_from_archive(home, plan)
    assert json.loads((Dataset(home).doc_dir(plan) / "manifest.json").read_text())["corrections"] == {
        "applied": 3, "unapplied": 0}
    check_dataset(home, plan)


def check_undo_and_page_corrections(home: Path, plan: str, ids: dict[str, str]) -> None:
    corrections = load("corrections", home=home).sort_values("at")
    assert corrections["action"].tolist() == ["reject", "undo", "accept", "undo", "set", "add", "set", "set"]
    assert corrections["field"].tolist()[4:] == ["deadline", "agencies", "issuer", "quantities[0]"]
    undos = corrections[corrections["action"] == "undo"]
    assert [json.loads(b)["undoes"] for b in undos["before"]] == [corrections.iloc[0]["correction_id"],
                                                                   corrections.iloc[2]["correction_id"]]
    agencies = facts(home, "agencies", plan)
    rejected_then_undone = [a for a in agencies if a["raw"] == "Các sở, ngành"]
    assert len(rejected_then_undone) == 1 and rejected_then_undone[0]["review"] is None
    added = [a for a in agencies if a["item_id"] == ids["no_lead"]]
    assert [(a["name"], a["role"], a["review"], a["confidence"]) for a in added] == [
        ("Sở Công Thương", "lead", "added", 1.0)]
    deadlines = {d["raw"]: d for d in facts(home, "deadlines", plan)}
    assert deadlines["trong Quý III"]["review"] is None and deadlines["trong Quý III"]["confidence"] < 0.8
    moved = deadlines["trước ngày 30/6/2024"]
    assert moved["end"].startswith("2024-07-15") and moved["review"] == "corrected"
    quantity = next(q for q in facts(home, "quantities", plan) if q["raw"].startswith("3.000"))
    assert (quantity["value"], quantity["review"]) == (3500, "corrected")
    assert facts(home, "documents", plan)[0]["issuer"] == "UBND tỉnh Nam Định Sơn"
    states = sorted(s["status"] for s in facts(home, "correction_status", plan))
    assert states == ["applied"] * 6 + ["undone"] * 2
    assert load("corrections_unapplied", home=home).empty
    queue = load("review_queue", home=home)
    assert queue["value"].isin(["Các sở, ngành", "trong Quý III"]).sum() == 2  # back in the queue


def test_undo_and_correct_from_document_pages_in_chromium_then_rebuild(tmp_path, prefect_api):
    home = tmp_path / "home"
    ids = review_fixtures.build_home(home)
    plan = ids["plan"]
    ds = Dataset(home)
    items = ds.read_rows(plan, "items")
    ids["no_lead"] = next(i["item_id"] for i in items if i["text"].startswith("Xây dựng cơ sở dữ liệu"))
    late = next(d["item_id"] for d in ds.read_rows(plan, "deadlines") if d["raw"] == "trước ngày 30/6/2024")
    target = next(q["item_id"] for q in ds.read_rows(plan, "quantities") if q["raw"].startswith("3.000"))
    with review_server.in_chromium(home) as (base, page, errors):

        # 1. r asks once more (Esc cancels); r r rejects; the message's Undo withdraws the rejection.
        open_entry(page, base, "Các sở, ngành")
        total = int(page.locator("#queue-count").inner_text())
        url = page.url
        page.keyboard.press("r")
        assert page.locator("#confirm-reject").is_visible() and page.url == url
        page.keyboard.press("Escape")
        assert not page.locator("#confirm-reject").is_visible()
        page.keyboard.press("r")
        with page.expect_navigation():
            page.keyboard.press("r")
        assert "rejected agency" in page.locator("#flash").inner_text()
        assert int(page.locator("#queue-count").inner_text()) == total - 1
        with page.expect_navigation():
            page.click("#flash button.undo")
        assert "undid reject of agencies[" in page.locator("#flash").inner_text()
        assert int(page.locator("#queue-count").inner_text()) == total

        # 2. Accept a deadline with the keyboard, then undo it on the Corrections page.
        open_entry(page, base, "trong Quý III")
        with page.expect_navigation():
            page.keyboard.press("a")
        page.goto(f"{base}/corrections")
        row = page.locator("#corrections tr", has=page.locator("td", has_text=re.compile("^accept$")))
        with page.expect_navigation():
            row.locator("button.undo").click()
        assert "undid accept of deadline" in page.locator("#flash").inner_text()
        assert row.locator("td").first.inner_text() == "undone"

        # 3. From the document page: a wrong deadline, a missing lead, the issuer.
        page.goto(f"{base}/doc/{plan}")
        fact = page.locator(f"#fact-{late}-deadline-")
        fact.locator("summary").click()
        fact.locator("input[name=end]").fill("2024-07-15")
        with page.expect_navigation():
            fact.locator("button[value=set]").click()
        assert "corrected deadline of task II.1" in page.locator("#flash").inner_text()
        assert page.url.endswith(f"/doc/{plan}#item-{late}")
        add = page.locator(f"#add-{ids['no_lead']}")
        add.locator("summary").click()
        form = add.locator("form[data-what=agency]")
        form.locator("input[name=name]").fill("Sở Công Thương")
        form.locator("select[name=role]").select_option("lead")
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        assert "added agency" in page.locator("#flash").inner_text()
        assert page.locator(f"#item-{ids['no_lead']} > .node-facts mark.ent-agency").inner_text() == "Sở Công Thương (lead)"
        page.locator("#header > summary").click()
        header = page.locator("#header-issuer form")
        header.locator("input[name=value]").fill("UBND tỉnh Nam Định Sơn")
        with page.expect_navigation():
            header.locator("button[value=set]").click()
        assert "set issuer" in page.locator("#flash").inner_text()

        # 4. From the item page: a quantity.
        page.goto(f"{base}/doc/{plan}/item/{target}")
        row = page.locator("#item-facts tr.fact-quantity")
        row.locator("summary").click()
        row.locator("input[name=value]").fill("3500")
        with page.expect_navigation():
            row.locator("button[value=set]").click()
        assert page.url.endswith(f"/doc/{plan}/item/{target}")
        assert "corrected quantity" in page.locator("#flash").inner_text()
        assert page.locator("#item-facts tr.fact-quantity .review-corrected").count() == 1
        assert not errors, errors

    check_undo_and_page_corrections(home, plan, ids)
    rebuild_from_archive(home, plan)
    check_undo_and_page_corrections(home, plan, ids)
