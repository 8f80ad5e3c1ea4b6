"""Reading the metadata fields of HTML forms, and checking them before anything is stored."""
from __future__ import annotations

import re

from werkzeug.datastructures import MultiDict

from dossier.core import LIST_FIELDS

TEXT_FIELDS = ("kind", "title", "date", "office", "court", "case_number", "doc_type", "parties")
ATTACHMENT_FIELDS = ("kind", "title", "date", "court", "case_number", "doc_type", "parties")


def lines(value: str) -> list[str]:
    """A textarea of values, one a line (names may contain commas)."""
    return [line.strip() for line in value.splitlines() if line.strip()]


def ids(value: str) -> list[str]:
    return [part for part in re.split(r"[\s,;]+", value) if part]


def metadata(form: MultiDict, prefix: str = "", names=TEXT_FIELDS + LIST_FIELDS) -> dict:
    """The fields a form filled in (blank ones left out, so defaults and guesses apply)."""
    meta = {}
    for name in names:
        raw = form.get(prefix + name, "")
        if name in LIST_FIELDS:
            if lines(raw):
                meta[name] = lines(raw)
        elif raw.strip():
            meta[name] = raw.strip()
    return meta


def edits(form: MultiDict) -> dict:
    """Every editable field, blank ones included: clearing a field is an edit too."""
    return {name: lines(form.get(name, "")) if name in LIST_FIELDS else form.get(name, "")
            for name in TEXT_FIELDS + LIST_FIELDS}


