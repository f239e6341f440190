"""Legacy-encoded texts and documents made in the tests (nothing is copied from real files).

The encoders turn Unicode into what a 1990s Vietnamese office typed, using
inverse tables built from :mod:`pipeline.repair.legacy_encodings`' own tables;
the builders put such text into Word, RTF, Excel and PDF files, the old
formats made by LibreOffice from files python-docx and openpyxl write.
"""
from __future__ import annotations

import unicodedata
from pathlib import Path

from pipeline.repair.legacy_encodings import TCVN3_TABLE, VISCII_TABLE, VNI_LETTERS, VNI_MARKS


def encode_tcvn3(text: str) -> str:
    """Lower-case letters and Ă Â Ê Ô Ơ Ư Đ from the table; toned capitals as lower-case codes
    (what a typist using .VnTime gets), so only lower-case/mixed-case text round-trips exactly."""
    inverse = {letter: ch for ch, letter in TCVN3_TABLE.items() if ord(ch) <= 0xFF}
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch in inverse:
            out.append(inverse[ch])
        elif ch.lower() in inverse and ch.isupper():
            out.append(inverse[ch.lower()])
        else:
            out.append(ch)
    return "".join(out)


def encode_viscii(text: str) -> str:
    inverse = {letter: ch for ch, letter in VISCII_TABLE.items() if ord(ch) <= 0xFF}
    return "".join(inverse.get(ch, ch) for ch in unicodedata.normalize("NFC", text))


def encode_vni(text: str) -> str:
    letters = {letter: ch for ch, letter in VNI_LETTERS.items()}
    marks = {marks: ch for ch, marks in VNI_MARKS.items() if ch.islower()}
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch in letters:
            out.append(letters[ch])
            continue
        decomposed = unicodedata.normalize("NFD", ch)
        base, extra = decomposed[0], decomposed[1:]
        if not extra or not base.isalpha():
            out.append(ch)
            continue
        horn = "\u031b" in extra
        quality = next((m for m in extra if m in "\u0302\u0306"), "")
        tone = next((m for m in extra if m in "\u0300\u0301\u0303\u0309\u0323"), "")
        if horn:  # ơ / ư are single codes in VNI
            base = letters[unicodedata.normalize("NFC", base + "\u031b")]
        elif base in "iI" and tone:  # toned i are single codes (or Latin-1 ì í)
            out.append(letters.get(ch, ch))
            continue
        mark = marks[(quality, tone)] if (quality or tone) else ""
        out.append(base + (mark.upper() if base.isupper() else mark))
    return "".join(out)


ENCODERS = {"tcvn3": encode_tcvn3, "vni": encode_vni, "viscii": encode_viscii}


def rtf_escape(text: str) -> bytes:
    """RTF for 8-bit legacy text: every code above 0x7F as \\'hh (as Word 97 writes it)."""
    out = []
    for ch in text:
        code = ord(ch)
        if ch in "\\{}":
            out.append("\\" + ch)
        elif code > 0x7F:
            if code > 0xFF:
                raise ValueError(f"not an 8-bit character: {ch!r}")
            out.append(f"\\'{code:02x}")
        else:
            out.append(ch)
    return "".join(out).encode("ascii")


# --------------------------------------------------------------------------
# A Word document mixing TCVN3, VNI and Unicode (python-docx, then LibreOffice -> .doc)
# --------------------------------------------------------------------------
MIXED_HEADING = "Quyết định"  # a short line in .VnTimeH: printed, and read, in capitals
MIXED_TCVN3 = "Giao Sở Kế hoạch và Đầu tư chủ trì, phối hợp với các sở, ngành thực hiện."
MIXED_VNI = "Ủy ban nhân dân các huyện báo cáo kết quả trước ngày 30 tháng 6 năm 2005."
MIXED_UNICODE = "Thông báo này được gửi đến các đơn vị có liên quan."
# One paragraph, three runs: TCVN3, VNI, Unicode
MIXED_RUNS = ("Điều 2. Quyết định này ", "có hiệu lực thi hành ", "kể từ ngày ký.")
# Typed in Unicode while .VnTime was selected (letters no 8-bit code gives): left alone
UNICODE_IN_LEGACY_FONT = "Đề nghị các đơn vị thực hiện đúng thời hạn."
# A word with "ư", TCVN3 byte 0xAD, which Word and LibreOffice take for a soft hyphen
SOFT_HYPHEN_WORDS = "Trưởng phòng, nước, thương mại, tư vấn"
TABLE = [
    ["STT", "Nội dung nhiệm vụ", "Đơn vị chủ trì"],
    ["1", "Rà soát thủ tục hành chính", "Sở Tư pháp"],
    ["2", "Xây dựng cơ sở dữ liệu đất đai", "Sở Tài nguyên và Môi trường"],
]


TABLE_AFTER = "Nơi nhận: như Điều 3."


def build_mixed_docx(path: Path) -> Path:
    """A .docx whose runs are set in .VnTimeH, .VnTime, VNI-Times and Times New Roman."""
    import docx

    document = docx.Document()

    def paragraph(*runs: tuple[str, str]):
        p = document.add_paragraph()
        for text, font in runs:
            run = p.add_run(text)
            run.font.name = font
        return p

    paragraph((encode_tcvn3(MIXED_HEADING), ".VnTimeH"))
    paragraph((encode_tcvn3(MIXED_TCVN3), ".VnTime"))
    paragraph((encode_vni(MIXED_VNI), "VNI-Times"))
    paragraph((MIXED_UNICODE, "Times New Roman"))
    paragraph((encode_tcvn3(MIXED_RUNS[0]), ".VnTime"), (encode_vni(MIXED_RUNS[1]), "VNI-Times"), (MIXED_RUNS[2], "Arial"))
    paragraph((UNICODE_IN_LEGACY_FONT, ".VnTime"))
    paragraph((encode_tcvn3(SOFT_HYPHEN_WORDS), ".VnTime"))
    table = document.add_table(rows=len(TABLE), cols=len(TABLE[0]))
    table.style = "Table Grid"
    for r, row in enumerate(TABLE):
        for c, value in enumerate(row):
            cell_paragraph = table.cell(r, c).paragraphs[0]
            run = cell_paragraph.add_run(encode_tcvn3(value))
            run.font.name = ".VnTime"
    paragraph((encode_tcvn3(TABLE_AFTER), ".VnTime"))  # Word ends a document with a paragraph
    document.save(path)
    return path


# --------------------------------------------------------------------------
# RTF with a footnote, in TCVN3
# --------------------------------------------------------------------------
FOOTNOTE_BODY = ["Điều 1. Ban hành kèm theo Quyết định này Quy chế quản lý.", "Điều 2. Quyết định có hiệu lực thi hành."]
FOOTNOTE_TEXT = "Quy chế được sửa đổi theo Quyết định số 15/2004/QĐ-UB."


def build_footnote_rtf(path: Path) -> Path:
    body_1, body_2 = (rtf_escape(encode_tcvn3(t)) for t in FOOTNOTE_BODY)
    note = rtf_escape(encode_tcvn3(FOOTNOTE_TEXT))
    path.write_bytes(
        rb"{\rtf1\ansi\deff0{\fonttbl{\f0 .VnTime;}}\f0\fs26 "
        + body_1 + rb"{\super\chftn}{\footnote\pard\plain\f0\fs20{\super\chftn} " + note + rb"}\par "
        + body_2 + rb"\par}"
    )
    return path


# --------------------------------------------------------------------------
# A workbook with TCVN3 cells (openpyxl, then LibreOffice -> .xls)
# --------------------------------------------------------------------------
SHEET_TITLE = "Phụ lục: Danh mục nhiệm vụ năm 2005"
SHEET_HEADER = [["STT", "Nội dung", "Thời gian", "", "Kinh phí"], ["", "", "Bắt đầu", "Kết thúc", ""]]
SHEET_ROWS = [
    [1, "Điều tra hiện trạng môi trường nước", "Quý I/2005", "Quý III/2005", 150],
    [2, "Tập huấn cán bộ cấp xã", "Tháng 4/2005", "Tháng 6/2005", 75.5],
]


def build_tcvn3_xlsx(path: Path) -> Path:
    """A sheet typed in .VnTime: a merged title, a two-level merged header, two rows of tasks."""
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "PL1"
    font = Font(name=".VnTime")

    def put(row: int, column: int, value) -> None:
        cell = sheet.cell(row=row, column=column, value=encode_tcvn3(value) if isinstance(value, str) else value)
        cell.font = font

    put(1, 1, SHEET_TITLE)
    sheet.merge_cells("A1:E1")
    for r, row in enumerate(SHEET_HEADER, start=3):
        for c, value in enumerate(row, start=1):
            if value:
                put(r, c, value)
    for merged in ("A3:A4", "B3:B4", "C3:D3", "E3:E4"):
        sheet.merge_cells(merged)
    for r, row in enumerate(SHEET_ROWS, start=5):
        for c, value in enumerate(row, start=1):
            put(r, c, value)
    book.save(path)
    return path


# --------------------------------------------------------------------------
# A PDF whose text layer keeps TCVN3 and VNI codes, drawn by fonts named .VnTime / VNI-Times
# --------------------------------------------------------------------------
PDF_LINES = [  # (font resource, encoding, text)
    ("F1", "tcvn3", "Quyết định về việc thành lập Ban chỉ đạo"),
    ("F2", "vni", "Điều 1. Thành lập Ban chỉ đạo thực hiện đề án"),
    ("F1", "tcvn3", "Trưởng ban chịu trách nhiệm trước ủy ban nhân dân tỉnh"),
    ("F3", "tcvn3", "Các thành viên làm việc theo chế độ kiêm nhiệm và hưởng phụ cấp"),
    ("F4", None, "Decision 12/2005"),
]


def legacy_pdf_bytes() -> bytes:
    """A one-page PDF: .VnTime (F1), VNI-Times (F2), a subset font with no legacy name holding
    TCVN3 (F3, found by detection) and Helvetica (F4). WinAnsi encoding: each code is one byte."""
    from tests.pdf_fixtures import minimal_pdf

    encoders = {"tcvn3": encode_tcvn3, "vni": encode_vni, None: lambda t: t}
    content = []
    y = 760
    for font, encoding, text in PDF_LINES:
        raw = encoders[encoding](text)
        # Producers name TCVN3's byte 0xAD ("ư") "minus" (it comes back as U+2212) or "hyphen".
        escaped = raw.encode("latin-1").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
        content.append(b"BT /%s 11 Tf 60 %d Td (%s) Tj ET" % (font.encode(), y, escaped))
        y -= 24
    stream = b"\n".join(content)
    widths = b"[" + b" ".join(b"500" for _ in range(32, 256)) + b"]"

    def font(name: bytes, descriptor: int) -> bytes:
        return (b"<< /Type /Font /Subtype /Type1 /BaseFont /" + name + b" /FontDescriptor %d 0 R" % descriptor
                + b" /Encoding << /BaseEncoding /WinAnsiEncoding /Differences [173 /minus] >>"
                + b" /FirstChar 32 /LastChar 255 /Widths " + widths + b" >>")

    def descriptor(name: bytes) -> bytes:
        return (b"<< /Type /FontDescriptor /FontName /" + name + b" /Flags 32 /FontBBox [0 -200 1000 900]"
                b" /ItalicAngle 0 /Ascent 900 /Descent -200 /CapHeight 700 /StemV 80 >>")

    names = [b"BADEPR+.VnTime", b"CCBOEA+VNI-Times,Bold", b"QWERTY+F3"]
    return minimal_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R /F2 6 0 R /F3 7 0 R /F4 8 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        *(font(name, 9 + i) for i, name in enumerate(names)),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        *(descriptor(name) for name in names),
    ])
