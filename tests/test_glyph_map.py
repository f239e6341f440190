"""A few wrong letters in a good text layer (issue 12, item 5): "ƣ" for "ư", "Õ" for "Ò"."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from pipeline.read.pdf import read_pdf
from pipeline.repair.glyph_map import Suspect, decide

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
TEXT = [
    "BỘ CÔNG THƯƠNG",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "V/v hướng dẫn phát triển cụm công nghiệp theo địa giới hành chính mới",
    "Ngày 03 tháng 7 năm 2025, Cục nhận được công văn của Sở Công Thương về việc xin ý kiến hướng dẫn "
    "điều kiện thành lập, mở rộng cụm công nghiệp; sau khi xem xét, Cục có ý kiến như sau:",
    "1. Về điều kiện thành lập: Ủy ban nhân dân cấp tỉnh quyết định thực hiện cho phù hợp điều kiện "
    "thực tế của địa phương, bảo đảm hiệu quả sử dụng đất trên địa bàn.",
]


def _wrong_glyph_pdf(path) -> None:
    """A text PDF whose ToUnicode map says "ƣ" (U+01A3) for the glyph of "ư" and "Õ" for "Ò"."""
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format="A4")
    pdf.compress = False  # the ToUnicode map is edited in the bytes below
    pdf.add_font("DejaVu", fname=FONT)
    pdf.add_page()
    pdf.set_font("DejaVu", size=12)
    for paragraph in TEXT:
        pdf.multi_cell(0, 16, paragraph, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(6)
    data = bytes(pdf.output())
    start, end = data.index(b"beginbfchar"), data.index(b"endbfchar")
    cmap = data[start:end].replace(b"<01B0>", b"<01A3>").replace(b"<00D2>", b"<00D5>")  # same length
    assert cmap != data[start:end]
    path.write_bytes(data[:start] + cmap + data[end:])


@pytest.mark.skipif(not __import__("os").path.exists(FONT), reason="DejaVu font not installed")
def test_wrong_letters_are_repaired_from_the_font_and_the_syllables(tmp_path):
    path = tmp_path / "wrong-glyph.pdf"
    _wrong_glyph_pdf(path)
    raw = read_pdf(path)
    text = "\n".join(line.text for line in raw.lines)
    assert "ƣ" not in text and "Õ" not in text
    assert "BỘ CÔNG THƯƠNG" in text and "CỘNG HÒA XÃ HỘI" in text and "hướng dẫn" in text
    assert any("glyph map" in w and "'ƣ'->'ư'" in w and "'Õ'->'Ò'" in w for w in raw.warnings)


def _suspect(printed: str, table: dict[int, str], named: list[str] | None = None) -> Suspect:
    font = SimpleNamespace(unicode_map=SimpleNamespace(cid2unichr=table), fontname="F")
    cid = next(c for c, ch in table.items() if ch == printed)
    return Suspect(font, "F", cid, printed, named or [])


def test_without_font_evidence_the_syllables_choose_among_letters_no_other_glyph_draws():
    table = {1: "h", 2: "n", 3: "g", 4: "ƣ", 5: "ớ", 6: "T", 7: "ơ", 8: "đ", 9: "ợ", 10: "c"}
    words = {"F": ["hƣớng", "Thƣơng", "đƣợc", "nƣớc", "hƣớng"]}
    suspect = _suspect("ƣ", table)
    assert decide([suspect], words) == [suspect] and suspect.fixed == "ư"
    # The font already draws "ư" with another glyph: then it is not this one, and no other
    # letter makes these words Vietnamese: nothing is changed.
    table[11] = "ư"
    suspect = _suspect("ƣ", table)
    assert decide([suspect], words) == [] and suspect.fixed is None


def test_a_well_formed_letter_changes_only_on_the_font_programs_word():
    table = {1: "H", 2: "Õ", 3: "A"}
    words = {"F": ["HÕA"]}
    assert decide([_suspect("Õ", table)], words) == []  # "HÕA" is well formed: no reason to doubt it
    suspect = _suspect("Õ", table, named=["Ò"])  # the embedded font names the glyph "Ograve"
    assert decide([suspect], words) == [suspect] and suspect.fixed == "Ò"
    suspect = _suspect("Õ", table, named=["Ʊ"])  # a name that makes the word no syllable is no evidence
    assert decide([suspect], words) == []
