"""Searching: facets, filters, sorting, pages, snippets, suggestions, query safety."""
from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dossier.indexer.errors import QueryError
from dossier.indexer.index import Index
from dossier.indexer.search import FACETS, SearchQuery
from dossier.repository.models import Document

pytestmark = pytest.mark.usefixtures("search_path")    # tests/indexer/conftest.py: on, then off


def make_doc(doc_id: str, **changes) -> Document:
    values = dict(
        id=doc_id, kind="release", title=f"Title of {doc_id}", date="2018-06-18",
        added_at="2024-01-01T00:00:00+00:00", office=None, topics=(), people=(), places=(),
        court=None, case_number=None, doc_type=None, filename=f"{doc_id}.txt", mime="text/plain",
        size=1, sha256="0" * 64, page_count=None, text_status="extracted",
    )
    values.update(changes)
    return Document(**values)


def make_pdf(doc_id: str, pages: list[str], **changes) -> tuple[Document, list[str]]:
    return make_doc(doc_id, kind="filing", mime="application/pdf", page_count=len(pages), **changes), pages


STAMP = "Case 1:18-cv-00428-RB Document 12 Filed 06/18/18 Page {n} of 5"
FILING_PAGES = [
    f"{STAMP.format(n=1)}\nUNITED STATES DISTRICT COURT\nComplaint for declaratory relief.",
    f"{STAMP.format(n=2)}\nThe plaintiffs describe the detention facility in Otero County.",
    f"{STAMP.format(n=3)}\nThe policy of family\nseparation began in the spring.",
    f"{STAMP.format(n=4)}\nDefendants moved to dismiss.",
    f"{STAMP.format(n=5)}\nRespectfully submitted this day.",
]


@pytest.fixture(scope="module")
def index(tmp_path_factory, search_path):
    ix = Index.open(tmp_path_factory.mktemp("search") / "index")
    ix.add([
        make_pdf("filing", FILING_PAGES, title="Complaint in Ms. L. v. ICE", date="2018-06-18",
                 court="D.N.M.", case_number="1:18-cv-00428-RB", doc_type="complaint",
                 topics=("Immigration", "Detention"), people=("Jane Doe",), places=("New Mexico",),
                 office="District of New Mexico", added_at="2024-01-01T00:00:00+00:00"),
        (make_doc("release1", title="Office announces family reunification", date="2018-07-01",
                  office="District of New Mexico", topics=("Immigration",), places=("New Mexico", "Texas"),
                  added_at="2024-01-02T00:00:00+00:00"),
         ["Families were reunited after months of separation.\nNúmero de caso 18-cv-00428."]),
        (make_doc("release2", title="Fraud <script>alert(1)</script> sentencing", date="2019-03-05",
                  office="Southern District of Texas", topics=("Fraud",), people=("John Roe",),
                  places=("Texas",), added_at="2024-01-03T00:00:00+00:00"),
         ["A man was sentenced for wire fraud & <b>money</b> laundering."]),
        (make_doc("undated1", title="Undated statement", date=None, office="southern district of texas",
                  topics=("fraud",), added_at="2024-01-05T00:00:00+00:00"),
         ["A statement about fraud without a date."]),
        (make_doc("undated2", title="Another undated note", date=None, kind="other",
                  added_at="2024-01-04T00:00:00+00:00"),
         ["Nothing much here."]),
        (make_doc("photo", kind="photo", title="Border crossing", date="2017-01-01", mime="image/jpeg",
                  places=("Texas",), text_status="not_applicable", added_at="2024-01-06T00:00:00+00:00"),
         ()),
    ])
    yield ix
    ix.close()


def search(ix, text="", **kw):
    return ix.search(SearchQuery(text=text, **kw))


def ids(result):
    return [h.id for h in result.hits]


# ---- facets and filters ---------------------------------------------------------------

def test_facet_counts_match_a_hand_count(index):
    facets = search(index).facets
    assert set(facets) == set(FACETS)
    assert facets["kind"] == [("release", 3), ("filing", 1), ("other", 1), ("photo", 1)]
    assert facets["year"] == [("2019", 1), ("2018", 2), ("2017", 1), ("unknown", 2)]   # newest first, undated last
    # values differing only by case are one value, shown as first given
    assert facets["office"] == [("District of New Mexico", 2), ("Southern District of Texas", 2)]
    assert facets["topic"] == [("Fraud", 2), ("Immigration", 2), ("Detention", 1)]
    assert facets["place"] == [("Texas", 3), ("New Mexico", 2)]
    assert facets["person"] == [("Jane Doe", 1), ("John Roe", 1)]
    assert facets["case_number"] == [("1:18-cv-00428-RB", 1)]
    assert facets["court"] == [("D.N.M.", 1)]
    assert facets["doc_type"] == [("complaint", 1)]


def test_facet_counts_follow_query_and_filters(index):
    result = search(index, "fraud")
    assert sorted(ids(result)) == ["release2", "undated1"]
    assert result.facets["year"] == [("2019", 1), ("unknown", 1)]
    assert result.facets["place"] == [("Texas", 1)]
    filtered = search(index, filters={"place": ["Texas"]})
    assert filtered.total == 3
    assert filtered.facets["kind"] == [("photo", 1), ("release", 2)][::-1]


def test_a_filtered_facet_still_counts_the_values_one_could_add(index):
    filtered = search(index, filters={"place": ["Texas"], "kind": ["release"]})
    assert filtered.total == 2
    # kind is counted with place=Texas only, so "photo" can be added (OR) ...
    assert filtered.facets["kind"] == [("release", 2), ("photo", 1)]
    # ... place with kind=release only; the other facets follow the whole result
    assert filtered.facets["place"] == [("Texas", 2), ("New Mexico", 1)]
    assert sum(n for _, n in filtered.facets["year"]) == 2


def test_or_within_a_facet_and_across_facets(index):
    assert sorted(ids(search(index, filters={"year": ["2017", "2019"]}))) == ["photo", "release2"]
    both = search(index, filters={"year": ["2017", "2019"], "kind": ["release"]})
    assert ids(both) == ["release2"]
    assert search(index, filters={"place": ["Texas"], "topic": ["Immigration"]}).total == 1
    assert search(index, filters={"place": ["texas", "New Mexico"]}).total == 4


def test_filter_values_are_matched_case_insensitively(index):
    assert search(index, filters={"office": ["SOUTHERN DISTRICT OF TEXAS"]}).total == 2


def test_year_unknown_filter(index):
    assert sorted(ids(search(index, filters={"year": ["unknown"]}))) == ["undated1", "undated2"]


def test_date_range(index):
    result = search(index, date_from="2018-01-01", date_to="2018-12-31")
    assert sorted(ids(result)) == ["filing", "release1"]
    assert sorted(ids(search(index, date_from="2019-01-01"))) == ["release2"]
    assert sorted(ids(search(index, "date:2018"))) == ["filing", "release1"]
    assert sorted(ids(search(index, "date:[2018-07-01 to 2019-12-31]"))) == ["release1", "release2"]


# ---- sorting and pagination ---------------------------------------------------------------

def test_newest_and_oldest_put_undated_last(index):
    newest = ids(search(index, sort="newest"))
    oldest = ids(search(index, sort="oldest"))
    assert newest == ["release2", "release1", "filing", "photo", "undated1", "undated2"]
    assert oldest == ["photo", "filing", "release1", "release2", "undated1", "undated2"]
    assert ids(search(index)) == newest          # empty query: relevance means newest


def test_pagination_and_total(index):
    first = search(index, sort="oldest", per_page=4)
    second = search(index, sort="oldest", per_page=4, page=2)
    beyond = search(index, sort="oldest", per_page=4, page=3)
    assert (first.total, second.total, beyond.total) == (6, 6, 6)
    assert ids(first) + ids(second) == ["photo", "filing", "release1", "release2", "undated1", "undated2"]
    assert beyond.hits == ()
    assert search(index, per_page=100).per_page == 100


@pytest.mark.parametrize("bad", [dict(sort="best"), dict(page=0), dict(page="2"), dict(filters={"colour": ["red"]}),
                                 dict(per_page=0), dict(per_page=101),
                                 dict(date_from="2018-13-01"), dict(date_to="yesterday")])
def test_invalid_requests_raise_query_error(index, bad):
    with pytest.raises(QueryError) as info:
        search(index, **bad)
    assert "Traceback" not in str(info.value) and str(info.value)


# ---- text analysis --------------------------------------------------------------------

def test_default_operator_is_and(index):
    assert ids(search(index, "family detention")) == ["filing"]
    assert sorted(ids(search(index, "family OR fraud"))) == ["filing", "release1", "release2", "undated1"]


def test_stemming(index):
    assert set(ids(search(index, "families"))) == {"filing", "release1"}
    for word in ("separating", "separated", "separate"):
        assert "filing" in ids(search(index, word))


def test_accent_folding(index):
    assert ids(search(index, "numero")) == ["release1"]
    assert ids(search(index, "número")) == ["release1"]


def test_phrase_across_a_line_break(index):
    result = search(index, '"family separation"')
    assert ids(result) == ["filing"]
    assert result.hits[0].pages == (3,)


def test_case_number_as_typed_and_short_form(index):
    assert ids(search(index, "1:18-cv-00428-RB")) == ["filing"]
    assert set(ids(search(index, "18-cv-00428"))) == {"filing", "release1"}
    assert ids(search(index, filters={"case_number": ["18-cv-00428"]})) == ["filing"]
    assert ids(search(index, filters={"case_number": ["1:18-CV-00428-RB"]})) == ["filing"]
    assert ids(search(index, "case_number:18-cv-00428")) == ["filing"]


def test_metadata_is_searchable(index):
    assert ids(search(index, '"Jane Doe"')) == ["filing"]
    assert ids(search(index, 'person:"john roe"')) == ["release2"]
    assert sorted(ids(search(index, "kind:filing OR kind:photo"))) == ["filing", "photo"]


# ---- pages and stamps ----------------------------------------------------------------------

def test_pages_of_a_term_on_one_page(index):
    assert search(index, "Otero").hits[0].pages == (2,)
    assert search(index, "dismiss").hits[0].pages == (4,)


def test_efiling_stamp_does_not_match_every_page(index):
    result = search(index, "Filed")
    assert ids(result) == ["filing"]              # still found by its stamp
    assert result.hits[0].pages == ()
    assert search(index, "1:18-cv-00428-RB").hits[0].pages == ()
    assert search(index, "Otero 00428").hits[0].pages == (2,)


def test_pages_empty_for_non_pdfs_and_empty_queries(index):
    assert all(h.pages == () for h in search(index).hits)
    assert all(h.pages == () for h in search(index, "families").hits if h.id != "filing")


def test_pages_when_query_words_are_on_different_pages(index):
    assert search(index, "Otero dismiss").hits[0].pages == (2, 4)


# ---- snippets -------------------------------------------------------------------------------

def test_snippet_marks_matches_from_the_best_page(index):
    hit = search(index, "separation policy").hits[0]
    assert hit.pages == (3,)
    assert "<mark>policy</mark>" in hit.snippet and "<mark>separation</mark>" in hit.snippet
    assert "Otero" not in hit.snippet


def test_snippet_is_html_escaped(index):
    hit = search(index, "laundering").hits[0]
    assert hit.title == "Fraud <script>alert(1)</script> sentencing"     # titles as given
    assert "&lt;b&gt;money&lt;/b&gt;" in hit.snippet and "&amp;" in hit.snippet
    assert "<mark>laundering</mark>" in hit.snippet
    assert hit.snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_empty_query_snippet_is_start_of_text(index):
    hit = next(h for h in search(index, sort="oldest").hits if h.id == "release2")
    assert hit.snippet.startswith("A man was sentenced")
    assert "<mark>" not in hit.snippet and "&lt;b&gt;" in hit.snippet


def test_snippet_is_short(index, tmp_path):
    ix = Index.open(tmp_path / "ix")
    try:
        long_text = ("filler words " * 5000) + " needle here " + ("more filler " * 5000)
        ix.add([(make_doc("long"), [long_text])])
        snip = ix.search(SearchQuery(text="needle")).hits[0].snippet
        assert "<mark>needle</mark>" in snip and len(snip) < 320
    finally:
        ix.close()


# ---- suggestions -----------------------------------------------------------------------------

def test_suggestion_uses_whole_words(index):
    result = search(index, "famly seperation")
    assert result.total == 0
    assert result.suggestion == "family separation"
    assert set(ids(search(index, result.suggestion))) == {"filing", "release1"}


def test_no_suggestion_when_the_query_finds_enough(index):
    assert search(index, "family").suggestion is None
    assert search(index, "zzzqqq").suggestion is None


# ---- query safety ------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["date:garbage", "*tion", "title:*", "?amily", "(" * 40 + "a" + ")" * 40,
                                  "a*b*c*d*e*f*", " ".join(f"w{n}" for n in range(3000))])
def test_expensive_or_unreadable_queries_raise_query_error(index, text):
    started = time.monotonic()
    with pytest.raises(QueryError):
        search(index, text)
    assert time.monotonic() - started < 1


@pytest.mark.parametrize("text", ['"unclosed', "a AND (b OR", "NOT", "title:", "[a to", "fam*", "*", "x:y", ")(",
                                  "date:[2018 to]", "🙂 ünïcödé", "AND OR NOT"])
def test_odd_queries_return_results(index, text):
    result = search(index, text)
    assert result.total >= 0


def test_wildcard_finds_words(index):
    assert set(ids(search(index, "fam*"))) == {"filing", "release1"}
    assert "<mark>" in search(index, "laund*").hits[0].snippet


SYNTAX = st.sampled_from(['"', "(", ")", "*", "?", ":", "[", "]", "{", "}", "^", "~", " AND ", " OR ", " NOT ",
                          " to ", "title:", "date:", "kind:", "-", "+", "\\", "'", "/", "\n", "\x00"])
WORDS = st.sampled_from(["family", "separation", "fraud", "texas", "a", "1:18-cv-00428-RB", "é", "número", "zz"])
QUERIES = st.one_of(
    st.text(max_size=200),
    st.lists(st.one_of(SYNTAX, WORDS, st.text(max_size=5)), max_size=60).map("".join),
    st.integers(1, 60).map(lambda n: "(" * n + "family" + ")" * n),
    st.lists(st.sampled_from("abc*?"), min_size=1, max_size=12).map("".join),
)


@settings(max_examples=300, deadline=1000, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=QUERIES)
def test_fuzzed_queries_return_results_or_query_error(index, text):
    try:
        result = index.search(SearchQuery(text=text))
    except QueryError as e:
        assert str(e) and "Traceback" not in str(e)
    else:
        assert result.total >= 0
        for hit in result.hits:
            assert hit.snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_to_dict_shape(index):
    data = search(index, "fraud", per_page=1).to_dict()
    assert set(data) == {"query", "total", "page", "per_page", "hits", "facets", "suggestion", "read_as", "repairs",
                         "corrected_from"}
    assert set(data["hits"][0]) == {"id", "kind", "title", "date", "office", "snippet", "pages", "state"}
    assert data["hits"][0]["state"] == "published"
    assert set(data["facets"]) == set(FACETS)
    assert data["facets"]["topic"][0] == {"value": "Fraud", "count": 2}


# ---- negations (Whoosh's own matchers get them wrong: indexer/negation.py) -------------------

def test_andnot_excludes_whatever_the_order_documents_were_added_in(tmp_path):
    with Index.open(tmp_path / "ix") as ix:
        ix.add([(make_doc("sapphire"), ["sapphire"]), (make_doc("both"), ["ruby sapphire"]),
                (make_doc("ruby"), ["ruby"])])
        assert ids(search(ix, "ruby ANDNOT sapphire")) == ["ruby"]


def test_andnot_inside_and_skipped_past_its_end(tmp_path):
    with Index.open(tmp_path / "ix") as ix:
        ix.add([(make_doc("twice"), ["court court"]), (make_doc("once"), ["court motion"])])
        for text in ('motion AND (text:"court court" ANDNOT moti*)', 'motion AND (text:"court court" ANDNOT motion)'):
            assert search(ix, text).total == 0           # the first was an IndexError in Whoosh's matcher
        assert ids(search(ix, 'court AND (text:"court court" ANDNOT moti*)')) == ["twice"]


def test_not_never_finds_a_deleted_document(tmp_path):
    with Index.open(tmp_path / "ix") as ix:
        ix.add([(make_doc("fraud"), ["fraud"]), (make_doc("gone"), ["other"]), (make_doc("kept"), ["other"])])
        assert set(ids(search(ix, "NOT fraud"))) == {"gone", "kept"}
        ix.delete(["gone"])            # the segment, and its facet arrays, stay
        assert ids(search(ix, "NOT fraud")) == ["kept"]
        assert ids(search(ix, "other ANDNOT fraud")) == ["kept"]
