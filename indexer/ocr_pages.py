"""Which pages of a document OCR recognises: those without text a person can read.

A PDF page with no text, or one whose text layer no engine reads (left empty by extraction),
or whose only text is the court's e-filing stamp ("Case 1:12-cv-05708-ER Document 11 Filed
09/27/13 Page 1 of 15", stamped on a scanned filing); every page of a document whose layer
reads like bad OCR (``ocr_noise``), whose recognised text then replaces the layer's only where
Tesseract is sure of it (``replaces_layer``); an image, once. Pages already recognised are not
chosen again, so a job resumed after a crash goes on where it stopped.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from dossier.indexer.extract.ocr_noise import is_bad_ocr
from dossier.repository.ocr import OCR_ENGINE

IMAGE_MIMES = frozenset({"image/jpeg", "image/png", "image/tiff", "image/gif", "image/webp"})
PDF = "application/pdf"
# Text layers OCR may add to (an encrypted or failed file cannot be rendered either).
LAYER_STATUSES = frozenset({"extracted", "partial", "empty", "garbled", "not_applicable"})
_STAMP = re.compile(r"^\s*(?:USCA\d+\s+)?(?:Case|Appeal)\b.*\bDoc(?:ument)?\b.*\bFiled\b.*$", re.I | re.M)
_PAGE_ID = re.compile(r"^\s*(?:Page\s*ID\s*)?#?:?\s*\d+\s*$", re.I | re.M)     # "#:1609" under the stamp
STAMP_REST = 20      # characters a page may hold besides its stamp and still be a scan
# Recognised text replaces a page's (bad OCR) layer only when Tesseract is this sure of it on
# average: the corpus's scans read well at 83-96; the unsure page keeps what it had.
REPLACES_LAYER_CONFIDENCE = 75.0


def stamp_only(text: str) -> bool:
    if not _STAMP.search(text):
        return False
    return len(re.sub(r"\s+", "", _PAGE_ID.sub("", _STAMP.sub("", text)))) < STAMP_REST


def pages_to_recognise(mime: str, status: str | None, pages: Sequence[tuple[int, str, str | None]],
                       max_pages: int) -> list[int]:
    """Page numbers (1-based) to recognise, of the first ``max_pages``; ``pages``: (number, text,
    engine) of each stored page."""
    if status not in LAYER_STATUSES and status != "ocr_pending":
        return []
    if mime in IMAGE_MIMES:
        done = any(engine == OCR_ENGINE for _, _, engine in pages)
        return [] if done else [1]
    if mime != PDF:
        return []
    bad_layer = is_bad_ocr([text for _, text, engine in pages if engine != OCR_ENGINE])
    return [number for number, text, engine in pages[:max_pages]
            if engine != OCR_ENGINE and (bad_layer or not text.strip() or stamp_only(text))]


def replaces_layer(layer: str, confidence: float | None) -> bool:
    """Does a page's recognised text, with this mean confidence, take the place of its layer's?
    Always where the layer had nothing to say (no text, only the stamp)."""
    if not layer.strip() or stamp_only(layer):
        return True
    return confidence is not None and confidence >= REPLACES_LAYER_CONFIDENCE
