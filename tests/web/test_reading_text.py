"""A filing as people read it: pleading paper's margin numbers and the court's stamp on every page
stay searchable but out of the reader, the document page and the matching pages' snippets; a long
exhibit's document page shows what fits and leaves the rest to the reader."""
from __future__ import annotations

import re

import pytest

from dossier.core import Upload
from dossier.core.reading import marked_pages
from dossier.indexer.reading_text import reading_page, reading_pages

MOTION = "pdf/filings/xray__gov.uscourts.cand.320086.220.3.pdf"       # 28 pages on pleading paper
STAMP = "Case 3:17-cv-06932-MMC"
EXHIBIT = "pdf/filings/xray__gov.uscourts.cand.316263.220.0.pdf"      # 87 pages, 237,000 characters


def add_filing(services, corpus, path: str):
    added = services.add(Upload(corpus / path, path.rsplit("/", 1)[1], {"kind": "filing"}))
    return added.main.document


def lone_numbers(text: str) -> list[str]:
    return re.findall(r"(?m)^\s*\d{1,2}\s*$", text)


@pytest.mark.corpus
def test_the_reader_leaves_out_margin_numbers_and_the_stamp_that_search_still_finds(client, services, corpus):
    motion = add_filing(services, corpus, MOTION)
    page = client.get(f"/documents/{motion.id}/pages/2").get_data(as_text=True)
    text = re.sub(r"<[^>]+>", "\n", page.split('id="text-heading"', 1)[1].split("</section>", 1)[0])
    assert "PLEASE TAKE NOTICE" in text
    assert not lone_numbers(text) and STAMP not in text
    found = client.get("/search", query_string={"q": '"3:17-cv-06932-MMC"'}).get_data(as_text=True)
    assert f"/documents/{motion.id}" in found                               # the stamp is still searchable
    api = client.get(f"/api/documents/{motion.id}/pages/2").get_json()
    assert not lone_numbers(api["text"]) and STAMP not in api["text"] and "PLEASE TAKE NOTICE" in api["text"]


@pytest.mark.corpus
def test_matching_pages_snippets_and_the_document_page_leave_them_out_too(client, services, corpus):
    motion = add_filing(services, corpus, MOTION)
    reader = client.get(f"/documents/{motion.id}/pages/1", query_string={"q": "dismiss"}).get_data(as_text=True)
    listed = reader.split("match “dismiss”", 1)[1].split("</ol>", 1)[0]
    assert "<mark>" in listed and STAMP not in listed
    document = client.get(f"/documents/{motion.id}").get_data(as_text=True)
    body = document.split('id="text-heading"', 1)[1]
    assert "PLEASE TAKE NOTICE" in body and STAMP not in body
    assert not re.search(r"(?m)^\s*(?:1\s*\n\s*2\s*\n\s*3)\s*$", re.sub(r"<[^>]+>", "", body))


@pytest.mark.corpus
def test_a_long_filing_shows_its_first_pages_and_points_to_the_reader(client, services, corpus):
    exhibit = add_filing(services, corpus, EXHIBIT)
    response = client.get(f"/documents/{exhibit.id}")
    page = response.get_data(as_text=True)
    assert len(response.data) < 100_000                                     # 280 KB with every page
    shown = re.findall(r'<section class="doc-page" id="page-(\d+)"', page)
    assert shown[0] == "1" and 1 < len(shown) < 87
    assert f"Shown here: pages 1 to {shown[-1]} of 87." in page
    assert f'href="/documents/{exhibit.id}/pages/{int(shown[-1]) + 1}"' in page
    deep = client.get(f"/documents/{exhibit.id}", query_string={"q": "Guggenheim"}).get_data(as_text=True)
    matched = re.findall(r'<section class="doc-page" id="page-(\d+)"', deep)
    assert "Shown here: the 2 pages of 87 that match “Guggenheim”." in deep
    assert matched == ["56", "59"] and all("<mark>Guggenheim</mark>" in deep.split(f'id="page-{n}"', 1)[1].split("</section>")[0]
                           for n in matched)


def test_margin_numbers_go_only_where_they_count_down_the_margin():
    pleading = "\n".join(f"{n} " for n in range(1, 29)) + "\nMOTION TO DISMISS\nThe Court should grant it."
    assert reading_page(pleading) == "MOTION TO DISMISS\nThe Court should grant it."
    assert reading_page(pleading.replace("\n", "\n \n")) == "MOTION TO DISMISS\n \nThe Court should grant it."
    table = "Exhibit totals\n" + "\n".join(str(n) for n in (12, 7, 40, 3, 19, 22, 5, 31, 8, 14, 9, 2))
    assert reading_page(table) == table                                    # figures in a column stay
    short = "1\n2\n3\nThree numbered steps."
    assert reading_page(short) == short                                    # too few to be a margin


def test_framing_lines_are_those_on_most_pages_and_not_a_short_documents():
    bodies = ["The parties agree.", "Venue is proper.", "The claim fails.", "So ordered."]
    pages = [f"Case 1:19-cv-00123 Document 4 Filed 03/03/19 Page {n} of 4\n{body}" for n, body in enumerate(bodies, 1)]
    assert reading_pages(pages) == bodies
    assert reading_pages(pages[:2]) == pages[:2]


@pytest.mark.corpus
@pytest.mark.parametrize("query", ["dismiss", "Micron OR Jinhua", "trade secret*", "misappropriation~",
                                   "dismiss -Micron", "PLEASE NOTICE", "zebrafish", '"second amended complaint"'])
def test_pages_named_by_the_index_are_the_pages_marking_every_page_finds(services, corpus, query):
    motion = add_filing(services, corpus, MOTION)
    texts = reading_pages(services.repo.pages(motion.id))
    terms = services.index.highlight_terms(query)
    scanned = [n for n, text in enumerate(texts, 1) if services.index.marks(text, terms)]
    marked = [n for n, _ in marked_pages(services, motion.id, texts, query, terms)]
    if '"' in query:       # a phrase's pages are where its words stand in order, not each word's
        assert marked and set(marked) < set(scanned)
    else:
        assert marked == scanned


def test_an_english_document_is_not_marked_through_spanish_stems(client, services):
    services.add_text("Motion to dismiss\nThe plaintiffs do not adequately plead a claim. Please note the hearing.",
                      {"title": "Motion to dismiss", "date": "2019-06-07"})
    found = client.get("/search", query_string={"q": "please"}).get_data(as_text=True)
    assert "<mark>Please</mark>" in found and "<mark>plead</mark>" not in found      # both stem to "ple" in Spanish
