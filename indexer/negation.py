"""Whoosh 2.7.5's two negations, corrected: every parsed query is ``corrected`` before it
runs, so Whoosh's own matchers (the path when the accelerator does not answer) match what the
accelerator matches. Found by tests/indexer/test_accelerator.py's random queries.

- ``a ANDNOT b``: Whoosh's AndNotMatcher looks for ``b`` at ``a``'s first document only when
  ``b`` starts exactly there, so it kept that document whenever ``b`` started before it.
- ``NOT a``: Whoosh's InverseMatcher stops skipping deleted documents once ``a``'s matches run
  out, so it could return a deleted document (the facet arrays of a segment outlive deletions
  in it, so that one would have been a hit).
"""
from __future__ import annotations

from whoosh import matching, query


class AndNot(query.AndNot):
    def matcher(self, searcher, context=None):
        scored = self.a.matcher(searcher, context)
        excluded = self.b.matcher(searcher, searcher.boolean_context())
        if scored.is_active() and excluded.is_active() and excluded.id() < scored.id():
            excluded.skip_to(scored.id())
        return matching.AndNotMatcher(scored, excluded)


class Not(query.Not):
    def matcher(self, searcher, context=None):
        inverse = super().matcher(searcher, context)
        reader = searcher.reader()
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
