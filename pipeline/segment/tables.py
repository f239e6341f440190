"""Tables: recognise tab-separated rows in text files, and turn table rows into items.

A reader of PDFs or DOCX already hands over rows with their cells; a text file
only has lines with tab characters. `mark_text_tables` gives those lines cells.
`TableRows` then reads a table the way a person does: the header row names the
columns, the "TT"/"STT" column gives each row its path (A, I, 1, 1.1 ...), the
content column ("Nội dung") its text, and every other non-empty cell is kept
under its printed header. A header row repeated on a later page replaces the
columns from there on (pages of one table may even drop a column).

Three conventions of Vietnamese tables are read the same whatever the source
(text, PDF, DOCX):

* a **two-level header** ("Thực hiện" spanning "2016 | 2017") whose second row
  the reader did not mark: a row right after the header that only fills
  columns the header left blank (or spans), with short labels and neither a
  row number nor a content cell, completes the header;
* the **column-number row** printed under the header ("(1) (2) (3) ..." or
  "1 2 3 ...", "A B 1 2 ...") is not data;
* a **continuation row** (no row number, no content, other cells filled: the
  rows under a vertically merged "TT / Nội dung" cell, one per item of a
  list) belongs to the row above: its cells are appended to that row's
  cells, "; "-separated, in column order.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import regex

from pipeline.model import TextLine
from pipeline.lexicon import ascii_fold
from pipeline.segment.patterns import ROMAN

_ROW_NUMBER_HEADERS = {"tt", "stt", "so tt", "so thu tu", "thu tu", "s tt", "so"}
_CONTENT_HEADER_RE = regex.compile(
    r"^(?:nội dung|nhiệm vụ|tên|công việc|hoạt động|chỉ tiêu|nội dung công việc|danh mục|đơn vị|tên đơn vị|"
    r"nhiệm vụ, giải pháp|nội dung nhiệm vụ|lĩnh vực)",
    regex.IGNORECASE,
)
_HEADER_WORDS = (
    "nội dung", "ghi chú", "thời gian", "đơn vị", "chủ trì", "phối hợp", "kế hoạch", "chỉ tiêu", "thực hiện",
    "kinh phí", "sản phẩm", "tỷ lệ", "kết quả", "nhiệm vụ", "tiến độ", "dự kiến",
)
# "A. CHƯƠNG TRÌNH ...", "II Hỗ trợ ...", "1.1 Đào tạo ..." — a row number merged into the content cell
_MERGED_NUMBER_RE = regex.compile(rf"^(?P<num>[A-Z]|(?=[IVX]){ROMAN}|\d{{1,2}}(?:\.\d{{1,2}})*)(?:\s*[.)]\s*|\s+)(?=\S)")
_ROW_LABEL_RE = regex.compile(rf"^(?:[A-Z]|(?=[IVX]){ROMAN}|\d{{1,3}}(?:\.\d{{1,3}})*|[a-zđ])[.)]?$")


def mark_text_tables(lines: list[TextLine]) -> None:
    """Give cells to tab-separated lines of a text file; group consecutive rows into tables."""
    table_no = max((line.table for line in lines if line.table is not None), default=-1) + 1
    in_table = False
    for line in lines:
        if line.cells is not None:
            in_table = False
            continue
        if line.text.count("\t") >= 2 or (in_table and "\t" in line.text and line.text.strip()):
            cells = line.text.split("\t")
            if not any(c.strip() for c in cells):
                continue
            line.cells = cells
            starts, offset = [], line.start
            for cell in cells:
                starts.append(offset)
                offset += len(cell) + 1
            line.cell_starts = starts
            line.header_row = is_header_row(cells)
            if not in_table:
                in_table = True
                table_no += 1
            line.table = table_no
        elif line.text.strip():
            in_table = False


def is_header_row(cells: list[str]) -> bool:
    first = ascii_fold(cells[0].strip()).strip(". ")
    if first in _ROW_NUMBER_HEADERS:
        return True
    if _ROW_LABEL_RE.match(cells[0].strip()) or _MERGED_NUMBER_RE.match(cells[0].strip()):
        return False  # a numbered row is data
    # column titles are short labels; data rows hold sentences and figures
    words = sum(1 for c in cells if any(w in c.casefold() for w in _HEADER_WORDS) and len(c) < 70)
    numbers = sum(1 for c in cells if regex.search(r"\d", c))
    return words >= 3 and numbers <= words


def merge_header_rows(upper: list[str], lower: list[str]) -> list[str]:
    """Combine a two-level header: "Thời gian" spanning "Bắt đầu | Kết thúc" -> "Thời gian - Bắt đầu", ...

    A merged cell leaves "" in the columns it spans, so an empty upper cell above a
    filled lower one belongs to the nearest filled upper cell to its left that also
    has a lower part; an empty lower cell (a title spanning both rows) keeps the upper text.
    """
    merged = []
    group = ""
    for i in range(max(len(upper), len(lower))):
        top = upper[i] if i < len(upper) else ""
        bottom = lower[i] if i < len(lower) else ""
        if top and bottom:
            group = top
            merged.append(f"{top} - {bottom}")
        elif bottom:
            merged.append(f"{group} - {bottom}" if group else bottom)
        else:
            group = ""
            merged.append(top)
    return merged


@dataclass
class RowItem:
    line: TextLine
    label: str  # the row number as printed ("1.1", "A", "II"), or "-n" for an unnumbered sub-row
    text: str
    text_start: int  # document offset of text
    cells: dict[str, str]
    is_bullet: bool = False


_COLUMN_NUMBER_RE = regex.compile(r"^\(?(?:\d{1,2}|[A-Z])\)?$")


def is_column_number_row(cells: list[str]) -> bool:
    """The row of column numbers printed under a header: "(1) | (2) | (3)", "1 | 2 | 3 | 4", "A | B | 1 | 2"."""
    filled = [c.strip() for c in cells if c and c.strip()]
    if len(filled) < 3 or not all(_COLUMN_NUMBER_RE.match(c) for c in filled):
        return False
    numbers = [int(c.strip("()")) for c in filled if c.strip("()").isdigit()]
    if len(numbers) < 3:
        return False
    return all(b == a + 1 for a, b in zip(numbers, numbers[1:]))


def _is_label(cell: str) -> bool:
    """A short column title: a few words, a year, "(triệu đồng)"; never a sentence."""
    cell = cell.strip()
    return 0 < len(cell) <= 40 and len(cell.split()) <= 6 and not cell.endswith((".", ";"))


@dataclass
class TableRows:
    """Reads the rows of one table, in order, remembering the current header."""

    headers: list[str] = field(default_factory=list)
    number_col: int | None = 0
    content_col: int = 1
    after_header: bool = False  # the previous row was a header row
    last_row: RowItem | None = None  # the last data row read (continuation rows extend its cells)
    spanned: set[int] = field(default_factory=set)  # columns a header cell spans (blank in the header row)

    def set_header(self, cells: list[str], continues: bool = False) -> None:
        """Take a header row; `continues` when it is the second row of a two-level header."""
        cells = [regex.sub(r"\s+", " ", c).strip() for c in cells]
        if continues and self.headers:
            cells = merge_header_rows(self.headers, cells)
            self.spanned = set()
        else:
            self.spanned = {i for i, c in enumerate(cells) if not c}
        self.after_header = True
        self.last_row = None
        self.headers = cells
        folded = [ascii_fold(h).strip(". ") for h in self.headers]
        self.number_col = next((i for i, h in enumerate(folded) if h in _ROW_NUMBER_HEADERS), None)
        start = 0 if self.number_col is None else self.number_col + 1
        self.content_col = next(
            (i for i, h in enumerate(self.headers) if i >= start and _CONTENT_HEADER_RE.match(h)),
            start if start < len(self.headers) else 0,
        )

    def _completes_header(self, cells: list[str]) -> bool:
        """A second header row the reader left unmarked: right after the header, only short labels,
        at least one under a column the header left blank, none in the row-number or content column."""
        if not self.after_header or not self.headers:
            return False
        filled = [i for i, c in enumerate(cells) if c and c.strip()]
        if len(filled) < 2 or any(i in (self.number_col, self.content_col) for i in filled):
            return False
        if not all(_is_label(cells[i]) for i in filled):
            return False
        return any(i in self.spanned or i >= len(self.headers) for i in filled)

    def read(self, line: TextLine) -> RowItem | None:
        cells = line.cells or []
        if self.headers and self._completes_header(cells):
            self.set_header(cells, continues=True)
            return None
        self.after_header = False
        if is_column_number_row(cells):
            return None
        if not self.headers:  # a table without a header row: name columns by position
            self.set_header([f"Cột {i + 1}" for i in range(len(cells))])
            if cells and not _ROW_LABEL_RE.match(cells[0].strip()):
                self.number_col, self.content_col = None, 0
        number = cells[self.number_col].strip() if self.number_col is not None and self.number_col < len(cells) else ""
        content_index = self.content_col if self.content_col < len(cells) else None
        content = cells[content_index] if content_index is not None else ""
        content_start = line.cell_starts[content_index] if content_index is not None and line.cell_starts else line.start
        if number and not _ROW_LABEL_RE.match(number):
            # the row number and the content share the first cell: "A. CHƯƠNG TRÌNH ..."
            m = _MERGED_NUMBER_RE.match(number)
            if m and not content.strip():
                content = number[m.end():]
                content_start = line.cell_starts[self.number_col] + m.end() if line.cell_starts else line.start
                number = m.group("num")
        is_bullet = False
        if not number:
            m = regex.match(r"^\s*[-–+•]\s*", content)
            if m:
                is_bullet = True
                content, content_start = content[m.end():], content_start + m.end()
        lead = len(content) - len(content.lstrip())
        content, content_start = content.strip(), content_start + lead
        values = {}
        for i, cell in enumerate(cells):
            if i in (self.number_col, content_index) or not cell.strip():
                continue
            header = self.headers[i] if i < len(self.headers) and self.headers[i] else f"Cột {i + 1}"
            values[header] = regex.sub(r"\s+", " ", cell).strip()
        if not content and not number:
            if values and self.last_row is not None:
                # the rows under a vertically merged TT / content cell: more values of the row above
                # (its cells dict is the one its item holds, so it is extended in place)
                for header, value in values.items():
                    old = self.last_row.cells.get(header)
                    self.last_row.cells[header] = f"{old}; {value}" if old else value
            return None
        row = RowItem(line, number.rstrip("."), content, content_start, values, is_bullet)
        self.last_row = row
        return row
