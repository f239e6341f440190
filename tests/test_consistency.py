"""Self-consistency: a heading that announces its number of work items is checked against what was found."""
from __future__ import annotations

from pipeline.extract.consistency import announced_count
from tests.helpers import by_path, document_from_text

PLAN = """KẾ HOẠCH
Công tác năm 2025
I. NHIỆM VỤ
1. Cải cách hành chính (3 đầu việc)
(1) Rà soát thủ tục hành chính.
(2) Số hóa hồ sơ.
(3) Đánh giá mức độ hài lòng.
2. Chuyển đổi số (04 đầu việc)
(4) Nâng cấp cổng thông tin.
(5) Đào tạo 50 cán bộ.
3. Thi đua khen thưởng, gồm hai nội dung:
a) Phát động phong trào thi đua.
b) Tổng kết, khen thưởng.
"""


def test_announced_counts_are_read():
    assert announced_count("Cải cách hành chính (12 đầu việc)") == (12, "đầu việc")
    assert announced_count("gồm hai nội dung:") == (2, "nội dung")
    assert announced_count("Hỗ trợ 12 doanh nghiệp") is None


def test_a_heading_whose_count_does_not_match_is_flagged():
    items = by_path(document_from_text(PLAN))
    assert items["I.1"].confidence == 1.0 and items["I.1"].reasons == []
    assert items["I.2"].confidence < 0.8
    assert items["I.2"].reasons == ["the heading announces 4 đầu việc, 2 found under it"]
    assert items["I.3"].reasons == []  # two lettered points, as announced
