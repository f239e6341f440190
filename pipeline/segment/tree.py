"""The body as a tree of items: enumerators decide nesting, headings decide kinds.

Vietnamese documents nest Phần > Chương > Mục > Tiểu mục > Điều > khoản (1.) > điểm (a));
plans nest I. > 1. > a) > (1) > "-" > "+". Documents do not always use every
level nor the same order, so nesting is decided by what has been seen: a new
enumerator of a type already open closes everything opened after it and
becomes its sibling; a type not yet open becomes a child of the innermost open
unit. Bullets rank among themselves as printed in Vietnamese documents
("*" > "-" > "+"): a bullet closes the bullets deeper than itself. Bullets never
hold a numbered unit; un-enumerated paragraphs attach to the innermost numbered
unit and hold nothing, except a run-in heading ("Giai đoạn 1: …", "Về kinh
phí:"), which holds the bullets that follow it. Multi-level numbers ("1.2",
"I.1") sit under the unit whose number they extend and keep their printed
number as the path ("I.1.2", not "I.1.1.2"). An article (Điều) or a chapter
closes everything below its own rank.

Table rows get the same treatment over their row numbers (A > I > 1 > 1.1).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import regex

from pipeline.model import TextLine
from pipeline.model import BBox
from pipeline.segment.layout import Layout
from pipeline.lexicon import ascii_fold, is_regulation, is_upper_text
from pipeline.segment.patterns import ROMAN, Enumerator, match_enumerator, roman_to_int
from pipeline.segment.tables import RowItem, TableReading, read_tables

_RANK = {"phan": 0, "chuong": 1, "muc": 2, "tieu_muc": 3, "dieu": 4}
_SECTION_TYPES = {"phan", "chuong", "muc", "tieu_muc", "roman", "upper"}
# Bullets as Vietnamese documents nest them: "*" over "-" (and "•") over "+".
_BULLET_RANK = {"star": 0, "dash": 1, "bullet": 1, "plus": 2}
_BULLETS = frozenset(_BULLET_RANK)
_BULLET_SYMBOL = {"star": "*", "dash": "-", "bullet": "•", "plus": "+"}
# "I.1. Kết quả", "II.3.2- …": a Roman section's number extended by arabic levels.
_ROMAN_MULTI_RE = regex.compile(rf"^({ROMAN}\.\d{{1,2}}(?:\.\d{{1,2}})*)(?:\.|\s*-|\))?\s*(?=\S)")
# A run-in heading: a short label and a colon opening the paragraph ("Giai đoạn 1: chuẩn bị đầu tư").
_RUN_IN_RE = regex.compile(r"^(?P<label>\p{Lu}[^:;.!?()\n]{0,48}?)\s*:(?!\S)")
_LEAD_IN_END_RE = regex.compile(r"(?:nhu sau|sau day|gom|bao gom|cu the|trong do|la|nhu|theo do)$")


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
    run_in: bool = False  # an un-enumerated run-in heading ("Giai đoạn 1: …") that holds the bullets after it
    part: int = 0  # the part of the file (Layout.parts) the unit belongs to

    def label_for(self, symbol: str) -> str:
        self.counters[symbol] = self.counters.get(symbol, 0) + 1
        return f"{symbol}{self.counters[symbol]}"


# A line ending in one of these words stops in the middle of a phrase: the next line goes on with it,
# whatever its case (a page break before "Ủy ban nhân dân tỉnh …"). Not words a heading may end with
# ("đạt được", "tiếp theo", "chuyển đổi số", "cuối cùng", "nêu trên").
_OPEN_END_RE = regex.compile(
    r"(?:^|\s)(?:của|và|với|cho|tại|về|là|do|ở|từ|đến|thuộc|các|những|trong|hoặc|để|bởi|nếu|khi|mà|đối|giữa|gồm)$"
)
_QUOTE_START = ("“", '"', "‘", "'")
_FIGURE_GOES_ON_RE = regex.compile(r"^\d[\d.,]*(?:,\s*|\s+)\p{Ll}")
# A line that closes a quotation: the quote mark last, or before the sentence's last stop ('… thương mại.";').
_QUOTE_END_RE = regex.compile(r"[\"”’']\s*[.;,:]?\s*(?:\./\.)?$")
# An amending unit of the document itself ("2. Sửa đổi khoản 5 Điều 6 như sau:"), printed after a quotation
# whose closing mark was left out.
_AMENDING_RE = regex.compile(r"^(?:sua doi|bo sung|bai bo|thay the|thay doi|thay cum tu|bo cum tu|dinh chinh|"
                             r"dieu chinh|bo\b|thay\b)")
# "Chương II" as OCR reads it when the numeral's strokes join ("ChươnH", "Chuong ll"): the word a few
# letters off, then nothing or a Roman-looking mark. Matched on the folded line, which is short.
_DAMAGED_CHAPTER_RE = regex.compile(r"^(?:chuong){e<=2}\s*[ivxlh|1!]{0,5}\s*[.:]?$")


class TreeBuilder:
    def __init__(self, text: str):
        self.text = text
        self.nodes: list[Node] = []
        self.stack: list[Node] = []
        self.root_counters = Node("", "root", "", "", None, 0, 0, 0, 0, None)
        self.tables = TableReading()  # the records of every table, read by segment/tables.py
        self.table_no: int | None = None
        self.row_stack: list[Node] = []
        self.part_nodes: list[Node] = []
        # Inside a quotation of an amendment ('1. Sửa đổi Điều 3 như sau: / "Điều 3. … / 1. …"'): the stack
        # as it was before it (restored at the closing mark) and how much of the stack the quotation may
        # not close (the amending unit and its ancestors).
        self.outside_quote: list[Node] | None = None
        self.floor = 0
        self.following: list[TextLine] = []  # the next two body lines of the part (for a damaged heading)
        self.part_no = 0
        self.lost_words: set[tuple[int, str]] = set()  # (part, label) of articles whose "Điều" was lost

    # ---- nodes ----------------------------------------------------------
    def new_node(self, line: TextLine, etype: str, label: str, enumerator: str | None, start: int, parent: Node | None) -> Node:
        end = line.end
        while end > start and self.text[end - 1].isspace():
            end -= 1
        while start < end and self.text[start].isspace():
            start += 1
        siblings = parent if parent is not None else self.root_counters
        if etype in _BULLETS:
            label = siblings.label_for(_BULLET_SYMBOL[etype])
        elif etype == "para":
            label = siblings.label_for("¶")
        path = f"{parent.path}.{label}" if parent is not None and etype != "row" else label
        if etype.startswith("multi") and parent is not None and label.startswith(parent.label + "."):
            # "1.2" under "1." (or "I.1" under "I.", "1.2.1" under "1.2"): the printed number already
            # carries its parents' numbers, so the path takes it whole after the chain it extends
            top = parent
            while top.parent is not None and label.startswith(top.parent.label + "."):
                top = top.parent
            path = f"{top.parent.path}.{label}" if top.parent is not None else label
        node = Node(
            id=f"i{len(self.nodes) + 1:04d}", etype=etype, label=label, path=path, enumerator=enumerator,
            start=start, end=end, page=line.page, page_end=line.page, bbox=line.bbox, parent=parent,
            first_line=line, last_line=line,
        )
        if parent is not None:
            parent.children.append(node)
        self.nodes.append(node)
        self.part_nodes.append(node)
        node.part = self.part_no
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
        self.part_nodes: list[Node] = []  # the nodes of the part being built
        self.outside_quote = None
        self.floor = 0

    def add_body_line(self, line: TextLine, preamble: bool) -> str:
        """Place one body line; return the role it took: "item", "continuation" or "preamble"."""
        role = self._add_body_line(line, preamble)
        if self.outside_quote is not None and _QUOTE_END_RE.search(line.text.rstrip()):
            last, end = self.nodes[-1], line.end
            while end > line.start and self.text[end - 1].isspace():
                end -= 1
            if last.end == end and self.text[end - 1] in "\"”’'" and end - 1 > last.start:
                last.end -= 1  # the closing mark is the quotation's, not the unit's text
            self.close_quote()
        return role

    def _add_body_line(self, line: TextLine, preamble: bool) -> str:
        text = line.text
        lead = len(text) - len(text.lstrip())
        quoted = quoted_enumerator(text[lead:])
        if quoted is not None:
            # the provision an amendment quotes opens with its own enumerator: its units nest in the amending unit
            lead += quoted[0]
            self.open_quote()
            enumerator = quoted[1]
        else:
            enumerator = match_enumerator(text[lead:])
            if enumerator is not None and self.outside_quote is not None:
                self.close_quote_left_open(enumerator, text[lead:])
            if enumerator is not None and enumerator.type == "arabic":
                enumerator = self.damaged_article(enumerator, text[lead:]) or enumerator
            enumerator = enumerator or self.damaged_chapter(text.strip()) or self.damaged_section(text.strip())
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
            self.close_run_in()
            parent = self.paragraph_parent(text)
            node = self.new_node(line, "para", "", None, line.start + lead, parent)
            if is_run_in(text.strip()):
                node.run_in = True
                self.stack.append(node)
            return "item"
        etype, label, printed, end = enumerator.type, enumerator.label, enumerator.printed, enumerator.end
        if etype == "bullet" and printed.startswith("*"):
            etype = "star"
        elif etype == "roman" and (m := _ROMAN_MULTI_RE.match(text[lead:])):
            label, printed, end = m.group(1), text[lead:][: m.end()].rstrip(), m.end()
        if etype in ("multi", "roman") and "." in label:
            etype = f"multi{label.count('.') + 1}"  # "1.2" nests under "1", "1.2.3" under "1.2"
        parent = self.place(etype, label)
        node = self.new_node(line, etype, label, printed, line.start + lead + end, parent)
        self.stack.append(node)
        return "item"

    def open_quote(self) -> None:
        """A quotation starts: its units go under the amending unit (the last unit, which ends "như sau:"), and
        what it opens is closed again at its end."""
        if self.outside_quote is not None:
            self.close_quote()  # one quotation after another
        host = self.nodes[-1] if self.nodes and self.nodes[-1].etype != "row" else None
        saved = list(self.stack)
        if host is not None and host in saved:
            self.stack = saved[: saved.index(host) + 1]
        elif host is not None and host.etype == "para" and self.text[host.start:host.end].rstrip().endswith(":"):
            self.stack = saved + [host]  # "Khoản 3 được sửa đổi như sau:" as a paragraph of its own
        self.outside_quote, self.floor = saved, len(self.stack)

    def close_quote(self) -> None:
        if self.outside_quote is not None:
            self.stack, self.outside_quote, self.floor = self.outside_quote, None, 0

    def close_quote_left_open(self, enumerator: Enumerator, text: str) -> None:
        """A quotation whose closing mark is missing ends at the next unit (``enumerator``, opening ``text``) that
        amends, numbered as the amending units are ("2. Sửa đổi khoản 5 …" after "1. Sửa đổi Điều 3 như sau: …"),
        or at the next article of the document itself."""
        outer = self.outside_quote
        host = self.stack[self.floor - 1] if self.floor else None
        if enumerator.type == "dieu" and not any(n.etype == "dieu" for n in self.stack[self.floor:]):
            self.close_quote()
        elif host is not None and enumerator.type == host.etype and _AMENDING_RE.match(_fold(text[enumerator.end:])):
            self.close_quote()
        elif enumerator.type in _RANK and any(n.etype == enumerator.type for n in outer or []) and \
                not any(n.etype == enumerator.type for n in self.stack[self.floor:]):
            self.close_quote()

    def damaged_chapter(self, text: str) -> Enumerator | None:
        """A chapter heading OCR damaged ("ChươnH" for "Chương II"), when the next chapter is due: the part
        has chapters, and the line is only the word "Chương" a few letters off and a Roman-looking mark."""
        if len(text) > 14:
            return None
        chapters = [n for n in self.part_nodes if n.etype == "chuong"]
        if not chapters or not _DAMAGED_CHAPTER_RE.match(ascii_fold(text).lower()):
            return None
        number = roman_to_int(chapters[-1].label.split()[-1]) or (int(chapters[-1].label.split()[-1])
                                                                   if chapters[-1].label.split()[-1].isdigit() else None)
        if number is None:
            return None
        return Enumerator("chuong", f"Chương {_roman(number + 1)}", text, len(text))

    def damaged_article(self, enumerator: Enumerator, text: str) -> Enumerator | None:
        """An article heading whose word "Điều" was lost (Word's own list numbering, dropped on the way:
        "16. Lệ phí trước bạ" inside Điều 15, whose clauses are 1 to 6): a number one past the open
        article's, as a heading (a short title, no sentence end), where the article's clauses do not
        reach it (they jump: 1 … 6, then 16) or after an article read so. Not inside a quotation, nor in
        an article an amendment quotes inside one of its units."""
        if self.outside_quote is not None or not enumerator.label.isdigit():
            return None
        article = next((n for n in reversed(self.stack) if n.etype == "dieu"), None)
        if article is None or (article.parent is not None and article.parent.etype not in _RANK):
            return None  # no article, or one an amendment quotes inside its own unit
        number = article.label.split()[-1]
        if not number.isdigit() or int(enumerator.label) != int(number) + 1:
            return None
        clauses = [c for c in article.children if c.etype == "arabic" and c.label.isdigit()]
        if not (clauses and int(enumerator.label) > int(clauses[-1].label) + 1 or (self.part_no, article.label) in self.lost_words):
            return None  # the article's next clause, or nothing to tell it from one
        title = text[enumerator.end:].strip()
        if not title or len(title) > 120 or title.endswith((".", ";", ":", ",")):
            return None
        label = f"Điều {enumerator.label}"
        self.lost_words.add((self.part_no, label))  # one lost word may follow another
        return Enumerator("dieu", label, enumerator.printed, enumerator.end)

    def damaged_section(self, text: str) -> Enumerator | None:
        """A section heading ("Mục 1") OCR turned into letters ("ca ỐC ĐỘ"), known by where it stands: in a
        chapter, a short line in mixed case between the chapter's title (or an article) and a title in
        capitals that an article follows. Numbered after the chapter's sections before it."""
        if len(text) > 14 or len(text.split()) > 3 or is_upper_text(text) or not self.following:
            return None
        chapters = [n for n in self.part_nodes if n.etype == "chuong"]
        if not chapters:
            return None
        title, *rest = self.following
        after = match_enumerator(rest[0].text.strip()) if rest else None
        if not (is_upper_text(title.text) and len(title.text.split()) >= 3 and after and after.type == "dieu"):
            return None
        chapter = chapters[-1]
        sections = [n for n in self.part_nodes[self.part_nodes.index(chapter):] if n.etype == "muc"]
        label = sections[-1].label.split()[-1] if sections else "0"
        if not label.isdigit():
            return None
        return Enumerator("muc", f"Mục {int(label) + 1}", text, len(text))

    def close_run_in(self) -> None:
        """A new paragraph ends the run-in heading open before it (and the bullets it held)."""
        for i, node in enumerate(self.stack):
            if node.run_in:
                del self.stack[i:]
                return

    def paragraph_parent(self, text: str = "") -> Node | None:
        """An un-enumerated paragraph belongs to the innermost open heading.

        Bullets never hold paragraphs, and neither does a numbered unit that is itself a
        full sentence ("2. Sở Tài chính bố trí kinh phí."): the paragraph after it
        continues the heading above. Inside an article the clauses (khoản) are provisions
        that may run over several paragraphs, so one that ends a sentence holds the paragraph
        after it; one that ends with ";" is an item of a list and the paragraph goes up, and so
        does a paragraph about the whole document or article ("Nghị quyết này có hiệu lực …",
        "… tại khoản 3 và khoản 4 Điều này …").
        """
        in_article = any(node.etype == "dieu" for node in self.stack) and not _ARTICLE_LEVEL_RE.search(_fold(text))
        if self.floor:
            # a paragraph of a quotation stays in it
            inside = self.stack[self.floor - 1:]
            return next((n for n in reversed(inside) if n.etype not in _BULLETS and n.etype != "para"), inside[0])
        for node in reversed(self.stack):
            if node.etype in _BULLETS or node.etype == "para":
                continue
            own = self.text[node.start:node.end].rstrip()
            if node.etype in _RANK or node.etype in _SECTION_TYPES or not own.endswith((".", ";", "./.")):
                return node
            if in_article and (node.etype == "arabic" or node.etype.startswith("multi")) and own.endswith(".") \
                    and not own.endswith("./."):
                return node
        return None

    def place(self, etype: str, label: str = "") -> Node | None:
        """Pop the stack to where a unit of `etype` (numbered ``label``) belongs and return its parent."""
        floor = self.floor  # inside a quotation: the amending unit and what holds it stay open
        if etype in _RANK:
            while len(self.stack) > floor and _RANK.get(self.stack[-1].etype, 9) >= _RANK[etype]:
                self.stack.pop()
            return self.stack[-1] if self.stack else None
        if etype in _RESTARTING:
            same = [i for i in range(floor, len(self.stack)) if self.stack[i].etype == etype]
            if same and label == "1" and self._introduces(self.stack[same[-1]]):
                # "15. QUẢNG NGÃI" / "1. Xã Đắk Plô": a count starting again right under a heading of the
                # same style is that heading's list
                del self.stack[same[-1] + 1:]
                return self.stack[-1]
            if len(same) > 1 and not _next_number(label, self.stack[same[-1]].label):
                outer = next((i for i in reversed(same[:-1]) if _next_number(label, self.stack[i].label)), None)
                if outer is not None:  # "16. GIA LAI" after that list: the heading's own count goes on
                    del self.stack[outer:]
                    return self.stack[-1] if self.stack else None
        if etype in _BULLETS:
            # "* Giai đoạn 2" after "- …": the "-" (printed deeper than "*") is closed first
            while len(self.stack) > floor and self.stack[-1].etype in _BULLETS and \
                    _BULLET_RANK[self.stack[-1].etype] > _BULLET_RANK[etype]:
                self.stack.pop()
        open_types = [n.etype for n in self.stack[floor:]]
        if etype in open_types:
            while self.stack[-1].etype != etype:
                self.stack.pop()
            self.stack.pop()
        elif etype not in _BULLETS:
            # bullets and run-in headings never hold a numbered unit
            while len(self.stack) > floor and (self.stack[-1].etype in _BULLETS or self.stack[-1].etype == "para"):
                self.stack.pop()
        return self.stack[-1] if self.stack else None

    def _introduces(self, node: Node) -> bool:
        """A numbered unit that is a heading with nothing under it yet ("15. QUẢNG NGÃI", "2. Nhiệm vụ cụ
        thể:"): short, not a sentence that ended."""
        own = self.text[node.start:node.end].strip()
        return not node.children and 0 < len(own) <= 150 and not own.endswith((".", ";", ","))

    def is_continuation(self, node: Node, line: TextLine) -> bool:
        previous = node.last_line.text.rstrip()
        current = line.text.strip()
        if not current or not previous or node.last_line.index != line.index - 1:
            return False  # a blank line always ends a paragraph (and a unit's text is one span of the document)
        if previous.endswith(":") and current.startswith(_QUOTE_START) and not match_enumerator(current[1:].lstrip()):
            return True  # the provision a unit quotes: "… quy định:" / "“Miễn trừ …”"
        if previous.endswith((".", ";", ":", "!", "?", "./.", "/.")):
            return False
        if node.etype in _RANK and is_upper_text(self.text[node.start:node.end]) and not is_upper_text(current):
            return False  # a heading's title in capitals goes on in capitals only ("ca ỐC ĐỘ": OCR's "Mục 1")
        if current[0].islower() or current[0] in ",)":
            return True
        if current[0].isdigit():
            # "… đối với loại / 2, loại 3 …": a figure that goes on in lower case after a line wrapped at the
            # margin (a short line before it is a cell or a label: "Thục địa / 16 g")
            return not previous[-1].isalnum() or (len(previous) >= 50 and bool(_FIGURE_GOES_ON_RE.match(current)))
        return _OPEN_END_RE.search(previous) is not None

    # ---- tables ---------------------------------------------------------
    def add_table_line(self, line: TextLine) -> None:
        if line.table != self.table_no:
            self.table_no = line.table
            self.row_stack = []
        for row in self.tables.records_at(line):
            self.add_row(row)

    def add_row(self, row: RowItem) -> None:
        context = next((n for n in reversed(self.stack) if n.etype not in _BULLETS and n.etype != "para"), None)
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


# Counts that may start again under a heading of their own style ("15. QUẢNG NGÃI" / "1. Xã …").
_RESTARTING = frozenset({"arabic", "paren"})


def _next_number(label: str, before: str) -> bool:
    return label.isdigit() and before.isdigit() and int(label) == int(before) + 1


def quoted_enumerator(text: str) -> tuple[int, Enumerator] | None:
    """A line opening a quotation with an enumerator ('"Điều 3. …', '“2. …'): where the enumerator starts, and it."""
    if not text.startswith(_QUOTE_START):
        return None
    rest = text[1:].lstrip()
    enumerator = match_enumerator(rest)
    if enumerator is None or enumerator.type in _BULLETS:
        return None
    return len(text) - len(rest), enumerator


_ROW_LABEL_TYPES = [("roman", regex.compile(ROMAN)), ("upper", regex.compile(r"[A-Z]")),
                    ("arabic", regex.compile(r"\d+")), ("multi", regex.compile(r"\d+(?:\.\d+)+"))]


def _row_label_type(label: str) -> str:
    if not label:
        return "other"
    return next((kind for kind, pattern in _ROW_LABEL_TYPES if pattern.fullmatch(label)), "other")


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
    ("assignment", ("to chuc thuc hien", "trach nhiem", "phan cong", "dieu khoan thi hanh", "to chuc trien khai",
                    "trien khai thuc hien")),
    ("objective", ("muc tieu", "muc dich", "yeu cau", "chi tieu")),
    ("task", ("nhiem vu", "noi dung", "giai phap", "hoat dong", "cong viec", "chuong trinh")),
)
# "Hoạt động" heads a task heading only when what follows qualifies the activities ("Các hoạt động
# chủ yếu", "Hoạt động 1: …"); "Các hoạt động giáo dục, đào tạo, y tế" names sectors.
_ACTIVITY_QUALIFIERS = regex.compile(r"^(?:$|\d|chu yeu|chinh|trong tam|trong diem|cu the|thuc hien|trien khai|nam\b|"
                                     r"giai doan|cua\b|va\b|can\b|du kien|uu tien)")
# A unit that names who executes the document ("… chịu trách nhiệm thi hành Quyết định này",
# "… nghiêm túc triển khai thực hiện Kế hoạch này") is an assignment wherever it stands.
_DOC_WORDS = (r"(?:quyet dinh|nghi dinh|thong tu|ke hoach|quy che|quy dinh|chi thi|nghi quyet|luat|van ban|"
              r"chuong trinh|de an|cong van|huong dan)")
_EXECUTION_RE = regex.compile(
    rf"\bthi hanh {_DOC_WORDS} (?:\S+ ){{0,2}}?nay\b"
    rf"|\b(?:chiu|co) trach nhiem (?:\S+ ){{0,3}}?(?:to chuc|trien khai|thuc hien)\b.{{0,30}}? {_DOC_WORDS} (?:\S+ ){{0,2}}?nay\b"
    rf"|\b(?:giao|yeu cau|de nghi)\b.{{0,160}}? (?:to chuc|trien khai) thuc hien {_DOC_WORDS} (?:\S+ ){{0,2}}?nay\b"
    r"|\b(?:chiu|co) trach nhiem(?: (?:to chuc|trien khai|huong dan))* thi hanh\b"
    r"|\b(?:nghiem tuc|khan truong) (?:to chuc |trien khai )?(?:thi hanh|thuc hien)\b"
)
_ARTICLE_LEVEL_RE = regex.compile(rf"^{_DOC_WORDS} nay\b|\b(?:khoan|diem) [0-9a-z ,]{{1,30}}? dieu nay\b")
# "Đơn vị chủ trì: …", "Lãnh đạo phụ trách: …": a line that says who answers for the unit it closes.
_RESPONSIBILITY_LABEL_RE = regex.compile(
    r"^(?:(?:don vi|co quan|bo phan|lanh dao|can bo) (?:chu tri|phu trach|thuc hien|phoi hop)|chu tri|phan cong|"
    r"trach nhiem thuc hien|don vi thuc hien)\s*:"
)
# Entry into force, repeal, copies: formal provisions, not assignments, even under "Điều khoản thi hành".
_FORMAL_RE = regex.compile(
    rf"^(?:{_DOC_WORDS}\b.{{0,300}}?\b(?:co hieu luc|het hieu luc|duoc lap thanh|bi thay the|duoc thay the)\b"
    r"|bai bo\b)"
)


# In a regulation only an article on its aims states objectives ("Mục tiêu, định hướng …", "Mục đích"):
# "Yêu cầu kỹ thuật" is what is required, "Chỉ tiêu tài chính" defines indicators.
_AIMS_RE = regex.compile(r"^(?:cac |nhung )?(?:muc tieu|muc dich)\b")
_SPACES = regex.compile(r"\s+")
_NOT_FOLD_WORD = regex.compile(r"[^a-z0-9:/ ]+")
_NOT_TOPIC_WORD = regex.compile(r"[^a-z0-9 ]+")
_TOPIC_ARTICLE = regex.compile(r"^(?:cac|nhung|mot so)\s+")


def _fold(text: str) -> str:
    return _SPACES.sub(" ", _NOT_FOLD_WORD.sub(" ", ascii_fold(text))).strip()


def topic_of(heading: str) -> str | None:
    """The kind of unit a heading introduces: "TỔ CHỨC THỰC HIỆN" -> assignment, "Mục tiêu cụ thể" -> objective.

    Only the start of the heading counts ("Tăng cường trách nhiệm ..." is a task heading, not "Trách nhiệm").
    """
    folded = _TOPIC_ARTICLE.sub("", _NOT_TOPIC_WORD.sub(" ", ascii_fold(heading)).strip())
    for kind, words in _TOPICS:
        for word in words:
            if folded.startswith(word):
                if word == "hoat dong" and not _ACTIVITY_QUALIFIERS.match(folded[len(word):].strip()):
                    continue
                return kind
    return None


def is_run_in(text: str) -> bool:
    """A paragraph opening with a short label and a colon: "Giai đoạn 1: …", "Về kinh phí:", "Mục tiêu:"."""
    m = _RUN_IN_RE.match(text)
    if not m:
        return False
    label = _fold(m.group("label"))
    return 0 < len(label.split()) <= 7 and not _LEAD_IN_END_RE.search(label)


def own_kind(text: str) -> str | None:
    """The kind a unit's own text decides, whatever heading it sits under."""
    folded = _fold(text)
    if _FORMAL_RE.match(folded):
        return "paragraph"
    if _EXECUTION_RE.search(folded) or _RESPONSIBILITY_LABEL_RE.match(folded):
        return "assignment"
    return None


def assign_kinds(nodes: list[Node], text: str, addressee: Callable[[str], bool] | None = None,
                 provisions: frozenset[int] = frozenset()) -> None:
    """Kinds from the heading a unit sits under.

    ``provisions``: the parts (``Node.part``) that are regulations (a law, decree or circular, a regulation
    or rules a decision issues): their units are provisions, whatever their headings say ("Nội dung thẩm
    định", "Yêu cầu kỹ thuật" head what is assessed or required, not a plan's tasks and objectives); an
    article on its "Mục tiêu" still states objectives, and a body addressed and a clause naming who
    executes it still make assignments.

    ``addressee(heading)`` says whether a heading names the body it addresses ("1. Sở Xây
    dựng:", "Giao Sở Tài chính:"); the units under such a heading are that body's assignments.
    The builder passes it (agency names are known to extraction, not to segmentation).
    """
    addressed: dict[str, bool] = {}

    def names_body(node: Node) -> bool:
        # an article titled with a body's name ("Điều 22. Hội đồng Thi đua - Khen thưởng") is about that
        # body, not addressed to it
        if addressee is None or node.etype in _RANK:
            return False
        if node.id not in addressed:
            addressed[node.id] = bool(addressee(text[node.start:node.end]))
        return addressed[node.id]

    for node in nodes:
        own = text[node.start:node.end]
        if node.etype == "row":
            node.kind = "table_row"
        elif node.etype == "dieu":
            node.kind = "article"
        elif node.etype in _SECTION_TYPES or (node.children and node.etype not in _BULLETS | {"paren", "paren_letter", "paren_roman", "para"}
                                                and not _only_continued(node, own)):
            node.kind = "section"
        else:
            topics = node.part not in provisions
            node.kind = own_kind(own) or _context_kind(node, text, names_body, topics) or "paragraph"


def _only_continued(node: Node, own: str) -> bool:
    """A clause that ends a sentence and holds only paragraphs: they continue it, it heads nothing."""
    return own.rstrip().endswith(".") and all(child.etype == "para" for child in node.children)


def _context_kind(node: Node, text: str, names_body: Callable[[Node], bool], topics: bool = True) -> str | None:
    """The kind given by the nearest heading above that decides one: a body addressed, or a topic.

    Inside an article a clause naming a body ("3. Phòng công chứng", in an article on the
    structure of offices) describes it; it addresses the body only when it introduces what
    follows ("1. Sở Công Thương:", in an article sharing out duties).
    """
    in_article = False
    walk = node.parent
    while walk is not None:
        in_article = in_article or walk.etype == "dieu"
        walk = walk.parent
    ancestor = node.parent
    while ancestor is not None:
        if ancestor.etype != "para" or ancestor.run_in:
            heading = text[ancestor.start:ancestor.end].rstrip()
            if (not in_article or heading.endswith(":")) and names_body(ancestor):
                # the units of "1. Sở Xây dựng:" are its assignments; under "III. Các Bộ, cơ quan ngang Bộ"
                # a unit that is only another body's name is an entry of a list of bodies
                return None if names_body(node) else "assignment"
            topic = topic_of(text[ancestor.start:ancestor.end])
            if topic and (topics or topic == "assignment" or (topic == "objective" and _AIMS_RE.match(
                    _fold(text[ancestor.start:ancestor.end])))):
                return topic
        ancestor = ancestor.parent
    return None


def build_tree(
    lines: list[TextLine], layout: Layout, text: str, tables: TableReading | None = None,
    addressee: Callable[[str], bool] | None = None, regulation: bool = False,
) -> tuple[list[Node], set[int]]:
    """Items of every part, in reading order; and the indexes of the lines that became preamble.

    `tables`: the tables as `read_tables(lines)` reads them (read here when not given);
    ``addressee``: see :func:`assign_kinds`; ``regulation``: the main document is a regulation (its type
    decided from more than its heading), and so are its appendices; an attached part of another document
    is one when its heading says so ("QUY CHẾ" issued by a decision)."""
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
        builder.part_no = part_no
        has_units = any(line.cells is None and match_enumerator(line.text.lstrip()) for line in part_lines)
        seen_unit = False
        for k, line in enumerate(part_lines):
            if line.cells is not None:
                builder.add_table_line(line)
                seen_unit = True
                continue
            builder.following = [ln for ln in part_lines[k + 1: k + 3] if ln.cells is None]
            if match_enumerator(line.text.lstrip()):
                seen_unit = True
            role = builder.add_body_line(line, preamble=has_units and not seen_unit)
            if role == "preamble":
                preamble_lines.add(line.index)
    provisions = frozenset(n for n, part in enumerate(layout.parts) if regulation or (
        n and part.doc_type is not None and is_regulation(part.doc_type.slug, None)))
    assign_kinds(builder.nodes, text, addressee, provisions)
    return _without_empty_headings(builder.nodes), preamble_lines


def _without_empty_headings(nodes: list[Node]) -> list[Node]:
    """An article or chapter printed with no title ("Điều 25." alone, its clauses below) is no item of its
    own: its units keep it in their paths ("Điều 25.1") and hang from the unit above it."""
    empty = [n for n in nodes if n.etype in _RANK and n.start >= n.end and n.children]
    if not empty:
        return nodes
    for node in empty:
        for child in node.children:
            child.parent = node.parent
        if node.parent is not None:
            at = node.parent.children.index(node)
            node.parent.children[at:at + 1] = node.children
    dropped = {id(n) for n in empty}
    return [n for n in nodes if id(n) not in dropped]


def _roman(number: int) -> str:
    out = []
    for value, numeral in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        count, number = divmod(number, value)
        out.append(numeral * count)
    return "".join(out)
