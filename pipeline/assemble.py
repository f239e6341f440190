"""Lay the repaired lines of a `RawDocument` out as one document text, with offsets.

Every later stage works on `TextLine`s: a line's normalised text, where it sits
in `Document.text`, its page and box, and for table rows its cells. The
original text (as read) is laid out the same way, and `origin` maps every
normalised character back to it, so any span can be shown where it came from.
"""
from __future__ import annotations

from array import array
from dataclasses import dataclass

from pipeline.model import RawDocument, TextLine
from pipeline.repair.normalize import normalize_text


@dataclass
class Assembled:
    text: str
    original_text: str
    lines: list[TextLine]
    origin: array  # len(text) + 1 offsets into original_text (64-bit integers: a list of ints took 20 MB for a 560 KB text)
    page_spans: dict[int, tuple[int, int]]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        if end <= start:
            return self.origin[start], self.origin[start]
        return self.origin[start], self.origin[end - 1] + 1


def assemble(raw: RawDocument) -> Assembled:
    parts: list[str] = []
    original_parts: list[str] = []
    origin = array("q")
    lines: list[TextLine] = []
    page_spans: dict[int, tuple[int, int]] = {}
    pos = original_pos = 0
    for page in raw.pages:
        page_start = pos
        for line in page.lines:
            if lines or parts:
                parts.append("\n")
                original_parts.append("\n")
                origin.append(original_pos)
                pos += 1
                original_pos += 1
            raw_cells = line.cells if line.cells is not None else None
            raw_text = "\t".join(c.replace("\t", " ").replace("\n", " ") for c in raw_cells) if raw_cells is not None else line.text.replace("\n", " ")
            norm = normalize_text(raw_text)
            text = norm.text
            cells = cell_starts = None
            if raw_cells is not None:
                cells = text.split("\t")
                if len(cells) != len(raw_cells):  # normalisation never merges tabs; guard anyway
                    cells = [normalize_text(c).text for c in raw_cells]
                    text = "\t".join(cells)
                    norm = normalize_text(text)
                cell_starts, offset = [], pos
                for cell in cells:
                    cell_starts.append(offset)
                    offset += len(cell) + 1
            lines.append(TextLine(
                index=len(lines), text=text, start=pos, page=line.page or page.number, bbox=line.bbox,
                cells=cells, cell_starts=cell_starts or [], table=line.table, header_row=line.header_row,
                confidence=line.confidence, row_spans=line.row_spans,
            ))
            parts.append(text)
            original_parts.append(raw_text)
            if text == raw_text and norm.origin == list(range(len(text) + 1)):  # most lines: nothing changed
                origin.extend(range(original_pos, original_pos + len(text)))
            else:
                origin.extend(map(original_pos.__add__, norm.origin[:-1]))
            pos += len(text)
            original_pos += len(raw_text)
        page_spans[page.number] = (page_start, pos)
    origin.append(original_pos)
    return Assembled("".join(parts), "".join(original_parts), lines, origin, page_spans)
