"""Search that finds what people mean: wildcards over the words as written, half-typed queries
mended and said aloud, the commonest typo (two letters swapped) corrected first, years in order."""
from __future__ import annotations

import pytest

from dossier.indexer.errors import QueryError
from dossier.indexer.index import Index
from dossier.indexer.repair import repair
from dossier.indexer.search import SearchQuery
from tests.indexer.test_search import make_doc

pytestmark = pytest.mark.usefixtures("search_path")    # with the accelerator, then without

TEXTS = {
    "separation": ("Family separation at the border", "The separation of families began in the spring."),
    "separated": ("Children separated", "They were separated from their parents at the port of entry."),
    "immigration": ("Immigration court backlog", "Immigration judges and immigrants wait for hearings."),
    "reversed": ("Spring began", "In the spring the families faced separation, then filed suit."),
    "fraud1": ("Fraud settlement", "A settlement over consumer fraud."),
    "fraud2": ("Fraud charges", "Charges of securities fraud were filed."),
    "farad": ("Units", "A farad measures capacitance."),
}


@pytest.fixture(scope="module")
def index(tmp_path_factory, search_path):
    ix = Index.open(tmp_path_factory.mktemp("find") / "index")
    ix.add([(make_doc(doc_id, title=title, date=f"20{10 + n}-01-01"), [text])
            for n, (doc_id, (title, text)) in enumerate(TEXTS.items())])
    yield ix
    ix.close()


def found(index, text: str, **kw) -> set[str]:
    return {hit.id for hit in index.search(SearchQuery(text=text, per_page=50, **kw)).hits}


@pytest.mark.parametrize("pattern, expected", [
    ("separat*", {"separation", "separated", "reversed"}),     # as written: the stems are "separ"
    ("immigra*", {"immigration"}),
    ("immigr?tion", {"immigration"}),
    ("title:separat*", {"separation", "separated"}),
])
def test_wildcards_match_the_words_as_written(index, pattern, expected):
    assert found(index, pattern) == expected


def test_a_wildcard_hit_is_marked_in_its_snippet(index):
    (hit,) = index.search(SearchQuery(text="immigra*")).hits
    assert "<mark>Immigration</mark>" in hit.snippet and "<mark>immigrants</mark>" in hit.snippet


@pytest.mark.parametrize("typed, read_as, reason", [
    ('"separation of families', '"separation of families"', "closed the quotation mark"),
    ("(fraud OR charges", "(fraud OR charges)", "closed the bracket"),
    ("fraud)", "fraud", "closing bracket that had no opening one"),
    ("title:(", "", "left out “title:”"),
    ("fraud title:", "fraud", "left out “title:”"),
    ("title: fraud", "title:fraud", "as “title:fraud”"),
    ("fraud AND", "fraud", "left out “AND”"),
])
def test_a_half_typed_query_is_mended_and_says_how(index, typed, read_as, reason):
    result = index.search(SearchQuery(text=typed))
    assert result.read_as == read_as
    assert any(reason in r for r in result.repairs), result.repairs


def test_an_unclosed_quote_is_still_a_phrase(index):
    assert found(index, '"separation of families') == {"separation"}       # not "reversed": same words, other order
    assert index.search(SearchQuery(text="separation families")).repairs == ()


def test_a_query_needing_no_mending_is_read_as_typed(index):
    result = index.search(SearchQuery(text='"family separation" OR title:fraud'))
    assert result.read_as is None and result.repairs == ()
    assert repair("case 1:19-cv-00123", {"title"}) == ("case 1:19-cv-00123", ())
    assert repair('"title: inside a phrase"', {"title"}) == ('"title: inside a phrase"', ())


def test_two_swapped_letters_are_corrected_before_a_rarer_word_one_letter_away(index):
    # "farud" is one substitution from "farad" (one document) and two swapped letters from
    # "fraud" (two documents): a person made the swap.
    assert index.search(SearchQuery(text="farud")).suggestion == "fraud"
    assert index.search(SearchQuery(text="settlemnet")).suggestion == "settlement"


def test_years_are_listed_newest_first(index):
    years = [value for value, _ in index.search(SearchQuery()).facets["year"]]
    assert years == sorted(years, reverse=True)


def test_a_correction_that_fits_the_other_words_wins_over_a_commoner_one(tmp_path):
    # "activits" is one slip from "activity" (in three documents) and from "activist" (in one):
    # only "activist" finds anything beside "actor".
    with Index.open(tmp_path / "ix") as ix:
        ix.add([(make_doc(f"a{n}"), [f"Community activity number {n}."]) for n in range(3)]
               + [(make_doc("b"), ["The activist and actor spoke."])])
        assert ix.search(SearchQuery(text="activits actor")).suggestion == "activist actor"
        assert ix.search(SearchQuery(text="activits")).suggestion == "activity"


def test_related_finds_the_documents_most_like_one_and_never_itself(tmp_path):
    with Index.open(tmp_path / "ix") as ix:
        ix.add([(make_doc("suit", title="Groundwater suit"),
                 ["The attorney general sued the utility over perchlorate in the groundwater aquifer."]),
                (make_doc("report", title="Aquifer report"),
                 ["Perchlorate contamination of groundwater near the base; the aquifer feeds wells."]),
                (make_doc("loans", title="Car loans"), ["A settlement with a car dealer about deceptive loans."])])
        result = ix.search(SearchQuery(text="related:suit"))
        assert [h.id for h in result.hits] == ["report"]
        assert "<mark>Perchlorate</mark>" in result.hits[0].snippet
        assert ix.search(SearchQuery(text="related:nosuchdoc")).total == 0


@pytest.mark.parametrize("typed, expected", [
    ("seperation~", {"separation", "separated", "reversed"}),   # one edit from "separation" (stem: separ)
    ("famly~", {"separation", "reversed"}),             # one from "family": its stem is two from "famli"
    ("separatoin~", set()),                                      # two (Levenshtein) from "separation"
])
def test_fuzzy_terms_are_fuzzy_over_the_words_as_written(index, typed, expected):
    assert found(index, typed) == expected
    assert index.search(SearchQuery(text=typed)).repairs == ()


def test_fuzzy_terms_are_one_edit_at_most_and_five_at_most(index):
    result = index.search(SearchQuery(text="seperation~2"))          # two edits cost ~20x one: read as one
    assert result.read_as == "seperation~" and "one edit" in result.repairs[0]
    assert {h.id for h in result.hits} == {"separation", "separated", "reversed"}
    with pytest.raises(QueryError, match="too many fuzzy terms"):
        index.search(SearchQuery(text=" ".join(f"{w}~" for w in ("alpha", "beta", "gamma", "delta", "omega", "sigma"))))
