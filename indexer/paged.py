"""A PDF's text, analysed once, with the token position each of its pages starts at.

A PDF is one index entry: its ``text`` postings hold every word's positions, and
``page_starts`` (stored with it) maps a position back to its page, so the pages a
query matches come from the document's own postings (``indexer.pagematch``).
One entry per page as well made an import analyse each PDF's text twice and write
3.7 times the postings: on the 61 real PDFs of the benchmark, 175k page postings
against 48k for the documents (bench/RESULTS.md).
"""
from __future__ import annotations

import functools
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence

from whoosh import fields

from . import accelerator

PAGE_GAP = "\n\n"     # between pages in the document text: no token spans it


class PagedText(str):
    """The document text (stripped), carrying its analysed positions per term
    and the position each page starts at (one more entry: where the text after
    the last page begins)."""

    positions: dict[str, list[int]]
    page_starts: tuple[int, ...]


def paged_text(pages: Sequence[str], tail: str, analyzer) -> PagedText:
    """``pages`` joined by PAGE_GAP, then ``tail`` (text that belongs to no page),
    analysed by ``analyzer`` exactly as Whoosh indexes a string."""
    parts = [*pages, tail]
    body = PAGE_GAP.join(parts)
    part_starts, at = [], 0
    for part in parts:
        part_starts.append(at)
        at += len(part) + len(PAGE_GAP)
    positions, starts = analyse(body, analyzer, part_starts)
    text = PagedText(body.strip())
    text.positions = positions
    text.page_starts = tuple(starts)
    return text


def analyse(text: str, analyzer, part_starts: Sequence[int] = ()) -> tuple[dict[str, list[int]], list[int]]:
    """({term: positions}, the position each part starts at) of ``text`` as
    Whoosh would index it; parts start at the given characters (the position of
    a part without a word is where the next word is)."""
    collect = functools.partial(_positions, part_starts=part_starts)
    fused = accelerator.analyse(text, analyzer, collect)
    return fused if fused is not None else collect(_whoosh_tokens(text, analyzer))


def _positions(tokens, part_starts: Sequence[int]) -> tuple[dict[str, list[int]], list[int]]:
    positions: dict[str, list[int]] = defaultdict(list)
    starts: list[int] = []
    last = -1
    for term, pos, startchar in tokens:
        while len(starts) < len(part_starts) and startchar >= part_starts[len(starts)]:
            starts.append(pos)
        positions[term].append(pos)
        last = pos
    starts.extend([last + 1] * (len(part_starts) - len(starts)))
    return dict(positions), starts


def _whoosh_tokens(text: str, analyzer):
    for token in analyzer(text, positions=True, chars=True, mode="index"):
        yield token.text, token.pos, token.startchar


def page_of(position: int, page_starts: Sequence[int]) -> int | None:
    """1-based page of a token position; None for the text after the last page."""
    k = bisect_right(page_starts, position) - 1
    return k + 1 if 0 <= k < len(page_starts) - 1 else None


def pages_with_words(page_starts: Sequence[int]) -> set[int]:
    return {k + 1 for k in range(len(page_starts) - 1) if page_starts[k] < page_starts[k + 1]}


class PagedTextField(fields.TEXT):
    """A TEXT field that indexes a ``PagedText`` from its ready-made positions,
    and any other string through ``analyse``: the postings Whoosh would make of
    the same string (tests/indexer/test_pages.py compares them)."""

    def index(self, value, **kwargs):
        if isinstance(value, PagedText):
            positions = value.positions
        elif isinstance(value, str):
            positions = analyse(value, self.analyzer)[0]
        else:
            return super().index(value, **kwargs)
        boost, encode = self.format.field_boost, self.format.encode
        return ((word.encode("utf-8"), len(poses), len(poses) * boost, encode(poses))
                for word, poses in positions.items())
