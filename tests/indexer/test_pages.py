"""A PDF is one index entry; its pages are found from the positions of its words."""
from __future__ import annotations

import pytest
from whoosh import fields
from whoosh.analysis import StandardAnalyzer

from dossier.indexer.documents import whoosh_documents
from dossier.indexer.extract.pdf import extract_pdf
from dossier.indexer.index import Index
from dossier.indexer.paged import PagedTextField, page_of, paged_text
from dossier.indexer.schema import build_schema, text_analyzer

from .test_search import make_doc, make_pdf, search

pytestmark = pytest.mark.usefixtures("search_path")    # tests/indexer/conftest.py: on, then off

TRICKY_PAGES = [
    "The court and the parties.",                 # starts with stop words
    "",                                           # empty page
    "of the and a",                               # only stop words
    "Número de caso — café, naïve; ÉTÉ 12(b)(6) § 1983",
    "word*with*stars U.S.C. e.g. 3.14 x_y",
    "\n\n  trailing whitespace and line\nbreaks  \n",
    "Ms. L. v. ICE, 18-cv-00428",
]


def postings_whoosh_would_write(body: str) -> list:
    plain = fields.TEXT(analyzer=text_analyzer(), stored=True)
    return sorted(plain.index(body))


def postings_we_write(text) -> list:
    return sorted(build_schema()["text"].index(text))


def pdf_pages(corpus, *names):
    out = []
    for name in names:
        result = extract_pdf(corpus / "pdf" / "filings" / name)
        if result.pages:
            out.append(list(result.pages))
    return out


@pytest.mark.parametrize("pages", [TRICKY_PAGES, ["only one page"], [""], ["", ""], []])
def test_postings_are_what_whoosh_makes_of_the_same_text(pages):
    text = paged_text(pages, "Case 1:18-cv-00428 Filed", text_analyzer())
    assert postings_we_write(text) == postings_whoosh_would_write(str(text))


@pytest.mark.parametrize("text", [*TRICKY_PAGES, "\n\n".join(TRICKY_PAGES), "the the court", "ǅungla ﬁle Ⅻ ＡＢＣ İstanbul"])
def test_any_string_is_indexed_as_whoosh_would(text):
    assert postings_we_write(text) == postings_whoosh_would_write(text)


def test_another_analyzer_is_indexed_as_whoosh_would():
    body = "\n\n".join(TRICKY_PAGES)
    ours = sorted(PagedTextField(analyzer=StandardAnalyzer()).index(body))
    assert ours == sorted(fields.TEXT(analyzer=StandardAnalyzer()).index(body))


def test_postings_match_whoosh_on_real_filings(corpus):
    names = sorted(p.name for p in (corpus / "pdf" / "filings").glob("*.pdf"))[:6]
    checked = 0
    for pages in pdf_pages(corpus, *names):
        text = paged_text(pages, "", text_analyzer())
        assert postings_we_write(text) == postings_whoosh_would_write(str(text))
        assert postings_we_write(str(text)) == postings_whoosh_would_write(str(text))
        checked += 1
    assert checked >= 3


def test_each_word_maps_to_its_page():
    text = paged_text(TRICKY_PAGES, "stamp", text_analyzer())
    where = {word: {page_of(p, text.page_starts) for p in poses} for word, poses in text.positions.items()}
    assert where["court"] == {1} and where["parti"] == {1}
    assert where["numero"] == {4} and where["cafe"] == {4} and where["1983"] == {4}
    assert where["word*with*star"] == {5} and where["u.s.c"] == {5}
    assert where["trail"] == {6}
    assert where["ice"] == {7}
    assert where["stamp"] == {None}           # after the last page: on no page


def test_the_index_holds_one_entry_per_pdf():
    doc, pages = make_pdf("f", ["alpha", "beta", "gamma"])
    entries = whoosh_documents(doc, tuple(pages))
    assert len(entries) == 1 and entries[0]["page_starts"] == (0, 1, 2, 3)


PAGES = [
    "The complaint names the agency.",
    "",
    "A motion to dismiss was filed by the agency.",
    "The court denied the motion to",
    "dismiss and set a hearing.",
    "Costs of the hearing.",
]


@pytest.fixture(scope="module")
def index(tmp_path_factory, search_path):
    ix = Index.open(tmp_path_factory.mktemp("pages") / "index")
    ix.add([make_pdf("pdf", PAGES, title="Order")])
    yield ix
    ix.close()


@pytest.mark.parametrize("q, pages", [
    ("agency", (1, 3)),
    ("motion dismiss", (3,)),               # page 4 has "motion", page 5 "dismiss": AND is per page...
    ('"motion to dismiss"', (3, 4)),        # ...but a phrase over a page break counts for its first page
    ("hearing", (5, 6)),
    ("hearing NOT appeal", (5, 6)),         # (a NOT of a word the document has leaves no hit)
    ("complaint OR costs", (1, 6)),
    ("dismis*", (3, 5)),
    ("denied~", (4,)),
    ('"denied dismiss"~3', (4,)),
    ("complaint hearing", (1, 5, 6)),       # on no page together: the pages with either
    ("title:order", ()),                    # a field that is on no page
])
def test_pages_a_query_matches(index, q, pages):
    [hit] = search(index, q).hits
    assert hit.pages == pages


def test_snippet_comes_from_the_page_with_most_matches(index):
    [hit] = search(index, "motion dismiss agency").hits
    assert hit.pages == (3,)
    assert "<mark>agency</mark>" in hit.snippet and "complaint" not in hit.snippet.lower()


def test_pages_of_a_word_whose_other_documents_are_deleted(tmp_path):
    # Its postings in the segment hold only deleted documents: reading them was a ReadTooFar (a 500).
    with Index.open(tmp_path / "ix") as ix:
        ix.add([(make_doc("gone"), ["zebra court"]), make_pdf("pdf", ["court here", "more court"])])
        ix.delete(["gone"])
        [hit] = search(ix, "zebra OR court").hits
        assert hit.pages == (1, 2)
