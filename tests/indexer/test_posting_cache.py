"""Decoded postings kept between searches: answers stay those of the index as it is now, and the
cache keeps to its budget."""
from __future__ import annotations

import numpy as np

from dossier.indexer.index import Index
from dossier.indexer.posting_cache import PostingCache, Postings
from dossier.indexer.search import SearchQuery
from tests.indexer.test_search import make_doc


def found(ix: Index, text: str) -> set[str]:
    return {h.id for h in ix.search(SearchQuery(text=text, per_page=100)).hits}


def test_phrases_are_found_again_from_kept_postings_after_uploads_deletions_and_merges(tmp_path):
    long_text = " ".join(["court"] * 1500) + " district court"     # pickled in several runs of appends
    with Index.open(tmp_path / "ix") as ix:
        ix.add([(make_doc("long"), [long_text]), (make_doc("first"), ["District court opened."])])
        ix.add([(make_doc("other"), ["A court in the district."])])
        for _ in range(2):                                  # the second time from the cache
            assert found(ix, '"district court"') == {"long", "first"}
            assert found(ix, '"court court court"') == {"long"}
        ix.add([(make_doc("new"), ["The district court ruled."])])
        assert found(ix, '"district court"') == {"long", "first", "new"}
        ix.delete(["first"])
        assert found(ix, '"district court"') == {"long", "new"}
        ix.merge()
        assert found(ix, '"district court"') == {"long", "new"}
        assert found(ix, "district") == {"long", "other", "new"}


def test_the_cache_keeps_to_its_budget_dropping_the_least_recently_used():
    def entry(n):
        return Postings(np.arange(n, dtype=np.int64), np.ones(n))
    cache = PostingCache(max_bytes=30_000)
    key = lambda term: ("seg", "text", term)        # noqa: E731
    for term in "abcde":
        cache.put(key(term), entry(400))                        # 6.6 kB each: four fit
    assert cache.get(key("a")) is None and cache.get(key("b")) is not None
    cache.put(key("f"), entry(400))                             # "b" was just used: "c" goes
    assert cache.get(key("c")) is None and cache.get(key("b")) is not None
    cache.put(key("huge"), entry(1_000))                        # over a quarter of the budget: not kept
    assert cache.get(key("huge")) is None and cache.get(key("f")) is not None
    cache.retain({"another segment"})
    assert cache.get(key("f")) is None
