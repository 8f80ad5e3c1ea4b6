"""The pages of a PDF a query matches (``indexer.pagematch``, from the document's positions) are
the pages a reference index holding one Whoosh entry per page matches.

Two differences are deliberate, and left out of the comparison:
- a phrase running over the end of a page counts for the page it starts on (the reference has no
  such phrase): a document where a phrase of the query runs over a page break is skipped;
- a page without a word is matched by nothing, not even a NOT: the reference holds only the pages
  with words.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from whoosh import fields, query
from whoosh.filedb.filestore import RamStorage

from dossier.indexer.analysis import strip_repeated_lines
from dossier.indexer.pagematch import DocumentPositions, PageMatcher
from dossier.indexer.paged import page_of
from dossier.indexer.query import UserQuery, walk
from dossier.indexer.schema import DOC, build_schema, text_analyzer

from .strategies import build, corpora, deletions, property_settings, queries


def reference_index(corpus, deleted):
    """One entry per page with words of every live PDF (its pages as the index keeps them),
    under the real schema with a plain Whoosh text field."""
    schema = build_schema()
    schema.remove("text")
    schema.add("text", fields.TEXT(analyzer=text_analyzer()))
    ix = RamStorage().create_index(schema)
    analyzer = text_analyzer()
    with ix.writer() as writer:
        docs = [doc for batch in corpus for doc in batch]
        for n, (pdf, _, pages, _) in enumerate(docs):
            if not pdf or n in deleted:
                continue
            for number, text in enumerate(strip_repeated_lines(pages)[0], start=1):
                if any(True for _ in analyzer(text)):
                    writer.add_document(id=f"d{n}#{number}", text=text)
    return ix


def reference_pages(searcher, q) -> dict[str, set[int]]:
    pages: dict[str, set[int]] = {}
    for docnum in searcher.docs_for_query(q):
        doc_id, number = searcher.stored_fields(docnum)["id"].split("#")
        pages.setdefault(doc_id, set()).add(int(number))
    return pages


def runs_over_a_page_break(q, positions: DocumentPositions, page_starts) -> bool:
    """Whether a phrase of ``q`` has an occurrence whose first and last words are on different pages."""
    for node in walk(q):
        if not isinstance(node, query.Phrase) or node.fieldname != "text" or not node.words:
            continue
        lists = [positions.of(w.encode("utf-8")) for w in node.words]
        slop = max(1, node.slop)

        def ends(pos, rest):
            if not rest:
                yield pos
                return
            for nxt in rest[0]:
                if pos < nxt <= pos + slop:
                    yield from ends(nxt, rest[1:])
        for first in lists[0]:
            if any(page_of(first, page_starts) != page_of(last, page_starts) for last in ends(first, lists[1:])):
                return True
    return False


@property_settings(40)
@given(corpus=corpora, deleted=deletions, shapes=st.lists(queries, min_size=1, max_size=6))
def test_pages_are_those_an_index_of_pages_matches(corpus, deleted, shapes):
    deleted = set(deleted)
    with tempfile.TemporaryDirectory() as tmp:
        ix = build(Path(tmp) / "index", corpus, deleted)
        try:
            with ix._searchers.reading() as snap, reference_index(corpus, deleted).searcher() as ref:
                searcher, reader = snap.searcher, snap.searcher.reader()
                pdfs = {fields["id"]: docnum for docnum in searcher.docs_for_query(query.Term("type", DOC))
                        if (fields := searcher.stored_fields(docnum)).get("page_starts")}
                for text, _ in shapes:
                    user = UserQuery(text, searcher.schema, reader)
                    for q in filter(None, (user.page_q, user.any_term_page_query())):
                        expected = reference_pages(ref, q)
                        for doc_id, docnum in pdfs.items():
                            page_starts = searcher.stored_fields(docnum)["page_starts"]
                            positions = DocumentPositions(reader, docnum)
                            if runs_over_a_page_break(q, positions, page_starts):
                                continue
                            found = set(PageMatcher(positions, page_starts).pages(q))
                            assert found == expected.get(doc_id, set()), (text, q, doc_id)
        finally:
            ix.close()
