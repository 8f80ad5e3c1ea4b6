"""A bulk import end to end: entries read by uploads.bulk, stored as units by a child process
(core.importing), texts stored in one transaction per batch and indexed by the Indexer."""
from __future__ import annotations

import json

import pytest

from dossier.indexer.extract import ExtractionPool
from dossier.indexer.index import Index
from dossier.indexer.search import SearchQuery
from dossier.indexer.sync import Indexer
from dossier.repository import Repository
from dossier.core.importing import run_import
from dossier.uploads import bulk
from dossier.uploads.intake import Intake


@pytest.fixture
def services(tmp_path):
    repo = Repository(tmp_path / "data")
    index = Index.open(tmp_path / "data" / "index")
    indexer = Indexer(repo, index, lambda: ExtractionPool(workers=2))
    yield repo, index, indexer, Intake(repo)
    indexer.close()
    index.close()
    repo.close()


def manifest(tmp_path, n: int, *, bad: int | None = None):
    folder = tmp_path / "import"
    (folder / "docs").mkdir(parents=True)
    lines = []
    for i in range(n):
        (folder / "docs" / f"d{i}.txt").write_text(f"Release number {i}. The word marker{i} is unique.\n", encoding="utf-8")
        lines.append(json.dumps({"file": f"docs/d{i}.txt", "kind": "release", "title": f"Release {i}"}))
    if bad is not None:
        lines.insert(bad, json.dumps({"file": "docs/missing.txt", "kind": "release", "title": "Gone"}))
        lines.insert(bad, "not json")
    path = folder / "manifest.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("child_threshold", [0, 1000])      # a child process stores, or this one does
def test_a_bulk_import_stores_reports_and_indexes_every_entry(services, tmp_path, child_threshold):
    repo, index, indexer, intake = services
    path = manifest(tmp_path, 12, bad=5)
    progress = []
    report = run_import(intake, bulk.read_manifest(path), on_batch=indexer.index_ids,
                             progress=progress.append, child_threshold=child_threshold)
    assert (report.added, report.already_stored) == (12, 0)
    assert sorted(s.code for s in report.skipped) == ["bad_line", "unreadable"]
    assert sum(progress) == 14
    docs = list(repo.iter_documents())
    assert len(docs) == 12 and all(d.indexed and d.text_status == "extracted" for d in docs)
    assert index.doc_ids() == {d.id for d in docs}
    for i in (0, 7, 11):
        hits = index.search(SearchQuery(text=f"marker{i}")).hits
        assert [h.id for h in hits] == [repo.find_by_sha256(d.sha256).id for d in docs if f"Release {i}" == d.title]
        assert repo.pages(hits[0].id) == [f"Release number {i}. The word marker{i} is unique.\n"]
    # the same import again adds nothing
    again = run_import(intake, bulk.read_manifest(path), on_batch=indexer.index_ids, child_threshold=child_threshold)
    assert (again.added, again.already_stored, len(again.skipped)) == (0, 12, 2)


def test_texts_of_a_batch_are_stored_in_one_transaction(services, tmp_path, monkeypatch):
    repo, index, indexer, intake = services
    calls = []
    real = Repository.set_texts
    monkeypatch.setattr(Repository, "set_texts", lambda self, items, **kw: calls.append(len(list(items))) or real(self, items, **kw))
    monkeypatch.setattr(Repository, "set_text", lambda *a, **k: pytest.fail("one transaction per document"))
    indexer.batch_size = 5
    path = manifest(tmp_path, 12)
    run_import(intake, bulk.read_manifest(path), on_batch=indexer.index_ids, child_threshold=1000)
    assert sum(calls) == 12 and max(calls) <= 5 and len([c for c in calls if c]) == 3
    assert all(d.indexed for d in repo.iter_documents())


def test_an_indexer_failure_stops_the_storing_child_and_catch_up_finishes_the_work(services, tmp_path, monkeypatch):
    repo, index, indexer, intake = services
    path = manifest(tmp_path, 40)

    def failing(ids):
        for n, _ in enumerate(ids):
            if n == 3:
                raise RuntimeError("indexer broke")

    with pytest.raises(RuntimeError, match="indexer broke"):
        run_import(intake, bulk.read_manifest(path), on_batch=failing, child_threshold=0)
    stored = list(repo.iter_documents())
    assert 4 <= len(stored) <= 40 and not any(d.indexed for d in stored)
    assert list(repo.tmp_dir.iterdir()) == []
    assert indexer.catch_up() == len(stored)
    assert index.doc_ids() == {d.id for d in stored}
    report = run_import(intake, bulk.read_manifest(path), on_batch=indexer.index_ids, child_threshold=0)
    assert report.added + report.already_stored == 40
    assert len(index.doc_ids()) == 40


def test_a_long_pdf_run_commits_fewer_larger_batches_as_it_goes(services, tmp_path, monkeypatch):
    from tests.pdfmaker import make_pdf
    repo, index, indexer, intake = services
    commits = []
    real = Repository.set_texts
    monkeypatch.setattr(Repository, "set_texts", lambda self, items, **kw: commits.append(len(list(items))) or real(self, items, **kw))
    indexer.batch_pages = 1                      # a commit per PDF page, at first
    folder = tmp_path / "pdfs"
    folder.mkdir()
    for i in range(40):
        make_pdf(folder / f"f{i}.pdf", [f"Filing number {i} mentions pagemark{i}."])
    run_import(intake, bulk.folder_entries(folder), on_batch=indexer.index_ids, child_threshold=1000)
    assert sum(commits) == 40 and all(d.indexed for d in repo.iter_documents())
    assert commits[:8] == [1] * 8                # until 8 pages are committed, then the batches grow
    assert len(commits) < 25 and max(commits) >= 4
    assert [h.id for h in index.search(SearchQuery(text="pagemark39")).hits]
