"""pipeline.extract.agencies: who leads, supports or is assigned an item."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract.agencies import addressed_agencies, extract_agencies, extract_agencies_from_cells, normalize_agency
from tests.helpers import by_path, document_from_text


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


# --------------------------------------------------------------------------
# Bodies addressed by a heading, and the leads they pass down (issue 18.4)
# --------------------------------------------------------------------------
def test_a_title_does_not_hide_the_body_it_heads():
    assert roles("Giám đốc Sở Tư pháp:") == [("assignee", "Sở Tư pháp")]
    text = ("Chánh Văn phòng Ủy ban nhân dân tỉnh; Giám đốc Sở Nội vụ; Thủ trưởng các sở, ban, ngành cấp tỉnh "
            "và Chủ tịch Ủy ban nhân dân các xã, phường chịu trách nhiệm thi hành Quyết định này./.")
    assert roles(text) == [
        ("assignee", "Văn phòng Ủy ban nhân dân tỉnh"), ("assignee", "Sở Nội vụ"),
        ("assignee", "các sở, ban, ngành cấp tỉnh"), ("assignee", "Ủy ban nhân dân các xã, phường"),
    ]


def test_run_in_body_plural_units_and_tax_office():
    assert roles("Phòng Văn hóa - Thông tin: chủ động hướng dẫn các thư viện xã.") == [
        ("assignee", "Phòng Văn hóa - Thông tin")]
    assert roles("Các sở, ngành: phối hợp thực hiện.") == [("assignee", "các sở, ngành")]
    assert roles("Ủy ban nhân dân xã, phường") == [("assignee", "Ủy ban nhân dân xã, phường")]
    assert roles("Chủ trì, phối hợp với Thuế tỉnh, Sở Xây dựng rà soát nguồn thu.") == [
        ("support", "Thuế tỉnh"), ("support", "Sở Xây dựng")]
    assert roles("Thuế thu nhập cá nhân được miễn trong 02 năm.") == []
    assert roles("Trách nhiệm của Sở Y tế") == [("assignee", "Sở Y tế")]


def test_addressed_agencies_reads_headings_not_sentences():
    def names(text, **kw):
        return [(a.role, a.normalized) for a in addressed_agencies(text, **kw)]
    assert names("Sở Xây dựng:") == names("Sở Xây dựng:", name_only=True) == [("assignee", "Sở Xây dựng")]
    assert names("Giao Sở Tài chính:", name_only=True) == [("assignee", "Sở Tài chính")]
    lead_in = "Sở Y tế chủ trì, phối hợp với Sở Tài chính thực hiện các nội dung sau:"
    assert names(lead_in) == [("lead", "Sở Y tế")] and names(lead_in, name_only=True) == []
    assert names("Sở Tài chính bố trí kinh phí thực hiện.") == []  # a sentence addresses nobody below it
    assert names("Tăng cường kiểm tra (Sở Y tế chủ trì):") == []  # the body does not open the heading
    assert names("Phối hợp với Sở Tài chính:") == []


LETTER = """ỦY BAN NHÂN DÂN
TỈNH HÀ NAM SƠN
Số: 77/UBND-KT
V/v tăng cường quản lý kho lưu trữ
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Hà Nam Sơn, ngày 04 tháng 3 năm 2026
Kính gửi: Các sở, ngành; UBND các xã, phường.
Chủ tịch Ủy ban nhân dân tỉnh yêu cầu các cơ quan, đơn vị thực hiện các nội dung sau:
1. Sở Nội vụ:
a) Kiểm tra hiện trạng kho lưu trữ của các cơ quan cấp tỉnh.
b) Phối hợp với Sở Tài chính đề xuất kinh phí sửa chữa:
- Kho lưu trữ lịch sử;
- Kho lưu trữ cơ quan.
c) Sở Xây dựng chủ trì thẩm định thiết kế cải tạo kho.
d) Yêu cầu các đơn vị báo cáo số liệu trước ngày 30/4/2026.
2. Giao Sở Khoa học và Công nghệ chủ trì, phối hợp với Sở Nội vụ thực hiện các nhiệm vụ sau:
a) Triển khai phần mềm quản lý tài liệu điện tử.
3. Lập danh mục hồ sơ số hóa năm 2026
- Thống kê khối lượng hồ sơ.
Đơn vị chủ trì: Trung tâm Lưu trữ lịch sử tỉnh.
Nơi nhận:
- Như trên;
- Lưu: VT.
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Đỗ Minh Khang
"""


def test_a_heading_passes_the_body_it_addresses_down_as_the_lead():
    doc = document_from_text(LETTER, "cv.txt")
    items = by_path(doc)

    def leads(path):
        return [(a.normalized, a.inherited, a.inherited_from) for a in items[path].agencies if a.role == "lead"]

    heading = items["1"].id
    assert leads("1.a") == [("Sở Nội vụ", True, heading)]
    assert leads("1.b") == [("Sở Nội vụ", True, heading)]  # it names only a partner
    assert [(a.normalized, a.role) for a in items["1.b"].agencies][0] == ("Sở Tài chính", "support")
    assert leads("1.b.-1") == leads("1.b.-2") == [("Sở Nội vụ", True, heading)]  # passed on below
    assert leads("1.c") == [("Sở Xây dựng", False, None)]  # names its own lead
    assert leads("1.d") == [("Sở Nội vụ", True, heading)]  # "yêu cầu các đơn vị": the units are asked, not leading
    assert leads("2.a") == [("Sở Khoa học và Công nghệ", True, items["2"].id)]
    # a closing "Đơn vị chủ trì: …" line names the lead of the units beside it
    assert leads("3.-1") == [("Trung tâm Lưu trữ lịch sử tỉnh", True, items["3.¶1"].id)]
    inherited = next(a for a in items["1.a"].agencies if a.inherited)
    assert inherited.span is None and inherited.confidence <= 0.85 and "inherited from" in inherited.reasons[0]
    # kinds: the units of a heading that only names a body are its assignments
    assert {items[p].kind.value for p in ("1.a", "1.b.-1", "1.c", "1.d")} == {"assignment"}
    assert items["1"].kind.value == items["1.b"].kind.value == "section"
    assert items["2.a"].kind.value == "paragraph" and items["3.¶1"].kind.value == "assignment"
