"""Changing what is stored: details, links, deletion. The index follows every change that it holds;
the audit log names who made each one."""
from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

from dossier.repository import EDITABLE_FIELDS, Audit, Document

from . import provenance
from .errors import Invalid
from .times import iso
from .visibility import Viewer

if TYPE_CHECKING:
    from .app import Dossier


def _audit(app: "Dossier", actor: Viewer) -> Audit:
    return Audit(actor.user, iso(app.now()))


def update(app: "Dossier", doc_id: str, changes: Mapping, actor: Viewer) -> Document:
    actor.require("edit")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise Invalid(f"These fields cannot be changed: {', '.join(sorted(unknown))}.", field=min(unknown))
    app.repo.update(doc_id, changes, _audit(app, actor))
    app.indexer.index_ids([doc_id])
    doc = app.repo.get(doc_id, include_deleted=True)
    if doc.kind == "release" and "date" in changes:
        provenance.follow_release(app, doc_id)
    return doc


def link(app: "Dossier", doc_id: str, other_id: str, link_type: str, actor: Viewer) -> bool:
    """True when the link is new. Links are not in the index: nothing to re-index."""
    actor.require("link")
    app.repo.get(doc_id)
    app.repo.get(other_id)
    return app.repo.link(doc_id, other_id, link_type, _audit(app, actor))


def unlink(app: "Dossier", doc_id: str, other_id: str, actor: Viewer) -> int:
    actor.require("link")
    app.repo.get(doc_id, include_deleted=True)
    return app.repo.unlink(doc_id, other_id, audit=_audit(app, actor))


def delete(app: "Dossier", doc_id: str, actor: Viewer) -> Document:
    actor.require("delete")
    doc = app.repo.delete(doc_id, _audit(app, actor))
    app.indexer.index_ids([doc_id])
    return doc


def restore(app: "Dossier", doc_id: str, actor: Viewer) -> Document:
    actor.require("restore")
    app.repo.get(doc_id, include_deleted=True)
    doc = app.repo.restore(doc_id, _audit(app, actor))
    app.indexer.index_ids([doc_id])
    return doc


def purge(app: "Dossier", actor: Viewer) -> list[Document]:
    actor.require("purge")
    purged = app.repo.purge(_audit(app, actor))
    app.index.delete([d.id for d in purged])
    for doc in purged:                      # derived data of an original that is gone
        app.page_images.remove(doc.sha256)
    return purged
