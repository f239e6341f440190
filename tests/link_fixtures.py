"""Decree-style documents written for the target-linking tests: a decision with a plan, and the documents
that come after it — an implementing letter, an amendment, a year's report — each citing it by number."""
from __future__ import annotations

DECISION = """ỦY BAN NHÂN DÂN
TỈNH LÀO CAI
Số: 120/QĐ-UBND
Lào Cai, ngày 15 tháng 01 năm 2024
QUYẾT ĐỊNH
Ban hành Kế hoạch phát triển thương mại điện tử tỉnh Lào Cai giai đoạn 2024 - 2025
CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH LÀO CAI
Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;
Căn cứ Nghị định số 52/2013/NĐ-CP ngày 16 tháng 5 năm 2013 của Chính phủ về thương mại điện tử;
QUYẾT ĐỊNH:
Điều 1. Ban hành kèm theo Quyết định này Kế hoạch phát triển thương mại điện tử tỉnh Lào Cai giai đoạn 2024 - 2025.
Điều 2. Quyết định này có hiệu lực kể từ ngày ký.
KẾ HOẠCH
Phát triển thương mại điện tử tỉnh Lào Cai giai đoạn 2024 - 2025
(Ban hành kèm theo Quyết định số 120/QĐ-UBND ngày 15 tháng 01 năm 2024 của Ủy ban nhân dân tỉnh)
I. MỤC TIÊU
1. Đến năm 2025, 80% doanh nghiệp trên địa bàn tỉnh ứng dụng thương mại điện tử trong hoạt động kinh doanh.
2. Đào tạo, tập huấn kỹ năng thương mại điện tử cho 1.000 doanh nghiệp, hộ kinh doanh.
3. Hỗ trợ 200 hợp tác xã đưa sản phẩm nông nghiệp lên sàn thương mại điện tử.
II. NHIỆM VỤ
1. Tổ chức 10 lớp tập huấn về kỹ năng bán hàng trực tuyến cho doanh nghiệp, hộ kinh doanh.
2. Xây dựng 01 cổng thông tin thương mại điện tử của tỉnh.
3. Tổ chức 05 hội nghị kết nối cung cầu sản phẩm trên sàn giao dịch trực tuyến.
4. Khảo sát, đánh giá mức độ ứng dụng thương mại điện tử của doanh nghiệp.
"""

LETTER = """ỦY BAN NHÂN DÂN
TỈNH LÀO CAI
Số: 350/UBND-KT
V/v triển khai thực hiện Quyết định số 120/QĐ-UBND
Lào Cai, ngày 20 tháng 02 năm 2024
Kính gửi: Các sở, ban, ngành tỉnh
Thực hiện Quyết định số 120/QĐ-UBND ngày 15 tháng 01 năm 2024 của Ủy ban nhân dân tỉnh ban hành Kế hoạch phát triển thương mại điện tử tỉnh Lào Cai giai đoạn 2024 - 2025, Chủ tịch Ủy ban nhân dân tỉnh giao:
1. Sở Công Thương chủ trì, phối hợp với các đơn vị liên quan tổ chức 10 lớp tập huấn kỹ năng bán hàng trực tuyến cho doanh nghiệp, hộ kinh doanh; hoàn thành trước ngày 30/9/2024.
2. Sở Thông tin và Truyền thông chủ trì xây dựng cổng thông tin thương mại điện tử của tỉnh, hoàn thành trong Quý II/2024.
3. Sở Nông nghiệp và Phát triển nông thôn chủ trì tổ chức 05 hội nghị kết nối cung cầu sản phẩm trên sàn giao dịch trực tuyến; hoàn thành trước ngày 31/12/2025.
Yêu cầu các đơn vị được giao nhiệm vụ khẩn trương triển khai, định kỳ gửi về Sở Công Thương để tổng hợp./.
"""

AMENDMENT = """ỦY BAN NHÂN DÂN
TỈNH LÀO CAI
Số: 410/QĐ-UBND
Lào Cai, ngày 10 tháng 6 năm 2024
QUYẾT ĐỊNH
Sửa đổi, bổ sung một số nội dung của Kế hoạch ban hành kèm theo Quyết định số 120/QĐ-UBND của Ủy ban nhân dân tỉnh
CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH LÀO CAI
Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;
QUYẾT ĐỊNH:
Điều 1. Sửa đổi, bổ sung một số nội dung của Kế hoạch ban hành kèm theo Quyết định số 120/QĐ-UBND ngày 15 tháng 01 năm 2024 của Ủy ban nhân dân tỉnh như sau:
1. Sửa đổi khoản 3 Mục I như sau: Hỗ trợ 300 hợp tác xã đưa sản phẩm nông nghiệp lên sàn thương mại điện tử.
2. Sửa đổi khoản 3 Mục II như sau: Tổ chức 08 hội nghị kết nối cung cầu sản phẩm trên sàn giao dịch trực tuyến.
Điều 2. Quyết định này có hiệu lực kể từ ngày ký.
"""

REPORT = """SỞ CÔNG THƯƠNG TỈNH LÀO CAI
Số: 85/BC-SCT
Lào Cai, ngày 20 tháng 12 năm 2024
BÁO CÁO
Kết quả thực hiện Kế hoạch phát triển thương mại điện tử tỉnh Lào Cai năm 2024
Căn cứ Quyết định số 120/QĐ-UBND ngày 15 tháng 01 năm 2024 của Ủy ban nhân dân tỉnh ban hành Kế hoạch phát triển thương mại điện tử tỉnh Lào Cai giai đoạn 2024 - 2025;
Sở Công Thương báo cáo kết quả thực hiện năm 2024 như sau:
I. KẾT QUẢ THỰC HIỆN
TT\tNội dung\tChỉ tiêu đến 2025\tThực hiện 2024\tKế hoạch 2025
1\tDoanh nghiệp ứng dụng thương mại điện tử trong hoạt động kinh doanh\t80% doanh nghiệp\t350 doanh nghiệp\t500 doanh nghiệp
2\tĐào tạo, tập huấn kỹ năng thương mại điện tử cho doanh nghiệp, hộ kinh doanh\t1.000 doanh nghiệp\t420 doanh nghiệp\t580 doanh nghiệp
3\tHỗ trợ hợp tác xã đưa sản phẩm nông nghiệp lên sàn thương mại điện tử\t200 hợp tác xã\t60 hợp tác xã\t140 hợp tác xã
II. NHIỆM VỤ NĂM 2025
1. Tiếp tục tổ chức các lớp tập huấn kỹ năng bán hàng trực tuyến.
"""

# A document that cites the decision only as a legal basis and is about something else.
UNRELATED = """ỦY BAN NHÂN DÂN
TỈNH LÀO CAI
Số: 77/KH-UBND
Lào Cai, ngày 05 tháng 3 năm 2024
KẾ HOẠCH
Phòng, chống thiên tai năm 2024
Căn cứ Quyết định số 120/QĐ-UBND ngày 15 tháng 01 năm 2024 của Ủy ban nhân dân tỉnh;
I. MỤC TIÊU
1. Sơ tán 100% hộ dân ở vùng có nguy cơ sạt lở cao trước mùa mưa lũ.
II. NHIỆM VỤ
1. Kiểm tra 25 hồ chứa nước trên địa bàn tỉnh trước ngày 30/4/2024.
"""

# A report in paragraphs: the figures are read from the words around them.
REPORT_TEXT = """SỞ CÔNG THƯƠNG TỈNH LÀO CAI
Số: 12/BC-SCT
Lào Cai, ngày 25 tháng 12 năm 2024
BÁO CÁO
Kết quả triển khai Kế hoạch phát triển thương mại điện tử tỉnh Lào Cai năm 2024
Thực hiện Quyết định số 120/QĐ-UBND ngày 15 tháng 01 năm 2024 của Ủy ban nhân dân tỉnh, Sở Công Thương báo cáo như sau:
I. KẾT QUẢ THỰC HIỆN
1. Năm 2024 đã tổ chức 6 lớp tập huấn về kỹ năng bán hàng trực tuyến cho doanh nghiệp, hộ kinh doanh; kế hoạch năm 2025 tổ chức 4 lớp tập huấn.
2. Cổng thông tin thương mại điện tử của tỉnh đã được xây dựng và đưa vào vận hành từ tháng 10 năm 2024.
"""

# A department's plan for one year: the decision is only a legal basis; the body says what it implements.
YEAR_PLAN = """SỞ CÔNG THƯƠNG TỈNH LÀO CAI
Số: 30/KH-SCT
Lào Cai, ngày 01 tháng 3 năm 2024
KẾ HOẠCH
Phát triển thương mại điện tử năm 2024
Căn cứ Quyết định số 120/QĐ-UBND ngày 15 tháng 01 năm 2024 của Ủy ban nhân dân tỉnh;
Nhằm triển khai thực hiện Kế hoạch phát triển thương mại điện tử tỉnh Lào Cai giai đoạn 2024 - 2025, Sở Công Thương xây dựng kế hoạch năm 2024 như sau:
I. NHIỆM VỤ
1. Tổ chức 05 lớp tập huấn về kỹ năng bán hàng trực tuyến cho doanh nghiệp, hộ kinh doanh trong năm 2024.
2. Phối hợp tổ chức 02 hội nghị kết nối cung cầu sản phẩm trên sàn giao dịch trực tuyến.
"""
