"""What search engines read: /robots.txt and the sitemaps of every public document."""
from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, url_for

from . import dossier

bp = Blueprint("crawlers", __name__)

SITEMAP_URLS = 50_000            # the sitemaps.org limit per file; past it, /sitemap.xml is an index
# Pages with nothing for a search engine: staff pages, previews, forms, and searches (endless
# combinations of the same documents, each of which the sitemap lists once).
DISALLOWED = ("/signin", "/upload", "/staff/", "/preview/", "/documents/*/edit", "/search?", "/feeds/search.atom")


@bp.route("/robots.txt")
def robots():
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOWED), "",
             f"Sitemap: {url_for('crawlers.sitemap', _external=True)}", ""]
    return Response("\n".join(lines), mimetype="text/plain")


@bp.route("/sitemap.xml")
def sitemap():
    total, entries = dossier().public_index(limit=SITEMAP_URLS)
    if total <= SITEMAP_URLS:
        return xml("sitemap.xml", entries=entries)
    files = range(1, (total + SITEMAP_URLS - 1) // SITEMAP_URLS + 1)
    return xml("sitemap_index.xml", files=files)


@bp.route("/sitemap-<int:number>.xml")
def sitemap_file(number: int):
    total, entries = dossier().public_index(offset=(number - 1) * SITEMAP_URLS, limit=SITEMAP_URLS)
    if number < 1 or not entries or total <= SITEMAP_URLS:
        abort(404)
    return xml("sitemap.xml", entries=entries)


def xml(template: str, **context) -> Response:
    return Response(render_template(template, **context), mimetype="application/xml")
