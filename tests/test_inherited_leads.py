"""Inherited leads reach the dataset: the `agencies` table marks them, `tasks --agency` finds them (issue 18.4)."""
from __future__ import annotations

import pytest

from pipeline import query
from pipeline.dataset import Dataset
from pipeline.document import extract_document
from tests.test_agencies import LETTER


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    root = tmp_path_factory.mktemp("home")
    source = root / "cv-77-ubnd-2026.txt"
    source.write_text(LETTER, encoding="utf-8")
    dataset = Dataset(root)
    dataset.write_document(extract_document(source))
    dataset.refresh_views()
    return root


def test_inherited_rows_in_the_agencies_table(home):
    frame = query.run_sql(
        "SELECT i.path, a.normalized, a.role, a.inherited, h.path AS heading FROM agencies a "
        "JOIN items i USING (doc_id, item_id) LEFT JOIN items h ON h.doc_id = a.doc_id AND h.item_id = a.inherited_from "
        "WHERE a.inherited ORDER BY i.span_start", home)
    rows = [tuple(r) for r in frame[["path", "normalized", "role", "heading"]].itertuples(index=False)]
    assert ("1.a", "Sở Nội vụ", "lead", "1") in rows and ("2.a", "Sở Khoa học và Công nghệ", "lead", "2") in rows
    assert not any(path == "1.c" for path, *_ in rows)
    # an inherited lead is reviewed where it is named, not once per unit below it
    queued = query.run_sql("SELECT count(*) AS n FROM review_queue r JOIN agencies a "
                           "ON a.doc_id = r.doc_id AND a.item_id = r.item_id AND a.agency_no = r.fact_no "
                           "WHERE r.what = 'agency' AND a.inherited", home)
    assert int(queued["n"][0]) == 0


def test_tasks_by_agency_find_the_units_of_the_heading_that_names_it(home):
    frame = query.tasks(home, agency="so noi vu")
    by_path = {r["path"]: r for r in query.records(frame)}
    assert {"1.a", "1.b.-1", "1.b.-2", "1.d"} <= set(by_path)
    assert by_path["1.a"]["lead"] == "Sở Nội vụ" and by_path["1.a"]["lead_inherited"] is True
    own = query.records(query.tasks(home, agency="so xay dung"))
    assert [(r["path"], r["lead"], r["lead_inherited"]) for r in own] == [("1.c", "Sở Xây dựng", False)]
