"""Nothing unpublished leaks, anywhere public: every GET route of the app, walked for a draft, a
scheduled and a withdrawn document, with the public's eyes (and the eyes of a browser whose staff
session has ended). Routes are read from the app itself: a new public route is walked too, or this
test fails until its parameters are named below."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from dossier.core import Release, Upload
from tests.web.conftest import sign_in

UTC = dt.timezone.utc
# Words that exist only in the unpublished documents: none may appear anywhere public.
SECRET = {"draft": "zanzibarquux", "scheduled": "embargoquill", "withdrawn": "retractoline"}


@pytest.fixture
def docs(services, make_pdf):
    """A published release (so lists are not empty), and a draft, a scheduled and a withdrawn
    release, each with a PDF attachment whose text and details hold its secret word."""
    later = services.now() + dt.timedelta(days=2)
    public, _ = services.add_text("Water release\nThe office sued over water.", {"title": "Water suit",
                                  "topics": ["water"], "date": "2019-03-04"})
    out = {"published": public.document}
    for state, word in SECRET.items():
        pdf = make_pdf(f"{word}.pdf", [f"Complaint about {word}", f"The {word} matter, page two."])
        release = Release("scheduled", later) if state == "scheduled" else Release("draft" if state == "draft" else "published")
        main, (filing,) = services.add_text(
            f"{word.title()} release\nThe office announces the {word} case.",
            {"title": f"The {word} case", "topics": [f"{word}-topic"], "date": "2020-01-02"},
            [Upload(pdf, f"{word}.pdf", {"kind": "filing", "court": f"{word} Court", "case_number": f"9:20-cv-0{len(out)}"})],
            release=release)
        if state == "withdrawn":
            services.withdraw(main.document.id, "Filed in error")
        out[state] = services.document(main.document.id, _staff())
        out[state + "_filing"] = services.document(filing.document.id, _staff())
    return out


def _staff():
    from dossier.core import staff

    return staff("press")


def public_routes(app):
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        if getattr(app.view_functions[rule.endpoint], "staff_only", False):
            continue
        yield rule


def urls_for(rule, doc, filing) -> list[tuple[str, list[str]]]:
    """The URLs of a route that could show ``doc`` (or its attachment), its arguments filled from it,
    each with the values in its path (a page may repeat them: a 404 names the id it was asked for)."""
    values = {"doc_id": [doc.id, filing.id], "case_number": [filing.case_number], "facet": ["topic"],
              "value": [doc.topics[0]], "token": ["not-a-token"], "number": ["1"], "n": ["1"]}
    missing = rule.arguments - set(values)
    assert not missing, f"name the arguments {sorted(missing)} of {rule.rule} in this test"
    combos = [{}]
    for name in sorted(rule.arguments):
        combos = [dict(c, **{name: v}) for c in combos for v in values[name]]
    urls = []
    for combo in combos:
        path = rule.rule
        for name, value in combo.items():
            path = re.sub(rf"<(?:[a-z]+:)?{name}>", value, path)
        urls.append((path, list(combo.values())))
    return urls


QUERIES = ["", "q={word}", "q=case", "q={typo}", "topic={word}-topic", "kind=filing", "sort=newest",
           "court={word}%20Court"]


@pytest.mark.parametrize("state", list(SECRET))
@pytest.mark.parametrize("signed_out", [False, True])
def test_no_public_route_shows_an_unpublished_document(app, client, staff, docs, state, signed_out):
    if signed_out:                     # a browser that had a staff session, signed out since
        sign_in(client, *staff)
        client.post("/signout", data={"csrf_token": _csrf(client)})
    doc, filing, word = docs[state], docs[state + "_filing"], SECRET[state]
    typo = word[:-2] + word[-1] + word[-2]
    walked = 0
    for rule in public_routes(app):
        for url, said in urls_for(rule, doc, filing):
            for query in (QUERIES if not rule.arguments or rule.endpoint in ("browse.facet_value", "browse.case")
                          else [""]):
                query = query.format(word=word, typo=typo)
                full = url + ("?" + query if query else "")
                response = client.get(full)
                body = echo_removed(response.get_data(as_text=True), query, said)
                response.close()
                walked += 1
                if state == "withdrawn" and (doc.id in url or filing.id in url) and response.status_code != 404:
                    # Its address answers 410 with the notice (title, date, reason), never its content.
                    assert response.status_code == 410 and "Filed in error" in body, full
                    assert "page two" not in body, full
                    continue
                assert word not in body.lower(), (full, response.status_code)
                assert doc.id not in body and filing.id not in body, full
                if doc.id in url or filing.id in url:
                    assert response.status_code in (404, 410), (full, response.status_code)
    assert walked > 40


def test_the_published_document_is_seen_everywhere_the_others_are_not(client, docs):
    body = client.get("/api/search", query_string={"q": "case"}).get_json()
    assert {h["id"] for h in body["hits"]} == set()           # "case" is only in the unpublished ones
    everything = client.get("/api/search").get_json()
    assert [h["id"] for h in everything["hits"]] == [docs["published"].id]
    assert everything["total"] == 1
    assert {v["value"] for v in everything["facets"]["topic"]} == {"water"}
    feed = client.get("/feeds/releases.atom").get_data(as_text=True)
    assert docs["published"].id in feed


def test_staff_see_drafts_with_their_banner(signed_in, docs):
    page = signed_in.get(f"/documents/{docs['draft'].id}").get_data(as_text=True)
    assert "Draft." in page and "Not public" in page
    page = signed_in.get(f"/documents/{docs['scheduled'].id}").get_data(as_text=True)
    assert "Embargoed until" in page
    hits = signed_in.get("/api/search", query_string={"q": "case"}).get_json()["hits"]
    assert {h["state"] for h in hits} == {"draft", "scheduled", "withdrawn"}


def echo_removed(body: str, query: str, said: list[str]) -> str:
    """The page without what the request itself said (a search page repeats its query, a browse
    page its value): what remains of a secret word would come from the documents."""
    from urllib.parse import parse_qsl, quote, quote_plus

    for value in sorted([v for _, v in parse_qsl(query)] + said, key=len, reverse=True):
        for form in {value, quote(value), quote_plus(value), quote(value, safe="")}:
            body = re.sub(re.escape(form), "", body, flags=re.I)
    return body


def _csrf(client) -> str:
    from tests.web.conftest import csrf

    return csrf(client, "/")
