"""Indexing overlaps extraction (``indexer.sync``: an indexing thread beside the
extraction pool): an import of real PDFs still indexes every page, and a failure
on either side keeps what was committed and leaves the rest to ``catch_up``."""
from __future__ import annotations

import re
import shutil
import threading

import pytest

from dossier.indexer.errors import IndexLocked
from dossier.indexer.extract import ExtractionPool
from dossier.indexer.index import Index
from dossier.indexer.search import SearchQuery
from dossier.indexer.sync import Indexer
from dossier.repository import Repository
from dossier.core.adding import store_unit
from dossier.core.importing import run_import
from dossier.uploads import bulk
from dossier.uploads.intake import Intake, Upload

FILINGS = ["doctor__ca2_1-1.pdf", "doctor__ca6_1-3.pdf", "doctor__cafc_3.pdf", "doctor__ca9_19.pdf",
           "cl__nda_document.pdf", "xray__gov.uscourts.cacd.579818.150.2.pdf"]


@pytest.fixture
def services(tmp_path):
    repo = Repository(tmp_path / "data")
    index = Index.open(tmp_path / "data" / "index")
    indexer = Indexer(repo, index, lambda: ExtractionPool(workers=2))
    yield repo, index, indexer
    indexer.close()
    index.close()
    repo.close()


@pytest.fixture
def filings(corpus, tmp_path):
    folder = tmp_path / "filings"
    folder.mkdir()
    for name in FILINGS:
        shutil.copy(corpus / "pdf" / "filings" / name, folder / name)
    return folder


def store(repo, folder) -> list[str]:
    """Store every file of the folder without indexing it; the ids."""
    intake = Intake(repo)
    return [store_unit(repo, intake, Upload(path, path.name, {}))[0].document.id for path in sorted(folder.iterdir())]


def a_word_of_each_page(repo, doc_id):
    """(1-based page, a long word found on that page) for each page with text."""
    for number, text in enumerate(repo.pages(doc_id), start=1):
        words = re.findall(r"(?<![\w@.])[A-Za-z]{7,}(?![\w@.])", text)
        if words:
            yield number, words[len(words) // 2].lower()


def assert_searchable(repo, index, doc_id):
    pages = list(a_word_of_each_page(repo, doc_id))
    assert pages, f"{doc_id} has no text"
    for number, word in pages[:: max(1, len(pages) // 4)]:
        hits = {h.id: h for h in index.search(SearchQuery(text=word, per_page=100)).hits}
        assert doc_id in hits and number in hits[doc_id].pages, (doc_id, number, word)


@pytest.mark.parametrize("batch_size", [5000, 2])   # one commit at the end, or several during the run
def test_an_import_of_pdfs_indexes_every_page_of_every_filing(services, filings, batch_size):
    repo, index, indexer = services
    indexer.batch_size = batch_size
    report = run_import(Intake(repo), bulk.folder_entries(filings),
                             on_batch=indexer.index_ids, child_threshold=0)
    assert (report.added, report.skipped) == (len(FILINGS), [])
    docs = list(repo.iter_documents())
    assert len(docs) == len(FILINGS)
    assert all(d.indexed and d.text_status == "extracted" and d.page_count for d in docs)
    assert index.doc_ids() == {d.id for d in docs}
    for doc in docs:
        assert_searchable(repo, index, doc.id)


def test_a_stream_that_fails_mid_run_keeps_the_committed_batch_and_catch_up_does_the_rest(services, filings):
    repo, index, indexer = services
    ids = store(repo, filings)
    indexer.batch_size, indexer.lookahead = 1, 1
    committed = threading.Event()

    def stream():
        yield from ids[:2]       # both workers busy; the next id is pulled when one is free
        assert committed.wait(60), "the first batch was never committed"
        raise RuntimeError("the storing process died")

    with pytest.raises(RuntimeError, match="storing process died"):
        indexer.index_ids(stream(), progress=lambda n: committed.set())
    indexed = {d.id for d in repo.iter_documents() if d.indexed}
    assert len(indexed) == 1 and indexed < set(ids[:2]) and index.doc_ids() == indexed
    assert_searchable(repo, index, *indexed)

    assert indexer.catch_up() == len(ids) - 1
    assert all(d.indexed for d in repo.iter_documents()) and index.doc_ids() == set(ids)
    for doc_id in ids:
        assert_searchable(repo, index, doc_id)


def test_an_index_locked_by_another_writer_fails_the_run_and_catch_up_indexes_it_later(services, filings, tmp_path):
    repo, _, _ = services
    ids = store(repo, filings)
    index = Index.open(tmp_path / "data" / "index", writer_timeout=0.2)
    indexer = Indexer(repo, index, lambda: ExtractionPool(workers=2))
    other = Index.open(tmp_path / "data" / "index")
    held = other.batch()
    held.delete("nothing")                 # another writer holds the index's write lock
    try:
        with pytest.raises(IndexLocked):
            indexer.index_ids(ids)
        docs = list(repo.iter_documents())
        assert not any(d.indexed for d in docs) and index.doc_ids() == set()
        # the text extracted before the failure was kept: catch_up need not extract it again
        assert any(d.text_status == "extracted" for d in docs)
    finally:
        held.cancel()
        other.close()
    try:
        assert indexer.catch_up() == len(ids)
        assert index.doc_ids() == set(ids) and all(d.indexed for d in repo.iter_documents())
        for doc_id in ids:
            assert_searchable(repo, index, doc_id)
    finally:
        indexer.close()
        index.close()
