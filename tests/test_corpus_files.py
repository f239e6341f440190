"""The real files of ../shared/corpus/files through the whole pipeline (skipped when absent).

Text-layer PDFs and DOCX must give the right number, date and type, and items in
reading order; so must a PDF with a broken font map and Word 97 files typed in
TCVN3 and VNI, once repaired.
"""
from __future__ import annotations

import pytest

from pipeline.document import extract_document
from pipeline.segment.patterns import match_enumerator
from tests.helpers import SHARED

FILES = SHARED / "corpus" / "files"
pytestmark = pytest.mark.skipif(not FILES.is_dir(), reason="../shared/corpus/files absent")

TEXT_LAYER = {
    # file: (doc_type, number, issued_date, first item paths)
    "laocai_qd2170_2026_ctdt_kcn_ban_qua.pdf": ("quyet_dinh", "2170/QĐ-UBND", "2026-06-23", ["Điều 1", "Điều 1.1"]),
    "laocai_qd1696_2026_uy_quyen.pdf": ("quyet_dinh", "1696/QĐ-UBND", "2026-05-15", ["Điều 1", "Điều 1.¶1"]),
    "laocai_cv_ubnd_chi_dao_vlncn_2026.pdf": ("cong_van", "193/UBND-KT", "2026-01-10", ["1", "1.a", "1.b"]),
    # drafts: the number and the day are left blank for the signing office to fill in
    "laocai_kh_ubnd_2026_chi_thi11_khoang_san_DRAFT.docx": ("ke_hoach", None, None, ["I", "I.1", "I.1.-1"]),
    "laocai_kh_sct_2026_de_an08_cong_nghiep_EXAMPLE.docx": ("ke_hoach", None, None, ["I", "I.1", "I.1.¶1"]),
    "laocai_qd16_2026_quy_che_ccn_OCR.txt": ("quyet_dinh", "16/2026/QĐ-UBND", "2026-02-25", ["Điều 1", "Điều 2"]),
}


@pytest.fixture(scope="module")
def documents():
    return {name: extract_document(FILES / name) for name in TEXT_LAYER if (FILES / name).exists()}


@pytest.mark.parametrize("name", sorted(TEXT_LAYER))
def test_header_fields(documents, name):
    doc_type, number, issued, _ = TEXT_LAYER[name]
    info = documents[name].document
    assert (info.doc_type, info.number, info.issued_date) == (doc_type, number, issued)
    assert info.issuer and "Lào Cai" in info.issuer + (info.parent_issuer or "")


@pytest.mark.parametrize("name", sorted(TEXT_LAYER))
def test_items_read_in_order(documents, name):
    document = documents[name]
    body = [i for i in document.items if i.kind != "table_row"]
    assert [i.path for i in body[: len(TEXT_LAYER[name][3])]] == TEXT_LAYER[name][3]
    # reading order: spans only move forward, and siblings of one list count up
    spans = [i.span[0] for i in document.items]
    assert spans == sorted(spans)
    by_id = {i.id: i for i in document.items}
    for item in body:
        assert item.parent is None or by_id[item.parent].span[0] < item.span[0]
    articles = [int(i.path.split()[-1]) for i in body if i.kind == "article" and i.parent is None]
    assert articles == sorted(articles)
    # no header, signature or receivers text leaked into the body
    texts = " ".join(i.text for i in body)
    assert "CỘNG HÒA XÃ HỘI" not in texts and "Nơi nhận" not in texts


def test_signers_are_found(documents):
    signers = {name: doc.document.signer for name, doc in documents.items()}
    assert all(s is not None and s.name for s in signers.values()), signers


def test_pdf_items_carry_page_and_box(documents):
    document = documents["laocai_qd2170_2026_ctdt_kcn_ban_qua.pdf"]
    assert document.document.source.pages == 9
    assert all(i.bbox is not None and 1 <= i.page <= 9 for i in document.items)
    assert max(i.page for i in document.items) > 1


REPAIRED = {
    # a PDF whose fonts map to the wrong letters, repaired from its own text layer
    "laocai_kh1105_2026_kiem_tra_vlncn_GARBLED.pdf": ("ke_hoach", "1105/KH-ĐKT", "2026-03-10", "Kiểm tra việc chấp hành"),
    # Word 97 files typed in legacy fonts; each is a regulation issued by a decision, whose number it takes
    "angiang_qd522_2002_uu_dai_dau_tu_TCVN3.doc": ("quy_dinh", "522/2002/QĐ.UB", "2002-03-07", "Chính sách khuyến khích"),
    "camau_qd05_2006_doi_kiem_tra_814_VNI.doc": ("quy_dinh", "05/2006/QĐ-UBND", "2006-01-25", "VỀ CHỨC NĂNG, NHIỆM VỤ"),
}


@pytest.mark.parametrize("name", sorted(REPAIRED))
def test_repaired_files_give_their_header_and_items(name):
    from pipeline.read.legacy import find_soffice

    if name.endswith(".doc") and not find_soffice():
        pytest.skip("LibreOffice (soffice) is not installed")
    document = extract_document(FILES / name)
    doc_type, number, issued, title = REPAIRED[name]
    info = document.document
    assert (info.doc_type, info.number, info.issued_date) == (doc_type, number, issued)
    assert info.title.startswith(title)
    assert len([i for i in document.items if i.kind != "table_row"]) > 40
    if name.endswith(".doc"):
        assert "number" in info.inferred  # from "(Ban hành kèm theo Quyết định số ...)"
    from pipeline.repair.syllables import syllable_validity

    assert syllable_validity(" ".join(i.text for i in document.items)) >= 0.95


def test_enumerator_is_never_left_in_item_text(documents):
    for document in documents.values():
        for item in document.items:
            if item.kind != "table_row" and item.enumerator:
                assert not item.text.startswith(item.enumerator)
                assert match_enumerator(item.enumerator + " X") is not None


def test_scanned_decision_with_a_handwritten_number():
    """The scan's printed text is read; its handwritten number and day are flagged, not guessed."""
    from pipeline.read.ocr import tesseract_available

    if not tesseract_available("vie"):
        pytest.skip("tesseract with 'vie' not installed")
    document = extract_document(FILES / "bct_cuchoachat_qd26_2026_xphc_SCAN_badOCR.pdf")
    info = document.document
    assert info.doc_type == "quyet_dinh" and info.title == "Xử phạt vi phạm hành chính"
    assert info.number is None and info.number_raw.endswith("/QĐ-XPVPHC")
    assert info.place == "Hà Nội" and info.parent_issuer == "Bộ Công Thương"
    assert sum(1 for i in document.items if i.path.startswith("Điều")) > 10
    assert any("stamp, signature or handwriting" in w for w in document.warnings)
    # The stamps' noise is dropped before layout (the red one painted out) or left for review, never trusted.
    from pipeline.dataset.tables import REVIEW_THRESHOLD
    from pipeline.repair.syllables import syllable_validity

    assert all(i.confidence < REVIEW_THRESHOLD for i in document.items if syllable_validity(i.text) < 0.5)
