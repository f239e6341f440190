"""Small helpers shared by tests: build a Document from text without touching the disk."""
from __future__ import annotations

import hashlib
import unicodedata
from pathlib import Path

from pipeline.document import build_document
from pipeline.model import Document, Line, Page, RawDocument, Source

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def document_from_text(text: str, name: str = "test.txt") -> Document:
    pages = [
        Page(number=n, lines=[Line(text=t, page=n) for t in chunk.split("\n")])
        for n, chunk in enumerate(text.split("\f"), start=1)
    ]
    data = text.encode("utf-8")
    source = Source(file_name=name, sha256=hashlib.sha256(data).hexdigest(), format="txt", pages=len(pages), bytes=len(data))
    return build_document(RawDocument(pages=pages, format="txt"), source)


def by_path(document: Document) -> dict[str, object]:
    return {item.path: item for item in document.items}


_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def to_cp1258(text: str) -> bytes:
    """Windows-1258 has â ê ô ơ ư ă đ precomposed but writes tone marks as combining characters."""
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in parts if c in _TONES)
        out.append(unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES)) + tones)
    return "".join(out).encode("cp1258")
