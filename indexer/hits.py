"""The hits of a result page: stored fields, snippets and the PDF pages a query matches."""
from __future__ import annotations

import json

from .analysis import plain_snippet, snippet
from .pagematch import DocumentPositions, PageMatcher
from .query import UserQuery
from .schema import is_spanish, marking_analyzers
from .search import Hit


FILING_FIELDS = ("court", "case_number", "doc_type")   # what a filing result shows beside its title


class HitBuilder:
    def __init__(self, searcher, user: UserQuery | None):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.schema = searcher.schema
        self.user = user
        self._page_texts = None

    def hits(self, docnums: list[int]) -> list[Hit]:
        terms = self.user.highlight_terms(self.reader) if self.user else frozenset()
        hits = []
        for docnum in docnums:
            fields = self.searcher.stored_fields(docnum)
            pages, best = self._pages(docnum, fields.get("page_starts"))
            if self.user is None:
                snip = plain_snippet(fields.get("text", ""))
            else:
                text = self._page_text(docnum, best) if best else fields.get("text", "")
                snip = snippet(text, terms, marking_analyzers(is_spanish(self.reader, docnum)))
            hits.append(Hit(id=fields["id"], kind=fields.get("kind", ""), title=fields.get("title", ""),
                            date=fields.get("date"), office=fields.get("office"), snippet=snip,
                            pages=pages, state=fields.get("state", "published"), publish_at=fields.get("publish_at"),
                            page_count=fields.get("page_count"),
                            **({name: fields.get(name) for name in FILING_FIELDS} if fields.get("kind") == "filing"
                               else {})))
        return hits

    def _pages(self, docnum: int, page_starts) -> tuple[tuple[int, ...], int | None]:
        """The pages of a PDF hit the query matches, and the one with most of
        the query's words (for the snippet)."""
        if self.user is None or not page_starts:
            return (), None
        matcher = PageMatcher(DocumentPositions(self.reader, docnum), page_starts)
        found = matcher.pages(self.user.page_q)
        fallback = self.user.any_term_page_query()
        if not found and fallback is not None:
            # No page matches the whole query (its words are on different pages,
            # or it also names metadata): the pages with any of its words.
            found = matcher.pages(fallback)
        if not found:
            return (), None
        best = min(found, key=lambda page: (-found[page], page))
        return tuple(sorted(found)), best

    def _page_text(self, docnum: int, page: int) -> str:
        if self._page_texts is None:
            self._page_texts = self.reader.column_reader("page_texts")
        raw = self._page_texts[docnum]
        texts = json.loads(raw) if raw else []
        return texts[page - 1] if 0 < page <= len(texts) else ""
