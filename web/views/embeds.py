"""Documents on other sites: the embed viewer (the one page any site may frame) and oEmbed 1.0
(https://oembed.com), which tells a site given a document's address what to embed there.

What may be embedded is the core's answer (public documents only); this module sizes the frame.
"""
from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from flask import Blueprint, abort, current_app, jsonify, make_response, render_template, request, url_for
from markupsafe import escape
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from dossier.core import PAGE_WIDTHS, NotFound, Withdrawn

from ..security import EMBED_CSP
from . import dossier, viewer

bp = Blueprint("embeds", __name__)

FRAME_WIDTH = 600            # the frame's width when the consumer sets no maximum (CSS pixels)
BARS_HEIGHT = 80             # the embed's title bar and page bar, 40 px each (dossier.css, .embed__bar)
PAGE_SHAPE = 11 / 8.5        # height over width of a letter page: until the thumbnail is drawn
# Pages whose address an oEmbed consumer may be given, and the page of the document each shows.
EMBEDDABLE = {"documents.show": lambda values, args: 1,
              "pages.reader": lambda values, args: values["n"],
              "embeds.embed": lambda values, args: _number(args.get("page", "1"))}


def _number(value: str) -> int | None:
    try:
        number = int(value)
    except ValueError:
        return None
    return number if number >= 1 else None


@bp.route("/documents/<doc_id>/embed")
def embed(doc_id: str):
    """A viewer of the document's pages for other sites' frames: the page image, previous and next,
    and a link back (the same access rule as the document)."""
    n = _number(request.args.get("page", "1"))
    if n is None:
        abort(400, description="The page must be a whole number, 1 or more.")
    try:
        view = dossier().page(doc_id, n, viewer())
        preview = dossier().previews([view.doc.id], viewer()).get(view.doc.id)     # the image's proportions
        page, status = render_template("embed.html", view=view, doc=view.doc, widths=PAGE_WIDTHS,
                                       shape=preview.size if preview and preview.size else (85, 110)), 200
    except NotFound:
        page, status = render_template("embed.html", view=None, doc=None, gone=True), 404
    except Withdrawn as exc:
        page, status = render_template("embed.html", view=None, doc=exc.document), 410
    response = make_response(page, status)
    response.headers["Content-Security-Policy"] = EMBED_CSP
    return response


@bp.route("/oembed")
def oembed():
    """oEmbed 1.0: a rich embed (an iframe of the viewer) of a public document's page, as JSON."""
    if request.args.get("format", "json") != "json":
        abort(501, description="Only format=json is offered.")
    target = _target(request.args.get("url", ""))
    if target is None:
        abort(404, description="This address is not a document of this site that can be embedded.")
    doc_id, n = target
    try:
        doc, preview = dossier().embeddable(doc_id, n)
    except NotFound:
        abort(404, description="There is no public document (or no such page) at this address.")
    width, height = frame_size(preview.size if preview else None, _limit("maxwidth"), _limit("maxheight"))
    src = url_for("embeds.embed", doc_id=doc.id, page=n if n > 1 else None, _external=True)
    answer = {
        "version": "1.0", "type": "rich", "title": doc.title,
        "provider_name": dossier().config.publisher or "Dossier",
        "provider_url": request.url_root,
        "html": f'<iframe src="{escape(src)}" width="{width}" height="{height}" title="{escape(doc.title)}" '
                f'loading="lazy"></iframe>',
        "width": width, "height": height, "cache_age": 3600,
    }
    if doc.office:
        answer["author_name"] = doc.office
    if preview and preview.size:
        answer.update(thumbnail_url=url_for("pages.thumbnail", doc_id=doc.id, _external=True),
                      thumbnail_width=preview.size[0], thumbnail_height=preview.size[1])
    response = jsonify(answer)
    response.headers["Access-Control-Allow-Origin"] = "*"       # public documents only: any page may ask
    return response


def _target(url: str) -> tuple[str, int] | None:
    """(document id, page) of an address of this site's document, reader or embed; None otherwise."""
    parts = urlsplit(url.strip())
    root = request.script_root
    if parts.scheme not in ("http", "https") or parts.netloc.lower() != request.host.lower() \
            or not parts.path.startswith(root + "/"):
        return None
    adapter = current_app.create_url_adapter(request)
    try:
        endpoint, values = adapter.match(parts.path[len(root):], method="GET")
    except HTTPException:
        return None
    if endpoint not in EMBEDDABLE:
        return None
    page = EMBEDDABLE[endpoint](values, MultiDict(parse_qsl(parts.query)))
    return (values["doc_id"], page) if page else None


def _limit(name: str) -> int | None:
    value = request.args.get(name, "").strip()
    if not value:
        return None
    number = _number(value)
    if number is None:
        abort(400, description=f"{name} must be a whole number of pixels, 1 or more.")
    return number


def frame_size(image: tuple[int, int] | None, maxwidth: int | None, maxheight: int | None) -> tuple[int, int]:
    """The frame's (width, height): the page at FRAME_WIDTH with its bars, shrunk to fit the maxima."""
    shape = image[1] / image[0] if image and image[0] else PAGE_SHAPE
    width = min(FRAME_WIDTH, maxwidth or FRAME_WIDTH)
    height = round(width * shape) + BARS_HEIGHT
    if maxheight and height > maxheight:
        height = maxheight
        width = max(1, min(width, round((maxheight - BARS_HEIGHT) / shape)))
    return width, height
