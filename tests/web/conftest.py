"""Fixtures for the web tests: a data folder per test -> config -> app -> client; staff; a token."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from dossier.web import close_services, create_app
from dossier.core.settings import Config

PASSWORD = "correct horse battery staple"


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return Config(data_dir=tmp_path / "data", extract_workers=1, max_upload_mb=2)


@pytest.fixture
def app(config, monkeypatch):
    monkeypatch.delenv("DOSSIER_SECRET_KEY", raising=False)
    app = create_app(config, TESTING=True)
    yield app
    close_services(app)


@pytest.fixture
def services(app):
    return app.extensions["dossier"]


@pytest.fixture
def accounts(app):
    return app.extensions["dossier.accounts"]


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def staff(accounts) -> tuple[str, str]:
    accounts.add_user("press", PASSWORD)
    return "press", PASSWORD


def csrf(client, path: str = "/signin") -> str:
    """The CSRF token of the client's session, as a form on `path` carries it."""
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in(client, name: str, password: str):
    return client.post("/signin", data={"username": name, "password": password, "csrf_token": csrf(client)})


@pytest.fixture
def signed_in(client, staff):
    response = sign_in(client, *staff)
    assert response.status_code == 303
    return client


@pytest.fixture
def token(accounts, staff) -> str:
    return accounts.create_token(staff[0])


@pytest.fixture
def make_pdf(tmp_path):
    from tests.pdfmaker import make_pdf as build

    def make(name: str, pages: list[str]) -> Path:
        return build(tmp_path / name, pages)
    return make


@pytest.fixture
def release(services, make_pdf):
    """A typed release with two PDF attachments (a complaint with a case number, and an exhibit)."""
    from dossier.core import Upload

    complaint = make_pdf("complaint.pdf", ["Complaint first page", "Jurisdiction and venue",
                                           "The defendants poisoned the aquifer with perchlorate."])
    exhibit = make_pdf("exhibit.pdf", ["Exhibit A: laboratory results"])
    main, parts = services.add_text(
        "State sues over groundwater\nThe Attorney General filed suit over contaminated groundwater.",
        {"title": "State sues polluters over groundwater", "date": "2019-03-04", "office": "Environmental Protection",
         "topics": ["water", "pollution"]},
        [Upload(complaint, "complaint.pdf", {"kind": "filing", "title": "Complaint", "court": "D.N.M.",
                                             "case_number": "1:19-cv-00123", "doc_type": "complaint",
                                             "date": "2019-03-03"}),
         Upload(exhibit, "Exhibit Ä.pdf", {"kind": "filing", "title": "Exhibit A", "doc_type": "exhibit"})])
    return main.document, [p.document for p in parts]
