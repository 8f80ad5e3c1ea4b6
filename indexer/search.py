"""The search request and result values (plain, frozen, JSON-ready)."""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date as _date
from types import MappingProxyType

from .errors import QueryError
from .schema import FACETS

SORTS = ("relevance", "newest", "oldest")
MAX_PER_PAGE = 100
MAX_PAGE = 10_000

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""                                   # Whoosh syntax; "" lists everything
    filters: Mapping[str, Sequence[str]] = field(default_factory=lambda: MappingProxyType({}))
    sort: str = "relevance"                          # relevance | newest | oldest
    page: int = 1                                    # 1-based
    per_page: int = 10                               # 1..100
    date_from: str | None = None                     # YYYY-MM-DD, inclusive
    date_to: str | None = None                       # YYYY-MM-DD, inclusive
    everything: bool = False                         # also what the public may not see (for staff)
    as_typed: bool = False                           # no results: do not search the suggestion instead

    def validated(self) -> "SearchQuery":
        """This query with per_page clamped and filters normalised to
        {facet: tuple of values}; raises QueryError for anything unusable."""
        if not isinstance(self.text, str):
            raise QueryError("The query text must be a string.")
        if self.sort not in SORTS:
            raise QueryError(f"Unknown sort {self.sort!r}: use one of {', '.join(SORTS)}.")
        if isinstance(self.page, bool) or not isinstance(self.page, int) or not 1 <= self.page <= MAX_PAGE:
            raise QueryError(f"Invalid page {self.page!r}: pages are numbered from 1 to {MAX_PAGE}.")
        if isinstance(self.per_page, bool) or not isinstance(self.per_page, int) or not 1 <= self.per_page <= MAX_PER_PAGE:
            raise QueryError(f"Invalid per_page {self.per_page!r}: use a number from 1 to {MAX_PER_PAGE}.")
        filters: dict[str, tuple[str, ...]] = {}
        for name, values in (self.filters or {}).items():
            if name not in FACETS:
                raise QueryError(f"Unknown facet {name!r}: use one of {', '.join(FACETS)}.")
            values = (values,) if isinstance(values, str) else tuple(values)
            if not all(isinstance(v, str) for v in values):
                raise QueryError(f"Values of facet {name!r} must be strings.")
            if values:
                filters[name] = values
        for label, value in (("date_from", self.date_from), ("date_to", self.date_to)):
            if value is not None and not _valid_date(value):
                raise QueryError(f"Invalid {label} {value!r}: use YYYY-MM-DD.")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise QueryError(f"date_from {self.date_from} is after date_to {self.date_to}.")
        return SearchQuery(
            text=self.text, filters=MappingProxyType(filters), sort=self.sort, page=self.page,
            per_page=self.per_page,
            date_from=self.date_from or None, date_to=self.date_to or None, everything=bool(self.everything),
        )


def _valid_date(value) -> bool:
    if not isinstance(value, str) or not _DATE_RE.match(value):
        return False
    try:
        _date.fromisoformat(value)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Hit:
    id: str
    kind: str
    title: str
    date: str | None
    office: str | None
    snippet: str                      # HTML: escaped text, matches in <mark>
    pages: tuple[int, ...]            # 1-based PDF pages the query matches
    state: str = "published"          # draft, scheduled: only in staff searches
    publish_at: str | None = None
    # Filings: what a result list shows of them.
    court: str | None = None
    case_number: str | None = None
    doc_type: str | None = None
    page_count: int | None = None

    def to_dict(self) -> dict:
        out = {"id": self.id, "kind": self.kind, "title": self.title, "date": self.date,
               "office": self.office, "snippet": self.snippet, "pages": list(self.pages), "state": self.state}
        if self.kind == "filing":
            out.update(court=self.court, case_number=self.case_number, doc_type=self.doc_type,
                       page_count=self.page_count)
        return out


@dataclass(frozen=True)
class SearchResult:
    query: str
    total: int
    page: int
    per_page: int
    hits: tuple[Hit, ...]
    facets: dict[str, list[tuple[str, int]]]     # every facet in FACETS, (value as given, count)
    suggestion: str | None
    read_as: str | None = None                   # the query as mended before it was read (None: as typed)
    repairs: tuple[str, ...] = ()                # what was mended, in words
    corrected_from: str | None = None            # these are the suggestion's results: what was typed

    def to_dict(self) -> dict:
        return {
            "query": self.query,
            "total": self.total,
            "page": self.page,
            "per_page": self.per_page,
            "hits": [hit.to_dict() for hit in self.hits],
            "facets": {name: [{"value": v, "count": n} for v, n in self.facets.get(name, [])]
                       for name in FACETS},
            "suggestion": self.suggestion,
            "read_as": self.read_as,
            "repairs": list(self.repairs),
            "corrected_from": self.corrected_from,
        }
