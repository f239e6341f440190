"""OCR of scanned PDFs and image files with Tesseract's Vietnamese model.

Per page:

1. **Rasterise** (PDFs) with pypdfium2 at ``DEFAULT_DPI``. The default was
   chosen with ``benchmarks/ocr_dpi.py`` and ``benchmarks/ocr_pipeline.py``
   (Tesseract 5.3.0 / vie 4.1.0, 2 cores): 150 dpi was noticeably worse on
   diacritics; 300 dpi made fewer errors than 200 dpi on poor print for
   about 20% more time. See the reports in those scripts' docstrings.
2. **Preprocess** (OpenCV for the pixel work: one call each, 5-10x faster
   than PIL or numpy here): grayscale; upscale images under ``MIN_DPI``
   (small text loses its tone marks); deskew by the projection-profile
   method (the angle, within ±5°, whose horizontal ink profile has the
   largest variance: text rows are sharpest when level; computed on a
   reduced copy from the ink pixels' coordinates, not by rotating the image
   32 times), rotating with bilinear interpolation; binarise with Otsu's
   threshold. A page without contrast (a blank scanned page) becomes white:
   Otsu would split the paper noise and Tesseract would read pages of
   garbage.
3. **Ruled tables** (:func:`find_rules`, :func:`find_grids`): long horizontal
   and vertical ink runs; rules that cross each other form a grid of at least
   two rows and two columns (a missing rule between two cells joins them).
   The grid's rules are erased and the table area is blanked for the page
   OCR; the non-empty cells are cut out and stacked into one "mosaic" image
   OCR'd in a single extra Tesseract call (read as a page, the cells of a
   table with text at different heights come out as interleaved garbage).
4. **Recognise**: the ``tesseract`` binary, ``--psm 6`` (one uniform block),
   TSV output, one process per page with ``OMP_THREAD_LIMIT=1``; pages run in
   parallel in a process pool (Tesseract's own threading is slower on this
   hardware). Tesseract sometimes returns "Ð" (U+00D0, Icelandic eth) for "Đ"
   (U+0110), or both for one letter: mapped back; text is NFC. Roman
   enumerators misread with look-alikes ("|.", "lI.", "Quý JI/2018") are
   repaired (:func:`fix_roman`, :func:`fix_quarters`).
5. **Layout** (:func:`_to_pages`), shared with the PDF reader
   (:func:`pipeline.read.pdf.layout_pages`): Tesseract's lines become the PDF
   reader's rows, two lines side by side at one height joined into one row;
   each row gets its median word top and bottom (tone marks and descenders do
   not move it) and a font size from that height (``SIZE_PER_HEIGHT``,
   snapped to the page's usual size). Then exactly the PDF reader's rules:
   page numbers and running headers dropped; a row whose widest word gap is
   at least 2.5 font sizes and 3x its median gap opens a two-column block
   (header: issuer and "Số:" left, Quốc hiệu and date right; signature: Nơi
   nhận left, signer right), read left column first; rows joined into
   paragraphs unless an enumerator, opener, caps heading, vertical gap,
   first-line indent or sentence end starts a new one; table rows (with
   cells, header rows, tables continued over pages) in reading order.
   Boxes are PDF points.

Confidence: every output Line (a paragraph, heading or table row) carries the
**minimum** of the mean word confidences of the OCR lines it was made of (a
paragraph is as doubtful as its worst line: one smudged line is where a
number may be wrong). Low-confidence OCR lines (stamps, signatures,
handwriting, smudges) are not dropped and not silently trusted: each is
named in ``RawDocument.warnings``; :func:`ocr_confidences` gives every Line's
confidence so that item confidence can carry it.
"""
from __future__ import annotations

import csv
import functools
import io
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from pipeline.errors import ReadError
from pipeline.lexicon import ENUMERATION_LETTERS, ascii_fold
from pipeline.model import Page, RawDocument
from pipeline.read.pdf import TextLayer, _join_text, _PageData, _Row, _Table, _Word, layout_pages
from pipeline.repair.syllables import is_vietnamese_syllable, syllable_validity

# Measured with benchmarks/ocr_dpi.py: 300 dpi has a quarter of 200 dpi's errors on poor print, same speed.
DEFAULT_DPI = 300
# Images scanned below this are upscaled before OCR (tone marks are a few pixels tall).
MIN_DPI = 200
# Refuse images larger than this before decoding them (decompression bombs).
MAX_PIXELS = 100_000_000
# A line whose mean word confidence is below this is reported as doubtful.
LOW_CONFIDENCE = 60.0
# ... and one that also has few valid syllables is probably not print at all.
STAMP_VALIDITY = 0.5
# Seconds allowed for one page.
PAGE_TIMEOUT = 180
MAX_SKEW = 5.0
# Resampling of the deskew rotation: bilinear (cv2.warpAffine, 0.02 s on an A4 page at 300 dpi;
# PIL's was 0.11 s). Without interpolation (nearest, or whole-pixel shears: 0.01 s) the CER of
# the scanned corpus decree doubled to tripled, mostly tone marks ("PHỐ HỒ" -> "PHÔ HỖ"), and
# "II. MỤC TIÊU" was once read "I. MỤC TIÊU", which re-parents a whole document.
ROTATE_INTERPOLATION = cv2.INTER_LINEAR
# The skew is estimated on a copy reduced by a whole factor to at least this many pixels on its
# longer side (a 300 dpi A4 page: by 2; a factor of 3 blurred the row profile of a real scan
# enough to miss a 0.2° skew).
SKEW_SIDE = 1200
# Colour channels differing by this many levels mark coloured ink (seals, blue pens), not print.
INK_CHROMA = 80
# Ink and paper differ by at least this many gray levels; below it a page is blank.
MIN_CONTRAST = 60
# A table rule is an ink run at least this share of the page width (horizontal) or height (vertical).
RULE_MIN_WIDTH = 0.03
RULE_MIN_HEIGHT = 0.015
# Font size (pt) per point of a line's body height (median word top to median word bottom):
# 12 pt DejaVu Sans / Times New Roman measure 10.2-10.5 pt.
SIZE_PER_HEIGHT = 1.17
# Row sizes within this share of the page's usual size are taken to be the usual size (OCR
# boxes vary with italics, quotes and tone marks by a third: a larger heading stands out more).
SIZE_SNAP = 0.4
# An OCR'd row's gap is a column gutter from this many font sizes (and 3x the row's median
# word gap, as on text layers). Less than a text layer's 2.5: OCR boxes include the tone
# marks, so sizes come out large, most of all on the capitals of a header.
OCR_GUTTER_SIZES = 1.5

POINTS_PER_INCH = 72.0

# Pages run in parallel processes (as Tesseract with OMP_THREAD_LIMIT=1): one thread each.
cv2.setNumThreads(1)


# --------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------
@dataclass
class OcrWord:
    text: str
    bbox: tuple[float, float, float, float]  # pixels of the processed image
    confidence: float  # 0..100


@dataclass
class OcrLine:
    text: str
    bbox: tuple[float, float, float, float]
    confidence: float  # mean word confidence, 0..100
    words: list[OcrWord] = field(default_factory=list)
    paragraph: tuple[int, int] = (0, 0)  # (block, paragraph) numbers from Tesseract
    in_table: bool = False  # read from a table cell
    suspect: bool = False  # a stamp, signature or handwriting, judged by confidence and syllables


@dataclass
class OcrTable:
    """A ruled table found in the page image: its grid and the text of its cells."""

    bbox: tuple[float, float, float, float]  # pixels of the processed image
    rows: list[list[str]]  # cell texts; a cell spanning columns fills the first, the others are ""
    row_boxes: list[tuple[float, float, float, float]]


@dataclass
class OcrPage:
    lines: list[OcrLine]
    width: int  # pixels of the processed image
    height: int
    skew: float = 0.0  # degrees corrected
    scale: float = 1.0  # processed pixels per source pixel
    tables: list[OcrTable] = field(default_factory=list)

    @property
    def confidence(self) -> float:
        words = [w.confidence for ln in self.lines for w in ln.words]
        return sum(words) / len(words) if words else 0.0

    @property
    def text(self) -> str:
        return "\n".join(ln.text for ln in self.lines)


# --------------------------------------------------------------------------
# Availability
# --------------------------------------------------------------------------
@functools.lru_cache(maxsize=8)
def tesseract_available(lang: str = "vie") -> bool:
    """True when the tesseract binary and the language model are installed."""
    if shutil.which("tesseract") is None:
        return False
    try:
        out = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return lang in (out.stdout + out.stderr).split()


# --------------------------------------------------------------------------
# Preprocessing
# --------------------------------------------------------------------------
def to_gray(image: Image.Image | np.ndarray) -> np.ndarray:
    """A uint8 grayscale array; transparency is flattened onto white. A 2-D
    uint8 array (a rendered page) is taken as it is; a colour one (RGB) loses its
    coloured ink first (:func:`drop_colour_ink`)."""
    if isinstance(image, np.ndarray):
        if image.ndim == 2 and image.dtype == np.uint8:
            return image
        if image.ndim == 3 and image.shape[2] == 3 and image.dtype == np.uint8:
            return drop_colour_ink(image)
        image = Image.fromarray(image)
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, image)
    if image.mode in ("RGB", "RGBA", "CMYK", "YCbCr"):
        return drop_colour_ink(np.asarray(image.convert("RGB"), dtype=np.uint8))
    return np.asarray(image.convert("L"), dtype=np.uint8)


def drop_colour_ink(rgb: np.ndarray) -> np.ndarray:
    """The gray page of an RGB scan with its saturated coloured ink painted white: the red
    seal stamped over the signer's title and name, the signature and the number or day
    written in by hand in blue. Print is black: a pixel whose channels differ by
    ``INK_CHROMA`` or more is not print (where print and seal overlap the pixel is dark
    and neutral, and stays). A handwritten slot so becomes a blank, read as unread."""
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    chroma = cv2.subtract(np.max(rgb, axis=2), np.min(rgb, axis=2))
    gray[chroma >= INK_CHROMA] = 255
    return gray


def _histogram(gray: np.ndarray) -> np.ndarray:
    """Pixel count per gray level (cv2.calcHist: ~10x faster than np.bincount)."""
    return cv2.calcHist([np.ascontiguousarray(gray, dtype=np.uint8)], [0], None, [256], [0, 256]).ravel().astype(np.float64)


def otsu_threshold(gray: np.ndarray, hist: np.ndarray | None = None) -> int:
    """Otsu's threshold: the gray level that maximises the between-class variance."""
    hist = _histogram(gray) if hist is None else hist
    total = hist.sum()
    levels = np.arange(256)
    weight0 = np.cumsum(hist)
    weight1 = total - weight0
    mean0 = np.cumsum(hist * levels)
    mean_total = mean0[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mean_total * weight0 - mean0 * total) ** 2 / (weight0 * weight1)
    between = np.nan_to_num(between)
    return int(np.argmax(between))


def binarize(gray: np.ndarray) -> np.ndarray:
    """Black text (0) on white (255). A page without contrast (a blank scanned
    page: paper and noise only) is all white: Otsu's threshold would split the
    noise and Tesseract would read it as pages of garbage."""
    hist = _histogram(gray)
    t = otsu_threshold(gray, hist)
    levels = np.arange(256)
    dark, light = hist[: t + 1], hist[t + 1:]
    if dark.sum() == 0 or light.sum() == 0 or (
            (light * levels[t + 1:]).sum() / light.sum() - (dark * levels[: t + 1]).sum() / dark.sum() < MIN_CONTRAST):
        return np.full_like(gray, 255, dtype=np.uint8)
    return cv2.threshold(np.ascontiguousarray(gray, dtype=np.uint8), t, 255, cv2.THRESH_BINARY)[1]


def _profile_score(ys: np.ndarray, xs: np.ndarray, height: int, angle: float) -> float:
    """How sharp the text rows are after a rotation by ``angle`` degrees (as
    ``Image.rotate``: counter-clockwise, about the centre): the variance of the
    ink count per row. Computed on the ink pixels' coordinates (``ys``, ``xs``:
    float32, relative to the centre), much faster than rotating the image for
    every candidate angle."""
    a = np.radians(angle)
    rows = np.rint(ys * np.float32(np.cos(a)) - xs * np.float32(np.sin(a)) + height / 2).astype(np.intp)
    rows = rows[(rows >= 0) & (rows < height)]
    return float(np.var(np.bincount(rows, minlength=height)))


def estimate_skew(gray: np.ndarray, max_angle: float = MAX_SKEW) -> float:
    """The rotation (degrees, counter-clockwise positive as in ``Image.rotate``)
    that levels the text rows: projection-profile variance, coarse then fine search."""
    # Work on a reduced copy: the profile needs rows, not detail. Averaging
    # blocks of pixels (INTER_AREA) before thresholding also evens out noise.
    h, w = gray.shape
    factor = max(1, int(max(h, w) / SKEW_SIDE))
    if factor > 1:
        gray = np.ascontiguousarray(gray[: h - h % factor, : w - w % factor])  # whole blocks: the fast path
        gray = cv2.resize(gray, (w // factor, h // factor), interpolation=cv2.INTER_AREA)
    ink = gray < otsu_threshold(gray)
    if not ink.any():
        return 0.0

    height, width = ink.shape
    ys, xs = np.nonzero(ink)
    ys = ys.astype(np.float32) - np.float32(height / 2)
    xs = xs.astype(np.float32) - np.float32(width / 2)

    def best(angles) -> float:
        return max(angles, key=lambda a: _profile_score(ys, xs, height, a))

    coarse = best(np.arange(-max_angle, max_angle + 1e-6, 0.5))
    fine = best(np.arange(coarse - 0.5, coarse + 0.5 + 1e-6, 0.1))
    return round(float(fine), 2)


def rotate(gray: np.ndarray, angle: float) -> np.ndarray:
    """``gray`` rotated ``angle`` degrees counter-clockwise about its centre, as
    ``Image.rotate(angle, expand=False, fillcolor=255)`` does (same size, white
    corners), with ``ROTATE_INTERPOLATION``."""
    h, w = gray.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, matrix, (w, h), flags=ROTATE_INTERPOLATION,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=255)


def preprocess(image: Image.Image | np.ndarray, dpi: float | None = None) -> tuple[np.ndarray, float, float]:
    """Grayscale, upscale (low DPI), deskew, binarise. Returns (pixels, skew, scale)."""
    gray = to_gray(image)
    scale = 1.0
    if dpi and dpi < MIN_DPI:
        scale = MIN_DPI / dpi
        size = (round(gray.shape[1] * scale), round(gray.shape[0] * scale))
        gray = cv2.resize(gray, size, interpolation=cv2.INTER_LANCZOS4)
    skew = estimate_skew(gray)
    if abs(skew) >= 0.1:
        gray = rotate(gray, skew)
    return binarize(gray), skew, scale


# --------------------------------------------------------------------------
# Tesseract
# --------------------------------------------------------------------------
_DOUBLED_D = re.compile("[\u0110\u00d0]{2}|[\u0111\u00f0]{2}")
# "I.", "II.", "III." read as "|.", "lI.", "Il." ... at the start of a line or alone in a table cell.
_ROMAN_LOOKALIKE = re.compile(r"^(?=[|lIÍÌỊ1]*[|lÍÌỊ])[|lIÍÌỊ1]{1,4}(?=[.)]?$)")
# "II" read as "H" (the two strokes joined by noise): a heading "H. NỘI DUNG", a cell "H".
_H_FOR_II = re.compile(r"^H(?=[.)]\s|$)")


def clean_text(text: str) -> str:
    """NFC, and "Ð" (U+00D0, eth) -> "Đ" (U+0110): Tesseract confuses the two,
    and sometimes prints both for one letter ("ĐÐMST"): that pair is one "Đ"."""
    text = _DOUBLED_D.sub(lambda m: "\u0110" if m.group()[0] in "\u0110\u00d0" else "\u0111", text)
    return unicodedata.normalize("NFC", text.replace("\u00d0", "\u0110").replace("\u00f0", "\u0111"))


_QUARTER = re.compile(r"(?<=\b[Qq]uý )(?=[IVJlÍ|]*[JlÍ|])[IVJlÍ|]{1,4}(?=/\d|\b|$)")


def fix_quarters(text: str) -> str:
    """Roman quarter numbers misread with look-alikes: "Quý JI/2018" -> "Quý II/2018"."""
    return _QUARTER.sub(lambda m: "".join("V" if ch == "V" else "I" for ch in m.group()), text)


_ROMAN_HEADING = re.compile(r"^(?P<num>[IVX]{1,5})(?P<rest>[.)]\s)")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10}


def _roman_value(numeral: str) -> int:
    total = 0
    for ch, nxt in zip(numeral, numeral[1:] + " "):
        value = _ROMAN_VALUES[ch]
        total += -value if _ROMAN_VALUES.get(nxt, 0) > value else value
    return total


def _roman(number: int) -> str:
    out = ""
    for value, letters in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while number >= value:
            out, number = out + letters, number - value
    return out


def repair_roman_sequence(lines: list) -> None:
    """Heading numerals that repeat the previous one where the next one has one
    more stroke: "I.", "II.", "II." -> "I.", "II.", "III." (Tesseract drops a
    stroke of "III" now and then); and "H" where "II" is due after "I" (the two
    strokes joined). Headings of text lines in reading order; the first cells of
    table rows are a sequence of their own, for "H" only."""
    previous = None
    previous_cell = None
    letters = False
    for line in lines:
        if line.cells is not None:
            first = line.cells[0].strip() if line.cells else ""
            if first == "H" and previous_cell == 1:
                line.cells[0] = "II"
                line.text = "\t".join(line.cells)
                first = "II"
            if re.fullmatch(r"[IVX]{1,5}", first):
                previous_cell = _roman_value(first)
            continue
        if previous == 1 and not letters and _H_FOR_II.match(line.text):
            line.text = "II" + line.text[1:]
        m = _ROMAN_HEADING.match(line.text)
        if not m:
            # "A.", "B." ... under "I.": then an "H." is the eighth letter, not "II".
            letters = letters or bool(re.match(r"[A-ZĐ][.)]\s", line.text))
            continue
        letters = False
        value = _roman_value(m.group("num"))
        if previous is not None and value == previous:
            successor = _roman(value + 1)
            num = m.group("num")
            if len(successor) == len(num) + 1 and any(  # one stroke more: II -> III, V -> VI
                    successor[:i] + successor[i + 1:] == num for i, ch in enumerate(successor) if ch == "I"):
                line.text = successor + line.text[len(m.group("num")):]
                value += 1
        previous = value


_LETTER_POINT = re.compile(r"^(?P<mark>[a-zđ])\)\s")
# a point's letter read as a digit or a sign: "8)", "1)" for "a)", "l)"; "ø)", "¡)" for "g)", "i)"
_DIGIT_FOR_LETTER = re.compile(r"^(?P<mark>(?![a-zđA-ZĐ])[^\s()\[\]\-–+•*\"'])\)(?=\s)")
_DASH_BEFORE_POINT = re.compile(r"^[-–]\s*(?=[a-zđ]\)\s)")
_CLAUSE = re.compile(r"^\d{1,2}\.\s|^Điều\s", re.IGNORECASE)
_LETTERS = ENUMERATION_LETTERS


def _next_point(lines: list, i: int) -> int | None:
    """The letter's place of the next point ("b)" -> 1) of the clause that line ``i`` is in, if any."""
    for later in lines[i + 1: i + 40]:
        if later.cells is not None or _CLAUSE.match(later.text) or _DIGIT_FOR_LETTER.match(later.text):
            return None
        if n := _LETTER_POINT.match(later.text):
            return _LETTERS.find(n.group("mark"))
    return None


def _other_digit_point(lines: list, i: int) -> bool:
    """Another point numbered with a digit ("1)", "2)") in the clause of line ``i``: its points are numbered so."""
    for step in (-1, 1):
        j = i + step
        while 0 <= j < len(lines) and abs(j - i) < 40 and not _CLAUSE.match(lines[j].text):
            if lines[j].cells is None and (m := _DIGIT_FOR_LETTER.match(lines[j].text)) and m.group("mark").isdigit():
                return True
            j += step
    return False


def repair_letter_sequence(lines: list) -> None:
    """Points of a clause whose letter OCR misread, where the points around them say which letter is due:
    "8) Hồ sơ …" before "b) …" -> "a)" (an "a" read as "8"); "b) …", "e) …", "d) …" -> the middle one is
    "c)"; "- a) …" before "b) …" -> "a) …" (a speck read as a dash); "ø)", "¡)" or a last "1)" after "k)"
    take the letter due after the one before them. The letters of one clause only (a
    clause or article line ends the run) and never where points are numbered with digits."""
    previous = None  # the place of the last letter point of the clause
    for i, line in enumerate(lines):
        if line.cells is not None:
            continue
        if _CLAUSE.match(line.text):
            previous = None
            continue
        if (dash := _DASH_BEFORE_POINT.match(line.text)) and (due := _next_point(lines, i)) is not None and \
                _LETTERS.find(line.text[dash.end()]) == due - 1:
            line.text = line.text[dash.end():]
        if (odd := _DIGIT_FOR_LETTER.match(line.text)) and not (odd.group("mark").isdigit() and _other_digit_point(lines, i)):
            due = _next_point(lines, i)
            due = due - 1 if due else (previous + 1 if previous is not None and due is None else None)
            if due is not None and 0 <= due < len(_LETTERS):
                line.text = _LETTERS[due] + line.text[1:]
        if m := _LETTER_POINT.match(line.text):
            at = _LETTERS.find(m.group("mark"))
            if previous is not None and at != previous + 1 and previous + 1 < len(_LETTERS) and \
                    _next_point(lines, i) == previous + 2:
                at = previous + 1
                line.text = _LETTERS[at] + line.text[1:]
            previous = at


def fix_roman(token: str) -> str:
    """A Roman-numeral enumerator misread with look-alikes: "|." -> "I.", "lII." -> "III."."""
    return _ROMAN_LOOKALIKE.sub(lambda m: "I" * len(m.group()), token)


def run_tesseract(image: np.ndarray, *, psm: int = 6, lang: str = "vie") -> str:
    """The TSV output of Tesseract on a uint8 grayscale ``image`` (written to a
    private temporary PGM: the cheapest format to write and for Tesseract to read)."""
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    with tempfile.TemporaryDirectory(prefix="ocr-") as tmp:
        src = Path(tmp) / "page.pgm"
        cv2.imwrite(str(src), np.ascontiguousarray(image, dtype=np.uint8))
        try:
            done = subprocess.run(
                ["tesseract", str(src), "stdout", "-l", lang, "--psm", str(psm), "tsv"],
                capture_output=True, env=env, timeout=PAGE_TIMEOUT,
            )
        except FileNotFoundError:
            raise ReadError("OCR is not available: the tesseract program is not installed") from None
        except subprocess.TimeoutExpired:
            raise ReadError(f"OCR timed out after {PAGE_TIMEOUT} s on a page") from None
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ReadError(f"OCR failed: {detail[-1] if detail else 'tesseract exited with an error'}")
    return done.stdout.decode("utf-8", "replace")


def parse_tsv(tsv: str) -> list[OcrLine]:
    """Words grouped into lines by Tesseract's (block, paragraph, line) numbers."""
    lines: dict[tuple[int, int, int], list[OcrWord]] = {}
    reader = csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    for row in reader:
        if row.get("level") != "5":
            continue
        text = clean_text((row.get("text") or "").strip())
        conf = float(row.get("conf") or -1)
        if not text or conf < 0:
            continue
        x, y, w, h = (int(row[k]) for k in ("left", "top", "width", "height"))
        key = (int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
        lines.setdefault(key, []).append(OcrWord(text, (x, y, x + w, y + h), conf))
    out = []
    for (block, par, _), words in lines.items():
        text = " ".join(w.text for w in words)
        box = (min(w.bbox[0] for w in words), min(w.bbox[1] for w in words),
               max(w.bbox[2] for w in words), max(w.bbox[3] for w in words))
        conf = sum(w.confidence for w in words) / len(words)
        line = OcrLine(text, box, conf, words, (block, par))
        line.suspect = _looks_like_stamp(line)
        out.append(line)
    return out


def _looks_like_stamp(line: OcrLine) -> bool:
    """Stamps, signatures and handwriting come out as low-confidence non-words."""
    if line.confidence >= LOW_CONFIDENCE:
        return False
    very_low = sum(w.confidence < 30 for w in line.words) / len(line.words)
    return very_low >= 0.5 or syllable_validity(line.text) < STAMP_VALIDITY


# --------------------------------------------------------------------------
# Noise: stamps, punch holes, margins, handwritten slots
# --------------------------------------------------------------------------
# An OCR line with at most this many letters and digits is a speck, a punch hole
# or a piece of a stamp ("I", "Z", "VÀ", ":"), unless it is a page number or an enumerator.
NOISE_MAX_CHARS = 2
# A word printed wholly outside the page's text column is kept only when read this surely.
MARGIN_CONFIDENCE = 80.0
# A number or day written by hand into "Số: …/QĐ-UBND" or "ngày … tháng …" is read only
# when it comes out as clean digits with at least this confidence; otherwise it is left blank.
SLOT_CONFIDENCE = 70.0

_ENUMERATOR_ALONE = re.compile(r"^(?:[IVX]{1,4}|\d{1,2}|[a-zđ])[.)]$")
_DIGIT_LOOKALIKES = str.maketrans({"l": "1", "I": "1", "|": "1", "Ì": "1", "Í": "1", "O": "0", "o": "0"})
_LOOKALIKES = set("lIOoÌÍ|")
_NUMBER_LIKE = re.compile(r"[0-9lIOoÌÍ|]+(?:[.,][0-9lIOoÌÍ|]+)*")
# "số" read as "xố", "sô" ... before a number: "Quyết định xố 12/QĐ-UBND".
_SO_LOOKALIKE = re.compile(r"^(?:[xX]ố|[xX]ô|[sS]ô|[sS]ồ)$")
_NUMBER_SLOT = re.compile(r"^(?:Số|SỐ|Sô|Só)\s*[:.]")
_DAY_WORDS = {"ngày", "tháng", "năm"}
# "<Place>, ngày": the header's place-date line (maybe read on one line with "Số: ...").
_PLACE_DATE = re.compile(r"(?:^|\s)(?!Hôm\s)[A-ZĐÀ-Ỹ][^\d,;:]{1,40},\s*ngày")
_GLUED_DAY_WORD = re.compile(r"^(ngày|tháng|năm)(\S*)$")


# The numeral of "Chương I", "Phần II" read with look-alikes: "Chương l", "Chương Ï", "Chương H".
_ROMAN_HEAD_LOOKALIKE = re.compile(r"(?=.*[lÏÌÍ|H])[IVXlÏÌÍ|H]{1,5}")


def _roman_head(token: str) -> str:
    tail = token[len(token.rstrip(".:")):]
    core = token.rstrip(".:").replace("H", "II")
    return re.sub(r"[lÏÌÍ|]", "I", core) + tail


_STROKES_BEFORE_NUMBER = re.compile(r"^(?:[-–—~]*_[-_–—~]*|[-–—~]{2,})(?=\d{1,2}[.)])")


def _strip_stroke(token: str) -> str:
    """A speck or punch-hole stroke glued before a line's first word: "INơi" -> "Nơi"
    (only when the word is no syllable and the rest is a capitalised one); a rule's strokes glued before a
    clause number: "--_1." -> "1." (a dash bullet has a space after it)."""
    if m := _STROKES_BEFORE_NUMBER.match(token):
        return token[m.end():]
    if len(token) >= 3 and token[0] in "Il|" and token[1].isupper() and token[2:3].islower():
        rest = token[1:]
        core = re.sub(r"\W+$", "", rest)
        if is_vietnamese_syllable(core) and not is_vietnamese_syllable(re.sub(r"\W+$", "", token)):
            return rest
    return token


_COMMA_FOR_PERIOD = re.compile(r"^\d{1,2},$")


def _alnum(text: str) -> int:
    return sum(ch.isalnum() for ch in text)


def _text_column(lines: list[OcrLine]) -> tuple[float, float, float] | None:
    """(left, right, usual line height) of the page's running text, in pixels: the
    edges most long lines share, measured on their surely read words (Tesseract
    often glues a margin's watermark or specks onto the end of a line; a fifth of
    the lines may stick out)."""
    lefts, rights, heights = [], [], []
    for ln in lines:
        if ln.in_table or _alnum(ln.text) < 20:
            continue
        sure = [w for w in ln.words if _sure_word(w)]
        if len(sure) >= 3:
            lefts.append(sure[0].bbox[0])
            rights.append(sure[-1].bbox[2])
            heights.append(statistics.median(w.bbox[3] - w.bbox[1] for w in sure))
    if len(lefts) < 3:
        return None
    lefts.sort()
    rights.sort()
    k = len(lefts) // 5
    return lefts[k], rights[-1 - k], statistics.median(heights)


def _isolated(words: list[OcrWord], i: int, gap: float) -> bool:
    """Is word ``i`` at least ``gap`` pixels from the words on both sides of it (or from its one neighbour)?"""
    before = words[i].bbox[0] - words[i - 1].bbox[2] if i > 0 else None
    after = words[i + 1].bbox[0] - words[i].bbox[2] if i + 1 < len(words) else None
    gaps = [g for g in (before, after) if g is not None]
    return bool(gaps) and all(g >= gap for g in gaps)


def _sure_word(word: OcrWord) -> bool:
    letters = re.sub(r"[^\w]", "", word.text)
    return word.confidence >= MARGIN_CONFIDENCE and len(letters) >= 2 and (
        letters.isdigit() or is_vietnamese_syllable(letters) or (letters.isupper() and len(letters) <= 6))


def _keep_short(line: OcrLine, page_height: float) -> bool:
    """A line of one or two letters or digits that is print: a page number in the
    top or bottom margin, or an enumerator on a line of its own ("II.", "a)")."""
    text = line.text.strip()
    if text.isdigit():
        return line.bbox[1] < 0.12 * page_height or line.bbox[3] > 0.88 * page_height
    return bool(_ENUMERATOR_ALONE.match(text)) and line.confidence >= SLOT_CONFIDENCE


def fix_digits(token: str, dated: bool = False) -> str:
    """Digits misread as look-alike letters inside a number: "2O19" -> "2019", "I1.090" ->
    "11.090", "l5/2026/TT-BCT" -> "15/2026/TT-BCT", and "3l" -> "31" where a date or a
    number is due (``dated``: after "ngày"/"số", before "tháng"/"năm"). Left alone when
    ambiguous: ones and I's only ("I1": 11 or II?), a unit ("5l/phút", "10l": litres?)."""
    head = len(token) - len(token.lstrip("("))
    tail = len(token.rstrip(".,;:)"))
    parts = token[head:tail].split("/")
    for i, part in enumerate(parts):
        if not (_NUMBER_LIKE.fullmatch(part) and any(ch.isdigit() for ch in part) and any(ch in _LOOKALIKES for ch in part)):
            continue
        if set(part) <= set("1IlÌÍ|"):
            continue  # Roman or Arabic? Not ours to guess
        if i + 1 < len(parts) and not parts[i + 1][:1].isdigit() and not parts[i + 1][:1].isupper():
            continue  # "5l/phút": a unit
        if part.endswith("l") and i + 1 == len(parts) and not dated:
            continue  # "10l": ten litres, or 101?
        parts[i] = part.translate(_DIGIT_LOOKALIKES)
    return token[:head] + "/".join(parts) + token[tail:]


def _slot_read(text: str, confidence: float) -> bool:
    """Clean digits ("30", or a whole date "08/6/2026") read with SLOT_CONFIDENCE."""
    return bool(re.fullmatch(r"\d{1,4}(?:[/.\-]\d{1,2}[/.\-]\d{2,4})?", text.rstrip(",.;"))) and confidence >= SLOT_CONFIDENCE


def _blank_slots(line: OcrLine) -> None:
    """Handwritten slots of the header left blank rather than guessed. In the number
    line "Số: 71 /2019/NĐ-CP" and the place-date line "Hà Nội, ngày 30 tháng 8 năm
    2019", a number that does not come out as clean digits read with ``SLOT_CONFIDENCE``
    becomes "…" (a blank, as a draft prints it): "Số: T† /2019" -> "Số: … /2019",
    "ngày #0 tháng" -> "ngày … tháng", "ngàyô) thángh" -> "ngày … tháng …"."""
    words = line.words
    if _NUMBER_SLOT.match(line.text) and len(words) >= 2 and words[0].text.rstrip(":.").lower() in ("số", "sô", "só"):
        word = words[1]
        number, slash, rest = word.text.partition("/")
        # Printed as one token with its symbol ("15/QĐ-UBND"), clean digits are print: the
        # token's confidence is lowered by the symbol, not by the number.
        glued = bool(slash) and number.isdigit()
        if number and not glued and not _slot_read(number, word.confidence):
            word.text = "…" + slash + rest
    if not _PLACE_DATE.search(line.text):
        return
    out: list[OcrWord] = []
    i = 0
    while i < len(words):
        word = words[i]
        glued = _GLUED_DAY_WORD.match(word.text)
        out.append(word)
        i += 1
        if glued is None:
            continue
        slot = []
        if glued.group(2):  # "ngàyô)": the slot was read into the word
            word.text = glued.group(1)
            slot.append(OcrWord(glued.group(2), word.bbox, word.confidence))
        # The slot runs to the next day word or a real word ("của"): "ngày 0 † tháng".
        while i < len(words) and not _GLUED_DAY_WORD.match(words[i].text) and not (
                _alnum(words[i].text) >= 2 and is_vietnamese_syllable(re.sub(r"\W", "", words[i].text))):
            slot.append(words[i])
            i += 1
        if not slot:
            continue
        if len(slot) == 1 and _slot_read(slot[0].text, slot[0].confidence):
            out.append(slot[0])
        else:
            out.append(OcrWord("…", _box(w.bbox for w in slot), min(w.confidence for w in slot)))
    line.words = out


def clean_page(page: OcrPage) -> OcrPage:
    """OCR noise out of the lines (not the table cells), so that the layout's zones
    survive it:

    * words printed wholly outside the text column (a watermark down the margin, a
      punch hole, a scanner's edge) unless read surely; "|" and "_" specks;
    * lines of at most ``NOISE_MAX_CHARS`` letters and digits (specks, bits of a stamp:
      "I", "Z", "VÀ", ":"), except page numbers and enumerators;
    * digits read as letters inside numbers ("3l" -> "31"), "xố"/"sô" before a number -> "số";
    * a handwritten number or day of the header that OCR cannot read cleanly -> "…" (see
      :func:`_blank_slots`): flagged as unread downstream, never guessed.
    """
    column = _text_column(page.lines)
    kept = []
    for line in page.lines:
        if line.in_table:
            kept.append(line)
            continue
        words = []
        for i, word in enumerate(line.words):
            if column is not None:
                left, right, size = column
                if (word.bbox[2] < left - size or word.bbox[0] > right + size) and not _sure_word(word):
                    continue  # in the margin
                if _isolated(line.words, i, 2 * size) and (not _alnum(word.text) or (
                        i in (0, len(line.words) - 1) and _alnum(word.text) <= NOISE_MAX_CHARS
                        and not word.text.isdigit() and not _ENUMERATOR_ALONE.match(word.text))):
                    continue  # a speck far from its neighbours: "`", ":" or "Ộ" alone
            if word.text == "|" and len(line.words) > 1:
                continue
            if not words:
                word.text = word.text.lstrip("_")
                if not word.text:
                    continue
            words.append(word)
        for before, word in zip(words, words[1:]):
            if _SO_LOOKALIKE.match(before.text) and word.text[:1].isdigit():
                before.text = ("S" if before.text[0].isupper() else "s") + "ố"
        if words:
            words[0].text = _strip_stroke(words[0].text)
            if len(words) > 1 and _COMMA_FOR_PERIOD.match(words[0].text) and words[1].text[:1].isupper():
                words[0].text = words[0].text[:-1] + "."  # "1, Việc đăng ký …": a clause number, its period read as a comma
        for before, word in zip(words, words[1:]):
            if ascii_fold(before.text) in ("chuong", "phan") and _ROMAN_HEAD_LOOKALIKE.fullmatch(word.text.rstrip(".:")):
                word.text = _roman_head(word.text)
        for k, word in enumerate(words):
            before = words[k - 1].text.lower() if k else ""
            after = words[k + 1].text.lower() if k + 1 < len(words) else ""
            word.text = fix_digits(word.text, dated=before in ("ngày", "số") or after in ("tháng", "năm"))
        if not words:
            continue
        line.words = words
        line.text = " ".join(w.text for w in words)
        line.bbox = _box(w.bbox for w in words)
        line.confidence = sum(w.confidence for w in words) / len(words)
        if _alnum(line.text) <= NOISE_MAX_CHARS and not _keep_short(line, page.height):
            continue
        if column is not None and statistics.median(w.bbox[3] - w.bbox[1] for w in words) < 0.5 * column[2] \
                and (syllable_validity(line.text) < 0.5 or line.confidence < LOW_CONFIDENCE):
            continue  # a thin line of marks: a rule, a crossing-out or a streak read as text
        _blank_slots(line)
        line.text = " ".join(w.text for w in line.words)
        kept.append(line)
    _fix_subject_marker(kept, page)
    page.lines = kept
    return page


# "V/v" (về việc) opening a letter's subject under its number, as OCR misreads it.
_VV_LOOKALIKE = re.compile(r"^(?:V\s?[/|\\lI1]\s?[vVy]?|V[ỊịíỉĩÍ]|Vív)[.:]?$")
_NOT_AFTER_VV = {"dụ", "trí", "thế", "thành", "thử", "lai"}  # "Ví dụ", "Vị trí" ... are words


def _fix_subject_marker(lines: list[OcrLine], page: OcrPage) -> None:
    """ "Ví triển khai ..." -> "V/v triển khai ..." in a page's header: the first word of a
    line in the upper left of a page whose Quốc hiệu is printed above it, followed by a
    lowercase word. Nghị định 30/2020/NĐ-CP opens a letter's subject with "V/v"; its small
    slash is often lost."""
    title = next((ln for ln in lines if not ln.in_table and "cong hoa xa hoi" in ascii_fold(ln.text)), None)
    if title is None:
        return
    for line in lines:
        if line.in_table or len(line.words) < 2 or line.bbox[1] <= title.bbox[1]:
            continue
        if line.bbox[1] > 0.35 * page.height or line.bbox[0] > 0.5 * page.width:
            continue
        first, second = line.words[0], line.words[1]
        if _VV_LOOKALIKE.match(first.text) and second.text[:1].islower() and second.text.lower() not in _NOT_AFTER_VV:
            first.text = "V/v"
            line.text = " ".join(w.text for w in line.words)


# --------------------------------------------------------------------------
# Ruled tables
# --------------------------------------------------------------------------
def _run_mask(ink: np.ndarray, length: int) -> np.ndarray:
    """Pixels lying on a horizontal run of ink at least ``length`` pixels long:
    a morphological opening with a 1 x ``length`` line (the page's border
    counts as paper, so a short run at the edge is not lengthened)."""
    kernel = np.ones((1, length), np.uint8)
    # Erode with the line's left end on the pixel (a run starts here), dilate
    # back with its right end on it: exact for even lengths too.
    starts = cv2.erode(ink.astype(np.uint8), kernel, anchor=(0, 0),
                       borderType=cv2.BORDER_CONSTANT, borderValue=0)
    return cv2.dilate(starts, kernel, anchor=(length - 1, 0),
                      borderType=cv2.BORDER_CONSTANT, borderValue=0) > 0


def _segments(mask: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Horizontal segments of a run mask: (y0, y1, x0, x1) per band of touching rows."""
    rows = np.flatnonzero(mask.any(axis=1))
    out = []
    if rows.size == 0:
        return out
    bands = np.split(rows, np.flatnonzero(np.diff(rows) > 1) + 1)
    for band in bands:
        cols = mask[band[0]: band[-1] + 1].any(axis=0)
        xs = np.flatnonzero(cols)
        for run in np.split(xs, np.flatnonzero(np.diff(xs) > 1) + 1):
            out.append((int(band[0]), int(band[-1]) + 1, int(run[0]), int(run[-1]) + 1))
    return out


def find_rules(ink: np.ndarray) -> tuple[list, list]:
    """Horizontal and vertical rules of the page: ink runs of at least
    ``RULE_MIN_WIDTH`` of the page width / ``RULE_MIN_HEIGHT`` of its height,
    as horizontal segments (y0, y1, x0, x1) and vertical ones (x0, x1, y0, y1).

    The ink is pooled in 2 x 2 blocks: four times fewer pixels, and a rule
    thinned by the scan or left slightly slanted by the deskew still makes one
    run. Glyph strokes may pass as short vertical rules; only rules that form a
    grid with others make a table (:func:`find_grids`).
    """
    h, w = ink.shape
    even = ink[: h - h % 2, : w - w % 2]
    small = even[0::2, 0::2] | even[1::2, 0::2] | even[0::2, 1::2] | even[1::2, 1::2]
    hmask = _run_mask(small, max(10, round(RULE_MIN_WIDTH * w / 2)))
    vmask = _run_mask(small.T, max(10, round(RULE_MIN_HEIGHT * h / 2)))
    hsegs = [tuple(2 * v for v in seg) for seg in _segments(hmask)]
    vsegs = [tuple(2 * v for v in seg) for seg in _segments(vmask)]
    return hsegs, vsegs


def _cluster(values: list[float], tol: float) -> list[float]:
    """Sorted values with neighbours closer than ``tol`` merged (their mean)."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(group) / len(group) for group in out]


@dataclass
class _Grid:
    """A ruled table's geometry: column rules ``xs``, row bands, and per band the
    column where each column's cell starts (no rule between two columns: one cell)."""

    xs: list[float]
    bands: list[tuple[float, float]]
    starts: list[list[int]]
    rules: list[tuple[int, int, int, int]] = field(default_factory=list)  # (x0, y0, x1, y1) of its rules

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (self.xs[0], self.bands[0][0], self.xs[-1], self.bands[-1][1])

    def cells(self):
        """(row, column, box) of every cell, spans merged."""
        for r, ((a, b), starts) in enumerate(zip(self.bands, self.starts)):
            for c in sorted(set(starts)):
                end = max(k for k, s in enumerate(starts) if s == c) + 1
                yield r, c, (self.xs[c], a, self.xs[end], b)


def find_grids(hsegs: list, vsegs: list, tol: float = 8) -> list[_Grid]:
    """Tables: groups of horizontal and vertical rules that cross, with at least
    two rows and two columns."""
    if len(hsegs) < 2 or len(vsegs) < 2:
        return []
    hs = [((y0 + y1) / 2, x0, x1) for y0, y1, x0, x1 in hsegs]
    vs = [((x0 + x1) / 2, y0, y1) for x0, x1, y0, y1 in vsegs]
    parent = list(range(len(hs) + len(vs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, (y, hx0, hx1) in enumerate(hs):
        for j, (x, vy0, vy1) in enumerate(vs):
            if hx0 - tol <= x <= hx1 + tol and vy0 - tol <= y <= vy1 + tol:
                parent[find(i)] = find(len(hs) + j)
    groups: dict[int, tuple[list, list]] = {}
    boxes: dict[int, list] = {}
    for i in range(len(hs)):
        groups.setdefault(find(i), ([], []))[0].append(hs[i])
        y0, y1, x0, x1 = hsegs[i]
        boxes.setdefault(find(i), []).append((x0, y0, x1, y1))
    for j in range(len(vs)):
        groups.setdefault(find(len(hs) + j), ([], []))[1].append(vs[j])
        x0, x1, y0, y1 = vsegs[j]
        boxes.setdefault(find(len(hs) + j), []).append((x0, y0, x1, y1))
    grids = []
    for key, (ghs, gvs) in groups.items():
        if len(ghs) < 2 or len(gvs) < 2:
            continue
        x0, x1 = min(h[1] for h in ghs), max(h[2] for h in ghs)
        ys = _cluster([h[0] for h in ghs if h[2] - h[1] >= 0.5 * (x1 - x0)], tol)
        xs = _cluster([v[0] for v in gvs], tol)
        if ys:
            # Column rules that run on below the last rule (or above the first): the table
            # goes on without a closing rule (its rows unruled): its edge is where they end.
            below = [vy1 for _, vy0, vy1 in gvs if vy1 > ys[-1] + 2 * tol and vy0 <= ys[-1] + tol]
            above = [vy0 for _, vy0, vy1 in gvs if vy0 < ys[0] - 2 * tol and vy1 >= ys[0] - tol]
            if len(below) >= 2:
                ys.append(statistics.median(below))
            if len(above) >= 2:
                ys.insert(0, statistics.median(above))
        bands = [(a, b) for a, b in zip(ys, ys[1:]) if b - a > 2 * tol]
        if not bands or len(xs) < 3:
            continue  # a frame, not a table of at least two columns
        starts = []
        for a, b in bands:
            mid = (a + b) / 2
            present = [any(abs(x - vx) <= tol and vy0 - tol <= mid <= vy1 + tol for vx, vy0, vy1 in gvs) for x in xs]
            first, row = 0, []
            for k in range(len(xs) - 1):
                if k > 0 and present[k]:
                    first = k
                row.append(first)
            starts.append(row)
        grids.append(_Grid(xs, bands, starts, boxes[key]))
    return sorted(grids, key=lambda g: g.bbox[1])


def _ocr_cells(image: np.ndarray, grid: _Grid, psm: int, lang: str) -> tuple[OcrTable, list[OcrLine]]:
    """OCR the non-empty cells of a table in one Tesseract call.

    The cells are cut out and stacked one under the other with white space
    between them (a *mosaic*): read as a page, a table's cells come out as
    interleaved lines when their texts are not aligned; stacked, each cell is
    its own little block. Word boxes are mapped back to the page.
    """
    pad, gap = 4, 40
    crops = []  # (row, column, x offset, y offset on the page, crop)
    for r, c, (x0, y0, x1, y1) in grid.cells():
        ix0, iy0, ix1, iy1 = int(x0) + pad, int(y0) + pad, int(x1) - pad, int(y1) - pad
        if ix1 - ix0 < 4 or iy1 - iy0 < 4:
            continue
        ink = image[iy0:iy1, ix0:ix1] == 0
        if ink.sum() < 20:
            continue  # empty cell (or a few specks of noise)
        rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
        cy0, cy1 = iy0 + max(0, rows[0] - 6), iy0 + min(iy1 - iy0, rows[-1] + 7)
        cx0, cx1 = ix0 + max(0, cols[0] - 6), ix0 + min(ix1 - ix0, cols[-1] + 7)
        crops.append((r, c, cx0, cy0, image[cy0:cy1, cx0:cx1]))
    ncols = len(grid.xs) - 1
    texts = [[[] for _ in range(ncols)] for _ in grid.bands]
    lines: list[OcrLine] = []
    if crops:
        width = max(crop.shape[1] for *_, crop in crops) + 2 * gap
        height = sum(crop.shape[0] + gap for *_, crop in crops) + gap
        mosaic = np.full((height, width), 255, np.uint8)
        placed = []  # (y0 in the mosaic, y1, row, column, dx, dy)
        y = gap
        for r, c, cx0, cy0, crop in crops:
            mosaic[y:y + crop.shape[0], gap:gap + crop.shape[1]] = crop
            placed.append((y, y + crop.shape[0], r, c, cx0 - gap, cy0 - y))
            y += crop.shape[0] + gap
        for line in parse_tsv(run_tesseract(mosaic, psm=psm, lang=lang)):
            by_cell: dict[int, list[OcrWord]] = {}
            for w in line.words:
                cy = (w.bbox[1] + w.bbox[3]) / 2
                k = next((i for i, (m0, m1, *_rest) in enumerate(placed) if m0 - gap / 2 <= cy <= m1 + gap / 2), None)
                if k is None:
                    continue
                _, _, r, c, dx, dy = placed[k]
                by_cell.setdefault(k, []).append(
                    OcrWord(w.text, (w.bbox[0] + dx, w.bbox[1] + dy, w.bbox[2] + dx, w.bbox[3] + dy), w.confidence))
            for k, words in by_cell.items():
                _, _, r, c, _, _ = placed[k]
                texts[r][c].extend(words)
                piece = OcrLine(" ".join(w.text for w in words), _box(w.bbox for w in words),
                                sum(w.confidence for w in words) / len(words), words, (-1, k), in_table=True)
                piece.suspect = _looks_like_stamp(piece)
                lines.append(piece)
    rows, boxes = [], []
    for (a, b), band in zip(grid.bands, texts):
        for top, bottom, row in _split_band(band, a, b):
            cells = [fix_quarters(fix_roman(_cell_text(ws, _join_text))) for ws in row]
            if any(cells):
                rows.append(cells)
                boxes.append((grid.xs[0], top, grid.xs[-1], bottom))
    return OcrTable(grid.bbox, rows, boxes), lines


def _text_lines(words: list[OcrWord]) -> list[list[OcrWord]]:
    """Words grouped into printed lines, top to bottom (a word joins the line whose centre is near its own)."""
    if not words:
        return []
    words = sorted(words, key=lambda w: (w.bbox[1] + w.bbox[3]) / 2)
    height = statistics.median(w.bbox[3] - w.bbox[1] for w in words)
    lines: list[list[OcrWord]] = []
    for w in words:
        cy = (w.bbox[1] + w.bbox[3]) / 2
        if lines and abs(cy - statistics.median((v.bbox[1] + v.bbox[3]) / 2 for v in lines[-1])) <= 0.5 * height:
            lines[-1].append(w)
        else:
            lines.append([w])
    return lines


def _split_band(band: list[list[OcrWord]], top: float, bottom: float):
    """A band between two rules as table rows: one row, or, when the rows are not ruled
    (a survey table of coordinates: column rules only), one row per printed line, if
    the lines line up across the columns. Split only when most filled columns have the
    same number k >= 2 of lines and every line of every column sits at one of those k
    heights: a wrapped paragraph in one cell (three lines beside one) keeps its row."""
    per_column = [_text_lines(words) for words in band]
    filled = [lines for lines in per_column if lines]
    counts = [len(lines) for lines in filled]
    k = max(counts, default=0)
    if k < 2 or sum(c == k for c in counts) < max(2, (len(filled) + 1) // 2):
        return [(top, bottom, band)]
    model = next(lines for lines in filled if len(lines) == k)
    centres = [statistics.median((w.bbox[1] + w.bbox[3]) / 2 for w in line) for line in model]
    height = statistics.median(w.bbox[3] - w.bbox[1] for lines in filled for line in lines for w in line)
    rows: list[list[list[OcrWord]]] = [[[] for _ in band] for _ in centres]
    for c, lines in enumerate(per_column):
        for line in lines:
            cy = statistics.median((w.bbox[1] + w.bbox[3]) / 2 for w in line)
            nearest = min(range(k), key=lambda i: abs(centres[i] - cy))
            if abs(centres[nearest] - cy) > 0.6 * height:
                return [(top, bottom, band)]  # a line between the rows: not a grid of lines
            rows[nearest][c].extend(line)
    cuts = [top] + [(x + y) / 2 for x, y in zip(centres, centres[1:])] + [bottom]
    return [(cuts[i], cuts[i + 1], rows[i]) for i in range(k)]


def _box(boxes) -> tuple[float, float, float, float]:
    boxes = list(boxes)
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _cell_text(words: list[OcrWord], join) -> str:
    """The words of one cell in reading order: printed lines top to bottom, each left to right."""
    text = ""
    for line in _text_lines(words):
        part = " ".join(w.text for w in sorted(line, key=lambda w: w.bbox[0]))
        text = join(text, part) if text else part
    return text


def ocr_image(image: Image.Image | np.ndarray, *, psm: int = 6, lang: str = "vie", dpi: float | None = None) -> OcrPage:
    """OCR one page image: preprocess; find the ruled tables and erase the rules;
    Tesseract on the page outside the tables, and once more on the tables' cells."""
    pixels, skew, scale = preprocess(image, dpi)
    height, width = pixels.shape
    grids = find_grids(*find_rules(pixels == 0))
    if grids:  # rules confuse Tesseract: it reads them as "|" or "_", or merges cells
        pixels = pixels.copy()
        for grid in grids:
            for x0, y0, x1, y1 in grid.rules:
                pixels[max(0, y0 - 1):y1 + 1, max(0, x0 - 1):x1 + 1] = 255
    outside = pixels
    if grids:
        outside = pixels.copy()
        for grid in grids:
            x0, y0, x1, y1 = (int(v) for v in grid.bbox)
            outside[max(0, y0 - 2):y1 + 3, max(0, x0 - 2):x1 + 3] = 255
    lines = parse_tsv(run_tesseract(outside, psm=psm, lang=lang))
    tables = []
    for grid in grids:
        table, cell_lines = _ocr_cells(pixels, grid, psm, lang)
        tables.append(table)
        lines.extend(cell_lines)
    return clean_page(OcrPage(lines, width, height, skew, scale, tables))


# --------------------------------------------------------------------------
# Pages into the reading model
# --------------------------------------------------------------------------
@dataclass
class _PlacedWord(_Word):
    """A word of the page layout (points), with the OCR line it came from."""

    line: int = -1  # index in OcrPage.lines


def _core(words: list[OcrWord]) -> tuple[float, float]:
    """The line's body: median top and median bottom of its words, so that tone
    marks, capitals and descenders do not move the line."""
    return statistics.median(w.bbox[1] for w in words), statistics.median(w.bbox[3] for w in words)


def _page_rows(ocr: OcrPage, ppp: float) -> list[_Row]:
    """The printed rows outside tables, as the PDF reader's rows (points).

    Tesseract's lines are taken as rows; two lines side by side at the same
    height (the two columns of a header read as separate lines) are joined into
    one row, which the column-block step then splits at its gutter. Every
    word gets the row's median top and bottom, and a font size estimated from
    that height; sizes within ``SIZE_SNAP`` of the page's usual size are set to
    it (OCR boxes vary a little from line to line; print sizes do not).
    """
    groups: list[tuple[float, float, list[tuple[int, OcrWord]]]] = []
    for index, line in enumerate(ocr.lines):
        if line.in_table or not line.words:
            continue
        top, bottom = _core(line.words)
        x0, x1 = line.bbox[0], line.bbox[2]
        for k, (gtop, gbottom, members) in enumerate(groups):
            overlap = min(bottom, gbottom) - max(top, gtop)
            gx0, gx1 = min(w.bbox[0] for _, w in members), max(w.bbox[2] for _, w in members)
            if overlap >= 0.5 * min(bottom - top, gbottom - gtop) and (x0 >= gx1 or x1 <= gx0):
                members.extend((index, w) for w in line.words)
                groups[k] = (min(top, gtop), max(bottom, gbottom), members)
                break
        else:
            groups.append((top, bottom, [(index, w) for w in line.words]))
    cores = []
    for _, _, members in groups:
        top, bottom = _core([w for _, w in members])
        cores.append((top * ppp, max(bottom, top + 1) * ppp))
    if not cores:
        return []
    usual = statistics.median(SIZE_PER_HEIGHT * (b - t) for t, b in cores)
    rows = []
    for (top, bottom), (_, _, members) in zip(cores, groups):
        size = SIZE_PER_HEIGHT * (bottom - top)
        if abs(size - usual) <= SIZE_SNAP * usual:
            size = usual
        words = [_PlacedWord(w.text, w.bbox[0] * ppp, top, w.bbox[2] * ppp, bottom, size, index)
                 for index, w in sorted(members, key=lambda m: m[1].bbox[0])]
        words[0].text = fix_roman(words[0].text)
        for before, word in zip(words, words[1:]):
            if before.text in ("Quý", "quý"):
                word.text = fix_quarters(f"Quý {word.text}")[4:]
        rows.append(_Row(words, gutter_sizes=OCR_GUTTER_SIZES))
    return sorted(rows, key=lambda r: r.top)


def _to_pages(scans: list[tuple[int, OcrPage, float, float, float]], warnings: list[str],
              text_layer: TextLayer | None = None) -> list[Page]:
    """Reading-model pages from OCR'd pages: ``(number, page, points per processed
    pixel, width pt, height pt)`` each, with the pages of ``text_layer`` that were
    not OCR'd (a PDF only partly scanned) and the text-layer rows kept on the OCR'd
    ones (a signature stamp: ``_PageData.overlay``). The layout is the PDF reader's
    (running lines, column blocks, paragraphs, tables across pages); each OCR'd
    Line's ``confidence`` is the lowest confidence of the OCR lines it was made of."""
    layer_pages = {p.number: p for p in text_layer.pages} if text_layer is not None else {}
    data = []
    for number, ocr, ppp, width, height in scans:
        tables = [
            _Table(tuple(v * ppp for v in t.bbox), t.rows, [tuple(v * ppp for v in b) for b in t.row_boxes])
            for t in ocr.tables
        ]
        rows = _page_rows(ocr, ppp)
        overlay = layer_pages[number].overlay if number in layer_pages else []
        data.append(_PageData(number=number, width=width, height=height, rows=rows, tables=tables,
                              n_chars=sum(len(w.text) for ln in ocr.lines for w in ln.words),
                              scan=True, overlay=overlay))
        for ln in ocr.lines:
            if ln.confidence < LOW_CONFIDENCE:
                what = "a stamp, signature or handwriting?" if ln.suspect else "low OCR confidence"
                warnings.append(f"page {number}: {what} on line {_quote(ln.text)} ({ln.confidence:.0f}%)")
        if not ocr.lines:
            warnings.append(f"page {number}: OCR found no text")
    ocr_numbers = {number for number, *_ in scans}
    data += [p for n, p in layer_pages.items() if n not in ocr_numbers]
    data.sort(key=lambda p: p.number)
    pages = layout_pages(data, source="ocr")
    repair_roman_sequence([line for page in pages for line in page.lines])
    repair_letter_sequence([line for page in pages for line in page.lines])
    by_number = {page.number: page for page in pages}
    for number, ocr, ppp, _, _ in scans:
        page = by_number[number]
        page.quality = round(ocr.confidence / 100, 3) if ocr.lines else 0.0
        centres = [((w.bbox[0] + w.bbox[2]) / 2 * ppp, (w.bbox[1] + w.bbox[3]) / 2 * ppp, i, ln.in_table)
                   for i, ln in enumerate(ocr.lines) for w in ln.words]
        for line in page.lines:
            x0, y0, x1, y1 = line.bbox
            table = line.cells is not None
            sources = {i for cx, cy, i, in_table in centres
                       if in_table == table and x0 - 1 <= cx <= x1 + 1 and y0 - 1 <= cy <= y1 + 1}
            if sources:
                line.confidence = round(min(ocr.lines[i].confidence for i in sources) / 100, 3)
            line.bbox = tuple(round(v, 2) for v in line.bbox)
    return pages


def _to_page(number: int, ocr: OcrPage, points_per_pixel: float, width: float, height: float,
             warnings: list[str]) -> Page:
    """One reading-model Page (see :func:`_to_pages`)."""
    return _to_pages([(number, ocr, points_per_pixel, width, height)], warnings)[0]


def _quote(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")


def ocr_confidences(raw: RawDocument) -> dict[tuple[int, int], float]:
    """``{(page number, index of the line in page.lines): confidence 0..1}`` of an OCR'd document.

    Stored on the document by :func:`ocr_pdf` / :func:`read_image` (attribute
    ``ocr_confidence``); empty for documents that were not OCR'd.
    """
    return dict(getattr(raw, "ocr_confidence", {}) or {})


def _attach_confidences(raw: RawDocument, pages: list[OcrPage]) -> RawDocument:
    raw.ocr_confidence = {  # a plain attribute: the dataclass has no field for it
        (page.number, i): line.confidence
        for page in raw.pages for i, line in enumerate(page.lines) if line.confidence is not None
    }
    raw.ocr_pages = pages
    return raw


# --------------------------------------------------------------------------
# PDFs
# --------------------------------------------------------------------------
def _ocr_pdf_page(args: tuple) -> tuple[OcrPage, float, float]:
    """Worker: render page ``index`` of the PDF, blank the ``masks`` (boxes in points:
    text the text layer gives exactly) and OCR it. Returns (page, width pt, height pt)."""
    path, index, dpi, psm, lang, masks = args
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    pdf = pdfium.PdfDocument(path)
    try:
        page = pdf[index]
        width, height = page.get_size()
        # An 8-bit gray bitmap, not the FPDF_GRAYSCALE flag (grayscale=True):
        # the same pixels, a quarter of the time (0.03 s against 0.10 s at 300 dpi).
        if _has_colour_image(page, pdfium_c):  # seals and ink are told from print by their colour
            bitmap = page.render(scale=dpi / POINTS_PER_INCH, force_bitmap_format=pdfium_c.FPDFBitmap_BGR,
                                 rev_byteorder=True)
        else:
            bitmap = page.render(scale=dpi / POINTS_PER_INCH, force_bitmap_format=pdfium_c.FPDFBitmap_Gray)
        page.close()
        pixels = to_gray(bitmap.to_numpy())
        if masks:
            pixels = _blank(pixels, masks, dpi / POINTS_PER_INCH)
        return ocr_image(pixels, psm=psm, lang=lang), width, height
    finally:
        pdf.close()


def _has_colour_image(page, pdfium_c) -> bool:
    """Does the page draw an image that may hold colour (not gray, not one bit per pixel)?"""
    try:
        for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
            meta = obj.get_metadata()
            if meta.colorspace not in (pdfium_c.FPDF_COLORSPACE_DEVICEGRAY, pdfium_c.FPDF_COLORSPACE_UNKNOWN) \
                    and meta.bits_per_pixel > 1:
                return True
    except Exception:  # an unreadable image object: render in gray as before
        return False
    return False


def _blank(pixels: np.ndarray, boxes: list, scale: float, pad: int = 3) -> np.ndarray:
    """A copy of a gray page image with the boxes (points) painted white."""
    out = np.array(pixels, dtype=np.uint8, copy=True)
    if out.ndim == 3:
        out = out[:, :, 0]
    h, w = out.shape
    for x0, top, x1, bottom in boxes:
        c0, c1 = max(0, int(x0 * scale) - pad), min(w, int(x1 * scale) + pad + 1)
        r0, r1 = max(0, int(top * scale) - pad), min(h, int(bottom * scale) + pad + 1)
        out[r0:r1, c0:c1] = 255
    return out


def _pool_map(func, jobs: list, workers: int | None) -> list:
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    if workers == 1:
        return [func(job) for job in jobs]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(func, jobs))


def ocr_pdf(path: Path, *, dpi: int | None = None, pages: list[int] | None = None,
            workers: int | None = None, psm: int = 6, lang: str = "vie",
            text_layer: TextLayer | None = None) -> RawDocument:
    """OCR the pages (1-based numbers; default all) of a PDF, in parallel.

    With ``text_layer`` (:func:`pipeline.read.pdf.read_text_layer`), only its
    scanned pages are OCR'd, the text-layer rows kept on them are blanked out of
    their images (and kept as lines), and its other pages come back as read from
    the text layer, all laid out together."""
    import pypdfium2 as pdfium

    path = Path(path)
    dpi = dpi or DEFAULT_DPI
    try:
        pdf = pdfium.PdfDocument(str(path))
        count = len(pdf)
        pdf.close()
    except Exception as err:  # pdfium raises PdfiumError for damaged files
        raise ReadError(f"cannot open PDF for OCR: {err}") from None
    overlays: dict[int, list] = {}
    if text_layer is not None:
        pages = text_layer.scanned
        overlays = {p.number: [(r.x0, r.top, r.x1, r.bottom) for r in p.overlay] for p in text_layer.pages}
    numbers = pages or list(range(1, count + 1))
    if any(n < 1 or n > count for n in numbers):
        raise ReadError(f"page out of range: the PDF has {count} pages")
    if not tesseract_available(lang):
        raise ReadError(f"OCR is not available: tesseract or its '{lang}' model is not installed")
    jobs = [(str(path), n - 1, dpi, psm, lang, overlays.get(n, [])) for n in numbers]
    results = _pool_map(_ocr_pdf_page, jobs, workers)
    warnings: list[str] = list(text_layer.warnings) if text_layer is not None else []
    scans = []
    for n, (ocr, width, height) in zip(numbers, results):
        if ocr.skew:
            warnings.append(f"page {n}: deskewed by {ocr.skew:.1f}°")
        scans.append((n, ocr, POINTS_PER_INCH / dpi / ocr.scale, width, height))
    raw = RawDocument(pages=_to_pages(scans, warnings, text_layer), format="pdf", warnings=warnings)
    return _attach_confidences(raw, [r[0] for r in results])


# --------------------------------------------------------------------------
# Image files
# --------------------------------------------------------------------------
def _open_image(path: Path) -> Image.Image:
    """Open lazily and refuse oversized images before any pixel is decoded."""
    try:
        image = Image.open(path)  # reads the header only
    except Image.DecompressionBombError:
        raise ReadError(f"image too large (over {MAX_PIXELS // 1_000_000} megapixels)") from None
    except Exception as err:
        raise ReadError(f"cannot read image: {err}") from None
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise ReadError(f"image too large: {width}x{height} pixels (limit {MAX_PIXELS // 1_000_000} megapixels)")
    return image


def _image_dpi(image: Image.Image) -> float | None:
    dpi = image.info.get("dpi")
    try:
        value = float(dpi[0]) if dpi else None
    except (TypeError, ValueError, IndexError):
        return None
    return value if value and 50 <= value <= 2400 else None  # 1 or 72 dpi headers mean "unknown"


def _ocr_frame(args: tuple[bytes, tuple[int, int], str, float | None]) -> OcrPage:
    data, size, mode, dpi = args
    return ocr_image(Image.frombytes(mode, size, data), dpi=dpi)


def read_image(path: Path, *, workers: int | None = None) -> RawDocument:
    """OCR an image file (PNG, JPEG, TIFF; every frame of a multi-page TIFF)."""
    path = Path(path)
    previous = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # PIL itself refuses bombs at 2x this
    try:
        image = _open_image(path)
        frames = []
        try:
            for index in range(getattr(image, "n_frames", 1)):
                image.seek(index)
                if image.size[0] * image.size[1] > MAX_PIXELS:
                    raise ReadError("image too large: a frame exceeds the pixel limit")
                frame = image.convert("RGB" if image.mode in ("RGB", "RGBA", "P", "CMYK", "YCbCr") else "L")
                frames.append((frame.tobytes(), frame.size, frame.mode, _image_dpi(image)))
        except ReadError:
            raise
        except Exception as err:
            raise ReadError(f"cannot decode image: {err}") from None
    finally:
        Image.MAX_IMAGE_PIXELS = previous
    if not tesseract_available():
        raise ReadError("OCR is not available: tesseract or its 'vie' model is not installed")
    results = _pool_map(_ocr_frame, frames, workers)
    warnings: list[str] = []
    scans = []
    for n, (ocr, (_, size, _, dpi)) in enumerate(zip(results, frames), start=1):
        # Without a DPI in the header, "points" are source pixels.
        ppp = (POINTS_PER_INCH / dpi if dpi else 1.0) / ocr.scale
        width, height = size[0] * (POINTS_PER_INCH / dpi if dpi else 1.0), size[1] * (POINTS_PER_INCH / dpi if dpi else 1.0)
        if ocr.skew:
            warnings.append(f"page {n}: deskewed by {ocr.skew:.1f}°")
        scans.append((n, ocr, ppp, width, height))
    raw = RawDocument(pages=_to_pages(scans, warnings), format="image", warnings=warnings)
    return _attach_confidences(raw, results)
