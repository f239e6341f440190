"""pipeline.extract.agencies: who leads, supports or is assigned an item."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract.agencies import extract_agencies, extract_agencies_from_cells, normalize_agency


def roles(text: str) -> list[tuple[str, str]]:
    return [(a.role, a.normalized) for a in extract_agencies(text)]


def test_lead_then_supports():
    text = "Sở KH&CN chủ trì, phối hợp với Sở Tài chính, Sở Kế hoạch và Đầu tư thực hiện."
    assert roles(text) == [
        ("lead", "Sở Khoa học và Công nghệ"),
        ("support", "Sở Tài chính"),
        ("support", "Sở Kế hoạch và Đầu tư"),
    ]
    for a in extract_agencies(text):
        assert text[a.span[0]:a.span[1]] == a.raw


def test_lead_without_comma_and_cung():
    text = "Văn Phòng Sở chủ trì phối hợp cùng Phòng Kế hoạch và Tài chính thực hiện."
    assert roles(text) == [("lead", "Văn phòng Sở"), ("support", "Phòng Kế hoạch và Tài chính")]


def test_subject_of_phoi_hop_voi_is_assignee():
    text = "Phòng Quản lý Công nghệ phối hợp với các phòng, đơn vị liên quan xây dựng kế hoạch chi tiết."
    assert roles(text) == [("assignee", "Phòng Quản lý Công nghệ"), ("support", "các phòng, đơn vị liên quan")]
    generic = extract_agencies(text)[1]
    assert generic.confidence < 0.7 and "plural or generic body" in generic.reasons


def test_phoi_hop_without_partner_is_support():
    text = "Chi cục Tiêu chuẩn- Đo lường-Chất lượng phối hợp trình Ủy ban nhân dân Thành phố phê duyệt."
    assert roles(text) == [("support", "Chi cục Tiêu chuẩn - Đo lường - Chất lượng")]


def test_giao_x_thuc_hien_and_giao_x_chu_tri():
    assert roles("Ủy ban nhân dân tỉnh giao Sở Y tế thực hiện kiểm tra.") == [("assignee", "Sở Y tế")]
    assert roles("Giao Sở Công Thương chủ trì, phối hợp với UBND các huyện, thành phố tổ chức triển khai.") == [
        ("lead", "Sở Công Thương"),
        ("support", "Ủy ban nhân dân các huyện, thành phố"),
    ]


def test_issuer_is_not_an_agency_of_the_item():
    assert roles("UBND tỉnh yêu cầu các sở, ban, ngành triển khai.") == [("assignee", "các sở, ban, ngành")]


def test_item_starting_with_an_agency():
    text = "Sở Tài chính cân đối, bố trí ngân sách hàng năm cho hoạt động khoa học và công nghệ."
    [a] = extract_agencies(text)
    assert (a.role, a.raw, a.span) == ("assignee", "Sở Tài chính", (0, 12))
    assert roles("Công an tỉnh có trách nhiệm bảo đảm an ninh trật tự.") == [("assignee", "Công an tỉnh")]


def test_heading_that_is_an_agency_name():
    assert roles("Sở Khoa học và Công nghệ") == [("assignee", "Sở Khoa học và Công nghệ")]


def test_plural_assignees():
    text = ("Các Sở, ban, ngành Thành phố, cơ quan, đơn vị có liên quan; Ủy ban nhân dân các quận, huyện "
            "thực hiện Kế hoạch này; định kỳ báo cáo kết quả thực hiện về Sở Khoa học và Công nghệ.")
    got = extract_agencies(text)
    assert [a.raw for a in got] == [
        "Các Sở, ban, ngành Thành phố", "cơ quan, đơn vị có liên quan", "Ủy ban nhân dân các quận, huyện",
    ]
    assert all(a.role == "assignee" and a.confidence <= 0.6 for a in got)


def test_labels():
    text = "Đơn vị chủ trì: Sở Nông nghiệp và PTNT. Đơn vị phối hợp: Sở TN&MT, UBND các huyện."
    assert roles(text) == [
        ("lead", "Sở Nông nghiệp và Phát triển nông thôn"),
        ("support", "Sở Tài nguyên và Môi trường"),
        ("support", "Ủy ban nhân dân các huyện"),
    ]
    assert roles("Cơ quan chủ trì: Sở Nội vụ") == [("lead", "Sở Nội vụ")]
    assert roles("Cơ quan thực hiện: Sở Y tế") == [("assignee", "Sở Y tế")]


def test_parenthesised_lead_in_a_heading():
    text = "CHƯƠNG TRÌNH NGHIÊN CỨU KHOA HỌC (Phòng Quản lý khoa học chủ trì)"
    assert roles(text) == [("lead", "Phòng Quản lý khoa học")]


def test_all_capitals():
    assert roles("SỞ Y TẾ CHỦ TRÌ, PHỐI HỢP VỚI SỞ TÀI CHÍNH") == [("lead", "Sở Y tế"), ("support", "Sở Tài chính")]


def test_names_with_comma_and_hyphen():
    text = "Sở Văn hóa, Thể thao và Du lịch chủ trì, phối hợp với Sở LĐ-TB&XH và Bộ Chỉ huy Quân sự tỉnh thực hiện."
    assert roles(text) == [
        ("lead", "Sở Văn hóa, Thể thao và Du lịch"),
        ("support", "Sở Lao động - Thương binh và Xã hội"),
        ("support", "Bộ Chỉ huy Quân sự tỉnh"),
    ]


def test_support_list_of_generic_bodies():
    text = "Phối hợp với trường đại học, viện nghiên cứu, tổ chức KH&CN tổ chức các hội thảo khoa học."
    [a] = extract_agencies(text)
    assert a.role == "support" and a.raw == "trường đại học, viện nghiên cứu"


@pytest.mark.parametrize("text", [
    "Ban hành quy chế phối hợp.",
    "Phòng, chống dịch bệnh.",
    "Hội nghị tổng kết năm 2018.",
    "Thanh tra, kiểm tra định kỳ việc thực hiện.",
    "Xây dựng kế hoạch, thông qua Sở Tài chính thẩm định và trình Ủy ban nhân dân Thành phố phê duyệt.",
    "Báo cáo kết quả về Sở Khoa học và Công nghệ.",
    "Trường hợp cần thiết, báo cáo Ủy ban nhân dân tỉnh.",
    "",
])
def test_mentions_without_a_role_are_not_agencies(text):
    assert extract_agencies(text) == []


def test_long_name_is_cut_with_low_confidence():
    text = "Trung tâm Nghiên cứu Ứng dụng Chuyển giao Công nghệ Sinh học Nông nghiệp Công nghệ Cao Khu vực Phía Nam chủ trì."
    [a] = extract_agencies(text)
    assert a.confidence <= 0.5 and "name cut at a guessed boundary" in a.reasons


@pytest.mark.parametrize("printed, normalized", [
    ("Sở KH&CN", "Sở Khoa học và Công nghệ"),
    ("Sở KHCN", "Sở Khoa học và Công nghệ"),
    ("Sở   Khoa học và\nCông nghệ", "Sở Khoa học và Công nghệ"),
    ("Sở khoa học và công nghệ", "Sở Khoa học và Công nghệ"),
    ("UBND tỉnh", "Ủy ban nhân dân tỉnh"),
    ("Uỷ ban nhân dân TP.HCM", "Ủy ban nhân dân Thành phố Hồ Chí Minh"),
    ("ỦY BAN NHÂN DÂN TỈNH LÀO CAI", "Ủy ban nhân dân tỉnh Lào Cai"),
    ("HĐND tỉnh", "Hội đồng nhân dân tỉnh"),
    ("Sở KH&ĐT", "Sở Kế hoạch và Đầu tư"),
    ("Sở TN&MT", "Sở Tài nguyên và Môi trường"),
    ("Sở NN&PTNT", "Sở Nông nghiệp và Phát triển nông thôn"),
    ("Sở LĐ-TB&XH", "Sở Lao động - Thương binh và Xã hội"),
    ("Sở GD&ĐT", "Sở Giáo dục và Đào tạo"),
    ("Sở VH,TT&DL", "Sở Văn hóa, Thể thao và Du lịch"),
    ("Sở VHTTDL", "Sở Văn hóa, Thể thao và Du lịch"),
    ("Sở TT&TT", "Sở Thông tin và Truyền thông"),
    ("Sở GTVT", "Sở Giao thông vận tải"),
    ("Văn Phòng Sở", "Văn phòng Sở"),
    ("Các Sở, ban, ngành Thành phố", "các sở, ban, ngành thành phố"),
])
def test_normalize_agency(printed, normalized):
    assert normalize_agency(printed) == normalized


def test_cells():
    cells = {"TT": "1", "Nội dung": "Sở Y tế chủ trì", "Đơn vị chủ trì": "Sở KH&CN",
             "Đơn vị phối hợp": "Sở Tài chính; UBND các huyện và Sở Nội vụ", "Ghi chú": "Sở Y tế"}
    got = extract_agencies_from_cells(cells)
    assert [(a.role, a.normalized) for a in got] == [
        ("lead", "Sở Khoa học và Công nghệ"),
        ("support", "Sở Tài chính"),
        ("support", "Ủy ban nhân dân các huyện"),
        ("support", "Sở Nội vụ"),
    ]
    assert all(a.span is None for a in got)
    got = extract_agencies_from_cells({"Chủ trì": "Phòng QLKH", "Phối hợp": "các đơn vị liên quan", "Cơ quan thực hiện": "Sở Y tế"})
    assert [(a.role, a.normalized) for a in got] == [
        ("lead", "Phòng QLKH"), ("support", "các đơn vị liên quan"), ("assignee", "Sở Y tế"),
    ]
    assert extract_agencies_from_cells({}) == []


_ALPHABET = st.sampled_from(list("SởBộUBNDủyantrìphốiợvớcá,;.:()-–& \n\tKH&CNĐỦƯ") + [
    "Sở ", "Ủy ban nhân dân ", "UBND ", "chủ trì", " phối hợp với ", "các ", "và ", "giao ", "Phòng ",
    "Đơn vị chủ trì:", "liên quan", "Văn hóa, Thể thao và Du lịch", "VH,TT&DL", "thực hiện",
])


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=200), st.lists(_ALPHABET, max_size=40).map("".join)))
def test_never_raises_and_spans_slice_to_raw(text):
    for a in extract_agencies(text):
        assert a.span is not None
        assert text[a.span[0]:a.span[1]] == a.raw
        assert a.raw.strip()
        assert 0 < a.confidence <= 1
        normalize_agency(a.raw)
