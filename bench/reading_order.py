"""Both sides of an OCR accuracy comparison put in one geometric reading order.

A text layer and Tesseract order a page's lines differently (running headers, pleading line
numbers, footnotes, captions in two columns), and an order-sensitive character error rate
counts every such move as errors. Here each side is reduced to words with boxes on the page,
grouped into lines by vertical overlap, lines sorted top to bottom and words left to right,
the same rule for both; what is then different is what was read, not where it was put.
Also: which characters the differences are made of (quotes, dashes, section signs...).
"""
from __future__ import annotations

import collections
import difflib
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium

# A word belongs to a line when this share of the smaller height overlaps vertically.
LINE_OVERLAP = 0.5
# Characters further apart than this share of the line's height start a new word (layers
# that place words without a space character between them).
WORD_GAP = 0.6


@dataclass(frozen=True)
class Box:
    text: str
    x0: float          # all fractions of the page: x from the left, y from the top
    y0: float
    x1: float
    y1: float


def layer_words(pdf: Path, page_number: int) -> list[Box]:
    """The page's text layer as PDFium places it: characters joined into words by spaces,
    line breaks and gaps."""
    document = pdfium.PdfDocument(str(pdf))
    try:
        page = document[page_number - 1]
        width, height = page.get_size()
        textpage = page.get_textpage()
        chars = []
        for i in range(textpage.count_chars()):
            left, bottom, right, top = textpage.get_charbox(i)
            chars.append((textpage.get_text_range(i, 1), left / width, 1 - top / height,
                          right / width, 1 - bottom / height))
        textpage.close()
        page.close()
    finally:
        document.close()
    return _words(chars)


def _words(chars) -> list[Box]:
    words, current = [], []
    for char in chars:
        text, x0, y0, x1, y1 = char
        if current:
            last = current[-1]
            size = max(last[4] - last[2], y1 - y0, 1e-6)
            apart = x0 - last[3] > WORD_GAP * size or x0 < last[1] or y0 > last[4] or y1 < last[2]
        else:
            apart = False
        if not text.strip() or apart:
            if current:
                words.append(_joined(current))
            current = [] if not text.strip() else [char]
        else:
            current.append(char)
    if current:
        words.append(_joined(current))
    return words


def _joined(chars) -> Box:
    return Box("".join(c[0] for c in chars), min(c[1] for c in chars), min(c[2] for c in chars),
               max(c[3] for c in chars), max(c[4] for c in chars))


def ocr_words(words) -> list[Box]:
    """Tesseract's words (indexer.extract.ocr.Word: box as fractions, top-left origin)."""
    return [Box(w.text, *w.box) for w in words]


def in_reading_order(words: list[Box]) -> str:
    """One line of text per visual line, top to bottom, each left to right."""
    lines: list[list[Box]] = []
    for word in sorted(words, key=lambda w: (w.y0 + w.y1) / 2):
        line = lines[-1] if lines else None
        if line is not None and _same_line(line, word):
            line.append(word)
        else:
            lines.append([word])
    lines.sort(key=lambda line: min(w.y0 for w in line))
    return "\n".join(" ".join(w.text for w in sorted(line, key=lambda w: w.x0)) for line in lines)


def _same_line(line: list[Box], word: Box) -> bool:
    top, bottom = min(w.y0 for w in line), max(w.y1 for w in line)
    overlap = min(bottom, word.y1) - max(top, word.y0)
    return overlap >= LINE_OVERLAP * min(bottom - top, word.y1 - word.y0)


# ---- where the errors are ---------------------------------------------------------------

CLASSES = (
    ("quotes", set("\"'“”‘’`´«»")),
    ("dashes", set("-‐‑‒–—―−")),
    ("§ ¶", set("§¶")),
    ("spaces", set(" ")),
    ("digits", set("0123456789")),
)


def char_class(char: str) -> str:
    for name, members in CLASSES:
        if char in members:
            return name
    if char.isalpha():
        return "letters"
    return "other"


def error_classes(hypothesis: str, reference: str) -> tuple[collections.Counter, collections.Counter]:
    """(reference characters misread or missed, and characters OCR added, by class;
    the most frequent substitutions "ref>ocr"), from difflib's alignment of the two."""
    classes, swaps = collections.Counter(), collections.Counter()
    matcher = difflib.SequenceMatcher(None, reference, hypothesis, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        for char in reference[i1:i2] or hypothesis[j1:j2]:
            classes[char_class(char)] += 1
        if op == "replace" and i2 - i1 == j2 - j1 <= 2:
            swaps[f"{reference[i1:i2]}>{hypothesis[j1:j2]}"] += 1
    return classes, swaps
