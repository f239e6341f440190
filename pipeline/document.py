"""From a file to a `Document`: read -> repair -> segment -> extract, as plain function calls.

`extract_document(path)` is what the CLI and the flows call. `build_document`
is the pure part (a `RawDocument` in, a `Document` out) that tests call with
readers' output or hand-made pages.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import regex

from pipeline import __version__
from pipeline.assemble import Assembled, assemble
from pipeline.extract.agencies import addressed_agencies, extract_agencies, extract_agencies_from_cells
from pipeline.extract.citations import find_citations, merge_citations, number_key
from pipeline.extract.consistency import check_announced_counts
from pipeline.extract.dates import find_date, match_form
from pipeline.extract.deadlines import extract_deadline
from pipeline.extract.links import link_table_rows  # table rows -> narrative items (issue 5)
from pipeline.extract.quantities import extract_quantities
from pipeline.extract.table_values import row_values  # table cells by column meaning (issue 5)
from pipeline.model import (
    Agency,
    Citation,
    Deadline,
    DigitalSignature,
    Document,
    DocumentInfo,
    Item,
    PageInfo,
    Quantity,
    RawDocument,
    Received,
    Signer,
    Source,
    TableCell,
    TableInfo,
    UnreadField,
)
from pipeline.read import read_file
from pipeline.segment import header as hdr
from pipeline.segment.layout import Layout, walk
from pipeline.lexicon import DOC_TYPE_BY_SLUG, ascii_fold, is_regulation, doc_type_from_number, is_upper_text
from pipeline.segment.patterns import ATTACHED_RE, SIGNED_MARK_RE, SUBJECT_RE, is_basis, starts_with_agency_head
from pipeline.segment.tables import TableReading, mark_stacked_tables, mark_text_tables, read_tables
from pipeline.segment.tree import Node, build_tree

PIPELINE_VERSION = __version__


def extract_document(path: Path) -> Document:
    path = Path(path)
    raw = read_file(path)
    data = path.read_bytes()
    source = Source(
        file_name=path.name, sha256=hashlib.sha256(data).hexdigest(), format=raw.format,
        pages=len(raw.pages), bytes=len(data),
    )
    return build_document(raw, source)


def build_document(raw: RawDocument, source: Source) -> Document:
    doc = assemble(raw)
    mark_text_tables(doc.lines)
    if raw.format == "txt":  # a web page's table saved one cell per line
        mark_stacked_tables(doc)
    tables = read_tables(doc.lines)  # tables joined over pages, header rows marked (for the layout), records read
    layout = walk(doc.lines)
    info = _document_info(doc, layout, source)
    regulation = is_regulation(info.doc_type, info.number)
    nodes, preamble = build_tree(doc.lines, layout, doc.text, tables,
                                 addressee=lambda text: bool(addressed_agencies(text, name_only=True)),
                                 regulation=regulation)
    issued = dt.date.fromisoformat(info.issued_date) if info.issued_date else None
    items = [_item(node, doc, issued, regulation) for node in nodes]
    _inherit_agencies(items)
    table_infos, table_warnings = _check_tables(tables, nodes, items)
    links = link_table_rows(items)  # issue 5: table rows -> the narrative items they measure
    _inherit_deadlines(items, info, links)
    check_announced_counts(items)
    citations = _not_after(merge_citations(_citation_hits(doc, layout, nodes, preamble), own_number=info.number),
                           info.issued_date)
    pages = [
        PageInfo(number=p.number, span=doc.page_spans.get(p.number, (0, 0)), source=p.source, quality=p.quality,
                 width=p.width, height=p.height)
        for p in raw.pages
    ]
    warnings = list(raw.warnings) + table_warnings
    if not items:
        warnings.append("no body items found")
    for field_name in ("doc_type", "number", "issued_date"):
        if getattr(info, field_name) is None:
            warnings.append(f"{field_name} not found")
    for unread in info.unread:
        warnings.append(f"{unread.field} for review: {unread.reason}" + (f" ({unread.printed!r})" if unread.printed else ""))
    return Document(
        pipeline_version=PIPELINE_VERSION, document=info, items=items, citations=citations, pages=pages,
        text=doc.text, original_text=doc.original_text, links=links, tables=table_infos, warnings=warnings,
    )


# --------------------------------------------------------------------------
# Header
# --------------------------------------------------------------------------
# Acts whose title, printed under the type heading, may repeat the type name before its verb
# ("THÔNG TƯ / Thông tư sửa đổi, bổ sung …"); a plan's "Kế hoạch hành động …" names the plan and stays.
_ACT_TYPES = frozenset({"quyet_dinh", "chi_thi", "nghi_quyet", "nghi_quyet_lien_tich", "nghi_dinh", "thong_tu",
                        "thong_tu_lien_tich", "luat", "bo_luat", "phap_lenh", "lenh"})


def _without_type_name(title: str, doc_type: str | None) -> str:
    """The title without the type name the heading above already gives: "Thông tư sửa đổi, bổ sung …" under
    "THÔNG TƯ" is titled "Sửa đổi, bổ sung …" (as the legal database cites it: "Thông tư số … sửa đổi …")."""
    if doc_type not in _ACT_TYPES:
        return title
    name = DOC_TYPE_BY_SLUG[doc_type].label.casefold()
    if not title.casefold().startswith(name + " "):
        return title
    rest = title[len(name) + 1:].lstrip()
    if not rest[:1].islower() or rest.startswith(("này", "số", "của", "liên tịch")):
        return title  # "Quyết định số …" cites another act; a lower-case "này" refers back
    return rest[:1].upper() + rest[1:]


def _document_info(doc: Assembled, layout: Layout, source: Source) -> DocumentInfo:
    inferred: list[str] = []
    bodies = hdr.issuer_bodies(layout.issuer_texts)
    issuer = bodies[-1] if bodies else None
    parent_issuer = bodies[-2] if len(bodies) > 1 else None
    if issuer is None and layout.authority_line is not None:
        issuer = hdr.authority_body(layout.authority_line.text)
    cited = layout.heading_citation
    if issuer is None and cited is not None and cited.issuer:
        issuer = _body_named(cited.issuer)  # "của Bộ trưởng Bộ Tài chính"
    number, number_raw = layout.number if layout.number else (None, None)
    doc_type = _doc_type(layout, number or number_raw)
    doc_type_label = layout.doc_type_line.text[: layout.title_prefix or None].strip() if layout.doc_type_line else None
    if cited is not None or doc_type_label and not is_upper_text(doc_type_label):
        doc_type_label = None  # the type's own label: the heading runs on into issuer and number, or is stored lower-case
    issued_date = layout.issued_date
    # A decision whose header lacks number or date: its attached plan says "Ban hành kèm theo Quyết định số ... ngày ...".
    # A regulation or plan that is itself the attachment says the same in its own heading (part 0).
    if number is None or issued_date is None:
        for part_no, part in enumerate(layout.parts):
            if part_no == 0 and layout.number is not None:
                continue  # a "Số:" line, even left blank in a draft: the document has a number of its own
            hit = _issuing_citation(part.heading_lines, doc_type if part_no else None)
            if hit is None:
                continue
            if number is None and _symbol(number_raw) and _symbol(hit.number) != _symbol(number_raw):
                continue  # the header shows another symbol around its blank: another document's number
            if number is None:
                number, number_raw = hit.number, hit.raw
                inferred.append("number")
                doc_type = doc_type or hit.doc_type
            issued_date, issuer = _dated_by(hit, number, issued_date, issuer, inferred)
            break
    if number is None or issued_date is None:
        # Not read in the header (a handwritten slot): an attachment's own heading printed
        # anywhere in the file, "(Kèm theo Công văn số 2265/BCT-ATMT ngày 02/4/2026 ...)".
        hit = _attachment_reference(doc, layout, doc_type, number_raw if number is None else number)
        if hit is not None:
            if number is None:
                number, number_raw = hit.number, hit.raw
                inferred.append("number")
            issued_date, issuer = _dated_by(hit, number, issued_date, issuer, inferred)
    if issued_date is None and doc_type in _PASSED_TYPES:
        issued_date = _passing_date(doc.text)
        if issued_date:
            inferred.append("issued_date")
    if issued_date is None and doc_type == "bien_ban":
        # A record (biên bản) is dated in its opening sentence: "Hôm nay, (vào lúc ... giờ,) ngày 08/6/2026, ..."
        issued_date = _record_date(doc, layout)
        if issued_date:
            inferred.append("issued_date")
    title = None
    if layout.title_lines:
        first, *rest = layout.title_lines
        title = " ".join([first.text[layout.title_prefix:].strip()] + [line.text.strip() for line in rest])
        title = _without_type_name(title, doc_type) if layout.title_prefix == 0 and layout.doc_type_line else title
    elif layout.subject_lines:
        title = SUBJECT_RE.sub("", " ".join(text.strip() for text in layout.subject_texts))
    signer, stamps = _signer(layout), _digital_signatures(layout)
    person = next((d.signer for d in stamps if d.signer and hdr.looks_like_person_name(d.signer)
                   and not starts_with_agency_head(d.signer)), None)
    if person and (signer is None or signer.name is None):
        # the signature block was not read (a seal over it): the signing tool names the person
        signer = Signer(name=person, position=signer.position if signer else None,
                        raw=signer.raw if signer else person)
        inferred.append("signer")
    return DocumentInfo(
        doc_type=doc_type, doc_type_label=doc_type_label or (DOC_TYPE_BY_SLUG[doc_type].label if doc_type in DOC_TYPE_BY_SLUG else None),
        number=number, number_raw=number_raw, issuer=issuer, parent_issuer=parent_issuer, place=layout.place,
        issued_date=issued_date, title=title, recipients=layout.recipients, signer=signer,
        received=_received(layout), digital_signatures=stamps, inferred=inferred,
        unread=_unread(doc, layout, doc_type, number, issued_date), source=source,
    )


def _doc_type(layout: Layout, number: str | None) -> str | None:
    """The document's type: from its heading; where the heading is missing or damaged, from the type word of its
    number line ("Luật số: …"), the code in its symbol ("NQ" in "66.4/2025/NQ-CP"), its enacting formula or
    sentence ("QUYẾT NGHỊ:", "Quốc hội ban hành Luật …"); an official letter is known by its "V/v" line, or by "Kính gửi:" under a number."""
    heading = layout.doc_type.slug if layout.doc_type else None
    if heading and layout.doc_type_exact:
        return heading
    return (layout.number_type or (doc_type_from_number(number) if number else None) or heading or layout.enacted_type
            or ("cong_van" if layout.subject_lines or layout.recipients and layout.number is not None else None))


# Laws and the Quốc hội's resolutions print no date in their header: they bear the date they are passed,
# stated at their end ("Luật này được Quốc hội … khóa XV, kỳ họp thứ 10 thông qua ngày 10 tháng 12 năm 2025.").
_PASSED_TYPES = {"luat", "bo_luat", "hien_phap", "phap_lenh", "nghi_quyet", "nghi_quyet_lien_tich"}
_PASSED_RE = regex.compile(
    r"(?:luat|hien\s+phap|phap\s+lenh|nghi\s+quyet)\s+nay\s+(?:da\s+)?duoc\s+[^.;\n]{0,240}?thong\s+qua\s+(?=ngay)"
)


def _passing_date(text: str) -> str | None:
    form = match_form(text)
    for m in _PASSED_RE.finditer(form):
        found = find_date(form[m.end():m.end() + 40], require_day_word=True, folded=True)
        if found:
            return found[0].isoformat()
    return None


# A record (biên bản) has no place-and-date line: it opens with the time it was drawn up
# ("Hôm nay, ngày 08/6/2026, tại …", "Vào hồi 9 giờ, ngày 08 tháng 6 năm 2026 …").
_RECORD_OPENING_RE = regex.compile(r"^\s*(?:hom\s+nay|vao\s+(?:hoi|luc))(?![a-z])")


def _record_date(doc: Assembled, layout: Layout) -> str | None:
    after = layout.doc_type_line.index if layout.doc_type_line is not None else -1
    for line in doc.lines[after + 1: after + 6]:
        form = match_form(line.text)
        if _RECORD_OPENING_RE.match(form):
            found = find_date(form, folded=True)
            return found[0].isoformat() if found else None
    return None


def _symbol(number: str | None) -> str | None:
    """The part of a số ký hiệu after its number: "…/2019/NĐ-CP" -> "2019/NĐ-CP"."""
    if not number or "/" not in number:
        return None
    return number_key(number.split("/", 1)[1]) or None


def _attachment_reference(doc: Assembled, layout: Layout, doc_type: str | None, printed: str | None):
    """This document's number as an attachment's heading prints it ("(Kèm theo Quyết định số
    89/2026/QĐ-CT ngày ...)", at the start of a line after the header), when it is of this
    document's type and agrees with what the header shows of the number (the symbol
    "/QĐ-CT" around a handwritten number)."""
    symbol = _symbol(printed)
    header_roles = {"number", "place_date", "national", "issuer", "doc_type", "title"}
    for line in doc.lines:
        if layout.roles.get(line.index) in header_roles or not ATTACHED_RE.match(line.text.strip()):
            continue
        hit = _issuing_citation([line], None)
        if hit is None or (doc_type and hit.doc_type and hit.doc_type != doc_type):
            continue
        if symbol and _symbol(hit.number) != symbol:
            continue
        return hit
    return None


def _unread(doc: Assembled, layout: Layout, doc_type: str | None, number: str | None,
            issued_date: str | None) -> list[UnreadField]:
    """The header's number and date when they are printed but were not read (a handwritten
    slot OCR left blank) or are missing: never guessed, put up for review."""
    if doc_type is None and layout.number_line is None:
        return []  # not a document with a header: nothing to review
    out = []
    if number is None:
        if layout.number_line is not None:
            out.append(UnreadField(field="number", printed=layout.number_line.text.strip(),
                                   reason="the number slot is blank or written by hand: not read"))
        else:
            out.append(UnreadField(field="number", reason="no number found in the header"))
    if issued_date is None:
        header = doc.lines[: layout.doc_type_line.index] if layout.doc_type_line is not None else doc.lines[:12]
        dated = [line for line in doc.lines if layout.roles.get(line.index) == "place_date"
                 or (line is layout.number_line and hdr.parse_place_date(line.text))]
        dated = dated or [line for line in header if _DAY_SLOTS.search(line.text)]
        if dated:
            out.append(UnreadField(field="issued_date", printed=dated[0].text.strip(),
                                   reason="the day or month is blank or written by hand: not read"))
        else:
            out.append(UnreadField(field="issued_date", reason="no date found in the header"))
    return out


_DAY_SLOTS = regex.compile(r",\s*ngày\b.{0,20}\btháng\b")
_SIGNATURE_LABEL = regex.compile(r"(Ký\s+bởi|Người\s+ký|Email|Cơ\s+quan|Thời\s+gian\s+ký|Ngày\s+ký|Chức\s+vụ)\s*:",
                                 regex.IGNORECASE)
_SIGNATURE_FIELD = {"ky boi": "signer", "nguoi ky": "signer", "email": "email", "co quan": "organization",
                    "thoi gian ky": "signed_at", "ngay ky": "signed_at", "chuc vu": "position"}
_SIGNED_AT = regex.compile(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?"
                           r"(?:\s*([+-])(\d{2}):?(\d{2}))?")


def _signed_at(text: str) -> str | None:
    """"02.04.2026 14:24:26 +07:00" -> "2026-04-02T14:24:26+07:00" (a date alone -> "2026-04-02")."""
    m = _SIGNED_AT.search(text)
    if not m:
        return None
    day, month, year, hour, minute, second, sign, oh, om = m.groups()
    try:
        date = dt.date(int(year), int(month), int(day))
        if hour is None:
            return date.isoformat()
        offset = dt.timezone(int(f"{sign}1") * dt.timedelta(hours=int(oh), minutes=int(om))) if sign else None
        return dt.datetime(date.year, date.month, date.day, int(hour), int(minute), int(second or 0),
                           tzinfo=offset).isoformat()
    except ValueError:
        return None


def _digital_signatures(layout: Layout) -> list[DigitalSignature]:
    """The signing tools' stamps ("Ký bởi: ... Cơ quan: ... Thời gian ký: ..."), one per
    signer, however their lines were joined or split; a new "Ký bởi"/"Người ký" starts the next."""
    text = "\n".join(line.text.strip() for line in layout.digital_signature_lines)
    marks = list(_SIGNATURE_LABEL.finditer(text))
    groups: list[list[tuple[str, str, int, int]]] = []
    for k, m in enumerate(marks):
        end = marks[k + 1].start() if k + 1 < len(marks) else len(text)
        name = _SIGNATURE_FIELD[" ".join(ascii_fold(m.group(1)).lower().split())]
        value = " ".join(text[m.end():end].split()).strip(" ;,")
        if not groups or (name == "signer" and any(f == "signer" for f, *_ in groups[-1])) \
                or any(f == name for f, *_ in groups[-1]):
            groups.append([])
        groups[-1].append((name, value, m.start(), end))
    out = []
    for group in groups:
        values = {name: value or None for name, value, _, _ in group}
        if "signed_at" in values:
            values["signed_at"] = _signed_at(values["signed_at"] or "")
        raw = " ".join(text[group[0][2]:group[-1][3]].split())
        out.append(DigitalSignature(raw=raw, **values))
    return out


def _dated_by(hit, number: str | None, issued_date: str | None, issuer: str | None,
              inferred: list[str]) -> tuple[str | None, str | None]:
    """The date and issuer a header left out, from the document that names this one's number ("Ban hành
    kèm theo Quyết định số … ngày … của UBND tỉnh …"): only when it is that number (an attachment without a
    header of its own takes its decision's)."""
    if number_key(hit.number) != number_key(number):
        return issued_date, issuer
    if issued_date is None and hit.issued_date:
        issued_date = hit.issued_date
        inferred.append("issued_date")
    if issuer is None and hit.issuer:
        issuer = _body_named(hit.issuer)
        inferred.append("issuer")
    return issued_date, issuer


def _not_after(citations: list[Citation], issued: str | None) -> list[Citation]:
    """A cited act is dated on or before the act citing it. A later year is misread (OCR: "14/7/2096" in a 2026
    decision): the year one digit away from the document's is taken, failing that the date is left out; a
    later day of the same year is kept as printed (a typo of the source, or of the document's own date).
    Each says so and goes to review."""
    if not issued:
        return citations
    year = issued[:4]
    out = []
    for c in citations:
        if c.issued_date and c.issued_date > issued:
            printed = c.issued_date[:4]
            fixed = f"{year}{c.issued_date[4:]}"
            if printed == year:
                date, why = c.issued_date, "kept as printed"
            elif sum(a != b for a, b in zip(printed, year)) == 1 and fixed <= issued:
                date, why = fixed, f"year read as {year}"
            else:
                date, why = None, "date left out"
            c = c.model_copy(update={
                "issued_date": date, "confidence": min(c.confidence, 0.6),
                "reasons": c.reasons + [f"dated {c.issued_date}, after the document itself ({issued}): {why}"],
            })
        out.append(c)
    return out


def _body_named(name: str) -> str:
    """The body a citation or heading names in running text ("của Bộ trưởng Bộ Tài chính", "UBND tỉnh An Giang")."""
    return hdr.authority_body(name.upper()) or hdr.agency_case(name.upper())


def _issuing_citation(heading_lines: list, doc_type: str | None):
    """The document named in a "(Ban hành kèm theo <type> số ... ngày ...)" heading, if it is of `doc_type`."""
    text = hdr.join_spaced_digits(hdr.clean_fill_ins(" ".join(line.text for line in heading_lines)))
    at = text.casefold().find("kèm theo")
    if at < 0:
        return None
    for hit in find_citations(text[at:]):
        if hit.number and (doc_type is None or hit.doc_type == doc_type):
            return hit
    return None


def _signer(layout: Layout) -> Signer | None:
    if not layout.signature_lines:
        return None
    texts = [line.text.strip() for line in layout.signature_lines]
    names = [t for t in texts if hdr.looks_like_person_name(t)]
    positions = [t for t in texts if t not in names and not SIGNED_MARK_RE.match(t)]
    return Signer(name=names[-1] if names else None, position=" / ".join(positions) or None, raw="\n".join(texts))


def _received(layout: Layout) -> Received | None:
    if not layout.received_lines:
        return None
    texts = [line.text.strip() for line in layout.received_lines]
    office, number, date = hdr.parse_received(texts)
    return Received(office=office, number=number, date=date, raw="\n".join(texts))


# --------------------------------------------------------------------------
# Items and facts
# --------------------------------------------------------------------------
def _item(node: Node, doc: Assembled, issued: dt.date | None, regulation: bool = False) -> Item:
    text = doc.text[node.start:node.end].replace("\n", " ")
    quantities, deadline = _extract_facts(text, node.start, issued, regulation)
    row_cells = None
    if node.row is not None:
        row_cells = [TableCell(column=c.column, header=list(c.header), key=c.key, text=c.text, role=c.role,
                               merged=c.merged, spans=list(c.spans)) for c in node.row.row_cells]
        for cell in row_cells:  # a content continued over a page break: its later parts' figures are the row's too
            if cell.role == "content":
                for start, end in cell.spans[1:]:
                    quantities.extend(_extract_facts(doc.text[start:end], start, issued)[0])
    for q in quantities:  # as printed: a unit broken over two lines keeps its line break, so text[span] is raw
        q.raw = doc.text[q.span[0]:q.span[1]]
    agencies = []
    for agency in extract_agencies(text):
        agency.span = (agency.span[0] + node.start, agency.span[1] + node.start) if agency.span else None
        agencies.append(agency)
    if node.cells:
        agencies.extend(extract_agencies_from_cells(node.cells))
    confidence, reasons = _ocr_confidence(node, doc)
    return Item(
        confidence=confidence, reasons=reasons,
        id=node.id, parent=node.parent.id if node.parent else None, kind=node.kind, path=node.path,
        enumerator=node.enumerator, text=text, span=(node.start, node.end),
        original_span=doc.to_original(node.start, node.end), page=node.page,
        page_end=node.page_end if node.page_end != node.page else None, bbox=node.bbox,
        quantities=quantities, deadline=deadline, effective_deadline=deadline, agencies=agencies,
        cells=node.cells if node.etype == "row" else None, table=node.table, row_cells=row_cells,
        record=node.row.record if node.row is not None else None,
        values=row_values(node.cells, text, issued) if node.etype == "row" else None,  # issue 5
    )


def _check_tables(tables: TableReading, nodes: list[Node], items: list[Item]) -> tuple[list[TableInfo], list[str]]:
    """One `TableInfo` per table; where cells of the grid did not reach a header or an item, the table's
    rows go to the review queue (confidence 0.5) with the reason, and the document gets a warning."""
    by_record = {id(node.row): item for node, item in zip(nodes, items) if node.row is not None}
    infos, warnings = [], []
    for table in tables.tables:
        placed = [record for record in table.records if id(record) in by_record]
        cells_read, reasons = table.check(placed)
        rows = [by_record[id(record)] for record in placed]
        if len(placed) < len(table.records):
            reasons.append(f"table {table.number}: {len(table.records) - len(placed)} of {len(table.records)} rows "
                           "read but not placed in the document")
        for item in rows if reasons else ():
            item.confidence = min(item.confidence, 0.5)
            item.reasons.extend(reasons)
        warnings.extend(reasons)
        infos.append(TableInfo(
            table=table.number, page=table.lines[0].page, page_end=table.lines[-1].page,
            columns=[list(path) for path in table.columns], groups=table.groups, header_rows=table.header_rows,
            printed_rows=table.printed_rows, records=len(rows), grid_cells=len(table.grid), cells_read=cells_read,
            confidence=0.5 if reasons else 1.0, reasons=reasons,
        ))
    return infos, warnings


_RANKED_HEADING_RE = regex.compile(r"^(?:Phần|PHẦN|Chương|CHƯƠNG|Mục|MỤC)\b")
_LEAD_LABEL_RE = regex.compile(r"^\s*(?:(?:Đơn\s+vị|Cơ\s+quan|Bộ\s+phận)\s+)?chủ\s+trì\s*:", regex.IGNORECASE)


def _inherit_agencies(items: list[Item]) -> None:
    """A unit whose heading or run-in text names the body it addresses ("1. Sở Công Thương:",
    "Giao Sở Tài chính:", "Các sở, ngành: …") or its lead ("… (Sở Y tế chủ trì):") passes that body
    down as the lead of every unit below it that names no lead or assignee of its own (a body the
    unit only asks something of, "yêu cầu các đơn vị …", does not count), marked
    ``inherited`` with the id of the item that names it. A closing line "Đơn vị chủ trì: X" among
    a heading's units names the lead of its sibling units too."""
    by_id = {item.id: item for item in items}
    has_children = {item.parent for item in items if item.parent}
    lifted: dict[str, list[tuple[Agency, str]]] = {}
    for item in items:
        if item.parent and _LEAD_LABEL_RE.match(item.text):
            lifted.setdefault(item.parent, []).extend((a, item.id) for a in item.agencies if a.role == "lead")
    passes: dict[str, list[tuple[Agency, str]]] = {}
    for item in items:  # reading order: a heading is settled before its units
        named = [a for a in item.agencies if a.role == "lead" or (a.role == "assignee" and not _is_object(a))]
        parent = by_id.get(item.parent) if item.parent else None
        inherited = passes.get(parent.id, []) if parent is not None else []
        if parent is not None and not named:
            seen = {a.normalized for a in item.agencies if a.role == "lead"}
            for source, source_id in inherited:
                if source.normalized in seen:
                    continue
                seen.add(source.normalized)
                item.agencies.append(source.model_copy(update={
                    "role": "lead", "span": None, "inherited": True, "inherited_from": source_id,
                    "confidence": round(min(source.confidence, 0.85), 2),
                    "reasons": [f"inherited from {source_id} ('{_short(by_id[source_id].text)}')"],
                }))
        if item.id not in has_children:
            continue
        if item.kind == "article" or _RANKED_HEADING_RE.match(item.enumerator or ""):
            continue  # "Điều 22. Hội đồng Thi đua - Khen thưởng": an article about a body, not addressed to it
        own = addressed_agencies(item.text)
        if own and "Điều " in item.path and not item.text.rstrip().endswith(":") and not any(
                child.kind == "assignment" for child in items if child.parent == item.id):
            own = []  # inside an article a clause naming a body may describe it ("3. Phòng công chứng")
        own = own or [a for a in named if a.role == "lead"]
        if own:
            passes[item.id] = [(a, item.id) for a in own]
        elif item.id in lifted:
            passes[item.id] = lifted[item.id]
        elif not named and inherited:
            passes[item.id] = inherited


def _is_object(agency: Agency) -> bool:
    """"Yêu cầu các đơn vị …", "đề nghị Sở X …": a body the unit asks something of, not the one doing it."""
    return bool(agency.reasons) and agency.reasons[0].casefold().startswith(("after 'yêu cầu'", "after 'đề nghị'"))


def _short(text: str, n: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _ocr_confidence(node: Node, doc: Assembled) -> tuple[float, list[str]]:
    """An item read by OCR is as sure as its least sure line."""
    if node.first_line is None or node.last_line is None:
        return 1.0, []
    lines = doc.lines[node.first_line.index: node.last_line.index + 1]
    scores = [(line.confidence, line.page) for line in lines if line.confidence is not None]
    if not scores:
        return 1.0, []
    worst, page = min(scores)
    reasons = [f"OCR confidence {worst:.0%} on page {page}"] if worst < 0.9 else []
    return round(worst, 3), reasons


def _extract_facts(text: str, offset: int, issued: dt.date | None,
                   regulation: bool = False) -> tuple[list[Quantity], Deadline | None]:
    """Quantities and deadline of a unit's text. In a regulation a period wholly before the act's date is a
    condition on the past ("giấy phép cấp trước ngày 01/7/2025", "từ tháng 02/1979 đến 31/12/1988"), not the
    time of any work it orders."""
    quantities = []
    for q in extract_quantities(text):
        q.span = (q.span[0] + offset, q.span[1] + offset)
        quantities.append(q)
    deadline = extract_deadline(text, issued, past=not regulation)
    if deadline is not None and deadline.span is not None:
        deadline.span = (deadline.span[0] + offset, deadline.span[1] + offset)
    return quantities, deadline


def _inherit_deadlines(items: list[Item], info: DocumentInfo, links: list) -> None:
    """An item's effective deadline: the one it states; else, for a table row, its deadline column;
    else the deadline of the table row that measures it; else its heading's; else the title's."""
    title_deadline = extract_deadline(info.title or "", title=True) if info.title else None
    by_id = {item.id: item for item in items}
    for item in items:
        if item.deadline is None and item.values is not None and item.values.deadline is not None:
            item.effective_deadline = item.values.deadline.model_copy(update={
                "inherited_from": "table_row", "span": None,
                "reasons": item.values.deadline.reasons + ["from the row's deadline column"],
            })
    measured_by = {}
    for link in sorted(links, key=lambda link: -link.confidence):
        row = by_id.get(link.table_row)
        if row is not None and row.effective_deadline is not None:
            measured_by.setdefault(link.item, (row.effective_deadline, link.confidence))
    for item in items:  # items come in reading order, so a heading is settled before its children
        if item.effective_deadline is not None:
            continue
        parent = by_id.get(item.parent) if item.parent else None
        if item.id in measured_by:
            deadline, confidence = measured_by[item.id]
            item.effective_deadline = deadline.model_copy(update={
                "inherited_from": "table_row", "span": None, "confidence": min(deadline.confidence, confidence, 0.8),
            })
        elif parent is not None and parent.effective_deadline is not None:
            source = parent.effective_deadline
            item.effective_deadline = source.model_copy(update={
                "inherited_from": source.inherited_from or "heading", "confidence": min(source.confidence, 0.8),
            })
        elif title_deadline is not None and (title_deadline.start or title_deadline.end):
            item.effective_deadline = title_deadline.model_copy(update={
                "inherited_from": "title", "span": None, "confidence": min(title_deadline.confidence, 0.7),
            })


# --------------------------------------------------------------------------
# Citations
# --------------------------------------------------------------------------
def _citation_hits(doc: Assembled, layout: Layout, nodes: list[Node], preamble: set[int]) -> list:
    found = []
    for start, end, page, context, blanks in _citation_chunks(doc, layout, nodes, preamble):
        found.extend((hit, start, page, context) for hit in _cite(doc.text, start, end, blanks))
    found.sort(key=lambda f: f[0].start + f[1])
    return found


_CONTEXTS = {"basis": "legal_basis", "title": "header", "attached_heading": "header", "authority": "header"}


def _citation_chunks(doc: Assembled, layout: Layout, nodes: list[Node], preamble: set[int]):
    """(start, end, page, context, spans to blank) of each piece of text that may cite: a legal basis with the
    lines it wraps onto (stray OCR marks between them blanked), header lines, preamble lines, items, table rows."""
    chunk = None
    for line in doc.lines:
        role = layout.roles.get(line.index, "")
        if chunk is not None and role == "basis" and not is_basis(line.text):
            chunk[1] = line.end  # "Căn cứ Quyết định số 12/QĐ-UBND ngày" / "05/3/2025 của …"
            continue
        if chunk is not None and role == "noise":
            chunk[4].append((line.start, line.end))
            continue
        if chunk is not None:
            yield _closed(chunk)
            chunk = None
        context = "body" if line.index in preamble else _CONTEXTS.get(role)
        if context:
            chunk = [line.start, line.end, line.page, context, []]
    if chunk is not None:
        yield _closed(chunk)
    table_lines: set[int] = set()
    for node in nodes:
        if node.row is not None:
            for line in node.row.lines:  # the lines of its printed row, each once (records may share one)
                if line.index not in table_lines:
                    table_lines.add(line.index)
                    yield line.start, line.end, line.page, "table", []
        elif node.etype == "row" and node.last_line is not None:
            yield node.last_line.start, node.last_line.end, node.last_line.page, "table", []
        else:
            yield node.start, node.end, node.page, "table" if node.etype == "row" else "body", []


def _closed(chunk: list) -> tuple:
    start, end, page, context, blanks = chunk
    return start, end, page, context, [(s, e) for s, e in blanks if e <= end]


def _cite(text: str, start: int, end: int, blanks: list[tuple[int, int]]) -> list:
    """Citations in text[start:end], read with line breaks as spaces and stray OCR marks blanked (same length,
    so spans hold); each hit's raw is the text as printed."""
    piece = text[start:end]
    readable = piece.replace("\n", " ")
    for s, e in blanks:
        readable = readable[: s - start] + " " * (e - s) + readable[e - start:]
    hits = find_citations(readable)
    for hit in hits:
        hit.raw = piece[hit.start:hit.end]
    return hits


__all__ = ["extract_document", "build_document"]
