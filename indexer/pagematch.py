"""The pages of one PDF a query matches, from the positions in the document's
``text`` postings and where each page starts (``indexer.paged``).

A page matches as if it were a document of its own: every word of an AND on
that page, a phrase's words in order on it (a phrase running over the end of a
page counts for the page it starts on), no word of a NOT. Each page gets the
number of query words and phrases found on it, which picks the page the
snippet comes from.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from whoosh import query
from whoosh.reading import TermNotFound

from .paged import page_of, pages_with_words

FIELD = "text"


class DocumentPositions:
    """Positions of ``text`` terms in one document (a docnum of ``reader``)."""

    def __init__(self, reader, docnum: int):
        self.reader = reader
        self.leaf, self.local = _segment_of(reader, docnum)
        self._cache: dict[bytes, list[int]] = {}

    def of(self, btext: bytes) -> list[int]:
        if btext not in self._cache:
            self._cache[btext] = self._read(btext)
        return self._cache[btext]

    def _read(self, btext: bytes) -> list[int]:
        try:
            postings = self.leaf.postings(FIELD, btext)
        except TermNotFound:
            return []
        if postings.is_active():          # not when the word's documents in the segment are all deleted
            postings.skip_to(self.local)
        if postings.is_active() and postings.id() == self.local:
            return list(postings.value_as("positions"))
        return []


def _segment_of(reader, docnum: int):
    for leaf, offset in reader.leaf_readers():
        if offset <= docnum < offset + leaf.doc_count_all():
            return leaf, docnum - offset
    raise IndexError(f"no document {docnum} in this reader")


class PageMatcher:
    def __init__(self, positions: DocumentPositions, page_starts: Sequence[int]):
        self.positions = positions
        self.starts = page_starts
        self._every: set[int] | None = None

    def pages(self, q: query.Query) -> Counter:
        """{page: how many of the query's words and phrases are on it}, for the
        pages the query matches."""
        return self._eval(q)

    # ---- the query tree ----

    def _eval(self, q: query.Query) -> Counter:
        if isinstance(q, query.Not):
            return self._all_but(self._eval(q.query))
        if isinstance(q, query.AndNot):
            return _minus(self._eval(q.a), self._eval(q.b))
        if isinstance(q, (query.AndMaybe, query.Require)):
            required, other = self._eval(q.a), self._eval(q.b)
            if isinstance(q, query.Require):
                return _both([required, other])
            return Counter({p: n + other.get(p, 0) for p, n in required.items()})
        if isinstance(q, query.And):
            return self._and(q.subqueries)
        if isinstance(q, (query.Or, query.DisjunctionMax)):
            return _either([self._eval(sub) for sub in q.subqueries])
        if isinstance(q, query.WrappingQuery):
            return self._eval(q.child)
        if getattr(q, "fieldname", None) != FIELD:
            return Counter()          # other fields (title, date...) are on no page
        if isinstance(q, query.Term):
            return self._counted(self._positions(q.text))
        if isinstance(q, query.Phrase):
            return self._counted(self._phrase(q))
        if isinstance(q, query.MultiTerm):
            reader = self.positions.reader
            found: list[int] = []
            for fieldname, btext in q.expanded_terms(reader):
                if fieldname == FIELD:
                    found.extend(self.positions.of(btext))
            return self._counted(found)
        return Counter()

    def _and(self, subqueries) -> Counter:
        negatives = [s.query for s in subqueries if isinstance(s, query.Not)]
        positives = [self._eval(s) for s in subqueries if not isinstance(s, query.Not)]
        out = _both(positives) if positives else Counter(dict.fromkeys(self._all_pages(), 0))
        for neg in negatives:
            out = _minus(out, self._eval(neg))
        return out

    def _all_but(self, excluded: Counter) -> Counter:
        return Counter({p: 0 for p in self._all_pages() if p not in excluded})

    def _all_pages(self) -> set[int]:
        if self._every is None:
            self._every = pages_with_words(self.starts)
        return self._every

    # ---- leaves ----

    def _positions(self, word) -> list[int]:
        if not isinstance(word, str):
            return []
        return self.positions.of(word.encode("utf-8"))

    def _phrase(self, q: query.Phrase) -> list[int]:
        """Start positions of the phrase: each word after the one before it,
        at most ``slop`` positions on (1: right after)."""
        if not q.words:
            return []
        lists = [self._positions(w) for w in q.words]
        if not all(lists):
            return []
        slop = max(1, q.slop)
        following = [set(ps) for ps in lists[1:]]
        starts = []
        for first in lists[0]:
            ends = {first}
            for later in following:
                ends = {p for e in ends for p in range(e + 1, e + slop + 1) if p in later}
                if not ends:
                    break
            if ends:
                starts.append(first)
        return starts

    def _counted(self, positions: list[int]) -> Counter:
        out: Counter = Counter()
        for pos in positions:
            page = page_of(pos, self.starts)
            if page is not None:
                out[page] += 1
        return out


def _either(counters: list[Counter]) -> Counter:
    out: Counter = Counter()
    for c in counters:
        for k, n in c.items():
            out[k] = out.get(k, 0) + n   # not Counter "+": it drops the pages counted 0 (under a NOT)
    return out


def _both(counters: list[Counter]) -> Counter:
    keys = set(counters[0])
    for c in counters[1:]:
        keys &= set(c)
    return Counter({k: sum(c[k] for c in counters) for k in keys})


def _minus(a: Counter, b: Counter) -> Counter:
    return Counter({k: n for k, n in a.items() if k not in b})
