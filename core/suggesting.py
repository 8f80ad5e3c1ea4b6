"""What a file says about itself, before it is stored: the upload form shows it as suggestions
(pre-filled where staff typed nothing) that staff can change before they publish."""
from __future__ import annotations

from typing import TYPE_CHECKING

from dossier.indexer.extract import Extraction
from dossier.indexer.metadata import read_document
from dossier.indexer.metadata.photo import PhotoFacts
from dossier.uploads.errors import Rejected
from dossier.uploads.intake import Upload

from .adding import refusal
from .provenance import IMAGE_PREFIX, PHOTO_READER, READ_PAGES
from .visibility import Viewer

if TYPE_CHECKING:
    from .app import Dossier


def suggest(app: "Dossier", upload: Upload, attachment: bool, actor: Viewer) -> dict:
    """{"kind", "fields": {name: value}, "where": {name: where it was read}}; Refused as an upload
    would be. Nothing is stored: the file is checked, read in the workers and removed."""
    actor.require("add")
    try:
        prepared = app.intake.prepare([upload], first_kind=None if attachment else "release")
    except Rejected as exc:
        raise refusal(exc, 1) from None
    try:
        part = prepared[0]
        path, mime, kind = part.spooled.path, part.spooled.mime, part.meta["kind"]
        photo, pages = None, []
        if mime.startswith(IMAGE_PREFIX):
            photo = next((f for _, f in app.indexer.pool.call_many([(0, path, PHOTO_READER)])
                          if isinstance(f, PhotoFacts)), None)
        else:
            extraction = next((e for _, e in app.indexer.pool.extract_many([(0, path, mime)])), None)
            pages = list(extraction.pages[:READ_PAGES]) if isinstance(extraction, Extraction) else []
    finally:
        app.intake.discard(prepared)
    reading = read_document(kind, mime, pages, photo=photo)
    fields = {k: list(v) if isinstance(v, tuple) else v for k, v in reading.fields().items()}
    return {"kind": kind, "fields": fields, "where": {k: reading.where[k] for k in fields}}
