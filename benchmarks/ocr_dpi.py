"""Measure OCR accuracy and speed against rasterisation DPI.

Generates a decree-style Vietnamese page (fpdf2 + DejaVu Sans, text written
here), renders it with pypdfium2 at 150/200/300 dpi, OCRs each render with
:func:`pipeline.read.ocr.ocr_image` and prints seconds per page and the
character error rate (CER, Levenshtein distance / reference length, spaces
collapsed) against the source text.

Run: ``.venv/bin/python benchmarks/ocr_dpi.py``

Result on the development machine (2 cores, tesseract 5.3.0, vie 4.1.0,
--psm 6, one page, OCR time only):

    page              dpi  s/page   CER
    11pt clean        150   1.57   0.00%
    11pt clean        200   1.95   0.00%
    11pt clean        300   2.23   0.00%
    9pt scan-like     150   1.64   1.09%
    9pt scan-like     200   3.21   0.41%
    9pt scan-like     300   3.15   0.09%

Clean text reads perfectly at any DPI; on a degraded small-print page 300 dpi
has a quarter of the errors of 200 dpi for about the same time, so
``DEFAULT_DPI`` in pipeline/read/ocr.py is 300.
"""
from __future__ import annotations

import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.repair.metrics import character_error_rate  # noqa: E402

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

LINES = [
    "ỦY BAN NHÂN DÂN TỈNH AN PHÚ",
    "QUYẾT ĐỊNH",
    "Số: 15/QĐ-UBND, ngày 12 tháng 3 năm 2024",
    "Về việc ban hành Kế hoạch hỗ trợ doanh nghiệp đổi mới sáng tạo",
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
    "Căn cứ Nghị định số 80/2021/NĐ-CP ngày 26 tháng 8 năm 2021 của Chính phủ;",
    "Theo đề nghị của Giám đốc Sở Khoa học và Công nghệ.",
    "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch hỗ trợ doanh nghiệp.",
    "Điều 2. Mục tiêu cụ thể của Kế hoạch đến năm 2025 như sau:",
    "1. Hỗ trợ 120 doanh nghiệp nhỏ và vừa đổi mới công nghệ sản xuất.",
    "2. Đào tạo 350 lượt cán bộ quản lý về quản trị doanh nghiệp số.",
    "3. Phấn đấu 30% doanh nghiệp được hỗ trợ ứng dụng thương mại điện tử.",
    "4. Xây dựng 05 mô hình liên kết chuỗi giá trị nông sản đặc thù.",
    "5. Tổng kinh phí thực hiện khoảng 22,6 tỷ đồng từ ngân sách tỉnh.",
    "Điều 3. Tổ chức thực hiện",
    "a) Sở Khoa học và Công nghệ chủ trì, phối hợp với các sở, ngành liên quan",
    "triển khai Kế hoạch; báo cáo kết quả trước ngày 30 tháng 6 hằng năm.",
    "b) Sở Tài chính bố trí kinh phí theo quy định của pháp luật hiện hành.",
    "c) Sở Kế hoạch và Đầu tư hướng dẫn thủ tục đăng ký doanh nghiệp mới.",
    "d) Ủy ban nhân dân các huyện, thị xã, thành phố phổ biến chính sách",
    "hỗ trợ đến doanh nghiệp, hợp tác xã trên địa bàn quản lý.",
    "Điều 4. Hiệu lực thi hành",
    "Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng Ủy ban",
    "nhân dân tỉnh, Giám đốc các sở, Thủ trưởng các ban, ngành chịu trách",
    "nhiệm thi hành Quyết định này.",
    "Nơi nhận: Như Điều 4; Bộ Khoa học và Công nghệ; Lưu: VT.",
    "TM. ỦY BAN NHÂN DÂN, KT. CHỦ TỊCH, PHÓ CHỦ TỊCH",
    "Nguyễn Văn Thưởng",
    "Phụ lục: danh mục nhiệm vụ ưu tiên giai đoạn 2024 - 2025",
    "Nhiệm vụ thứ nhất: khảo sát hiện trạng ứng dụng khoa học kỹ thuật.",
    "Nhiệm vụ thứ hai: hỗ trợ bảo hộ quyền sở hữu trí tuệ cho 45 sản phẩm.",
    "Nhiệm vụ thứ ba: kết nối cung cầu công nghệ, tổ chức chợ công nghệ.",
    "Nhiệm vụ thứ tư: phát triển thị trường khoa học và công nghệ tỉnh.",
    "Thời gian thực hiện: quý II năm 2024 đến hết quý IV năm 2025.",
    "Kinh phí: ngân sách nhà nước và nguồn vốn xã hội hóa hợp pháp khác.",
    "Đơn vị thực hiện: Trung tâm Ứng dụng tiến bộ khoa học và công nghệ.",
    "Yêu cầu: bảo đảm tiến độ, chất lượng, hiệu quả, tiết kiệm, minh bạch.",
    "Mọi vướng mắc phát sinh được phản ánh kịp thời về Sở Khoa học.",
]


def make_pdf(size: float = 11) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", fname=FONT)
    pdf.add_page()
    pdf.set_font("DejaVu", size=size)
    for line in LINES:
        pdf.cell(0, size * 0.6, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def scan_like(image):
    """A photocopy: slight blur, noise, a 1° tilt."""
    import numpy as np
    from PIL import Image, ImageFilter

    rng = np.random.default_rng(0)
    image = image.convert("L").filter(ImageFilter.GaussianBlur(0.8)).rotate(1.0, fillcolor=255, resample=Image.BICUBIC)
    pixels = np.asarray(image, dtype=np.float32) + rng.normal(0, 25, (image.height, image.width))
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def main() -> None:
    import pypdfium2 as pdfium

    from pipeline.read.ocr import ocr_image

    reference = "\n".join(LINES)
    print(f"{'page':<18} {'dpi':>4} {'s/page':>7} {'CER':>7}")
    for label, size, degrade in (("11pt clean", 11, False), ("9pt scan-like", 9, True)):
        data = make_pdf(size)
        for dpi in (150, 200, 300):
            pdf = pdfium.PdfDocument(io.BytesIO(data))
            image = pdf[0].render(scale=dpi / 72, grayscale=True).to_pil()
            if degrade:
                image = scan_like(image)
            start = time.perf_counter()
            page = ocr_image(image)
            seconds = time.perf_counter() - start
            print(f"{label:<18} {dpi:>4} {seconds:>7.2f} {character_error_rate(reference, page.text):>7.2%}")


if __name__ == "__main__":
    main()
