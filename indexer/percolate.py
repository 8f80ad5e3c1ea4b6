"""Percolation: which saved searches match a few new documents, each exactly as the search would
find them (the same repair, parsing, analysis, facet filters and date range), in one snapshot.

The new documents are a handful of rows; filters and dates are checked on those rows first (cheap),
and only then is the query text run, once per distinct text, over the index (the accelerator's
posting-list evaluation), its matches intersected with the new rows.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from . import accelerator
from .errors import QueryError
from .query import DEFAULT_FIELDS, UserQuery
from .related import RelatedQuery, related_id
from .repair import repair
from .search import SearchQuery
from .searching import _date_int


class Percolator:
    def __init__(self, searcher, view, ids: Sequence[str]):
        self.searcher = searcher
        self.view = view
        self.schema = searcher.schema
        self.reader = searcher.reader()
        wanted = set(ids)
        rows = [r for r, i in enumerate(view.ids) if i in wanted]
        # Only what the public may see ever matches (a draft, embargoed or withdrawn row never).
        self.rows = np.asarray([r for r in rows if view.public[r]], dtype=np.int64)
        self.ids = [view.ids[r] for r in self.rows]
        self._facets: dict[tuple, np.ndarray] = {}
        self._texts: dict[str, np.ndarray] = {}

    def match(self, q: SearchQuery) -> list[str]:
        """The new public documents ``q`` finds."""
        if not len(self.rows):
            return []
        keep = np.ones(len(self.rows), dtype=bool)
        if q.date_from or q.date_to:
            dates = self.view.dates[self.rows]
            keep &= (dates >= max(1, _date_int(q.date_from, 0))) & (dates <= _date_int(q.date_to, 99_999_999))
        for name, values in q.filters.items():
            if not keep.any():
                return []
            keep &= self._facet(name, tuple(values))
        if not keep.any():
            return []
        text = (q.text or "").strip()
        if text and text != "*":
            keep &= self._text(text)
        return [i for i, k in zip(self.ids, keep) if k]

    def _facet(self, name: str, values: tuple) -> np.ndarray:
        key = (name, values)
        if key not in self._facets:
            self._facets[key] = self.view.facet_mask(name, values)[self.rows]
        return self._facets[key]

    def _text(self, text: str) -> np.ndarray:
        if text not in self._texts:
            self._texts[text] = self._run(text)
        return self._texts[text]

    def _run(self, text: str) -> np.ndarray:
        like = related_id(text)
        if like:
            q = RelatedQuery(like, self.searcher).q
        else:
            text, _ = repair(text, self.schema.names())
            if not text or text == "*":
                return np.ones(len(self.rows), dtype=bool)
            try:
                q = UserQuery._parse(text, DEFAULT_FIELDS, self.schema, self.reader)
            except QueryError:
                return np.zeros(len(self.rows), dtype=bool)
        fast = accelerator.evaluate(q, self.searcher, self.view.lengths)
        docnums = fast[0] if fast is not None else self.searcher.docs_for_query(q)
        return self.view.mask_of(docnums)[self.rows]


def percolate(searcher, view, queries: Sequence[SearchQuery], ids: Sequence[str]) -> list[list[str]]:
    """For each query (validated), the ids among ``ids`` it finds."""
    p = Percolator(searcher, view, ids)
    return [p.match(q) for q in queries]
