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
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from whoosh import fields
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.lang import stemmer_for_language

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
    plan = _plan(analyzer)
    positions: dict[str, list[int]] = defaultdict(list)
    starts: list[int] = []
    last = -1
    for term, pos, startchar in (plan.tokens(text) if plan else _whoosh_tokens(text, analyzer)):
        while len(starts) < len(part_starts) and startchar >= part_starts[len(starts)]:
            starts.append(pos)
        positions[term].append(pos)
        last = pos
    starts.extend([last + 1] * (len(part_starts) - len(starts)))
    return dict(positions), starts


def _whoosh_tokens(text: str, analyzer):
    for token in analyzer(text, positions=True, chars=True, mode="index"):
        yield token.text, token.pos, token.startchar


@dataclass
class _Plan:
    """The text analyzer's chain (tokenize, lower-case, fold, drop stop words,
    stem) as one loop: Whoosh runs a generator per step for every word, which
    made analysis half of indexing. Built only for exactly that chain."""

    finditer: Callable
    charmap: dict
    stops: frozenset
    minsize: int
    maxsize: int | None
    renumber: bool
    stem: Callable[[str], str]
    stem_key: object          # which stemmer: its memo of stems is kept between documents
    ignore: frozenset

    def tokens(self, text: str):
        finditer, charmap, stops, stem, ignore = self.finditer, self.charmap, self.stops, self.stem, self.ignore
        minsize, maxsize, renumber = self.minsize, self.maxsize, self.renumber
        memo = _STEMS.setdefault(self.stem_key, {})
        if len(memo) > _STEMS_MAX:
            memo.clear()
        pos = None
        for index, match in enumerate(finditer(text)):
            word = match.group(0).lower().translate(charmap)
            if len(word) < minsize or (maxsize is not None and len(word) > maxsize) or word in stops:
                continue
            # StopFilter's renumbering: the first kept word keeps its place, the rest follow on
            pos = index if pos is None or not renumber else pos + 1
            if word not in ignore:
                stemmed = memo.get(word)
                if stemmed is None:
                    stemmed = memo[word] = stem(word)
                word = stemmed
            yield word, pos, match.start()


_STEMS: dict[object, dict[str, str]] = {}
_STEMS_MAX = 200_000
_CHAIN = (RegexTokenizer, LowercaseFilter, CharsetFilter, StopFilter, StemFilter)


def _plan(analyzer) -> _Plan | None:
    items = getattr(analyzer, "items", None)
    if not items or tuple(type(i) for i in items) != _CHAIN or items[0].gaps:
        return None
    tokenizer, _, charset, stop, stemmer = items
    stem_key = ("lang", stemmer.lang) if stemmer.lang else stemmer.stemfn
    stem = _stemmer(stemmer.lang) if stemmer.lang else stemmer.stemfn
    return _Plan(tokenizer.expression.finditer, charset.charmap, stop.stops, stop.min, stop.max,
                 stop.renumber, stem, stem_key, stemmer.ignore)


@functools.cache
def _stemmer(lang: str) -> Callable[[str], str]:
    return stemmer_for_language(lang)


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
