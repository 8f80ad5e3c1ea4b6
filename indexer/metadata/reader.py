"""One entry point: a document's kind, type, text and file to what it says about itself."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from .filing import read_filing
from .photo import PhotoFacts, read_photo
from .release import dateline, headline, office, shorten

# Bump when the reader reads differently: `dossier reindex` then reads every document again
# (what staff typed is never touched).
READER_VERSION = 1
# Fields of a document the reader may fill; the rest of what it finds is kept as facts.
FIELDS = ("title", "date", "office", "places", "court", "case_number", "doc_type", "parties")
IMAGE_PREFIX = "image/"
HTML = "text/html"


@dataclass(frozen=True)
class Reading:
    """name -> value, and name -> where in the document it was read ("e-filing stamp", "EXIF")."""
    values: dict = field(default_factory=dict)
    where: dict = field(default_factory=dict)

    def fields(self) -> dict:
        return {k: v for k, v in self.values.items() if k in FIELDS}

    def to_dict(self) -> dict:
        return {"version": READER_VERSION, "values": dict(self.values), "where": dict(self.where)}


def read_document(kind: str, mime: str, pages: Sequence[str], path: Path | None = None,
                  photo: PhotoFacts | None = None) -> Reading:
    """``path``: an image's file, for its EXIF; or ``photo``, its EXIF already read (in a worker)."""
    found: dict[str, tuple[object, str]] = {}
    pages = list(pages)
    if mime.startswith(IMAGE_PREFIX):
        found = _photo(photo if photo is not None else (read_photo(path) if path else None))
    elif kind == "release":
        found = _release("\n".join(pages[:1]), headed=mime != HTML)
    elif kind in ("filing", "other") and pages:
        found = read_filing(pages)
    return Reading({k: v for k, (v, _) in found.items()}, {k: w for k, (_, w) in found.items()})


def _release(text: str, headed: bool) -> dict[str, tuple[object, str]]:
    """``headed``: whether to read a headline (an HTML page's <title>, taken at intake, says it better)."""
    out: dict[str, tuple[object, str]] = {}
    if headed and (title := headline(text)):
        out["title"] = (title, "headline")
    date, place = dateline(text)
    if date:
        out["date"] = (date, "dateline")
    if place:
        out["places"] = ((place,), "dateline")
    if name := office(text):
        out["office"] = (name, "letterhead")
    return out


def _photo(facts: PhotoFacts | None) -> dict[str, tuple[object, str]]:
    out: dict[str, tuple[object, str]] = {}
    if facts is None:
        return out
    if facts.taken:
        out["date"] = (facts.taken, "EXIF date taken")
    if facts.caption:
        out["title"] = (shorten(facts.caption), "EXIF caption")
        out["caption"] = (facts.caption, "EXIF caption")
    if facts.orientation:
        out["orientation"] = (facts.orientation, "EXIF orientation")
    return out
