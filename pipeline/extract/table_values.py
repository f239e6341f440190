"""Table cells by column meaning: "Chỉ tiêu đến 2020 | Thực hiện 2016 | Kế hoạch 2018 | Thời gian thực hiện".

`classify_header` names what a column holds, from its printed header, the way
Vietnamese plans and reports title their columns:

===========  ==============================================================
row_number   TT, STT, Số TT
content      Nội dung, Nhiệm vụ, Tên nhiệm vụ, Hoạt động ...
target       Chỉ tiêu / Mục tiêu (đến 2020, giai đoạn 2016-2020)
actual       Thực hiện 2016, TH 2017, Ước thực hiện, Kết quả thực hiện, Lũy kế
plan         Kế hoạch 2018, KH năm 2018, Dự kiến 2018
ratio        Tỷ lệ ..., ... so với ..., (%)
deadline     Thời gian thực hiện, Thời hạn, Tiến độ, Thời gian hoàn thành
lead         Đơn vị chủ trì, Cơ quan chủ trì, Chủ trì
support      Đơn vị phối hợp, Phối hợp
assignee     Đơn vị thực hiện, Cơ quan thực hiện, Trách nhiệm
budget       Kinh phí (triệu đồng), Dự toán, Nguồn vốn, Tổng mức đầu tư
unit         Đơn vị tính, ĐVT
note         Ghi chú
product      Sản phẩm, Kết quả dự kiến, Hình thức văn bản
other        anything else (a bare year is actual before the document's year, plan from it on)
===========  ==============================================================

Matching is on diacritic-folded text with one character edit allowed in
longer keywords, so OCR damage ("Chỉ chủ" for "Ghi chú", "Thòi gian") still
classifies. The header's year(s) and unit/scale ("(triệu đồng)", "(ha)",
"ĐVT: tỷ đồng") come with it.

`row_values` reads a row's cells with the quantity, deadline and agency
parsers into a `RowValues`. A bare number ("3.000") has no unit of its own; it
takes the header's unit, the row's "Đơn vị tính", the row's target's unit
("10.000 DN" -> doanh nghiệp) or the content's counted noun ("Số làng nghề ..."),
marked in ``unit_from`` and with a lower confidence.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import regex

from pipeline.extract.agencies import extract_agencies_from_cells
from pipeline.extract.deadlines import extract_deadline
from pipeline.extract.numbers import parse_digits
from pipeline.extract.quantities import extract_quantities, normalize_unit
from pipeline.model import CellQuantity, Quantity, RowValues, TableValue
from pipeline.lexicon import ascii_fold

KINDS = (
    "row_number", "content", "target", "actual", "plan", "ratio", "deadline", "lead", "support", "assignee",
    "budget", "unit", "note", "product", "other",
)


@dataclass(frozen=True)
class ColumnMeaning:
    kind: str
    header: str
    year: int | None = None  # the column's (last) year
    year_start: int | None = None  # first year of a period ("2016-2020"), when two are printed
    unit: str | None = None  # from the header: "đồng", "ha", "%"
    scale: float = 1.0  # "(triệu đồng)" -> 1e6


def _kw(words: str, errors: int | None = None) -> str:
    """A folded keyword as a regex: whole words, one edit allowed from 6 letters on."""
    if errors is None:
        errors = 1 if len(words.replace(" ", "")) >= 6 else 0
    body = regex.escape(words).replace(r"\ ", " ")
    return rf"(?<![a-z0-9])(?:{body}){{e<={errors}}}(?![a-z0-9])" if errors else rf"(?<![a-z0-9]){body}(?![a-z0-9])"


def _any(*words: str) -> regex.Pattern:
    return regex.compile("|".join(_kw(w) for w in words), regex.BESTMATCH)


_ROW_NUMBER = {"tt", "stt", "so tt", "so thu tu", "thu tu", "s tt"}
# Tried in this order: the first that matches names the column.
_RULES: tuple[tuple[str, regex.Pattern], ...] = (
    ("ratio", regex.compile(r"(?<![a-z])t[iy] le(?![a-z])|\bso voi\b|^\(?%\)?$|\(%\)")),
    ("unit", regex.compile(r"(?<![a-z])(?:don vi tinh|dvt|d\.v\.t)(?![a-z])|^don vi$")),
    ("deadline", _any("thoi gian", "thoi han", "tien do", "han hoan thanh", "moc thoi gian", "thoi diem")),
    ("lead", _any("chu tri")),
    ("support", _any("phoi hop")),
    ("assignee", regex.compile(
        r"(?:don vi|co quan|bo phan)\s*(?:thuc hien|thi hanh|dam nhiem|phu trach)|trach nhiem|(?<![a-z])giao cho")),
    ("budget", _any("kinh phi", "du toan", "nguon von", "von dau tu", "tong muc dau tu", "ngan sach", "chi phi",
                    "tong von", "von")),
    ("note", _any("ghi chu")),
    ("plan", regex.compile(_kw("ke hoach") + r"|(?<![a-z])kh(?![a-z])|" + _kw("du kien") + "|" + _kw("dang ky"),
                           regex.BESTMATCH)),
    ("actual", regex.compile(_kw("thuc hien") + r"|(?<![a-z])th(?![a-z])|" + _kw("ket qua thuc hien") + "|"
                             + _kw("luy ke") + "|" + _kw("uoc dat") + "|" + _kw("da dat"), regex.BESTMATCH)),
    ("target", _any("chi tieu", "muc tieu")),
    ("product", _any("san pham", "ket qua", "hinh thuc van ban", "hinh thuc")),
    ("content", regex.compile(r"^(?:" + "|".join(_kw(w) for w in (
        "noi dung", "nhiem vu", "ten", "cong viec", "hoat dong", "danh muc", "linh vuc", "giai phap", "de an",
        "du an", "chuong trinh")) + r")", regex.BESTMATCH)),
)
_YEAR_RE = regex.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_PAREN_RE = regex.compile(r"\(([^()]{1,40})\)")
_DVT_RE = regex.compile(r"(?:đvt|đơn vị tính)\s*[:\-]?\s*(.+)$", regex.IGNORECASE)
_SCALES = (
    (regex.compile(r"(?<![a-z])(?:ty|ti)(?![a-z])"), 1e9),
    (regex.compile(r"(?<![a-z])(?:trieu|tr)(?![a-z])"), 1e6),
    (regex.compile(r"(?<![a-z])(?:nghin|ngan)(?![a-z])|1\.000|1000"), 1e3),
)
_MONEY_RE = regex.compile(r"(?<![a-z])(?:dong|d|vnd|vnđ)(?![a-z])|tr\.?d|trd")


def _header_unit(header: str) -> tuple[str | None, float]:
    """The unit and scale a header prints: "Kinh phí (triệu đồng)" -> ("đồng", 1e6), "Diện tích (ha)" -> ("ha", 1)."""
    found = [m.group(1) for m in _PAREN_RE.finditer(header)]
    m = _DVT_RE.search(header)
    if m:
        found.append(m.group(1))
    for text in found:
        folded = ascii_fold(text).strip(" .:")
        if _YEAR_RE.search(folded) or len(folded.split()) > 4:
            continue  # "(2016-2020)", a remark
        scale = next((s for pattern, s in _SCALES if pattern.search(folded)), 1.0)
        if _MONEY_RE.search(folded) or (scale > 1 and not regex.search(r"[a-z]{3,}", regex.sub(
                r"trieu|nghin|ngan|ty|ti|dong", "", folded))):
            return "đồng", scale
        if folded in ("%", "ty le %"):
            return "%", 1.0
        return text.strip(" .:"), scale
    return None, 1.0


_SPACES_RE = regex.compile(r"\s+")
_NOT_HEADER_CHAR_RE = regex.compile(r"[^a-z0-9%().: -]+")
_PARENTHESES_RE = regex.compile(r"\([^)]*\)")
_YEAR_ONLY_RE = regex.compile(r"(?:nam\s*)?(?:19|20)\d{2}")


def classify_header(header: str, document_year: int | None = None) -> ColumnMeaning:
    """What a column holds, from its printed header (see the module docstring)."""
    printed = _SPACES_RE.sub(" ", header or "").strip()
    folded = _SPACES_RE.sub(" ", _NOT_HEADER_CHAR_RE.sub(" ", ascii_fold(printed))).strip()
    years = [int(y) for y in _YEAR_RE.findall(folded)]
    year = years[-1] if years else None
    year_start = years[0] if len(years) > 1 else None
    unit, scale = _header_unit(printed)
    bare = folded.strip(". ")
    if bare in _ROW_NUMBER:
        return ColumnMeaning("row_number", printed)
    words_only = _PARENTHESES_RE.sub(" ", folded)  # keywords are read outside the unit's parentheses
    kind = "other"
    for name, pattern in _RULES:
        target_text = folded if name in ("ratio", "unit") else words_only
        if pattern.search(target_text):
            kind = name
            break
    if kind == "other" and year is not None and _YEAR_ONLY_RE.fullmatch(words_only.strip()):
        if document_year is not None:
            kind = "actual" if year < document_year else "plan"
    if kind == "other" and unit == "%":
        kind = "ratio"
    return ColumnMeaning(kind, printed, year, year_start, unit, scale)


# --------------------------------------------------------------------------
# Cells
# --------------------------------------------------------------------------
_LEADING_NUMBER_RE = regex.compile(r"^\s*(?:[-–+•]\s*)?(?:khoảng|ước|gần|trên|dưới|~|≈)?\s*(\d{1,3}(?:[.,]\d{3})+(?:,\d+)?|\d+(?:,\d+)?)(?!\s*[/\d])")
_NUMBER_RE = regex.compile(r"(?<![\d/.,])(\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?)(?![\d/]|[.,]\d)")
_COUNT_NOUN_RE = regex.compile(r"^(?:tổng\s+)?số\s+(?:lượng\s+)?(?=\p{L})", regex.IGNORECASE)


def _is_year(token: str) -> bool:
    return bool(regex.fullmatch(r"(?:19|20)\d{2}", token))


def _cell_quantities(text: str) -> list[Quantity | CellQuantity]:
    """The numbers of a cell: the quantity parser's, plus a bare number it does not count ("3.000", "1.069")."""
    found: list = list(extract_quantities(text))
    taken = [q.span for q in found]
    bare = []
    for m in _NUMBER_RE.finditer(text):
        token = m.group(1)
        if _is_year(token) or any(a <= m.start(1) < b for a, b in taken):
            continue
        after = text[m.end(1):m.end(1) + 3]
        if regex.match(r"\s*[%‰]", after):
            continue
        if regex.match(r"[.)]\s+\p{L}", after) and not text[:m.start(1)].strip(" -–+•"):
            continue  # an enumerator opening the cell: "2. Dành 70% kinh phí ..."
        before = text[max(0, m.start(1) - 12):m.start(1)].casefold()
        if regex.search(r"(?:quý|tháng|năm|ngày|số|điều|khoản|cấp độ|loại)\s*$", before):
            continue
        value = parse_digits(token)
        if value is None:
            continue
        bare.append((m.start(1), CellQuantity(value=value, raw=token, kind="count")))
    ordered = sorted([(q.span[0], q) for q in found] + bare, key=lambda p: p[0])
    return [q for _, q in ordered]


def _as_cell_quantity(q) -> CellQuantity:
    if isinstance(q, CellQuantity):
        return q
    return CellQuantity(value=q.value, value_max=q.value_max, unit=q.unit, unit_normalized=q.unit_normalized,
                        kind=q.kind, qualifier=q.qualifier, raw=q.raw)


def _content_unit(content: str) -> str | None:
    """The counted noun of an indicator named "Số X ...": "Số làng nghề được hỗ trợ" -> "làng nghề"."""
    m = _COUNT_NOUN_RE.match(content.strip())
    if not m:
        return None
    probe = extract_quantities("1 " + content.strip()[m.end():])
    if probe and probe[0].span[0] == 0 and probe[0].unit and probe[0].kind == "count":
        return probe[0].unit
    return None


@dataclass
class _Inherit:
    unit: str | None
    kind: str
    source: str


def _value(meaning: ColumnMeaning, raw: str, inherit: list[_Inherit]) -> TableValue:
    text = regex.sub(r"\s+", " ", raw).strip()
    quantities = [_as_cell_quantity(q) for q in _cell_quantities(text)]
    value = TableValue(column=meaning.header, raw=text, year=meaning.year, year_start=meaning.year_start)
    if not quantities:
        return value
    primary = quantities[0]
    if meaning.kind == "ratio":
        primary = next((q for q in quantities if q.kind == "percent"), primary)
    rest = [q for q in quantities if q is not primary]
    fields = primary.model_dump(exclude={"raw"})
    reasons: list[str] = []
    confidence = 1.0
    if primary.unit is not None:
        fields["unit_from"] = "cell"
    else:
        source = None
        if meaning.unit is not None:
            source = _Inherit(meaning.unit, "money" if meaning.unit == "đồng" else "percent" if meaning.unit == "%"
                              else "measure", "header")
            fields["value"] = primary.value * meaning.scale
        elif meaning.kind == "ratio":
            source = None
        else:
            source = next((s for s in inherit if s.unit), None)
        if source is not None:
            fields.update(unit=source.unit, unit_normalized=normalize_unit(source.unit, source.kind), kind=source.kind,
                          unit_from=source.source)
            if source.source != "header":
                confidence = 0.8
                reasons.append(f"unit inherited from the row's {source.source.replace('_', ' ')}")
        else:
            confidence = 0.9
            reasons.append("a bare number: no unit printed or inherited")
    return value.model_copy(update={**fields, "more": rest, "confidence": confidence, "reasons": reasons})


def _agency_names(header: str, canonical: str, text: str) -> list[str]:
    agencies = extract_agencies_from_cells({header: text}) or extract_agencies_from_cells({canonical: text})
    return [a.name for a in agencies]


def document_year(issued: dt.date | str | None) -> int | None:
    if isinstance(issued, str):
        issued = dt.date.fromisoformat(issued) if issued else None
    return issued.year if issued else None


def row_values(cells: dict[str, str] | None, content: str = "", issued: dt.date | None = None) -> RowValues | None:
    """A table row's cells (header -> text, as on `Item.cells`) read by column meaning."""
    if cells is None:
        return None
    year = document_year(issued)
    meanings = {header: classify_header(header, year) for header in cells}
    out = RowValues(columns={h: m.kind for h, m in meanings.items()})
    # first the cells others inherit from: the unit column and the target
    inherit: list[_Inherit] = []
    for header, text in cells.items():
        if meanings[header].kind == "unit" and text.strip():
            out.unit = text.strip()
            inherit.append(_Inherit(out.unit, "count", "unit_column"))
    for header, text in cells.items():
        meaning = meanings[header]
        if meaning.kind == "target" and out.target is None and text.strip():
            out.target = _value(meaning, text, inherit)
            if out.target.unit and out.target.unit_from == "cell" and out.target.kind in ("count", "measure", "money"):
                inherit.append(_Inherit(out.target.unit, out.target.kind, "target"))
    noun = _content_unit(content)
    if noun:
        inherit.append(_Inherit(noun, "count", "content"))
    if out.target is not None and out.target.value is not None and out.target.unit is None and inherit:
        out.target = _value(meanings[out.target.column], out.target.raw, inherit)
    for header, text in cells.items():
        meaning, text = meanings[header], text.strip()
        if not text:
            continue
        if meaning.kind in ("actual", "plan"):
            key = str(meaning.year) if meaning.year is not None else meaning.header
            getattr(out, meaning.kind).setdefault(key, _value(meaning, text, inherit))
        elif meaning.kind == "ratio" and out.ratio is None:
            out.ratio = _value(meaning, text, inherit)
        elif meaning.kind == "budget" and out.budget is None:
            out.budget = _value(meaning, text, [])
        elif meaning.kind == "deadline" and out.deadline is None:
            deadline = extract_deadline(text, issued, time_field=True)
            if deadline is not None:
                out.deadline = deadline.model_copy(update={"span": None, "reasons": [*deadline.reasons,
                                                                                     f"table column '{header}'"]})
        elif meaning.kind == "lead":
            out.lead.extend(_agency_names(header, "Đơn vị chủ trì", text))
        elif meaning.kind == "support":
            out.support.extend(_agency_names(header, "Đơn vị phối hợp", text))
        elif meaning.kind == "assignee":
            out.assignee.extend(_agency_names(header, "Đơn vị thực hiện", text))
        elif meaning.kind == "note" and out.note is None:
            out.note = text
    return out


__all__ = ["ColumnMeaning", "KINDS", "classify_header", "row_values"]
