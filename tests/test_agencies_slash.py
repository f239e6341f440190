"""Agencies written with a slash: two full names are two bodies; alternatives after one head are one body.

"Sở Tài chính/Sở Tư pháp" names two departments; "Ủy ban nhân dân các huyện/thị xã/thành phố"
and "Phòng Văn hóa/Thông tin" name one body (the administrative-unit or name alternatives after a
single head). A "/" inside a document number ("12/QĐ-UBND") joins nothing. The sentences are made up.
"""
from __future__ import annotations

from pipeline.extract.agencies import extract_agencies


def roles(text: str) -> list[tuple[str, str]]:
    return [(a.role, a.raw) for a in extract_agencies(text)]


def test_two_full_names_joined_by_a_slash_are_two_agencies_sharing_the_role():
    text = "Sở Tài chính/Sở Kế hoạch và Đầu tư chủ trì, phối hợp với các đơn vị liên quan tham mưu bố trí kinh phí."
    assert roles(text)[:2] == [("lead", "Sở Tài chính"), ("lead", "Sở Kế hoạch và Đầu tư")]
    for a in extract_agencies(text):
        assert text[a.span[0]:a.span[1]] == a.raw


def test_a_slash_after_an_administrative_level_still_starts_the_next_agency():
    assert roles("Công an tỉnh/Bộ Chỉ huy Quân sự tỉnh phối hợp thực hiện.") == [
        ("support", "Công an tỉnh"), ("support", "Bộ Chỉ huy Quân sự tỉnh")]
    assert roles("UBND tỉnh/Sở Tài chính chủ trì bố trí kinh phí.") == [("lead", "UBND tỉnh"), ("lead", "Sở Tài chính")]
    assert roles("Ban Quản lý dự án/UBND xã chủ trì giải phóng mặt bằng.") == [
        ("lead", "Ban Quản lý dự án"), ("lead", "UBND xã")]
    assert roles("Sở Nội vụ chủ trì, phối hợp với Kho bạc Nhà nước tỉnh/Sở Tư pháp thẩm định hồ sơ.") == [
        ("lead", "Sở Nội vụ"), ("support", "Kho bạc Nhà nước tỉnh"), ("support", "Sở Tư pháp")]


def test_administrative_unit_alternatives_after_one_head_are_one_agency():
    assert roles("Giao UBND các huyện/thị xã/thành phố tổ chức triển khai Kế hoạch này.") == [
        ("assignee", "UBND các huyện/thị xã/thành phố")]
    assert roles("Ủy ban nhân dân huyện/thành phố chủ trì rà soát, báo cáo.") == [
        ("lead", "Ủy ban nhân dân huyện/thành phố")]
    assert roles("Trung tâm Y tế huyện/thị xã/thành phố chủ trì tổ chức tiêm chủng.") == [
        ("lead", "Trung tâm Y tế huyện/thị xã/thành phố")]


def test_name_alternatives_after_one_head_are_one_agency():
    assert roles("Phòng Văn hóa/Thông tin chủ trì tổ chức tuyên truyền.") == [("lead", "Phòng Văn hóa/Thông tin")]


def test_a_known_department_keeps_its_administrative_level():
    # the level belongs to the name, so the role cue after it is the department's
    assert roles("Sở Y tế tỉnh chủ trì, phối hợp với Phòng Tư pháp cấp huyện thực hiện.") == [
        ("lead", "Sở Y tế tỉnh"), ("support", "Phòng Tư pháp cấp huyện")]
    assert roles("3. Sở Y tế tỉnh, thành phố trực thuộc trung ương có trách nhiệm:") == [
        ("assignee", "Sở Y tế tỉnh, thành phố trực thuộc trung ương")]
    assert roles("Sở Y tế tỉnh, Công an tỉnh chủ trì kiểm tra.") == [("lead", "Sở Y tế tỉnh"), ("lead", "Công an tỉnh")]


def test_document_numbers_with_a_slash_are_not_agencies():
    text = ("Sở Y tế chủ trì triển khai Quyết định số 12/QĐ-UBND ngày 05/01/2026 và Thông tư số 06/2026/TT-BTC, "
            "báo cáo kết quả theo Công văn số 301/SYT-NV.")
    assert roles(text) == [("lead", "Sở Y tế")]
