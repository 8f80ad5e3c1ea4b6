"""One search: a single pass over the index collects every matching document
(scored when the order is relevance), and the total, the facet counts and the
page of hits all come from that one list.

Filters: facet values are matched against the view's in-memory codes (exact,
normalised, with case-number short forms, as the index's facet terms are); the
date range against its date array; only document entries count (pages and
vocabulary entries are never rows of the view).
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
from whoosh import query

from . import accelerator
from .errors import QueryError
from .facets import View
from .hits import HitBuilder
from .query import UserQuery, suggestions
from .related import RelatedQuery, related_id
from .repair import repair
from .schema import FACETS
from .search import SearchQuery, SearchResult
from .vocabulary import Words

SUGGEST_BELOW = 3            # offer "did you mean" when a query has fewer hits than this
SUGGEST_TRIES = 8            # corrections run against the index before giving up


def score_matches(searcher, q: query.Query, wanted: bytes) -> tuple[list[int], list[int], list[float]]:
    """One pass over the matches of ``q``: every matching global docnum (for the
    total and the facets), and the docnums and scores of those flagged in
    ``wanted`` (documents passing the filters). Only those are scored, and
    every one of them is: Whoosh's block-quality skipping is not used (it
    needs a top-N collector, and it dropped documents that belonged in the top
    10 on this index)."""
    matched: list[int] = []
    docnums: list[int] = []
    scores: list[float] = []
    final = searcher.weighting.final if searcher.weighting.use_final else None
    context = searcher.context()
    for subsearcher, offset in searcher.leaf_searchers():
        matcher = q.matcher(subsearcher, context)
        if not matcher.is_active():
            continue
        matcher = matcher.replace(0)
        add_match, add_doc, add_score = matched.append, docnums.append, scores.append
        while matcher.is_active():
            g = offset + matcher.id()
            add_match(g)
            if wanted[g]:
                score = matcher.score()
                add_doc(g)
                add_score(final(searcher, g, score) if final else score)
            matcher.next()
    return matched, docnums, scores


def _date_int(value: str | None, default: int) -> int:
    return int(value.replace("-", "")) if value else default


def _all(masks: list[np.ndarray]) -> np.ndarray | None:
    """The rows in every mask (None: no masks, every row)."""
    if not masks:
        return None
    out = masks[0].copy()
    for mask in masks[1:]:
        out &= mask
    return out


class Search:
    """Filters and the date range are masks over the view's rows (no Whoosh
    terms); the user's query runs once, alone, over the index; a facet that is
    filtered on is counted against the other filters only."""

    def __init__(self, searcher, view: View, q: SearchQuery, words: Callable[[], Words]):
        self.searcher = searcher
        self.words = words
        self.view = view
        self.reader = searcher.reader()
        self.schema = searcher.schema
        self.q = q
        like = related_id(q.text)
        text, self.repairs = (q.text.strip(), ()) if like else repair(q.text.strip(), self.schema.names())
        self.text = text
        if like:
            self.user = RelatedQuery(like, searcher)
        else:
            self.user = UserQuery(text, self.schema, self.reader) if text and text != "*" else None
        self.dates = (view.date_mask(_date_int(q.date_from, 0), _date_int(q.date_to, 99_999_999))
                      if q.date_from or q.date_to else None)
        self.filters = {name: view.facet_mask(name, values) for name, values in q.filters.items()}
        # Unless the query is for staff, rows the public may not see are not there at all:
        # not in the total, the facet counts, the hits, nor what "did you mean" may offer.
        self.visible = None if q.everything else view.public

    def _allowed(self, without: str | None = None) -> np.ndarray | None:
        """Rows the query may see, within the date range and every filter except ``without``."""
        masks = [m for name, m in self.filters.items() if name != without]
        extra = [m for m in (self.dates, self.visible) if m is not None]
        return _all(masks + extra)

    def _matching(self, user: UserQuery | None) -> np.ndarray | None:
        """Rows the text query matches (None: no text query, every row)."""
        if user is None:
            return None
        fast = accelerator.evaluate(user.q, self.searcher, self.view.lengths, self.view.postings)
        return self.view.mask_of(fast[0] if fast is not None else self.searcher.docs_for_query(user.q))

    def _scored(self, user: UserQuery, allowed: np.ndarray | None):
        """Rows the text query matches; and the rows among them passing the
        filters, with their scores."""
        flags = self.view.docnum_flags(allowed)
        fast = accelerator.evaluate(user.q, self.searcher, self.view.lengths, self.view.postings)
        if fast is not None:
            matched_docnums, all_scores = fast
            keep = flags[matched_docnums]
            docnums, scores = matched_docnums[keep], all_scores[keep]
        else:
            matched_docnums, docnums, scores = score_matches(self.searcher, user.q, flags.tobytes())
        rows = self.view.row_of[np.asarray(docnums, dtype=np.int64)]
        return self.view.mask_of(matched_docnums), rows, np.asarray(scores, dtype=np.float64)

    def run(self) -> SearchResult:
        q = self.q
        start = (q.page - 1) * q.per_page
        limit = start + q.per_page
        allowed = self._allowed()
        try:
            if self.user is not None and q.sort == "relevance":
                matched, rows, scores = self._scored(self.user, allowed)
                total = len(rows)
                top = self.view.top_by_score(rows, scores, limit)[start:] if start < total else []
            else:
                matched = self._matching(self.user)
                selected = _all([m for m in (matched, allowed) if m is not None])
                total = self.view.size if selected is None else int(selected.sum())
                top = (self.view.top_by_date(selected, limit, newest=q.sort != "oldest")[start:]
                       if start < total else [])
            counts = self._facet_counts(matched)
            hits = HitBuilder(self.searcher, self.user).hits(top)
        except QueryError:
            raise
        except Exception as e:
            # Whoosh raises its own errors for some readable-but-unrunnable queries
            # (e.g. a phrase on a field without positions).
            if type(e).__module__.startswith("whoosh") and "Error" in type(e).__name__:
                raise QueryError(f"Could not run the query {q.text!r}.") from e
            raise
        return SearchResult(query=q.text, total=total, page=q.page, per_page=q.per_page,
                            hits=tuple(hits), facets={f: counts[f] for f in FACETS},
                            suggestion=self._suggestion(total),
                            read_as=self.text if self.repairs else None, repairs=self.repairs)

    def _facet_counts(self, matched: np.ndarray | None) -> dict[str, list[tuple[str, int]]]:
        """Counts over the results; a facet that is filtered on is counted without its
        own filter, so it still lists the values one could add to it (OR)."""
        def rows(without=None):
            return _all([m for m in (matched, self._allowed(without)) if m is not None])
        counts = self.view.count(rows())
        for name in self.filters:
            counts.update(self.view.count(rows(without=name), facets=(name,)))
        return counts

    def _suggestion(self, total: int) -> str | None:
        """The first correction (best first) that finds more than the query did: a candidate
        that fits the query's other words wins over a commoner one that finds nothing with them."""
        if self.user is None or total >= SUGGEST_BELOW or isinstance(self.user, RelatedQuery):
            return None
        allowed = self._allowed()
        for corrected in suggestions(self.text, self.schema, self.reader, self.words)[:SUGGEST_TRIES]:
            try:
                alt = UserQuery(corrected, self.schema, self.reader)
            except QueryError:
                continue
            selected = _all([m for m in (self._matching(alt), allowed) if m is not None])
            if (self.view.size if selected is None else int(selected.sum())) > total:
                return corrected
        return None
