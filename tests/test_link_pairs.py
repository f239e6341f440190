"""Linking two documents (pipeline/link) on documents written for the tests: a decision with its plan, and an
implementing letter, an amendment, a year's report and an unrelated plan that cite it."""
from __future__ import annotations

import pytest

from pipeline.link import link_pair
from pipeline.link.documents import subject
from pipeline.link.targets import core_text, document_period, targets_of
from pipeline.link.values import per_entity, unit_head
from tests import link_fixtures as F
from tests.helpers import document_from_text


@pytest.fixture(scope="module")
def docs():
    return {name: document_from_text(getattr(F, name.upper()), f"{name}.txt")
            for name in ("decision", "letter", "amendment", "report", "unrelated")}


def linked(pair) -> dict[str, object]:
    """target path -> its link (only links with a report unit)."""
    return {link.target.path: link for link in pair.target_links if link.report_item_id is not None}


def test_the_targets_of_a_plan_are_its_units_with_figures_and_their_period(docs):
    targets = {t.path: t for t in targets_of(docs["decision"])}
    assert set(targets) == {"I.1", "I.2", "I.3", "II.1", "II.2", "II.3"}  # II.4 sets no figure: not a target
    assert targets["I.1"].deadline_end == "2025-12-31" and targets["I.1"].deadline_from == "item"
    # no deadline of its own: the period of the plan's title ("Kế hoạch phát triển … giai đoạn 2024 - 2025"),
    # which the item inherits (a title's period counts even inside the name of the plan it issues)
    assert (targets["I.2"].deadline_start, targets["I.2"].deadline_end) == ("2024-01-01", "2025-12-31")
    assert targets["I.2"].deadline_from == "title"
    assert document_period(docs["decision"]) == ("2024-01-01", "2025-12-31")


def test_an_implementing_letter_assigns_three_tasks_to_agencies_with_deadlines(docs):
    pair = link_pair(docs["letter"], docs["decision"])
    relation = pair.document_links[0]
    assert relation.relation == "implements"
    assert any("'thuc hien' before 'Quyết định số 120/QĐ-UBND" in e for e in relation.evidence)
    links = linked(pair)
    assert set(links) == {"II.1", "II.2", "II.3"}
    expected = {"II.1": ("1", "Sở Công Thương", "2024-09-30"),
                "II.2": ("2", "Sở Thông tin và Truyền thông", "2024-06-30"),
                "II.3": ("3", "Sở Nông nghiệp và Phát triển nông thôn", "2025-12-31")}
    for path, (unit, agency, deadline) in expected.items():
        link = links[path]
        assert (link.report_path, link.relation, link.agency, link.deadline_end) == (unit, "assigns", agency, deadline)
        assert link.reasons and 0 < link.confidence <= 1
    assert links["II.1"].values["plan"] == {"2024": 10}  # the figure assigned, for the year of its deadline
    # the objectives the letter does not hand out are listed as not reported on
    unreported = {l.target.path for l in pair.target_links if l.report_item_id is None}
    assert unreported == {"I.1", "I.2", "I.3"} and all(
        l.relation is None and "reports on or assigns" in l.progress_reason for l in pair.target_links if l.report_item_id is None)


def test_an_amendment_refers_to_the_targets_it_changes_with_the_new_figure(docs):
    pair = link_pair(docs["amendment"], docs["decision"])
    assert pair.document_links[0].relation == "amends"
    assert any("sua doi" in e for e in pair.document_links[0].evidence)
    links = linked(pair)
    assert set(links) == {"I.3", "II.3"}
    assert links["I.3"].relation == "refers_to" and links["I.3"].values["amends"] == {"before": 200, "after": 300}
    assert links["II.3"].values["amends"] == {"before": 5, "after": 8}


def test_a_report_restating_a_percentage_as_a_count_gets_no_progress_and_says_why(docs):
    pair = link_pair(docs["report"], docs["decision"])
    assert pair.document_links[0].relation == "reports_on"
    links = linked(pair)
    share = links["I.1"]
    assert share.relation == "reports_on" and share.report_path == "1"
    assert share.values["target"] == 80 and share.values["actual"] == {"2024": 350} and share.values["plan"] == {"2025": 500}
    assert share.progress is None
    assert "percentage" in share.progress_reason and "350 doanh nghiệp" in share.progress_reason
    # a count against a count of the same thing: actual / target, and next year's plan
    trained = links["I.2"]
    assert trained.progress == pytest.approx(0.42) and trained.progress_year == 2024
    assert "420 of 1000 doanh nghiệp" in trained.progress_reason and "plan 2025: 580" in trained.progress_reason
    assert links["I.3"].progress == pytest.approx(0.3)


def test_a_document_that_only_cites_reports_on_nothing(docs):
    pair = link_pair(docs["unrelated"], docs["decision"])
    assert pair.document_links[0].relation == "cites"
    assert not linked(pair)
    assert len(pair.target_links) == len(targets_of(docs["decision"]))  # every target listed, none reported


def test_a_date_printed_differently_from_the_cited_documents_own_is_a_date_conflict(docs):
    text = F.LETTER.replace("ngày 15 tháng 01 năm 2024 của", "ngày 16 tháng 01 năm 2024 của")
    pair = link_pair(document_from_text(text, "letter-misdated.txt"), docs["decision"])
    conflict = [d for d in pair.document_links if d.relation == "date_conflict"]
    assert len(conflict) == 1 and (conflict[0].cited_date, conflict[0].dataset_date) == ("2024-01-16", "2024-01-15")
    assert not [d for d in link_pair(docs["letter"], docs["decision"]).document_links if d.relation == "date_conflict"]


def test_words_after_a_mention_describe_the_cited_document_not_the_relation(docs):
    # "Căn cứ Quyết định số 120 … ban hành Kế hoạch … (triển khai …)": a legal basis, not an implementation
    text = F.UNRELATED.replace("của Ủy ban nhân dân tỉnh;", "về việc triển khai thực hiện thương mại điện tử;")
    assert link_pair(document_from_text(text, "u.txt"), docs["decision"]).document_links[0].relation == "cites"


def test_small_rules():
    assert subject("VỀ BAN HÀNH KẾ HOẠCH HOẠT ĐỘNG KHOA HỌC") == "KẾ HOẠCH HOẠT ĐỘNG KHOA HỌC"
    assert subject("Về việc phê duyệt Đề án X") == "Đề án X"
    assert per_entity("Hàng năm mỗi quận, huyện có ít nhất 3 mô hình") == "quận, huyện"
    assert per_entity("Mỗi năm, 03 địa chỉ/ quận huyện") == "quận huyện"
    assert per_entity("Đào tạo 1.000 doanh nghiệp") is None
    assert unit_head("lượt cán bộ") == "can" and unit_head("tin/bài") == "tin"


def test_who_and_by_when_are_not_what_is_compared(docs):
    first = next(i for i in docs["letter"].items if i.path == "1")
    core = core_text(first)
    assert "Sở Công Thương" not in core and "30/9/2024" not in core and "10 lớp tập huấn" in core


def test_a_report_in_paragraphs_gives_actuals_and_plans_by_year(docs):
    report = document_from_text(F.REPORT_TEXT, "report-text.txt")
    pair = link_pair(report, docs["decision"])
    assert pair.document_links[0].relation == "reports_on"
    links = linked(pair)
    training = links["II.1"]
    assert (training.report_path, training.relation) == ("I.1", "reports_on")
    assert training.values["actual"] == {"2024": 6} and training.values["plan"] == {"2025": 4}
    assert training.progress == pytest.approx(0.6) and "6 of 10 lớp" in training.progress_reason
    assert links["II.2"].report_path == "I.2"  # the portal: reported, with no figure to compare


def test_a_plan_saying_in_its_body_what_it_implements(docs):
    plan = document_from_text(F.YEAR_PLAN, "year-plan.txt")
    pair = link_pair(plan, docs["decision"])
    relation = pair.document_links[0]
    assert relation.relation == "implements"
    assert any("before the cited title" in e for e in relation.evidence)
    links = linked(pair)
    assert set(links) == {"II.1", "II.3"}
    assert links["II.1"].relation == "assigns" and links["II.1"].values["plan"] == {"2024": 5}
    assert links["II.1"].deadline_end == "2024-12-31"
