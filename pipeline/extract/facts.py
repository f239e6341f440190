"""An item's facts as spaCy spans: a Doc per item with `doc.spans["facts"]`.

The extractors match on characters (regex over the raw text is steadier than
underthesea's word boundaries, which glue "Khoa học và" together), then every fact
is mapped onto the item's tokens here, so spaCy's span tools work on it: each span
carries its label (QUANTITY, UNIT, DEADLINE, AGENCY, CITATION), the fact itself in
`span._.fact` and where it came from in `span._.source` (document offsets).
`render_html` draws them displaCy-style (the entity view) for the review app.
"""
from __future__ import annotations

from spacy import displacy
from spacy.tokens import Doc, Span

from pipeline.model import Item
from pipeline.nlp import span_for_chars, tokenize

if not Span.has_extension("fact"):
    Span.set_extension("fact", default=None)
if not Span.has_extension("source"):
    Span.set_extension("source", default=None)

COLORS = {"QUANTITY": "#7aecec", "UNIT": "#bfeeb7", "DEADLINE": "#feca74", "AGENCY": "#aa9cfc", "CITATION": "#c887fb"}


def item_doc(item: Item) -> Doc:
    """The item's text as a Doc whose `spans["facts"]` are its quantities, units, deadline and agencies."""
    doc = tokenize(item.text, source_offset=item.span[0])
    offset = item.span[0]
    spans: list[Span] = []

    def add(start: int, end: int, label: str, fact) -> None:
        span = span_for_chars(doc, start - offset, end - offset)
        if span is None or len(span) == 0:
            return
        span = Span(doc, span.start, span.end, label=label)
        span._.fact = fact
        span._.source = (start, end)
        spans.append(span)

    for quantity in item.quantities:
        add(*quantity.span, "QUANTITY", quantity)
        if quantity.unit:
            raw_start = quantity.span[0]
            at = item.text.find(quantity.unit, raw_start - offset)
            if at >= 0 and raw_start - offset <= at <= quantity.span[1] - offset:
                add(offset + at, offset + at + len(quantity.unit), "UNIT", quantity.unit_normalized or quantity.unit)
    if item.deadline is not None and item.deadline.span is not None:
        add(*item.deadline.span, "DEADLINE", item.deadline)
    for agency in item.agencies:
        if agency.span is not None:
            add(*agency.span, "AGENCY", agency)
    doc.spans["facts"] = spans
    return doc


def render_html(doc: Doc) -> str:
    """displaCy's entity view of the facts over the exact text (escaped by displaCy).

    The entity view keeps the text's own spacing; overlapping facts (a unit inside its
    quantity) keep the outer one.
    """
    ents, last_end = [], -1
    for span in sorted(doc.spans["facts"], key=lambda s: (s.start_char, -s.end_char)):
        if span.start_char >= last_end:
            ents.append({"start": span.start_char, "end": span.end_char, "label": span.label_})
            last_end = span.end_char
    return displacy.render({"text": doc.text, "ents": ents, "title": None}, style="ent", manual=True,
                           options={"colors": COLORS}, page=False)
