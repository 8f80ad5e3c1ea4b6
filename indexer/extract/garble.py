"""Is a PDF text layer symbol soup?

Fonts without a usable ToUnicode map make pypdf return glyph codes instead of
letters: "UNITED STATES" comes out as `81,7('67$7(6`, Type3 fonts as `/0 /1/2/3`.
The measure: the share of tokens that look like something a person wrote --
words (letters with a vowel, or a short common abbreviation), numbers, dates,
citations, case numbers. Real English and legal text scores well above 0.7
even with tables of contents and citations; symbol soup scores far below.
"""
from __future__ import annotations

import re

MIN_CHARS = 200          # too little text to judge: never garbled
MIN_PAGE_CHARS = 40      # one page is judged on less: a second engine may read it, nothing is lost
# A second engine's page is taken only where it clearly reads: real pages of the corpus score
# 0.93-1.0, garbled pages with a few real words (case names in a table) 0.54-0.66.
READABLE = 0.8
THRESHOLD = 0.5          # share of word-like tokens below which text is garbled

MIN_VOWEL_SHARE = 0.2    # of the letters in a word of 5+ letters

# Control characters other than tab/newline never appear in real text layers;
# in garbled ones they often stand in for spaces, so they split tokens too.
_SPLIT = re.compile(r"[\s\x00-\x08\x0b\x0c\x0e-\x1f\x7f]+")
_OPEN = "(\"'[“‘«"
_CLOSE = ".,;:!?)\"']”’»%*"
_WORD = re.compile(r"[^\W\d_]+(?:['’.\-/&][^\W\d_]+)*\.?", re.UNICODE)
_VOWEL = re.compile(r"[aeiouyAEIOUYà-ÿÀ-ß]")
# Numbers, money, dates, sections, ordinals, case numbers: "1331", "$999000", "03/29/19",
# "§", "2d", "F.3d", "8:16-cv-00966-TJH", "No.", "12-2209", "(a)(1)".
_NUMBERISH = re.compile(
    r"[§$#]?\d+(?:st|nd|rd|th|d)?(?:[.,:/\-]\d+(?:st|nd|rd|th|d)?)*%?"
    r"|(?:[A-Za-z]{1,4}\.)*\d+[a-z]{0,2}(?:[:\-.][A-Za-z0-9]+)+"
    r"|[A-Za-z]{1,5}-\d+[A-Za-z]?|\d+[a-z]"
    r"|[§¶&.…•·▶►▲■●○◆✓✔☐☒□|*\-–—]+|\(\w{1,4}\)(?:\(\w{1,4}\))*"
)
_SHORT_NO_VOWEL = frozenset(
    "v vs mr mrs ms dr st jr sr llc llp pc ct cf pp pg ch cr cv nw ne sw se dc nd sd ed wd md"
    " mt ft rd th ltd bldg blvd hr hrs tx ny nj pa nc sc wv ct dr ph ps cc bk n nl".split()
)


def tokens(text: str) -> list[str]:
    return [t for t in _SPLIT.split(text) if t]


def is_garbled(text: str) -> bool:
    """True when `text` (a document's first pages) is mostly symbol soup."""
    found = tokens(text)
    if sum(len(t) for t in found) < MIN_CHARS:
        return False
    return word_share(found) < THRESHOLD


def page_garbled(text: str) -> bool:
    """True when one page's text is missing, or mostly symbol soup (judged on less text than a
    document, since the answer only decides whether another engine is asked)."""
    found = tokens(text)
    if not found:
        return True
    return sum(len(t) for t in found) >= MIN_PAGE_CHARS and word_share(found) < THRESHOLD


def page_readable(text: str) -> bool:
    """True when one page's text is clearly what a person wrote (the bar a second engine meets)."""
    found = tokens(text)
    return bool(found) and word_share(found) >= READABLE


def word_share(tokens: list[str]) -> float:
    return sum(map(_word_like, tokens)) / len(tokens) if tokens else 1.0


def _word_like(token: str) -> bool:
    core = token.lstrip(_OPEN).rstrip(_CLOSE) or token
    if _NUMBERISH.fullmatch(core):
        return True
    if not _WORD.fullmatch(core):
        return False
    letters = sum(c.isalpha() for c in core)
    vowels = len(_VOWEL.findall(core))
    if letters <= 1 or core.lower().replace(".", "") in _SHORT_NO_VOWEL:
        return True
    # Glyph-shifted text keeps word shapes but not vowels: "SURGXFHU" (producer).
    return vowels >= (1 if letters < 5 else letters * MIN_VOWEL_SHARE)
