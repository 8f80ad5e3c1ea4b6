"""A document as pages: the reader at a page, each page's image and the thumbnail.

Images follow the original's access rule (the core decides); public ones may be cached for a
day by anyone (an ETag makes revalidation cheap), others only by the browser that saw them.
"""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, redirect, render_template, request, send_file, url_for

from dossier.core import PAGE_WIDTHS, Invalid, NotFound, Unrenderable

from . import dossier, viewer
from .documents import GONE, get_document, linked

bp = Blueprint("pages", __name__, url_prefix="/documents")

PUBLIC_IMAGE_SECONDS = 86_400      # a withdrawn document's images stay in caches at most this long
STRIP_AROUND = 4                   # thumbnails each side of the page shown
UNAVAILABLE_SVG = (Path(__file__).parents[1] / "static" / "preview-unavailable.svg").read_bytes()


@bp.route("/<doc_id>/pages/<int:n>")
def reader(doc_id: str, n: int):
    """The reader at page ``n``: its image with its text as the alternative, the query's matching pages first."""
    doc = get_document(doc_id)
    q = request.args.get("q", "").strip()
    try:
        view = dossier().page(doc.id, n, viewer(), q)
    except NotFound:
        abort(404, description=f"This document has no page {n}.")
    matches = dossier().page_matches(doc.id, viewer(), q) if q else []
    strip = range(max(1, n - STRIP_AROUND), min(view.count, n + STRIP_AROUND) + 1)
    return render_template("reader.html", doc=doc, view=view, q=q, matches=matches, strip=strip,
                           links=linked(doc.id), widths=PAGE_WIDTHS)


@bp.route("/<doc_id>/pages")
def go_to_page(doc_id: str):
    """The "go to page" form's answer: the reader at the page asked for (the last if beyond it)."""
    doc = get_document(doc_id)
    try:
        n = max(1, int(request.args.get("page", "1")))
    except ValueError:
        abort(400, description="The page must be a number.")
    q = request.args.get("q", "").strip()
    count = dossier().page(doc.id, 1, viewer(), draw=False).count
    return redirect(url_for("pages.reader", doc_id=doc.id, n=min(n, count), q=q or None))


@bp.route("/<doc_id>/pages/<int:n>.webp")
def image(doc_id: str, n: int):
    """Page ``n`` as WebP, ``width`` one of the fixed widths (800 when not given; another: 400)."""
    try:
        width = int(request.args.get("width", PAGE_WIDTHS[1]))
    except ValueError:
        abort(400, description=f"The width must be one of {', '.join(map(str, PAGE_WIDTHS))}.")
    return _image(lambda: dossier().page_image(doc_id, n, width, viewer()))


@bp.route("/<doc_id>/thumbnail.webp")
def thumbnail(doc_id: str):
    """The first page (or the photo), small."""
    return _image(lambda: dossier().thumbnail(doc_id, viewer()))


def _image(use_case) -> Response:
    try:
        found = use_case()
    except NotFound:
        abort(404, description=GONE)
    except Invalid as exc:
        abort(400, description=exc.message)
    except Unrenderable:
        return _unavailable()
    response = send_file(found.path, mimetype="image/webp", conditional=True, etag=found.etag,
                         max_age=PUBLIC_IMAGE_SECONDS)
    who = viewer()
    public = not who.staff and not who.previews
    response.cache_control.public = public
    response.cache_control.private = not public
    # A public image may be shown by other sites (oEmbed hands out the thumbnail's address); what
    # only staff or a preview may see stays on this site.
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin" if public else "same-origin"
    return response


def _unavailable() -> Response:
    """A page that cannot be drawn: 404, with an image saying so (browsers show it in place)."""
    return Response(UNAVAILABLE_SVG, 404, mimetype="image/svg+xml", headers={"Cache-Control": "no-store"})
