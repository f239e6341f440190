"""What the linking stage produces: plain dataclasses, flattened into the dataset's link tables.

A *pair* is two documents of the dataset where the *citing* one (usually the
later: a report, a yearly plan, an implementing letter, an amendment) cites the
*cited* one (the plan or decision that set the targets). For each pair there is
one `DocumentLink` (the relation, with its evidence), possibly a second one for
a date the citing text prints differently from the cited document's own, and
one `TargetLink` per (target of the cited document, unit of the citing document
reporting on it or assigning it) — plus one with no report unit for each
target nothing reports on.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Document relations, strongest first: the first whose evidence is found names the pair.
DOCUMENT_RELATIONS = ("amends", "replaces", "reports_on", "implements", "cites")
# What a unit of the citing document does with a target.
TARGET_RELATIONS = ("reports_on", "assigns", "implements", "refers_to")


@dataclass
class DocumentLink:
    citing_doc_id: str
    cited_doc_id: str
    citing_number: str | None
    cited_number: str | None
    relation: str  # one of DOCUMENT_RELATIONS, or "date_conflict"
    evidence: list[str] = field(default_factory=list)  # the words (and where) the relation was read from
    confidence: float = 1.0
    reasons: list[str] = field(default_factory=list)
    scope: list[str] = field(default_factory=list)  # item ids of the citing document's sections about the cited one
    cited_date: str | None = None  # the date the citing text prints for the cited document
    dataset_date: str | None = None  # the cited document's own date


@dataclass
class Target:
    """A unit of the cited document that sets a target: an objective or task with a quantity."""

    item_id: str
    path: str
    kind: str
    text: str
    quantities: list[Any]  # pipeline.model.Quantity: the figures the unit sets
    deadline_start: str | None = None
    deadline_end: str | None = None
    recurrence: str | None = None
    deadline_from: str | None = None  # item | heading | title | document period


@dataclass
class TargetLink:
    target: Target
    report_item_id: str | None = None  # None: nothing in the citing document reports on the target
    report_path: str | None = None
    report_text: str | None = None
    report_kind: str | None = None
    report_page: int | None = None
    relation: str | None = None  # one of TARGET_RELATIONS; None for "no report"
    agency: str | None = None  # who the citing document gives the work to
    deadline_end: str | None = None  # what the citing document gives the unit when it assigns; for a report, one
    # the unit states itself, else the target's own
    values: dict[str, Any] = field(default_factory=dict)  # target, actual {year: n}, plan {year: n}, ratio, units, raw
    progress: float | None = None  # actual / target, 0.25 for 25 %
    progress_year: int | None = None
    progress_reason: str = ""  # how progress was computed, or why it was not
    text_score: float = 0.0
    confidence: float = 0.0
    reasons: list[str] = field(default_factory=list)


@dataclass
class PairLinks:
    document_links: list[DocumentLink]
    target_links: list[TargetLink]


__all__ = ["DOCUMENT_RELATIONS", "TARGET_RELATIONS", "DocumentLink", "PairLinks", "Target", "TargetLink"]
