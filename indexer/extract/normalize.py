"""Text clean-up shared by the extractors."""
from __future__ import annotations

import re

# "sepa-\nration" -> "separation": a hyphen ending a line, a lower-case letter starting the next.
_HYPHEN_BREAK = re.compile(r"(?<=[^\W\d_])-[ \t]*\n[ \t]*(?=[a-z])")


def newlines(text: str) -> str:
    return text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")


def page_text(text: str) -> str:
    """A PDF page's text: NULs gone, Unix newlines, hyphenated line breaks joined."""
    return _HYPHEN_BREAK.sub("", newlines(text))
