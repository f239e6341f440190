"""How one document relates to a document it cites: implements, reports on, amends, replaces, or only cites.

The relation is read the way a clerk reads it, from the citing document itself:

* **the words before a mention**, in the same clause: "sửa đổi, bổ sung (một số
  điều của) Quyết định số X" → amends; "thay thế Quyết định số X", "bãi bỏ …" →
  replaces; "báo cáo kết quả / tình hình thực hiện …" → reports on; "triển khai",
  "thực hiện", "cụ thể hóa" → implements. "Căn cứ Quyết định số X …" alone is a
  legal basis: cites. Only the words *before* the mention count — the words
  after it describe the cited document ("… về ban hành Kế hoạch hành động triển
  khai Nghị quyết 46"), not the relation — nor do the words of a "Căn cứ …"
  clause, or a passive ("Nghị định 42 được sửa đổi, bổ sung bởi Nghị định 283");
* **a sentence of the citing document's own naming the cited document by its
  subject** after such words ("Nhằm triển khai thực hiện Kế hoạch phát triển
  thương mại điện tử …") — anywhere but in a "Căn cứ …" basis or a table row;
* **the citing document's title**, read the same way when it names the cited
  number or the cited document's subject ("Kế hoạch triển khai thực hiện Quyết
  định số X", "Báo cáo kết quả thực hiện Kế hoạch …");
* **a section whose heading carries the cited document's subject** (its title
  without "về ban hành", or the description the citing text gives after the
  mention): such sections are the *scope* where target links are looked for. A
  scope whose table rows give actuals ("Thực hiện 2016") makes the pair
  *reports_on*; a scope heading that starts "(Tiếp tục) triển khai / thực hiện"
  makes it *implements*.

The strongest relation found names the pair (`DOCUMENT_RELATIONS` order), with
every piece of evidence kept. A second link, ``date_conflict``, is added when
the citing text prints a date for the cited document other than the cited
document's own.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

import regex

from pipeline.extract.citations import number_key
from pipeline.extract.links import text_similarity
from pipeline.lexicon import ascii_fold
from pipeline.link.model import DOCUMENT_RELATIONS, DocumentLink
from pipeline.model import Citation, Document, Item, ItemKind

SCOPE_MIN = 0.7  # how much of the cited subject a heading must carry to be the cited plan's section
BODY_MIN = 0.8  # … and the words after a relation word in a sentence of the body (sentences say more besides)
WINDOW = 90  # characters before a mention searched for relation words

# Folded relation words (diacritics and case ignored). Each pattern is searched in the clause before a mention.
_WORDS: dict[str, regex.Pattern] = {
    "amends": regex.compile(r"\bsua doi\b|\bbo sung\b|\bdieu chinh\b|\bdinh chinh\b"),
    "replaces": regex.compile(r"\bthay the\b|\bbai bo\b|\bhet hieu luc\b"),
    "reports_on": regex.compile(r"\bbao cao (?:ket qua|tinh hinh|so ket|tong ket|danh gia)\b|\bso ket\b|\btong ket\b"
                                r"|\bdanh gia (?:ket qua|tinh hinh)\b"),
    "implements": regex.compile(r"\btrien khai\b|\bthuc hien\b|\bcu the hoa\b|\bthi hanh\b"),
}
_CLAUSE_START = regex.compile(r"[;.:\n]|\bcan cu\b|\bxet\b")
_SUBJECT_PREFIX = regex.compile(
    r"^\s*(?:(?:ve|v/v|viec|ban hanh|phe duyet|kem theo)\s+)+", regex.IGNORECASE)
_AFTER_MENTION = regex.compile(r"[^;\n]{0,400}")


def fold(text: str) -> str:
    return regex.sub(r"\s+", " ", ascii_fold(text or "")).strip()


def subject(text: str | None) -> str:
    """A title without the words that introduce it: "VỀ BAN HÀNH KẾ HOẠCH …" -> "KẾ HOẠCH …"."""
    text = (text or "").strip()
    m = _SUBJECT_PREFIX.match(ascii_fold(text))  # folding keeps the length of NFC text: offsets carry over
    return text[m.end():].strip() if m else text


def _mention_description(doc: Document, span: tuple[int, int]) -> str:
    """What the citing text says the cited document is about: "… ngày 05/10/2015 về ban hành Kế hoạch X;" -> "Kế hoạch X"."""
    after = doc.text[span[1]:span[1] + 400]
    piece = _AFTER_MENTION.match(after).group()
    folded = ascii_fold(piece)
    at = regex.search(r"\bve\b", folded)
    if at is None or at.start() > 150:
        return ""
    return subject(piece[at.start():]).strip(" ,.;“”\"")


def subjects_of(cited: Document, citation: Citation | None, citing: Document) -> list[str]:
    """The cited document's subject as its own title gives it, and as the citing text describes it."""
    out = [subject(cited.document.title)]
    if citation is not None:
        out.extend(_mention_description(citing, m.span) for m in citation.mentions)
    return [s for s in dict.fromkeys(out) if len(fold(s).split()) >= 4]


def _children(items: list[Item]) -> dict[str, list[str]]:
    children: dict[str, list[str]] = {}
    for item in items:
        if item.parent:
            children.setdefault(item.parent, []).append(item.id)
    return children


def descendants(items: list[Item], roots: list[str]) -> set[str]:
    children = _children(items)
    out: set[str] = set()
    stack = list(roots)
    while stack:
        node = stack.pop()
        for child in children.get(node, []):
            if child not in out:
                out.add(child)
                stack.append(child)
    return out


def scope_sections(citing: Document, subjects: list[str]) -> list[tuple[Item, float]]:
    """Headings of the citing document that carry the cited document's subject (outermost only)."""
    if not subjects:
        return []
    children = _children(citing.items)
    found = []
    for item in citing.items:
        if item.id not in children or len(fold(item.text).split()) < 3:
            continue
        score = max(text_similarity(s, item.text) for s in subjects)
        if score >= SCOPE_MIN:
            found.append((item, score))
    inner = descendants(citing.items, [item.id for item, _ in found])
    return [(item, score) for item, score in found if item.id not in inner]


def _body_evidence(citing: Document, subjects: list[str]) -> list[tuple[str, str]]:
    """(relation, evidence) for lines of the citing document's own words (not a "Căn cứ …" / "Xét …" basis,
    not a table row) naming the cited document by its subject after a relation word: "Nhằm triển khai thực
    hiện Kế hoạch phát triển thương mại điện tử …", "… kế hoạch chi tiết triển khai thực hiện Kế hoạch …"."""
    found: list[tuple[str, str]] = []
    longest = max((len(s) for s in subjects), default=0)
    offset = 0
    for line in citing.text.split("\n"):
        start, offset = offset, offset + len(line) + 1
        folded = ascii_fold(line)
        if "\t" in line or regex.match(r"\s*(?:[-+•]\s*)?(?:can cu|xet)\b", folded) or len(found) >= 3:
            continue
        for relation in ("reports_on", "implements"):
            for m in list(_WORDS[relation].finditer(folded))[:10]:
                after = line[m.end():m.end() + int(longest * 1.3) + 10]
                if any(text_similarity(s, after) >= BODY_MIN for s in subjects):
                    where = next((f"{i.path} " for i in reversed(citing.items)
                                  if i.span[0] < start + len(line) and start < i.span[1]), "")
                    found.append((relation, f"'{m.group()}' before the cited title in {where}'{line.strip()[:90]}'"))
                    break
    return found


def _title_evidence(title: str, number: str | None, subjects: list[str]) -> list[tuple[str, str]]:
    """Relation words of the title followed by the cited number or subject: "V/v triển khai thực hiện Quyết
    định số 120/QĐ-UBND", "Sửa đổi, bổ sung … Kế hoạch ban hành kèm theo Quyết định số 120" (a "thực hiện"
    elsewhere in the title — "… ngân sách thực hiện nhiệm vụ …" — says nothing of the cited document)."""
    folded, key = ascii_fold(title), number_key(number)
    longest = max((len(s) for s in subjects), default=0)
    out = []
    for relation, pattern in _WORDS.items():
        for m in pattern.finditer(folded):
            if _PASSIVE_BEFORE.search(folded[:m.start()]) or _PASSIVE_AFTER.match(folded[m.end():]):
                continue
            after = title[m.end():m.end() + 160]
            if (key and key in number_key(after)) or any(
                    text_similarity(s, after[:int(longest * 1.3) + 10]) >= BODY_MIN for s in subjects):
                out.append((relation, m.group()))
                break
    return out


def _window_before(text: str, start: int) -> tuple[str, bool]:
    """(the folded words of the clause before `start`, whether that clause is a basis: "Căn cứ …", "Xét …")."""
    before = ascii_fold(text[max(0, start - WINDOW):start])
    cuts = list(_CLAUSE_START.finditer(before))
    if not cuts:
        return before, False
    return before[cuts[-1].end():], cuts[-1].group() in ("can cu", "xet")


_PASSIVE_BEFORE = regex.compile(r"\b(?:duoc|da duoc|bi|da bi)\s*$")
_PASSIVE_AFTER = regex.compile(r"^[\s,]*(?:(?:bo sung|mot so dieu|noi dung)[\s,]*)*(?:boi|tai|theo)\b")


def _relations_in(words: str) -> list[tuple[str, str]]:
    """Relation words of the citing document. A passive ("được sửa đổi, bổ sung bởi / tại …") says what
    happened to the cited document, not what the citing one does: left out."""
    out = []
    for relation, pattern in _WORDS.items():
        for m in pattern.finditer(words):
            if _PASSIVE_BEFORE.search(words[:m.start()]) or _PASSIVE_AFTER.match(words[m.end():]):
                continue
            out.append((relation, m.group()))
            break
    return out


@lru_cache(maxsize=64)
def _heading_verb(text: str) -> str | None:
    m = regex.match(r"^\s*(?:tiep tuc\s+)?(trien khai|thuc hien|cu the hoa)\b", ascii_fold(text))
    return m.group(1) if m else None


def _has_actuals(citing: Document, ids: set[str]) -> list[str]:
    """The actual columns printed by the table rows among `ids` ("Thực hiện 2016", "Thực hiện 2017")."""
    columns: list[str] = []
    for item in citing.items:
        if item.id in ids and item.kind == ItemKind.table_row and item.values is not None:
            for value in item.values.actual.values():
                if value.raw and value.column not in columns:
                    columns.append(value.column)
    return columns


def relate(citing: Document, cited: Document, citation: Citation | None) -> list[DocumentLink]:
    """The document links of one pair: the relation (with evidence and scope), and a date conflict if any."""
    evidence: dict[str, list[str]] = {r: [] for r in DOCUMENT_RELATIONS}
    mentions = citation.mentions if citation is not None else []
    for mention in mentions:
        words, basis = _window_before(citing.text, mention.span[0])
        if basis:
            continue  # "Căn cứ Nghị định 42 … được sửa đổi bởi …": a basis says what the cited documents are
        for relation, word in _relations_in(words):
            if mention.context == "legal_basis" and relation == "implements":
                continue  # a legal basis implements nothing by being one
            evidence[relation].append(f"'{word}' before '{mention.raw}' ({mention.context}, page {mention.page})")
    title = citing.document.title or ""
    subjects = subjects_of(cited, citation, citing)
    title_names_it = number_key(cited.document.number) and number_key(cited.document.number) in number_key(title) \
        or any(text_similarity(s, title) >= SCOPE_MIN for s in subjects)
    for relation, word in _title_evidence(title, cited.document.number, subjects):
        evidence[relation].append(f"'{word}' before the cited document in the title '{title[:120]}'")
    if citing.document.doc_type == "bao_cao" and title_names_it:
        evidence["reports_on"].append(f"a report (Báo cáo) whose title names the cited document: '{title[:120]}'")
    for relation, found in _body_evidence(citing, subjects):
        evidence[relation].append(found)
    scope = scope_sections(citing, subjects)
    scope_ids = [item.id for item, _ in scope]
    for item, score in scope:
        inside = descendants(citing.items, [item.id]) | {item.id}
        actuals = _has_actuals(citing, inside)
        label = f"{item.path} '{item.text[:90]}'"
        if actuals:
            evidence["reports_on"].append(f"section {label} carries the cited title ({score:.2f}); its rows give "
                                          + ", ".join(f"'{c}'" for c in actuals[:4]))
        verb = _heading_verb(item.text)
        if verb:
            evidence["implements"].append(f"section {label} carries the cited title ({score:.2f}) and starts '{verb}'")
    relation = next((r for r in DOCUMENT_RELATIONS[:-1] if evidence[r]), "cites")
    if relation == "cites":
        contexts = sorted({m.context for m in mentions})
        evidence["cites"].append(f"cited {len(mentions)} time(s) ({', '.join(contexts) or 'no mention'}), "
                                 "no word of relation before a mention")
    confidence, reasons = _confidence(relation, evidence)
    links = [DocumentLink(
        citing_doc_id=citing.document.source.sha256, cited_doc_id=cited.document.source.sha256,
        citing_number=citing.document.number, cited_number=cited.document.number, relation=relation,
        evidence=[e for r in DOCUMENT_RELATIONS for e in evidence[r] if r == relation]
        + [f"also {r}: {e}" for r in DOCUMENT_RELATIONS if r != relation for e in evidence[r]],
        confidence=confidence, reasons=reasons, scope=scope_ids,
        cited_date=citation.issued_date if citation else None, dataset_date=cited.document.issued_date,
    )]
    printed, own = (citation.issued_date if citation else None), cited.document.issued_date
    if printed and own and printed != own:
        links.append(DocumentLink(
            citing_doc_id=links[0].citing_doc_id, cited_doc_id=links[0].cited_doc_id,
            citing_number=links[0].citing_number, cited_number=links[0].cited_number, relation="date_conflict",
            evidence=[f"{citing.document.number or 'the citing document'} cites {cited.document.number} as "
                      f"'{citation.raw}' ({_long(printed)}); {cited.document.number} carries {_long(own)}"],
            confidence=0.9, reasons=["the dates differ: one of them is misprinted (check the cited document)"],
            cited_date=printed, dataset_date=own,
        ))
    return links


def _confidence(relation: str, evidence: dict[str, list[str]]) -> tuple[float, list[str]]:
    """Two pieces of evidence, or a section carrying the cited title whose rows report, make a relation sure."""
    if relation == "cites":
        return 0.9, ["only cited: no relation words found (a legal basis or a mention)"]
    found = evidence[relation]
    if len(found) >= 2 or any(e.startswith("section") for e in found):
        return 0.95, []
    return 0.85, [f"one piece of evidence for '{relation}'"]


def _long(iso: str) -> str:
    try:
        return dt.date.fromisoformat(iso).strftime("%d/%m/%Y")
    except ValueError:
        return iso


__all__ = ["SCOPE_MIN", "descendants", "relate", "scope_sections", "subject", "subjects_of"]
