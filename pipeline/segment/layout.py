"""Walk the lines once and give each a role: header field, stamp, legal basis, body, closing, table.

The walk is a small state machine over the zones every administrative document
has (Nghị định 30/2020/NĐ-CP, Phụ lục I):

    HEADER   issuer, Quốc hiệu/Tiêu ngữ, Số, place and date, type, subject, Kính gửi
    BASES    "Căn cứ ...", "Xét đề nghị ...", then the enacting formula ("QUYẾT ĐỊNH:")
    BODY     articles, sections, tasks, paragraphs, tables
    CLOSING  "Nơi nhận:" and its list, the signature block
    ATTACHED a document issued with this one ("KẾ HOẠCH ... (Ban hành kèm theo ...)"),
             or an appendix ("Phụ lục I"), whose body starts a new item tree

Stamps (a digital signature's "Ký bởi: ... Thời gian ký: ...", the receiving
office's "ĐẾN Số: ... Ngày: ...") can sit anywhere and never reach the body.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import regex

from pipeline.model import TextLine
from pipeline.segment import header as hdr
from pipeline.lexicon import DocType, ascii_fold, doc_type_from_heading, split_type_heading, is_upper_text
from pipeline.segment.patterns import (
    APPENDIX_RE,
    ATTACHED_RE,
    BASIS_RE,
    ENACTING_FORMULA_RE,
    KINH_GUI_RE,
    RECIPIENTS_END_RE,
    SIGN_AUTHORITY_RE,
    SIGN_POSITION_RE,
    SIGNED_MARK_RE,
    SUBJECT_RE,
    match_enumerator,
    starts_with_agency_head,
)

HEADER, BASES, BODY, CLOSING, ATTACHED = "header", "bases", "body", "closing", "attached"


@dataclass
class Part:
    """One document inside the file: the main one, then any attached plan, regulation or appendix."""

    kind: str  # main | attached | appendix
    doc_type: DocType | None = None
    heading_lines: list[TextLine] = field(default_factory=list)


@dataclass
class Layout:
    roles: dict[int, str] = field(default_factory=dict)  # line index -> role
    part_of: dict[int, int] = field(default_factory=dict)  # line index -> part number
    parts: list[Part] = field(default_factory=list)
    issuer_lines: list[TextLine] = field(default_factory=list)
    number: tuple[str | None, str] | None = None
    number_line: TextLine | None = None
    place: str | None = None
    issued_date: str | None = None
    doc_type: DocType | None = None
    doc_type_line: TextLine | None = None
    title_lines: list[TextLine] = field(default_factory=list)
    subject_lines: list[TextLine] = field(default_factory=list)  # "V/v ..." of an official letter, and its wrap
    recipients: list[str] = field(default_factory=list)
    authority_line: TextLine | None = None
    title_prefix: int = 0  # where the title starts in title_lines[0] (after a type name on the same line)
    signature_lines: list[TextLine] = field(default_factory=list)
    received_lines: list[TextLine] = field(default_factory=list)
    digital_signature_lines: list[TextLine] = field(default_factory=list)

    def lines_with_role(self, lines: list[TextLine], *roles: str) -> list[TextLine]:
        return [line for line in lines if self.roles.get(line.index) in roles]


def is_signature_line(text: str) -> bool:
    t = text.strip()
    return bool(SIGN_AUTHORITY_RE.match(t) or (SIGN_POSITION_RE.match(t) and len(t) < 60 and is_upper_text(t)) or SIGNED_MARK_RE.match(t))


def is_body_start(text: str) -> bool:
    enumerator = match_enumerator(text)
    return enumerator is not None and enumerator.type not in {"dash", "plus", "bullet"}


class _Walker:
    def __init__(self, lines: list[TextLine]):
        self.lines = lines
        self.layout = Layout(parts=[Part("main")])
        self.state = HEADER
        self.after_title = False  # the type line has been seen: following lines are the subject
        self.in_kinh_gui = False
        self.in_recipients = False
        self.attached_heading_open = False  # inside "(Ban hành kèm theo ..." until ")"

    def set(self, line: TextLine, role: str) -> None:
        self.layout.roles[line.index] = role
        self.layout.part_of[line.index] = len(self.layout.parts) - 1

    def run(self) -> Layout:
        for i, line in enumerate(self.lines):
            text = line.text.strip()
            if not text or hdr.is_separator(text):
                self.set(line, "blank")
                continue
            if line.cells is not None:
                self.table_row(line)
                continue
            if hdr.DIGITAL_SIGNATURE_RE.match(text):
                self.set(line, "stamp")
                self.layout.digital_signature_lines.append(line)
                continue
            if self.is_received_stamp(i):
                self.set(line, "stamp")
                self.layout.received_lines.append(line)
                continue
            getattr(self, self.state)(line, text)
        return self.layout

    # ---- stamps -------------------------------------------------------
    def is_received_stamp(self, i: int) -> bool:
        """The receiving office's stamp: an office line, "Số: 297" (no symbol), "ĐẾN Ngày: ...", "Chuyển:"."""
        text = self.lines[i].text.strip()
        if hdr.RECEIVED_MARK_RE.match(text):
            return True
        if hdr.RECEIVED_NUMBER_RE.match(text) and self.state in (HEADER, BASES):
            return True
        if self.state == HEADER and is_upper_text(text) and len(text) < 50 and not doc_type_from_heading(text):
            following = [line.text.strip() for line in self.lines[i + 1:i + 4] if line.text.strip()]
            if following and (hdr.RECEIVED_NUMBER_RE.match(following[0]) or hdr.RECEIVED_MARK_RE.match(following[0])):
                return True
        return False

    # ---- zones --------------------------------------------------------
    def header(self, line: TextLine, text: str) -> None:
        lay = self.layout
        if self.in_kinh_gui and regex.match(r"^[-–+•]\s*\S", text):
            lay.recipients.append(text.lstrip("-–+• ").rstrip(";,. "))
            self.set(line, "recipients")
            return
        self.in_kinh_gui = False
        if hdr.is_national_title(text) or hdr.is_motto(text):
            self.set(line, "national")
            return
        number = hdr.parse_number_line(text)
        if number and lay.number is None:
            lay.number, lay.number_line = number, line
            self.set(line, "number")
            self.place_date(text)
            return
        if self.place_date(text):
            self.set(line, "place_date")
            return
        doc_type = doc_type_from_heading(text)
        if doc_type and lay.doc_type is None:
            lay.doc_type, lay.doc_type_line = doc_type, line
            lay.parts[0].doc_type = doc_type
            self.after_title = True
            self.set(line, "doc_type")
            return
        joined = split_type_heading(text)
        if joined and lay.doc_type is None:
            # "QUYẾT ĐỊNH CHẤP THUẬN ..." — the type and the subject printed (or read) as one line
            lay.doc_type, lay.doc_type_line = joined[0], line
            lay.parts[0].doc_type = joined[0]
            lay.title_lines.append(line)
            lay.title_prefix = joined[1]
            self.after_title = True
            self.set(line, "doc_type")
            return
        if SUBJECT_RE.match(text) and not lay.subject_lines and lay.doc_type is None:
            # an official letter's "V/v ..." (after a type heading, "Về việc ..." is that document's title)
            lay.subject_lines.append(line)
            self.after_title = True
            self.set(line, "title")
            return
        kinh_gui = KINH_GUI_RE.match(text)
        if kinh_gui:
            rest = text[kinh_gui.end():].strip()
            if rest:
                lay.recipients.append(rest.lstrip("-–+• ").rstrip(";,. "))
            self.in_kinh_gui = True
            self.set(line, "recipients")
            return
        if self.attached_heading_open or (lay.doc_type is not None and ATTACHED_RE.match(text)):
            # "(Ban hành kèm theo Quyết định số ...)": this document was issued with a decision
            self.attached_heading_open = "(" in text and ")" not in text[text.find("("):] if not self.attached_heading_open else ")" not in text
            lay.parts[0].heading_lines.append(line)
            self.set(line, "attached_heading")
            return
        if BASIS_RE.match(text) or ENACTING_FORMULA_RE.match(text):
            self.state = BASES
            self.bases(line, text)
            return
        if is_body_start(text):
            self.state = BODY
            self.body(line, text)
            return
        if lay.subject_lines and self.previous_role(line) == "title" and len(text) < 120 and not text.endswith(":") \
                and not lay.subject_lines[-1].text.rstrip().endswith((".", ";")) and len(lay.subject_lines) < 4 \
                and not hdr.authority_body(text):
            lay.subject_lines.append(line)  # the subject line wraps
            self.set(line, "title")
            return
        if self.after_title:
            body = hdr.authority_body(text)
            if body and lay.authority_line is None and (lay.title_lines or lay.subject_lines):
                lay.authority_line = line
                self.set(line, "authority")
                return
            if not lay.subject_lines and self.is_title_line(text):
                lay.title_lines.append(line)
                self.set(line, "title")
                return
            # a paragraph after the title: the enacting sentence of a plan, or a letter's body
            self.state = BODY
            self.body(line, text)
            return
        if is_upper_text(hdr.left_block(text)) and len(hdr.left_block(text)) < 90 and lay.number is None:
            lay.issuer_lines.append(line)
            self.set(line, "issuer")
            return
        self.set(line, "header_other")

    def is_title_line(self, text: str) -> bool:
        lay = self.layout
        if not lay.title_lines:
            return len(text) < 400
        previous = lay.title_lines[-1].text.strip()
        if len(lay.title_lines) >= 4 or previous.endswith((".", ";", ":")):
            return False
        # a subject line wraps: the continuation is in the same case, or starts in lower case
        return (is_upper_text(text) and is_upper_text(previous)) or text[:1].islower()

    def place_date(self, text: str) -> bool:
        found = hdr.parse_place_date(text)
        if not found:
            return False
        place, date = found
        if self.layout.issued_date is None and date:
            self.layout.issued_date = date.isoformat()
        if self.layout.place is None and place:
            self.layout.place = place
        return True

    def bases(self, line: TextLine, text: str) -> None:
        if BASIS_RE.match(text):
            self.set(line, "basis")
            return
        if ENACTING_FORMULA_RE.match(text):
            self.set(line, "formula")
            self.state = BODY
            return
        previous = self.previous_role(line)
        if previous == "basis" and (text[:1].islower() or not self.prev_text(line).rstrip().endswith((";", ".", ":"))):
            self.set(line, "basis")  # a basis wrapped onto the next line
            return
        if hdr.authority_body(text) and not is_body_start(text):
            self.set(line, "authority")
            return
        self.state = BODY
        self.body(line, text)

    def body(self, line: TextLine, text: str) -> None:
        if RECIPIENTS_END_RE.match(text):
            self.state = CLOSING
            self.in_recipients = True
            self.set(line, "closing")
            return
        if is_signature_line(text) and not match_enumerator(text):
            self.state = CLOSING
            self.closing(line, text)
            return
        if self.starts_attached(line, text):
            return
        if BASIS_RE.match(text) and not match_enumerator(text):
            self.set(line, "basis")
            return
        self.set(line, "body")

    def closing(self, line: TextLine, text: str) -> None:
        if self.starts_attached(line, text):
            return
        if "cong hoa xa hoi chu nghia" in ascii_fold(text):
            # the header of a document attached after the signature (a regulation with its own Quốc hiệu)
            self.new_part("attached", None)
            self.layout.parts[-1].heading_lines.append(line)
            self.set(line, "attached_heading")
            self.state = ATTACHED
            return
        if RECIPIENTS_END_RE.match(text):
            self.in_recipients = True
            self.set(line, "closing")
            return
        if is_signature_line(text) or hdr.looks_like_person_name(text):
            self.in_recipients = False
            self.layout.signature_lines.append(line)
            self.set(line, "signature")
            return
        if regex.match(r"^[-–+•]\s*\S", text) or regex.match(r"^Lưu\s*:", text):
            self.set(line, "closing")
            return
        if is_body_start(text):
            # a document attached without a heading: its body starts a new tree
            self.new_part("attached", None)
            self.state = BODY
            self.body(line, text)
            return
        if is_upper_text(text) and len(text) < 60:
            self.layout.signature_lines.append(line)
            self.set(line, "signature")
            return
        self.set(line, "closing")

    def attached(self, line: TextLine, text: str) -> None:
        part = self.layout.parts[-1]
        if self.attached_heading_open or ATTACHED_RE.match(text):
            self.attached_heading_open = "(" in text and ")" not in text[text.find("("):] if not self.attached_heading_open else ")" not in text
            part.heading_lines.append(line)
            self.set(line, "attached_heading")
            return
        if is_body_start(text) or BASIS_RE.match(text):
            self.state = BODY
            self.body(line, text)
            return
        if self.starts_attached(line, text):
            return
        heading_text = [l.text for l in part.heading_lines]
        if len(part.heading_lines) < 6 and (is_upper_text(text) or len(heading_text) <= 2) and not text.endswith(":"):
            part.heading_lines.append(line)
            self.set(line, "attached_heading")
            return
        self.state = BODY
        self.body(line, text)

    def starts_attached(self, line: TextLine, text: str) -> bool:
        """A type heading ("KẾ HOẠCH", "QUY ĐỊNH") or "Phụ lục I" after the body opens a new part."""
        appendix = APPENDIX_RE.match(text)
        if appendix and len(text) < 120 and (is_upper_text(text) or appendix.end() >= len(text.rstrip()) - 1 or text[appendix.end():].strip()[:1].isupper()):
            self.new_part("appendix", None)
            self.layout.parts[-1].heading_lines.append(line)
            self.set(line, "attached_heading")
            self.state = ATTACHED
            return True
        doc_type = doc_type_from_heading(text)
        if doc_type and is_upper_text(text):
            self.new_part("attached", doc_type)
            self.layout.parts[-1].heading_lines.append(line)
            self.set(line, "attached_heading")
            self.state = ATTACHED
            return True
        return False

    def table_row(self, line: TextLine) -> None:
        if self.state in (HEADER, BASES, CLOSING, ATTACHED):
            if self.state == CLOSING and self.layout.parts[-1].kind == "main":
                self.new_part("appendix", None)
            self.state = BODY
        self.set(line, "table_header" if line.header_row else "table_row")

    def new_part(self, kind: str, doc_type: DocType | None) -> None:
        self.layout.parts.append(Part(kind, doc_type))
        self.attached_heading_open = False

    # ---- helpers ------------------------------------------------------
    def previous_role(self, line: TextLine) -> str | None:
        for j in range(line.index - 1, -1, -1):
            role = self.layout.roles.get(j)
            if role != "blank":
                return role
        return None

    def prev_text(self, line: TextLine) -> str:
        for j in range(line.index - 1, -1, -1):
            if self.lines[j].text.strip():
                return self.lines[j].text
        return ""


def walk(lines: list[TextLine]) -> Layout:
    return _Walker(lines).run()


__all__ = ["Layout", "Part", "walk", "is_signature_line", "starts_with_agency_head"]
