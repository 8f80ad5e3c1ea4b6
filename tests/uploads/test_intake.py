"""Intake on a real repository, without an index: what is stored, refused and announced."""
from __future__ import annotations

import io

import pytest

from repository import NotFound, Repository
from uploads.errors import Rejected
from uploads.intake import Intake, Upload
from uploads.names import safe_filename

from . import samples


@pytest.fixture
def repo(tmp_path):
    repository = Repository(tmp_path / "data")
    yield repository
    repository.close()


@pytest.fixture
def announced():
    return []


@pytest.fixture
def intake(repo, announced):
    return Intake(repo, max_bytes=64 * 1024, announce=announced.extend)


def upload(data: bytes, name: str, **meta) -> Upload:
    return Upload(io.BytesIO(data), name, meta)


def test_a_release_with_attachments_is_stored_linked_and_announced(intake, repo, announced):
    main, parts = intake.add(
        upload(b"AG files suit over water rights\n\nThe text.", "release.txt", office="NMAG"),
        [upload(samples.PDF, "complaint.pdf"), upload(samples.png(), "photo.png")])
    assert main.created and main.document.kind == "release"
    assert main.document.title == "AG files suit over water rights"
    assert [p.document.kind for p in parts] == ["filing", "photo"]
    assert [p.document.title for p in parts] == ["complaint", "photo"]
    assert [d.id for d in repo.links(main.document.id).attachments] == [p.document.id for p in parts]
    assert announced == [main.document.id] + [p.document.id for p in parts]


def test_the_same_bytes_again_are_the_same_document_with_new_links(intake, repo):
    filing, _ = intake.add(upload(samples.PDF, "complaint.pdf", title="Complaint"))
    main, parts = intake.add(upload(b"Second release\n", "r.txt"),
                             [upload(samples.PDF, "copy-of-complaint.pdf", title="Other title")])
    assert not parts[0].created
    assert parts[0].document.id == filing.document.id and parts[0].document.title == "Complaint"
    assert repo.links(filing.document.id).attached_to[0].id == main.document.id


def test_a_typed_release_is_kept_as_utf8_text(intake, repo):
    main, _ = intake.add_text("Título: agua\r\nline two", {"title": "Agua"})
    doc = main.document
    assert (doc.kind, doc.mime, doc.filename) == ("release", "text/plain", "release.txt")
    assert repo.original_path(doc).read_bytes() == "Título: agua\nline two".encode()


def test_too_large_is_refused_while_streaming_and_leaves_nothing(intake, repo):
    class Endless(io.RawIOBase):
        reads = 0

        def readable(self):
            return True

        def readinto(self, buffer):
            self.reads += 1
            buffer[:] = b"a" * len(buffer)
            return len(buffer)

    stream = Endless()
    with pytest.raises(Rejected) as caught:
        intake.add(Upload(io.BufferedReader(stream), "huge.txt"))
    assert caught.value.code == "too_large"
    assert stream.reads < 10                      # it stopped reading, it did not swallow the stream
    assert list(repo.iter_documents()) == [] and list(repo.tmp_dir.iterdir()) == []


def test_empty_and_unreadable_files_are_refused(intake, tmp_path):
    with pytest.raises(Rejected) as caught:
        intake.add(upload(b"", "empty.pdf"))
    assert caught.value.code == "empty"
    with pytest.raises(Rejected) as caught:
        intake.add(Upload(tmp_path / "missing.pdf", "missing.pdf"))
    assert caught.value.code == "unreadable"


def test_bad_metadata_is_refused_with_its_field(intake, repo):
    with pytest.raises(Rejected) as caught:
        intake.add(upload(b"text", "r.txt", date="June 2018"))
    assert (caught.value.code, caught.value.field) == ("invalid_metadata", "date")
    assert list(repo.iter_documents()) == []


def test_a_refused_attachment_keeps_what_was_stored_before_it_and_says_so(intake, repo, announced):
    with pytest.raises(Rejected) as caught:
        intake.add(upload(b"Release\n", "r.txt"), [upload(samples.png(), "complaint.pdf")])
    assert caught.value.code == "type_mismatch" and caught.value.filename == "complaint.pdf"
    stored = list(repo.iter_documents())
    assert [d.title for d in stored] == ["Release"]
    assert list(caught.value.stored_ids) == announced == [stored[0].id]


def test_attaching_an_unknown_document_stores_nothing(intake, repo):
    with pytest.raises(NotFound):
        intake.add(upload(b"Release\n", "r.txt"), attach_ids=["nosuchdoc0"])
    assert list(repo.iter_documents()) == []


@pytest.mark.parametrize("raw, kept", [
    ("../../etc/passwd", "passwd"),
    ("C:\\Users\\press\\brief.pdf", "brief.pdf"),
    ("bad\x00name\x07.pdf", "badname.pdf"),
    ("", "upload"),
    ("..", "upload"),
    ("x" * 300 + ".pdf", "x" * 251 + ".pdf"),
    ("décision 北京.pdf", "décision 北京.pdf"),
])
def test_filenames_are_kept_as_names_never_as_paths(raw, kept):
    assert safe_filename(raw) == kept


def test_a_typed_release_with_stray_control_characters_is_text(intake):
    main, _ = intake.add_text("Water\x03 release\x1b\nPasted from a PDF: \x0cthe office sued.", {"title": "Water"})
    assert main.document.mime == "text/plain"
    assert b"\x03" not in intake.repo.original_path(main.document).read_bytes()


def test_a_utf16_text_file_is_stored_with_its_first_line_as_title(intake, tmp_path):
    path = tmp_path / "release.txt"
    path.write_bytes("\ufeffAG sues over water rights\nThe office filed suit.".encode("utf-16-le"))
    main, _ = intake.add(Upload(path, "release.txt", {}))
    assert main.document.mime == "text/plain"
    assert main.document.title == "AG sues over water rights"


def test_a_lying_name_is_refused_in_plain_words(intake, tmp_path):
    path = tmp_path / "photo.pdf"
    path.write_bytes(samples.png())
    with pytest.raises(Rejected) as info:
        intake.add(Upload(path, "photo.pdf", {}))
    assert info.value.code == "type_mismatch"
    assert info.value.message.startswith("photo.pdf is named like a PDF document but its contents are a PNG image.")
