"""Percolation: which saved searches match a few new documents, each exactly as the search would
find them (the same repair, parsing, analysis, facet filters and date range), in one snapshot.

The new documents are a handful of rows; filters and dates are checked on those rows first (cheap).
Then the query text, compiled (``indexer.few_documents``) and answered from the terms the new documents
hold, each term looked up once for every query holding it:

- A text is read once (``indexer.parsed``, kept in the index folder): reading does not depend
  on the index's documents, and took ~0.7 ms a query, against microseconds to answer it.
- A query with a wildcard or fuzzy term is compiled with those terms unknown: when it surely
  matches none of the new documents whatever they expand to, it is done; otherwise it is parsed
  in full (checked against the index's limits, expanded: that depends on the index), now.
- ``related:`` queries are built from the index, for each publication; a part ``few_documents`` does not
  take (a range, a sloppy phrase) is run as the search runs it, over the whole index.
"""
from __future__ import annotations

from collections.abc import Sequence

from whoosh import query

from . import accelerator
from .errors import QueryError
from .few_documents import Few, compiled
from .parsed import Parsed
from .query import UserQuery
from .related import RelatedQuery, related_id
from .search import SearchQuery
from .searching import _date_int


class Percolator:
    def __init__(self, searcher, view, ids: Sequence[str], parsed: Parsed | None = None):
        self.searcher = searcher
        self.view = view
        self.schema = searcher.schema
        self.reader = searcher.reader()
        self.parsed = parsed if parsed is not None else Parsed()
        wanted = set(ids)
        # Only what the public may see ever matches (a draft, embargoed or withdrawn row never).
        self.rows = [r for r, i in enumerate(view.ids) if i in wanted and view.public[r]]
        self.ids = [view.ids[r] for r in self.rows]
        self.all = (1 << len(self.rows)) - 1
        self.dates = [int(view.dates[r]) for r in self.rows]
        self.few = Few(self.reader, [int(view.docnum_of_row[r]) for r in self.rows])
        self._facets: dict[tuple, int] = {}
        self._texts: dict[str, int] = {}
        self._nodes: dict[tuple, tuple] = {}     # of this publication's full parses

    def match(self, q: SearchQuery) -> list[str]:
        """The new public documents ``q`` finds."""
        keep = self.all
        if keep and (q.date_from or q.date_to):
            low, high = max(1, _date_int(q.date_from, 0)), _date_int(q.date_to, 99_999_999)
            keep &= sum(1 << n for n, date in enumerate(self.dates) if low <= date <= high)
        for name, values in q.filters.items():
            if not keep:
                break
            keep &= self._facet(name, tuple(values))
        if keep:
            keep &= self._text((q.text or "").strip(), keep)
        return [i for n, i in enumerate(self.ids) if keep >> n & 1]

    def _facet(self, name: str, values: tuple) -> int:
        key = (name, values)
        found = self._facets.get(key)
        if found is None:
            mask = self.view.facet_mask(name, values)
            found = self._facets[key] = sum(1 << n for n, r in enumerate(self.rows) if mask[r])
        return found

    def _text(self, text: str, keep: int) -> int:
        """The bits of the new rows ``text`` finds (those outside ``keep`` may be left out)."""
        if text in self._texts:
            return self._texts[text]
        if related_id(text):
            return self._exactly(text, None)
        node, exact, read = self.parsed.of(text, self.schema, self.reader)
        yes, maybe = self.few.value(node)
        if exact or not maybe & keep:
            return yes
        return self._exactly(text, read)

    def _exactly(self, text: str, read) -> int:
        """``text`` parsed in full against this index (from ``read``: the tree as read, and the
        text it was read from; None for ``related:``), and answered."""
        found = self._texts[text] = self._full(text, read)
        return found

    def _full(self, text: str, read) -> int:
        like = related_id(text)
        try:
            if like:
                q = RelatedQuery(like, self.searcher).q
            else:
                q = UserQuery.checked(*read, self.schema, self.reader)
        except QueryError:
            return 0
        node, exact = compiled(q, self.schema, self._nodes, self.few.expand)
        return self.few.value(node)[0] if exact else self._as_search(q)

    def _as_search(self, q: query.Query) -> int:
        """What the search finds of ``q`` over the whole index, among the new rows."""
        try:
            fast = accelerator.evaluate(q, self.searcher, self.view.lengths, self.view.postings)
            docnums = fast[0] if fast is not None else self.searcher.docs_for_query(q)
            mask = self.view.mask_of(docnums)
        except query.QueryError:     # what the search refuses (a phrase on a field without positions) finds nothing
            return 0
        return sum(1 << n for n, r in enumerate(self.rows) if mask[r])


def percolate(searcher, view, queries: Sequence[SearchQuery], ids: Sequence[str],
              parsed: Parsed | None = None) -> list[list[str]]:
    """For each query (validated), the ids among ``ids`` it finds."""
    parsed = parsed if parsed is not None else Parsed()
    parsed.begin()
    p = Percolator(searcher, view, ids, parsed)
    if not p.rows:
        return [[] for _ in queries]
    try:
        return [p.match(q) for q in queries]
    finally:
        parsed.end()
