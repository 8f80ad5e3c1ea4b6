"""Decoded postings kept between searches, least recently used first out.

Reading a term's postings from Whoosh means unzipping and unpickling each block of 128 postings,
positions included: at 100k documents that was most of a phrase search, and half of a common
word's. A segment never changes once written (deletions are kept apart from its postings), so
what was decoded for (segment, field, term) stays true until the segment is merged away; then
its entries are simply never asked for again and age out.

One cache per open index (segment ids are only unique within an index), of the size the
``DOSSIER_POSTINGS_CACHE_MB`` setting gives (per process: each server worker has its own).
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

DEFAULT_MB = 128
_ENTRY_OVERHEAD = 200        # bytes of Python objects around an entry's arrays


@dataclass(frozen=True)
class Postings:
    """One term's postings in one segment, deleted documents included."""

    ids: np.ndarray                     # docnums, ascending
    weights: np.ndarray                 # term frequencies (with field boosts)
    offsets: np.ndarray | None = None   # positions of ids[i] are positions[offsets[i]:offsets[i + 1]]
    positions: np.ndarray | None = None

    @property
    def nbytes(self) -> int:
        arrays = (self.ids, self.weights, self.offsets, self.positions)
        return _ENTRY_OVERHEAD + sum(a.nbytes for a in arrays if a is not None)


ABSENT = Postings(np.zeros(0, np.int64), np.zeros(0))    # the term is not in the segment


class PostingCache:
    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple, Postings] = OrderedDict()
        self._bytes = 0

    def get(self, key: tuple) -> Postings | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: tuple, entry: Postings) -> None:
        size = entry.nbytes
        if size > self.max_bytes // 4:      # one huge term must not empty the cache
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old.nbytes
            self._entries[key] = entry
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= dropped.nbytes

    def retain(self, segment_ids: set) -> None:
        """Forget the entries of segments not in ``segment_ids`` (merged away)."""
        with self._lock:
            for key in [k for k in self._entries if k[0] not in segment_ids]:
                self._bytes -= self._entries.pop(key).nbytes
