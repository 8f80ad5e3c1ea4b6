"""A document's page, its original, and a release's bundle as a ZIP."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request

from dossier.core import CorruptOriginal, Document, NotFound

from .. import structured
from . import dossier, downloads, viewer

bp = Blueprint("documents", __name__, url_prefix="/documents")

DAMAGED = ("The stored file of this document is damaged or missing, so it is not served. "
           "The site's staff can restore it by adding the same file again; please try later.")
GONE = "There is no document with this address. It may have been removed."


def get_document(doc_id: str) -> Document:
    """The document, or 404. Staff also see deleted ones (to restore them)."""
    try:
        return dossier().document(doc_id, viewer())
    except NotFound:
        abort(404, description=GONE)


def linked(doc_id: str) -> dict[str, list[Document]]:
    return dossier().links(doc_id, viewer())


@bp.route("/<doc_id>")
def show(doc_id: str, preview_token: str | None = None):
    """The document's page; through a preview link (``preview_token``), as the public will see it."""
    doc = get_document(doc_id)
    q = request.args.get("q", "")
    links, pages = linked(doc.id), dossier().pages(doc.id, viewer(), q)
    similar = dossier().similar(doc.id, viewer()) if preview_token is None else []
    # A preview link opens no image route (those follow the signed-in or public viewer): boxes there.
    previews = {} if preview_token else dossier().previews([doc.id, *(d.id for d in links["attachments"])], viewer())
    described = {}
    if doc.public and preview_token is None:      # what search engines and link previews may show
        publisher = dossier().config.publisher
        pictured = next((d for d in (doc, *links["attachments"]) if d.public and d.id in previews), None)
        described = {"json_ld": structured.json_ld(doc, links, pages, publisher),
                     "meta_tags": structured.open_graph(doc, pages, publisher, pictured),
                     "canonical": structured.page_url(doc)}
    return render_template("document.html", doc=doc, links=links, preview_token=preview_token,
                           pages=pages, q=q, similar=similar, previews=previews,
                           sources=dossier().page_sources(doc.id, viewer()), **described)


def whole(use_case, doc_id: str):
    """A use case that hands out originals; a damaged or missing one is never served."""
    try:
        return use_case(doc_id, viewer())
    except NotFound:
        abort(404, description=GONE)
    except CorruptOriginal as exc:
        current_app.logger.error("%s: %s", doc_id, exc)
        abort(500, description=DAMAGED)


@bp.route("/<doc_id>/original")
def original(doc_id: str):
    doc, path = whole(dossier().original, doc_id)
    return downloads.send_original(doc, path)


@bp.route("/<doc_id>/bundle.zip")
def bundle(doc_id: str):
    doc, members = whole(dossier().bundle, doc_id)
    names = downloads.unique_names([downloads.download_name(member) for member, _ in members])
    files = [(name, path) for name, (_, path) in zip(names, members)]
    response = Response(downloads.stream_zip(files), mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="dossier-{doc.id}.zip"'
    return response
