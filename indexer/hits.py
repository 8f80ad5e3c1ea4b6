"""The hits of a result page: stored fields, snippets and the PDF pages a query matches."""
from __future__ import annotations

from whoosh import query

from .analysis import plain_snippet, snippet
from .query import UserQuery
from .schema import PAGE
from .search import Hit


class HitBuilder:
    def __init__(self, searcher, user: UserQuery | None):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.schema = searcher.schema
        self.user = user

    def hits(self, docnums: list[int]) -> list[Hit]:
        stored = [self.searcher.stored_fields(d) for d in docnums]
        pages, best_page = self._pages([s for s in stored if s.get("page_count") is not None])
        terms = self.user.highlight_terms(self.reader) if self.user else frozenset()
        analyzer = self.schema["text"].analyzer
        hits = []
        for fields in stored:
            doc_id = fields["id"]
            if self.user is None:
                snip = plain_snippet(fields.get("text", ""))
            else:
                page_doc = best_page.get(doc_id)
                text = (self.searcher.stored_fields(page_doc).get("page_text", "") if page_doc is not None
                        else fields.get("text", ""))
                snip = snippet(text, terms, analyzer)
            hits.append(Hit(id=doc_id, kind=fields.get("kind", ""), title=fields.get("title", ""),
                            date=fields.get("date"), office=fields.get("office"), snippet=snip,
                            pages=pages.get(doc_id, ())))
        return hits

    def _pages(self, stored: list[dict]) -> tuple[dict[str, tuple[int, ...]], dict[str, int]]:
        """Pages of the given PDF hits the query matches, and the best-scoring
        page docnum of each (for its snippet)."""
        if self.user is None or not stored:
            return {}, {}
        ids = [s["id"] for s in stored]
        found: dict[str, dict[int, tuple[float, int]]] = {}
        self._match_pages(self.user.page_q, ids, found)
        missing = [i for i in ids if i not in found]
        fallback = self.user.any_term_page_query()
        if missing and fallback is not None:
            # No page matches the whole query (its words are on different pages,
            # or it also names metadata): the pages with any of its words.
            self._match_pages(fallback, missing, found)
        pages = {i: tuple(sorted(p)) for i, p in found.items()}
        best = {i: max(p.values())[1] for i, p in found.items()}
        return pages, best

    def _match_pages(self, page_q: query.Query, ids: list[str], found: dict) -> None:
        restrict = query.And([query.Term("type", PAGE),
                              query.Or([query.Term("id", i) for i in ids])])
        results = self.searcher.search(query.And([page_q, query.ConstantScoreQuery(restrict, 0.0)]),
                                       limit=None)
        id_col = self.reader.column_reader("id")
        page_col = self.reader.column_reader("page")
        for docnum, score in results.items():
            found.setdefault(id_col[docnum], {})[page_col[docnum]] = (score, docnum)
