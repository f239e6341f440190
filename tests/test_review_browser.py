"""The review site in a real browser: Playwright driving Debian's Chromium (headless, nothing downloaded).

A maintainer reviews three extractions — accepts a deadline with the keyboard, edits a
quantity's value and unit through the edit form, rejects an agency with its button —
then the dataset is checked (corrections table, corrected quantities, the rejected
agency gone and listed in correction_status), `flows.inbox.rebuild` re-derives every
document from the archive, and the corrections are checked again.

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

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium not installed (apt-get install chromium)"),
    pytest.mark.skipif(shutil.which("chromium") is None and not CHROMIUM.exists(), reason="no chromium"),
]


def _sync_playwright():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed")
    return sync_playwright


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


def test_review_three_items_in_chromium_then_rebuild(tmp_path):
    sync_playwright = _sync_playwright()
    home = tmp_path / "home"
    ids = review_fixtures.build_home(home)
    plan = ids["plan"]
    from pipeline.review.app import LOOPBACK_HOSTS, create_app

    app = create_app(home, who="browser-test", allowed_hosts=LOOPBACK_HOSTS)
    with review_server.running(app) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
            page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)

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
        finally:
            browser.close()

    check_dataset(home, plan)

    # Rebuild from the archive (the flow `decree rebuild` runs): the corrections are re-applied.
    from prefect.testing.utilities import prefect_test_harness

    from flows.inbox import rebuild

    # The plan's rows are dropped first, so they can only come back from the archive plus the corrections.
    assert Dataset(home).remove_document(plan)
    assert load("quantities", home=home).query("doc_id == @plan").empty
    with prefect_test_harness(server_startup_timeout=90):
        summary = rebuild(str(home))
    assert [o.status for o in summary.outcomes] == ["processed"] * 3
    assert json.loads((Dataset(home).doc_dir(plan) / "manifest.json").read_text())["corrections"] == {
        "applied": 3, "unapplied": 0}
    check_dataset(home, plan)
