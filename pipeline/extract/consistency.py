"""Self-consistency checks that lower confidence where a document contradicts itself.

Plans announce how many work items a heading holds — "(12 đầu việc)", "gồm 05
nhiệm vụ" — and a segmentation that found another number either missed a unit or
split one. Either way a person should look: the heading's confidence drops and
the reason says what was expected and what was found.
"""
from __future__ import annotations

import regex

from pipeline.extract.numbers import parse_vn_number
from pipeline.model import Item

# "(12 đầu việc)", "(05 nhiệm vụ)", "gồm 3 nội dung"
_ANNOUNCED_RE = regex.compile(
    r"(?:\(\s*|\bgồm\s+)(?P<n>\d{1,3}|[\p{L}]+(?:\s+[\p{L}]+)?)\s+(?P<what>đầu\s+việc|nhiệm\s+vụ|nội\s+dung|hoạt\s+động|chỉ\s+tiêu)\s*\)?",
    regex.IGNORECASE,
)


def announced_count(text: str) -> tuple[int, str] | None:
    m = _ANNOUNCED_RE.search(text)
    if not m:
        return None
    value = parse_vn_number(m.group("n"))
    if value is None or value != int(value) or value <= 0:
        return None
    return int(value), regex.sub(r"\s+", " ", m.group("what"))


def check_announced_counts(items: list[Item]) -> None:
    """Compare "(N đầu việc)" in a heading with the work items found under it; note a mismatch on the heading."""
    children: dict[str, list[Item]] = {}
    for item in items:
        if item.parent:
            children.setdefault(item.parent, []).append(item)

    def descendants(item: Item) -> list[Item]:
        found = []
        for child in children.get(item.id, []):
            found.append(child)
            found.extend(descendants(child))
        return found

    for item in items:
        if item.kind != "section":
            continue
        announced = announced_count(item.text)
        if announced is None:
            continue
        expected, what = announced
        below = descendants(item)
        # Numbered work items "(1)", "(2)" are what the count refers to when the plan uses them;
        # otherwise the units directly under the heading.
        numbered = [i for i in below if i.enumerator and i.enumerator.startswith("(")]
        found = len(numbered) if numbered else len(children.get(item.id, []))
        if found != expected:
            item.confidence = min(item.confidence, 0.6)
            item.reasons.append(f"the heading announces {expected} {what}, {found} found under it")
