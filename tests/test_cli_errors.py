"""What a user can get wrong at the command line gets one line and an exit code, never a traceback,
and a read-only command pointed at the wrong place creates nothing there.

The commands run as a user runs them: `python -m pipeline` in a subprocess.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import document_from_text

PROJECT = Path(__file__).resolve().parents[1]


def decree(*args: str, cwd: Path = PROJECT, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, **(env or {})}, timeout=120)


def one_line(result: subprocess.CompletedProcess) -> str:
    output = (result.stdout + result.stderr).strip()
    assert "Traceback" not in output, output
    assert len(output.splitlines()) == 1, output
    return output


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """A home with one stored document, made without Prefect (the dataset's own writer)."""
    from pipeline.dataset import Dataset
    from pipeline.inbox import Home

    root = tmp_path_factory.mktemp("home")
    Home.at(root).ensure()
    document = document_from_text(
        "ỦY BAN NHÂN DÂN\nTỈNH THỬ\nSố: 7/KH-UBND\nKẾ HOẠCH\nThử nghiệm\n"
        "1. Hỗ trợ 30 doanh nghiệp :x: [bold]đổi mới[/bold] trong năm 2025.\n", name="ke-hoach-7.txt")
    dataset = Dataset(root)
    dataset.write_document(document, original_names=["ke-hoach-7.txt"])
    dataset.refresh_views()
    return root


# --------------------------------------------------------------------------
# extract: each path its own reason
# --------------------------------------------------------------------------
def test_extract_reports_each_bad_path_and_runs_the_others(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("KẾ HOẠCH\nThử\n1. Hỗ trợ 30 doanh nghiệp.\n", encoding="utf-8")
    result = decree("extract", str(good), str(tmp_path / "missing.pdf"), str(tmp_path), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert (tmp_path / "out" / "good.json").is_file()
    assert "missing.pdf: no such file" in result.stderr
    assert f"{tmp_path}: a folder, not a file" in result.stderr


# --------------------------------------------------------------------------
# read-only commands on a mistyped place
# --------------------------------------------------------------------------
@pytest.mark.parametrize("command", [
    ["status"], ["query", "SELECT 1"], ["tasks"], ["export", "--format", "csv"], ["review", "--port", "1"],
])
def test_read_only_commands_on_a_mistyped_home_create_nothing(tmp_path, command):
    missing = tmp_path / "mistyped"
    result = decree(*command, "--home", str(missing), cwd=tmp_path)
    assert result.returncode == 1
    assert f"no dataset at {missing} (run `decree process --home {missing}` first)" in one_line(result)
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_mistyped_dataset_location_creates_nothing(tmp_path):
    missing = tmp_path / "nowhere" / "x"
    result = decree("--dataset", str(missing), "status", cwd=tmp_path)
    assert result.returncode == 1
    assert f"no dataset at {missing}" in one_line(result)
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------
# data is printed literally; user SQL reads the dataset only
# --------------------------------------------------------------------------
def test_the_query_table_prints_markup_and_emoji_codes_literally(home):
    result = decree("query", "SELECT ':x: [bold]a[/bold]' AS \"[red]c\"", "--home", str(home))
    assert result.returncode == 0
    assert ":x: [bold]a[/bold]" in result.stdout and "[red]c" in result.stdout
    tasks = decree("tasks", "--home", str(home), env={"COLUMNS": "300"})
    assert ":x: [bold]đổi mới[/bold]" in tasks.stdout


def test_user_sql_cannot_read_other_files(home, tmp_path):
    outside = tmp_path / "secret.csv"
    outside.write_text("a,b\n1,2\n", encoding="utf-8")
    refused = decree("query", f"SELECT * FROM read_csv('{outside}')", "--home", str(home))
    assert refused.returncode == 1
    assert "--allow-files" in one_line(refused)
    written = decree("query", f"COPY (SELECT 1) TO '{tmp_path / 'x.csv'}'", "--home", str(home))
    assert written.returncode == 1 and not (tmp_path / "x.csv").exists()
    allowed = decree("query", f"SELECT sum(b) AS s FROM read_csv('{outside}')", "--home", str(home), "--json",
                     "--allow-files")
    assert allowed.returncode == 0 and json.loads(allowed.stdout) == [{"s": 2}]
    inside = decree("query", "SELECT count(*) AS n FROM items", "--home", str(home), "--json")
    assert json.loads(inside.stdout)[0]["n"] >= 1


def test_a_mistyped_view_is_pointed_at_the_views(home):
    result = decree("query", "SELECT * FROM itemz", "--home", str(home))
    line = one_line(result)
    assert 'Did you mean "items"?' in line and "pg_" not in line


# --------------------------------------------------------------------------
# options: one line each
# --------------------------------------------------------------------------
@pytest.mark.parametrize("args, option", [
    (["watch", "--interval", "-1"], "--interval"),
    (["process", "--workers", "0"], "--workers"),
    (["tasks", "--limit", "-1"], "--limit"),
    (["tasks", "--min-confidence", "2"], "--min-confidence"),
    (["review", "--threshold", "1.5"], "--threshold"),
    (["status", "--nope"], "--nope"),
])
def test_a_bad_option_gets_one_line(tmp_path, args, option):
    result = decree(*args, "--home", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 2
    assert option in one_line(result)
    assert list(tmp_path.iterdir()) == []


def test_tasks_names_the_option_not_the_parameter(home):
    result = decree("tasks", "--deadline-before", "2024-13-45", "--home", str(home))
    assert "--deadline-before" in one_line(result) and "deadline_before" not in result.stderr


def test_retry_of_a_name_not_in_the_quarantine_runs_nothing(home):
    result = decree("retry", "nope.pdf", "--home", str(home))
    assert result.returncode == 1
    assert "nope.pdf is not in the quarantine" in one_line(result)


def test_help_and_version_are_plain_and_fast():
    help_text = decree("--help").stdout
    for command in ("process", "watch", "status", "retry", "rebuild", "extract", "text", "query", "tasks", "export",
                    "review", "prefect", "schema"):
        assert f"  {command}" in help_text
    query_help = decree("query", "--help").stdout
    from pipeline.dataset import VIEW_NAMES

    assert all(view in query_help for view in VIEW_NAMES)
    assert "<bool>" not in query_help and "{" not in query_help.splitlines()[0]
    assert decree("--version").stdout.startswith("decree ")


def test_the_cli_imports_no_heavy_library():
    """`decree --help` must not pay for pandas, DuckDB, Prefect or FastAPI: they load in the commands using them."""
    code = ("import sys, pipeline.cli; heavy = {'pandas', 'duckdb', 'prefect', 'fastapi', 'pyarrow', 'spacy'};"
            "print(sorted(heavy & set(sys.modules)))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT, timeout=60)
    assert result.stdout.strip() == "[]", result.stdout + result.stderr


def test_a_quarantine_report_is_readable_by_others(tmp_path):
    from pipeline.inbox import Home, quarantine

    home = Home.at(tmp_path)
    home.ensure()
    (home.inbox / "x.pdf").write_text("not a pdf")
    target = quarantine(home, home.inbox / "x.pdf", "named .pdf but is not a PDF", "read")
    mode = (home.quarantine / f"{target.name}.error.json").stat().st_mode & 0o777
    assert mode & 0o044 == 0o044  # group and others may read it (umask permitting, as any file)
