"""Facet counts, filters and sort orders from compact in-memory arrays.

For every segment, the values of each facet column (and the sort keys) of its
``type=doc`` documents are read ONCE into small integer codes; a segment's
arrays are reused for as long as the segment exists (deleted documents never
match a query, so deletions do not invalidate them). Each searcher generation
gets a ``View``: the segments' arrays joined into numpy arrays with one row per
document. A search is then array work: filters and the date range are boolean
masks over rows, counts are ``bincount``s, the page is an ``argpartition`` of
sort ranks. No stored fields, no Whoosh ``groupedby``, no per-row Python.
"""
from __future__ import annotations

import threading
from array import array
from functools import cached_property

import numpy as np

from .posting_cache import PostingCache
from .schema import DOC, FACETS, MULTI_VALUED_FACETS, VALUE_SEP, case_number_variants, normalize_value

_UNDATED = np.iinfo(np.int64).max      # undated documents sort last, newest or oldest first


class _Interner:
    """Facet value -> small int code, merging values that differ only by case or
    spacing; remembers the first spelling seen for display. Code 0 is 'none'.
    Also maps each term a filter can name (the normalised value, and for case
    numbers their short forms: what ``schema.FacetField.terms`` indexes) to codes."""

    def __init__(self):
        self.codes: dict[tuple[str, str], int] = {}
        self.display: list[str] = [""]
        self.by_term: dict[tuple[str, str], set[int]] = {}
        self._raw: dict[tuple[str, bytes], int] = {}
        self._name_rank = np.zeros(1, dtype=np.int64)

    def name_rank(self) -> np.ndarray:
        """Each code's place in the order of display values (case-folded, then as written)."""
        if len(self._name_rank) != len(self.display):
            display = self.display
            order = sorted(range(len(display)), key=lambda c: (display[c].casefold(), display[c]))
            rank = np.empty(len(order), dtype=np.int64)
            rank[order] = np.arange(len(order))
            self._name_rank = rank
        return self._name_rank

    def code(self, facet: str, raw: bytes) -> int:
        code = self._raw.get((facet, raw))
        if code is None:
            value = raw.decode("utf-8")
            key = (facet, normalize_value(value))
            code = self.codes.get(key)
            if code is None:
                code = self.codes[key] = len(self.display)
                self.display.append(value)
                terms = case_number_variants(value) if facet == "case_number" else {key[1]}
                for term in terms:
                    self.by_term.setdefault((facet, term), set()).add(code)
            self._raw[(facet, raw)] = code
        return code


class _SegmentArrays:
    def __init__(self, reader, interner: _Interner):
        if reader.doc_count_all() and reader.frequency("type", DOC):
            docnums = list(reader.postings("type", DOC.encode()).all_ids())
        else:
            docnums = []
        self.docnums = array("i", docnums)
        self.codes: dict[str, array] = {}
        self.lengths: dict[str, array] = {}       # multi-valued: values per document
        sep = VALUE_SEP.encode()
        for facet in FACETS:
            column = reader.column_reader(facet, translate=False) if docnums else None
            raws = [column[d] for d in docnums]
            if facet in MULTI_VALUED_FACETS:
                flat, lengths = array("i"), array("i")
                for raw in raws:
                    values = raw.split(sep) if raw else ()
                    flat.extend(interner.code(facet, v) for v in values)
                    lengths.append(len(values))
                self.codes[facet], self.lengths[facet] = flat, lengths
            else:
                self.codes[facet] = array("i", (interner.code(facet, raw) if raw else 0 for raw in raws))
        self.dates = array("i")          # yyyymmdd, 0 when undated
        self.added = array("q")          # microseconds
        self.public = array("B")         # 1: the public may see it
        self.ids: list[str] = []         # the repository ids: the last tie-break of every sort
        if docnums:
            dates = reader.column_reader("date_num", translate=False)
            added = reader.column_reader("added_num", translate=False)
            public = reader.column_reader("public", translate=False)
            self.public.extend(map(public.__getitem__, docnums))
            ids = reader.column_reader("id", translate=False)
            self.dates.extend(map(dates.__getitem__, docnums))
            self.added.extend(map(added.__getitem__, docnums))
            self.ids = [v.decode("utf-8") if isinstance(v, bytes) else v for v in map(ids.__getitem__, docnums)]


def _join(parts: list[array], dtype) -> np.ndarray:
    return np.concatenate([np.frombuffer(p, dtype=dtype) for p in parts]) if parts else np.zeros(0, dtype)


class View:
    """The arrays for one searcher (one index generation). Rows are documents
    (``type=doc`` entries); masks are boolean arrays over rows."""

    def __init__(self, segments: list[tuple[_SegmentArrays, int]], doc_count_all: int, interner: _Interner,
                 lengths: dict, postings: PostingCache):
        self._interner = interner
        self.lengths = lengths      # field lengths by (segment id, field), for ``accelerator.evaluate``
        self.postings = postings    # decoded postings by (segment id, field, term), for the same
        self.display = interner.display
        self.docnum_of_row = np.concatenate(
            [np.frombuffer(seg.docnums, dtype=np.int32).astype(np.int64) + offset for seg, offset in segments]
            or [np.zeros(0, np.int64)])
        self.size = n = len(self.docnum_of_row)
        self.row_of = np.full(doc_count_all, -1, dtype=np.int64)
        self.row_of[self.docnum_of_row] = np.arange(n)
        self.codes: dict[str, np.ndarray] = {}
        self.owner: dict[str, np.ndarray] = {}    # multi-valued: the row of each value in codes
        for facet in FACETS:
            self.codes[facet] = _join([seg.codes[facet] for seg, _ in segments], np.int32)
            if facet in MULTI_VALUED_FACETS:
                lengths = _join([seg.lengths[facet] for seg, _ in segments], np.int32)
                self.owner[facet] = np.repeat(np.arange(n), lengths)
        self.dates = _join([seg.dates for seg, _ in segments], np.int32)
        self.added = _join([seg.added for seg, _ in segments], np.int64)
        self.public = _join([seg.public for seg, _ in segments], np.uint8).astype(bool)
        self.ids: list[str] = [i for seg, _ in segments for i in seg.ids]

    # ---- masks -------------------------------------------------------------------

    def rows(self, docnums) -> np.ndarray:
        """The rows of these global docnums, those that are documents (not pages)."""
        docnums = (docnums.astype(np.int64, copy=False) if isinstance(docnums, np.ndarray)
                   else np.fromiter(docnums, dtype=np.int64))
        rows = self.row_of[docnums]
        return rows[rows >= 0]

    def mask_of(self, docnums) -> np.ndarray:
        mask = np.zeros(self.size, dtype=bool)
        mask[self.rows(docnums)] = True
        return mask

    def facet_mask(self, facet: str, values) -> np.ndarray:
        """Rows holding any of these values (compared as filters compare them:
        normalised, case numbers also by their short forms)."""
        codes: set[int] = set()
        for value in values:
            codes |= self._interner.by_term.get((facet, normalize_value(value)), set())
        hit = np.isin(self.codes[facet], np.fromiter(codes, dtype=np.int32, count=len(codes)))
        if facet not in MULTI_VALUED_FACETS:
            return hit
        mask = np.zeros(self.size, dtype=bool)
        mask[self.owner[facet][hit]] = True
        return mask

    def date_mask(self, date_from: int, date_to: int) -> np.ndarray:
        """Rows dated within [date_from, date_to] (yyyymmdd, inclusive); undated never are."""
        return (self.dates >= max(1, date_from)) & (self.dates <= date_to)

    def docnum_flags(self, mask: np.ndarray | None) -> np.ndarray:
        """Per global docnum: True for the entries of the rows of ``mask`` (None:
        every document; never a page or vocabulary entry)."""
        flags = np.zeros(len(self.row_of), dtype=bool)
        flags[self.docnum_of_row if mask is None else self.docnum_of_row[mask]] = True
        return flags

    # ---- counts ------------------------------------------------------------------

    def count(self, mask: np.ndarray | None, facets=FACETS) -> dict[str, list[tuple[str, int]]]:
        """Value counts per facet over the rows of ``mask`` (None: every row):
        (value as first seen, count), by count descending then value; years newest first."""
        if mask is None:
            return {facet: self._all_counts[facet] for facet in facets}
        return {facet: self._count(facet, mask) for facet in facets}

    @cached_property
    def _all_counts(self) -> dict[str, list[tuple[str, int]]]:
        everything = np.ones(self.size, dtype=bool)
        return {facet: self._count(facet, everything) for facet in FACETS}

    def _count(self, facet: str, mask: np.ndarray) -> list[tuple[str, int]]:
        codes = self.codes[facet]
        selected = codes[mask[self.owner[facet]]] if facet in MULTI_VALUED_FACETS else codes[mask]
        counts = np.bincount(selected)
        present = np.flatnonzero(counts)
        present = present[present != 0]
        display = self.display
        if facet == "year":       # a time line reads newest first, undated last
            pairs = [(display[code], int(counts[code])) for code in present.tolist()]
            pairs.sort(key=lambda p: (not p[0].isdigit(), -int(p[0]) if p[0].isdigit() else 0, p[0]))
            return pairs
        # by count, then by name: sorted in numpy, with each value's place by name known ahead
        present = present[np.lexsort((self._interner.name_rank()[present], -counts[present]))]
        return list(zip(map(display.__getitem__, present.tolist()), counts[present].tolist()))

    # ---- order -------------------------------------------------------------------

    @cached_property
    def newest_rank(self) -> np.ndarray:
        """Each row's position in newest-first order (undated last; equal dates:
        most recently added first, then by id: never by docnum)."""
        return self._rank(np.where(self.dates > 0, -self.dates.astype(np.int64), _UNDATED))

    @cached_property
    def oldest_rank(self) -> np.ndarray:
        return self._rank(np.where(self.dates > 0, self.dates.astype(np.int64), _UNDATED))

    def _rank(self, date_key: np.ndarray) -> np.ndarray:
        order = np.lexsort((np.array(self.ids, dtype=str), -self.added, date_key))
        rank = np.empty(self.size, dtype=np.int64)
        rank[order] = np.arange(self.size)
        return rank

    def top_by_date(self, mask: np.ndarray | None, limit: int, newest: bool) -> list[int]:
        """The docnums of the first ``limit`` rows of ``mask`` (None: all) in date order."""
        rank = self.newest_rank if newest else self.oldest_rank
        rows = np.arange(self.size) if mask is None else np.flatnonzero(mask)
        return self._first(rows, rank[rows], limit)

    def top_by_score(self, rows: np.ndarray, scores: np.ndarray, limit: int) -> list[int]:
        """The docnums of the ``limit`` best-scored rows: highest score first;
        equal scores newest first, then by id."""
        if limit < len(rows):
            # Only the scores that can make the page (ties included) need ranking.
            kth = -np.partition(-scores, limit - 1)[limit - 1]
            keep = scores >= kth
            rows, scores = rows[keep], scores[keep]
        order = np.lexsort((self.newest_rank[rows], -scores))[:limit]
        return self.docnum_of_row[rows[order]].tolist()

    def _first(self, rows: np.ndarray, keys: np.ndarray, limit: int) -> list[int]:
        if limit < len(rows):
            part = np.argpartition(keys, limit - 1)[:limit]
            rows, keys = rows[part], keys[part]
        return self.docnum_of_row[rows[np.argsort(keys, kind="stable")]].tolist()


class FacetCache:
    """Per-segment arrays kept across searcher generations (thread-safe), and the decoded
    postings of the index's segments."""

    def __init__(self, postings_cache_mb: int):
        self._lock = threading.Lock()
        self._interner = _Interner()
        self._segments: dict[str, _SegmentArrays] = {}
        self._lengths: dict[tuple[str, str], object] = {}
        self._postings = PostingCache(postings_cache_mb * 1024 * 1024)

    def view(self, searcher) -> View:
        with self._lock:
            reader = searcher.reader()
            parts, live = [], set()
            for leaf, offset in reader.leaf_readers():
                segment = leaf.segment() if hasattr(leaf, "segment") else None
                segid = segment.segment_id() if segment is not None else None
                arrays = self._segments.get(segid) if segid else None
                if arrays is None:
                    arrays = _SegmentArrays(leaf, self._interner)
                    if segid:
                        self._segments[segid] = arrays
                live.add(segid)
                parts.append((arrays, offset))
            for segid in list(self._segments):
                if segid not in live:
                    del self._segments[segid]
            for key in list(self._lengths):
                if key[0] not in live:
                    del self._lengths[key]
            self._postings.retain(live)
            return View(parts, reader.doc_count_all(), self._interner, self._lengths, self._postings)
