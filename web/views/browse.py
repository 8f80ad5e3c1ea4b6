"""A page per case number and per facet value, linked from wherever a value is shown."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from werkzeug.datastructures import MultiDict

from dossier.core import FACETS

from . import dossier, viewer
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
    previews = dossier().previews([hit.id for hit in result.hits], viewer())
    return render_template(template, result=result, heading=heading, facet=facet, value=value, args=args,
                           previews=previews,
                           pages=page_numbers(result.page, last_page), last_page=last_page, **extra)


def releases_for(hits) -> list:
    """Releases the case's filings are attached to, newest first (they rarely carry the number themselves)."""
    seen = {hit.id for hit in hits}
    releases = {}
    for hit in hits:
        for doc in dossier().links(hit.id, viewer())["attached_to"]:
            if doc.id not in seen and doc.kind == "release":
                releases[doc.id] = doc
    return sorted(releases.values(), key=lambda d: d.date or "", reverse=True)


def captions_for(hits) -> list[tuple[str, str | None]]:
    """The case's captions as its filings print them: (parties, court), each once."""
    captions = {}
    for hit in hits:
        if hit.kind == "filing":
            doc = dossier().document(hit.id, viewer())
            if doc.parties:
                captions.setdefault(doc.parties, doc.court)
    return list(captions.items())


@bp.route("/cases")
def case_query():
    number = request.args.get("number", "")
    return case(number, route_args={"number": number})


@bp.route("/cases/<path:case_number>")
def case(case_number: str, route_args: dict | None = None):
    result, _ = run_search(MultiDict({"case_number": case_number, "per_page": "100", "sort": "newest"}))
    releases = releases_for(result.hits) if result else []
    captions = captions_for(result.hits) if result else []
    return listing("case_number", case_number, f"Case {case_number}", "case.html", releases=releases,
                   captions=captions,
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
