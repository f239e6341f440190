"""`decree extract` end to end: JSON out, schema-valid, bad files refused in one line without stopping the batch."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from pipeline.schema import SCHEMA_PATH, document_schema, validate_document
from tests import pdf_fixtures
from tests.docx_fixtures import build_plan_docx
from tests.helpers import FIXTURES


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """A batch of good files (text, generated PDF and DOCX) and bad ones, extracted in one call."""
    pdf_fixtures.require_fonts()
    inbox = tmp_path_factory.mktemp("inbox")
    shutil.copy(FIXTURES / "qd-12-ubnd-quy-che.txt", inbox / "qd-12.txt")
    pdf_fixtures.write_decree(inbox / "decree.pdf")
    build_plan_docx(inbox / "plan.docx")
    pdf_fixtures.write_empty(inbox / "empty.pdf")
    pdf_fixtures.write_truncated(inbox / "truncated.pdf")
    pdf_fixtures.write_encrypted(inbox / "locked.pdf", user_password="secret")
    pdf_fixtures.write_jpeg_named_pdf(inbox / "photo.pdf")
    (inbox / "garbage.txt").write_bytes(bytes(range(256)) * 50)
    (inbox / "garbage.docx").write_bytes(b"PK\x03\x04" + bytes(range(256)) * 20)
    out = tmp_path_factory.mktemp("out")
    files = sorted(str(p) for p in inbox.iterdir())
    result = run_cli("extract", *files, "--out", str(out))
    return result, out


def test_good_files_are_extracted_and_valid(batch):
    result, out = batch
    assert sorted(p.name for p in out.glob("*.json")) == ["decree.json", "plan.json", "qd-12.json"]
    for path in out.glob("*.json"):
        payload = json.loads(path.read_text(encoding="utf-8"))
        validate_document(payload)
        assert payload["items"], path.name
    decision = json.loads((out / "qd-12.json").read_text(encoding="utf-8"))
    assert decision["document"]["number"] == "1203/QĐ-UBND"
    assert "ok qd-12.txt: quyet_dinh 1203/QĐ-UBND 2023-09-05" in " ".join(result.stdout.split())


def test_bad_files_fail_in_one_line_each_and_the_exit_code_says_so(batch):
    result, _ = batch
    assert result.returncode == 1
    failed = [line for line in result.stderr.splitlines() if line.startswith("FAILED")]
    names = " ".join(result.stderr.split())
    for name in ("empty.pdf", "truncated.pdf", "locked.pdf", "photo.pdf", "garbage.txt", "garbage.docx"):
        assert name in names
    assert "Traceback" not in result.stderr
    assert "6 of 9 file(s) failed" in names
    assert "password" in names and "empty" in names and "OCR found no text" in names
    assert len(failed) >= 6


def test_schema_file_is_in_step_with_the_model():
    committed = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert committed == json.loads(json.dumps(document_schema())), "run `decree schema` and commit schemas/"


def test_schema_rejects_a_broken_document(tmp_path):
    from pipeline.schema import SchemaError

    with pytest.raises(SchemaError, match="does not match the schema"):
        validate_document({"pipeline_version": "x", "document": {}, "items": "not a list"})


def test_missing_file_is_reported(tmp_path):
    result = run_cli("extract", str(tmp_path / "nowhere.pdf"), "--out", str(tmp_path))
    assert result.returncode == 1
    assert "FAILED" in result.stderr and "Traceback" not in result.stderr


def test_text_command_prints_repaired_text_and_page_sources(tmp_path):
    pdf_fixtures.require_fonts()
    path = pdf_fixtures.write_decree(tmp_path / "decree.pdf")
    plain = run_cli("text", str(path))
    assert plain.returncode == 0 and "QUYẾT ĐỊNH" in plain.stdout and "Số: 12/QĐ-UBND" in plain.stdout
    paged = run_cli("text", str(path), "--pages")
    assert "--- page 1 · source text_layer · quality" in paged.stdout and "--- page 2" in paged.stdout
    bad = run_cli("text", str(pdf_fixtures.write_empty(tmp_path / "empty.pdf")))
    assert bad.returncode == 1 and "empty file" in bad.stderr
