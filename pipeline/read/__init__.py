"""Readers: one module per format, all returning the same page-aware `RawDocument`.

`read_file` sniffs the format from the file's first bytes (never trusting the name
alone) and dispatches. Every refusal is a `ReadError` with a one-line reason.
"""
from __future__ import annotations

from pathlib import Path

from pipeline.errors import ReadError
from pipeline.model import RawDocument

MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_IMAGE_PIXELS = 100_000_000  # a 600-dpi A3 scan is about 70 megapixels
MAX_PAGES = 2000

TEXT_SUFFIXES = {".txt", ".text", ".md", ""}


def sniff_format(path: Path, head: bytes) -> str:
    """Name the format of a file from its magic bytes, falling back to its suffix for text."""
    suffix = path.suffix.lower()
    if head.startswith(b"%PDF-") or (suffix == ".pdf" and b"%PDF-" in head[:1024]):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        if _zip_has(path, "xl/workbook.xml"):
            return "xlsx"
        return "docx" if suffix in {".docx", ".docm", ".dotx", ""} or suffix not in {".zip"} else "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls" if _ole2_is_workbook(path) else "doc"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith((b"\xff\xd8\xff", b"\x89PNG", b"II*\x00", b"MM\x00*", b"GIF8")):
        return "image"
    if suffix == ".pdf":
        return "not-pdf"
    if suffix == ".docx":
        return "not-docx"
    return "txt"


def _zip_has(path: Path, name: str) -> bool:
    import zipfile

    try:
        with zipfile.ZipFile(path) as package:
            return name in package.namelist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return False


#: How much of an OLE2 file is searched for its stream names (the directory of a Word or Excel 97 file).
OLE2_SCAN_BYTES = 8 * 1024 * 1024


def _ole2_is_workbook(path: Path) -> bool:
    """An Excel 97 workbook: its OLE2 directory names a "Workbook" (or Excel 5 "Book") stream and no "WordDocument"."""
    try:
        with path.open("rb") as fh:
            data = fh.read(OLE2_SCAN_BYTES)
    except OSError:
        return False
    if "WordDocument".encode("utf-16-le") in data:
        return False
    return "Workbook".encode("utf-16-le") in data or "Book\x00".encode("utf-16-le") in data


def read_head(path: Path, size: int = 8) -> bytes:
    """The first bytes of a file, for its magic number; an unreadable or empty file is a ReadError."""
    try:
        with path.open("rb") as fh:
            head = fh.read(size)
    except OSError as exc:
        raise ReadError(f"cannot open file: {exc.strerror or exc}") from exc
    if not head:
        raise ReadError("empty file")
    return head


def read_file(path: Path) -> RawDocument:
    path = Path(path)
    if path.is_symlink():
        raise ReadError("symbolic links are not followed")
    if not path.exists():
        raise ReadError("no such file")
    if path.is_dir():
        raise ReadError("a folder, not a file")
    if not path.is_file():
        raise ReadError("not a regular file")
    size = path.stat().st_size
    if size == 0:
        raise ReadError("empty file")
    if size > MAX_FILE_BYTES:
        raise ReadError(f"file too large ({size / 1e6:.0f} MB > {MAX_FILE_BYTES / 1e6:.0f} MB)")
    fmt = sniff_format(path, read_head(path, 2048))
    if fmt == "pdf":
        return _read_pdf_any(path)
    if fmt == "image":
        from pipeline.read.ocr import read_image

        return _with_ocr_confidence(read_image(path))
    if fmt in ("doc", "rtf"):
        from pipeline.read.legacy import read_legacy

        return read_legacy(path)
    if fmt == "docx":
        from pipeline.read.docx import read_docx

        return read_docx(path)
    if fmt == "xlsx":
        from pipeline.read.xlsx import read_xlsx

        return read_xlsx(path)
    if fmt == "xls":
        from pipeline.read.xlsx import read_xls

        return read_xls(path)
    if fmt == "txt":
        from pipeline.read.text import read_text

        return read_text(path)
    reasons = {
        "not-pdf": "named .pdf but is not a PDF (no %PDF- header)",
        "not-docx": "named .docx but is not a DOCX (not a ZIP package)",
        "zip": "ZIP archive, not a document",
    }
    raise ReadError(reasons.get(fmt, f"unsupported format {fmt}"))


def _read_pdf_any(path: Path) -> RawDocument:
    """The text layer when it is good; else the text layer with its font map repaired; else OCR.

    Decided per page: a page that is a scanned image (no text layer over it, or only
    the few lines a digital signature adds) is OCR'd even when other pages read from
    the text layer; the signature's lines are kept as read (see
    :func:`pipeline.read.pdf.read_text_layer`)."""
    from pipeline.errors import NeedsOCR
    from pipeline.read.pdf import read_text_layer

    try:
        layer = read_text_layer(path)
    except NeedsOCR as refusal:
        from pipeline.read.ocr import ocr_pdf
        from pipeline.repair.font_shift import read_pdf_repaired

        repaired = read_pdf_repaired(path)
        if repaired is not None:
            return repaired
        _check_ocr(path, refusal.reason)
        raw = _with_ocr_confidence(ocr_pdf(path))
        raw.warnings.insert(0, f"text layer not used ({refusal.reason}); pages read by OCR")
        return raw
    if not layer.scanned:
        return layer.to_raw()
    from pipeline.read.ocr import ocr_pdf

    named = ", ".join(str(n) for n in layer.scanned)
    _check_ocr(path, f"page(s) {named} are scanned images")
    raw = _with_ocr_confidence(ocr_pdf(path, text_layer=layer))
    raw.warnings.insert(0, f"page(s) {named} read by OCR (scanned images)")
    return raw


def _check_ocr(path: Path, reason: str) -> None:
    """Refuse oversized images before rendering; NeedsOCR when Tesseract is missing."""
    from pipeline.errors import NeedsOCR
    from pipeline.read.ocr import tesseract_available

    check_declared_images(path)
    if not tesseract_available("vie"):
        raise NeedsOCR(f"{reason}; Tesseract with Vietnamese (tesseract-ocr-vie) is not installed") from None


def _with_ocr_confidence(raw: RawDocument) -> RawDocument:
    from pipeline.read.ocr import ocr_confidences

    if not any(line.text.strip() for line in raw.lines):
        raise ReadError("OCR found no text: an image without a document on it?")

    confidences = ocr_confidences(raw)
    for page in raw.pages:
        for index, line in enumerate(page.lines):
            line.confidence = confidences.get((page.number, index), line.confidence)
    return raw


def check_declared_images(path: Path) -> None:
    """Refuse a PDF whose pages declare images too large to render, before anything is allocated."""
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        if len(pdf.pages) > MAX_PAGES:
            raise ReadError(f"{len(pdf.pages)} pages, over the limit of {MAX_PAGES}")
        for page in pdf.pages:
            for image in page.images:
                width, height = (int(v) for v in image.get("srcsize", (0, 0)))
                if width * height > MAX_IMAGE_PIXELS:
                    raise ReadError(
                        f"page {page.page_number} declares a {width}×{height} image "
                        f"({width * height / 1e6:.0f} megapixels, over the {MAX_IMAGE_PIXELS / 1e6:.0f}-megapixel limit)"
                    )
