"""Links in the dataset (pipeline/link/refresh.py): pairs recomputed when either document arrives or changes, in
any order; the views, the review queue, maintainers' decisions that survive re-runs; both stores; the
`decree targets` command and the review site's /targets page."""
from __future__ import annotations

import json
import re
import uuid

import fsspec
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.dataset import Dataset, dataset_at, load
from pipeline.link.refresh import pair_key, record_link_decision, refresh_links
from pipeline.link.report import target_report
from pipeline.review.app import create_app
from tests import link_fixtures as F
from tests.helpers import document_from_text


@pytest.fixture(scope="module")
def docs():
    return {name: document_from_text(getattr(F, name.upper()), f"{name}.txt")
            for name in ("decision", "letter", "report")}


def link_table(dataset) -> list[tuple]:
    con = dataset.connect()
    try:
        return con.execute("""SELECT target_path, report_path, relation, agency, values_json, progress, confidence, review
                              FROM target_links ORDER BY ALL""").fetchall()
    finally:
        con.close()


def store(tmp_path, docs, order) -> Dataset:
    dataset = Dataset(tmp_path)
    for name in order:
        dataset.write_document(docs[name])
        refresh_links(dataset)
    return dataset


def test_the_order_of_arrival_does_not_change_the_links(tmp_path, docs):
    plan_first = store(tmp_path / "a", docs, ["decision", "letter", "report"])
    reports_first = store(tmp_path / "b", docs, ["report", "letter"])
    assert link_table(reports_first) == []  # nothing to link while the decision is missing
    refresh_links(reports_first)
    assert link_table(reports_first) == []
    reports_first.write_document(docs["decision"])
    result = refresh_links(reports_first)
    assert len(result.computed) == 2  # both pairs appear when the decision arrives
    assert link_table(plan_first) == link_table(reports_first) and len(link_table(plan_first)) > 6
    assert refresh_links(reports_first).unchanged == 2 and not refresh_links(reports_first).computed


def test_a_rewritten_or_removed_document_updates_its_pairs(tmp_path, docs):
    dataset = store(tmp_path, docs, ["decision", "report"])
    key = pair_key(docs["report"].document.source.sha256, docs["decision"].document.source.sha256)
    assert set(dataset.link_pairs()) == {key}
    # reprocessing the report with other figures recomputes the pair
    changed = document_from_text(F.REPORT.replace("420 doanh nghiệp", "450 doanh nghiệp"), "report.txt")
    assert changed.document.source.sha256 != docs["report"].document.source.sha256  # another file, another pair
    dataset.remove_document(docs["report"].document.source.sha256)
    assert len(load("target_links", home=tmp_path)) == 0  # the pair is hidden at once …
    dataset.write_document(changed)
    result = refresh_links(dataset)
    assert result.removed == [key] and len(result.computed) == 1  # … and deleted by the next refresh
    progress = {r["target_path"]: r["progress"] for r in load("target_links", home=tmp_path).to_dict("records")}
    assert progress["I.2"] == pytest.approx(0.45)


def test_views_and_the_review_queue(tmp_path, docs):
    dataset = store(tmp_path, docs, ["decision", "letter", "report"])
    frames = load(home=tmp_path)
    relations = dict(zip(frames["document_links"]["citing_number"], frames["document_links"]["relation"]))
    assert relations == {"350/UBND-KT": "implements", "85/BC-SCT": "reports_on"}
    links = frames["target_links"]
    assert set(links["relation"].dropna()) == {"assigns", "reports_on"}
    low = links[(links["confidence"] < 0.8) & links["relation"].notna()]
    queue = frames["review_queue"]
    assert len(queue[queue["what"] == "target_link"]) == len(low) > 0
    assert queue[queue["what"] == "target_link"]["value"].str.contains("→").all()
    assert "target_links" in {t for t in dataset.connect().execute("SHOW TABLES").fetchnumpy()["name"]}


def test_a_maintainers_decision_on_a_link_survives_recomputation(tmp_path, docs):
    dataset = store(tmp_path, docs, ["decision", "report"])
    citing, cited = docs["report"].document.source.sha256, docs["decision"].document.source.sha256
    rows = {r["target_path"]: r for r in load("target_links", home=tmp_path).to_dict("records")}
    wrong = rows["II.1"]  # the report's 2025 task, linked to task II.1
    right = rows["I.2"]
    record_link_decision(dataset, who="lan", what="target_link", citing_doc_id=citing, cited_doc_id=cited,
                         link_no=int(wrong["link_no"]), action="reject")
    record_link_decision(dataset, who="lan", what="target_link", citing_doc_id=citing, cited_doc_id=cited,
                         link_no=int(right["link_no"]), action="accept")

    def state():
        rows = {r["target_path"]: r for r in load("target_links", home=tmp_path).to_dict("records")}
        return rows["II.1"]["review"], rows["I.2"]["review"], rows["I.2"]["confidence"]

    assert state() == ("rejected", "accepted", 1.0)
    objects = {o["target_path"]: o for o in target_report(tmp_path, "120/QĐ-UBND")}
    assert objects["II.1"]["report_doc"] is None and "rejected" in objects["II.1"]["progress_reason"]
    # re-running, re-linking from scratch, rewriting the report: the decisions stay
    dataset.write_document(docs["report"], original_names=["again.txt"])
    refresh_links(dataset)
    for folder in (tmp_path / "extracted" / "links").iterdir():
        (folder / "pair.json").unlink()  # force a full recomputation
    refresh_links(dataset)
    assert state() == ("rejected", "accepted", 1.0)
    statuses = load("link_correction_status", home=tmp_path)
    assert list(statuses["status"]) == ["applied", "applied"]
    assert len(load("corrections_unapplied", home=tmp_path)) == 0
    assert len(load("correction_status", home=tmp_path)) == 0  # a link decision is not a fact of the document
    queue = load("review_queue", home=tmp_path)
    assert not ((queue["what"] == "target_link") & (queue["item_id"] == wrong["report_item_id"])).any()


def test_the_shared_store_holds_the_links_too(docs):
    url = f"memory://decree-{uuid.uuid4().hex}"
    try:
        dataset = dataset_at(".", url)
        for name in ("report", "decision"):
            dataset.write_document(docs[name])
        assert len(refresh_links(dataset).computed) == 1
        assert refresh_links(dataset).unchanged == 1
        links = load("target_links", location=url)
        assert set(links["relation"].dropna()) >= {"reports_on"} and len(load("document_links", location=url)) == 1
        dataset.remove_document(docs["report"].document.source.sha256)
        assert len(load("target_links", location=url)) == 0
        assert refresh_links(dataset).removed and not dataset.link_pairs()
    finally:
        fs = fsspec.filesystem("memory")
        if fs.exists(url):
            fs.rm(url, recursive=True)


@pytest.fixture(scope="module")
def home(tmp_path_factory, docs):
    root = tmp_path_factory.mktemp("home")
    dataset = store(root, docs, ["letter", "decision", "report"])
    dataset.refresh_views()
    return root


def test_decree_targets_json_has_one_object_per_link_and_the_unreported_targets(home):
    result = CliRunner().invoke(app, ["targets", "--home", str(home), "--doc", "120/QĐ-UBND", "--json"])
    assert result.exit_code == 0, result.output
    objects = json.loads(result.stdout)
    required = {"target_doc", "target_path", "target_text", "report_doc", "report_path", "report_text", "relation",
                "agency", "deadline_end", "values", "progress", "confidence"}
    assert all(required <= set(o) for o in objects)
    by = {(o["target_path"], o["report_doc"]): o for o in objects}
    assigned = by[("II.1", "350/UBND-KT")]
    assert (assigned["relation"], assigned["agency"], assigned["deadline_end"]) == ("assigns", "Sở Công Thương", "2024-09-30")
    report = by[("I.3", "85/BC-SCT")]
    assert report["values"]["actual"] == {"2024": 60} and report["values"]["plan"] == {"2025": 140}
    assert report["progress"] == pytest.approx(0.3) and report["target_doc"] == "120/QĐ-UBND"
    # the report's number finds the same links from the other side
    other = json.loads(CliRunner().invoke(app, ["targets", "--home", str(home), "--doc", "85/BC-SCT", "--json"]).stdout)
    assert {o["report_doc"] for o in other} == {"85/BC-SCT"}


def test_decree_targets_table_csv_and_chart(home, tmp_path):
    runner = CliRunner()
    table = runner.invoke(app, ["targets", "--home", str(home)], env={"COLUMNS": "200"})
    assert table.exit_code == 0 and "120/QĐ-UBND — targets" in table.stdout and "42 %" in table.stdout
    assert "not computed: the target is a percentage" in table.stdout
    csv = runner.invoke(app, ["targets", "--home", str(home), "--csv"])
    assert csv.stdout.splitlines()[0].startswith("target_doc,target_doc_id,target_path")
    svg, png = tmp_path / "t.svg", tmp_path / "t.png"
    assert runner.invoke(app, ["targets", "--home", str(home), "--plot", str(svg)]).exit_code == 0
    text = svg.read_text(encoding="utf-8")
    assert text.startswith("<svg") and "2024" in text and "2025" in text and "42 %" in text and "style=" not in text
    assert runner.invoke(app, ["targets", "--home", str(home), "--doc", "120/QĐ-UBND", "--plot", str(png)]).exit_code == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    bad = runner.invoke(app, ["targets", "--home", str(home), "--plot", str(tmp_path / "t.gif")])
    assert bad.exit_code == 1 and ".svg or .png" in bad.output
    missing = runner.invoke(app, ["targets", "--home", str(home), "--doc", "999/QĐ-XX"])
    assert missing.exit_code == 1 and "no document" in missing.output


def test_the_review_sites_targets_page_shows_the_chart_and_records_decisions(tmp_path, docs):
    dataset = store(tmp_path, docs, ["decision", "report"])
    client = TestClient(create_app(tmp_path, who="lan"))
    page = client.get("/targets")
    assert page.status_code == 200 and "<svg" in page.text and "reports_on" in page.text
    form = dict(re.findall(r'name="(csrf|what|citing|cited|link_no|action|doc)" value="([^"]*)"',
                           page.text.split('id="target-links"')[1].split("</form>")[0]))
    assert form["action"] == "accept"
    answer = client.post("/targets/decide", data=form, follow_redirects=False)
    assert answer.status_code == 303
    rows = load("target_links", home=tmp_path)
    assert (rows["review"] == "accepted").sum() == 1
    assert client.post("/targets/decide", data={**form, "csrf": "0" * 64}).status_code == 403
    corrections = client.get("/corrections").text
    assert "target_link" in corrections and "applied" in corrections
    assert dataset.verify() == []
