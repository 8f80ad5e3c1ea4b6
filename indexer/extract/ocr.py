"""Optical character recognition with Tesseract 5, one page (or one image) per call.

Runs inside an extraction worker (``ExtractionPool.call_many``): the pool's time limit
is then a limit per page, its memory limit covers Tesseract too (tesserocr runs it in the
worker's own process, its models loaded once and kept between pages). PDF pages are
rendered with PDFium.
"""
from __future__ import annotations

import os
import threading
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import tesserocr
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

# Where the models are: TESSDATA_PREFIX when set, else where Debian's tesseract-ocr-LANG
# packages put them (tesserocr's wheel brings its own Tesseract, not the models).
MODEL_FOLDERS = ("/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata",
                 "/usr/share/tessdata", "/usr/local/share/tessdata")
# Loaded models kept per thread (a worker has one) between pages, for this many settings at most.
KEPT_ENGINES = 4
WORD_LEVEL = "5"        # the rows of Tesseract's TSV that are words

Image.MAX_IMAGE_PIXELS = MAX_PIXELS
_engines = threading.local()


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


def recognise(image: Image.Image, languages: str = LANGUAGES,
              options: Mapping[str, str] | None = None) -> Recognised:
    """``options``: Tesseract variables (``tessedit_pageseg_mode``...; the benchmark compares some)."""
    engine = _engine(languages, options or {})
    engine.SetImage(image)
    width, height = image.size
    words, lines, last = [], [], None
    for row in engine.GetTSVText(0).splitlines():
        fields = row.split("\t")
        if len(fields) < 12 or fields[0] != WORD_LEVEL or not fields[11].strip() or float(fields[10]) < 0:
            continue
        text, confidence = fields[11], float(fields[10])
        line = tuple(int(v) for v in fields[2:5])          # block, paragraph, line
        if line != last:
            if last is not None and line[:2] != last[:2]:
                lines.append("")              # a blank line between paragraphs
            lines.append(text)
            last = line
        else:
            lines[-1] += " " + text
        left, top, box_width, box_height = (int(v) for v in fields[6:10])
        box = (left / width, top / height, (left + box_width) / width, (top + box_height) / height)
        words.append(Word(text, tuple(round(v, 4) for v in box), confidence))
    mean = sum(w.confidence for w in words) / len(words) if words else None
    return Recognised(page_text("\n".join(lines)), tuple(words), mean)


def _engine(languages: str, options: Mapping[str, str]) -> tesserocr.PyTessBaseAPI:
    """This thread's Tesseract with these languages and variables, its models loaded once."""
    held = getattr(_engines, "held", None)
    if held is None:
        held = _engines.held = {}
    key = (languages, tuple(sorted(options.items())))
    if key not in held:
        os.environ["OMP_THREAD_LIMIT"] = "1"      # one page per worker, one core per page
        if len(held) >= KEPT_ENGINES:
            held.pop(next(iter(held))).End()
        engine = tesserocr.PyTessBaseAPI(path=models_folder(), lang=languages)
        for name, value in options.items():
            engine.SetVariable(name, value)
        held[key] = engine
    return held[key]


def models_folder() -> str:
    configured = os.environ.get("TESSDATA_PREFIX")
    for folder in (configured,) if configured else MODEL_FOLDERS:
        if any(Path(folder).glob("*.traineddata")):
            return str(folder).rstrip("/") + "/"
    raise RuntimeError("Tesseract's language models are not installed (scripts/setup.sh installs them)")
