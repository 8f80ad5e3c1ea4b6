"""Atom feeds: new releases, and any search as a feed (a journalist follows a phrase or a case).

Entries are ordered by when the office published them, so an undated or back-dated release
still reaches subscribers; each carries the original and, for a release, its attachments as
enclosures; past ENTRIES, a ``rel="next"`` link pages back (RFC 5005).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re

from flask import Blueprint, Response, abort, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from dossier.core import PUBLIC, NotFound, QueryError, Withdrawn

from .views import dossier, query

bp = Blueprint("feeds", __name__, url_prefix="/feeds")

ENTRIES = 50
# A page of the releases feed starts after (published_at, id) of the last entry of the page before.
_CURSOR = re.compile(r"(\d{4}-\d\d-\d\dT[\d:.]+Z)_([a-z0-9]{1,40})")


def rfc3339(value: str | None) -> str:
    if not value:
        return "1970-01-01T00:00:00Z"
    if len(value) == 10:
        return value + "T00:00:00Z"
    stamp = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return stamp.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def entry(doc, hit=None) -> dict:
    """One entry: the document, its enclosures (itself, then a release's attachments) and when
    it was published."""
    enclosures = [doc] + (dossier().links(doc.id, PUBLIC)["attachments"] if doc.kind == "release" else [])
    return {"doc": doc, "hit": hit, "enclosures": enclosures, "updated": rfc3339(doc.published_at or doc.added_at)}


def atom(title: str, self_url: str, page_url: str, entries: list[dict], next_url: str | None = None) -> Response:
    updated = max((e["updated"] for e in entries), default=rfc3339(None))
    body = render_template("feed.xml", title=title, self_url=self_url, page_url=page_url, entries=entries,
                           updated=updated, next_url=next_url)
    return Response(body, mimetype="application/atom+xml")


def search_entries(args: MultiDict) -> tuple[list[dict], bool]:
    """A search's hits as entries, and whether there are more. Feeds are for the public, whoever
    fetches them."""
    try:
        # A feed follows what was typed: a subscriber is never sent a correction's results.
        result = dossier().search(dataclasses.replace(query.search_query(args, per_page=ENTRIES), as_typed=True),
                                  PUBLIC)
    except QueryError as exc:
        abort(400, description=str(exc))
    entries = []
    for hit in result.hits:
        try:
            entries.append(entry(dossier().document(hit.id, PUBLIC), hit))
        except (NotFound, Withdrawn):
            continue
    return entries, result.total > result.page * result.per_page


def cursor() -> tuple[str, str] | None:
    raw = request.args.get("before", "")
    if not raw:
        return None
    match = _CURSOR.fullmatch(raw)
    if match is None:
        abort(400, description="before must be the cursor of a feed's next link.")
    return match.group(1), match.group(2)


@bp.route("/releases.atom")
def releases():
    """The releases the office published, the latest publication first (an undated or back-dated
    release appears when it is published)."""
    docs = dossier().released(PUBLIC, kind="release", limit=ENTRIES, before=cursor())
    next_url = None
    if len(docs) == ENTRIES:
        last = docs[-1]
        next_url = url_for("feeds.releases", before=f"{last.published_at}_{last.id}", _external=True)
    return atom("Dossier: new press releases", request.url, url_for("search.search", kind="release", _external=True),
                [entry(doc) for doc in docs], next_url)


@bp.route("/search.atom")
def search():
    args = MultiDict(request.args)
    args.setdefault("sort", "newest")
    state = query.state(request.args)
    described = request.args.get("q") or ", ".join(f"{k}: {v}" for k, v in state.items(multi=True)) or "everything"
    entries, more = search_entries(args)
    next_url = None
    if more:
        page = int(args.get("page") or 1)
        next_url = url_for("feeds.search", _external=True, **dict(state.to_dict(flat=False), page=page + 1))
    return atom(f"Dossier search: {described}", request.url,
                url_for("search.search", _external=True, **state.to_dict(flat=False)), entries, next_url)
