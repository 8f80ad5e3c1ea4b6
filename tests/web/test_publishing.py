"""Publishing over the web and the API: the upload form's choices, the staff controls, roles,
withdrawal notices, preview links and the audit pages."""
from __future__ import annotations

import io
import json
import re

import pytest

from tests.web.conftest import PASSWORD, csrf, sign_in


def form(client, **fields):
    return {"csrf_token": csrf(client, "/upload"), "attachment_count": "2", **fields}


def upload(client, **fields):
    response = client.post("/upload", data=form(client, release_text="The wetlands release\nAbout the marsh.",
                                                  title="Wetlands", **fields), content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return response.headers["Location"].rsplit("/", 1)[1]


def test_the_upload_form_keeps_a_draft_back_and_schedules_an_embargo(client, signed_in, services):
    draft = upload(signed_in, publication="draft")
    assert services.document(draft, _staff()).state == "draft"
    anonymous = services.search(_query("wetlands")).total
    assert anonymous == 0
    page = signed_in.get(f"/documents/{draft}").get_data(as_text=True)
    assert "Draft." in page and "Publish now" in page
    response = signed_in.post(f"/documents/{draft}/publish",
                              data={"csrf_token": csrf(signed_in, f"/documents/{draft}"), "publish_at": "2999-01-01T09:00"})
    assert response.status_code == 303
    assert services.document(draft, _staff()).state == "scheduled"
    assert "Embargoed until January 1, 2999, 09:00 UTC" in signed_in.get(f"/documents/{draft}").get_data(as_text=True)
    signed_in.post(f"/documents/{draft}/publish", data={"csrf_token": csrf(signed_in, f"/documents/{draft}")})
    assert services.search(_query("wetlands")).total == 1


def test_a_withdrawn_release_is_a_notice_and_its_files_are_gone(client, signed_in, services):
    doc_id = upload(signed_in)
    response = signed_in.post(f"/documents/{doc_id}/withdraw",
                              data={"csrf_token": csrf(signed_in, f"/documents/{doc_id}"), "reason": "Filed in error"})
    assert response.status_code == 303
    signed_in.post("/signout", data={"csrf_token": csrf(signed_in, "/")})
    notice = client.get(f"/documents/{doc_id}")
    assert notice.status_code == 410
    page = notice.get_data(as_text=True)
    assert "was withdrawn" in page and "Filed in error" in page and "Wetlands" in page
    assert client.get(f"/documents/{doc_id}/original").status_code == 410
    api = client.get(f"/api/documents/{doc_id}")
    assert api.status_code == 410 and api.get_json()["error"]["reason"] == "Filed in error"


def test_an_editor_uploads_drafts_and_cannot_publish(client, accounts, services):
    accounts.add_user("ed", PASSWORD, "editor")
    sign_in(client, "ed", PASSWORD)
    page = client.get("/upload").get_data(as_text=True)
    assert re.search(r'value="published"[^>]*disabled', page)
    doc_id = upload(client)
    assert services.document(doc_id, _staff()).state == "draft"
    client.post(f"/documents/{doc_id}/publish", data={"csrf_token": csrf(client, f"/documents/{doc_id}")})
    assert services.document(doc_id, _staff()).state == "draft"
    assert "needs the publisher role" in client.get(f"/documents/{doc_id}").get_data(as_text=True)


def test_the_api_publishes_withdraws_and_says_why_it_will_not(client, accounts, token, services):
    auth = {"Authorization": f"Bearer {token}"}
    created = client.post("/api/documents", headers=auth, data={"text": "The reef release", "title": "Reef",
                                                                 "state": "draft"})
    assert created.status_code == 201 and created.get_json()["state"] == "draft"
    doc_id = created.get_json()["id"]
    assert client.get(f"/api/documents/{doc_id}").status_code == 404            # the public
    assert client.get(f"/api/documents/{doc_id}", headers=auth).get_json()["state"] == "draft"
    services.repo.set_redaction_findings(doc_id, [(1, "hidden name")])
    refused = client.post(f"/api/documents/{doc_id}/publish", headers=auth)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "redaction_findings"
    assert client.get(f"/api/documents/{doc_id}", headers=auth).get_json()["redaction_findings"] == [
        {"page": 1, "text": "hidden name"}]
    published = client.post(f"/api/documents/{doc_id}/publish", headers={**auth, "Content-Type": "application/json"},
                            data=json.dumps({"override": "The name is in the public docket"}))
    assert published.status_code == 200 and published.get_json()["state"] == "published"
    assert client.get(f"/api/documents/{doc_id}").get_json()["redaction_findings"] is None   # not for the public
    withdrawn = client.post(f"/api/documents/{doc_id}/withdraw", headers={**auth, "Content-Type": "application/json"},
                            data=json.dumps({"reason": "Superseded"}))
    assert withdrawn.status_code == 200 and client.get(f"/api/documents/{doc_id}").status_code == 410

    accounts.add_user("ed", PASSWORD, "editor")
    editor = {"Authorization": f"Bearer {accounts.create_token('ed')}"}
    mine = client.post("/api/documents", headers=editor, data={"text": "An editor's release"}).get_json()
    assert mine["state"] == "draft"
    assert client.post(f"/api/documents/{mine['id']}/publish", headers=editor).status_code == 403
    assert client.post("/api/documents", headers=editor, data={"text": "Try", "state": "published"}).status_code == 403


def test_a_preview_link_shows_a_draft_as_the_public_will_see_it(client, signed_in, services, app):
    doc_id = upload(signed_in, publication="draft")
    response = signed_in.post(f"/documents/{doc_id}/preview-link",
                              data={"csrf_token": csrf(signed_in, f"/documents/{doc_id}")}, follow_redirects=True)
    link = re.search(r"(http://localhost/preview/[^\s<\"]+)", response.get_data(as_text=True)).group(1)
    signed_in.post("/signout", data={"csrf_token": csrf(signed_in, "/")})
    path = link.replace("http://localhost", "")
    preview = client.get(path)
    assert preview.status_code == 200 and "Preview." in preview.get_data(as_text=True)
    assert "Publish now" not in preview.get_data(as_text=True)
    original = client.get(path + "/original")
    original.close()
    assert original.status_code == 200
    assert client.get(f"/documents/{doc_id}").status_code == 404
    assert client.get(path.rsplit("/", 1)[0] + "/otherdoc00").status_code == 404
    tampered = path.split("/")
    tampered[2] = tampered[2][:-3] + "xyz"
    assert client.get("/".join(tampered)).status_code == 404


def test_the_audit_log_is_for_staff(client, signed_in, services):
    doc_id = upload(signed_in)
    page = signed_in.get(f"/documents/{doc_id}/log").get_data(as_text=True)
    assert "press" in page and "add" in page
    assert signed_in.get("/staff/log").status_code == 200
    assert signed_in.get("/staff/unpublished").status_code == 200
    signed_in.post("/signout", data={"csrf_token": csrf(signed_in, "/")})
    assert client.get("/staff/log").status_code == 302
    assert client.get(f"/documents/{doc_id}/log").status_code == 302


def _staff():
    from dossier.core import staff

    return staff("press")


def _query(text):
    from dossier.core import SearchQuery

    return SearchQuery(text=text)
