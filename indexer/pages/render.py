"""What runs inside a worker process: one PDF page or one photo to a WebP file, one page's words.

Each function takes the original's path first (``ExtractionPool.call_many``), never raises for
a bad or hostile file (it returns a ``Rendered`` with the reason), and writes its image to a
temp file beside the target, renamed into place only once whole.
"""
from __future__ import annotations

import math
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

from dossier.indexer.extract.result import describe
from dossier.indexer.pdf_limits import oversized_pages

WIDTHS = (200, 800, 1600)           # the only widths served (pixels)
THUMBNAIL_WIDTH = WIDTHS[0]
MAX_ASPECT = 4.0                    # a page taller than 4 widths is cut at that height
WEBP_QUALITY = 75
WEBP_METHOD = 2                     # 0 fastest .. 6 smallest; 2 is ~3x faster than the default 4
MAX_PIXELS = 60_000_000             # a photo larger than this is a decompression bomb: refused
PDF = "application/pdf"
PHOTO_MIMES = frozenset({"image/jpeg", "image/png", "image/tiff", "image/gif", "image/webp"})


def renderable(mime: str) -> bool:
    return mime == PDF or mime in PHOTO_MIMES


@dataclass(frozen=True)
class Rendered:
    ok: bool
    error: str | None = None


@dataclass(frozen=True)
class Word:
    text: str
    box: tuple[float, float, float, float]     # left, top, right, bottom: fractions of the page, top-left origin


def _on_page(path: Path, page_number: int, work, too_large):
    """``work(page)`` on page ``page_number`` (1-based) of the PDF at ``path``; ``too_large`` for a
    page whose content PDFium must not inflate; a Rendered saying why when it cannot be done."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(path))
    except Exception as exc:
        return Rendered(False, describe(exc))
    try:
        if not 1 <= page_number <= len(document):
            return Rendered(False, f"no page {page_number}")
        if oversized_pages(path, range(page_number - 1, page_number)):
            return too_large
        return work(document[page_number - 1])
    except Exception as exc:
        return Rendered(False, describe(exc))
    finally:
        document.close()


def render_pdf_page(path: Path, page_number: int, width: int, target: str) -> Rendered:
    """Page ``page_number`` (1-based) at ``width`` pixels wide, as WebP at ``target``."""
    def draw(page) -> Rendered:
        page_width, page_height = page.get_size()
        if page_width <= 0 or page_height <= 0:
            return Rendered(False, "the page has no size")
        scale = width / page_width
        crop = max(0.0, page_height * scale - width * MAX_ASPECT) / scale
        bitmap = page.render(scale=scale, crop=(0, crop, 0, 0), may_draw_forms=True)
        _save(bitmap.to_pil(), target)
        return Rendered(True)
    return _on_page(path, page_number, draw, Rendered(False, "the page's content is too large to draw"))


def render_photo(path: Path, width: int, target: str) -> Rendered:
    """The photo upright (its EXIF orientation applied), at most ``width`` pixels wide, with none
    of its metadata (EXIF, GPS, XMP, ICC), as WebP at ``target``."""
    from PIL import Image, ImageOps

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                image.draft("RGB", (width, width * 8))          # JPEG: decode at a reduced size
                upright = _upright(image, ImageOps)
                upright.thumbnail((width, math.ceil(width * MAX_ASPECT)))
                _save(_bare(upright, Image), target)
        return Rendered(True)
    except Exception as exc:     # Image.DecompressionBombError and Warning among them
        return Rendered(False, describe(exc))


def _upright(image, image_ops):
    try:
        return image_ops.exif_transpose(image)
    except Exception:            # broken EXIF: the pixels as stored
        return image.copy()


def _bare(image, image_module):
    """A copy holding only pixels: nothing of the original's info travels with it."""
    alpha = image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info)
    mode = "RGBA" if alpha else "RGB"
    pixels = image.convert(mode)
    clean = image_module.new(mode, pixels.size)
    clean.paste(pixels)
    return clean


def _save(image, target: str) -> None:
    temp = f"{target}.{os.getpid()}.tmp"
    try:
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGB")
        image.save(temp, "WEBP", quality=WEBP_QUALITY, method=WEBP_METHOD)
        os.replace(temp, target)
    finally:
        if os.path.exists(temp):
            os.remove(temp)


def page_words(path: Path, page_number: int) -> tuple[Word, ...] | Rendered:
    """The words of a page's text layer with their boxes; () for a page without one or a rotated
    page (its boxes would not fall on the image)."""
    def words(page) -> tuple[Word, ...]:
        if page.get_rotation() % 360:
            return ()
        textpage = page.get_textpage()
        try:
            return _words(textpage, page.get_bbox())
        finally:
            textpage.close()
    return _on_page(path, page_number, words, ())


def _words(textpage, cropbox) -> tuple[Word, ...]:
    count = textpage.count_chars()
    text = textpage.get_text_range(0, count) if count else ""
    if len(text) != count:        # characters outside the BMP: indices no longer line up
        return ()
    left, bottom, right, top = cropbox
    width, height = (right - left) or 1, (top - bottom) or 1
    words, start = [], None
    for index, char in enumerate(text + " "):
        if not char.isspace() and index < count:
            start = index if start is None else start
            continue
        if start is not None:
            x0, y0, x1, y1 = _union(textpage, start, index)
            words.append(Word(text[start:index], (
                round((x0 - left) / width, 4), round((top - y1) / height, 4),
                round((x1 - left) / width, 4), round((top - y0) / height, 4))))
            start = None
    return tuple(words)


def _union(textpage, start: int, end: int) -> tuple[float, float, float, float]:
    boxes = [textpage.get_charbox(i) for i in range(start, end)]
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
