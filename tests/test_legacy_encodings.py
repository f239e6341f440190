"""Tests for TCVN3 / VNI / VISCII detection and conversion.

The legacy texts are made by encoding Unicode sentences with inverse tables
built from the module's own tables (``tests/legacy_fixtures.py``), then decoded back.
"""
import shutil
import subprocess
import unicodedata

import pytest

from pipeline.repair.legacy_encodings import (
    TCVN3_TABLE,
    VISCII_TABLE,
    conversion_hurts,
    convert_legacy,
    convert_run_texts,
    convert_runs,
    detect_legacy_encoding,
    encoding_for_font,
    has_unicode_vietnamese,
    is_capital_font,
    repair_legacy_text,
    symbol_char,
    vni_combine,
)
from tests.legacy_fixtures import ENCODERS, encode_tcvn3, encode_vni

# Toned capitals (Ủ, Ấ ...) are left out: TCVN3's ABC fonts have none, so they cannot round-trip.
SENTENCES = [
    "Quyết định về việc ban hành quy định chính sách khuyến khích và ưu đãi đầu tư",
    "Sở Kế hoạch và Đầu tư tỉnh An Giang chịu trách nhiệm tổ chức thực hiện kế hoạch này",
    "Đội kiểm tra liên ngành hoạt động kiêm nhiệm, phối hợp với các cơ quan nhà nước",
    "Nghị định số 87/CP của Chính phủ, những người được ủy quyền ký thay thủ trưởng",
    "Hỗ trợ 50% lãi suất vay trong năm đầu, giảm tiền thuê đất, miễn thuế thu nhập",
]
TEXT = "\n".join(SENTENCES)




# --------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------
def test_tcvn3_table_covers_the_lower_case_letters():
    letters = set(TCVN3_TABLE.values())
    for ch in "àảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵăâêôơưđĂÂÊÔƠƯĐ":
        assert ch in letters, ch
    assert TCVN3_TABLE["\u00ad"] == "ư"  # the "soft hyphen" byte


def test_viscii_table_has_all_134_letters():
    letters = set(VISCII_TABLE.values()) | {"à", "á", "â", "ã", "è", "é", "ê", "ì", "í", "ò", "ó", "ô", "õ", "ù", "ú", "ý",
                                            "À", "Á", "Â", "Ã", "È", "É", "Ê", "Ì", "Í", "Ò", "Ó", "Ô", "Ù", "Ú", "Ý"}
    vietnamese = {ch for ch in map(chr, range(0x1EA0, 0x1EFA))} | set("ăđĩũơưĂĐĨŨƠƯ")
    assert vietnamese <= letters


@pytest.mark.parametrize("charset, table", [("VISCII", VISCII_TABLE), ("TCVN5712-1", TCVN3_TABLE)])
def test_tables_agree_with_glibc_iconv(charset, table):
    """Cross-check against an independent implementation, when iconv is installed."""
    if shutil.which("iconv") is None:
        pytest.skip("iconv not installed")
    for ch, letter in table.items():
        if ord(ch) > 0xFF or ch == "\u00ad" and charset.startswith("TCVN"):
            continue
        result = subprocess.run(["iconv", "-f", charset, "-t", "UTF-8"], input=bytes([ord(ch)]), capture_output=True)
        if result.returncode != 0:
            pytest.skip(f"iconv lacks {charset}")
        assert result.stdout.decode() == letter, (hex(ord(ch)), letter)


# --------------------------------------------------------------------------
# Round trips and detection
# --------------------------------------------------------------------------
@pytest.mark.parametrize("encoding", ["tcvn3", "vni", "viscii"])
def test_round_trip(encoding):
    legacy = ENCODERS[encoding](TEXT)
    assert legacy != TEXT
    assert not has_unicode_vietnamese(legacy)
    assert convert_legacy(legacy, encoding) == TEXT


@pytest.mark.parametrize("encoding", ["tcvn3", "vni", "viscii"])
def test_detection_picks_the_encoding(encoding):
    legacy = ENCODERS[encoding](TEXT)
    found, confidence = detect_legacy_encoding(legacy)
    assert found == encoding
    assert confidence > 0.9
    assert repair_legacy_text(legacy) == (TEXT, encoding)


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_detection_on_single_sentences(encoding):
    for sentence in SENTENCES:
        assert detect_legacy_encoding(ENCODERS[encoding](sentence))[0] == encoding, sentence


def test_known_samples_from_real_files():
    assert convert_legacy("§éc lËp - Tù do - H¹nh phóc", "tcvn3") == "Độc lập - Tự do - Hạnh phúc"
    assert convert_legacy("Ch\u00ad¬ng I", "tcvn3") == "Chương I"
    assert convert_legacy("VEÀ CHÖÙC NAÊNG, NHIEÄM VUÏ", "vni") == "VỀ CHỨC NĂNG, NHIỆM VỤ"
    assert convert_legacy("Quyeát ñònh soá 05/2006/QÑ-UBND", "vni") == "Quyết định số 05/2006/QĐ-UBND"
    assert convert_legacy("hoaëc", "vni") == "hoặc"


def test_tcvn3_capitals():
    # Asked for explicitly, every letter is upper-cased, as a capital font draws it.
    assert convert_legacy("Céng hßa x· héi chñ nghÜa viÖt nam", "tcvn3", capitals=True) == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    # No font name: a word typed in capitals is upper-cased, mixed-case words are not.
    assert convert_legacy("QUYÕT §ÞNH cña TØnh", "tcvn3") == "QUYẾT ĐỊNH của Tỉnh"
    assert convert_legacy("§Ó Tõ", "tcvn3") == "Để Từ"
    assert convert_legacy("§èI", "tcvn3") == "ĐỐI"  # "§" is a capital letter (Đ), though not alpha in Latin-1


def test_tcvn3_short_words_in_capitals_follow_their_neighbours():
    # "Vô" has one other letter: between words in capitals it is typed in capitals.
    assert convert_legacy("NHIÖM Vô, QUYÒN H¹N, Tæ CHøC Bé M¸Y", "tcvn3") == "NHIỆM VỤ, QUYỀN HẠN, TỔ CHỨC BỘ MÁY"
    assert convert_legacy("Hé lý vµ Sè TT", "tcvn3") == "Hộ lý và Số TT"  # not between capitals
    assert convert_legacy("Vµ UBND tØnh", "tcvn3") == "Và UBND tỉnh"  # capitals on one side only
    assert convert_legacy("NHIÖM\nVô\nQUYÒN", "tcvn3") == "NHIỆM\nVụ\nQUYỀN"  # neighbours on other lines do not count


def test_tcvn3_u_horn_as_a_pdf_minus_sign():
    # PDF producers name byte 0xAD "minus": inside a word it is "ư"; a minus between spaces stays.
    assert convert_legacy("n\u2212íc ngoµi, t\u2212 vÊn", "tcvn3") == "nước ngoài, tư vấn"
    assert convert_legacy("5 \u2212 3", "tcvn3") == "5 \u2212 3"


def test_legacy_codes_outside_vietnamese_unicode_are_decisive():
    # "Hé lý 1.200.000 ®": a lone "đ" (đồng) is no syllable, yet "®" is no Vietnamese letter: convert.
    before = "Hé lý 1.200.000 ®"
    assert not conversion_hurts(before, convert_legacy(before, "tcvn3"))
    # Latin-1 letters only, Vietnamese as they are: the syllables decide.
    assert conversion_hurts("Có phí, cô là", convert_legacy("Có phí, cô là", "vni"))  # VNI reads "Cĩ"


def test_vni_combine():
    assert vni_combine("a", "ù") == "á" and vni_combine("ư", "ø") == "ừ" and vni_combine("o", "â") == "ô"
    assert vni_combine("b", "ù") is None and vni_combine("á", "ù") is None and vni_combine("a", "x") is None


def test_symbol_font_characters():
    assert symbol_char(0xF0B3, "Symbol") == "≥" and symbol_char(0xF061, "Symbol") == "α"
    assert symbol_char(0xF0AE, "Symbol") == "→" and symbol_char(0xF028, "Symbol") == "("
    assert symbol_char(0xF0A7, "Wingdings") == "▪" and symbol_char(0xF041, "Wingdings") is None
    assert symbol_char(0xF0B3, None) is None  # no font named: nothing guessed


@pytest.mark.parametrize(
    "text",
    [
        TEXT,
        TEXT.upper(),
        unicodedata.normalize("NFD", TEXT),
        "Ví dụ: cà phê, tiếng Việt, Hà Nội, Đà Nẵng, Huế, phở, áo dài.",
        "Kế hoạch số 12/KH-UBND ngày 03/5/2024; kinh phí 1.500 triệu đồng (100%).",
        "Café à la crème, naïve façade — señor Müller",  # Latin-1 accents, not Vietnamese
        "UBND TP HCM 2024 - ABC",
        "",
    ],
)
def test_unicode_is_untouched(text):
    assert detect_legacy_encoding(text)[0] is None
    assert repair_legacy_text(text) == (text, None)
    runs = [(text, None), (text, "Times New Roman")]
    assert convert_runs(runs) == text + text


def test_unicode_typed_in_a_legacy_font_is_untouched():
    assert convert_runs([(TEXT, ".VnTime"), (TEXT, "VNI-Times")]) == TEXT + TEXT
    # Only Latin-1 letters, so no Unicode-only evidence: the validity guard keeps it
    # (VNI would read "Có" as "Cĩ", not a syllable).
    assert convert_runs([("Có phí, cô là", "VNI-Times")]) == "Có phí, cô là"


def test_repair_keeps_unicode_lines_of_a_mixed_text():
    mixed = SENTENCES[0] + "\n" + encode_tcvn3("\n".join(SENTENCES[1:]))
    assert repair_legacy_text(mixed) == (TEXT, "tcvn3")


def test_unknown_encoding_name():
    with pytest.raises(ValueError):
        convert_legacy("x", "vps")


# --------------------------------------------------------------------------
# Fonts and runs
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "font, encoding, capitals",
    [
        (".VnTime", "tcvn3", False),
        (".VnTimeH", "tcvn3", True),
        (".VnArial NarrowH", "tcvn3", True),
        ("VnTime", "tcvn3", False),
        ("VNI-Times", "vni", False),
        ("VNI-Helve", "vni", False),
        ("VISCII Times", "viscii", False),
        ("Times New Roman", None, False),
        ("Wingdings", "symbol", False),
        (None, None, False),
        ("", None, False),
    ],
)
def test_encoding_for_font(font, encoding, capitals):
    assert encoding_for_font(font) == encoding
    assert is_capital_font(font) == capitals


def test_mixed_runs_by_font():
    title = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    runs = [
        (title, "Times New Roman"),
        (" ", None),
        (encode_tcvn3("cộng hòa xã hội"), ".VnTimeH"),  # drawn in capitals, kept as typed
        (" ", None),
        (encode_tcvn3(SENTENCES[0]), ".VnTime"),
        (" ", None),
        (encode_vni(SENTENCES[2]), "VNI-Times"),
        (" \uf0b7 ", "Symbol"),
    ]
    assert convert_runs(runs) == f"{title} cộng hòa xã hội {SENTENCES[0]} {SENTENCES[2]} \uf0b7 "


def test_runs_without_font_names_use_detection():
    legacy = encode_vni(SENTENCES[1])
    assert convert_runs([(legacy[:20], None), (legacy[20:], None)]) == SENTENCES[1]


def test_vni_mark_split_from_its_letter_by_a_run_boundary():
    # "Vie" | "ät Nam": the formatting changed between the letter and its mark.
    # The mark joins its letter in the first run; the second run keeps the rest.
    assert convert_run_texts([("Vie", "VNI-Times"), ("ät Nam", "VNI-Times")]) == ["Việ", "t Nam"]
