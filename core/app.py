"""The application: one object whose methods are every use case of Dossier.

The edges (the web app, the `dossier` command) open one ``Dossier`` per process,
parse their input, call one method and render what it returns or map the error
it raises (``core.errors``). Only this package changes state, and it keeps what
is derived from the repository (the index) in step with every change.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import partial
from pathlib import Path

from dossier.indexer.extract import ExtractionPool
from dossier.indexer.index import Index
from dossier.indexer.search import SearchQuery, SearchResult
from dossier.indexer.sync import Indexer
from dossier.repository import Document, Links, Problem, Repository
from dossier.uploads.bulk import Entry, Report, Skip
from dossier.uploads.intake import Intake, Upload, typed

from . import adding, demo, editing, importing, maintenance, reading
from .adding import Added
from .settings import Config
from .visibility import PUBLIC, Viewer

Progress = Callable[[int], None]


class Dossier:
    def __init__(self, config: Config, *, catch_up: bool = True):
        """Open the repository and the index; with ``catch_up``, index whatever a crash left
        unindexed (or rebuild an index that had to be recreated) before anything else."""
        self.config = config
        self.repo = Repository(config.data_dir)
        self.index = Index.open(config.data_dir / "index", writer_timeout=config.writer_timeout)
        pool = partial(ExtractionPool, workers=config.extract_workers or None, time_limit=config.extract_timeout,
                       memory_limit=config.extract_memory_mb * 2**20)
        self.indexer = Indexer(self.repo, self.index, pool)
        self.intake = Intake(self.repo, max_bytes=config.max_upload_bytes)
        if catch_up:
            maintenance.catch_up(self)

    def close(self) -> None:
        self.indexer.close()
        self.index.close()
        self.repo.close()

    def __enter__(self) -> "Dossier":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ---- adding --------------------------------------------------------------------
    def add(self, upload: Upload, attachments: Sequence[Upload] = (), attach_ids: Sequence[str] = (),
            *, first_kind: str | None = None) -> Added:
        """A document (typically a release) with its attachments, stored as one unit and indexed."""
        return adding.add(self, upload, attachments, attach_ids, first_kind=first_kind)

    def add_text(self, text: str, meta, attachments: Sequence[Upload] = (), attach_ids: Sequence[str] = ()) -> Added:
        """A release typed rather than uploaded (kept as a .txt original), with its attachments."""
        return adding.add(self, typed(text, meta), attachments, attach_ids, first_kind="release")

    def precheck(self, upload: Upload | None, attachments: Sequence[Upload] = (), attach_ids: Sequence[str] = ()
                 ) -> tuple[list["Refused"], list[str]]:
        """What is wrong with a submission before its files are read, every part at once:
        (parts whose details cannot be stored, ids to attach that are no document)."""
        return adding.precheck(self.repo, [upload, *attachments], attach_ids)

    def import_entries(self, entries: Iterable[Entry | Skip], progress: Progress | None = None) -> Report:
        return importing.run_import(self.intake, entries, on_batch=self.indexer.index_ids, progress=progress)


    # ---- changing ------------------------------------------------------------------
    def update(self, doc_id: str, changes) -> Document:
        return editing.update(self, doc_id, changes)

    def link(self, doc_id: str, other_id: str, link_type: str = "related") -> bool:
        return editing.link(self, doc_id, other_id, link_type)

    def unlink(self, doc_id: str, other_id: str) -> int:
        return editing.unlink(self, doc_id, other_id)

    def delete(self, doc_id: str) -> Document:
        return editing.delete(self, doc_id)

    def restore(self, doc_id: str) -> Document:
        return editing.restore(self, doc_id)

    def purge(self) -> list[Document]:
        return editing.purge(self)

    # ---- reading -------------------------------------------------------------------
    def search(self, query: SearchQuery, viewer: Viewer = PUBLIC) -> SearchResult:
        return reading.search(self, query, viewer)

    def document(self, doc_id: str, viewer: Viewer = PUBLIC) -> Document:
        return reading.document(self, doc_id, viewer)

    def links(self, doc_id: str, viewer: Viewer = PUBLIC) -> dict[str, list[Document]]:
        return reading.links(self, doc_id, viewer)

    def link_summary(self, doc_id: str, viewer: Viewer = PUBLIC) -> Links:
        return reading.link_summary(self, doc_id, viewer)

    def pages(self, doc_id: str, viewer: Viewer = PUBLIC, query: str = "") -> list[tuple[str, list]]:
        return reading.pages(self, doc_id, viewer, query)

    def original(self, doc_id: str, viewer: Viewer = PUBLIC) -> tuple[Document, Path]:
        return reading.original(self, doc_id, viewer)

    def bundle(self, doc_id: str, viewer: Viewer = PUBLIC) -> tuple[Document, list[tuple[Document, Path]]]:
        return reading.bundle(self, doc_id, viewer)

    # ---- keeping it whole ----------------------------------------------------------
    def reindex(self, progress: Progress | None = None) -> int:
        return maintenance.reindex(self, progress)

    def merge(self) -> None:
        self.index.merge()

    def check(self) -> list[Problem]:
        return maintenance.check(self)

    def live_count(self) -> int:
        return len(self.repo.live_ids())

    def demo_size(self) -> int:
        return demo.count()

    def load_demo(self, progress: Progress | None = None) -> Report:
        """The seed release and, where the shared corpus is beside the checkout, its releases and filings."""
        return demo.load(self, progress)
