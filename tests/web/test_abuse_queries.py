"""Query fuzzing of /search, /api/search and the search feed: a page or a 400, quickly, never a 500."""
from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dossier.indexer.search import FACETS
from dossier.web import close_services, create_app
from dossier.core.settings import Config

TIME_LIMIT = 2.0
PATHS = ("/search", "/api/search", "/feeds/search.atom")

PATHOLOGICAL = [
    "(" * 300 + "water" + ")" * 300, "(" * 1000, ")" * 1000, "*a*b*c*", "*" * 500, "?*?*?*?*?*?*", "a*" * 200,
    " ".join(f"term{i}" for i in range(3000)), "a OR " * 2000 + "b", "NOT " * 1000 + "x", '"' * 999,
    "date:[2019 TO", "date:[yesterday TO tomorrow]", "date:[9999-99-99 TO 0000-00-00]", "title:", ":::", "^~*",
    "water~99", "water^99999999", '"groundwater aquifer"~99999', "kind:(release OR", "id:*", "page:abc",
    "date_num:[a TO b]", "\x00", "\u202e\u0000\ufeff", "𝕨𝕒𝕥𝕖𝕣 ẅätér 水 مياه", "x" * 50_000, "<script>alert(1)</script>",
    "case_number:1:18-cv-00428-RB", "year:[1 TO 2]", "a" + "\u0301" * 5000, "%", "\\", "\\\\\\", "field:" + "x" * 1000,
]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from dossier.core import Upload
    from tests.pdfmaker import make_pdf

    folder = tmp_path_factory.mktemp("fuzz")
    app = create_app(Config(data_dir=folder / "data", extract_workers=1, max_upload_mb=2), TESTING=True)
    intake = app.extensions["dossier"]
    pdf = make_pdf(folder / "c.pdf", ["Complaint", "The aquifer was poisoned with perchlorate."])
    intake.add_text("State sues over groundwater\nContaminated water.", {"title": "Groundwater suit", "date": "2019-03-04"},
                    [Upload(pdf, "c.pdf", {"kind": "filing", "title": "Complaint", "case_number": "1:18-cv-00428-RB"})])
    for n in range(12):
        intake.add_text(f"Release {n} about water and courts", {"title": f"Release {n}", "topics": ["water"]})
    yield app.test_client()
    close_services(app)


def check(client, path: str, params) -> None:
    started = time.monotonic()
    response = client.get(path, query_string=params)
    elapsed = time.monotonic() - started
    assert response.status_code in (200, 400), (path, params, response.status_code)
    assert elapsed < TIME_LIMIT, (path, params, f"{elapsed:.2f}s")
    if path.startswith("/api/"):
        body = response.get_json()
        assert ("hits" in body) if response.status_code == 200 else body["error"]["code"] == "bad_query"


@pytest.mark.parametrize("text", PATHOLOGICAL, ids=range(len(PATHOLOGICAL)))
def test_pathological_queries(client, text):
    for path in PATHS:
        check(client, path, {"q": text})


@pytest.mark.parametrize("params", [
    {"page": "99999999999999999999999"}, {"page": "10001"}, {"page": "0"}, {"page": "-1"}, {"page": "١٢"},
    {"per_page": "0"}, {"per_page": "100000000000000000"}, {"per_page": "-5"}, {"page": "2.5"},
    {"from": "2019-02-30"}, {"from": "yesterday"}, {"to": "9999-99-99"}, {"from": "2020-01-01", "to": "2019-01-01"},
    {"from": "2019-1-1"}, {"to": "0000-00-00"}, {"sort": "sideways"}, {"sort": ""},
    {"bogus": "1", "facet": "x", "kind[]": "x"}, {"kind": "\x00"}, {"year": "a" * 10_000}, {"kind": ["x"] * 500},
    {"q": "water", "page": "999"},
])
def test_pathological_parameters(client, params):
    for path in PATHS:
        check(client, path, params)


params = st.fixed_dictionaries({}, optional={
    "q": st.text(max_size=300) | st.sampled_from(PATHOLOGICAL[:20]) | st.lists(
        st.sampled_from(["water", "AND", "OR", "NOT", "(", ")", '"', "*", "?", "~", "^", ":", "[", "]", "TO",
                         "title:", "date:", "kind:", "-", "+", "\\"]), max_size=40).map(" ".join),
    "page": st.integers(-5, 10**20).map(str) | st.text(max_size=5),
    "per_page": st.integers(-5, 10**6).map(str),
    "sort": st.sampled_from(["relevance", "newest", "oldest", "", "x"]),
    "from": st.dates().map(str) | st.text(max_size=12),
    "to": st.dates().map(str) | st.text(max_size=12),
    **{name: st.lists(st.text(max_size=20), max_size=3) for name in FACETS},
}).map(lambda d: {k: v for k, v in d.items()})


@settings(max_examples=120, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                                  HealthCheck.too_slow])
@given(query=params, path=st.sampled_from(PATHS))
def test_fuzzed_search_is_a_page_or_a_400(client, query, path):
    check(client, path, query)


LISTINGS = ("/search", "/api/search", "/feeds/search.atom", "/browse/topic/water",
            "/cases/1:18-cv-00428-RB")


@pytest.mark.parametrize("params", [{"page": "²"}, {"per_page": "³"}, {"page": "①"}, {"page": "٣"},
                                    {"per_page": "101"}, {"per_page": "0"}, {"page": "1e3"}])
def test_page_numbers_that_are_not_plain_digits_or_out_of_range_are_a_400(client, params):
    for path in LISTINGS:
        response = client.get(path, query_string=params)
        assert response.status_code == 400, (path, params, response.status_code)
        if path.startswith("/api/"):
            assert response.get_json()["error"]["code"] == "bad_query"
