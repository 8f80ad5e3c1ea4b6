"""Keeping the derived data (the index) in step with the repository, and checking both."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Callable

from dossier.repository import Problem

from .ocr import STUCK_AFTER, examine, stuck
from . import provenance
from . import pages
from .publishing import publish_due
from .times import iso

if TYPE_CHECKING:
    from .app import Dossier


UNREAD_GRACE = dt.timedelta(minutes=2)


def catch_up(app: "Dossier") -> None:
    """What every command and every server start does first: index what a crash left
    unindexed, or rebuild an index that had to be recreated (damaged, or another schema); read
    what the metadata reader has not read (a crash came between, or rows from before it); then
    publish what is due (a release scheduled while nothing ran goes out now)."""
    if app.index.needs_rebuild:
        app.indexer.reindex()
    else:
        app.indexer.catch_up()
    # Rows another process is adding right now are read by it: reading them here too could mark
    # its acknowledged upload unindexed for a moment (and a kill then would leave it so).
    unread = app.repo.unread_ids(added_before=iso(app.now() - UNREAD_GRACE))
    if unread:                          # most starts: nothing a crash left unread
        app.indexer.index_ids(provenance.read_new(app, unread))
    app.queue.enqueue(examine(app))       # what was stored while no OCR rule ran (an older Dossier)
    publish_due(app)


def reindex(app: "Dossier", progress: Callable[[int], None] | None = None) -> int:
    provenance.refresh(app, index=False)
    return app.indexer.reindex(progress)


def check(app: "Dossier") -> list[Problem]:
    """Originals missing, damaged or orphaned; rows the index could not take or whose text is
    not valid; index entries without a row and rows without one; page images of no original."""
    problems = app.indexer.check() + pages.check(app)
    for doc_id in stuck(app):
        problems.append(Problem(doc_id, "ocr_stuck", f"{doc_id} has waited for OCR for over {STUCK_AFTER / 3600:g} h: "
                                "is a worker running (`dossier serve` or `dossier worker`)? `dossier ocr ID` runs it now"))
    return problems
