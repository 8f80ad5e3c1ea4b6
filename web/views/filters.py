"""Words and formats for templates: friendly labels, sizes, dates, highlighted text."""
from __future__ import annotations

import datetime as dt
import html
import re

from flask import Flask, current_app
from markupsafe import Markup, escape

from dossier.core import PAGE_WIDTHS, local_time

from .query import browse_url, url_with

FACET_LABELS = {
    "kind": "Type", "year": "Year", "office": "Office", "topic": "Topic", "court": "Court",
    "case_number": "Case number", "doc_type": "Document type", "person": "Person", "place": "Place",
    "language": "Language",
}
FIELD_LABELS = {
    "kind": "Type", "title": "Title", "date": "Date", "office": "Office", "topics": "Topics", "people": "People",
    "places": "Places", "court": "Court", "case_number": "Case number", "doc_type": "Document type",
}
KIND_LABELS = {"release": "Press release", "filing": "Court filing", "photo": "Photo", "other": "Other"}
# Document fields shown on a page -> the facet their values browse.
FIELD_FACETS = {
    "kind": "kind", "office": "office", "topics": "topic", "people": "person", "places": "place",
    "court": "court", "case_number": "case_number", "doc_type": "doc_type",
}
TEXT_STATUS_NOTES = {
    "partial": "Some pages of this file gave no text.",
    "empty": "This file has no text layer (a scan): only its details are searchable.",
    "encrypted": "This file is encrypted: its text could not be read.",
    "garbled": "The text layer of this file is unreadable.",
    "failed": "The text of this file could not be extracted.",
}
_MARKS = re.compile(r"(</?mark>)")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def facet_label(name: str) -> str:
    return FACET_LABELS.get(name, name.replace("_", " ").capitalize())


def value_label(value: str, facet: str | None = None) -> str:
    if facet == "kind":
        return KIND_LABELS.get(value, value)
    if facet == "year" and value == "unknown":
        return "Undated"
    return value


def filesize(size: int | None) -> str:
    if size is None:
        return ""
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return ""


def long_date(value: str | None) -> str:
    if not value:
        return "Undated"
    try:
        day = dt.date.fromisoformat(value[:10])
    except ValueError:
        return value
    return f"{day:%B} {day.day}, {day.year}"


def snippet(value: str) -> Markup:
    """The index's snippet, re-escaped: only its <mark> tags survive (defence in depth)."""
    out = []
    for part in _MARKS.split(value or ""):
        out.append(Markup(part) if part in ("<mark>", "</mark>") else escape(html.unescape(part)))
    return Markup("").join(out)


def highlight(text: str, spans) -> Markup:
    """Escaped text with the given character spans (from the index: ``Index.marks``) in <mark>."""
    out, last = [], 0
    for start, end in spans or ():
        out.append(escape(text[last:start]))
        out.append(Markup("<mark>%s</mark>") % text[start:end])
        last = end
    out.append(escape(text[last:]))
    return Markup("").join(out)


def office_time(value: str | None) -> str:
    """A stored UTC time as the office reads it, in its time zone."""
    return local_time(value, current_app.extensions["dossier"].config.office_zone)


def xml_safe(value) -> str:
    return _XML_INVALID.sub("", str(value or ""))


def inline_code(text: str) -> Markup:
    """`code` in a description as <code>code</code>; everything else escaped."""
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text))))


PAGES_NAMED = 5         # a list of pages past this many ends "and N more"


def page_list(numbers) -> str:
    """"page 3", "pages 3 and 7", "pages 3, 7, 9, 12, 15 and 4 more"."""
    numbers = [str(n) for n in numbers]
    if len(numbers) == 1:
        return f"page {numbers[0]}"
    if len(numbers) > PAGES_NAMED:
        return f"pages {', '.join(numbers[:PAGES_NAMED])} and {len(numbers) - PAGES_NAMED} more"
    return f"pages {', '.join(numbers[:-1])} and {numbers[-1]}"


# Thumbnails in lists are drawn in a box of this size (CSS pixels; a letter page's proportions),
# given to every <img> so nothing moves when they load.
THUMBNAIL_BOX = (100, 130)


def scaled(preview, width: int) -> tuple[int, int]:
    """An image of ``preview``'s document shown ``width`` pixels wide: (width, height), its height
    from the drawn thumbnail's proportions (4:3 until it is drawn)."""
    if preview is None or not preview.size or not preview.size[0]:
        return width, width * 3 // 4
    return width, max(1, round(width * preview.size[1] / preview.size[0]))


def install(app: Flask) -> None:
    app.jinja_env.filters.update(
        filesize=filesize, long_date=long_date, snippet=snippet, highlight=highlight, xml_safe=xml_safe,
        office_time=office_time, inline_code=inline_code, page_list=page_list,
        facet_label=facet_label, value_label=value_label,
    )
    app.jinja_env.globals.update(KIND_LABELS=KIND_LABELS, FIELD_LABELS=FIELD_LABELS, FIELD_FACETS=FIELD_FACETS,
                                 TEXT_STATUS_NOTES=TEXT_STATUS_NOTES, url_with=url_with,
                                 THUMBNAIL_BOX=THUMBNAIL_BOX, scaled=scaled, PAGE_WIDTHS=PAGE_WIDTHS,
                                 browse_url=browse_url, office_zone_name=lambda: current_app.extensions["dossier"].config.timezone)
