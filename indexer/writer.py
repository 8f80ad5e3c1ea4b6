"""Writing the Whoosh index: one writer at a time, batches committed whole or
not at all, and a merge policy that keeps the number of segments small.

Every query pays per segment, so segments are merged by size tier: a segment is
kept as it is only while it holds more than ``_TIER`` times the documents of all
smaller segments together (so there are at most ~log3(N) of them, and each
document is rewritten O(log N) times over the index's life). A bulk run (import,
reindex, catch-up) commits its large batches without merging (a commit per
batch keeps the crash loss to one batch) until it has left ``_MAX_SEGMENTS``
segments, then merges by tier. Merging costs about as much as indexing (Whoosh
re-reads every posting in Python) while extra segments cost the numpy search
path little, so a run does not merge at its end; ``Index.merge()`` (``dossier
merge``) does it on demand. Measured at 100k documents (bench/RESULTS.md):
merging at 16 segments, the import took 1,334 s; at 64 (none in 100k: it
leaves ~47), 680 s, with faceted search p95 75 -> 109 ms and "did you mean"
118 -> 358 ms until a merge. An upload's own commit merges only small segments
(``_INTERACTIVE_MERGE_DOCS``) and stays quick.
"""
from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from contextlib import contextmanager

from whoosh import writing
from whoosh.index import LockError
from whoosh.reading import SegmentReader

from dossier.repository.models import Document

from .documents import check_item, vocabulary, whoosh_documents
from .errors import IndexLocked, Unindexable
from .schema import DOC, VOCAB

WRITER_DELAY = 0.05
_TIER = 2
_MAX_SEGMENTS = 64
_LIMIT_MB = 256
_INTERACTIVE_MERGE_DOCS = 5_000


def _plan(segments, pending: int) -> tuple[list, list]:
    """(segments kept, segments merged) under the tiered policy, for a commit
    that writes ``pending`` new documents. Segments whose documents are all
    deleted are always merged (which drops them)."""
    empty = [s for s in segments if s.doc_count() == 0]
    ordered = sorted((s for s in segments if s.doc_count()), key=lambda s: s.doc_count(), reverse=True)
    sizes = [s.doc_count() for s in ordered]
    smaller = sum(sizes) + pending
    keep = len(ordered)
    for i, size in enumerate(sizes):
        smaller -= size
        if size <= _TIER * smaller:
            keep = i
            break
    merged = ordered[keep:]
    if len(merged) + (1 if pending else 0) < 2:
        keep, merged = len(ordered), []
    return ordered[:keep], empty + merged


def segments_of(ix) -> list:
    """The index's segments, as a merge policy is given them."""
    with ix.reader() as reader:
        return [leaf.segment() for leaf, _ in reader.leaf_readers() if leaf.segment() is not None]


def merge_tiered(writer, segments):
    """Whoosh merge policy: merge every segment that is not more than ``_TIER``
    times larger than all smaller segments (plus the one being written) together."""
    kept, merged = _plan(segments, writer.doc_count())
    if not merged:
        return segments
    for s in merged:
        reader = SegmentReader(writer.storage, writer.schema, s)
        writer.add_reader(reader)
        reader.close()
    return kept


def interactive_policy(writer, segments):
    """A single upload's commit: the tiered merge, unless it would rewrite more
    than ``_INTERACTIVE_MERGE_DOCS`` documents (that waits for a bulk run's end,
    so an upload stays quick to acknowledge)."""
    kept, merged = _plan(segments, writer.doc_count())
    if sum(s.doc_count() for s in merged) > _INTERACTIVE_MERGE_DOCS:
        return segments
    return merge_tiered(writer, segments)


def bulk_policy(writer, segments):
    """During a bulk run: no merging, unless the run has left too many segments."""
    if len(segments) >= _MAX_SEGMENTS:
        return merge_tiered(writer, segments)
    return segments


def built(doc: Document, pages: tuple[str, ...]) -> list[dict]:
    try:
        return whoosh_documents(doc, pages)
    except Exception as exc:
        raise Unindexable(doc.id, f"{type(exc).__name__}: {exc}") from exc


class Writing:
    """The write side of an ``Index`` (``ix``: the Whoosh index)."""

    def __init__(self, ix, writer_timeout: float, check_open):
        self._ix = ix
        self._writer_timeout = writer_timeout
        self._check_open = check_open

    @contextmanager
    def writer(self):
        writer = self.open_writer()
        try:
            yield writer
        except BaseException:
            writer.cancel()
            raise

    def open_writer(self):
        self._check_open()
        try:
            return self._ix.writer(timeout=self._writer_timeout, delay=WRITER_DELAY,
                                   compound=False, limitmb=_LIMIT_MB)
        except LockError:
            raise IndexLocked(
                f"Another process is writing to the search index; gave up after {self._writer_timeout:g}s."
            ) from None

    def add(self, items: Sequence[tuple[Document, Sequence[str]]], *, bulk: bool = False) -> None:
        """One commit; the last entry of an id wins."""
        latest: dict[str, tuple[Document, tuple[str, ...]]] = {}
        for item in items:
            doc, pages = check_item(item)
            latest[doc.id] = (doc, pages)
        if not latest:
            return
        # Fields are built before the writer is taken: a bad document fails the
        # batch without holding the lock.
        ready = [(doc.id, [] if doc.deleted else built(doc, pages)) for doc, pages in latest.values()]
        batch = Batch(self, bulk)
        try:
            for doc_id, entries in ready:
                batch.add_entries(doc_id, entries)
            batch.commit()
        except BaseException:
            batch.cancel()
            raise

    def delete(self, ids: Iterable[str]) -> None:
        ids = list(dict.fromkeys(ids))
        if not ids:
            return
        with self.writer() as writer:
            for doc_id in ids:
                writer.delete_by_term("id", doc_id)
            writer.commit(mergetype=writing.NO_MERGE)

    def merge(self) -> None:
        """Merge segments by tier now (a bulk run leaves its batches unmerged)."""
        if not _plan(segments_of(self._ix), 0)[1]:
            return
        with self.writer() as writer:
            writer.commit(mergetype=merge_tiered)

    def clear(self) -> None:
        with self.writer() as writer:
            writer.commit(mergetype=writing.CLEAR)


class Batch:
    """Documents indexed one at a time into one commit, so indexing overlaps
    whatever produces them (extraction). The writer, and with it the index's
    write lock, is taken at the first document; ``commit`` or ``cancel`` ends it.
    An id may appear once per batch (commit first to index it again)."""

    def __init__(self, writing: Writing, bulk: bool):
        self._writing = writing
        self._bulk = bulk
        self._writer = None
        self._vocab: set[str] = set()
        self.ids: set[str] = set()
        self.opened_at: float | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def add(self, doc: Document, pages: Sequence[str]) -> None:
        """Raises Unindexable, before anything of it is written, when its fields cannot be built."""
        doc, pages = check_item((doc, pages))
        self.add_entries(doc.id, [] if doc.deleted else built(doc, pages))

    def delete(self, doc_id: str) -> None:
        self.add_entries(doc_id, [])

    def hold(self) -> None:
        """Take the index's write lock now (else the first document takes it): what is read while it
        is held cannot reach the index from another process before this batch commits."""
        if self._writer is None:
            self._writer = self._writing.open_writer()
            self.opened_at = time.monotonic()

    def add_entries(self, doc_id: str, entries: list[dict]) -> None:
        if doc_id in self.ids:
            raise ValueError(f"{doc_id} is already in this batch")
        self.hold()
        writer = self._writer
        writer.delete_by_term("id", doc_id)
        self.ids.add(doc_id)
        for fields in entries:
            writer.add_document(**fields)
            if fields["type"] == DOC:
                self._vocab |= vocabulary(fields["title"], fields["text"], fields["meta"])

    def commit(self) -> None:
        writer, self._writer = self._writer, None
        if writer is None:
            return
        try:
            if self._vocab:
                # The words for "did you mean", once per batch rather than once per
                # document (a third of the indexing time otherwise). Words of
                # deleted documents linger; a suggestion is only offered when it
                # finds more than the query typed, so they are harmless.
                writer.add_document(type=VOCAB, words=sorted(self._vocab))
            writer.commit(mergetype=bulk_policy if self._bulk else interactive_policy)
        except BaseException:
            writer.cancel()
            raise
        finally:
            self._vocab, self.ids, self.opened_at = set(), set(), None

    def cancel(self) -> None:
        writer, self._writer = self._writer, None
        self._vocab, self.ids, self.opened_at = set(), set(), None
        if writer is not None:
            writer.cancel()
