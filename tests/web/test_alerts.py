"""The email alert routes: the follow form, confirm, manage, one-click unsubscribe (RFC 8058)."""
from __future__ import annotations

import dataclasses

import pytest

from .conftest import csrf


@pytest.fixture
def config(tmp_path):
    from dossier.core.settings import Config
    return Config(data_dir=tmp_path / "data", extract_workers=1, max_upload_mb=2, smtp_host="127.0.0.1")


def test_follow_confirm_manage_and_one_click_unsubscribe(client, services):
    page = client.get("/search?q=water&topic=rights").get_data(as_text=True)
    assert "Follow this search by email" in page and 'name="topic" value="rights"' in page
    r = client.post("/alerts", data={"email": "reporter@paper.example", "q": "water", "topic": "rights",
                                     "frequency": "daily", "csrf_token": csrf(client, "/search?q=water")})
    assert r.status_code == 200 and "Check your mail" in r.get_data(as_text=True)
    app = services if hasattr(services, "repo") else services.dossier
    (alert,) = app.repo.alerts.of_email("reporter@paper.example")
    assert alert.params == {"q": "water", "filters": {"topic": ["rights"]}, "from": None, "to": None}
    assert client.get("/alerts/confirm/nope").status_code == 404
    assert "Confirmed" in client.get(f"/alerts/confirm/{alert.confirm_token}").get_data(as_text=True)
    manage = client.get(f"/alerts/manage/{alert.manage_token}").get_data(as_text=True)
    assert "reporter@paper.example" in manage
    fresh = client.application.test_client()          # a mail client: no session, no CSRF token
    r = fresh.post(f"/alerts/unsubscribe/{alert.manage_token}", data={"List-Unsubscribe": "One-Click"})
    assert r.status_code == 200 and "Unsubscribed" in r.get_data(as_text=True)
    assert app.repo.alerts.get(alert.id).unsubscribed_at is not None


def test_the_follow_form_needs_its_csrf_token(client):
    r = client.post("/alerts", data={"email": "reporter@paper.example", "q": "water"})
    assert r.status_code == 403


def test_email_alerts_off_says_so(client, services):
    app = services if hasattr(services, "repo") else services.dossier
    object.__setattr__(app, "config", dataclasses.replace(app.config, smtp_host=""))
    assert "Email alerts are off" in client.get("/search?q=water").get_data(as_text=True)


def test_api_webhooks_and_alerts(client, services, token):
    auth = {"Authorization": f"Bearer {token}"}
    assert client.post("/api/webhooks", json={"url": "http://127.0.0.1:9/x"}, headers=auth).status_code == 400
    object.__setattr__(services, "config", dataclasses.replace(services.config, webhooks_allow_private=True))
    r = client.post("/api/webhooks", json={"url": "http://127.0.0.1:9/x"}, headers=auth)
    assert r.status_code == 201 and len(r.json["secret"]) == 64
    hook = r.json["id"]
    assert [h["id"] for h in client.get("/api/webhooks", headers=auth).json["webhooks"]] == [hook]
    assert "secret" not in client.get("/api/webhooks", headers=auth).json["webhooks"][0]
    r = client.post("/api/alerts", json={"webhook": hook, "q": "water"}, headers=auth)
    assert r.status_code == 202 and r.json["confirmed"] is True
    r = client.post("/api/alerts", json={"email": "a@paper.example", "q": "water", "frequency": "daily"})
    assert r.status_code == 202 and r.json["confirmed"] is False
    assert client.post("/api/alerts", json={"webhook": hook, "q": "water"}).status_code == 401
    assert client.delete(f"/api/webhooks/{hook}", headers=auth).json == {"id": hook, "deleted": True}
    assert client.delete(f"/api/webhooks/{hook}", headers=auth).status_code == 404


def test_case_and_browse_pages_offer_to_follow_what_they_list(client, services, release):
    case = client.get("/cases/1:19-cv-00123").get_data(as_text=True)
    assert "Follow this search by email" in case and 'name="case_number" value="1:19-cv-00123"' in case
    topic = client.get("/browse/topic?value=water").get_data(as_text=True)
    assert "Follow this search by email" in topic and 'name="topic" value="water"' in topic
    r = client.post("/alerts", data={"email": "courts@paper.example", "case_number": "1:19-cv-00123",
                                     "frequency": "immediate", "csrf_token": csrf(client, "/cases/1:19-cv-00123")})
    assert r.status_code == 200
    app = services if hasattr(services, "repo") else services.dossier
    (alert,) = app.repo.alerts.of_email("courts@paper.example")
    assert alert.params["filters"] == {"case_number": ["1:19-cv-00123"]}
