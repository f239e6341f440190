"""Agencies responsible for an item: who leads (chủ trì), who supports (phối
hợp), who is simply assigned the work.

Everything works on the raw item text with regular expressions; the
statistical NER of underthesea is not used (it is poor on these documents) and
word segmentation is not needed.

How it works:

1. **Mentions.** Every agency name in the text is found (:func:`_mentions`):

   * a *head* ("Sở", "Ủy ban nhân dân", "UBND", "Phòng", "Trung tâm", "Bộ Chỉ
     huy" ...; capitalised, or all capitals) followed by its name, read word by
     word up to a delimiter: punctuation, "chủ trì", "phối hợp", a verb from
     :data:`VERB_STOPS`, "và"/"," before another head, or
     :data:`MAX_NAME_WORDS` words (then the boundary is a guess and the
     confidence is lowered). A known department name ("Khoa học và Công nghệ",
     "Văn hóa, Thể thao và Du lịch") is taken whole, with the administrative
     level after it ("Sở Y tế tỉnh", "Trung tâm Y tế huyện/thị xã/thành phố").
     A "/" is part of a name ("huyện/thị xã", "Phòng Văn hóa/Thông tin") unless
     another agency's head follows it ("Công an tỉnh/Bộ Chỉ huy Quân sự tỉnh":
     two agencies, one list);
   * a plural or generic body: "các sở, ban, ngành", "các cơ quan, đơn vị
     liên quan", "Ủy ban nhân dân các quận, huyện", "UBND các cấp".

2. **Groups.** Mentions separated only by ",", ";" or "và" form a list and
   share one role.

3. **Roles.** A group's role comes from the words around it; a group with no
   role cue (a body merely mentioned: "trình Ủy ban nhân dân Thành phố phê
   duyệt", "báo cáo về Sở KH&CN") is not an agency of the item.

   ======================================================  ===========================
   cue                                                     role
   ======================================================  ===========================
   "Đơn vị / Cơ quan chủ trì: X", "Chủ trì: X"             X lead
   "Đơn vị / Cơ quan phối hợp: Y", "Phối hợp: Y"           Y support
   "Đơn vị / Cơ quan thực hiện: X"                         X assignee
   "X chủ trì", "(X chủ trì)", "giao X chủ trì"            X lead
   "... phối hợp với / cùng Y", "cùng với Y"               Y support
   "giao X thực hiện", "Giao X ...", "đề nghị X ..."       X assignee
   "X có trách nhiệm / chịu trách nhiệm / được giao ..."   X assignee
   "X phối hợp với Y <verb>"                               X assignee, Y support
   "X phối hợp <verb>" (no partner named)                  X support
   X opens the item or a sentence, then a verb             X assignee
   the item is only an agency name (a heading "1. Sở ...") X assignee
   "X giao / yêu cầu / đề nghị / chỉ đạo ..."              X is the issuer: dropped
   ======================================================  ===========================

   Convention for "X phối hợp với Y thực hiện": X is the grammatical subject
   and answers for the work, but the text does not call it chủ trì, so it is
   an *assignee*, not a lead; Y is support.

Normalisation (:func:`normalize_agency`) expands the abbreviations in
:data:`ABBREVIATIONS`, uses the current tone-mark placement ("Uỷ" -> "Ủy"),
gives the head its usual case ("ỦY BAN NHÂN DÂN" -> "Ủy ban nhân dân") and
folds whitespace: "Sở KH&CN" and "Sở Khoa học và Công nghệ" normalise alike.

Entry points: :func:`extract_agencies`, :func:`extract_agencies_from_cells`,
:func:`addressed_agencies` (the body a heading addresses, which its units inherit as their lead),
:func:`normalize_agency`.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache
from dataclasses import dataclass, field

import regex as re

from pipeline.model import Agency
from pipeline.repair.normalize import normalize_tone_marks
from pipeline.lexicon import ascii_fold

_BLANKS = re.compile(r"[ \t\u00a0]*")
_CONJUNCTION = re.compile(r"(và|-|–)(?=\s)|(-|–)(?=\p{L})")
_NOUN_SEPARATOR = re.compile(r"\s*(?:,|/|và)\s*")
_UPPER_START = re.compile(r"\p{Lu}")
_SPACE_BEFORE_CLOSE = re.compile(r"\s+([,)])")

# --------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------
# Printed abbreviation (case-sensitive) -> expansion. Longest forms win.
ABBREVIATIONS: dict[str, str] = {
    "UBND": "Ủy ban nhân dân",
    "HĐND": "Hội đồng nhân dân",
    "MTTQ": "Mặt trận Tổ quốc",
    "UBMTTQ": "Ủy ban Mặt trận Tổ quốc",
    "BCH": "Bộ Chỉ huy",
    "BQL": "Ban Quản lý",
    "BHXH": "Bảo hiểm xã hội",
    "KH&CN": "Khoa học và Công nghệ",
    "KH-CN": "Khoa học và Công nghệ",
    "KHCN": "Khoa học và Công nghệ",
    "KH&ĐT": "Kế hoạch và Đầu tư",
    "KH-ĐT": "Kế hoạch và Đầu tư",
    "KHĐT": "Kế hoạch và Đầu tư",
    "TN&MT": "Tài nguyên và Môi trường",
    "TN-MT": "Tài nguyên và Môi trường",
    "TNMT": "Tài nguyên và Môi trường",
    "NN&PTNT": "Nông nghiệp và Phát triển nông thôn",
    "NNPTNT": "Nông nghiệp và Phát triển nông thôn",
    "NN&MT": "Nông nghiệp và Môi trường",
    "LĐ-TB&XH": "Lao động - Thương binh và Xã hội",
    "LĐTB&XH": "Lao động - Thương binh và Xã hội",
    "LĐTBXH": "Lao động - Thương binh và Xã hội",
    "GD&ĐT": "Giáo dục và Đào tạo",
    "GD-ĐT": "Giáo dục và Đào tạo",
    "GDĐT": "Giáo dục và Đào tạo",
    "VH,TT&DL": "Văn hóa, Thể thao và Du lịch",
    "VH-TT&DL": "Văn hóa, Thể thao và Du lịch",
    "VHTT&DL": "Văn hóa, Thể thao và Du lịch",
    "VHTTDL": "Văn hóa, Thể thao và Du lịch",
    "TT&TT": "Thông tin và Truyền thông",
    "TT-TT": "Thông tin và Truyền thông",
    "TTTT": "Thông tin và Truyền thông",
    "GTVT": "Giao thông vận tải",
    "PTNT": "Phát triển nông thôn",
    "SHTT": "Sở hữu trí tuệ",
    "TĐC": "Tiêu chuẩn Đo lường Chất lượng",
    "TC-ĐL-CL": "Tiêu chuẩn Đo lường Chất lượng",
    "ĐMST": "Đổi mới sáng tạo",
    "TP.HCM": "Thành phố Hồ Chí Minh",
    "TP. HCM": "Thành phố Hồ Chí Minh",
    "TPHCM": "Thành phố Hồ Chí Minh",
    "TP HCM": "Thành phố Hồ Chí Minh",
    "HCM": "Hồ Chí Minh",
    "TP.": "Thành phố",
    "Tp.": "Thành phố",
    "TP": "Thành phố",
    "Tp": "Thành phố",
}

# Heads an agency name starts with, in their usual case. Longest first when matching.
HEADS: tuple[str, ...] = (
    "Ủy ban nhân dân", "UBND", "Hội đồng nhân dân", "HĐND", "Ủy ban Mặt trận Tổ quốc Việt Nam",
    "Ủy ban Mặt trận Tổ quốc", "UBMTTQ", "Mặt trận Tổ quốc", "MTTQ", "Ủy ban", "Hội đồng",
    "Chính phủ", "Thủ tướng Chính phủ", "Thủ tướng", "Quốc hội",
    "Bộ Chỉ huy", "BCH", "Bộ Tư lệnh", "Bộ đội Biên phòng", "Bộ",
    "Sở", "Tổng cục", "Chi cục", "Cục", "Vụ",
    "Ban Quản lý", "BQL", "Ban Chỉ đạo", "Ban Thường vụ", "Ban Chấp hành", "Ban",
    "Văn phòng", "Phòng", "Trung tâm", "Học viện", "Viện kiểm sát", "Viện", "Trường", "Đại học",
    "Công an", "Thanh tra", "Kho bạc", "Đài", "Báo", "Tạp chí", "Liên đoàn", "Liên minh", "Hội",
    "Quỹ", "Đoàn", "Tỉnh ủy", "Thành ủy", "Huyện ủy", "Đảng ủy", "Tỉnh đoàn", "Thành đoàn",
    "Ngân hàng", "Chi nhánh", "Bảo hiểm xã hội", "BHXH", "Tòa án", "Kiểm toán", "Hải quan",
    "Tổng công ty", "Công ty", "Tập đoàn", "Bệnh viện", "Cảng vụ", "Đội", "Tổ công tác", "Trạm", "Thuế",
)
# Heads that name a body on their own, without a following name.
STANDALONE_HEADS = {
    "ủy ban nhân dân", "ubnd", "hội đồng nhân dân", "hđnd", "chính phủ", "thủ tướng chính phủ", "thủ tướng",
    "quốc hội", "công an", "thanh tra", "kho bạc", "tỉnh ủy", "thành ủy", "huyện ủy", "tỉnh đoàn",
    "thành đoàn", "bảo hiểm xã hội", "bhxh", "mặt trận tổ quốc", "mttq", "ủy ban mặt trận tổ quốc",
    "ubmttq", "hải quan",
}
# A head followed by one of these words is an ordinary word: "Ban hành", "Phòng chống", "Hội nghị".
NOT_A_HEAD_BEFORE: dict[str, tuple[str, ...]] = {
    "ban": ("hành", "bố", "đầu", "ngày", "đêm"),
    "phòng": ("chống", "ngừa", "tránh", "thủ", "họp", "làm việc", "khám", "dịch"),
    "hội": ("nghị", "thảo", "thi", "chợ", "diễn", "nhập", "đàm", "viên", "trại", "tụ", "đủ", "họp", "giảng"),
    "trường": ("hợp", "học"),
    "đoàn": ("kết", "viên", "thể", "kiểm tra", "công tác"),
    "báo": ("cáo", "chí", "động", "giá", "hiệu", "cáo viên"),
    "quỹ": ("đất", "lương", "thời gian", "nhà"),
    "bộ": ("phận", "máy", "tiêu chí", "công cụ", "chỉ số", "hồ sơ", "thủ tục", "luật", "mặt", "dữ liệu",
           "tài liệu", "câu hỏi", "quy tắc", "sưu tập", "mẫu", "khung", "đội"),
    "cục": ("bộ",),
    "viện": ("dẫn", "trợ", "phí"),
    "sở": ("hữu", "thích", "dĩ", "cứ"),
    "đội": ("ngũ",),
    "văn phòng": ("phẩm",),
    "đài": ("thọ", "truyền thanh cơ sở"),
    "trạm": ("dừng",),
    "vụ": ("việc", "án", "mùa"),
    "ủy ban": (),
    "hội đồng": (),
}

# Heads that are ordinary words unless one of these follows: "Thuế tỉnh" (the provincial tax office), not "Thuế thu nhập".
ONLY_A_HEAD_BEFORE: dict[str, tuple[str, ...]] = {
    "thuế": ("tỉnh", "thành phố", "cơ sở", "khu vực"),
}

# Department names that follow "Sở", "Bộ", "Phòng": taken whole (they may hold "và" and ",").
DEPARTMENT_NAMES: tuple[str, ...] = (
    "Khoa học và Công nghệ", "Kế hoạch và Đầu tư", "Tài chính", "Tài nguyên và Môi trường",
    "Nông nghiệp và Phát triển nông thôn", "Nông nghiệp và Môi trường", "Lao động - Thương binh và Xã hội",
    "Lao động, Thương binh và Xã hội", "Giáo dục và Đào tạo", "Văn hóa, Thể thao và Du lịch",
    "Văn hóa và Thể thao", "Văn hóa, Thông tin và Thể thao", "Thông tin và Truyền thông", "Giao thông vận tải",
    "Xây dựng", "Công Thương", "Công thương", "Tư pháp", "Nội vụ", "Y tế", "Ngoại vụ", "Dân tộc và Tôn giáo",
    "Quốc phòng", "Ngoại giao", "Kế hoạch và Tài chính", "Kinh tế", "Kinh tế - Hạ tầng", "Kinh tế và Hạ tầng",
    "Quản lý đô thị", "Tài chính - Kế hoạch", "Văn hóa - Thông tin", "Văn hóa và Thông tin",
    "Khoa học, Công nghệ và Đổi mới sáng tạo",
)

# Words that make up plural or generic bodies ("các sở, ban, ngành", "các cơ quan, đơn vị liên quan").
GENERIC_NOUNS: tuple[str, ...] = (
    "cơ quan ngang bộ", "cơ quan chuyên môn", "cơ quan nhà nước", "cơ quan báo chí", "cơ quan truyền thông",
    "cơ quan", "đơn vị sự nghiệp", "đơn vị trực thuộc", "đơn vị", "sở", "ban", "ngành", "bộ", "phòng",
    "địa phương", "đoàn thể", "tổ chức chính trị - xã hội", "tổ chức đoàn thể", "hội đoàn thể",
    "trường đại học", "viện nghiên cứu", "trường", "viện", "trung tâm", "hội",
)
# Administrative units after "Ủy ban nhân dân các ...".
ADMIN_UNITS = r"(?:quận|huyện|thị\s+xã|thành\s+phố|xã|phường|thị\s+trấn|tỉnh|đặc\s+khu|địa\s+phương|cấp)"

# Verbs and function words that end a name when printed in lower case.
VERB_STOPS: tuple[str, ...] = (
    "chủ trì", "phối hợp", "có trách nhiệm", "chịu trách nhiệm", "được giao", "được", "thực hiện", "triển khai",
    "xây dựng", "tổ chức", "hướng dẫn", "kiểm tra", "theo dõi", "báo cáo", "tham mưu", "trình", "cân đối",
    "bố trí", "đề xuất", "đề nghị", "chỉ đạo", "rà soát", "phê duyệt", "ban hành", "thẩm định", "căn cứ",
    "là", "có", "đã", "sẽ", "đang", "cần", "phải", "tiếp tục", "khẩn trương", "thường xuyên", "định kỳ",
    "tăng cường", "đẩy mạnh", "cung cấp", "đôn đốc", "giám sát", "tuyên truyền", "phổ biến", "lập", "làm",
    "giao", "cử", "bảo đảm", "đảm bảo", "chuẩn bị", "thống nhất", "tổng hợp", "ưu tiên", "duy trì",
    "hoàn thành", "hoàn thiện", "điều chỉnh", "theo", "về", "của", "để", "nhằm", "trong", "tại", "với",
    "cho", "đến", "từ", "khi", "nếu", "đối với", "trên", "cùng", "gồm", "trực thuộc", "thuộc", "kịp thời",
    "chủ động", "nghiêm túc", "tích cực", "hằng năm", "hàng năm", "trước", "sau", "xem xét", "tiếp nhận",
    "đánh giá", "khảo sát", "kiểm soát", "vận động", "quản lý", "yêu cầu", "gửi", "nộp", "ký", "mở",
    "tập trung", "nghiên cứu", "hỗ trợ", "thẩm tra", "lựa chọn", "quyết định", "hoặc", "như", "nhưng", "mà",
    "ban", "lấy", "đăng", "phát hành", "công bố", "bổ sung", "sửa đổi", "cấp phát", "thu", "chi", "phân bổ",
)
# One-syllable stops that may be the second syllable of a capitalised word ("Chuyển giao").
_SECOND_SYLLABLES = {"giao", "thu", "chi", "ban", "mở", "cử"}
# Stops that end a name whatever its case ("SỞ Y TẾ CHỦ TRÌ").
HARD_STOPS: tuple[str, ...] = ("chủ trì", "phối hợp", "có trách nhiệm", "chịu trách nhiệm", "được giao")

MAX_NAME_WORDS = 12  # syllables after the head before the boundary is a guess

# --------------------------------------------------------------------------
# Regular expressions
# --------------------------------------------------------------------------
_L = r"[\p{L}\p{M}]"
_NOT_WORD_AFTER = r"(?![\p{L}\p{M}\d])"
_NOT_WORD_BEFORE = r"(?<![\p{L}\p{M}\d&])"


def _phrase(p: str) -> str:
    """A phrase as a regex with flexible spaces."""
    return r"\s+".join(re.escape(w) for w in p.split())


def _alternation(phrases) -> str:
    return "|".join(_phrase(p) for p in sorted(set(phrases), key=len, reverse=True))


def _head_forms(head: str) -> list[str]:
    """"Văn phòng" is also printed "VĂN PHÒNG" and "Văn Phòng"; "Ủy" also "Uỷ"."""
    forms = {head, head.upper(), " ".join(w[:1].upper() + w[1:] for w in head.split())}
    for form in list(forms):
        forms.add(form.replace("Ủy", "Uỷ").replace("ỦY", "UỶ"))
    return list(forms)


_HEAD_RE = re.compile(
    _NOT_WORD_BEFORE + r"(?P<head>" + _alternation(f for h in HEADS for f in _head_forms(h)) + r")" + _NOT_WORD_AFTER
)
_ABBR_RE = re.compile(_NOT_WORD_BEFORE + r"(?:" + "|".join(
    re.escape(a) for a in sorted(ABBREVIATIONS, key=len, reverse=True)) + r")(?![\p{L}\p{M}\d&])")
_WORD_RE = re.compile(r"[\p{L}\p{M}\d]+(?:[&'’.\-/][\p{L}\p{M}\d]+)*")
_LEVEL = r"(?:cấp\s+)?(?:quận|huyện|thị\s+xã|thành\s+phố|xã|phường|thị\s+trấn|tỉnh|đặc\s+khu)"
# The level a department belongs to, after its known name: "Sở Y tế tỉnh", "Phòng Tư pháp huyện/thị xã",
# "Sở Y tế tỉnh, thành phố trực thuộc trung ương", "Trung tâm Y tế huyện Bảo Yên". Alternatives joined by
# "/" or "," are one body, the unit of whichever applies.
_LEVEL_TAIL_RE = re.compile(
    r"[ \t]+" + _LEVEL + r"(?:\s*[/,]\s*" + _LEVEL + _NOT_WORD_AFTER + r")*"
    + r"(?:[ \t]+trực\s+thuộc\s+[Tt]rung\s+ương|(?:[ \t]+\p{Lu}[\p{L}\p{M}]*){1,4})?" + _NOT_WORD_AFTER
)
_DEPT_RE = re.compile(
    r"(?:" + "|".join(
        r"\s*[-–]?\s*".join(_phrase(part) for part in re.split(r"\s*[-–]\s*", name))
        for name in sorted(DEPARTMENT_NAMES, key=len, reverse=True)
    ) + r")" + _NOT_WORD_AFTER,
    re.IGNORECASE,
)
_VERB_STOP_RE = re.compile(r"(?:" + _alternation(VERB_STOPS) + r")" + _NOT_WORD_AFTER)
_HARD_STOP_RE = re.compile(r"(?:" + _alternation(HARD_STOPS) + r")" + _NOT_WORD_AFTER, re.IGNORECASE)
# "tổ chức" is also the verb "to organise": a noun only before a delimiter ("các cơ quan, tổ chức liên quan").
_TO_CHUC_NOUN = r"tổ\s+chức(?=\s*(?:[,;.)/]|và\s|có\s+liên|liên\s+quan|khác|$))"
_GENERIC_NOUN = r"(?:" + _alternation(GENERIC_NOUNS) + r"|" + _TO_CHUC_NOUN + r")" + _NOT_WORD_AFTER
_GENERIC_TAIL = (
    r"(?:\s+(?:khác\s+)?(?:có\s+)?liên\s+quan"
    r"|\s+trực\s+thuộc(?:\s+(?:Sở|Bộ|UBND|Ủy\s+ban\s+nhân\s+dân)(?:\s+(?:tỉnh|huyện|thành\s+phố|Thành\s+phố|TP))?)?"
    r"|\s+(?:thuộc|của)\s+(?:Sở|Bộ|tỉnh|Tỉnh|Thành\s+phố|thành\s+phố|huyện|UBND\s+(?:tỉnh|huyện|thành\s+phố))"
    r"|\s+(?:Thành\s+phố|thành\s+phố|tỉnh|Tỉnh|huyện|quận|TP\.?)(?=\s*(?:[,;.)]|và|$|" + r"có\s+liên|liên))"
    r"|\s+cấp\s+(?:tỉnh|huyện|xã|cơ\s+sở|trung\s+ương)(?=\s*(?:[,;.):]|và|$|có\s+liên|liên))"
    r")*"
)
_GENERIC_RE = re.compile(
    _NOT_WORD_BEFORE
    + r"(?P<plural>(?:các|Các|CÁC|những|Những|toàn\s+thể|tất\s+cả\s+các)\s+)?"
    + r"(?P<nouns>" + _GENERIC_NOUN + r"(?:\s*(?:,|/|và)\s*" + _GENERIC_NOUN + r")*)"
    + r"(?P<tail>" + _GENERIC_TAIL + r")",
    re.IGNORECASE,
)
_ADMIN_PLURAL_RE = re.compile(
    r"\s+(?:" + ADMIN_UNITS + r"(?:\s*(?:,|/)\s*" + ADMIN_UNITS + r")+(?=\s*(?:[:;.,)]|$))"  # "Ủy ban nhân dân xã, phường"
    r"|các\s+" + ADMIN_UNITS + r"(?:\s*(?:,|/|và)\s*" + ADMIN_UNITS + r")*"
    r"(?:\s+(?:có\s+)?liên\s+quan|\s+trên\s+địa\s+bàn(?:\s+tỉnh|\s+thành\s+phố)?)?"
    r"|cấp\s+(?:tỉnh|huyện|xã|cơ\s+sở)(?:\s*(?:,|/|và)\s*(?:cấp\s+)?(?:tỉnh|huyện|xã))*)" + _NOT_WORD_AFTER,
    re.IGNORECASE,
)

# Role cues around a group of mentions.
_LABEL_BEFORE_RE = re.compile(
    r"(?:(?:Đơn\s+vị|Cơ\s+quan|Bộ\s+phận|Trách\s+nhiệm)\s+)?(?P<cue>chủ\s+trì|phối\s+hợp|thực\s+hiện)"
    r"(?:\s+thực\s+hiện)?\s*:\s*$",
    re.IGNORECASE,
)
_SUPPORT_BEFORE_RE = re.compile(
    r"(?:phối\s+hợp(?:\s+chặt\s+chẽ)?(?:\s+(?:với|cùng))?|cùng\s+với|(?<=chủ\s+trì\s*,?\s*)cùng|và\s+cùng)\s*$",
    re.IGNORECASE,
)
_ASSIGN_BEFORE_RE = re.compile(r"(?<![\p{L}\p{M}])(?:giao(?:\s+cho)?|đề\s+nghị|yêu\s+cầu|cử)\s*$", re.IGNORECASE)
_LEAD_AFTER_RE = re.compile(r"\s*\(?\s*chủ\s+trì" + _NOT_WORD_AFTER, re.IGNORECASE)
_PARTNER_AFTER_RE = re.compile(r"\s*phối\s+hợp(?:\s+chặt\s+chẽ)?\s+(?:với|cùng)" + _NOT_WORD_AFTER, re.IGNORECASE)
_COORD_AFTER_RE = re.compile(r"\s*phối\s+hợp" + _NOT_WORD_AFTER, re.IGNORECASE)
_RESPONSIBLE_AFTER_RE = re.compile(
    r"\s*(?:có\s+trách\s+nhiệm|chịu\s+trách\s+nhiệm|được\s+giao|chủ\s+động|thực\s+hiện|triển\s+khai)" + _NOT_WORD_AFTER,
    re.IGNORECASE,
)
_ISSUER_AFTER_RE = re.compile(
    r"\s*(?:giao|yêu\s+cầu|đề\s+nghị|chỉ\s+đạo|ban\s+hành|quyết\s+định|phê\s+duyệt)" + _NOT_WORD_AFTER, re.IGNORECASE
)
# A person's title before the body it heads: "Giám đốc Sở Công Thương", "Chánh Văn phòng UBND tỉnh",
# "Thủ trưởng các sở, ban, ngành". The body answers for the work; the title does not hide it.
TITLES: tuple[str, ...] = (
    "Giám đốc", "Phó Giám đốc", "Tổng Giám đốc", "Chủ tịch", "Phó Chủ tịch", "Thủ trưởng", "Chánh Văn phòng",
    "Chánh Thanh tra", "Chánh", "Trưởng ban", "Trưởng Ban", "Trưởng phòng", "Cục trưởng", "Chi cục trưởng",
    "Tổng cục trưởng", "Vụ trưởng", "Bộ trưởng", "Viện trưởng", "Hiệu trưởng", "Người đứng đầu", "Bí thư",
    "Chỉ huy trưởng", "Thống đốc", "Tổng Kiểm toán", "Trưởng", "Lãnh đạo",
)
_TITLE = r"(?:" + _alternation(f for t in TITLES for f in {t, t.upper(), t.capitalize()}) + r")"
_TITLE_END_RE = re.compile(_NOT_WORD_BEFORE + _TITLE + r"\s+$")
# The body a heading addresses may follow a cue: "Giao Sở Tài chính:", "Trách nhiệm của Sở Y tế".
_ADDRESS_CUE_RE = re.compile(
    r"^\s*(?:(?:giao(?:\s+cho)?|đề\s+nghị|yêu\s+cầu|phân\s+công(?:\s+cho)?|(?:trách\s+nhiệm|nhiệm\s+vụ)"
    r"(?:\s*,\s*quyền\s+hạn)?\s+(?:của|đối\s+với))\s+)?(?:" + _TITLE + r"\s+)?$",
    re.IGNORECASE,
)
_DUTY_OF_BEFORE_RE = re.compile(
    r"(?:^|[.;:]\s*)(?:trách\s+nhiệm|nhiệm\s+vụ)(?:\s*,\s*quyền\s+hạn)?\s+(?:của|đối\s+với)\s*$", re.IGNORECASE)
_RUN_IN_AFTER_RE = re.compile(r"\s*:\s*\S")
_CLAUSE_START_RE = re.compile(r"(?:^|[.;:!?\n]|^\s*[-+•*]|[.;:]\s*[-+•*])\s*$")
_LOWER_WORD_AFTER_RE = re.compile(r"\s+\p{Ll}")
_JOINER_RE = re.compile(r"\s*(?:,|;|và|,\s*và|;\s*và|/)\s*", re.IGNORECASE)
_TITLED_JOINER_RE = re.compile(r"\s*(?:,|;|và|,\s*và|;\s*và)\s*" + _TITLE + r"\s+")


# --------------------------------------------------------------------------
# Mentions
# --------------------------------------------------------------------------
@dataclass
class _Mention:
    start: int
    end: int
    head: str | None  # the head as printed; None for a generic body
    plural: bool = False
    known: bool = False  # a known department name or a standalone head
    bare: bool = False  # a head without a name
    guessed_end: bool = False
    reasons: list[str] = field(default_factory=list)


@lru_cache(maxsize=None)
def _head_context_re(head: str) -> tuple[re.Pattern | None, re.Pattern | None]:
    """For a head (casefolded): the words it must be followed by to be one, and the words after which it
    is not one (``ONLY_A_HEAD_BEFORE``, ``NOT_A_HEAD_BEFORE``), as patterns built once per head."""
    required, followers = ONLY_A_HEAD_BEFORE.get(head), NOT_A_HEAD_BEFORE.get(head)
    return (re.compile(r"\s+(" + _alternation(required) + r")" + _NOT_WORD_AFTER, re.IGNORECASE) if required else None,
            re.compile(r"\s*,?\s*(" + _alternation(followers) + r")" + _NOT_WORD_AFTER, re.IGNORECASE)
            if followers else None)


def _is_fake_head(text: str, head: str, end: int) -> bool:
    """"Ban hành", "Phòng chống", "Hội nghị": the head word is an ordinary word here."""
    required, followers = _head_context_re(head.casefold())
    if required is not None:
        return required.match(text[end:end + 40]) is None
    return followers is not None and followers.match(text[end:end + 40]) is not None


def _is_upper(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def _starts_head(text: str, pos: int) -> bool:
    m = _HEAD_RE.match(text, pos)
    return bool(m) and not _is_fake_head(text, m.group("head"), m.end())


def _slash_before_head(text: str, start: int, end: int) -> int | None:
    """Where a word of a name ends at a "/" that another agency's head follows ("tỉnh/Sở Tài chính"),
    or None. A "/" between numbers or inside a symbol ("12/QĐ-UBND") does not count."""
    for i in range(start + 1, end - 1):
        if text[i] == "/" and text[i - 1].isalpha() and _UPPER_START.match(text, i + 1) and _starts_head(text, i + 1):
            return i
    return None


_LOWER_FIRST_RE = re.compile(r"\p{Ll}")
_NEXT_UPPER_WORD_RE = re.compile(r"[ \t]+(\p{Lu})")
_SPACES_RE = re.compile(r"\s*")
_PLURAL_WORD_RE = re.compile(r"(?:các|những)" + _NOT_WORD_AFTER, re.IGNORECASE)
_NAME_DASH_RE = re.compile(r"(?<=[\p{L}\p{M}])\s*[-–]\s*(?=\p{Lu})")


def _extend_name(text: str, pos: int, head: str) -> tuple[int, bool, bool, bool]:
    """Read the name after a head ending at ``pos``: (end, known, plural, guessed_end)."""
    upper = _is_upper(head) and head not in ABBREVIATIONS  # "SỞ Y TẾ": the name ends where capitals end
    if m := _ADMIN_PLURAL_RE.match(text, pos):
        return m.end(), False, True, False
    end = cut = pos
    words = 0
    while True:
        m = _BLANKS.match(text[end:])
        i = end + m.end()
        if i >= len(text) or (i == end and words and text[i] not in "-–"):
            break
        if words == 0 and (d := _DEPT_RE.match(text, i)) and (upper or _UPPER_START.match(d.group())):
            # a known department name, taken whole unless more capitalised words follow
            nxt = _NEXT_UPPER_WORD_RE.match(text, d.end())
            if not nxt or upper:
                tail = None if upper else _LEVEL_TAIL_RE.match(text, d.end())
                return (tail.end() if tail else d.end()), True, False, False
        if _HARD_STOP_RE.match(text, i):
            break
        if words and (v := _VERB_STOP_RE.match(text, i)):
            # some one-syllable stops end a capitalised word of the name: "Chuyển giao", "Thu chi"
            prev_word = text[max(0, i - 20):i].split()
            if not (v.group() in _SECOND_SYLLABLES and prev_word and _UPPER_START.match(prev_word[-1])):
                break
        if words == 0 and _VERB_STOP_RE.match(text, i) and not _is_upper(text[i:i + 1]):
            # lower-case verb right after the head: "Sở chủ trì", "Ban Quản lý thực hiện"
            if _LOWER_FIRST_RE.match(text, i):
                break
        conj = _CONJUNCTION.match(text[i:])
        if conj:
            j = i + conj.end()
            k = _SPACES_RE.match(text, j).end()
            if not words or k >= len(text):
                break
            after_word = _WORD_RE.match(text, k)
            if not after_word:
                break
            if _starts_head(text, k) or _GENERIC_RE.match(text, k) or _HARD_STOP_RE.match(text, k):
                break
            if _PLURAL_WORD_RE.match(text, k):
                break
            if conj.group() in "-–" and not _UPPER_START.match(text, k):
                break
            if conj.group(1) == "và" and _VERB_STOP_RE.match(text, k) and _LOWER_FIRST_RE.match(text, k):
                break
            if upper and not _is_upper(after_word.group()):
                break
            end = after_word.end()
            words += 1
            continue
        w = _ABBR_RE.match(text, i) or _WORD_RE.match(text, i)
        if not w:
            break
        if upper and not _is_upper(w.group()):
            break  # a capitals name ends where capitals end
        if (slash := _slash_before_head(text, w.start(), w.end())) is not None:
            end = slash  # "Công an tỉnh/Bộ Chỉ huy Quân sự tỉnh": the "/" joins two bodies
            break
        end = w.end()
        words += len(w.group().split()) if w.re is _ABBR_RE else 1
        if words == MAX_NAME_WORDS:
            cut = end  # too long: a guess from here on
        if words >= MAX_NAME_WORDS + 8:
            return cut, False, False, True
    return end, False, False, words >= MAX_NAME_WORDS


def _mentions(text: str) -> list[_Mention]:
    """Every agency name in ``text``, in reading order, not overlapping."""
    found: list[_Mention] = []
    taken = 0
    candidates = sorted(
        [(m.start(), "head", m) for m in _HEAD_RE.finditer(text)]
        + [(m.start(), "generic", m) for m in _GENERIC_RE.finditer(text)],
        key=lambda c: (c[0], c[1] != "generic"),
    )
    for start, kind, m in candidates:
        if start < taken:
            continue
        if kind == "generic":
            nouns = _NOUN_SEPARATOR.split(m.group("nouns"))
            has_plural = bool(m.group("plural"))
            has_tail = bool(m.group("tail").strip())
            if not (has_plural or has_tail or len(nouns) >= 2):
                continue
            if not has_plural and not has_tail and not _UPPER_START.match(m.group()) and len(nouns) < 2:
                continue
            found.append(_Mention(m.start(), m.end(), None, plural=True, reasons=["plural or generic body"]))
            taken = m.end()
            continue
        head = m.group("head")
        if _is_fake_head(text, head, m.end()):
            continue
        # a lower-case start is not a head ("sở", "ban"): those come only through the generic forms
        if not _UPPER_START.match(head):
            continue
        end, known, plural, guessed = _extend_name(text, m.end(), head)
        mention = _Mention(start, end, head, plural=plural, known=known, guessed_end=guessed)
        if end == m.end():
            mention.bare = True
            mention.known = head.casefold() in STANDALONE_HEADS
        if plural:
            mention.reasons.append("plural body")
        if guessed:
            mention.reasons.append("name cut at a guessed boundary")
        found.append(mention)
        taken = end
    return found


def _groups(text: str, mentions: list[_Mention]) -> list[list[_Mention]]:
    """Mentions separated only by ",", ";", "và" or "/" form one list."""
    groups: list[list[_Mention]] = []
    for mention in mentions:
        if groups:
            prev = groups[-1][-1]
            gap = text[prev.end:mention.start]
            if _JOINER_RE.fullmatch(gap) or _TITLED_JOINER_RE.fullmatch(gap):
                groups[-1].append(mention)
                continue
        groups.append([mention])
    return groups


# --------------------------------------------------------------------------
# Roles
# --------------------------------------------------------------------------
def _role(text: str, group: list[_Mention]) -> tuple[str, float, str] | None:
    """(role, confidence cap, reason) of a group of mentions, or None when no cue names a role."""
    start, end = group[0].start, group[-1].end
    before = text[max(0, start - 60):start]
    if m := _TITLE_END_RE.search(before):
        before = before[:m.start()]  # "Giám đốc Sở X": the body's role is read around the title
    after = text[end:end + 60]

    if m := _LABEL_BEFORE_RE.search(before):
        cue = ascii_fold(m.group("cue"))
        role = {"chu tri": "lead", "phoi hop": "support"}.get(cue, "assignee")
        return role, 1.0, f"after the label '{m.group().strip()}'"
    if m := _SUPPORT_BEFORE_RE.search(before):
        return "support", 1.0, f"after '{m.group().strip()}'"
    if _LEAD_AFTER_RE.match(after):
        return "lead", 1.0, "followed by 'chủ trì'"
    if m := _ASSIGN_BEFORE_RE.search(before):
        return "assignee", 1.0, f"after '{m.group().strip()}'"
    if m := _DUTY_OF_BEFORE_RE.search(before):
        return "assignee", 0.9, f"after '{m.group().strip(' .;:')}'"
    at_clause_start = bool(_CLAUSE_START_RE.search(before))
    if at_clause_start and _RUN_IN_AFTER_RE.match(after):
        return "assignee", 0.85, "names the body addressed ('X: …')"
    if _ISSUER_AFTER_RE.match(after) and at_clause_start:
        return None  # "UBND tỉnh giao ...": the issuer, not a responsible body
    if m := _PARTNER_AFTER_RE.match(after):
        return "assignee", 0.9, f"subject of '{_fold_spaces(m.group())}'"
    if _COORD_AFTER_RE.match(after):
        rest = after[_COORD_AFTER_RE.match(after).end():]
        if _starts_head(rest, len(rest) - len(rest.lstrip())) or _GENERIC_RE.match(rest.lstrip()):
            return "assignee", 0.9, "subject of 'phối hợp' with a partner"
        return "support", 0.8, "'phối hợp' without a partner: takes part"
    if _RESPONSIBLE_AFTER_RE.match(after):
        return "assignee", 0.9 if at_clause_start else 0.75, f"followed by '{_RESPONSIBLE_AFTER_RE.match(after).group().strip()}'"
    if at_clause_start:
        if not text[end:].strip(" \t.:;,/"):
            if _ADDRESS_CUE_RE.match(text[:start]) is not None:
                return "assignee", 0.8, "the item is an agency name"
            return None
        if _LOWER_WORD_AFTER_RE.match(after) and not re.match(r"\s*(?:và|hoặc)\b", after):
            return "assignee", 0.75, "subject of the clause"
    return None


def _confidence(mention: _Mention, cap: float) -> tuple[float, list[str]]:
    conf = 0.95 if mention.known else 0.85
    reasons = list(mention.reasons)
    if mention.plural:
        conf = min(conf, 0.6)
    if mention.guessed_end:
        conf = min(conf, 0.5)
    if mention.bare and not mention.known:
        conf = min(conf, 0.5)
        reasons.append("a head without a name")
    return round(min(conf, cap), 2), reasons


def extract_agencies(text: str) -> list[Agency]:
    """The agencies responsible for the item ``text``, in reading order; spans are offsets into ``text``."""
    if not text or not text.strip():
        return []
    out: list[Agency] = []
    for group in _groups(text, _mentions(text)):
        out.extend(_group_agencies(text, group))
    return out


def _group_agencies(text: str, group: list[_Mention]) -> list[Agency]:
    role = _role(text, group)
    if role is None:
        return []
    name_role, cap, cue = role
    out = []
    for mention in group:
        if mention.bare and not mention.known and cap < 1.0 and cue == "subject of the clause":
            continue  # "Thanh tra, kiểm tra ...": a bare head as a weak subject is a verb or noun
        conf, reasons = _confidence(mention, cap)
        raw = text[mention.start:mention.end]
        out.append(Agency(
            name=_fold_spaces(raw), normalized=normalize_agency(raw), role=name_role, raw=raw,
            span=(mention.start, mention.end), confidence=conf, reasons=[cue] + reasons,
        ))
    return out


def addressed_agencies(text: str, name_only: bool = False) -> list[Agency]:
    """The bodies a unit's heading or run-in text addresses, if it opens with them.

    "1. Sở Công Thương:", "Giám đốc Sở Công Thương:", "Giao Sở Tài chính chủ trì …:",
    "Trách nhiệm của Sở Y tế", "Các sở, ngành: …", "Sở Nội vụ có trách nhiệm:" — the body
    (or list of bodies) that opens the text, after at most a cue ("Giao", "Trách nhiệm của")
    and a title, when it is the one the text is addressed to (lead or assignee) and the text
    is a heading: the name alone, a run-in "X: …", or a lead-in ending in ":". A sentence
    ("Sở Tài chính bố trí kinh phí.") addresses nobody below it. The units under such a heading
    take it as their lead unless they name one; with ``name_only`` (the heading is nothing but
    the body's name, after a cue: "1. Sở Xây dựng:", "Giao Sở Tài chính:", "Trách nhiệm của Sở
    Y tế") they are that body's assignments.
    """
    if not text or not text.strip():
        return []
    groups = _groups(text, _mentions(text))
    if not groups or _ADDRESS_CUE_RE.match(text[:groups[0][0].start]) is None:
        return []
    rest = text[groups[0][-1].end:].strip()
    if name_only and rest.strip(" .;,:"):
        return []
    # a heading, not a sentence: the name alone, a run-in "X: …", or a lead-in ending in ":"
    if rest.strip(" .;,") and not rest.startswith(":") and not rest.endswith(":"):
        return []
    return [a for a in _group_agencies(text, groups[0]) if a.role in ("lead", "assignee")]


# --------------------------------------------------------------------------
# Table cells
# --------------------------------------------------------------------------
_CELL_ROLE_HEADERS: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"chu\s*tri"), "lead"),
    (re.compile(r"phoi\s*hop"), "support"),
    (re.compile(r"(?:don\s*vi|co\s*quan|trach\s*nhiem)\s*(?:thuc\s*hien|thi\s*hanh)|^thuc\s*hien$"), "assignee"),
)
_CELL_SPLIT_RE = re.compile(r"\s*(?:;|\n|,|\s-\s|\+)\s*")


def _cell_role(header: str) -> str | None:
    h = ascii_fold(header).strip()
    for pattern, role in _CELL_ROLE_HEADERS:
        if pattern.search(h):
            return role
    return None


def extract_agencies_from_cells(cells: dict[str, str]) -> list[Agency]:
    """Agencies named in a table row: "Đơn vị chủ trì" / "Cơ quan chủ trì" / "Chủ trì" columns give
    leads, "Đơn vị phối hợp" / "Phối hợp" supports, "Đơn vị thực hiện" assignees. Spans are ``None``."""
    out: list[Agency] = []
    for header, value in (cells or {}).items():
        role = _cell_role(header or "")
        if role is None or not value or not value.strip():
            continue
        mentions = _mentions(value)
        if mentions:
            pieces = [(value[m.start:m.end], m) for m in mentions]
        else:
            pieces = [(p, None) for p in _CELL_SPLIT_RE.split(value.strip()) if p.strip(" .")]
        for raw, mention in pieces:
            raw = raw.strip(" .")
            if not raw:
                continue
            if mention is not None:
                conf, reasons = _confidence(mention, 1.0)
            else:
                conf, reasons = 0.5, ["not recognised as an agency name"]
            out.append(Agency(
                name=_fold_spaces(raw), normalized=normalize_agency(raw), role=role, raw=raw, span=None,
                confidence=conf, reasons=[f"table column '{_fold_spaces(header)}'"] + reasons,
            ))
    return out


# --------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------
_HEAD_CANONICAL = {h.casefold(): h for h in HEADS if not _is_upper(h)}
_HEAD_CANONICAL.update({"uỷ ban nhân dân": "Ủy ban nhân dân", "uỷ ban": "Ủy ban"})
_DEPT_CANONICAL = {ascii_fold(n): n for n in DEPARTMENT_NAMES if n != "Công thương"}
_PLACE_WORDS = {"tỉnh", "huyện", "quận", "xã", "phường", "thị xã", "thị trấn", "các", "cấp", "và"}


def _fold_spaces(s: str) -> str:
    return " ".join(s.split())


def _expand_abbreviations(s: str) -> str:
    return _ABBR_RE.sub(lambda m: ABBREVIATIONS[m.group()] + " ", s)


def normalize_agency(name: str) -> str:
    """A comparable form of an agency name: abbreviations expanded, one tone placement,
    the head in its usual case, whitespace folded. "Sở KH&CN" -> "Sở Khoa học và Công nghệ"."""
    s = unicodedata.normalize("NFC", name or "")
    s = normalize_tone_marks(s).text
    s = _fold_spaces(s).strip(" .,;:")
    s = _fold_spaces(_expand_abbreviations(s))
    s = _SPACE_BEFORE_CLOSE.sub(r"\1", s)
    s = _NAME_DASH_RE.sub(" - ", s)  # "Tiêu chuẩn- Đo lường" -> "Tiêu chuẩn - Đo lường"
    if not s:
        return s
    m = _HEAD_RE.match(s)
    if m is None:
        # a plural or generic body: "các sở, ban, ngành thành phố"
        return s.casefold() if _GENERIC_RE.match(s) else s
    head = m.group("head")
    canonical_head = _HEAD_CANONICAL.get(head.casefold(), head)
    rest = s[m.end():].strip()
    if _is_upper(head) and len(head) > 3 and _is_upper(rest) and len(rest) > 3:
        rest = " ".join(w.lower() if w.lower() in _PLACE_WORDS else w.capitalize() for w in rest.split())
    if rest:
        dept = _DEPT_CANONICAL.get(ascii_fold(rest))
        if dept:
            rest = dept
        else:
            # a known department name at the start of the rest keeps its usual case
            if d := _DEPT_RE.match(rest):
                known = _DEPT_CANONICAL.get(ascii_fold(d.group()))
                if known:
                    rest = known + rest[d.end():]
    return _fold_spaces(f"{canonical_head} {rest}")
