"""Legacy Word (.doc) and RTF files: converted by LibreOffice, repaired, read by the DOCX reader.

Old government files are Word 97 ``.doc`` or RTF, very often typed in a
pre-Unicode Vietnamese font (TCVN3 ``.VnTime``, ``VNI-Times``). The reader:

1. **Converts** the file to ``.docx`` with LibreOffice headless
   (:mod:`pipeline.read.office`: one instance kept running for the batch, a
   hard time limit of :data:`CONVERT_TIMEOUT` per file).
2. **Repairs the encoding run by run**, in the converted package's XML
   (main document, footnotes, endnotes, headers, footers, and the text boxes
   and tables inside them), before any reading: each run's font is resolved
   (run properties, character style, paragraph style chain, document
   defaults) and a run in a TCVN3, VNI or VISCII font is converted to Unicode
   (:mod:`pipeline.repair.legacy_encodings`), in the case it was typed; only
   a short heading set wholly in a TCVN3 capital font (``.VnTimeH``) is
   converted as printed, in capitals (:data:`CAPITAL_HEADING_WORDS`). Runs in
   other fonts are converted when the paragraph's own text reads as a legacy
   encoding, or, for short paragraphs, when all such runs of the file do (a
   file whose font names were lost). Working on the XML rather than on the
   read Lines matters: TCVN3 stores "ư" as byte 0xAD, which LibreOffice turns
   into a *soft hyphen* element the DOCX reader (rightly) drops; and the DOCX
   reader recognises header/signature tables by Vietnamese words ("CỘNG HÒA",
   "Nơi nhận") it can only see in repaired text.
3. **Reads** the repaired package with :func:`pipeline.read.docx.read_docx`,
   so numbering, tables and layout tables behave exactly as for a .docx.

The result is a :class:`RawDocument` with ``format`` "doc" or "rtf" and a
warning naming each encoding repaired ("legacy encoding repaired: tcvn3 (412
paragraphs)").
"""
from __future__ import annotations

import re
import tempfile
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from pipeline.errors import ReadError
from pipeline.model import RawDocument
from pipeline.read import office, read_head
from pipeline.read.docx import MAX_PART_BYTES, _PARSER, W, W_NS, read_docx
from pipeline.repair.legacy_encodings import (
    ENCODINGS,
    VNI_MARKS,
    conversion_hurts,
    convert_legacy,
    convert_symbol_text,
    detect_legacy_encoding,
    encoding_for_font,
    has_unicode_vietnamese,
    is_capital_font,
)

CONVERT_TIMEOUT = office.CONVERT_TIMEOUT  # seconds, the hard limit on one conversion (read at call time)
SOFFICE_ENV = office.SOFFICE_ENV  # optional: full path of the soffice binary
find_soffice = office.find_soffice

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
RTF_MAGIC = b"{\\rtf"

XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


# --------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------
def read_legacy(path: Path) -> RawDocument:
    """Read a .doc or .rtf file: LibreOffice conversion, encoding repair, DOCX reading."""
    path = Path(path)
    fmt = _legacy_format(path)
    with tempfile.TemporaryDirectory(prefix="legacy-read-") as tmp:
        work = Path(tmp)
        converted = convert_to_docx(path, work, suffix="." + fmt)
        repaired = work / "repaired.docx"
        counts = repair_docx_encoding(converted, repaired)
        raw = read_docx(repaired)
    _check_plausible(raw)
    raw.format = fmt
    if counts:
        detail = ", ".join(f"{enc} ({n} paragraph{'s' if n != 1 else ''})" for enc, n in counts.most_common())
        raw.warnings.insert(0, f"legacy encoding repaired: {detail}")
    return raw


def _legacy_format(path: Path) -> str:
    head = read_head(path)
    if head.startswith(OLE2_MAGIC):
        _check_word_container(path)
        return "doc"
    if head.startswith(RTF_MAGIC):
        return "rtf"
    raise ReadError("not a legacy Word (.doc) or RTF file: unrecognised header")


def _check_word_container(path: Path) -> None:
    """Refuse OLE2 files that are not Word documents before LibreOffice guesses at them.

    Given a damaged or foreign OLE2 file, LibreOffice falls back to importing the
    raw bytes as text and "succeeds" with pages of noise; a Word 97 file always
    has a stream named "WordDocument" in its directory (names are UTF-16).
    """
    with path.open("rb") as fh:
        data = fh.read(MAX_PART_BYTES)
    if "EncryptedPackage".encode("utf-16-le") in data:
        raise ReadError("password-protected (encrypted) Word file: remove the password in Word and save again")
    if "WordDocument".encode("utf-16-le") not in data:
        if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
            raise ReadError("not a Word document: the file is an Excel workbook (.xls)")
        if "PowerPoint Document".encode("utf-16-le") in data:
            raise ReadError("not a Word document: the file is a PowerPoint presentation (.ppt)")
        raise ReadError("corrupt or foreign .doc file: no Word document stream in the OLE2 container")


# Scripts a Vietnamese document is written in; anything else in quantity is noise.
_PLAUSIBLE = re.compile(r"[\u0000-\u024f\u0300-\u036f\u1ea0-\u1eff\u2000-\u206f\u20ac\u2190-\u21ff\u2200-\u22ff\u25a0-\u25ff]")
#: The share of implausible characters above which converted text is refused as noise.
MAX_NOISE = 0.2


def _check_plausible(raw: RawDocument) -> None:
    """Refuse a conversion that produced noise (a damaged file imported as raw bytes)."""
    text = "".join(line.text for line in raw.lines).replace(" ", "")
    if not text:
        return
    noise = sum(1 for ch in text if not _PLAUSIBLE.match(ch)) / len(text)
    if noise > MAX_NOISE:
        raise ReadError(f"corrupt legacy file: LibreOffice's conversion is {noise:.0%} unreadable characters")


# --------------------------------------------------------------------------
# 1. LibreOffice conversion (see pipeline.read.office: one instance per batch)
# --------------------------------------------------------------------------
def convert_to_docx(path: Path, work: Path, suffix: str = ".doc", timeout: float | None = None) -> Path:
    """Convert ``path`` to ``work/input.docx`` with LibreOffice headless; ReadError on any failure.

    ``timeout`` defaults to :data:`CONVERT_TIMEOUT` (read at call time).
    """
    return office.convert(path, work, "docx", suffix, CONVERT_TIMEOUT if timeout is None else timeout)


# --------------------------------------------------------------------------
# 2. Encoding repair in the package XML
# --------------------------------------------------------------------------
@dataclass
class _Piece:
    """One text element of a run, with the encoding its font implies."""

    element: etree._Element  # a w:t
    font: str | None
    encoding: str | None  # "tcvn3" | "vni" | "viscii" | "symbol" | None (Unicode or unknown)


#: Parts whose text is repaired besides the main document: what Word prints around it.
_REPAIRED_PARTS = re.compile(r"word/(?:document|footnotes|endnotes|comments|header\d*|footer\d*)\.xml")
#: A line of at most this many words set wholly in a TCVN3 capital font is a heading, converted as printed.
CAPITAL_HEADING_WORDS = 4
#: A paragraph whose runs name no legacy font is judged on its own when it has this many letters;
#: a shorter one follows the verdict over all such runs of the file.
_OWN_VERDICT_LETTERS = 40


def repair_docx_encoding(source: Path, target: Path) -> Counter:
    """Write ``source`` to ``target`` with legacy-encoded runs converted to Unicode.

    The main document, footnotes, endnotes, comments, headers and footers are
    repaired (text boxes and tables live inside them), and the texts of list
    levels ("§iÒu %1."). Returns how many paragraphs each encoding changed
    (empty: nothing converted).
    """
    with zipfile.ZipFile(source) as package:
        names = package.namelist()
        if "word/document.xml" not in names:
            raise ReadError("LibreOffice produced a package without word/document.xml")
        styles = _FontStyles(_parse(package, "word/styles.xml") if "word/styles.xml" in names else None)
        parts = {name: _parse(package, name) for name in names if _REPAIRED_PARTS.fullmatch(name)}
        counts, fallback = _repair_trees(list(parts.values()), styles)
        if "word/numbering.xml" in names:
            parts["word/numbering.xml"] = _parse(package, "word/numbering.xml")
            _repair_numbering(parts["word/numbering.xml"], fallback)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
            for info in package.infolist():
                if info.filename in parts:
                    out.writestr(info, etree.tostring(parts[info.filename], xml_declaration=True, encoding="UTF-8", standalone=True))
                else:
                    out.writestr(info, package.read(info))
    return counts


def _parse(package: zipfile.ZipFile, name: str) -> etree._Element:
    info = package.getinfo(name)
    if info.file_size > MAX_PART_BYTES:
        raise ReadError(f"refused: converted {name} would unpack to {info.file_size / 1e6:.0f} MB")
    try:
        return etree.fromstring(package.read(info), _PARSER)
    except etree.XMLSyntaxError as exc:
        raise ReadError(f"LibreOffice produced malformed XML in {name} ({exc})") from exc


def _repair_trees(roots: list[etree._Element], styles: "_FontStyles") -> Counter:
    paragraphs = [_paragraph_pieces(p, styles) for root in roots for p in root.iter(W + "p")]
    # Runs in no legacy font: converted only if, taken together, they read as a legacy encoding.
    unknown = " ".join(piece.element.text or "" for pieces in paragraphs for piece in pieces if piece.encoding is None)
    fallback, _ = detect_legacy_encoding(unknown) if unknown.strip() else (None, 0.0)
    counts: Counter = Counter()
    for pieces in paragraphs:
        for encoding in _repair_paragraph(pieces, fallback):
            counts[encoding] += 1
    return counts, fallback


def _repair_numbering(root: etree._Element, fallback: str | None) -> int:
    """Convert list-level texts typed in a legacy font ("§iÒu %1." for "Điều %1."); how many changed.

    A level names its own font for the number it prints; one that names none
    prints in the paragraph's font, for which the file's verdict stands in.
    """
    changed = 0
    for level in root.iter(W + "lvl"):
        text_el = level.find(W + "lvlText")
        text = text_el.get(W + "val") if text_el is not None else None
        if not text or has_unicode_vietnamese(text):
            continue
        fonts = _font_attrs(level.find(f"{W}rPr/{W}rFonts"))
        font = fonts.get("hAnsi") or fonts.get("ascii")
        encoding = encoding_for_font(font) if font else fallback
        if encoding not in ENCODINGS:
            continue
        converted = convert_legacy(text, encoding)
        if converted != text and not conversion_hurts(text, converted):
            text_el.set(W + "val", converted)
            changed += 1
    return changed


def _paragraph_pieces(p: etree._Element, styles: "_FontStyles") -> list[_Piece]:
    """The w:t pieces of a paragraph's own runs (not of paragraphs nested in text boxes), in order.

    A ``w:softHyphen`` becomes the text U+00AD it was in the .doc: in TCVN3 that
    byte is "ư", and the conversion decides later (a soft hyphen left in
    Unicode text is dropped by the DOCX reader, as before). LibreOffice writes
    the byte of a drawing's text twice, as the element *and* as the character
    beside it ("b<softHyphen/>\u00adu" for "bưu"): then the element is dropped.
    """
    p_style = p.find(f"{W}pPr/{W}pStyle")
    style_id = p_style.get(W + "val") if p_style is not None else None
    pieces: list[_Piece] = []
    for run in p.iter(W + "r"):
        if _nearest_paragraph(run) is not p:
            continue
        font = styles.run_font(run, style_id)
        encoding = encoding_for_font(font)
        for child in list(run):
            if child.tag == W + "softHyphen" and encoding not in ("vni", "viscii", "symbol"):
                if _beside_soft_hyphen_text(child, pieces):
                    _remove_keeping_tail(child)
                    continue
                child = _replace_with_text(run, child, "\u00ad")
            if child.tag == W + "t":
                pieces.append(_Piece(child, font, encoding))
    return pieces


def _beside_soft_hyphen_text(element: etree._Element, pieces: list[_Piece]) -> bool:
    before = pieces[-1].element.text if pieces else None
    after = element.getnext()
    after_text = after.text if after is not None and after.tag == W + "t" else None
    return bool(before and before.endswith("\u00ad")) or bool(after_text and after_text.startswith("\u00ad"))


def _remove_keeping_tail(element: etree._Element) -> None:
    parent = element.getparent()
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _nearest_paragraph(el: etree._Element) -> etree._Element | None:
    parent = el.getparent()
    while parent is not None and parent.tag != W + "p":
        parent = parent.getparent()
    return parent


def _replace_with_text(run: etree._Element, child: etree._Element, text: str) -> etree._Element:
    t = etree.Element(W + "t", nsmap={"w": W_NS})
    t.text = text
    t.set(XML_SPACE, "preserve")
    t.tail = child.tail
    run.replace(child, t)
    return t


def _repair_paragraph(pieces: list[_Piece], fallback: str | None) -> set[str]:
    """Convert the pieces of one paragraph in place; return the encodings that changed something.

    Pieces whose font names no legacy encoding take the paragraph's own
    verdict when it has enough letters to judge (a document mixing TCVN3 and
    VNI paragraphs in fonts LibreOffice could not name), else ``fallback``,
    the verdict over all such pieces of the document.
    """
    _join_split_vni_marks(pieces)
    before = [piece.element.text or "" for piece in pieces]
    after = list(before)
    used: list[str | None] = [None] * len(pieces)
    unknown = "".join(text for text, piece in zip(before, pieces) if piece.encoding is None)
    if sum(ch.isalpha() for ch in unknown) >= _OWN_VERDICT_LETTERS:
        own, _ = detect_legacy_encoding(unknown)
        fallback = own or fallback  # no verdict of its own: the guards below keep Unicode as it is
    printed_caps = _is_capital_heading(pieces, before)
    for i, piece in enumerate(pieces):
        if piece.encoding == "symbol":
            after[i] = convert_symbol_text(before[i], piece.font)  # "≥", "α" drawn from Symbol
            continue
        encoding = piece.encoding if piece.encoding is not None else fallback
        if encoding not in ENCODINGS or not before[i] or has_unicode_vietnamese(before[i]):
            continue  # Unicode typed while an old font was selected stays as it is
        after[i] = convert_legacy(before[i], encoding, capitals=printed_caps)
        used[i] = encoding if after[i] != before[i] else None
    if conversion_hurts("".join(before), "".join(after)):
        return set()
    for piece, old, new in zip(pieces, before, after):
        if new != old:
            piece.element.text = new
            piece.element.set(XML_SPACE, "preserve")
    return {encoding for encoding in used if encoding}


def _is_capital_heading(pieces: list[_Piece], texts: list[str]) -> bool:
    """A short paragraph of running text set wholly in a TCVN3 capital font.

    Such a line is a heading: a type name ("Bản Quy định", "Thông tư"), a
    chapter ("Chương I"), an issuer ("Bộ Tài chính"). Nghị định 30/2020 prints
    these in capitals and the segmenter reads them by their capitals, so they
    are converted as printed ("BẢN QUY ĐỊNH"). Running text is the body and
    the small grids that lay out the header and the signature (at most 4 rows
    of at most 3 cells, the shape the DOCX reader reads as text); not data
    tables or text boxes. Longer text in a capital font keeps the case it was
    typed in (see :mod:`pipeline.repair.legacy_encodings`).
    """
    lettered = [piece for piece, text in zip(pieces, texts) if any(ch.isalpha() for ch in text)]
    if not lettered or not all(is_capital_font(piece.font) for piece in lettered):
        return False
    if len("".join(texts).split()) > CAPITAL_HEADING_WORDS:
        return False
    element = lettered[0].element
    while element is not None and element.tag not in (W + "tc", W + "txbxContent"):
        element = element.getparent()
    return element is None or (element.tag == W + "tc" and _in_layout_grid(element))


def _in_layout_grid(cell: etree._Element) -> bool:
    table = cell.getparent()
    while table is not None and table.tag != W + "tbl":
        table = table.getparent()
    if table is None:
        return False
    rows = list(table.iter(W + "tr"))
    return len(rows) <= 4 and all(len(tr.findall(W + "tc")) <= 3 for tr in rows)


def _join_split_vni_marks(pieces: list[_Piece]) -> None:
    """Move VNI mark codes that open a piece onto the letter ending the previous VNI piece.

    Word splits runs where formatting changes, sometimes between a letter and
    its VNI mark ("Vie" | "ät"); the mark only means something next to its letter.
    """
    for before, after in zip(pieces, pieces[1:]):
        if before.encoding != "vni" or after.encoding != "vni":
            continue
        head, tail = before.element.text or "", after.element.text or ""
        n = len(tail) - len(tail.lstrip("".join(VNI_MARKS)))
        if n and head and head[-1].isalpha():
            before.element.text = head + tail[:n]
            after.element.text = tail[n:]


# --------------------------------------------------------------------------
# Fonts: which font a run is set in
# --------------------------------------------------------------------------
class _FontStyles:
    """Resolves a run's Latin font through Word's property hierarchy.

    Direct run formatting, then the run's character style (and its bases), then
    the paragraph style (and its bases), then the document defaults. For the
    8-bit codes legacy fonts use, Word draws with the ``w:hAnsi`` font; ``w:ascii``
    is the fallback when a level names only that.
    """

    def __init__(self, root: etree._Element | None):
        self.fonts: dict[str, dict[str, str]] = {}
        self.based_on: dict[str, str] = {}
        self.default_paragraph: str | None = None
        self.defaults: dict[str, str] = {}
        if root is None:
            return
        defaults = root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
        self.defaults = _font_attrs(defaults)
        for style in root.iter(W + "style"):
            sid = style.get(W + "styleId")
            if not sid:
                continue
            if style.get(W + "type") == "paragraph" and style.get(W + "default") in ("1", "true", "on"):
                self.default_paragraph = sid
            based = style.find(W + "basedOn")
            if based is not None and based.get(W + "val"):
                self.based_on[sid] = based.get(W + "val")
            self.fonts[sid] = _font_attrs(style.find(f"{W}rPr/{W}rFonts"))

    def run_font(self, run: etree._Element, paragraph_style: str | None) -> str | None:
        r_pr = run.find(W + "rPr")
        levels = [_font_attrs(r_pr.find(W + "rFonts")) if r_pr is not None else {}]
        char_style = r_pr.find(W + "rStyle") if r_pr is not None else None
        if char_style is not None:
            levels.extend(self._chain(char_style.get(W + "val")))
        levels.extend(self._chain(paragraph_style or self.default_paragraph))
        levels.append(self.defaults)
        for attr in ("hAnsi", "ascii"):
            for level in levels:
                if attr in level:
                    return level[attr]
        return None

    def _chain(self, style_id: str | None) -> list[dict[str, str]]:
        chain, seen = [], set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            chain.append(self.fonts.get(style_id, {}))
            style_id = self.based_on.get(style_id)
        return chain


def _font_attrs(r_fonts: etree._Element | None) -> dict[str, str]:
    if r_fonts is None:
        return {}
    return {attr: r_fonts.get(W + attr) for attr in ("ascii", "hAnsi") if r_fonts.get(W + attr)}
