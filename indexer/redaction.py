"""Bad redactions: text under a black box that anyone can still copy out of the PDF.

A filing "redacted" by drawing a dark rectangle over its words keeps those words in its
text layer. `check_redactions(path)` looks for them, page by page:

1. Boxes: filled path objects, opaque and dark, at least MIN_BOX_SIDE points each way (not
   a rule or an underline), not inside the top HEADER_BAND where the court's e-filing
   stamp sits. A path's bounding box stands for its shape (step 4 rejects shapes that do
   not fill it).
2. Covered characters: those whose glyph box lies at least COVERED_SHARE inside a box
   painted over them (later in the page's drawing order), or under them in their own
   colour, or whose text is drawn invisible.
3. The text that can be copied out: each box's covered characters in text order, unless
   it is no finding (`_is_finding`).
4. What shows: the covered part of the box, rendered small, must be dark nearly everywhere
   (DARK_SHARE of its pixels), so light text on a dark bar, or a box clipped away or
   painted over, is no finding.

Hostile files: nothing raises for a bad PDF (one PDFium cannot open, or a page it cannot
read, is named in the result's `error`), and the work per file is capped by the constants
below. PDFium's own parse of one page is not bounded here: the extraction worker's time
and memory limits stop a bomb.
"""
from __future__ import annotations

import ctypes
import re
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as raw

from dossier.indexer.extract.result import describe
from dossier.indexer.pdf_limits import oversized_pages

MAX_PAGES = 2000             # pages checked per file; the rest are reported unchecked
CHECK_SECONDS = 30.0         # pages not begun by then are reported unchecked (worker limit: 60 s)
MAX_OBJECTS = 100_000        # page objects read per page, nested forms included
MAX_FORM_DEPTH = 8           # form XObjects nested deeper are not looked into
MAX_BOXES = 500              # dark boxes kept per page
MAX_CHARS = 50_000           # characters read per page
MAX_RENDERS = 50             # boxes rendered per page (only those with covered text)
RENDER_MAX_SIDE = 400        # pixels on a render's longer side
RENDER_MAX_SCALE = 2.0       # pixels per point, for small boxes

MIN_BOX_SIDE = 4.0           # points: thinner is a rule or an underline
HEADER_BAND = 0.06           # top share of the page, where the e-filing stamp is printed
DARK_FILL = 80               # a box's fill luminance (0-255) is at most this
COLOUR_TOLERANCE = 24        # per channel: text this close to the box's fill is in its colour
COVERED_SHARE = 0.8          # of a glyph's box, inside the dark box
DUPLICATE_DISTANCE = 1.0     # points between two copies of one glyph drawn as fake bold
DARK_LEVEL = 100             # a rendered pixel darker than this (0-255) is dark
DARK_SHARE = 0.9             # of the covered region's pixels, dark
MIN_ALNUM = 2                # letters or digits in a finding, at least

_INVISIBLE_MODES = {raw.FPDF_TEXTRENDERMODE_INVISIBLE, raw.FPDF_TEXTRENDERMODE_CLIP}
_STAMP = re.compile(r"\bCase\b.*\bDoc(?:ument)?\b.*\bFiled\b.*\bPage\b", re.IGNORECASE | re.DOTALL)
_UNREADABLE = re.compile("[\ufffd\ufffe\uffff\x00-\x08\x0e-\x1f\ue000-\uf8ff\ud800-\udfff]")  # no meaning

Rect = tuple[float, float, float, float]      # left, bottom, right, top, in PDF points


@dataclass(frozen=True)
class Finding:
    page: int            # 1-based
    text: str            # what can be copied out from under the box
    box: Rect            # the box, in PDF points from the page's bottom left


@dataclass(frozen=True)
class RedactionCheck:
    findings: tuple[Finding, ...]
    pages: int           # the file's page count (0 when it could not be opened)
    pages_checked: int
    error: str | None = None   # why the file, or some of its pages, could not be checked

    @property
    def complete(self) -> bool:
        return self.error is None and self.pages_checked == self.pages


@dataclass(frozen=True)
class _Box:
    rect: Rect
    order: int           # position in the page's drawing order
    rgb: tuple[int, int, int]


def check_redactions(path: str | Path) -> RedactionCheck:
    """Every page's text under black boxes. Never raises for a bad or hostile PDF."""
    try:
        document = pdfium.PdfDocument(str(path))
    except (pdfium.PdfiumError, OSError, ValueError) as exc:
        return RedactionCheck((), 0, 0, f"could not check: {describe(exc)}")
    try:
        return _check_document(document, oversized_pages(path, range(min(len(document), MAX_PAGES))))
    finally:
        document.close()


def _check_document(document: pdfium.PdfDocument, oversized: set[int] = frozenset()) -> RedactionCheck:
    pages = len(document)
    findings: list[Finding] = []
    problems: list[str] = []
    deadline = time.monotonic() + CHECK_SECONDS
    checked = 0
    for index in range(min(pages, MAX_PAGES)):
        if time.monotonic() > deadline:
            problems.append(f"stopped after {CHECK_SECONDS:g} s")
            break
        if index in oversized:
            problems.append(f"page {index + 1}: its content is too large to check")
            continue
        try:
            findings += _check_page(document, index)
            checked += 1
        except Exception as exc:  # a hostile page must not cost the other pages' findings
            problems.append(f"page {index + 1}: {describe(exc)}")
    if pages > MAX_PAGES:
        problems.append(f"only the first {MAX_PAGES} pages are checked")
    error = f"{pages - checked} of {pages} pages not checked: " + "; ".join(problems[:5]) if problems else None
    return RedactionCheck(tuple(findings), pages, checked, error)


def _check_page(document: pdfium.PdfDocument, index: int) -> list[Finding]:
    page = document[index]
    try:
        boxes, text_orders = _dark_boxes(page)
        if not boxes:
            return []  # most pages: their text layer need not be read
        textpage = page.get_textpage()
        try:
            boxes = [box for box in boxes if textpage.get_text_bounded(*box.rect).strip()]
            if not boxes:
                return []  # nothing under them: read no character's box
            glyphs = _glyph_boxes(textpage)
            covered = _covered_chars(textpage, glyphs, boxes, text_orders)
            return _findings(page, textpage, glyphs, boxes, covered, index + 1)
        finally:
            textpage.close()
    finally:
        page.close()


def _page_objects(page: pdfium.PdfPage):
    """(object, its matrix into page space) for each object in drawing order, forms opened."""
    stack = [(page.raw, 0, pdfium.PdfMatrix(), 0, raw.FPDFPage_CountObjects(page.raw), True)]
    seen = 0
    while stack and seen < MAX_OBJECTS:
        parent, position, matrix, depth, count, on_page = stack.pop()
        if position >= count:
            continue
        stack.append((parent, position + 1, matrix, depth, count, on_page))
        obj = raw.FPDFPage_GetObject(parent, position) if on_page else raw.FPDFFormObj_GetObject(parent, position)
        if not obj:
            continue
        seen += 1
        yield obj, matrix
        if raw.FPDFPageObj_GetType(obj) == raw.FPDF_PAGEOBJ_FORM and depth < MAX_FORM_DEPTH:
            inner = _matrix_of(obj).multiply(matrix)  # the form's objects are in its own space
            stack.append((obj, 0, inner, depth + 1, raw.FPDFFormObj_CountObjects(obj), False))


def _dark_boxes(page: pdfium.PdfPage) -> tuple[list[_Box], dict[int, int]]:
    """The page's dark boxes, and each text object's place in the drawing order (by address)."""
    _, bottom, _, top = page.get_bbox()
    header = top - (top - bottom) * HEADER_BAND
    boxes: list[_Box] = []
    text_orders: dict[int, int] = {}
    for order, (obj, matrix) in enumerate(_page_objects(page)):
        kind = raw.FPDFPageObj_GetType(obj)
        if kind == raw.FPDF_PAGEOBJ_TEXT:
            text_orders[ctypes.cast(obj, ctypes.c_void_p).value] = order
        elif kind == raw.FPDF_PAGEOBJ_PATH and len(boxes) < MAX_BOXES and (rgb := _dark_fill(obj)):
            rect = matrix.on_rect(*_bounds(obj))
            if min(rect[2] - rect[0], rect[3] - rect[1]) >= MIN_BOX_SIDE and rect[1] < header:
                boxes.append(_Box(rect, order, rgb))
    return boxes, text_orders


def _dark_fill(path) -> tuple[int, int, int] | None:
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    if not raw.FPDFPath_GetDrawMode(path, fill, stroke) or fill.value == raw.FPDF_FILLMODE_NONE:
        return None
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    if not raw.FPDFPageObj_GetFillColor(path, r, g, b, a) or a.value < 255:
        return None
    luminance = 0.299 * r.value + 0.587 * g.value + 0.114 * b.value
    return (r.value, g.value, b.value) if luminance <= DARK_FILL else None


def _glyph_boxes(textpage: pdfium.PdfTextPage) -> np.ndarray:
    """(characters x 4): each character's glyph box, zeros where it has none (a space)."""
    count = min(raw.FPDFText_CountChars(textpage.raw), MAX_CHARS)
    glyphs = np.zeros((count, 4))
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    for index in range(count):
        if raw.FPDFText_GetCharBox(textpage.raw, index, left, right, bottom, top):
            glyphs[index] = (left.value, bottom.value, right.value, top.value)
    return glyphs


def _covered_chars(textpage: pdfium.PdfTextPage, glyphs: np.ndarray, boxes: list[_Box],
                   text_orders: dict[int, int]) -> dict[int, list[int]]:
    """Box number -> the characters it hides, in text order."""
    covered: dict[int, list[int]] = {}
    placed: set[int] = set()
    centres: dict[int, list[np.ndarray]] = {}   # unicode -> where that character is hidden already
    for number, box in enumerate(boxes):
        for char in _chars_inside(glyphs, box.rect).tolist():
            if char in placed or not _hidden_by(textpage, char, box, text_orders):
                continue
            placed.add(char)
            code, centre = raw.FPDFText_GetUnicode(textpage.raw, char), glyphs[char].reshape(2, 2).mean(axis=0)
            if any(np.abs(centre - other).max() <= DUPLICATE_DISTANCE for other in centres.get(code, ())):
                continue  # the same glyph drawn again beside itself (fake bold) is copied out once
            centres.setdefault(code, []).append(centre)
            covered.setdefault(number, []).append(char)
    return covered


def _chars_inside(glyphs: np.ndarray, rect: Rect) -> np.ndarray:
    """The characters whose glyph box lies at least COVERED_SHARE inside `rect`, in text order."""
    width = np.minimum(glyphs[:, 2], rect[2]) - np.maximum(glyphs[:, 0], rect[0])
    height = np.minimum(glyphs[:, 3], rect[3]) - np.maximum(glyphs[:, 1], rect[1])
    area = (glyphs[:, 2] - glyphs[:, 0]) * (glyphs[:, 3] - glyphs[:, 1])
    inside = np.clip(width, 0, None) * np.clip(height, 0, None)
    return np.flatnonzero((area > 0) & (inside >= COVERED_SHARE * area))


def _hidden_by(textpage: pdfium.PdfTextPage, char: int, box: _Box, text_orders: dict[int, int]) -> bool:
    text_object = raw.FPDFText_GetTextObject(textpage.raw, char)
    if not text_object:
        return False
    if raw.FPDFTextObj_GetTextRenderMode(text_object) in _INVISIBLE_MODES:
        return True
    order = text_orders.get(ctypes.cast(text_object, ctypes.c_void_p).value)
    if order is not None and order < box.order:
        return True
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    if not raw.FPDFText_GetFillColor(textpage.raw, char, r, g, b, a):
        return False
    return max(abs(x - y) for x, y in zip((r.value, g.value, b.value), box.rgb)) <= COLOUR_TOLERANCE


def _findings(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, glyphs: np.ndarray,
              boxes: list[_Box], covered: dict[int, list[int]], page_number: int) -> list[Finding]:
    texts = ((number, chars, _copied_text(textpage, chars)) for number, chars in sorted(covered.items()))
    findings = []
    for number, chars, text in [candidate for candidate in texts if _is_finding(candidate[2])][:MAX_RENDERS]:
        under = glyphs[chars]
        region = _intersection((*under[:, :2].min(axis=0), *under[:, 2:].max(axis=0)), boxes[number].rect)
        if region and _renders_dark(page, region):
            findings.append(Finding(page_number, text, tuple(round(v, 1) for v in boxes[number].rect)))
    return findings


def _copied_text(textpage: pdfium.PdfTextPage, chars: list[int]) -> str:
    """The characters as a copy would give them; a gap between them becomes one space."""
    pieces, previous = [], None
    for char in chars:
        if previous is not None and char != previous + 1:
            pieces.append(" ")
        code = raw.FPDFText_GetUnicode(textpage.raw, char)
        pieces.append(chr(code) if 0 < code <= 0x10FFFF else "\ufffd")
        previous = char
    return " ".join(_UNREADABLE.sub("", "".join(pieces)).split())


def _is_finding(text: str) -> bool:
    """Not filler (XXXX, ****), nor a lone character, nor the court's stamp line."""
    alnum = [c.lower() for c in text if c.isalnum()]
    return len(alnum) >= MIN_ALNUM and len(set(alnum)) > 1 and not _STAMP.search(text)


def _renders_dark(page: pdfium.PdfPage, region: Rect) -> bool:
    """Whether the region looks dark on screen: DARK_SHARE of its pixels are."""
    if page.get_rotation():
        page.set_rotation(0)  # so the crop is in page space; in memory only, never saved
    left, bottom, right, top = page_box = page.get_bbox()
    visible = _intersection(region, page_box)
    if visible is None:
        return False
    x0, y0, x1, y1 = visible
    scale = min(RENDER_MAX_SCALE, RENDER_MAX_SIDE / max(x1 - x0, y1 - y0))
    crop = (x0 - left, y0 - bottom, right - x1, top - y1)
    bitmap = page.render(scale=scale, crop=crop, grayscale=True, draw_annots=True)
    try:
        pixels = bitmap.to_numpy()
        return pixels.size > 0 and float((pixels < DARK_LEVEL).mean()) >= DARK_SHARE
    finally:
        bitmap.close()


def _bounds(obj) -> Rect:
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    if not raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
        return (0.0, 0.0, 0.0, 0.0)
    return (left.value, bottom.value, right.value, top.value)


def _matrix_of(obj) -> pdfium.PdfMatrix:
    matrix = raw.FS_MATRIX()
    return pdfium.PdfMatrix.from_raw(matrix) if raw.FPDFPageObj_GetMatrix(obj, matrix) else pdfium.PdfMatrix()


def _intersection(one: Rect, other: Rect) -> Rect | None:
    left, bottom = max(one[0], other[0]), max(one[1], other[1])
    right, top = min(one[2], other[2]), min(one[3], other[3])
    return (left, bottom, right, top) if right > left and top > bottom else None
