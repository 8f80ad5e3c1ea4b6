"""A release and its attachments are one unit: checked whole, stored whole or not at all."""
from __future__ import annotations

import io

import pytest

from dossier.core.adding import store_unit
from dossier.core.errors import Refused
from dossier.repository import NotFound, Repository
from tests.uploads import samples
from dossier.uploads.intake import Intake, Upload


@pytest.fixture
def repo(tmp_path):
    repository = Repository(tmp_path / "data")
    yield repository
    repository.close()


@pytest.fixture
def add(repo):
    intake = Intake(repo, max_bytes=64 * 1024)
    return lambda *args, **kwargs: store_unit(repo, intake, *args, **kwargs)


def upload(data: bytes, name: str, **meta) -> Upload:
    return Upload(io.BytesIO(data), name, meta)


def test_a_release_with_attachments_is_stored_and_linked_in_order(add, repo):
    main, complaint, photo = add(upload(b"AG files suit over water rights\n\nThe text.", "release.txt", office="NMAG"),
                                 [upload(samples.PDF, "complaint.pdf"), upload(samples.png(), "photo.png")],
                                 first_kind="release")
    assert main.created and main.document.kind == "release" and main.document.office == "NMAG"
    assert [p.document.kind for p in (complaint, photo)] == ["filing", "photo"]
    assert [d.id for d in repo.links(main.document.id).attachments] == [complaint.document.id, photo.document.id]
    assert not any(s.document.indexed for s in (main, complaint, photo))     # the core indexes them next


def test_a_refused_attachment_stores_nothing_at_all_and_says_which_part(add, repo):
    with pytest.raises(Refused) as caught:
        add(upload(b"Release\n", "r.txt"), [upload(samples.PDF, "motion.pdf"), upload(samples.png(), "photo.pdf")])
    refused = caught.value
    assert (refused.code, refused.part, refused.filename) == ("type_mismatch", 2, "photo.pdf")
    assert refused.message == ("Attachment 2, photo.pdf, is a PNG image, not a PDF document as its name says. "
                               "Nothing was stored: remove or replace it and send the release again.")
    assert list(repo.iter_documents(include_deleted=True)) == []
    assert list(repo.originals.hashes()) == [] and list(repo.tmp_dir.iterdir()) == []


def test_the_same_bytes_again_are_the_same_document_and_say_what_differs(add, repo):
    [filing] = add(upload(samples.PDF, "complaint.pdf", title="Complaint"))
    main, again = add(upload(b"Second release\n", "r.txt"),
                      [upload(samples.PDF, "copy.pdf", title="Other title", date="2018-06-19")])
    assert not again.created and again.document.id == filing.document.id
    assert again.document.title == "Complaint"                      # nothing stored was changed
    assert again.differences == {"title": ("Complaint", "Other title"), "date": (None, "2018-06-19")}
    assert repo.links(filing.document.id).attached_to[0].id == main.document.id


def test_the_same_file_twice_in_one_unit_is_one_document(add, repo):
    main, first, second = add(upload(b"Release\n", "r.txt"), [upload(samples.PDF, "a.pdf"), upload(samples.PDF, "b.pdf")])
    assert first.document.id == second.document.id
    assert len(list(repo.iter_documents())) == 2


def test_attaching_an_unknown_document_stores_nothing(add, repo):
    with pytest.raises(NotFound):
        add(upload(b"Release\n", "r.txt"), attach_ids=["nosuchdoc0"])
    assert list(repo.iter_documents()) == []


def test_a_unit_that_died_before_its_rows_leaves_nothing_after_the_next_open(tmp_path, repo):
    """Its originals were put in place, its transaction never ran: the journal lets the next open
    remove them."""
    import json
    import os

    from dossier.repository.store import sha256_of

    path = tmp_path / "orphan.pdf"
    path.write_bytes(samples.PDF)
    sha256 = sha256_of(path)
    repo.originals.put(path, sha256)
    (repo.tmp_dir / "unit-dead.json").write_text(json.dumps({"pid": 2**22 + 7, "sha256": [sha256]}))
    reopened = Repository(repo.data_dir)
    try:
        assert not reopened.originals.exists(sha256)
        assert list(reopened.tmp_dir.iterdir()) == []
    finally:
        reopened.close()
    assert os.getpid() > 0
