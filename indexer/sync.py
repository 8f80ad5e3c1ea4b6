"""Keeping the index in step with the repository: extract, store text, index, mark.

The repository is the source of truth. A row is marked `indexed` only after
its index entry is committed, so whatever a crash interrupted is found again
by `catch_up`, which every command and server start runs first.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Sequence

from repository import Document, NotFound, Problem, Repository

from .extract import Extraction, ExtractionPool
from .index import Index

BATCH = 100

Progress = Callable[[int], None]


@dataclass
class Indexer:
    repo: Repository
    index: Index
    pool_factory: Callable[[], ExtractionPool] = ExtractionPool
    batch_size: int = BATCH
    _pool: ExtractionPool | None = field(default=None, init=False, repr=False)

    @property
    def pool(self) -> ExtractionPool:
        # Started on first need: most commands never extract anything.
        if self._pool is None:
            self._pool = self.pool_factory()
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    def index_ids(self, ids: Iterable[str], progress: Progress | None = None) -> None:
        """Bring these documents' index entries in line with their rows, a batch per commit."""
        for batch in _batches(ids, self.batch_size):
            docs = [d for d in (self._get(i) for i in batch) if d is not None]
            self._extract_missing([d for d in docs if not d.deleted and d.text_status is None])
            live = [self.repo.get(d.id) for d in docs if not d.deleted]
            gone = [d.id for d in docs if d.deleted]
            if gone:
                self.index.delete(gone)
            if live:
                self.index.add([(d, self._pages_for_index(d)) for d in live])
            self.repo.mark_indexed([d.id for d in docs])
            if progress:
                progress(len(batch))

    def catch_up(self) -> int:
        """Index whatever rows are not yet indexed (after a crash, say); how many there were."""
        pending = self.repo.unindexed_ids()
        if pending:
            self.index_ids(pending)
        return len(pending)

    def reindex(self, progress: Progress | None = None) -> int:
        """Rebuild the whole index from the repository."""
        self.index.clear()
        ids = [d.id for d in self.repo.iter_documents()]
        self.repo.mark_indexed(ids, indexed=False)
        self.index_ids(ids, progress)
        return len(ids)

    def check(self) -> list[Problem]:
        """Real faults only: originals missing or corrupted, index entries without a live row."""
        self.catch_up()
        problems = self.repo.check_originals()
        live = self.repo.live_ids()
        indexed = self.index.doc_ids()
        for doc_id in sorted(indexed - live):
            problems.append(Problem(doc_id, "orphan_index_entry", f"the index has {doc_id}, which is not in the repository"))
        for doc_id in sorted(live - indexed):
            problems.append(Problem(doc_id, "missing_index_entry", f"{doc_id} is missing from the index"))
        return problems

    def _get(self, doc_id: str) -> Document | None:
        try:
            return self.repo.get(doc_id, include_deleted=True)
        except NotFound:
            self.index.delete([doc_id])
            return None

    def _extract_missing(self, docs: Sequence[Document]) -> None:
        if not docs:
            return
        items = ((d.id, self.repo.original_path(d), d.mime) for d in docs)
        if len(docs) == 1:
            doc = docs[0]
            results: Iterator[tuple[str, Extraction]] = iter(
                [(doc.id, self.pool.extract(self.repo.original_path(doc), doc.mime))])
        else:
            results = self.pool.extract_many(items)
        for doc_id, extraction in results:
            self.repo.set_text(doc_id, extraction.pages, status=extraction.status,
                               error=extraction.error, page_count=extraction.page_count)

    def _pages_for_index(self, doc: Document) -> list[str]:
        return self.repo.pages(doc.id)


def _batches(ids: Iterable[str], size: int) -> Iterator[list[str]]:
    batch: list[str] = []
    for doc_id in ids:
        batch.append(doc_id)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
