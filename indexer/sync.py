"""Keeping the index in step with the repository: extract, store text, index, mark.

The repository is the source of truth. A row is marked `indexed` only after
its index entry is committed, so whatever a crash interrupted is found again
by `catch_up`, which every command and server start runs first.
"""
from __future__ import annotations

import dataclasses
import heapq
import itertools
import queue
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from dossier.repository import Document, NotFound, Problem, Repository

from .errors import Unindexable
from .extract import ExtractionPool
from .index import Index

# A bulk run commits (and marks rows indexed) every BATCH documents or
# BATCH_TEXT characters of text, whichever comes first: a crash loses at most
# that much work (catch_up redoes it). Whoosh writes a segment per commit and
# merging segments costs about as much as indexing them again, so batches are
# large and a run does not merge at its end (the writer's bulk policy bounds
# the number of segments); the writer's own buffer is bounded (``indexer.writer``).
BATCH = 5000
BATCH_TEXT = 32 * 2**20
# ...or after BATCH_SECONDS: a batch holds the index's write lock, and an upload
# in another process waits for it (``writer_timeout``, 30 s by default).
BATCH_SECONDS = 20.0
# ...or once it holds BATCH_PAGES pages just extracted from PDFs: the final commit
# is a serial tail (the workers idle), and during a run extraction overlaps the
# commits, so a PDF run commits more often to keep its last batch small. Runs of
# other types (and reindexing stored texts) have no such pages and are unaffected.
# The threshold grows with the pages the run has committed (PAGES_GROWTH of them):
# a long run's tail matters less than the segments thousands of small commits
# would leave to merge.
BATCH_PAGES = 150
PAGES_GROWTH = 0.125

# Extraction takes the largest of the next LOOKAHEAD documents first: one long
# filing started last keeps one worker busy while the others idle (on the 61 real
# PDFs of the benchmark one file holds 30% of the pages and sorts near the end).
LOOKAHEAD = 64

# Documents extracted but not yet indexed, at most: bounds the texts held between
# extraction and indexing, yet lets the workers go on while a long filing is indexed.
QUEUE = 64

Progress = Callable[[int], None]


def largest_first(items: Iterator[tuple[Document, object, str]], window: int
                  ) -> Iterator[tuple[Document, object, str]]:
    """``items`` reordered so each comes out as the largest (original bytes) of
    the next ``window`` pulled; every item comes out exactly once."""
    if window <= 1:
        yield from items
        return
    heap: list = []
    for n, item in enumerate(items):
        heapq.heappush(heap, (-(item[0].size or 0), n, item))
        if len(heap) >= window:
            yield heapq.heappop(heap)[2]
    while heap:
        yield heapq.heappop(heap)[2]


@dataclass
class Indexer:
    repo: Repository
    index: Index
    pool_factory: Callable[[], ExtractionPool] = ExtractionPool
    batch_size: int = BATCH
    batch_text: int = BATCH_TEXT
    batch_seconds: float = BATCH_SECONDS
    batch_pages: int = BATCH_PAGES
    lookahead: int = LOOKAHEAD
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
        """Bring these documents' index entries in line with their rows, a batch per commit.

        ``ids`` may be a lazy iterable (an import stores the next document as it
        is pulled): the extraction pool pulls ids whenever a worker is free, so
        extraction of later documents overlaps the storing and indexing of
        earlier ones. Each document is indexed as soon as its text is ready, by
        a thread of its own (``_Run``), so this thread keeps handing files to the
        workers meanwhile. Rows are marked indexed after each batch commit."""
        run = _Run(self, progress)
        try:
            needing = largest_first(run.feed(iter(ids)), self.lookahead)
            first = next(needing, None)
            if first is not None:
                items = itertools.chain([first], needing)
                for doc, extraction in self.pool.extract_many(items):
                    run.put((doc, extraction))
        except BaseException:
            run.end(commit=False)   # nothing of the open batch is indexed; its rows stay unindexed
            raise
        run.end(commit=True)

    def extract_texts(self, ids: Iterable[str]) -> None:
        """Extract and store the text of those of these rows that have none, without indexing
        them: for a caller that reads the text before indexing (an upload's metadata is read from
        it), so each row is indexed once, with what was read. A crash before the indexing leaves
        rows with text, not indexed: ``catch_up`` indexes them."""
        docs = [doc for doc in map(self._get, dict.fromkeys(ids))
                if doc is not None and not doc.deleted and doc.text_status is None]
        if not docs:
            return
        extracted = self.pool.extract_many((doc, self.repo.original_path(doc), doc.mime) for doc in docs)
        self.repo.set_texts([(doc.id, tuple(e.pages), e.status, e.error, e.page_count, e.engines)
                             for doc, e in extracted], only_new=True)

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
        problems = self.repo.check_originals() + self.repo.check_rows()
        live = self.repo.live_ids()
        indexed = self.index.doc_ids()
        for doc_id in sorted(indexed - live):
            problems.append(Problem(doc_id, "orphan_index_entry", f"the index has {doc_id}, which is not in the repository"))
        unindexable = {p.doc_id for p in problems if p.code == "unindexable"}
        for doc_id in sorted(live - indexed - unindexable):
            problems.append(Problem(doc_id, "missing_index_entry", f"{doc_id} is missing from the index"))
        return problems

    def _get(self, doc_id: str) -> Document | None:
        try:
            return self.repo.get(doc_id, include_deleted=True)
        except NotFound:
            return None


_COMMIT, _CANCEL = object(), object()   # the last item handed over: how the run ends


class _Run:
    """The batches of one ``index_ids`` call. The calling thread finds what each
    id needs and hands it over (``put``) through a bounded queue to an indexing
    thread, which adds each document to the open batch and commits the batch,
    marking its rows indexed, when it is full or old. So the caller keeps the
    extraction workers busy while Whoosh indexes (the GIL is mostly free: the
    caller waits on pipes); the queue bounds the texts between the two."""

    def __init__(self, indexer: Indexer, progress: Progress | None):
        self.indexer = indexer
        self.progress = progress
        self.batch = indexer.index.batch(bulk=False)     # the first commit of a run merges like an upload's
        self.ids: list[str] = []
        self.failed: list[tuple[str, str]] = []      # (id, reason): rows the index could not take
        self.text = 0
        self.pages = 0
        self.pages_committed = 0
        # Extracted texts not yet stored: stored in ONE transaction (``set_texts``)
        # just before the batch commits, rather than a transaction (and a WAL
        # fsync) per document. A crash before then loses only extraction work:
        # those rows still have no text and are not indexed, so catch_up redoes them.
        self.texts: list[tuple] = []     # as ``Repository.set_texts`` takes them
        self.queue: queue.Queue = queue.Queue(QUEUE)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._work, name="dossier-index", daemon=True)
        self.thread.start()

    # ---- in the calling thread ----

    def feed(self, ids: Iterator[str]) -> Iterator[tuple[Document, object, str]]:
        """The documents that need extracting, as (document, original path, mime);
        the others are handed over to be indexed straight away."""
        indexer = self.indexer
        warmed = False
        for doc_id in ids:
            doc = indexer._get(doc_id)
            if doc is None:          # no such row: make sure the index has no entry either
                self.put((doc_id, None))
            elif not doc.deleted and doc.text_status is None:
                if not warmed:       # workers start while the next documents are stored
                    indexer.pool.warm()
                    warmed = True
                yield doc, indexer.repo.original_path(doc), doc.mime
            elif doc.deleted:
                self.put((doc.id, None))
            else:
                self.put((doc, None))

    def put(self, item: tuple) -> None:
        """Hand over (document, extraction or None), or (id, None) to drop an id
        from the index; raises the indexing thread's error, if it failed."""
        self.queue.put(item)
        if self.error is not None:
            raise self.error

    def end(self, commit: bool) -> None:
        """Wait for the indexing thread: it commits the open batch, or cancels it."""
        self.queue.put(_COMMIT if commit else _CANCEL)
        self.thread.join()
        if commit and self.error is not None:
            raise self.error

    # ---- in the indexing thread ----

    def _work(self) -> None:
        try:
            try:
                while (item := self.queue.get()) is not _COMMIT and item is not _CANCEL:
                    self._take(*item)
                if item is _CANCEL:
                    self._cancel()
                elif self.ids or self.failed:
                    self._commit()
            except BaseException as exc:
                self.error = exc
                self._cancel()
                while item is not _COMMIT and item is not _CANCEL:   # let the caller finish handing over
                    item = self.queue.get()
        finally:
            self.indexer.repo.close()   # this thread's database connection

    def _take(self, doc: Document | str, extraction) -> None:
        doc_id = doc if isinstance(doc, str) else doc.id
        if doc_id in self.batch.ids:
            self._commit()                 # the same document twice in a run: index it again
        if extraction is not None:         # kept even if the index is locked (stored unless the row has text by then)
            self.texts.append((doc_id, tuple(extraction.pages), extraction.status, extraction.error,
                               extraction.page_count, extraction.engines))
            self.pages += extraction.page_count or 0
        # The row is read again, the index's write lock held: the row read when its id was pulled
        # (before extraction) may be older than one another process changed and indexed meanwhile
        # (an upload's metadata read while a start's catch-up extracted it); committing that older
        # copy would leave it in the index, marked indexed. Read now, a change committed before
        # is indexed here, and one committed after is indexed by its process once this batch is.
        self.batch.hold()
        row = self.indexer._get(doc_id)
        if row is None or row.deleted:
            self._index(doc_id, None, ())
        elif extraction is None or row.text_status is not None:     # the text another process stored wins
            self._index(doc_id, row, self.indexer.repo.pages(doc_id))
        else:
            # The row as set_text leaves it (what ``repo.get`` would return after it).
            row = dataclasses.replace(row, text_status=extraction.status, text_error=extraction.error,
                                      page_count=extraction.page_count, indexed=False)
            self._index(doc_id, row, list(extraction.pages))

    def _index(self, doc_id: str, doc: Document | None, pages) -> None:
        if doc is None:
            self.batch.delete(doc_id)
        else:
            try:
                self.batch.add(doc, pages)
            except Unindexable as exc:
                self.batch.delete(doc_id)     # no stale entry stands in for it
                self.failed.append((doc_id, exc.reason))
                return
            self.text += sum(map(len, pages))
        self.ids.append(doc_id)
        indexer = self.indexer
        if (len(self.ids) >= indexer.batch_size or self.text >= indexer.batch_text
                or self.pages >= max(indexer.batch_pages, self.pages_committed * PAGES_GROWTH)
                or time.monotonic() - (self.batch.opened_at or time.monotonic()) >= indexer.batch_seconds):
            self._commit()

    def _cancel(self) -> None:
        self.batch.cancel()
        try:
            self._store_texts()   # extracted texts are kept, as each was stored at once before
        except Exception:
            pass                  # the error being raised matters more; catch_up extracts again

    def _store_texts(self) -> None:
        texts, self.texts = self.texts, []
        # only_new: a start's catch-up may extract a row that the process adding it extracts and
        # indexes meanwhile; the second must not replace the first's text (OCR pages included)
        # nor mark its acknowledged row unindexed.
        self.indexer.repo.set_texts(texts, only_new=True)

    def _commit(self) -> None:
        self._store_texts()               # the texts first: a row is never marked indexed without its text
        self.batch.commit()
        self.batch = self.indexer.index.batch(bulk=True)
        self.indexer.repo.mark_indexed(self.ids)
        if self.failed:
            self.indexer.repo.mark_index_failed(self.failed)
            self.failed = []
        self._count(len(self.ids))
        self.pages_committed += self.pages
        self.ids, self.text, self.pages = [], 0, 0

    def _count(self, n: int) -> None:
        if self.progress and n:
            self.progress(n)
