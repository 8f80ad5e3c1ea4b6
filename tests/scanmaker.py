"""Scans made by the tests: text drawn into images with Pillow, saved as an image-only PDF."""
from __future__ import annotations

import os
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

DPI = 200
# Accented letters (fiscalía, acción): Pillow's own font has none. scripts/setup.sh --test installs it.
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
LETTER = (int(8.5 * DPI), 11 * DPI)


def page_image(text: str, size: tuple[int, int] = LETTER) -> Image.Image:
    """A white page with ``text`` (lines split on newlines) typed in black, 12 pt at 200 dpi."""
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, DPI * 12 // 72)
    y = DPI
    for line in text.splitlines():
        draw.text((DPI, y), line, fill=0, font=font)
        y += DPI * 22 // 72
    return image


def make_scan_pdf(path: str | os.PathLike, pages: list[str]) -> Path:
    """An image-only PDF, one scanned page per entry: no text layer at all."""
    images = [page_image(text) for text in pages]
    path = Path(path)
    images[0].save(path, "PDF", resolution=DPI, save_all=True, append_images=images[1:])
    return path


def make_scan_image(path: str | os.PathLike, text: str, fmt: str = "PNG") -> Path:
    path = Path(path)
    page_image(text).save(path, fmt)
    return path


def make_scan_pdf_with_layer(path: str | os.PathLike, pages: list[str], layers: list[str]) -> Path:
    """A scan as a scanner's own OCR writes it: each page's image, and over it an invisible text
    layer (``layers``, one per page, Latin-1) that may say something else than the image."""
    from fpdf import FPDF
    from fpdf.enums import TextMode

    pdf = FPDF(unit="pt", format=(LETTER[0] * 72 / DPI, LETTER[1] * 72 / DPI))
    pdf.set_font("Helvetica", size=10)
    pdf.set_auto_page_break(False)
    for text, layer in zip(pages, layers, strict=True):
        pdf.add_page()
        pdf.image(page_image(text), x=0, y=0, w=pdf.w, h=pdf.h)
        pdf.text_mode = TextMode.INVISIBLE
        pdf.set_xy(72, 72)
        pdf.multi_cell(pdf.w - 144, 12, layer)
    path = Path(path)
    pdf.output(str(path))
    return path
