"""Optical character recognition with Tesseract 5, one page (or one image) per call.

Runs inside an extraction worker (``ExtractionPool.call_many``): the pool's time limit
is then a limit per page, its memory limit covers Tesseract too (a child of the
worker, in its process group, killed with it). PDF pages are rendered with PDFium.
"""
from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pytesseract
from PIL import Image

from dossier.indexer.extract.normalize import page_text

ENGINE = "tesseract"
DPI = 300
LANGUAGES = "eng+spa"
# Pillow refuses images above this many pixels (a decompression bomb: a few KB that
# unpack to gigabytes); a rendered page is scaled down to stay under it.
MAX_PIXELS = 60_000_000
# An image's text is kept only when Tesseract is this sure of its words on average
# (a photo of a podium gives a few "words" in the 20s-40s; a photographed letter 80+).
IMAGE_MIN_CONFIDENCE = 60.0
IMAGE_MIN_WORDS = 3

Image.MAX_IMAGE_PIXELS = MAX_PIXELS


@dataclass(frozen=True)
class Word:
    text: str
    box: tuple[float, float, float, float]   # x0, y0, x1, y1 as fractions of the page's width and height
    confidence: float                         # 0-100


@dataclass(frozen=True)
class Recognised:
    text: str
    words: tuple[Word, ...]
    confidence: float | None                  # mean over the words; None: no word found


def recognise_pdf_page(path: Path, page: int, languages: str = LANGUAGES, dpi: int = DPI) -> Recognised:
    """Page ``page`` (1-based) of a PDF, rendered at ``dpi`` and recognised."""
    document = pdfium.PdfDocument(str(path))
    try:
        pdf_page = document[page - 1]
        try:
            width, height = pdf_page.get_size()
            scale = min(dpi / 72, (MAX_PIXELS / max(width * height, 1)) ** 0.5)
            image = pdf_page.render(scale=scale, grayscale=True).to_pil()
        finally:
            pdf_page.close()
    finally:
        document.close()
    return recognise(image, languages)


def recognise_image(path: Path, languages: str = LANGUAGES) -> Recognised:
    """An uploaded image (its first frame); its text kept only where the confidence says it is text.
    A decompression bomb raises (Pillow's DecompressionBombError), which the worker reports."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(path) as image:
            image.load()
            found = recognise(image.convert("L"), languages)
    sure = [w for w in found.words if w.confidence >= IMAGE_MIN_CONFIDENCE]
    if (found.confidence or 0) < IMAGE_MIN_CONFIDENCE or len(sure) < IMAGE_MIN_WORDS:
        return Recognised("", (), found.confidence)
    return found


def recognise(image: Image.Image, languages: str = LANGUAGES, options: str = "") -> Recognised:
    """``options``: further Tesseract command-line options (the benchmark compares some)."""
    os.environ["OMP_THREAD_LIMIT"] = "1"      # one page per worker, one core per page
    data = pytesseract.image_to_data(image, lang=languages, config=options, output_type=pytesseract.Output.DICT)
    width, height = image.size
    words, lines, last = [], [], None
    for i, text in enumerate(data["text"]):
        confidence = float(data["conf"][i])
        if not text.strip() or confidence < 0:
            continue
        line = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        if line != last:
            if last is not None and line[:2] != last[:2]:
                lines.append("")              # a blank line between paragraphs
            lines.append(text)
            last = line
        else:
            lines[-1] += " " + text
        left, top = data["left"][i], data["top"][i]
        box = (left / width, top / height, (left + data["width"][i]) / width, (top + data["height"][i]) / height)
        words.append(Word(text, tuple(round(v, 4) for v in box), confidence))
    mean = sum(w.confidence for w in words) / len(words) if words else None
    return Recognised(page_text("\n".join(lines)), tuple(words), mean)
