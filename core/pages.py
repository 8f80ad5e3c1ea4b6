"""Documents as pages: each page's image (the same access rule as the original), its text and
words, the pages a query matches, and the thumbnail rendered after an upload.

Images are derived data (``indexer.pages``): rendered on first request in the render workers,
whose time and memory limits keep a hostile PDF from holding a request for longer than
``render_timeout``; a page that cannot be drawn is shown as its text with the reason.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dossier.indexer.pages import THUMBNAIL_WIDTH, WIDTHS, Unrenderable, Word, renderable
from dossier.indexer.pages.cache import VERSION, Original
from dossier.indexer.reading_text import reading_pages, reading_text_of_page
from dossier.repository import Document, NotFound, Problem

from .errors import Invalid, Withdrawn
from .reading import document, marked_pages
from .visibility import PUBLIC, Viewer

if TYPE_CHECKING:
    from .app import Dossier

log = logging.getLogger("dossier.core")

READER_WIDTH = WIDTHS[1]          # the image the reader shows (and renders before answering)
SNIPPET_CHARS = 90                # of text each side of a matching page's first mark
MAX_MATCH_LIST = 100              # matching pages listed at the top of the reader, at most
PDF = "application/pdf"


@dataclass(frozen=True)
class PageImage:
    path: Path
    etag: str


@dataclass(frozen=True)
class Match:
    page: int
    snippet: str
    marks: list[tuple[int, int]]      # spans of ``snippet``


@dataclass(frozen=True)
class Preview:
    """A document's small image, as lists show it."""
    doc_id: str
    photo: bool                        # a photo (else a PDF's first page)
    size: tuple[int, int] | None       # the thumbnail's pixels once drawn; None: drawn when first asked for


@dataclass(frozen=True)
class PageView:
    """One page of a document as the reader and the API give it."""
    doc: Document
    number: int
    count: int                        # pages in the document
    text: str
    marks: list[tuple[int, int]]      # spans of ``text`` a query matches
    words: tuple[Word, ...]           # the text layer's words with their boxes
    hits: tuple[Word, ...]            # the words a query matches, to draw on the image
    has_image: bool
    unavailable: str | None = None    # why this page has no image, when it failed


def has_pages(doc: Document) -> bool:
    """Whether a document has page images: PDFs and photos."""
    return renderable(doc.mime)


def page_count(app: "Dossier", doc: Document) -> int:
    if doc.mime == PDF and doc.page_count:
        return doc.page_count
    return max(1, len(app.repo.pages(doc.id))) if doc.mime == PDF else 1


def _original(app: "Dossier", doc: Document) -> Original:
    return Original(app.repo.original_path(doc), doc.sha256, doc.mime)


def _page_of(app: "Dossier", doc_id: str, number: int, viewer: Viewer) -> Document:
    """The document, if this viewer may see it and it has a page ``number`` with an image."""
    doc = document(app, doc_id, viewer)
    if not has_pages(doc) or not 1 <= number <= page_count(app, doc):
        raise NotFound(doc_id)
    return doc


def page_image(app: "Dossier", doc_id: str, number: int, width: int, viewer: Viewer) -> PageImage:
    """The page's image at one of WIDTHS; Unrenderable when it cannot be drawn."""
    if width not in WIDTHS:
        raise Invalid(f"width must be one of {', '.join(map(str, WIDTHS))}", field="width")
    doc = _page_of(app, doc_id, number, viewer)
    path = app.page_images.image(_original(app, doc), number, width)
    return PageImage(path, f"{doc.sha256[:20]}-{number}-{width}-v{VERSION}")


def thumbnail(app: "Dossier", doc_id: str, viewer: Viewer) -> PageImage:
    return page_image(app, doc_id, 1, THUMBNAIL_WIDTH, viewer)


def page(app: "Dossier", doc_id: str, number: int, viewer: Viewer, query: str = "", *,
         draw: bool = True) -> PageView:
    """Page ``number``'s text, words and the query's hits; with ``draw``, its image is rendered
    now (so the page says at once when there is none)."""
    doc = document(app, doc_id, viewer)
    count = page_count(app, doc)
    if not 1 <= number <= count:
        raise NotFound(doc_id)
    text = reading_text_of_page(app.repo.pages(doc.id), number)
    terms = app.index.highlight_terms(query)
    spanish = bool(terms) and app.index.is_spanish(doc.id)
    marks = app.index.marks(text, terms, spanish=spanish) if terms else []
    words, unavailable = (), None
    if has_pages(doc):
        original = _original(app, doc)
        words = app.page_images.words(original, number)
        if draw:
            unavailable = _drawn(app, original, number)
    hits = tuple(w for w in words if terms and app.index.marks(w.text, terms, 1, spanish=spanish))
    return PageView(doc, number, count, text, marks, words, hits, has_pages(doc), unavailable)


def _drawn(app: "Dossier", original: Original, number: int) -> str | None:
    try:
        app.page_images.image(original, number, READER_WIDTH)
        return None
    except Unrenderable as exc:
        return str(exc)


def matches(app: "Dossier", doc_id: str, viewer: Viewer, query: str) -> list[Match]:
    """The pages a query matches, in order, each with a snippet around its first match."""
    doc = document(app, doc_id, viewer)
    terms = app.index.highlight_terms(query)
    if not terms:
        return []
    texts = reading_pages(app.repo.pages(doc.id))
    out = []
    for number, spans in marked_pages(app, doc.id, texts, query, terms):
        out.append(_snippet(number, texts[number - 1], spans))
        if len(out) >= MAX_MATCH_LIST:
            break
    return out


def _snippet(number: int, text: str, spans: list[tuple[int, int]]) -> Match:
    start = max(0, spans[0][0] - SNIPPET_CHARS)
    end = min(len(text), spans[0][1] + SNIPPET_CHARS)
    inside = [(a - start, b - start) for a, b in spans if a >= start and b <= end]
    snippet = text[start:end].replace("\n", " ")
    return Match(number, ("…" if start else "") + snippet + ("…" if end < len(text) else ""),
                 [(a + (1 if start else 0), b + (1 if start else 0)) for a, b in inside])


def previews(app: "Dossier", doc_ids: Iterable[str], viewer: Viewer) -> dict[str, Preview]:
    """Of these documents, those this viewer may see that have a thumbnail (or will have one when it
    is first asked for). Text documents have none, and neither has one whose first page could not
    be drawn: lists show a placeholder rather than a broken image."""
    out = {}
    for doc_id in dict.fromkeys(doc_ids):
        try:
            doc = document(app, doc_id, viewer)
        except (NotFound, Withdrawn):
            continue
        preview = _preview(app, doc)
        if preview is not None:
            out[doc.id] = preview
    return out


def _preview(app: "Dossier", doc: Document) -> Preview | None:
    if not has_pages(doc) or app.page_images.failed(doc.sha256, 1, THUMBNAIL_WIDTH):
        return None
    return Preview(doc.id, doc.mime != PDF, app.page_images.size(doc.sha256, 1, THUMBNAIL_WIDTH))


def embeddable(app: "Dossier", doc_id: str, number: int = 1) -> tuple[Document, Preview | None]:
    """A document other sites may embed at page ``number``: one the public may see (NotFound
    otherwise, a withdrawn one and a page it does not have included), with its thumbnail, drawn
    now if it was not."""
    try:
        doc = document(app, doc_id, PUBLIC)
    except Withdrawn:
        raise NotFound(doc_id) from None
    if not 1 <= number <= page_count(app, doc):
        raise NotFound(doc_id)
    render_thumbnails(app, [doc])
    return doc, _preview(app, doc)


def render_thumbnails(app: "Dossier", docs: Iterable[Document]) -> None:
    """The first page of each new document with pages, drawn now so lists show it at once. Never
    raises: an upload that is stored does not fail for its preview (the page is drawn on request,
    or shown as text)."""
    for doc in docs:
        if not has_pages(doc):
            continue
        try:
            app.page_images.images(_original(app, doc), [(1, THUMBNAIL_WIDTH)])
        except Exception:
            log.exception("thumbnail of %s", doc.id)


def check(app: "Dossier") -> list[Problem]:
    """Page images of originals no longer in the repository (purged): derived data to delete."""
    known = {doc.sha256 for doc in app.repo.iter_documents(include_deleted=True)}
    return [Problem(None, "orphan_page_images", f"page images of {sha} (no such original): delete "
                    f"{app.page_images.folder(sha)}") for sha in sorted(app.page_images.hashes() - known)]
