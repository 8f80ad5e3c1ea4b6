"""Types come from the bytes (python-magic); names may only agree with them."""
from __future__ import annotations

import pytest

from dossier.uploads.errors import Rejected
from dossier.uploads.sniff import accepted_type

from . import samples


@pytest.fixture
def write(tmp_path):
    def _write(data: bytes, name: str = "f"):
        path = tmp_path / name
        path.write_bytes(data)
        return path
    return _write


@pytest.mark.parametrize("data, name, mime", [
    (samples.PDF, "complaint.pdf", "application/pdf"),
    (samples.PDF, "complaint", "application/pdf"),
    (b"\r\n" + samples.PDF, "opinion.pdf", "application/pdf"),          # junk before the header, as courts send
    (samples.png(), "photo.png", "image/png"),
    (samples.HTML, "release.html", "text/html"),
    (b"<p>no doctype</p>\n", "release.htm", "text/html"),
    (b"Plain words of a release.\n", "release.txt", "text/plain"),
    (samples.C_LIKE_TEXT, "notes.txt", "text/plain"),                    # libmagic says text/x-c
    (b"date,office\n2018-06-19,NMAG\n", "table.txt", "text/plain"),       # libmagic says text/csv
    ("Déclaration — café\n".encode("cp1252"), "release.txt", "text/plain"),
    ("SPOKANE, WA\u2014Rep. McMorris Rodgers\u2019 staff hold office hours.\n".encode(), "r.txt", "text/plain"),
    ((b"Text pasted from a PDF keeps stray control bytes. " * 20 + b"\x03\x1b") * 3, "pasted.txt", "text/plain"),
    (samples.docx(["A brief"]), "brief.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
])
def test_accepted_types(write, data, name, mime):
    assert accepted_type(write(data, name), name) == mime


@pytest.mark.parametrize("data, name", [
    (samples.png(), "complaint.pdf"),
    (samples.PDF, "release.txt"),
    (samples.docx(["x"]), "photo.jpg"),
    (b"just text\n", "scan.png"),
    (b"\x01\x02\x03\x04 binary \x05\x06\x07\x08" * 50, "notes.txt"),
])
def test_a_name_that_contradicts_the_bytes_is_refused(write, data, name):
    with pytest.raises(Rejected) as caught:
        accepted_type(write(data, name), name)
    assert caught.value.code == "type_mismatch"
    claimed = {".pdf": "a PDF document", ".txt": "plain text", ".jpg": "a JPEG image", ".png": "a PNG image"}
    assert caught.value.reason.endswith(f"not {claimed[name[name.rindex('.'):]]} as its name says")


@pytest.mark.parametrize("data, name", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2048, "opinion.doc"),
    (b"\x7fELF\x02\x01\x01" + b"\x00" * 64, "tool"),
    (b"PK\x03\x04" + b"\x00" * 64, "archive.zip"),
])
def test_types_outside_the_allow_list_are_refused(write, data, name):
    with pytest.raises(Rejected) as caught:
        accepted_type(write(data, name), name)
    assert caught.value.code == "unsupported_type"
