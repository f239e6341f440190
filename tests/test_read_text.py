"""The plain-text reader: encodings detected, layout text repaired, binary refused."""
from __future__ import annotations

import pytest

from pipeline.errors import ReadError
from pipeline.read import read_file
from pipeline.read.text import decode_text, is_layout_text, join_wrapped_lines, split_columns
from tests.helpers import to_cp1258

SAMPLE = "Điều 1. Hỗ trợ 100 doanh nghiệp đổi mới công nghệ trong Quý II/2024.\nĐiều 2. Quyết định này có hiệu lực kể từ ngày ký."


def encode(text: str, encoding: str) -> bytes:
    return to_cp1258(text) if encoding == "cp1258" else text.encode(encoding)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1258"])
def test_encodings_are_detected(tmp_path, encoding):
    path = tmp_path / "doc.txt"
    path.write_bytes(encode(SAMPLE, encoding))
    raw = read_file(path)
    text = "\n".join(line.text for line in raw.lines)
    assert "Hỗ trợ 100 doanh nghiệp" in text and "hiệu lực" in text


def test_windows_1258_is_reported():
    text, encoding = decode_text(to_cp1258("Việt Nam và Hà Nội"))
    assert text == "Việt Nam và Hà Nội" and encoding == "cp1258"


def test_form_feed_starts_a_new_page(tmp_path):
    path = tmp_path / "doc.txt"
    path.write_text("Trang một\n\fTrang hai", encoding="utf-8")
    raw = read_file(path)
    assert [p.number for p in raw.pages] == [1, 2]
    assert raw.pages[1].lines[0].text == "Trang hai"


@pytest.mark.parametrize("content, reason", [
    (b"", "empty"),
    (b"   \n\n  ", "no text"),
    (bytes(range(256)) * 40, "binary"),
    (b"\x00\x01\x02\x03" * 500, "binary"),
])
def test_bad_text_files_are_refused(tmp_path, content, reason):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(ReadError, match=reason):
        read_file(path)


def test_names_are_not_trusted(tmp_path):
    jpeg = tmp_path / "scan.pdf"
    jpeg.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 100)
    with pytest.raises(ReadError, match="image"):
        read_file(jpeg)
    not_pdf = tmp_path / "note.pdf"
    not_pdf.write_text("chỉ là văn bản", encoding="utf-8")
    with pytest.raises(ReadError, match="not a PDF"):
        read_file(not_pdf)
    folder = tmp_path / "folder.pdf"
    folder.mkdir()
    with pytest.raises(ReadError, match="a folder, not a file"):
        read_file(folder)


def test_symlinks_are_not_followed(tmp_path):
    target = tmp_path / "real.txt"
    target.write_text(SAMPLE, encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    with pytest.raises(ReadError, match="symbolic"):
        read_file(link)


LAYOUT = [
    "ỦY BAN NHÂN DÂN                  CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    " TỈNH AN LẠC                           Độc lập - Tự do - Hạnh phúc",
    "Số: 7/QĐ-UBND                       An Lạc, ngày 2 tháng 3 năm 2020",
]


def test_two_column_header_is_read_column_by_column():
    assert split_columns(LAYOUT) == [
        "ỦY BAN NHÂN DÂN", "TỈNH AN LẠC", "Số: 7/QĐ-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "An Lạc, ngày 2 tháng 3 năm 2020",
    ]


def test_hard_wrapped_paragraphs_are_joined():
    lines = [
        "     Điều 1. Ban hành kèm theo Quyết định này Quy chế quản lý cụm công",
        "nghiệp trên địa bàn tỉnh.",
        "     1. Sở Công Thương chủ trì, phối hợp với các sở, ngành liên quan tổ chức thực hi-",
        "ện Quy chế.",
        "     a) Đôn đốc các đơn vị.",
        "- Lưu: VT.",
    ]
    assert join_wrapped_lines(lines) == [
        "     Điều 1. Ban hành kèm theo Quyết định này Quy chế quản lý cụm công nghiệp trên địa bàn tỉnh.",
        "     1. Sở Công Thương chủ trì, phối hợp với các sở, ngành liên quan tổ chức thực hiện Quy chế.",
        "     a) Đôn đốc các đơn vị.",
        "- Lưu: VT.",  # a line that starts with an enumerator is never a continuation
    ]


def test_layout_detection_needs_wrapping_and_indents():
    prose = ["Một dòng văn bản bình thường, không bị ngắt theo bề rộng trang."] * 30
    assert not is_layout_text(prose)
    wrapped = (["     Đoạn mở đầu được thụt lề và kéo dài đến gần hết chiều rộng trang in ấn"]
               + ["dòng tiếp theo bị ngắt đúng tại lề phải của trang giấy theo bề rộng cố định"] * 3) * 8
    assert is_layout_text(wrapped)
