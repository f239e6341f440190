"""Handwritten number and day slots (issue 12, item 4): never guessed, recovered where the
document prints them elsewhere, otherwise put up for review until a maintainer types them in."""
from __future__ import annotations

import json

from pipeline.dataset import Dataset, load
from pipeline.read.ocr import OcrLine, OcrPage, OcrWord, clean_page
from tests.helpers import document_from_text

HEADER = """ỦY BAN NHÂN DÂN TỈNH LÀO CAI
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: …/QĐ-UBND
Lào Cai, ngày … tháng 3 năm 2026
QUYẾT ĐỊNH
Về việc ban hành Quy chế phối hợp quản lý vật liệu nổ công nghiệp
CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH LÀO CAI
Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;
QUYẾT ĐỊNH:
Điều 1. Ban hành kèm theo Quyết định này Quy chế phối hợp quản lý vật liệu nổ công nghiệp.
Điều 2. Quyết định này có hiệu lực kể từ ngày ký.
Nơi nhận:
- Như Điều 2;
- Lưu: VT.
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Nguyễn Văn An
"""

APPENDIX = """QUY CHẾ
Phối hợp quản lý vật liệu nổ công nghiệp
(Kèm theo Quyết định số 152/QĐ-UBND ngày 12/3/2026 của Ủy ban nhân dân tỉnh Lào Cai)
Điều 1. Phạm vi điều chỉnh
Quy chế này quy định việc phối hợp giữa các sở, ngành.
"""


def test_a_slot_printed_elsewhere_is_recovered_and_marked_inferred():
    doc = document_from_text(HEADER + "\f" + APPENDIX)
    info = doc.document
    assert info.number == "152/QĐ-UBND" and "number" in info.inferred
    assert info.issued_date == "2026-03-12" and "issued_date" in info.inferred
    assert info.unread == []


def test_a_reference_with_another_symbol_is_not_taken_for_the_document():
    other = APPENDIX.replace("152/QĐ-UBND", "152/QĐ-SCT")
    info = document_from_text(HEADER + "\f" + other).document
    assert info.number is None and "number" not in info.inferred
    assert [u.field for u in info.unread] == ["number", "issued_date"]


def test_unread_slots_go_to_the_review_queue_until_a_maintainer_sets_them(tmp_path):
    doc = document_from_text(HEADER, name="qd-blank.txt")
    info = doc.document
    assert info.number is None and info.issued_date is None  # never guessed
    assert [(u.field, u.printed) for u in info.unread] == [
        ("number", "Số: …/QĐ-UBND"), ("issued_date", "Lào Cai, ngày … tháng 3 năm 2026")]
    assert any("number for review" in w for w in doc.warnings)

    ds = Dataset(tmp_path)
    ds.write_document(doc)
    doc_id = info.source.sha256
    queue = load("review_queue", home=tmp_path)
    header = queue[queue["what"].isin(["number", "issued_date"])]
    assert sorted(header["what"]) == ["issued_date", "number"]
    assert set(header["value"]) == {"Số: …/QĐ-UBND", "Lào Cai, ngày … tháng 3 năm 2026"}
    assert all("not read" in r[0] for r in header["reasons"])

    ds.append_correction(who="lan", doc_id=doc_id, field="number", action="set", after="152/QĐ-UBND")
    ds.append_correction(who="lan", doc_id=doc_id, field="issued_date", action="accept")  # "leave it blank"
    ds.write_document(doc)  # a re-run: the same extraction, the corrections applied again
    documents = json.loads(load("documents", home=tmp_path).to_json(orient="records", date_format="iso"))
    assert documents[0]["number"] == "152/QĐ-UBND" and documents[0]["unread"] == []
    queue = load("review_queue", home=tmp_path)
    assert not queue["what"].isin(["number", "issued_date"]).any()


def _line(*words: tuple[str, float], y: int = 100) -> OcrLine:
    placed, x = [], 100
    for text, conf in words:
        placed.append(OcrWord(text, (x, y, x + 20 * len(text), y + 40), conf))
        x += 20 * len(text) + 18
    return OcrLine(" ".join(t for t, _ in words), (100, y, x, y + 40),
                   sum(c for _, c in words) / len(words), placed)


def test_ocr_leaves_unreadable_handwriting_blank_and_keeps_clean_digits():
    page = OcrPage([
        _line(("Số:", 93), ("T†", 33), ("/2019/NĐ-CP", 91), ("Hà", 97), ("Nội,", 97), ("ngày", 97), ("#0", 77),
              ("tháng", 97), ("8", 95), ("năm", 96), ("2019", 96), y=100),
        _line(("Lào", 95), ("Cai,", 96), ("ngàyô)", 82), ("thángh", 92), ("năm", 97), ("2026", 91), y=200),
        _line(("Số:", 93), ("2507/GP-UBND", 91), ("Lào", 95), ("Cai,", 96), ("ngày", 96), ("21", 91), ("tháng", 95),
              ("7", 86), ("năm", 95), ("2026", 96), y=300),
        _line(("Hà", 96), ("Nội,", 93), ("ngày", 93), ("0", 59), ("†", 38), ("tháng", 93), ("11", 90), ("năm", 96),
              ("2024", 96), y=400),
        _line(("Ngày", 95), ("2l", 60), ("tháng", 97), ("3", 97), ("năm", 96), ("2026,", 96), ("Bộ", 96), y=500),
    ], width=2480, height=3508)
    texts = [line.text for line in clean_page(page).lines]
    assert texts == [
        "Số: … /2019/NĐ-CP Hà Nội, ngày … tháng 8 năm 2019",
        "Lào Cai, ngày … tháng … năm 2026",
        "Số: 2507/GP-UBND Lào Cai, ngày 21 tháng 7 năm 2026",
        "Hà Nội, ngày … tháng 11 năm 2024",
        "Ngày 21 tháng 3 năm 2026, Bộ",  # running text: a look-alike fixed where a date is due, nothing blanked
    ]
