"""The characters of a text-layer PDF, read with pdfium, for the layout steps of `read/pdf.py`.

pdfplumber builds its characters by interpreting every page's content stream in
Python (pdfminer): 60-130 ms a page, more than everything the pipeline does
after it. pdfium (pypdfium2, installed with pdfplumber) does the same in C in
about 2 ms. This module turns pdfium's characters into the characters pdfplumber
would have made — same geometry, same text, same font — so that `read/pdf.py` lays
out a page the same way whichever library read it. They are kept as arrays
(`read/words.py` ``CharArrays``: duplicate removal and words work on those) and made
into pdfplumber's dicts only where those are needed. Where pdfium cannot give what
pdfplumber would, the page is read by pdfplumber instead (:attr:`PdfiumPage.fallback`).

**A character** (an entry of pdfium's text page that belongs to a text object):

* ``text``: pdfium's Unicode for it.
* ``x0``: its origin. ``x1``: the origin plus its advance width, found once per
  (font, size, scale, letter): pdfium's "loose" box is the advance box widened to
  hold the glyph's ink, so its right edge is the advance where the ink stays inside;
  for a letter whose ink overhangs ("C" and "y" in italics) the font's width for the
  letter (``FPDFFont_GetGlyphWidth``), which is pdfminer's advance.
* ``top`` / ``bottom``, ``size``: pdfminer's box is one em high, from the font's
  descent below the baseline (``FontDescriptor /Descent``, forced negative):
  ``bottom = height - (baseline + descent * size)``, ``top = bottom - size``, with
  ``size`` = the font size times the text matrix's vertical scale.
* ``fontname``: the font's ``/BaseFont``; ``upright``: the text matrix is not rotated.

**Spaces.** pdfium rewrites the spacing of a line: it drops a text object that holds
a single space (its box has no width), merges a real space into the space it
generated for a positioning gap just before it, and generates spaces of its own
between objects. pdfplumber keeps the real spaces and generates none, and a space
ends a word there even where the gap alone would not. So the real spaces are put
back: every text object that left no character on pdfium's text page becomes a
space at its origin, and a space pdfium generated inside a text object is a real
space when the next letter starts further on (a space's width away); spaces pdfium
generated between objects, and for a gap right before a letter, are dropped.

**Tables, stamps.** Painted paths become pdfplumber's lines, rectangles and curves
(pdfminer's rules: each subpath, "re" as a closed rectangle, a curve by its end
points), so `read/pdf.py` finds ruled tables with pdfplumber's own table finder on a
:class:`RuledPage`. The text of visible widgets and stamps (an e-signature's number
and date) is read by `read/pdf.py` from the annotations' appearance streams with
pdfminer, which does not parse the page's content for it.

**Pages read by pdfplumber instead** (the reason is kept in ``fallback``): rotated
pages; a MediaBox not at the origin; characters without a Unicode mapping (pdfminer
writes "(cid:54)", which the font-map repair reads); rotated or mirrored characters;
fonts pdfminer measures with its own metrics (the standard 14); fonts not embedded
(pdfium measures a substitute); text in the codes of a legacy Vietnamese encoding
(TCVN3 ".VnTime", VNI: their old subset fonts measure differently; ``read/pdf.py``
converts that text); marked content with ``/ActualText`` (pdfium prints the
replacement text). A hyphen that ends a line, which pdfium marks as U+0002, is read
back as "-". A file whose fonts have glyphs the glyph-map repair may re-letter
(:func:`glyph_suspects`), and a file pdfium cannot open at all, are left to
pdfplumber whole, so the repair and the refusals work as they always did.

Geometry is pdfium's 32-bit floats rounded to 4 decimals (the numbers as written in
the file); boxes then agree with pdfplumber's to a hundredth of a point, and
`tests/test_pdfium.py` checks every generated and corpus PDF reads alike.
"""
from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as raw
from pdfminer.fontmetrics import FONT_METRICS
from pdfplumber.container import Container
from pdfplumber.table import TableFinder, TableSettings
from pypdfium2_raw.bindings import _libs

from pipeline.read.words import CODE_POINTS, CharArrays
from pipeline.repair.legacy_encodings import encoding_for_font, has_unicode_vietnamese

_SUBSET = re.compile(r"^[A-Z]{6}\+")


class CannotOpen(Exception):
    """pdfium could not open the file (corrupt, encrypted ...): pdfplumber says why."""


# --------------------------------------------------------------------------
# ctypes: the functions called once per character, with plain pointer arguments
# (pypdfium2's own prototypes build a ctypes pointer object per call)
# --------------------------------------------------------------------------
_lib = _libs["pdfium"]


def _function(name: str, restype, *argtypes):
    function = _lib[name]
    function.restype = restype
    function.argtypes = argtypes
    return function


_VP, _INT, _DOUBLE = ctypes.c_void_p, ctypes.c_int, ctypes.c_double
_char_origin = _function("FPDFText_GetCharOrigin", _INT, _VP, _INT, ctypes.POINTER(_DOUBLE), ctypes.POINTER(_DOUBLE))
_text_object = _function("FPDFText_GetTextObject", _VP, _VP, _INT)
_unicode_error = _function("FPDFText_HasUnicodeMapError", _INT, _VP, _INT)
_page_text = _function("FPDFText_GetText", _INT, _VP, _INT, _INT, _VP)
_unicode = _function("FPDFText_GetUnicode", ctypes.c_uint, _VP, _INT)
_loose_box = _function("FPDFText_GetLooseCharBox", _INT, _VP, _INT, ctypes.POINTER(raw.FS_RECTF))
_tight_box = _function("FPDFText_GetCharBox", _INT, _VP, _INT, *[ctypes.POINTER(_DOUBLE)] * 4)
_font_size = _function("FPDFText_GetFontSize", _DOUBLE, _VP, _INT)
_char_matrix = _function("FPDFText_GetMatrix", _INT, _VP, _INT, ctypes.POINTER(raw.FS_MATRIX))


def _bare(name: str, restype):
    """A function called with ready-made ctypes arguments (a ``c_void_p``, an ``int`` index, ``byref``
    pointers), without ``argtypes``: ctypes then converts nothing, a third of the cost of a call."""
    function = _lib[name]
    function.restype = restype
    function.argtypes = None
    return function


# The per-character calls of :func:`_chars` (the text page passed as a ``c_void_p``).
_char_origin_bare = _bare("FPDFText_GetCharOrigin", _INT)
_text_object_bare = _bare("FPDFText_GetTextObject", _VP)
_unicode_error_bare = _bare("FPDFText_HasUnicodeMapError", _INT)
_loose_box_bare = _bare("FPDFText_GetLooseCharBox", _INT)
# Once per text object (its font, its marks), on the object's address as pdfium's text page gives it.
_object_font_bare = _bare("FPDFTextObj_GetFont", _VP)
_count_marks_bare = _bare("FPDFPageObj_CountMarks", _INT)


def _address(pointer) -> int:
    return ctypes.cast(pointer, _VP).value or 0


# --------------------------------------------------------------------------
# Fonts and text objects
# --------------------------------------------------------------------------
@dataclass
class _Font:
    handle: object
    name: str
    descent: float  # per 1000 units of the font size, negative
    base14: bool  # pdfminer measures it with its own AFM metrics
    embedded: bool  # a font not embedded is drawn by pdfium with a substitute's metrics
    legacy: bool  # named for a legacy Vietnamese encoding (.VnTime, VNI-Times)


@dataclass(eq=False)
class _Run:
    """What all characters of one text object share."""

    font: _Font
    tf: float  # the font size set by Tf
    size: float  # font size times the vertical scale of the text matrix
    scale: float  # horizontal scale of the text matrix (advances are per size and scale)
    upright: bool
    axis_aligned: bool


def legacy_font_name(fontname: str) -> str:
    from pipeline.read.pdf import legacy_font_name as family

    return family(fontname)


def _font_of(handle, cache: dict[int, _Font]) -> _Font:
    """The font of a handle (an ``FPDF_FONT``, or its address as an int)."""
    key = handle if isinstance(handle, int) else _address(handle)
    font = cache.get(key)
    if font is None:
        handle = ctypes.cast(_VP(key), raw.FPDF_FONT)
        length = raw.FPDFFont_GetBaseFontName(handle, None, 0)
        buffer = ctypes.create_string_buffer(max(1, length))
        raw.FPDFFont_GetBaseFontName(handle, buffer, length)
        name = buffer.value.decode("latin-1")
        descent = ctypes.c_float()
        raw.FPDFFont_GetDescent(handle, ctypes.c_float(1000.0), ctypes.byref(descent))
        bare = _SUBSET.sub("", name)
        font = _Font(handle, name, -abs(descent.value), bare in FONT_METRICS, bool(raw.FPDFFont_GetIsEmbedded(handle)),
                     encoding_for_font(legacy_font_name(bare)) is not None)
        cache[key] = font
    return font


def _run_of(textpage: int, index: int, obj: int, fonts: dict[int, _Font]) -> _Run:
    matrix = raw.FS_MATRIX()
    _char_matrix(textpage, index, ctypes.byref(matrix))
    font = _font_of(_object_font_bare(_VP(obj)) or 0, fonts)
    tf = _font_size(textpage, index)  # the Tf size
    a, b, c, d = matrix.a, matrix.b, matrix.c, matrix.d
    return _Run(font, tf, size=_exact(tf * d), scale=a, upright=a * d > 0 and b * c <= 0, axis_aligned=b == 0 and c == 0 and a > 0 and d > 0)


def _has_actual_text(address: int) -> bool:
    count = _count_marks_bare(_VP(address))
    if count <= 0:
        return False
    obj = ctypes.cast(_VP(address), raw.FPDF_PAGEOBJECT)
    for i in range(count):
        mark = raw.FPDFPageObj_GetMark(obj, i)
        if mark and raw.FPDFPageObjMark_GetParamValueType(mark, b"ActualText") != raw.FPDF_OBJECT_UNKNOWN:
            return True
    return False


# --------------------------------------------------------------------------
# The page's objects: text objects pdfium dropped, rules, images
# --------------------------------------------------------------------------
@dataclass
class _Objects:
    text: list[tuple[object, tuple[float, ...]]] = field(default_factory=list)  # (object, matrix to the page)
    paths: list[tuple[object, tuple[float, ...]]] = field(default_factory=list)  # painted paths
    images: list[tuple[float, float, float, float]] = field(default_factory=list)  # x0, y0, x1, y1 (PDF space)


def _multiply(m, n) -> tuple[float, ...]:
    """m then n (PDF row-vector convention)."""
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s, e * p + f * r + t, e * q + f * s + u)


def _collect(count, get, to_page, out: _Objects) -> None:
    bounds = [ctypes.c_float() for _ in range(4)]
    for i in range(count()):
        obj = get(i)
        kind = raw.FPDFPageObj_GetType(obj)
        if kind == raw.FPDF_PAGEOBJ_TEXT:
            out.text.append((obj, to_page))
        elif kind == raw.FPDF_PAGEOBJ_PATH:
            out.paths.append((obj, to_page))
        elif kind == raw.FPDF_PAGEOBJ_IMAGE:
            raw.FPDFPageObj_GetBounds(obj, *[ctypes.byref(v) for v in bounds])
            x0, y0, x1, y1 = (v.value for v in bounds)
            out.images.append(_transform_box(to_page, x0, y0, x1, y1))
        elif kind == raw.FPDF_PAGEOBJ_FORM:
            matrix = raw.FS_MATRIX()
            raw.FPDFPageObj_GetMatrix(obj, ctypes.byref(matrix))
            inner = _multiply((matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f), to_page)
            _collect(lambda o=obj: raw.FPDFFormObj_CountObjects(o), lambda j, o=obj: raw.FPDFFormObj_GetObject(o, j),
                     inner, out)


def _transform_box(m, x0, y0, x1, y1) -> tuple[float, float, float, float]:
    if m == (1, 0, 0, 1, 0, 0):
        return x0, y0, x1, y1
    a, b, c, d, e, f = m
    xs, ys = [], []
    for x, y in ((x0, y0), (x0, y1), (x1, y0), (x1, y1)):
        xs.append(a * x + c * y + e)
        ys.append(b * x + d * y + f)
    return min(xs), min(ys), max(xs), max(ys)


# --------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------
class RuledPage(Container):
    """What pdfplumber's table finder reads of a page (its characters, lines, rectangles and curves, its
    box), made from pdfium's objects, so that `read/pdf.py` finds tables with pdfplumber's own finder.
    The finder itself reads only the rules: the characters (given as dicts or as `CharArrays`) are made
    into dicts, and ``filter``'s tests applied to them, when a table found needs its text."""

    def __init__(self, objects: dict[str, list[dict]], bbox: tuple[float, float, float, float],
                 chars: list[dict] | CharArrays | None = None, tests: tuple = ()):
        self._page_objects = objects  # lines, rectangles, curves
        self._chars = [] if chars is None else chars
        self._tests = tests  # filter's tests not yet applied to the characters
        self.bbox = bbox

    @property
    def objects(self) -> dict[str, list[dict]]:
        return {**self._page_objects, "char": self.chars}

    @property
    def rects(self) -> list[dict]:
        return self._page_objects.get("rect", [])

    @property
    def lines(self) -> list[dict]:
        return self._page_objects.get("line", [])

    @property
    def curves(self) -> list[dict]:
        return self._page_objects.get("curve", [])

    @property
    def chars(self) -> list[dict]:
        if isinstance(self._chars, CharArrays) or self._tests:
            chars = self._chars.dicts() if isinstance(self._chars, CharArrays) else self._chars
            for test in self._tests:
                chars = [c for c in chars if test(c)]
            self._chars, self._tests = chars, ()
        return self._chars

    def filter(self, test) -> "RuledPage":
        shapes = {kind: [o for o in objs if test(o)] for kind, objs in self._page_objects.items()}
        return RuledPage(shapes, self.bbox, self._chars, self._tests + (test,))

    def find_tables(self, table_settings=None) -> list:
        tables = TableFinder(self, TableSettings.resolve(table_settings)).tables
        if not tables:
            return tables
        # A table reads its cells from the characters of its page; give it those whose middle is
        # inside it (pdfplumber's own test), not the whole page's, once for all its cells. On arrays
        # the test is made on them, and only the characters inside become dicts.
        if isinstance(self._chars, CharArrays):
            boxes = self._chars.boxes
            h, v = (boxes[:, 0] + boxes[:, 1]) / 2, (boxes[:, 2] + boxes[:, 3]) / 2
            for table in tables:
                x0, top, x1, bottom = table.bbox
                inside = self._chars.take(np.flatnonzero((x0 <= h) & (h < x1) & (top <= v) & (v < bottom)))
                table.page = RuledPage({}, self.bbox, inside, self._tests)
            return tables
        chars = self.chars
        middles = [((c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2) for c in chars]
        for table in tables:
            x0, top, x1, bottom = table.bbox
            inside = [c for c, (h, v) in zip(chars, middles) if x0 <= h < x1 and top <= v < bottom]
            table.page = RuledPage({}, self.bbox, inside)
        return tables


@dataclass
class PdfiumPage:
    """One page as `read/pdf.py` reads it: the attributes of a pdfplumber page it uses, and what pdfium
    could not give (``fallback``: the page is read by pdfplumber; ``stamps``: read the annotations' text)."""

    page_number: int
    width: float
    height: float
    images: list[dict] = field(default_factory=list)
    shapes: list[dict] = field(default_factory=list)  # painted lines, rectangles and curves
    stamps: bool = False  # visible widgets or stamps with an appearance (an e-signature's number and date)
    fallback: str | None = None
    arrays: CharArrays | None = None  # the characters (None when the page falls back to pdfplumber)

    @property
    def chars(self) -> list[dict]:
        """The characters as pdfplumber's dicts (made anew at each call: `read/pdf.py` reads ``arrays``)."""
        return self.arrays.dicts() if self.arrays is not None else []

    def ruled(self, chars: list[dict] | CharArrays) -> RuledPage:
        """The page for pdfplumber's table finder, with these characters (duplicates removed)."""
        objects: dict[str, list[dict]] = {"line": [], "rect": [], "curve": []}
        for shape in self.shapes:
            objects[shape["object_type"]].append(shape)
        return RuledPage(objects, (0.0, 0.0, self.width, self.height), chars)


def _visible_stamps(page) -> bool:
    """A visible widget, free-text or stamp annotation with an appearance stream (read/pdf.py reads its text)."""
    for i in range(raw.FPDFPage_GetAnnotCount(page)):
        annot = raw.FPDFPage_GetAnnot(page, i)
        try:
            subtype = raw.FPDFAnnot_GetSubtype(annot)
            if subtype not in (raw.FPDF_ANNOT_WIDGET, raw.FPDF_ANNOT_FREETEXT, raw.FPDF_ANNOT_STAMP):
                continue
            if raw.FPDFAnnot_GetFlags(annot) & (2 | 32) or not raw.FPDFAnnot_HasKey(annot, b"AP"):
                continue
            return True
        finally:
            raw.FPDFPage_CloseAnnot(annot)
    return False


def _read_page(doc: pdfium.PdfDocument, index: int, doctop: float) -> PdfiumPage:
    page = doc[index]
    try:
        box = [ctypes.c_float() for _ in range(4)]
        if not raw.FPDFPage_GetMediaBox(page.raw, *[ctypes.byref(v) for v in box]):
            box = [ctypes.c_float(v) for v in (0.0, 0.0, page.get_width(), page.get_height())]
        left, right = sorted(_exact(box[i].value) for i in (0, 2))
        bottom, top = sorted(_exact(box[i].value) for i in (1, 3))
        out = PdfiumPage(index + 1, right - left, top - bottom)
        if page.get_rotation():
            out.fallback = "rotated page"
            return out
        if left or bottom:
            out.fallback = "MediaBox not at the origin"
            return out
        height = out.height  # pdfplumber: top = the MediaBox's height - y
        out.stamps = _visible_stamps(page.raw)
        objects = _Objects()
        _collect(lambda: raw.FPDFPage_CountObjects(page.raw), lambda j: raw.FPDFPage_GetObject(page.raw, j),
                 (1, 0, 0, 1, 0, 0), objects)
        out.images = [{"x0": x0, "x1": x1, "top": height - y1, "bottom": height - y0, "doctop": doctop + height - y1}
                      for x0, y0, x1, y1 in objects.images]
        out.shapes = [shape for obj, to_page in objects.paths for shape in _shapes(obj, to_page, height, doctop)]
        textpage = page.get_textpage()
        columns = _Columns()
        try:
            out.fallback = _chars(textpage, objects, height, columns)
        finally:
            textpage.close()
        if not out.fallback:
            out.arrays = columns.arrays(doctop)
        return out
    finally:
        page.close()


def _exact(value: float) -> float:
    """pdfium keeps coordinates as 32-bit floats (595.28 reads 595.280029...); pdfplumber has the numbers
    as written, or their 64-bit products. Rounding to 4 decimals gives back the written number.
    (``int`` and a division: three times faster than ``round(value, 4)``, and the same for the
    positive coordinates of a page.)"""
    return int(value * 10000.0 + 0.5) / 10000.0 if value >= 0 else round(value, 4)


def _exact_array(values: np.ndarray) -> np.ndarray:
    """:func:`_exact` of every value (the same float64 operations; ``round`` itself for negative values)."""
    out = np.floor(values * 10000.0 + 0.5) / 10000.0
    negative = np.flatnonzero(values < 0)
    if len(negative):
        out[negative] = [round(v, 4) for v in values[negative].tolist()]
    return out


class _Columns:
    """The characters `_chars` reads, as it reads them: five numbers per letter, in order: its origin
    (x, y) as pdfium gives it, its advance, its text object's slot (``slots``: the object's drop and
    size, ``bottom = drop - y``) and its group (`CharArrays`: the run key times ``CODE_POINTS`` plus the
    code point of the character's text; same upright, fontname and size: the same run key). Rounding
    and sums are done once on the arrays (:meth:`arrays`); a space put back is stored finished."""

    def __init__(self) -> None:
        self.values: list[float] = []
        self.runs: dict[tuple, int] = {}  # (fontname, size, upright) -> run key
        self.slots: list[tuple[float, float]] = []  # per text object read: (drop, size)
        self.spaces: list[tuple[int, float, float, float, float]] = []  # (row, x0, x1, bottom, size)

    def run_key(self, run: _Run) -> int:
        return self.runs.setdefault((run.font.name, run.size, run.upright), len(self.runs)) * CODE_POINTS

    def slot(self, drop: float, size: float) -> int:
        self.slots.append((drop, size))
        return len(self.slots) - 1

    def add_space(self, run: _Run, x0: float, x1: float, y: float, page_top: float) -> None:
        """A space (pdfminer's box: one em high, from the font's descent below the baseline ``y``)."""
        size = run.size
        bottom = page_top - (y + run.font.descent * size / 1000)
        self.spaces.append((len(self.values) // 5, x0, x1, bottom, size))
        self.values.extend((x0, 0.0, 0.0, 0, self.run_key(run) + 32))

    def arrays(self, doctop: float) -> CharArrays:
        """x0 and y rounded (:func:`_exact`), x1 = x0 + the advance rounded, bottom = drop - y,
        top = bottom - size, doctop = the page's doctop + top: the float64 sums the dicts had."""
        values = np.array(self.values, np.float64).reshape(-1, 5)
        slots = np.array(self.slots or [(0.0, 0.0)], np.float64)[values[:, 3].astype(np.int64)]
        x0 = _exact_array(values[:, 0])
        x1 = _exact_array(x0 + values[:, 2])
        bottom = slots[:, 0] - _exact_array(values[:, 1])
        size = slots[:, 1]
        if self.spaces:
            rows, *numbers = (np.array(column) for column in zip(*self.spaces))
            x0[rows], x1[rows], bottom[rows], size[rows] = numbers
        top = bottom - size
        boxes = np.column_stack([x0, x1, top, bottom, size])
        return CharArrays(boxes, doctop + top, values[:, 4].astype(np.int64), [name for name, _, _ in self.runs])


def _chars(textpage_obj, objects: _Objects, page_top: float, columns: _Columns) -> str | None:
    """Fill ``columns`` with the page's characters as pdfplumber makes them; a reason instead when it cannot."""
    textpage = _address(textpage_obj.raw)
    count = textpage_obj.count_chars()
    buffer = ctypes.create_string_buffer(2 * (count + 1))
    got = _page_text(textpage, 0, count, buffer) if count else 0
    text = buffer.raw[: 2 * max(0, got - 1)].decode("utf-16-le", "surrogatepass")
    if len(text) != count:
        text = "".join(chr(_unicode(textpage, k)) for k in range(count))
    fonts: dict[int, _Font] = {}
    runs: dict[int, _Run] = {}
    metrics: dict[tuple, dict[str, float]] = {}  # (font, Tf size, horizontal scale) -> advance width per letter
    ox, oy = _DOUBLE(), _DOUBLE()
    p_ox, p_oy = ctypes.byref(ox), ctypes.byref(oy)
    loose = raw.FS_RECTF()
    p_loose = ctypes.byref(loose)
    tight = [_DOUBLE() for _ in range(4)]
    p_tight = [ctypes.byref(v) for v in tight]
    width = ctypes.c_float()
    p_width = ctypes.byref(width)
    text_object, char_origin, unicode_error, loose_box = (_text_object_bare, _char_origin_bare, _unicode_error_bare,
                                                          _loose_box_bare)
    page_pointer = _VP(textpage)
    add_values = columns.values.extend
    run_key = 0
    used: set[int] = set()
    last_obj = 0
    run = advances = None
    fontname = size = legacy = slot = 0  # the run's
    gap_space = None  # a space pdfium generated inside a text object, waiting for the next letter
    legacy_text: dict[str, list[str]] = {}  # the text of fonts named for a legacy encoding
    for k in range(count):
        obj = text_object(page_pointer, k)
        if not obj:
            continue  # pdfium's own space or line break between objects
        if obj != last_obj:
            run = runs.get(obj)
            if run is None:
                run = runs[obj] = _run_of(textpage, k, obj, fonts)
                if not run.axis_aligned:
                    return "rotated or mirrored characters"
                if run.font.base14:
                    return f"standard font {run.font.name} (pdfminer's own metrics)"
                if not run.font.embedded:
                    return f"font {run.font.name} not embedded (pdfium measures a substitute)"
                if run.font.legacy:
                    legacy_text.setdefault(run.font.name, [])
                if _has_actual_text(obj):
                    return "marked content with /ActualText"
                used.add(obj)
            advances = metrics.setdefault((id(run.font), run.tf, run.scale), {})
            fontname, size, legacy = run.font.name, run.size, run.font.legacy
            slot = columns.slot(page_top - run.font.descent * size / 1000, size)  # bottom = drop - baseline
            run_key = columns.run_key(run)
            last_obj = obj
        ch = text[k]
        if ch in "\x02\ufffe":
            ch = "-"  # pdfium marks a hyphen that ends a line; pdfplumber keeps the character
        if unicode_error(page_pointer, k):
            return "characters without a Unicode mapping"
        char_origin(page_pointer, k, p_ox, p_oy)
        x = ox.value  # as pdfium gives it: _Columns.arrays rounds it (_exact)
        if gap_space is not None:
            # A real space merged into pdfium's gap space when the next letter starts further on.
            space_run, space_obj, space_x, space_y = gap_space
            gap_space = None
            space_x, letter_x = _exact(space_x), _exact(x)
            if space_obj == obj and letter_x - space_x >= 0.01 * max(1.0, size):
                columns.add_space(space_run, space_x, letter_x, _exact(space_y), page_top)
        advance = advances.get(ch)
        if advance is None or ch == " ":
            loose_box(page_pointer, k, p_loose)
            if ch == " " and loose.right == loose.left:
                gap_space = (run, obj, x, oy.value)  # pdfium's space for a positioning gap: known at the next letter
                continue
            if advance is None:
                # The advance: the loose box's right edge where the ink stays inside it, else the font's width.
                _tight_box(textpage, k, *p_tight)
                if loose.right > tight[1].value + 1e-4 or tight[1].value <= tight[0].value:
                    advance = loose.right - ox.value
                else:
                    raw.FPDFFont_GetGlyphWidth(run.font.handle, ord(ch), ctypes.c_float(run.tf), p_width)
                    advance = width.value * run.scale
                advances[ch] = advance
        if legacy:
            legacy_text[fontname].append(ch)
        add_values((x, oy.value, advance, slot, run_key + ord(ch)))
    for name, letters in legacy_text.items():
        text = "".join(letters)
        if not text.isascii() and not has_unicode_vietnamese(text):
            return f"text in the legacy-encoded font {name}"  # old subset fonts, measured differently
    # Text objects that left nothing on the text page: single spaces pdfium dropped.
    for obj, to_page in objects.text:
        if _address(obj) in used:
            continue
        bounds = [ctypes.c_float() for _ in range(4)]
        raw.FPDFPageObj_GetBounds(obj, *[ctypes.byref(v) for v in bounds])
        if bounds[2].value - bounds[0].value >= 0.01:
            continue  # a duplicate pdfium recognised (fake bold): read/pdf.py drops it too
        run = _object_run(obj, to_page, fonts)
        if run is None:
            continue
        x, y = _exact(run[1]), _exact(run[2])
        columns.add_space(run[0], x, x, y, page_top)
    return None


def _object_run(obj, to_page, fonts) -> tuple[_Run, float, float] | None:
    matrix = raw.FS_MATRIX()
    raw.FPDFPageObj_GetMatrix(obj, ctypes.byref(matrix))
    a, b, c, d, e, f = _multiply((matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f), to_page)
    if b != 0 or c != 0 or a <= 0 or d <= 0:
        return None
    size = ctypes.c_float()
    raw.FPDFTextObj_GetFontSize(obj, ctypes.byref(size))
    font = _font_of(raw.FPDFTextObj_GetFont(obj), fonts)
    return _Run(font, size.value, size=_exact(size.value * d), scale=a, upright=True, axis_aligned=True), e, f


class PdfiumDocument:
    """An open PDF: ``pages()`` yields a :class:`PdfiumPage` per page; use as a context manager."""

    def __init__(self, path: Path):
        try:
            self._doc = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError as err:
            raise CannotOpen(str(err)) from None
        self.page_count = len(self._doc)

    def pages(self):
        doctop = 0.0
        for index in range(self.page_count):
            page = _read_page(self._doc, index, doctop)
            doctop += page.height
            yield page

    def close(self) -> None:
        self._doc.close()

    def __enter__(self) -> "PdfiumDocument":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_pdf(path: Path) -> PdfiumDocument:
    return PdfiumDocument(Path(path))


# --------------------------------------------------------------------------
# Paths as pdfplumber's lines, rectangles and curves (for its table finder)
# --------------------------------------------------------------------------
def _color(obj, getter) -> tuple[float, ...]:
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    if not getter(obj, *[ctypes.byref(v) for v in (r, g, b, a)]):
        return (0.0,)
    return (r.value / 255, g.value / 255, b.value / 255)


def _shapes(obj, to_page, height: float, doctop: float) -> list[dict]:
    """One painted path as pdfminer's paint_path splits and names it: a line, a rectangle
    or a curve per subpath, with pdfplumber's keys (coordinates from the top of the page)."""
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    raw.FPDFPath_GetDrawMode(obj, ctypes.byref(fill), ctypes.byref(stroke))
    if not fill.value and not stroke.value:
        return []  # a clipping path ("W n"): nothing painted
    matrix = raw.FS_MATRIX()
    raw.FPDFPageObj_GetMatrix(obj, ctypes.byref(matrix))
    a, b, c, d, e, f = _multiply((matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f), to_page)
    x, y = ctypes.c_float(), ctypes.c_float()
    subpaths: list[list[tuple[str, tuple[float, float]]]] = []
    bezier: list[tuple[float, float]] = []
    for i in range(raw.FPDFPath_CountSegments(obj)):
        segment = raw.FPDFPath_GetPathSegment(obj, i)
        raw.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y))
        point = (_exact(a * x.value + c * y.value + e), _exact(b * x.value + d * y.value + f))
        kind = raw.FPDFPathSegment_GetType(segment)
        if kind == raw.FPDF_SEGMENT_MOVETO or not subpaths:
            subpaths.append([("m", point)])
            bezier = []
        elif kind == raw.FPDF_SEGMENT_BEZIERTO:
            bezier.append(point)
            if len(bezier) < 3:
                continue
            subpaths[-1].append(("c", point))  # pdfminer keeps a curve's end point
            bezier = []
        else:
            subpaths[-1].append(("l", point))
        if raw.FPDFPathSegment_GetClose(segment):
            subpaths[-1].append(("h", subpaths[-1][0][1]))
    shapes = []
    stroking = _color(obj, raw.FPDFPageObj_GetStrokeColor)
    filling = _color(obj, raw.FPDFPageObj_GetFillColor)
    for path in subpaths:
        shape = "".join(op for op, _ in path)
        pts = [p for _, p in path]
        if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
            shape = shape[:-2] + "h"  # pdfminer drops a redundant "l" on a path closed with "h"
            pts.pop()
        if shape in ("mlh", "ml"):
            kind, pts = "line", pts[:2]
        elif shape in ("mlllh", "mllll"):
            (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
            square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
            if pts[0] == pts[4] and square:
                kind, pts = "rect", [(x0, y0), (x2, y0), (x2, y2), (x0, y2)]
            else:
                kind = "curve"
        else:
            kind = "curve"
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        shapes.append({
            "object_type": kind, "x0": x0, "x1": x1, "y0": y0, "y1": y1, "width": x1 - x0, "height": y1 - y0,
            "top": height - y1, "bottom": height - y0, "doctop": doctop + height - y1,
            "pts": [(px, height - py) for px, py in pts], "stroke": bool(stroke.value), "fill": bool(fill.value),
            "stroking_color": stroking, "non_stroking_color": filling,
        })
    return shapes


# --------------------------------------------------------------------------
# Glyph maps to repair (repair/glyph_map.py works on pdfminer's fonts)
# --------------------------------------------------------------------------
_CMAP_BLOCK = re.compile(rb"begin(bfchar|bfrange)(.*?)end\1", re.S)
_CMAP_TOKEN = re.compile(rb"<([0-9A-Fa-f\s]*)>|(\[)|(\])|(\S+)")
_CMAP_PAIR = re.compile(rb"<((?:[0-9A-Fa-f]{2})*)>\s*<((?:[0-9A-Fa-f]{2})*)>")  # a bfchar entry as makers write it


def _to_unicode(data: bytes, pairs: bool = True) -> dict[int, str] | None:
    """A ToUnicode CMap's code -> text, as pdfminer's CMap parser reads it; None for anything this
    small reader does not follow (glyph names, ``usecmap``, odd tokens): the caller then assumes the worst.
    ``pairs``: a block of plain "<code> <text>" pairs is read by one pattern (the general token
    reader, which tests/test_pdfium.py compares it with, takes twice as long)."""
    if b"usecmap" in data:
        return None
    table: dict[int, str] = {}
    fromhex = bytes.fromhex

    def put(cid: int, code: bytes) -> None:
        put_text(cid, code.decode("utf-16-be", "ignore"))

    def put_text(cid: int, text: str) -> None:
        if not (text == "\u00a0" and table.get(cid) == " "):
            table[cid] = text

    for kind, body in _CMAP_BLOCK.findall(data):
        if pairs and kind == b"bfchar" and not _CMAP_PAIR.sub(b"", body).strip():
            # only "<code> <text>" pairs: read as pairs (a whole font's map is thousands of them)
            for cid, code in _CMAP_PAIR.findall(body):
                key = int(cid, 16) if cid else 0
                if len(code) == 4:  # one UTF-16 unit: its character (a lone surrogate decodes to nothing)
                    unit = int(code, 16)
                    put_text(key, "" if 0xD800 <= unit <= 0xDFFF else chr(unit))
                else:
                    put(key, fromhex(code.decode()))
            continue
        items: list = []
        array: list[bytes] | None = None
        for hexa, opening, closing, other in _CMAP_TOKEN.findall(body):
            if other:
                return None
            if opening:
                array = []
            elif closing:
                items.append(array)
                array = None
            elif array is not None:
                try:
                    array.append(fromhex(hexa.decode()))  # (skips whitespace between the bytes)
                except ValueError:
                    array.append(fromhex(hexa.decode().replace(" ", "").replace("\n", "").replace("\r", "")
                                         .replace("\t", "")))
            else:
                try:
                    items.append(fromhex(hexa.decode()))
                except ValueError:
                    items.append(fromhex(re.sub(rb"\s", b"", hexa).decode()))
        if kind == b"bfchar":
            for cid, code in zip(items[::2], items[1::2]):
                if isinstance(cid, bytes) and isinstance(code, bytes):
                    put(int.from_bytes(cid, "big") if cid else 0, code)
            continue
        for lo, hi, code in zip(items[::3], items[1::3], items[2::3]):
            if not isinstance(lo, bytes) or not isinstance(hi, bytes) or len(lo) != len(hi):
                continue
            start, end = int.from_bytes(lo, "big") if lo else 0, int.from_bytes(hi, "big") if hi else 0
            if isinstance(code, list):
                for cid, value in zip(range(start, end + 1), code):
                    put(cid, value)
                continue
            var, prefix = code[-4:], code[:-4]
            base = int.from_bytes(var, "big") if var else 0
            for i in range(end - start + 1):
                put(start + i, prefix + (base + i).to_bytes(4, "big")[-len(var):] if var else prefix)
    return table


def glyph_suspects(path: Path) -> bool:
    """Would `repair/glyph_map.py` find suspect glyphs in this file's fonts ("ƣ" for "ư")? Then pdfplumber
    reads the file, with the repaired maps. The same test as its ``find_suspects`` (the fonts of every
    page's resources, their ToUnicode letters, the embedded program's names for a Type0 font), with the
    ToUnicode CMaps read by a small parser instead of pdfminer's font loader (a fifth of a second for a
    Word-made file); a font it cannot follow counts as suspect."""
    import pdfplumber
    from pdfminer.pdftypes import PDFStream, resolve1

    from pipeline.repair import glyph_map

    with pdfplumber.open(path) as pdf:
        for _, spec in glyph_map.page_fonts(pdf):
            subtype = getattr(resolve1(spec.get("Subtype")), "name", "")
            base = getattr(resolve1(spec.get("BaseFont")), "name", None) or ""
            stream = resolve1(spec.get("ToUnicode"))
            if stream is None:
                if subtype == "Type0":
                    return True  # pdfminer may map it through a predefined CMap: not followed here
                continue  # no table: nothing to suspect
            if not isinstance(stream, PDFStream):
                return True
            try:
                table = _to_unicode(stream.get_data())
            except Exception:
                return True
            if table is None:
                return True
            if not table or encoding_for_font(re.sub(r"^[A-Z]{6}\+", "", base)):
                continue
            letters = {cid: ch for cid, ch in table.items() if len(ch) == 1 and ch.isalpha()}
            foreign = [cid for cid, ch in letters.items() if glyph_map._is_foreign_letter(ch)]
            if len(foreign) > glyph_map.MAX_SUSPECTS:
                continue
            if foreign:
                return True
            named = glyph_map._font_cmap(spec) if subtype == "Type0" else None
            if named is None:
                continue
            gid = glyph_map._cid_to_gid(spec)
            both = [(cid, ch, [n for n in named.get(gid(cid), []) if n.isalpha()]) for cid, ch in letters.items()]
            both = [(cid, ch, names) for cid, ch, names in both if names]
            disagree = [cid for cid, ch, names in both if ch not in names]
            if disagree and len(disagree) <= glyph_map.MAX_SUSPECTS and len(disagree) <= 0.1 * len(both):
                return True
    return False
