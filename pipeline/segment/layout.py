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
from pipeline.repair.syllables import syllable_validity
from pipeline.segment import header as hdr
from pipeline.lexicon import DOC_TYPE_BY_SLUG, DocType, ascii_fold, doc_type_from_heading, doc_type_from_word, is_exact_heading, is_upper_text, split_type_heading
from pipeline.segment.patterns import (
    APPENDIX_RE,
    ATTACHED_RE,
    FORM_RE,
    FORMULA_TYPES,
    KINH_GUI_RE,
    SIGN_AUTHORITY_RE,
    SIGN_POSITION_RE,
    SIGNED_MARK_RE,
    SUBJECT_RE,
    enacted_type,
    enacting_formula,
    is_basis,
    is_farewell,
    is_recipients_start,
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
    issuer_texts: list[str] = field(default_factory=list)  # the issuer column's text of those lines
    number: tuple[str | None, str] | None = None
    number_line: TextLine | None = None
    number_type: str | None = None  # the type word printed before "số" ("Luật số: …", "Nghị quyết số: …")
    place: str | None = None
    issued_date: str | None = None
    doc_type: DocType | None = None
    doc_type_line: TextLine | None = None
    doc_type_exact: bool = True  # the heading names its type without a damaged letter
    enacted_type: str | None = None  # from the enacting formula or sentence ("QUYẾT NGHỊ:", "Quốc hội ban hành Luật …")
    title_lines: list[TextLine] = field(default_factory=list)
    subject_lines: list[TextLine] = field(default_factory=list)  # "V/v ..." of an official letter, and its wrap
    subject_texts: list[str] = field(default_factory=list)  # their text from "V/v" on (a header column may precede it)
    recipients: list[str] = field(default_factory=list)
    authority_line: TextLine | None = None
    heading_citation: hdr.HeadingCitation | None = None  # a republished text's heading ("Nghị định của Chính phủ số …")
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


_TAB_PIECES_RE = regex.compile(r"\t+")
_OF_BODY_RE = regex.compile(r"^(?:CỦA|của)\s+\S")


def _names_authority(rest: str) -> bool:
    """What follows a type name is "của <authority>" ("NGHỊ ĐỊNH CỦA CHÍNH PHỦ"): the issuer, not the title."""
    return bool(_OF_BODY_RE.match(rest)) and hdr.authority_body(rest[3:].strip().upper()) is not None


# "PHỤ LỤC", "DANH MỤC 1": an appendix's or a list's heading at the top of a file, not an issuing body; nor is a
# book's or a paper's section heading ("LỜI MỞ ĐẦU", "LỜI NÓI ĐẦU", "MỤC LỤC", "TÓM TẮT")
_LIST_HEADING_RE = regex.compile(
    r"^(?:phụ\s+lục|danh\s+mục|lời\s+(?:mở|nói)\s+đầu|mục\s+lục|tóm\s+tắt|giới\s+thiệu)(?![\p{L}\p{M}])",
    regex.IGNORECASE)
_SUBJECT_AFTER_NUMBER_RE = regex.compile(r"\s(V/v|V/V|Về\s+việc)\b")
_LIST_DASH_RE = regex.compile(r"^[-–+•]\s*\S")
_LUU_RE = regex.compile(r"^Lưu\s*:")
_ALNUM_RE = regex.compile(r"[\p{L}\p{N}]")
_WORD3_RE = regex.compile(r"\p{L}{3}|\d{3}")  # a word, or a figure that may end a wrapped line ("2015;")
_BARE_ENUMERATOR_RE = regex.compile(r"^\(?(?:\d{1,2}|[a-zđ]|[IVX]{1,4})[.)]$")  # "1." printed apart from its text
# A title wraps over at most this many lines; its first line may be long (the subject of an amending
# decree names every document it amends).
_MAX_TITLE_LINES = 10
_MAX_TITLE = 1500
# A line of running text in the header zone holds at least this many words (the longest header field
# outside the title, a wrapped "V/v" subject or an issuer's name, holds fewer on one line).
_BODY_MIN_WORDS = 14


# A footnote's mark: a superscript number, a mark OCR reads for one ("'", "*"), or a number before the
# document the note names ("1 Nghị định số …").
_NOTE_RE = regex.compile(
    r"^(?:[¹²³⁴⁵⁶⁷⁸⁹⁰]+|[*'’‘\"“]+)\s*\p{Lu}"
    r"|^\d{1,2}\s+(?:Nghị\s+định|Nghị\s+quyết|Thông\s+tư|Luật|Bộ\s+luật|Quyết\s+định|Công\s+văn|Chỉ\s+thị|"
    r"Kế\s+hoạch|Văn\s+bản|Báo\s+cáo|Thông\s+báo|Hướng\s+dẫn|Theo|Xem)\b"
)
_SENTENCE_END_RE = regex.compile(r"[.:;!?]\s*$")


def _closing_strength(text: str, last: bool) -> bool | None:
    """How a line at the end of a body reads: True a signer's line or "Lưu:" (a closing surely), False a
    line a closing may hold (a receiver "- Như trên;", a short line in capitals, a stray mark), None body."""
    bare = text.lstrip("-–+•. ")
    if not bare:
        return False
    if is_signature_line(bare) or _LUU_RE.match(bare) or last and hdr.looks_like_person_name(bare):
        return True
    words = len(bare.split())
    if words <= 10 and bare == text and starts_with_agency_head(bare) and not _SENTENCE_END_RE.search(bare):
        return True  # the issuing body's name over the signature ("TM. " lost, or typed in lower case)
    if len(bare) <= 12 or words <= 3 and not _SENTENCE_END_RE.search(bare):
        return False
    if len(text) <= 80 and (text[:1] in "-–+•" or is_upper_text(bare)) and not text.endswith(":"):
        return False
    if len(bare) <= 40 and bare.endswith(";"):
        return False  # "Phòng ĐTDATĐ;": a receiver whose dash was not read
    return None


def is_ocr_noise(text: str) -> bool:
    """A stray mark OCR reads from a stamp, a signature or a punch hole: "I", "Z", ":", "Bà >", "sỹ sề" alone on
    a line — no word of three letters, at most four letters and digits — and not an enumerator or an agency head."""
    text = text.strip()
    if len(text) > 8 or len(_ALNUM_RE.findall(text)) > 4 or _WORD3_RE.search(text) or _BARE_ENUMERATOR_RE.match(text):
        return False
    return match_enumerator(text) is None and not starts_with_agency_head(text)


class _Walker:
    def __init__(self, lines: list[TextLine]):
        self.lines = lines
        self.layout = Layout(parts=[Part("main")])
        self.state = HEADER
        self.after_title = False  # the type line has been seen: following lines are the subject
        self.in_kinh_gui = False
        self.seen_kinh_gui = False  # "Kính gửi:" has been read: the title is over, the body is next
        self.in_recipients = False
        self.attached_heading_open = False  # inside "(Ban hành kèm theo ..." until ")"
        self.pending_number: hdr.NumberLine | None = None  # a number broken off at a line or column end
        self.pending_for = 0  # pieces of text left to find its continuation in
        self.first_role_wins = False  # a line of several header columns keeps the role of its first field
        self.number_labelled = False  # the number taken was printed after "Số:" (or "Luật số")
        self.skip_to = -1  # lines up to this index were read together with an earlier one

    def set(self, line: TextLine, role: str) -> None:
        if self.first_role_wins and self.layout.roles.get(line.index) not in (None, "blank", "header_other", "noise"):
            return
        self.layout.roles[line.index] = role
        self.layout.part_of[line.index] = len(self.layout.parts) - 1

    def run(self) -> Layout:
        for i, line in enumerate(self.lines):
            if i <= self.skip_to:
                continue
            text = line.text.strip()
            if not text or hdr.is_separator(text):
                self.set(line, "blank")
                continue
            if line.cells is not None and not (self.state == HEADER and self.is_header_row(line)):
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
            if self.state == HEADER and "\t" in text:
                self.header_columns(line, text)
                continue
            getattr(self, self.state)(line, text)
        self.trailing_closing()
        return self.layout

    # ---- stamps -------------------------------------------------------
    def is_received_stamp(self, i: int) -> bool:
        """The receiving office's stamp: an office line, "Số: 297" (no symbol), "ĐẾN Ngày: ...", "Chuyển:"."""
        text = self.lines[i].text.strip()
        if hdr.RECEIVED_MARK_RE.match(text):
            return True
        if self.state not in (HEADER, BASES):
            return False
        if hdr.RECEIVED_NUMBER_RE.match(text):
            return True
        if self.state == HEADER and len(text) < 50 and is_upper_text(text) and not doc_type_from_heading(text):
            following = [line.text.strip() for line in self.lines[i + 1:i + 4] if line.text.strip()]
            if following and (hdr.RECEIVED_NUMBER_RE.match(following[0]) or hdr.RECEIVED_MARK_RE.match(following[0])):
                return True
        return False

    # ---- zones --------------------------------------------------------
    def is_header_row(self, line: TextLine) -> bool:
        """A header printed as a row of columns ("Số: …<tab><tab>Hà Nội, ngày …"), not a table row; or the type
        heading and the title a layout table holds under the number ("THÔNG TƯ" / "Hướng dẫn …", one cell a row)."""
        cells = [cell for cell in line.cells or () if cell.strip()]
        if any(hdr.parse_number_line(cell) or hdr.is_national_title(cell) or hdr.is_motto(cell) or hdr.parse_place_date(cell)
               for cell in cells):
            return True
        lay = self.layout
        if len(cells) != 1 or (lay.number is None and not lay.issuer_lines):
            return False
        if lay.doc_type is None:
            return doc_type_from_heading(cells[0]) is not None
        return self.previous_role(line) in ("doc_type", "title") and not lay.authority_line

    def header_columns(self, line: TextLine, text: str) -> None:
        """A header line holding both columns, tab-separated: each piece is read as a header line of its own."""
        pieces = [piece.strip() for piece in _TAB_PIECES_RE.split(text) if piece.strip() and not hdr.is_separator(piece)]
        if not pieces:
            self.set(line, "blank")
            return
        self.first_role_wins = True
        try:
            for piece in pieces:
                if self.state != HEADER:
                    break  # the rest of the line belongs to what the first piece opened
                self.header(line, piece)
        finally:
            self.first_role_wins = False

    def header(self, line: TextLine, text: str) -> None:
        lay = self.layout
        if self.in_kinh_gui and (_LIST_DASH_RE.match(text) or self.continues_recipient(line, text)):
            if _LIST_DASH_RE.match(text) or not lay.recipients:
                lay.recipients.append(text.lstrip("-–+• ").rstrip(";,. "))
            else:
                comma = "," if self.prev_text(line).rstrip().endswith(",") else ""
                lay.recipients[-1] = f"{lay.recipients[-1]}{comma} {text.rstrip(';,. ')}"  # the name wraps
            self.set(line, "recipients")
            return
        self.in_kinh_gui = False
        if self.continues_number(line, text):
            return
        if self.heading_citation(line):
            return
        if hdr.is_national_title(text) or hdr.is_motto(text):
            self.set(line, "national")
            return
        number = hdr.parse_number_line(text)
        if number and not number.labelled and self.continues_issuer(line):
            number = None  # "ĐOÀN KIỂM TRA / THEO QUYẾT ĐỊNH / SỐ 1050/QĐ-SCT": the issuer's name goes on
        if number and lay.doc_type is not None and (number.doc_type or lay.number is not None):
            number = None  # after the type heading, "Nghị định số 111/2015/NĐ-CP …" is the title citing a document
        if number and (lay.number is None or number.labelled and not self.number_labelled):
            if lay.number_line is not None and self.layout.roles.get(lay.number_line.index) == "number":
                self.set(lay.number_line, "header_other")  # a bare "Số 12/…" yields to the "Số:" line
            lay.number, lay.number_line, lay.number_type = (number.number, number.raw), line, number.doc_type
            self.number_labelled = number.labelled
            if not number.complete:
                self.pending_number, self.pending_for = number, 3
            self.set(line, "number")
            self.place_date(text)
            subject = _SUBJECT_AFTER_NUMBER_RE.search(text)
            if subject and not lay.subject_lines and lay.doc_type is None:
                # the two header columns read as one line: "Số: 813/HC-CNHC V/v trao đổi về …"
                lay.subject_lines.append(line)
                lay.subject_texts.append(text[subject.start(1):])
                self.after_title = True
            return
        if is_ocr_noise(text) and ascii_fold(text) != "va":
            self.set(line, "noise")
            return
        if self.place_date(text):
            self.set(line, "place_date")
            return
        doc_type = doc_type_from_heading(text)
        if doc_type and lay.doc_type is None:
            lay.doc_type, lay.doc_type_line, lay.doc_type_exact = doc_type, line, is_exact_heading(text)
            lay.parts[0].doc_type = doc_type
            self.after_title = True
            self.set(line, "doc_type")
            return
        if lay.doc_type is None and lay.issued_date is not None and self.type_heading_in_text_case(line, text):
            return
        joined = split_type_heading(text)
        if joined and lay.doc_type is None:
            # "QUYẾT ĐỊNH CHẤP THUẬN ..." — the type and the subject printed (or read) as one line
            lay.doc_type, lay.doc_type_line, lay.doc_type_exact = joined[0], line, False  # a subject may start with "QUY ĐỊNH"
            lay.parts[0].doc_type = joined[0]
            rest = text[joined[1]:].strip() if joined[1] <= len(text) else ""
            if not _names_authority(rest):
                lay.title_lines.append(line)  # (not "NGHỊ ĐỊNH CỦA CHÍNH PHỦ": the issuer, the title follows below)
                lay.title_prefix = joined[1]
            self.after_title = True
            self.set(line, "doc_type")
            return
        if SUBJECT_RE.match(text) and not lay.subject_lines and lay.doc_type is None:
            # an official letter's "V/v ..." (after a type heading, "Về việc ..." is that document's title)
            lay.subject_lines.append(line)
            lay.subject_texts.append(text)
            self.after_title = True
            self.set(line, "title")
            return
        kinh_gui = KINH_GUI_RE.match(text)
        if kinh_gui:
            rest = text[kinh_gui.end():].strip()
            if rest:
                lay.recipients.append(rest.lstrip("-–+• ").rstrip(";,. "))
            self.in_kinh_gui = self.seen_kinh_gui = True
            self.set(line, "recipients")
            return
        if is_recipients_start(text) and (lay.number is not None or lay.issued_date):
            self.state = CLOSING  # "Nơi nhận:" right after the header: a body too short to be seen
            self.body(line, text)
            return
        if self.attached_heading_open or (lay.doc_type is not None and ATTACHED_RE.match(text)):
            # "(Ban hành kèm theo Quyết định số ...)": this document was issued with a decision
            self.attached_heading_open = "(" in text and ")" not in text[text.find("("):] if not self.attached_heading_open else ")" not in text
            lay.parts[0].heading_lines.append(line)
            self.set(line, "attached_heading")
            return
        if is_basis(text, damaged=True) or enacting_formula(text):
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
            lay.subject_texts.append(text)
            self.set(line, "title")
            return
        if self.seen_kinh_gui or self.reads_as_body(text):
            # after "Kính gửi:" comes the body (a letter's paragraphs); and a sentence after the number or
            # date cannot be a header field (a letter whose "V/v" line was not read)
            self.state = BODY
            self.body(line, text)
            return
        if self.after_title:
            body = hdr.authority_body(text)
            if body and lay.authority_line is None and (lay.title_lines or lay.subject_lines):
                lay.authority_line = line
                self.set(line, "authority")
                return
            if lay.authority_line is not None and hdr.is_session_line(text):
                self.set(line, "authority")  # "KHÓA XVI, KỲ HỌP THỨ 17" under "HỘI ĐỒNG NHÂN DÂN TỈNH …"
                return
            if lay.authority_line is None and (lay.title_lines or lay.subject_lines) and self.authority_in_text_case(line, text):
                lay.authority_line = line
                self.set(line, "authority")
                return
            if not lay.subject_lines and self.is_title_line(line, text):
                lay.title_lines.append(line)
                self.set(line, "title")
                return
            # a paragraph after the title: the enacting sentence of a plan, or a letter's body
            self.state = BODY
            self.body(line, text)
            return
        left = hdr.left_block(text)
        if lay.number is None and len(left) < 90 and not _LIST_HEADING_RE.match(left) \
                and (is_upper_text(left) or starts_with_agency_head(left) and left[:1].isupper()):
            lay.issuer_lines.append(line)
            lay.issuer_texts.append(left)
            self.set(line, "issuer")
            return
        self.set(line, "header_other")

    def heading_citation(self, line: TextLine) -> bool:
        """A republished text opens with one sentence naming it (type, issuer, number, date, then the title):
        "Nghị định của Chính phủ số 117/2003/NĐ-CP ngày 10/10/2003 / về việc …" (``hdr.parse_heading_citation``)."""
        lay = self.layout
        if lay.number is not None or lay.doc_type is not None or lay.issuer_lines or lay.title_lines or lay.subject_lines:
            return False
        following = [ln for ln in self.lines[line.index:line.index + 8] if ln.text.strip()][:4]
        found = hdr.parse_heading_citation([ln.text for ln in following])
        if found is None:
            return False
        used = following[:found.lines]
        for ln in used:
            self.set(ln, "heading_citation")
        self.skip_to = used[-1].index
        lay.heading_citation = found
        lay.doc_type = lay.parts[0].doc_type = DOC_TYPE_BY_SLUG[found.doc_type]
        lay.number, lay.number_line = (found.number.number, found.number.raw), used[0]
        lay.issued_date = found.issued_date.isoformat() if found.issued_date else None
        last = used[-1]
        if found.title_at < len(last.text.rstrip()):
            lay.title_lines.append(last)  # the title starts on the heading's last line
            lay.title_prefix = found.title_at
        self.after_title = True
        return True

    def type_heading_in_text_case(self, line: TextLine, text: str) -> bool:
        """Under the date, a type heading stored in lower case (Word's All Caps, a TCVN3 capital font:
        printed "QUYẾT ĐỊNH CỦA BỘ TRƯỞNG BỘ TÀI CHÍNH", stored "quyết định của bộ trưởng bộ tài chính"):
        the type name alone, or followed by "của" and the authority."""
        words = text.split()
        if len(words) > 1 and ascii_fold(words[0]) == "ban":
            words = words[1:]  # "Bản Quy định"
        for n in (4, 3, 2, 1):
            name = " ".join(words[:n]) if len(words) >= n else ""
            slug = doc_type_from_word(name)
            if slug not in DOC_TYPE_BY_SLUG or ascii_fold(name) != ascii_fold(DOC_TYPE_BY_SLUG[slug].label):
                continue  # a type's name, not its code ("TT", "KH")
            rest = " ".join(words[n:])
            if rest and not _names_authority(rest):
                return False
            lay = self.layout
            lay.doc_type = lay.parts[0].doc_type = DOC_TYPE_BY_SLUG[slug]
            lay.doc_type_line, lay.doc_type_exact = line, True
            self.after_title = True
            self.set(line, "doc_type")
            return True
        return False

    def authority_in_text_case(self, line: TextLine, text: str) -> bool:
        """The enacting authority typed in running-text case ("Bộ trưởng Bộ Tài chính", "Chính phủ" under a
        republished heading) right before the legal bases: a title holder, or the issuer the header named."""
        if len(text.split()) > 10 or text.endswith((".", ";", ":", ",")) or is_upper_text(text):
            return False
        body = hdr.authority_body(text.upper())
        if body is None:
            return False
        cited = self.layout.heading_citation
        named = [b for b in (cited.issuer if cited else None, *self.layout.issuer_texts) if b]
        if not hdr.AUTHORITY_RE.match(text.upper()) and not any(ascii_fold(body) == ascii_fold(n) for n in named):
            return False  # an agency's name here may be the end of a wrapped title ("… giữa / Sở Tài chính và …")
        following = next((ln.text.strip() for ln in self.lines[line.index + 1:] if ln.text.strip()), "")
        return is_basis(following, damaged=True) or enacting_formula(following) is not None

    def continues_recipient(self, line: TextLine, text: str) -> bool:
        """The addressee's name wrapped onto the next line ("Kính gửi: Ủy ban nhân dân các tỉnh," / "thành phố
        trực thuộc Trung ương"): it goes on in lower case, or after a comma or "và", and is no sentence."""
        if not self.layout.recipients or len(text) > 80 or text.endswith((".", ":")) or match_enumerator(text):
            return False
        previous = self.prev_text(line).rstrip()
        if previous.endswith((";", ".")):
            return False
        return text[:1].islower() or previous.endswith((",", " và")) and starts_with_agency_head(text)

    def reads_as_body(self, text: str) -> bool:
        """A sentence in running text after the number or the date: header fields are short or in capitals."""
        lay = self.layout
        return (lay.number is not None or lay.issued_date is not None) and not self.after_title \
            and len(text.split()) >= _BODY_MIN_WORDS and not is_upper_text(text) and text[:1].isupper()

    def continues_issuer(self, line: TextLine) -> bool:
        """The issuer block's previous line ends with a type word ("THEO QUYẾT ĐỊNH"): a "SỐ …" line continues that name."""
        if self.previous_role(line) != "issuer" or not self.layout.issuer_texts:
            return False
        words = self.layout.issuer_texts[-1].split()
        return any(doc_type_from_heading(" ".join(words[-n:])) for n in (1, 2, 3) if len(words) >= n)

    def continues_number(self, line: TextLine, text: str) -> bool:
        """The piece that completes a number broken off at a line or column end ("Số: 12/2025/" … "NĐ-CP")."""
        if self.pending_number is None:
            return False
        done = None if doc_type_from_heading(text) else hdr.continue_number(self.pending_number, text)
        if done is None:
            self.pending_for -= 1
            if self.pending_for <= 0:
                self.pending_number = None
            return False
        self.layout.number = (done.number, done.raw)
        self.pending_number = None if done.complete else done
        self.set(line, "number")
        return True

    def is_title_line(self, line: TextLine, text: str) -> bool:
        lay = self.layout
        if not lay.title_lines:
            return len(text) < (_MAX_TITLE if self.previous_role(line) == "doc_type" else 400)
        previous = lay.title_lines[-1].text.strip()
        if len(lay.title_lines) >= _MAX_TITLE_LINES or previous.endswith((".", ":")) or text.endswith(":"):
            return False
        if previous.endswith(";"):
            # a title listing its subjects ("Quy định mã số …; / thành tích, kết quả … để xét bổ nhiệm"):
            # it goes on in lower case up to the legal bases
            return text[:1].islower() and syllable_validity(text) >= 0.5 and self.bases_follow(line)
        if syllable_validity(text) < 0.5:
            return False  # a title wraps onto words, not onto a stamp's or a signature's OCR marks ('"52 #2sss…')
        # a subject line wraps: the continuation is in the same case, or starts in lower case
        if (is_upper_text(text) and is_upper_text(previous)) or text[:1].islower():
            return len(lay.title_lines) < 4 or self.bases_follow(line)
        # a capitalised word inside the wrapped subject ("… của" / "Chính phủ quy định …"): only when
        # the legal bases or the enacting authority follow the title directly
        return self.bases_follow(line)

    def bases_follow(self, line: TextLine) -> bool:
        """A "Căn cứ" line, an enacting formula or the enacting authority follows within what a title may still hold."""
        seen = len(self.layout.title_lines)
        for following in self.lines[line.index + 1:]:
            text = following.text.strip()
            if not text or hdr.is_separator(text) or is_ocr_noise(text):
                continue
            if is_basis(text, damaged=True) or enacting_formula(text) or hdr.authority_body(text):
                return True
            seen += 1
            if seen >= _MAX_TITLE_LINES or match_enumerator(text) or text.endswith(":"):
                return False
        return False

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
        if is_basis(text, damaged=True):
            self.set(line, "basis")
            return
        formula = enacting_formula(text)
        if formula:
            self.layout.enacted_type = self.layout.enacted_type or FORMULA_TYPES.get(formula)
            self.set(line, "formula")
            self.state = BODY
            return
        if is_ocr_noise(text):
            self.set(line, "noise")
            return
        previous = self.previous_role(line)
        if previous == "basis" and (text[:1].islower() or not self.prev_text(line).rstrip().endswith((";", ".", ":"))):
            self.set(line, "basis")  # a basis wrapped onto the next line
            return
        if hdr.authority_body(text) and not is_body_start(text) or hdr.is_session_line(text):
            self.set(line, "authority")
            return
        self.state = BODY
        self.body(line, text)

    def body(self, line: TextLine, text: str) -> None:
        if is_recipients_start(text):
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
        if is_farewell(text):
            self.set(line, "closing")  # "Trân trọng./."
            return
        if self.is_footnote(line, text):
            self.set(line, "footnote")
            return
        if is_basis(text) and not match_enumerator(text):
            self.set(line, "basis")
            return
        if enacting_formula(text) in ("quyet dinh", "quyet nghi"):
            self.set(line, "formula")  # the bases were broken off by a line read as body (OCR)
            return
        if self.layout.enacted_type is None and self.previous_role(line) in ("basis", "authority", "title"):
            self.layout.enacted_type = enacted_type(text)
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
        if is_recipients_start(text):
            self.in_recipients = True
            self.set(line, "closing")
            return
        if is_signature_line(text) or hdr.looks_like_person_name(text):
            self.in_recipients = False
            self.layout.signature_lines.append(line)
            self.set(line, "signature")
            return
        if _LIST_DASH_RE.match(text) or _LUU_RE.match(text):
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
        if is_body_start(text) or is_basis(text):
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
        """A type heading ("KẾ HOẠCH", "QUY ĐỊNH"), "Phụ lục I" or a form's title ("Biểu 01: …", "Mẫu số 02")
        after the body opens a new part."""
        appendix = APPENDIX_RE.match(text) or FORM_RE.match(text)
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

    def is_footnote(self, line: TextLine, text: str) -> bool:
        """A note at the foot of a page ("¹ Nghị định số 26/2026/NĐ-CP ngày … quy định …"): a line that opens
        with a note's mark, and after which the page holds only more notes, their wrapped lines and stray
        marks, before the document goes on on the next page."""
        if not _NOTE_RE.match(text) or match_enumerator(text):
            return False
        for following in self.lines[line.index + 1:]:
            if following.page != line.page:
                return True
            rest = following.text.strip()
            if rest and not (_NOTE_RE.match(rest) or rest[:1].islower() or len(rest) <= 12):
                return False
        return False  # the last page: notes are printed under the signature there

    def trailing_closing(self) -> None:
        """The signature block and receivers list a part's body ends with when "Nơi nhận" and the signer's
        title were not read as such (a lost column, a name typed in lower case: "ủy ban nhân dân tỉnh …"):
        the run of closing-like lines after the last paragraph, if it holds a signer's line or "Lưu:"."""
        by_part: dict[int, list[TextLine]] = {}
        for line in self.lines:
            if self.layout.roles.get(line.index) == "body":
                by_part.setdefault(self.layout.part_of[line.index], []).append(line)
        for body in by_part.values():
            run: list[tuple[TextLine, bool]] = []
            for line in reversed(body):
                strength = _closing_strength(line.text.strip(), last=not run)
                if strength is None or run and self.table_between(line.index, run[-1][0].index):
                    break  # a table after it: the body goes on there
                run.append((line, strength))
            if len(run) == len(body) or not any(strong for _, strong in run):
                continue  # a whole body is never a signature block
            for line, strong in run:
                self.layout.roles[line.index] = "signature" if strong and not _LUU_RE.match(line.text.lstrip("-–+• ")) else "closing"
            found = [line for line, strong in run if self.layout.roles[line.index] == "signature"]
            self.layout.signature_lines = sorted(self.layout.signature_lines + found, key=lambda l: l.index)

    def table_between(self, before: int, after: int) -> bool:
        return any(self.layout.roles.get(i) in ("table_row", "table_header") for i in range(before + 1, after))

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
            if role not in ("blank", "noise"):
                return role
        return None

    def prev_text(self, line: TextLine) -> str:
        for j in range(line.index - 1, -1, -1):
            if self.lines[j].text.strip() and self.layout.roles.get(j) != "noise":
                return self.lines[j].text
        return ""


def walk(lines: list[TextLine]) -> Layout:
    return _Walker(lines).run()


__all__ = ["Layout", "Part", "walk", "is_signature_line", "starts_with_agency_head"]
