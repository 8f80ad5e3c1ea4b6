"""The Whoosh accelerator: the one module that reads Whoosh's internals, for speed, behind a guard.

Whoosh answers a query through a tree of matchers, one document at a time, in Python, and runs
a generator per analysis filter for every word: at 100k documents the first was most of a
one-word search, the second half of indexing. Reading what whoosh-reloaded 2.7.5 keeps to itself
(posting blocks, the one-byte length columns, the pickled positions, the analyzers' settings):

- ``evaluate``: a query made only of terms and exact phrases joined by AND, OR and NOT (what the
  search box makes of plain words and quotes) is scored a posting block at a time with numpy,
  every document at once, as Whoosh's matchers score it: BM25F with Whoosh's scorer parameters
  (idf, average field length, B, K1) and field lengths, boosts multiplied in, sums over AND and
  OR, 1.0 for what a NOT matches. An exact phrase is the AND of its words, then the positions of
  those candidates are compared all at once (as sorted (candidate, position) keys). A term's
  decoded postings are kept between searches in the caller's ``posting_cache.PostingCache``.
- ``analyse``: the text analyzer's chain (tokenize, lower-case, fold, drop stop words, stem) as
  one loop.

Either returns None for what it does not handle (wildcards, ranges, sloppy phrases, another
weighting or analyzer) and whenever the accelerator is off; the caller then asks Whoosh's public
API, which gives the same results, slower.

Nothing private is looked up at import. ``start`` (from ``Index.open``) looks the names up once
per process and checks the analysis against Whoosh's; the first search checks the scoring
(``indexer.accelerator_check``). A missing name, a difference, or any unexpected error while it
works switches the accelerator off for the process with one warning on the "dossier.indexer"
logger; Whoosh's public API answers from then on. ``DOSSIER_WHOOSH_ACCELERATOR=off`` in the
environment keeps it off from the start.
"""
from __future__ import annotations

import functools
import logging
import os
import pickle
import threading
from collections.abc import Callable
from dataclasses import dataclass
from itertools import chain

import numpy as np
from whoosh import formats, query
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.codec import whoosh3
from whoosh.lang import stemmer_for_language
from whoosh.matching import FilterMatcher
from whoosh.reading import SegmentReader
from whoosh.scoring import BM25FScorer, WeightScorer
from whoosh.util.numeric import byte_to_length

from .posting_cache import ABSENT, PostingCache, Postings

ENV = "DOSSIER_WHOOSH_ACCELERATOR"
log = logging.getLogger("dossier.indexer")

_LENGTH_OF_BYTE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)
_CHAIN = (RegexTokenizer, LowercaseFilter, CharsetFilter, StopFilter, StemFilter)
_STEMS_MAX = 200_000
_LOGGED_QUERY_CHARS = 200


# ---- the switch -------------------------------------------------------------------------

class _Switch:
    def __init__(self):
        self.lock = threading.RLock()
        self.decided = False
        self.internals: _Internals | None = None     # None: off
        self.off_because: str | None = None
        self.scoring_check: Callable[[], str | None] | None = None
        self.scoring_checked = False


_switch = _Switch()


def start(analysis_check: Callable[[], str | None], scoring_check: Callable[[], str | None]) -> None:
    """Decide once per process whether the accelerator runs: unless the environment says off,
    look the internals up, switch on and run ``analysis_check``; ``scoring_check`` runs at the
    first ``evaluate`` (it writes a tiny index: a process that never searches neither pays for
    it nor commits any index but its own). A check compares the accelerator with Whoosh's public
    API and says what differs (None: nothing)."""
    switch = _switch
    with switch.lock:
        if switch.decided:
            return
        switch.decided = True
        if os.environ.get(ENV, "").strip().lower() == "off":
            log.info("Whoosh accelerator off (%s=off)", ENV)
            return
        try:
            switch.internals = _Internals()
        except AttributeError as e:
            _switch_off(f"a Whoosh internal is missing: {e}")
            return
        if _passes(analysis_check):
            switch.scoring_check = scoring_check


def _passes(check: Callable[[], str | None]) -> bool:
    try:
        difference = check()
    except Exception as e:
        difference = f"its self-check failed: {type(e).__name__}: {e}"
    if difference:
        _switch_off(difference)
    return not difference


def _scoring_on(switch: _Switch) -> bool:
    """Whether ``evaluate`` may answer, the scoring self-check run first if it has not been (it
    calls ``evaluate`` itself, and gets in: the lock is this thread's)."""
    with switch.lock:
        check, switch.scoring_check = switch.scoring_check, None
        if check is not None and _passes(check):
            switch.scoring_checked = True
        return switch.internals is not None


def is_on() -> bool:
    return _switch.internals is not None


def _switch_off(reason: str) -> None:
    switch = _switch
    with switch.lock:
        if switch.off_because is not None:
            return
        switch.internals, switch.off_because = None, reason
    log.warning("Whoosh accelerator off for this process, Whoosh's public API answers instead: %s", reason)


def _failed(e: Exception, doing: str) -> None:
    _switch_off(f"{type(e).__name__} {doing}: {e}")


# ---- the contract -------------------------------------------------------------------------

def evaluate(q: query.Query, searcher, lengths: dict,
             postings: PostingCache | None = None) -> tuple[np.ndarray, np.ndarray] | None:
    """Global docnums matching ``q`` (ascending) and their scores, or None. ``lengths`` caches
    field-length arrays by (segment id, field), and ``postings`` decoded postings, for as long
    as the caller keeps them (one index's: segment ids are only unique within an index)."""
    switch = _switch
    internals = switch.internals
    if internals is None or not (switch.scoring_checked or _scoring_on(switch)):
        return None
    try:
        return _evaluate(internals, q, searcher, lengths, postings) if _supported(q) else None
    except _Unsupported:
        return None
    except OSError:
        raise       # the index changed under the searcher: the caller retries on a fresh one
    except Exception as e:
        _failed(e, f"evaluating {str(q)[:_LOGGED_QUERY_CHARS]!r}")
        return None


def analyse(text: str, analyzer, collect: Callable):
    """``collect`` of the (term, position, start character) of every token of ``text`` as
    ``analyzer`` indexes it, or None."""
    if _switch.internals is None:
        return None
    try:
        plan = _Plan.of(analyzer)
        return None if plan is None else collect(plan.tokens(text))
    except Exception as e:
        _failed(e, "analysing a text")
        return None


# ---- the internals ------------------------------------------------------------------------

class _Unsupported(Exception):
    """The query has a part this module does not evaluate."""


class _Internals:
    """The private names of whoosh-reloaded 2.7.5 read here; AttributeError when one is missing
    (the attributes of instances can only fail when used: the self-check uses each of them)."""

    def __init__(self):
        self.leaf_matcher = whoosh3.W3LeafMatcher
        for method in ("_read_ids", "_read_weights", "_read_values", "_next_block"):
            getattr(self.leaf_matcher, method)
        self.length_field = whoosh3._lenfield
        self.lengths_column = whoosh3.LENGTHS_COLUMN
        getattr(whoosh3.W3PerDocReader, "_cached_reader")
        getattr(SegmentReader, "deleted_docs_set")

    def postings(self, reader, fieldname: str, btext: bytes, positions: formats.Format | None) -> Postings:
        """A term's postings in a segment, read a block at a time (ABSENT without any), with
        their positions decoded when a ``positions`` format is given. Deleted documents are
        included."""
        if (fieldname, btext) not in reader:
            return ABSENT
        m = reader.postings(fieldname, btext)
        if isinstance(m, FilterMatcher):
            m = m.child
        if type(m) is not self.leaf_matcher:
            raise _Unsupported(type(m).__name__)
        ids, weights, vals = [], [], []
        while m.is_active():
            m._read_ids()
            m._read_weights()
            ids.append(np.asarray(m._ids, dtype=np.int64))
            weights.append(np.asarray(m._weights, dtype=np.float64))
            if positions is not None:
                m._read_values()
                vals.extend(m._values)
            m._next_block()
        if not ids:
            return ABSENT
        ids, weights = np.concatenate(ids), np.concatenate(weights)
        if positions is None:
            return Postings(ids, weights)
        offsets, flat = _decoded(vals, positions)
        return Postings(ids, weights, offsets, flat)

    def lengths(self, reader, fieldname: str, n: int) -> np.ndarray:
        """Every document's length of the field as Whoosh's scorer sees it (the one-byte
        approximation of the length column); 1 for a field without lengths, as the scorer."""
        column = reader._perdoc._cached_reader(self.length_field(fieldname), self.lengths_column)
        if column is None:
            return np.ones(n)
        # The column ends at the last document with a length: the rest have none (0).
        count = min(column._count, n)
        raw = column._dbfile.get(column._basepos, count)
        if len(raw) != count:
            raise ValueError(f"{len(raw)} bytes of a length column of {count}")
        lengths = np.zeros(n)
        lengths[:count] = _LENGTH_OF_BYTE[np.frombuffer(raw, dtype=np.uint8)]
        return lengths

    @staticmethod
    def deleted(reader) -> frozenset:
        return reader.deleted_docs_set


_POSITIONS_HEAD = 6          # a Positions value: 4 bytes of count, then pickle's protocol-2 header
_PICKLE_HEAD = b"\x80\x02"
_STOP = ord(".")
_POSITION_BITS = 32          # a (candidate, position) pair as one int64 key


def _consecutive(words: list[Postings], docs: np.ndarray) -> np.ndarray:
    """Which of ``docs`` (held by every word) hold word 0 at some position p, word 1 at p + 1,
    and so on: every candidate's positions compared at once, as sorted int64 keys
    (candidate, position - offset of the word)."""
    common = None
    for offset, word in enumerate(words):
        candidate, position = _gathered(word, np.searchsorted(word.ids, docs))
        position -= offset
        keep = position >= 0
        keys = (candidate[keep] << _POSITION_BITS) | position[keep]     # ascending: no sort needed
        common = keys if common is None else _in_sorted(common, keys)
        if not common.size:
            break
    found = common >> _POSITION_BITS
    return found[np.r_[True, found[1:] != found[:-1]]] if found.size else found


def _in_sorted(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The items of sorted ``a`` that are in sorted ``b``."""
    if not b.size:
        return b
    at = np.minimum(np.searchsorted(b, a), b.size - 1)
    return a[b[at] == a]


def _gathered(word: Postings, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(candidate index, position) of every position of the postings at ``rows``."""
    starts = word.offsets[rows]
    counts = word.offsets[rows + 1] - starts
    total = int(counts.sum())
    before = np.cumsum(counts) - counts
    flat = np.repeat(starts - before, counts) + np.arange(total, dtype=np.int64)
    return np.repeat(np.arange(rows.size, dtype=np.int64), counts), word.positions[flat].astype(np.int64)


def _decoded(values: list[bytes], positions: formats.Format) -> tuple[np.ndarray, np.ndarray]:
    """(offsets, positions) of every posting's value: the positions of posting i are
    ``positions[offsets[i]:offsets[i + 1]]``."""
    gaps = _gap_lists(values) if type(positions) is formats.Positions else None
    lists = gaps if gaps is not None else [positions.decode_positions(v) for v in values]
    counts = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    offsets = np.concatenate(([0], np.cumsum(counts)))
    flat = np.fromiter(chain.from_iterable(lists), dtype=np.int64, count=int(offsets[-1]))
    if gaps is not None:
        # Each list holds the gaps between its positions: a running sum, restarted at each list.
        running = np.cumsum(flat)
        flat = running - np.repeat(np.concatenate(([0], running))[offsets[:-1]], counts)
    return offsets, flat.astype(np.int32)


def _gap_lists(values: list[bytes]) -> list[list[int]] | None:
    """``formats.Positions`` values (a count, then a pickled list of the gaps between positions,
    with or without pickle's final ".") unpickled in one call, as the items of one list: their
    headers and final dots are cut out of the joined bytes with numpy, not value by value.
    None when a value is not in that form."""
    if not values:
        return []
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    if lengths.min() <= _POSITIONS_HEAD:
        return None
    joined = np.frombuffer(b"".join(values), dtype=np.uint8)
    ends = np.cumsum(lengths)
    starts = ends - lengths
    if (joined[starts + 4] != _PICKLE_HEAD[0]).any() or (joined[starts + 5] != _PICKLE_HEAD[1]).any():
        return None
    cut = np.zeros(joined.size + 1, dtype=np.int32)     # +1 where a cut-out run starts, -1 after it
    np.add.at(cut, starts, 1)
    np.add.at(cut, starts + _POSITIONS_HEAD, -1)
    dotted = ends[joined[ends - 1] == _STOP]
    np.add.at(cut, dotted - 1, 1)
    np.add.at(cut, dotted, -1)
    body = joined[np.cumsum(cut[:-1]) == 0].tobytes()
    try:
        lists = pickle.loads(_PICKLE_HEAD + b"](" + body + b"e.")
    except Exception:
        return None
    if len(lists) != len(values) or not all(type(x) is list for x in lists):
        return None
    return lists


# ---- scoring ------------------------------------------------------------------------------

def _supported(q: query.Query) -> bool:
    if isinstance(q, query.Term):
        return True
    if isinstance(q, query.Phrase):      # exact phrases; a slop ("a b"~3) goes to Whoosh
        return q.slop == 1 and bool(q.words)
    if isinstance(q, (query.And, query.Or)):
        if q.boost != 1.0 or (isinstance(q, query.Or) and (q.minmatch or q.scale)):
            return False
        return all(_supported(s) for s in q.subqueries)
    if isinstance(q, query.AndNot):
        return q.boost == 1.0 and _supported(q.a) and _supported(q.b)
    if isinstance(q, query.Not):
        return q.boost == 1.0 and _supported(q.query)
    return q is query.NullQuery


def _evaluate(internals: _Internals, q: query.Query, searcher, lengths: dict, postings: PostingCache | None):
    if searcher.weighting.use_final:
        raise _Unsupported("a final scoring step")
    docs_parts, score_parts = [], []
    scorers: dict = {}      # a term's scorer holds whole-index statistics: the same in every segment
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        if not reader.doc_count_all():
            continue
        if type(reader) is not SegmentReader:
            raise _Unsupported(type(reader).__name__)
        segment = _Segment(internals, sub, searcher, lengths, postings, scorers)
        present, scores = segment.eval(q)
        present &= segment.live
        docs = np.flatnonzero(present)
        docs_parts.append(docs + offset)
        score_parts.append(scores[docs])
    if not docs_parts:
        return np.zeros(0, np.int64), np.zeros(0, np.float64)
    return np.concatenate(docs_parts), np.concatenate(score_parts)


class _Segment:
    def __init__(self, internals: _Internals, sub, top, lengths: dict, postings: PostingCache | None,
                 scorers: dict):
        self.internals, self.sub, self.top, self.lengths, self.cache = internals, sub, top, lengths, postings
        self.scorers = scorers
        self.reader = sub.reader()
        self.n = self.reader.doc_count_all()
        self.segid = self.reader.segment().segment_id()
        self.live = np.ones(self.n, dtype=bool)
        deleted = internals.deleted(self.reader)
        if deleted:
            self.live[np.fromiter(deleted, dtype=np.int64, count=len(deleted))] = False

    def eval(self, q) -> tuple[np.ndarray, np.ndarray]:
        """(matches, scores) over the segment's docnums; a score is 0 where there is no match
        (an OR adds its parts' scores, and a non-match must add nothing)."""
        present, scores = self._eval(q)
        scores[~present] = 0.0
        return present, scores

    def _eval(self, q) -> tuple[np.ndarray, np.ndarray]:
        if isinstance(q, query.Term):
            return self._term(q)
        if isinstance(q, query.Phrase):
            return self._phrase(q)
        if isinstance(q, query.Not):
            # Whoosh's InverseMatcher: every document the child does not match, scored 1.0
            present = ~self.eval(q.query)[0]
            return present, present.astype(np.float64)
        if isinstance(q, query.AndNot):
            present, scores = self.eval(q.a)
            present &= ~self.eval(q.b)[0]
            return present, scores
        if isinstance(q, (query.And, query.Or)) and q.subqueries:
            parts = [self.eval(s) for s in q.subqueries]
            present, scores = parts[0]
            for p, s in parts[1:]:
                if isinstance(q, query.And):
                    present &= p
                else:
                    present |= p
                scores += s
            return present, scores
        return np.zeros(self.n, dtype=bool), np.zeros(self.n)

    def _term(self, q: query.Term):
        present, scores = np.zeros(self.n, dtype=bool), np.zeros(self.n)
        btext = self._btext(q.fieldname, q.text)
        postings = ABSENT if btext is None else self._postings(q.fieldname, btext, None)
        if postings.ids.size:
            present[postings.ids] = True
            scores[postings.ids] = self._scores(q.fieldname, btext, postings.ids, postings.weights) * q.boost
        return present, scores

    def _phrase(self, q: query.Phrase):
        """Whoosh's phrase matcher: the documents holding the words at consecutive positions,
        scored as the sum of the words' scores."""
        present, scores = np.zeros(self.n, dtype=bool), np.zeros(self.n)
        if q.fieldname not in self.reader.schema:
            return present, scores
        positions = self.reader.schema[q.fieldname].format
        if not positions.supports("positions"):
            raise _Unsupported("no positions")      # Whoosh's own error tells the user
        btexts = [self._btext(q.fieldname, w) for w in q.words]
        if any(b is None for b in btexts):
            return present, scores
        words = []
        for btext in btexts:
            word = self._postings(q.fieldname, btext, positions)
            if not word.ids.size:
                return present, scores
            words.append(word)
        candidates = np.ones(self.n, dtype=bool)
        for btext, word in zip(btexts, words):
            mask = np.zeros(self.n, dtype=bool)
            mask[word.ids] = True
            candidates &= mask
            scores[word.ids] += self._scores(q.fieldname, btext, word.ids, word.weights)
        docs = np.flatnonzero(candidates)
        if docs.size:
            present[docs[_consecutive(words, docs)]] = True
        scores *= q.boost
        return present, scores

    def _postings(self, fieldname: str, btext: bytes, positions: formats.Format | None) -> Postings:
        """The term's postings in this segment, from the cache when they were read before
        (with positions, when asked for)."""
        if self.cache is None:
            return self.internals.postings(self.reader, fieldname, btext, positions)
        key = (self.segid, fieldname, btext)
        cached = self.cache.get(key)
        if cached is not None and (positions is None or cached.positions is not None or cached is ABSENT):
            return cached
        postings = self.internals.postings(self.reader, fieldname, btext, positions)
        self.cache.put(key, postings)
        return postings

    def _btext(self, fieldname: str, text) -> bytes | None:
        schema = self.reader.schema
        if fieldname not in schema:
            return None
        try:
            return schema[fieldname].to_bytes(text)
        except ValueError:
            return None

    def _scores(self, fieldname: str, btext: bytes, ids: np.ndarray, weights: np.ndarray) -> np.ndarray:
        scorer = self.scorers.get((fieldname, btext))
        if scorer is None:
            scorer = self.scorers[(fieldname, btext)] = self.top.weighting.scorer(self.sub, fieldname, btext)
        if type(scorer) is BM25FScorer:
            fl = self._lengths(fieldname)[ids]
            tf = weights
            return scorer.idf * ((tf * (scorer.K1 + 1)) / (tf + scorer.K1 * ((1 - scorer.B) + scorer.B * fl / scorer.avgfl)))
        if type(scorer) is WeightScorer:      # fields without lengths (facets)
            return weights
        raise _Unsupported(type(scorer).__name__)

    def _lengths(self, fieldname: str) -> np.ndarray:
        key = (self.segid, fieldname)
        cached = self.lengths.get(key)
        if cached is None:
            cached = self.lengths[key] = self.internals.lengths(self.reader, fieldname, self.n)
        return cached


# ---- analysis -----------------------------------------------------------------------------

_STEMS: dict[object, dict[str, str]] = {}


@dataclass
class _Plan:
    """The analyzer chain ``_CHAIN`` as one loop: Whoosh runs a generator per step for every
    word, which made analysis half of indexing."""

    finditer: Callable
    charmap: dict
    stops: frozenset
    minsize: int
    maxsize: int | None
    renumber: bool
    stem: Callable[[str], str]
    stem_key: object          # which stemmer: its memo of stems is kept between documents
    ignore: frozenset

    @classmethod
    def of(cls, analyzer) -> _Plan | None:
        """The plan of exactly that chain; None for any other analyzer."""
        items = getattr(analyzer, "items", None)
        if not items or tuple(type(i) for i in items) != _CHAIN or items[0].gaps:
            return None
        tokenizer, _, charset, stop, stemmer = items
        stem_key = ("lang", stemmer.lang) if stemmer.lang else stemmer.stemfn
        stem = _stemmer(stemmer.lang) if stemmer.lang else stemmer.stemfn
        return cls(tokenizer.expression.finditer, charset.charmap, stop.stops, stop.min, stop.max,
                   stop.renumber, stem, stem_key, stemmer.ignore)

    def tokens(self, text: str):
        finditer, charmap, stops, stem, ignore = self.finditer, self.charmap, self.stops, self.stem, self.ignore
        minsize, maxsize, renumber = self.minsize, self.maxsize, self.renumber
        memo = _STEMS.setdefault(self.stem_key, {})
        if len(memo) > _STEMS_MAX:
            memo.clear()
        pos = None
        for index, match in enumerate(finditer(text)):
            word = match.group(0).lower().translate(charmap)
            if len(word) < minsize or (maxsize is not None and len(word) > maxsize) or word in stops:
                continue
            # StopFilter's renumbering: the first kept word keeps its place, the rest follow on
            pos = index if pos is None or not renumber else pos + 1
            if word not in ignore:
                stemmed = memo.get(word)
                if stemmed is None:
                    stemmed = memo[word] = stem(word)
                word = stemmed
            yield word, pos, match.start()


@functools.cache
def _stemmer(lang: str) -> Callable[[str], str]:
    return stemmer_for_language(lang)
