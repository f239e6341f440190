"""Tests for the legacy .doc / .rtf reader (LibreOffice conversion + encoding repair).

The real-file tests read /work/shared/corpus/files (never copied into the repo)
and skip when it or LibreOffice is absent.
"""
import os
from pathlib import Path

import pytest

from pipeline.errors import ReadError
from pipeline.read import legacy
from pipeline.read.legacy import find_soffice, read_legacy
from pipeline.repair.metrics import diacritic_accuracy

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "files"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

needs_soffice = pytest.mark.skipif(find_soffice() is None, reason="LibreOffice (soffice) not installed")


def _text(raw) -> str:
    return "\n".join(line.text for line in raw.lines)


@needs_soffice
@pytest.mark.parametrize(
    "stem, encoding",
    [
        ("angiang_qd522_2002_uu_dai_dau_tu_TCVN3", "tcvn3"),
        ("camau_qd05_2006_doi_kiem_tra_814_VNI", "vni"),
    ],
)
def test_real_legacy_doc_matches_its_transcript(stem, encoding):
    doc, truth = CORPUS / f"{stem}.doc", CORPUS / f"{stem}.groundtruth.txt"
    if not (doc.is_file() and truth.is_file()):
        pytest.skip(f"{doc.name} not available")
    raw = read_legacy(doc)
    accuracy = diacritic_accuracy(truth.read_text(encoding="utf-8"), _text(raw))
    print(f"{stem}: diacritic accuracy {accuracy:.4f}")
    assert accuracy >= 0.99
    assert raw.format == "doc"
    assert raw.warnings and raw.warnings[0].startswith(f"legacy encoding repaired: {encoding}")


@needs_soffice
def test_rtf_with_legacy_fonts(tmp_path):
    rtf = (
        rb"{\rtf1\ansi\deff0{\fonttbl{\f0 .VnTime;}{\f1 VNI-Times;}{\f2 Times New Roman;}{\f3 .VnTimeH;}}"
        rb"\f3 c\'e9ng h\'dfa\par"
        rb"\f3 c\'e9ng h\'dfa x\'b7 h\'e9i ch\'f1 ngh\'dca vi\'d6t nam\par"
        rb"\f0 Quy\'d5t \'ae\'deNH s\'e8 12, \'ad\'acng\par"
        rb"\f1 Vie\'e4t Nam\par"
        rb"\f2 C\u7897?ng h\u242?a\par}"
    )
    path = tmp_path / "sample.rtf"
    path.write_bytes(rtf)
    raw = read_legacy(path)
    # .VnTimeH draws capitals: a short heading comes out as printed, longer text as typed.
    assert [line.text for line in raw.lines] == [
        "CỘNG HÒA", "cộng hòa xã hội chủ nghĩa việt nam", "Quyết ĐỊNH số 12, ương", "Việt Nam", "Cộng hòa",
    ]
    assert raw.format == "rtf"
    assert raw.warnings[0] == "legacy encoding repaired: tcvn3 (3 paragraphs), vni (1 paragraph)"


@needs_soffice
def test_garbage_doc_is_refused(tmp_path):
    path = tmp_path / "garbage.doc"
    path.write_bytes(OLE2 + os.urandom(4096))
    with pytest.raises(ReadError, match="no Word document stream"):
        read_legacy(path)


@needs_soffice
def test_garbage_that_libreoffice_imports_as_noise_is_refused(tmp_path):
    # A damaged Word file: the stream name is there, the rest is noise LibreOffice imports as text.
    noise = bytes((i * 7919 + 13) % 256 for i in range(6000))
    path = tmp_path / "damaged.doc"
    path.write_bytes(OLE2 + noise[:3000] + "WordDocument".encode("utf-16-le") + noise[3000:])
    with pytest.raises(ReadError):
        read_legacy(path)


def test_not_a_legacy_file(tmp_path):
    path = tmp_path / "note.doc"
    path.write_bytes(b"just some text")
    with pytest.raises(ReadError, match="not a legacy Word"):
        read_legacy(path)
    empty = tmp_path / "empty.doc"
    empty.write_bytes(b"")
    with pytest.raises(ReadError, match="empty file"):
        read_legacy(empty)


def test_missing_soffice_gives_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv(legacy.SOFFICE_ENV, str(tmp_path / "no-such-soffice"))
    path = tmp_path / "a.rtf"
    path.write_bytes(rb"{\rtf1 hello\par}")
    with pytest.raises(ReadError, match="LibreOffice .soffice. is not installed"):
        read_legacy(path)


def test_timeout_kills_the_conversion(tmp_path, monkeypatch):
    fake = tmp_path / "slow-soffice"
    fake.write_text("#!/bin/sh\nsleep 30\n")
    fake.chmod(0o755)
    monkeypatch.setenv(legacy.SOFFICE_ENV, str(fake))
    monkeypatch.setattr(legacy, "CONVERT_TIMEOUT", 0.5)
    path = tmp_path / "a.rtf"
    path.write_bytes(rb"{\rtf1 hello\par}")
    with pytest.raises(ReadError, match="timed out"):
        read_legacy(path)


def test_converter_that_produces_nothing(tmp_path, monkeypatch):
    fake = tmp_path / "lazy-soffice"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(0o755)
    monkeypatch.setenv(legacy.SOFFICE_ENV, str(fake))
    path = tmp_path / "a.rtf"
    path.write_bytes(rb"{\rtf1 hello\par}")
    with pytest.raises(ReadError, match="could not convert"):
        read_legacy(path)
