"""Random documents and queries for the property tests: few words, so that queries hit."""
from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

from dossier.indexer.index import Index

from .test_search import make_doc, make_pdf


def property_settings(examples: int) -> settings:
    """Few examples (each builds an index); no "explain" phase: it traces every line, and made
    shrinking a failure take longer than the test timeout."""
    return settings(max_examples=examples, deadline=None, database=None,
                    phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink),
                    suppress_health_check=[HealthCheck.too_slow])


VOCAB = ("court", "motion", "health", "fraud", "district", "order", "appeal", "state")
STOPS = ("the", "of", "and", "to")

words = st.sampled_from(VOCAB)
page_texts = st.lists(st.sampled_from(VOCAB + STOPS + ("\n",)), max_size=14).map(" ".join)
# (is a PDF, title, pages, kind)
documents = st.tuples(st.booleans(), st.lists(words, max_size=3).map(" ".join),
                      st.lists(page_texts, min_size=1, max_size=5), st.sampled_from(["release", "other"]))
corpora = st.lists(st.lists(documents, min_size=1, max_size=6), min_size=1, max_size=3)   # batches: segments
deletions = st.lists(st.integers(0, 17), max_size=4)


def build(path: Path, corpus, deleted) -> Index:
    """An index of the documents ``d0``, ``d1``... one segment per batch, less the ``deleted``."""
    ix = Index.open(path)
    n = 0
    for batch in corpus:
        items = []
        for pdf, title, pages, kind in batch:
            doc_id = f"d{n}"
            n += 1
            items.append(make_pdf(doc_id, pages, title=title) if pdf
                         else (make_doc(doc_id, title=title, kind=kind), ["\n\n".join(pages)]))
        ix.add(items, bulk=True)
    ix.delete([f"d{i}" for i in deleted if i < n])
    return ix


# ---- queries: (text, True if the accelerator must evaluate it, False if it must decline, None: either) ----

def _phrase(ws) -> str:
    return '"' + " ".join(ws) + '"'


_terms = st.one_of(words, words.map(str.upper), st.just("nosuchword"))
_phrases = st.lists(st.sampled_from(VOCAB + STOPS), min_size=2, max_size=3).map(_phrase)
_fields = st.tuples(st.sampled_from(["title", "text", "meta"]), words).map(":".join)
_field_phrases = st.lists(words, min_size=2, max_size=2).map(lambda ws: "text:" + _phrase(ws))
_facets = st.sampled_from(["kind:release", "kind:filing"])
_evaluated = st.one_of(_terms, _phrases, _fields, _field_phrases, _facets)
_declined = st.one_of(
    words.map(lambda w: w[:3] + "*"),                                          # prefix
    words.map(lambda w: w[:2] + "?" + w[3:]),                                  # wildcard
    st.lists(words, min_size=2, max_size=2).map(lambda ws: _phrase(ws) + "~2"),  # sloppy phrase
    st.tuples(words, words).map(lambda ws: f"({ws[0]} ANDMAYBE {ws[1]})"),
    st.tuples(words, words).map(lambda ws: f"({ws[0]} REQUIRE {ws[1]})"),
    st.just("date:2018"),
)


_boosted = words.map(lambda w: f"({w})^2")      # declined, unless the parser folds the boost into an OR around it


def _both(a, b):
    return False if False in (a, b) else None if None in (a, b) else True


def _joined(children):
    pairs = st.tuples(children, children)
    return st.one_of(
        *(pairs.map(lambda p, op=op: (f"({p[0][0]}{op}{p[1][0]})", _both(p[0][1], p[1][1])))
          for op in (" AND ", " OR ", " NOT ", " ANDNOT ", " ")),
        children.map(lambda c: (f"(NOT {c[0]})", c[1])),
    )


_supported = _evaluated.map(lambda t: (t, True))
queries = st.one_of(
    st.recursive(_supported, _joined, max_leaves=5),
    st.recursive(st.one_of(_supported, _declined.map(lambda t: (t, False)), _boosted.map(lambda t: (t, None))),
                 _joined, max_leaves=5),
)
