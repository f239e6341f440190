"""Tables: the rows readers hand over become one record per table row, and no cell is dropped.

Readers give table rows as lines with cells: the PDF reader (and OCR, through its layout steps)
one table per page piece, its first row marked as a header and, for PDFs, which cells are merged
over several rows (``row_spans``); the DOCX reader the rows Word marks as header and its merged
cells; a text file tab-separated lines, which `mark_text_tables` gives cells. `read_tables` reads
every table of a document the same way, whoever read it:

1. **Pieces become tables.** A piece that starts a page right after a piece that ended the page
   before (at most a "(tiếp theo)" caption between them) continues it when its first row repeats
   the header (exactly, or with small differences: a wrong caption, a dropped column) or, with the
   same number of columns, is data. Two tables of one page are never joined.
2. **Header rows.** The table's first row when it reads as one (readers of ruled tables say so);
   under it a second level ("Thực hiện" spanning "2016 | 2017"): a row a header cell is merged
   into, or a row right after the header that only fills columns the header left blank, with short
   labels. A header repeated on a later page, or pasted into the middle, is recognised with small
   differences; a repeat printing only the first level keeps the table's second level. Cells are
   keyed by the captions as printed above them (a misprinted repeat keeps its misprint), while the
   structure (which column numbers the rows, which columns repeat) stays the table's. The row of
   column numbers printed under a header ("(1) (2) (3)", "1 2 3", "A B 1 2") is not data.
3. **Columns.** The "TT"/"STT" column gives each row its path (A, I, 1, 1.1 ...); without one, a
   content column of short codes ("M1", "ĐH12") does. The content column ("Nội dung") gives its
   text; every non-empty cell is kept in column order with its header path (`RowItem.row_cells`)
   and, for convenience, by header (`RowItem.cells`, number and content left out), where a header
   printed twice gets a distinct key ("Kinh phí [2]") instead of overwriting the first.
4. **Repeated column groups.** A header repeating a group of columns side by side ("Tên điểm | X |
   Y | Tên điểm | X | Y") that holds a number, content or name column makes each printed row hold
   one record per group; each is a row of its own, with its own cells and number. Reading order is
   left group first, then right, row by row; when the numbering runs down the left group of a page
   (or of the whole table) first, that order. Columns outside the groups belong to every record.
5. **Merged cells.** A cell merged over several rows in a value column ("Diện tích" printed once
   for all the points) belongs to every row it spans, also over a page break, where its fragments
   are one cell. Merged over the number and content columns, it makes its rows one record whose
   other cells are joined "; " (continuation rows: no number, no content, other cells filled).
6. **A row split by a page break is one row**: the first row of a page with no number of its own
   and a content that goes on in lower case (or none) is the rest of the last row before the break.
7. **The check.** Every non-empty cell of the grid must reach a header or a record that became an
   item (`TableSummary.check`); the builder reports a table where some do not, with the cells lost.
"""
from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import regex

from pipeline.lexicon import ENUMERATION_LETTERS, ascii_fold
from pipeline.model import TextLine
from pipeline.segment.patterns import ROMAN, roman_to_int

if TYPE_CHECKING:
    from pipeline.assemble import Assembled

_ROW_NUMBER_HEADERS = {"tt", "stt", "so tt", "so thu tu", "thu tu", "s tt", "so"}
_CONTENT_HEADER_RE = regex.compile(
    r"^(?:nội dung|nhiệm vụ|tên|công việc|hoạt động|chỉ tiêu|nội dung công việc|danh mục|đơn vị|tên đơn vị|"
    r"nhiệm vụ, giải pháp|nội dung nhiệm vụ|lĩnh vực)",
    regex.IGNORECASE,
)
# What names a record inside a repeated group of columns: its number, its content, or a name/code column.
_NAME_HEADER_RE = regex.compile(r"^(?:vi tri|diem|moc|ky hieu|so hieu|ma|ten)\b")
_HEADER_WORDS = (
    "nội dung", "ghi chú", "thời gian", "đơn vị", "chủ trì", "phối hợp", "kế hoạch", "chỉ tiêu", "thực hiện",
    "kinh phí", "sản phẩm", "tỷ lệ", "kết quả", "nhiệm vụ", "tiến độ", "dự kiến",
)
# "A. CHƯƠNG TRÌNH ...", "II Hỗ trợ ...", "1.1 Đào tạo ..." — a row number merged into the content cell
_MERGED_NUMBER_RE = regex.compile(rf"^(?P<num>[A-Z]|(?=[IVX]){ROMAN}|\d{{1,2}}(?:\.\d{{1,2}})*)(?:\s*[.)]\s*|\s+)(?=\S)")
_ROW_LABEL_RE = regex.compile(rf"^(?:[A-Z]|(?=[IVX]){ROMAN}|\d{{1,3}}(?:\.\d{{1,3}})*|[a-zđ])[.)]?$")
_COLUMN_NUMBER_RE = regex.compile(r"^\(?(?:\d{1,2}|[A-Z])\)?$")
# A point or station code used as a row's name: "M1", "ĐH12", "A-3", "12", "1.2".
_POINT_CODE_RE = regex.compile(r"^(?:[^\W\d_]{1,4}[-.]?)?\d{1,4}(?:[.\-/]\d{1,4})*[a-z'’]?$")
# A figure or code cell: no space, a digit ("2498697,55", "1.0001", "11,67%", "M1").
_FIGURE_RE = regex.compile(r"^(?=\S*\d)[\w.,\-/'’°\"%+]{1,16}$")
_YEAR_RE = regex.compile(r"^(?:19|20)\d\d$")
_DIGIT_RE = regex.compile(r"\d")
_DIGITS_RE = regex.compile(r"\d+")
_BULLET_RE = regex.compile(r"^\s*[-–+•]\s*")
# folded: "(tiếp theo)", "Bảng 2 (tiếp)", "Tiếp theo" alone; not "Tiếp nhận hồ sơ"
_CONTINUED_RE = regex.compile(r"\(\s*tiep(?: theo)?\s*\)|^\W*tiep theo\W*$|\(?\bcontinued\b")
# A cell cut by a page break mid-phrase: its first part ends on a comma, a dash or a word that needs a follower.
_CUT_END_RE = regex.compile(
    r"(?:[,\-–(/&]|\b(?:và|của|các|với|cho|tại|trong|theo|về|là|để|hoặc|từ|đến|những|được|trên|dưới))$",
    regex.IGNORECASE,
)
_SAME_CAPTION = 0.8  # two captions are the same when difflib's ratio of their folded texts reaches this
_REPEAT = 0.6  # a row repeats a header when this share of its captions are the header's


# --------------------------------------------------------------------------
# Text files: tab-separated lines
# --------------------------------------------------------------------------
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


# Text saved from a web page (the national legal database) often prints a table one cell per line:
# "TT" / "Tính chất nguy hại" / "Ngưỡng CTNH" / "1." / "Nhiệt độ chớp cháy" / "≤ 60 ºC" / "2." ...
_STACK_MAX_COLUMNS = 16
_STACK_CAPTION_MAX = 120
# A line that starts a unit of the body, never a cell: "2.2.2. Các thành phần", "III. Kết quả", "a) …",
# "Điều 5.", "Bảng 2.", "Ghi chú:" (a note; "Ghi chú" alone is a column's caption), a "-" bullet.
_STACK_STOP_RE = regex.compile(
    r"^(?:(?:[IVX]+|\d{1,3}(?:\.\d{1,3})*)\.\s+\S|[a-zđ]\)\s+\S|[-–+•]\s"
    r"|(?:Điều|Chương|Mục|Phần|Bảng|Biểu|Phụ\s+lục|Mẫu(?:\s+số)?)\s+(?:\d|[IVX]+\b)|(?:Ghi\s+chú|Nguồn|Chú\s+thích)\s*:)",
    regex.IGNORECASE,
)
def mark_stacked_tables(doc: Assembled) -> None:
    """Make each table of a text file printed one cell per line one line per row, with cells: in
    ``doc.lines``, and in ``doc.text``, where the row's line breaks become the tabs and spaces of its line.

    A table is recognised only where its shape is certain: a row-number caption alone on a line ("TT",
    "STT", "Số TT"), two or more short captions under it (the columns), then rows, each starting with its
    row number alone on a line ("1", "2.", "I", "A"), the numbers following one another (1, 2, 3; 1.1 after
    1; I, II for groups, the count restarting under each), each row at most as many cells as there are
    columns (one line each, or several "- " points). A cell missing from a row (the page left it empty) shortens the row: its cells fill the
    columns from the left. A row of column numbers under the captions ("(1)" … "(k)") is one row. The table
    ends at the first line that is not the next row number once a row is full or where a unit of the body
    starts ("2.2. …", "Điều 5.", a bullet). Where a row would need more cells than the captions give (a
    caption row the page merged or left out), nothing is changed: the lines stay as they were.
    The merged row's text is its cells joined by tabs, which keeps the offsets (a tab for each line break)."""
    lines = doc.lines
    table_no = max((line.table for line in lines if line.table is not None), default=-1) + 1
    out: list[TextLine] = []
    text: list[str] | None = None
    i = 0
    while i < len(lines):
        found = _stacked_table(lines, i) if _is_stack_header(lines[i]) else None
        if found is None:
            out.append(lines[i])
            i += 1
            continue
        rows, i = found
        text = text if text is not None else list(doc.text)
        for number, row in enumerate(rows):
            merged = _merged_row(row, table_no, number == 0)
            text[merged.start:merged.end] = merged.text
            out.append(merged)
        table_no += 1
    if text is not None:
        for index, line in enumerate(out):
            line.index = index
        doc.lines = out
        doc.text = "".join(text)


def _is_stack_header(line: TextLine) -> bool:
    return line.cells is None and ascii_fold(line.text.strip()).strip(". ") in _ROW_NUMBER_HEADERS


def _stacked_table(lines: list[TextLine], i: int) -> tuple[list[list[list[TextLine]]], int] | None:
    """The rows (header first) of the stacked table whose row-number caption is ``lines[i]``, each row its
    cells, each cell its lines, and the index after the table; None when the lines do not make one."""
    n = len(lines)
    header = [lines[i]]
    j = i + 1
    while j < n and len(header) < _STACK_MAX_COLUMNS and _stack_caption(lines[j]):
        header.append(lines[j])
        j += 1
    width = len(header)
    if width < 2:
        return None
    rows = [[[line] for line in header]]
    numbers = lines[j:j + width]
    if len(numbers) == width and is_column_number_row([ln.text for ln in numbers]):
        rows.append([[line] for line in numbers])
        j += width
    last: dict[str, tuple] = {}
    data = 0
    while j < n:
        label = _stack_label(lines[j], last)
        if label is None:
            break
        row = [[lines[j]]]
        j += 1
        while j < n and len(row) < width and _stack_label(lines[j], last, label) is None:
            if _BULLET_RE.match(lines[j].text):
                # "- …" points and then the next row number: one cell, a point per line.
                k = j
                while k < n and lines[k].cells is None and _BULLET_RE.match(lines[k].text):
                    k += 1
                if k < n and _stack_label(lines[k], last, label) is not None:
                    row.append(lines[j:k])
                    j = k
                    break
            # Any other line that would start a unit of the body is a cell only when the next row
            # number comes within the row's remaining cells.
            if not _stack_cell(lines[j]) and not _next_row_within(lines, j, width - len(row), last, label):
                break
            row.append([lines[j]])
            j += 1
        _remember(last, label)
        rows.append(row)
        data += 1
    if data < 2 or not any(len(row) >= 2 for row in rows[1:]):
        return None
    # A line left over after a full last row, and a next row number after it: a column the captions missed.
    if len(rows[-1]) == width and j + 1 < n and _stack_cell(lines[j]) and _stack_label(lines[j + 1], last):
        return None
    for row in rows:
        row_lines = [line for cell in row for line in cell]
        if any(b.start != a.end + 1 or b.page != a.page for a, b in zip(row_lines, row_lines[1:])):
            return None  # not one line after another in the text: offsets could not be kept
    return rows, j


def _next_row_within(lines: list[TextLine], j: int, slots: int, last: dict, current: tuple) -> bool:
    """Does a next row number follow ``lines[j]`` within ``slots`` lines, every line before it text?"""
    for line in lines[j:j + slots + 1]:
        if line.cells is not None or not line.text.strip():
            return False
        if line is not lines[j] and _stack_label(line, last, current) is not None:
            return True
    return False


def _stack_caption(line: TextLine) -> bool:
    text = line.text.strip()
    return (line.cells is None and 0 < len(text) <= _STACK_CAPTION_MAX and not text.endswith((".", ";", ":"))
            and not _ROW_LABEL_RE.match(text) and not _COLUMN_NUMBER_RE.match(text) and not _STACK_STOP_RE.match(text))


def _stack_cell(line: TextLine) -> bool:
    text = line.text.strip()
    return line.cells is None and bool(text) and not _STACK_STOP_RE.match(text)


def _label_key(text: str) -> tuple[str, tuple] | None:
    """("number", (1, 2)) for "1.2", ("roman", (3,)) for "III", ("upper", (1,)) for "A", ("lower", (5,)) for "đ"."""
    text = text.strip().rstrip(".)")
    if not text:
        return None
    if text[0].isdigit():
        parts = text.split(".")
        return ("number", tuple(int(p) for p in parts)) if all(p.isdigit() for p in parts) else None
    if text.isupper() and (value := roman_to_int(text)):
        return "roman", (value,)
    if len(text) == 1 and "A" <= text <= "Z":
        return "upper", (ord(text) - ord("A") + 1,)
    if len(text) == 1 and text in ENUMERATION_LETTERS:
        return "lower", (ENUMERATION_LETTERS.index(text) + 1,)
    return None


def _stack_label(line: TextLine, last: dict[str, tuple], current: tuple | None = None) -> tuple | None:
    """The row number ``line`` gives when it can be the next row's (``last``: the last number of each kind
    and when it came, ``current``: the row being filled, counted as seen); None otherwise. Next means: the
    next of its kind ("2" after "1", "1.1" or "2" after "1", "II" after "I"), or a first "1"/"I"/"A"/"a"
    where its kind has not been seen, or has been since left for another (the numbers under a group row)."""
    text = line.text.strip()
    if line.cells is not None or not _ROW_LABEL_RE.match(text):
        return None
    key = _label_key(text)
    if key is None:
        return None
    seen = dict(last)
    if current is not None:
        _remember(seen, current)
    kind, value = key
    if kind not in seen:
        return key if value == (1,) else None
    before, when = seen[kind]
    if value == (1,) and any(other_when > when for other, (_, other_when) in seen.items() if other != kind):
        return key  # the count starts again under a group row
    if kind == "number":
        for depth in range(len(before), 0, -1):  # 1.2 -> 1.3 or 2; 1 -> 2
            if value == before[:depth - 1] + (before[depth - 1] + 1,):
                return key
        return key if value == before + (1,) else None  # 1 -> 1.1
    return key if value == (before[0] + 1,) else None


def _remember(last: dict, key: tuple) -> None:
    kind, value = key
    last[kind] = (value, len(last) and max(when for _, when in last.values()) + 1)


def _merged_row(row: list[list[TextLine]], table: int, header: bool) -> TextLine:
    """One line for a row: its cells joined by tabs, a cell of several lines joined by spaces (each the one
    character of the line break it stands for: offsets stay those of the text, which `mark_stacked_tables`
    changes alike)."""
    first = row[0][0]
    cells = [" ".join(line.text for line in cell) for cell in row]
    return TextLine(
        index=first.index, text="\t".join(cells), start=first.start, page=first.page, bbox=first.bbox,
        cells=cells, cell_starts=[cell[0].start for cell in row], table=table,
        header_row=header or is_header_row(cells),
        confidence=min((line.confidence for cell in row for line in cell if line.confidence is not None), default=None),
    )


# --------------------------------------------------------------------------
# What a row looks like
# --------------------------------------------------------------------------
def is_header_row(cells: list[str]) -> bool:
    first = ascii_fold(cells[0].strip()).strip(". ")
    if first in _ROW_NUMBER_HEADERS:
        return True
    if _ROW_LABEL_RE.match(cells[0].strip()) or _MERGED_NUMBER_RE.match(cells[0].strip()):
        return False  # a numbered row is data
    # column titles are short labels; data rows hold sentences and figures
    words = sum(1 for c in cells if any(w in c.casefold() for w in _HEADER_WORDS) and len(c) < 70)
    numbers = sum(1 for c in cells if _DIGIT_RE.search(c))
    return words >= 3 and numbers <= words


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


def _looks_like_data(cells: list[str]) -> bool:
    """A row that cannot be column titles: a row number first, a figure or code, a sentence going on."""
    first = cells[0].strip() if cells else ""
    if first and _ROW_LABEL_RE.match(first):
        return True
    for cell in (c.strip() for c in cells):
        if not cell:
            continue
        if _FIGURE_RE.match(cell) and not _YEAR_RE.match(cell) and not _COLUMN_NUMBER_RE.match(cell):
            return True
        if cell[0].islower() or cell.endswith((".", ";")) or len(cell.split()) > 30:
            return True
    return False


def _header_like(cells: list[str]) -> bool:
    """Column titles: at least two, filling at least half the row, none of them data."""
    filled = [c for c in cells if c.strip()]
    return len(filled) >= 2 and 2 * len(filled) >= len(cells) and not _looks_like_data(cells)


def _squeeze(text: str) -> str:
    return " ".join(text.split())


def _fold(text: str) -> str:
    return " ".join(ascii_fold(text).split())


def _same_caption(a: str, b: str) -> bool:
    """Two captions printed alike: equal folded, or one or two letters apart (a typo, OCR), same figures."""
    a, b = _fold(a), _fold(b)
    if a == b:
        return True
    if not a or not b or _DIGITS_RE.findall(a) != _DIGITS_RE.findall(b):
        return False
    return difflib.SequenceMatcher(None, a, b).ratio() >= _SAME_CAPTION


def header_similarity(row: list[str], header: list[str]) -> float:
    """How much of ``header`` the row repeats (0-1): cell by cell when both have as many columns,
    else caption by caption (a page that drops a column)."""
    if len(row) == len(header):
        pairs = [(a, b) for a, b in zip(row, header) if a.strip() or b.strip()]
        return sum(_same_caption(a, b) for a, b in pairs) / len(pairs) if pairs else 0.0
    mine, theirs = [c for c in row if c.strip()], [c for c in header if c.strip()]
    if not mine or not theirs:
        return 0.0
    return sum(any(_same_caption(a, b) for b in theirs) for a in mine) / max(len(mine), len(theirs))


# --------------------------------------------------------------------------
# Headers and what their columns hold
# --------------------------------------------------------------------------
def header_paths(rows: list[list[str]]) -> list[tuple[str, ...]]:
    """The header path of each column from the header rows, top level first.

    A merged cell leaves "" in the columns it spans, so an empty upper cell above a filled lower
    one belongs to the nearest filled upper cell to its left that also has a lower part ("Thời gian"
    spanning "Bắt đầu | Kết thúc" -> ("Thời gian", "Bắt đầu"), ("Thời gian", "Kết thúc")); an empty
    lower cell (a title spanning both rows) keeps the upper path.
    """
    width = max((len(r) for r in rows), default=0)
    paths: list[tuple[str, ...]] = [(c,) if c else () for c in (rows[0] + [""] * width)[:width]] if rows else []
    for lower in rows[1:]:
        merged, group = [], ()
        for i in range(width):
            top, bottom = paths[i], lower[i] if i < len(lower) else ""
            if top and bottom:
                group = top
                merged.append(top + (bottom,))
            elif bottom:
                merged.append(group + (bottom,))
            else:
                group = ()
                merged.append(top)
        paths = merged
    return paths


def _realign(rows: list[list[str]], width: int) -> list[list[str]]:
    """Header rows of a text table whose merged cells were dropped (a web page's table saved as text):
    "Vị trí | Hệ VN-2000 | Hệ WGS-84" over "Vĩ độ | Kinh độ | Vĩ độ | Kinh độ" over rows of 5 cells.
    The last level sits over the last columns (the first ones are merged down from above); the cells
    of a level above, after those, spread evenly over the columns below them. Rows that do not fit
    that shape are left as they are."""
    if len(rows) < 2 or not all(len(a) < len(b) for a, b in zip(rows, rows[1:])) or len(rows[-1]) > width:
        return rows
    lead = width - len(rows[-1])
    out = [[""] * lead + rows[-1]]
    for row in reversed(rows[:-1]):
        head, rest = row[:lead], row[lead:]
        if len(head) < lead or not rest or (width - lead) % len(rest):
            return rows
        size = (width - lead) // len(rest)
        out.insert(0, head + [c for cell in rest for c in [cell] + [""] * (size - 1)])
    return out


def _is_number_header(name: str) -> bool:
    return ascii_fold(name).strip(". ") in _ROW_NUMBER_HEADERS


def _repeated_group(names: list[str]) -> tuple[int, int, int] | None:
    """(first column, width, count) of the widest run of one group of captions repeated side by side."""
    best = None
    for width in range(2, len(names) // 2 + 1):
        for start in range(0, len(names) - 2 * width + 1):
            unit = names[start:start + width]
            if sum(1 for u in unit if u) < 2:
                continue
            count = 1
            while start + (count + 1) * width <= len(names) and all(
                    _same_caption(a, b) for a, b in zip(unit, names[start + count * width:start + (count + 1) * width])):
                count += 1
            if count >= 2 and (best is None or count * width > best[1] * best[2]):
                best = (start, width, count)
    return best


@dataclass
class _Columns:
    """What the columns of a header hold: the record groups, their number and content columns, the keys."""

    paths: list[tuple[str, ...]]
    groups: list[list[int]]  # the columns of each record of a printed row (one group: every column)
    shared: list[int]  # columns every record of the printed row shares
    number: list[int | None]  # per group: the column numbering its rows
    content: list[int | None]  # per group: the column giving its text

    @property
    def width(self) -> int:
        return len(self.paths)

    @property
    def identity(self) -> set[int]:
        return {c for c in self.number + self.content if c is not None}

    def members(self, group: int, width: int) -> list[int]:
        """The columns of a record of `group` in a row `width` cells wide (cells past the header are shared)."""
        return sorted(set(self.groups[group]) | set(self.shared) | set(range(self.width, width)))

    def name(self, column: int) -> str:
        path = self.paths[column] if column < self.width else ()
        return " - ".join(path)

    def keys(self, group: int, width: int) -> dict[int, str]:
        """Distinct keys for a record's cells: the header as printed, "Cột n" without one, "[2]" for a repeat."""
        out, seen = {}, Counter()
        for column in self.members(group, width):
            name = self.name(column) or f"Cột {column + 1}"
            seen[name] += 1
            out[column] = name if seen[name] == 1 else f"{name} [{seen[name]}]"
        return out

    def with_paths(self, paths: list[tuple[str, ...]]) -> _Columns:
        """The same structure under other captions (a header repeated with small differences)."""
        return _Columns(paths, self.groups, self.shared, self.number, self.content)


def _identity(names: list[str], columns: list[int], shared: list[int]) -> tuple[int | None, int | None]:
    """The number and content columns of one group: the first "TT" column, then the first content
    header after it (else the column after it)."""
    number = next((c for c in columns if _is_number_header(names[c])), None)
    if number is None:
        number = next((c for c in shared if _is_number_header(names[c])), None)
    after = [c for c in columns if number is None or c > number]
    content = next((c for c in after if _CONTENT_HEADER_RE.match(names[c])), None)
    if content is None:
        content = after[0] if after else (columns[0] if columns else None)
    return number, content


def columns_of(paths: list[tuple[str, ...]]) -> _Columns:
    names = [" - ".join(p) for p in paths]
    width = len(names)
    groups, shared = [list(range(width))], []
    found = _repeated_group(names)
    if found:
        start, size, count = found
        candidate = [list(range(start + g * size, start + (g + 1) * size)) for g in range(count)]
        if any(_is_number_header(names[c]) or _CONTENT_HEADER_RE.match(names[c]) or _NAME_HEADER_RE.match(_fold(names[c]))
               for c in candidate[0]):
            groups = candidate
            inside = {c for cols in candidate for c in cols}
            shared = [c for c in range(width) if c not in inside]
    number, content = [], []
    for cols in groups:
        n, c = _identity(names, cols, shared)
        number.append(n)
        content.append(c)
    return _Columns(paths, groups, shared, number, content)


def _positional_columns(width: int, first: list[str]) -> _Columns:
    """A table printed without a header row: columns by position ("Cột 3"); a first cell holding a
    row number makes the first column the number and the second the content."""
    numbered = bool(first) and bool(_ROW_LABEL_RE.match(first[0].strip()))
    return _Columns([()] * width, [list(range(width))], [], [0 if numbered else None], [1 if numbered and width > 1 else 0])


@dataclass
class _Header:
    rows: list[list[str]]  # the header rows as printed (cells squeezed)
    columns: _Columns

    @property
    def first(self) -> list[str]:
        """Its first row as printed ([] for a table printed without a header)."""
        return self.rows[0] if self.rows else []


# --------------------------------------------------------------------------
# The result
# --------------------------------------------------------------------------
Position = tuple[int, int]  # (line index, column) of a grid cell


@dataclass
class RowCell:
    """One cell of a record, in column order (becomes a `model.TableCell`)."""

    column: int
    header: tuple[str, ...]
    key: str
    text: str
    role: str  # number | content | value
    merged: bool
    spans: list[tuple[int, int]]


@dataclass
class RowItem:
    """One record of a table: one printed row, or one group of columns of a printed row."""

    line: TextLine  # the first line of its printed row
    label: str  # the row number as printed ("1.1", "A", "M12"), "" for an unnumbered row
    text: str  # the content as printed in its first part (a contiguous span of the document text)
    text_start: int  # document offset of text
    cells: dict[str, str]  # key -> cell text, row number and content left out
    is_bullet: bool = False
    row_cells: list[RowCell] = field(default_factory=list)
    record: int | None = None  # which repeated column group (0 = leftmost); None when the row holds one record
    lines: list[TextLine] = field(default_factory=list)  # every line of its printed row
    positions: set[Position] = field(default_factory=set)  # the grid cells it holds

    @property
    def last_line(self) -> TextLine:
        return self.lines[-1] if self.lines else self.line

    @property
    def content(self) -> str:
        """The whole content, its parts joined (the text of a row split by a page break goes on there)."""
        return next((c.text for c in self.row_cells if c.role == "content"), _squeeze(self.text))


@dataclass
class TableSummary:
    number: int
    lines: list[TextLine]
    columns: list[tuple[str, ...]]  # the first header's paths
    groups: int
    header_rows: int
    printed_rows: int
    records: list[RowItem]
    grid: dict[Position, str]  # every non-empty cell of the grid
    consumed: set[Position]  # cells read as header or column numbers

    def check(self, placed: list[RowItem]) -> tuple[int, list[str]]:
        """(cells read, reasons): a cell of the grid is read when it is a header or column-number cell
        or held by a record in `placed` (the records that became items)."""
        read = set(self.consumed)
        for record in placed:
            read |= record.positions
        lost = [pos for pos in self.grid if pos not in read]
        cells_read = len(self.grid) - len(lost)
        if not lost:
            return cells_read, []
        by_index = {line.index: line for line in self.lines}
        shown = "; ".join(f"page {by_index[i].page} column {c + 1} {self.grid[(i, c)][:30]!r}" for i, c in lost[:3])
        more = f" and {len(lost) - 3} more" if len(lost) > 3 else ""
        return cells_read, [f"table {self.number}: {cells_read} of {len(self.grid)} cells of the grid read "
                            f"(not read: {shown}{more})"]


@dataclass
class TableReading:
    tables: list[TableSummary] = field(default_factory=list)
    at: dict[int, list[RowItem]] = field(default_factory=dict)  # line index -> records placed there

    def records_at(self, line: TextLine) -> list[RowItem]:
        """The records to place when the tree reaches `line`, in reading order."""
        return self.at.get(line.index, [])


# --------------------------------------------------------------------------
# Reading the tables of a document
# --------------------------------------------------------------------------
def read_tables(lines: list[TextLine]) -> TableReading:
    """Join the pieces of each table, mark its header rows, read its records (see the module docstring).

    `lines` are the document's lines (``lines[i].index == i``); their ``table`` numbers become the
    tables' (1, 2, ... in reading order) and their ``header_row`` flags the header rows found.
    """
    reading = TableReading()
    for number, pieces in enumerate(_join(_pieces(lines), lines), start=1):
        for piece in pieces:
            for line in piece:
                line.table = number
        reading.tables.append(_read_table(number, pieces, reading))
    return reading


def _pieces(lines: list[TextLine]) -> list[list[TextLine]]:
    """Runs of table lines with the same reader's table number."""
    pieces: list[list[TextLine]] = []
    for line in lines:
        if line.cells is None:
            continue
        if pieces and pieces[-1][0].table == line.table and line.table is not None:
            pieces[-1].append(line)
        else:
            pieces.append([line])
    return pieces


def _join(pieces: list[list[TextLine]], lines: list[TextLine]) -> list[list[list[TextLine]]]:
    tables: list[list[list[TextLine]]] = []
    reference: list[str] = []  # the first row of the table's latest header, as printed
    for piece in pieces:
        first = [_squeeze(c) for c in piece[0].cells]
        if tables and _continues(tables[-1][-1], piece, reference, lines):
            if header_similarity(first, reference) >= _REPEAT:
                reference = first
            tables[-1].append(piece)
        else:
            tables.append([piece])
            reference = first
    return tables


def _continues(before: list[TextLine], piece: list[TextLine], reference: list[str], lines: list[TextLine]) -> bool:
    """Does `piece` carry on the table whose last piece is `before`? Only across a page break (or a
    "(tiếp theo)" caption), when its first row repeats the header or, as wide, is data."""
    last, first = before[-1], piece[0]
    between = [ln for ln in lines[last.index + 1:first.index] if ln.text.strip()]
    caption = bool(between) and all(len(ln.text) < 80 and _CONTINUED_RE.search(_fold(ln.text)) for ln in between)
    if between and not caption:
        return False
    if first.page <= last.page and not caption:
        return False
    if header_similarity([_squeeze(c) for c in first.cells], reference) >= _REPEAT:
        return True
    return len(first.cells) == max(len(ln.cells) for ln in before)


@dataclass
class _Part:
    """One printed piece of a cell."""

    raw: str  # as in the document text (stripped)
    start: int
    position: Position | None  # the grid cell it is printed in
    joiner: str = "; "  # how it joins the part before it in its cell

    @property
    def text(self) -> str:
        return _squeeze(self.raw)

    @property
    def end(self) -> int:
        return self.start + len(self.raw)


def _part(line: TextLine, column: int) -> _Part | None:
    if line.cells is None or column >= len(line.cells) or not line.cells[column].strip():
        return None
    raw = line.cells[column]
    start = line.cell_starts[column] if column < len(line.cell_starts) else line.start
    lead = len(raw) - len(raw.lstrip())
    return _Part(raw.strip(), start + lead, (line.index, column))


@dataclass
class _Row:
    """A data row of the grid."""

    line: TextLine
    header: _Header
    own: list[str]  # the cells as printed here (a cell merged from above is "")
    inherited: dict[int, _Part] = field(default_factory=dict)  # the value of a merged cell printed in another row
    merged: set[int] = field(default_factory=set)  # columns where the row is part of a cell merged over rows


@dataclass
class _Printed:
    """A row as a reader sees it: one or more grid rows (continuation rows, a row split by a page break)."""

    header: _Header
    lines: list[TextLine]
    parts: dict[int, list[_Part]]
    merged: set[int]

    def text(self, column: int) -> str:
        parts = self.parts.get(column) or []
        out = ""
        for i, part in enumerate(parts):
            out = part.text if i == 0 else f"{out}{part.joiner}{part.text}"
        return out


def _read_table(number: int, pieces: list[list[TextLine]], reading: TableReading) -> TableSummary:
    lines = [line for piece in pieces for line in piece]
    grid = {(line.index, c): _squeeze(cell) for line in lines for c, cell in enumerate(line.cells) if cell.strip()}
    consumed: set[Position] = set()
    rows, header_count, first_header = _classify(pieces, consumed)
    _merge_down(rows)
    printed = _printed_rows(rows)
    records = _records(printed)
    _place(records, printed, reading)
    first_columns = first_header.columns.paths if first_header else [() for _ in range(max(len(ln.cells) for ln in lines))]
    return TableSummary(
        number=number, lines=lines, columns=list(first_columns),
        groups=max((len(p.header.columns.groups) for p in printed), default=1), header_rows=header_count,
        printed_rows=len(printed), records=[r for r, _ in records], grid=grid, consumed=consumed,
    )


def _classify(pieces: list[list[TextLine]], consumed: set[Position]) -> tuple[list[_Row], int, _Header | None]:
    """Header rows, column-number rows and data rows, in order; each data row with the header above it."""
    header: _Header | None = None
    first_header: _Header | None = None
    run: list[list[str]] = []  # the rows of the header being read
    rows: list[_Row] = []
    count = 0

    def finish(width: int = 0) -> None:
        nonlocal header, first_header, run
        if not run:
            return
        if width and not any(line.row_spans for line in run_lines):
            run = _realign(run, width)
        if header is not None and len(run[0]) == header.columns.width and header_similarity(run[0], header.first) >= _REPEAT:
            # the table's header again: its structure stays, captions as printed, levels left out kept
            printed = run + header.rows[len(run):]
            header = _Header(printed, header.columns.with_paths(header_paths(printed)))
        else:
            header = _Header(run, columns_of(header_paths(run)))
        first_header = first_header or header
        run, run_lines[:] = [], []

    run_lines: list[TextLine] = []
    for p, piece in enumerate(pieces):
        for i, line in enumerate(piece):
            cells = [_squeeze(c) for c in line.cells]
            if i == 0 and p > 0:
                finish(len(cells))
                is_header = (header is not None and header_similarity(cells, header.first) >= _REPEAT) or \
                    is_header_row(cells) or (header is None and line.header_row)
            elif run:
                below = len(piece[i + 1].cells) if i + 1 < len(piece) else 0
                is_header = line.header_row or _completes_header(run, cells, line.row_spans, below)
            elif line.header_row:
                is_header = True
            elif i == 0 and p == 0:
                is_header = _header_like(cells)
            else:
                is_header = is_header_row(cells) or (
                    header is not None and not _looks_like_data(cells)
                    and header_similarity(cells, header.first) >= _REPEAT)
            line.header_row = is_header
            if is_header:
                run.append(cells)
                run_lines.append(line)
                count += 1
                consumed |= {(line.index, c) for c, cell in enumerate(cells) if cell}
                continue
            finish(len(cells))
            if is_column_number_row(cells):
                consumed |= {(line.index, c) for c, cell in enumerate(cells) if cell}
                continue
            if header is None:
                header = _Header([], _positional_columns(len(cells), cells))
            rows.append(_Row(line, header, cells))
    finish()
    return rows, count, first_header


def _completes_header(run: list[list[str]], cells: list[str], spans: list[int] | None, below: int) -> bool:
    """A second header level the reader did not mark, right under the header rows ``run``
    (``below``: the number of cells of the row under it, 0 at the end of a piece)."""
    if spans is not None and any(s == 0 for s in spans[:len(cells)]):
        return True  # a header cell is merged down into it: it is part of the header
    filled = [i for i, c in enumerate(cells) if c]
    if len(filled) < 2:
        return False
    if spans is None and len(run[-1]) < len(cells) <= below and _header_like(cells):
        return True  # a text table whose merged header cells were dropped: each level wider, up to the data
    above = run[-1]
    paths = header_paths(run)
    columns = columns_of(paths)
    blank = {i for i, c in enumerate(run[0]) if not c} | set(range(len(run[0]), len(cells)))
    # short labels only under columns the header left blank or spans, never in the number or content column
    if (all(_is_label(cells[i]) for i in filled) and not any(i in columns.identity for i in filled)
            and any(i in blank for i in filled)):
        return True
    # ... or, anywhere, a few words without figures under a header cell left blank ("Hệ tọa độ" over "X | Y")
    fills_gap = any(i < len(above) and not above[i] for i in filled)
    return (fills_gap and not _ROW_LABEL_RE.match(cells[filled[0]]) and not _MERGED_NUMBER_RE.match(cells[filled[0]])
            and not any(len(cells[i].split()) > 5 or _DIGIT_RE.search(cells[i]) for i in filled))


def _merge_down(rows: list[_Row]) -> None:
    """Give the rows of a cell merged over several rows its value (readers that know merges only).

    A block starts at a cell spanning several rows and goes on through the cells it covers (span 0);
    at a page break, a block reaching the last row of the page goes on through an empty cell spanning
    the first rows of the next page (or the one carrying the text, when the page before left it empty).
    """
    open_blocks: dict[int, list] = {}  # column -> [part or None, rows]
    blocks: list[tuple[int, list]] = []
    per_page = Counter(row.line.page for row in rows)
    for i, row in enumerate(rows):
        spans = row.line.row_spans
        if spans is None:
            open_blocks = {}
            continue
        new_page = i > 0 and row.line.page != rows[i - 1].line.page
        for c in range(len(row.own)):
            span = spans[c] if c < len(spans) else 1
            block = open_blocks.get(c)
            if span == 0 and block is not None:
                block[1].append(row)
                continue
            if (new_page and block is not None and block[1][-1] is rows[i - 1] and (span > 1 or per_page[row.line.page] == 1)
                    and not (block[0] is not None and row.own[c])):
                block[1].append(row)
                if block[0] is None and row.own[c]:
                    block[0] = _part(row.line, c)
                continue
            open_blocks.pop(c, None)
            if span > 1:
                block = [_part(row.line, c) if row.own[c] else None, [row]]
                open_blocks[c] = block
                blocks.append((c, block))
    for c, (part, members) in blocks:
        if len(members) < 2:
            continue
        for row in members:
            row.merged.add(c)
            if part is not None and not row.own[c]:
                row.inherited[c] = part


def _printed_rows(rows: list[_Row]) -> list[_Printed]:
    printed: list[_Printed] = []
    for row in rows:
        columns = row.header.columns
        own = [c for c, cell in enumerate(row.own) if cell]
        before = printed[-1] if printed else None
        same = before is not None and before.header.columns.width == columns.width
        at_break = before is not None and row.line.page > before.lines[-1].page
        has_identity = any(c < len(row.own) and row.own[c] for c in columns.identity)
        if same and own and not has_identity:
            _extend(before, row, at_break)  # continuation rows; the rest of a row cut by the page break
        elif same and at_break and _rest_of_row(row, columns):
            _extend(before, row, True)
        elif own:
            parts = {c: [_part(row.line, c)] for c in own}
            for c, part in row.inherited.items():
                if c not in columns.identity:
                    parts.setdefault(c, []).append(part)
            printed.append(_Printed(row.header, [row.line], parts, set(row.merged) - columns.identity))
        # else: a row with nothing printed of its own (empty, or only covered by merged cells)
    return printed


def _rest_of_row(row: _Row, columns: _Columns) -> bool:
    """The first row of a page continuing the last row of the page before: no number of its own,
    and its content goes on in lower case."""
    if any(c is not None and c < len(row.own) and row.own[c] for c in columns.number):
        return False
    contents = [row.own[c] for c in columns.content if c is not None and c < len(row.own) and row.own[c]]
    return bool(contents) and all(text[0].islower() for text in contents)


def _extend(printed: _Printed, row: _Row, at_break: bool) -> None:
    printed.lines.append(row.line)
    for c, cell in enumerate(row.own):
        if not cell:
            continue
        part = _part(row.line, c)
        cell_parts = printed.parts.setdefault(c, [])
        if cell_parts and at_break:
            ended = cell_parts[-1].text
            part.joiner = " " if part.text[0].islower() or _CUT_END_RE.search(ended) else "; "
        cell_parts.append(part)
    for c, part in row.inherited.items():
        known = {p.position for p in printed.parts.get(c, [])}
        if c not in row.header.columns.identity and part.position not in known:
            printed.parts.setdefault(c, []).append(part)
    printed.merged |= row.merged - row.header.columns.identity


def _records(printed: list[_Printed]) -> list[tuple[RowItem, int]]:
    """The records of every printed row, with the index of the printed row each comes from."""
    codes = _code_groups(printed)
    out: list[tuple[RowItem, int]] = []
    for index, row in enumerate(printed):
        columns = row.header.columns
        width = max(columns.width, max(row.parts, default=-1) + 1)
        several = len(columns.groups) > 1
        for g, group in enumerate(columns.groups):
            members = columns.members(g, width)
            if several and not any(row.parts.get(c) for c in group):
                continue  # an empty slot (the last printed row of an odd number of records)
            if not any(row.parts.get(c) for c in members):
                continue
            record = _record(row, g, members, columns.keys(g, width), _code_key(columns, g) in codes)
            record.record = g if several else None
            out.append((record, index))
    return out


def _code_key(columns: _Columns, group: int) -> tuple:
    return columns.width, group, columns.content[group]


def _code_groups(printed: list[_Printed]) -> set[tuple]:
    """The groups (by `_code_key`) whose content column holds short codes in (nearly) every row ("M1",
    "ĐH12"): with no number column, those codes number the rows."""
    seen: dict[tuple, list[str]] = {}
    for row in printed:
        columns = row.header.columns
        for g, (number, content) in enumerate(zip(columns.number, columns.content)):
            if number is None and content is not None and row.parts.get(content):
                seen.setdefault(_code_key(columns, g), []).append(row.parts[content][0].text)
    out = set()
    for key, texts in seen.items():
        if len(texts) >= 2 and sum(1 for t in texts if _POINT_CODE_RE.match(t)) >= 0.8 * len(texts):
            out.add(key)
    return out


def _record(row: _Printed, group: int, members: list[int], keys: dict[int, str], codes: bool) -> RowItem:
    columns = row.header.columns
    number_col, content_col = columns.number[group], columns.content[group]
    number_part = (row.parts.get(number_col) or [None])[0] if number_col is not None else None
    content_part = (row.parts.get(content_col) or [None])[0] if content_col is not None else None
    number = number_part.raw if number_part else ""
    content = content_part.raw if content_part else ""
    content_start = content_part.start if content_part else row.lines[0].start
    if number and not _ROW_LABEL_RE.match(number):
        # the row number and the content share the first cell: "A. CHƯƠNG TRÌNH ..."
        m = _MERGED_NUMBER_RE.match(number)
        if m and not content:
            content, content_start = number[m.end():], number_part.start + m.end()
            number = m.group("num")
    is_bullet = False
    if not number:
        m = _BULLET_RE.match(content)
        if m:
            is_bullet = True
            content, content_start = content[m.end():], content_start + m.end()
        elif codes and _POINT_CODE_RE.match(content):
            number = content  # a point's code names the row
    lead = len(content) - len(content.lstrip())
    content, content_start = content.strip(), content_start + lead
    cells, row_cells, positions = {}, [], set()
    for c in members:
        parts = row.parts.get(c)
        if not parts:
            continue
        positions |= {p.position for p in parts if p.position is not None}
        role = "number" if c == number_col else "content" if c == content_col else "value"
        text = row.text(c)
        if role == "value":
            cells[keys[c]] = text
        path = columns.paths[c] if c < columns.width else ()
        row_cells.append(RowCell(c, path, keys[c], text, role, c in row.merged, [(p.start, p.end) for p in parts]))
    return RowItem(row.lines[0], number.rstrip("."), content, content_start, cells, is_bullet, row_cells,
                   lines=list(row.lines), positions=positions)


_TRAILING_NUMBER_RE = regex.compile(r"(\d+)\D*$")


def _place(records: list[tuple[RowItem, int]], printed: list[_Printed], reading: TableReading) -> None:
    """Put each record at the line where the tree meets it, in reading order: left group first, then
    right, row by row; unless the numbers run down each group of a page (or of the table) first."""
    if not records:
        return
    order = list(range(len(records)))
    if len({r.record for r, _ in records}) > 1:
        numbers = [_number(r.label) for r, _ in records]
        if sum(n is not None for n in numbers) >= 0.8 * len(numbers):
            page = [printed[i].lines[0].page for _, i in records]
            candidates = [
                order,
                sorted(order, key=lambda k: (page[k], records[k][0].record, records[k][1])),
                sorted(order, key=lambda k: (records[k][0].record, records[k][1])),
            ]
            order = min(candidates, key=lambda o: _descents([numbers[k] for k in o]))
    at = 0
    for k in order:
        record = records[k][0]
        at = max(at, record.last_line.index)
        reading.at.setdefault(at, []).append(record)


def _number(label: str) -> int | None:
    m = _TRAILING_NUMBER_RE.search(label)
    return int(m.group(1)) if m else None


def _descents(numbers: list[int | None]) -> int:
    known = [n for n in numbers if n is not None]
    return sum(1 for a, b in zip(known, known[1:]) if b < a)
