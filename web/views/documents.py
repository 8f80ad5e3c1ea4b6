"""A document's page, its original, and a release's bundle as a ZIP."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, g, render_template, request

from repository import CorruptOriginal, Document, NotFound

from . import downloads, services

bp = Blueprint("documents", __name__, url_prefix="/documents")


def get_document(doc_id: str) -> Document:
    """The document, or 404. Staff also see deleted ones (to restore them)."""
    try:
        return services().repo.get(doc_id, include_deleted=g.get("user") is not None)
    except NotFound:
        abort(404, description="There is no document with this address. It may have been removed.")


def linked(doc_id: str) -> dict[str, list[Document]]:
    """The linked documents in full (kind, pages, size), in the repository's order."""
    out = {}
    for name, entries in vars(services().repo.links(doc_id)).items():
        docs = []
        for entry in entries:
            try:
                docs.append(services().repo.get(entry.id))
            except NotFound:  # deleted since: not shown to the public
                continue
        out[name] = docs
    return out


def marked_pages(doc_id: str, q: str) -> list[tuple[str, list]]:
    """Each page's text with the spans the query marks (the index's own analysis: the same
    words a snippet marks)."""
    index = services().index
    terms = index.highlight_terms(q)
    return [(text, index.marks(text, terms) if terms else []) for text in services().repo.pages(doc_id)]


@bp.route("/<doc_id>")
def show(doc_id: str):
    doc = get_document(doc_id)
    q = request.args.get("q", "")
    return render_template("document.html", doc=doc, links=linked(doc.id), pages=marked_pages(doc.id, q), q=q)


def verified_original(doc: Document):
    """The original's path, known to be whole: a damaged or missing one is never served."""
    try:
        return services().repo.verified_original(doc)
    except CorruptOriginal as exc:
        current_app.logger.error("%s: %s", doc.id, exc)
        abort(500, description=DAMAGED)


DAMAGED = ("The stored file of this document is damaged or missing, so it is not served. "
           "The site's staff can restore it by adding the same file again; please try later.")


@bp.route("/<doc_id>/original")
def original(doc_id: str):
    doc = get_document(doc_id)
    return downloads.send_original(doc, verified_original(doc))


@bp.route("/<doc_id>/bundle.zip")
def bundle(doc_id: str):
    doc = get_document(doc_id)
    members = [doc, *linked(doc.id)["attachments"]]
    names = downloads.unique_names([downloads.download_name(m) for m in members])
    files = [(name, verified_original(m)) for name, m in zip(names, members)]
    response = Response(downloads.stream_zip(files), mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="dossier-{doc.id}.zip"'
    return response
