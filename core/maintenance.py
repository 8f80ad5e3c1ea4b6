"""Keeping the derived data (the index) in step with the repository, and checking both."""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from dossier.repository import Problem

from . import pages
from .publishing import publish_due

if TYPE_CHECKING:
    from .app import Dossier


def catch_up(app: "Dossier") -> None:
    """What every command and every server start does first: index what a crash left
    unindexed, or rebuild an index that had to be recreated (damaged, or another schema);
    then publish what is due (a release scheduled while nothing ran goes out now)."""
    if app.index.needs_rebuild:
        app.indexer.reindex()
    else:
        app.indexer.catch_up()
    publish_due(app)


def reindex(app: "Dossier", progress: Callable[[int], None] | None = None) -> int:
    return app.indexer.reindex(progress)


def check(app: "Dossier") -> list[Problem]:
    """Originals missing, damaged or orphaned; rows the index could not take or whose text is
    not valid; index entries without a row and rows without one; page images of no original."""
    return app.indexer.check() + pages.check(app)
