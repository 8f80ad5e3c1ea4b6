"""Searcher management: one searcher (plus its facet arrays) per index
generation, reused between searches and replaced only when the index changed."""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager

from . import facets as _facets
from .schema import FACETS
from .vocabulary import Vocabulary, Words
from .writer import WRITER_DELAY

_OPEN_RETRIES = 10
_EAGER_COLUMNS = (*FACETS, "date_num", "added_num", "public", "id")
_SCORED_FIELDS = ("title", "text", "meta", "words")


class Snapshot:
    """A searcher plus the facet arrays of its index generation, and its words for "did you
    mean" (read when first asked for)."""

    __slots__ = ("searcher", "view", "_vocabulary")

    def __init__(self, searcher, view, vocabulary: Vocabulary):
        self.searcher, self.view, self._vocabulary = searcher, view, vocabulary

    def words(self) -> Words:
        return self._vocabulary.words(self.searcher.reader())


class Searchers:
    def __init__(self, ix, check_open, postings_cache_mb: int):
        self._ix = ix
        self._check_open = check_open
        self.lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._facet_cache = _facets.FacetCache(postings_cache_mb)
        self._vocabulary = Vocabulary()

    def close(self) -> None:
        with self.lock:
            snap, self._snapshot = self._snapshot, None
            if snap is not None:
                snap.searcher.close()

    @contextmanager
    def reading(self, *, fresh: bool = False):
        """The current snapshot, refreshed if the index changed, held under the
        search lock: Whoosh searchers share seek-and-read file handles and are
        not safe to use from two threads at once. Searching is CPU-bound Python,
        so under the GIL serialising costs little throughput."""
        with self.lock:
            self._check_open()
            snap = self._snapshot
            # Not Searcher.refresh(): its reader re-use keeps segments that a
            # merge or clear() removed (whoosh-reloaded 2.7.5), giving duplicate
            # hits. Checking the generation is the same cheap test refresh()
            # makes; a changed index gets a fresh searcher.
            if fresh or snap is None or snap.searcher.reader().generation() != self._ix.latest_generation():
                self._snapshot = None
                if snap is not None:
                    snap.searcher.close()
                searcher = self._open_searcher()
                try:
                    view = self._facet_cache.view(searcher)
                except BaseException:
                    searcher.close()
                    raise
                self._snapshot = snap = Snapshot(searcher, view, self._vocabulary)
            yield snap

    def _open_searcher(self):
        """A searcher whose column files are all open. Whoosh opens column files
        lazily and a commit deletes the files of segments it merged away, so a
        late open could fail, or silently read a missing column as empty. Open
        them up front, and retry if the index changed meanwhile."""
        for attempt in range(_OPEN_RETRIES):
            searcher = self._ix.searcher()
            try:
                for leaf, _ in searcher.reader().leaf_readers():
                    if leaf.doc_count_all() and not leaf.has_column("id"):
                        # Every document has an id: its file went with a merge in another process.
                        raise FileNotFoundError("segment merged away while opening")
                    for name in _EAGER_COLUMNS:
                        if leaf.has_column(name):
                            leaf.column_reader(name, translate=False)
                    if leaf.doc_count_all():
                        # stored fields and field lengths are columns too
                        leaf.stored_fields(0)
                        for name in _SCORED_FIELDS:
                            leaf.doc_field_length(0, name)
            except Exception:
                searcher.close()
                if attempt == _OPEN_RETRIES - 1:
                    raise
                time.sleep(WRITER_DELAY)
                continue
            if searcher.reader().generation() == self._ix.latest_generation() or attempt == _OPEN_RETRIES - 1:
                return searcher
            searcher.close()
        return self._ix.searcher()

    def changed_since(self, snap: Snapshot) -> bool:
        """Whether another writer committed since this snapshot's searcher was opened."""
        return snap.searcher.reader().generation() != self._ix.latest_generation()
