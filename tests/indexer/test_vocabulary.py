""""Did you mean" reads the index's words once per segment and keeps up with the index: words
of a later upload are offered, words of a removed document go once its segment is merged."""
from __future__ import annotations

from dossier.indexer.index import Index
from dossier.indexer.search import SearchQuery
from tests.indexer.test_search import make_doc


def suggestion(ix: Index, text: str) -> str | None:
    return ix.search(SearchQuery(text=text)).suggestion


def test_words_of_each_new_upload_are_offered_and_removed_ones_go(tmp_path):
    with Index.open(tmp_path / "ix") as ix:
        ix.add([(make_doc("a"), ["The settlement was announced."])])
        assert suggestion(ix, "settlemnet") == "settlement"
        assert suggestion(ix, "subpoena") is None          # nothing close yet

        ix.add([(make_doc("b"), ["A subpoena was served on the company."])])    # a segment of its own
        assert suggestion(ix, "supboena") == "subpoena"

        ix.delete(["b"])
        ix.merge()
        assert suggestion(ix, "supboena") is None
        assert suggestion(ix, "settlemnet") == "settlement"


def test_a_swap_of_the_first_two_letters_and_two_slips_are_corrected(tmp_path):
    with Index.open(tmp_path / "ix") as ix:
        ix.add([(make_doc("a"), ["Consumer fraud and an immigration backlog."])])
        assert suggestion(ix, "rfaud") == "fraud"
        assert suggestion(ix, "imigrasion") == "immigration"      # a dropped letter and a wrong one
        assert suggestion(ix, "xfraud") is None                     # the first letter is kept
