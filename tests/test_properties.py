"""Arbitrary and mutated decree text never crashes the pipeline, and its offsets always hold."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.extract.citations import find_citations
from pipeline.segment.header import continue_number, parse_number_line, parse_place_date
from tests.helpers import FIXTURES, document_from_text

SEED_TEXTS = [(FIXTURES / name).read_text(encoding="utf-8") for name in ("qd-12-ubnd-quy-che.txt", "cv-210-ubnd-phong-chong-lu.txt")]
PIECES = [
    "Điều 1.", "I.", "1.", "a)", "(1)", "- ", "+ ", "Căn cứ ", "Nơi nhận:", "QUYẾT ĐỊNH", "KẾ HOẠCH", "Số: 12/QĐ-UBND",
    "ngày 05 tháng 9 năm 2023", "Quý II/2024", "\t", "\n", "3.000 doanh nghiệp", "22,6 tỷ đồng", "(12 đầu việc)",
    "Phụ lục", "STT\tNội dung\tGhi chú", "TM. ỦY BAN NHÂN DÂN", "Ban hành kèm theo Quyết định số 1/QĐ-UBND",
    # legal normative headers and the citation grammar (issue 13), OCR damage (issue 12)
    "Luật số: 109/2025/QH15", "Nghị quyết số:", "Số 06/2026/", "TT-BTС", "66.15/2026/NQ-CP", "LUẬT", "QUỐC HỘI",
    "Số:\t12/2025/\tHà Nội, ngày", "Ngày 8 tháng 12 năm 2025", "QUYẾT NGHỊ:", "Quốc hội ban hành Luật", "thông qua ngày",
    "Căn cử", "xố 3l/2O24/QĐ-UBND", "ngảy l5 thảng", "I", "Z", ":", "VÀ", "theo Công văn ngày 05/3/2024 của",
    "Luật Đất đai", "301- KL/TU", "4 5/TTr-SNV",
]


def check(text: str) -> None:
    document = document_from_text(text)
    for item in document.items:
        assert document.text[item.span[0]:item.span[1]].replace("\n", " ") == item.text
        for quantity in item.quantities:
            assert document.text[quantity.span[0]:quantity.span[1]] == quantity.raw
    ids = {item.id for item in document.items}
    assert all(item.parent is None or item.parent in ids for item in document.items)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_random_text(text):
    check(text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=20), max_size=40))
def test_decree_shaped_noise(pieces):
    check(" ".join(pieces))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SEED_TEXTS), st.lists(st.tuples(st.integers(0, 3000), st.integers(0, 40), st.text(max_size=8)), max_size=8))
def test_mutated_decrees(seed, edits):
    text = seed
    for position, length, insert in edits:
        position %= max(1, len(text))
        text = text[:position] + insert + text[position + length:]
    check(text)


GRAMMAR_PIECES = st.sampled_from(PIECES) | st.text(max_size=12) | st.sampled_from(["số", "ngày", "tháng", "năm", "/", "-", "Luật", "của"])


@settings(max_examples=150, deadline=None)
@given(st.lists(GRAMMAR_PIECES, max_size=30).map(" ".join) | st.text(max_size=300))
def test_header_and_citation_grammar_never_raise_and_spans_hold(text):
    for hit in find_citations(text):
        assert text[hit.start:hit.end] == hit.raw
        assert hit.number is None or hit.number.strip() == hit.number
    number = parse_number_line(text)
    if number is not None and not number.complete:
        continue_number(number, text)
    parse_place_date(text)
