"""Facet counts and date sort keys from compact in-memory arrays.

For every segment, the values of each facet column (and the sort keys) of its
``type=doc`` documents are read ONCE into arrays of small integer codes; a
segment's arrays are reused for as long as the segment exists (deletions do not
invalidate them: deleted documents never match a query). Each searcher
generation gets a ``View``: the segments' arrays concatenated, plus a map from
global docnum to row. Counting a result set is then a ``Counter`` over array
look-ups: no stored fields, no Whoosh ``groupedby``.
"""
from __future__ import annotations

import heapq
import threading
from array import array
from collections import Counter
from itertools import chain
from operator import itemgetter

from .schema import DOC, FACETS, MULTI_VALUED_FACETS, VALUE_SEP, normalize_value

_NO_ROW = -1
_DATE_SCALE = 10 ** 20          # added_num (microseconds) fits below this
_UNDATED_OLDEST = 99_999_999     # sorts after every yyyymmdd


class _Interner:
    """Facet value -> small int code, merging values that differ only by case or
    spacing; remembers the first spelling seen for display. Code 0 is 'none'."""

    def __init__(self):
        self.codes: dict[tuple[str, str], int] = {}
        self.display: list[str] = [""]
        self._raw: dict[tuple[str, bytes], int] = {}

    def code(self, facet: str, raw: bytes) -> int:
        code = self._raw.get((facet, raw))
        if code is None:
            value = raw.decode("utf-8")
            key = (facet, normalize_value(value))
            code = self.codes.get(key)
            if code is None:
                code = self.codes[key] = len(self.display)
                self.display.append(value)
            self._raw[(facet, raw)] = code
        return code


class _SegmentArrays:
    def __init__(self, reader, interner: _Interner):
        if reader.doc_count_all() and reader.frequency("type", DOC):
            docnums = list(reader.postings("type", DOC.encode()).all_ids())
        else:
            docnums = []
        self.docnums = docnums
        self.codes: dict[str, object] = {}
        for facet in FACETS:
            column = reader.column_reader(facet, translate=False) if docnums else None
            raws = [column[d] for d in docnums]
            if facet in MULTI_VALUED_FACETS:
                empty: tuple[int, ...] = ()
                self.codes[facet] = [
                    tuple(interner.code(facet, v) for v in raw.split(VALUE_SEP.encode())) if raw else empty
                    for raw in raws
                ]
            else:
                self.codes[facet] = array("i", (interner.code(facet, raw) if raw else 0 for raw in raws))
        newest: list[int] = []
        oldest: list[int] = []
        self.newest, self.oldest = newest, oldest
        self.dates = array("i")          # yyyymmdd, 0 when undated
        self.ids: list[str] = []         # the repository ids: the last tie-break of every sort
        if not docnums:
            return
        dates = reader.column_reader("date_num", translate=False)
        added = reader.column_reader("added_num", translate=False)
        ids = reader.column_reader("id", translate=False)
        self.ids = [v.decode("utf-8") if isinstance(v, bytes) else v for v in map(ids.__getitem__, docnums)]
        for d in docnums:
            date, tie = dates[d], _DATE_SCALE - added[d]
            self.dates.append(date)
            # ascending order of both keys: newest = date desc, oldest = date asc;
            # undated last in both; ties: most recently added first.
            newest.append((_UNDATED_OLDEST - date if date else _UNDATED_OLDEST + 1) * _DATE_SCALE + tie)
            oldest.append((date if date else _UNDATED_OLDEST) * _DATE_SCALE + tie)


class View:
    """The arrays for one searcher (one index generation)."""

    def __init__(self, segments: list[tuple[_SegmentArrays, int]], doc_count_all: int, display: list[str]):
        self.row_of = array("i", [_NO_ROW]) * doc_count_all
        self.codes: dict[str, object] = {}
        self.newest: list[int] = []
        self.oldest: list[int] = []
        self.dates = array("i")
        self.ids: list[str] = []
        self.display = display
        for facet in FACETS:
            self.codes[facet] = [] if facet in MULTI_VALUED_FACETS else array("i")
        row = 0
        for seg, offset in segments:
            for d in seg.docnums:
                self.row_of[offset + d] = row
                row += 1
            for facet in FACETS:
                self.codes[facet].extend(seg.codes[facet])
            self.newest.extend(seg.newest)
            self.oldest.extend(seg.oldest)
            self.dates.extend(seg.dates)
            self.ids.extend(seg.ids)

    def rows(self, docnums) -> list[int]:
        return [r for r in map(self.row_of.__getitem__, docnums) if r != _NO_ROW]

    def count(self, rows: list[int], facets=FACETS) -> dict[str, list[tuple[str, int]]]:
        """Value counts per facet over the given rows: (value as given, count),
        by count descending then value."""
        display = self.display
        out: dict[str, list[tuple[str, int]]] = {}
        for facet in facets:
            getter = self.codes[facet].__getitem__
            if facet in MULTI_VALUED_FACETS:
                counts = Counter(chain.from_iterable(map(getter, rows)))
            else:
                counts = Counter(map(getter, rows))
                counts.pop(0, None)
            pairs = [(display[code], n) for code, n in counts.items()]
            pairs.sort(key=lambda p: (-p[1], p[0].casefold(), p[0]))
            out[facet] = pairs
        return out

    def in_dates(self, docnums, date_from: int, date_to: int) -> list[int]:
        """The docnums (of type=doc documents) dated within [date_from, date_to]
        (yyyymmdd, inclusive); undated documents never are."""
        row_of, dates = self.row_of, self.dates
        lo = max(1, date_from)
        out = []
        for d in docnums:
            row = row_of[d]
            if row != _NO_ROW and lo <= dates[row] <= date_to:
                out.append(d)
        return out

    def top_by_date(self, docnums, limit: int, newest: bool) -> list[int]:
        """The first ``limit`` docnums in date order (undated last; ties: most
        recently added first, then by id: the order never depends on docnums)."""
        keys = self.newest if newest else self.oldest
        row_of, ids = self.row_of, self.ids
        rows = [(keys[r], ids[r], d) for r, d in zip(map(row_of.__getitem__, docnums), docnums) if r != _NO_ROW]
        return list(map(itemgetter(2), _smallest(rows, limit)))

    def top_by_score(self, scored, limit: int) -> list[int]:
        """The first ``limit`` of (score, docnum) pairs: highest score first;
        equal scores newest first, then by id."""
        keys, row_of, ids = self.newest, self.row_of, self.ids
        if limit < len(scored):
            # Only the scores that can make the page need the full sort key.
            kth = heapq.nlargest(limit, map(itemgetter(0), scored))[-1]
            scored = [p for p in scored if p[0] >= kth]
        rows = []
        for score, d in scored:
            r = row_of[d]
            rows.append((-score, keys[r], ids[r], d) if r != _NO_ROW else (-score, 0, "", d))
        return list(map(itemgetter(3), _smallest(rows, limit)))


def _smallest(rows: list, limit: int) -> list:
    if limit < len(rows) // 4:
        return heapq.nsmallest(limit, rows)
    rows.sort()
    return rows[:limit]


class FacetCache:
    """Per-segment arrays kept across searcher generations (thread-safe)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._interner = _Interner()
        self._segments: dict[str, _SegmentArrays] = {}

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
            return View(parts, reader.doc_count_all(), self._interner.display)
