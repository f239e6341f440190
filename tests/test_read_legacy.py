"""Tests for the legacy .doc / .rtf reader (LibreOffice conversion + encoding repair).

The real-file tests read /work/shared/corpus/files (never copied into the repo)
and skip when it or LibreOffice is absent.
"""
import os
from pathlib import Path

import pytest

from pipeline.errors import ReadError
from pipeline.read import legacy
from pipeline.read.legacy import find_soffice, read_legacy
from pipeline.repair.metrics import diacritic_accuracy

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "files"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

needs_soffice = pytest.mark.skipif(find_soffice() is None, reason="LibreOffice (soffice) not installed")


def _text(raw) -> str:
    return "\n".join(line.text for line in raw.lines)


@needs_soffice
@pytest.mark.parametrize(
    "stem, encoding",
    [
        ("angiang_qd522_2002_uu_dai_dau_tu_TCVN3", "tcvn3"),
        ("camau_qd05_2006_doi_kiem_tra_814_VNI", "vni"),
    ],
)
def test_real_legacy_doc_matches_its_transcript(stem, encoding):
    doc, truth = CORPUS / f"{stem}.doc", CORPUS / f"{stem}.groundtruth.txt"
    if not (doc.is_file() and truth.is_file()):
        pytest.skip(f"{doc.name} not available")
    raw = read_legacy(doc)
    accuracy = diacritic_accuracy(truth.read_text(encoding="utf-8"), _text(raw))
    print(f"{stem}: diacritic accuracy {accuracy:.4f}")
    assert accuracy >= 0.99
    assert raw.format == "doc"
    assert raw.warnings and raw.warnings[0].startswith(f"legacy encoding repaired: {encoding}")


@needs_soffice
def test_rtf_with_legacy_fonts(tmp_path):
    rtf = (
        rb"{\rtf1\ansi\deff0{\fonttbl{\f0 .VnTime;}{\f1 VNI-Times;}{\f2 Times New Roman;}{\f3 .VnTimeH;}}"
        rb"\f3 c\'e9ng h\'dfa\par"
        rb"\f3 c\'e9ng h\'dfa x\'b7 h\'e9i ch\'f1 ngh\'dca vi\'d6t nam\par"
        rb"\f0 Quy\'d5t \'ae\'deNH s\'e8 12, \'ad\'acng\par"
        rb"\f1 Vie\'e4t Nam\par"
        rb"\f2 C\u7897?ng h\u242?a\par}"
    )
    path = tmp_path / "sample.rtf"
    path.write_bytes(rtf)
    raw = read_legacy(path)
    # .VnTimeH draws capitals: a short heading comes out as printed, longer text as typed.
    assert [line.text for line in raw.lines] == [
        "CỘNG HÒA", "cộng hòa xã hội chủ nghĩa việt nam", "Quyết ĐỊNH số 12, ương", "Việt Nam", "Cộng hòa",
    ]
    assert raw.format == "rtf"
    assert raw.warnings[0] == "legacy encoding repaired: tcvn3 (3 paragraphs), vni (1 paragraph)"


@needs_soffice
def test_garbage_doc_is_refused(tmp_path):
    path = tmp_path / "garbage.doc"
    path.write_bytes(OLE2 + os.urandom(4096))
    with pytest.raises(ReadError, match="no Word document stream"):
        read_legacy(path)


@needs_soffice
def test_garbage_that_libreoffice_imports_as_noise_is_refused(tmp_path):
    # A damaged Word file: the stream name is there, the rest is noise LibreOffice imports as text.
    noise = bytes((i * 7919 + 13) % 256 for i in range(6000))
    path = tmp_path / "damaged.doc"
    path.write_bytes(OLE2 + noise[:3000] + "WordDocument".encode("utf-16-le") + noise[3000:])
    with pytest.raises(ReadError):
        read_legacy(path)


def test_not_a_legacy_file(tmp_path):
    path = tmp_path / "note.doc"
    path.write_bytes(b"just some text")
    with pytest.raises(ReadError, match="not a legacy Word"):
        read_legacy(path)
    empty = tmp_path / "empty.doc"
    empty.write_bytes(b"")
    with pytest.raises(ReadError, match="empty file"):
        read_legacy(empty)


def test_missing_soffice_gives_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv(legacy.SOFFICE_ENV, str(tmp_path / "no-such-soffice"))
    path = tmp_path / "a.rtf"
    path.write_bytes(rb"{\rtf1 hello\par}")
    with pytest.raises(ReadError, match="LibreOffice .soffice. is not installed"):
        read_legacy(path)


@pytest.fixture(params=["service", "one-shot"])
def conversion_mode(request, monkeypatch, tmp_path):
    """Both ways LibreOffice runs: the kept instance (UNO bridge) and one process per file."""
    from pipeline.read import office

    monkeypatch.delenv(office.SOCKET_ENV, raising=False)
    if request.param == "one-shot":
        monkeypatch.setenv(office.UNO_PYTHON_ENV, str(tmp_path / "no-python"))
    elif office.find_uno_python() is None:
        pytest.skip("no Python with LibreOffice's UNO bridge (python3-uno)")
    return request.param


@needs_soffice
def test_real_soffice_converts_in_both_modes(tmp_path, conversion_mode):
    path = tmp_path / "a.rtf"
    path.write_bytes(rb"{\rtf1\ansi{\fonttbl{\f0 .VnTime;}}\f0 Quy\'d5t \'ae\'denh s\'e8 5\par}")
    assert [line.text for line in read_legacy(path).lines] == ["Quyết định số 5"]


def test_timeout_kills_the_conversion(tmp_path, monkeypatch, conversion_mode):
    fake = tmp_path / "slow-soffice"
    fake.write_text("#!/bin/sh\nsleep 30\n")
    fake.chmod(0o755)
    monkeypatch.setenv(legacy.SOFFICE_ENV, str(fake))
    monkeypatch.setattr(legacy, "CONVERT_TIMEOUT", 0.5)
    path = tmp_path / "a.rtf"
    path.write_bytes(rb"{\rtf1 hello\par}")
    with pytest.raises(ReadError, match="timed out"):
        read_legacy(path)


def test_converter_that_produces_nothing(tmp_path, monkeypatch, conversion_mode):
    fake = tmp_path / "lazy-soffice"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(0o755)
    monkeypatch.setenv(legacy.SOFFICE_ENV, str(fake))
    path = tmp_path / "a.rtf"
    path.write_bytes(rb"{\rtf1 hello\par}")
    with pytest.raises(ReadError, match="could not convert"):
        read_legacy(path)


# --------------------------------------------------------------------------
# Documents made here: python-docx / openpyxl / RTF, turned into Word 97 and Excel 97 by LibreOffice
# --------------------------------------------------------------------------
def _legacy_copy(source: Path, target: str, tmp_path: Path) -> Path:
    """``source`` saved by LibreOffice in an old format ("doc", "xls"), as a 1990s office would have it."""
    from pipeline.read import office

    work = tmp_path / f"to-{target}"
    work.mkdir()
    produced = office.convert(source, work, target, source.suffix)
    final = tmp_path / f"{source.stem}.{target}"
    produced.rename(final)
    return final


@pytest.fixture(scope="module")
def mixed_doc(tmp_path_factory):
    """A Word 97 file mixing TCVN3, VNI and Unicode runs, a soft-hyphen "ư" and a TCVN3 table."""
    if find_soffice() is None:
        pytest.skip("LibreOffice (soffice) not installed")
    from pipeline.read import read_file
    from tests.legacy_fixtures import build_mixed_docx

    tmp = tmp_path_factory.mktemp("mixed")
    doc = _legacy_copy(build_mixed_docx(tmp / "mixed.docx"), "doc", tmp)
    assert doc.read_bytes().startswith(OLE2)
    return read_file(doc)


def test_mixed_tcvn3_and_vni_runs_each_by_their_font(mixed_doc):
    from tests import legacy_fixtures as fx

    texts = [line.text for line in mixed_doc.lines if line.cells is None]
    assert mixed_doc.format == "doc"
    assert texts[:5] == [
        fx.MIXED_HEADING.upper(),  # a short line in .VnTimeH is read as printed
        fx.MIXED_TCVN3,
        fx.MIXED_VNI,
        fx.MIXED_UNICODE,
        "".join(fx.MIXED_RUNS),  # TCVN3, VNI and Unicode runs in one paragraph
    ]
    assert fx.UNICODE_IN_LEGACY_FONT in texts  # Unicode typed while .VnTime was selected: left alone
    assert mixed_doc.warnings[0].startswith("legacy encoding repaired: tcvn3")
    assert "vni" in mixed_doc.warnings[0]


def test_soft_hyphen_inside_a_word_is_tcvn3_u_horn(mixed_doc):
    # Byte 0xAD is "ư" in TCVN3; Word 97 and LibreOffice keep it as a soft hyphen (<w:softHyphen/>).
    from tests import legacy_fixtures as fx

    assert fx.SOFT_HYPHEN_WORDS in [line.text for line in mixed_doc.lines]


def test_tcvn3_table_rows_with_cells_and_header(mixed_doc):
    from tests import legacy_fixtures as fx

    rows = [line for line in mixed_doc.lines if line.cells is not None]
    assert [row.cells for row in rows] == fx.TABLE
    assert [row.header_row for row in rows] == [True, False, False]
    assert len({row.table for row in rows}) == 1


@needs_soffice
def test_footnote_is_read_after_the_body_and_converted(tmp_path):
    from tests import legacy_fixtures as fx

    raw = read_legacy(fx.build_footnote_rtf(tmp_path / "note.rtf"))
    texts = [line.text for line in raw.lines]
    assert texts == [*fx.FOOTNOTE_BODY, fx.FOOTNOTE_TEXT]  # the note follows the body, Word's story order
    assert not any("footnote" in w for w in raw.warnings)


@needs_soffice
def test_xls_with_tcvn3_cells_is_read_as_table_rows(tmp_path):
    from pipeline.read import read_file
    from tests import legacy_fixtures as fx

    xls = _legacy_copy(fx.build_tcvn3_xlsx(tmp_path / "appendix.xlsx"), "xls", tmp_path)
    assert xls.read_bytes().startswith(OLE2)
    raw = read_file(xls)
    assert raw.format == "xls"
    title, *rows = raw.lines
    assert title.text == fx.SHEET_TITLE and title.cells is None  # the merged title above the table
    assert [row.cells for row in rows] == [
        ["STT", "Nội dung", "Thời gian", "", "Kinh phí"],  # merged header cells: text once, then ""
        ["", "", "Bắt đầu", "Kết thúc", ""],
        ["1", "Điều tra hiện trạng môi trường nước", "Quý I/2005", "Quý III/2005", "150"],
        ["2", "Tập huấn cán bộ cấp xã", "Tháng 4/2005", "Tháng 6/2005", "75.5"],
    ]
    assert [row.header_row for row in rows] == [True, True, False, False]  # "Thời gian" spans two rows
    assert {row.table for row in rows} == {1}


def test_office_conversion_is_refused_past_its_time_limit_and_recovers(tmp_path):
    """The batch's LibreOffice: a file past the limit is refused with a reason, the next file converts."""
    from pipeline.read import office

    if find_soffice() is None or office.find_uno_python() is None:
        pytest.skip("LibreOffice with its Python bridge (python3-uno) not installed")
    rtf = tmp_path / "a.rtf"
    # Long enough that even a warm LibreOffice (started by an earlier test) needs far more than the limit.
    rtf.write_bytes(rb"{\rtf1\ansi{\fonttbl{\f0 .VnTime;}}\f0 " + rb"Quy\'d5t \'ae\'denh\par " * 3000 + b"}")
    service = office.shared_service()
    assert service is not None and service.alive()
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir(), second.mkdir()
    with pytest.raises(ReadError, match="timed out after 0 s"):
        office.convert(rtf, first, "docx", ".rtf", timeout=0.001)
    assert office.convert(rtf, second, "docx", ".rtf").stat().st_size > 0
    assert office.shared_service() is service  # the same bridge, with a fresh LibreOffice behind it


def test_batch_children_use_the_batch_libreoffice(tmp_path, monkeypatch):
    from pipeline import batch
    from pipeline.read import office

    rtf = tmp_path / "a.rtf"
    rtf.write_bytes(rb"{\rtf1 x\par}")
    txt = tmp_path / "a.txt"
    txt.write_text("Kế hoạch", encoding="utf-8")
    assert office.needs_office(rtf) and not office.needs_office(txt)
    assert batch.office_env(txt) is None
    fake = type("Service", (), {"socket_path": "/run/office.sock"})()
    monkeypatch.setattr(office, "shared_service", lambda: fake)
    assert batch.office_env(rtf) == {office.SOCKET_ENV: "/run/office.sock"}


def test_repair_reads_the_soft_hyphen_libreoffice_writes_twice_once(tmp_path):
    """In a drawing's text LibreOffice writes TCVN3's 0xAD as the element *and* as the character."""
    from pipeline.read.docx import read_docx
    from pipeline.read.legacy import repair_docx_encoding
    from tests.docx_fixtures import W_DECL, minimal_docx_members, write_zip

    run = '<w:r><w:rPr><w:rFonts w:ascii=".VnTime" w:hAnsi=".VnTime"/></w:rPr>{}</w:r>'
    body = "".join(
        f"<w:p>{run.format(inner)}</w:p>"
        for inner in (
            "<w:t>TK b</w:t><w:softHyphen/><w:t>\u00adu \u00aei\u00d6n</w:t>",  # element, then the character
            "<w:t>\u00ae\u00c7u t\u00ad</w:t><w:softHyphen/><w:t xml:space=\"preserve\"> n\u00ad\u00edc ngo\u00b5i</w:t>",
            "<w:t>tr</w:t><w:softHyphen/><w:t>\u00eang</w:t>",  # the element alone
        )
    )
    source = write_zip(tmp_path / "in.docx", minimal_docx_members(
        f'<?xml version="1.0" encoding="UTF-8"?><w:document {W_DECL}><w:body>{body}</w:body></w:document>'))
    repair_docx_encoding(source, tmp_path / "out.docx")
    assert [line.text for line in read_docx(tmp_path / "out.docx").lines] == ["TK bưu điện", "đầu tư nước ngoài", "trường"]


def test_pdf_text_layer_in_legacy_fonts_is_converted_by_font(tmp_path):
    from pipeline.read import read_file
    from tests import legacy_fixtures as fx

    path = tmp_path / "legacy.pdf"
    path.write_bytes(fx.legacy_pdf_bytes())
    raw = read_file(path)
    text = " ".join(line.text for line in raw.lines)
    for _, _, sentence in fx.PDF_LINES:  # .VnTime, VNI-Times, an unnamed TCVN3 font, Helvetica
        assert sentence in text
    assert raw.format == "pdf" and all(page.source == "text_layer" for page in raw.pages)


def test_pdf_legacy_font_names():
    from pipeline.read.pdf import legacy_font_name

    assert legacy_font_name("BADEPR+.VnTimeH,Bold") == ".VnTimeH"
    assert legacy_font_name("CCBOEA+VNI-Times-BoldItalic") == "VNI-Times"
    assert legacy_font_name("TimesNewRomanPS-BoldMT") == "TimesNewRomanPS"


def test_repair_covers_insertions_fields_headers_and_fonts_lost(tmp_path):
    """Tracked insertions and field results are text and are converted; deletions and field codes are not
    read; a header part is repaired too; paragraphs whose font names were lost are judged on their own."""
    import zipfile

    from pipeline.read.docx import read_docx
    from pipeline.read.legacy import repair_docx_encoding
    from tests.docx_fixtures import W_DECL, minimal_docx_members, write_zip
    from tests.legacy_fixtures import encode_tcvn3, encode_vni

    vn = '<w:rPr><w:rFonts w:ascii=".VnTime" w:hAnsi=".VnTime"/></w:rPr>'
    inserted = encode_tcvn3("kinh phí từ ngân sách tỉnh")
    body = (
        f'<w:p><w:r>{vn}<w:t xml:space="preserve">{encode_tcvn3("Điều 3. Nguồn ")}</w:t></w:r>'
        f'<w:ins w:id="1" w:author="a"><w:r>{vn}<w:t>{inserted}</w:t></w:r></w:ins>'
        f'<w:del w:id="2" w:author="a"><w:r>{vn}<w:delText>{encode_tcvn3(" đã xóa")}</w:delText></w:r></w:del></w:p>'
        f'<w:p><w:r>{vn}<w:t xml:space="preserve">{encode_tcvn3("Trang ")}</w:t></w:r>'
        f'<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>'
        f'<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r>{vn}<w:t>2</w:t></w:r>'
        f'<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
        # fonts lost (no rFonts at all): one TCVN3 paragraph, one VNI paragraph, one Unicode paragraph
        f'<w:p><w:r><w:t>{encode_tcvn3("Giao Sở Tài chính chủ trì thẩm định dự toán kinh phí thực hiện")}</w:t></w:r></w:p>'
        f'<w:p><w:r><w:t>{encode_vni("Các huyện báo cáo kết quả thực hiện trước ngày 15 hằng tháng")}</w:t></w:r></w:p>'
        '<w:p><w:r><w:t>Cộng hòa xã hội chủ nghĩa Việt Nam</w:t></w:r></w:p>'
    )
    members = minimal_docx_members(
        f'<?xml version="1.0" encoding="UTF-8"?><w:document {W_DECL}><w:body>{body}</w:body></w:document>')
    members["word/header1.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:hdr {W_DECL}><w:p><w:r>{vn}'
        f'<w:t>{encode_tcvn3("Văn phòng Quốc hội")}</w:t></w:r></w:p></w:hdr>')
    source = write_zip(tmp_path / "in.docx", members)
    repaired = tmp_path / "out.docx"
    counts = repair_docx_encoding(source, repaired)
    assert [line.text for line in read_docx(repaired).lines] == [
        "Điều 3. Nguồn kinh phí từ ngân sách tỉnh",
        "Trang 2",
        "Giao Sở Tài chính chủ trì thẩm định dự toán kinh phí thực hiện",
        "Các huyện báo cáo kết quả thực hiện trước ngày 15 hằng tháng",
        "Cộng hòa xã hội chủ nghĩa Việt Nam",
    ]
    assert "Văn phòng Quốc hội" in zipfile.ZipFile(repaired).read("word/header1.xml").decode("utf-8")
    assert counts["tcvn3"] == 3 and counts["vni"] == 1  # "Trang 2" has no code to change


def test_pdf_legacy_font_already_mapped_to_unicode_is_left_alone():
    from pipeline.read.pdf import convert_legacy_font_chars

    def chars(text: str, font: str) -> list[dict]:
        return [{"text": ch, "fontname": font, "x0": 10.0 * i, "x1": 10.0 * i + 9, "top": 100.0, "size": 12.0}
                for i, ch in enumerate(text)]

    unicode_text = chars("Quyết định thành lập", "ABCDEF+.VnTime")  # a producer that wrote a ToUnicode map
    assert convert_legacy_font_chars(unicode_text) == unicode_text
    legacy = convert_legacy_font_chars(chars("Vie\u00e4t Nam", "XYZABC+VNI-Times"))
    assert "".join(c["text"] for c in legacy) == "Việt Nam"
    assert legacy[2]["x1"] == 39.0  # the mark's box joined its letter's


def test_list_numbering_typed_in_a_legacy_font_is_converted(tmp_path):
    """Word prints "Điều 1.", "Điều 2." from a list level whose text is "§iÒu %1." in .VnTime."""
    from pipeline.read.docx import read_docx
    from pipeline.read.legacy import repair_docx_encoding
    from tests.docx_fixtures import W_DECL, minimal_docx_members, write_zip

    vn = '<w:rPr><w:rFonts w:ascii=".VnTime" w:hAnsi=".VnTime"/></w:rPr>'
    numbering = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:numbering {W_DECL}>'
        f'<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
        f'<w:lvlText w:val="\u00a7i\u00d2u %1."/>{vn}</w:lvl></w:abstractNum>'
        '<w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num></w:numbering>'
    )
    item = '<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r>{}<w:t>{}</w:t></w:r></w:p>'
    body = item.format(vn, "Ph\u00b9m vi \u00aei\u00d2u ch\u00d8nh") + item.format(vn, "\u00a7\u00e8i t\u00adîng")
    members = minimal_docx_members(
        f'<?xml version="1.0" encoding="UTF-8"?><w:document {W_DECL}><w:body>{body}</w:body></w:document>')
    members["word/numbering.xml"] = numbering
    source = write_zip(tmp_path / "in.docx", members)
    repair_docx_encoding(source, tmp_path / "out.docx")
    assert [line.text for line in read_docx(tmp_path / "out.docx").lines] == [
        "Điều 1. Phạm vi điều chỉnh", "Điều 2. Đối tượng"]
