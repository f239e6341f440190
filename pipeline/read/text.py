"""Plain-text reader: decode the bytes, split pages on form feeds, one Line per paragraph.

Encodings are detected, not assumed: a BOM names UTF-8/UTF-16; otherwise UTF-8 is
tried strictly; bytes that are not UTF-8 but decode as Windows-1258 (the Vietnamese
Windows code page, which composes tone marks with combining characters) are read as
that. Lines holding tab characters are kept as they are; the segmenter decides
whether they form a table.

Text that kept its page layout (pdftotext -layout, OCR output) needs two repairs:
the two-column header prints the issuing body and the Quốc hiệu on one line with a
wide gap between them — those lines are split and read column by column — and
paragraphs are hard-wrapped, with the first line indented and the wrapped lines
at the margin — those are joined back. Lines holding only a page number go.
"""
from __future__ import annotations

import codecs
import re
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
        # ASCII characters put their zero byte second in little-endian, first in big-endian
        sample = data[:4000]
        enc = "utf-16-le" if sample[1::2].count(0) > sample[0::2].count(0) else "utf-16-be"
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
    chunks = [chunk.split("\n") for chunk in text.split("\f")]
    layout = is_layout_text([line for chunk in chunks for line in chunk])
    pages = []
    for number, chunk in enumerate(chunks, start=1):
        lines = [t for t in chunk if not PAGE_NUMBER_RE.match(t)]
        if layout:
            lines = read_layout_page(lines, first_page=number == 1)
        pages.append(Page(number=number, lines=[Line(text=t, page=number) for t in lines], source="text"))
    warnings = [] if encoding.startswith("utf") else [f"decoded as {encoding}"]
    return RawDocument(pages=pages, format="txt", warnings=warnings)


PAGE_NUMBER_RE = re.compile(r"^\s*(?:[-–]\s*)?(?:Trang\s+)?\d{1,3}(?:\s*/\s*\d{1,3})?(?:\s*[-–])?\s*$", re.IGNORECASE)
_GAP_RE = re.compile(r"\S(\s{6,})\S")
_ENUMERATOR_START_RE = re.compile(r"^\s*(?:Điều\s+\d|Chương\s|[IVX]+\.|\d+(?:\.\d+)*[.)]\s|[a-zđ]\)|\(\d+\)|[-+•]\s)")


def is_layout_text(lines: list[str]) -> bool:
    """Hard-wrapped text: many lines end near one width, and paragraphs start indented."""
    lengths = sorted(len(t.rstrip()) for t in lines if t.strip() and "\t" not in t)
    if len(lengths) < 20:
        return False
    width = lengths[int(0.9 * (len(lengths) - 1))]
    if not 40 <= width <= 160:
        return False
    near_width = sum(1 for n in lengths if n >= 0.75 * width)
    indented = sum(1 for t in lines if t.strip() and len(t) - len(t.lstrip(" ")) >= 3)
    margin = sum(1 for t in lines if t.strip() and not t.startswith(" "))
    return near_width >= 0.3 * len(lengths) and indented >= 0.1 * len(lengths) and margin >= 0.1 * len(lengths)


def read_layout_page(lines: list[str], first_page: bool) -> list[str]:
    """One page of layout text: two-column blocks read column by column, wrapped paragraphs joined."""
    out: list[str] = []
    start = 0
    if first_page:
        end = _header_end(lines)
        out.extend(split_columns(lines[:end]))
        start = end
    closing = next((i for i in range(start, len(lines)) if re.match(r"^\s*N[ơo]i\s+nh[ậa]n", lines[i])), None)
    if closing is None:
        return out + join_wrapped_lines(lines[start:])
    return out + join_wrapped_lines(lines[start:closing]) + split_columns(lines[closing:])


def _header_end(lines: list[str]) -> int:
    end = 0
    for i, text in enumerate(lines[:25]):
        if re.match(r"^\s*(?:Căn\s+cứ|QUYẾT\s+ĐỊNH|KẾ\s+HOẠCH|V/v|Kính\s+gửi)", text):
            break
        end = i + 1
    return end


def split_columns(lines: list[str]) -> list[str]:
    """Lines printed as two columns with a wide gap: all the left column, then all the right."""
    left: list[str] = []
    right: list[str] = []
    for text in lines:
        gap = _GAP_RE.search(text)
        if gap:
            left.append(text[: gap.start(1) + 1].strip())
            right.append(text[gap.end(1) - 1:].strip())
        else:
            left.append(text.strip())
    return left + right


def join_wrapped_lines(lines: list[str]) -> list[str]:
    """Join wrapped lines (at the margin) to the indented line that starts their paragraph."""
    out: list[str] = []
    for text in lines:
        at_margin = text.strip() and not text.startswith(" ")
        if at_margin and out and out[-1].strip() and not _ENUMERATOR_START_RE.match(text):
            previous = out[-1].rstrip()
            if previous.endswith("-") and not previous.endswith(" -"):
                out[-1] = previous[:-1] + text.strip()
            else:
                out[-1] = previous + " " + text.strip()
            continue
        out.append(text)
    return out
