"""A search page's URL <-> the core's SearchQuery; links that add or remove one choice.

Every state of the search page is in its URL, with the core's facet names as
parameters (`?q=water&kind=filing&year=2018&year=2019`), so the page, the API
and the feeds read the same parameters the same way.
"""
from __future__ import annotations

import re

from flask import url_for
from werkzeug.datastructures import MultiDict

from dossier.core import FACETS, QueryError, SearchQuery

PARAMS = ("q", "sort", "from", "to", "as_typed", *FACETS)


_DIGITS = re.compile(r"[0-9]{1,9}")     # ASCII only: str.isdigit() also takes "²" and "①", which int() refuses


def _number(args: MultiDict, name: str, default: int) -> int:
    raw = args.get(name, "").strip()
    if not raw:
        return default
    if not _DIGITS.fullmatch(raw):
        raise QueryError(f"{name} must be a whole number, not {raw!r}.")
    return int(raw)


def search_query(args: MultiDict, *, per_page: int = 10, sort: str | None = None) -> SearchQuery:
    """The SearchQuery a request's arguments ask for; QueryError for a bad page number."""
    filters = {name: [v for v in args.getlist(name) if v.strip()] for name in FACETS}
    return SearchQuery(
        text=args.get("q", "").strip(),
        filters={name: values for name, values in filters.items() if values},
        sort=args.get("sort") or sort or ("relevance" if args.get("q", "").strip() else "newest"),
        page=_number(args, "page", 1),
        per_page=_number(args, "per_page", per_page),
        date_from=args.get("from") or None,
        date_to=args.get("to") or None,
        as_typed=args.get("as_typed") == "1",
    )


def state(args: MultiDict) -> MultiDict:
    """The parameters that make up a search (no page), empty ones dropped."""
    return MultiDict([(k, v) for k, v in args.items(multi=True) if k in PARAMS and v.strip()])


def url_with(args: MultiDict, endpoint: str = "search.search", *, add=None, remove=None, **changes) -> str:
    """This search's URL with one facet value added or removed, or parameters changed.

    The page is dropped unless given: any change goes back to page 1.
    """
    params = state(args)
    if add:
        params.add(*add)
    if remove:
        name, value = remove
        params.setlist(name, [v for v in params.getlist(name) if v != value])
    for name, value in changes.items():
        if value in (None, ""):
            params.pop(name, None)
        else:
            params[name] = str(value)
    return url_for(endpoint, **params.to_dict(flat=False))


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
