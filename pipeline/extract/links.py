"""Links from table rows to the narrative items they measure.

A plan often says the same thing twice: in its text ("(1) Đào tạo về công cụ
quản trị năng suất chất lượng và ĐMST cho 3.000 doanh nghiệp;") and in an
appendix table (row "1 | Đào tạo về công cụ quản trị năng suất, chất lượng và
đổi mới sáng tạo | 10.000 DN | 1.069 | 2.920 | ... | 3.000"). `link_table_rows`
pairs each row with the narrative item naming the same activity:

* **text**: both texts are normalised (abbreviations expanded, diacritics
  folded, function words dropped, the "(Phòng ... chủ trì)" note removed) and
  compared by IDF-weighted overlap of syllables and syllable pairs, plus a
  difflib ratio; the row's wording must be found in the item (containment),
  since the narrative usually adds the figure and details;
* **figures**: the row's plan figures (and the numbers in its own text) are
  looked for among the item's quantities; a match adds to the score, a
  different figure with the same unit (the text says 1.500, the table 1.000)
  is a *disagreement*: the link keeps it, with a reason and a lower
  confidence, for a person to check;
* **structure**: a candidate inside the narrative unit the row's parent row is
  linked to gets a bonus (rows nest as the text does), assignments
  ("Tổ chức thực hiện") a malus (they repeat programme names); a heading row
  with no match of its own is linked through its sub-rows to the narrowest
  unit holding all their items.
"""
from __future__ import annotations

import difflib
import heapq
import math
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

import regex

from pipeline.extract.agencies import ABBREVIATIONS
from pipeline.model import Item, ItemKind, Link, LinkDisagreement, Quantity, RowValues
from pipeline.lexicon import ascii_fold

LINK_THRESHOLD = 0.42  # combined score needed for a link
DISAGREEMENT_CONFIDENCE = 0.6
SCOPE_FACTOR = 0.75  # a link whose figures disagree is capped here (below the review threshold)

# Abbreviations of plans and reports, beyond the agency names of agencies.py.
_PLAN_ABBREVIATIONS = {
    "DN": "doanh nghiệp", "DNNVV": "doanh nghiệp nhỏ và vừa", "CSDL": "cơ sở dữ liệu", "ĐMST": "đổi mới sáng tạo",
    "DMST": "đổi mới sáng tạo", "KN": "khởi nghiệp", "TS/TT": "tài sản trí tuệ", "TSTT": "tài sản trí tuệ",
    "SHTT": "sở hữu trí tuệ", "SHCN": "sở hữu công nghiệp", "CN&TB": "công nghệ và thiết bị", "CNTT": "công nghệ thông tin",
    "TTHC": "thủ tục hành chính", "QH": "quận huyện", "TP": "thành phố", "TP.HCM": "thành phố hồ chí minh",
    "TPHCM": "thành phố hồ chí minh", "HCM": "hồ chí minh", "NCKH": "nghiên cứu khoa học", "KT-XH": "kinh tế xã hội",
    "KTXH": "kinh tế xã hội", "CN": "công nghiệp", "DV": "dịch vụ", "CNHT": "công nghiệp hỗ trợ", "BC": "báo cáo",
    "HĐ": "hợp đồng", "QĐ": "quyết định", "KH": "kế hoạch", "NSNN": "ngân sách nhà nước", "CCHC": "cải cách hành chính",
}
_ABBREVIATIONS = {**{k: v.casefold() for k, v in ABBREVIATIONS.items()}, **_PLAN_ABBREVIATIONS}
_ABBR_RE = regex.compile(
    r"(?<![\p{L}\d])(?:" + "|".join(regex.escape(a) for a in sorted(_ABBREVIATIONS, key=len, reverse=True))
    + r")(?![\p{L}\d])"
)
_LEAD_NOTE_RE = regex.compile(r"\([^()]*(?:chủ trì|phối hợp|thực hiện)[^()]*\)", regex.IGNORECASE)
_STOP = set(
    "cac cua va cho ve trong voi theo tai nhung de da duoc tren mot so nay do la co cung nham tu den nhu sau "
    "viec cong tac tren dia ban thanh pho".split()
)


_YEAR_RE = regex.compile(r"(?:19|20)\d\d")
SHORTLIST = 8  # candidates per row compared character by character
CANDIDATES = 32  # candidates per row taken from the index and ranked by word sequence
FIGURE_CANDIDATES = 4  # more candidates sharing a figure with the row
COMMON_SHARE = 0.25  # a feature in more than this share of the items finds no candidates (it still scores)


_SPACES_RE = regex.compile(r"\s+")
_NOT_WORD_RE = regex.compile(r"[^a-z0-9 ]+")


@lru_cache(maxsize=4096)
def _normalise(text: str) -> str:
    text = _LEAD_NOTE_RE.sub(" ", text)
    text = _ABBR_RE.sub(lambda m: " " + _ABBREVIATIONS[m.group()] + " ", text)
    return _SPACES_RE.sub(" ", _NOT_WORD_RE.sub(" ", ascii_fold(text))).strip()


@lru_cache(maxsize=4096)
def _tokens(text: str) -> tuple[str, ...]:
    """Syllables without function words and years ("giai đoạn 2016-2020" names programmes, not activities)."""
    return tuple(t.lstrip("0") or "0" if t.isdigit() else t for t in _normalise(text).split()
                 if t not in _STOP and not _YEAR_RE.fullmatch(t))


@lru_cache(maxsize=4096)
def _features(tokens: tuple[str, ...]) -> frozenset[str]:
    return frozenset(tokens) | {f"{a} {b}" for a, b in zip(tokens, tokens[1:])}


@dataclass
class _Text:
    item: Item
    norm: str
    features: set[str]


@dataclass
class _Figure:
    value: float
    unit: str | None  # normalised
    column: str
    raw: str


@dataclass
class _Candidate:
    target: _Text
    text: float
    score: float
    agree: bool = False
    disagreement: LinkDisagreement | None = None
    reasons: list[str] = field(default_factory=list)


def _unit_head(unit: str | None) -> str | None:
    if not unit:
        return None
    head = regex.split(r"[/\s]+", unit.casefold().strip())[0]
    return head or None


def _compatible(a: str | None, b: str | None) -> bool:
    return a is None or b is None or _unit_head(a) == _unit_head(b)


def _row_figures(row: Item) -> list[_Figure]:
    """The figures a narrative item would repeat: the row's plan cells, else its target, and its own text's."""
    values: RowValues | None = row.values
    figures: list[_Figure] = []
    if values is not None:
        cells = list(values.plan.values()) or ([values.target] if values.target else [])
        for cell in cells:
            if cell.value is not None:
                figures.append(_Figure(cell.value, cell.unit_normalized, cell.column, cell.raw))
            figures.extend(_Figure(q.value, q.unit_normalized, cell.column, q.raw) for q in cell.more)
    figures.extend(_Figure(q.value, q.unit_normalized, "Nội dung", q.raw) for q in row.quantities)
    return figures


def _compare_figures(figures: list[_Figure], quantities: list[Quantity]) -> tuple[bool, LinkDisagreement | None]:
    """(a row figure is among the item's quantities, the first same-unit figure that differs)."""
    agree = any(
        f.value == q.value and _compatible(f.unit, q.unit_normalized) for f in figures for q in quantities
    )
    if agree:
        return True, None
    for f in figures:
        if f.column == "Nội dung" or not f.unit:
            continue
        for q in quantities:
            if q.unit_normalized and _unit_head(f.unit) == _unit_head(q.unit_normalized) and q.value != f.value:
                return False, LinkDisagreement(
                    column=f.column, table_value=f.value, narrative_value=q.value, unit=q.unit_normalized,
                    table_raw=f.raw, narrative_raw=q.raw,
                )
    return False, None


class _Weights(dict):
    """Feature -> IDF weight of one document, and the total weight of each feature set met so far
    (a text's total is asked for at every pair it is in)."""

    def __init__(self, weights: dict[str, float]) -> None:
        super().__init__(weights)
        self.totals: dict[frozenset[str], float] = {}


def _weights(texts: list[_Text]) -> _Weights:
    df = Counter(f for t in texts for f in t.features)
    n = len(texts) or 1
    return _Weights({f: math.log(1 + n / c) for f, c in df.items()})


def _overlap(a: set[str], b: set[str], w: dict[str, float]) -> float:
    totals = getattr(w, "totals", None)
    total = totals.get(a) if totals is not None else None
    if total is None:
        total = sum(w.get(f, 1.0) for f in a)
        if totals is not None and isinstance(a, frozenset):
            totals[a] = total
    return sum(w.get(f, 1.0) for f in a & b) / total if total else 0.0


def text_similarity(row: str, item: str, weights: dict[str, float] | None = None, *, precise: bool = True) -> float:
    """How alike a table row's text and a narrative item's text are, 0-1.

    `precise=False` compares word sequences instead of characters: close to the precise
    figure and twenty times cheaper, so it ranks every pair and only the best few get
    the character comparison.
    """
    base, a, b = _similarity_parts(row, item, weights or {}, precise)
    return base + 0.25 * _ratio(a, b)


def _similarity_parts(row: str, item: str, w: dict[str, float], precise: bool):
    """``text_similarity`` = first + 0.25 * ``_ratio`` of the other two: the overlaps, and the two
    sequences (characters, or words: None when either is empty) whose ratio is to be found."""
    r, c = _normalise(row), _normalise(item)
    fr, fc = _features(_tokens(row)), _features(_tokens(item))
    base = 0.6 * _overlap(fr, fc, w) + 0.15 * _overlap(fc, fr, w)
    if precise:
        a, b = r, c[: int(len(r) * 1.3) + 10]
    else:
        rw, cw = r.split(), c.split()
        a, b = rw, cw[: int(len(rw) * 1.3) + 2]
    return (base, a, b) if a and b else (base, None, None)


def _ratio(a, b) -> float:
    """difflib's ratio of the two sequences (0 without them)."""
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() if a is not None else 0.0


def _length_bound(a, b) -> float:
    """difflib's ``real_quick_ratio`` (the lengths alone): never below ``quick_ratio``, nor that below ``ratio``."""
    return 2.0 * min(len(a), len(b)) / (len(a) + len(b)) if a is not None else 0.0


def _shortlist(candidates: list, parts_of, n: int) -> list:
    """The ``n`` candidates of highest similarity (max of ``base + 0.25 * ratio`` over ``parts_of(c)``), in
    order, ties in the candidates' order: what sorting them all gives. A candidate whose bound (its
    lengths' ratio) stays below the ``n``-th highest base, which ``n`` others reach, cannot be among them
    and its ratio is not computed."""
    parts = [parts_of(c) for c in candidates]
    lowest = sorted((max(base for base, _, _ in p) for p in parts), reverse=True)[n - 1] if len(parts) > n else None
    kept = []
    for candidate, p in zip(candidates, parts):
        if lowest is not None and max(base + 0.25 * _length_bound(a, b) for base, a, b in p) < lowest:
            continue
        kept.append((max(base + 0.25 * _ratio(a, b) for base, a, b in p), candidate))
    kept.sort(key=lambda k: k[0], reverse=True)  # stable: ties keep the candidates' order
    return [candidate for _, candidate in kept[:n]]


def _descendants(items: list[Item]) -> dict[str, set[str]]:
    children: dict[str, list[str]] = {}
    for item in items:
        if item.parent:
            children.setdefault(item.parent, []).append(item.id)
    out: dict[str, set[str]] = {}

    def walk(node: str) -> set[str]:
        if node not in out:
            found: set[str] = set()
            for child in children.get(node, []):
                found |= {child} | walk(child)
            out[node] = found
        return out[node]

    for item in items:
        walk(item.id)
    return out


def _ancestors(item_id: str, by_id: dict[str, Item]) -> list[str]:
    chain = []
    current = by_id.get(item_id)
    while current is not None and current.parent:
        chain.append(current.parent)
        current = by_id.get(current.parent)
    return chain


class _Index:
    """Narrative items by the features and figures they hold, so a row meets only the items it shares
    something with: the cost grows with the document, not with rows × items."""

    def __init__(self, texts: list[_Text], weights: dict[str, float]) -> None:
        self.texts, self.weights = texts, weights
        self.by_feature: dict[str, list[int]] = {}
        self.by_figure: dict[float, list[int]] = {}
        for n, t in enumerate(texts):
            for f in t.features:
                self.by_feature.setdefault(f, []).append(n)
            for q in t.item.quantities:
                self.by_figure.setdefault(q.value, []).append(n)
        self.common = max(8, int(COMMON_SHARE * len(texts)))

    def candidates(self, features: set[str], figures: list[_Figure], limit: int = CANDIDATES) -> list[_Text]:
        """The items sharing the most IDF weight with the row (rare features first), and those sharing a figure."""
        scores: dict[int, float] = {}
        postings = [(f, self.by_feature[f]) for f in features if f in self.by_feature]
        rare = [(f, p) for f, p in postings if len(p) <= self.common] or postings
        for f, posting in rare:
            weight = self.weights.get(f, 1.0)
            for n in posting:
                scores[n] = scores.get(n, 0.0) + weight
        best = heapq.nlargest(limit, scores, key=scores.__getitem__)
        # and the items sharing a figure of the row that the words left out: the best few by those words
        # (a fixed number, so a longer document, with a figure in more items, costs no more per row)
        chosen = set(best)
        sharing = {n for figure in figures for n in self.by_figure.get(figure.value, ())
                   if n in scores and n not in chosen}
        best += heapq.nlargest(FIGURE_CANDIDATES, sorted(sharing), key=scores.__getitem__)
        return [self.texts[n] for n in best]


def link_table_rows(items: list[Item]) -> list[Link]:
    """A `Link` for each table row that names the same activity as a narrative item (rows read in order)."""
    rows = [i for i in items if i.kind == ItemKind.table_row and i.text.strip()]
    # Cost: each row meets the candidates an inverted index gives it (shared rare words, shared figures),
    # ranked by word sequence; only the best few get the character comparison. Linear in the document.
    narrative = [i for i in items if i.kind != ItemKind.table_row and i.text.strip()]
    if not rows or not narrative:
        return []
    try:
        return _link_rows(items, rows, narrative)
    finally:
        # The texts' normal forms and features are reused within a document, not across documents: kept
        # after it, they held 13 MB after 316 documents.
        for cache in (_normalise, _tokens, _features):
            cache.cache_clear()


def _link_rows(items: list[Item], rows: list[Item], narrative: list[Item]) -> list[Link]:
    texts = [_Text(i, _normalise(i.text), _features(_tokens(i.text))) for i in narrative]
    row_texts = {i.id: _Text(i, _normalise(i.text), _features(_tokens(i.text))) for i in rows}
    weights = _weights(texts + list(row_texts.values()))
    index = _Index(texts, weights)
    by_id = {i.id: i for i in items}
    below = _descendants(items)
    chosen: dict[str, _Candidate] = {}

    for row in rows:
        rt = row_texts[row.id]
        if not rt.features:
            continue
        figures = _row_figures(row)
        plan_text = " ".join(v.raw for v in (row.values.plan.values() if row.values else []))
        row_deadline = row.values.deadline.end if row.values and row.values.deadline else None
        short = len(row.text.split()) < 3  # "KHCN": too little to go on
        # the unit the parent row is linked to: a sub-row details it, so it links below it, not to it
        scope = next((chosen[a].target.item.id for a in _ancestors(row.id, by_id) if a in chosen), None)
        above_scope = {scope, *_ancestors(scope, by_id)} if scope else set()
        region = by_id[scope].parent if scope and by_id[scope].parent else scope
        best: _Candidate | None = None
        # the row's plan cells count too: the narrative often restates them ("… : 03 mô hình")
        sharing = index.candidates(rt.features | _features(_tokens(plan_text)) if plan_text else rt.features, figures)

        # the row alone, and with its plan cells: the narrative often reads "<content>: <plan figure and product>"
        row_variants = [row.text] + ([f"{row.text} {plan_text}"] if plan_text else [])

        def parts_of(t: _Text, precise: bool) -> list:
            return [_similarity_parts(text, t.item.text, weights, precise) for text in row_variants]

        shortlist = _shortlist(sharing, lambda t: parts_of(t, False), SHORTLIST)
        for t in shortlist:
            reasons: list[str] = []

            def score_of(similarity: float) -> float:
                score = similarity * (0.6 if short else 1.0)
                if t.item.kind == ItemKind.assignment:
                    score *= 0.75
                if scope is not None:
                    if t.item.id == scope:
                        score *= SCOPE_FACTOR
                    elif t.item.id in above_scope:
                        score *= 0.6
                    elif t.item.id in below.get(scope, set()):
                        score += 0.08
                    elif region is not None and t.item.id not in below.get(region, set()):
                        score *= 0.85
                if agree:
                    score += 0.15 if strong else 0.05
                if same_deadline:
                    score += 0.05
                return score

            agree, disagreement = _compare_figures(figures, t.item.quantities)
            strong = agree and any(f.value >= 10 or f.column != "Nội dung" for f in figures
                                   if any(f.value == q.value for q in t.item.quantities))
            deadline = t.item.deadline.end if t.item.deadline else None
            same_deadline = bool(row_deadline and deadline == row_deadline)
            # The score grows with the similarity: a candidate whose bound (the lengths' ratio, then difflib's
            # quick_ratio, never below its ratio) cannot beat the best so far is not compared character by character.
            parts = parts_of(t, True)
            if best is not None and score_of(max(base + 0.25 * _length_bound(a, b) for base, a, b in parts)) <= best.score:
                continue
            matchers = [(base, difflib.SequenceMatcher(None, a, b, autojunk=False) if a is not None else None)
                        for base, a, b in parts]
            if best is not None and score_of(max(base + 0.25 * (m.quick_ratio() if m else 0.0)
                                                 for base, m in matchers)) <= best.score:
                continue
            similarity = max(base + 0.25 * (m.ratio() if m else 0.0) for base, m in matchers)
            score = score_of(similarity)
            if scope is not None and t.item.id != scope and t.item.id not in above_scope \
                    and t.item.id in below.get(scope, set()):
                reasons.append("under the unit the parent row is linked to")
            if agree:
                reasons.append("a figure of the row is in the text")
            if same_deadline:
                reasons.append("same deadline")
            if best is None or score > best.score:
                best = _Candidate(t, similarity, score, agree, disagreement, reasons)
        if best is not None and best.score >= LINK_THRESHOLD:
            chosen[row.id] = best

    # heading rows without a match of their own: the narrowest unit holding their sub-rows' items
    for row in rows:
        if row.id in chosen:
            continue
        subs = [c for r, c in chosen.items() if row.id in _ancestors(r, by_id)]
        if len(subs) < 2:
            continue
        common = None
        for c in subs:
            chain = [c.target.item.id, *_ancestors(c.target.item.id, by_id)]
            common = chain if common is None else [a for a in common if a in chain]
        if common and by_id[common[0]].parent is not None:
            target = next(t for t in texts if t.item.id == common[0])
            chosen[row.id] = _Candidate(target, 0.0, 0.6, reasons=["linked through its sub-rows"])

    links = []
    for row in rows:
        c = chosen.get(row.id)
        if c is None:
            continue
        confidence = min(1.0, c.score)
        reasons = list(c.reasons)
        quantities = "agree" if c.agree else "none"
        if c.disagreement is not None:
            d = c.disagreement
            quantities = "disagree"
            confidence = min(confidence, DISAGREEMENT_CONFIDENCE)
            reasons.append(f"the table gives {d.table_raw!r} ({d.column}), the text {d.narrative_raw!r}: check which is right")
        links.append(Link(
            table_row=row.id, item=c.target.item.id, confidence=round(confidence, 3), text_score=round(c.text, 3),
            quantities=quantities, disagreement=c.disagreement, reasons=reasons,
        ))
    return links


__all__ = ["link_table_rows", "text_similarity", "LINK_THRESHOLD"]
