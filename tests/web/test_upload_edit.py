"""The upload form (typed or file release, attachments, errors kept) and staff edits."""
from __future__ import annotations

import io

from tests.web.conftest import csrf


def form(client, **fields) -> dict:
    return {"csrf_token": csrf(client, "/upload"), "attachment_count": "2", **fields}


def test_upload_form_renders(signed_in):
    page = signed_in.get("/upload").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and 'name="att-1-file"' in page
    assert '<label class="usa-label" for="title">' in page


def test_typed_release_with_two_pdf_attachments_lands_on_release(signed_in, services, make_pdf):
    first = make_pdf("motion.pdf", ["Motion", "Argument", "Relief requested for the aquifer"])
    second = make_pdf("order.pdf", ["Order granting relief"])
    data = form(signed_in, release_text="AG wins order\nThe court granted our motion.", title="AG wins order",
                date="2020-02-02", topics="water\nenvironment",
                **{"att-0-file": (open(first, "rb"), "motion.pdf"), "att-0-kind": "filing",
                   "att-0-case_number": "1:20-cv-00001", "att-0-doc_type": "motion",
                   "att-1-file": (open(second, "rb"), "order.pdf"), "att-1-kind": "filing"})
    response = signed_in.post("/upload", data=data, content_type="multipart/form-data")
    assert response.status_code == 303
    doc_id = response.headers["Location"].rsplit("/", 1)[1]
    release = services.repo.get(doc_id)
    assert release.kind == "release" and release.title == "AG wins order" and release.topics == ("water", "environment")
    attachments = services.repo.links(doc_id).attachments
    assert [a.title for a in attachments] == ["motion", "order"] or len(attachments) == 2
    assert services.repo.get(attachments[0].id).case_number == "1:20-cv-00001"
    page = signed_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "Stored “AG wins order” with 2 attachment(s)" in page
    found = signed_in.get("/search?q=aquifer").get_data(as_text=True)
    assert "1 result" in found


def test_release_as_file_and_attach_existing(signed_in, services, release, make_pdf):
    _, (complaint, _) = release
    release_pdf = make_pdf("release.pdf", ["Second release about the same case"])
    data = form(signed_in, title="Follow-up", attach_ids=complaint.id,
                release_file=(open(release_pdf, "rb"), "release.pdf"))
    response = signed_in.post("/upload", data=data, content_type="multipart/form-data")
    assert response.status_code == 303
    doc_id = response.headers["Location"].rsplit("/", 1)[1]
    assert services.repo.get(doc_id).kind == "release"
    assert [a.id for a in services.repo.links(doc_id).attachments] == [complaint.id]


def test_errors_shown_next_to_field_and_typing_kept(signed_in, services):
    data = form(signed_in, release_text="Kept text", title="Kept title", date="31/12/2020",
                **{"att-1-title": "orphan details"})
    response = signed_in.post("/upload", data=data, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="date-error"' in page and "YYYY-MM-DD" in page
    assert 'id="att-1-file-error"' in page
    assert "Kept text</textarea>" in page and 'value="Kept title"' in page and 'value="orphan details"' in page
    assert list(services.repo.iter_documents()) == []


def test_missing_release_and_unknown_attach_id(signed_in):
    response = signed_in.post("/upload", data=form(signed_in, attach_ids="nosuchdoc"),
                              content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert 'id="release_text-error"' in page and "There is no document nosuchdoc" in page


def test_rejected_attachment_is_reported_on_its_field(signed_in, services):
    data = form(signed_in, release_text="A release",
                **{"att-0-file": (io.BytesIO(b"\x00\x01binary junk" * 20), "evil.exe")})
    response = signed_in.post("/upload", data=data, content_type="multipart/form-data")
    assert response.status_code == 415
    assert 'id="att-0-file-error"' in response.get_data(as_text=True)


def test_too_large_upload_is_413(signed_in):
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    big = FileStorage(io.BytesIO(b"a" * (4 * 2**20)), "big.txt", content_type="text/plain")
    data = form(signed_in, release_text="x", **{"att-0-file": big})
    boundary, body = encode_multipart(data)  # in memory: the test client's temp file would stay open on a 413
    response = signed_in.post("/upload", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 413 and "too large" in response.get_data(as_text=True)


def test_add_another_attachment_without_javascript(signed_in):
    response = signed_in.post("/upload", data=form(signed_in, release_text="draft", more="1"),
                              content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert 'name="att-2-file"' in page and "draft</textarea>" in page


def test_edit_metadata_and_find_new_title(signed_in, release):
    main, _ = release
    page = signed_in.get(f"/documents/{main.id}/edit").get_data(as_text=True)
    assert 'value="State sues polluters over groundwater"' in page and "water\npollution</textarea>" in page
    data = {"csrf_token": csrf(signed_in, f"/documents/{main.id}/edit"), "kind": "release",
            "title": "Renamed zanzibar release", "date": "2019-03-04", "topics": "water"}
    response = signed_in.post(f"/documents/{main.id}/edit", data=data)
    assert response.status_code == 303
    assert "Renamed zanzibar release" in signed_in.get("/search?q=zanzibar").get_data(as_text=True)


def test_edit_error_keeps_input(signed_in, release):
    main, _ = release
    data = {"csrf_token": csrf(signed_in, f"/documents/{main.id}/edit"), "kind": "release", "title": "",
            "office": "Typed office"}
    response = signed_in.post(f"/documents/{main.id}/edit", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="title-error"' in page and 'value="Typed office"' in page


def test_links_add_remove_and_delete_restore(signed_in, services, release):
    main, (complaint, exhibit) = release
    token = csrf(signed_in, f"/documents/{main.id}/edit")
    signed_in.post(f"/documents/{complaint.id}/links", data={"csrf_token": token, "other_id": exhibit.id,
                                                             "type": "related"})
    assert [d.id for d in services.repo.links(complaint.id).related] == [exhibit.id]
    signed_in.post(f"/documents/{complaint.id}/links/remove", data={"csrf_token": token, "other_id": exhibit.id})
    assert services.repo.links(complaint.id).related == ()
    bad = signed_in.post(f"/documents/{complaint.id}/links", data={"csrf_token": token, "other_id": "nope"})
    assert "Could not link" in signed_in.get(bad.headers["Location"]).get_data(as_text=True)

    signed_in.post(f"/documents/{exhibit.id}/delete", data={"csrf_token": token})
    assert "Exhibit A" not in signed_in.get("/search?q=laboratory").get_data(as_text=True)
    assert "This document is deleted" in signed_in.get(f"/documents/{exhibit.id}").get_data(as_text=True)
    signed_in.application.test_client().get(f"/documents/{exhibit.id}").status_code == 404
    signed_in.post(f"/documents/{exhibit.id}/restore", data={"csrf_token": token})
    assert "Exhibit A" in signed_in.get("/search?q=laboratory").get_data(as_text=True)


def test_edit_pages_need_sign_in(client, release):
    main, _ = release
    assert client.get(f"/documents/{main.id}/edit").status_code == 302
    assert client.post(f"/documents/{main.id}/delete", data={"csrf_token": csrf(client)}).status_code == 302
