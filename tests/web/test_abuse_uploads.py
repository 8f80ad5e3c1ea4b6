"""Abusive uploads: oversized and endless bodies, many files, hostile file names, lying types, no credentials."""
from __future__ import annotations

import io
import json

import pytest

from tests.web.conftest import csrf

from .test_api import auth

MB = 2**20


class Endless(io.RawIOBase):
    """A request body that counts what the server reads of it: a multipart head, then `size` bytes of 'a'."""

    def __init__(self, head: bytes, size: int, tail: bytes = b""):
        self.head, self.left, self.tail, self.consumed = head, size, tail, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        if self.head:
            data, self.head = self.head[:len(buffer)], self.head[len(buffer):]
        elif self.left:
            data = b"a" * min(len(buffer), self.left, 64 * 1024)
            self.left -= len(data)
        else:
            data, self.tail = self.tail[:len(buffer)], self.tail[len(buffer):]
        buffer[:len(data)] = data
        self.consumed += len(data)
        return len(data)


def file_part(name: bytes = b"big.txt", field: bytes = b"file", content_type: bytes = b"text/plain") -> bytes:
    return (b"--B\r\nContent-Disposition: form-data; name=\"" + field + b"\"; filename=\"" + name + b"\"\r\n"
            b"Content-Type: " + content_type + b"\r\n\r\n")


def raw_post(client, path: str, body: io.RawIOBase, *, length: int | None, headers=None):
    """POST a streaming body; length None means chunked (no Content-Length), as a streaming server passes it on."""
    # In the environ itself: the builder would otherwise encode an empty form with its own boundary.
    overrides = {"wsgi.input": body, "CONTENT_TYPE": "multipart/form-data; boundary=B"}
    if length is None:
        overrides.update({"CONTENT_LENGTH": "", "HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input_terminated": True})
    else:
        overrides["CONTENT_LENGTH"] = str(length)
    return client.post(path, headers=headers or {}, content_type="multipart/form-data; boundary=B",
                       environ_overrides=overrides)


def stored_count(services) -> int:
    return len(services.repo.live_ids())


# -- size -----------------------------------------------------------------------------
def test_endless_chunked_upload_is_refused_while_streaming(client, token, services, config):
    body = Endless(file_part(), 200 * MB)
    response = raw_post(client, "/api/documents", body, length=None, headers=auth(token))
    assert response.status_code == 413 and response.get_json()["error"]["code"] == "too_large"
    request_cap = config.max_upload_bytes + MB
    assert body.consumed <= request_cap + MB, f"read {body.consumed} bytes of an endless body"
    assert stored_count(services) == 0 and not any(services.repo.tmp_dir.iterdir())


def test_declared_oversize_is_refused_before_reading(client, token, services, config):
    body = Endless(file_part(), 50 * MB, b"\r\n--B--\r\n")
    response = raw_post(client, "/api/documents", body, length=50 * MB + 200, headers=auth(token))
    assert response.status_code == 413 and body.consumed == 0


def test_chunked_file_over_the_intake_cap_is_refused(client, token, services, config):
    # Under the request cap (limit + 1 MB of room) but over the file cap: refused by the spool.
    size = config.max_upload_bytes + MB // 2
    body = Endless(file_part(), size, b"\r\n--B--\r\n")
    response = raw_post(client, "/api/documents", body, length=None, headers=auth(token))
    assert response.status_code == 413 and response.get_json()["error"]["code"] == "too_large"
    assert stored_count(services) == 0 and not any(services.repo.tmp_dir.iterdir())


def test_anonymous_bodies_are_not_read(client, services):
    """No account, no reading: neither the API nor the upload form spool a stranger's 50 MB."""
    for path in ("/api/documents", "/upload"):
        body = Endless(file_part(), 50 * MB, b"\r\n--B--\r\n")
        response = raw_post(client, path, body, length=50 * MB + 200)
        assert response.status_code in (401, 403), path
        assert body.consumed == 0, f"{path} read {body.consumed} bytes before refusing"
        chunked = Endless(file_part(), 50 * MB)
        assert raw_post(client, path, chunked, length=None).status_code in (401, 403)
        assert chunked.consumed == 0, path
    assert stored_count(services) == 0


# -- many files ------------------------------------------------------------------------
def test_many_files_in_one_request(client, token, services):
    count = 30
    data = {"title": "Release with many files", "text": "A release with thirty attachments.",
            "attachments": [(io.BytesIO(f"attachment number {i}\n".encode()), f"att-{i}.txt") for i in range(count)]}
    response = client.post("/api/documents", data=data, headers=auth(token))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert len(body["attachments"]) == count and len(body["links"]["attachments"]) == count
    assert [a["id"] for a in body["links"]["attachments"]] == [a["id"] for a in body["attachments"]]
    assert stored_count(services) == count + 1


def test_too_many_parts_is_413_and_stores_nothing(client, token, services):
    parts = b"".join(file_part(f"f{i}.txt".encode(), b"attachments") + f"part {i}\r\n".encode()
                     for i in range(1100))
    raw = parts + file_part(b"main.txt") + b"main\r\n--B--\r\n"
    response = client.post("/api/documents", data=raw, headers=auth(token),
                           content_type="multipart/form-data; boundary=B")
    assert response.status_code == 413 and response.get_json()["error"]["code"] == "too_large"
    assert stored_count(services) == 0


# -- file names --------------------------------------------------------------------------
def post_named(client, token, name: bytes, content: bytes = b"a plain text release\n"):
    raw = file_part(name) + content + b"\r\n--B--\r\n"
    return client.post("/api/documents", data=raw, headers=auth(token), content_type="multipart/form-data; boundary=B")


@pytest.mark.parametrize("raw_name, kept", [
    (b"../../../etc/passwd.txt", "passwd.txt"),
    (b"..\\\\..\\\\windows\\\\win.ini.txt", "win.ini.txt"),   # quoted-pair escaped backslashes
    (b"/absolute/path/report.txt", "report.txt"),
    (b"..", "upload"),
    (b"a\x00b.txt", "ab.txt"),
    (b"bell\x07esc\x1b[31mdel\x7f.txt", "bellesc[31mdel.txt"),
    ("r\u00e9sum\u00e9 \u202egnp.txt".encode(), "r\u00e9sum\u00e9 gnp.txt"),   # bidi override dropped
    (b"x" * 5000 + b".txt", "x" * 251 + ".txt"),
])
def test_hostile_file_names_are_kept_as_harmless_metadata(client, token, services, tmp_path, raw_name, kept):
    response = post_named(client, token, raw_name, b"release named " + raw_name[:8].replace(b"\x00", b"") + b"\n")
    assert response.status_code == 201, response.get_json()
    doc = response.get_json()
    assert doc["filename"] == kept
    original = services.repo.original_path(services.repo.get(doc["id"]))
    assert original.parent.parent.parent == services.repo.originals.root
    assert not (tmp_path / "etc").exists()
    with client.get(f"/documents/{doc['id']}/original") as download:
        disposition = download.headers["Content-Disposition"]
    assert "\x00" not in disposition and "\n" not in disposition and "/" not in disposition.split(";", 1)[1]


def test_non_utf8_file_name_is_a_clear_400_not_a_missing_file(client, token, services):
    response = post_named(client, token, b"caf\xe9.txt")
    assert response.status_code == 400
    assert "UTF-8" in response.get_json()["error"]["message"]
    assert stored_count(services) == 0


def test_non_utf8_file_name_in_the_upload_form(signed_in, services):
    token = csrf(signed_in, "/upload")
    raw = (b"--B\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n" + token.encode() + b"\r\n"
           + file_part(b"caf\xe9.txt", b"release_file") + b"text\r\n--B--\r\n")
    response = signed_in.post("/upload", data=raw, content_type="multipart/form-data; boundary=B")
    assert response.status_code == 400 and "UTF-8" in response.get_data(as_text=True)
    assert stored_count(services) == 0


# -- lying types -------------------------------------------------------------------------
def test_claimed_content_type_is_ignored_sniffed_type_wins(client, token, make_pdf):
    pdf = make_pdf("real.pdf", ["A real PDF"]).read_bytes()
    other_pdf = make_pdf("other.pdf", ["Another real PDF"]).read_bytes()
    png = b"\x89PNG\r\n\x1a\n" + bytes.fromhex("0000000d49484452000000010000000108060000001f15c489") + \
        bytes.fromhex("0000000a49444154789c63000100000500010d0a2db40000000049454e44ae426082")
    cases = [(b"real.pdf", pdf, b"image/png", 201, "application/pdf"),
             (b"photo.png", png, b"application/pdf", 201, "image/png"),
             (b"noextension", other_pdf, b"text/html", 201, "application/pdf"),
             (b"photo.png", pdf, b"image/png", 415, "type_mismatch"),
             (b"page.html", png, b"text/html", 415, "type_mismatch"),
             (b"release.txt", pdf, b"text/plain", 415, "type_mismatch")]
    for name, content, claimed, status, outcome in cases:
        raw = file_part(name, content_type=claimed) + content + b"\r\n--B--\r\n"
        response = client.post("/api/documents", data=raw, headers=auth(token),
                               content_type="multipart/form-data; boundary=B")
        body = response.get_json()
        assert response.status_code == status, (name, claimed, body)
        assert (body["mime"] if status == 201 else body["error"]["code"]) == outcome, (name, claimed, body)
        if status == 201:
            with client.get(f"/documents/{body['id']}/original") as served:
                assert served.mimetype == outcome and served.headers["X-Content-Type-Options"] == "nosniff"


# -- credentials -------------------------------------------------------------------------
def test_uploads_without_credentials_store_nothing(client, signed_in, services, accounts):
    anonymous = client.application.test_client()
    data = lambda: {"title": "x", "file": (io.BytesIO(b"sneaky\n"), "s.txt")}  # noqa: E731
    assert anonymous.post("/api/documents", data=data()).status_code == 401
    assert anonymous.post("/api/documents", data=data(), headers={"Authorization": "Basic cHJlc3M6eA=="}).status_code == 401
    assert anonymous.post("/api/documents", data=data(), headers=auth("dsr_forged")).status_code == 401
    assert anonymous.post("/upload", data={**data(), "csrf_token": csrf(anonymous)}).status_code == 302
    # Signed in, but the form carries no token, or another session's token.
    assert signed_in.post("/upload", data=data()).status_code == 403
    assert signed_in.post("/upload", data={**data(), "csrf_token": csrf(anonymous)}).status_code == 403
    assert signed_in.post("/upload", data=data(), headers={"X-CSRF-Token": "forged"}).status_code == 403
    # A session cookie is not an API credential.
    assert signed_in.post("/api/documents", data=data()).status_code == 403
    assert stored_count(services) == 0 and not any(services.repo.tmp_dir.iterdir())
