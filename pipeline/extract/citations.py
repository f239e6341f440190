"""Citations of other documents: "Quyết định số 1519/QĐ-UBND ngày 31 tháng 3 năm 2016 của ...".

The grammar, as Vietnamese documents cite (in "Căn cứ …", "Xét …", and anywhere
in running text: "theo …", "thực hiện …", "tại …"):

    citation = [type word] ["số"] [":"] số-ký-hiệu [date] ["của" issuer]
             | law-type name (["số"] số-ký-hiệu | date) ["của" issuer]
             | trigger type-word [name] date ["của" issuer]      (unnumbered, known by type and date)
             | "Căn cứ" law-type name                            (a law cited by its name alone)

- số ký hiệu (`pipeline.lexicon.NUMBER_PATTERN`): number [/year] then codes joined by
  / - . ("1519/QĐ-UBND", "29-CT/TU", "14/2024/TT-BCT", "66.4/2025/NQ-CP"), spaces allowed
  around the joiners ("301- KL/TU"); the type comes from the word before it or its code.
- law types: Luật, Bộ luật, Pháp lệnh, Hiến pháp, usually cited by name ("Luật Khoa học
  và Công nghệ ngày 18 tháng 6 năm 2013", "Luật Chứng khoán số 54/2019/QH14").
- an unnumbered document of another type ("theo Công văn ngày 05/3/2024 của Bộ Tài chính")
  needs a citing word right before its type word, so a sentence that merely starts with
  a type word and mentions a date ("Kế hoạch phải hoàn thành trước ngày …") is not one.
- a name never holds the words that make a clause of it: "Luật này có hiệu lực từ ngày …",
  "Luật Đất đai thì không …" are prose.

OCR damage is survived by matching the *match form* of the text (`dates.match_form`:
diacritics folded one character for one, look-alike digits repaired): "Căn cử",
"Quyết đinh xố 3l/2024/QĐ-UBND ngảy 05 thảng 3 năm 2024" still cite. Offsets in the
match form are offsets in the text, so spans and raw text point at what is printed.

`find_citations` works on one piece of text and returns hits with offsets;
`merge_citations` folds hits of the whole document into one entry per distinct
document (numbers compared without punctuation, so "72/QĐ-SKH&CN" and
"72/QĐ-SKH-CN" are one), keeping every mention.
"""
from __future__ import annotations

from dataclasses import dataclass

import regex

from pipeline.extract.dates import DATE_WITH_DAY_WORD_RE, date_from_match
from pipeline.lexicon import (
    FOLDED_TYPE_WORD_PATTERN,
    NUMBER_PATTERN,
    NUMBER_RE,
    clean_number,
    doc_type_from_number,
    doc_type_from_word,
    fold_chars,
    number_key,
    repair_digits,
    squash,
)
from pipeline.model import Citation, Mention

__all__ = ["NUMBER_PATTERN", "NUMBER_RE", "CitationHit", "clean_number", "find_citations", "merge_citations", "number_key"]

# "số", and OCR's "xố", "sô", "S6", "s0" (in match form)
_SO = r"(?:so|xo|s0|s6)"
_TYPE_BEFORE_RE = regex.compile(rf"(?<![a-z0-9])(?P<type>{FOLDED_TYPE_WORD_PATTERN})\s*(?:{_SO}\s*)?[:.]?\s*$")
_LAW_TYPES = r"bo\s+luat|luat|phap\s+lenh|hien\s+phap"
# Cheap scans of the text as printed that rule it out before the grammar runs: no law word ("Luật", OCR's
# "Luât", "Pháp lệnh"), no figure followed by a joiner, no "ngày <digit>" (OCR's "ngảy").
_LAW_HINT_RE = regex.compile(r"[Ll][Uu]\w{1,2}[Tt]|[Pp][Hh]\w{1,2}[Pp]")
_NUMBER_HINT_RE = regex.compile(r"\d\s*[/\-]")
_DAY_HINT_RE = regex.compile(r"ng\w{1,2}y\s*\d", regex.IGNORECASE)
_LAW_RE = regex.compile(rf"(?<![a-z0-9])(?P<type>{_LAW_TYPES})\s+(?=\S)")
# Full type words (not codes) that may cite an unnumbered document, after a citing word.
_TRIGGERED_TYPE_RE = regex.compile(
    r"(?<![a-z0-9])(?P<trigger>can\s+cu|xet|theo|thuc\s+hien|tai|trien\s+khai|boi|kem\s+theo)\s+(?:cac\s+)?"
    rf"(?P<type>{FOLDED_TYPE_WORD_PATTERN})\s+(?=\S)"
)
_BASIS_START_RE = regex.compile(r"^\s*can\s+cu\s+")
_SO_NUMBER_RE = regex.compile(rf"\s*(?:{_SO}\s*[:.]?\s*)?$")
# How a date is introduced after a name: ", ngày ...", "ban hành ngày ...", "được Quốc hội khóa XV thông qua ngày ..."
_DATE_INTRO_RE = regex.compile(
    r"\s*,?\s*(?:(?:da\s+)?duoc\s+(?:[^\s,;:()]+\s+){0,10}?(?:thong\s+qua|ban\s+hanh|ky)\s+|(?:ban\s+hanh|ky)\s+)?"
    r"(?=ngay\s*\d)"
)
_ISSUER_RE = regex.compile(
    r"\s*(?:,\s*)?của\s+(?P<issuer>[^,;()\"“”\n]+?)"
    r"(?=\s+(?:về|v/v|ban\s+hành|quy\s+định|hướng\s+dẫn|phê\s+duyệt|sửa\s+đổi|triển\s+khai|tại|đối\s+với|thực\s+hiện)\b|[,;()\"“”:\n]|$)",
    regex.IGNORECASE,
)
# Words that make a clause of a name: "Luật này …", "… có hiệu lực từ ngày", "… phải hoàn thành trước ngày".
_CLAUSE_WORDS = frozenset(
    "này đó thì từ trước sau kể đến hết trong vào là có nếu khi sẽ cần phải chậm được đã đang".split()
)
_NAME_END_RE = regex.compile(r"[;:()\n\"“”]")
_DAY_RE = regex.compile(r"ngay\s*\d")
# Type words that, capitalised inside a name, start another document ("Luật Đất đai và Nghị định số …").
_INNER_TYPE_RE = regex.compile(r"(?<![a-z])(?:nghi\s+dinh|nghi\s+quyet|quyet\s+dinh|thong\s+tu|chi\s+thi|cong\s+van|ke\s+hoach|luat|phap\s+lenh)(?![a-z])")
_MAX_NAME_WORDS = 30
_MAX_NAME = 240


@dataclass
class CitationHit:
    doc_type: str | None
    number: str | None
    issued_date: str | None
    issuer: str | None
    raw: str
    start: int
    end: int
    name: str | None = None  # a law's name as printed ("Đất đai"), when it is cited by name


_FORM_WORD_TYPES = frozenset({"giay_phep", "van_ban"})
# Right before a number (folded): the form it names ("Mẫu số", "biểu mẫu số", "mẫu biểu số", "Mẫu").
_FORM_BEFORE_RE = regex.compile(r"(?<![a-z])(?:bieu\s+)?mau(?:\s+bieu)?(?:\s+so)?\s*[:.]?\s*$")


# "Thông tư số 38/2025/1T-BCT": OCR's "1" for the first "T" of a circular's code (same length, so spans hold)
_CIRCULAR_CODE_RE = regex.compile(
    r"(?i:thông\s+tư(?:\s+liên\s+tịch)?)\s+(?:số\s*:?\s*)?\d{1,4}\s*/\s*(?:19|20)\d\d\s*/\s*\K[1lI](?=T(?:LT)?\s*-)")


def find_citations(text: str) -> list[CitationHit]:
    """Every cited document in `text`, in order, with spans into `text`."""
    repaired = repair_digits(text)
    if "/" in repaired:
        repaired = _CIRCULAR_CODE_RE.sub("T", repaired)
    numbered, law, dated = (_NUMBER_HINT_RE.search(repaired), _LAW_HINT_RE.search(text), _DAY_HINT_RE.search(text))
    if not (numbered or law or dated):
        return []  # most lines of a document: no figure with a joiner, no law word, no date
    form = fold_chars(repaired)
    hits = _named_laws(text, form, repaired) if law else []
    taken = [(h.start, h.end) for h in hits]
    for m in NUMBER_RE.finditer(repaired) if numbered else ():
        if any(s <= m.start() < e for s, e in taken):
            continue
        number = clean_number(m.group(0))
        start, end = m.start(), m.end()
        doc_type = None
        before = _TYPE_BEFORE_RE.search(form, max(0, start - 40), start)
        if before:
            doc_type = doc_type_from_word(before.group("type"))
            start = before.start()
        # a word that names what the act does, not its type: "Giấy phép số 131/QĐ-UBND" is a decision granting
        # a permit, "Văn bản số 12/BC-UBND" a report; the symbol's code says the type. (Otherwise the word
        # counts: a Party rule is "Quy định số 296-QĐ/TW".)
        coded = doc_type_from_number(number)
        doc_type = coded if coded and doc_type in _FORM_WORD_TYPES else doc_type or coded
        if doc_type is None and "/" not in number:
            continue  # "Loại 190 - Phòng …", "mục 5 - Khoa học …": a list's code (a document's number has a
            # "/", Nghị định 30/2020/NĐ-CP; an old "64-CP" is cited with its type word)
        if _FORM_BEFORE_RE.search(form, max(0, m.start() - 24), m.start()):
            continue  # "theo Mẫu số 04/SS-CTĐT", "Biểu mẫu số 01/ĐGTĐ-BHM": a form's code, not a document
        date, end = _date_after(form, end)
        issuer, end = _issuer_after(text, end)
        hits.append(CitationHit(doc_type, number, date, issuer, text[start:end], start, end))
        taken.append((start, end))
    if dated:
        hits.extend(_dated_without_number(text, form, taken))
    hits.sort(key=lambda h: h.start)
    return hits


def _named_laws(text: str, form: str, repaired: str) -> list[CitationHit]:
    """Laws, codes, ordinances and the Constitution cited by name: with a number, a date, or (in a
    "Căn cứ" line) the name alone."""
    hits: list[CitationHit] = []
    basis = _BASIS_START_RE.match(form)
    pos = 0
    while True:
        m = _LAW_RE.search(form, pos)
        if m is None:
            return hits
        pos = m.end()
        if not text[m.start()].isupper():
            continue  # "pháp luật", "luật sư": the word, not a title
        limit = _limit(text, m.end())
        found = _bound_to_number(text, form, repaired, m.end(), limit) or _bound_to_date(text, form, m.end(), limit)
        if found is None and basis is not None and m.start() == basis.end():
            found = _named_alone(text, form, repaired, m.end(), limit)
        if found is None:
            continue
        name, num, end = found
        date, end = _date_after(form, end)
        if num is None and date is None and not name:
            continue
        issuer, end = _issuer_after(text, end)
        raw = text[m.start():end].rstrip()
        hits.append(CitationHit(doc_type_from_word(m.group("type")), num, date, issuer, raw, m.start(), m.start() + len(raw),
                                name=name or None))
        pos = end


def _named_alone(text: str, form: str, repaired: str, start: int, limit: int) -> tuple[str, None, int] | None:
    """(name, None, end) for a law named alone at the head of a basis line: "Căn cứ Luật Tổ chức chính quyền
    địa phương;", "Căn cứ Hiến pháp … đã được sửa đổi … theo Nghị quyết số …" (the number is the resolution's).

    Not when a later law word claims the number or a date ("Luật sửa đổi … của Luật Đấu thầu số 57/2024/QH15"
    is that one law)."""
    end = _basis_name_end(form, start, limit)
    inner = next((m for m in _INNER_TYPE_RE.finditer(form, start, end) if text[m.start()].isupper()), None)
    if inner is not None:
        if _LAW_RE.match(form, inner.start()) and (NUMBER_RE.search(repaired, inner.end(), limit) or _DAY_RE.search(form, inner.end(), limit)):
            return None
        end = inner.start()
    elif NUMBER_RE.search(repaired, start, end) or _DAY_RE.search(form, start, end):
        return None
    end = _TRAILING_JOINER_RE.search(form, start, end).start()
    name = text[start:end]
    return (name, None, end) if name and _is_name(name) else None


def _limit(text: str, pos: int) -> int:
    """A name runs at most to the next bracket, quote, semicolon, colon or line end."""
    m = _NAME_END_RE.search(text, pos, pos + _MAX_NAME)
    return m.start() if m else min(len(text), pos + _MAX_NAME)


def _bound_to_number(text: str, form: str, repaired: str, start: int, limit: int) -> tuple[str, str, int] | None:
    """(name, number, end) for "<name> [số] <số ký hiệu>" where the name is a name."""
    number = NUMBER_RE.search(repaired, start, limit)
    if number is None:
        return None
    day = _DAY_RE.search(form, start, number.start())
    if day is not None:
        return None  # a date comes first: the number belongs to something else
    so = _SO_NUMBER_RE.search(form, start, number.start())
    name = text[start:so.start() if so else number.start()].strip(" ,")
    return (name, clean_number(number.group(0)), number.end()) if _is_name(name) else None


def _bound_to_date(text: str, form: str, start: int, limit: int) -> tuple[str, None, int] | None:
    """(name, None, where the date starts) for "<name>[, ban hành] ngày <date>"."""
    day = _DAY_RE.search(form, start, limit)
    if day is None:
        return None
    name = text[start:_date_intro_before(form, start, day.start())].strip(" ,")
    return (name, None, day.start()) if _is_name(name) else None


def _date_intro_before(form: str, name_start: int, date_at: int) -> int:
    """Where the name ends before a date: ", ngày", "ban hành ngày", "được Quốc hội … thông qua ngày"."""
    for m in _DATE_INTRO_RE.finditer(form, name_start):
        if m.end() == date_at:
            return m.start()
        if m.start() > date_at:
            break
    return date_at


_TRAILING_JOINER_RE = regex.compile(r"(?:\s+(?:va|hoac)|[\s,;.])*$")
_BASIS_NAME_END_RE = regex.compile(r"\s+(?:da\s+duoc|duoc|sua\s+doi|va\s+cac)\b")


def _basis_name_end(form: str, start: int, limit: int) -> int:
    """A law named alone in a basis line ends at the line's punctuation or its amendment clause."""
    m = _BASIS_NAME_END_RE.search(form, start, limit)
    return m.start() if m else limit


def _is_name(name: str) -> bool:
    """A document's name: no clause words, and no other document's type word (capitalised) inside it."""
    words = name.replace(",", " ").split()
    if len(words) > _MAX_NAME_WORDS or any(w.casefold() in _CLAUSE_WORDS for w in words):
        return False
    return not any(name[m.start()].isupper() for m in _INNER_TYPE_RE.finditer(fold_chars(name)))


def _dated_without_number(text: str, form: str, taken: list[tuple[int, int]]) -> list[CitationHit]:
    """"theo Công văn ngày 05/3/2024 của Bộ Tài chính", "thực hiện Kết luận của Bộ Chính trị ngày …"."""
    hits = []
    for m in _TRIGGERED_TYPE_RE.finditer(form):
        start = m.start("type")
        if not text[start].isupper() or any(s <= start < e for s, e in taken):
            continue
        doc_type = doc_type_from_word(m.group("type"))
        if doc_type in {"luat", "bo_luat", "phap_lenh", "hien_phap"}:
            continue  # laws are read by `_named_laws`
        limit = _limit(text, m.end())
        day = _DAY_RE.search(form, m.end(), limit)
        if day is None or any(m.end() <= s < day.start() for s, _ in taken):
            continue  # no date, or another citation stands between the type word and the date
        date_at = day.start()
        name_end = _date_intro_before(form, m.end(), date_at)
        name = text[m.end():name_end].strip(" ,")
        if not _is_name(name) or len(name.split()) > 15:
            continue
        date, end = _date_after(form, date_at)
        if date is None:
            continue
        issuer = None
        if name.casefold().startswith("của "):
            issuer, name = name[4:].strip(), ""
        issuer_after, end = _issuer_after(text, end)
        hits.append(CitationHit(doc_type, None, date, issuer or issuer_after, text[start:end], start, end, name=name or None))
        taken.append((start, end))
    return hits


_DATE_AFTER_RE = regex.compile(r"\s*,?\s*(?:ban\s+hanh\s+)?(?:" + DATE_WITH_DAY_WORD_RE.pattern + ")")


def _date_after(form: str, pos: int) -> tuple[str | None, int]:
    m = _DATE_AFTER_RE.match(form, pos)
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

    A document is known by its number, else by its type and date, else (a law cited by name
    alone) by its type and name; a mention by name alone joins the dated or numbered mention
    of the same name. The document's own number is not a citation of itself ("Kế hoạch số
    62/KH-SKHCN" in its appendix heading).
    """
    own = number_key(own_number) if own_number else None
    by_name: dict[str, str] = {}
    for hit, *_ in found:
        if hit.name and (hit.number or hit.issued_date):
            by_name.setdefault(_name_key(hit), _key(hit))
    merged: dict[str, Citation] = {}
    for hit, offset, page, context in found:
        key = _key(hit)
        if not hit.number and not hit.issued_date:
            key = by_name.get(_name_key(hit), key)
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


def _key(hit: CitationHit) -> str:
    if hit.number:
        return number_key(hit.number)
    if hit.issued_date:
        return f"{hit.doc_type}|{hit.issued_date}"
    return _name_key(hit)


def _name_key(hit: CitationHit) -> str:
    return f"{hit.doc_type}|name:{squash(hit.name or '')}"
