"""Changing what is stored: details, links, deletion. The index follows every change that it holds."""
from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

from dossier.repository import EDITABLE_FIELDS, Document

from .errors import Invalid

if TYPE_CHECKING:
    from .app import Dossier


def update(app: "Dossier", doc_id: str, changes: Mapping) -> Document:
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise Invalid(f"These fields cannot be changed: {', '.join(sorted(unknown))}.", field=min(unknown))
    app.repo.update(doc_id, changes)
    app.indexer.index_ids([doc_id])
    return app.repo.get(doc_id, include_deleted=True)


def link(app: "Dossier", doc_id: str, other_id: str, link_type: str) -> bool:
    """True when the link is new. Links are not in the index: nothing to re-index."""
    app.repo.get(doc_id)
    app.repo.get(other_id)
    return app.repo.link(doc_id, other_id, link_type)


def unlink(app: "Dossier", doc_id: str, other_id: str) -> int:
    app.repo.get(doc_id, include_deleted=True)
    return app.repo.unlink(doc_id, other_id)


def delete(app: "Dossier", doc_id: str) -> Document:
    doc = app.repo.delete(doc_id)
    app.indexer.index_ids([doc_id])
    return doc


def restore(app: "Dossier", doc_id: str) -> Document:
    app.repo.get(doc_id, include_deleted=True)
    doc = app.repo.restore(doc_id)
    app.indexer.index_ids([doc_id])
    return doc


def purge(app: "Dossier") -> list[Document]:
    purged = app.repo.purge()
    app.index.delete([d.id for d in purged])
    return purged
