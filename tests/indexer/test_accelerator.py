"""The Whoosh accelerator gives what Whoosh's public API gives (the same matches, the same
scores, the same analysis), and when Whoosh's internals are not what it expects it steps aside
for the process, saying so once, and the searches give the same results."""
from __future__ import annotations

import logging
import random
import tempfile
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.codec import whoosh3

from dossier.indexer import accelerator, accelerator_check
from dossier.indexer.index import Index
from dossier.indexer.query import UserQuery
from dossier.indexer.schema import text_analyzer
from dossier.indexer.search import SearchQuery
from dossier.indexer.searching import score_matches

from .strategies import build, corpora, deletions, property_settings, queries
from .switching import assert_on, fresh_switch
from .test_search import make_doc, make_pdf

WORDS = ("court motion plaintiff defendant order health release district state counsel evidence "
         "record judgment appeal claim section federal agency immigration detention family "
         "separation fraud sentencing vaccine medicare insurance drug prices").split()


def _text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    accelerator_check.decide()
    rng = random.Random(7)
    ix = Index.open(tmp_path_factory.mktemp("accelerator") / "index")
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


def accelerated_and_whoosh(snap, text: str):
    """(the accelerator's (docnums, scores) or None, Whoosh's matchers' (docnums, scores))."""
    searcher = snap.searcher
    q = UserQuery(text, searcher.schema, searcher.reader()).q
    fast = accelerator.evaluate(q, searcher, snap.view.lengths, snap.view.postings)
    everything = np.ones(searcher.doc_count_all(), dtype=bool).tobytes()
    matched, docnums, scores = score_matches(searcher, q, everything)
    assert matched == docnums
    return fast, (matched, scores)


def assert_same(fast, whoosh) -> None:
    assert fast[0].tolist() == whoosh[0]
    np.testing.assert_allclose(fast[1], whoosh[1], rtol=1e-9)


QUERIES = ["health", "Court", "health AND insurance", "health OR fraud", "court NOT appeal",
           "motion dismiss", "title:vaccine", "kind:release", "medicare drug prices",
           "(health OR fraud) AND (court OR state)", "(health AND insurance) OR fraud", "nosuchword", "health AND nosuchword",
           '"district court"', '"health insurance"', '"motion to dismiss"', '"court court"',
           '"family separation" AND health', '"drug prices" OR medicare', 'title:"state court"',
           '"court" NOT "federal agency"', '"nosuchword court"', "court ANDNOT (health OR fraud)", "NOT health"]


@pytest.mark.parametrize("text", QUERIES)
def test_matches_and_scores_equal_whoosh_matchers(index, text):
    with index._searchers.reading() as snap:
        fast, whoosh = accelerated_and_whoosh(snap, text)
    assert fast is not None, f"{text!r} should be evaluated by the accelerator"
    assert_same(fast, whoosh)


@pytest.mark.parametrize("text", ['"district court"~3', "heal*", "health AND cour*", "h?alth", "(health)^2",
                                  "health ANDMAYBE court", "date:2018"])
def test_other_shapes_are_left_to_whoosh(index, text):
    with index._searchers.reading() as snap:
        assert accelerated_and_whoosh(snap, text)[0] is None


@property_settings(40)
@given(corpus=corpora, deleted=deletions, shapes=st.lists(queries, min_size=1, max_size=8))
def test_random_queries_on_random_documents_equal_whoosh_matchers(corpus, deleted, shapes):
    accelerator_check.decide()
    with tempfile.TemporaryDirectory() as tmp:
        ix = build(Path(tmp) / "index", corpus, deleted)
        try:
            with ix._searchers.reading() as snap:
                for text, evaluated in [*shapes, *shapes]:      # the second time from decoded postings kept
                    fast, whoosh = accelerated_and_whoosh(snap, text)
                    if evaluated is not None:
                        assert (fast is not None) == evaluated, text
                    if fast is not None:
                        assert_same(fast, whoosh)
        finally:
            ix.close()
    assert_on()


_PIECES = st.sampled_from(["court", "Courts", "THE", "of", "número", "ÉTÉ", "naïve", "12(b)(6)", "U.S.C.", "e.g.",
                           "x_y", "a", "3.14", "word*star", "ǅungla", "ﬁle", "İstanbul", " ", "\n\n", "—", ".", ","])


@settings(max_examples=200, deadline=None, database=None)
@given(parts=st.lists(st.one_of(_PIECES, st.text(max_size=4)), max_size=30))
def test_random_texts_are_analysed_as_whoosh_analyses_them(parts):
    accelerator_check.decide()
    text = "".join(parts)
    analyzer = text_analyzer()
    whoosh = [(t.text, t.pos, t.startchar) for t in analyzer(text, positions=True, chars=True, mode="index")]
    assert accelerator.analyse(text, analyzer, list) == whoosh
    assert_on()


# ---- results with it on and off -----------------------------------------------------------

QUERY_LOG = [dict(text=t) for t in QUERIES] + [
    dict(text="health", filters={"kind": ["release"]}), dict(text="court OR fraud", sort="newest", per_page=5),
    dict(text='"district court"', page=2, per_page=3), dict(text="heal* court"), dict(text="famly"),
    dict(text="health", filters={"topic": ["Fraud"]}, sort="oldest"), dict(text="state", per_page=100),
]


def test_a_query_log_gives_the_same_results_with_the_accelerator_off(index, monkeypatch):
    accelerator_check.decide()
    assert_on()
    on = [index.search(SearchQuery(**q)).to_dict() for q in QUERY_LOG]
    fresh_switch(monkeypatch, off=True)
    accelerator_check.decide()
    off = [index.search(SearchQuery(**q)).to_dict() for q in QUERY_LOG]
    assert on == off
    assert sum(r["total"] for r in on) > 100 and any(h["pages"] for r in on for h in r["hits"])


@pytest.mark.usefixtures("search_path")
def test_deleted_documents_are_not_found(index):
    deleted = {f"d1x{i:02d}" for i in range(0, 60, 7)}
    first = index.search(SearchQuery(text="court OR health OR fraud", per_page=100))
    found = [h.id for page in range(1, first.total // 100 + 2)
             for h in index.search(SearchQuery(text="court OR health OR fraud", per_page=100, page=page)).hits]
    assert len(found) == len(set(found)) == first.total > 100
    assert not set(found) & deleted
    assert set(found) <= index.doc_ids()


@pytest.mark.usefixtures("search_path")
def test_an_empty_index_finds_nothing(tmp_path):
    with Index.open(tmp_path / "index") as ix:
        result = ix.search(SearchQuery(text="health AND court"))
    assert (result.total, result.hits) == (0, ())


# ---- the guard ----------------------------------------------------------------------------------

SMALL = [(make_doc("a", title="Court order"), ["The district court ordered a hearing."]),
         (make_doc("b", title="Other"), ["Nothing about it."]),
         make_pdf("p", ["The court.", "The district court and the order."], title="Filing")]
SMALL_QUERIES = ("court", '"district court"', "court NOT hearing", "hear*")


def small_index(path: Path) -> Index:
    ix = Index.open(path)
    ix.add(SMALL)
    return ix


def answers(ix: Index) -> list[dict]:
    return [ix.search(SearchQuery(text=t)).to_dict() for t in SMALL_QUERIES]


@pytest.fixture
def public_answers(tmp_path):
    """What Whoosh's public API answers on the small index."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        fresh_switch(monkeypatch, off=True)
        with small_index(tmp_path / "public") as ix:
            return answers(ix)


def warnings_of(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "dossier.indexer" and r.levelno == logging.WARNING]


def test_until_an_index_opens_whoosh_answers(monkeypatch, index):
    fresh_switch(monkeypatch)
    with index._searchers.reading() as snap:
        assert accelerated_and_whoosh(snap, "health")[0] is None
    assert accelerator.analyse("some text", text_analyzer(), list) is None


def test_the_scoring_is_checked_at_the_first_search_only(monkeypatch, tmp_path):
    # A process that only indexes never writes the check's index: the crash tests kill `dossier add`
    # in SegmentWriter.commit, and expect that to be the real index's commit.
    built = []
    tiny_index = accelerator_check._tiny_index
    monkeypatch.setattr(accelerator_check, "_tiny_index", lambda schema: built.append(1) or tiny_index(schema))
    fresh_switch(monkeypatch)
    with small_index(tmp_path / "index") as ix:
        assert built == []
        ix.search(SearchQuery(text="court"))
        ix.search(SearchQuery(text="order"))
        assert built == [1]
        assert_on()


def test_the_environment_switches_it_off(monkeypatch, tmp_path, caplog, public_answers):
    fresh_switch(monkeypatch, off=True)
    with small_index(tmp_path / "index") as ix:
        assert not accelerator.is_on()
        assert answers(ix) == public_answers
    assert warnings_of(caplog) == []


def test_on_it_answers_as_whoosh_does(monkeypatch, tmp_path, caplog, public_answers):
    fresh_switch(monkeypatch)
    with small_index(tmp_path / "index") as ix:
        assert_on()
        assert answers(ix) == public_answers
    assert warnings_of(caplog) == []


def test_a_missing_internal_switches_it_off_when_an_index_opens(monkeypatch, tmp_path, caplog, public_answers):
    # A release that renamed the function: Whoosh works, the accelerator does not find it.
    renamed = SimpleNamespace(**{name: value for name, value in vars(whoosh3).items() if name != "_lenfield"})
    monkeypatch.setattr(accelerator, "whoosh3", renamed)
    fresh_switch(monkeypatch)
    with small_index(tmp_path / "index") as ix:
        assert not accelerator.is_on()
        assert answers(ix) == public_answers
    [warning] = warnings_of(caplog)
    assert "_lenfield" in warning


def test_an_error_while_searching_switches_it_off_once(monkeypatch, tmp_path, caplog, public_answers):
    fresh_switch(monkeypatch)
    with small_index(tmp_path / "index") as ix:
        assert_on()

        def renamed(*args):
            raise AttributeError("'ColumnReader' object has no attribute '_basepos'")
        monkeypatch.setattr(accelerator._Internals, "lengths", renamed)
        assert answers(ix) == public_answers       # the first query meets the error and is answered anyway
        assert answers(ix) == public_answers
        assert not accelerator.is_on()
    [warning] = warnings_of(caplog)
    assert "_basepos" in warning


def test_an_error_while_indexing_falls_back_to_whoosh_analysis(monkeypatch, tmp_path, caplog, public_answers):
    fresh_switch(monkeypatch)
    real_tokens = accelerator._Plan.tokens

    def failing_midway(self, text):
        tokens = real_tokens(self, text)
        yield next(tokens)
        raise AttributeError("'StopFilter' object has no attribute 'renumber'")
    with small_index(tmp_path / "probe"):         # decided, on, before the failure
        assert_on()
    monkeypatch.setattr(accelerator._Plan, "tokens", failing_midway)
    with small_index(tmp_path / "index") as ix:
        assert not accelerator.is_on()
        assert answers(ix) == public_answers
    [warning] = warnings_of(caplog)
    assert "renumber" in warning


@pytest.mark.parametrize("difference", ["lengths", "stems"])
def test_a_difference_in_the_self_check_switches_it_off(monkeypatch, tmp_path, caplog, public_answers, difference):
    if difference == "lengths":       # as if the length column's byte encoding had changed
        monkeypatch.setattr(accelerator, "_LENGTH_OF_BYTE", accelerator._LENGTH_OF_BYTE * 2)
    else:                             # as if the stemmer had moved
        monkeypatch.setattr(accelerator, "_STEMS", {})
        monkeypatch.setattr(accelerator, "_stemmer", lambda lang: str.upper)
    fresh_switch(monkeypatch)
    with small_index(tmp_path / "index") as ix:
        assert answers(ix) == public_answers         # the scoring is checked at the first search
        assert not accelerator.is_on()
    [warning] = warnings_of(caplog)
    assert "differ" in warning
