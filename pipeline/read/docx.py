"""DOCX reader: the body of a Word file as Lines, in document order, on one Page.

Word files have no fixed pages, so everything lands on a single ``Page(number=1,
source="docx")``. What the reader does, and why:

* **Document order.** The body's children (``w:p`` paragraphs and ``w:tbl`` tables,
  also those wrapped in content controls) are walked in order, so a table stays
  between the paragraphs around it.
* **Visible text only.** Text in hyperlinks, smart tags, content controls and
  tracked insertions is kept; tracked deletions, field codes, hidden runs, page
  headers/footers and comments are not read. Soft line breaks and tabs become
  spaces; runs of whitespace collapse to one space (authors pad with spaces to
  push text onto the next line, as a PDF would not).
* **Notes and text boxes** float outside the body's flow, so they come after it,
  in the order Word itself keeps a document's stories: the footnotes, then the
  endnotes (each in the order of its first reference), then the text boxes (a
  shape's ``w:txbxContent``, read once though Word stores it twice, as
  DrawingML and as VML), in the order of their anchors. Inline, a diagram's
  labels or a long note would split the paragraph and the item they sit in.
* **Automatic numbering.** Word stores "1.", "a)", "-" of a list in
  ``numbering.xml``, not in the text. The reader replays Word's counters
  (:class:`_Numbering`) and puts the enumerator back in front of the text, so
  the segmenter sees what a reader of the printed page sees. Bullets print as
  the "-" and "+" of Vietnamese plans: a bullet under an open bullet of its own
  list (a deeper ilvl), or indented deeper than the "-" bullet before it in the
  same run of bullets (a sub-list made with a list of its own), prints "+".
* **Tables.** A data table gives one Line per row with ``cells`` (merged cells
  padded so every row has the grid's width) and ``row_spans`` (a cell merged
  down over several rows with ``w:vMerge`` shows its text once; the rows it
  covers get a 0). The borderless tables that lay out
  the header ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" beside the issuer) and the
  signature block ("Nơi nhận:" beside "TM. ỦY BAN NHÂN DÂN") are not data: their
  paragraphs come out as ordinary Lines, left column first.
* **Safety.** Parts are read straight from the ZIP with a size cap (zip bombs)
  and parsed with an lxml parser that neither expands entities nor touches the
  network; a part declaring a DTD is refused.

Every refusal is a :class:`ReadError` with a one-line reason.
"""
from __future__ import annotations

import posixpath
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from pipeline.errors import ReadError
from pipeline.model import Line, Page, RawDocument
from pipeline.read import read_head
from pipeline.repair.legacy_encodings import symbol_char

MAX_PART_BYTES = 200 * 1024 * 1024  # uncompressed size of any one ZIP member
MAX_COLUMNS = 63  # Word's limit on table columns
INDENT_STEP = 180  # twips (0.32 cm): a bullet whose text starts further right than this sits deeper

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = "{%s}" % W_NS
# "Strict" Open XML uses other namespace URIs for the same vocabulary.
STRICT_W_NS = b"http://purl.oclc.org/ooxml/wordprocessingml/main"
REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
MC_NS = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
MATH_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

# Run-level wrappers whose content is visible text.
_TRANSPARENT = {
    W + name
    for name in ("hyperlink", "smartTag", "sdt", "sdtContent", "ins", "moveTo", "customXml", "fldSimple", "dir", "bdo")
}
# Wrappers whose content is not (any longer) in the document.
_DROPPED = {W + name for name in ("del", "moveFrom", "pPr", "rPr", "sdtPr", "sdtEndPr", "customXmlPr", "smartTagPr")}

# Text in a small table that marks it as the header or signature layout.
_LAYOUT_MARKERS = ("CỘNG HÒA", "CỘNG HOÀ", "Độc lập", "Nơi nhận", "TM.", "KT.", "TL.", "TUQ.", "CHỦ TỊCH", "GIÁM ĐỐC")

_SPACES = re.compile(r"\s+")


# --------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------
def read_docx(path: Path) -> RawDocument:
    """Read a .docx file into one Page of Lines; raise ReadError when it cannot be read."""
    path = Path(path)
    with _open_package(path) as package:
        main_name = _main_part_name(package)
        document = _parse_part(package, main_name)
        related = _related_parts(package, main_name)
        styles = _Styles(_parse_part(package, related["styles"]) if "styles" in related else None)
        numbering_root = _parse_part(package, related["numbering"]) if "numbering" in related else None
        notes = _notes({kind: _parse_part(package, related[kind]) for kind in ("footnotes", "endnotes") if kind in related})
    body = document.find(W + "body")
    if body is None:
        raise ReadError(f"not a Word document: {main_name} has no body")
    reader = _BodyReader(_Numbering(numbering_root, styles), notes)
    reader.read_blocks(body)
    reader.read_floating()
    return RawDocument(pages=[Page(number=1, lines=reader.lines, source="docx")], format="docx", warnings=reader.warnings())


# --------------------------------------------------------------------------
# The package: ZIP, parts, safe XML
# --------------------------------------------------------------------------
def _open_package(path: Path) -> zipfile.ZipFile:
    head = read_head(path)
    if head.startswith(OLE2_MAGIC):
        raise ReadError(_ole2_reason(path))
    if not head.startswith(ZIP_MAGIC):
        raise ReadError(_not_zip_reason(head))
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
        raise ReadError(f"truncated or corrupt DOCX (the ZIP archive cannot be opened: {exc})") from exc


def _ole2_reason(path: Path) -> str:
    # A password-protected .docx is also an OLE2 container, holding an "EncryptedPackage" stream.
    with path.open("rb") as fh:
        data = fh.read(MAX_PART_BYTES)
    if "EncryptedPackage".encode("utf-16-le") in data:
        return "password-protected (encrypted) Word file: remove the password in Word and save again"
    return "legacy Word 97 (.doc) file: needs conversion with LibreOffice"


def _not_zip_reason(head: bytes) -> str:
    if head.startswith(b"%PDF-"):
        return "not a DOCX: the file is a PDF"
    if head.startswith(b"{\\rtf"):
        return "not a DOCX: the file is RTF (needs conversion with LibreOffice)"
    if head.lstrip().startswith((b"<", b"\xef\xbb\xbf<")):
        return "not a DOCX: the file is HTML or XML saved with a .docx name"
    return "not a DOCX: the file is not a ZIP package"


def _read_member(package: zipfile.ZipFile, name: str) -> bytes:
    info = package.getinfo(name)
    # The declared size is what zipfile will inflate to (it stops there), so checking
    # it before opening is enough to refuse a zip bomb without inflating it.
    if info.file_size > MAX_PART_BYTES:
        raise ReadError(f"refused: {name} would unpack to {info.file_size / 1e6:.0f} MB (limit {MAX_PART_BYTES / 1e6:.0f} MB)")
    try:
        with package.open(info) as member:
            return member.read(MAX_PART_BYTES + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise ReadError(f"truncated or corrupt DOCX: cannot unpack {name} ({exc})") from exc


_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True
)


def _parse_part(package: zipfile.ZipFile, name: str) -> etree._Element:
    data = _read_member(package, name)
    # Strict Open XML differs from the usual ("transitional") flavour mainly by namespace.
    data = data.replace(STRICT_W_NS, W_NS.encode())
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise ReadError(f"corrupt DOCX: {name} is not well-formed XML ({exc})") from exc
    if root.getroottree().docinfo.doctype:
        raise ReadError(f"refused: {name} declares a DTD, which Word never writes")
    return root


def _main_part_name(package: zipfile.ZipFile) -> str:
    names = set(package.namelist())
    target = None
    if "_rels/.rels" in names:
        rels = _parse_part(package, "_rels/.rels")
        for rel in rels.iter(REL_NS + "Relationship"):
            if rel.get("Type", "").endswith("/officeDocument"):
                target = rel.get("Target", "").lstrip("/")
                break
    for candidate in (target, "word/document.xml"):
        if candidate and candidate in names:
            return candidate
    raise ReadError(_missing_document_reason(package, names))


def _missing_document_reason(package: zipfile.ZipFile, names: set[str]) -> str:
    if "xl/workbook.xml" in names:
        return "not a Word document: the file is an Excel workbook (.xlsx)"
    if "ppt/presentation.xml" in names:
        return "not a Word document: the file is a PowerPoint presentation (.pptx)"
    if "mimetype" in names and b"opendocument" in _read_member(package, "mimetype"):
        return "not a DOCX: the file is an OpenDocument file (.odt); needs conversion with LibreOffice"
    return "not a Word document: the ZIP has no word/document.xml"


_RELATED_KINDS = ("styles", "numbering", "footnotes", "endnotes")


def _related_parts(package: zipfile.ZipFile, main_name: str) -> dict[str, str]:
    """Map "styles" / "numbering" / "footnotes" / "endnotes" to the part names the main part points to."""
    folder, base = posixpath.split(main_name)
    rels_name = posixpath.join(folder, "_rels", base + ".rels")
    names = set(package.namelist())
    found: dict[str, str] = {}
    if rels_name in names:
        for rel in _parse_part(package, rels_name).iter(REL_NS + "Relationship"):
            kind = rel.get("Type", "").rsplit("/", 1)[-1]
            target = rel.get("Target", "")
            if kind in _RELATED_KINDS and rel.get("TargetMode") != "External":
                name = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
                if name in names:
                    found[kind] = name
    for kind in _RELATED_KINDS:  # packages without relationships: Word's default names
        if kind not in found and posixpath.join(folder, kind + ".xml") in names:
            found[kind] = posixpath.join(folder, kind + ".xml")
    return found


def _val(el: etree._Element | None, default: str | None = None) -> str | None:
    return default if el is None else el.get(W + "val", default)


def _int(value: str | None, default):
    """An integer attribute, or ``default`` when absent or garbled (files from other tools vary)."""
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _is_on(el: etree._Element | None) -> bool:
    """An on/off property: present and not switched off."""
    return el is not None and _val(el, "true") not in ("false", "0", "off")


# --------------------------------------------------------------------------
# Styles: where a paragraph style's list numbering comes from
# --------------------------------------------------------------------------
class _Styles:
    def __init__(self, root: etree._Element | None):
        self.num_pr: dict[str, tuple[str | None, int | None]] = {}
        self.based_on: dict[str, str] = {}
        self.default_paragraph: str | None = None
        if root is None:
            return
        for style in root.iter(W + "style"):
            if style.get(W + "type") != "paragraph":
                continue
            sid = style.get(W + "styleId")
            if style.get(W + "default") in ("1", "true", "on"):
                self.default_paragraph = sid
            parent = _val(style.find(W + "basedOn"))
            if parent:
                self.based_on[sid] = parent
            num_pr = style.find(f"{W}pPr/{W}numPr")
            if num_pr is not None:
                ilvl = _val(num_pr.find(W + "ilvl"))
                self.num_pr[sid] = (_val(num_pr.find(W + "numId")), _int(ilvl, None))

    def numbering_of(self, style_id: str | None) -> tuple[str | None, int | None, str | None]:
        """(numId, ilvl, the style that carries it), following basedOn; Nones when unnumbered."""
        seen = set()
        sid = style_id or self.default_paragraph
        while sid and sid not in seen:
            seen.add(sid)
            if sid in self.num_pr:
                num_id, ilvl = self.num_pr[sid]
                return num_id, ilvl, sid
            sid = self.based_on.get(sid)
        return None, None, None


# --------------------------------------------------------------------------
# Numbering: replaying Word's list counters
# --------------------------------------------------------------------------
@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str | None = None  # w:lvlText, e.g. "%1.", "%2)"; None: no enumerator shown
    restart: int | None = None  # w:lvlRestart; None: restart whenever a higher level advances
    legal: bool = False  # w:isLgl: show every level's number as decimal
    style: str | None = None  # w:pStyle: the paragraph style bound to this level
    indent: int | None = None  # w:pPr/w:ind left (twips): where the level's text starts


def _parse_level(lvl: etree._Element) -> _Level:
    text_el = lvl.find(W + "lvlText")
    return _Level(
        start=_int(_val(lvl.find(W + "start")), 1),
        fmt=_val(lvl.find(W + "numFmt"), "decimal"),
        text=None if text_el is None else text_el.get(W + "val", ""),
        restart=_int(_val(lvl.find(W + "lvlRestart")), None),
        legal=_is_on(lvl.find(W + "isLgl")),
        style=_val(lvl.find(W + "pStyle")),
        indent=_left_indent(lvl),
    )


def _left_indent(el: etree._Element | None) -> int | None:
    """The left indentation (twips) a w:pPr/w:ind under ``el`` gives, if any (w:start in newer files)."""
    ind = el.find(f"{W}pPr/{W}ind") if el is not None else None
    if ind is None:
        return None
    return _int(ind.get(W + "left"), None) if ind.get(W + "left") is not None else _int(ind.get(W + "start"), None)


@dataclass
class _Num:
    abstract_id: str
    start_overrides: dict[int, int] = field(default_factory=dict)
    level_overrides: dict[int, _Level] = field(default_factory=dict)


class _Numbering:
    """Word's list numbering, replayed paragraph by paragraph in document order.

    Counts live on the *abstract* list definition, not on each ``w:num``: several
    numIds over one abstractNum continue a single sequence (that is how Word
    continues a list after an interruption). A ``w:startOverride`` restarts the
    shared count at its value the first time its numId is used at that level.
    """

    def __init__(self, root: etree._Element | None, styles: _Styles):
        self.styles = styles
        self.abstracts: dict[str, dict[int, _Level]] = {}
        self.style_links: dict[str, str] = {}  # abstractNum -> style whose numbering it uses
        self.nums: dict[str, _Num] = {}
        self.counts: dict[str, dict[int, int]] = {}  # abstractNum -> level -> last number shown
        self.overrides_used: set[tuple[str, int]] = set()
        self.missing: set[str] = set()
        # the left indents of the automatic "-" bullets open in the current run of bullet paragraphs
        self.run_indents: list[int] = []
        if root is None:
            return
        for abstract in root.iter(W + "abstractNum"):
            aid = abstract.get(W + "abstractNumId")
            self.abstracts[aid] = {_int(lvl.get(W + "ilvl"), 0): _parse_level(lvl) for lvl in abstract.findall(W + "lvl")}
            link = _val(abstract.find(W + "numStyleLink"))
            if link:
                self.style_links[aid] = link
        for num in root.iter(W + "num"):
            entry = _Num(abstract_id=_val(num.find(W + "abstractNumId"), ""))
            for override in num.findall(W + "lvlOverride"):
                ilvl = _int(override.get(W + "ilvl"), 0)
                start = _int(_val(override.find(W + "startOverride")), None)
                if start is not None:
                    entry.start_overrides[ilvl] = start
                lvl = override.find(W + "lvl")
                if lvl is not None:
                    entry.level_overrides[ilvl] = _parse_level(lvl)
            self.nums[num.get(W + "numId")] = entry

    def enumerator(self, p: etree._Element) -> str | None:
        """Advance the counters for paragraph ``p`` and return its visible enumerator, if any."""
        num_id, ilvl = self._num_pr(p)
        if num_id is None or num_id == "0" or num_id not in self.nums:
            if num_id not in (None, "0"):
                self.missing.add(num_id)
            return None
        num = self.nums[num_id]
        abstract_id = self._resolve_abstract(num.abstract_id)
        levels = self._levels(abstract_id, num)
        if ilvl not in levels:
            return None
        counts = self.counts.setdefault(abstract_id, {})
        if num.start_overrides.get(ilvl) is not None and (num_id, ilvl) not in self.overrides_used:
            self.overrides_used.add((num_id, ilvl))
            counts[ilvl] = num.start_overrides[ilvl]
        elif ilvl in counts:
            counts[ilvl] += 1
        else:
            counts[ilvl] = self._start(levels, num, ilvl)
        self._restart_deeper(counts, levels, ilvl)
        depth = self._bullet_depth(levels, counts, ilvl)
        if levels[ilvl].fmt == "bullet" and levels[ilvl].text:
            depth = max(depth, self._indent_depth(p, levels[ilvl], depth))
        return _render(levels, counts, ilvl, lambda lvl: self._start(levels, num, lvl), depth)

    def end_bullet_run(self) -> None:
        """A paragraph that is no bullet ends the run in which indentation compares bullets."""
        self.run_indents.clear()

    def _indent_depth(self, p: etree._Element, level: _Level, depth: int) -> int:
        """1 when this bullet is indented deeper than a "-" bullet open in the current run (a sub-list
        made with a list of its own, at its level 0), else 0. A "-" bullet is remembered for those after it."""
        own = _left_indent(p)
        indent = own if own is not None else level.indent
        if indent is None:
            return 0
        if any(open_ < indent - INDENT_STEP for open_ in self.run_indents):
            return 1
        if depth == 0 and level.text.strip() not in ("+", "\uf02b"):
            while self.run_indents and self.run_indents[-1] >= indent - INDENT_STEP:
                self.run_indents.pop()
            self.run_indents.append(indent)
        return 0

    @staticmethod
    def _bullet_depth(levels: dict[int, _Level], counts: dict[int, int], ilvl: int) -> int:
        """How many bullet levels of the same list are open above ``ilvl`` (shown since a level above them advanced)."""
        return sum(1 for lvl in counts if lvl < ilvl and lvl in levels and levels[lvl].fmt == "bullet" and levels[lvl].text)

    def _num_pr(self, p: etree._Element) -> tuple[str | None, int]:
        """numId and ilvl from the paragraph, falling back to its style (and the style's bases)."""
        ppr = p.find(W + "pPr")
        style_id = _val(ppr.find(W + "pStyle")) if ppr is not None else None
        num_pr = ppr.find(W + "numPr") if ppr is not None else None
        num_id = ilvl = None
        if num_pr is not None:
            num_id = _val(num_pr.find(W + "numId"))
            ilvl = _int(_val(num_pr.find(W + "ilvl")), None)
        if num_id is None or ilvl is None:
            style_num, style_ilvl, carrier = self.styles.numbering_of(style_id)
            num_id = num_id if num_id is not None else style_num
            if ilvl is None:
                ilvl = style_ilvl if style_ilvl is not None else self._level_bound_to(num_id, carrier)
        return num_id, ilvl or 0

    def _level_bound_to(self, num_id: str | None, style_id: str | None) -> int | None:
        # A heading style numbered through a multi-level list names its level with w:pStyle.
        if num_id not in self.nums or style_id is None:
            return None
        levels = self.abstracts.get(self._resolve_abstract(self.nums[num_id].abstract_id), {})
        return next((i for i, lvl in levels.items() if lvl.style == style_id), None)

    def _resolve_abstract(self, abstract_id: str) -> str:
        # An abstractNum with numStyleLink borrows its levels from a numbering style's list.
        link = self.style_links.get(abstract_id)
        if link and not self.abstracts.get(abstract_id):
            num_id, _, _ = self.styles.numbering_of(link)
            if num_id in self.nums:
                return self.nums[num_id].abstract_id
        return abstract_id

    def _levels(self, abstract_id: str, num: _Num) -> dict[int, _Level]:
        levels = dict(self.abstracts.get(abstract_id, {}))
        levels.update(num.level_overrides)
        return levels

    @staticmethod
    def _start(levels: dict[int, _Level], num: _Num, ilvl: int) -> int:
        if ilvl in num.start_overrides:
            return num.start_overrides[ilvl]
        return levels[ilvl].start if ilvl in levels else 1

    @staticmethod
    def _restart_deeper(counts: dict[int, int], levels: dict[int, _Level], ilvl: int) -> None:
        # A deeper level starts again after this one advances, unless its lvlRestart
        # says it restarts only after a level above this one (or never: 0).
        for deeper in [lvl for lvl in counts if lvl > ilvl]:
            restart = levels[deeper].restart if deeper in levels else None
            if restart is None or (restart != 0 and ilvl < restart):
                del counts[deeper]


def _render(levels: dict[int, _Level], counts: dict[int, int], ilvl: int, start_of, bullet_depth: int = 0) -> str | None:
    level = levels[ilvl]
    if level.text is None:
        return None
    if level.fmt == "bullet":
        return _bullet(level.text, bullet_depth)

    def number(match: re.Match) -> str:
        ref = int(match.group(1)) - 1
        value = counts.get(ref, start_of(ref))
        fmt = levels[ref].fmt if ref in levels else "decimal"
        return _format_number(value, "decimal" if level.legal and fmt != "none" else fmt)

    return re.sub(r"%([1-9])", number, level.text).strip() or None


def _format_number(value: int, fmt: str) -> str:
    if fmt == "none":
        return ""
    if fmt == "decimalZero":
        return f"{value:02d}"
    if fmt in ("lowerLetter", "upperLetter"):
        # Word goes a..z, then aa..zz, aaa..: no "đ", as Word prints it.
        letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1) if value > 0 else str(value)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman"):
        roman = _roman(value)
        return roman.lower() if fmt == "lowerRoman" else roman
    if fmt == "decimalEnclosedParen":
        return f"({value})"
    if fmt == "decimalEnclosedFullstop":
        return f"{value}."
    return str(value)  # decimal, and formats (ordinal, Chinese, ...) Vietnamese plans do not use


_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
          (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def _roman(value: int) -> str:
    if not 0 < value < 4000:
        return str(value)
    out = []
    for amount, numeral in _ROMAN:
        count, value = divmod(value, amount)
        out.append(numeral * count)
    return "".join(out)


def _bullet(glyph: str, depth: int = 0) -> str | None:
    """A bullet as Vietnamese plans print their enumerators: "+" for a plus sign, else "-".

    Symbol and Wingdings bullets are private-use characters (U+F0B7 ...) that mean
    nothing outside their font; the dot, square, arrow and dash bullets all play the
    role a typed "-" plays in these documents. A list bullet ``depth`` levels under
    an open bullet of its own list (Word's "o" under "•") is a sub-bullet, which these
    documents print "+": the list level, not the glyph, says it is deeper.
    """
    glyph = glyph.strip()
    if not glyph:
        return None
    code = ord(glyph[0])
    if 0xF000 <= code <= 0xF0FF:  # a symbol-font glyph: its low byte is the ASCII it replaces
        glyph = chr(code - 0xF000)
    return "+" if glyph[0] in "+＋✚" or depth > 0 else "-"


# --------------------------------------------------------------------------
# Text of a paragraph
# --------------------------------------------------------------------------
BREAK = "\n"  # marks a soft line break in raw paragraph text


def _raw_text(el: etree._Element, out: list[str], counts: dict[str, int]) -> None:
    """Append the visible text under ``el`` to ``out``; soft breaks as BREAK, tabs as "\\t"."""
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or tag in _DROPPED:
            continue
        if tag == W + "r":
            _run_text(child, out, counts)
        elif tag in _TRANSPARENT:
            _raw_text(child, out, counts)
        elif tag == MATH_NS + "oMath" or tag == MATH_NS + "oMathPara":
            out.append("".join(t.text or "" for t in child.iter(MATH_NS + "t")))
        elif tag == MC_NS + "AlternateContent":
            _note_text_box(child, counts)


def _run_text(run: etree._Element, out: list[str], counts: dict[str, int]) -> None:
    if _is_on(run.find(f"{W}rPr/{W}vanish")):
        return  # hidden text is not printed
    for child in run:
        tag = child.tag
        if tag == W + "t":
            out.append(child.text or "")
        elif tag == W + "tab" or tag == W + "ptab":
            out.append("\t")
        elif tag in (W + "br", W + "cr"):
            out.append(BREAK)
        elif tag == W + "noBreakHyphen":
            out.append("-")
        elif tag == W + "sym":
            out.append(_symbol(child.get(W + "char", ""), child.get(W + "font")))
        elif tag in (W + "drawing", W + "pict", W + "object", MC_NS + "AlternateContent"):
            _note_text_box(child, counts)
        elif tag == W + "footnoteReference" or tag == W + "endnoteReference":
            counts["notes"] += 1
        # w:instrText (field codes), w:delText, w:softHyphen, w:fldChar: nothing printed


_BULLET_GLYPHS = set("•▪●■◆❖❑◻➢✓☑·◦")
_TYPED_BULLET_RE = re.compile(r"^[-+*•–−]\s")  # a bullet paragraph, its enumerator automatic or typed


def _symbol(hex_code: str, font: str | None = None) -> str:
    """A w:sym character (a glyph picked from a symbol font).

    Characters of their own ("≥", "α", "→" from Symbol) are kept as Unicode;
    typed bullets become "-" or "+", as list bullets do.
    """
    try:
        code = int(hex_code, 16)
    except ValueError:
        return ""
    char = symbol_char(code, font)
    if char is not None and char not in _BULLET_GLYPHS and char.strip():
        return char
    return _bullet(chr(code)) or ""


def _note_text_box(shape: etree._Element, counts: dict[str, int]) -> None:
    """Count a drawing that holds text (a text box): its text floats outside the body and is not read.

    Lines and pictures are not counted: they carry no text. A shape written twice
    (mc:Choice and its VML mc:Fallback) counts once.
    """
    box = next(shape.iter(W + "txbxContent"), None)
    if box is not None and "".join(t.text or "" for t in box.iter(W + "t")).strip():
        counts["text_boxes"] += 1


_SHAPES = {W + "drawing", W + "pict", W + "object", MC_NS + "AlternateContent"}
_NOTE_REFERENCES = {W + "footnoteReference": "footnote", W + "endnoteReference": "endnote"}


def _floating(container: etree._Element) -> list[tuple[str, object]]:
    """What floats off ``container``'s text, in document order: ("box", [w:txbxContent ...]) per
    shape holding text boxes, ("footnote" | "endnote", id) per note reference.

    Shapes are not entered: a box inside a box is read with the outer box's
    paragraphs. Deleted and hidden content anchors nothing.
    """
    out: list[tuple[str, object]] = []

    def walk(el: etree._Element) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in _DROPPED:
                continue
            if tag == W + "r" and _is_on(child.find(f"{W}rPr/{W}vanish")):
                continue
            if tag in _SHAPES:
                boxes = _shape_boxes(child)
                if boxes:
                    out.append(("box", boxes))
            elif tag in _NOTE_REFERENCES:
                out.append((_NOTE_REFERENCES[tag], child.get(W + "id", "")))
            else:
                walk(child)

    walk(container)
    return out


def _shape_boxes(shape: etree._Element) -> list[etree._Element]:
    """The outermost text boxes of a shape; of an mc:AlternateContent, those of its first branch that has any."""
    if shape.tag == MC_NS + "AlternateContent":
        for branch in shape:
            if branch.tag in (MC_NS + "Choice", MC_NS + "Fallback"):
                boxes = _shape_boxes_in(branch)
                if boxes:
                    return boxes
        return []
    return _shape_boxes_in(shape)


def _shape_boxes_in(el: etree._Element) -> list[etree._Element]:
    out: list[etree._Element] = []
    for child in el:
        if child.tag == W + "txbxContent":
            out.append(child)
        elif child.tag == MC_NS + "AlternateContent":
            out.extend(_shape_boxes(child))  # a group's member drawn twice: once
        elif isinstance(child.tag, str):
            out.extend(_shape_boxes_in(child))
    return out


def _notes(parts: dict[str, etree._Element]) -> dict[tuple[str, str], etree._Element]:
    """(kind, id) -> the w:footnote / w:endnote element, separators left out."""
    notes: dict[tuple[str, str], etree._Element] = {}
    for kind, root in parts.items():
        tag = W + kind[:-1]  # "footnotes" -> w:footnote
        for note in root.iter(tag):
            if note.get(W + "type") in (None, "normal"):
                notes[(kind[:-1], note.get(W + "id", ""))] = note
    return notes


def _clean(text: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


# --------------------------------------------------------------------------
# Walking the body
# --------------------------------------------------------------------------
@dataclass
class _Cell:
    element: etree._Element
    column: int  # grid column where the cell starts
    span: int  # grid columns it covers
    continues_merge: bool  # a w:vMerge continuation: its text is in the cell above


class _BodyReader:
    """Turns the body's blocks into Lines, keeping the numbering state and what it had to skip."""

    def __init__(self, numbering: _Numbering, notes: dict[tuple[str, str], etree._Element] | None = None):
        self.numbering = numbering
        self.notes = notes or {}
        self.floating: list[tuple[str, object]] = []  # notes and text boxes met, read after the body
        self.lines: list[Line] = []
        self.tables = 0
        self.counts = {"text_boxes": 0, "notes": 0, "deleted_rows": 0, "alt_chunks": 0, "text_boxes_read": 0, "notes_read": 0}

    # -- blocks -----------------------------------------------------------
    def read_blocks(self, container: etree._Element) -> None:
        for block in _blocks(container, self.counts):
            if block.tag == W + "p":
                self._emit_paragraph(block)
            else:
                self._emit_table(block)

    def _emit_paragraph(self, p: etree._Element, split_breaks: bool = False) -> None:
        pieces = self.paragraph_text(p, split_breaks)
        self.lines.extend(Line(text=piece) for piece in pieces if piece)
        self._emit_floating(p)

    def _emit_floating(self, container: etree._Element) -> None:
        """Remember the notes and text boxes anchored in ``container``: :meth:`read_floating` reads them."""
        self.floating.extend(_floating(container))

    def read_floating(self) -> None:
        """After the body: footnotes, endnotes, then text boxes; what they anchor in turn comes next."""
        done: set[tuple[str, object]] = set()
        while self.floating:
            batch, self.floating = self.floating, []
            for wanted in ("footnote", "endnote", "box"):
                for kind, content in batch:
                    if kind != wanted:
                        continue
                    if kind == "box":
                        if any((t.text or "").strip() for box in content for t in box.iter(W + "t")):
                            self.counts["text_boxes_read"] += 1
                        for box in content:
                            self.read_blocks(box)
                    elif (kind, content) in self.notes and (kind, content) not in done:
                        done.add((kind, content))
                        self.counts["notes_read"] += 1
                        self.read_blocks(self.notes[(kind, content)])

    def paragraph_text(self, p: etree._Element, split_breaks: bool = False, bare_enumerator: bool = False) -> list[str]:
        """The paragraph's visible text with its enumerator; one string per visual line when split_breaks.

        An empty numbered paragraph still advances its list. Its lone enumerator is
        kept only when ``bare_enumerator`` (a table's "TT" column numbered by Word);
        in running text an empty list item carries nothing.
        """
        enumerator = self.numbering.enumerator(p)
        out: list[str] = []
        _raw_text(p, out, self.counts)
        raw = "".join(out).replace("\t", " ")
        pieces = [_clean(piece) for piece in raw.split(BREAK)] if split_breaks else [_clean(raw.replace(BREAK, " "))]
        pieces = [piece for piece in pieces if piece]
        if enumerator and pieces:
            pieces[0] = f"{enumerator} {pieces[0]}"
        elif enumerator and bare_enumerator:
            pieces = [enumerator]
        if pieces and not _TYPED_BULLET_RE.match(pieces[0]):
            self.numbering.end_bullet_run()
        return pieces

    # -- tables -------------------------------------------------------------
    def _emit_table(self, tbl: etree._Element) -> None:
        rows = self._rows(tbl)
        if _is_layout(tbl, rows) or _is_single_cell(rows):
            self._emit_layout(rows)
            return
        self.tables += 1
        width = _grid_width(tbl, rows)
        kept = [(tr, cells, texts) for tr, cells in rows if any(texts := self._row_texts(cells, width))]
        # (blank form rows carry nothing)
        spans = _row_spans([cells for _, cells, _ in kept], width)
        for k, (tr, cells, texts) in enumerate(kept):
            header = k == 0 or _is_on(tr.find(f"{W}trPr/{W}tblHeader"))
            self.lines.append(Line(text="\t".join(texts), cells=texts, table=self.tables, header_row=header,
                                   row_spans=spans[k]))
        self._emit_floating(tbl)  # the notes and text boxes of its cells

    def _rows(self, tbl: etree._Element) -> list[tuple[etree._Element, list[_Cell]]]:
        rows = []
        for tr in _table_rows(tbl):
            if tr.find(f"{W}trPr/{W}del") is not None:
                self.counts["deleted_rows"] += 1
                continue
            rows.append((tr, _row_cells(tr)))
        return rows

    def _row_texts(self, cells: list[_Cell], width: int) -> list[str]:
        texts: list[str] = []
        for cell in cells:
            texts.extend([""] * (cell.column - len(texts)))  # w:gridBefore, or a gap
            # A vertical-merge continuation shows nothing: the text is in the merge's first cell.
            texts.append("" if cell.continues_merge else self.cell_text(cell.element))
            texts.extend([""] * (cell.span - 1))
        texts.extend([""] * (width - len(texts)))
        return texts

    def cell_text(self, tc: etree._Element) -> str:
        """A cell's paragraphs joined by spaces; nested tables flattened into the same text."""
        parts: list[str] = []
        for block in _blocks(tc, self.counts):
            if block.tag == W + "p":
                parts.extend(self.paragraph_text(block, bare_enumerator=True))
            else:
                for _, cells in self._rows(block):
                    parts.extend(self.cell_text(cell.element) for cell in cells if not cell.continues_merge)
        return " ".join(part for part in parts if part)

    def _emit_layout(self, rows: list[tuple[etree._Element, list[_Cell]]]) -> None:
        """Header / signature tables: every paragraph its own Line, left column first, top to bottom."""
        columns = sorted({cell.column for _, cells in rows for cell in cells})
        for column in columns:
            for _, cells in rows:
                for cell in cells:
                    if cell.column == column and not cell.continues_merge:
                        self._emit_cell_paragraphs(cell.element)

    def _emit_cell_paragraphs(self, container: etree._Element) -> None:
        for block in _blocks(container, self.counts):
            if block.tag == W + "p":
                # A signature block breaks "KT. CHỦ TỊCH" / "PHÓ CHỦ TỊCH" with soft breaks:
                # each printed line is its own Line, as it would be in a PDF.
                self._emit_paragraph(block, split_breaks=True)
            else:
                for _, cells in self._rows(block):
                    for cell in cells:
                        if not cell.continues_merge:
                            self._emit_cell_paragraphs(cell.element)

    # -- warnings -------------------------------------------------------------
    def warnings(self) -> list[str]:
        notes = []
        unread_boxes = self.counts["text_boxes"] - self.counts["text_boxes_read"]
        unread_notes = self.counts["notes"] - self.counts["notes_read"]
        if unread_boxes > 0:
            notes.append(f"{unread_boxes} text box(es) not read")
        if unread_notes > 0:
            notes.append(f"{unread_notes} footnote/endnote reference(s): note text not found")
        if self.counts["deleted_rows"]:
            notes.append(f"{self.counts['deleted_rows']} table row(s) deleted in tracked changes skipped")
        if self.counts["alt_chunks"]:
            notes.append(f"{self.counts['alt_chunks']} embedded document(s) (altChunk) not read")
        if self.numbering.missing:
            notes.append(f"numbering definition(s) missing for numId {', '.join(sorted(self.numbering.missing))}")
        return notes


def _blocks(container: etree._Element, counts: dict[str, int]):
    """Paragraphs and tables under a body, cell or content control, in document order."""
    for child in container:
        tag = child.tag
        if tag in (W + "p", W + "tbl"):
            yield child
        elif tag in (W + "sdt", W + "sdtContent", W + "customXml", W + "ins", W + "moveTo"):
            yield from _blocks(child, counts)
        elif tag == W + "altChunk":
            counts["alt_chunks"] += 1
        # w:del / w:moveFrom (removed blocks), w:sectPr, bookmarks: nothing to read


def _table_rows(tbl: etree._Element):
    for child in tbl:
        if child.tag == W + "tr":
            yield child
        elif child.tag in (W + "sdt", W + "sdtContent", W + "customXml", W + "ins"):
            yield from _table_rows(child)


def _row_cells(tr: etree._Element) -> list[_Cell]:
    # Word allows at most 63 columns; clamping keeps a forged gridSpan from padding rows without end.
    column = min(max(_int(_val(tr.find(f"{W}trPr/{W}gridBefore")), 0), 0), MAX_COLUMNS)
    cells = []
    for tc in _cells_of(tr):
        tc_pr = tc.find(W + "tcPr")
        span = _int(_val(tc_pr.find(W + "gridSpan")), 1) if tc_pr is not None else 1
        span = min(max(span, 1), MAX_COLUMNS)
        v_merge = tc_pr.find(W + "vMerge") if tc_pr is not None else None
        continues = v_merge is not None and _val(v_merge, "continue") == "continue"
        cells.append(_Cell(element=tc, column=column, span=span, continues_merge=continues))
        column += span
    return cells


def _row_spans(rows: list[list[_Cell]], width: int) -> list[list[int]]:
    """Per row and grid column: how many rows the cell there spans downwards (w:vMerge restart and the
    continuations below it), or 0 for a continuation, whose text is in the cell above (Line.row_spans)."""
    out: list[list[int]] = [[] for _ in rows]
    below: dict[int, int] = {}  # column -> continuation cells running down from the row below
    for k in range(len(rows) - 1, -1, -1):
        spans, runs = [1] * width, {}
        for cell in rows[k]:
            value = 0 if cell.continues_merge else 1 + below.get(cell.column, 0)
            for column in range(cell.column, min(cell.column + cell.span, width)):
                spans[column] = value
            runs[cell.column] = 1 + below.get(cell.column, 0) if cell.continues_merge else 0
        below = runs
        out[k] = spans
    return out


def _cells_of(tr: etree._Element):
    for child in tr:
        if child.tag == W + "tc":
            yield child
        elif child.tag in (W + "sdt", W + "sdtContent", W + "customXml"):
            yield from _cells_of(child)


def _grid_width(tbl: etree._Element, rows) -> int:
    grid = len(tbl.findall(f"{W}tblGrid/{W}gridCol"))
    used = max((cells[-1].column + cells[-1].span for _, cells in rows if cells), default=0)
    return max(grid, used)


def _plain_text(el: etree._Element) -> str:
    out: list[str] = []
    for p in el.iter(W + "p"):
        _raw_text(p, out, {"text_boxes": 0, "notes": 0})
        out.append(" ")
    return _clean("".join(out))


def _is_layout(tbl: etree._Element, rows) -> bool:
    """A header or signature table: at most 4 rows with text, 2-3 columns, and the words that mark one."""
    filled = [row for row in rows if _plain_text(row[0]).strip()]
    if not filled or len(filled) > 4:
        return False
    width = _grid_width(tbl, rows)
    if not 2 <= width <= 3 and not 2 <= max(len(cells) for _, cells in rows) <= 3:
        return False
    text = _plain_text(tbl)
    return any(marker in text for marker in _LAYOUT_MARKERS)


def _is_single_cell(rows) -> bool:
    # A one-cell table is a frame drawn around ordinary text (a boxed note), not data.
    return len(rows) == 1 and len(rows[0][1]) == 1 and rows[0][1][0].span == 1
