"""The API's OpenAPI description: complete, valid, and true of the live app (schemathesis).

Schemathesis generates requests from the description for every operation, uploads included, with
an API token, and checks each answer: no server error, a documented status, a documented content
type, a body matching its schema.
"""
from __future__ import annotations

import json
import os
import random
import re
from collections import Counter
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dossier.core import FACETS
from dossier.web import close_services, create_app
from dossier.core.settings import Config

EXAMPLES = 50       # per operation: ~450 requests in all, a few seconds
REPORT = Path(__file__).resolve().parents[2] / "test-artifacts" / "schemathesis.json"   # statuses per operation


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """An app with a publisher's token and a release with a filing attached, shared by the cases."""
    from dossier.core import Upload
    from tests.pdfmaker import make_pdf

    folder = tmp_path_factory.mktemp("openapi")
    app = create_app(Config(data_dir=folder / "data", extract_workers=1, max_upload_mb=2), TESTING=True)
    accounts = app.extensions["dossier.accounts"]
    accounts.add_user("press", "correct horse battery staple")
    pdf = make_pdf(folder / "complaint.pdf", ["Complaint about groundwater", "Perchlorate in the aquifer"])
    main, parts = app.extensions["dossier"].add_text(
        "State sues over groundwater", {"title": "State sues", "date": "2019-03-04"},
        [Upload(pdf, "complaint.pdf", {"kind": "filing", "case_number": "1:19-cv-00123"})])
    yield app, accounts.create_token("press"), [main.document.id, *(p.document.id for p in parts)]
    close_services(app)


# Valid by the schema is not always acceptable: an id that does not exist is a 404, a date like
# 2019-02-30 or a withdrawal of a draft are refused with their code. Everything else is checked:
# no 5xx, a documented status and content type, a body that matches its schema.
# ignored_auth sends bad tokens, which soon rate-limit the test's one address (429 for all that
# follows); tests/web/test_api.py and test_auth.py check that writes refuse them.
NOT_CHECKED = ("positive_data_acceptance", "negative_data_rejection", "use_after_free",
               "ensure_resource_availability", "ignored_auth")


def test_every_operation_answers_as_described(live):
    """Each operation in turn, through hypothesis directly (schemathesis' pytest plugin does not
    run on this pytest), so a failure names its operation and the case that broke it."""
    app, token, ids = live
    api = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    excluded = [getattr(schemathesis.checks, name) for name in NOT_CHECKED]
    # Deleting comes last, so the other operations meet the stored documents too.
    operations = sorted((result.ok() for result in api.get_all_operations()), key=lambda op: op.method == "delete")
    assert len(operations) == sum(len(set(ops) - {"parameters"}) for ops in api.raw_schema["paths"].values())
    tried: dict[str, Counter] = {}
    for operation in operations:
        statuses = tried[operation.label] = Counter()

        @given(case=operation.as_strategy(), stored=st.sampled_from([None, *ids]))
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def answers_as_described(case, stored):
            # Hypothesis seeds the global `random` alike for every example, and Whoosh names new
            # index segments with it: the same name twice would overwrite a live segment's files.
            random.seed(os.urandom(16))
            if stored:                                       # real documents, not only made-up ids
                for name in ("doc_id", "other_id"):
                    if name in (case.path_parameters or {}):
                        case.path_parameters[name] = ids[(ids.index(stored) + (name == "other_id")) % len(ids)]
                if isinstance(case.body, dict) and "id" in case.body:
                    case.body["id"] = ids[(ids.index(stored) + 1) % len(ids)]
            response = case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, excluded_checks=excluded)
            statuses[response.status_code] += 1
        try:
            answers_as_described()
        except Exception as exc:
            raise AssertionError(f"{operation.label}: {exc}") from exc
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps({label: dict(c) for label, c in tried.items()}, indent=1), encoding="utf-8")
    assert all(sum(c.values()) >= 5 for c in tried.values()), tried


def test_every_api_route_is_described(live):
    app = live[0]
    spec = app.test_client().get("/api/openapi.json").get_json()
    assert spec["openapi"] == "3.1.0"
    described = {(path, method) for path, ops in spec["paths"].items() for method in ops if method != "parameters"}
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") and rule.endpoint not in ("api.openapi",):
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)   # <int:n> is {n}
            served |= {(path, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert described == served
    search = {p["name"] for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert search >= {"q", "sort", "page", "per_page", "from", "to", "as_typed", *FACETS}
    # Following a search by email is the one write open to anyone (double opt-in guards it).
    writes = [op for path, ops in spec["paths"].items() for m, op in ops.items()
              if m in ("post", "patch", "delete") and path != "/api/alerts"]
    assert writes and all(op["security"] == [{"token": []}] for op in writes)


def test_the_api_page_shows_every_operation_with_an_example(live):
    app = live[0]
    page = app.test_client().get("/api")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.mimetype == "text/html"
    spec = app.test_client().get("/api/openapi.json").get_json()
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            if method != "parameters":
                assert op["summary"] in html and path in html
    assert "curl" in html and "/api/openapi.json" in html
    follow = html.split('id="post--api-alerts"')[1].split("</section>")[0]
    assert "An API token is optional." in follow and "Needs an API token" not in follow
    assert "``" not in html and "<code>" in html.split("api-op", 1)[1]
    assert "https://" not in html.replace("https://schemas", "")   # no CDN: our own files only
