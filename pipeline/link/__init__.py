"""Linking documents: which later document reports on, assigns, amends or replaces which target.

    documents.py  the relation of a citing document to a cited one, with its evidence and
                  the sections of the citing document about the cited one (the scope)
    targets.py    the targets of the cited document, each linked to the units of the
                  citing document that report on it or assign it (or to none)
    values.py     a report unit's figures by year (actual, plan, ratio) and the progress
    refresh.py    the dataset side: pairs of stored documents, recomputed when either
                  changes, written to the `document_links` and `target_links` tables
    report.py     the links as researchers read them (`decree targets`), and the chart (chart.py)

Everything but refresh.py is a plain function over `Document`s: `link_pair(citing, cited)`.
"""
from __future__ import annotations

from pipeline.link.documents import relate
from pipeline.link.model import DocumentLink, PairLinks, Target, TargetLink
from pipeline.link.targets import link_targets, targets_of
from pipeline.model import Citation, Document


def link_pair(citing: Document, cited: Document, citation: Citation | None = None) -> PairLinks:
    """The document links and target links between `citing` and the document it cites, `cited`.

    `citation` is the citing document's citation of `cited` (found by number when not given)."""
    if citation is None:
        from pipeline.extract.citations import number_key

        key = number_key(cited.document.number)
        citation = next((c for c in citing.citations if key and number_key(c.number) == key), None)
    document_links = relate(citing, cited, citation)
    return PairLinks(document_links, link_targets(citing, cited, document_links[0]))


__all__ = ["DocumentLink", "PairLinks", "Target", "TargetLink", "link_pair", "link_targets", "relate", "targets_of"]
