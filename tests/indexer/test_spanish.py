"""Spanish: each document's language detected; Spanish ones also indexed with Spanish stems and
stop words, so a query finds other forms of a Spanish word; a language facet. On Spanish news
prose written for the tests (tests/indexer/spanish.py)."""
from __future__ import annotations

import pytest

from dossier.indexer.index import Index
from dossier.indexer.language import language_of
from dossier.indexer.search import SearchQuery
from tests.indexer.spanish import RELEASES_EN, RELEASES_ES
from tests.indexer.test_search import make_doc

pytestmark = pytest.mark.usefixtures("search_path")


@pytest.fixture(scope="module")
def index(tmp_path_factory, search_path):
    ix = Index.open(tmp_path_factory.mktemp("es") / "index")
    releases = [(f"es{n}", r) for n, r in enumerate(RELEASES_ES)] + [(f"en{n}", r) for n, r in enumerate(RELEASES_EN)]
    ix.add([(make_doc(doc_id, title=title), [text]) for doc_id, (title, text) in releases])
    yield ix
    ix.close()


def found(index, text: str) -> list[str]:
    return [hit.id for hit in index.search(SearchQuery(text=text)).hits]


def test_the_language_is_read_from_the_text():
    assert all(language_of(title, text) == "Spanish" for title, text in RELEASES_ES)
    assert all(language_of(title, text) == "English" for title, text in RELEASES_EN)
    assert language_of("Wes Hickman (202-224-5972)") is None          # too little to tell


@pytest.mark.parametrize("typed, expected", [
    ("demandas", ["es0"]),                   # the text says "demanda"
    ("contaminación", ["es0"]),              # ... "contaminó"
    ("contaminacion", ["es0"]),              # typed without the accent
    ("pozo", ["es0"]),                       # ... "pozos"
    ("inquilino", ["es3"]),                  # ... "inquilinos"
    ("estafa", ["es2"]),                     # ... "estafas", "estafadores"
    ("devolución", ["es1"]),                 # ... "devoluciones"
])
def test_a_spanish_word_finds_its_other_forms(index, typed, expected):
    assert found(index, typed) == expected


def test_english_is_searched_as_before(index):
    assert found(index, "contaminated wells") == ["en0"]
    assert found(index, "scams") == ["en2"]


def test_a_spanish_hit_is_marked_in_its_snippet(index):
    (hit,) = index.search(SearchQuery(text="estafa")).hits
    assert "<mark>estafadores</mark>" in hit.snippet


def test_the_language_facet_counts_and_filters(index):
    result = index.search(SearchQuery())
    assert result.facets["language"] == [("Spanish", 4), ("English", 3)]
    assert {h.id for h in index.search(SearchQuery(filters={"language": ["Spanish"]}, per_page=50)).hits} == \
        {f"es{n}" for n in range(4)}
