"""Readers: one module per format, all returning the same page-aware `RawDocument`.

`read_file` sniffs the format from the file's first bytes (never trusting the name
alone) and dispatches. Every refusal is a `ReadError` with a one-line reason.
"""
from __future__ import annotations

from pathlib import Path

from pipeline.errors import ReadError
from pipeline.model import RawDocument

MAX_FILE_BYTES = 200 * 1024 * 1024

TEXT_SUFFIXES = {".txt", ".text", ".md", ""}


def sniff_format(path: Path, head: bytes) -> str:
    """Name the format of a file from its magic bytes, falling back to its suffix for text."""
    suffix = path.suffix.lower()
    if head.startswith(b"%PDF-") or (suffix == ".pdf" and b"%PDF-" in head[:1024]):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx" if suffix in {".docx", ".docm", ".dotx", ""} or suffix not in {".zip"} else "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "doc"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith((b"\xff\xd8\xff", b"\x89PNG", b"II*\x00", b"MM\x00*", b"GIF8")):
        return "image"
    if suffix == ".pdf":
        return "not-pdf"
    if suffix == ".docx":
        return "not-docx"
    return "txt"


def read_file(path: Path) -> RawDocument:
    path = Path(path)
    if path.is_symlink():
        raise ReadError("symbolic links are not followed")
    if not path.is_file():
        raise ReadError("not a regular file")
    size = path.stat().st_size
    if size == 0:
        raise ReadError("empty file")
    if size > MAX_FILE_BYTES:
        raise ReadError(f"file too large ({size / 1e6:.0f} MB > {MAX_FILE_BYTES / 1e6:.0f} MB)")
    with path.open("rb") as fh:
        head = fh.read(2048)
    fmt = sniff_format(path, head)
    if fmt == "pdf":
        from pipeline.read.pdf import read_pdf

        return read_pdf(path)
    if fmt == "docx":
        from pipeline.read.docx import read_docx

        return read_docx(path)
    if fmt == "txt":
        from pipeline.read.text import read_text

        return read_text(path)
    reasons = {
        "doc": "legacy Word 97 (.doc) file: needs conversion with LibreOffice (not supported yet)",
        "rtf": "RTF file: needs conversion with LibreOffice (not supported yet)",
        "image": "image file: needs OCR (not supported yet)",
        "not-pdf": "named .pdf but is not a PDF (no %PDF- header)",
        "not-docx": "named .docx but is not a DOCX (not a ZIP package)",
        "zip": "ZIP archive, not a document",
    }
    raise ReadError(reasons.get(fmt, f"unsupported format {fmt}"))
