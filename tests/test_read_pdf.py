"""Tests of pipeline.read.pdf on generated PDFs and, when present, on the real corpus."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import NeedsOCR, ReadError
from pipeline.read.pdf import read_pdf, text_layer_quality
from tests import pdf_fixtures as fx

CORPUS = Path("/work/shared/corpus/files")


def _index(lines, needle):
    return next(i for i, line in enumerate(lines) if needle in line.text)


@pytest.fixture(scope="module")
def decree(tmp_path_factory):
    fx.require_fonts()
    return read_pdf(fx.write_decree(tmp_path_factory.mktemp("pdf") / "decree.pdf"))


# --------------------------------------------------------------------------
# Generated decree
# --------------------------------------------------------------------------
def test_pages_and_metadata(decree):
    assert decree.format == "pdf"
    assert [p.number for p in decree.pages] == [1, 2]
    for page in decree.pages:
        assert page.source == "text_layer"
        assert page.width and page.height and page.quality is not None and page.quality > 0.9
        assert all(line.page == page.number and line.bbox for line in page.lines)


def test_two_column_header_not_interleaved(decree):
    texts = [line.text for line in decree.pages[0].lines]
    assert texts[:6] == [
        "ỦY BAN NHÂN DÂN", "TỈNH AN PHÚ", "Số: 12/QĐ-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
        "Hà Nội, ngày 5 tháng 3 năm 2024",
    ]


def test_wrapped_paragraph_rejoined(decree):
    lines = decree.lines
    matches = [line for line in lines if fx.WRAPPED_LINE_1 in line.text]
    assert len(matches) == 1 and matches[0].text == fx.WRAPPED_TEXT
    joined = matches[0]
    x0, top, x1, bottom = joined.bbox
    assert bottom - top > 20  # the union of two printed lines
    # The two-line "Căn cứ" is one Line too; headings stay on their own.
    assert any(line.text.startswith("Căn cứ Nghị định") and line.text.endswith("công tác văn thư;") for line in lines)
    assert "Điều 2. Tổ chức thực hiện" in [line.text for line in lines]
    assert "QUYẾT ĐỊNH" in [line.text for line in lines]


def test_enumerated_paragraphs_stay_apart(decree):
    texts = [line.text for line in decree.lines]
    assert "a) Sở Tài chính thẩm định dự toán;" in texts
    assert "b) Sở Nội vụ hướng dẫn nghiệp vụ lưu trữ." in texts


def test_paragraphs_of_an_indented_flow(tmp_path):
    """Where paragraphs start indented, a line back at the margin under a full line goes on with its
    paragraph even after ":" or before an amount ("39.897 tỷ đồng" is no enumerator "39."); an indented
    line after a full stop starts one; "d. Bể nước" (a letter and a full stop) is a point of its own."""
    fx.require_fonts()
    path = tmp_path / "flow.pdf"
    path.write_bytes(fx.indented_flow_pdf_bytes())
    flow = [text for _, _, text in fx.INDENTED_FLOW]
    assert [line.text for line in read_pdf(path).lines] == [
        flow[0], f"{flow[1]} {flow[2]}", f"{flow[3]} {flow[4]}", *flow[5:]]


def test_page_numbers_and_running_header_dropped(decree):
    for line in decree.lines:
        assert fx.RUNNING_HEADER not in line.text
        assert line.text.strip() not in {"- 1 -", "- 2 -", "1", "2"}


def test_table_rows(decree):
    rows = [line for line in decree.lines if line.cells is not None]
    assert [row.cells for row in rows] == fx.TABLE_ROWS
    assert all(row.table == 1 and row.page == 2 for row in rows)
    assert [row.header_row for row in rows] == [True, False, False, False]
    assert rows[1].text == "1\tKhảo sát hiện trạng\tQuý II/2024"
    # Table text does not leak into ordinary lines, and the rows sit in reading order.
    ordinary = " ".join(line.text for line in decree.lines if line.cells is None)
    assert "Khảo sát hiện trạng" not in ordinary and "Quý III/2024" not in ordinary
    page2 = decree.pages[1].lines
    assert _index(page2, "Điều 3.") < _index(page2, "Khảo sát") < _index(page2, "Điều 4.")


def test_signature_block_left_then_right(decree):
    page2 = [line.text for line in decree.pages[1].lines]
    left = [page2.index(t) for t in ("Nơi nhận:", "- Như Điều 4;", "- Lưu: VT, KGVX.")]
    right = [page2.index(t) for t in ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Trần Văn Bình")]
    assert left == sorted(left) and right == sorted(right) and max(left) < min(right)


# --------------------------------------------------------------------------
# Bad inputs
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "writer, words",
    [
        (fx.write_empty, "empty"),
        (fx.write_truncated, "truncated"),
        (fx.write_jpeg_named_pdf, "JPEG"),
        (fx.write_text_named_pdf, "not a PDF"),
        (lambda p: fx.write_encrypted(p, "mat-khau"), "password"),
        (fx.write_no_pages, "no pages"),
    ],
)
def test_bad_inputs_raise_read_error(tmp_path, writer, words):
    path = writer(tmp_path / "bad.pdf")
    with pytest.raises(ReadError) as info:
        read_pdf(path)
    assert not isinstance(info.value, NeedsOCR)
    message = str(info.value)
    assert words in message and "\n" not in message and "Traceback" not in message


def test_copy_protected_pdf_is_read(tmp_path):
    doc = read_pdf(fx.write_encrypted(tmp_path / "protected.pdf", ""))
    assert any("Giao Sở Công Thương chủ trì" in line.text for line in doc.lines)


def test_scan_needs_ocr(tmp_path):
    with pytest.raises(NeedsOCR, match="OCR"):
        read_pdf(fx.write_scan(tmp_path / "scan.pdf"))


def test_missing_file(tmp_path):
    with pytest.raises(ReadError):
        read_pdf(tmp_path / "khong-co.pdf")


# --------------------------------------------------------------------------
# Text-layer quality
# --------------------------------------------------------------------------
def test_quality_of_good_text():
    text = "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015 của UBND tỉnh"
    assert text_layer_quality(text) > 0.95


def test_quality_of_garbled_font_map():
    assert text_layer_quality("7KӵF KLӋQ Nӄ KRҥFK WKӵF KLӋQ") < 0.3
    assert text_layer_quality("(cid:54)(cid:1250) (cid:55)(cid:43) (cid:38)(cid:1244)") < 0.1


def test_quality_of_ocr_layer_without_diacritics():
    noisy = "ceNG noa xA Her cHU Ncuia BO THIJoNG vrET Tg'do phtc DQc H4nh ngdy ttuing"
    assert text_layer_quality(noisy) < 0.5
    plain = " ".join(["Cong hoa xa hoi chu nghia Viet Nam doc lap tu do hanh phuc"] * 4)
    assert text_layer_quality(plain) < 0.1  # long Vietnamese text without a single mark


def test_quality_of_empty_text():
    assert text_layer_quality("") == 0.0


# --------------------------------------------------------------------------
# Real corpus (skipped when absent)
# --------------------------------------------------------------------------
def _corpus(name: str) -> Path:
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"corpus file {name} not available")
    return path


@pytest.fixture(scope="module")
def qd2170():
    return read_pdf(_corpus("laocai_qd2170_2026_ctdt_kcn_ban_qua.pdf"))


def test_real_qd2170_header(qd2170):
    first = [line.text for line in qd2170.lines[:10]]
    number = next(t for t in first if t.startswith("Số:"))
    assert "2170" in number  # stamped into a signature widget, not the page text
    assert any(t.startswith("Lào Cai, ngày") for t in first)
    # Not interleaved: the issuer lines (left) come before the Quốc hiệu (right),
    # and no line mixes the two columns.
    assert _index(qd2170.lines, "TỈNH LÀO CAI") < _index(qd2170.lines, "CỘNG HOÀ")
    assert not any("CỘNG HOÀ" in t and "BAN" in t for t in first)
    assert not any("Số:" in t and "Lào Cai" in t for t in first)


def test_real_qd2170_paragraphs_and_page_numbers(qd2170):
    texts = [line.text for line in qd2170.lines]
    assert any(t.startswith("Căn cứ Luật Tổ chức chính quyền") and t.endswith("tháng 6 năm 2025;") for t in texts)
    for page in qd2170.pages[1:]:
        assert page.lines[0].text.strip() != str(page.number)


def test_real_qd1696_table():
    doc = read_pdf(_corpus("laocai_qd1696_2026_uy_quyen.pdf"))
    rows = [line for line in doc.lines if line.cells]
    assert rows and rows[0].header_row and rows[0].table == 1
    assert all(len(r.cells) == len(rows[0].cells) for r in rows)
    assert any("kiểm định viên" in c for r in rows for c in r.cells)


def test_real_cong_van():
    doc = read_pdf(_corpus("laocai_cv_ubnd_chi_dao_vlncn_2026.pdf"))
    texts = [line.text for line in doc.lines]
    assert any(t.startswith("Kính gửi") for t in texts)
    assert not any(line.cells for line in doc.lines)  # white text backgrounds are not tables


@pytest.mark.parametrize(
    "name",
    ["bct_cuchoachat_qd26_2026_xphc_SCAN_badOCR.pdf", "laocai_kh1105_2026_kiem_tra_vlncn_GARBLED.pdf"],
)
def test_real_unusable_text_layers_need_ocr(name):
    with pytest.raises(NeedsOCR):
        read_pdf(_corpus(name))


def test_fast_dedupe_matches_pdfplumber(tmp_path):
    """Our O(n log n) duplicate removal keeps exactly the characters pdfplumber's keeps, in its order."""
    import pdfplumber
    from pdfplumber.utils import dedupe_chars as reference

    from pipeline.read.pdf import dedupe_chars

    fx.require_fonts()
    path = fx.write_decree(tmp_path / "decree.pdf")
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            chars = page.chars + [dict(c, x0=c["x0"] + 0.3) for c in page.chars[::7]]  # fake bold copies
            assert dedupe_chars(chars) == reference(chars)


@pytest.mark.parametrize("seed", range(4))
def test_fast_dedupe_matches_pdfplumber_on_crowded_chars(seed):
    """Chains, ties and near-misses: characters packed within a few tolerances of each other."""
    import random

    from pdfplumber.utils import dedupe_chars as reference

    from pipeline.read.pdf import dedupe_chars

    rng = random.Random(seed)
    chars = []
    for _ in range(400):
        top = rng.choice([rng.uniform(0, 6), rng.randint(0, 6) * 0.5])  # some exact ties
        x0 = rng.choice([rng.uniform(0, 8), rng.randint(0, 8) * 0.5])
        chars.append({"text": rng.choice("aăâ"), "fontname": rng.choice(["F1", "F2"]), "size": rng.choice([12.0, 13.0]),
                      "upright": rng.random() < 0.9, "doctop": top, "top": top, "x0": x0})
    assert dedupe_chars(chars) == reference(chars)
    assert dedupe_chars([]) == []


def test_a_list_item_tabbed_to_a_second_column_is_one_line(tmp_path):
    """"- Ông. Vũ Việt Linh <tab> - Chuyên viên phòng …" (a name and a position, the position tabbed): one line,
    not a two-column block read left then right; the header's two columns still come apart."""
    fx.require_fonts()
    pdf = fx._new_pdf(running=False)
    pdf.add_page()
    fx._text(pdf, 20, 20, "ỦY BAN NHÂN DÂN TỈNH LÀO CAI", 12, bold=True)
    fx._text(pdf, 110, 20, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, bold=True)
    fx._text(pdf, 20, 40, "1. Đại diện Sở Công Thương", 13)
    fx._text(pdf, 25, 48, "- Ông. Vũ Việt Linh", 13)
    fx._text(pdf, 90, 48, "- Chuyên viên phòng Quản lý Công nghiệp;", 13)
    fx._text(pdf, 25, 56, "- Ông. Triệu Vũ - Phó Chủ tịch xã", 13)
    path = tmp_path / "list.pdf"
    pdf.output(str(path))
    texts = [line.text for line in read_pdf(path).lines]
    assert "- Ông. Vũ Việt Linh - Chuyên viên phòng Quản lý Công nghiệp;" in texts
    assert "ỦY BAN NHÂN DÂN TỈNH LÀO CAI" in texts and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts
