"""Cleaning of the metadata a person or a manifest gives for a document."""
from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from .errors import InvalidMetadata
from .models import EDITABLE_FIELDS, KINDS, LIST_FIELDS
from .text import invalid_character

MAX_TEXT = 1000
MAX_TITLE = 2000
MAX_LIST_ITEMS = 100


def clean_metadata(raw: Mapping[str, Any], *, partial: bool = False) -> dict:
    """Return the editable fields of `raw`, trimmed and checked.

    With partial=True only the fields present are returned (for edits);
    otherwise absent fields get their empty value. Unknown keys are ignored:
    manifests carry `file`, `attachments` and read-only fields.
    """
    out: dict[str, Any] = {}
    for name in EDITABLE_FIELDS:
        if name not in raw:
            if not partial:
                out[name] = () if name in LIST_FIELDS else None
            continue
        value = raw[name]
        if name in LIST_FIELDS:
            out[name] = _clean_list(name, value)
        elif name == "kind":
            out[name] = _clean_kind(value)
        elif name == "date":
            out[name] = clean_date(value)
        else:
            out[name] = _clean_text(name, value, MAX_TITLE if name == "title" else MAX_TEXT)
    return out


def clean_date(value: Any) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    if not isinstance(value, str):
        raise InvalidMetadata("date", "must be a date as YYYY-MM-DD")
    text = value.strip()
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise InvalidMetadata("date", f"{text!r} is not a date as YYYY-MM-DD") from None


def _clean_kind(value: Any) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or value.strip().lower() not in KINDS:
        raise InvalidMetadata("kind", f"must be one of {', '.join(KINDS)}")
    return value.strip().lower()


def _clean_text(name: str, value: Any, limit: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise InvalidMetadata(name, "must be text")
    text = " ".join(str(value).split())
    if "\x00" in text:
        raise InvalidMetadata(name, "must not contain NUL characters")
    if bad := invalid_character(text):
        raise InvalidMetadata(name, f"is not valid text: it contains {bad}. Remove that character and try again")
    if len(text) > limit:
        raise InvalidMetadata(name, f"is longer than {limit} characters")
    return text or None


def _clean_list(name: str, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)):
        raise InvalidMetadata(name, "must be a list of text values")
    if len(value) > MAX_LIST_ITEMS:
        raise InvalidMetadata(name, f"has more than {MAX_LIST_ITEMS} values")
    items: list[str] = []
    for item in value:
        text = _clean_text(name, item, MAX_TEXT)
        if text and text not in items:
            items.append(text)
    return tuple(items)
