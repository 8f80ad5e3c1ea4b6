"""The application: one object whose methods are every use case of Dossier.

The edges (the web app, the `dossier` command) open one ``Dossier`` per process,
parse their input, call one method and render what it returns or map the error
it raises (``core.errors``). Only this package changes state, and it keeps what
is derived from the repository (the index) in step with every change. Changes
take the ``actor`` who makes them (their role decides what they may do; the
audit log names them); reads take the ``viewer`` (``core.visibility``).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from pathlib import Path

from dossier.indexer.extract import ExtractionPool
from dossier.indexer.index import Index
from dossier.indexer.pages import PageImages
from dossier.indexer.search import Hit, SearchQuery, SearchResult
from dossier.indexer.sync import Indexer
from dossier.repository import AuditEntry, Document, Links, PageSource, Problem, Repository
from dossier.uploads.bulk import Entry, Report, Skip
from dossier.uploads.intake import Intake, Upload, typed

from . import adding, alerts, demo, editing, errors, importing, maintenance, ocr, pages, provenance, publishing, \
    reading, suggesting
from .adding import Added, Release
from .queue import TaskQueue
from .settings import Config
from .times import UTC
from .visibility import OPERATOR, PUBLIC, Viewer

Progress = Callable[[int], None]
Clock = Callable[[], dt.datetime]


def system_clock() -> dt.datetime:
    return dt.datetime.now(UTC)


class Dossier:
    def __init__(self, config: Config, *, catch_up: bool = True, clock: Clock = system_clock):
        """Open the repository and the index; with ``catch_up``, publish what is due and index
        whatever a crash left unindexed (or rebuild an index that had to be recreated) first.
        ``clock``: the time it is (tests give their own)."""
        self.config = config
        self.clock = clock
        self.repo = Repository(config.data_dir)
        self.index = Index.open(config.data_dir / "index", writer_timeout=config.writer_timeout,
                                postings_cache_mb=config.postings_cache_mb)
        pool = partial(ExtractionPool, workers=config.extract_workers or None, time_limit=config.extract_timeout,
                       memory_limit=config.extract_memory_mb * 2**20)
        self.indexer = Indexer(self.repo, self.index, pool)
        # Page images have their own workers, so a page view never waits behind a bulk import.
        self.page_images = PageImages(config.data_dir / "pages", partial(pool, time_limit=config.render_timeout))
        self.intake = Intake(self.repo, max_bytes=config.max_upload_bytes)
        self._ocr_pool: ExtractionPool | None = None
        self._queue: TaskQueue | None = None
        if catch_up:
            maintenance.catch_up(self)

    def now(self) -> dt.datetime:
        return self.clock()

    @property
    def ocr_pool(self) -> ExtractionPool:
        """The OCR workers (started on first need): one page each, the page time limit."""
        if self._ocr_pool is None:
            self._ocr_pool = ExtractionPool(self.config.extract_workers or None, self.config.ocr_page_timeout,
                                            self.config.extract_memory_mb * 2**20)
        return self._ocr_pool

    @property
    def queue(self) -> TaskQueue:
        if self._queue is None:
            self._queue = TaskQueue(self.config, lambda: Dossier(self.config, catch_up=False, clock=self.clock))
        return self._queue

    def close(self) -> None:
        if self._ocr_pool is not None:
            self._ocr_pool.close()
        self.page_images.close()
        self.indexer.close()
        self.index.close()
        self.repo.close()

    def __enter__(self) -> "Dossier":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ---- adding --------------------------------------------------------------------
    def add(self, upload: Upload, attachments: Sequence[Upload] = (), attach_ids: Sequence[str] = (),
            *, first_kind: str | None = None, release: Release | None = None, ocr_languages: str | None = None,
            actor: Viewer = OPERATOR) -> Added:
        """A document (typically a release) with its attachments, stored as one unit and indexed;
        ``release``: its state (published now unless said otherwise, and the actor may);
        ``ocr_languages``: what OCR reads its scans in (default: the setting)."""
        return adding.add(self, upload, attachments, attach_ids, first_kind=first_kind, release=release,
                          ocr_languages=ocr_languages, actor=actor)

    def add_text(self, text: str, meta, attachments: Sequence[Upload] = (), attach_ids: Sequence[str] = (),
                 *, release: Release | None = None, ocr_languages: str | None = None,
                 actor: Viewer = OPERATOR) -> Added:
        """A release typed rather than uploaded (kept as a .txt original), with its attachments."""
        return adding.add(self, typed(text, meta), attachments, attach_ids, first_kind="release", release=release,
                          ocr_languages=ocr_languages, actor=actor)

    def suggest(self, upload: Upload, attachment: bool = True, actor: Viewer = OPERATOR) -> dict:
        """What a file says about itself (court, dates, case number...), read without storing it:
        suggestions for the upload form."""
        return suggesting.suggest(self, upload, attachment, actor)

    def precheck(self, upload: Upload | None, attachments: Sequence[Upload] = (), attach_ids: Sequence[str] = ()
                 ) -> tuple[list, list[str]]:
        """What is wrong with a submission before its files are read, every part at once:
        (parts whose details cannot be stored, ids to attach that are no document)."""
        return adding.precheck(self.repo, [upload, *attachments], attach_ids)

    def import_entries(self, entries: Iterable[Entry | Skip], progress: Progress | None = None) -> Report:
        stored: list[str] = []
        report = importing.run_import(self.intake, entries, progress=progress,
                                      on_batch=lambda ids: self.indexer.index_ids(provenance.noting(ids, stored)))
        changed = provenance.read_new(self, stored)
        if changed:
            self.indexer.index_ids(changed)
        self.queue.enqueue(ocr.examine(self))
        return report

    # ---- changing ------------------------------------------------------------------
    def update(self, doc_id: str, changes, actor: Viewer = OPERATOR) -> Document:
        return editing.update(self, doc_id, changes, actor)

    def link(self, doc_id: str, other_id: str, link_type: str = "related", actor: Viewer = OPERATOR) -> bool:
        return editing.link(self, doc_id, other_id, link_type, actor)

    def unlink(self, doc_id: str, other_id: str, actor: Viewer = OPERATOR) -> int:
        return editing.unlink(self, doc_id, other_id, actor)

    def delete(self, doc_id: str, actor: Viewer = OPERATOR) -> Document:
        return editing.delete(self, doc_id, actor)

    def restore(self, doc_id: str, actor: Viewer = OPERATOR) -> Document:
        return editing.restore(self, doc_id, actor)

    def purge(self, actor: Viewer = OPERATOR) -> list[Document]:
        return editing.purge(self, actor)

    # ---- publishing ----------------------------------------------------------------
    def publish(self, doc_id: str, *, at: dt.datetime | None = None, override: str | None = None,
                actor: Viewer = OPERATOR) -> list[Document]:
        """The document and its attachments published now, or scheduled for ``at``."""
        return publishing.publish(self, doc_id, actor, at=at, override=override)

    def withdraw(self, doc_id: str, reason: str, actor: Viewer = OPERATOR) -> list[Document]:
        return publishing.withdraw(self, doc_id, reason, actor)

    def unschedule(self, doc_id: str, actor: Viewer = OPERATOR) -> list[Document]:
        return publishing.to_draft(self, doc_id, actor)

    def publish_due(self) -> list[str]:
        return publishing.publish_due(self)

    def seconds_to_next_release(self) -> float | None:
        return publishing.seconds_to_next(self)

    def audit_log(self, doc_id: str | None = None, *, viewer: Viewer = OPERATOR, limit: int = 100,
                  before_id: int | None = None) -> list[AuditEntry]:
        """Who did what, newest first: staff only."""
        return reading.audit_log(self, doc_id, viewer, limit, before_id)

    # ---- reading -------------------------------------------------------------------
    def search(self, query: SearchQuery, viewer: Viewer = PUBLIC) -> SearchResult:
        return reading.search(self, query, viewer)

    def document(self, doc_id: str, viewer: Viewer = PUBLIC) -> Document:
        return reading.document(self, doc_id, viewer)

    def links(self, doc_id: str, viewer: Viewer = PUBLIC) -> dict[str, list[Document]]:
        return reading.links(self, doc_id, viewer)

    def similar(self, doc_id: str, viewer: Viewer = PUBLIC, limit: int = 5) -> list[Hit]:
        """Documents like this one (computed), beside the links staff made."""
        return reading.similar(self, doc_id, viewer, limit)

    def link_summary(self, doc_id: str, viewer: Viewer = PUBLIC) -> Links:
        return reading.link_summary(self, doc_id, viewer)

    def pages(self, doc_id: str, viewer: Viewer = PUBLIC, query: str = "") -> reading.TextPages:
        """The text its page shows, page by page, with a query's matches marked."""
        return reading.pages(self, doc_id, viewer, query)

    def page_sources(self, doc_id: str, viewer: Viewer = PUBLIC) -> list[PageSource]:
        """Each page's number and where its text came from (the engine)."""
        return reading.page_sources(self, doc_id, viewer)
    def page(self, doc_id: str, number: int, viewer: Viewer = PUBLIC, query: str = "", *,
             draw: bool = True) -> pages.PageView:
        """One page: its text, its words with their boxes, the query's hits; with ``draw`` its image
        is rendered first (``unavailable`` says why there is none)."""
        return pages.page(self, doc_id, number, viewer, query, draw=draw)

    def page_matches(self, doc_id: str, viewer: Viewer = PUBLIC, query: str = "") -> list[pages.Match]:
        """The pages a query matches, each with a snippet."""
        return pages.matches(self, doc_id, viewer, query)

    def page_image(self, doc_id: str, number: int, width: int, viewer: Viewer = PUBLIC) -> pages.PageImage:
        """A page's image (WebP) at one of the fixed widths, under the original's access rule."""
        return pages.page_image(self, doc_id, number, width, viewer)

    def thumbnail(self, doc_id: str, viewer: Viewer = PUBLIC) -> pages.PageImage:
        return pages.thumbnail(self, doc_id, viewer)

    def previews(self, doc_ids: Iterable[str], viewer: Viewer = PUBLIC) -> dict[str, pages.Preview]:
        """The thumbnails of these documents that this viewer may see, by id (lists, release pages)."""
        return pages.previews(self, doc_ids, viewer)

    def embeddable(self, doc_id: str, number: int = 1) -> tuple[Document, pages.Preview | None]:
        """A public document as other sites may embed it at a page (oEmbed), with its thumbnail."""
        return pages.embeddable(self, doc_id, number)

    def original(self, doc_id: str, viewer: Viewer = PUBLIC) -> tuple[Document, Path]:
        return reading.original(self, doc_id, viewer)

    def bundle(self, doc_id: str, viewer: Viewer = PUBLIC) -> tuple[Document, list[tuple[Document, Path]]]:
        return reading.bundle(self, doc_id, viewer)

    def released(self, viewer: Viewer = PUBLIC, *, kind: str | None = None, limit: int = 50,
                 before: tuple[str, str] | None = None) -> list[Document]:
        """What the office published, newest publication first (feeds, "new releases")."""
        return reading.released(self, viewer, kind=kind, limit=limit, before=before)

    def public_index(self, *, offset: int = 0, limit: int = 50_000) -> tuple[int, list[tuple[str, str]]]:
        """Every document the public may see, as (id, published_at), a slice at a time (sitemaps)."""
        return reading.public_index(self, offset=offset, limit=limit)

    def unpublished(self, viewer: Viewer) -> list[Document]:
        """Drafts and scheduled releases (staff only): what is being prepared."""
        return reading.unpublished(self, viewer)

    # ---- alerts ----------------------------------------------------------------------
    def subscribe(self, email: str, search: dict, frequency: str = "immediate", *, client: str | None = None):
        """An email alert for a search (q, filters, from, to), confirmed by the link mailed to it."""
        return alerts.subscribe(self, email, search, frequency, client=client)

    def confirm_alert(self, token: str):
        return alerts.confirm(self, token)

    def manage_alerts(self, token: str):
        """(the alert of a manage link, every live alert of its address)."""
        return alerts.manage(self, token)

    def unsubscribe(self, token: str):
        return alerts.unsubscribe(self, token)

    def add_webhook(self, url: str, actor: Viewer):
        return alerts.add_webhook(self, url, actor)

    def webhooks(self, actor: Viewer):
        return alerts.webhooks(self, actor)

    def delete_webhook(self, webhook_id: int, actor: Viewer) -> None:
        alerts.delete_webhook(self, webhook_id, actor)

    def follow_by_webhook(self, webhook_id: int, search: dict, actor: Viewer):
        return alerts.follow_by_webhook(self, webhook_id, search, actor)

    def deliver_alerts(self, **senders) -> "alerts.Delivered":
        """Send the outbox's due rows (the background process does, on its own)."""
        return alerts.deliver(self, **senders)

    def send_digests(self, **senders) -> "alerts.Delivered":
        return alerts.send_digests(self, **senders)

    def seconds_to_next_delivery(self) -> float | None:
        return alerts.seconds_to_next(self)

    def alert_counts(self, viewer: Viewer = OPERATOR) -> dict[str, int]:
        if not viewer.staff:
            raise errors.Forbidden("Only staff may see alert counts.", action="accounts")
        return self.repo.alerts.counts()

    def email_alerts(self) -> bool:
        return self.config.email_alerts

    # ---- keeping it whole ----------------------------------------------------------
    def reindex(self, progress: Progress | None = None) -> int:
        """Read again what an older reader read (never what staff typed), then rebuild the index."""
        return maintenance.reindex(self, progress)

    def refresh_metadata(self, everything: bool = False, progress: Progress | None = None) -> int:
        """What documents say about themselves, read again (all of them, or those an older
        reader read); typed values are never touched. How many documents changed."""
        return provenance.refresh(self, everything, progress)

    def merge(self) -> None:
        self.index.merge()

    def check(self) -> list[Problem]:
        return maintenance.check(self)

    # ---- OCR -----------------------------------------------------------------------
    def request_ocr(self, doc_ids: Sequence[str] | None = None, *, redo: bool = False) -> list[str]:
        """These documents (None: every one) made to wait for OCR where a page needs it (``redo``: again,
        what was recognised forgotten); the ids that wait."""
        ids = [d.id for d in self.repo.iter_documents()] if doc_ids is None else doc_ids
        return ocr.request(self, ids, redo)

    def recognise(self, doc_id: str, languages: str | None = None) -> Document:
        """OCR of a waiting document now, in this process, then indexed again."""
        ocr.recognise(self, doc_id, None if languages is None else ocr.checked_languages(languages))
        return self.repo.get(doc_id)

    def ocr_stuck(self) -> list[str]:
        return ocr.stuck(self)

    def live_count(self) -> int:
        return len(self.repo.live_ids())

    def demo_size(self) -> int:
        return demo.count()

    def load_demo(self, progress: Progress | None = None) -> Report:
        """The seed release and, where the shared corpus is beside the checkout, its releases and filings."""
        return demo.load(self, progress)
