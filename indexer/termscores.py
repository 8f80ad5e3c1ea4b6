"""Scoring a query a posting list at a time, with numpy.

Whoosh scores one document at a time through a tree of matchers, in Python: at
100k documents that was most of a one-word search. For queries made only of
terms and exact phrases joined by AND, OR and NOT (what the search box makes
of plain words and quotes), ``evaluate`` reads each term's postings a block at
a time and computes, for every document at once, the score Whoosh's matchers
would give: BM25F with Whoosh's own scorer parameters (idf, average field
length, B, K1), the field lengths from the same length columns, term boosts
multiplied in, sums over AND and OR. Exact phrases are the AND of their words,
then the positions are checked for those candidates only. Anything else
(wildcards, ranges, sloppy phrases, another weighting) returns None and goes
through Whoosh's matchers. ``tests/indexer/test_termscores.py`` checks both
paths give the same matches and scores.

It reads two Whoosh 2.7 internals (posting blocks, the raw length column);
where they are not what it expects it returns None too.
"""
from __future__ import annotations

import pickle
from itertools import accumulate

import numpy as np
from whoosh import formats, query
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.matching import FilterMatcher
from whoosh.scoring import BM25FScorer, WeightScorer
from whoosh.util.numeric import byte_to_length

_LENGTH_OF_BYTE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


def _decode_positions(value: bytes) -> list[int]:
    """``formats.Positions.decode_positions``: a count, then the pickled gaps
    between positions (Whoosh leaves off the pickle's final "."); the running
    sum in C instead of a Python loop: 0.57 of 2.06 s of the phrase queries at
    100k documents were this."""
    return list(accumulate(pickle.loads(value[4:] if value.endswith(b".") else value[4:] + b".")))


class Unsupported(Exception):
    """The query has a part this module does not evaluate."""


def evaluate(q: query.Query, searcher, lengths: dict) -> tuple[np.ndarray, np.ndarray] | None:
    """Global docnums matching ``q`` (ascending) and their scores, or None when
    ``q`` needs Whoosh's matchers. ``lengths`` caches field-length arrays by
    (segment id, field) for as long as the caller keeps it."""
    if not _supported(q):
        return None
    docs_parts, score_parts = [], []
    try:
        for sub, offset in searcher.leaf_searchers():
            leaf = _Segment(sub, searcher, lengths)
            present, scores = leaf.eval(q)
            present &= leaf.live
            docs = np.flatnonzero(present)
            docs_parts.append(docs + offset)
            score_parts.append(scores[docs])
    except Unsupported:
        return None
    if not docs_parts:
        return np.zeros(0, np.int64), np.zeros(0, np.float64)
    return np.concatenate(docs_parts), np.concatenate(score_parts)


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


class _Segment:
    def __init__(self, sub, top, lengths: dict):
        self.sub, self.top, self.lengths = sub, top, lengths
        self.reader = sub.reader()
        self.n = self.reader.doc_count_all()
        segment = self.reader.segment() if hasattr(self.reader, "segment") else None
        self.segid = segment.segment_id() if segment is not None else None
        self.live = np.ones(self.n, dtype=bool)
        deleted = getattr(self.reader, "deleted_docs_set", None) or ()
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
        postings = self._postings(q.fieldname, q.text)
        if postings is not None:
            ids, weights, _ = postings
            present[ids] = True
            scores[ids] = self._scores(q.fieldname, q.text, ids, weights) * q.boost
        return present, scores

    def _phrase(self, q: query.Phrase):
        """Whoosh's phrase matcher: the documents holding the words at
        consecutive positions, scored as the sum of the words' scores."""
        present, scores = np.zeros(self.n, dtype=bool), np.zeros(self.n)
        if q.fieldname not in self.reader.schema:
            return present, scores
        positions = self.reader.schema[q.fieldname].format
        if not positions.supports("positions"):
            raise Unsupported("no positions")      # Whoosh's own error tells the user
        words = [self._postings(q.fieldname, w, values=True) for w in q.words]
        if any(w is None for w in words):
            return present, scores
        candidates = np.ones(self.n, dtype=bool)
        for word, (ids, weights, _) in zip(q.words, words):
            mask = np.zeros(self.n, dtype=bool)
            mask[ids] = True
            candidates &= mask
            scores[ids] += self._scores(q.fieldname, word, ids, weights)
        docs = np.flatnonzero(candidates)
        decode = _decode_positions if type(positions) is formats.Positions else positions.decode_positions
        values = [[vals[i] for i in np.searchsorted(ids, docs).tolist()] for ids, _, vals in words]
        for n, doc in enumerate(docs.tolist()):
            starts = set(decode(values[0][n]))
            for offset in range(1, len(words)):
                starts &= {p - offset for p in decode(values[offset][n])}
                if not starts:
                    break
            else:
                present[doc] = True
        scores *= q.boost
        return present, scores

    def _postings(self, fieldname: str, text, values: bool = False):
        """(ids, weights, values or None) of a term in this segment; None without postings."""
        schema = self.reader.schema
        if fieldname not in schema:
            return None
        try:
            btext = schema[fieldname].to_bytes(text)
        except ValueError:
            return None
        if (fieldname, btext) not in self.reader:
            return None
        m = self.reader.postings(fieldname, btext)
        if isinstance(m, FilterMatcher):       # deleted documents: ``live`` drops them
            m = m.child
        if type(m) is not W3LeafMatcher:
            raise Unsupported(type(m).__name__)
        ids, weights, vals = [], [], []
        while m.is_active():
            m._read_ids()
            m._read_weights()
            ids.append(np.asarray(m._ids, dtype=np.int64))
            weights.append(np.asarray(m._weights, dtype=np.float64))
            if values:
                m._read_values()
                vals.extend(m._values)
            m._next_block()
        if not ids:
            return None
        return np.concatenate(ids), np.concatenate(weights), (vals if values else None)

    def _scores(self, fieldname: str, text, ids: np.ndarray, weights: np.ndarray) -> np.ndarray:
        btext = self.reader.schema[fieldname].to_bytes(text)
        scorer = self.top.weighting.scorer(self.sub, fieldname, btext)
        if type(scorer) is BM25FScorer:
            fl = self._lengths(fieldname)[ids]
            tf = weights
            return scorer.idf * ((tf * (scorer.K1 + 1)) / (tf + scorer.K1 * ((1 - scorer.B) + scorer.B * fl / scorer.avgfl)))
        if type(scorer) is WeightScorer:      # fields without lengths (facets)
            return weights
        raise Unsupported(type(scorer).__name__)

    def _lengths(self, fieldname: str) -> np.ndarray:
        key = (self.segid, fieldname)
        cached = self.lengths.get(key) if self.segid else None
        if cached is None:
            cached = self._read_lengths(fieldname)
            if self.segid:
                self.lengths[key] = cached
        return cached

    def _read_lengths(self, fieldname: str) -> np.ndarray:
        """Every document's length of the field, as Whoosh's scorer sees it (the
        one-byte approximation of the length column)."""
        try:
            column = self.reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            if column is None:              # a field without lengths: Whoosh's scorer uses 1
                return np.ones(self.n)
            raw = column._dbfile.get(column._basepos, self.n)
        except AttributeError as e:
            raise Unsupported("length column") from e
        return _LENGTH_OF_BYTE[np.frombuffer(raw, dtype=np.uint8)]
