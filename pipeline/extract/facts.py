"""An item's facts as spaCy spans: `doc.spans["facts"]` over the item's Doc.

The extractors match on characters (regex over the raw text is steadier than
underthesea's word boundaries, which glue "Khoa học và" together); the Doc's
tokens are cut at the facts' edges (`fact_edges`, passed to `pipeline.nlp.tokenize`),
so every fact becomes a span of exactly its characters here and spaCy's span tools
work on it. Each span carries its label (QUANTITY, DEADLINE, AGENCY, CITATION), the
fact itself in `span._.fact`, its number in the item in `span._.fact_no` (the
`quantity_no` / `agency_no` / `citation_no` of the dataset) and where it came from
in `span._.source` (document offsets). `pipeline.tokens.item_doc` makes the Doc.

`render_html` draws them as displaCy's entity view (escaped by displaCy) for the
review site. Nothing here needs underthesea.
"""
from __future__ import annotations

import bisect
from typing import Iterable, Iterator

from spacy import displacy
from spacy.tokens import Doc, Span

from pipeline.model import Citation, Item
from pipeline.tokens import LABELS, register_extensions, set_fact

register_extensions()

COLORS = {"QUANTITY": "#7aecec", "DEADLINE": "#feca74", "AGENCY": "#aa9cfc", "CITATION": "#c887fb"}


def _facts(item: Item, citations: Iterable[Citation]) -> Iterator[tuple[str, int | None, object, tuple[int, int]]]:
    """(label, number, fact, document span) of every fact located inside the item's span."""
    start, end = item.span
    for n, quantity in enumerate(item.quantities):
        yield LABELS["quantity"], n, quantity, tuple(quantity.span)
    if item.deadline is not None and item.deadline.span is not None:
        yield LABELS["deadline"], None, item.deadline, tuple(item.deadline.span)
    for n, agency in enumerate(item.agencies):
        if agency.span is not None:
            yield LABELS["agency"], n, agency, tuple(agency.span)
    for n, citation in enumerate(citations):
        for mention in citation.mentions:
            if start <= mention.span[0] and mention.span[1] <= end:
                yield LABELS["citation"], n, citation, tuple(mention.span)


def fact_edges(item: Item, citations: Iterable[Citation] = ()) -> set[int]:
    """Where the item's facts start and end, as offsets into the item's text (token boundaries)."""
    offset = item.span[0]
    return {edge - offset for _, _, _, span in _facts(item, citations) for edge in span}


def add_facts(doc: Doc, item: Item, citations: Iterable[Citation] = ()) -> Doc:
    """Set `doc.spans["facts"]` to the item's facts (doc is the Doc of `Document.text[item.span]`)."""
    register_extensions()
    offset, length = item.span[0], item.span[1] - item.span[0]  # (doc.text would join every token)
    spans: list[Span] = []
    seen: set[tuple[str, int, int]] = set()
    starts: list[int] | None = None  # token offsets, made when the item has a fact
    for label, no, fact, (start, end) in _facts(item, citations):
        start, end = max(start - offset, 0), min(end - offset, length)
        if start >= end:
            continue
        if starts is None:
            starts = [int(i) for i in doc.to_array("IDX")]
        # The tokens covering [start, end) (whole tokens: a fact edge inside one takes all of it).
        first = max(bisect.bisect_right(starts, start) - 1, 0)
        last = bisect.bisect_left(starts, end)
        while first < last and doc[first].is_space:
            first += 1
        while last > first and doc[last - 1].is_space:
            last -= 1
        if first >= last:
            continue
        span = Span(doc, first, last, label=label)
        key = (label, span.start_char, span.end_char)
        if key in seen:  # the same words twice (a citation mentioned twice at one place cannot be)
            continue
        seen.add(key)
        set_fact(span, fact, no, (offset + start, offset + end))
        spans.append(span)
    doc.spans["facts"] = spans
    return doc


def render_html(doc: Doc) -> str:
    """displaCy's entity view of the facts over the exact text (escaped by displaCy).

    The entity view keeps the text's own spacing; overlapping facts keep the longer one.
    """
    ents, last_end = [], -1
    for span in sorted(doc.spans.get("facts", []), key=lambda s: (s.start_char, -s.end_char)):
        if span.start_char >= last_end:
            ents.append({"start": span.start_char, "end": span.end_char, "label": span.label_})
            last_end = span.end_char
    return displacy.render({"text": doc.text, "ents": ents, "title": None}, style="ent", manual=True,
                           options={"colors": COLORS}, page=False)
