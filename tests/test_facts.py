"""Facts as spaCy spans over underthesea tokens."""
from __future__ import annotations

from pipeline.extract.facts import item_doc, render_html
from tests.helpers import by_path, document_from_text

TEXT = """KẾ HOẠCH
Hỗ trợ doanh nghiệp năm 2024
I. NHIỆM VỤ
1. Sở Công Thương chủ trì, phối hợp với Sở Tài chính hỗ trợ 3.000 doanh nghiệp trong Quý II/2024.
2. Xử lý hồ sơ <script>alert(1)</script> đúng hạn.
"""


def test_facts_become_labelled_spans_with_their_source():
    document = document_from_text(TEXT)
    item = by_path(document)["I.1"]
    doc = item_doc(item)
    assert doc.text == item.text
    labels = {(span.label_, span.text) for span in doc.spans["facts"]}
    assert ("QUANTITY", "3.000 doanh nghiệp") in labels
    assert any(label == "DEADLINE" and "Quý II/2024" in text for label, text in labels)
    assert any(label == "AGENCY" and text == "Sở Công Thương" for label, text in labels)
    quantity = next(span for span in doc.spans["facts"] if span.label_ == "QUANTITY")
    assert quantity._.fact.value == 3000
    start, end = quantity._.source
    assert document.text[start:end] == quantity.text


def test_rendered_html_escapes_document_text():
    item = by_path(document_from_text(TEXT))["I.2"]
    html = render_html(item_doc(item))
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_rendered_html_marks_the_facts():
    item = by_path(document_from_text(TEXT))["I.1"]
    html = render_html(item_doc(item))
    assert "3.000 doanh nghiệp" in html and "QUANTITY" in html and "AGENCY" in html
