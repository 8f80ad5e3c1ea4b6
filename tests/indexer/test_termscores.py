"""The numpy scoring path gives what Whoosh's matchers give: the same matches, the same scores."""
from __future__ import annotations

import random

import numpy as np
import pytest

from dossier.indexer import termscores
from dossier.indexer.index import Index
from dossier.indexer.query import UserQuery
from dossier.indexer.search import SearchQuery
from dossier.indexer.searching import score_matches

from .test_search import make_doc, make_pdf

WORDS = ("court motion plaintiff defendant order health release district state counsel evidence "
         "record judgment appeal claim section federal agency immigration detention family "
         "separation fraud sentencing vaccine medicare insurance drug prices").split()


def _text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    rng = random.Random(7)
    ix = Index.open(tmp_path_factory.mktemp("termscores") / "index")
    for batch in range(4):                      # several segments
        items = []
        for i in range(60):
            doc_id = f"d{batch}x{i:02d}"
            if i % 10 == 0:
                items.append(make_pdf(doc_id, [_text(rng, rng.randint(20, 200)) for _ in range(3)],
                                      title=_text(rng, 4)))
            else:
                items.append((make_doc(doc_id, title=_text(rng, rng.randint(2, 8)),
                                       kind=rng.choice(["release", "filing", "other"]),
                                       topics=(rng.choice(["Health", "Fraud"]),)),
                              [_text(rng, rng.randint(5, 400))]))
        ix.add(items)
    ix.delete([f"d1x{i:02d}" for i in range(0, 60, 7)])   # deletions inside a segment
    yield ix
    ix.close()


QUERIES = ["health", "Court", "health AND insurance", "health OR fraud", "court NOT appeal",
           "motion dismiss", "title:vaccine", "kind:release", "medicare drug prices",
           "(health OR fraud) AND (court OR state)", "(health AND insurance) OR fraud", "nosuchword", "health AND nosuchword",
           '"district court"', '"health insurance"', '"motion to dismiss"', '"court court"',
           '"family separation" AND health', '"drug prices" OR medicare', 'title:"state court"',
           '"court" NOT "federal agency"', '"nosuchword court"']


@pytest.mark.parametrize("text", QUERIES)
def test_numpy_scores_equal_whoosh_matcher_scores(index, text):
    with index._searchers.reading() as snap:
        searcher = snap.searcher
        q = UserQuery(text, searcher.schema, searcher.reader()).q
        fast = termscores.evaluate(q, searcher, snap.view.lengths)
        assert fast is not None, f"{q!r} should take the numpy path"
        everything = np.ones(searcher.doc_count_all(), dtype=bool).tobytes()
        matched, docnums, scores = score_matches(searcher, q, everything)
    fast_docs, fast_scores = fast
    assert fast_docs.tolist() == sorted(matched) == docnums
    np.testing.assert_allclose(fast_scores, scores, rtol=1e-9)


def test_sloppy_phrases_and_wildcards_go_through_whoosh(index):
    with index._searchers.reading() as snap:
        searcher = snap.searcher
        for text in ('"district court"~3', "heal*", "health AND cour*"):
            q = UserQuery(text, searcher.schema, searcher.reader()).q
            assert termscores.evaluate(q, searcher, snap.view.lengths) is None


def test_deleted_documents_are_not_found(index):
    deleted = {f"d1x{i:02d}" for i in range(0, 60, 7)}
    first = index.search(SearchQuery(text="court OR health OR fraud", per_page=100))
    found = [h.id for page in range(1, first.total // 100 + 2)
             for h in index.search(SearchQuery(text="court OR health OR fraud", per_page=100, page=page)).hits]
    assert len(found) == len(set(found)) == first.total > 100
    assert not set(found) & deleted
    assert set(found) <= index.doc_ids()


def test_an_empty_index_finds_nothing(tmp_path):
    with Index.open(tmp_path / "index") as ix:
        result = ix.search(SearchQuery(text="health AND court"))
    assert (result.total, result.hits) == (0, ())
