"""Whoosh 2.7.5's two negations, corrected: every parsed query is ``corrected`` before it
runs, so Whoosh's own matchers (the path when the accelerator does not answer) match what the
accelerator matches. Found by the random queries of tests/indexer/test_accelerator.py.

- ``a ANDNOT b``: Whoosh's AndNotMatcher kept ``a``'s first document in a segment whenever
  ``b`` started before it (it moves ``b`` up only when both start on one document), and raised
  IndexError when skipped past ``a``'s end (a 500 for ``motion AND ("court court" ANDNOT moti*)``).
  Here it is ``a`` AND NOT ``b``, the NOT scoring 0, so a document scores what ``a`` gives it.
- ``NOT a``: Whoosh's InverseMatcher stops skipping deleted documents once ``a``'s matches run
  out, so it could return a deleted document (the facet arrays of a segment outlive deletions
  in it, so that one would have been a hit).
"""
from __future__ import annotations

from whoosh import matching, query


class AndNot(query.AndNot):
    def matcher(self, searcher, context=None):
        return matching.IntersectionMatcher(self.a.matcher(searcher, context),
                                            _inverse(self.b, searcher, weight=0.0))


class Not(query.Not):
    def matcher(self, searcher, context=None):
        return _inverse(self.query, searcher, weight=1.0)


def _inverse(q: query.Query, searcher, weight: float):
    """Every live document ``q`` does not match, each scored ``weight``."""
    reader = searcher.reader()
    inverse = matching.InverseMatcher(q.matcher(searcher, searcher.boolean_context()), reader.doc_count_all(),
                                      missing=reader.is_deleted, weight=weight)
    return matching.FilterMatcher(inverse, _Deleted(reader), exclude=True) if reader.has_deletions() else inverse


class _Deleted:
    """The deleted documents of a segment, as the set a FilterMatcher takes."""

    def __init__(self, reader):
        self._reader = reader

    def __contains__(self, docnum: int) -> bool:
        return self._reader.is_deleted(docnum)


def corrected(q: query.Query) -> query.Query:
    def correct(node: query.Query) -> query.Query:
        if type(node) is query.AndNot:
            return AndNot(node.a, node.b)
        if type(node) is query.Not:
            return Not(node.query, boost=node.boost)
        return node
    return q.accept(correct)
