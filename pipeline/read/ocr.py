"""OCR of scanned PDFs and image files with Tesseract's Vietnamese model.

Per page:

1. **Rasterise** (PDFs) with pypdfium2 at ``DEFAULT_DPI``. The default was
   chosen with ``benchmarks/ocr_dpi.py`` (a generated decree page, Tesseract
   5.3.0 / vie 4.1.0, 2 cores): 150 dpi was noticeably worse on diacritics,
   300 dpi was no better than 200 dpi and ~1.7x slower. See the report in that
   script's docstring.
2. **Preprocess**: grayscale; upscale images under ``MIN_DPI`` (small text
   loses its tone marks); deskew by the projection-profile method (the angle,
   within ±5°, whose horizontal ink profile has the largest variance: text
   rows are sharpest when level); binarise with Otsu's threshold.
3. **Recognise**: the ``tesseract`` binary, ``--psm 6`` (one uniform block:
   reads table pages far better than the automatic ``--psm 3``), TSV output,
   one process per page with ``OMP_THREAD_LIMIT=1``; pages run in parallel in
   a process pool (Tesseract's own threading is slower on this hardware).
4. **Build lines** from the TSV word rows (block/paragraph/line numbers), with
   boxes scaled back to PDF points and the mean word confidence per line.
   Tesseract sometimes returns "Ð" (U+00D0, Icelandic eth) for "Đ" (U+0110):
   mapped back; text is NFC.

Low-confidence lines (stamps, signatures, handwriting, smudges) are not
dropped and not silently trusted: each is named in ``RawDocument.warnings``,
and :func:`ocr_confidences` gives every line's confidence so that item
confidence can carry it.
"""
from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import tempfile
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from pipeline.errors import ReadError
from pipeline.model import Line, Page, RawDocument
from pipeline.repair.syllables import syllable_validity

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

POINTS_PER_INCH = 72.0


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
    suspect: bool = False  # a stamp, signature or handwriting, judged by confidence and syllables


@dataclass
class OcrPage:
    lines: list[OcrLine]
    width: int  # pixels of the processed image
    height: int
    skew: float = 0.0  # degrees corrected
    scale: float = 1.0  # processed pixels per source pixel

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
def to_gray(image: Image.Image) -> np.ndarray:
    """A uint8 grayscale array; transparency is flattened onto white."""
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, image)
    return np.asarray(image.convert("L"), dtype=np.uint8)


def otsu_threshold(gray: np.ndarray) -> int:
    """Otsu's threshold: the gray level that maximises the between-class variance."""
    hist = np.bincount(gray.ravel(), minlength=256).astype(np.float64)
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
    """Black text (0) on white (255)."""
    t = otsu_threshold(gray)
    return np.where(gray > t, 255, 0).astype(np.uint8)


def _profile_score(ink: np.ndarray, angle: float) -> float:
    """Variance of the row sums of the ink image rotated by ``angle`` degrees."""
    img = Image.fromarray(ink).rotate(angle, resample=Image.NEAREST, expand=False, fillcolor=0)
    rows = np.asarray(img, dtype=np.float32).sum(axis=1)
    return float(np.var(rows))


def estimate_skew(gray: np.ndarray, max_angle: float = MAX_SKEW) -> float:
    """The rotation (degrees, counter-clockwise positive as in ``Image.rotate``)
    that levels the text rows: projection-profile variance, coarse then fine search."""
    ink = (gray < otsu_threshold(gray)).astype(np.uint8) * 255
    # Work on a reduced copy: the profile needs rows, not detail.
    h, w = ink.shape
    factor = max(1, int(max(h, w) / 1200))
    if factor > 1:
        ink = np.asarray(Image.fromarray(ink).reduce(factor))
    if ink.max() == 0:
        return 0.0

    def best(angles) -> float:
        return max(angles, key=lambda a: _profile_score(ink, a))

    coarse = best(np.arange(-max_angle, max_angle + 1e-6, 0.5))
    fine = best(np.arange(coarse - 0.5, coarse + 0.5 + 1e-6, 0.1))
    return round(float(fine), 2)


def preprocess(image: Image.Image, dpi: float | None = None) -> tuple[Image.Image, float, float]:
    """Grayscale, upscale (low DPI), deskew, binarise. Returns (image, skew, scale)."""
    gray = to_gray(image)
    scale = 1.0
    if dpi and dpi < MIN_DPI:
        scale = MIN_DPI / dpi
        size = (round(gray.shape[1] * scale), round(gray.shape[0] * scale))
        gray = np.asarray(Image.fromarray(gray).resize(size, Image.LANCZOS))
    skew = estimate_skew(gray)
    if abs(skew) >= 0.1:
        gray = np.asarray(Image.fromarray(gray).rotate(skew, resample=Image.BICUBIC, expand=False, fillcolor=255))
    return Image.fromarray(binarize(gray)), skew, scale


# --------------------------------------------------------------------------
# Tesseract
# --------------------------------------------------------------------------
def clean_text(text: str) -> str:
    """NFC, and "Ð" (U+00D0, eth) -> "Đ" (U+0110): Tesseract confuses the two."""
    return unicodedata.normalize("NFC", text.replace("\u00d0", "\u0110").replace("\u00f0", "\u0111"))


def run_tesseract(image: Image.Image, *, psm: int = 6, lang: str = "vie") -> str:
    """The TSV output of Tesseract on ``image`` (written to a private temporary PGM)."""
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    with tempfile.TemporaryDirectory(prefix="ocr-") as tmp:
        src = Path(tmp) / "page.pgm"
        image.convert("L").save(src)
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


def ocr_image(image: Image.Image, *, psm: int = 6, lang: str = "vie", dpi: float | None = None) -> OcrPage:
    """OCR one page image: preprocess, run Tesseract, group words into lines."""
    processed, skew, scale = preprocess(image, dpi)
    lines = parse_tsv(run_tesseract(processed, psm=psm, lang=lang))
    return OcrPage(lines, processed.width, processed.height, skew, scale)


# --------------------------------------------------------------------------
# Pages into the reading model
# --------------------------------------------------------------------------
def _to_page(number: int, ocr: OcrPage, points_per_pixel: float, width: float, height: float,
             warnings: list[str]) -> Page:
    """A reading-model Page; boxes in points (``points_per_pixel`` of the processed image)."""
    lines = []
    for ln in ocr.lines:
        box = tuple(round(v * points_per_pixel, 2) for v in ln.bbox)
        lines.append(Line(text=ln.text, page=number, bbox=box))
        if ln.confidence < LOW_CONFIDENCE:
            what = "a stamp, signature or handwriting?" if ln.suspect else "low OCR confidence"
            warnings.append(f"page {number}: {what} on line {_quote(ln.text)} ({ln.confidence:.0f}%)")
    quality = round(ocr.confidence / 100, 3) if ocr.lines else 0.0
    if not ocr.lines:
        warnings.append(f"page {number}: OCR found no text")
    return Page(number=number, lines=lines, width=width, height=height, source="ocr", quality=quality)


def _quote(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")


def ocr_confidences(raw: RawDocument) -> dict[tuple[int, int], float]:
    """``{(page number, index of the line in page.lines): confidence 0..1}`` of an OCR'd document.

    Stored on the document by :func:`ocr_pdf` / :func:`read_image` (attribute
    ``ocr_confidence``); empty for documents that were not OCR'd.
    """
    return dict(getattr(raw, "ocr_confidence", {}) or {})


def _attach_confidences(raw: RawDocument, pages: list[OcrPage]) -> RawDocument:
    conf = {}
    for page, ocr in zip(raw.pages, pages):
        for i, ln in enumerate(ocr.lines):
            conf[(page.number, i)] = round(ln.confidence / 100, 3)
    raw.ocr_confidence = conf  # a plain attribute: the dataclass has no field for it
    raw.ocr_pages = pages
    return raw


# --------------------------------------------------------------------------
# PDFs
# --------------------------------------------------------------------------
def _ocr_pdf_page(args: tuple[str, int, int, int, str]) -> tuple[OcrPage, float, float]:
    """Worker: render page ``index`` of the PDF and OCR it. Returns (page, width pt, height pt)."""
    path, index, dpi, psm, lang = args
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    try:
        page = pdf[index]
        width, height = page.get_size()
        bitmap = page.render(scale=dpi / POINTS_PER_INCH, grayscale=True)
        image = bitmap.to_pil()
        page.close()
    finally:
        pdf.close()
    return ocr_image(image, psm=psm, lang=lang), width, height


def _pool_map(func, jobs: list, workers: int | None) -> list:
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    if workers == 1:
        return [func(job) for job in jobs]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(func, jobs))


def ocr_pdf(path: Path, *, dpi: int | None = None, pages: list[int] | None = None,
            workers: int | None = None, psm: int = 6, lang: str = "vie") -> RawDocument:
    """OCR the pages (1-based numbers; default all) of a PDF, in parallel."""
    import pypdfium2 as pdfium

    path = Path(path)
    dpi = dpi or DEFAULT_DPI
    try:
        pdf = pdfium.PdfDocument(str(path))
        count = len(pdf)
        pdf.close()
    except Exception as err:  # pdfium raises PdfiumError for damaged files
        raise ReadError(f"cannot open PDF for OCR: {err}") from None
    numbers = pages or list(range(1, count + 1))
    if any(n < 1 or n > count for n in numbers):
        raise ReadError(f"page out of range: the PDF has {count} pages")
    if not tesseract_available(lang):
        raise ReadError(f"OCR is not available: tesseract or its '{lang}' model is not installed")
    results = _pool_map(_ocr_pdf_page, [(str(path), n - 1, dpi, psm, lang) for n in numbers], workers)
    warnings: list[str] = []
    out_pages = []
    for n, (ocr, width, height) in zip(numbers, results):
        if ocr.skew:
            warnings.append(f"page {n}: deskewed by {ocr.skew:.1f}°")
        out_pages.append(_to_page(n, ocr, POINTS_PER_INCH / dpi / ocr.scale, width, height, warnings))
    raw = RawDocument(pages=out_pages, format="pdf", warnings=warnings)
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
                frame = image.convert("L")
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
    pages = []
    for n, (ocr, (_, size, _, dpi)) in enumerate(zip(results, frames), start=1):
        # Without a DPI in the header, "points" are source pixels.
        ppp = (POINTS_PER_INCH / dpi if dpi else 1.0) / ocr.scale
        width, height = size[0] * (POINTS_PER_INCH / dpi if dpi else 1.0), size[1] * (POINTS_PER_INCH / dpi if dpi else 1.0)
        if ocr.skew:
            warnings.append(f"page {n}: deskewed by {ocr.skew:.1f}°")
        pages.append(_to_page(n, ocr, ppp, width, height, warnings))
    raw = RawDocument(pages=pages, format="image", warnings=warnings)
    return _attach_confidences(raw, results)
