"""Markup in titles, metadata, extracted text and file names is shown as text on every page, feed and API answer.

test_pages.py checks a hostile title on the search, document, feed and API
pages; this covers every other field and the case and browse pages.
"""
from __future__ import annotations

import io
import json

from werkzeug.http import parse_options_header

from dossier.core import Upload

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
RAW = ("<script>alert", "<img src=x", "onerror=alert(1)>")


def store_hostile(services):
    html = (b"<html><head><title>page</title></head><body><p>xssbody &lt;script&gt;alert(1)&lt;/script&gt; "
            b"and &quot;&gt;&lt;img src=x onerror=alert(1)&gt;</p></body></html>")
    main, parts = services.add(
        Upload(io.BytesIO(html), f"{IMG}.html", {
            "kind": "release", "title": f"xsstitle {SCRIPT}", "office": f"Office {IMG}", "topics": [SCRIPT],
            "people": [IMG], "places": [SCRIPT], "date": "2020-01-02"}),
        [Upload(io.BytesIO(f"xssattach {SCRIPT} {IMG}\n".encode()), f"{SCRIPT}.txt", {
            "kind": "filing", "title": IMG, "court": SCRIPT, "case_number": IMG, "doc_type": IMG})])
    return main.document, parts[0].document


def assert_text_only(body: str, where: str) -> None:
    for raw in RAW:
        assert raw not in body, f"{where}: {raw!r} reached the page unescaped"


def test_markup_everywhere_is_escaped(client, services):
    main, attachment = store_hostile(services)
    assert "alert(1)" in " ".join(services.repo.pages(main.id))   # extracted text really holds the markup
    pages = ["/search?q=xssbody", "/search?q=xsstitle", "/search?q=xssattach", "/search?q=alert",
             f"/search?office=Office+{IMG}", "/search", f"/documents/{main.id}", f"/documents/{attachment.id}",
             f"/documents/{main.id}?q=alert", f"/cases/{IMG}", f"/browse/topic/{SCRIPT.replace('/', '%2F')}",
             f"/browse/person/{IMG}", f"/browse/office/Office {IMG}", "/feeds/releases.atom",
             "/feeds/search.atom?q=alert", f"/feeds/search.atom?q={SCRIPT}", f"/search?q={SCRIPT}",
             f"/search?q={IMG}", f"/browse/doc_type/{IMG}"]
    seen_escaped = 0
    for path in pages:
        response = client.get(path)
        body = response.get_data(as_text=True)
        assert response.status_code in (200, 400, 404), (path, response.status_code)
        assert_text_only(body, path)
        seen_escaped += "&lt;script&gt;" in body or "&lt;img" in body
    assert seen_escaped >= 8, "the hostile values should be on these pages, escaped"


def test_api_returns_markup_as_data_never_as_html(client, services):
    main, attachment = store_hostile(services)
    for path in (f"/api/documents/{main.id}", f"/api/documents/{attachment.id}", "/api/search?q=xssbody",
                 "/api/search?q=xssattach", f"/api/search?q={SCRIPT}"):
        response = client.get(path)
        assert response.mimetype == "application/json" and response.headers["X-Content-Type-Options"] == "nosniff"
        assert "<" not in response.get_data(as_text=True), path
    record = client.get(f"/api/documents/{attachment.id}").get_json()
    assert record["title"] == IMG and record["case_number"] == IMG and record["filename"] == "script>.txt"  # the last path component only
    hit = client.get("/api/search?q=xssbody").get_json()["hits"][0]
    assert "<script" not in json.dumps(hit["snippet"]) and "&lt;script&gt;" in hit["snippet"]


def test_hostile_original_is_never_served_as_our_html(client, services):
    main, attachment = store_hostile(services)
    for doc in (main, attachment):
        with client.get(f"/documents/{doc.id}/original") as response:
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert "sandbox" in response.headers["Content-Security-Policy"]
            disposition = response.headers["Content-Disposition"]
            kind, options = parse_options_header(disposition)
            assert "\r" not in disposition and "\n" not in disposition
            # The header carries the name as a quoted string that parses back to exactly the stored name.
            assert options.get("filename*", options.get("filename")) == doc.filename or \
                options.get("filename") == doc.filename
        if doc.mime == "text/html":
            assert disposition.startswith("attachment")
