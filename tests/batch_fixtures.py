"""Batches of inbox files for the flow tests: good documents of every format, bad ones, hostile ones.

Everything is generated here; texts are decree-style sentences written for the tests.
"""
from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

from tests import pdf_fixtures
from tests.docx_fixtures import build_plan_docx, document_xml, minimal_docx_members, write_zip
from tests.helpers import FIXTURES, to_cp1258

OLD = 1_000_000_000  # an mtime far in the past: the file is "settled"

PLAN_TEMPLATE = """ỦY BAN NHÂN DÂN
TỈNH {province}
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: {number}/KH-UBND
{province_title}, ngày {day} tháng 3 năm 2024
KẾ HOẠCH
Phát triển thương mại điện tử năm 2024
Căn cứ Quyết định số {cited}/QĐ-UBND ngày 02 tháng 01 năm 2024 của Ủy ban nhân dân tỉnh;
I. MỤC TIÊU
1. Hỗ trợ {count} doanh nghiệp tham gia sàn thương mại điện tử trong Quý II/2024.
2. Đào tạo kỹ năng số cho 300 hợp tác xã.
II. TỔ CHỨC THỰC HIỆN
Sở Công Thương chủ trì, phối hợp với các sở, ngành liên quan triển khai Kế hoạch này.
"""


def plan_text(n: int) -> str:
    """A distinct small plan per n (different content, so a different document)."""
    provinces = ["BÌNH AN", "HÒA LẠC", "PHÚ XUÂN", "NAM SƠN", "ĐÔNG HẢI"]
    province = provinces[n % len(provinces)]
    return PLAN_TEMPLATE.format(
        province=province, province_title=province.title(), number=100 + n, day=1 + n % 27,
        cited=500 + n, count=10 * (n + 1),
    )


def keep_writing(path: Path) -> Path:
    """Stamp the file as modified in the future: it stays "being written" for the whole test."""
    import time

    future = time.time() + 3600
    os.utime(path, (future, future))
    return path


def settle(path: Path) -> Path:
    os.utime(path, (OLD, OLD), follow_symlinks=False)
    return path


def write_scanned_decree(path: Path) -> Path:
    """A one-page decree rendered at 200 dpi, slightly rotated, with noise, saved without a text layer."""
    import numpy as np
    import pypdfium2 as pdfium
    from fpdf import FPDF
    from PIL import Image

    pdf_fixtures.require_fonts()
    pdf = FPDF(format="A5")
    pdf.add_font("DejaVu", fname=str(pdf_fixtures.FONT))
    pdf.add_page()
    pdf.set_font("DejaVu", size=11)
    for line in ["QUYẾT ĐỊNH", "Số: 15/QĐ-UBND", "Về việc hỗ trợ doanh nghiệp năm 2024",
                 "Điều 1. Hỗ trợ 120 doanh nghiệp nhỏ và vừa đổi mới công nghệ.",
                 "Điều 2. Quyết định này có hiệu lực kể từ ngày ký."]:
        pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    page = pdfium.PdfDocument(io.BytesIO(bytes(pdf.output())))[0]
    image = page.render(scale=200 / 72, grayscale=True).to_pil().convert("L").rotate(1.0, fillcolor=255)
    noisy = np.asarray(image, dtype=np.float32) + np.random.default_rng(3).normal(0, 8, (image.height, image.width))
    Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8)).save(path, "PDF", resolution=200.0)
    return path


def write_giant_image_pdf(path: Path, side: int = 60000) -> Path:
    """A PDF whose only page draws an image declared as side×side pixels (the data is not really there)."""
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</XObject<</Im0 4 0 R>>>>/Contents 5 0 R>>",
        b"<</Type/XObject/Subtype/Image/Width %d/Height %d/ColorSpace/DeviceGray/BitsPerComponent 8/Length 10>>\n"
        b"stream\n0123456789\nendstream" % (side, side),
        b"<</Length 30>>\nstream\nq 595 0 0 842 0 0 cm /Im0 Do Q\nendstream",
    ]
    path.write_bytes(pdf_fixtures.minimal_pdf(objects))
    return path


def write_zip_bomb_docx(path: Path, megabytes: int = 260) -> Path:
    """A DOCX whose document.xml inflates to more than the reader's limit (it compresses ~1000:1)."""
    members = minimal_docx_members(document_xml("<w:p><w:r><w:t>x</w:t></w:r></w:p>"))
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            if name != "word/document.xml":
                archive.writestr(name, data)
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b" " * (1 << 20)
            for _ in range(megabytes):
                member.write(chunk)
    return path


def write_entity_expansion_docx(path: Path) -> Path:
    """A DOCX whose document.xml declares the 'billion laughs' entities."""
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    dtd = f'<!DOCTYPE w:document [<!ENTITY l0 "ha">{laughs}]>'
    body = "<w:p><w:r><w:t>&l9;</w:t></w:r></w:p>"
    xml = document_xml(body).replace("<w:document", dtd + "<w:document", 1)
    members = minimal_docx_members(xml)
    return write_zip(path, members)


def mixed_batch(inbox: Path) -> dict[str, str]:
    """About 30 files; returns the expected status of each file name ("processed" / "quarantined" / "waiting")."""
    expected: dict[str, str] = {}
    for n in range(18):
        name = f"ke-hoach-{n:02d}.txt"
        (inbox / name).write_text(plan_text(n), encoding="utf-8")
        expected[name] = "processed"
    for name in ("qd-12-ubnd-quy-che.txt", "cv-210-ubnd-phong-chong-lu.txt"):
        (inbox / name).write_bytes((FIXTURES / name).read_bytes())
        expected[name] = "processed"
    pdf_fixtures.write_decree(inbox / "quyet-dinh-12.pdf")
    build_plan_docx(inbox / "ke-hoach-thu-vien.docx")
    write_scanned_decree(inbox / "ban-scan.pdf")
    pdf_fixtures.write_encrypted(inbox / "ban-bao-ve.pdf", user_password="")  # copy-protected, readable
    expected.update({"quyet-dinh-12.pdf": "processed", "ke-hoach-thu-vien.docx": "processed",
                     "ban-scan.pdf": "processed", "ban-bao-ve.pdf": "processed"})
    pdf_fixtures.write_empty(inbox / "rong.pdf")
    pdf_fixtures.write_truncated(inbox / "cat-do.pdf")
    pdf_fixtures.write_encrypted(inbox / "co-mat-khau.pdf", user_password="bi-mat")
    pdf_fixtures.write_jpeg_named_pdf(inbox / "anh-chup.pdf")
    pdf_fixtures.write_no_pages(inbox / "khong-trang.pdf")
    (inbox / "rac.docx").write_bytes(bytes(range(256)) * 16)
    for name in ("rong.pdf", "cat-do.pdf", "co-mat-khau.pdf", "anh-chup.pdf", "khong-trang.pdf", "rac.docx"):
        expected[name] = "quarantined"
    for path in inbox.iterdir():
        settle(path)
    writing = inbox / "dang-ghi.txt"  # a file still being written: its writer keeps touching it
    writing.write_text(plan_text(99)[:200], encoding="utf-8")
    keep_writing(writing)
    expected[writing.name] = "waiting"
    return expected


def hostile_batch(inbox: Path) -> dict[str, str]:
    """Files built to hurt; returns the expected status of each (links and folders are quarantined unread)."""
    expected: dict[str, str] = {}
    write_zip_bomb_docx(inbox / "bom-nen.docx")
    write_entity_expansion_docx(inbox / "thuc-the.docx")
    write_giant_image_pdf(inbox / "anh-khong-lo.pdf")
    pdf_fixtures.write_encrypted(inbox / "mat-khau-mo.pdf", user_password="mo-khoa")
    expected.update({"bom-nen.docx": "quarantined", "thuc-the.docx": "quarantined",
                     "anh-khong-lo.pdf": "quarantined", "mat-khau-mo.pdf": "quarantined"})
    (inbox / "lien-ket.txt").symlink_to("/etc/passwd")
    (inbox / "thu-muc.pdf").mkdir()
    (inbox / "thu-muc.pdf" / "ben-trong.txt").write_text(plan_text(7), encoding="utf-8")
    expected.update({"lien-ket.txt": "quarantined", "thu-muc.pdf": "quarantined"})
    shell = "$(touch pwned).pdf"
    pdf_fixtures.write_decree(inbox / shell)
    pdf_fixtures.write_encrypted(inbox / "chong-sao-chep.pdf", user_password="")
    (inbox / "utf16.txt").write_bytes(plan_text(40).encode("utf-16"))
    (inbox / "windows-1258.txt").write_bytes(to_cp1258(plan_text(41)))
    long_name = "Kế hoạch triển khai chuyển đổi số trong các cơ quan hành chính nhà nước tỉnh năm 2024 (bản chính thức).txt"
    (inbox / long_name).write_text(plan_text(42), encoding="utf-8")
    for name in (shell, "chong-sao-chep.pdf", "utf16.txt", "windows-1258.txt", long_name):
        expected[name] = "processed"
    for path in inbox.iterdir():
        settle(path)
    return expected


def inventory(home: Path) -> dict[str, int]:
    """How many entries each raw_docs folder holds (the error reports and the index excluded)."""
    counts = {}
    for folder in ("inbox", "archive", "quarantine"):
        path = home / "raw_docs" / folder
        entries = [p for p in path.iterdir() if not p.name.endswith(".error.json") and p.name != "index.jsonl"] if path.exists() else []
        counts[folder] = len(entries)
    return counts
