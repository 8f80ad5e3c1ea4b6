"""A page per case number and per facet value, linked from wherever a value is shown."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from indexer.search import FACETS
from repository import NotFound

from . import services
from .filters import facet_label, value_label
from .search import page_numbers, run_search

bp = Blueprint("browse", __name__)


def listing(facet: str, value: str, heading: str, template: str = "listing.html", **extra):
    args = MultiDict(request.args)
    args.setlist(facet, [value])
    args.setdefault("sort", "newest")
    result, error = run_search(args, per_page=20)
    if error:
        abort(400, description=error)
    last_page = max(1, -(-result.total // result.per_page))
    return render_template(template, result=result, heading=heading, facet=facet, value=value, args=args,
                           pages=page_numbers(result.page, last_page), last_page=last_page, **extra)


def releases_for(hits) -> list:
    """Releases the case's filings are attached to, newest first (they rarely carry the number themselves)."""
    seen = {hit.id for hit in hits}
    releases = {}
    for hit in hits:
        for entry in services().repo.links(hit.id).attached_to:
            if entry.id not in seen and entry.kind == "release":
                try:
                    releases[entry.id] = services().repo.get(entry.id)
                except NotFound:  # deleted meanwhile
                    continue
    return sorted(releases.values(), key=lambda d: d.date or "", reverse=True)


def path_safe(value: str) -> bool:
    """Whether a value can be a URL path as it is: a browser resolves "." and ".." segments
    (and the router merges empty ones) before we see them."""
    return all(segment not in ("", ".", "..") for segment in value.split("/"))


def browse_url(facet: str, value: str) -> str:
    """The page of every document with this facet value (a case number's page for case numbers)."""
    if facet == "case_number":
        return url_for("browse.case", case_number=value) if path_safe(value) else url_for("browse.case_query", number=value)
    if path_safe(value):
        return url_for("browse.facet_value", facet=facet, value=value)
    return url_for("browse.facet_query", facet=facet, value=value)


@bp.route("/cases")
def case_query():
    number = request.args.get("number", "")
    return case(number, route_args={"number": number})


@bp.route("/cases/<path:case_number>")
def case(case_number: str, route_args: dict | None = None):
    result, _ = run_search(MultiDict({"case_number": case_number, "per_page": "100", "sort": "newest"}))
    releases = releases_for(result.hits) if result else []
    return listing("case_number", case_number, f"Case {case_number}", "case.html", releases=releases,
                   route_args=route_args or request.view_args)


@bp.route("/browse/<facet>")
def facet_query(facet: str):
    value = request.args.get("value", "")
    return facet_value(facet, value, route_args={"facet": facet, "value": value})


@bp.route("/browse/<facet>/<path:value>")
def facet_value(facet: str, value: str, route_args: dict | None = None):
    if facet not in FACETS:
        abort(404, description=f"There is no list of {facet!r}.")
    return listing(facet, value, f"{facet_label(facet)}: {value_label(value, facet)}",
                   route_args=route_args or request.view_args)
