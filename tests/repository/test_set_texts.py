"""set_texts: the text of many documents stored in one transaction."""
from __future__ import annotations

import hashlib

import pytest

from dossier.repository import NotFound, Repository, SpooledFile


@pytest.fixture
def repo(tmp_path):
    repository = Repository(tmp_path / "data")
    yield repository
    repository.close()


def add(repo: Repository, data: bytes, **meta):
    path = repo.tmp_dir / f"spool-{hashlib.sha256(data).hexdigest()[:8]}"
    path.write_bytes(data)
    meta = {"kind": "filing", "title": "A filing", **meta}
    doc, _ = repo.add(meta, SpooledFile(path, hashlib.sha256(data).hexdigest(), len(data), "application/pdf", "f.pdf"))
    return doc


def test_set_texts_stores_each_documents_pages_and_status_like_set_text(repo):
    a, b, c = (add(repo, f"%PDF-{n}".encode()) for n in range(3))
    repo.set_text(c.id, ["old"], status="extracted", page_count=1)
    repo.mark_indexed([a.id, b.id, c.id])
    repo.set_texts([
        (a.id, ["page one", "", "page three"], "partial", "1 page failed", 3),
        (b.id, [], "empty", None, 2),
        (c.id, ["new one", "new two"], "extracted", None, 2),
    ])
    assert repo.pages(a.id) == ["page one", "", "page three"]
    assert repo.pages(b.id) == []
    assert repo.pages(c.id) == ["new one", "new two"]        # the old pages are replaced
    for doc_id, expected in ((a.id, ("partial", "1 page failed", 3)), (b.id, ("empty", None, 2)),
                             (c.id, ("extracted", None, 2))):
        stored = repo.get(doc_id)
        assert (stored.text_status, stored.text_error, stored.page_count) == expected
        assert stored.indexed is False                      # new text: index again
    repo.set_texts([])                                      # nothing to do


def test_the_last_item_of_an_id_wins(repo):
    a = add(repo, b"%PDF-a")
    repo.set_texts([(a.id, ["first", "x"], "extracted", None, 2), (a.id, ["second"], "extracted", None, 1)])
    assert repo.pages(a.id) == ["second"]
    assert repo.get(a.id).page_count == 1


def test_set_texts_is_all_or_nothing(repo):
    a = add(repo, b"%PDF-a")
    repo.set_text(a.id, ["kept"], status="extracted", page_count=1)
    with pytest.raises(Exception):
        # a page that is not text fails the statement: nothing of the call is stored
        repo.set_texts([(a.id, ["changed"], "extracted", None, 1), ("zz", [None], "extracted", None, 1)])
    assert repo.pages(a.id) == ["kept"]
    with pytest.raises(NotFound):
        repo.get("zz")
