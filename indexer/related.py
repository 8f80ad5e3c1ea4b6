"""Documents like a given one: its key terms (the words frequent in it and rare in the index,
Whoosh's Bo1 model over its stored title and text) searched as one OR query, itself left out.
What the document page lists under "Documents like this", and the query ``related:<id>``."""
from __future__ import annotations

import re

from whoosh import query

from .query import UserQuery
from .schema import DOC

KEY_TERMS = 12
TITLE_BOOST = 2.0
RELATED = re.compile(r"\s*related:([a-z0-9]{1,40})\s*")


def related_id(text: str) -> str | None:
    """The id of a ``related:<id>`` query, else None."""
    match = RELATED.fullmatch(text)
    return match.group(1) if match else None


class RelatedQuery(UserQuery):
    """A UserQuery built from a document's key terms rather than typed: snippets mark them, page
    matching finds the pages richest in them."""

    def __init__(self, doc_id: str, searcher):
        self.text = f"related:{doc_id}"
        self.schema = searcher.schema
        terms = _key_terms(doc_id, searcher)
        if not terms:                                   # unknown id, or nothing to go on
            self.q = self.page_q = query.NullQuery
            return
        self_excluded = query.Not(query.Term("id", doc_id))
        self.page_q = query.Or([query.Term("text", t) for t in terms])
        self.q = query.And([query.Or([*(query.Term("text", t) for t in terms),
                                      *(query.Term("title", t, boost=TITLE_BOOST) for t in terms)]),
                            self_excluded])


def _key_terms(doc_id: str, searcher) -> list[str]:
    docnums = list(searcher.docs_for_query(query.And([query.Term("type", DOC), query.Term("id", doc_id)])))
    if not docnums:
        return []
    stored = searcher.stored_fields(docnums[0])
    text = " ".join(filter(None, (stored.get("title"), stored.get("text"))))
    if not text.strip():
        return []
    return [term for term, _ in searcher.key_terms_from_text("text", text, numterms=KEY_TERMS)]
