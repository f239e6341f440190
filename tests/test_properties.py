"""Arbitrary and mutated decree text never crashes the pipeline, and its offsets always hold."""
from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.extract.deadlines import RECURRENCE_ORDER, extract_deadline
from pipeline.extract.quantities import extract_quantities
from pipeline.extract.citations import find_citations
from pipeline.segment.header import continue_number, parse_number_line, parse_place_date
from tests.helpers import FIXTURES, document_from_text

SEED_TEXTS = [(FIXTURES / name).read_text(encoding="utf-8") for name in ("qd-12-ubnd-quy-che.txt", "cv-210-ubnd-phong-chong-lu.txt")]
PIECES = [
    "Điều 1.", "I.", "1.", "a)", "(1)", "- ", "+ ", "Căn cứ ", "Nơi nhận:", "QUYẾT ĐỊNH", "KẾ HOẠCH", "Số: 12/QĐ-UBND",
    "ngày 05 tháng 9 năm 2023", "Quý II/2024", "\t", "\n", "3.000 doanh nghiệp", "22,6 tỷ đồng", "(12 đầu việc)",
    "Phụ lục", "STT\tNội dung\tGhi chú", "TM. ỦY BAN NHÂN DÂN", "Ban hành kèm theo Quyết định số 1/QĐ-UBND",
    # the grammar of issue 13
    "sau năm 2025", "Giai đoạn 1:", "(1) chuẩn bị:", "từ Quý I/2025", "đến Quý IV/2025", "định kỳ 6 tháng và hàng năm",
    "sinh ngày 12/5/1980", "cấp ngày 05/6/2021", "Luật Đầu tư ngày 17/6/2020", "năm học 2024–2025", "trước ngày 15/12",
    "(Bằng chữ: Hai mươi hai tỷ đồng)", "Số 348 đường Hoàng Liên, phường Cốc Lếu", "hệ tọa độ VN-2000",
    "kinh tuyến trục 104º30'", "múi chiếu 3°", "lần thứ 3", "từ 1.000.000 đồng đến 2.000.000 đồng",
    "1,5 triệu đồng/người/tháng", "Km 12+500", "4290 Xây dựng", "02 lần/năm",
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


# Pieces of time expressions and quantities, in any order: the two grammars stay total and
# their outputs well-formed.
GRAMMAR = [
    "Quý", "I", "II", "IV", "và", ",", "/", "-", "–", "2025", "2026", "1980", "năm", "năm học", "tháng", "6", "15/12",
    "12/5/1980", "ngày", "trước", "sau", "từ", "đến", "hết", "trong", "vào", "chậm nhất", "kể từ ngày ký", "từ nay",
    "hằng", "hàng", "định kỳ", "lần/năm", "02", "Giai đoạn 1:", "(1)", "(2)", "Thời gian thực hiện:", "Tiến độ:",
    "sinh", "cấp", "đăng ký lần đầu", "Luật", "Chương trình", "giai đoạn", "(", ")", ";", "\n", "Bằng chữ:", "Hai mươi",
    "tỷ", "đồng", "triệu", "%", "/người", "ha", "°", "º", "VN-2000", "kinh tuyến trục", "múi chiếu", "Địa chỉ:", "Số",
    "phường", "lần thứ", "Điều", "khoản", "Km", "+", "4290", "Xây dựng", "dưới", "trên", "ít nhất", "30", "1.000.000",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(GRAMMAR), max_size=16).map(" ".join), st.one_of(st.none(), st.dates()))
def test_the_fact_grammars_are_total(text, document_date: dt.date | None):
    d = extract_deadline(text, document_date)
    if d is not None:
        assert d.span is None or text[d.span[0]:d.span[1]] == d.raw
        assert d.recurrence is None or d.recurrence in RECURRENCE_ORDER
        assert 0 <= d.confidence <= 1
        for value in (d.start, d.end):
            assert value is None or dt.date.fromisoformat(value)
        assert d.start is None or d.end is None or d.start <= d.end
    for q in extract_quantities(text):
        assert text[q.span[0]:q.span[1]] == q.raw
        assert q.value_max is None or q.value_max > q.value


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
