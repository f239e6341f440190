"""Each target of a cited document, linked to the units of the citing document that report on it or assign it.

**Targets** (`targets_of`): the units of the cited document that set a figure —
objectives, tasks, paragraphs and articles with a quantity (sections, which
only head other units, are left out; a table row counts when it states a target
or plan and is not the table twin of a narrative target, see
`pipeline/extract/links.py`). A target's effective deadline is its own, or the
one it inherits, or else the period the document's title names ("giai đoạn
2016 - 2020" → 2020-12-31).

**Candidates**: the units of the citing document inside its sections about
the cited one (`pipeline/link/documents.py: scope_sections`), or — when it has
none — all of its units. Headings (a unit whose only role is to hold others,
a table row with sub-rows and no figures) are not candidates.

**Matching** is by meaning and figures, never by position. For each candidate
the best target is chosen by

* *text*: how much of the candidate's wording (and of the target it restates in
  a "Chỉ tiêu" cell) is found in the target's text — IDF-weighted syllables and
  syllable pairs after abbreviations are expanded (`text_similarity` of
  pipeline/extract/links.py), so "KH&CN" meets "khoa học và công nghệ";
* *figures*: the same figure as the target ("50%", "gấp 2 lần", "03 mô hình")
  adds to the score, more for a figure only one target states (four objectives
  say "100%": that figure alone tells little);

and a link is made when the score passes `LINK_MIN` (`LINK_MIN_UNSCOPED` when
the citing document has no section about the cited one; when it only cites it,
`LINK_MIN_CITES` and a figure in common or texts `CITES_TEXT_ALONE` alike).
Laws, decrees, circulars and regulations (`NORM_TYPES`) set norms, not targets:
they have none. Several units may
report on one target (a two-part objective has two rows); a unit reports on one
target. A narrative task the citing document's own table row is linked to
(its within-document link) *assigns* the target that row reports on: the row's
plan figure is the task's. Targets nothing links to get a link with no report.

**Relations**: a table row of a table with target, actual or ratio columns
*reports_on*, and so does a paragraph giving actuals ("năm 2024 đã tổ chức 6 lớp"); in an amendment or a replacement a unit *refers_to* the target it
restates; a unit naming an agency or carrying a deadline *assigns* it; any other
*implements* it.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

import regex

from pipeline.extract.links import _features, _overlap, _tokens, text_similarity  # the within-document linker's text model
from pipeline.link.documents import descendants
from pipeline.link.model import DocumentLink, Target, TargetLink
from pipeline.link.values import narrative_report, progress, row_report, same_unit
from pipeline.model import Document, Item, ItemKind, Quantity

LINK_MIN = 0.4  # score needed for a link inside the cited plan's own section
LINK_MIN_UNSCOPED = 0.5  # … and anywhere in a citing document with no such section
LINK_MIN_CITES = 0.6  # … when the citing document only cites the cited one (no word of relation): and a figure
CITES_TEXT_ALONE = 0.75  # in common, or texts this alike
# Documents of rules: their figures are norms (time limits, fines, rates, technical limits), not targets to
# report progress on. Their relations (amends, replaces …) are still read.
NORM_TYPES = {"luat", "bo_luat", "hien_phap", "phap_lenh", "nghi_dinh", "thong_tu", "thong_tu_lien_tich", "quy_che",
              "quy_dinh"}
NEAR = 0.08  # another target within this score is "nearly as close": the link is less sure
FIGURE_BONUS = 0.2  # a figure only this target states; shared figures add less
SCOPE_BONUS = 0.1
SHORTLIST = 4  # targets per unit compared character by character, after a cheap overlap of words ranks them all
TARGET_KINDS = (ItemKind.objective, ItemKind.task, ItemKind.paragraph, ItemKind.article, ItemKind.assignment)
UNIT_KINDS = (*TARGET_KINDS, ItemKind.table_row)


# --------------------------------------------------------------------------
# Targets
# --------------------------------------------------------------------------
_PERIOD = regex.compile(r"(?<!\d)((?:19|20)\d\d)\s*(?:-|–|đến|tới)\s*(?:năm\s*)?((?:19|20)\d\d)(?!\d)")
_UNTIL = regex.compile(r"(?:đến|tới)\s+(?:hết\s+)?năm\s+((?:19|20)\d\d)(?!\d)")
_ONE_YEAR = regex.compile(r"\bnăm\s+((?:19|20)\d\d)(?!\d)")


def document_period(doc: Document) -> tuple[str | None, str] | None:
    """The period a plan's title names: "… GIAI ĐOẠN 2016 - 2020 …" -> ("2016-01-01", "2020-12-31"); "… đến năm
    2030" -> (None, "2030-12-31"); "… năm 2018" -> the year. (A deadline parser rightly reads these as the name
    of a plan, not a time bound; in the plan's own title they are its period.)"""
    title = (doc.document.title or "").casefold()
    m = _PERIOD.search(title)
    if m and int(m.group(1)) <= int(m.group(2)):
        return f"{m.group(1)}-01-01", f"{m.group(2)}-12-31"
    m = _UNTIL.search(title)
    if m:
        return None, f"{m.group(1)}-12-31"
    m = _ONE_YEAR.search(title)
    return (f"{m.group(1)}-01-01", f"{m.group(1)}-12-31") if m else None


def targets_of(doc: Document) -> list[Target]:
    """The units of `doc` that set a figure, with their effective deadlines (see the module docstring)."""
    if doc.document.doc_type in NORM_TYPES:
        return []
    period = document_period(doc)
    parents = {i.parent for i in doc.items if i.parent}
    narrative_targets = {i.id for i in doc.items if i.kind in TARGET_KINDS and i.quantities}
    twins = {link.table_row for link in doc.links if link.item in narrative_targets}
    out = []
    for item in doc.items:
        if not item.text.strip():
            continue
        if item.kind in TARGET_KINDS:
            quantities = list(item.quantities)
        elif item.kind == ItemKind.table_row and item.id not in twins and item.id not in parents and item.values:
            quantities = list(item.quantities)
            cell = item.values.target or next(iter(item.values.plan.values()), None)
            if cell is not None and cell.value is not None:
                quantities = [Quantity(value=cell.value, unit=cell.unit, unit_normalized=cell.unit_normalized,
                                       kind=cell.kind or "count", qualifier=cell.qualifier, raw=cell.raw,
                                       span=item.span)] + quantities
        else:
            continue
        if not quantities:
            continue
        deadline = item.effective_deadline or item.deadline
        start, end, recurrence = (deadline.start, deadline.end, deadline.recurrence) if deadline else (None, None, None)
        source = (deadline.inherited_from or "item") if deadline else None
        if end is None and period is not None:
            start, end = start or period[0], period[1]
            source = f"{source} + document period" if source else "document period"
        out.append(Target(item_id=item.id, path=item.path, kind=item.kind.value, text=item.text, quantities=quantities,
                          deadline_start=start, deadline_end=end, recurrence=recurrence, deadline_from=source))
    return out


# --------------------------------------------------------------------------
# Candidates and scores
# --------------------------------------------------------------------------
@dataclass
class _Unit:
    item: Item
    texts: list[str]  # the unit's text, and the target it restates (a "Chỉ tiêu" cell)
    figures: list[tuple[float, str | None, str]]  # (value, unit, kind)
    reporting_row: bool  # a row of a table with target / actual / ratio columns


@dataclass
class _Match:
    target: Target
    unit: _Unit
    score: float
    text: float
    second: tuple[float, str] | None = None
    reasons: list[str] = field(default_factory=list)
    via: str | None = None  # narrative units reached through a row: the row's item id


_ROLE_WORDS = regex.compile(r"\b(?:chủ trì|phối hợp(?: với| cùng)?|được giao|có trách nhiệm|hoàn thành|trước ngày|"
                            r"thời gian|thời hạn)\b", regex.IGNORECASE)


def core_text(item: Item) -> str:
    """The unit's text without who does it and by when ("Sở X chủ trì …, hoàn thành trước ngày 30/9/2024"):
    what is left is the work, which is what a target states."""
    cuts = [(a.span[0] - item.span[0], a.span[1] - item.span[0]) for a in item.agencies if a.span]
    deadline = item.deadline
    if deadline is not None and deadline.span:
        cuts.append((deadline.span[0] - item.span[0], deadline.span[1] - item.span[0]))
    text = item.text
    for start, end in sorted(cuts, reverse=True):
        if 0 <= start < end <= len(text):
            text = text[:start] + " " + text[end:]
    return regex.sub(r"\s+", " ", _ROLE_WORDS.sub(" ", text)).strip(" ,;.")


def _unit(item: Item) -> _Unit:
    texts = [item.text]
    core = core_text(item) if item.kind != ItemKind.table_row else ""
    if core and core != item.text and len(core.split()) >= 3:
        texts.append(core)
    figures = [(q.value, q.unit_normalized or q.unit, q.kind) for q in item.quantities]
    reporting = False
    if item.kind == ItemKind.table_row and item.values is not None:
        values = item.values
        reporting = any(kind in ("target", "actual", "ratio") for kind in values.columns.values())
        if values.target is not None and values.target.raw:
            texts.append(values.target.raw)
            if values.target.value is not None:
                figures.append((values.target.value, values.target.unit_normalized, values.target.kind or "count"))
            figures.extend((q.value, q.unit_normalized or q.unit, q.kind) for q in values.target.more)
    return _Unit(item, texts, figures, reporting)


def _has_content(item: Item, children: set[str]) -> bool:
    if item.kind not in UNIT_KINDS or not item.text.strip():
        return False
    if item.id in children:  # a heading: only rows and units with figures of their own are reports
        values = item.values
        has_cells = values is not None and (values.target or values.actual or values.plan or values.ratio)
        return bool(has_cells) or (item.kind != ItemKind.table_row and bool(item.quantities))
    return True


def _figures_agree(a: tuple[float, str | None, str], q: Quantity) -> bool:
    value, unit, kind = a
    if value != q.value:
        return False
    if kind in ("percent", "multiplier") or q.kind in ("percent", "multiplier"):
        return kind == q.kind
    return unit is None or q.unit is None or same_unit(unit, q.unit_normalized or q.unit)


def _weights(texts: list[str]) -> dict[str, float]:
    df = Counter(f for text in texts for f in _features(_tokens(text)))
    n = len(texts) or 1
    return {f: math.log(1 + n / c) for f, c in df.items()}


PRECISE_CHARS = 300  # longer texts: words only (a sequence comparison grows with the square of the length)


def _similar(a: str, b: str, weights: dict) -> float:
    """`text_similarity` (words found in the target, and the order of characters); for a long unit — an
    article of a law — the weighted overlap of words alone, on the same scale."""
    if len(a) <= PRECISE_CHARS:
        return text_similarity(a, b, weights)
    fa, fb = _features(_tokens(a)), _features(_tokens(b))
    return (0.6 * _overlap(fa, fb, weights) + 0.15 * _overlap(fb, fa, weights)) / 0.75


def _score(target: Target, unit: _Unit, weights: dict, rarity: Counter) -> tuple[float, float, list[str]]:
    text = max(_similar(unit.texts[0], target.text, weights), _similar(" ".join(unit.texts), target.text, weights))
    for restated in unit.texts[1:]:
        if len(_tokens(restated)) >= 3:
            text = max(text, _similar(restated, target.text, weights))
    reasons = [f"text {text:.2f} alike"]
    bonus = 0.0
    for q in target.quantities:
        if any(_figures_agree(f, q) for f in unit.figures):
            share = rarity[(q.value, q.kind)] or 1
            bonus = max(bonus, FIGURE_BONUS / share)
            reasons.append(f"same figure {q.raw!r}" + (f" (stated by {share} targets)" if share > 1 else ""))
            break
    if len(_tokens(unit.texts[0])) < 4 and not bonus:  # "Đào tạo", "Máy ghi hình": too little to go on alone
        text *= 0.6
        reasons.append("a short text with no figure in common")
    return text + bonus, text, reasons


# --------------------------------------------------------------------------
# Linking one pair
# --------------------------------------------------------------------------
def _agency(item: Item, by_id: dict[str, Item]) -> str | None:
    current: Item | None = item
    while current is not None:
        names = [a.normalized for a in current.agencies if a.role in ("lead", "assignee")]
        if names:
            return "; ".join(dict.fromkeys(names))
        current = by_id.get(current.parent) if current.parent else None
    return None


def _relation(unit: _Unit, agency: str | None, document_relation: str, values: dict) -> str:
    if unit.reporting_row or values.get("actual") or values.get("ratio") is not None:
        return "reports_on"
    if document_relation in ("amends", "replaces"):
        return "refers_to"
    deadline = unit.item.effective_deadline or unit.item.deadline
    if agency or (deadline is not None and (deadline.end or deadline.start)):
        return "assigns"
    return "implements"


def link_targets(citing: Document, cited: Document, document_link: DocumentLink) -> list[TargetLink]:
    """The target links of one pair (see the module docstring); targets nothing reports on come last-in-order too."""
    targets = targets_of(cited)
    if not targets:
        return []
    by_id = {i.id: i for i in citing.items}
    parents = {i.parent for i in citing.items if i.parent}
    scope = descendants(citing.items, document_link.scope) if document_link.scope else None
    pool = [i for i in citing.items if _has_content(i, parents) and (scope is None or i.id in scope)]
    units = [_unit(i) for i in pool]
    weights = _weights([t.text for t in targets] + [" ".join(u.texts) for u in units])
    rarity = Counter()
    for t in targets:
        for key in {(q.value, q.kind) for q in t.quantities}:
            rarity[key] += 1
    only_cites = document_link.relation == "cites"
    threshold = LINK_MIN if scope is not None else LINK_MIN_CITES if only_cites else LINK_MIN_UNSCOPED
    target_features = [(t, _features(_tokens(t.text))) for t in targets]

    def shortlist(unit: _Unit) -> list[Target]:
        """The targets sharing most of the unit's (weighted) words, and any stating one of its figures (a figure
        at most two targets state)."""
        features = set().union(*(_features(_tokens(text)) for text in unit.texts))
        total = sum(weights.get(f, 1.0) for f in features) or 1.0
        ranked = sorted(target_features, key=lambda tf: -sum(weights.get(f, 1.0) for f in features & tf[1]) / total)
        chosen = [t for t, _ in ranked[:SHORTLIST]]
        chosen += [t for t, _ in ranked[SHORTLIST:] if any(
            rarity[(q.value, q.kind)] <= 2 and _figures_agree(f, q) for f in unit.figures for q in t.quantities)]
        return chosen

    def best_for(unit: _Unit) -> _Match | None:
        scored = sorted(((*_score(t, unit, weights, rarity), t) for t in shortlist(unit)), key=lambda s: -s[0])
        top_score, top_text, reasons, top = scored[0]
        if top_score < threshold:
            return None
        if only_cites and scope is None and top_score - top_text <= 0 and top_text < CITES_TEXT_ALONE:
            return None  # nothing says the citing document reports on the cited one: text alone must be strong
        second = (scored[1][0], scored[1][3].path) if len(scored) > 1 else None
        return _Match(top, unit, top_score, top_text, second, reasons)

    matches: list[_Match] = []
    rows = [u for u in units if u.item.kind == ItemKind.table_row]
    for unit in rows:
        match = best_for(unit)
        if match is not None:
            matches.append(match)
    # narrative units: through the citing document's own row -> task links, else matched directly
    reached: set[str] = set()
    matched_rows = {m.unit.item.id: m for m in matches}
    narrative = {u.item.id: u for u in units if u.item.kind != ItemKind.table_row}
    for link in citing.links:
        row_match = matched_rows.get(link.table_row)
        item = by_id.get(link.item)
        if row_match is None or item is None or item.kind == ItemKind.table_row or not _has_content(item, parents):
            continue
        unit = narrative.get(link.item) or _unit(item)  # the task a reporting row measures, in scope or not
        reasons = [f"the citing document's row {row_match.unit.item.path} reports on this target and is linked to this "
                   f"unit ({link.confidence:.2f})"]
        matches.append(_Match(row_match.target, unit, min(row_match.score, link.confidence), row_match.text,
                              None, reasons, via=row_match.unit.item.id))
        reached.add(unit.item.id)
    reported = {m.target.item_id for m in matches}
    for unit in narrative.values():
        if unit.item.id in reached:
            continue
        match = best_for(unit)
        if match is not None and (match.target.item_id not in reported or scope is None):
            matches.append(match)

    out: list[TargetLink] = []
    order = {t.item_id: n for n, t in enumerate(targets)}
    position = {i.id: n for n, i in enumerate(citing.items)}
    matches.sort(key=lambda m: (order[m.target.item_id], position[m.unit.item.id]))
    for match in matches:
        out.append(_target_link(match, citing, by_id, document_link, scope is not None))
    linked = {m.target.item_id for m in matches}
    for target in targets:
        if target.item_id not in linked:
            out.append(TargetLink(target=target, progress_reason=f"no unit of {citing.document.number or 'the citing document'} "
                                  "reports on or assigns this target", confidence=1.0 if scope is not None else 0.9,
                                  reasons=[] if scope is not None else ["the citing document has no section about the cited one"]))
    return out


def _target_link(match: _Match, citing: Document, by_id: dict[str, Item], document_link: DocumentLink,
                 scoped: bool) -> TargetLink:
    unit, target = match.unit, match.target
    item = unit.item
    agency = _agency(item, by_id)
    if agency is None and match.via is not None:
        agency = _agency(by_id[match.via], by_id)
    context = f"{target.text} {item.text}"
    units = [q.unit_normalized or q.unit for q in target.quantities]
    if item.kind == ItemKind.table_row and item.values is not None:
        values = row_report(item.values, context, units)
    else:
        values = narrative_report(item, units, context, reporting=document_link.relation == "reports_on",
                                  restating=document_link.relation in ("amends", "replaces"))
    relation = _relation(unit, agency, document_link.relation, values)
    quantity = _target_quantity(target, values)
    if document_link.relation in ("amends", "replaces") and values.get("target") is not None:
        values["amends"] = {"before": _plain(quantity.value), "after": values["target"]}
    share, year, reason = progress(quantity, target.text, target.recurrence, values)
    reasons = list(match.reasons)
    confidence = min(1.0, match.score)
    if scoped and match.via is None:
        confidence = min(1.0, confidence + SCOPE_BONUS)
        reasons.append("inside the citing document's section about the cited one")
    if match.second is not None and match.second[0] > match.score - NEAR:
        confidence *= 0.85
        reasons.append(f"target {match.second[1]} is nearly as close ({match.second[0]:.2f} against {match.score:.2f})")
    if document_link.relation == "cites":
        confidence *= 0.9
        reasons.append("the citing document only cites the cited one (no relation words)")
    deadline_end = _deadline_end(item, relation) or target.deadline_end
    return TargetLink(
        target=target, report_item_id=item.id, report_path=item.path, report_text=item.text,
        report_kind=item.kind.value, report_page=item.page, relation=relation, agency=agency,
        deadline_end=deadline_end, values=values,
        progress=None if share is None else round(share, 4), progress_year=year, progress_reason=reason,
        text_score=round(match.text, 3), confidence=round(confidence, 3), reasons=reasons,
    )


def _deadline_end(item: Item, relation: str) -> str | None:
    """The deadline a unit gives: any it states or inherits when it assigns the work; only one it states
    itself (its text, its "Thời gian thực hiện" cell) when it reports — a report row inherits the report's
    own year, which is not the target's deadline."""
    if relation != "reports_on":
        deadline = item.effective_deadline or item.deadline
        return deadline.end if deadline else None
    stated = item.deadline or (item.values.deadline if item.values is not None else None)
    return stated.end if stated is not None else None


def _plain(value: float):
    return int(value) if float(value).is_integer() else value


def _target_quantity(target: Target, values: dict) -> Quantity:
    """The target's figure the report is about: the one equal to the figure the report restates, else the first."""
    restated = values.get("target")
    for q in target.quantities:
        if restated is not None and q.value == restated:
            return q
    return target.quantities[0]


__all__ = ["LINK_MIN", "LINK_MIN_UNSCOPED", "document_period", "link_targets", "targets_of"]
