"""Intake: each part checked and spooled (size cap, sniffed type, details), nothing stored."""
from __future__ import annotations

import io

import pytest

from dossier.repository import Repository
from dossier.uploads.errors import Rejected
from dossier.uploads.intake import Intake, Upload, typed
from dossier.uploads.names import safe_filename

from . import samples


@pytest.fixture
def repo(tmp_path):
    repository = Repository(tmp_path / "data")
    yield repository
    repository.close()


@pytest.fixture
def intake(repo):
    return Intake(repo, max_bytes=64 * 1024)


def upload(data: bytes, name: str, **meta) -> Upload:
    return Upload(io.BytesIO(data), name, meta)


def prepare_one(intake, part: Upload, **options):
    [prepared] = intake.prepare([part], **options)
    return prepared


def test_parts_are_spooled_sniffed_and_given_a_kind_and_title(intake, repo):
    prepared = intake.prepare([upload(b"AG files suit over water rights\n\nThe text.", "release.txt", office="NMAG"),
                               upload(samples.PDF, "complaint.pdf"), upload(samples.png(), "photo.png")],
                              first_kind="release")
    assert [p.meta["kind"] for p in prepared] == ["release", "filing", "photo"]
    assert [p.meta["title"] for p in prepared] == ["AG files suit over water rights", "complaint", "photo"]
    assert [p.spooled.mime for p in prepared] == ["text/plain", "application/pdf", "image/png"]
    assert prepared[0].given == {"office": "NMAG"}
    assert all(p.spooled.path.parent == repo.tmp_dir for p in prepared)
    assert list(repo.iter_documents()) == []
    intake.discard(prepared)
    assert list(repo.tmp_dir.iterdir()) == []


def test_a_typed_release_is_kept_as_utf8_text(intake):
    prepared = prepare_one(intake, typed("Título: agua\r\nline two", {"title": "Agua"}), first_kind="release")
    assert (prepared.meta["kind"], prepared.spooled.mime, prepared.spooled.filename) == \
        ("release", "text/plain", "release.txt")
    assert prepared.spooled.path.read_bytes() == "Título: agua\nline two".encode()


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
        intake.prepare([upload(b"first", "first.txt"), Upload(io.BufferedReader(stream), "huge.txt")])
    assert (caught.value.code, caught.value.part, caught.value.filename) == ("too_large", 1, "huge.txt")
    assert stream.reads < 10                      # it stopped reading, it did not swallow the stream
    assert list(repo.tmp_dir.iterdir()) == []     # the first part's spool file went too


def test_empty_and_unreadable_files_are_refused(intake, tmp_path):
    with pytest.raises(Rejected) as caught:
        intake.prepare([upload(b"", "empty.pdf")])
    assert caught.value.code == "empty" and caught.value.message == "empty.pdf is empty (0 bytes)"
    with pytest.raises(Rejected) as caught:
        intake.prepare([Upload(tmp_path / "missing.pdf", "missing.pdf")])
    assert caught.value.code == "unreadable"


def test_bad_details_of_any_part_are_refused_before_a_byte_is_read(intake, repo):
    class Unread(io.RawIOBase):
        def readable(self):
            return True

        def readinto(self, buffer):
            raise AssertionError("read before every part's details were checked")

    with pytest.raises(Rejected) as caught:
        intake.prepare([Upload(io.BufferedReader(Unread()), "r.txt"), upload(b"text", "a.txt", date="June 2018")])
    assert (caught.value.code, caught.value.field, caught.value.part) == ("invalid_metadata", "date", 1)


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
    prepared = prepare_one(intake, typed("Water\x03 release\x1b\nPasted from a PDF: \x0cthe office sued.",
                                         {"title": "Water"}))
    assert prepared.spooled.mime == "text/plain"
    assert b"\x03" not in prepared.spooled.path.read_bytes()


def test_a_utf16_text_file_is_given_its_first_line_as_title(intake, tmp_path):
    path = tmp_path / "release.txt"
    path.write_bytes("\ufeffAG sues over water rights\nThe office filed suit.".encode("utf-16-le"))
    prepared = prepare_one(intake, Upload(path, "release.txt", {}))
    assert prepared.spooled.mime == "text/plain"
    assert prepared.meta["title"] == "AG sues over water rights"


def test_a_lying_name_is_refused_in_plain_words(intake, tmp_path):
    path = tmp_path / "photo.pdf"
    path.write_bytes(samples.png())
    with pytest.raises(Rejected) as info:
        intake.prepare([Upload(path, "photo.pdf", {})])
    assert info.value.code == "type_mismatch"
    assert info.value.message == "photo.pdf is a PNG image, not a PDF document as its name says"
