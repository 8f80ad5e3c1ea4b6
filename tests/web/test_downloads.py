"""Originals byte for byte with safe headers; a release's bundle as a streamed ZIP."""
from __future__ import annotations

import hashlib
import io
import zipfile


def fetch(client, url, **kwargs):
    """GET, read the body, and close the file behind it (send_file keeps it open until closed)."""
    response = client.get(url, **kwargs)
    response.get_data()
    response.close()
    return response


def test_original_is_byte_for_byte_with_etag_and_inline_pdf(client, services, release):
    _, (complaint, _) = release
    response = fetch(client, f"/documents/{complaint.id}/original")
    original = services.repo.original_path(complaint).read_bytes()
    assert response.status_code == 200 and response.data == original
    assert hashlib.sha256(response.data).hexdigest() == complaint.sha256
    assert response.mimetype == "application/pdf"
    assert response.headers["ETag"] == f'"{complaint.sha256}"'
    assert response.headers["Content-Disposition"] == "inline; filename=complaint.pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "script-src" not in response.headers["Content-Security-Policy"]


def test_non_ascii_name_is_encoded(client, release):
    _, (_, exhibit) = release
    disposition = fetch(client, f"/documents/{exhibit.id}/original").headers["Content-Disposition"]
    assert "filename*=UTF-8''Exhibit%20%C3%84.pdf" in disposition


def test_text_and_html_download_sandboxed(client, services, release):
    from dossier.core import Upload

    main, _ = release
    response = fetch(client, f"/documents/{main.id}/original")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in response.headers["Content-Security-Policy"]
    page = io.BytesIO(b"<!DOCTYPE html><html><head><title>Hi</title></head><body><script>alert(1)</script></body></html>")
    stored, _ = services.add(Upload(page, "page.html"))
    html = fetch(client, f"/documents/{stored.document.id}/original")
    assert html.headers["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in html.headers["Content-Security-Policy"]
    assert "default-src 'none'" in html.headers["Content-Security-Policy"]


def test_conditional_and_range_requests(client, release):
    _, (complaint, _) = release
    url = f"/documents/{complaint.id}/original"
    assert fetch(client, url, headers={"If-None-Match": f'"{complaint.sha256}"'}).status_code == 304
    partial = fetch(client, url, headers={"Range": "bytes=0-9"})
    assert partial.status_code == 206 and partial.data.startswith(b"%PDF")
    assert len(partial.data) == 10
    assert partial.headers["Content-Range"].startswith("bytes 0-9/")
    assert fetch(client, url, headers={"Range": "bytes=999999-"}).status_code == 416


def test_a_range_is_exactly_its_bytes(client, services, release):
    _, (complaint, _) = release
    original = services.repo.original_path(complaint).read_bytes()
    url = f"/documents/{complaint.id}/original"
    for header, expected in [("bytes=100-299", original[100:300]), ("bytes=-50", original[-50:]),
                             (f"bytes={len(original) - 7}-", original[-7:])]:
        partial = fetch(client, url, headers={"Range": header})
        assert partial.status_code == 206 and partial.data == expected, header
        assert partial.headers["Content-Length"] == str(len(expected))


def test_bundle_zip_has_release_and_attachments_with_original_names(client, services, release):
    main, parts = release
    response = fetch(client, f"/documents/{main.id}/bundle.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert archive.namelist() == ["release.txt", "complaint.pdf", "Exhibit Ä.pdf"]
    for doc, name in zip([main, *parts], archive.namelist()):
        assert hashlib.sha256(archive.read(name)).hexdigest() == doc.sha256


def test_unique_names():
    from dossier.web.views.downloads import unique_names

    assert unique_names(["a.pdf", "A.pdf", "a.pdf", "b"]) == ["a.pdf", "A (2).pdf", "a (3).pdf", "b"]


def damage(services, doc) -> None:
    path = services.repo.original_path(doc)
    path.chmod(0o600)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def test_a_damaged_original_is_never_served_as_if_whole(client, services, release):
    main, (complaint, _) = release
    damage(services, complaint)
    response = fetch(client, f"/documents/{complaint.id}/original")
    assert response.status_code == 500
    assert "damaged or missing" in response.get_data(as_text=True)
    conditional = fetch(client, f"/documents/{complaint.id}/original",
                        headers={"If-None-Match": f'"{complaint.sha256}"'})
    assert conditional.status_code == 500
    ranged = fetch(client, f"/documents/{complaint.id}/original", headers={"Range": "bytes=0-99"})
    assert ranged.status_code == 500
    assert fetch(client, f"/documents/{main.id}/bundle.zip").status_code == 500


def test_a_missing_original_is_a_clear_error_and_adding_the_bytes_again_repairs_it(client, services, release, make_pdf):
    from dossier.core import Upload

    _, (complaint, _) = release
    path = services.repo.original_path(complaint)
    kept = path.read_bytes()
    path.unlink()
    response = fetch(client, f"/documents/{complaint.id}/original")
    assert response.status_code == 500 and "damaged or missing" in response.get_data(as_text=True)
    again, _ = services.add(Upload(io.BytesIO(kept), "complaint.pdf", {}))
    assert again.document.id == complaint.id and not again.created
    repaired = fetch(client, f"/documents/{complaint.id}/original")
    assert repaired.status_code == 200 and repaired.data == kept
    damage(services, complaint)
    services.add(Upload(io.BytesIO(kept), "complaint.pdf", {}))
    assert fetch(client, f"/documents/{complaint.id}/original").data == kept
    assert services.indexer.check() == []


def test_ranges_as_rfc_9110_has_them(client, release):
    _, (complaint, _) = release
    url = f"/documents/{complaint.id}/original"
    whole = fetch(client, url)
    beyond = fetch(client, url, headers={"Range": "bytes=99999999-"})
    assert beyond.status_code == 416
    assert beyond.headers["Content-Range"] == f"bytes */{len(whole.data)}"
    several = fetch(client, url, headers={"Range": "bytes=0-1,5-6"})
    assert several.status_code == 200 and several.data == whole.data
    unchanged = fetch(client, url, headers={"Range": "bytes=0-9", "If-None-Match": f'"{complaint.sha256}"'})
    assert unchanged.status_code == 304 and unchanged.data == b""
    part = fetch(client, url, headers={"Range": "bytes=0-9", "If-None-Match": '"another"'})
    assert part.status_code == 206 and part.data == whole.data[:10]


def test_a_name_a_computer_would_run_is_offered_with_its_type_s_extension(client, services):
    from dossier.core import Upload

    for name, expected in (("notes.hta", "notes.hta.txt"), ("page.js", "page.js.txt"), ("report.TXT", "report.TXT"),
                           ("README", "README.txt")):
        stored, _ = services.add(Upload(io.BytesIO(f"Plain words in {name}".encode()), name, {}))
        disposition = fetch(client, f"/documents/{stored.document.id}/original").headers["Content-Disposition"]
        assert disposition == f"attachment; filename={expected}", name
    page, _ = services.add(Upload(io.BytesIO(b"<html><title>T</title><p>Words</p></html>"), "page.xhtml", {}))
    assert fetch(client, f"/documents/{page.document.id}/original").headers["Content-Disposition"] == \
        "attachment; filename=page.xhtml.html"
