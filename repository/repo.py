"""The repository: originals on disk plus their rows in SQLite, the source of truth."""
from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Sequence

from . import db, ocr
from .alerts import Alerts
from .catalog import Catalog, row_to_document, transaction
from .errors import InvalidMetadata
from .metadata import clean_metadata
from .models import Document, Links, PageSource
from .store import OriginalStore, private_dir, private_file
from .audit import Audit, AuditEntry, entries as audit_entries, log
from .publication import Publication, count_published, due, next_due, published_index, released, set_findings, \
    set_publication, unpublished
from .units import Link, NewDocument, recover, store_together

DB_NAME = "dossier.sqlite3"
# A spool file untouched this long was left by a crashed upload; a live one is
# written to continuously and renamed into the store within seconds.
STALE_SPOOL_SECONDS = 3600


@dataclass(frozen=True)
class SpooledFile:
    """A finished temp file inside the repository's tmp folder, with what intake learnt of it."""
    path: Path
    sha256: str
    size: int
    mime: str
    filename: str


@dataclass(frozen=True)
class Problem:
    doc_id: str | None
    code: str        # missing_original, corrupt_original, ...
    message: str


class Repository:
    def __init__(self, data_dir: Path | str):
        self.data_dir = private_dir(Path(data_dir))
        self.originals = OriginalStore(self.data_dir / "originals")
        self.tmp_dir = private_dir(self.data_dir / "tmp")
        self.db_path = private_file(self.data_dir / DB_NAME)
        self._local = threading.local()
        self.catalog  # create and migrate the database now, not on first use
        self.clean_tmp(STALE_SPOOL_SECONDS)  # what a kill -9 mid-upload left behind
        recover(self)                        # ... or mid-unit: originals no row names

    @property
    def catalog(self) -> Catalog:
        # sqlite3 connections must not be shared between threads without a lock; one each is simpler.
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = db.connect(self.db_path)
        return Catalog(conn)

    @property
    def alerts(self) -> Alerts:
        """Alerts, webhooks and the outbox (repository/alerts.py)."""
        return Alerts(self.catalog.conn)

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    # -- adding ----------------------------------------------------------------
    def store_together(self, documents: Sequence[NewDocument], links: Sequence[Link] = (),
                       publication: Publication | None = None, audit: Audit | None = None
                       ) -> list[tuple[Document, bool]]:
        """Every document and link, or none (see ``repository.units``): (document, created) each."""
        return store_together(self, documents, links, publication, audit)

    def add(self, meta: Mapping, spooled: SpooledFile) -> tuple[Document, bool]:
        """One document stored on its own: (document, created)."""
        return store_together(self, [NewDocument(meta, spooled)])[0]

    # -- reading ---------------------------------------------------------------
    def get(self, doc_id: str, *, include_deleted: bool = False) -> Document:
        return self.catalog.get(doc_id, include_deleted=include_deleted)

    def find_by_sha256(self, sha256: str) -> Document | None:
        return self.catalog.find_by_sha256(sha256)

    def iter_documents(self, *, include_deleted: bool = False) -> Iterator[Document]:
        return self.catalog.iter_documents(include_deleted=include_deleted)

    def links(self, doc_id: str) -> Links:
        return self.catalog.links(doc_id)

    def pages(self, doc_id: str) -> list[str]:
        return self.catalog.pages(doc_id)

    def page_sources(self, doc_id: str) -> list[PageSource]:
        """Each stored page's number and the engine its text came from."""
        return self.catalog.page_sources(doc_id)

    def original_path(self, doc: Document) -> Path:
        return self.originals.path(doc.sha256)

    def verified_original(self, doc: Document) -> Path:
        """The path of the original, known to be whole; else CorruptOriginal (damaged or missing)."""
        return self.originals.verified(doc.sha256)

    # -- changing --------------------------------------------------------------
    def update(self, doc_id: str, raw_changes: Mapping, audit: Audit | None = None) -> Document:
        """Staff's changes: each field whose value they change is typed from now on, never
        overwritten by what is read (a form sends every field; those left as read stay read)."""
        def sourced(old: Document, changes: dict) -> dict:
            changed = {name: "typed" for name, value in changes.items() if getattr(old, name) != value}
            return {**old.provenance(), **changed}
        return self._change(doc_id, raw_changes, audit, sourced, None)

    def apply_reading(self, doc_id: str, raw_changes: Mapping, sources: Mapping[str, str], reading: Mapping,
                      audit: Audit | None = None) -> Document:
        """What the reader found, applied: the fields it fills, where every field now comes from
        (``sources`` replaces the row's), and all it read."""
        return self._change(doc_id, raw_changes, audit, lambda old, changes: dict(sources), dict(reading))

    def _change(self, doc_id: str, raw_changes: Mapping, audit: Audit | None, sourced, reading) -> Document:
        changes = clean_metadata(raw_changes, partial=True)
        for required in ("kind", "title"):
            if required in changes and not changes[required]:
                raise InvalidMetadata(required, "cannot be empty")
        with transaction(self.catalog.conn) as conn:
            catalog = Catalog(conn)
            old = catalog.get(doc_id, include_deleted=True)
            catalog.update(doc_id, changes)
            catalog.set_provenance(doc_id, sourced(old, changes), reading)
            before = {k: _plain(getattr(old, k)) for k in changes if getattr(old, k) != changes[k]}
            if before:
                log(conn, audit, "update", doc_id, before, {k: _plain(changes[k]) for k in before})
        return self.get(doc_id, include_deleted=True)

    def set_text(self, doc_id: str, pages: Sequence[str], *, status: str, error: str | None = None,
                 page_count: int | None = None, engines: Sequence[str | None] = ()) -> None:
        with transaction(self.catalog.conn) as conn:
            Catalog(conn).set_text(doc_id, pages, status=status, error=error, page_count=page_count,
                                   engines=engines)

    def set_texts(self, items: Iterable[tuple], only_new: bool = False) -> None:
        """``set_text`` for many documents in ONE transaction (one commit, one WAL
        fsync): items are (doc_id, pages, status, error, page_count[, engines]). All or none
        are stored; a later item for the same id wins. ``only_new``: only for rows still without
        text (another process that extracted the same row meanwhile keeps what it stored)."""
        items = list(items)
        if not items:
            return
        with transaction(self.catalog.conn) as conn:
            Catalog(conn).set_texts(items, only_new)

    def link(self, source_id: str, target_id: str, link_type: str = "related", audit: Audit | None = None) -> bool:
        with transaction(self.catalog.conn) as conn:
            added = Catalog(conn).add_link(source_id, target_id, link_type)
            if added:
                log(conn, audit, "link", source_id, None, {"type": link_type, "to": target_id})
            return added

    def unlink(self, a: str, b: str, link_type: str | None = None, audit: Audit | None = None) -> int:
        with transaction(self.catalog.conn) as conn:
            removed = Catalog(conn).remove_link(a, b, link_type)
            if removed:
                log(conn, audit, "unlink", a, {"to": b}, None)
            return removed

    def delete(self, doc_id: str, audit: Audit | None = None) -> Document:
        with transaction(self.catalog.conn) as conn:
            Catalog(conn).set_deleted(doc_id, True)
            log(conn, audit, "delete", doc_id)
        return self.get(doc_id, include_deleted=True)

    def restore(self, doc_id: str, audit: Audit | None = None) -> Document:
        with transaction(self.catalog.conn) as conn:
            Catalog(conn).set_deleted(doc_id, False)
            log(conn, audit, "restore", doc_id)
        return self.get(doc_id)

    def purge(self, audit: Audit | None = None) -> list[Document]:
        """Remove deleted documents and their originals for good."""
        purged = []
        for doc in self.catalog.deleted():
            with transaction(self.catalog.conn) as conn:
                Catalog(conn).remove(doc.id)
                log(conn, audit, "purge", doc.id, {"title": doc.title, "sha256": doc.sha256}, None)
            if self.catalog.count_sha256(doc.sha256) == 0:
                self.originals.remove(doc.sha256)
            purged.append(doc)
        return purged

    # -- publication -----------------------------------------------------------
    def set_publication(self, doc_ids: Sequence[str], publication: Publication, action: str,
                        audit: Audit | None = None) -> list[Document]:
        """Every one of ``doc_ids`` to one state, in ONE transaction, each change in the audit log."""
        with transaction(self.catalog.conn) as conn:
            catalog = Catalog(conn)
            before = {doc_id: catalog.get(doc_id, include_deleted=True) for doc_id in doc_ids}
            set_publication(conn, doc_ids, publication)
            for doc_id, old in before.items():
                log(conn, audit, action, doc_id, _state(old), _state(catalog.get(doc_id, include_deleted=True)))
        return [self.get(doc_id, include_deleted=True) for doc_id in doc_ids]

    def released(self, *, kind: str | None = None, limit: int = 50,
                 before: tuple[str, str] | None = None) -> list[Document]:
        return [row_to_document(r) for r in released(self.catalog.conn, kind=kind, limit=limit, before=before)]

    def published_index(self, *, offset: int = 0, limit: int = 50_000) -> list[tuple[str, str]]:
        return published_index(self.catalog.conn, offset=offset, limit=limit)

    def count_published(self) -> int:
        return count_published(self.catalog.conn)

    def unpublished(self, limit: int = 500) -> list[Document]:
        return [row_to_document(r) for r in unpublished(self.catalog.conn, limit)]

    def due(self, now: str) -> list[str]:
        return due(self.catalog.conn, now)

    def next_due(self) -> str | None:
        return next_due(self.catalog.conn)

    def set_redaction_findings(self, doc_id: str, findings: Sequence[tuple[int, str]]) -> None:
        with transaction(self.catalog.conn) as conn:
            set_findings(conn, doc_id, findings)

    def audit_log(self, doc_id: str | None = None, *, limit: int = 100, before_id: int | None = None
                  ) -> list[AuditEntry]:
        return audit_entries(self.catalog.conn, doc_id, limit=limit, before_id=before_id)

    # -- OCR -------------------------------------------------------------------
    def ocr_unexamined(self) -> list[str]:
        return ocr.unexamined(self.catalog.conn)

    def ocr_page_texts(self, doc_id: str) -> list[tuple[int, str, str | None]]:
        """(page number, text, engine) of each stored page."""
        return ocr.page_texts(self.catalog.conn, doc_id)

    def set_ocr_languages(self, doc_ids: Sequence[str], languages: str) -> None:
        with transaction(self.catalog.conn) as conn:
            ocr.set_languages(conn, doc_ids, languages)

    def look_at_for_ocr(self, doc_id: str, pending: bool, now: str) -> None:
        with transaction(self.catalog.conn) as conn:
            ocr.look_at(conn, doc_id, pending, now)

    def ocr_pending(self, queued_before: str | None = None) -> list[str]:
        return ocr.pending(self.catalog.conn, queued_before)

    def claim_for_ocr(self, doc_id: str, owner: str, until: str, now: str, dead: Sequence[str] = ()) -> bool:
        with transaction(self.catalog.conn) as conn:
            return ocr.claim(conn, doc_id, owner, until, now, dead)

    def ocr_owners(self) -> list[str]:
        return ocr.owners(self.catalog.conn)

    def set_recognised_page(self, doc_id: str, page_no: int, text: str, words, confidence: float | None) -> None:
        with transaction(self.catalog.conn) as conn:
            ocr.set_page(conn, doc_id, page_no, text, words, confidence)

    def finish_ocr(self, doc_id: str) -> None:
        with transaction(self.catalog.conn) as conn:
            ocr.finish(conn, doc_id)

    def forget_ocr(self, doc_id: str) -> None:
        with transaction(self.catalog.conn) as conn:
            ocr.forget(conn, doc_id)

    def page_words(self, doc_id: str, page_no: int) -> list:
        """A recognised page's words: [text, x0, y0, x1, y1, confidence], boxes as fractions of the page."""
        return ocr.words(self.catalog.conn, doc_id, page_no)

    # -- indexing state --------------------------------------------------------
    def unread_ids(self, added_before: str | None = None) -> list[str]:
        return self.catalog.unread_ids(added_before)

    def unindexed_ids(self) -> list[str]:
        return self.catalog.unindexed_ids()

    def mark_indexed(self, ids: Sequence[str], indexed: bool = True) -> None:
        with transaction(self.catalog.conn) as conn:
            Catalog(conn).mark_indexed(ids, indexed)

    def mark_index_failed(self, failures: Sequence[tuple[str, str]]) -> None:
        """(id, reason) of rows the index could not take: catch-up skips them until they change."""
        with transaction(self.catalog.conn) as conn:
            Catalog(conn).mark_index_failed(failures)

    def live_ids(self) -> set[str]:
        return self.catalog.ids()

    # -- checking --------------------------------------------------------------
    def check_originals(self) -> list[Problem]:
        problems = []
        named = set()
        for doc in self.iter_documents(include_deleted=True):
            named.add(doc.sha256)
            if not self.originals.exists(doc.sha256):
                problems.append(Problem(doc.id, "missing_original", f"the original of {doc.id} is missing"))
            elif not self.originals.verify(doc.sha256):
                problems.append(Problem(doc.id, "corrupt_original",
                                        f"the original of {doc.id} no longer matches its sha256"))
        for sha256 in sorted(set(self.originals.hashes()) - named):
            problems.append(Problem(None, "orphan_original",
                                    f"originals/{sha256[:2]}/{sha256[2:4]}/{sha256} belongs to no document "
                                    "(left by an upload cut off mid-way)"))
        return problems

    def check_rows(self) -> list[Problem]:
        """Rows whose text is not valid UTF-8 (left by another writer: shown with U+FFFD),
        and rows the index could not take."""
        problems = [Problem(doc_id, "unindexable", f"{doc_id} could not be indexed: {reason}")
                    for doc_id, reason in self.catalog.index_failures()]
        for doc_id, column in self.catalog.invalid_text():
            problems.append(Problem(doc_id, "invalid_text",
                                    f"{doc_id}: its {column} is not valid UTF-8 text; it is shown with "
                                    "replacement characters (edit the document, or re-add it, to fix it)"))
        return problems

    def clean_tmp(self, older_than: float = STALE_SPOOL_SECONDS) -> int:
        """Drop spool files left by uploads that crashed; returns how many went.

        Run whenever a repository is opened (every command, every server
        worker). Never a document: a spool file becomes an original only by
        being renamed into the store.
        """
        cutoff = time.time() - older_than
        removed = 0
        for path in self.tmp_dir.iterdir():
            try:
                if path.is_file() and path.stat().st_mtime < cutoff:
                    path.unlink(missing_ok=True)
                    removed += 1
            except FileNotFoundError:
                pass  # another process swept or stored it meanwhile
        return removed


def _plain(value):
    return list(value) if isinstance(value, tuple) else value


def _state(doc: Document) -> dict:
    return {"state": doc.state, "publish_at": doc.publish_at, "withdrawn_reason": doc.withdrawn_reason}
