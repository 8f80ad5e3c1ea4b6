"""OCR, the rule: which documents wait for it, recognising one, and what follows (re-indexing).

Every document with text is looked at once (``examine``): when some page has no text a person
can read (``indexer.ocr_pages``) it waits, ``ocr_pending``, with the text its layer gave
already indexed. Recognising it claims it (a lease, so no two workers do it), sends each
page to the OCR workers (a time limit per page, their memory limit), stores each page as it
comes (an upsert by page number: a job cut off by kill -9 and done again leaves each page
once, and skips those already done), then marks it done and indexes it again.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from typing import TYPE_CHECKING, Iterable

from dossier.indexer.extract.ocr import Recognised
from dossier.indexer.ocr_pages import IMAGE_MIMES, pages_to_recognise, replaces_layer
from dossier.repository import NotFound, process_alive

from . import provenance, settings
from .errors import Invalid
from .times import iso

if TYPE_CHECKING:
    from .app import Dossier

log = logging.getLogger("dossier.ocr")

RECOGNISE_PAGE = "dossier.indexer.extract.ocr:recognise_pdf_page"
RECOGNISE_IMAGE = "dossier.indexer.extract.ocr:recognise_image"
LEASE_MARGIN = 300.0     # seconds beyond the pages' time limit before a silent worker's claim runs out
STUCK_AFTER = 3600.0     # seconds a document may wait for OCR before `dossier check` names it


def examine(app: "Dossier") -> list[str]:
    """Look at every document not looked at yet; the ids of those that now wait for OCR."""
    waiting = []
    for doc_id in app.repo.ocr_unexamined():
        doc = app.repo.get(doc_id, include_deleted=True)
        todo = pages_to_recognise(doc.mime, doc.text_status, app.repo.ocr_page_texts(doc_id),
                                  app.config.ocr_max_pages)
        app.repo.look_at_for_ocr(doc_id, bool(todo), iso(app.now()))
        if todo:
            waiting.append(doc_id)
    return waiting


def request(app: "Dossier", doc_ids: Iterable[str], redo: bool = False) -> list[str]:
    """The documents, made to wait for OCR where a page needs it (``redo``: again, forgetting
    what was recognised); the ids that now wait."""
    doc_ids = list(doc_ids)
    for doc_id in doc_ids:
        app.repo.get(doc_id)                      # NotFound before anything changes
    if redo:
        for doc_id in doc_ids:
            app.repo.forget_ocr(doc_id)
    examine(app)
    waiting = set(app.repo.ocr_pending())
    return [doc_id for doc_id in doc_ids if doc_id in waiting]


def recognise(app: "Dossier", doc_id: str, languages: str | None = None) -> bool:
    """OCR of a waiting document's pages, then its index entry made again; False when it does not
    wait (any more) or another worker holds it."""
    if not _claim(app, doc_id):
        return False
    try:
        doc = app.repo.get(doc_id)
    except NotFound:
        return False
    stored = app.repo.ocr_page_texts(doc_id)
    todo = pages_to_recognise(doc.mime, doc.text_status, stored, app.config.ocr_max_pages)
    layers = {number: text for number, text, _ in stored}
    path = app.repo.original_path(doc)
    languages = languages or doc.ocr_languages or app.config.ocr_languages
    if doc.mime in IMAGE_MIMES:
        items = [(1, path, RECOGNISE_IMAGE, {"languages": languages})]
    else:
        items = [(n, path, RECOGNISE_PAGE, {"page": n, "languages": languages, "dpi": app.config.ocr_dpi})
                 for n in todo]
    for number, result in app.ocr_pool.call_many(items):
        _store(app, doc_id, number, result, layers.get(number, ""))
        _claim(app, doc_id)                       # renew the lease, page by page
    app.repo.finish_ocr(doc_id)
    app.indexer.index_ids([doc_id])
    provenance.reread(app, [doc_id])              # what the recognised text says (dates, court...)
    return True


def checked_languages(value: str) -> str:
    try:
        return settings.languages(value)
    except ValueError:
        raise Invalid(f"OCR languages are Tesseract's codes joined by +, like eng+spa, not {value!r}.",
                      field="ocr_languages") from None


def stuck(app: "Dossier") -> list[str]:
    """Documents waiting for OCR for longer than STUCK_AFTER (no worker running, or one failing)."""
    before = app.now() - dt.timedelta(seconds=STUCK_AFTER)
    return app.repo.ocr_pending(queued_before=iso(before))


def _store(app: "Dossier", doc_id: str, number: int, result, layer: str) -> None:
    if isinstance(result, Recognised):
        if not replaces_layer(layer, result.confidence):
            return                                # Tesseract unsure: the page keeps its layer's text
        words = [[w.text, *w.box, round(w.confidence, 1)] for w in result.words]
        confidence = None if result.confidence is None else round(result.confidence, 1)
        app.repo.set_recognised_page(doc_id, number, result.text, words, confidence)
    else:      # timed out, out of memory, a bomb: the page stays without text, and is not tried again
        log.warning("OCR of %s page %s failed: %s", doc_id, number, getattr(result, "error", result))
        if replaces_layer(layer, None):          # a layer's text is kept
            app.repo.set_recognised_page(doc_id, number, "", None, None)


def _claim(app: "Dossier", doc_id: str) -> bool:
    now = app.now()
    until = now + dt.timedelta(seconds=app.config.ocr_page_timeout + LEASE_MARGIN)
    return app.repo.claim_for_ocr(doc_id, owner(), iso(until), iso(now), _dead_owners(app))


def owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _dead_owners(app: "Dossier") -> list[str]:
    """Owners on this machine whose process is gone (killed mid-job): their claims lapse at once."""
    host = socket.gethostname()
    dead = []
    for name in app.repo.ocr_owners():
        owner_host, _, pid = name.rpartition(":")
        if owner_host == host and pid.isdigit() and not process_alive(int(pid)):
            dead.append(name)
    return dead
