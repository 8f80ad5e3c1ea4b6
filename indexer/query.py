"""Reading user queries: Whoosh syntax, guarded against the expensive and the
unreadable, plus the helpers built on the parsed tree (highlight terms, pages
query, "did you mean")."""
from __future__ import annotations

import itertools
import re
from collections.abc import Callable

from whoosh import qparser, query
from whoosh.support.charset import accent_map

from .analysis import analysed
from .errors import QueryError
from .negation import corrected
from .schema import DEFAULT_FIELDS, FIELD_BOOSTS, TEXT_FIELDS
from .vocabulary import Words

MAX_QUERY_CHARS = 2_000
MAX_NESTING = 16
MAX_LEAVES = 1_500            # leaf queries after expansion over the default fields
MAX_WILDCARDS_PER_WORD = 4
MAX_EXPANSIONS = 1_000        # index words one wildcard/range may stand for
MAX_MULTITERMS = 20           # wildcard, fuzzy and range terms in one query (each one walks the index's words)
MAX_FUZZY = 5                 # fuzzy terms among them: each walks every field's words with an automaton
MAX_TOTAL_EXPANSIONS = 3_000  # index words all of them together may stand for
MIN_WILDCARD_PREFIX = 1
SUGGEST_MAXDIST = 2
SUGGEST_MAX_WORDS = 6         # more unknown words than this: the query is no typo, and gets no suggestion
SUGGEST_CANDIDATES = 200      # close words considered per unknown word
SUGGEST_CHOICES = 4           # candidates per unknown word tried against the rest of the query
HIGHLIGHT_EXPANSIONS = 50

# Field names must start with a letter: keeps "1:18-cv-00428-RB" a case number
# rather than field "1".
_FIELDS_EXPR = r"(?P<text>[A-Za-z_]\w*):"
_WILDCARD_RE = re.compile(r"[*?\[]")       # what starts a wildcard in Whoosh's glob patterns


def _parser(fieldnames, schema) -> qparser.QueryParser:
    if len(fieldnames) == 1:
        parser = qparser.QueryParser(fieldnames[0], schema, group=qparser.AndGroup)
    else:
        boosts = {f: FIELD_BOOSTS.get(f, 1.0) for f in fieldnames}
        parser = qparser.MultifieldParser(list(fieldnames), schema, fieldboosts=boosts,
                                          group=qparser.AndGroup)
    parser.replace_plugin(qparser.FieldsPlugin(expr=_FIELDS_EXPR))
    parser.add_plugin(qparser.FuzzyTermPlugin())       # seperation~ (one edit), seperation~2
    return parser


def _fold(text: str) -> str:
    return text.lower().translate(accent_map)


def _literal_prefix(pattern: str) -> str:
    """The part of a wildcard pattern before its first wildcard character."""
    return _WILDCARD_RE.split(pattern, maxsplit=1)[0]


_PREFIXED = (query.Prefix, query.Wildcard)
MAX_KEPT_WORDS = 500_000          # words kept over all (segment, pattern) expansions: past it they start over


class _Kept:
    """(segment, pattern) -> the words it expands to there, at most MAX_KEPT_WORDS over all."""

    def __init__(self):
        self.expansions: dict[tuple, tuple] = {}
        self.words = 0

    def keep(self, key: tuple, words: tuple) -> None:
        if self.words + len(words) > MAX_KEPT_WORDS:
            self.expansions.clear()
            self.words = 0
        self.expansions[key] = words
        self.words += len(words)


_KEPT = _Kept()


def expansion(node: query.Query, reader, limit: int = MAX_EXPANSIONS) -> list:
    """The first ``limit`` + 1 (field, word) pairs a wildcard or fuzzy term expands to in the index
    (more than ``limit``: too many). A prefix or wildcard pattern's words are the union of each
    segment's, and a segment's words never change: they are kept for each segment and pattern,
    so a saved search with a wildcard costs only the newest segment's words at each publication."""
    if type(node) not in _PREFIXED or node.fieldname not in reader.schema:
        return list(itertools.islice(node.expanded_terms(reader), limit + 1))
    found: set = set()
    for leaf, _ in reader.leaf_readers():
        segment = getattr(leaf, "segment", None)
        key = segment and (segment().segment_id(), type(node), node.fieldname, node.text, limit)
        words = _KEPT.expansions.get(key) if key else None
        if words is None:
            words = tuple(itertools.islice(node.expanded_terms(leaf), limit + 1))
            if key and len(words) <= limit:     # more is refused anyway: not worth keeping
                _KEPT.keep(key, words)
        found.update(words)
        if len(found) > limit:
            break
    return sorted(found)[:limit + 1]


def walk(q: query.Query):
    yield q
    for child in q.children():
        yield from walk(child)


def positive_leaves(q: query.Query):
    """Leaves of the tree that are not under a NOT."""
    if isinstance(q, query.Not):
        return
    if isinstance(q, query.AndNot):
        yield from positive_leaves(q.a)
        return
    if q.is_leaf():
        yield q
        return
    for child in q.children():
        yield from positive_leaves(child)


def as_written(q: query.Query, text: str, schema, reader) -> query.Query:
    """Wildcards, prefixes and fuzzy terms over the words as people write them, not only their stems.

    The text fields hold stems (``separation`` is indexed as ``separ``), and Whoosh stems the
    pattern too (``immigr?tion`` becomes ``immigr?t``, ``famly~`` is one edit from a stem that is
    two away), so most patterns meet nothing. Each is also matched, as typed, against the
    index's unstemmed vocabulary (the ``words`` field), and the stems of the words it finds are
    searched beside it."""
    def rewrite(node: query.Query) -> query.Query:
        if not isinstance(node, (query.Prefix, query.Wildcard, query.FuzzyTerm)) or node.fieldname not in TEXT_FIELDS:
            return node
        typed = _typed_pattern(node, text)
        if typed is None:
            return node
        if isinstance(node, query.FuzzyTerm):
            written = query.FuzzyTerm("words", typed.split("~", 1)[0], maxdist=node.maxdist,
                                      prefixlength=node.prefixlength)
        else:
            written = type(node)("words", typed)
        found = expansion(written, reader)
        if len(found) > MAX_EXPANSIONS:
            raise QueryError(f"{node.text!r} matches too many words; make it more specific.")
        analyzer = schema[node.fieldname].analyzer
        words = (w.decode("utf-8") if isinstance(w, bytes) else w for _, w in found)
        stems = sorted({s for w in words if (s := analysed(w, analyzer))})
        if not stems:
            return node
        return query.Or([node, *(query.Term(node.fieldname, s) for s in stems)], boost=node.boost)
    return q.accept(rewrite)


_PATTERN_ENDS = frozenset(' \t\n()"')


def _typed_pattern(node: query.Query, text: str) -> str | None:
    """The pattern as it was typed (lower-cased, without its field name): the word around the
    node's span (Whoosh's span of a pattern covers only its last part)."""
    end = getattr(node, "endchar", None)
    if end is None or not 0 < end <= len(text):
        return None
    start = end - 1
    while start > 0 and text[start - 1] not in _PATTERN_ENDS:
        start -= 1
    while end < len(text) and text[end] not in _PATTERN_ENDS:
        end += 1
    typed = text[start:end].rsplit(":", 1)[-1].lower()
    if isinstance(node, query.Prefix):
        typed = typed.rstrip("*")
    return typed if _literal_prefix(typed) else None


class UserQuery:
    """A user's query text parsed for the main search (``q``: title, text and
    metadata) and for finding the PDF pages it matches (``page_q``: the text only)."""

    def __init__(self, text: str, schema, reader):
        self.text = text
        self.q = self._parse(text, DEFAULT_FIELDS, schema, reader)
        self.page_q = self._parse(text, ("text",), schema, reader)
        self.schema = schema

    @staticmethod
    def _check_text(text: str) -> None:
        if len(text) > MAX_QUERY_CHARS:
            raise QueryError(f"The query is too long ({len(text)} characters; at most {MAX_QUERY_CHARS}).")
        depth = deepest = 0
        for ch in text:
            if ch == "(":
                depth += 1
                deepest = max(deepest, depth)
            elif ch == ")":
                depth = max(0, depth - 1)
        if deepest > MAX_NESTING:
            raise QueryError(f"The query nests parentheses too deeply (at most {MAX_NESTING} levels).")
        for word in text.split():
            if sum(word.count(c) for c in "*?") > MAX_WILDCARDS_PER_WORD:
                raise QueryError(f"Too many wildcards in {word!r} (at most {MAX_WILDCARDS_PER_WORD} per word).")

    @classmethod
    def _parse(cls, text: str, fieldnames, schema, reader) -> query.Query:
        return cls.checked(cls.read(text, fieldnames, schema), text, schema, reader)

    @classmethod
    def read(cls, text: str, fieldnames, schema) -> query.Query:
        """The first half of parsing, which looks nothing up in the index: the tree as read,
        before the checks and the expansion of wildcard and fuzzy terms (``checked``)."""
        cls._check_text(text)
        try:
            return corrected(_parser(fieldnames, schema).parse(text))
        except RecursionError:
            raise QueryError("The query is too deeply nested to read.") from None
        except Exception as e:  # Whoosh's parser has no error contract of its own
            raise QueryError(f"Could not read the query {text!r}.") from e

    @classmethod
    def checked(cls, q: query.Query, text: str, schema, reader) -> query.Query:
        """The second half: ``q`` checked against the index's limits, wildcard and fuzzy terms
        also matched as written (``as_written``). Without such terms nothing depends on the index."""
        return as_written(cls._check_tree(q, text, reader), text, schema, reader)

    @staticmethod
    def _check_tree(q: query.Query, text: str, reader) -> query.Query:
        leaves = expansions = 0
        # Counted before any is expanded: expanding each costs a walk of the index's words.
        # One typed word is a term of every field (each field's analysis may spell it differently):
        # counted once, by where it ends in the query.
        multiterms = {(type(n), getattr(n, "endchar", None) or str(n).split(":", 1)[-1])
                      for n in walk(q) if isinstance(n, query.MultiTerm)}
        if len(multiterms) > MAX_MULTITERMS:
            raise QueryError(f"The query has too many wildcard, fuzzy or range terms (at most {MAX_MULTITERMS}).")
        if sum(1 for kind, _ in multiterms if issubclass(kind, query.FuzzyTerm)) > MAX_FUZZY:
            raise QueryError(f"The query has too many fuzzy terms (word~; at most {MAX_FUZZY}).")
        for node in walk(q):
            error = getattr(node, "error", None)
            if error:
                hint = " Dates look like 2018, 2018-06 or 2018-06-18." if "date" in text.lower() else ""
                raise QueryError(f"Could not read part of the query {text!r}.{hint}")
            if not node.is_leaf():
                continue
            leaves += 1
            if leaves > MAX_LEAVES:
                raise QueryError("The query has too many terms.")
            if isinstance(node, query.PatternQuery) and node.fieldname in TEXT_FIELDS:
                # Wildcards skip analysis: match the index's lower-cased, folded words.
                node.text = _fold(node.text)
            if isinstance(node, query.Term) and node.fieldname in reader.schema:
                try:
                    reader.schema[node.fieldname].to_bytes(node.text)
                except Exception as e:     # e.g. date:"" (Whoosh raises a bare Exception)
                    raise QueryError(f"Could not read part of the query {text!r}.") from e
            if isinstance(node, query.Every):
                raise QueryError("A field wildcard like `title:*` matches everything; leave the query empty instead.")
            if isinstance(node, query.MultiTerm):
                if isinstance(node, query.PatternQuery):
                    prefix = _literal_prefix(node.text) if isinstance(node, query.Wildcard) else node.text
                    if len(prefix) < MIN_WILDCARD_PREFIX:
                        raise QueryError(f"A wildcard cannot start a word ({node.text!r}): type at least "
                                         f"{MIN_WILDCARD_PREFIX} letter before it.")
                try:
                    n = len(expansion(node, reader))
                except Exception as e:
                    raise QueryError(f"Could not read part of the query {text!r}.") from e
                if n > MAX_EXPANSIONS:
                    raise QueryError(f"{str(node).split(':', 1)[-1]!r} matches too many words; make it more specific.")
                expansions += n
                if expansions > MAX_TOTAL_EXPANSIONS:
                    raise QueryError("Together, the wildcard and fuzzy terms of the query match too many words; "
                                     "make them more specific.")
        return q

    def highlight_terms(self, reader, q: query.Query | None = None) -> frozenset[str]:
        """Analysed term texts to mark in a snippet (positive terms of the text fields)."""
        terms: set[str] = set()
        for leaf in positive_leaves(self.q if q is None else q):
            if getattr(leaf, "fieldname", None) not in TEXT_FIELDS:
                continue
            if isinstance(leaf, query.Term):
                terms.add(leaf.text)
            elif isinstance(leaf, query.Phrase):
                terms.update(leaf.words)
            elif isinstance(leaf, query.MultiTerm):
                for _, btext in itertools.islice(leaf.expanded_terms(reader), HIGHLIGHT_EXPANSIONS):
                    terms.add(btext.decode("utf-8") if isinstance(btext, bytes) else btext)   # fuzzy: str
        return frozenset(t for t in terms if isinstance(t, str))

    def any_term_page_query(self) -> query.Query | None:
        """OR of the positive text terms: the fallback used to find pages when
        no single page matches the whole query."""
        leaves = [leaf for leaf in positive_leaves(self.page_q)
                  if getattr(leaf, "fieldname", None) == "text"]
        return query.Or(leaves) if leaves else None


# ---- did you mean -------------------------------------------------------------

_WORD_RE = re.compile(r"^[^\W\d_]{3,}$")


def suggestions(text: str, schema, reader, words: Callable[[], Words]) -> list[str]:
    """Corrections of the query, best first: each word unknown to the index replaced by a close
    whole word of the `words` field (fewest edits, a swap of neighbours counting as one, then
    most documents); then, for each unknown word, its next candidates with the others at their
    best (the caller keeps the first that fits the rest of the query). Empty when nothing changes."""
    unknown = _unknown_words(text, schema, reader)
    if not unknown:
        return []
    vocabulary = words()
    choices = [(start, end, _ranked(word, vocabulary, reader, schema["text"].analyzer))
               for start, end, word in unknown]
    choices = [c for c in choices if c[2]]
    if not choices:
        return []
    best = [(start, end, ranked[0]) for start, end, ranked in choices]
    out = [_replaced(text, best)]
    for i, (start, end, ranked) in enumerate(choices):
        for other in ranked[1:]:
            out.append(_replaced(text, best[:i] + [(start, end, other)] + best[i + 1:]))
    return [c for c in dict.fromkeys(out) if c != text]


def _unknown_words(text: str, schema, reader) -> list[tuple[int, int, str]]:
    """(start, end, word) of the query's words the index does not know; [] when there are more
    than SUGGEST_MAX_WORDS (no typo, then) or the query cannot be read."""
    try:
        q = _parser(("words",), schema).parse(text)
    except Exception:
        return []
    unknown = []
    for leaf in positive_leaves(q):
        if not isinstance(leaf, query.Term) or leaf.fieldname != "words":
            continue
        word = leaf.text
        start, end = getattr(leaf, "startchar", None), getattr(leaf, "endchar", None)
        if start is None or end is None or not _WORD_RE.match(word):
            continue
        if reader.doc_frequency("words", word) == 0:
            unknown.append((start, end, word))
            if len(unknown) > SUGGEST_MAX_WORDS:
                return []
    return unknown


def _replaced(text: str, replacements: list[tuple[int, int, str]]) -> str:
    out, pos = [], 0
    for start, end, word in sorted(replacements):
        if start < pos:
            continue
        original = text[start:end]
        out.append(text[pos:start])
        out.append(word.capitalize() if original[:1].isupper() and original[1:].islower() else word)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _ranked(word: str, vocabulary: Words, reader, analyzer) -> list[str]:
    """Up to SUGGEST_CHOICES words the index knows at the fewest edits (a swap of neighbours
    counting as one), the words whose stems are in most documents first."""
    def frequency(candidate):
        stem = analysed(candidate, analyzer)
        return reader.doc_frequency("text", stem) if stem else 0
    ranked: list[str] = []
    for maxdist in range(1, SUGGEST_MAXDIST + 1):      # two edits only when nothing is one away
        candidates = vocabulary.within(word, maxdist, SUGGEST_CANDIDATES)
        scored = sorted(((frequency(c), c) for c in candidates), key=lambda fc: (-fc[0], fc[1]))
        ranked = [c for f, c in scored if f][:SUGGEST_CHOICES]
        if ranked:
            break
    return ranked
