"""Which of a few documents a parsed query matches, read from the terms those documents hold,
with Whoosh's public API only (a term's postings, skipped to each document).

Percolation asks this of thousands of saved searches about one or two new documents: running
each query over the whole index (what the search does) costs its postings there, while here a
term costs one look-up per document, shared by every query holding it.

``compiled`` turns a parsed query into a small tree of tuples (terms, exact phrases, AND, OR,
NOT; boosts dropped: they change scores, never matches). A part it does not take (a range, a
sloppy phrase; a wildcard or fuzzy term unless ``expand`` is given) becomes ``UNKNOWN``: then
``Few.value`` says which documents the query surely matches and which it may match, which is
enough to know it matches none of them. Matching follows Whoosh's matchers: a term matches the
documents it has postings in; a wildcard or fuzzy term, those holding a word it expands to in
their segment (a word is in a document's segment when the document holds it, so expanding
over the whole index gives the same answer); an exact phrase, those holding its words at
consecutive positions; NOT, every document its query does not match. A phrase on a field
without positions makes the search fail, so the whole query then matches nothing.
"""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence

from whoosh import query

from .negation import AndNot, Not
from .query import MAX_EXPANSIONS, expansion

NOTHING = ("nothing",)
EVERYTHING = ("everything",)       # an empty query
UNKNOWN = ("unknown",)
LEXICON_AFTER = 200        # look-ups in one field of a segment, at least, before its words are read
_AND_NOT = (query.AndNot, AndNot)
_NOT = (query.Not, Not)
_EXPANDING = (query.Prefix, query.Wildcard, query.FuzzyTerm)

Expand = Callable[[query.Query], list[tuple[str, object]]]


class _SearchFails(Exception):
    """The search itself would fail on this query (so it finds nothing)."""


def compiled(q: query.Query, schema, shared: dict, expand: Expand | None = None) -> tuple[tuple, bool]:
    """``q`` as a tree of tuples, and whether it is exact (holds no ``UNKNOWN``). Its nodes are
    taken from ``shared`` when an equal one is there (the same word in many saved searches is
    one node, answered once). ``expand`` gives a wildcard or fuzzy term's (field, word) pairs."""
    compiler = _Compiler(schema, shared, expand)
    try:
        node = compiler.node(q)
    except _SearchFails:
        return NOTHING, True
    return node, not compiler.unknown


class _Compiler:
    def __init__(self, schema, shared: dict, expand: Expand | None):
        self.schema, self.shared, self.expand = schema, shared, expand
        self.unknown = False

    def node(self, q: query.Query) -> tuple:
        kind = type(q)
        if q is query.NullQuery:
            return NOTHING
        if kind is query.Term:
            return self.term(q.fieldname, q.text)
        if kind is query.Phrase and q.slop == 1 and q.words:
            return self.phrase(q)
        if kind in (query.And, query.Or) and not (kind is query.Or and q.minmatch):
            return self.compound("and" if kind is query.And else "or", [self.node(s) for s in q.subqueries])
        if kind in _AND_NOT:
            return self.share(("andnot", self.node(q.a), self.node(q.b)))
        if kind in _NOT:
            return self.share(("not", self.node(q.query)))
        if kind in _EXPANDING and self.expand is not None and q.text != "*":
            return self.compound("or", [self.term(field, text) for field, text in self.expand(q) if text])
        self.unknown = True
        return UNKNOWN

    def term(self, fieldname: str, text) -> tuple:
        btext = self.btext(fieldname, text)
        return NOTHING if btext is None else self.share(("term", fieldname, btext))

    def phrase(self, q: query.Phrase) -> tuple:
        if q.fieldname not in self.schema:
            return NOTHING
        if not self.schema[q.fieldname].format.supports("positions"):
            raise _SearchFails(f"{q.fieldname} has no positions")
        btexts = [self.btext(q.fieldname, w) for w in q.words]
        if any(b is None for b in btexts):
            return NOTHING
        return self.share(("phrase", q.fieldname, tuple(btexts)))

    def compound(self, kind: str, parts: list[tuple]) -> tuple:
        if not parts:
            return NOTHING
        return parts[0] if len(parts) == 1 else self.share((kind, tuple(parts)))

    def btext(self, fieldname: str, text) -> bytes | None:
        if fieldname not in self.schema:
            return None
        if isinstance(text, bytes):
            return text
        try:
            return self.schema[fieldname].to_bytes(text)
        except ValueError:
            return None

    def share(self, node: tuple) -> tuple:
        return self.shared.setdefault(node, node)


class Few:
    """A few documents of a reader (global docnums, each given a bit: the first 1, the next 2,
    ...) and what compiled queries match among them; each node is answered once."""

    def __init__(self, reader, docnums: Sequence[int]):
        self.all = (1 << len(docnums)) - 1
        self.leaves = list(reader.leaf_readers())
        offsets = [offset for _, offset in self.leaves]
        by_leaf: dict[int, list[tuple[int, int]]] = {}
        for bit, docnum in enumerate(docnums):
            leaf = bisect_right(offsets, docnum) - 1
            by_leaf.setdefault(leaf, []).append((docnum - offsets[leaf], 1 << bit))
        self._docs = [_Leaf(self.leaves[i][0], sorted(docs)) for i, docs in by_leaf.items()]
        self._values: dict[int, tuple[int, int]] = {}
        self._terms: dict[tuple[str, bytes], int] = {}
        self._positions: dict[tuple[str, bytes], dict[int, set[int]]] = {}

    def expand(self, q: query.Query) -> list[tuple[str, object]]:
        """The (field, word) pairs a wildcard or fuzzy term stands for in the documents' segments."""
        return [pair for leaf in self._docs for pair in expansion(q, leaf.reader, MAX_EXPANSIONS)]

    def value(self, node: tuple) -> tuple[int, int]:
        """The bits of the documents ``node`` surely matches, and of those it may match (the
        same bits unless the node holds ``UNKNOWN``). Nodes are told apart by their first item,
        never by identity: they may come back from a file."""
        key = id(node)      # nodes are shared and outlive this object: equal ones are one
        found = self._values.get(key)
        if found is None:
            found = self._values[key] = self._value(node)
        return found

    def _value(self, node: tuple) -> tuple[int, int]:
        kind = node[0]
        if kind == "term":
            bits = self.term(node[1], node[2])
            return bits, bits
        if kind == "and":
            yes = maybe = self.all
            for part in node[1]:
                y, m = self.value(part)
                yes, maybe = yes & y, maybe & m
                if not maybe:
                    break
            return yes, maybe
        if kind == "or":
            yes = maybe = 0
            for part in node[1]:
                y, m = self.value(part)
                yes, maybe = yes | y, maybe | m
                if yes == self.all:
                    break
            return yes, maybe
        if kind == "andnot":
            (ya, ma), (yb, mb) = self.value(node[1]), self.value(node[2])
            return ya & ~mb, ma & ~yb
        if kind == "not":
            yes, maybe = self.value(node[1])
            return self.all & ~maybe, self.all & ~yes
        if kind == "phrase":
            bits = self._phrase(node[1], node[2])
            return bits, bits
        if kind == "unknown":
            return 0, self.all
        if kind == "everything":
            return self.all, self.all
        return 0, 0

    def term(self, fieldname: str, btext: bytes) -> int:
        key = (fieldname, btext)
        found = self._terms.get(key)
        if found is None:
            found = self._terms[key] = sum(bit for leaf in self._docs for bit, _ in leaf.postings(key, False))
        return found

    def _phrase(self, fieldname: str, btexts: tuple[bytes, ...]) -> int:
        candidates = self.all
        for btext in btexts:
            candidates &= self.term(fieldname, btext)
            if not candidates:
                return 0
        # Word by word, the start positions still possible in each candidate: a start stays
        # while every next word is at the next position.
        out = 0
        for bit in _bits(candidates):
            starts = None
            for offset, btext in enumerate(btexts):
                shifted = {p - offset for p in self._positions_of(fieldname, btext)[bit]}
                starts = shifted if starts is None else starts & shifted
                if not starts:
                    break
            else:
                out |= bit
        return out

    def _positions_of(self, fieldname: str, btext: bytes) -> dict[int, list[int]]:
        key = (fieldname, btext)
        found = self._positions.get(key)
        if found is None:
            found = self._positions[key] = {bit: where for leaf in self._docs for bit, where in leaf.postings(key, True)}
        return found


def _bits(bits: int):
    while bits:
        low = bits & -bits
        yield low
        bits ^= low


class _Leaf:
    """A segment holding some of the documents: its reader, (local docnum, bit) of each, and,
    once many terms were looked up in a field, the field's words in a set (it answers in a
    tenth of a microsecond, the segment's table of terms in ~10). Reading them costs about as
    much as as many look-ups as the segment has documents (a few words each): so many are made
    first, and the time lost is at most about what was spent."""

    def __init__(self, reader, docs: list[tuple[int, int]]):
        self.reader, self.docs = reader, docs
        self.read_after = max(LEXICON_AFTER, reader.doc_count_all())
        self.lookups: dict[str, int] = {}
        self.words: dict[str, set[bytes]] = {}

    def holds(self, fieldname: str, btext: bytes) -> bool:
        words = self.words.get(fieldname)
        if words is not None:
            return btext in words
        n = self.lookups[fieldname] = self.lookups.get(fieldname, 0) + 1
        if n >= self.read_after:
            self.words[fieldname] = set(self.reader.lexicon(fieldname))
        return (fieldname, btext) in self.reader

    def postings(self, key: tuple[str, bytes], positions: bool):
        """(bit, positions or None) of the documents holding the term."""
        if not self.holds(*key):
            return
        m = self.reader.postings(*key)
        for docnum, bit in self.docs:
            if not m.is_active():
                break
            m.skip_to(docnum)
            if m.is_active() and m.id() == docnum:
                yield bit, (m.value_as("positions") if positions else None)
