"""The search page: `/` and `/search`, every state a shareable URL."""
from __future__ import annotations

from flask import Blueprint, render_template, request

from dossier.core import FACETS, QueryError

from . import dossier, query, viewer

bp = Blueprint("search", __name__)


def page_numbers(current: int, last: int) -> list[int | None]:
    """1 … 4 5 [6] 7 8 … 20: None marks a gap."""
    wanted = {1, last, *range(current - 2, current + 3)}
    numbers, previous = [], 0
    for n in sorted(p for p in wanted if 1 <= p <= last):
        if n - previous > 1:
            numbers.append(None)
        numbers.append(n)
        previous = n
    return numbers


def run_search(args, **defaults):
    """(result, error message): a query the parser cannot read is a message, not a crash."""
    try:
        return dossier().search(query.search_query(args, **defaults), viewer()), None
    except QueryError as exc:
        return None, str(exc)


@bp.route("/")
@bp.route("/search")
def search():
    result, error = run_search(request.args)
    last_page = max(1, -(-result.total // result.per_page)) if result else 1
    selected = {name: request.args.getlist(name) for name in FACETS if request.args.getlist(name)}
    previews = dossier().previews([hit.id for hit in result.hits], viewer()) if result else {}
    return render_template("search.html", result=result, error=error, args=request.args, previews=previews,
                           q=request.args.get("q", ""), selected=selected, facets=FACETS,
                           pages=page_numbers(result.page, last_page) if result else [],
                           last_page=last_page), (400 if error else 200)
