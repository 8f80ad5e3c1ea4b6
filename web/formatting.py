"""Readable terminal output for the CLI."""
from __future__ import annotations

import html
import re

from indexer.search import SearchResult

_MARK = re.compile(r"</?mark>")


def plain(snippet: str) -> str:
    """A snippet's HTML as terminal text: matches in *stars*."""
    return html.unescape(_MARK.sub("*", snippet))


def search_table(result: SearchResult, width: int = 100) -> str:
    first = (result.page - 1) * result.per_page + 1
    last = first + len(result.hits) - 1
    lines = [f"{result.total} result(s)" + (f", showing {first}-{last}" if result.hits else "")]
    if result.suggestion:
        lines.append(f"did you mean: {result.suggestion}")
    title_width = max(20, width - 46)
    for hit in result.hits:
        pages = ("p. " + ",".join(map(str, hit.pages[:6]))) if hit.pages else ""
        title = hit.title if len(hit.title) <= title_width else hit.title[: title_width - 1] + "…"
        lines.append(f"{hit.id:<12} {hit.kind:<8} {hit.date or 'undated':<10}  {title}  {pages}".rstrip())
        if hit.snippet:
            lines.append(" " * 13 + " ".join(plain(hit.snippet).split())[: width - 14])
    return "\n".join(lines)


def document(record: dict) -> str:
    lines = []
    for key, value in record.items():
        if key == "links":
            continue
        if isinstance(value, list):
            value = "; ".join(value)
        if value not in (None, ""):
            lines.append(f"{key + ':':<13} {value}")
    for name, entries in record["links"].items():
        for entry in entries:
            lines.append(f"{name.replace('_', ' ') + ':':<13} {entry['id']}  {entry['kind']:<8} {entry['title']}")
    return "\n".join(lines)
