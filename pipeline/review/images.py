"""Page images for the review site: the archived original's page, cropped to an item's box.

Only documents in the dataset are served, and only from the archive: the file is
found through the document's manifest (``archive_path``), its name must be
``<doc_id>`` plus an extension, and the resolved path must sit directly in
``raw_docs/archive/`` (symlinks are refused). Nothing here takes a path from a
request.
"""
from __future__ import annotations

import io
import re
import threading
from pathlib import Path

from pipeline.dataset import Dataset
from pipeline.inbox import Home

MAX_SIDE = 2400  # pixels: a crop is never rendered larger than this
PADDING = 6.0  # points around the item's box
_PDFIUM_LOCK = threading.Lock()  # pdfium is not thread-safe


class NoImage(Exception):
    """The document has no page image (a text or Word file, no archived original, a page out of range)."""


def archived_original(home: str | Path, dataset: Dataset, doc_id: str) -> Path:
    """The archived original of a document that is in the dataset, or NoImage."""
    manifest = dataset.manifest(doc_id)  # doc_dir() validates the id
    if manifest is None:
        raise NoImage("not in the dataset")
    archive = Home.at(home).archive.resolve()
    name = manifest.get("archive_path")
    pattern = re.compile(re.escape(doc_id) + r"(\.[a-z0-9]{1,9})?")
    names = [name] if name else []
    if not names and archive.is_dir():  # an older manifest: look the content address up
        names = sorted(p.name for p in archive.iterdir() if pattern.fullmatch(p.name))
    for candidate in names:
        if not isinstance(candidate, str) or not pattern.fullmatch(candidate):
            continue
        path = archive / candidate
        if path.is_symlink() or not path.is_file() or path.resolve().parent != archive:
            continue
        return path
    raise NoImage("no archived original")


def _crop_box(bbox, width: float, height: float) -> tuple[float, float, float, float]:
    x0, top, x1, bottom = bbox
    return (max(0.0, x0 - PADDING), max(0.0, top - PADDING), min(width, x1 + PADDING), min(height, bottom + PADDING))


def render_crop(path: Path, page: int, bbox: tuple[float, float, float, float] | None,
                page_size: tuple[float | None, float | None] = (None, None)) -> bytes:
    """PNG bytes of `page` (1-based) of a PDF or image file, cropped to `bbox` (points, origin top-left)."""
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(b"%PDF"):
        return _render_pdf(path, page, bbox)
    return _render_image(path, page, bbox, page_size)


def _render_pdf(path: Path, page_no: int, bbox) -> bytes:
    import pypdfium2 as pdfium

    with _PDFIUM_LOCK:
        pdf = pdfium.PdfDocument(str(path))
        try:
            if not 1 <= page_no <= len(pdf):
                raise NoImage("page out of range")
            page = pdf[page_no - 1]
            width, height = page.get_size()
            if bbox is not None:
                x0, top, x1, bottom = _crop_box(bbox, width, height)
                if x1 <= x0 or bottom <= top:
                    raise NoImage("empty box")
                crop = (x0, height - bottom, width - x1, top)  # points cut from left, bottom, right, top
            else:
                x0, top, x1, bottom = 0.0, 0.0, width, height
                crop = (0, 0, 0, 0)
            scale = min(2.0, MAX_SIDE / max(x1 - x0, bottom - top, 1.0))
            image = page.render(scale=scale, crop=crop).to_pil()
            page.close()
        finally:
            pdf.close()
    return _png(image)


def _render_image(path: Path, page_no: int, bbox, page_size) -> bytes:
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = 100_000_000  # as the reader: refuse decompression bombs
    try:
        image = Image.open(path)
    except Exception as exc:  # not an image we can show
        raise NoImage(f"cannot open: {exc}") from None
    with image:
        try:
            image.seek(page_no - 1)
        except EOFError:
            raise NoImage("page out of range") from None
        image = image.convert("RGB")
    if bbox is not None:
        width, height = page_size
        sx = image.width / width if width else 1.0
        sy = image.height / height if height else sx
        x0, top, x1, bottom = _crop_box(bbox, (width or image.width), (height or image.height))
        box = (int(x0 * sx), int(top * sy), int(round(x1 * sx)), int(round(bottom * sy)))
        if box[2] <= box[0] or box[3] <= box[1]:
            raise NoImage("empty box")
        image = image.crop(box)
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    return _png(image)


def _png(image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
