"""The JSON API: reads for everyone, writes with a bearer token, JSON errors with the right status."""
from __future__ import annotations

import io
import json

import pytest

from tests.web.conftest import csrf


def auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_search_json_with_urls(client, release):
    body = client.get("/api/search?q=perchlorate&kind=filing").get_json()
    assert body["total"] == 1
    hit = body["hits"][0]
    assert hit["url"].endswith(f"/documents/{hit['id']}") and hit["download_url"].endswith("/original")
    assert hit["pages"] == [3]
    assert set(body["facets"]) >= {"kind", "year", "case_number"}


def test_search_errors_are_json_400(client):
    response = client.get("/api/search?sort=sideways")
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad_query"
    assert client.get("/api/search?page=x").status_code == 400


def test_document_json_with_links(client, release):
    main, (complaint, exhibit) = release
    body = client.get(f"/api/documents/{main.id}").get_json()
    assert body["title"] == "State sues polluters over groundwater" and body["topics"] == ["water", "pollution"]
    assert [a["id"] for a in body["links"]["attachments"]] == [complaint.id, exhibit.id]
    assert body["links"]["attachments"][0]["url"].endswith(f"/api/documents/{complaint.id}")
    missing = client.get("/api/documents/nope")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"


def test_create_with_attachments_then_duplicate(client, token, make_pdf, release):
    _, (complaint, _) = release
    pdf = make_pdf("brief.pdf", ["Amicus brief on groundwater rights"])
    photo_meta = [{"kind": "filing", "title": "The brief", "case_number": "2:21-cv-7", "doc_type": "brief"}]
    data = {"kind": "release", "title": "New brief filed", "topics": ["water", "courts"], "date": "2021-05-05",
            "file": (io.BytesIO(b"We filed a brief today.\n"), "release.txt"),
            "attachments": [(open(pdf, "rb"), "brief.pdf")], "attachments_meta": json.dumps(photo_meta),
            "attach_ids": complaint.id}
    response = client.post("/api/documents", data=data, headers=auth(token))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["duplicate"] is False and body["topics"] == ["water", "courts"]
    assert len(body["links"]["attachments"]) == 2
    brief = client.get(body["links"]["attachments"][0]["url"]).get_json()
    assert brief["case_number"] == "2:21-cv-7"
    again = client.post("/api/documents", headers=auth(token),
                        data={"title": "Other title", "file": (io.BytesIO(b"We filed a brief today.\n"), "r.txt")})
    assert again.status_code == 200 and again.get_json()["duplicate"] is True
    assert again.get_json()["title"] == "New brief filed"


@pytest.mark.parametrize("payload, status, code", [
    ({"file": (io.BytesIO(b""), "empty.txt")}, 400, "empty"),
    ({"file": (io.BytesIO(b"\x7fELF\x02\x01\x01" + b"\x00" * 200), "tool.bin")}, 415, "unsupported_type"),
    ({"file": (io.BytesIO(b"just text, not a pdf"), "fake.pdf")}, 415, "type_mismatch"),
    ({"file": (io.BytesIO(b"text"), "a.txt"), "date": "yesterday"}, 400, "invalid_metadata"),
    ({"title": "no file"}, 400, "bad_request"),
    ({"file": (io.BytesIO(b"text"), "a.txt"), "attachments_meta": "{oops"}, 400, "bad_request"),
])
def test_create_errors(client, token, payload, status, code):
    response = client.post("/api/documents", data=payload, headers=auth(token))
    assert response.status_code == status and response.get_json()["error"]["code"] == code


def test_too_large_is_413_json(client, token):
    # Between the intake's cap (2 MB here) and the request cap: refused by intake while streaming.
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(b"a" * (2 * 2**20 + 10)), "big.txt")})
    response = client.post("/api/documents", headers=auth(token), data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 413 and response.get_json()["error"]["code"] == "too_large"


def test_writes_need_a_valid_token(client, signed_in, release, accounts, token):
    main, _ = release
    anonymous = client.application.test_client()
    response = anonymous.delete(f"/api/documents/{main.id}")
    assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.get_json()["error"]["code"] == "unauthorized"
    assert anonymous.delete(f"/api/documents/{main.id}", headers=auth("dsr_wrong")).status_code == 401
    # A browser session is not an API credential (no CSRF protection there).
    assert signed_in.delete(f"/api/documents/{main.id}").status_code == 403
    accounts.remove_user("press")
    assert anonymous.delete(f"/api/documents/{main.id}", headers=auth(token)).status_code == 401


def test_bad_tokens_are_rate_limited(client, release):
    main, _ = release
    statuses = [client.delete(f"/api/documents/{main.id}", headers=auth("dsr_guess")).status_code for _ in range(21)]
    assert statuses[:20] == [401] * 20 and statuses[20] == 429
    assert client.delete(f"/api/documents/{main.id}", headers=auth("x")).get_json()["error"]["code"] == "rate_limited"


def test_patch_links_and_delete(client, token, release):
    main, (complaint, exhibit) = release
    patched = client.patch(f"/api/documents/{main.id}", json={"title": "Patched title", "people": ["A. Person"]},
                           headers=auth(token))
    assert patched.status_code == 200 and patched.get_json()["people"] == ["A. Person"]
    assert client.get("/api/search?q=patched").get_json()["total"] == 1
    bad = client.patch(f"/api/documents/{main.id}", json={"date": "not a date"}, headers=auth(token))
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "date"
    assert client.patch(f"/api/documents/{main.id}", json={"sha256": "x"}, headers=auth(token)).status_code == 400
    assert client.patch(f"/api/documents/{main.id}", data="nope", headers=auth(token)).status_code == 400

    linked = client.post(f"/api/documents/{complaint.id}/links", json={"id": exhibit.id, "type": "related"},
                         headers=auth(token))
    assert linked.status_code == 201 and linked.get_json()["links"]["related"][0]["id"] == exhibit.id
    assert client.post(f"/api/documents/{complaint.id}/links", json={"id": exhibit.id, "type": "weird"},
                       headers=auth(token)).status_code == 400
    assert client.post(f"/api/documents/{complaint.id}/links", json={"id": "nope"},
                       headers=auth(token)).status_code == 404
    assert client.delete(f"/api/documents/{complaint.id}/links/{exhibit.id}", headers=auth(token)).status_code == 200

    assert client.delete(f"/api/documents/{exhibit.id}", headers=auth(token)).get_json()["deleted"] is True
    assert client.get(f"/api/documents/{exhibit.id}").status_code == 404
    assert client.get("/api/search?q=laboratory").get_json()["total"] == 0


def test_api_errors_are_json_everywhere(client):
    assert client.get("/api/nothing-here").get_json()["error"]["code"] == "not_found"
    response = client.put("/api/documents/x")
    assert response.status_code == 405 and response.get_json()["error"]["code"] == "method_not_allowed"


def test_api_is_exempt_from_csrf_but_forms_are_not(client, token):
    assert client.post("/upload", data={"x": "y"}).status_code == 403
    response = client.post("/api/documents", headers=auth(token), data={"text": "Typed via API", "title": "API"})
    assert response.status_code == 201


def test_huge_request_is_refused_before_parsing(client, token):
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(b"a" * (4 * 2**20)), "huge.txt")})
    response = client.post("/api/documents", headers=auth(token), data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 413 and response.get_json()["error"]["code"] == "too_large"


def test_a_deeply_nested_json_body_is_a_400(client, token, release, depth=100_000):
    main, _ = release
    auth = {"Authorization": f"Bearer {token}"}
    nested = "[" * depth + "]" * depth
    patched = client.patch(f"/api/documents/{main.id}", headers={**auth, "Content-Type": "application/json"},
                           data='{"title": ' + nested + "}")
    assert patched.status_code == 400 and patched.get_json()["error"]["code"] == "bad_request"
    linked = client.post(f"/api/documents/{main.id}/links", headers={**auth, "Content-Type": "application/json"},
                         data=nested)
    assert linked.status_code == 400
    uploaded = client.post("/api/documents", headers=auth, data={"text": "A release", "attachments_meta": nested})
    assert uploaded.status_code == 400 and uploaded.get_json()["error"]["code"] == "bad_request"
