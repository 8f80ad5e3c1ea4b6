"""Atom feeds: new releases, and any search as a feed (a journalist follows a phrase or a case)."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, abort, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from dossier.core import PUBLIC, NotFound, QueryError, Withdrawn

from .views import dossier, query

bp = Blueprint("feeds", __name__, url_prefix="/feeds")

ENTRIES = 50


def rfc3339(value: str | None) -> str:
    if not value:
        return "1970-01-01T00:00:00Z"
    if len(value) == 10:
        return value + "T00:00:00Z"
    stamp = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return stamp.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def atom(title: str, self_url: str, page_url: str, entries: list[dict]) -> Response:
    updated = max((e["updated"] for e in entries), default=rfc3339(None))
    body = render_template("feed.xml", title=title, self_url=self_url, page_url=page_url, entries=entries,
                           updated=updated)
    return Response(body, mimetype="application/atom+xml")


def search_entries(args: MultiDict) -> list[dict]:
    """A search's hits as entries. Feeds are for the public, whoever fetches them."""
    try:
        result = dossier().search(query.search_query(args, per_page=ENTRIES), PUBLIC)
    except QueryError as exc:
        abort(400, description=str(exc))
    entries = []
    for hit in result.hits:
        try:
            doc = dossier().document(hit.id, PUBLIC)
        except (NotFound, Withdrawn):
            continue
        entries.append({"hit": hit, "doc": doc, "updated": rfc3339(doc.published_at or doc.added_at)})
    return entries


@bp.route("/releases.atom")
def releases():
    """The releases the office published, the latest publication first (an undated or back-dated
    release appears when it is published)."""
    entries = [{"doc": doc, "updated": rfc3339(doc.published_at or doc.added_at)}
               for doc in dossier().released(PUBLIC, kind="release", limit=ENTRIES)]
    return atom("Dossier: new press releases", request.url, url_for("search.search", kind="release", _external=True),
                entries)


@bp.route("/search.atom")
def search():
    args = MultiDict(request.args)
    args.setdefault("sort", "newest")
    state = query.state(request.args)
    described = request.args.get("q") or ", ".join(f"{k}: {v}" for k, v in state.items(multi=True)) or "everything"
    return atom(f"Dossier search: {described}", request.url,
                url_for("search.search", _external=True, **state.to_dict(flat=False)), search_entries(args))
