"""Is a text layer bad OCR?

An old scanner's OCR layer can be letters with vowels, which the garble detector (symbol
soup) passes, and still be unreadable: "FL2ANCIAL", "lncom6f", "!he", "ofinstnu:tions",
"PQSmON", "Nosucbreportablereimbursemem". The measure: the share of a document's words
(tokens with a letter) that carry such a misreading -- a digit between letters, a symbol
inside a word, capitals and small letters flipping inside a word, words run together. Text
people typed (filings with case numbers, citations, e-mail addresses, bracketed quotations)
has almost none: at most 0.2% of words in the corpus's born-digital PDFs, against 1.5% in
the 2003 financial disclosure's OCR layer (bench/ocr_layers.py measures it on every file).
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from dossier.indexer.extract.garble import tokens

SAMPLE_CHARS = 100_000
MIN_WORDS = 200          # too few words to judge: never bad OCR
MIN_NOISY = 5            # nor on a handful of odd words
THRESHOLD = 0.006        # share of words with a misreading at and above which the layer is bad OCR

_LETTER = r"[^\W\d_]"
_OPEN = "(\"'[“‘«¿¡"
_CLOSE = ".,;:!?)\"']”’»%*·"
_MISREAD = re.compile("|".join((
    rf"{_LETTER}(?<!\d{_LETTER})\d{_LETTER}",            # one digit between letters: "lncom6f" (not "F.3d", "10a0023p")
    rf"{_LETTER}[!\\|<>=;{{}}~]+{_LETTER}|^[!\\|~]+{_LETTER}",   # "l!lnllli", "e><empt", "!he"
    rf"{_LETTER}{{2,}}:{_LETTER}{{2,}}",                  # "ofinstnu:tions"
    r"[A-Z]{2,}[a-z]+[A-Z]|[a-z][A-Z][a-z]+[A-Z][a-z]",  # "PQSmON", "TralSllCtions" (not "PageID", "DirecTV")
    rf"{_LETTER}{{22,}}",                                 # words run together
)))
_ADDRESS = re.compile(r"\S+@\S+|(?:https?://|www\.)\S+|\S+\.(?:com|org|gov|net|edu)\b\S*", re.I)


def noise_share(text: str) -> tuple[float, int, int]:
    """(share of words with a misreading, how many words, how many with one)."""
    words = [core for token in tokens(text)
             if (core := token.lstrip(_OPEN).rstrip(_CLOSE)) and re.search(_LETTER, core)]
    noisy = sum(1 for word in words if not _ADDRESS.fullmatch(word) and _MISREAD.search(word))
    return noisy / max(len(words), 1), len(words), noisy


def is_bad_ocr(texts: Sequence[str]) -> bool:
    """True when a document's text layer (its pages' texts) reads like bad OCR."""
    share, words, noisy = noise_share("\n".join(texts)[:SAMPLE_CHARS])
    return words >= MIN_WORDS and noisy >= MIN_NOISY and share >= THRESHOLD
