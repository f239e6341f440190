"""Spreadsheets (.xlsx, and Excel 97 .xls through LibreOffice): each sheet's table as rows with cells.

Plans publish their appendices (targets, task lists, budgets) as workbooks.
The reader gives the same Lines a table in a DOCX or PDF gives, so the
segmenter (``pipeline/segment/tables.py``) treats them alike:

* **One Page per visible sheet** (``source="xlsx"``); hidden sheets and hidden
  rows are not read.
* **Title lines, then the table.** Rows above the first row with two or more
  filled cells (a merged "PHỤ LỤC ..." title, the plan it belongs to) are
  ordinary Lines. From that row on, every row with text is a Line with
  ``cells`` (one per column of the sheet's used width, merged cells as "" after
  their first, as the DOCX reader pads them) and ``table`` (one number per
  sheet). The first row of the table is its header, with the rows a merged
  header cell reaches down into ("Thời gian" over "Bắt đầu" / "Kết thúc").
* **Values as printed**: whole numbers without ".0", percentages as "60%",
  dates as dd/mm/yyyy, formulas by the value Excel last saved.
* **Legacy fonts.** Cells in a TCVN3 (``.VnTime``), VNI or VISCII font are
  converted to Unicode by font, as they are in Word files; cells in other fonts
  are converted when, taken together, they read as a legacy encoding.
* **Safety.** ZIP members are size-checked before anything is inflated;
  openpyxl parses with defusedxml (no entities, no DTDs). A sheet stops after
  :data:`MAX_CELLS` cells, with a warning.

``.xls`` files are converted to ``.xlsx`` by LibreOffice first
(:func:`pipeline.read.office.convert`, one instance per batch).
"""
from __future__ import annotations

import datetime as dt
import tempfile
import zipfile
from pathlib import Path

from pipeline.errors import ReadError
from pipeline.model import Line, Page, RawDocument
from pipeline.read.docx import MAX_PART_BYTES
from pipeline.repair.legacy_encodings import (
    ENCODINGS,
    conversion_hurts,
    convert_legacy,
    detect_legacy_encoding,
    encoding_for_font,
    has_unicode_vietnamese,
)

#: Cells read per sheet at most (a sheet of a million empty-looking rows is not a plan).
MAX_CELLS = 200_000
MAX_COLUMNS = 256


def read_xlsx(path: Path, fmt: str = "xlsx") -> RawDocument:
    """Read an .xlsx workbook; ReadError with a one-line reason when it cannot be read."""
    path = Path(path)
    _check_package(path)
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on damaged packages
        raise ReadError(f"corrupt or unreadable workbook ({type(exc).__name__}: {str(exc)[:120]})") from None
    warnings: list[str] = []
    sheets = [sheet for sheet in book.worksheets if sheet.sheet_state == "visible"]
    grids = [_sheet_grid(sheet, warnings) for sheet in sheets]
    _convert_legacy_cells(grids)
    pages = []
    for number, (sheet, grid) in enumerate(zip(sheets, grids), start=1):
        lines = _sheet_lines(grid, table=number)
        if lines:
            pages.append(Page(number=len(pages) + 1, lines=lines, source="xlsx"))
    if not pages:
        raise ReadError("the workbook has no text: every visible sheet is empty")
    return RawDocument(pages=pages, format=fmt, warnings=warnings)


def read_xls(path: Path) -> RawDocument:
    """Read an Excel 97 .xls workbook: LibreOffice converts it to .xlsx, then :func:`read_xlsx`."""
    from pipeline.read import office

    with tempfile.TemporaryDirectory(prefix="xls-read-") as tmp:
        converted = office.convert(Path(path), Path(tmp), "xlsx", ".xls")
        return read_xlsx(converted, fmt="xls")


def _check_package(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as package:
            infos = package.infolist()
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ReadError(f"truncated or corrupt workbook (the ZIP archive cannot be opened: {exc})") from None
    names = {info.filename for info in infos}
    if "xl/workbook.xml" not in names:
        raise ReadError("not an Excel workbook: the ZIP has no xl/workbook.xml")
    for info in infos:
        if info.file_size > MAX_PART_BYTES:
            raise ReadError(f"refused: {info.filename} would unpack to {info.file_size / 1e6:.0f} MB")


# --------------------------------------------------------------------------
# Cells
# --------------------------------------------------------------------------
class _Cell:
    __slots__ = ("text", "font", "header_span")

    def __init__(self, text: str, font: str | None, header_span: int = 1):
        self.text, self.font, self.header_span = text, font, header_span


def _sheet_grid(sheet, warnings: list[str]) -> list[list[_Cell]]:
    """The sheet's visible rows as cells; merged areas keep their text in the first cell only."""
    spans: dict[tuple[int, int], int] = {}  # (row, column) of a merge's first cell -> rows it covers
    covered: set[tuple[int, int]] = set()
    for merged in sheet.merged_cells.ranges:
        spans[(merged.min_row, merged.min_col)] = merged.max_row - merged.min_row + 1
        for r in range(merged.min_row, merged.max_row + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                if (r, c) != (merged.min_row, merged.min_col):
                    covered.add((r, c))
    width = min(sheet.max_column or 0, MAX_COLUMNS)
    hidden_columns = {i for i in range(1, width + 1) if _column_hidden(sheet, i)}
    grid: list[list[_Cell]] = []
    cells = 0
    for row in sheet.iter_rows(min_row=1, max_row=sheet.max_row, max_col=width):
        if not row:
            continue
        r = row[0].row
        if sheet.row_dimensions[r].hidden:
            continue
        out = []
        for cell in row:
            c = cell.column
            if c in hidden_columns:
                continue
            text = "" if (r, c) in covered else _value_text(cell)
            font = cell.font.name if cell.font is not None else None
            out.append(_Cell(text, font, spans.get((r, c), 1)))
        grid.append(out)
        cells += len(out)
        if cells >= MAX_CELLS:
            warnings.append(f"sheet {sheet.title!r}: stopped after {cells} cells (row {r})")
            break
    return grid


def _column_hidden(sheet, index: int) -> bool:
    from openpyxl.utils import get_column_letter

    dimension = sheet.column_dimensions.get(get_column_letter(index))
    return bool(dimension is not None and dimension.hidden)


def _value_text(cell) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        if "%" in (cell.number_format or ""):
            return f"{_number(value * 100)}%"
        return _number(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y") if value.time() == dt.time(0) else value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return " ".join(str(value).split())


def _number(value: float) -> str:
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.10g}"


def _convert_legacy_cells(grids: list[list[list[_Cell]]]) -> None:
    """Cells in legacy fonts by their font; cells in other fonts by detection over all of them."""
    unknown = [cell for grid in grids for row in grid for cell in row if cell.text and encoding_for_font(cell.font) is None]
    pooled = " ".join(cell.text for cell in unknown)
    fallback = detect_legacy_encoding(pooled)[0] if pooled.strip() else None
    for grid in grids:
        for row in grid:
            for cell in row:
                if not cell.text or has_unicode_vietnamese(cell.text):
                    continue
                encoding = encoding_for_font(cell.font) or fallback
                if encoding not in ENCODINGS:
                    continue
                converted = convert_legacy(cell.text, encoding)
                if not conversion_hurts(cell.text, converted):
                    cell.text = converted


# --------------------------------------------------------------------------
# Lines
# --------------------------------------------------------------------------
def _sheet_lines(grid: list[list[_Cell]], table: int) -> list[Line]:
    rows = [row for row in grid if any(cell.text for cell in row)]
    if not rows:
        return []
    used = max(max((i for i, cell in enumerate(row) if cell.text), default=-1) for row in rows) + 1
    start = next((i for i, row in enumerate(rows) if sum(1 for cell in row if cell.text) >= 2), len(rows))
    lines = [Line(text=" ".join(cell.text for cell in row if cell.text)) for row in rows[:start]]
    header_until = start + max((cell.header_span for cell in rows[start]), default=1) if start < len(rows) else start
    for i, row in enumerate(rows[start:], start=start):
        cells = [cell.text for cell in row[:used]] + [""] * (used - len(row))
        lines.append(Line(text="\t".join(cells), cells=cells, table=table, header_row=i < header_until))
    return lines
