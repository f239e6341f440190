"""`pipeline.files.write_atomic`: text or bytes, all or nothing."""
from __future__ import annotations

import pytest

from pipeline.files import write_atomic


def test_text_is_written_as_utf8_and_bytes_as_they_are(tmp_path):
    write_atomic(tmp_path / "a" / "doc.json", '{"title": "Kế hoạch"}')
    write_atomic(tmp_path / "b.json", '{"title": "Quyết định"}'.encode("utf-8"))
    assert (tmp_path / "a" / "doc.json").read_bytes() == '{"title": "Kế hoạch"}'.encode("utf-8")
    assert (tmp_path / "b.json").read_text(encoding="utf-8") == '{"title": "Quyết định"}'
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a", "b.json", "doc.json"]  # no temporary left


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "doc.json"
    write_atomic(target, b"old")
    with pytest.raises(TypeError):
        write_atomic(target, ["not", "text"])  # type: ignore[arg-type]
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["doc.json"]
