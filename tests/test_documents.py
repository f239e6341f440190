"""Generated PDF and DOCX decrees through the whole pipeline: the same structure whatever the format."""
from __future__ import annotations

import pytest

from pipeline.document import extract_document
from tests import pdf_fixtures
from tests.docx_fixtures import build_plan_docx
from tests.helpers import by_path


@pytest.fixture(scope="module")
def pdf_document(tmp_path_factory):
    pdf_fixtures.require_fonts()
    return extract_document(pdf_fixtures.write_decree(tmp_path_factory.mktemp("pdf") / "decree.pdf"))


@pytest.fixture(scope="module")
def docx_document(tmp_path_factory):
    return extract_document(build_plan_docx(tmp_path_factory.mktemp("docx") / "plan.docx"))


def test_pdf_decree_header(pdf_document):
    info = pdf_document.document
    assert (info.doc_type, info.number, info.issued_date) == ("quyet_dinh", "12/QĐ-UBND", "2024-03-05")
    assert info.issuer == "Ủy ban nhân dân tỉnh An Phú" and info.place == "Hà Nội"
    assert info.title == "Về việc ban hành Kế hoạch thí điểm số hóa hồ sơ"
    assert info.signer.name == "Trần Văn Bình"
    assert info.source.format == "pdf" and info.source.pages == 2


def test_pdf_decree_body_across_pages(pdf_document):
    items = by_path(pdf_document)
    assert [i.path for i in pdf_document.items if i.kind == "article"] == ["Điều 1", "Điều 2", "Điều 3", "Điều 4"]
    # a sentence broken over two lines in the PDF is one item
    assert items["Điều 2.¶1"].text.startswith("Giao Sở Khoa học và Công nghệ chủ trì")
    assert items["Điều 2.¶1"].text.endswith(pdf_fixtures.WRAPPED_TEXT.split()[-1])
    assert items["Điều 4"].page == 2
    rows = [i for i in pdf_document.items if i.kind == "table_row"]
    assert [r.text for r in rows] == ["Khảo sát hiện trạng", "Xây dựng cơ sở dữ liệu", "Đánh giá, tổng kết"]
    assert rows[0].cells == {"Thời hạn": "Quý II/2024"} and rows[0].page == 2
    # page furniture never reaches the items
    texts = " ".join(i.text for i in pdf_document.items)
    assert pdf_fixtures.RUNNING_HEADER not in texts
    for item in pdf_document.items:
        assert item.bbox is not None


def test_docx_plan_with_word_numbering(docx_document):
    info = docx_document.document
    assert (info.doc_type, info.number, info.issued_date) == ("ke_hoach", "45/KH-UBND", "2026-03-12")
    items = by_path(docx_document)
    assert items["I"].text == "MỤC ĐÍCH, YÊU CẦU" and items["I"].kind == "section"
    assert items["I.1.b.(1)"].text == "Kết nối mạng cho 120 điểm thư viện;"
    assert items["I.1.b.(1)"].quantities[0].value == 120
    assert items["II.1.a.-1.+1"].parent == items["II.1.a.-1"].id
    rows = [i for i in docx_document.items if i.kind == "table_row"]
    assert [r.path for r in rows] == ["1", "2", "3"]
    # a two-level header ("Thời gian" over "Bắt đầu | Kết thúc") names both columns
    assert rows[0].cells["Thời gian - Kết thúc"] == "Quý IV/2026"
    assert rows[0].cells["Đơn vị chủ trì"] == "Sở Văn hóa, Thể thao và Du lịch"
