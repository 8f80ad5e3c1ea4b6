"""The repository on a real SQLite file and a real folder of originals."""
from __future__ import annotations

import hashlib
import sqlite3

import pytest

from dossier.repository import InvalidLink, InvalidMetadata, NotFound, Repository, SpooledFile
from dossier.repository import db


@pytest.fixture
def repo(tmp_path):
    repository = Repository(tmp_path / "data")
    yield repository
    repository.close()


def spooled(repo: Repository, data: bytes, name: str = "file.txt", mime: str = "text/plain") -> SpooledFile:
    path = repo.tmp_dir / f"spool-{hashlib.sha256(data).hexdigest()[:8]}"
    path.write_bytes(data)
    return SpooledFile(path, hashlib.sha256(data).hexdigest(), len(data), mime, name)


def add(repo: Repository, data: bytes, **meta):
    meta = {"kind": "release", "title": "A release", **meta}
    return repo.add(meta, spooled(repo, data))


def test_add_stores_the_original_by_hash_and_the_row(repo):
    doc, created = add(repo, b"hello world", topics=["water", "water", " border "], date="2018-06-19")
    assert created
    assert doc.topics == ("water", "border")
    assert doc.date == "2018-06-19" and doc.year == "2018"
    path = repo.original_path(doc)
    assert path.read_bytes() == b"hello world"
    assert path.relative_to(repo.data_dir).parts[:3] == ("originals", doc.sha256[:2], doc.sha256[2:4])
    assert repo.get(doc.id) == doc
    assert list(repo.tmp_dir.iterdir()) == []


def test_ids_are_short_url_safe_and_stable(repo, tmp_path):
    doc, _ = add(repo, b"same bytes")
    other = Repository(tmp_path / "elsewhere")
    again, _ = add(other, b"same bytes")
    assert doc.id == again.id
    assert len(doc.id) == 10 and doc.id.isalnum() and doc.id.islower()


def test_same_bytes_are_the_same_document_and_keep_their_metadata(repo):
    first, _ = add(repo, b"bytes", title="First title")
    second, created = add(repo, b"bytes", title="Second title")
    assert not created
    assert second.id == first.id and second.title == "First title"
    assert len(list(repo.iter_documents())) == 1


def test_adding_deleted_bytes_again_restores_the_document(repo):
    doc, _ = add(repo, b"bytes")
    repo.delete(doc.id)
    with pytest.raises(NotFound):
        repo.get(doc.id)
    again, created = add(repo, b"bytes")
    assert not created and again.id == doc.id and not again.deleted


def test_metadata_is_checked(repo):
    with pytest.raises(InvalidMetadata, match="date"):
        add(repo, b"x", date="19 June 2018")
    with pytest.raises(InvalidMetadata, match="kind"):
        add(repo, b"y", kind="memo")
    with pytest.raises(InvalidMetadata, match="title"):
        add(repo, b"z", title="   ")
    assert list(repo.iter_documents()) == []


def test_links_are_typed_ordered_and_seen_from_both_ends(repo):
    release, _ = add(repo, b"release")
    files = [add(repo, f"file {n}".encode(), kind="filing", title=f"Filing {n}")[0] for n in (3, 1, 2)]
    for doc in files:
        assert repo.link(release.id, doc.id, "attachment")
    assert not repo.link(release.id, files[0].id, "attachment")
    assert [d.title for d in repo.links(release.id).attachments] == ["Filing 3", "Filing 1", "Filing 2"]
    assert [d.id for d in repo.links(files[1].id).attached_to] == [release.id]
    assert repo.link(files[0].id, files[1].id, "related")
    assert not repo.link(files[1].id, files[0].id, "related")
    assert [d.id for d in repo.links(files[1].id).related] == [files[0].id]
    assert [d.id for d in repo.links(files[0].id).related] == [files[1].id]
    with pytest.raises(InvalidLink):
        repo.link(release.id, release.id, "related")
    with pytest.raises(NotFound):
        repo.link(release.id, "nosuchid00", "related")


def test_deleted_documents_leave_link_lists_and_purge_removes_them_for_good(repo):
    release, _ = add(repo, b"release")
    filing, _ = add(repo, b"filing", kind="filing")
    repo.link(release.id, filing.id, "attachment")
    repo.delete(filing.id)
    assert repo.links(release.id).attachments == ()
    purged = repo.purge()
    assert [d.id for d in purged] == [filing.id]
    assert not repo.original_path(filing).exists()
    with pytest.raises(NotFound):
        repo.get(filing.id, include_deleted=True)
    assert repo.original_path(release).exists()


def test_update_changes_metadata_and_marks_for_reindexing(repo):
    doc, _ = add(repo, b"x")
    repo.mark_indexed([doc.id])
    changed = repo.update(doc.id, {"title": "New title", "people": ["Hector Balderas"]})
    assert changed.title == "New title" and changed.people == ("Hector Balderas",)
    assert not changed.indexed and repo.unindexed_ids() == [doc.id]
    with pytest.raises(InvalidMetadata):
        repo.update(doc.id, {"title": ""})


def test_text_is_kept_page_by_page(repo):
    doc, _ = add(repo, b"%PDF-fake", kind="filing")
    repo.set_text(doc.id, ["page one", "", "page three"], status="partial", error="1 page failed", page_count=3)
    assert repo.pages(doc.id) == ["page one", "", "page three"]
    stored = repo.get(doc.id)
    assert (stored.text_status, stored.text_error, stored.page_count) == ("partial", "1 page failed", 3)


def test_check_finds_corrupted_and_missing_originals(repo):
    good, _ = add(repo, b"good")
    bad, _ = add(repo, b"bad")
    gone, _ = add(repo, b"gone")
    path = repo.original_path(bad)
    path.chmod(0o644)
    path.write_bytes(b"tampered")
    repo.original_path(gone).unlink()
    problems = {(p.doc_id, p.code) for p in repo.check_originals()}
    assert problems == {(bad.id, "corrupt_original"), (gone.id, "missing_original")}


def test_database_is_versioned_and_refuses_a_newer_schema(repo):
    conn = sqlite3.connect(repo.db_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == db.SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.execute(f"PRAGMA user_version = {db.SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(RuntimeError, match="newer"):
        db.connect(repo.db_path)


def test_an_original_stored_before_a_crash_is_reused_not_duplicated(repo):
    data = b"crashed after the rename, before the row"
    sha = hashlib.sha256(data).hexdigest()
    tmp = repo.tmp_dir / "spool-crash"
    tmp.write_bytes(data)
    repo.originals.put(tmp, sha)          # the crash happens here: no row yet
    doc, created = add(repo, data)
    assert created and repo.original_path(doc).read_bytes() == data
