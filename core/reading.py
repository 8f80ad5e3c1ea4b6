"""Reading: search, a document, its links, its pages with a query's matches, its original."""
from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dossier.indexer.reading_text import reading_pages
from dossier.indexer.search import Hit, SearchQuery, SearchResult
from dossier.repository import AuditEntry, Document, LinkedDocument, Links, NotFound, PageSource

from .errors import Forbidden, Withdrawn
from .visibility import Viewer, may_see, withdrawn

if TYPE_CHECKING:
    from .app import Dossier

LINK_NAMES = ("attachments", "attached_to", "related")
DOCUMENT_PAGE_CHARS = 40_000      # of text on a document's page; the reader shows the rest a page at a time


def search(app: "Dossier", query: SearchQuery, viewer: Viewer) -> SearchResult:
    """Staff search everything that is not deleted; the public only what is published (the index
    holds both, and counts, shows and suggests only the rows the viewer may see). A query that
    finds nothing, with a correction that finds something, gets the correction's results (unless
    it asks ``as_typed``), marked with what was typed."""
    query = dataclasses.replace(query, everything=viewer.staff)
    result = app.index.search(query)
    if result.total or not result.suggestion or query.as_typed:
        return result
    instead = app.index.search(dataclasses.replace(query, text=result.suggestion, as_typed=True))
    if not instead.total:
        return result
    return dataclasses.replace(instead, suggestion=None, corrected_from=query.text)


def document(app: "Dossier", doc_id: str, viewer: Viewer) -> Document:
    """The document; NotFound when this viewer may not see it (as if it did not exist); Withdrawn
    (carrying the notice) when the public asks for a withdrawn one."""
    doc = app.repo.get(doc_id, include_deleted=True)
    if withdrawn(doc, viewer):
        raise Withdrawn(doc)
    if not may_see(doc, viewer):
        raise NotFound(doc_id)
    return doc


def links(app: "Dossier", doc_id: str, viewer: Viewer) -> dict[str, list[Document]]:
    """The linked documents this viewer may see, in full, in the repository's order."""
    summary = app.repo.links(document(app, doc_id, viewer).id)
    out = {}
    for name in LINK_NAMES:
        docs = []
        for entry in getattr(summary, name):
            try:
                docs.append(document(app, entry.id, viewer))
            except (NotFound, Withdrawn):
                continue
        out[name] = docs
    return out


def similar(app: "Dossier", doc_id: str, viewer: Viewer, limit: int) -> list[Hit]:
    """The documents most like this one (its key terms), that this viewer may see, leaving out
    those already linked to it: the computed neighbours beside the links staff made."""
    summary = app.repo.links(document(app, doc_id, viewer).id)
    linked = {entry.id for name in LINK_NAMES for entry in getattr(summary, name)}
    result = search(app, SearchQuery(text=f"related:{doc_id}", per_page=limit + len(linked), as_typed=True), viewer)
    return [hit for hit in result.hits if hit.id not in linked][:limit]


def link_summary(app: "Dossier", doc_id: str, viewer: Viewer) -> Links:
    full = links(app, doc_id, viewer)
    return Links(**{name: tuple(LinkedDocument(d.id, d.kind, d.title) for d in full[name]) for name in LINK_NAMES})


@dataclass(frozen=True)
class TextPage:
    number: int                       # from 1
    text: str                         # as people read it (no stamps, no margin line numbers)
    marks: list[tuple[int, int]]      # spans of ``text`` the query matches


@dataclass(frozen=True)
class TextPages:
    """The pages a document's page shows: all of a short one; of a long one, as many as
    ``DOCUMENT_PAGE_CHARS`` holds (the pages a query matches first), the rest left to the reader."""
    shown: list[TextPage]
    count: int                        # pages in the document
    opening: str                      # the first page's text, whatever is shown

    @property
    def partial(self) -> bool:
        return len(self.shown) < self.count


def pages(app: "Dossier", doc_id: str, viewer: Viewer, query: str = "") -> TextPages:
    """The document's text page by page, each with the spans a query's matches cover (the index's
    own analysis: the words a snippet marks), within the document page's budget."""
    doc = document(app, doc_id, viewer)
    raw = app.repo.pages(doc.id)
    texts = reading_pages(raw) if doc.page_count else list(raw)
    opening = texts[0] if texts else ""
    terms = app.index.highlight_terms(query)
    every = [TextPage(n, text, []) for n, text in enumerate(texts, 1)]
    if not terms:
        return TextPages(_within_budget(every), len(every), opening)
    matching = [TextPage(n, texts[n - 1], marks) for n, marks in marked_pages(app, doc.id, texts, query, terms)]
    return TextPages(_within_budget(matching or every), len(every), opening)


def marked_pages(app: "Dossier", doc_id: str, texts: list[str], query: str,
                 terms: frozenset[str]) -> Iterator[tuple[int, list[tuple[int, int]]]]:
    """(page, marks) for each page a query's words are on, in order: the pages the index's
    positions name, or every page when it cannot tell."""
    candidates = app.index.pages_with_words(doc_id, query) or range(1, len(texts) + 1)
    spanish = app.index.is_spanish(doc_id)
    for number in candidates:
        marks = app.index.marks(texts[number - 1], terms, spanish=spanish) if number <= len(texts) else []
        if marks:
            yield number, marks


def _within_budget(candidates: list[TextPage]) -> list[TextPage]:
    shown, used = [], 0
    for page in candidates:
        used += len(page.text)
        if shown and used > DOCUMENT_PAGE_CHARS:
            break
        shown.append(page)
    return shown


def page_sources(app: "Dossier", doc_id: str, viewer: Viewer) -> list[PageSource]:
    """Which engine gave each page its text."""
    return app.repo.page_sources(document(app, doc_id, viewer).id)


def original(app: "Dossier", doc_id: str, viewer: Viewer) -> tuple[Document, Path]:
    """The document and its original's path, known to be whole (CorruptOriginal otherwise)."""
    doc = document(app, doc_id, viewer)
    return doc, app.repo.verified_original(doc)


def bundle(app: "Dossier", doc_id: str, viewer: Viewer) -> tuple[Document, list[tuple[Document, Path]]]:
    """A release and its attachments, every original checked whole before any byte is sent."""
    doc = document(app, doc_id, viewer)
    members = [doc, *links(app, doc.id, viewer)["attachments"]]
    return doc, [(member, app.repo.verified_original(member)) for member in members]


def released(app: "Dossier", viewer: Viewer, *, kind: str | None, limit: int,
             before: tuple[str, str] | None) -> list[Document]:
    """Published documents, newest publication first; ``before``: the (published_at, id) of the
    last document of the page before."""
    return [d for d in app.repo.released(kind=kind, limit=limit, before=before) if may_see(d, viewer)]


def public_index(app: "Dossier", *, offset: int, limit: int) -> tuple[int, list[tuple[str, str]]]:
    """How many documents the public may see, and (id, published_at) of a slice of them, in the
    order they were published (sitemaps)."""
    return app.repo.count_published(), app.repo.published_index(offset=offset, limit=limit)


def unpublished(app: "Dossier", viewer: Viewer) -> list[Document]:
    if not viewer.staff:
        raise Forbidden("Drafts are for staff only.", action="drafts")
    return app.repo.unpublished()


def audit_log(app: "Dossier", doc_id: str | None, viewer: Viewer, limit: int, before_id: int | None
              ) -> list[AuditEntry]:
    if not viewer.staff:
        raise Forbidden("The audit log is for staff only.", action="audit")
    return app.repo.audit_log(doc_id, limit=limit, before_id=before_id)
