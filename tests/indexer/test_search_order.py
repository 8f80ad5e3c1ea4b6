"""Result order never depends on internal document numbers; the date range
filter; bulk runs leave few segments."""
from __future__ import annotations

import pytest

from dossier.indexer.index import Index
from dossier.indexer.writer import _MAX_SEGMENTS, segments_of
from dossier.indexer.search import SearchQuery
from dossier.repository.models import Document

pytestmark = pytest.mark.usefixtures("search_path")    # tests/indexer/conftest.py: on, then off


def make_doc(doc_id: str, **changes) -> Document:
    values = dict(
        id=doc_id, kind="release", title="Same title", date=None,
        added_at="2024-01-01T00:00:00+00:00", office=None, topics=(), people=(), places=(),
        court=None, case_number=None, doc_type=None, filename=f"{doc_id}.txt", mime="text/plain",
        size=1, sha256="0" * 64, page_count=None, text_status="extracted",
    )
    values.update(changes)
    return Document(**values)


def ids(ix: Index, **kw) -> list[str]:
    return [h.id for h in ix.search(SearchQuery(**kw)).hits]


@pytest.fixture
def index(tmp_path):
    ix = Index.open(tmp_path / "index")
    yield ix
    ix.close()


@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest"])
def test_ties_are_broken_by_added_at_then_id_whatever_the_insertion_order(tmp_path, sort):
    docs = [make_doc(i) for i in ("d", "b", "e", "a", "c")]
    docs.append(make_doc("z", added_at="2024-02-01T00:00:00+00:00"))     # added last: first among ties
    orders = []
    for n, batches in enumerate([[docs], [docs[::-1]], [[d] for d in docs]]):
        ix = Index.open(tmp_path / f"ix{n}")
        try:
            for batch in batches:
                ix.add([(d, ["identical words"]) for d in batch])
            orders.append((ids(ix, text="identical", sort=sort), ids(ix, sort=sort)))
        finally:
            ix.close()
    assert orders[0] == orders[1] == orders[2]
    assert orders[0][0] == ["z", "a", "b", "c", "d", "e"]
    assert orders[0][1] == ["z", "a", "b", "c", "d", "e"]


def test_relevance_order_still_puts_better_matches_first(index):
    index.add([(make_doc("a"), ["tariff"]), (make_doc("b"), ["tariff tariff tariff tariff about tariffs"]),
               (make_doc("c", added_at="2025-01-01T00:00:00+00:00"), ["nothing relevant"])])
    assert ids(index, text="tariff") == ["b", "a"]


def test_date_range_is_inclusive_and_excludes_undated(index):
    index.add([(make_doc("early", date="2015-01-01"), ["health"]), (make_doc("late", date="2016-12-31"), ["health"]),
               (make_doc("after", date="2017-01-01"), ["health"]), (make_doc("undated"), ["health"]),
               (make_doc("before", date="2014-12-31"), ["health"])])
    for text in ("", "health"):
        result = index.search(SearchQuery(text=text, date_from="2015-01-01", date_to="2016-12-31", sort="oldest"))
        assert [h.id for h in result.hits] == ["early", "late"]
        assert result.total == 2
        assert dict(result.facets["year"]) == {"2015": 1, "2016": 1}
    assert ids(index, text="health", date_from="2016-06-01", sort="oldest") == ["late", "after"]
    assert ids(index, text="health", date_to="2014-12-31") == ["before"]


def test_date_range_and_page_beyond_the_results(index):
    index.add([(make_doc(f"d{n}", date=f"2018-01-{n + 1:02d}"), ["health"]) for n in range(12)])
    q = dict(text="health", date_from="2018-01-03", date_to="2018-01-12", per_page=5)
    first, second, third = (index.search(SearchQuery(page=p, **q)) for p in (1, 2, 3))
    assert first.total == second.total == third.total == 10
    assert len(first.hits) == len(second.hits) == 5 and third.hits == ()
    assert {h.id for h in first.hits + second.hits} == {f"d{n}" for n in range(2, 12)}


def test_a_bulk_run_bounds_its_segments_and_merge_leaves_few(index):
    runs = _MAX_SEGMENTS + 14
    for n in range(runs):
        index.add([(make_doc(f"b{n}-{k}"), [f"word{n} common"]) for k in range(3)], bulk=True)
    assert len(segments_of(index._ix)) <= _MAX_SEGMENTS
    index.merge()
    sizes = sorted((s.doc_count() for s in segments_of(index._ix)), reverse=True)
    assert len(sizes) <= 3
    assert all(size > 2 * sum(sizes[i + 1:]) for i, size in enumerate(sizes))    # size tiers
    assert index.search(SearchQuery(text="common")).total == 3 * runs
    assert index.search(SearchQuery(text="word7")).total == 3


def test_single_commits_keep_segments_logarithmic(index):
    for n in range(40):
        index.add([(make_doc(f"s{n}"), ["common"])])
    assert len(segments_of(index._ix)) <= 6
    assert index.search(SearchQuery(text="common")).total == 40
    assert index.doc_ids() == {f"s{n}" for n in range(40)}
