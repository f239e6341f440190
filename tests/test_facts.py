"""Facts as spaCy spans over underthesea tokens: exactly the facts' characters, the facts themselves attached."""
from __future__ import annotations

from pipeline.extract.facts import fact_edges, render_html
from pipeline.tokens import item_doc
from tests.helpers import by_path, document_from_text

TEXT = """KẾ HOẠCH
Hỗ trợ doanh nghiệp năm 2024
I. NHIỆM VỤ
1. Sở Công Thương chủ trì, phối hợp với Sở Tài chính hỗ trợ 3.000 doanh nghiệp trong Quý II/2024.
2. Xử lý hồ sơ <script>alert(1)</script> đúng hạn theo Quyết định số 12/QĐ-UBND ngày 05/3/2024.
3. Tổ chức 20 hội thảo, đào tạo 500 cán bộ trước ngày 30/9/2024.
"""


def spans(doc, label):
    return [s for s in doc.spans["facts"] if s.label_ == label]


def test_facts_become_spans_of_exactly_their_characters():
    document = document_from_text(TEXT)
    item = by_path(document)["I.1"]
    doc = item_doc(document, item)
    assert doc.text == document.text[item.span[0]:item.span[1]]
    offset = doc._.source_offset
    assert offset == item.span[0]
    facts = [(q, "QUANTITY") for q in item.quantities] + [(item.deadline, "DEADLINE")] + \
        [(a, "AGENCY") for a in item.agencies]
    assert len(doc.spans["facts"]) == len(facts) >= 4
    for fact, label in facts:
        span = next(s for s in doc.spans["facts"] if s.label_ == label and s._.fact == fact)
        assert (offset + span.start_char, offset + span.end_char) == tuple(fact.span) == span._.source
        assert span.text == document.text[fact.span[0]:fact.span[1]]
    assert [s._.fact_no for s in spans(doc, "QUANTITY")] == list(range(len(item.quantities)))
    assert spans(doc, "QUANTITY")[0]._.fact.value == 3000
    assert spans(doc, "DEADLINE")[0]._.fact_no is None


def test_citation_mentions_inside_the_item_are_spans():
    document = document_from_text(TEXT)
    item = by_path(document)["I.2"]
    doc = item_doc(document, item)
    [citation] = spans(doc, "CITATION")
    assert citation.text.startswith("Quyết định số 12/QĐ-UBND")
    assert document.citations[citation._.fact_no] == citation._.fact


def test_tokens_are_cut_at_fact_edges():
    document = document_from_text(TEXT)
    item = by_path(document)["I.3"]
    edges = fact_edges(item, document.citations)
    doc = item_doc(document, item)
    starts = {t.idx for t in doc} | {len(doc.text)}
    ends = {t.idx + len(t.text) for t in doc}
    assert edges and all(e in starts or e in ends for e in edges)
    assert {s.text for s in spans(doc, "QUANTITY")} == {q.raw for q in item.quantities}


def test_rendered_html_escapes_document_text():
    document = document_from_text(TEXT)
    html = render_html(item_doc(document, by_path(document)["I.2"]))
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_rendered_html_marks_the_facts():
    document = document_from_text(TEXT)
    html = render_html(item_doc(document, by_path(document)["I.1"]))
    assert "3.000 doanh nghiệp" in html and "QUANTITY" in html and "AGENCY" in html
