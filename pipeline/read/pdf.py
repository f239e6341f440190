"""Read a text-layer PDF into the reading model (pages of paragraph Lines).

Algorithm, per page:

1. **Characters.** pdfplumber's characters, with the duplicate characters some
   producers print to fake bold removed (``dedupe_chars``). Text drawn inside
   visible form-field / signature widgets is added: Vietnamese e-signing tools
   stamp the document number and date into signature widgets, so without them
   "Số: 2170/QĐ-UBND" reads "Số: /QĐ-UBND".
2. **Tables.** ``page.find_tables()`` finds ruled tables. A table is kept as a
   *data table* when it has at least two columns and is not the borderless
   layout grid of the header ("CỘNG HÒA ...") or the signature ("Nơi nhận").
   Characters inside a data table are cut out of the page text; each table row
   becomes one Line with ``cells`` and ``row_spans`` (a cell merged over several
   rows gives its text once, in its first row, and the rows it covers a 0).
3. **Rows.** The remaining characters are grouped into words and the words
   into visual rows (words whose tops agree).
4. **Running headers and footers** (whole document): rows in the top or
   bottom margin that are page numbers ("2", "- 2 -", "Trang 2", "2/9") or that
   repeat at the same place on most pages are dropped.
5. **Two-column blocks.** A row with a wide horizontal gap opens a block; the
   following rows belong to it while none of their words crosses the gap (the
   *gutter*) and the vertical spacing stays small. A block is read left column
   first, then right column: the header (issuer / Quốc hiệu, "Số:" / date) and
   the signature (Nơi nhận / signer) come out as two blocks, not interleaved.
6. **Paragraphs.** Within one column flow, consecutive rows are joined into
   one Line unless a new paragraph starts: a larger vertical gap, a font-size
   change, an enumerator ("Điều 3.", "1.", "a)", "-" ...), an opener ("Căn cứ",
   "Kính gửi" ...), an all-caps heading, a first-line indent, or a sentence end
   (". : ;") followed by an uppercase letter — except, in a flow whose
   paragraphs start indented, a row back at the left margin under a full row,
   which goes on with its paragraph. A row starting in lowercase continues
   the sentence. Hyphenated line ends are repaired.
7. **Reading order.** Text and table rows are merged by vertical position.
   Each page's piece of a table gets a table number of its own, its first row
   marked ``header_row``: which pieces are one table continued over pages, and
   which of those first rows repeat the header, is decided for every reader
   alike by ``pipeline/segment/tables.py``.

Refusals: ``ReadError`` for empty, non-PDF, truncated/corrupt, password
protected or page-less files; ``NeedsOCR`` when the text layer is missing or
unusable, judged by :func:`text_layer_quality` (share of words that look like
Vietnamese syllables).
"""
from __future__ import annotations

import math
import os
import re
import statistics
import unicodedata
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import groupby
from operator import itemgetter, methodcaller
from pathlib import Path

import numpy as np
import pdfplumber
from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LTChar, LTContainer
from pdfminer.pdfinterp import PDFPageInterpreter
from pdfminer.pdftypes import PDFStream, resolve1
from pdfplumber.utils import extract_text
from pdfplumber.utils.exceptions import PdfminerException

from pipeline.errors import NeedsOCR, ReadError
from pipeline.lexicon import ascii_fold
from pipeline.model import Line, Page, RawDocument
from pipeline.read.words import CharArrays, extract_words
from pipeline.repair.glyph_map import repair_glyph_maps
from pipeline.repair.legacy_encodings import (
    ENCODINGS,
    VNI_LETTERS,
    detect_legacy_encoding,
    encoding_for_font,
    has_unicode_vietnamese,
    legacy_codes,
    vni_combine,
    convert_legacy,
)

# A document whose share of Vietnamese-looking words is below this is refused.
MIN_QUALITY = 0.6
# A page is a scan when images cover at least this share of it and its text layer
# (the boxes of its rows) covers less than SCAN_TEXT_COVER of it, or reads badly:
# the small text layer a digital signature adds to a scanned page is not the page's text.
SCAN_IMAGE_COVER = 0.5
SCAN_TEXT_COVER = 0.08
# Rows in the top/bottom MARGIN share of the page may be running headers/footers.
MARGIN = 0.1
# A horizontal gap at least this many font sizes wide may be a column gutter.
GUTTER_MIN_SIZES = 2.5
# ... and at least this many times the row's median word gap (see _widest_gap).
GUTTER_GAP_RATIO = 3.0


# --------------------------------------------------------------------------
# Text-layer quality
# --------------------------------------------------------------------------
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền sắc ngã hỏi nặng
_SYLLABLE = re.compile(
    r"^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?"
    r"[aăâeêioôơuưy]{1,3}"
    r"(ng|nh|ch|[cmnpt])?$"
)
_CID = re.compile(r"\(cid:\d+\)")
_TOKEN_SPLIT = re.compile(r"[\s/\\\-–—.,;:()\[\]{}\"'“”‘’!?…%+*=<>|&#@_]+")
_ACRONYM = re.compile(r"^[A-ZĐ0-9]+$")  # UBND, QĐ, TT, QH15: codes, not syllables


def _strip_tones(word: str) -> tuple[str, int]:
    """The word without tone marks (vowel marks kept) and how many tones it had."""
    decomposed = unicodedata.normalize("NFD", word)
    tones = sum(1 for ch in decomposed if ch in _TONES)
    bare = "".join(ch for ch in decomposed if ch not in _TONES)
    return unicodedata.normalize("NFC", bare), tones


def _is_syllable(word: str) -> bool:
    """Letters only, sane casing, at most one tone mark, Vietnamese syllable shape."""
    if not word.isalpha():
        return False
    if not (word.islower() or word.isupper() or (word[0].isupper() and word[1:].islower())):
        return False  # "ceNG", "xA": OCR noise, not a printed syllable
    bare, tones = _strip_tones(word.lower())
    return tones <= 1 and bool(_SYLLABLE.match(bare))


def _has_mark(word: str) -> bool:
    return any(ord(ch) > 127 for ch in word)


@lru_cache(maxsize=32768)
def _judge_token(token: str) -> tuple[bool, bool] | None:
    """(has a mark, is a syllable) of one word of :func:`text_layer_quality`; None when it is not judged
    (no letter; an upper-case code without tone marks). Cached: the words of a page repeat."""
    if not token or not any(ch.isalpha() for ch in token):
        return None
    if _ACRONYM.match(token) and not any(ch in _TONES for ch in unicodedata.normalize("NFD", token)):
        return None
    return _has_mark(token), _is_syllable(token)


def text_layer_quality(text: str) -> float:
    """Share of the words of ``text`` that look like Vietnamese syllables (0..1).

    Numbers and upper-case codes without tone marks (UBND, QĐ, QH15) are not
    judged. Unmapped glyphs "(cid:54)" count as bad words. A long text (30+
    words) in which almost no word carries a Vietnamese mark is a poor OCR
    layer ("ceNG noa xA"), so there only marked words count as good. Returns
    0.0 for empty text and 1.0 for text with nothing to judge.
    """
    bad_glyphs = len(_CID.findall(text))
    text = _CID.sub(" ", text)
    judged = good = marked = 0
    for token in _TOKEN_SPLIT.split(text):
        verdict = _judge_token(token)
        if verdict is not None:
            judged += 1
            marked += verdict[0]
            good += verdict[1]
    total = judged + bad_glyphs
    if total == 0:
        return 0.0 if not text.strip() else 1.0
    if judged >= 30 and marked / judged < 0.05:
        good = marked  # Vietnamese without marks: not the printed text
    return good / total


# --------------------------------------------------------------------------
# Intermediate structures
# --------------------------------------------------------------------------
@dataclass
class _Word:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float


@dataclass
class _Row:
    """Words printed on one visual line (possibly spanning two columns). Its box and size are worked out
    once, when first asked for: a row's words are all known by then (`_rows` only sorts them after)."""

    words: list[_Word]
    gutter_sizes: float = GUTTER_MIN_SIZES  # how many font sizes wide a gap must be to be a gutter

    @cached_property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @cached_property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @cached_property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @cached_property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @cached_property
    def size(self) -> float:
        return statistics.median(w.size for w in self.words)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


@dataclass
class _Table:
    bbox: tuple[float, float, float, float]
    rows: list[list[str]]
    row_boxes: list[tuple[float, float, float, float]]
    row_spans: list[list[int]] | None = None  # per row and cell: rows spanned downwards, 0 when covered (Line.row_spans)

    @property
    def ncols(self) -> int:
        return max(len(r) for r in self.rows)


@dataclass
class _PageData:
    number: int
    width: float
    height: float
    rows: list[_Row]
    tables: list[_Table]
    n_chars: int
    quality: float | None = None
    lines: list[Line] = field(default_factory=list)
    image_cover: float = 0.0  # share of the page under images
    scan: bool = False  # the page is an image to OCR (see _judge_page)
    overlay: list[_Row] = field(default_factory=list)  # text-layer rows kept on a scanned page (a signature stamp)

    @property
    def text_cover(self) -> float:
        """Share of the page covered by the boxes of its text rows and tables."""
        area = sum((r.x1 - r.x0) * (r.bottom - r.top) for r in self.rows)
        area += sum((t.bbox[2] - t.bbox[0]) * (t.bbox[3] - t.bbox[1]) for t in self.tables)
        return area / max(1.0, self.width * self.height)


# --------------------------------------------------------------------------
# Opening the file
# --------------------------------------------------------------------------
_MAGIC = [
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"PK\x03\x04", "a ZIP archive (perhaps a .docx)"),
    (b"\xd0\xcf\x11\xe0", "an old Word/Office file (.doc)"),
    (b"{\\rtf", "an RTF document"),
]


def _check_bytes(path: Path) -> None:
    """Refuse files that cannot be a complete PDF before parsing them."""
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(1024)
            fh.seek(max(0, size - 2048))
            tail = fh.read()
    except OSError as err:
        raise ReadError(f"cannot open file: {err.strerror or err}") from None
    if size == 0:
        raise ReadError("empty file (0 bytes)")
    if b"%PDF-" not in head:  # the spec allows a little junk before the header
        kind = next((name for magic, name in _MAGIC if head.startswith(magic)), None)
        if kind is None:
            kind = "HTML" if head.lstrip()[:15].lower().startswith((b"<!doctype", b"<html")) else "text or unknown data"
        raise ReadError(f"not a PDF despite its name: the file is {kind} (no %PDF- header)")
    if b"%%EOF" not in tail:
        raise ReadError("truncated or corrupt PDF: the end-of-file marker is missing (incomplete download?)")


def _open_error(err: BaseException) -> ReadError:
    """Translate a pdfminer/pdfplumber exception into a one-line reason."""
    cause = err.args[0] if isinstance(err, PdfminerException) and err.args else err
    name = type(cause).__name__
    if "Password" in name or "Encryption" in name:
        return ReadError("encrypted PDF: a password is needed to open it")
    detail = str(cause).strip().splitlines()[0][:120] if str(cause).strip() else name
    return ReadError(f"truncated or corrupt PDF: cannot parse it ({detail})")


# --------------------------------------------------------------------------
# Per page: characters, tables, rows
# --------------------------------------------------------------------------
def _annotation_chars(page) -> list[dict]:
    """Characters drawn by visible widget/stamp annotations (e-signature stamps).

    pdfplumber reads only the page content stream; the number and date that
    signing tools stamp into signature widgets live in the annotations'
    appearance streams, so render those with pdfminer at the annotation rect.
    """
    if page.rotation or not page.page_obj.annots:
        return []
    chars: list[dict] = []
    for annot in resolve1(page.page_obj.annots) or []:
        annot = resolve1(annot)
        if not isinstance(annot, dict):
            continue
        subtype = getattr(resolve1(annot.get("Subtype")), "name", "")
        flags = resolve1(annot.get("F")) or 0
        if subtype not in ("Widget", "FreeText", "Stamp") or flags & (2 | 32):  # hidden / no-view
            continue
        appearance = resolve1((resolve1(annot.get("AP")) or {}).get("N"))
        rect = resolve1(annot.get("Rect"))
        if not isinstance(appearance, PDFStream) or not rect:
            continue
        chars.extend(_render_appearance(page, appearance, [float(resolve1(v)) for v in rect]))
    return chars


def _render_appearance(page, stream: PDFStream, rect: list[float]) -> list[dict]:
    bx0, by0, bx1, by1 = [float(resolve1(v)) for v in resolve1(stream.attrs.get("BBox", [0, 0, 1, 1]))]
    rx0, ry0, rx1, ry1 = min(rect[0], rect[2]), min(rect[1], rect[3]), max(rect[0], rect[2]), max(rect[1], rect[3])
    if bx1 == bx0 or by1 == by0:
        return []
    # Map the appearance BBox onto the annotation rectangle (PDF 32000 §12.5.5).
    sx, sy = (rx1 - rx0) / (bx1 - bx0), (ry1 - ry0) / (by1 - by0)
    x_off, y_off = page.page_obj.mediabox[0], page.page_obj.mediabox[1]
    cm = f"{sx:f} 0 0 {sy:f} {rx0 - sx * bx0 - x_off:f} {ry0 - sy * by0 - y_off:f} cm"
    device = PDFPageAggregator(page.pdf.rsrcmgr, pageno=page.page_number, laparams=None)
    interpreter = PDFPageInterpreter(page.pdf.rsrcmgr, device)
    ctm = (1, 0, 0, 1, 0, 0)
    try:
        device.begin_page(page.page_obj, ctm)
        content = PDFStream({}, f"q {cm} /Appearance Do Q".encode())
        content.set_objid(0, 0)  # pdfminer only executes streams that have an object id
        interpreter.render_contents({"XObject": {"Appearance": stream}}, [content], ctm=ctm)
        device.end_page(page.page_obj)
        layout = device.get_result()
    except Exception:  # a broken stamp must not stop the reading of the page
        return []
    out = []
    for obj in _iter_chars(layout):
        char = page.process_object(obj)
        char["top"] = page.height - char["y1"]
        char["bottom"] = page.height - char["y0"]
        char["doctop"] = page.initial_doctop + char["top"]
        out.append(char)
    return out


def _iter_chars(container):
    for obj in container:
        if isinstance(obj, LTChar):
            yield obj
        elif isinstance(obj, LTContainer):
            yield from _iter_chars(obj)


def _cell_text(cell: str | None) -> str:
    return " ".join((cell or "").split())


_LAYOUT_TABLE = re.compile(r"CỘNG\s+H[ÒO]À|NƠI\s+NHẬN", re.IGNORECASE)


def _row_box(row) -> tuple[float, float, float, float]:
    """The row's box; its bottom is the lowest single-row cell's, not a spanning cell's."""
    cells = [c for c in row.cells if c]
    return (min(c[0] for c in cells), min(c[1] for c in cells), max(c[2] for c in cells), min(c[3] for c in cells))


def _is_white(color) -> bool:
    values = color if isinstance(color, (tuple, list)) else (color,)
    if not values or any(not isinstance(v, (int, float)) for v in values):
        return False
    if len(values) == 4:  # CMYK: white is no ink
        return all(v <= 0.02 for v in values)
    return all(v >= 0.98 for v in values)


def _visible_rule(obj: dict) -> bool:
    """False for rectangles nobody sees: white text backgrounds are not table rules."""
    if obj.get("object_type") != "rect":
        return True
    if obj.get("stroke") and not _is_white(obj.get("stroking_color")):
        return True
    return bool(obj.get("fill")) and not _is_white(obj.get("non_stroking_color"))


def _extract_table(chars: list[dict], rows) -> list[list[str | None]]:
    """pdfplumber's ``Table.extract()`` (same cells, same characters in the same order, same text), without
    testing every character of the table against every row: the characters are sorted once by their
    middle's height, a row takes those of its band (bisect) back in their order, then tests their width."""
    middles = [((c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2) for c in chars]  # pdfplumber's sums
    order = sorted(range(len(chars)), key=lambda i: middles[i][1])
    heights = [middles[i][1] for i in order]
    out = []
    for row in rows:
        x0, top, x1, bottom = row.bbox
        band = sorted(order[bisect_left(heights, top):bisect_left(heights, bottom)])
        row_chars = [i for i in band if x0 <= middles[i][0] < x1]
        cells: list[str | None] = []
        for cell in row.cells:
            if cell is None:
                cells.append(None)
                continue
            c0, ctop, c1, cbottom = cell
            inside = [chars[i] for i in row_chars
                      if c0 <= middles[i][0] < c1 and ctop <= middles[i][1] < cbottom]
            cells.append(extract_text(inside) if inside else "")
        out.append(cells)
    return out


def _data_tables(page) -> list[_Table]:
    """Ruled tables holding data; layout grids and single boxes are left as text."""
    tables = []
    ruled = page.filter(_visible_rule)
    if len(ruled.lines) + len(ruled.rects) + len(ruled.curves) < 4:
        return tables  # a table needs rules: a page of prose has none, and the finder costs 30 ms a page
    for found in ruled.find_tables():
        table_rows = found.rows
        rows = [[_cell_text(c) for c in row] for row in _extract_table(found.page.chars, table_rows)]
        boxes = [_row_box(row) for row in table_rows]
        keep = [i for i, r in enumerate(rows) if any(r)]
        spans = _row_spans(found, keep)
        rows, boxes = [rows[i] for i in keep], [boxes[i] for i in keep]
        if not rows:
            continue
        used_columns = {j for r in rows for j, c in enumerate(r) if c}
        if len(used_columns) < 2:
            continue  # a framed paragraph, not a table
        if _LAYOUT_TABLE.search(" ".join(" ".join(r) for r in rows)):
            continue  # header / signature grid: read as ordinary two-column text
        tables.append(_Table(tuple(found.bbox), rows, boxes, spans))
    return tables


def _row_spans(found, keep: list[int]) -> list[list[int]]:
    """For the kept rows of a found table, per cell: how many kept rows the cell spans downwards, or 0
    where a cell merged from a row above covers it. (pdfplumber puts a merged cell in its first row and
    None in the rows and columns it covers; the tail of a cell spanning columns gets its head's count.)"""
    rows = found.rows
    tops = [row.bbox[1] for row in rows]
    kept_tops = [tops[i] for i in keep]
    xs = sorted({c[0] for c in found.cells})
    by_x: dict[float, list] = {}
    for c in found.cells:
        by_x.setdefault(c[0], []).append(c)
    out = []
    for i in keep:
        y, spans = tops[i], []
        for j, cell in enumerate(rows[i].cells):
            if cell is not None:
                spans.append(max(1, sum(1 for t in kept_tops if cell[1] - 0.5 <= t < cell[3] - 0.5)))
                continue
            if any(c[1] < y - 0.5 < y + 0.5 < c[3] for c in by_x.get(xs[j], ())):
                spans.append(0)  # a cell of this column merged from a row above covers it
            else:
                spans.append(spans[-1] if spans else 1)  # the tail of a cell spanning columns: as its head
        out.append(spans)
    return out


def _overlaps(a: dict, b: dict) -> bool:
    return a["x0"] < b["x1"] and b["x0"] < a["x1"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


def _inside(char: dict, box) -> bool:
    cx, cy = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


def _words(chars: list[dict] | CharArrays) -> list[_Word]:
    """pdfplumber's words (``extract_words``, x/y tolerance 3), each with its largest font size
    (``read/words.py``: the same rules on arrays)."""
    return [_Word(text, x0, top, x1, bottom, size) for text, x0, top, x1, bottom, size, _ in extract_words(chars)]


def _rows(words: list[_Word]) -> list[_Row]:
    """Rows of words: a word joins the row whose first word's top is close to its own."""
    words.sort(key=lambda w: (w.top, w.x0))
    rows: list[_Row] = []
    anchor = None
    for w in words:
        # Compare with the row's first word, not its growing extent, so that a
        # small-font left column and a large-font right column do not chain.
        if rows and abs(w.top - anchor) <= 0.35 * min(w.size, rows[-1].words[0].size):
            rows[-1].words.append(w)
        else:
            rows.append(_Row([w]))
            anchor = w.top
    for row in rows:
        row.words.sort(key=lambda w: w.x0)
    return rows


def dedupe_chars(chars: list[dict], tolerance: float = 1, extra_attrs: tuple = ("fontname", "size")) -> list[dict]:
    """pdfplumber's `dedupe_chars` (same groups, same survivors, same order): see :func:`dedupe_index`."""
    return [chars[i] for i in dedupe_index(chars, tolerance, extra_attrs).tolist()]


def dedupe_index(chars: list[dict] | CharArrays, tolerance: float = 1,
                 extra_attrs: tuple = ("fontname", "size")) -> np.ndarray:
    """The positions of the characters pdfplumber's `dedupe_chars` keeps, in order, vectorised.

    Producers fake bold by printing a character twice at almost the same place; one copy is kept.
    The groups are pdfplumber's: characters with the same ``upright``, text and ``extra_attrs``,
    chained by ``doctop`` within ``tolerance`` (sorted, each within ``tolerance`` of the previous),
    then by ``x0`` within each of those; the survivor of a group is its first character by
    (doctop, x0), then by original position. pdfplumber's own version restores the order with
    `sorted(..., key=chars.index)`, which is quadratic: on a 2,000-character page it cost more
    than reading the page; a version with its `cluster_objects` still cost a fifth of the reading.
    On `CharArrays` (the default ``extra_attrs`` only) the groups and numbers are its own.
    """
    if not len(chars):
        return np.zeros(0, np.int64)
    if isinstance(chars, CharArrays):
        if extra_attrs != ("fontname", "size"):
            raise ValueError("CharArrays group characters by fontname and size only")
        group, top, x0 = chars.groups, chars.doctop, chars.boxes[:, 0]
    else:
        key = itemgetter("upright", "text", *extra_attrs)
        ids: dict = {}
        group = np.fromiter((ids.setdefault(k, len(ids)) for k in map(key, chars)), np.int64, len(chars))
        top, x0 = np.array(list(map(itemgetter("doctop", "x0"), chars)), np.float64).T
    index = np.arange(len(chars))

    def chain(outer: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Cluster numbers: within each ``outer`` cluster, sorted values chained by ``tolerance``."""
        order = np.lexsort((values, outer))
        o, v = outer[order], values[order]
        starts = np.empty(len(order), bool)
        starts[0] = True
        starts[1:] = (o[1:] != o[:-1]) | (v[1:] > v[:-1] + tolerance)
        numbers = np.empty(len(order), np.int64)
        numbers[order] = np.cumsum(starts)
        return numbers

    cluster = chain(chain(group, top), x0)
    order = np.lexsort((index, x0, top, cluster))
    first = np.empty(len(order), bool)
    first[0] = True
    first[1:] = cluster[order][1:] != cluster[order][:-1]
    return np.sort(order[first])


# --------------------------------------------------------------------------
# Legacy fonts (TCVN3 .VnTime, VNI-Times, VISCII) in the text layer
# --------------------------------------------------------------------------
_SUBSET_PREFIX = re.compile(r"^[A-Z]{6}\+")
_STYLE_SUFFIX = re.compile(r"(?:[,-](?:Bold|Italic|Oblique|Regular|Roman)\w*)+$", re.IGNORECASE)
#: A font with no legacy name is judged by its text on the page when it has this many letters there.
LEGACY_DETECT_LETTERS = 30


def legacy_font_name(fontname: str | None) -> str:
    """The family a PDF font names: "BADEPR+.VnTimeH,Bold" -> ".VnTimeH"."""
    return _STYLE_SUFFIX.sub("", _SUBSET_PREFIX.sub("", fontname or "").strip())


_fontname = methodcaller("get", "fontname")
_text = itemgetter("text")


def convert_legacy_font_chars(chars: list[dict]) -> list[dict]:
    """The page's characters with text in legacy Vietnamese fonts converted to Unicode.

    A PDF made from a TCVN3 or VNI document keeps the old codes in its text
    layer, each drawn by its .VnTime / VNI-Times font: "Quy\u00d5t \u00ae\u00deNH" for
    "Quyết ĐỊNH". The encoding comes from each character's font name; a font
    without a legacy name (a subset renamed by the producer) is converted when
    its text on the page reads as a legacy encoding (:func:`detect_legacy_encoding`).
    A font whose text on the page holds Unicode Vietnamese (its producer mapped
    the codes to Unicode) is left alone, whatever its name. TCVN3 and VISCII are one code per letter,
    so each character keeps its box; a VNI mark code ("a" then "\u00f9" for "á")
    joins the letter before it on the same line, the two boxes merged. Text in
    other fonts, and characters already Unicode, are left as they are.
    """
    if not chars:
        return chars
    fonts = _font_encodings(list(map(_fontname, chars)), list(map(_text, chars)))
    if not any(enc in ENCODINGS for enc in fonts.values()):
        return chars
    out: list[dict] = []
    run: list[dict] = []
    run_encoding = None
    for c in chars:
        encoding = fonts.get(c.get("fontname", ""))
        if run and encoding != run_encoding:
            out.extend(_convert_char_run(run, run_encoding))
            run = []
        run_encoding = encoding
        run.append(c)
    out.extend(_convert_char_run(run, run_encoding))
    return out


def _font_encodings(fontnames: list[str | None], texts: list[str]) -> dict[str, str | None]:
    """The legacy encoding of each font of a page (None: its text is Unicode), from its name or, for a
    font without a legacy name, from its text there; ``fontnames`` and ``texts``: one per character."""
    by_font: dict[str, list[str]] = {}  # each font's text on the page, the fonts in order of appearance
    for name, group in groupby(zip(fontnames, texts), key=itemgetter(0)):
        by_font.setdefault(name or "", []).extend(map(itemgetter(1), group))
    fonts: dict[str, str | None] = {name: encoding_for_font(legacy_font_name(name)) for name in by_font}
    for name, encoding in fonts.items():
        text = "".join(by_font[name])
        if has_unicode_vietnamese(text):
            fonts[name] = None  # the producer mapped the font's codes to Unicode (a ToUnicode map): nothing to do
        elif encoding is None and sum(ch.isalpha() for ch in text) >= LEGACY_DETECT_LETTERS:
            fonts[name] = detect_legacy_encoding(text)[0]
    return fonts


def _same_line(a: dict, b: dict) -> bool:
    return abs(a["top"] - b["top"]) < 0.5 * max(a.get("size", 1), b.get("size", 1)) and b["x0"] >= a["x0"] - 1


def _convert_char_run(run: list[dict], encoding: str | None) -> list[dict]:
    if encoding not in ENCODINGS or not run:
        return run
    if encoding == "vni":
        out: list[dict] = []
        for c in run:
            text = c["text"]
            if out and len(text) == 1 and _same_line(out[-1], c):
                combined = vni_combine(out[-1]["text"], text)
                if combined is not None:
                    last = out[-1]
                    out[-1] = dict(last, text=combined, x1=max(last["x1"], c["x1"]), width=max(last["x1"], c["x1"]) - last["x0"])
                    continue
            out.append(dict(c, text=VNI_LETTERS.get(text, text)) if text in VNI_LETTERS else c)
        return out
    # TCVN3, VISCII: one code per letter. Words are converted together (TCVN3 reads
    # a word typed in capitals from its other letters); a new line separates words.
    # (A character whose text is not one code, a ligature "fi", stands as a space.)
    pieces, owners = [], []
    for i, c in enumerate(run):
        if i and not _same_line(run[i - 1], c):
            pieces.append("\n")
            owners.append(None)
        pieces.append(c["text"] if len(c["text"]) == 1 else " ")
        owners.append(i)
    text = "".join(pieces)
    if not legacy_codes(text, encoding):
        return run
    converted = convert_legacy(text, encoding)
    if len(converted) != len(text):  # a combining mark in the text layer was composed: one code at a time
        converted = "".join(convert_legacy(ch, encoding) or ch for ch in pieces)
    out = list(run)
    for owner, old, new in zip(owners, text, converted):
        if owner is not None and new != old and len(run[owner]["text"]) == 1:
            out[owner] = dict(run[owner], text=new)
    return out


def _clean_chars(chars: list[dict] | CharArrays) -> list[dict] | CharArrays:
    """A page's characters as the layout reads them: duplicates removed, legacy-font text converted.
    `CharArrays` stay arrays unless a font's text is to be converted (then the dicts are made)."""
    if isinstance(chars, CharArrays):
        kept = chars.take(dedupe_index(chars))
        if not any(enc in ENCODINGS for enc in _font_encodings(kept.fontnames, kept.texts).values()):
            return kept
        return convert_legacy_font_chars(kept.dicts())
    return convert_legacy_font_chars(dedupe_chars(chars))


def _deduped_page(page):
    """The page with its duplicate characters removed (what `page.dedupe_chars()` gives, faster)."""
    from pdfplumber.page import FilteredPage

    clean = FilteredPage(page, lambda obj: True)
    clean._objects = dict(page.objects)
    clean._objects["char"] = _clean_chars(page.chars)
    return clean


def _read_page(page) -> _PageData:
    """Steps 1-3 on a pdfplumber page: its characters, stamped characters and tables."""
    clean = _deduped_page(page)
    return _page_data(page, list(clean.chars), _annotation_chars(page), _data_tables(clean))


def _page_data(page, chars: list[dict] | CharArrays, stamped: list[dict], tables: list[_Table]) -> _PageData:
    """Steps 1-3 once the page's characters (``_clean_chars``: dicts, or arrays from `read/pdfium.py`),
    the characters stamped over it and its data tables are known, whoever read them (pdfplumber, or
    pdfium). ``page`` gives the number, size and images (a pdfplumber page, or ``pdfium.PdfiumPage``)."""
    if stamped:
        # The stamp is printed over blank placeholder spaces ("Số:      /QĐ");
        # drop those spaces or they would split "2170" into "2 1 7 0".
        chars = chars.dicts() if isinstance(chars, CharArrays) else chars
        chars = [c for c in chars if c["text"].strip() or not any(_overlaps(c, s) for s in stamped)]

    def outside_tables(cs: list[dict]) -> list[dict]:
        if not tables:
            return list(cs)
        return [c for c in cs if not any(_inside(c, t.bbox) for t in tables)]

    text_chars = chars
    if isinstance(chars, CharArrays):
        if tables:  # ``_inside`` on the arrays
            boxes = chars.boxes
            cx, cy = (boxes[:, 0] + boxes[:, 1]) / 2, (boxes[:, 2] + boxes[:, 3]) / 2
            inside = np.zeros(len(chars), bool)
            for t in tables:
                x0, top, x1, bottom = t.bbox
                inside |= (x0 <= cx) & (cx <= x1) & (top <= cy) & (cy <= bottom)
            text_chars = chars.take(np.flatnonzero(~inside))
        texts = chars.texts
    else:
        text_chars = outside_tables(chars)
        texts = list(map(_text, chars))
    # Stamped text makes words of its own: "ngày 23 tháng", not "ngày 23tháng".
    words = _words(text_chars) + _words(outside_tables(dedupe_chars(stamped)))
    n_chars = sum(map(bool, map(str.strip, texts))) + sum(1 for c in stamped if c["text"].strip())
    return _PageData(
        number=page.page_number,
        width=float(page.width),
        height=float(page.height),
        rows=_rows(words),
        tables=tables,
        n_chars=n_chars,
        image_cover=_image_cover(page),
    )


def _image_cover(page, cells: int = 50) -> float:
    """Share of the page under images drawn on it (a 50 x 50 grid: overlapping images count once)."""
    width, height = float(page.width), float(page.height)
    if not page.images or width <= 0 or height <= 0:
        return 0.0
    grid = np.zeros((cells, cells), bool)
    for image in page.images:
        x0, x1 = sorted((image["x0"], image["x1"]))
        top, bottom = sorted((image["top"], image["bottom"]))
        c0, c1 = (int(np.clip(round(v / width * cells), 0, cells)) for v in (x0, x1))
        r0, r1 = (int(np.clip(round(v / height * cells), 0, cells)) for v in (top, bottom))
        grid[r0:r1, c0:c1] = True
    return float(grid.mean())


# --------------------------------------------------------------------------
# Text-layer check
# --------------------------------------------------------------------------
def _page_text(p: _PageData) -> str:
    return " ".join(r.text for r in p.rows) + " " + " ".join(" ".join(row) for t in p.tables for row in t.rows)


def _judge_page(p: _PageData) -> None:
    """Is the page a scan to OCR? Yes when images cover most of it (``SCAN_IMAGE_COVER``)
    and its text layer is absent, covers little of it (``SCAN_TEXT_COVER``: the
    "Ký bởi ... Thời gian ký ..." a signing tool adds to a scanned page) or reads
    badly (a poor OCR layer). A small text layer is kept as the page's ``overlay``
    (read exactly, and blanked out of the image before OCR); a large poor one is dropped."""
    if p.image_cover < SCAN_IMAGE_COVER:
        return
    small = p.text_cover < SCAN_TEXT_COVER
    if small or (p.quality is not None and p.quality < MIN_QUALITY):
        p.scan = True
        p.overlay = [r for r in p.rows] if small else []
        p.rows, p.tables, p.quality = [], [], None


def _check_text_layer(pages: list[_PageData], warnings: list[str]) -> None:
    """Measure each page's text layer, mark the scanned pages, refuse an unusable layer."""
    for p in pages:
        text = _page_text(p)
        p.quality = round(text_layer_quality(text), 3) if text.strip() else None
        _judge_page(p)
        if p.scan:
            what = f"a text layer of {len(p.overlay)} line(s) over it" if p.overlay else "no usable text layer"
            warnings.append(f"page {p.number}: a scanned image ({what}); OCR is needed")
        elif p.n_chars == 0:
            warnings.append(f"page {p.number}: no text layer (an image only?)")
    if all(p.n_chars == 0 for p in pages):
        raise NeedsOCR("no text layer: the pages are images (a scan); OCR is needed")
    weights = [(p.quality, p.n_chars) for p in pages if p.quality is not None and not p.scan]
    overall = sum(q * n for q, n in weights) / max(1, sum(n for _, n in weights))
    if weights and overall < MIN_QUALITY:
        raise NeedsOCR(
            f"unusable text layer: only {overall:.0%} of words look like Vietnamese syllables "
            "(broken font encoding or a poor OCR layer without diacritics); OCR is needed"
        )
    for p in pages:
        if p.quality is not None and p.quality < MIN_QUALITY:
            warnings.append(f"page {p.number}: poor text layer (quality {p.quality:.2f})")


# --------------------------------------------------------------------------
# Running headers, footers, page numbers
# --------------------------------------------------------------------------
_PAGE_NUMBER = re.compile(
    r"^[-–—\s]*(?:(?:trang|page)\s*)?\d{1,4}(?:\s*(?:/|of|trên)\s*\d{1,4})?[-–—\s]*$", re.IGNORECASE
)


def _in_margin(row: _Row, page: _PageData) -> bool:
    return row.top < MARGIN * page.height or row.bottom > (1 - MARGIN) * page.height


def _drop_running_lines(pages: list[_PageData]) -> None:
    """Drop page numbers and text repeated at the same place on most pages."""
    def key(row: _Row) -> str:
        return re.sub(r"\d+", "#", " ".join(row.text.split()).lower())

    seen: Counter[str] = Counter()
    for p in pages:
        for k in {(key(r), round(r.top / 8)) for r in p.rows if _in_margin(r, p)}:
            seen[k] += 1
    needed = max(2, math.ceil(0.5 * len(pages)))

    def repeated(row: _Row) -> bool:
        k, t = key(row), round(row.top / 8)
        return sum(seen[(k, t + d)] for d in (-1, 0, 1)) >= needed  # tolerate small drift

    for p in pages:
        p.rows = [
            r for r in p.rows
            if not (_in_margin(r, p) and (_PAGE_NUMBER.match(r.text) or (len(pages) > 1 and repeated(r))))
        ]


# --------------------------------------------------------------------------
# Two-column blocks
# --------------------------------------------------------------------------
def _header_gutter(row: _Row) -> tuple[float, float] | None:
    """The gutter of a header row that prints, after the issuer's column, what Nghị định
    30/2020/NĐ-CP puts in the right column: the Quốc hiệu ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT
    NAM"), the Tiêu ngữ ("Độc lập - Tự do - Hạnh phúc"), or, after "Số: ...", the place and
    date ("Hà Nội, ngày ..."). The columns may stand closer than a gutter elsewhere must."""
    words = row.words
    folded = [ascii_fold(w.text) for w in words]
    for k in range(1, len(words)):
        if " ".join(folded[k:k + 4]).startswith(("cong hoa xa hoi", "doc lap - tu do", "doc lap tu do")):
            gap = (words[k - 1].x1, words[k].x0)
            return gap if gap[1] - gap[0] >= 0.5 * row.size else None
    if folded and folded[0].rstrip(":.") in ("so", "so:") and "ngay" in folded[2:]:
        day = folded.index("ngay", 2)
        if words[day - 1].text.endswith(","):
            gaps = [(words[i].x1, words[i + 1].x0) for i in range(1, day - 1)]
            best = max(gaps, key=lambda g: g[1] - g[0], default=None)
            return best if best and best[1] - best[0] >= 0.5 * row.size else None
    return None


def _widest_gap(row: _Row) -> tuple[float, float] | None:
    """The widest empty stretch between two words of the row, if wide enough for a gutter:
    ``GUTTER_MIN_SIZES`` font sizes, and ``GUTTER_GAP_RATIO`` times the row's median
    word gap when the row has three gaps or more (a justified line stretched
    over a few long words has wide gaps, but all alike). A header row's own gutter
    (:func:`_header_gutter`) is taken first."""
    hint = _header_gutter(row)
    if hint is not None:
        return hint
    best = None
    gaps = [b.x0 - a.x1 for a, b in zip(row.words, row.words[1:])]
    wide = row.gutter_sizes * row.size  # (the size is a median over the words: computed once)
    for a, b in zip(row.words, row.words[1:]):
        width = b.x0 - a.x1
        if width >= wide and (best is None or width > best[1] - best[0]):
            best = (a.x1, b.x0)
    if best is not None and len(gaps) >= 3 and best[1] - best[0] < GUTTER_GAP_RATIO * statistics.median(gaps):
        return None
    return best


def _narrow_gutter(row: _Row, gutter: tuple[float, float]) -> tuple[float, float] | None:
    """The gutter narrowed so that no word of ``row`` crosses it; None if a word does."""
    g0, g1 = gutter
    for w in row.words:
        if w.x1 <= g0 or w.x0 >= g1:
            continue
        if w.x0 <= g0 + 0.5 * (g1 - g0) and w.x1 < g1:
            g0 = w.x1  # a word sticking into the gutter from the left
        elif w.x0 > g0:
            g1 = w.x0  # ... from the right
        else:
            return None
    return (g0, g1) if g1 - g0 >= row.size else None


def _split_side(row: _Row, gutter: tuple[float, float]) -> tuple[_Row | None, _Row | None]:
    middle = (gutter[0] + gutter[1]) / 2
    left = [w for w in row.words if (w.x0 + w.x1) / 2 < middle]
    right = [w for w in row.words if (w.x0 + w.x1) / 2 >= middle]
    return (_Row(left) if left else None), (_Row(right) if right else None)


_LIST_ITEM_START = re.compile(r"^[-–+•]\s")


def _tabbed_list_item(left: _Row | None, right: _Row | None) -> bool:
    """One row of a list whose second part is tabbed to a column: "- Ông. Vũ Việt Linh <tab> - Chuyên viên …"
    (a name and a position): a list item with a dash on both sides of the gap, not two columns."""
    return bool(left and right and _LIST_ITEM_START.match(left.text) and _LIST_ITEM_START.match(right.text))


def _column_flows(rows: list[_Row]) -> list[tuple[list[_Row], bool]]:
    """Split a run of rows into flows read in order: (rows, is_column_of_a_block)."""
    out: list[tuple[list[_Row], bool]] = []
    i = 0
    while i < len(rows):
        gutter = _widest_gap(rows[i])
        if gutter is None:
            out.append(([rows[i]], False))
            i += 1
            continue
        members = [rows[i]]
        # Rows just above that do not cross the gutter belong to the block too
        # ("KT. CHỦ TỊCH" above "Nơi nhận:"), unless they lie wholly left of it:
        # that is more likely the short last line of the paragraph before.
        while out and not out[-1][1] and len(out[-1][0]) == 1:
            above = out[-1][0][0]
            narrowed = _narrow_gutter(above, gutter)
            if members[0].top - above.bottom > 2 * above.size or narrowed is None or above.x1 <= narrowed[0]:
                break
            gutter = narrowed
            members.insert(0, above)
            out.pop()
        j = i + 1
        while j < len(rows):
            row = rows[j]
            if row.top - members[-1].bottom > 1.6 * max(row.size, members[-1].size):
                break  # a larger gap ends the block
            if _OPENER.match(row.text) and not row.text.startswith("Nơi nhận"):
                break  # "Kính gửi", "Căn cứ" open the body
            narrowed = _narrow_gutter(row, gutter)
            if narrowed is None:
                break
            gutter = narrowed
            members.append(row)
            j += 1
        sides = [_split_side(r, gutter) for r in members]
        if len(members) == 1 and _tabbed_list_item(*sides[0]):
            out.append((members, False))  # "- Ông. Vũ Việt Linh      - Chuyên viên …": one item, tabbed
            i = j
            continue
        out.append(([left for left, _ in sides if left], True))
        out.append(([right for _, right in sides if right], True))
        i = j
    # Merge consecutive single rows into one flow so paragraphs can span them.
    merged: list[tuple[list[_Row], bool]] = []
    for flow, in_block in out:
        if merged and not in_block and not merged[-1][1]:
            merged[-1][0].extend(flow)
        elif flow:
            merged.append((list(flow), in_block))
    return merged


# --------------------------------------------------------------------------
# Paragraphs
# --------------------------------------------------------------------------
_ENUMERATOR = re.compile(
    r"^(?:"
    r"(?:Điều|ĐIỀU)\s+\d+\s*(?:[.:]|$)"
    r"|(?:Chương|CHƯƠNG|Mục|MỤC|Phần|PHẦN)\s+[0-9IVXLCDM]+\b(?:\s*[.:\-]|\s*$|\s+(?=[A-ZĐÀ-Ỹ]))"
    r"|(?:Phụ\s+lục|PHỤ\s+LỤC)\s+[0-9IVXLCDM]+\b"
    r"|[IVXLCDM]+[.)]\s"
    r"|\d{1,3}(?:\.\d{1,2})*[.)]\s"  # "1.", "1.2.", not an amount ("39.897 tỷ đồng", "300.000 bộ")
    r"|\d{1,2}(?:\.\d{1,2})+\s"
    r"|[a-zđ]\)\s"
    r"|\(\d+\)|\([a-zđ]\)"
    r"|[-+•–—*·]\s?"
    r")"
)
# "d. Bể nước" (a letter and a full stop before a capital), as decisions often print their points
_LETTER_POINT = re.compile(r"^[a-zđ]\.\s+(\w)")
_OPENER = re.compile(r"^(?:Căn\s+cứ|Xét\b|Theo\s+đề\s+nghị|Nơi\s+nhận|Kính\s+gửi|V/v\b)")
_MOTTO = re.compile(r"doc\s*lap\W+tu\s*do\W+hanh\s*phuc")
_SENTENCE_END = (".", ":", ";", "!", "?")


def _is_caps(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 3 and not any(ch.islower() for ch in letters)


def _first_letter(text: str) -> str:
    return next((ch for ch in text if ch.isalnum()), "")


@dataclass
class _Flow:
    """Geometry of one column flow, for the paragraph rules."""

    left: float
    right: float
    pitch: float  # usual distance between the tops of two lines of one paragraph
    join_caps: bool
    indents: bool = False  # its paragraphs start with a first-line indent


def _flow_geometry(rows: list[_Row], in_block: bool) -> _Flow:
    pitches = [round(b.top - a.top) for a, b in zip(rows, rows[1:]) if 0 < b.top - a.top < 3 * a.size]
    size = statistics.median(r.size for r in rows)
    pitch = Counter(pitches).most_common(1)[0][0] if pitches else 1.2 * size
    pitch = min(max(pitch, size), 2 * size)
    left, right = min(r.x0 for r in rows), max(r.x1 for r in rows)
    return _Flow(left, right, pitch, join_caps=not in_block, indents=_indents(rows, left, right, size))


def _indents(rows: list[_Row], left: float, right: float, size: float) -> bool:
    """Do the flow's paragraphs start with a first-line indent? Judged on the lines that surely start one:
    those after a line that ends a sentence well short of the right margin."""
    width = right - left
    indent = max(0.6 * size, 0.03 * width)
    indented = flush = 0
    for a, b in zip(rows, rows[1:]):
        if a.x1 < right - 0.15 * width and a.text.endswith(_SENTENCE_END) and 0 < b.top - a.top < 3 * a.size:
            if left + indent < b.x0 < left + 0.25 * width:
                indented += 1
            elif b.x0 <= left + indent:
                flush += 1
    return indented >= 2 and indented > 2 * flush


def _wraps_on(prev: _Row, cur: _Row, flow: _Flow, size: float) -> bool:
    """A full line, then a line back at the left margin, in a flow whose paragraphs start indented: one
    paragraph wrapped there, even after a full stop or a colon ("… Quốc tịch:" / "Việt Nam.")."""
    width = flow.right - flow.left
    return flow.indents and prev.x1 >= flow.right - max(1.5 * size, 0.03 * width) \
        and cur.x0 <= flow.left + max(0.6 * size, 0.03 * width)


def _starts_paragraph(prev: _Row, cur: _Row, flow: _Flow) -> bool:
    size = max(prev.size, cur.size)
    if cur.top - prev.top > flow.pitch + 0.25 * size or cur.top - prev.bottom > 1.2 * size:
        return True  # a larger vertical gap
    if abs(cur.size - prev.size) > 1:
        return True
    text, before = cur.text, prev.text
    point = _LETTER_POINT.match(text)
    if _ENUMERATOR.match(text) or _OPENER.match(text) or point and point.group(1).isupper():
        # "... quy định tại" / "Phụ lục IV ban hành kèm theo ...": a reference, not a heading
        return not (text.startswith("Phụ lục") and before and not before.endswith(_SENTENCE_END)
                    and not _is_caps(before))
    if _MOTTO.search(ascii_fold(before)):
        return True  # "Độc lập - Tự do - Hạnh phúc" is a line of its own: the place and date follow
    prev_caps, cur_caps = _is_caps(before), _is_caps(text)
    if prev_caps or cur_caps:
        # Two all-caps lines of one long title may be joined; a short caps
        # line ("QUYẾT ĐỊNH", "CHƯƠNG I") is a heading of its own.
        return not (
            flow.join_caps and prev_caps and cur_caps
            and len(prev.words) > 3 and not before.endswith(_SENTENCE_END)
        )
    first = _first_letter(text)
    if first.islower():
        return False  # the sentence goes on
    if before.endswith(_SENTENCE_END) and first.isupper():
        return not _wraps_on(prev, cur, flow, size)
    width = flow.right - flow.left
    if cur.x0 > prev.x0 + max(0.6 * size, 0.03 * width):
        return True  # first-line indent
    centered = abs((prev.x0 + prev.x1) - (flow.left + flow.right)) < 0.05 * width and prev.x0 > flow.left + 2 * size
    if prev.x1 < flow.right - 0.15 * width and not centered:
        return True  # the previous line stopped short: its paragraph ended
    return False


def _join_text(a: str, b: str) -> str:
    if re.search(r"\w-$", a):
        if re.search(r"[a-z]{2}-$", a) and re.match(r"[a-z]", b):
            return a[:-1] + b  # a word broken by hyphenation: "infor-" + "mation"
        return a + b  # a compound broken at its hyphen: "NĐ-" + "CP"
    return f"{a} {b}"


def _union(boxes) -> tuple[float, float, float, float]:
    boxes = list(boxes)
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _paragraphs(rows: list[_Row], in_block: bool, page: int) -> list[Line]:
    if not rows:
        return []
    flow = _flow_geometry(rows, in_block)
    lines: list[Line] = []
    prev = None
    for row in rows:
        box = (row.x0, row.top, row.x1, row.bottom)
        if prev is not None and not _starts_paragraph(prev, row, flow):
            last = lines[-1]
            last.text = _join_text(last.text, row.text)
            last.bbox = _union([last.bbox, box])
        else:
            lines.append(Line(text=row.text, page=page, bbox=box))
        prev = row
    return lines


# --------------------------------------------------------------------------
# Page assembly and tables across pages
# --------------------------------------------------------------------------
def _layout_page(p: _PageData) -> list[tuple[str, object]]:
    """The page's content in reading order: ("text", [Line]) and ("table", _Table) parts."""
    parts: list[tuple[str, object]] = []
    tables = sorted(p.tables, key=lambda t: t.bbox[1])
    rows = sorted(p.rows, key=lambda r: r.top)
    for table in tables + [None]:
        limit = table.bbox[1] if table else math.inf
        above = [r for r in rows if r.top < limit]
        rows = [r for r in rows if r.top >= limit]
        lines = [ln for flow, in_block in _column_flows(above) for ln in _paragraphs(flow, in_block, p.number)]
        if lines:
            parts.append(("text", lines))
        if table:
            parts.append(("table", table))
    if p.overlay:
        _merge_overlay(parts, p)
    return parts


def _merge_overlay(parts: list[tuple[str, object]], p: _PageData) -> None:
    """The text-layer rows kept on a scanned page, laid out on their own (they never join
    an OCR'd paragraph) and put in reading order by their top: before the first text
    line below them, or in a text part of their own above the first table below them."""
    overlay = sorted(p.overlay, key=lambda r: r.top)
    for line in [ln for flow, in_block in _column_flows(overlay) for ln in _paragraphs(flow, in_block, p.number)]:
        top = line.bbox[1]
        for index, (kind, part) in enumerate(parts):
            if kind == "table" and part.bbox[1] > top:
                parts.insert(index, ("text", [line]))
                break
            if kind == "text":
                at = next((k for k, ln in enumerate(part) if ln.bbox and ln.bbox[1] > top), None)
                if at is not None:
                    part.insert(at, line)
                    break
        else:
            if parts and parts[-1][0] == "text":
                parts[-1][1].append(line)
            else:
                parts.append(("text", [line]))


def _build_pages(pages: list[_PageData]) -> list[Page]:
    out = []
    table_no = 0
    for p in pages:
        lines: list[Line] = []
        for kind, part in _layout_page(p):
            if kind == "text":
                lines.extend(part)
                continue
            table: _Table = part
            table_no += 1  # this page's piece; segment/tables.py joins the pieces of a table
            for i, (cells, box) in enumerate(zip(table.rows, table.row_boxes)):
                spans = table.row_spans[i] if table.row_spans else None
                lines.append(Line(
                    text="\t".join(cells), page=p.number, bbox=tuple(box), cells=list(cells), table=table_no,
                    header_row=i == 0, row_spans=list(spans) if spans else None,
                ))
        out.append(Page(number=p.number, lines=lines, width=p.width, height=p.height,
                        source="text_layer", quality=p.quality))
    return out


def layout_pages(pages: list[_PageData], *, source: str = "ocr") -> list[Page]:
    """Steps 4-7 for pages whose words and tables were found elsewhere (OCR), with
    the text pages of the same file when only some were OCR'd: drop running headers
    and page numbers, read two-column blocks, join rows into paragraphs, merge table
    rows in reading order. Pages marked ``scan`` get ``source``. ``pages`` are changed."""
    _drop_running_lines(pages)
    out = _build_pages(pages)
    for page, data in zip(out, pages):
        if data.scan:
            page.source = source
    return out


# --------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------
@dataclass
class TextLayer:
    """A PDF's pages as its text layer gives them; ``scanned`` are the pages to OCR."""

    pages: list[_PageData]
    warnings: list[str]

    @property
    def scanned(self) -> list[int]:
        return [p.number for p in self.pages if p.scan]

    def to_raw(self) -> RawDocument:
        """Steps 4-7 on the text pages (the layer has no scanned page)."""
        _drop_running_lines(self.pages)
        return RawDocument(pages=_build_pages(self.pages), format="pdf", warnings=self.warnings)


#: Which library reads the characters: "pdfium" (pages it cannot read alike go to pdfplumber)
#: or "pdfplumber" for every page. ``DECREE_PDF_CHARS`` sets it (the tests compare both).
CHAR_SOURCE = os.environ.get("DECREE_PDF_CHARS", "pdfium")


def read_text_layer(path: Path, chars: str | None = None) -> TextLayer:
    """Read every page's text layer and judge it (steps 1-3; scanned pages marked);
    raise ReadError for a broken file and NeedsOCR when the layer is unusable
    (no text at all, or a text layer that does not read as Vietnamese).
    ``chars``: "pdfium" or "pdfplumber" (default ``CHAR_SOURCE``)."""
    path = Path(path)
    _check_bytes(path)
    warnings: list[str] = []
    pages = _read_pages(path, chars or CHAR_SOURCE, warnings)
    _check_text_layer(pages, warnings)
    return TextLayer(pages, warnings)


def read_pdf(path: Path, chars: str | None = None) -> RawDocument:
    """Read a text-layer PDF; raise ReadError / NeedsOCR with a one-line reason
    (NeedsOCR also when some pages are scanned images: see ``read_text_layer``)."""
    layer = read_text_layer(path, chars)
    if layer.scanned:
        pages = layer.scanned
        named = f"page {pages[0]} is" if len(pages) == 1 else f"{len(pages)} pages are"
        raise NeedsOCR(f"{named} scanned images (their text layer is missing or only a stamp); OCR is needed")
    return layer.to_raw()


def _read_pages(path: Path, source: str, warnings: list[str]) -> list[_PageData]:
    """Steps 1-3 for every page. The characters, lines and rectangles come from pdfium where it gives
    what pdfplumber would (``read/pdfium.py``), tables are found by pdfplumber's finder on them, and
    stamped annotations are read by pdfminer; a page pdfium cannot read alike, a file whose fonts'
    glyph maps need repair (``repair/glyph_map.py``) and a file pdfium cannot open are read by pdfplumber."""
    if source != "pdfium":
        return _read_pages_plumber(path, None, warnings)
    from pipeline.read import pdfium

    try:
        document = pdfium.open_pdf(path)
    except pdfium.CannotOpen:
        return _read_pages_plumber(path, None, warnings)  # pdfplumber says why, in the words it always used
    pages: list[_PageData | int] = []
    plumber = None
    try:
        with document:
            if not document.page_count:
                raise ReadError("PDF has no pages")
            for page in document.pages():
                if page.fallback:
                    pages.append(page.page_number - 1)
                    continue
                chars = _clean_chars(page.arrays)
                stamped = []
                if page.stamps:  # the annotations' appearance streams only: the page's content is not parsed
                    plumber = plumber or pdfplumber.open(path)
                    stamped = _annotation_chars(plumber.pages[page.page_number - 1])
                tables = _data_tables(page.ruled(chars)) if page.shapes else []
                pages.append(_page_data(page, chars, stamped, tables))
    except ReadError:
        raise
    except Exception as err:  # pdfminer raises many types on damaged files
        raise _open_error(err) from None
    finally:
        if plumber is not None:
            plumber.close()
    if pdfium.glyph_suspects(path):
        return _read_pages_plumber(path, None, warnings)  # every page with the glyph maps repaired
    if all(isinstance(p, _PageData) for p in pages):
        return pages
    return _read_pages_plumber(path, pages, warnings)


def _read_pages_plumber(path: Path, done: list | None, warnings: list[str]) -> list[_PageData]:
    """Read with pdfplumber every page, or those of ``done`` given as page indexes (the others are kept)."""
    try:
        with pdfplumber.open(path) as pdf:
            if not pdf.pages:
                raise ReadError("PDF has no pages")
            warnings.extend(repair_glyph_maps(pdf))  # "ƣ" for "ư", "Õ" for "Ò": fixed in the fonts' maps
            pages = []
            for index, page in enumerate(pdf.pages):
                if done is not None and isinstance(done[index], _PageData):
                    pages.append(done[index])
                    continue
                try:
                    pages.append(_read_page(page))
                finally:
                    page.close()  # free the page's cached layout: big files stay small in memory
    except ReadError:
        raise
    except Exception as err:  # pdfminer raises many types on damaged files
        raise _open_error(err) from None
    return pages
