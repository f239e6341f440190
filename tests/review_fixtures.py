"""A small home folder for the review site's tests: two decree-style texts and a generated PDF.

Each file is extracted in-process, written to the dataset and moved to the archive
the way `decree process` does it (rows first, then the original into
raw_docs/archive/<sha256>.<ext>), so page images and `decree rebuild` work on it.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from pipeline.dataset import Dataset
from pipeline.document import extract_document
from pipeline.inbox import Home, archive, archive_name, sha256_of
from tests import pdf_fixtures

PLAN = """ỦY BAN NHÂN DÂN
TỈNH NAM ĐỊNH SƠN
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 45/KH-UBND
Nam Định Sơn, ngày 10 tháng 3 năm 2024

KẾ HOẠCH
Hỗ trợ doanh nghiệp đổi mới sáng tạo năm 2024

Căn cứ Quyết định số 12/QĐ-UBND ngày 05/3/2024 của Ủy ban nhân dân tỉnh về chương trình hỗ trợ doanh nghiệp;

I. MỤC TIÊU
1. Hỗ trợ 3.000 doanh nghiệp đổi mới công nghệ trong Quý III.
2. Đào tạo ít nhất năm mươi cán bộ quản lý vào giữa năm 2025.
3. Phấn đấu thu hút người dân tham gia <script>alert(1)</script> các hoạt động.
II. NHIỆM VỤ
1. Các sở, ngành chủ trì, phối hợp với Sở Tài chính tổ chức hội thảo trước ngày 30/6/2024.
2. Xây dựng cơ sở dữ liệu 200 doanh nghiệp vào đầu năm 2025.
STT\tNội dung\tThời hạn\tĐơn vị chủ trì
1\tKhảo sát nhu cầu\tQuý II/2024\tSở Công Thương
2\tTổ chức tập huấn\tQuý III/2024\tSở Tài chính
III. TỔ CHỨC THỰC HIỆN
Sở Kế hoạch và Đầu tư theo dõi, báo cáo kết quả thực hiện theo quy định của Quyết định số 12/QĐ-UBND.

Nơi nhận:
- Như trên;
- Lưu: VT.
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Nguyễn Văn An
"""

NOTICE = """ỦY BAN NHÂN DÂN
HUYỆN BÌNH AN
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 7/KH-UBND
Bình An, ngày 2 tháng 4 năm 2024

KẾ HOẠCH
Phát triển thương mại điện tử năm 2024

Căn cứ Kế hoạch số 45/KH-UBND ngày 10/3/2024 của Ủy ban nhân dân tỉnh;

I. MỤC TIÊU
1. Đưa 150 hộ kinh doanh lên sàn thương mại điện tử trước ngày 31/12/2024.
2. Tổ chức 12 lớp tập huấn trong năm 2025.

Nơi nhận:
- Như trên;
- Lưu: VT.
CHỦ TỊCH
Trần Thị Bình
"""


def add_file(home: Path, path: Path) -> str:
    """Extract `path`, write its rows and archive it, as `decree process` does. Returns the doc id."""
    root = Home.at(home)
    root.ensure()
    doc_id = sha256_of(path)
    document = extract_document(path)
    Dataset(home).write_document(document, archived_as=archive_name(doc_id, path), original_names=[path.name])
    archive(root, path, doc_id)
    return doc_id


def build_home(home: Path) -> dict[str, str]:
    """Fill `home` with the three documents; returns {"plan": id, "notice": id, "pdf": id}."""
    root = Home.at(home)
    root.ensure()
    files = {
        "plan": root.inbox / "kh-45-ho-tro-doanh-nghiep.txt",
        "notice": root.inbox / "kh-7-thuong-mai-dien-tu.txt",
        "pdf": root.inbox / "qd-12-so-hoa-ho-so.pdf",
    }
    files["plan"].write_text(PLAN, encoding="utf-8")
    files["notice"].write_text(NOTICE, encoding="utf-8")
    pdf_fixtures.write_decree(files["pdf"])
    ids = {name: add_file(home, path) for name, path in files.items()}
    Dataset(home).refresh_views()
    return ids


def copy_home(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target
