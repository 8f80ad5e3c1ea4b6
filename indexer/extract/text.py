"""Plain text: find the encoding, normalise newlines."""
from __future__ import annotations

import codecs
from pathlib import Path

import charset_normalizer

from dossier.indexer.extract.normalize import newlines
from dossier.indexer.extract.result import Extraction, single_text

# Longest BOMs first: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)


_PREFERRED = "cp1252"


def decode(data: bytes, declared: str | None = None) -> str:
    """BOM, else UTF-8, else the declared charset, else charset-normalizer's guess, else latin-1."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if declared and _known(declared):
        return data.decode(declared, errors="replace")
    guess = _guess(data)
    return str(guess) if guess is not None else data.decode("latin-1")


def _guess(data: bytes) -> charset_normalizer.CharsetMatch | None:
    """charset-normalizer's best match; on a tie, Windows-1252 (US/Western documents)."""
    matches = charset_normalizer.from_bytes(data)
    best = matches.best()
    if best is None:
        return None
    tied = (m for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence))
    return next((m for m in tied if _PREFERRED in m.could_be_from_charset), best)


def _known(encoding: str) -> bool:
    try:
        codecs.lookup(encoding)
    except LookupError:
        return False
    return True


def extract_text(path: Path) -> Extraction:
    return single_text(newlines(decode(path.read_bytes())))
