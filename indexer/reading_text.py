"""A filing's pages as people read them: without the lines that frame every page (the court's
e-filing stamp, running headers, page numbers) and without pleading paper's margin line numbers.

The index keeps all of them searchable (the stamps once, at document level); this is only the
text shown in the reader, on the document page and in a page's snippet.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter, OrderedDict
from collections.abc import Sequence

MIN_PAGES = 3                 # a line repeated on most pages of a shorter document proves nothing
MARGIN_NUMBERS = 10           # lone numbers on a page that make it pleading paper's margin
_CACHED_DOCUMENTS = 64

_DIGITS_RE = re.compile(r"\d+")
_LONE_NUMBER_RE = re.compile(r"\s*\d{1,2}\s*")
_repeated_cache: OrderedDict[bytes, frozenset[str]] = OrderedDict()


def line_key(line: str) -> str:
    """What two framing lines share: "Page 3 of 20" and "Page 4 of 20" have one key."""
    return _DIGITS_RE.sub("#", " ".join(line.split())).casefold()


def repeated_lines(pages: Sequence[str]) -> frozenset[str]:
    """Keys of the lines found on more than half the pages of a document of ``MIN_PAGES`` or more."""
    if len(pages) < MIN_PAGES:
        return frozenset()
    counts: Counter[str] = Counter()
    for page in pages:
        counts.update({line_key(line) for line in page.splitlines() if line.strip()})
    threshold = len(pages) // 2 + 1
    return frozenset(key for key, n in counts.items() if n >= threshold)


def _repeated_cached(pages: Sequence[str]) -> frozenset[str]:
    # A reader turning the pages of a 400-page exhibit asks again for every page; counting its
    # lines costs ~0.1 s, hashing them ~1 ms.
    digest = hashlib.blake2b("\f".join(pages).encode("utf-8", "surrogatepass"), digest_size=16).digest()
    if digest in _repeated_cache:
        _repeated_cache.move_to_end(digest)
        return _repeated_cache[digest]
    keys = _repeated_cache[digest] = repeated_lines(pages)
    if len(_repeated_cache) > _CACHED_DOCUMENTS:
        _repeated_cache.popitem(last=False)
    return keys


def _margin_numbered(lines: list[str]) -> bool:
    numbers = [int(line) for line in lines if _LONE_NUMBER_RE.fullmatch(line)]
    if len(numbers) < MARGIN_NUMBERS:
        return False
    # Pleading paper counts 1, 2, 3 ... down the margin; a column of figures in a table does not.
    steps = sum(1 for a, b in zip(numbers, numbers[1:]) if b == a + 1)
    return steps >= len(numbers) * 2 // 3


def reading_page(text: str, repeated: frozenset[str] = frozenset()) -> str:
    """One page without its framing lines (keys in ``repeated``) and its margin line numbers."""
    lines = text.splitlines()
    margin = _margin_numbered(lines)
    kept: list[str] = []
    for line in lines:
        if (line.strip() and line_key(line) in repeated) or (margin and _LONE_NUMBER_RE.fullmatch(line)):
            continue
        if line.strip() or (kept and kept[-1].strip()):      # blank lines left behind: one at most
            kept.append(line)
    return "\n".join(kept).rstrip()


def reading_pages(pages: Sequence[str]) -> list[str]:
    """Every page as people read it."""
    repeated = _repeated_cached(pages)
    return [reading_page(page, repeated) for page in pages]


def reading_text_of_page(pages: Sequence[str], number: int) -> str:
    """Page ``number`` (from 1) as people read it; the framing lines are found over all pages."""
    if not 1 <= number <= len(pages):
        return ""
    return reading_page(pages[number - 1], _repeated_cached(pages))
