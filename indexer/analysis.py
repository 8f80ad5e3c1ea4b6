"""Text preparation for indexing and snippet building (no Whoosh index access)."""
from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

from .reading_text import line_key, repeated_lines

# Text handed to the highlighter (and stored for snippets) is cut to this length,
# so one huge document cannot make a search slow.
STORED_TEXT_CHARS = 100_000
SNIPPET_CHARS = 240
_SNIPPET_LEAD = 60          # characters of context kept before the first mark
_MAX_MARKS_SCANNED = 200

_WS_RE = re.compile(r"\s+")


def strip_repeated_lines(pages: Sequence[str]) -> tuple[list[str], list[str]]:
    """Remove lines that repeat on most pages of a document (court e-filing
    stamps such as "Case 1:18-cv-00428-RB Document 12 Filed 06/18/18 Page 3 of
    20", running headers, page numbers: ``reading_text.repeated_lines``).

    Returns (cleaned pages, first occurrence of each dropped line) so the caller
    can keep the stamps once at document level.
    """
    pages = list(pages)
    repeated = repeated_lines(pages)
    if not repeated:
        return pages, []
    cleaned: list[str] = []
    first_seen: dict[str, str] = {}
    for page in pages:
        kept = []
        for line in page.splitlines():
            key = line_key(line) if line.strip() else ""
            if key in repeated:
                first_seen.setdefault(key, line.strip())
            else:
                kept.append(line)
        cleaned.append("\n".join(kept))
    return cleaned, list(first_seen.values())


def _collapse(text: str) -> str:
    return _WS_RE.sub(" ", text)


def _escape(text: str) -> str:
    return html.escape(_collapse(text), quote=True)


def _cut_start(text: str, limit: int = SNIPPET_CHARS) -> str:
    text = " ".join(text[: limit * 4].split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit] + " …"


def plain_snippet(text: str) -> str:
    """The start of the text, HTML-escaped, whitespace collapsed, no marks."""
    return html.escape(_cut_start(text or ""), quote=True)


# Same expression as Whoosh's default RegexTokenizer, so spans line up with the
# index's tokens; each distinct word is analysed once and memoised.
_TOKEN_RE = re.compile(r"[\w*]+(?:\.?[\w*]+)*", re.UNICODE)
_ANALYSED: dict[tuple[int, str], str | None] = {}
_ANALYSED_MAX = 200_000


def analysed(word: str, analyzer) -> str | None:
    """The single term ``analyzer`` turns ``word`` into (None for a stop word)."""
    key = (id(analyzer), word)
    try:
        return _ANALYSED[key]
    except KeyError:
        pass
    tokens = [t.text for t in analyzer(word, mode="query")]
    value = tokens[0] if len(tokens) == 1 else None
    if len(_ANALYSED) >= _ANALYSED_MAX:
        _ANALYSED.clear()
    _ANALYSED[key] = value
    return value


def find_marks(text: str, terms: frozenset[str], analyzer, limit: int = _MAX_MARKS_SCANNED) -> list[tuple[int, int]]:
    """Character spans of the words of ``text`` whose analysed form (as the
    index's ``analyzer`` makes it: folded, stemmed; or any of several analyzers) is in
    ``terms``; at most ``limit``. One set look-up per word and analyzer."""
    if not terms or not text:
        return []
    analyzers = analyzer if isinstance(analyzer, tuple) else (analyzer,)
    lowered = text.lower()
    if len(lowered) == len(text):
        # Spans of the lowered text are the text's: each distinct word is judged once, then
        # the words are picked out by a set look-up in one pass.
        marked = {w for w in set(_TOKEN_RE.findall(lowered))
                  if any(analysed(w, a) in terms for a in analyzers)}
        if not marked:
            return []
        return [m.span() for m in _TOKEN_RE.finditer(lowered) if m.group() in marked][:limit]
    spans = []
    for m in _TOKEN_RE.finditer(text):      # lowering changed a length (e.g. "İ"): word by word
        word = m.group().lower()
        if any(analysed(word, a) in terms for a in analyzers):
            spans.append(m.span())
            if len(spans) >= limit:
                break
    return spans


def _best_window(spans: list[tuple[int, int]], width: int) -> int:
    """Index of the span starting the window of ``width`` chars with most marks."""
    best, best_count, j = 0, 0, 0
    for i, (start, _) in enumerate(spans):
        if j < i:
            j = i
        while j + 1 < len(spans) and spans[j + 1][1] <= start + width:
            j += 1
        if j - i + 1 > best_count:
            best, best_count = i, j - i + 1
    return best


def snippet(text: str, terms: Iterable[str], analyzer, limit: int = SNIPPET_CHARS) -> str:
    """A short HTML-safe extract of ``text`` around the densest cluster of query
    terms: all text escaped, matched words wrapped in ``<mark>…</mark>``.

    ``terms`` are analysed (stemmed, folded) term texts as produced by the
    field's ``analyzer``. Without a match, the start of the text.
    """
    text = (text or "")[:STORED_TEXT_CHARS]
    spans = find_marks(text, frozenset(terms), analyzer)
    if not spans:
        return plain_snippet(text)
    first = _best_window(spans, limit - _SNIPPET_LEAD)
    start = max(0, spans[first][0] - _SNIPPET_LEAD)
    if start > 0:
        # Begin at a word boundary.
        space = text.find(" ", start, spans[first][0])
        start = space + 1 if space != -1 else spans[first][0]
    end = min(len(text), start + limit)
    if end < len(text):
        space = text.rfind(" ", max(spans[first][1], start + limit // 2), end)
        if space > 0:
            end = space
    out = ["… " if start > 0 else ""]
    pos = start
    for s, e in spans[first:]:
        if s >= end:
            break
        e = min(e, end)
        out.append(_escape(text[pos:s]))
        out.append("<mark>" + _escape(text[s:e]) + "</mark>")
        pos = e
    out.append(_escape(text[pos:end]))
    if end < len(text):
        out.append(" …")
    return "".join(out).strip()
