"""The data passed between stages.

Two families:

* the *reading model* (plain dataclasses): what a reader makes of a file —
  pages of lines, each line with its page, its box on the page and, for table
  rows, its cells. Readers produce it; repair consumes it, and assembly lays it
  out as `TextLine`s (normalised text with document offsets) for segmentation.
* the *document model* (pydantic, strict): what the pipeline outputs — the
  document JSON validated by ``schemas/document.schema.json``.

Offsets: ``Document.text`` is the normalised text of the whole document; every
``span`` is a ``[start, end)`` pair of character offsets into it, and
``Document.text[item.span[0]:item.span[1]] == item.text``. ``original_span``
points into ``Document.original_text`` (the text as read, before repair), so a
person can always be shown where a fact came from.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.0"

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom in PDF points, origin top-left


# --------------------------------------------------------------------------
# Reading model
# --------------------------------------------------------------------------
@dataclass
class Line:
    """One line (or one already-joined paragraph) of text as a reader saw it."""

    text: str
    page: int = 1
    bbox: BBox | None = None
    cells: list[str] | None = None  # a table row: its cell texts, column order
    table: int | None = None  # rows of one table as the reader saw it (PDF, OCR: one page's piece) share this number
    header_row: bool = False  # a table's header row (column titles), as far as the reader can tell
    confidence: float | None = None  # OCR: the lowest mean word confidence of the OCR lines it joins, 0..1
    # a table row: per cell, how many rows the cell spans downwards (1: an ordinary cell, 2+: merged with the
    # rows below) or 0 when a cell merged from a row above covers it; None when the reader cannot tell (text, OCR)
    row_spans: list[int] | None = None


@dataclass
class Page:
    number: int  # 1-based
    lines: list[Line] = field(default_factory=list)
    width: float | None = None
    height: float | None = None
    source: str = "text"  # text | text_layer | docx | ocr | repaired
    quality: float | None = None  # share of valid Vietnamese syllables, when measured


@dataclass
class RawDocument:
    """What a reader returns: the pages of one file, before any repair."""

    pages: list[Page]
    format: str  # txt | pdf | docx
    warnings: list[str] = field(default_factory=list)

    @property
    def lines(self) -> list[Line]:
        return [line for page in self.pages for line in page.lines]


@dataclass
class TextLine:
    """A line of the assembled document: what segmentation reads (see `pipeline.assemble`)."""

    index: int
    text: str  # normalised
    start: int  # offset of text in the document text
    page: int
    bbox: BBox | None = None
    cells: list[str] | None = None  # normalised cell texts of a table row
    cell_starts: list[int] = field(default_factory=list)  # document offset of each cell
    table: int | None = None
    header_row: bool = False
    confidence: float | None = None  # OCR confidence of the line, when it was OCR'd
    row_spans: list[int] | None = None  # see Line.row_spans

    @property
    def end(self) -> int:
        return self.start + len(self.text)



# --------------------------------------------------------------------------
# Document model (the JSON output)
# --------------------------------------------------------------------------
class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


Span = tuple[int, int]


class ItemKind(str, Enum):
    article = "article"  # Điều
    section = "section"  # a heading that introduces children (Phần, Chương, Mục, I., 1., a) ...)
    objective = "objective"  # a unit under "Mục tiêu"
    task = "task"  # a unit under "Nhiệm vụ", "Nội dung", "Giải pháp"
    assignment = "assignment"  # a unit under "Tổ chức thực hiện" / "Trách nhiệm"
    paragraph = "paragraph"  # anything else
    table_row = "table_row"


class Quantity(Strict):
    value: float  # after scale words: "22,6 tỷ đồng" -> 22600000000
    value_max: float | None = None  # upper bound of a range ("từ 3 đến 5", "30 - 35%")
    unit: str | None = None  # the counted noun phrase as printed ("chuyên gia, cán bộ KH&CN")
    unit_normalized: str | None = None  # registry form ("doanh nghiệp" for "DN", "m2" for "m²")
    kind: Literal["count", "percent", "money", "measure", "multiplier", "other"] = "count"
    qualifier: str | None = None  # ít nhất, không dưới, tối đa, khoảng ...
    raw: str
    span: Span  # into Document.text
    confidence: float = 1.0
    reasons: list[str] = Field(default_factory=list)


class Deadline(Strict):
    start: str | None = None  # ISO date
    end: str | None = None  # ISO date
    recurrence: Literal["daily", "weekly", "monthly", "quarterly", "semiannual", "yearly"] | None = None
    raw: str
    span: Span | None = None  # into Document.text; None when inherited from elsewhere
    inherited_from: str | None = None  # "heading" | "title" | "table_row" when not stated in the item
    confidence: float = 1.0
    reasons: list[str] = Field(default_factory=list)


class Agency(Strict):
    """A body named as responsible for an item: "Sở KH&CN chủ trì, phối hợp với Sở Tài chính"."""

    name: str  # as printed: "Sở KH&CN"
    normalized: str  # abbreviations expanded: "Sở Khoa học và Công nghệ"
    role: Literal["lead", "support", "assignee"]  # chủ trì | phối hợp | giao / tên cơ quan đứng đầu câu
    raw: str
    span: Span | None = None  # into Document.text; None when taken from a table cell or inherited
    confidence: float = 1.0
    reasons: list[str] = Field(default_factory=list)
    inherited: bool = False  # not named in the item: the lead its heading addresses ("1. Sở Công Thương:" over a), b) …)
    inherited_from: str | None = None  # the id of the item whose text names it, when inherited


class Mention(Strict):
    raw: str
    span: Span
    page: int
    context: Literal["legal_basis", "header", "body", "table"] = "body"


class Citation(Strict):
    doc_type: str | None = None  # slug: quyet_dinh, luat, nghi_dinh ...
    number: str | None = None  # số ký hiệu, spaces removed: "1519/QĐ-UBND"
    issued_date: str | None = None
    issuer: str | None = None
    raw: str  # the first mention as printed
    mentions: list[Mention]
    confidence: float = 1.0
    reasons: list[str] = Field(default_factory=list)


class CellQuantity(Strict):
    """A further number in a table cell ("22.000 đơn/năm 400 đơn/năm": the 400)."""

    value: float
    value_max: float | None = None
    unit: str | None = None
    unit_normalized: str | None = None
    kind: Literal["count", "percent", "money", "measure", "multiplier", "other"] = "count"
    qualifier: str | None = None
    raw: str


class TableValue(Strict):
    """One table cell read as a typed value (pipeline/extract/table_values.py).

    ``value`` is the cell's first number (for a ratio column its percentage) after
    the header's scale ("Kinh phí (triệu đồng)": "500" -> 500000000); a bare
    number takes its unit from the header, the row's "Đơn vị tính" column, the
    row's target or its content, and ``unit_from`` says which (``cell`` when the
    cell prints it). ``value`` is None for a cell without a number ("Quy chế").
    """

    column: str  # the column header as printed
    raw: str  # the cell text
    year: int | None = None  # the column's year: "Chỉ tiêu đến 2020" -> 2020, "Thực hiện 2016" -> 2016
    year_start: int | None = None  # a period's first year: "giai đoạn 2016-2020" -> 2016
    value: float | None = None
    value_max: float | None = None
    unit: str | None = None
    unit_normalized: str | None = None
    kind: Literal["count", "percent", "money", "measure", "multiplier", "other"] | None = None
    qualifier: str | None = None
    unit_from: Literal["cell", "header", "unit_column", "target", "content"] | None = None
    more: list[CellQuantity] = Field(default_factory=list)
    confidence: float = 1.0
    reasons: list[str] = Field(default_factory=list)


class RowValues(Strict):
    """A table row's cells by meaning: what the row targets, achieved, plans, by when, by whom, at what cost.

    ``actual`` and ``plan`` are keyed by the column's year ("2016"), or by the
    printed header when it names no year. ``columns`` gives every cell header
    its meaning: row_number | content | target | actual | plan | ratio |
    deadline | lead | support | assignee | budget | unit | note | product | other.
    """

    target: TableValue | None = None
    actual: dict[str, TableValue] = Field(default_factory=dict)
    plan: dict[str, TableValue] = Field(default_factory=dict)
    ratio: TableValue | None = None
    budget: TableValue | None = None
    deadline: Deadline | None = None  # from the deadline column ("Quý I/2018", "Năm 2018")
    lead: list[str] = Field(default_factory=list)  # agency names as printed
    support: list[str] = Field(default_factory=list)
    assignee: list[str] = Field(default_factory=list)
    unit: str | None = None  # the "Đơn vị tính" cell
    note: str | None = None
    columns: dict[str, str] = Field(default_factory=dict)  # header -> meaning


class LinkDisagreement(Strict):
    """The table and the narrative give different figures for the same activity."""

    column: str  # the table column the figure came from
    table_value: float
    narrative_value: float
    unit: str | None = None
    table_raw: str
    narrative_raw: str


class Link(Strict):
    """A table row and the narrative item (task, objective, section) it measures (pipeline/extract/links.py)."""

    table_row: str  # Item.id of the table row
    item: str  # Item.id of the narrative item
    confidence: float
    text_score: float  # 0-1: how alike the two texts are (token overlap and difflib)
    quantities: Literal["agree", "disagree", "none"] = "none"  # do the row's figures appear in the item?
    disagreement: LinkDisagreement | None = None
    reasons: list[str] = Field(default_factory=list)


class TableCell(Strict):
    """One cell of a table row, in column order, with the header path it sits under (pipeline/segment/tables.py)."""

    column: int  # the table's column, from 0
    header: list[str] = Field(default_factory=list)  # header path as printed above the row: ["Tọa độ VN-2000", "X"]
    key: str  # the cell's key in Item.cells ("Tọa độ VN-2000 - X"); distinct within the row
    text: str  # whitespace squeezed; the parts of a cell continued over a page break or on merged rows joined
    role: Literal["number", "content", "value"] = "value"  # the row's number (TT), its content, or a value
    merged: bool = False  # printed once in a cell merged over several rows: it belongs to each of them
    spans: list[Span] = Field(default_factory=list)  # where it is printed in Document.text, each part


class TableInfo(Strict):
    """One table of the document and the check made on it: every cell of the grid reached a header or a row.

    A table whose ``cells_read`` differs from ``grid_cells`` has low ``confidence`` and its rows go to the
    review queue with the reason.
    """

    table: int  # Item.table of its rows
    page: int
    page_end: int
    columns: list[list[str]] = Field(default_factory=list)  # header path of each column (the first header)
    groups: int = 1  # records per printed row: "Tên điểm | X | Y | Tên điểm | X | Y" repeats one group twice
    header_rows: int = 0  # rows read as header (repeats on later pages included)
    printed_rows: int = 0  # data rows as printed (a row split by a page break counts once)
    records: int = 0  # table_row items
    grid_cells: int = 0  # non-empty cells in the grid the reader found
    cells_read: int = 0  # of those, the cells that reached a header or a table_row item
    confidence: float = 1.0
    reasons: list[str] = Field(default_factory=list)


class Item(Strict):
    id: str
    parent: str | None = None
    kind: ItemKind
    path: str  # enumerators from the root joined by "."; "¶n" for un-enumerated paragraphs, "-n" for bullets
    enumerator: str | None = None  # as printed: "1.", "a)", "(3)", "-", "Điều 2."
    text: str  # the unit's own text, without its enumerator
    span: Span
    original_span: Span | None = None
    page: int
    page_end: int | None = None
    bbox: BBox | None = None  # PDFs: the union of the unit's lines on its first page
    quantities: list[Quantity] = Field(default_factory=list)
    deadline: Deadline | None = None  # the time bound stated in the item's own text
    effective_deadline: Deadline | None = None  # stated, or inherited from a heading / table row / the title
    agencies: list[Agency] = Field(default_factory=list)
    # table_row only: column header -> cell text (row number and content left out; a header printed twice
    # gets a distinct key, "Kinh phí [2]", so no value overwrites another)
    cells: dict[str, str] | None = None
    row_cells: list[TableCell] | None = None  # table_row only: every cell in column order, with its header path
    record: int | None = None  # table_row only: which repeated column group of the printed row (0 = leftmost)
    table: int | None = None  # table_row only: which table (Document.tables)
    values: RowValues | None = None  # table_row only: the cells read by column meaning
    confidence: float = 1.0
    reasons: list[str] = Field(default_factory=list)


class Signer(Strict):
    name: str | None = None
    position: str | None = None  # "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"
    raw: str


class DigitalSignature(Strict):
    """A digital signature's stamp printed on the document: "Ký bởi: Bộ Công Thương /
    Cơ quan: Bộ Công Thương / Thời gian ký: 02.04.2026 14:24:26 +07:00" (or "Người ký: ...")."""

    signer: str | None = None  # "Ký bởi" / "Người ký": a person or, for an office's seal, the office
    organization: str | None = None  # "Cơ quan"
    email: str | None = None
    position: str | None = None  # "Chức vụ"
    signed_at: str | None = None  # ISO 8601, with the printed UTC offset: "2026-04-02T14:24:26+07:00"
    raw: str


class UnreadField(Strict):
    """A header field the document prints but the pipeline could not read: a number or day
    written by hand into "Số: …/QĐ-UBND" or "ngày … tháng … năm 2026". Never guessed; for review."""

    field: Literal["number", "issued_date"]
    printed: str | None = None  # what was read of it: "Số: …/BCT-ATMT", "Hà Nội, ngày … tháng 4 năm 2026"
    reason: str


class Received(Strict):
    """The receiving office's stamp: "ĐẾN Số: 297 Ngày: 27/02/2018"."""

    office: str | None = None
    number: str | None = None
    date: str | None = None
    raw: str


class Source(Strict):
    file_name: str
    sha256: str
    format: str  # txt | pdf | docx
    pages: int
    bytes: int


class PageInfo(Strict):
    number: int
    span: Span
    source: str
    quality: float | None = None
    width: float | None = None
    height: float | None = None


class DocumentInfo(Strict):
    doc_type: str | None = None  # slug: quyet_dinh, ke_hoach, cong_van ...
    doc_type_label: str | None = None  # as printed: "QUYẾT ĐỊNH"
    number: str | None = None
    number_raw: str | None = None
    issuer: str | None = None
    parent_issuer: str | None = None  # "Ủy ban nhân dân Thành phố Hồ Chí Minh" above "Sở Khoa học và Công nghệ"
    place: str | None = None
    issued_date: str | None = None
    title: str | None = None
    recipients: list[str] = Field(default_factory=list)  # "Kính gửi: ..."
    signer: Signer | None = None
    received: Received | None = None
    digital_signatures: list[DigitalSignature] = Field(default_factory=list)  # signing tools' stamps, not body
    inferred: list[str] = Field(default_factory=list)  # names of fields inferred, not read from the header
    unread: list[UnreadField] = Field(default_factory=list)  # printed but not read (handwritten slots): to review
    source: Source


class Document(Strict):
    schema_version: str = SCHEMA_VERSION
    pipeline_version: str
    document: DocumentInfo
    items: list[Item]
    citations: list[Citation]
    pages: list[PageInfo]
    text: str
    original_text: str
    links: list[Link] = Field(default_factory=list)  # table rows -> the narrative items they measure
    tables: list[TableInfo] = Field(default_factory=list)  # every table, with the check on its cells
    warnings: list[str] = Field(default_factory=list)
