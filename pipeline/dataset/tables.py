"""The dataset's tables: their schemas (as data) and how a `Document` is flattened into rows.

Every table is declared once in `TABLES` — columns with their Arrow type,
nullability and a sentence for researchers — and everything else is derived
from that declaration: the Arrow schema Parquet files are written with, the
committed `schemas/tables/<table>.schema.json` files, the typed empty
"template" files the DuckDB views fall back on, and the check run on every
write (`validate_table`).

Conventions:

* ``doc_id`` is the SHA-256 of the source file's bytes, so the same file
  dropped twice (under any name) is one document.
* ``span_start``/``span_end`` are ``[start, end)`` character offsets into the
  document's normalised text (``document.json`` → ``text``).
* dates are Arrow ``date32``; ``processed_at`` is a UTC timestamp.
* ``*_no`` columns number a document's or an item's facts from 0 in reading
  order; with ``doc_id`` (and ``item_id``) they are the table's key.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from pipeline.errors import PipelineError
from pipeline.model import Agency, Citation, Deadline, Document, Item, ItemKind, Link, Quantity
from pipeline.thresholds import REVIEW_THRESHOLD  # facts below it go to the `review_queue` view

# Bump when a column is added, removed, renamed or retyped. Stored in every
# Parquet file's metadata and in each document's manifest, so a document
# written under an older layout is re-flattened rather than trusted.
SCHEMA_VERSION = "3"

STR, INT, BIG, FLOAT, BOOL, DATE = pa.string(), pa.int32(), pa.int64(), pa.float64(), pa.bool_(), pa.date32()
STRS = pa.list_(pa.string())
TIMESTAMP = pa.timestamp("us", tz="UTC")


class TableSchemaError(PipelineError):
    stage = "dataset"


@dataclass(frozen=True)
class TableSpec:
    description: str
    key: tuple[str, ...]  # columns whose values are unique together
    columns: tuple[tuple[str, pa.DataType, bool, str], ...]  # (name, type, nullable, description)

    @property
    def schema(self) -> pa.Schema:
        return pa.schema([pa.field(name, typ, nullable=nullable) for name, typ, nullable, _ in self.columns])


def _confidence(what: str) -> tuple:
    return (
        ("confidence", FLOAT, False, f"How sure the pipeline is of this {what}, 0-1."),
        ("reasons", STRS, False, "Why the confidence is below 1 (empty when it is 1)."),
    )


_SPAN = (
    ("span_start", BIG, True, "Start offset into the document text (null when not located in the text)."),
    ("span_end", BIG, True, "End offset (exclusive) into the document text."),
)

TABLES: dict[str, TableSpec] = {
    "documents": TableSpec(
        "One row per source document (one per distinct file content).",
        ("doc_id",),
        (
            ("doc_id", STR, False, "SHA-256 of the source file's bytes."),
            ("file_name", STR, False, "The file name the document was extracted from."),
            ("original_names", STRS, False, "Every name this same file has been dropped under."),
            ("format", STR, False, "txt | pdf | docx."),
            ("pages", INT, False, "Number of pages read."),
            ("bytes", BIG, False, "Size of the source file."),
            ("doc_type", STR, True, "Document type slug: quyet_dinh, ke_hoach, cong_van ..."),
            ("doc_type_label", STR, True, "Document type as printed: \"QUYẾT ĐỊNH\"."),
            ("number", STR, True, "Số ký hiệu, spaces removed: \"1519/QĐ-UBND\"."),
            ("number_raw", STR, True, "Số ký hiệu as printed."),
            ("issuer", STR, True, "Issuing body."),
            ("parent_issuer", STR, True, "The body above the issuer in the header, if printed."),
            ("place", STR, True, "Place of issue."),
            ("issued_date", DATE, True, "Date of issue."),
            ("title", STR, True, "Title or subject (trích yếu)."),
            ("recipients", STRS, False, "\"Kính gửi\" recipients."),
            ("signer_name", STR, True, "Name of the signer."),
            ("signer_position", STR, True, "Signer's position: \"KT. CHỦ TỊCH / PHÓ CHỦ TỊCH\"."),
            ("received_office", STR, True, "Office on the receiving stamp (ĐẾN)."),
            ("received_number", STR, True, "Number on the receiving stamp."),
            ("received_date", DATE, True, "Date on the receiving stamp."),
            ("inferred", STRS, False, "Header fields inferred rather than read from the header."),
            ("unread", STRS, False, "Header fields printed but not read (a handwritten number or day) or not found: "
             "number | issued_date; listed in `review_queue` until set or accepted by a correction."),
            ("unread_printed", STRS, False, "For each `unread` field, what was read of it (\"Số: …/BCT-ATMT\"), or \"\"."),
            ("document_schema_version", STR, False, "Version of the document JSON contract."),
            ("pipeline_version", STR, False, "Version of the pipeline that extracted the document."),
            ("processed_at", TIMESTAMP, False, "When the document was written to the dataset (UTC)."),
            ("n_items", INT, False, "Number of rows in `items` for this document (table rows included)."),
            ("n_table_rows", INT, False, "Number of rows in `table_rows` for this document."),
            ("n_citations", INT, False, "Number of rows in `citations` for this document."),
            ("warnings", STRS, False, "Problems met while reading or extracting."),
            ("archive_path", STR, True, "Where the source file was archived, if it was."),
        ),
    ),
    "items": TableSpec(
        "One row per unit of the document body: articles, sections, objectives, tasks, assignments, paragraphs, table rows.",
        ("doc_id", "item_id"),
        (
            ("doc_id", STR, False, "Document (documents.doc_id)."),
            ("item_id", STR, False, "Item id, unique within the document: \"i0001\"."),
            ("parent_id", STR, True, "The enclosing item, null at the top level."),
            ("kind", STR, False, "article | section | objective | task | assignment | paragraph | table_row."),
            ("path", STR, False, "Enumerators from the root joined by \".\": \"II.1.a)\"."),
            ("enumerator", STR, True, "Enumerator as printed: \"1.\", \"a)\", \"Điều 2.\"."),
            ("text", STR, False, "The item's own text, without its enumerator."),
            ("page", INT, False, "Page the item starts on (1-based)."),
            ("page_end", INT, True, "Page the item ends on, when different."),
            *_SPAN,
            ("bbox_x0", FLOAT, True, "PDFs: left of the item's box on its first page, in points."),
            ("bbox_top", FLOAT, True, "PDFs: top of the box (origin top-left)."),
            ("bbox_x1", FLOAT, True, "PDFs: right of the box."),
            ("bbox_bottom", FLOAT, True, "PDFs: bottom of the box."),
            ("deadline_start", DATE, True, "Start of the time bound stated in the item's own text."),
            ("deadline_end", DATE, True, "End of the time bound stated in the item's own text."),
            ("deadline_recurrence", STR, True, "daily | weekly | monthly | quarterly | semiannual | yearly."),
            ("effective_deadline_start", DATE, True, "Start of the stated or inherited time bound."),
            ("effective_deadline_end", DATE, True, "End of the stated or inherited time bound."),
            ("effective_deadline_recurrence", STR, True, "Recurrence of the stated or inherited time bound."),
            ("effective_deadline_inherited_from", STR, True, "heading | table_row | title; null when stated."),
            ("n_quantities", INT, False, "Number of rows in `quantities` for this item."),
            ("n_agencies", INT, False, "Number of rows in `agencies` for this item."),
            *_confidence("item's segmentation"),
            ("table_no", INT, True, "Table rows only: which table of the document."),
            ("review", STR, True, "Maintainer's decision applied from `corrections`: accepted | corrected | rejected (the item is kept, flagged); null when not reviewed."),
        ),
    ),
    "quantities": TableSpec(
        "One row per quantity (count, percentage, amount of money, measure) found in an item.",
        ("doc_id", "item_id", "quantity_no"),
        (
            ("doc_id", STR, False, "Document (documents.doc_id)."),
            ("item_id", STR, False, "Item (items.item_id)."),
            ("quantity_no", INT, False, "Position of the quantity within the item, from 0."),
            ("value", FLOAT, False, "Value after scale words: \"22,6 tỷ đồng\" -> 22600000000."),
            ("value_max", FLOAT, True, "Upper bound of a range (\"từ 3 đến 5\")."),
            ("unit", STR, True, "The counted noun phrase as printed."),
            ("unit_normalized", STR, True, "Registry form of the unit (\"doanh nghiệp\" for \"DN\")."),
            ("kind", STR, False, "count | percent | money | measure | multiplier | other."),
            ("qualifier", STR, True, "ít nhất, không dưới, tối đa, khoảng ..."),
            ("raw", STR, False, "The quantity as printed."),
            *_SPAN,
            *_confidence("quantity"),
            ("review", STR, True, "Maintainer's decision applied from `corrections`: accepted | corrected; null when not reviewed."),
        ),
    ),
    "deadlines": TableSpec(
        "One row per item that has a time bound, stated in its text or inherited from a heading, table row or the title.",
        ("doc_id", "item_id"),
        (
            ("doc_id", STR, False, "Document (documents.doc_id)."),
            ("item_id", STR, False, "Item (items.item_id)."),
            ("stated", BOOL, False, "True when the item's own text states the time bound."),
            ("start", DATE, True, "Start of the period."),
            ("end", DATE, True, "End of the period (the deadline)."),
            ("recurrence", STR, True, "daily | weekly | monthly | quarterly | semiannual | yearly."),
            ("raw", STR, False, "The time expression as printed."),
            ("inherited_from", STR, True, "heading | table_row | title when not stated."),
            *_SPAN,
            *_confidence("deadline"),
            ("review", STR, True, "Maintainer's decision applied from `corrections`: accepted | corrected; null when not reviewed."),
        ),
    ),
    "agencies": TableSpec(
        "One row per body named as responsible for an item.",
        ("doc_id", "item_id", "agency_no"),
        (
            ("doc_id", STR, False, "Document (documents.doc_id)."),
            ("item_id", STR, False, "Item (items.item_id)."),
            ("agency_no", INT, False, "Position of the agency within the item, from 0."),
            ("name", STR, False, "As printed: \"Sở KH&CN\"."),
            ("normalized", STR, False, "Abbreviations expanded: \"Sở Khoa học và Công nghệ\"."),
            ("role", STR, False, "lead (chủ trì) | support (phối hợp) | assignee."),
            ("raw", STR, False, "The phrase the agency was read from."),
            *_SPAN,
            *_confidence("agency"),
            ("inherited", BOOL, False, "Not named in the item: the lead passed down by the heading that addresses it (\"1. Sở Công Thương:\" over its points)."),
            ("inherited_from", STR, True, "Inherited rows: the item (items.item_id) whose text names the agency."),
            ("review", STR, True, "Maintainer's decision applied from `corrections`: accepted | corrected; null when not reviewed."),
        ),
    ),
    "citations": TableSpec(
        "One row per other document cited (all mentions of one document merged).",
        ("doc_id", "citation_no"),
        (
            ("doc_id", STR, False, "Citing document (documents.doc_id)."),
            ("citation_no", INT, False, "Position of the citation in the document, from 0."),
            ("doc_type", STR, True, "Cited document's type slug: quyet_dinh, luat, nghi_dinh ..."),
            ("number", STR, True, "Cited document's số ký hiệu, spaces removed."),
            ("issued_date", DATE, True, "Cited document's date of issue."),
            ("issuer", STR, True, "Cited document's issuer."),
            ("raw", STR, False, "The first mention as printed."),
            ("n_mentions", INT, False, "How many times the document is cited."),
            ("first_page", INT, False, "Page of the first mention."),
            ("first_span_start", BIG, False, "Start offset of the first mention."),
            ("first_span_end", BIG, False, "End offset of the first mention."),
            ("contexts", STRS, False, "Distinct contexts of the mentions: legal_basis | header | body | table."),
            *_confidence("citation"),
        ),
    ),
    "table_rows": TableSpec(
        "One row per table row of the document (also in `items` with kind = table_row), with its cells.",
        ("doc_id", "item_id"),
        (
            ("doc_id", STR, False, "Document (documents.doc_id)."),
            ("item_id", STR, False, "Item (items.item_id)."),
            ("table_no", INT, True, "Which table of the document."),
            ("parent_id", STR, True, "The item the table sits under."),
            ("path", STR, False, "Item path: the printed row number (TT), or the point's code (\"M12\")."),
            ("record", INT, True, "Which repeated column group of the printed row the record is (0 = leftmost) when "
                                  "each printed row holds several (\"Tên điểm | X | Y | Tên điểm | X | Y\"); else null."),
            ("text", STR, False, "The row's content, whole (a content continued over a page break joined)."),
            ("cells_json", STR, False, "JSON object: column header -> cell text (row number and content left out; "
                                       "a header printed twice gets a distinct key, \"Kinh phí [2]\")."),
            ("row_cells_json", STR, False, "JSON array: every cell in column order: column, header (path, top level "
                                           "first), key, text, role (number | content | value), merged, spans."),
            ("page", INT, False, "Page of the row."),
            ("values_json", STR, False, "JSON object: the cells read by column meaning (document.json items[].values; "
                                        "{} when none): target, actual/plan by year, ratio, budget, deadline, lead ..."),
            ("target_value", FLOAT, True, "The \"Chỉ tiêu\" / \"Mục tiêu\" column's first number."),
            ("target_unit", STR, True, "Its unit (normalised), printed or inherited."),
            ("target_year", INT, True, "The year the target is for (\"Chỉ tiêu đến 2020\" -> 2020)."),
            ("plan_year", INT, True, "Year of the latest plan column (\"Kế hoạch 2018\" -> 2018)."),
            ("plan_value", FLOAT, True, "That plan column's first number."),
            ("plan_unit", STR, True, "Its unit (normalised), printed or inherited."),
            ("deadline_start", DATE, True, "Start of the period in the deadline column (\"Thời gian thực hiện\")."),
            ("deadline_end", DATE, True, "End of that period."),
            ("lead", STRS, False, "Agencies in the lead column (\"Đơn vị chủ trì\"), as printed."),
            ("support", STRS, False, "Agencies in the supporting column (\"Đơn vị phối hợp\"), as printed."),
            ("budget_value", FLOAT, True, "The budget column's amount after the header's scale (\"(triệu đồng)\")."),
            ("budget_unit", STR, True, "Its unit: đồng, or as printed."),
        ),
    ),
    "links": TableSpec(
        "One row per table row linked to the narrative item (task, bullet, heading) it measures.",
        ("doc_id", "table_item_id"),
        (
            ("doc_id", STR, False, "Document (documents.doc_id)."),
            ("table_item_id", STR, False, "The table row (items.item_id, kind = table_row)."),
            ("item_id", STR, False, "The narrative item it measures (items.item_id)."),
            ("table_path", STR, False, "The row's path."),
            ("item_path", STR, False, "The narrative item's path."),
            ("text_score", FLOAT, False, "How alike the two texts are, 0-1."),
            ("quantities", STR, False, "agree (a row figure is in the text) | disagree (same unit, other figure) | none."),
            ("disagreement_column", STR, True, "Where the table's differing figure is (a column header)."),
            ("table_value", FLOAT, True, "The table's figure, when they disagree."),
            ("narrative_value", FLOAT, True, "The text's figure, when they disagree."),
            ("unit", STR, True, "Their unit (normalised), when they disagree."),
            *_confidence("link"),
        ),
    ),
    "tokens": TableSpec(
        "One row per word of an item's text: underthesea's word segmentation and part-of-speech tags "
        "(pipeline/tokens.py); a multi-syllable word is one row (\"doanh nghiệp\"), whitespace is no row. "
        "The item Docs themselves are docs/<doc_id>/tokens.spacy (`pipeline.dataset.docs`).",
        ("doc_id", "item_id", "sentence", "position"),
        (
            ("doc_id", STR, False, "Document (documents.doc_id)."),
            ("item_id", STR, False, "Item (items.item_id)."),
            ("sentence", INT, False, "Sentence number within the item, from 0."),
            ("position", INT, False, "Word number within the sentence, from 0."),
            ("token_i", INT, False, "The token's index in the item's spaCy Doc (whitespace tokens counted)."),
            ("text", STR, False, "The word exactly as in the document text (text[span_start:span_end])."),
            ("lower", STR, False, "Lower case, whitespace as one space: \"doanh nghiệp\"."),
            ("folded", STR, False, "Lower case without diacritics, đ as d: \"doanh nghiep\" (as fold())."),
            ("pos", STR, True, "underthesea's POS tag: N noun, Np proper noun, V verb, A adjective, M numeral, "
                               "E preposition, C conjunction, CH punctuation ...; null when it returned no word here."),
            ("span_start", BIG, False, "Start offset into the document text."),
            ("span_end", BIG, False, "End offset (exclusive) into the document text."),
            ("in_fact", BOOL, False, "The word lies inside an extracted fact of the item."),
            ("fact", STR, True, "quantity | deadline | agency | citation (the shortest when facts overlap)."),
            ("fact_no", INT, True, "Its quantity_no, agency_no or citation_no; null for the deadline."),
        ),
    ),
    "corrections": TableSpec(
        "Maintainers' corrections, append-only: one file per correction, never rewritten.",
        ("correction_id",),
        (
            ("correction_id", STR, False, "Unique id of the correction."),
            ("who", STR, False, "Who made the correction."),
            ("at", TIMESTAMP, False, "When (UTC)."),
            ("doc_id", STR, False, "Document corrected."),
            ("item_id", STR, True, "Item corrected; null for document-level fields."),
            ("field", STR, False, "What was corrected, e.g. \"quantities[0].value\" or \"issued_date\"."),
            ("before", STR, True, "Value before, as JSON text."),
            ("after", STR, True, "Value after, as JSON text (null when removed)."),
            ("action", STR, False, "accept | set | reject (also confirm | add | remove)."),
            ("note", STR, True, "Free comment."),
        ),
    ),
    # Written by the store beside a document's rows (pipeline/dataset/corrections.py), not by rows_for_document.
    "correction_status": TableSpec(
        "One row per correction of a document: whether it applies to the document's current rows, and where.",
        ("doc_id", "correction_id"),
        (
            ("doc_id", STR, False, "Document (documents.doc_id)."),
            ("correction_id", STR, False, "The correction (corrections.correction_id)."),
            ("status", STR, False, "applied | unapplied."),
            ("matched_by", STR, True, "id (same item id and fact number) | text (item text and fact as printed); "
                                      "null when unapplied."),
            ("what", STR, False, "item | quantity | deadline | agency | document."),
            ("item_id", STR, True, "Item the correction applies to now (may differ from corrections.item_id)."),
            ("fact_no", INT, True, "quantity_no or agency_no the correction applies to now."),
            ("action", STR, False, "The correction's action."),
            ("raw", STR, True, "The fact as printed (for a rejected fact: what was dropped)."),
            ("detail", STR, True, "What was done, or why the correction no longer applies."),
        ),
    ),
}

# Tables whose rows come from a document (replaced together when the document is rewritten).
# `tokens` is filled by the store from the document's Docs (pipeline/dataset/tokens.py), not by rows_for_document.
DOCUMENT_TABLES = ("documents", "items", "quantities", "deadlines", "agencies", "citations", "table_rows", "links",
                   "tokens")

_PAIR = (
    ("citing_doc_id", STR, False, "The citing document of the pair (documents.doc_id): the report, plan or letter."),
    ("cited_doc_id", STR, False, "The cited document of the pair (documents.doc_id): the plan or decision."),
    ("link_no", INT, False, "Position of the link within the pair, from 0."),
)
_REVIEW = ("review", STR, True, "Maintainer's decision applied from `corrections`: accepted | rejected (the link is "
                                "kept, flagged); null when not reviewed.")

# Links between two documents, stored per pair of documents by pipeline/link/refresh.py (not by rows_for_document):
# recomputed whenever either document of the pair is added or rewritten.
LINK_TABLES: dict[str, TableSpec] = {
    "document_links": TableSpec(
        "One row per pair of documents where one cites the other, with the relation read from the citing text; "
        "a second row 'date_conflict' when the citing text prints another date for the cited document.",
        ("citing_doc_id", "cited_doc_id", "link_no"),
        (
            *_PAIR,
            ("citing_number", STR, True, "The citing document's số ký hiệu."),
            ("cited_number", STR, True, "The cited document's số ký hiệu."),
            ("relation", STR, False, "implements | reports_on | amends | replaces | cites, or date_conflict."),
            ("evidence", STRS, False, "The words the relation was read from, and where (the strongest first)."),
            ("scope_paths", STRS, False, "Paths of the citing document's sections about the cited one (carrying its title)."),
            ("cited_date", DATE, True, "The date the citing text prints for the cited document."),
            ("dataset_date", DATE, True, "The cited document's own date."),
            *_confidence("relation"),
            _REVIEW,
        ),
    ),
    "target_links": TableSpec(
        "One row per target of the cited document (an objective or task with a quantity) and unit of the citing "
        "document reporting on it or assigning it; a target nothing reports on has one row with report_item_id null.",
        ("citing_doc_id", "cited_doc_id", "link_no"),
        (
            *_PAIR,
            ("target_number", STR, True, "The cited document's số ký hiệu."),
            ("target_item_id", STR, False, "The target (items.item_id of the cited document)."),
            ("target_path", STR, False, "The target's path: \"II.2.(4)\"."),
            ("target_kind", STR, False, "objective | task | paragraph | article | assignment | table_row."),
            ("target_text", STR, False, "The target's own text."),
            ("target_figures", STR, False, "The target's quantities as printed, \"; \"-separated."),
            ("target_value", FLOAT, False, "The target's figure the report is about (its first, or the one restated)."),
            ("target_unit", STR, True, "Its unit (normalised); \"%\" for a percentage."),
            ("target_deadline_start", DATE, True, "Start of the target's effective time bound."),
            ("target_deadline_end", DATE, True, "End of it: stated, inherited, or the period of the document's title."),
            ("target_recurrence", STR, True, "yearly … when the target recurs (\"Hàng năm\")."),
            ("target_deadline_from", STR, True, "item | heading | table_row | title | document period."),
            ("report_number", STR, True, "The citing document's số ký hiệu."),
            ("report_item_id", STR, True, "The reporting or assigning unit (items.item_id of the citing document); "
                                          "null when nothing reports on the target."),
            ("report_path", STR, True, "Its path."),
            ("report_kind", STR, True, "table_row | task | paragraph …"),
            ("report_text", STR, True, "Its own text."),
            ("report_page", INT, True, "Its page."),
            ("relation", STR, True, "reports_on | assigns | implements | refers_to; null when nothing reports on the target."),
            ("agency", STR, True, "Who the citing document gives the work to (the unit's lead or assignee, or its heading's)."),
            ("deadline_end", DATE, True, "The deadline that applies: the one the citing document gives the unit (stated "
                                         "or inherited) when it assigns the target; for a report, one the row or "
                                         "paragraph states itself, else the target's own."),
            ("values_json", STR, False, "JSON: {\"target\", \"actual\": {year: n}, \"plan\": {year: n}, \"ratio\", "
                                        "\"units\", \"raw\"} — numbers where the cell gives one, else the text."),
            ("actual_year", INT, True, "The latest year with an actual figure."),
            ("actual_value", FLOAT, True, "That figure."),
            ("plan_year", INT, True, "The latest plan year."),
            ("plan_value", FLOAT, True, "That year's planned figure."),
            ("progress", FLOAT, True, "actual / target (0.25 for 25 %) where the units allow it; null otherwise."),
            ("progress_year", INT, True, "The year the progress is for."),
            ("progress_reason", STR, False, "How the progress was computed, or why it was not."),
            ("text_score", FLOAT, False, "How alike the target's and the unit's texts are, 0-1."),
            *_confidence("link"),
            _REVIEW,
        ),
    ),
    "link_correction_status": TableSpec(
        "One row per maintainer's decision on a link (corrections.field = target_link | document_link) and pair: "
        "whether it applies to the current links.",
        ("correction_id", "citing_doc_id", "cited_doc_id"),
        (
            ("doc_id", STR, False, "Document the correction was recorded on (the citing document)."),
            ("correction_id", STR, False, "The correction (corrections.correction_id)."),
            ("citing_doc_id", STR, False, "The pair's citing document."),
            ("cited_doc_id", STR, False, "The pair's cited document."),
            ("status", STR, False, "applied | unapplied."),
            ("matched_by", STR, True, "id | text; null when unapplied."),
            ("what", STR, False, "target_link | document_link."),
            ("link_no", INT, True, "The link it applies to now."),
            ("action", STR, False, "accept | reject."),
            ("detail", STR, True, "What was done, or why it no longer applies."),
        ),
    ),
}
TABLES.update(LINK_TABLES)

# Views that are not stored: described here so the schema files cover every name researchers query.
VIEWS: dict[str, TableSpec] = {
    "review_queue": TableSpec(
        f"Facts with confidence below {REVIEW_THRESHOLD}, least confident first: items, quantities, stated "
        "deadlines, agencies, citations (inherited deadlines are reviewed where they are stated) and links between "
        "documents not yet decided on.",
        ("doc_id", "what", "item_id", "fact_no"),
        (
            ("doc_id", STR, False, "Document (documents.doc_id)."),
            ("item_id", STR, True, "Item; null for citations, header fields and document links (a target link: the reporting unit)."),
            ("what", STR, False, "item | quantity | deadline | agency | citation | target_link | document_link | number | "
             "issued_date (a header field the pipeline could not read: set it with a correction on the document)."),
            ("fact_no", INT, True, "quantity_no, agency_no, citation_no or a link's link_no; null for items and deadlines."),
            ("value", STR, True, "What to look at: the item text or the fact as printed."),
            ("page", INT, True, "Page to look at."),
            *_confidence("fact"),
        ),
    ),
    "citation_checks": TableSpec(
        "Each citation of a document that is itself in the dataset, with both dates: the date the citing "
        "text prints and the date the cited document carries. 'disagree' rows are for a maintainer to check.",
        ("doc_id", "citation_no"),
        (
            ("doc_id", STR, False, "The citing document."),
            ("citation_no", INT, False, "Its citation (citations.citation_no)."),
            ("number", STR, True, "The cited số ký hiệu as printed."),
            ("cited_date", DATE, True, "The date the citing text gives."),
            ("cited_doc_id", STR, False, "The cited document (documents.doc_id)."),
            ("dataset_date", DATE, True, "The cited document's own date."),
            ("status", STR, False, "agree | disagree | unknown (a date is missing)."),
        ),
    ),
    "corrections_unapplied": TableSpec(
        "Corrections that do not apply to the current rows (the fact is no longer extracted, the document is "
        "gone, the value is invalid): kept and listed here until a maintainer decides again.",
        ("correction_id",),
        (
            ("correction_id", STR, False, "Unique id of the correction."),
            ("who", STR, False, "Who made the correction."),
            ("at", TIMESTAMP, False, "When (UTC)."),
            ("doc_id", STR, False, "Document corrected."),
            ("item_id", STR, True, "Item corrected."),
            ("field", STR, False, "What was corrected."),
            ("before", STR, True, "Value before, as JSON text."),
            ("after", STR, True, "Value after, as JSON text."),
            ("action", STR, False, "The correction's action."),
            ("note", STR, True, "Free comment."),
            ("reason", STR, False, "Why it does not apply."),
        ),
    ),
}


# --------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------
def arrow_schema(name: str) -> pa.Schema:
    spec = TABLES[name]
    return spec.schema.with_metadata({"decree.table": name, "decree.schema_version": SCHEMA_VERSION})


def validate_table(name: str, table: pa.Table) -> None:
    """Refuse a table whose columns, types, nulls or key don't match `TABLES[name]`."""
    if name not in TABLES:
        raise TableSchemaError(f"unknown table {name!r}; known: {', '.join(TABLES)}")
    spec = TABLES[name]
    want = [(c, t) for c, t, _, _ in spec.columns]
    got = [(f.name, f.type) for f in table.schema]
    if [c for c, _ in got] != [c for c, _ in want]:
        missing = [c for c, _ in want if c not in table.column_names]
        extra = [c for c in table.column_names if c not in dict(want)]
        raise TableSchemaError(
            f"table {name!r} does not match its schema: missing columns {missing}, unexpected columns {extra}"
            + ("" if missing or extra else " (columns out of order)")
        )
    for (column, want_type), (_, got_type) in zip(want, got):
        if want_type != got_type:
            raise TableSchemaError(f"table {name!r} column {column!r} is {got_type}, the schema says {want_type}")
    for column, _, nullable, _ in spec.columns:
        if not nullable and table.column(column).null_count:
            raise TableSchemaError(f"table {name!r} column {column!r} has nulls but is not nullable")
    if table.num_rows > 1:
        keys = table.group_by(list(spec.key)).aggregate([([], "count_all")])
        if keys.num_rows != table.num_rows:
            raise TableSchemaError(f"table {name!r} has duplicate keys on {spec.key}")


def to_table(name: str, rows: list[dict[str, Any]]) -> pa.Table:
    """Rows (dicts) -> an Arrow table in the schema's column order, validated."""
    schema = arrow_schema(name)
    columns = {field.name: [row[field.name] for row in rows] for field in schema}
    unknown = {key for row in rows for key in row} - set(schema.names)
    if unknown:
        raise TableSchemaError(f"table {name!r}: rows have columns not in the schema: {sorted(unknown)}")
    table = pa.Table.from_pydict(columns, schema=schema)
    validate_table(name, table)
    return table


# --------------------------------------------------------------------------
# Schema files
# --------------------------------------------------------------------------
def _json_type(typ: pa.DataType) -> dict:
    if pa.types.is_list(typ):
        return {"type": "array", "items": _json_type(typ.value_type)}
    if pa.types.is_string(typ):
        return {"type": "string"}
    if pa.types.is_integer(typ):
        return {"type": "integer"}
    if pa.types.is_floating(typ):
        return {"type": "number"}
    if pa.types.is_boolean(typ):
        return {"type": "boolean"}
    if pa.types.is_date(typ):
        return {"type": "string", "format": "date"}
    if pa.types.is_timestamp(typ):
        return {"type": "string", "format": "date-time"}
    raise TypeError(f"no JSON type for {typ}")


def table_schema_json(name: str) -> dict:
    """A JSON Schema for one row of `name`, with the Arrow type of each column (`x-arrow-type`)."""
    spec = TABLES.get(name) or VIEWS[name]
    properties = {}
    for column, typ, nullable, description in spec.columns:
        prop = _json_type(typ)
        if nullable:
            prop["type"] = [prop["type"], "null"]
        properties[column] = {**prop, "description": description, "x-arrow-type": str(typ), "x-nullable": nullable}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://decree-pipeline/schemas/tables/{name}.schema.json",
        "title": name,
        "description": spec.description,
        "x-kind": "view" if name in VIEWS else "table",
        "x-key": list(spec.key),
        "x-schema-version": SCHEMA_VERSION,
        "type": "object",
        "properties": properties,
        "required": [c for c, *_ in spec.columns],
        "additionalProperties": False,
    }


def schema_files() -> dict[str, str]:
    """File name -> text of every table's schema file."""
    return {
        f"{name}.schema.json": json.dumps(table_schema_json(name), ensure_ascii=False, indent=2) + "\n"
        for name in [*TABLES, *VIEWS]
    }


def write_table_schemas(folder: str | Path) -> list[Path]:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for file_name, text in schema_files().items():
        path = folder / file_name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


# --------------------------------------------------------------------------
# Flattening a Document
# --------------------------------------------------------------------------
def _date(value: str | None) -> dt.date | None:
    # The model promises ISO dates; a partial or odd value is kept out of the
    # date column rather than failing the whole document (`raw` keeps the text).
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _timestamp(value: str | dt.datetime) -> dt.datetime:
    stamp = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return stamp.replace(tzinfo=dt.timezone.utc) if stamp.tzinfo is None else stamp.astimezone(dt.timezone.utc)


def _span(span: tuple[int, int] | None, prefix: str = "span") -> dict:
    return {f"{prefix}_start": span[0] if span else None, f"{prefix}_end": span[1] if span else None}


def _document_row(doc: Document, archived_as: str | None, original_names: list[str], processed_at: str) -> dict:
    info, source = doc.document, doc.document.source
    names = list(dict.fromkeys([*original_names, source.file_name]))  # keep order, drop repeats
    return {
        "doc_id": source.sha256, "file_name": source.file_name, "original_names": names, "format": source.format,
        "pages": source.pages, "bytes": source.bytes, "doc_type": info.doc_type, "doc_type_label": info.doc_type_label,
        "number": info.number, "number_raw": info.number_raw, "issuer": info.issuer, "parent_issuer": info.parent_issuer,
        "place": info.place, "issued_date": _date(info.issued_date), "title": info.title,
        "recipients": list(info.recipients),
        "signer_name": info.signer.name if info.signer else None,
        "signer_position": info.signer.position if info.signer else None,
        "received_office": info.received.office if info.received else None,
        "received_number": info.received.number if info.received else None,
        "received_date": _date(info.received.date) if info.received else None,
        "inferred": list(info.inferred), "unread": [u.field for u in info.unread],
        "unread_printed": [u.printed or "" for u in info.unread], "document_schema_version": doc.schema_version,
        "pipeline_version": doc.pipeline_version, "processed_at": _timestamp(processed_at),
        "n_items": len(doc.items), "n_table_rows": sum(1 for i in doc.items if i.kind == ItemKind.table_row),
        "n_citations": len(doc.citations), "warnings": list(doc.warnings), "archive_path": archived_as,
    }


def _deadline_columns(deadline: Deadline | None, prefix: str) -> dict:
    return {
        f"{prefix}_start": _date(deadline.start) if deadline else None,
        f"{prefix}_end": _date(deadline.end) if deadline else None,
        f"{prefix}_recurrence": deadline.recurrence if deadline else None,
    }


def _item_row(doc_id: str, item: Item) -> dict:
    bbox = item.bbox or (None, None, None, None)
    effective = item.effective_deadline or item.deadline
    return {
        "doc_id": doc_id, "item_id": item.id, "parent_id": item.parent, "kind": item.kind.value, "path": item.path,
        "enumerator": item.enumerator, "text": item.text, "page": item.page, "page_end": item.page_end,
        **_span(item.span),
        "bbox_x0": bbox[0], "bbox_top": bbox[1], "bbox_x1": bbox[2], "bbox_bottom": bbox[3],
        **_deadline_columns(item.deadline, "deadline"),
        **_deadline_columns(effective, "effective_deadline"),
        "effective_deadline_inherited_from": effective.inherited_from if effective else None,
        "n_quantities": len(item.quantities), "n_agencies": len(item.agencies),
        "confidence": item.confidence, "reasons": list(item.reasons), "table_no": item.table, "review": None,
    }


def _quantity_row(doc_id: str, item: Item, n: int, q: Quantity) -> dict:
    return {
        "doc_id": doc_id, "item_id": item.id, "quantity_no": n, "value": q.value, "value_max": q.value_max,
        "unit": q.unit, "unit_normalized": q.unit_normalized, "kind": q.kind, "qualifier": q.qualifier, "raw": q.raw,
        **_span(q.span), "confidence": q.confidence, "reasons": list(q.reasons), "review": None,
    }


def _deadline_row(doc_id: str, item: Item) -> dict | None:
    deadline = item.effective_deadline or item.deadline
    if deadline is None:
        return None
    return {
        "doc_id": doc_id, "item_id": item.id, "stated": item.deadline is not None and deadline.inherited_from is None,
        "start": _date(deadline.start), "end": _date(deadline.end), "recurrence": deadline.recurrence,
        "raw": deadline.raw, "inherited_from": deadline.inherited_from, **_span(deadline.span),
        "confidence": deadline.confidence, "reasons": list(deadline.reasons), "review": None,
    }


def _agency_row(doc_id: str, item: Item, n: int, a: Agency) -> dict:
    return {
        "doc_id": doc_id, "item_id": item.id, "agency_no": n, "name": a.name, "normalized": a.normalized,
        "role": a.role, "raw": a.raw, **_span(a.span), "confidence": a.confidence, "reasons": list(a.reasons),
        "inherited": a.inherited, "inherited_from": a.inherited_from, "review": None,
    }


def _citation_row(doc_id: str, n: int, c: Citation) -> dict:
    first = min(c.mentions, key=lambda m: m.span[0]) if c.mentions else None
    return {
        "doc_id": doc_id, "citation_no": n, "doc_type": c.doc_type, "number": c.number,
        "issued_date": _date(c.issued_date), "issuer": c.issuer, "raw": c.raw, "n_mentions": len(c.mentions),
        "first_page": first.page if first else 0, **_span(first.span if first else (0, 0), "first_span"),
        "contexts": list(dict.fromkeys(m.context for m in c.mentions)),
        "confidence": c.confidence, "reasons": list(c.reasons),
    }


def _table_row_row(doc_id: str, item: Item) -> dict:
    values = item.values
    target = values.target if values else None
    plan_year, plan = None, None
    if values and values.plan:
        plan = max(values.plan.values(), key=lambda v: v.year or 0)
        plan_year = plan.year
    deadline = values.deadline if values else None
    budget = values.budget if values else None
    return {
        "doc_id": doc_id, "item_id": item.id, "table_no": item.table, "parent_id": item.parent, "path": item.path,
        "record": item.record, "text": next((c.text for c in item.row_cells or () if c.role == "content"), item.text),
        "cells_json": json.dumps(item.cells or {}, ensure_ascii=False),
        "row_cells_json": json.dumps([c.model_dump(mode="json") for c in item.row_cells or ()], ensure_ascii=False),
        "page": item.page,
        "values_json": json.dumps(values.model_dump(mode="json", exclude_defaults=True) if values else {},
                                  ensure_ascii=False),
        "target_value": target.value if target else None, "target_unit": target.unit_normalized if target else None,
        "target_year": target.year if target else None,
        "plan_year": plan_year, "plan_value": plan.value if plan else None,
        "plan_unit": plan.unit_normalized if plan else None,
        "deadline_start": _date(deadline.start) if deadline else None,
        "deadline_end": _date(deadline.end) if deadline else None,
        "lead": list(values.lead) if values else [], "support": list(values.support) if values else [],
        "budget_value": budget.value if budget else None, "budget_unit": budget.unit if budget else None,
    }


def _link_row(doc_id: str, link: Link, paths: dict[str, str]) -> dict:
    d = link.disagreement
    return {
        "doc_id": doc_id, "table_item_id": link.table_row, "item_id": link.item,
        "table_path": paths.get(link.table_row, ""), "item_path": paths.get(link.item, ""),
        "text_score": link.text_score, "quantities": link.quantities,
        "disagreement_column": d.column if d else None, "table_value": d.table_value if d else None,
        "narrative_value": d.narrative_value if d else None, "unit": d.unit if d else None,
        "confidence": link.confidence, "reasons": list(link.reasons),
    }


def rows_for_document(
    doc: Document, *, archived_as: str | None = None, original_names: list[str] = (), processed_at: str | dt.datetime,
) -> dict[str, pa.Table]:
    """Flatten `doc` into one validated Arrow table per entry of `DOCUMENT_TABLES` (`tokens` empty:
    the store fills it from the document's Docs, `pipeline.dataset.tokens.token_table`)."""
    doc_id = doc.document.source.sha256
    rows: dict[str, list[dict]] = {name: [] for name in DOCUMENT_TABLES}
    rows["documents"].append(_document_row(doc, archived_as, list(original_names), processed_at))
    for item in doc.items:
        rows["items"].append(_item_row(doc_id, item))
        rows["quantities"].extend(_quantity_row(doc_id, item, n, q) for n, q in enumerate(item.quantities))
        deadline = _deadline_row(doc_id, item)
        if deadline is not None:
            rows["deadlines"].append(deadline)
        rows["agencies"].extend(_agency_row(doc_id, item, n, a) for n, a in enumerate(item.agencies))
        if item.kind == ItemKind.table_row:
            rows["table_rows"].append(_table_row_row(doc_id, item))
    rows["citations"] = [_citation_row(doc_id, n, c) for n, c in enumerate(doc.citations)]
    paths = {item.id: item.path for item in doc.items}
    rows["links"] = [_link_row(doc_id, link, paths) for link in doc.links]
    return {name: to_table(name, table_rows) for name, table_rows in rows.items()}
