"""Target tracking on the two corpus documents, processed into one home by the inbox flow: the 2018 plan
62/KH-SKHCN first, the 2015 decision 4937/QĐ-UBND (whose targets it reports on) after it. Scored against
../shared/corpus/targets/4937-62.json (skipped when ../shared is absent); `pytest -s` prints the figures.

A predicted link is right when its target is a gold objective and its unit one of the gold's report rows
for it (matched by the start of their texts, folded), or one of the plan's own tasks the gold accepts for
it (`plan_units`). Precision counts every link with a report unit; recall, the gold's report rows found.
"""
from __future__ import annotations

import json
import shutil

import pytest

from pipeline.dataset import Dataset, dataset_at
from pipeline.lexicon import ascii_fold
from pipeline.link.refresh import refresh_links
from pipeline.link.report import target_report
from tests.helpers import SHARED

GOLD = SHARED / "corpus" / "targets" / "4937-62.json"
TEXTS = SHARED / "corpus" / "text"
pytestmark = pytest.mark.skipif(not GOLD.exists(), reason="../shared/corpus is not beside the project")


def key(text: str | None, n: int = 40) -> str:
    return " ".join(ascii_fold(text or "").replace("đ", "d").split())[:n]


def same(predicted_text: str | None, gold_text: str) -> bool:
    n = min(40, len(key(gold_text, 200)))
    return key(predicted_text, n) == key(gold_text, n)


@pytest.fixture(scope="module")
def processed(tmp_path_factory):
    """The home after `decree process` of 62 alone, then of 4937."""
    from prefect.testing.utilities import prefect_test_harness

    from flows.inbox import run_inbox
    from pipeline.inbox import Home

    root = tmp_path_factory.mktemp("corpus-home")
    home = Home.at(root)
    home.ensure()
    with prefect_test_harness(server_startup_timeout=90):
        shutil.copy(TEXTS / "hcm-62-kh-skhcn-2018.txt", home.inbox)
        first = run_inbox(str(root), settle_seconds=0)
        alone = target_report(root)
        shutil.copy(TEXTS / "hcm-4937-qd-ubnd-2015.txt", home.inbox)
        second = run_inbox(str(root), settle_seconds=0)
    assert [o.status for o in first.outcomes + second.outcomes] == ["processed", "processed"]
    return root, alone, target_report(root, "4937/QĐ-UBND")


@pytest.fixture(scope="module")
def gold():
    return json.loads(GOLD.read_text(encoding="utf-8"))


def score(objects: list[dict], gold: dict) -> dict:
    reported = [o for o in objects if o["report_doc"] is not None]
    right, found = 0, set()
    for o in reported:
        for n, entry in enumerate(gold["targets"]):
            if o["target_path"] != entry["objective"]["path"] or not same(o["target_text"], entry["objective"]["text"]):
                continue
            rows = [r["row"]["text"] for r in entry["reports"]]
            if any(same(o["report_text"], text) for text in rows):
                right += 1
                found.update((n, text) for text in rows if same(o["report_text"], text))
                break
            if any(same(o["report_text"], unit["text"]) for unit in entry["plan_units"]):
                right += 1
                break
    total = sum(len(entry["reports"]) for entry in gold["targets"])
    return {"links": len(reported), "right": right, "precision": right / len(reported) if reported else 0.0,
            "recall": len(found) / total, "rows_found": len(found), "rows": total}


def test_precision_and_recall_of_target_links_against_the_gold(processed, gold):
    _, alone, objects = processed
    assert alone == []  # the report alone: no plan to link it to
    figures = score(objects, gold)
    print(f"\ntarget links 4937 <- 62: {figures['links']} links, {figures['right']} right, precision "
          f"{figures['precision']:.3f}; gold report rows found {figures['rows_found']}/{figures['rows']}, "
          f"recall {figures['recall']:.3f}")
    assert figures["precision"] >= 0.9 and figures["recall"] >= 0.9


def test_the_values_of_each_report_are_the_golds(processed, gold):
    _, _, objects = processed
    checked = mismatched = 0
    for entry in gold["targets"]:
        for report in entry["reports"]:
            found = [o for o in objects if o["relation"] == "reports_on" and o["target_path"] == entry["objective"]["path"]
                     and same(o["report_text"], report["row"]["text"])]
            assert len(found) == 1, report["row"]["text"]
            values = found[0]["values"]
            for kind in ("actual", "plan"):
                want = {year: cell["value"] for year, cell in report[kind].items()}
                checked += len(want)
                if values[kind] != want:
                    mismatched += 1
                    print(f"  {entry['objective']['path']} row {report['row']['path']} {kind}: {values[kind]} != {want}")
            if "ratio" in report:
                assert values["ratio"] == pytest.approx(report["ratio"]["value"])
    print(f"report values: {checked} year figures checked, {mismatched} report(s) off")
    assert mismatched == 0


def test_a_target_nothing_reports_on_is_listed_as_such(processed, gold):
    _, _, objects = processed
    unreported = [entry["objective"] for entry in gold["targets"] if not entry["reports"]]
    for objective in unreported:
        rows = [o for o in objects if o["target_path"] == objective["path"]]
        assert len(rows) == 1 and rows[0]["report_doc"] is None and rows[0]["relation"] is None


def test_progress_where_the_units_allow_it_and_why_not_elsewhere(processed):
    _, _, objects = processed
    reports = {o["target_path"]: o for o in objects if o["relation"] == "reports_on"}
    crafts = reports["II.2.(4)"]  # 100% làng nghề (8 làng nghề), 2 in 2016
    assert crafts["progress"] == pytest.approx(0.25) and crafts["progress_year"] == 2016
    schools = reports["II.2.(6)"]  # 50% of schools against 78 contests: not comparable
    assert schools["progress"] is None and "percentage" in schools["progress_reason"]


def test_the_document_relation_and_the_date_conflict(processed, gold):
    root, _, _ = processed
    con = dataset_at(root).connect()
    try:
        rows = con.execute("SELECT citing_number, cited_number, relation, evidence FROM document_links").fetchall()
    finally:
        con.close()
    relations = {(a, b, r) for a, b, r, _ in rows}
    for link in gold["document_links"]:
        assert (link["from"], link["to"], link["relation"]) in relations
    evidence = next(e for _, _, r, e in rows if r == "reports_on")
    assert any("carries the cited title" in e for e in evidence)


def test_the_plan_arriving_first_gives_the_same_links(processed, tmp_path):
    root, _, objects = processed
    stored = dataset_at(root)
    other = Dataset(tmp_path)
    by_number = {stored.read_document(d).document.number: stored.read_document(d) for d in stored.documents()}
    for number in ("4937/QĐ-UBND", "62/KH-SKHCN"):
        other.write_document(by_number[number])
        refresh_links(other)
    assert target_report(tmp_path, "4937/QĐ-UBND") == objects
