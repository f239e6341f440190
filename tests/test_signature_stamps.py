"""Digital-signature stamps ("Ký bởi: ... Thời gian ký: ...") are metadata, not body (issue 12, item 1)."""
from __future__ import annotations

from tests.helpers import document_from_text

BODY = """Số: 152/QĐ-UBND
Lào Cai, ngày 12 tháng 3 năm 2026
QUYẾT ĐỊNH
Về việc ban hành Kế hoạch kiểm tra vật liệu nổ công nghiệp
Điều 1. Ban hành Kế hoạch kiểm tra vật liệu nổ công nghiệp.
Điều 2. Quyết định này có hiệu lực kể từ ngày ký.
"""


def test_two_stamps_a_person_and_an_office_however_their_lines_were_cut():
    stamps = """ỦY BAN NHÂN DÂN TỈNH LÀO CAI
Người ký: Nguyễn Văn An
Email: an@laocai.gov.vn Cơ quan: Ủy ban nhân dân tỉnh Lào Cai
Chức vụ: Phó Chủ tịch
Thời gian ký: 12.03.2026 16:05:12
+07:00
Ký bởi: Ủy ban nhân dân tỉnh Lào Cai
Thời gian ký: 12.03.2026 16:06:00 +07:00
"""
    doc = document_from_text(stamps + BODY)
    person, office = doc.document.digital_signatures
    assert (person.signer, person.email, person.organization, person.position, person.signed_at) == (
        "Nguyễn Văn An", "an@laocai.gov.vn", "Ủy ban nhân dân tỉnh Lào Cai", "Phó Chủ tịch", "2026-03-12T16:05:12+07:00")
    assert (office.signer, office.organization, office.signed_at) == ("Ủy ban nhân dân tỉnh Lào Cai", None,
                                                                      "2026-03-12T16:06:00+07:00")
    # Without a signature block the person the signing tool names is the signer, marked inferred.
    assert doc.document.signer.name == "Nguyễn Văn An" and "signer" in doc.document.inferred
    assert [item.path for item in doc.items] == ["Điều 1", "Điều 2"]
    assert not any("Ký bởi" in item.text or "Thời gian" in item.text for item in doc.items)
    assert doc.document.number == "152/QĐ-UBND" and doc.document.issued_date == "2026-03-12"


def test_an_office_seal_is_not_taken_for_the_signer():
    doc = document_from_text("Ký bởi: Bộ Công Thương\nCơ quan: Bộ Công Thương\nThời gian ký: 02.04.2026 14:24:26 +07:00\n"
                             "BỘ CÔNG THƯƠNG\n" + BODY)
    (stamp,) = doc.document.digital_signatures
    assert stamp.signer == "Bộ Công Thương" and stamp.signed_at == "2026-04-02T14:24:26+07:00"
    assert doc.document.signer is None and "signer" not in doc.document.inferred
