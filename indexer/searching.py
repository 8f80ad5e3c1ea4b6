"""One search: a single pass over the index collects every matching document
(scored when the order is relevance), and the total, the facet counts and the
page of hits all come from that one list.

Filters: facet values are Whoosh terms (exact, normalised, with case-number
short forms); the date range is checked against the in-memory date array of
the facet view (no term-range expansion per segment); ``type=doc`` keeps pages
and vocabulary entries out.
"""
from __future__ import annotations

from whoosh import collectors, query

from .errors import QueryError
from .facets import View
from .hits import HitBuilder
from .query import UserQuery, suggest
from .schema import DOC, FACETS, normalize_value
from .search import SearchQuery, SearchResult

SUGGEST_BELOW = 3            # offer "did you mean" when a query has fewer hits than this


class ScoreAll(collectors.ScoredCollector):
    """Every match with its score: (score, global docnum) in ``scored``. No
    block-quality skipping (every match is needed for the total and the facets)."""

    def __init__(self, keep=None):
        super().__init__()
        self.keep = keep            # global docnums -> the ones to keep, or None
        self.scored: list[tuple[float, int]] = []

    def collect_matches(self):
        offset, final = self.offset, self.final_fn
        scored, top = self.scored, self.top_searcher
        keep = self.keep
        if keep is not None:
            allowed = keep(offset + d for d in self.matcher.all_ids())
            # Re-run the matcher only over the kept documents, scoring those.
            self.matcher = self.q.matcher(self.subsearcher, self.context)
            matcher = self.matcher
            for g in allowed:
                sub = g - offset
                if matcher.id() < sub:
                    matcher.skip_to(sub)
                score = matcher.score()
                scored.append((final(top, g, score) if final else score, g))
            return
        for sub in self.matches():
            score = self.matcher.score()
            g = offset + sub
            scored.append((final(top, g, score) if final else score, g))

    def _collect(self, global_docnum, score):  # pragma: no cover - collect_matches does it
        self.scored.append((score, global_docnum))


def _date_int(value: str | None, default: int) -> int:
    return int(value.replace("-", "")) if value else default


class Search:
    def __init__(self, searcher, view: View, q: SearchQuery):
        self.searcher = searcher
        self.view = view
        self.reader = searcher.reader()
        self.schema = searcher.schema
        self.q = q
        text = q.text.strip()
        self.user = UserQuery(text, self.schema, self.reader) if text and text != "*" else None
        if q.date_from or q.date_to:
            lo, hi = _date_int(q.date_from, 0), _date_int(q.date_to, 99_999_999)
            self.keep = lambda docnums: view.in_dates(docnums, lo, hi)
        else:
            self.keep = None

    def _filter_query(self, without: str | None = None) -> query.Query:
        clauses: list[query.Query] = [query.Term("type", DOC)]
        for name, values in self.q.filters.items():
            if name == without:
                continue
            terms = [query.Term(name, normalize_value(v)) for v in values]
            clauses.append(terms[0] if len(terms) == 1 else query.Or(terms))
        return query.And(clauses)

    def _main_query(self, user: UserQuery | None, without: str | None = None) -> query.Query:
        filters = self._filter_query(without)
        if user is None:
            return filters
        return query.And([user.q, query.ConstantScoreQuery(filters, 0.0)])

    def _matching(self, main: query.Query) -> list[int]:
        docnums = self.searcher.docs_for_query(main)
        return self.keep(docnums) if self.keep else list(docnums)

    def run(self) -> SearchResult:
        q = self.q
        main = self._main_query(self.user)
        start = (q.page - 1) * q.per_page
        limit = start + q.per_page
        try:
            if self.user is not None and q.sort == "relevance":
                collector = ScoreAll(self.keep)
                self.searcher.search_with_collector(main, collector)
                docnums = [d for _, d in collector.scored]
                top = self.view.top_by_score(collector.scored, limit)[start:] if start < len(docnums) else []
            else:
                docnums = self._matching(main)
                top = (self.view.top_by_date(docnums, limit, newest=q.sort != "oldest")[start:]
                       if start < len(docnums) else [])
            total = len(docnums)
            counts = self._facet_counts(docnums)
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
                            suggestion=self._suggestion(total))

    def _facet_counts(self, docnums: list[int]) -> dict[str, list[tuple[str, int]]]:
        """Counts over the results; a facet that is filtered on is counted without its
        own filter, so it still lists the values one could add to it (OR)."""
        counts = self.view.count(self.view.rows(docnums))
        for name in self.q.filters:
            others = self._matching(self._main_query(self.user, without=name))
            counts.update(self.view.count(self.view.rows(others), facets=(name,)))
        return counts

    def _suggestion(self, total: int) -> str | None:
        if self.user is None or total >= SUGGEST_BELOW:
            return None
        corrected = suggest(self.q.text.strip(), self.schema, self.reader)
        if corrected is None:
            return None
        try:
            alt = UserQuery(corrected, self.schema, self.reader)
            better = len(self._matching(self._main_query(alt)))
        except QueryError:
            return None
        return corrected if better > total else None
