"""Researchers' commands: `decree query` (read-only SQL), `decree tasks` (the task table), `decree export`.

A small dataset of three decree-style texts written for these tests: two plans (2018, 2024)
and a decision (2019); the 2018 plan and the decision cite Quyết định số 4937/QĐ-UBND.
Every question of docs/QUERIES.md is answered here, with the command or the function.
"""
from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
import typer
from typer.testing import CliRunner

from pipeline import query
from pipeline.dataset import Dataset, connect
from pipeline.document import extract_document
from pipeline.query_cli import register

PLAN_2018 = """ỦY BAN NHÂN DÂN
THÀNH PHỐ HỒ CHÍ MINH
SỞ KHOA HỌC VÀ CÔNG NGHỆ
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 62/KH-SKHCN
Thành phố Hồ Chí Minh, ngày 08 tháng 01 năm 2018
KẾ HOẠCH
Hỗ trợ doanh nghiệp đổi mới sáng tạo năm 2018
Căn cứ Quyết định số 4937/QĐ-UBND ngày 30 tháng 9 năm 2016 của Ủy ban nhân dân Thành phố về chương trình hỗ trợ doanh nghiệp;
I. MỤC TIÊU
1. Hỗ trợ 3.000 doanh nghiệp đổi mới công nghệ trong Quý II/2018.
2. Đào tạo kỹ năng quản trị cho 500 cán bộ quản lý trước ngày 31/12/2018.
II. NHIỆM VỤ
1. Sở Khoa học và Công nghệ chủ trì, phối hợp với Sở Tài chính thực hiện các nhiệm vụ sau:
a) Tổ chức 12 hội thảo chuyên đề trong năm 2018.
b) Hỗ trợ 200 doanh nghiệp xây dựng thương hiệu trước ngày 30/9/2018.
2. Sở Công Thương chủ trì xây dựng cơ sở dữ liệu doanh nghiệp trước ngày 30/6/2018.
III. TỔ CHỨC THỰC HIỆN
Sở Kế hoạch và Đầu tư theo dõi, báo cáo kết quả thực hiện theo Quyết định số 4937/QĐ-UBND.
Nơi nhận:
- Như trên;
- Lưu: VT.
KT. GIÁM ĐỐC
PHÓ GIÁM ĐỐC
Nguyễn Văn An
"""

PLAN_2024 = """ỦY BAN NHÂN DÂN
TỈNH BÌNH AN
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 45/KH-UBND
Bình An, ngày 15 tháng 3 năm 2024
KẾ HOẠCH
Phát triển thương mại điện tử năm 2024
Căn cứ Quyết định số 120/QĐ-UBND ngày 02 tháng 01 năm 2024 của Ủy ban nhân dân tỉnh;
I. MỤC TIÊU
1. Hỗ trợ 200 doanh nghiệp tham gia sàn thương mại điện tử trong Quý II/2024.
2. Đào tạo kỹ năng số cho 300 hợp tác xã trong năm 2024.
II. NHIỆM VỤ
1. Sở Công Thương chủ trì tổ chức 5 hội chợ trực tuyến trước ngày 30/4/2024.
2. Sở Công Thương chủ trì, phối hợp với Sở Thông tin và Truyền thông xây dựng cổng thông tin thương mại điện tử trước ngày 30/9/2024.
3. Sở Tài chính chủ trì bố trí kinh phí trước ngày 31/5/2024.
4. Rà soát các điểm bán hàng trong Quý III.
III. TỔ CHỨC THỰC HIỆN
Sở Công Thương chủ trì, phối hợp với các sở, ngành liên quan triển khai Kế hoạch này.
Nơi nhận:
- Như trên;
- Lưu: VT.
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Trần Thị Bình
"""

DECISION_2019 = """ỦY BAN NHÂN DÂN
TỈNH HÒA LẠC
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 88/QĐ-UBND
Hòa Lạc, ngày 05 tháng 02 năm 2019
QUYẾT ĐỊNH
Về việc phê duyệt Đề án hỗ trợ khởi nghiệp
Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;
Căn cứ Quyết định số 4937/QĐ-UBND ngày 30 tháng 9 năm 2016 của Ủy ban nhân dân Thành phố;
QUYẾT ĐỊNH:
Điều 1. Phê duyệt Đề án hỗ trợ 1.000 doanh nghiệp khởi nghiệp đến năm 2020.
Điều 2. Giao Sở Kế hoạch và Đầu tư chủ trì tổ chức thực hiện Đề án.
Điều 3. Quyết định này có hiệu lực kể từ ngày ký.
Nơi nhận:
- Như Điều 3;
- Lưu: VT.
CHỦ TỊCH
Lê Văn Cường
"""

TEXTS = {"kh-62-skhcn-2018.txt": PLAN_2018, "kh-45-ubnd-2024.txt": PLAN_2024, "qd-88-ubnd-2019.txt": DECISION_2019}


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("home")
    sources = root / "sources"
    sources.mkdir()
    dataset = Dataset(root)
    for name, text in TEXTS.items():
        (sources / name).write_text(text, encoding="utf-8")
        dataset.write_document(extract_document(sources / name))
    dataset.refresh_views()  # decree.duckdb current: connections are read-only
    return root


@pytest.fixture(scope="module")
def cli():
    app = typer.Typer(add_completion=False)

    @app.callback()
    def main() -> None:
        """decree"""

    register(app)
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "250"})

    return run


def rows(frame: pd.DataFrame, *columns: str) -> list[tuple]:
    return [tuple(query.plain(v) for v in row) for row in frame[list(columns)].itertuples(index=False, name=None)]


# --------------------------------------------------------------------------
# The questions of docs/QUERIES.md
# --------------------------------------------------------------------------
def test_every_target_due_in_2018_with_its_lead_agency(home, cli):
    frame = query.tasks(home, year=2018, with_quantities=True)
    assert rows(frame, "number", "path", "quantities", "deadline", "lead", "lead_inherited") == [
        ("62/KH-SKHCN", "I.1", "3000 doanh nghiệp đổi mới", "2018-06-30", None, False),
        ("62/KH-SKHCN", "I.2", "500 cán bộ quản lý", "2018-12-31", None, False),
        ("62/KH-SKHCN", "II.1.a", "12 hội thảo chuyên đề", "2018-12-31", "Sở Khoa học và Công nghệ", True),
        ("62/KH-SKHCN", "II.1.b", "200 doanh nghiệp", "2018-09-30", "Sở Khoa học và Công nghệ", True),
    ]
    result = cli("tasks", "--home", home, "--year", "2018", "--with-quantities", "--json")
    assert result.exit_code == 0, result.output
    assert [r["path"] for r in json.loads(result.stdout)] == ["I.1", "I.2", "II.1.a", "II.1.b"]
    # the same with SQL over the `tasks` view
    sql = "SELECT number, path, lead FROM tasks WHERE year(deadline) = 2018 AND n_quantities > 0 ORDER BY path"
    assert rows(query.run_sql(sql, home), "path", "lead")[2] == ("II.1.a", "Sở Khoa học và Công nghệ")


def test_plans_that_cite_decision_4937(home, cli):
    sql = """SELECT d.number, d.doc_type, d.issued_date, c.raw
             FROM citations c JOIN documents d USING (doc_id)
             WHERE fold(c.number) = fold('4937/QD-UBND') ORDER BY d.issued_date"""
    frame = query.run_sql(sql, home)
    assert rows(frame, "number", "doc_type", "issued_date") == [
        ("62/KH-SKHCN", "ke_hoach", "2018-01-08"), ("88/QĐ-UBND", "quyet_dinh", "2019-02-05"),
    ]
    result = cli("query", sql.replace("\n", " "), "--home", home, "--csv")
    assert result.exit_code == 0, result.output
    parsed = pd.read_csv(StringIO(result.stdout))
    assert list(parsed["number"]) == ["62/KH-SKHCN", "88/QĐ-UBND"]


def test_how_many_doanh_nghiep_are_to_be_supported_per_document(home):
    sql = """SELECT d.number, sum(q.value) AS doanh_nghiep
             FROM quantities q JOIN items i USING (doc_id, item_id) JOIN documents d USING (doc_id)
             WHERE fold(q.unit_normalized) LIKE 'doanh nghiep%' AND fold(i.text) LIKE '%ho tro%'
             GROUP BY d.number ORDER BY d.number"""
    assert rows(query.run_sql(sql, home), "number", "doanh_nghiep") == [
        ("45/KH-UBND", 200.0), ("62/KH-SKHCN", 3200.0), ("88/QĐ-UBND", 1000.0),
    ]
    # the same rows through `decree tasks` filters
    frame = query.tasks(home, unit="doanh nghiep", search="ho tro")
    assert frame.groupby("number")["n_quantities"].sum().to_dict() == {"45/KH-UBND": 1, "62/KH-SKHCN": 2, "88/QĐ-UBND": 1}


def test_tasks_before_july_2024_assigned_to_so_cong_thuong(home, cli):
    result = cli("tasks", "--home", home, "--deadline-before", "2024-07-01", "--agency", "Sở Công Thương", "--json")
    assert result.exit_code == 0, result.output
    got = [(r["number"], r["path"], r["deadline"], r["lead"]) for r in json.loads(result.stdout)]
    assert got == [
        ("62/KH-SKHCN", "II.2", "2018-06-30", "Sở Công Thương"),
        ("45/KH-UBND", "II.1", "2024-04-30", "Sở Công Thương"),
    ]
    # without diacritics, in lower case, and restricted to 2024
    frame = query.tasks(home, deadline_before="2024-07-01", agency="so cong thuong", year=2024)
    assert rows(frame, "number", "path") == [("45/KH-UBND", "II.1")]
    # the table output shows the same rows
    table = cli("tasks", "--home", home, "--deadline-before", "2024-07-01", "--agency", "so cong thuong")
    assert table.exit_code == 0 and "2 row(s)" in table.stdout and "II.2" in table.stdout


def test_low_confidence_extractions_to_review(home, cli):
    sql = """SELECT d.number, r.what, r.value, r.confidence, r.reasons
             FROM review_queue r JOIN documents d USING (doc_id) ORDER BY r.confidence, d.number, r.what"""
    frame = query.run_sql(sql, home)
    assert len(frame) >= 2 and (frame["confidence"] < 0.8).all()
    assert ("45/KH-UBND", "deadline", "trong Quý III") in rows(frame, "number", "what", "value")
    result = cli("query", sql, "--home", home, "--json")
    assert result.exit_code == 0
    first = json.loads(result.stdout)[0]
    assert isinstance(first["reasons"], list) and first["confidence"] < 0.8
    # rows of the task table below 0.8, through the CLI
    low = cli("tasks", "--home", home, "--max-confidence", "0.8", "--json")
    paths = {(r["number"], r["path"]) for r in json.loads(low.stdout)}
    assert ("45/KH-UBND", "II.4") in paths and all(r["confidence"] < 0.8 for r in json.loads(low.stdout))


# --------------------------------------------------------------------------
# The task table
# --------------------------------------------------------------------------
def test_task_rows_carry_document_quantities_deadlines_and_agencies(home):
    frame = query.tasks(home, doc="45/KH-UBND")
    assert list(frame.columns) == list(query.TASK_COLUMNS)
    by_path = {r["path"]: r for r in query.records(frame)}
    assert set(by_path) == {"I.1", "I.2", "II.1", "II.2", "II.3", "II.4", "III.¶1"}  # headings left out
    task = by_path["II.2"]
    assert task["doc_type"] == "ke_hoach" and task["issuer"] == "Ủy ban nhân dân tỉnh Bình An"
    assert task["lead"] == "Sở Công Thương" and task["support"] == "Sở Thông tin và Truyền thông"
    assert task["deadline"] == "2024-09-30" and task["deadline_raw"] == "trước ngày 30/9/2024"
    assert by_path["I.1"]["quantities"] == "200 doanh nghiệp" and by_path["I.1"]["deadline_start"] == "2024-04-01"
    inherited = by_path["III.¶1"]
    assert inherited["deadline"] == "2024-12-31" and inherited["deadline_inherited_from"] == "title"


def test_diacritic_insensitive_search(home):
    with_marks = query.tasks(home, search="Đào tạo")
    without = query.tasks(home, search="dao tao")
    upper = query.tasks(home, search="DAO  TAO")
    assert rows(with_marks, "number", "path") == rows(without, "number", "path") == rows(upper, "number", "path") == [
        ("62/KH-SKHCN", "I.2"), ("45/KH-UBND", "I.2"),
    ]
    assert query.fold("Đào tạo ĐỔI MỚI, Sở Công Thương") == "dao tao doi moi, so cong thuong"
    assert query.run_sql("SELECT fold('Đào  tạo ỨNG DỤNG') AS f", home)["f"][0] == "dao tao ung dung"


def test_filters(home):
    assert set(query.tasks(home, doc="88/qd-ubnd")["path"]) == {"Điều 1", "Điều 2", "Điều 3"}
    doc_id = query.tasks(home, doc="88/QĐ-UBND")["doc_id"][0]
    assert len(query.tasks(home, doc=doc_id[:10])) == 3
    assert len(query.tasks(home, doc="qd-88-ubnd-2019.txt")) == 3
    assert rows(query.tasks(home, kinds=["article"], search="doanh nghiep"), "path") == [("Điều 1",)]
    assert set(query.tasks(home, kinds=["objective"])["kind"]) == {"objective"}
    assert rows(query.tasks(home, year=2020), "number", "path") == [("88/QĐ-UBND", "Điều 1")]
    assert rows(query.tasks(home, unit="hop tac xa"), "quantities") == [("300 hợp tác xã",)]
    confident = query.tasks(home, min_confidence=0.9)
    assert len(confident) and (confident["confidence"] >= 0.9).all()
    assert len(query.tasks(home, limit=2)) == 2
    # an agency named only by its parent item is matched through the inherited lead
    assert rows(query.tasks(home, agency="khoa hoc va cong nghe", kinds=["task"]), "path") == [("II.1.a",), ("II.1.b",)]
    with pytest.raises(query.QueryError, match="not a date"):
        query.tasks(home, deadline_before="30/6/2024")
    with pytest.raises(query.QueryError, match="unknown kind"):
        query.tasks(home, kinds=["nhiem_vu"])


# --------------------------------------------------------------------------
# Read-only SQL
# --------------------------------------------------------------------------
def test_sql_error_is_one_line_and_exit_1(home, cli):
    result = cli("query", "SELECT nope FROM items", "--home", home)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: SQL error:") and "nope" in lines[0]
    assert "Traceback" not in result.output
    parse = cli("query", "SELEC 1", "--home", home)
    assert parse.exit_code == 1 and len(parse.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("sql", [
    "CREATE TABLE x AS SELECT 1",
    "INSERT INTO items SELECT * FROM items",
    "DELETE FROM documents",
    "DROP VIEW items",
    "COPY documents TO '/tmp/stolen.csv'",
    "ATTACH '/tmp/other.duckdb'",
    "EXPLAIN ANALYZE CREATE TABLE x AS SELECT 1",
    "PRAGMA enable_profiling",
    "SET threads = 1",
    "SELECT 1; DROP VIEW items",
])
def test_write_statements_are_refused(home, cli, sql):
    with pytest.raises(query.QueryError):
        query.run_sql(sql, home)
    result = cli("query", sql, "--home", home)
    assert result.exit_code == 1 and result.stderr.startswith("error: ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert query.run_sql("SELECT count(*) AS n FROM documents", home)["n"][0] == 3


def test_read_statements_are_allowed(home, cli):
    for sql in ("DESCRIBE items", "SHOW TABLES", "PRAGMA show_tables", "EXPLAIN SELECT * FROM items",
                "WITH t AS (SELECT * FROM tasks) SELECT count(*) FROM t", "FROM documents SELECT number"):
        assert len(query.run_sql(sql, home)), sql
    assert "tasks" in set(query.run_sql("SHOW TABLES", home)["name"])


def test_stale_database_file_still_refuses_writes(home, tmp_path):
    # without decree.duckdb the views are built in memory (a writable connection): the statement check still holds
    other = tmp_path / "fresh"
    dataset = Dataset(other)
    (other / "src.txt").parent.mkdir(parents=True, exist_ok=True)
    (other / "src.txt").write_text(DECISION_2019, encoding="utf-8")
    dataset.write_document(extract_document(other / "src.txt"))
    with pytest.raises(query.QueryError, match="read-only"):
        query.run_sql("CREATE TABLE x AS SELECT 1", other)
    assert len(query.tasks(other)) == 3


def test_missing_dataset_is_one_line(tmp_path, cli):
    result = cli("query", "SELECT 1", "--home", tmp_path / "nowhere")
    assert result.exit_code == 1 and "no dataset" in result.stderr
    assert not (tmp_path / "nowhere").exists()


# --------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------
def counts(home: Path) -> dict[str, int]:
    with connect(home) as db:
        query.prepare(db)
        return {name: db.execute(f"SELECT count(*) FROM {name}").fetchone()[0] for name in query.export_names()}


def test_export_csv(home, tmp_path, cli):
    expected = counts(home)
    result = cli("export", "--format", "csv", "--out", tmp_path / "csv", "--home", home)
    assert result.exit_code == 0, result.output
    for name, n in expected.items():
        frame = pd.read_csv(tmp_path / "csv" / f"{name}.csv")
        assert len(frame) == n, name
    documents = pd.read_csv(tmp_path / "csv" / "documents.csv")
    assert json.loads(documents["original_names"][0]) and documents["issued_date"].str.match(r"^\d{4}-\d\d-\d\d$").all()
    assert expected["items"] > 0 and expected["citations"] == 4


def test_export_xlsx_one_sheet_per_table(home, tmp_path, cli):
    pytest.importorskip("openpyxl")
    expected = counts(home)
    result = cli("export", "--format", "xlsx", "--out", tmp_path / "decree.xlsx", "--home", home)
    assert result.exit_code == 0, result.output
    sheets = pd.read_excel(tmp_path / "decree.xlsx", sheet_name=None)
    assert set(sheets) == set(expected)
    for name, n in expected.items():
        assert len(sheets[name]) == n, name
    assert isinstance(sheets["documents"]["recipients"][0], str)  # lists as JSON text


def test_export_parquet_named_tables(home, tmp_path, cli):
    expected = counts(home)
    result = cli("export", "--format", "parquet", "--out", tmp_path / "pq", "--home", home,
                 "--table", "items", "--table", "quantities,tasks")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "pq").iterdir()) == ["items.parquet", "quantities.parquet", "tasks.parquet"]
    for name in ("items", "quantities", "tasks"):
        assert pq.read_table(tmp_path / "pq" / f"{name}.parquet").num_rows == expected[name]
    assert pq.read_schema(tmp_path / "pq" / "items.parquet").field("reasons").type.value_type == "string"


def test_export_refuses_unknown_table_and_format(home, tmp_path, cli):
    bad = cli("export", "--format", "csv", "--table", "nope", "--out", tmp_path, "--home", home)
    assert bad.exit_code == 1 and "unknown table 'nope'" in bad.stderr
    fmt = cli("export", "--format", "ods", "--out", tmp_path, "--home", home)
    assert fmt.exit_code == 1 and "unknown format" in fmt.stderr
