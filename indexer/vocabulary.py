"""The index's whole words (the ``words`` field), across every segment, for "did you mean".

Whoosh finds close words with a Levenshtein walk of each segment's term index: at 100k
documents in 53 segments that walk was 1.7 of 2.3 s of the misspelled queries, and it ran out
of its time budget. Here each segment's words are read once (segments never change, so they
are kept across index generations), the words of a generation are merged once, grouped by
first letter, and the close words of a typo are found by one pass of rapidfuzz's edit distance
over its group, in C.

The distance is the optimal string alignment distance: a swap of neighbouring letters counts
as one edit, as a person counts it. The first letter is kept (people rarely mistype it, and it
keeps the groups small), except that swapping the first two letters is a typo like any other.
"""
from __future__ import annotations

import threading
from collections import defaultdict

from rapidfuzz import process
from rapidfuzz.distance import OSA

FIELD = "words"


class Words:
    """One generation's words, grouped by first letter, for ``within``."""

    def __init__(self, words: set[str]):
        self._all = words
        groups: dict[str, list[str]] = defaultdict(list)
        for word in words:
            groups[word[:1]].append(word)
        self._groups = {first: sorted(group) for first, group in groups.items()}

    def within(self, word: str, distance: int, limit: int) -> list[str]:
        """Up to ``limit`` words at most ``distance`` edits from ``word`` (closest first, then
        alphabetical), ``word`` itself left out."""
        group = self._groups.get(word[:1], ())
        found = process.extract(word, group, scorer=OSA.distance, score_cutoff=distance, limit=None)
        close = [w for _, w in sorted((d, w) for w, d, _ in found if w != word)]
        swapped = word[1:2] + word[:1] + word[2:]       # in another group: its first letter differs
        if swapped != word and swapped in self._all:
            close.insert(0, swapped)
        return close[:limit]


class Vocabulary:
    """Each segment's words kept by segment id; one merged ``Words`` per set of segments
    (thread-safe)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._segments: dict[str, tuple[str, ...]] = {}
        self._strings: dict[str, str] = {}     # one str per distinct word, however many segments hold it
        self._merged: tuple[frozenset[str], Words] | None = None

    def words(self, reader) -> Words:
        with self._lock:
            leaves = [leaf for leaf, _ in reader.leaf_readers()]
            ids = [_segment_id(leaf) for leaf in leaves]
            if None in ids:     # not a segment reader: read it all, keep nothing
                return Words({w for leaf in leaves for w in _read(leaf, {})})
            live = frozenset(ids)
            if self._merged is not None and self._merged[0] == live:
                return self._merged[1]
            for segid, leaf in zip(ids, leaves):
                if segid not in self._segments:
                    self._segments[segid] = _read(leaf, self._strings)
            for segid in set(self._segments) - live:
                del self._segments[segid]
            union = set().union(*(self._segments[s] for s in ids))
            if len(self._strings) > 2 * len(union):     # mostly words of merged-away segments
                self._strings = {w: w for w in union}
            merged = Words(union)
            self._merged = (live, merged)
            return merged


def _segment_id(leaf) -> str | None:
    segment = leaf.segment() if hasattr(leaf, "segment") else None
    return segment.segment_id() if segment is not None else None


def _read(leaf, strings: dict[str, str]) -> tuple[str, ...]:
    if FIELD not in leaf.schema:
        return ()
    words = (w.decode("utf-8") if isinstance(w, bytes) else w for w in leaf.lexicon(FIELD))
    return tuple(strings.setdefault(w, w) for w in words)
