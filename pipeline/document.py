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
from pipeline.extract.agencies import extract_agencies, extract_agencies_from_cells
from pipeline.extract.citations import find_citations, merge_citations, number_key
from pipeline.extract.dates import find_date, match_form
from pipeline.extract.consistency import check_announced_counts
from pipeline.extract.deadlines import extract_deadline
from pipeline.extract.links import link_table_rows  # table rows -> narrative items (issue 5)
from pipeline.extract.quantities import extract_quantities
from pipeline.extract.table_values import row_values  # table cells by column meaning (issue 5)
from pipeline.model import (
    Deadline,
    Document,
    DocumentInfo,
    Item,
    PageInfo,
    Quantity,
    RawDocument,
    Received,
    Signer,
    Source,
)
from pipeline.read import read_file
from pipeline.segment import header as hdr
from pipeline.segment.layout import Layout, walk
from pipeline.lexicon import DOC_TYPE_BY_SLUG, doc_type_from_number
from pipeline.segment.patterns import SIGNED_MARK_RE, SUBJECT_RE, is_basis
from pipeline.segment.tables import mark_text_tables
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
    layout = walk(doc.lines)
    nodes, preamble = build_tree(doc.lines, layout, doc.text)
    info = _document_info(doc, layout, source)
    issued = dt.date.fromisoformat(info.issued_date) if info.issued_date else None
    items = [_item(node, doc, issued) for node in nodes]
    links = link_table_rows(items)  # issue 5: table rows -> the narrative items they measure
    _inherit_deadlines(items, info, links)
    check_announced_counts(items)
    citations = merge_citations(_citation_hits(doc, layout, nodes, preamble), own_number=info.number)
    pages = [
        PageInfo(number=p.number, span=doc.page_spans.get(p.number, (0, 0)), source=p.source, quality=p.quality,
                 width=p.width, height=p.height)
        for p in raw.pages
    ]
    warnings = list(raw.warnings)
    if not items:
        warnings.append("no body items found")
    for field_name in ("doc_type", "number", "issued_date"):
        if getattr(info, field_name) is None:
            warnings.append(f"{field_name} not found")
    return Document(
        pipeline_version=PIPELINE_VERSION, document=info, items=items, citations=citations, pages=pages,
        text=doc.text, original_text=doc.original_text, links=links, warnings=warnings,
    )


# --------------------------------------------------------------------------
# Header
# --------------------------------------------------------------------------
def _document_info(doc: Assembled, layout: Layout, source: Source) -> DocumentInfo:
    inferred: list[str] = []
    bodies = hdr.issuer_bodies(layout.issuer_texts)
    issuer = bodies[-1] if bodies else None
    parent_issuer = bodies[-2] if len(bodies) > 1 else None
    if issuer is None and layout.authority_line is not None:
        issuer = hdr.authority_body(layout.authority_line.text)
    number, number_raw = layout.number if layout.number else (None, None)
    doc_type = _doc_type(layout, number or number_raw)
    doc_type_label = layout.doc_type_line.text[: layout.title_prefix or None].strip() if layout.doc_type_line else None
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
            if number is None:
                number, number_raw = hit.number, hit.raw
                inferred.append("number")
                doc_type = doc_type or hit.doc_type
            if issued_date is None and hit.issued_date and number_key(hit.number) == number_key(number):
                issued_date = hit.issued_date
                inferred.append("issued_date")
            break
    if issued_date is None and doc_type in _PASSED_TYPES:
        issued_date = _passing_date(doc.text)
        if issued_date:
            inferred.append("issued_date")
    if issued_date is None and doc_type == "bien_ban":
        issued_date = _record_date(doc, layout)
        if issued_date:
            inferred.append("issued_date")
    title = None
    if layout.title_lines:
        first, *rest = layout.title_lines
        title = " ".join([first.text[layout.title_prefix:].strip()] + [line.text.strip() for line in rest])
    elif layout.subject_lines:
        title = SUBJECT_RE.sub("", " ".join(text.strip() for text in layout.subject_texts))
    return DocumentInfo(
        doc_type=doc_type, doc_type_label=doc_type_label or (DOC_TYPE_BY_SLUG[doc_type].label if doc_type in DOC_TYPE_BY_SLUG else None),
        number=number, number_raw=number_raw, issuer=issuer, parent_issuer=parent_issuer, place=layout.place,
        issued_date=issued_date, title=title, recipients=layout.recipients, signer=_signer(layout),
        received=_received(layout), inferred=inferred, source=source,
    )


def _doc_type(layout: Layout, number: str | None) -> str | None:
    """The document's type: from its heading; where the heading is missing or damaged, from the type word of its
    number line ("Luật số: …"), the code in its symbol ("NQ" in "66.4/2025/NQ-CP"), its enacting formula or
    sentence ("QUYẾT NGHỊ:", "Quốc hội ban hành Luật …"); an official letter is known by its "V/v" line."""
    heading = layout.doc_type.slug if layout.doc_type else None
    if heading and layout.doc_type_exact:
        return heading
    return (layout.number_type or (doc_type_from_number(number) if number else None) or heading or layout.enacted_type
            or ("cong_van" if layout.subject_lines else None))


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
def _item(node: Node, doc: Assembled, issued: dt.date | None) -> Item:
    text = doc.text[node.start:node.end].replace("\n", " ")
    quantities, deadline = _extract_facts(text, node.start, issued)
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
        cells=node.cells if node.etype == "row" else None, table=node.table,
        values=row_values(node.cells, text, issued) if node.etype == "row" else None,  # issue 5
    )


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


def _extract_facts(text: str, offset: int, issued: dt.date | None) -> tuple[list[Quantity], Deadline | None]:
    quantities = []
    for q in extract_quantities(text):
        q.span = (q.span[0] + offset, q.span[1] + offset)
        quantities.append(q)
    deadline = extract_deadline(text, issued)
    if deadline is not None and deadline.span is not None:
        deadline.span = (deadline.span[0] + offset, deadline.span[1] + offset)
    return quantities, deadline


def _inherit_deadlines(items: list[Item], info: DocumentInfo, links: list) -> None:
    """An item's effective deadline: the one it states; else, for a table row, its deadline column;
    else the deadline of the table row that measures it; else its heading's; else the title's."""
    title_deadline = extract_deadline(info.title or "") if info.title else None
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
    for node in nodes:
        if node.etype == "row" and node.last_line is not None:
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
