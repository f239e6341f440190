"""Repair of text layers whose font codes are shifted (broken ToUnicode maps)."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from pipeline.repair import font_shift as fs
from pipeline.repair.syllables import syllable_validity

FONT = "ABCDEF+TimesNewRomanPSMT"
TEXT = (
    "Thực hiện Quyết định số 1050 của Giám đốc Sở Công Thương tỉnh Lào Cai về việc kiểm tra "
    "việc chấp hành quy định pháp luật trong sử dụng và bảo quản vật liệu nổ công nghiệp trên "
    "địa bàn tỉnh. Đánh giá toàn diện, khách quan tình hình chấp hành các quy định của pháp luật "
    "về sử dụng vật liệu nổ công nghiệp tại các đơn vị có hoạt động vật liệu nổ công nghiệp. "
    "Làm rõ các tồn tại, hạn chế; phát hiện, ghi nhận các vi phạm để làm cơ sở kiến nghị biện "
    "pháp xử lý theo quy định. Kịp thời chấn chỉnh, hướng dẫn các đơn vị khắc phục các tồn tại, "
    "nâng cao ý thức tuân thủ pháp luật, bảo đảm an toàn trong hoạt động sản xuất kinh doanh. "
) * 3

# A font whose codes are glyph ids: ASCII at code point - 29, the Vietnamese
# block at code point - 6652, and a few letters at their own places.
_SPECIAL = {"đ": 255, "Đ": 264, "ơ": 1131, "ư": 1133, "ă": 259, "Ơ": 1130, "Ư": 1132}
_MAC = {"á": 105, "à": 106, "â": 107, "ã": 109, "é": 112, "ê": 114, "í": 116, "ó": 121, "ô": 123, "ú": 126,
        "ì": 117, "ò": 122, "ý": 0}


def _encode(ch: str) -> int:
    if ch in _SPECIAL:
        return _SPECIAL[ch]
    if 0x20 <= ord(ch) < 0x7F:
        return ord(ch) - 29
    if 0x1EA0 <= ord(ch) <= 0x1EF9:
        return ord(ch) - 6652
    from fontTools.agl import UV2AGL
    from fontTools.ttLib.standardGlyphOrder import standardGlyphOrder

    return standardGlyphOrder.index(UV2AGL[ord(ch)])


def _chars(text: str, font: str = FONT) -> list[dict]:
    """pdfplumber-like character dicts, one line of 90 characters per row."""
    chars = []
    x, top = 50.0, 50.0
    for i, ch in enumerate(text):
        if i and i % 90 == 0:
            x, top = 50.0, top + 14
        chars.append({"text": f"(cid:{_encode(ch)})", "fontname": font, "x0": x, "x1": x + 6,
                      "top": top, "size": 12.0})
        x += 6
    return chars


def test_code_of_cid_and_plain_chars():
    assert fs.char_code("(cid:55)") == 55
    assert fs.char_code("7") == 55


def test_learns_glyph_id_mapping_from_text():
    pages = [_chars(TEXT)]
    garbled = fs.garbled_fonts(pages)
    assert garbled == {FONT}
    glyphs = fs.collect_glyphs(pages, garbled)
    start = time.perf_counter()
    mappings = fs.detect_shift(glyphs)
    assert time.perf_counter() - start < 20
    table = mappings[FONT]
    assert table[55] == "T" and table[255] == "đ" and table[1269] == "ự" and table[1133] == "ư"
    validity, unknown = fs.repaired_quality(glyphs, mappings)
    assert validity >= 0.95 and unknown == 0
    fs.repair_page_text(pages[0], mappings)
    text = "".join(c["text"] for c in pages[0])
    assert text.startswith("Thực hiện Quyết định số 1050")


def test_plain_ascii_shift_of_a_wrong_tounicode_map():
    # A ToUnicode map off by 29 everywhere ("7KXF" for "Thuc"): learned as a constant offset.
    text = ("Thuc hien chinh sach ho tro cho doanh nghiep nho va vua trong tinh " * 8).strip()
    chars = _chars(text)
    for c in chars:
        c["text"] = chr(fs.char_code(c["text"]))  # the wrong map shows the code itself
    garbled = fs.garbled_fonts([chars])
    assert garbled == {FONT}
    mappings = fs.detect_shift(fs.collect_glyphs([chars], garbled))
    assert mappings[FONT][ord("7")] == "T"


def test_good_font_is_not_garbled():
    chars = [{"text": ch, "fontname": "Good", "x0": 6.0 * i, "x1": 6.0 * i + 6, "top": 10.0, "size": 12.0}
             for i, ch in enumerate(TEXT[:600])]
    assert fs.garbled_fonts([chars]) == set()


def test_random_codes_are_not_repaired():
    # Codes with no consistent mapping: the repair must not claim success.
    import random

    rng = random.Random(3)
    chars = _chars(TEXT[:900])
    for c in chars:
        c["text"] = f"(cid:{rng.randint(2000, 2400)})"
    glyphs = fs.collect_glyphs([chars], {FONT})
    validity, unknown = fs.repaired_quality(glyphs, fs.detect_shift(glyphs))
    assert validity < fs.MIN_REPAIRED_VALIDITY or unknown > fs.MAX_UNKNOWN_SHARE


GARBLED = Path("/work/shared/corpus/files/laocai_kh1105_2026_kiem_tra_vlncn_GARBLED.pdf")


@pytest.mark.skipif(not GARBLED.exists(), reason="corpus file absent")
def test_real_garbled_pdf_is_repaired():
    raw = fs.read_pdf_repaired(GARBLED)
    assert raw is not None
    assert [p.source for p in raw.pages] == ["repaired"] * 6
    text = "\n".join(line.text for line in raw.lines)
    assert syllable_validity(text) >= 0.95
    assert "Thực hiện Quyết định số 1050/QĐ-SCT" in text
    assert "SỞ CÔNG THƯƠNG" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert all(p.quality and p.quality >= 0.95 for p in raw.pages)
