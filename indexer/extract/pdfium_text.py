"""PDF page text with PDFium, the second engine: it maps glyphs pypdf cannot (names such as
`/g84` for "T", fonts whose only clue is their encoding) to the letters they draw."""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pypdfium2 as pdfium

from dossier.indexer.extract.normalize import page_text

ENGINE = "pdfium"


def pdfium_texts(path: Path, page_numbers: Iterable[int]) -> dict[int, str]:
    """Page number (1-based) -> PDFium's text of it; {} when PDFium cannot open the file
    (a page it cannot read is left out)."""
    try:
        document = pdfium.PdfDocument(str(path))
    except (pdfium.PdfiumError, OSError, ValueError):
        return {}
    try:
        return {number: text for number in page_numbers if (text := _page(document, number)) is not None}
    finally:
        document.close()


def _page(document: pdfium.PdfDocument, number: int) -> str | None:
    try:
        page = document[number - 1]
    except (pdfium.PdfiumError, IndexError, ValueError):
        return None
    try:
        textpage = page.get_textpage()
        try:
            return page_text(textpage.get_text_bounded())
        finally:
            textpage.close()
    except pdfium.PdfiumError:
        return None
    finally:
        page.close()
