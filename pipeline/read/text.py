"""Plain-text reader: decode the bytes, split pages on form feeds, one Line per text line.

Encodings are detected, not assumed: a BOM names UTF-8/UTF-16; otherwise UTF-8 is
tried strictly; bytes that are not UTF-8 but decode as Windows-1258 (the Vietnamese
Windows code page, which composes tone marks with combining characters) are read as
that. Lines holding tab characters are kept as they are; the segmenter decides
whether they form a table.
"""
from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

from pipeline.errors import ReadError
from pipeline.model import Line, Page, RawDocument


def decode_text(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name) for the bytes of a text file."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16"
    if _looks_like_bomless_utf16(data):
        enc = "utf-16-le" if data[1:2] == b"\x00" else "utf-16-be"
        return data.decode(enc, errors="replace"), enc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # cp1258 leaves five bytes undefined; anything else decodes. NFC composes its
    # base letter + combining tone mark pairs into the usual precomposed letters.
    return unicodedata.normalize("NFC", data.decode("cp1258", errors="replace")), "cp1258"


def _looks_like_bomless_utf16(data: bytes) -> bool:
    sample = data[:4000]
    if len(sample) < 8:
        return False
    zeros_even = sample[0::2].count(0)
    zeros_odd = sample[1::2].count(0)
    half = len(sample) / 2
    return max(zeros_even, zeros_odd) > 0.3 * half and min(zeros_even, zeros_odd) < 0.05 * half


def _check_is_text(data: bytes, text: str) -> None:
    if not text.strip():
        raise ReadError("the file holds no text")
    if b"\x00" in data[:4000] and "\x00" in text:
        raise ReadError("binary data, not a text file")
    controls = sum(1 for ch in text[:20000] if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f")
    bad = text[:20000].count("\ufffd")
    if (controls + bad) > 0.05 * min(len(text), 20000):
        raise ReadError("binary data, not a text file (too many control or undecodable characters)")


def read_text(path: Path) -> RawDocument:
    data = path.read_bytes()
    if not data:
        raise ReadError("empty file")
    text, encoding = decode_text(data)
    _check_is_text(data, text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    pages = []
    for number, chunk in enumerate(text.split("\f"), start=1):
        pages.append(Page(number=number, lines=[Line(text=t, page=number) for t in chunk.split("\n")], source="text"))
    warnings = [] if encoding.startswith("utf") else [f"decoded as {encoding}"]
    return RawDocument(pages=pages, format="txt", warnings=warnings)
