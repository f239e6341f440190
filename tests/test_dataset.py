"""The dataset: tables flattened from Documents, atomic per-document replacement, recovery, lock, views."""
from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pyarrow as pa
import pytest

from pipeline import dataset
from pipeline.dataset import Dataset, LockBusy, load
from pipeline.dataset import store as store_module
from pipeline.dataset.tables import (
    DOCUMENT_TABLES,
    TABLES,
    VIEWS,
    TableSchemaError,
    rows_for_document,
    schema_files,
    validate_table,
)
from pipeline.document import extract_document
from pipeline.model import Document

ROOT = Path(__file__).resolve().parents[1]

PLAN = """ỦY BAN NHÂN DÂN
TỈNH NAM ĐỊNH SƠN
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: {number}/KH-UBND
Nam Định Sơn, ngày 10 tháng 3 năm 2024

KẾ HOẠCH
Hỗ trợ doanh nghiệp đổi mới sáng tạo năm 2024

Căn cứ Quyết định số 12/QĐ-UBND ngày 01/02/2024 của Ủy ban nhân dân tỉnh về chương trình hỗ trợ doanh nghiệp;

I. MỤC TIÊU
1. Hỗ trợ {count} doanh nghiệp đổi mới công nghệ trong Quý II/2024.
2. Đào tạo ít nhất 50 cán bộ quản lý.
II. NHIỆM VỤ
1. Sở Khoa học và Công nghệ chủ trì, phối hợp với Sở Tài chính tổ chức hội thảo trước ngày 30/6/2024.
2. Xây dựng cơ sở dữ liệu doanh nghiệp.
STT\tNội dung\tThời hạn\tĐơn vị chủ trì
1\tKhảo sát nhu cầu\tQuý II/2024\tSở Công Thương
2\tTổ chức tập huấn\tQuý III/2024\tSở Tài chính
{extra}III. TỔ CHỨC THỰC HIỆN
Sở Kế hoạch và Đầu tư theo dõi, báo cáo kết quả thực hiện theo quy định của Quyết định số 12/QĐ-UBND.

Nơi nhận:
- Như trên;
- Lưu: VT.
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Nguyễn Văn An
"""


def make_document(tmp_path: Path, name: str = "plan.txt", number: int = 45, count: int = 100, extra: str = "") -> Document:
    path = tmp_path / "inbox" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(PLAN.format(number=number, count=count, extra=extra), encoding="utf-8")
    return extract_document(path)


@pytest.fixture(scope="module")
def plan(tmp_path_factory) -> Document:
    return make_document(tmp_path_factory.mktemp("docs"))


def expected_counts(doc: Document) -> dict[str, int]:
    return {
        "documents": 1,
        "items": len(doc.items),
        "quantities": sum(len(i.quantities) for i in doc.items),
        "deadlines": sum(1 for i in doc.items if (i.effective_deadline or i.deadline) is not None),
        "agencies": sum(len(i.agencies) for i in doc.items),
        "citations": len(doc.citations),
        "table_rows": sum(1 for i in doc.items if i.kind == "table_row"),
        "links": len(doc.links),
        "tokens": 0,  # documents written without tokens (tests/test_tokens.py writes them with)
    }


def table_rows(home: Path, name: str, doc_id: str | None = None) -> list[dict]:
    frame = load(name, home=home)
    if doc_id is not None:
        frame = frame[frame["doc_id"] == doc_id]
    return json.loads(frame.drop(columns=["processed_at"], errors="ignore").to_json(orient="records", date_format="iso"))


def snapshot(home: Path) -> dict[str, list[dict]]:
    return {name: sorted(table_rows(home, name), key=json.dumps) for name in DOCUMENT_TABLES}


# --------------------------------------------------------------------------
# Tables and schemas
# --------------------------------------------------------------------------
def test_the_sample_plan_has_every_kind_of_fact(plan):
    counts = expected_counts(plan)
    assert counts["quantities"] >= 2 and counts["deadlines"] >= 1 and counts["citations"] >= 1
    assert counts["table_rows"] == 2
    assert any(q.value == 100 for i in plan.items for q in i.quantities)


def test_rows_for_document_match_the_document_and_the_schemas(plan):
    tables = rows_for_document(plan, archived_as="raw_docs/archive/x.txt", original_names=["a.txt"],
                               processed_at="2024-05-01T08:00:00")
    assert {name: t.num_rows for name, t in tables.items()} == expected_counts(plan)
    for name, table in tables.items():
        validate_table(name, table)
    row = tables["documents"].to_pylist()[0]
    assert row["doc_id"] == plan.document.source.sha256
    assert row["original_names"] == ["a.txt", "plan.txt"]
    assert str(row["issued_date"]) == "2024-03-10" and row["number"] == "45/KH-UBND"
    citation = tables["citations"].to_pylist()[0]
    assert citation["number"] == "12/QĐ-UBND" and str(citation["issued_date"]) == "2024-02-01"
    assert citation["n_mentions"] == 2 and "legal_basis" in citation["contexts"]
    cells = [json.loads(r["cells_json"]) for r in tables["table_rows"].to_pylist()]
    assert cells[0]["Đơn vị chủ trì"] == "Sở Công Thương"
    stated = {r["item_id"]: r for r in tables["deadlines"].to_pylist() if r["stated"]}
    assert any(str(r["end"]) == "2024-06-30" for r in stated.values())


def test_committed_schema_files_are_in_step_with_the_tables():
    folder = ROOT / "schemas" / "tables"
    for file_name, text in schema_files().items():
        assert (folder / file_name).read_text(encoding="utf-8") == text, (
            f"{file_name} is stale: run python -c 'from pipeline.dataset import write_table_schemas; "
            "write_table_schemas(\"schemas/tables\")'"
        )
    assert {p.name for p in folder.glob("*.schema.json")} == set(schema_files())


def test_validate_table_refuses_wrong_columns_types_nulls_and_duplicate_keys(plan):
    good = rows_for_document(plan, processed_at="2024-05-01T08:00:00")["quantities"]
    with pytest.raises(TableSchemaError, match="missing columns \\['unit'\\]"):
        validate_table("quantities", good.drop_columns(["unit"]))
    retyped = good.set_column(good.schema.get_field_index("value"), "value", good.column("value").cast(pa.string()))
    with pytest.raises(TableSchemaError, match="column 'value' is string, the schema says double"):
        validate_table("quantities", retyped)
    nulls = good.set_column(good.schema.get_field_index("raw"), "raw", pa.array([None] * good.num_rows, pa.string()))
    with pytest.raises(TableSchemaError, match="'raw' has nulls"):
        validate_table("quantities", nulls)
    with pytest.raises(TableSchemaError, match="duplicate keys"):
        validate_table("quantities", pa.concat_tables([good, good]))


def test_a_schema_mismatch_is_refused_on_write_and_leaves_nothing(tmp_path, plan, monkeypatch):
    ds = Dataset(tmp_path)

    def bad_rows(doc, **kwargs):
        tables = rows_for_document(doc, **kwargs)
        tables["items"] = tables["items"].drop_columns(["path"])
        return tables

    monkeypatch.setattr(store_module, "rows_for_document", bad_rows)
    with pytest.raises(TableSchemaError, match="'items' does not match its schema"):
        ds.write_document(plan)
    assert ds.documents() == [] and ds.verify() == []
    assert not any(ds.staging_dir.iterdir())


# --------------------------------------------------------------------------
# Writing, idempotence, replacement
# --------------------------------------------------------------------------
def test_written_rows_per_table_match_the_document(tmp_path, plan):
    ds = Dataset(tmp_path)
    result = ds.write_document(plan, original_names=["Kế hoạch 45.txt"], archived_as="raw_docs/archive/p.txt")
    assert result.status == "added" and result.rows == expected_counts(plan)
    assert ds.documents() == [plan.document.source.sha256]
    assert ds.has_document(result.doc_id, plan.pipeline_version)
    assert not ds.has_document(result.doc_id, "0.0.0-other")
    frames = load(home=tmp_path)
    for name, count in expected_counts(plan).items():
        assert len(frames[name]) == count, name
    assert ds.read_document(result.doc_id) == plan
    assert ds.verify() == []


def test_writing_the_same_document_twice_is_one_document_with_unchanged_rows(tmp_path, plan):
    ds = Dataset(tmp_path)
    ds.write_document(plan)
    before = snapshot(tmp_path)
    stamp = load("documents", home=tmp_path)["processed_at"].tolist()
    again = ds.write_document(plan)
    assert again.status == "unchanged"
    assert snapshot(tmp_path) == before
    assert load("documents", home=tmp_path)["processed_at"].tolist() == stamp  # not even rewritten


def test_the_same_file_under_another_name_adds_the_name_not_a_document(tmp_path, plan):
    ds = Dataset(tmp_path)
    ds.write_document(plan, original_names=["first.txt"])
    result = ds.write_document(plan, original_names=["second copy.txt"])
    assert result.status == "replaced"
    documents = load("documents", home=tmp_path)
    assert len(documents) == 1
    assert list(documents.loc[0, "original_names"]) == ["first.txt", "plan.txt", "second copy.txt"]


def test_replacing_a_document_replaces_all_its_rows_as_a_unit(tmp_path, plan):
    ds = Dataset(tmp_path)
    other = make_document(tmp_path, name="other.txt", number=46)
    ds.write_document(plan)
    ds.write_document(other)
    other_rows = {name: table_rows(tmp_path, name, other.document.source.sha256) for name in DOCUMENT_TABLES}
    # The same source re-extracted differently (a newer pipeline): fewer items, other values.
    changed = plan.model_copy(deep=True)
    changed.pipeline_version = "9.9.9"
    changed.items = [i for i in changed.items if i.kind != "table_row"]
    changed.items[1].quantities[0].value = 123.0
    changed.citations = []
    result = ds.write_document(changed)
    assert result.status == "replaced"
    doc_id = plan.document.source.sha256
    for name, count in expected_counts(changed).items():
        assert len(table_rows(tmp_path, name, doc_id)) == count, name
    assert {q["value"] for q in table_rows(tmp_path, "quantities", doc_id)} >= {123.0}
    assert table_rows(tmp_path, "documents", doc_id)[0]["pipeline_version"] == "9.9.9"
    # The other document is untouched.
    assert {name: table_rows(tmp_path, name, other.document.source.sha256) for name in DOCUMENT_TABLES} == other_rows
    assert ds.verify() == []


def test_remove_document(tmp_path, plan):
    ds = Dataset(tmp_path)
    ds.write_document(plan)
    assert ds.remove_document(plan.document.source.sha256)
    assert not ds.remove_document(plan.document.source.sha256)
    assert all(len(load(name, home=tmp_path)) == 0 for name in DOCUMENT_TABLES)


# --------------------------------------------------------------------------
# Views
# --------------------------------------------------------------------------
def test_views_work_on_an_empty_dataset_with_the_schema_columns(tmp_path):
    Dataset(tmp_path).refresh_views()  # what a first run does before any document is stored
    frames = load(home=tmp_path)
    assert set(frames) == {*DOCUMENT_TABLES, "review_queue", "corrections", "correction_status", "corrections_unapplied",
                           "citation_checks", "document_links", "target_links", "link_correction_status"}
    for name, frame in frames.items():
        spec = TABLES.get(name) or VIEWS[name]
        assert list(frame.columns) == [c for c, *_ in spec.columns], name
        assert len(frame) == 0
    con = dataset.connect(tmp_path)
    assert con.sql("SELECT count(*) FROM items").fetchall() == [(0,)]
    types = {row[0]: row[1] for row in con.sql("DESCRIBE documents").fetchall()}
    assert (types["pages"], types["issued_date"], types["original_names"]) == ("INTEGER", "DATE", "VARCHAR[]")


def test_reading_a_place_without_a_dataset_refuses_and_writes_nothing(tmp_path):
    from pipeline.dataset import NoDataset

    missing = tmp_path / "mistyped"
    with pytest.raises(NoDataset, match=f"no dataset at {missing}"):
        load("items", home=missing)
    with pytest.raises(NoDataset):
        dataset.connect(missing)
    assert not missing.exists()


def test_duckdb_file_is_read_only_and_sees_documents_written_after_refresh(tmp_path, plan):
    ds = Dataset(tmp_path)
    ds.refresh_views()  # built while empty
    ds.write_document(plan)
    con = dataset.connect(tmp_path)
    assert con.execute("SELECT count(*) FROM items").fetchall() == [(len(plan.items),)]
    with pytest.raises(Exception, match="read-only"):
        con.execute("CREATE TABLE x (a INTEGER)")
    frames = load(home=tmp_path)
    for name in DOCUMENT_TABLES:
        assert list(frames[name].columns) == [c for c, *_ in TABLES[name].columns]


def test_documents_of_an_older_layout_are_read_by_column_name_until_rebuilt(tmp_path, plan):
    """The views read every folder by column name only while a document of another layout is stored;
    with one layout they take the columns from the template (DuckDB then opens no file to bind a view)."""
    import pyarrow.parquet as pq

    other = make_document(tmp_path, "other.txt", number=46, count=7)
    ds = Dataset(tmp_path)
    ds.write_document(plan)
    ds.write_document(other)
    ds.refresh_views()
    con = dataset.connect(tmp_path)
    view = "SELECT sql FROM duckdb_views() WHERE view_name = ?"
    assert "union_by_name = false" in con.execute(view, ["items"]).fetchone()[0]
    assert "union_by_name = true" in con.execute(view, ["corrections"]).fetchone()[0]
    con.close()
    # `other` as an older pipeline stored it: one column fewer, its manifest naming the older layout
    folder = ds.doc_dir(other.document.source.sha256)
    items = pq.read_table(folder / "items.parquet")
    pq.write_table(items.drop_columns(["confidence"]), folder / "items.parquet")
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["schema_version"] = "older"
    (folder / "manifest.json").write_text(json.dumps(manifest))
    con = dataset.connect(tmp_path)  # decree.duckdb was built for one layout: not used now
    rows = con.execute("SELECT doc_id, count(*), count(confidence) FROM items GROUP BY 1 ORDER BY 2").fetchall()
    assert sorted(rows) == sorted([(other.document.source.sha256, len(other.items), 0),
                                   (plan.document.source.sha256, len(plan.items), len(plan.items))])
    con.close()
    ds.refresh_views()
    assert dataset.connect(tmp_path).execute("SELECT count(*) FROM items").fetchone() == (len(plan.items) + len(other.items),)


def test_review_queue_lists_low_confidence_facts_least_confident_first(tmp_path, plan):
    doc = plan.model_copy(deep=True)
    doc.items[1].quantities[0].confidence = 0.3
    doc.items[1].quantities[0].reasons = ["unit guessed"]
    doc.items[2].confidence = 0.5
    ds = Dataset(tmp_path)
    ds.write_document(doc)
    queue = load("review_queue", home=tmp_path)
    assert queue["confidence"].tolist() == sorted(queue["confidence"].tolist())
    assert queue["confidence"].max() < 0.8
    first = queue.iloc[0]
    assert (first["what"], first["item_id"], first["fact_no"], first["confidence"]) == ("quantity", doc.items[1].id, 0, 0.3)
    assert list(first["reasons"]) == ["unit guessed"]
    assert ((queue["what"] == "item") & (queue["item_id"] == doc.items[2].id)).any()


def test_corrections_are_appended_and_never_rewritten(tmp_path, plan):
    ds = Dataset(tmp_path)
    ds.write_document(plan)
    doc_id = plan.document.source.sha256
    first = ds.append_correction(who="lan", doc_id=doc_id, item_id="i0002", field="quantities[0].value",
                                 action="set", before=100, after=120, note="typo in the scan")
    first_file = ds.corrections_dir / f"{first}.parquet"
    first_bytes, first_mtime = first_file.read_bytes(), first_file.stat().st_mtime_ns
    second = ds.append_correction(who="minh", doc_id=doc_id, field="issued_date", action="confirm")
    corrections = load("corrections", home=tmp_path).sort_values("at")
    assert corrections["correction_id"].tolist() == [first, second]
    row = corrections.iloc[0]
    assert (row["who"], row["item_id"], json.loads(row["before"]), json.loads(row["after"])) == ("lan", "i0002", 100, 120)
    assert first_file.read_bytes() == first_bytes and first_file.stat().st_mtime_ns == first_mtime
    # Rewriting the document does not touch corrections.
    ds.remove_document(doc_id)
    assert len(load("corrections", home=tmp_path)) == 2
    with pytest.raises(dataset.DatasetError, match="action must be one of"):
        ds.append_correction(who="x", doc_id=doc_id, field="f", action="overwrite")


# --------------------------------------------------------------------------
# Crashes and recovery
# --------------------------------------------------------------------------
class Crash(BaseException):
    """Stands for SIGKILL: not an Exception, so no cleanup handler runs."""


@pytest.mark.parametrize("crash_at", ["write_parquet", "rename_1", "rename_2", "remove_tree"])
def test_recover_after_a_crash_at_each_step_of_a_replacement(tmp_path, plan, monkeypatch, crash_at):
    ds = Dataset(tmp_path)
    ds.write_document(plan)
    old = snapshot(tmp_path)
    changed = plan.model_copy(deep=True)
    changed.pipeline_version = "9.9.9"
    changed.items = changed.items[:3]

    calls = {"rename": 0}
    real_rename, real_remove, real_parquet = ds.files.rename_dir, ds.files.remove_tree, ds.files.write_parquet

    def rename_dir(src, dst):
        calls["rename"] += 1
        if crash_at == f"rename_{calls['rename']}":
            raise Crash
        real_rename(src, dst)

    def remove_tree(path):
        if crash_at == "remove_tree":
            raise Crash
        real_remove(path)

    def write_parquet(path, table):
        if crash_at == "write_parquet" and path.name == "agencies.parquet":
            raise Crash
        real_parquet(path, table)

    monkeypatch.setattr(ds.files, "rename_dir", rename_dir)
    monkeypatch.setattr(ds.files, "remove_tree", remove_tree)
    monkeypatch.setattr(ds.files, "write_parquet", write_parquet)
    with pytest.raises(Crash):
        ds.write_document(changed)
    assert ds.verify() != []  # the crash left staging or trash behind

    fresh = Dataset(tmp_path)  # a new run
    with fresh.lock():
        pass  # recovery runs here
    assert fresh.verify() == []
    after = snapshot(tmp_path)
    if crash_at == "remove_tree":  # the new copy was already in place: the replacement is finished
        assert after["documents"][0]["pipeline_version"] == "9.9.9"
        assert len(after["items"]) == 3
    else:  # rolled back to the old copy, complete
        assert after == old
    assert fresh.write_document(changed).status in {"replaced", "unchanged"}
    assert len(load("items", home=tmp_path)) == 3 and fresh.verify() == []


def test_recover_handles_leftovers_laid_out_by_hand(tmp_path, plan):
    ds = Dataset(tmp_path)
    ds.write_document(plan)
    doc_id = plan.document.source.sha256
    live = ds.doc_dir(doc_id)
    old = snapshot(tmp_path)
    # A half-written staging folder, and the live folder moved to trash with no replacement.
    half = ds.staging_dir / f"{doc_id}.abc"
    half.mkdir()
    (half / "items.parquet").write_bytes(b"PAR1 half")
    os.rename(live, ds.trash_dir / f"{doc_id}.abc.replaced")
    assert ds.documents() == []
    done = Dataset(tmp_path).recover()
    assert done == [f"removed unfinished staging {doc_id}.abc", f"restored {doc_id} (replacement interrupted)"]
    assert ds.verify() == [] and snapshot(tmp_path) == old
    # Both copies left (crash after the new folder went live): the old one goes, the new one stays.
    (ds.trash_dir / f"{doc_id}.old.replaced").mkdir()
    assert ds.recover() == [f"removed old copy {doc_id}.old.replaced"]
    assert ds.verify() == [] and snapshot(tmp_path) == old
    # A removal interrupted after its commit point stays removed.
    os.rename(live, ds.trash_dir / f"{doc_id}.def.removed")
    with Dataset(tmp_path).lock():
        pass
    assert ds.documents() == [] and ds.verify() == []


CHILD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from pipeline.dataset import Dataset
    from pipeline.model import Document
    home, docs = sys.argv[1], [Document.model_validate_json(Path(p).read_bytes()) for p in sys.argv[2:]]
    ds = Dataset(home)
    with ds.lock():
        print("locked", flush=True)
        run = 0
        while True:
            for doc in docs:  # every write changes archive_path, so every write is a real replacement
                ds.write_document(doc, archived_as=f"archive/{run}")
                run += 1
""")


def test_a_batch_killed_with_sigkill_at_random_points_recovers_consistent(tmp_path, plan):
    docs = [plan, make_document(tmp_path, name="b.txt", number=47, count=7),
            make_document(tmp_path, name="c.txt", number=48, count=9)]
    files = []
    for n, doc in enumerate(docs):
        files.append(tmp_path / f"doc{n}.json")
        files[-1].write_text(doc.model_dump_json(), encoding="utf-8")
    rng = random.Random(6)
    for _ in range(4):
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path), *map(str, files)],
                                 stdout=subprocess.PIPE, cwd=ROOT)
        assert child.stdout.readline().strip() == b"locked"
        time.sleep(rng.uniform(0.05, 0.4))
        child.send_signal(signal.SIGKILL)
        child.wait()
        ds = Dataset(tmp_path)
        with ds.lock():
            pass
        assert ds.verify() == []
        assert set(ds.documents()) <= {d.document.source.sha256 for d in docs}
        counts = {name: len(load(name, home=tmp_path)) for name in DOCUMENT_TABLES}
        expected = {name: sum(expected_counts(d)[name] for d in docs if ds.has_document(d.document.source.sha256))
                    for name in DOCUMENT_TABLES}
        assert counts == expected
    # The re-run completes the batch.
    for doc in docs:
        ds.write_document(doc)
    assert len(ds.documents()) == 3 and ds.verify() == []


# --------------------------------------------------------------------------
# Lock
# --------------------------------------------------------------------------
def test_the_lock_refuses_a_second_writer_in_this_process(tmp_path, plan):
    first, second = Dataset(tmp_path), Dataset(tmp_path)
    with first.lock():
        with pytest.raises(LockBusy, match=f"another decree run is writing to .*extracted \\(pid {os.getpid()}\\)"):
            with second.lock(timeout=0.2):
                pass
        first.write_document(plan)  # re-entrant for the holder
    with second.lock(timeout=0.2):
        pass


def test_the_lock_refuses_a_writer_while_another_process_holds_it(tmp_path, plan):
    code = "import sys, time; from pipeline.dataset import Dataset\n" \
           "with Dataset(sys.argv[1]).lock():\n    print('locked', flush=True); time.sleep(30)"
    child = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE, cwd=ROOT)
    try:
        assert child.stdout.readline().strip() == b"locked"
        with pytest.raises(LockBusy, match=f"another decree run is writing to .* \\(pid {child.pid}\\)"):
            Dataset(tmp_path, lock_timeout=0.3).write_document(plan)
    finally:
        child.kill()
        child.wait()
    assert Dataset(tmp_path, lock_timeout=2).write_document(plan).status == "added"


def test_a_home_is_a_local_folder(tmp_path):
    # A shared store is the dataset's location (tests/test_dataset_remote.py), never the home.
    with pytest.raises(dataset.DatasetError, match="a home folder must be a local path"):
        Dataset("s3://bucket/decree")
    assert Dataset(f"file://{tmp_path}").root == tmp_path.resolve() / "extracted"


def test_citation_checks_compare_a_cited_date_with_the_cited_document(tmp_path):
    from pipeline.dataset import Dataset, load
    from tests.helpers import document_from_text
    from tests.test_segment import PLAN  # a decision 77/QĐ-UBND of 12/01/2021 with its attached plan

    citing = """KẾ HOẠCH
Số: 9/KH-SVHDL
Hà Sơn, ngày 01 tháng 3 năm 2021
Triển khai phát triển du lịch năm 2021
Căn cứ Quyết định số 77/QĐ-UBND ngày 15 tháng 01 năm 2021 của Ủy ban nhân dân tỉnh;
Căn cứ Quyết định số 88/QĐ-UBND ngày 02 tháng 02 năm 2021 của Ủy ban nhân dân tỉnh;
I. NHIỆM VỤ
1. Đón 500.000 lượt khách.
"""
    dataset = Dataset(tmp_path)
    with dataset.lock():
        dataset.write_document(document_from_text(PLAN, "qd-77.txt"))
        dataset.write_document(document_from_text(citing, "kh-9.txt"))
        dataset.refresh_views()
    checks = load("citation_checks", home=tmp_path)
    assert len(checks) == 1  # 88/QĐ-UBND is not in the dataset
    row = checks.iloc[0]
    assert row["number"] == "77/QĐ-UBND" and row["status"] == "disagree"
    assert str(row["cited_date"])[:10] == "2021-01-15" and str(row["dataset_date"])[:10] == "2021-01-12"
