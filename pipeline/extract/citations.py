"""Citations of other documents: "Quyết định số 1519/QĐ-UBND ngày 31 tháng 3 năm 2016 của ...".

A citation is found either by its số ký hiệu (number/year/type-issuer, the form
Nghị định 30/2020/NĐ-CP prescribes: "1519/QĐ-UBND", "29-CT/TU",
"14/2024/TT-BCT"), with the type word before it when printed, or — for laws
and codes, which are usually cited by name — by the type word, a name and a
date ("Luật Khoa học và Công nghệ ngày 18 tháng 6 năm 2013").

`find_citations` works on one piece of text and returns hits with offsets;
`merge_citations` folds hits of the whole document into one entry per distinct
document (numbers compared without punctuation, so "72/QĐ-SKH&CN" and
"72/QĐ-SKH-CN" are one), keeping every mention.
"""
from __future__ import annotations

from dataclasses import dataclass

import regex

from pipeline.extract.dates import DATE_WITH_DAY_WORD_RE, date_from_match
from pipeline.model import Citation, Mention
from pipeline.lexicon import TYPE_WORD_PATTERN, ascii_fold, doc_type_from_number, doc_type_from_word

# số ký hiệu: number [/year] then codes joined by / - . ; the codes start with a capital.
_CODE = r"[A-ZĐ][A-Za-zĐđ0-9&]*"
NUMBER_PATTERN = (
    rf"(?<![\w/])\d{{1,5}}(?:\s*/\s*(?:19|20)\d{{2}})?\s*[/\-]\s*{_CODE}"
    rf"(?:(?:\s*[/\-]\s*|\.){_CODE})*"
)
NUMBER_RE = regex.compile(NUMBER_PATTERN)

_TYPE_BEFORE_RE = regex.compile(rf"(?P<type>{TYPE_WORD_PATTERN})\s*(?:số\s*)?[:.]?\s*$")
_NAMED_LAW_RE = regex.compile(
    r"(?P<type>Bộ\s+luật|Luật|Pháp\s+lệnh|Hiến\s+pháp)\s+(?P<name>[^;:()\n]{3,160}?)\s*"
    r"(?:(?:số\s+(?P<num>" + NUMBER_PATTERN + r"))|(?=ngày\s))"
)
_ISSUER_RE = regex.compile(
    r"\s*(?:,\s*)?của\s+(?P<issuer>[^,;()\"“”\n]+?)"
    r"(?=\s+(?:về|v/v|ban\s+hành|quy\s+định|hướng\s+dẫn|phê\s+duyệt|sửa\s+đổi|triển\s+khai|tại|đối\s+với|thực\s+hiện)\b|[,;()\"“”:\n]|$)",
    regex.IGNORECASE,
)
_DATE_AFTER_RE = regex.compile(r"\s*,?\s*(?:ban\s+hành\s+)?" + DATE_WITH_DAY_WORD_RE.pattern, regex.IGNORECASE)


@dataclass
class CitationHit:
    doc_type: str | None
    number: str | None
    issued_date: str | None
    issuer: str | None
    raw: str
    start: int
    end: int


def clean_number(raw: str) -> str:
    """"2463 /QĐ - UBND" -> "2463/QĐ-UBND"."""
    return regex.sub(r"\s+", "", raw).strip(".")


def number_key(number: str | None) -> str:
    """A comparison key for a số ký hiệu: letters and digits only, diacritics folded, upper case."""
    return regex.sub(r"[^A-Z0-9]", "", ascii_fold(number or "").upper())


def find_citations(text: str) -> list[CitationHit]:
    hits = _find_named_laws(text)
    taken = [(h.start, h.end) for h in hits]
    for m in NUMBER_RE.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        number = clean_number(m.group(0))
        if not any(ch.isalpha() for ch in number):
            continue
        start, end = m.start(), m.end()
        doc_type = None
        before = _TYPE_BEFORE_RE.search(text[max(0, start - 40):start])
        if before:
            doc_type = doc_type_from_word(before.group("type"))
            start = max(0, start - 40) + before.start()
        doc_type = doc_type or doc_type_from_number(number)
        date, end = _date_after(text, end)
        issuer, end = _issuer_after(text, end)
        hits.append(CitationHit(doc_type, number, date, issuer, text[start:end], start, end))
    hits.sort(key=lambda h: h.start)
    return hits


def _find_named_laws(text: str) -> list[CitationHit]:
    """Laws and codes cited by name, with a number or a date: "Luật Khoa học và Công nghệ ngày 18 tháng 6 năm 2013"."""
    hits = []
    for m in _NAMED_LAW_RE.finditer(text):
        number = clean_number(m.group("num")) if m.group("num") else None
        end = m.end()
        date, end = _date_after(text, end)
        if not number and not date:
            continue
        issuer, end = _issuer_after(text, end)
        hits.append(CitationHit(doc_type_from_word(m.group("type")), number, date, issuer, text[m.start():end].rstrip(), m.start(), end))
    return hits


def _date_after(text: str, pos: int) -> tuple[str | None, int]:
    m = _DATE_AFTER_RE.match(text, pos)
    if not m:
        return None, pos
    date = date_from_match(m)
    return (date.isoformat() if date else None), m.end()


def _issuer_after(text: str, pos: int) -> tuple[str | None, int]:
    m = _ISSUER_RE.match(text, pos)
    if not m:
        return None, pos
    issuer = m.group("issuer").strip()
    if len(issuer.split()) > 12:
        return None, pos
    return issuer, m.end("issuer")


def merge_citations(found: list[tuple[CitationHit, int, int, str]], own_number: str | None = None) -> list[Citation]:
    """One Citation per distinct document. `found` holds (hit, offset of the text it was found in, page, context).

    The document's own number is not a citation of itself ("Kế hoạch số 62/KH-SKHCN" in its appendix heading).
    """
    own = number_key(own_number) if own_number else None
    merged: dict[str, Citation] = {}
    for hit, offset, page, context in found:
        key = number_key(hit.number) if hit.number else f"{hit.doc_type}|{hit.issued_date}"
        if own and key == own:
            continue
        mention = Mention(raw=hit.raw, span=(offset + hit.start, offset + hit.end), page=page, context=context)
        if key not in merged:
            merged[key] = Citation(
                doc_type=hit.doc_type, number=hit.number, issued_date=hit.issued_date, issuer=hit.issuer,
                raw=hit.raw, mentions=[mention],
                confidence=1.0 if hit.number and hit.issued_date else 0.8,
                reasons=[] if hit.number and hit.issued_date else ["date not printed" if hit.number else "cited by name, no number"],
            )
            continue
        citation = merged[key]
        citation.mentions.append(mention)
        citation.issued_date = citation.issued_date or hit.issued_date
        citation.issuer = citation.issuer or hit.issuer
        citation.doc_type = citation.doc_type or hit.doc_type
        if hit.issued_date and citation.issued_date != hit.issued_date:
            citation.reasons.append(f"mentions disagree on the date: {citation.issued_date} / {hit.issued_date}")
            citation.confidence = min(citation.confidence, 0.6)
    return list(merged.values())
