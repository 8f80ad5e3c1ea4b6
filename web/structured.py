"""What a document's page tells machines: schema.org JSON-LD for search engines, and Open Graph
and Twitter card tags for link previews in chat apps and social sites."""
from __future__ import annotations

from flask import url_for

from dossier.core import PAGE_WIDTHS, Document, TextPages

DESCRIPTION_CHARS = 200
SITE_NAME = "Dossier"


def page_url(doc: Document) -> str:
    return url_for("documents.show", doc_id=doc.id, _external=True)


def description(doc: Document, pages: TextPages) -> str:
    """The opening words of its text, cut at a word, else what it is."""
    text = " ".join(pages.opening.split())
    if not text:
        return f"{doc.title} ({doc.kind}{', ' + doc.date if doc.date else ''})"
    if len(text) <= DESCRIPTION_CHARS:
        return text
    return text[:DESCRIPTION_CHARS].rsplit(" ", 1)[0] + "…"


def publisher(doc: Document, configured: str) -> dict:
    return {"@type": "Organization", "name": configured or doc.office or SITE_NAME}


def _file(doc: Document) -> dict:
    return {"@type": "DigitalDocument", "name": doc.title, "url": page_url(doc),
            "contentUrl": url_for("documents.original", doc_id=doc.id, _external=True),
            "encodingFormat": doc.mime, "contentSize": f"{doc.size} B",
            **({"dateCreated": doc.date} if doc.date else {}),
            **({"identifier": doc.case_number} if doc.case_number else {})}


def json_ld(doc: Document, links: dict[str, list[Document]], pages: TextPages, configured_publisher: str) -> dict:
    """A release as a NewsArticle with its attachments; anything else as a DigitalDocument that is
    part of the releases it came with."""
    common = {"@context": "https://schema.org", "name": doc.title, "url": page_url(doc),
              "description": description(doc, pages), "publisher": publisher(doc, configured_publisher),
              **({"datePublished": doc.published_at} if doc.published_at else {}),
              **({"dateCreated": doc.date} if doc.date else {}),
              **({"keywords": list(doc.topics)} if doc.topics else {})}
    if doc.kind == "release":
        return {**common, "@type": "NewsArticle", "headline": doc.title[:110], "mainEntityOfPage": page_url(doc),
                "associatedMedia": [_file(d) for d in links.get("attachments", [])]}
    return {**_file(doc), **common, "@type": "DigitalDocument",
            **({"isPartOf": [{"@type": "NewsArticle", "headline": d.title, "url": page_url(d)}
                             for d in links.get("attached_to", [])]} if links.get("attached_to") else {})}


def open_graph(doc: Document, pages: TextPages, configured_publisher: str,
               pictured: Document | None = None) -> list[tuple[str, str]]:
    """(property, content) pairs for <meta> tags; ``pictured``: the public document whose first
    page or photo a link preview shows (the document itself, or a release's attachment)."""
    image = url_for("pages.image", doc_id=pictured.id, n=1, width=PAGE_WIDTHS[1], _external=True) if pictured else None
    pictured = (("og:image", image), ("og:image:alt", pictured.title), ("twitter:image", image)) if image else ()
    return [("og:type", "article"), ("og:title", doc.title), ("og:url", page_url(doc)),
            ("og:description", description(doc, pages)),
            ("og:site_name", configured_publisher or SITE_NAME),
            *((("article:published_time", doc.published_at),) if doc.published_at else ()),
            *pictured,
            ("twitter:card", "summary_large_image" if image else "summary"), ("twitter:title", doc.title),
            ("twitter:description", description(doc, pages))]
