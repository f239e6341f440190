"""What a report unit says about a target, as numbers, and how far along the target is.

`row_report` reads a table row's `RowValues` (pipeline/extract/table_values.py)
into plain numbers by year: ``{"target": 100, "actual": {"2016": 2}, "plan":
{"2018": 2}, "ratio": …}``, with units and the cells as printed beside them. A
cell often holds several figures ("08 khóa tập huấn … cho 538 lượt cán bộ",
"Đào tạo 300 giáo viên, 1400 học sinh - 40 hội thi/ câu lạc bộ sáng tạo"); the
one kept is the one that counts what the target and the row talk about (its
words are in their texts), a figure in parentheses being a detail of the one
before it ("72 đề án (3 mô hình - 24 QH)"). A bare number takes the unit of
another year of the same row ("900 tin/bài | 2.365").

`narrative_report` does the same for a paragraph or task: its figure, for the
year of its deadline, as an actual when it speaks in the past ("đã", "đạt") of a
report, else as the plan for that year.

`progress` compares: actual / target where the two count the same thing — a
count against a count of the same noun (summed over the years for a target of
a period, the latest year for a yearly one), a percentage against a
percentage, a ratio against a multiplier ("tăng 2,6 lần" against "gấp 2 lần"),
and a percentage whose count the report prints ("100% làng nghề (8 làng
nghề)": 8). Anything else — a count against a percentage, a target set for
each district against a city total, two different nouns — is not computed,
and the reason says why.
"""
from __future__ import annotations

import regex

from pipeline.lexicon import ascii_fold
from pipeline.model import Item, Quantity, RowValues, TableValue

_CLASSIFIERS = {"luot", "khoa", "cuoc", "so", "cac", "nhung"}  # words before the counted noun that say little
_PAST = regex.compile(r"\b(?:da|dat|duoc|ket qua|thuc hien duoc|hoan thanh)\b")
_PER_ENTITY = regex.compile(
    r"\bmoi\s+(?!nam\b|thang\b|quy\b|nguoi\b)([a-z]+(?:\s*,\s*[a-z]+|\s+(?!(?:co|duoc|phai|it|dat|thuc|to|xay|tu|la|se|can|deu)\b)[a-z]+)?)")
_YEARLY = regex.compile(r"\bhang nam\b|\bmoi nam\b|/\s*nam\b|\bhang quy\b")
_YEAR = regex.compile(r"(?<!\d)(20\d\d|19\d\d)(?!\d)")


def _words(text: str | None) -> set[str]:
    return set(regex.findall(r"[a-z0-9]+", ascii_fold(text or "")))


def _tokens(text: str | None) -> list[str]:
    return regex.findall(r"[a-z0-9]+", ascii_fold(text or ""))


def unit_head(unit: str | None) -> str | None:
    """The counted noun's first word, classifiers skipped: "lượt cán bộ" -> "can", "tin/bài" -> "tin"."""
    words = [w for w in _tokens(unit) if w not in _CLASSIFIERS] or _tokens(unit)
    return words[0] if words else None


def same_unit(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and unit_head(a) == unit_head(b)


def _in_parentheses(text: str, pos: int) -> bool:
    depth = 0
    for ch in text[:pos]:
        depth += ch == "("
        depth -= ch == ")" and depth > 0
    return depth > 0


def _figures(cell: TableValue) -> list[tuple[float, str | None, str, int]]:
    """(value, unit, kind, position in the cell) of every figure of a cell, in order."""
    out = []
    if cell.value is not None:
        first = regex.search(r"\d", cell.raw)
        out.append((cell.value, cell.unit, cell.kind or "count", first.start() if first else 0))
    cursor = out[0][3] + 1 if out else 0
    for q in cell.more:
        at = cell.raw.find(q.raw, cursor)
        at = at if at >= 0 else cursor
        out.append((q.value, q.unit, q.kind, at))
        cursor = at + 1
    return out


def choose_figure(cell: TableValue, context: str, target_units: list[str | None]) -> tuple[float | None, str | None]:
    """The figure of a cell that counts what the context talks about (see the module docstring)."""
    figures = _figures(cell)
    if not figures:
        return None, None
    outside = [f for f in figures if not _in_parentheses(cell.raw, f[3])] or figures
    if len(outside) == 1:
        return outside[0][0], outside[0][1]
    words = _words(context)
    heads = {unit_head(u) for u in target_units if u}

    def score(figure) -> float:
        unit = figure[1]
        if unit and unit_head(unit) in heads:
            return 2.0
        unit_words = [w for w in _tokens(unit) if w not in _CLASSIFIERS]
        return sum(w in words for w in unit_words) / len(unit_words) if unit_words else 0.0

    best = max(outside, key=lambda f: (score(f), -outside.index(f)))
    return best[0], best[1]


def _number(value: float | None):
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(float(value), 4)


def row_report(values: RowValues, context: str, target_units: list[str | None]) -> dict:
    """A table row's cells as numbers by year, units and raw text beside them."""
    out: dict = {"target": None, "actual": {}, "plan": {}, "ratio": None,
                 "units": {"actual": {}, "plan": {}}, "raw": {"actual": {}, "plan": {}}}
    if values.target is not None and values.target.raw:
        target = values.target
        out["target"] = _number(target.value)
        out["units"]["target"] = target.unit_normalized or target.unit
        out["raw"]["target"] = target.raw
        if target.kind == "percent":
            count = next((q for q in target.more if q.kind == "count" and q.unit), None)
            if count is not None:
                out["target_count"] = _number(count.value)
                out["units"]["target_count"] = count.unit_normalized or count.unit
    units = [*target_units, out["units"].get("target_count")]
    for kind in ("actual", "plan"):
        cells: dict[str, TableValue] = getattr(values, kind)
        for key, cell in cells.items():
            if not cell.raw:
                continue
            value, unit = choose_figure(cell, context, units)
            out[kind][key] = _number(value) if value is not None else cell.raw
            out["units"][kind][key] = unit
            out["raw"][kind][key] = cell.raw
    # a bare number takes the unit another year of the row prints ("900 tin/bài | 2.365")
    printed = [u for kind in ("actual", "plan") for u in out["units"][kind].values() if u]
    for kind in ("actual", "plan"):
        for key, unit in out["units"][kind].items():
            if unit is None and isinstance(out[kind][key], (int, float)) and printed:
                out["units"][kind][key] = printed[0]
                out.setdefault("notes", []).append(f"{kind} {key}: unit '{printed[0]}' taken from another year")
    if values.ratio is not None and values.ratio.raw:
        out["ratio"] = _number(values.ratio.value)
        out["units"]["ratio"] = values.ratio.unit_normalized or values.ratio.unit
        out["raw"]["ratio"] = values.ratio.raw
    return out


def _relevance(q: Quantity, context_words: set[str], heads: set[str | None]) -> float:
    if q.unit and unit_head(q.unit) in heads:
        return 2.0
    words = [w for w in _tokens(q.unit) if w not in _CLASSIFIERS]
    return sum(w in context_words for w in words) / len(words) if words else 0.0


_TARGET_WORDS = regex.compile(r"\b(?:chi tieu|muc tieu|phan dau|ke hoach giao|duoc giao)\b")
_PLAN_WORDS = regex.compile(r"\b(?:ke hoach|du kien|nam toi|se)\b")


def _clause_before(text: str, pos: int) -> str:
    """The folded words before `pos` in its clause (back to ';', '.', ':' or 80 characters)."""
    before = ascii_fold(text[max(0, pos - 80):pos])
    cut = max(before.rfind(";"), before.rfind(". "), before.rfind(":"))
    return before[cut + 1:] if cut >= 0 else before


def narrative_report(item: Item, target_units: list[str | None], context: str, reporting: bool,
                     restating: bool = False) -> dict:
    """A paragraph's or task's figures by what its words say of them: the target restated ("chỉ tiêu",
    "mục tiêu"), an actual when a report speaks in the past ("đã", "đạt"), else the plan — for the year the
    clause names, or the unit's deadline year. `restating` (an amendment): the figure is the new target."""
    out: dict = {"target": None, "actual": {}, "plan": {}, "ratio": None,
                 "units": {"actual": {}, "plan": {}}, "raw": {"actual": {}, "plan": {}}}
    if not item.quantities:
        return out
    heads = {unit_head(u) for u in target_units if u}
    words = _words(context)
    deadline = item.effective_deadline or item.deadline
    best = max(_relevance(q, words, heads) for q in item.quantities)
    chosen = [q for q in item.quantities if _relevance(q, words, heads) == best]
    for q in chosen:
        local = _clause_before(item.text, q.span[0] - item.span[0])
        years = _YEAR.findall(local)
        year = years[-1] if years else (deadline.end[:4] if deadline and deadline.end else None)
        if restating or _TARGET_WORDS.search(local) or year is None:
            kind = "target"
        elif reporting and _PAST.search(local) and not _PLAN_WORDS.search(local):
            kind = "actual"
        else:
            kind = "plan"
        if kind == "target":
            if out["target"] is None:
                out["target"] = _number(q.value)
                out["units"]["target"] = q.unit_normalized or q.unit
                out["raw"]["target"] = q.raw
        elif year not in out[kind]:
            out[kind][year] = _number(q.value)
            out["units"][kind][year] = q.unit_normalized or q.unit
            out["raw"][kind][year] = q.raw
        if restating:
            break
    return out


def per_entity(text: str) -> str | None:
    """The entity a target is set for each of: "mỗi quận, huyện có ít nhất 3 …" -> "quận, huyện"."""
    m = _PER_ENTITY.search(ascii_fold(text))
    if m:
        return text[m.start(1):m.end(1)]
    m = regex.search(r"/\s*(?!năm\b)(\p{L}+(?:\s+\p{L}+)?)", text)
    return m.group(1) if m and not _YEARLY.search(ascii_fold(m.group())) else None


def _fmt(value) -> str:
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.4g}"
    return str(value)


def _plan_note(values: dict, after: int | None) -> str:
    plans = [(k, v) for k, v in values["plan"].items() if isinstance(v, (int, float)) and (after is None or not k.isdigit() or int(k) > after)]
    if not plans:
        return ""
    key, value = plans[-1]
    unit = values["units"]["plan"].get(key) or ""
    return f"; plan {key}: {_fmt(value)} {unit}".rstrip()


def progress(target_quantity: Quantity, target_text: str, recurrence: str | None, values: dict) -> tuple[float | None, int | None, str]:
    """(actual / target, the year it is for, how it was computed or why it was not)."""
    actual = {k: v for k, v in values["actual"].items() if isinstance(v, (int, float))}
    units = values["units"]["actual"]
    years = sorted((k for k in actual if k.isdigit()), key=int)
    latest = years[-1] if years else (next(iter(actual)) if actual else None)
    latest_year = int(latest) if latest and latest.isdigit() else None
    t_value, t_unit, t_kind = target_quantity.value, target_quantity.unit_normalized or target_quantity.unit, target_quantity.kind
    shown_t = f"{_fmt(_number(t_value))}{' %' if t_kind == 'percent' else ' ' + (t_unit or '')}".rstrip()
    plan = _plan_note(values, latest_year)
    if not actual:
        if values.get("ratio") is not None and t_kind == "multiplier" and values["units"].get("ratio") != "%":
            ratio = values["ratio"]
            return ratio / t_value, None, f"×{_fmt(ratio)} reported against ×{_fmt(_number(t_value))} targeted{plan}"
        return None, None, ("no actual figure reported" + plan) if plan else "no actual figure reported"
    if t_kind == "multiplier":
        ratio = values.get("ratio")
        if ratio is not None and values["units"].get("ratio") != "%":
            return ratio / t_value, latest_year, (f"×{_fmt(ratio)} reported ('{values['raw'].get('ratio')}') against "
                                                  f"×{_fmt(_number(t_value))} targeted{plan}")
        if len(years) >= 2 and same_unit(units.get(years[-1]), units.get(years[-2])) and actual[years[-2]]:
            ratio = actual[years[-1]] / actual[years[-2]]
            return ratio / t_value, latest_year, (f"{_fmt(actual[years[-1]])} in {years[-1]} against {_fmt(actual[years[-2]])} "
                                                  f"in {years[-2]}: ×{ratio:.2f} against ×{_fmt(_number(t_value))} targeted{plan}")
        return None, latest_year, f"the target is a multiplier (×{_fmt(_number(t_value))}); the report gives no ratio{plan}"
    if t_kind == "percent":
        pct_actual = {k: v for k, v in actual.items() if units.get(k) == "%"}
        if pct_actual:
            key = max(pct_actual, key=lambda k: int(k) if k.isdigit() else 0)
            return pct_actual[key] / t_value, int(key) if key.isdigit() else None, (
                f"{_fmt(pct_actual[key])} % in {key} against {shown_t} targeted{plan}")
        count, count_unit = values.get("target_count"), values["units"].get("target_count")
        matching = {k: v for k, v in actual.items() if same_unit(units.get(k), count_unit)}
        if count and matching and t_value == 100:
            done = sum(matching.values())
            by = ", ".join(f"{k}: {_fmt(v)}" for k, v in matching.items())
            return done / count, latest_year, (f"{_fmt(done)} of {_fmt(count)} {count_unit} (100 % = {_fmt(count)} as the "
                                               f"report prints it; {by}){plan}")
        first = years[0] if years else latest
        return None, latest_year, (f"not computed: the target is a percentage ({shown_t}), the report counts "
                                   f"{_fmt(actual[first])} {units.get(first) or ''} ({first}) — a count cannot be "
                                   f"compared with a percentage without the total".replace("  ", " ") + plan)
    entity = per_entity(target_text) or per_entity(values["raw"].get("target") or "")
    if entity:
        return None, latest_year, (f"not computed: the target is {shown_t} for each {entity}; the report gives "
                                   f"{_fmt(actual[latest])} {units.get(latest) or ''} ({latest}) in all — the number of "
                                   f"{entity} is not stated{plan}").replace("  ", " ")
    matching = {k: v for k, v in actual.items() if same_unit(units.get(k), t_unit) or (units.get(k) is None and t_unit is None)}
    if not matching:
        return None, latest_year, (f"not computed: the target counts '{t_unit}', the report '{units.get(latest)}' "
                                   f"({latest}){plan}")
    yearly = recurrence == "yearly" or bool(_YEARLY.search(ascii_fold(values["raw"].get("target") or "")))
    if yearly:
        key = max(matching, key=lambda k: int(k) if k.isdigit() else 0)
        return matching[key] / t_value, int(key) if key.isdigit() else None, (
            f"{_fmt(matching[key])} of {shown_t} in {key} (a yearly target){plan}")
    done = sum(matching.values())
    by = ", ".join(f"{k}: {_fmt(v)}" for k, v in matching.items())
    return done / t_value, latest_year, f"{_fmt(done)} of {shown_t} so far ({by}){plan}"


__all__ = ["choose_figure", "narrative_report", "per_entity", "progress", "row_report", "same_unit", "unit_head"]
