"""Text that can be stored: valid Unicode, which SQLite keeps as UTF-8.

Python strings may hold lone UTF-16 surrogates (pypdf returns one for a font
that maps a glyph to half a pair; the command line turns bytes that are not
UTF-8 into them). UTF-8 cannot encode them, so no such string may reach SQLite.
"""
from __future__ import annotations

import re

REPLACEMENT = "\ufffd"
_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPED_BYTES = range(0xDC80, 0xDD00)     # what Python's surrogateescape makes of bytes 0x80-0xFF


def valid_text(text: str) -> str:
    """``text`` with each unpaired surrogate replaced by U+FFFD (a high and a low one
    side by side become the character they encode)."""
    if _SURROGATE.search(text) is None:
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def invalid_character(text: str) -> str | None:
    """Words for the first character of ``text`` that cannot be stored, or None."""
    match = _SURROGATE.search(text)
    if match is None:
        return None
    code = ord(match.group())
    if code in _ESCAPED_BYTES:
        return f"the byte 0x{code - 0xDC00:02X}, which is not UTF-8"
    return f"U+{code:04X}, half of a UTF-16 surrogate pair"


def decode_column(value: bytes) -> str:
    """SQLite text as str, even where another writer stored bytes that are not UTF-8."""
    return value.decode("utf-8", "replace")
