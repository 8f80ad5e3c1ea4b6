"""Text that is not valid Unicode through the API: the hostile PDF is stored whole, such metadata refused."""
from __future__ import annotations

import io
import json

import pytest

from tests.hostile import builders as build

LONE = "\ud83d"


@pytest.fixture
def hostile_pdf(tmp_path):
    return build.write(tmp_path / "lone-surrogate.pdf", build.lone_surrogate_pdf())


def test_the_api_stores_the_hostile_pdf_and_refuses_such_metadata(client, token, services, hostile_pdf):
    auth = {"Authorization": f"Bearer {token}"}
    created = client.post("/api/documents", headers=auth,
                          data={"file": (io.BytesIO(hostile_pdf.read_bytes()), "scan.pdf"), "kind": "filing"})
    assert created.status_code == 201, created.get_json()
    doc_id = created.get_json()["id"]
    assert client.get(f"/documents/{doc_id}").status_code == 200

    patched = client.patch(f"/api/documents/{doc_id}", headers={**auth, "Content-Type": "application/json"},
                           data=json.dumps({"topics": [LONE]}))
    assert patched.status_code == 400
    assert patched.get_json()["error"]["code"] == "invalid_metadata"
    assert "not valid text" in patched.get_json()["error"]["message"]
    assert client.get(f"/documents/{doc_id}").status_code == 200
    assert client.get(f"/api/documents/{doc_id}").get_json()["topics"] == []

    before = services.repo.live_ids()
    refused = client.post("/api/documents", headers=auth, data={
        "text": "A typed release about the aquifer", "title": "Aquifer",
        "attachments": [(io.BytesIO(b"an attachment about wells"), "wells.txt")],
        "attachments_meta": json.dumps([{"title": "Wells " + LONE}])})
    assert refused.status_code == 400
    assert services.repo.live_ids() == before
