"""The body as a tree of items: enumerators decide nesting, headings decide kinds.

Vietnamese documents nest Phần > Chương > Mục > Điều > khoản (1.) > điểm (a));
plans nest I. > 1. > a) > (1) > "-" > "+". Documents do not always use every
level nor the same order, so nesting is decided by what has been seen: a new
enumerator of a type already open closes everything opened after it and
becomes its sibling; a type not yet open becomes a child of the innermost open
unit. Bullets ("-", "+") never hold a numbered unit, un-enumerated paragraphs
never hold anything (they attach to the innermost numbered unit), and an
article (Điều) or a chapter closes everything below its own rank.

Table rows get the same treatment over their row numbers (A > I > 1 > 1.1).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import regex

from pipeline.model import TextLine
from pipeline.model import BBox
from pipeline.segment.layout import Layout
from pipeline.lexicon import ascii_fold, is_upper_text
from pipeline.segment.patterns import BULLET_TYPES, ROMAN, match_enumerator
from pipeline.segment.tables import RowItem, TableReading, read_tables

_RANK = {"phan": 0, "chuong": 1, "muc": 2, "dieu": 3}
_SECTION_TYPES = {"phan", "chuong", "muc", "roman", "upper"}


@dataclass
class Node:
    id: str
    etype: str  # enumerator type, "para" or "row"
    label: str
    path: str
    enumerator: str | None
    start: int
    end: int
    page: int
    page_end: int
    bbox: BBox | None
    parent: Node | None = None
    children: list[Node] = field(default_factory=list)
    cells: dict[str, str] | None = None
    table: int | None = None
    row: RowItem | None = None  # table_row only: the record segment/tables.py read
    kind: str = "paragraph"
    first_line: TextLine | None = None
    last_line: TextLine | None = None
    counters: dict[str, int] = field(default_factory=dict)  # per-parent counters for bullets and paragraphs

    def label_for(self, symbol: str) -> str:
        self.counters[symbol] = self.counters.get(symbol, 0) + 1
        return f"{symbol}{self.counters[symbol]}"


class TreeBuilder:
    def __init__(self, text: str):
        self.text = text
        self.nodes: list[Node] = []
        self.stack: list[Node] = []
        self.root_counters = Node("", "root", "", "", None, 0, 0, 0, 0, None)
        self.tables = TableReading()  # the records of every table, read by segment/tables.py
        self.table_no: int | None = None
        self.row_stack: list[Node] = []

    # ---- nodes ----------------------------------------------------------
    def new_node(self, line: TextLine, etype: str, label: str, enumerator: str | None, start: int, parent: Node | None) -> Node:
        end = line.end
        while end > start and self.text[end - 1].isspace():
            end -= 1
        while start < end and self.text[start].isspace():
            start += 1
        siblings = parent if parent is not None else self.root_counters
        if etype in BULLET_TYPES:
            label = siblings.label_for("-" if etype == "dash" else "+" if etype == "plus" else "•")
        elif etype == "para":
            label = siblings.label_for("¶")
        path = f"{parent.path}.{label}" if parent is not None and etype != "row" else label
        node = Node(
            id=f"i{len(self.nodes) + 1:04d}", etype=etype, label=label, path=path, enumerator=enumerator,
            start=start, end=end, page=line.page, page_end=line.page, bbox=line.bbox, parent=parent,
            first_line=line, last_line=line,
        )
        if parent is not None:
            parent.children.append(node)
        self.nodes.append(node)
        return node

    def extend(self, node: Node, line: TextLine) -> None:
        """A line that continues the previous unit (a hard-wrapped text line)."""
        end = line.end
        while end > node.end and self.text[end - 1].isspace():
            end -= 1
        node.end = end
        node.page_end = line.page
        node.last_line = line

    # ---- body -----------------------------------------------------------
    def reset(self) -> None:
        self.stack = []
        self.row_stack = []
        self.table_no = None

    def add_body_line(self, line: TextLine, preamble: bool) -> str:
        """Place one body line; return the role it took: "item", "continuation" or "preamble"."""
        text = line.text
        lead = len(text) - len(text.lstrip())
        enumerator = match_enumerator(text.lstrip())
        if enumerator is None:
            last = self.nodes[-1] if self.nodes else None
            if last is not None and last.etype in _RANK and last.etype != "dieu" and last.last_line is not None and is_upper_text(text) and (
                last.start >= last.end or is_upper_text(self.text[last.start:last.end])
            ) and last.last_line.index >= line.index - 2:
                # a chapter's title in capitals, possibly over two lines, is its text
                if last.start >= last.end:
                    last.start = line.start + lead
                self.extend(last, line)
                return "continuation"
            if last is not None and last.start >= last.end and last.etype in _RANK and last.last_line is not None:
                # "Chương I" / "Điều 5." alone on its line: the next line is its title
                last.start = line.start + lead
                self.extend(last, line)
                return "continuation"
            if last is not None and last.etype != "row" and last.last_line is not None and self.is_continuation(last, line):
                self.extend(last, line)
                return "continuation"
            if preamble:
                return "preamble"
            parent = self.paragraph_parent()
            self.new_node(line, "para", "", None, line.start + lead, parent)
            return "item"
        parent = self.place(enumerator.type)
        node = self.new_node(line, enumerator.type, enumerator.label, enumerator.printed, line.start + lead + enumerator.end, parent)
        self.stack.append(node)
        return "item"

    def paragraph_parent(self) -> Node | None:
        """An un-enumerated paragraph belongs to the innermost open heading.

        Bullets never hold paragraphs, and neither does a numbered unit that is itself a
        full sentence ("2. Sở Tài chính bố trí kinh phí."): the paragraph after it
        continues the heading above.
        """
        for node in reversed(self.stack):
            if node.etype in BULLET_TYPES:
                continue
            own = self.text[node.start:node.end].rstrip()
            if node.etype in _RANK or node.etype in _SECTION_TYPES or not own.endswith((".", ";", "./.")):
                return node
        return None

    def place(self, etype: str) -> Node | None:
        """Pop the stack to where a unit of `etype` belongs and return its parent."""
        if etype in _RANK:
            while self.stack and _RANK.get(self.stack[-1].etype, 9) >= _RANK[etype]:
                self.stack.pop()
            return self.stack[-1] if self.stack else None
        open_types = [n.etype for n in self.stack]
        if etype in open_types:
            while self.stack[-1].etype != etype:
                self.stack.pop()
            self.stack.pop()
        elif etype not in BULLET_TYPES:
            while self.stack and self.stack[-1].etype in BULLET_TYPES:
                self.stack.pop()
        return self.stack[-1] if self.stack else None

    def is_continuation(self, node: Node, line: TextLine) -> bool:
        previous = node.last_line.text.rstrip()
        current = line.text.strip()
        if not current or not previous or node.last_line.index != line.index - 1:
            return False  # a blank line always ends a paragraph
        if previous.endswith((".", ";", ":", "!", "?", "./.", "/.")):
            return False
        return current[0].islower() or current[0] in ",)" or (current[0].isdigit() and not previous[-1].isalnum())

    # ---- tables ---------------------------------------------------------
    def add_table_line(self, line: TextLine) -> None:
        if line.table != self.table_no:
            self.table_no = line.table
            self.row_stack = []
        for row in self.tables.records_at(line):
            self.add_row(row)

    def add_row(self, row: RowItem) -> None:
        context = next((n for n in reversed(self.stack) if n.etype not in BULLET_TYPES), None)
        if row.is_bullet or not row.label:
            parent = self.row_stack[-1] if self.row_stack else context
            base = parent.label if parent is not None and parent.etype == "row" else ""
            label = (parent or self.root_counters).label_for("-")
            label = f"{base}.{label}" if base else label
        else:
            while self.row_stack and self.row_stack[-1].etype == "row" and _row_rank(self.row_stack[-1].label) >= _row_rank(row.label):
                self.row_stack.pop()
            parent = self.row_stack[-1] if self.row_stack else context
            label = row.label
        node = self.new_node(row.line, "row", label, row.label or None, row.text_start, parent)
        node.end = row.text_start + len(row.text)
        node.cells, node.table, node.row = row.cells, row.line.table, row
        node.last_line, node.page_end = row.last_line, row.last_line.page
        if not row.is_bullet and row.label:
            self.row_stack.append(node)


def _row_label_type(label: str) -> str:
    if regex.fullmatch(ROMAN, label) and label:
        return "roman"
    if regex.fullmatch(r"[A-Z]", label):
        return "upper"
    if regex.fullmatch(r"\d+", label):
        return "arabic"
    if regex.fullmatch(r"\d+(?:\.\d+)+", label):
        return "multi"
    return "other"


def _row_rank(label: str) -> int:
    """Depth of a table row number: A (0) > I (1) > 1 (2) > 1.1 (3) > 1.1.1 (4)."""
    kind = _row_label_type(label)
    if kind == "upper":
        return 0
    if kind == "roman":
        return 1
    if kind == "arabic":
        return 2
    if kind == "multi":
        return 2 + label.count(".")
    return 5


# --------------------------------------------------------------------------
# Kinds
# --------------------------------------------------------------------------
_TOPICS = (
    ("assignment", ("to chuc thuc hien", "trach nhiem", "phan cong", "dieu khoan thi hanh", "to chuc trien khai")),
    ("objective", ("muc tieu", "muc dich", "yeu cau", "chi tieu")),
    ("task", ("nhiem vu", "noi dung", "giai phap", "hoat dong", "cong viec", "chuong trinh")),
)


def topic_of(heading: str) -> str | None:
    """The kind of unit a heading introduces: "TỔ CHỨC THỰC HIỆN" -> assignment, "Mục tiêu cụ thể" -> objective.

    Only the start of the heading counts ("Tăng cường trách nhiệm ..." is a task heading, not "Trách nhiệm").
    """
    folded = regex.sub(r"^(?:cac|nhung|mot so)\s+", "", regex.sub(r"[^a-z0-9 ]+", " ", ascii_fold(heading)).strip())
    for kind, words in _TOPICS:
        if any(folded.startswith(w) for w in words):
            return kind
    return None


def assign_kinds(nodes: list[Node], text: str) -> None:
    for node in nodes:
        if node.etype == "row":
            node.kind = "table_row"
        elif node.etype == "dieu":
            node.kind = "article"
        elif node.etype in _SECTION_TYPES or (node.children and node.etype not in BULLET_TYPES | {"paren", "paren_letter", "para"}):
            node.kind = "section"
        else:
            node.kind = _inherited_topic(node, text) or "paragraph"


def _inherited_topic(node: Node, text: str) -> str | None:
    ancestor = node.parent
    while ancestor is not None:
        if ancestor.etype != "para":
            topic = topic_of(text[ancestor.start:ancestor.end])
            if topic:
                return topic
        ancestor = ancestor.parent
    return None


def build_tree(lines: list[TextLine], layout: Layout, text: str,
               tables: TableReading | None = None) -> tuple[list[Node], set[int]]:
    """Items of every part, in reading order; and the indexes of the lines that became preamble.
    `tables`: the tables as `read_tables(lines)` reads them (read here when not given)."""
    builder = TreeBuilder(text)
    builder.tables = tables if tables is not None else read_tables(lines)
    preamble_lines: set[int] = set()
    by_part: dict[int, list[TextLine]] = {}
    for line in lines:
        if layout.roles.get(line.index) in ("body", "table_row", "table_header"):
            by_part.setdefault(layout.part_of[line.index], []).append(line)
    for part_no in sorted(by_part):
        builder.reset()
        part_lines = by_part[part_no]
        has_units = any(line.cells is None and match_enumerator(line.text.lstrip()) for line in part_lines)
        seen_unit = False
        for line in part_lines:
            if line.cells is not None:
                builder.add_table_line(line)
                seen_unit = True
                continue
            if match_enumerator(line.text.lstrip()):
                seen_unit = True
            role = builder.add_body_line(line, preamble=has_units and not seen_unit)
            if role == "preamble":
                preamble_lines.add(line.index)
    assign_kinds(builder.nodes, text)
    return builder.nodes, preamble_lines
