"""Search, document, case and browse pages; feeds; headers and escaping."""
from __future__ import annotations

import html
import re
from urllib.parse import urlsplit
import xml.etree.ElementTree as ET

from dossier.core import Release

ATOM = "{http://www.w3.org/2005/Atom}"
XSS = "<script>alert(1)</script>"


def text(response) -> str:
    return response.get_data(as_text=True)


def test_empty_search_lists_newest_first(client, release):
    page = text(client.get("/"))
    assert "State sues polluters over groundwater" in page
    assert page.index("State sues polluters") < page.index("Complaint")  # 2019-03-04 before 2019-03-03
    assert 'lang="en"' in page and 'href="#main-content"' in page


def test_search_phrase_on_page_three_links_to_the_pdf_page(client, release):
    main, (complaint, _) = release
    page = text(client.get("/search?q=perchlorate"))
    assert "1 result" in page and "Complaint" in page
    assert f'/documents/{complaint.id}/original#page=3' in page
    assert "<mark>perchlorate</mark>" in page


def test_facets_narrow_and_can_be_removed(client, release):
    page = text(client.get("/"))
    assert "Court filing" in page and "Press release" in page
    narrowed = text(client.get("/search?kind=filing&year=2019"))
    assert "Complaint" in narrowed and "State sues polluters" not in narrowed
    assert "Type: Court filing" in narrowed
    assert 'href="/search?year=2019"' in narrowed  # removing the kind keeps the year


def test_facet_values_combine_with_or_within_and_across(client, release):
    both = text(client.get("/search?kind=filing&kind=release"))
    assert "3 results" in both
    assert "No results" in text(client.get("/search?kind=release&doc_type=complaint"))


def test_date_range_sort_and_pagination(client, release):
    page = text(client.get("/search?from=2019-03-04&to=2019-12-31"))
    assert "State sues polluters" in page and "Complaint" not in page
    oldest = text(client.get("/search?sort=oldest&per_page=1"))
    assert "Complaint" in oldest and "State sues polluters" not in oldest
    assert 'aria-label="Pagination"' in oldest and "page=2" in oldest


def test_bad_query_and_no_results_are_friendly(client, release):
    bad = client.get("/search?page=abc")
    assert bad.status_code == 400 and "We could not read this search" in text(bad)
    bad_dates = client.get("/search?from=2020-01-01&to=2019-01-01")
    assert bad_dates.status_code == 400
    none = text(client.get("/search?q=zebrafish"))
    assert "Nothing matches" in none


def test_did_you_mean(client, release):
    page = text(client.get("/search?q=groundwatr"))        # nothing as typed: the correction's results
    assert "Showing results for <strong>groundwater</strong>" in page and "State sues polluters" in page
    assert "result for “groundwater”" in page and "for “groundwatr”" not in page   # the count is the correction's
    assert "as_typed=1" in page
    as_typed = text(client.get("/search?q=groundwatr&as_typed=1"))
    assert "Did you mean" in as_typed and "groundwater" in as_typed and "Nothing matches" in as_typed


def test_document_page_release_lists_attachments_in_order(client, release):
    main, (complaint, exhibit) = release
    page = text(client.get(f"/documents/{main.id}"))
    assert page.index("Complaint") < page.index("Exhibit A")
    assert "3</td>" in page  # the complaint's page count
    assert f"/documents/{main.id}/bundle.zip" in page
    assert "/browse/office/Environmental%20Protection" in page
    assert 'href="/browse/topic/water"' in page


def test_document_page_filing_shows_release_case_and_highlighted_pages(client, release):
    main, (complaint, _) = release
    page = text(client.get(f"/documents/{complaint.id}?q=perchlorate"))
    assert "Announced in" in page and "State sues polluters" in page
    assert 'id="page-3"' in page and "<mark>perchlorate</mark>" in page
    assert "/cases/1:19-cv-00123" in page


def test_photo_is_shown_with_alt_text(client, services, tmp_path):
    import struct
    import zlib
    from dossier.core import Upload

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))
    path = tmp_path / "podium.png"
    path.write_bytes(png)
    stored, _ = services.add(Upload(path, "podium.png", {"title": 'AG at the "podium"'}))
    page = text(client.get(f"/documents/{stored.document.id}"))
    # The drawn image (no EXIF, GPS among it, travels with it), not the original.
    assert f'<img src="/documents/{stored.document.id}/pages/1.webp?width=800"' in page
    assert 'alt="AG at the &#34;podium&#34;" width="800" height="800">' in page
    assert f'<img src="/documents/{stored.document.id}/original"' not in page


def test_case_page_and_browse_page(client, release):
    main, (complaint, _) = release
    case = text(client.get("/cases/1:19-cv-00123"))
    assert "Case 1:19-cv-00123" in case and "Complaint" in case
    assert "Press releases about this case" in case and "State sues polluters" in case
    browse = text(client.get("/browse/topic/water"))
    assert "Topic: water" in browse and "State sues polluters" in browse
    assert client.get("/browse/nonsense/x").status_code == 404


def test_unknown_document_is_404_page(client, app):
    response = client.get("/documents/nope")
    assert response.status_code == 404 and "Page not found" in text(response)
    assert client.get("/documents/nope/original").status_code == 404


def test_feeds_are_atom_and_announced(client, release):
    main, _ = release
    feed = client.get("/feeds/releases.atom")
    assert feed.mimetype == "application/atom+xml"
    root = ET.fromstring(feed.data)
    titles = [e.find(f"{ATOM}title").text for e in root.findall(f"{ATOM}entry")]
    assert titles == ["State sues polluters over groundwater"]
    search_feed = ET.fromstring(client.get("/feeds/search.atom?q=perchlorate").data)
    assert [e.find(f"{ATOM}title").text for e in search_feed.findall(f"{ATOM}entry")] == ["Complaint"]
    page = text(client.get("/search?q=perchlorate"))
    assert 'type="application/atom+xml"' in page and "/feeds/search.atom?q=perchlorate" in page


def test_security_headers_on_every_page(client, release):
    for path in ("/", "/signin", "/documents/nope", f"/documents/{release[0].id}"):
        headers = client.get(path).headers
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"]


def test_no_inline_script_or_style(client, release):
    page = text(client.get(f"/documents/{release[0].id}"))
    assert "<script>" not in page and " style=" not in page and "<style" not in page


def test_untrusted_title_is_escaped_everywhere(client, services):
    stored, _ = services.add_text("xss test body", {"title": XSS})
    doc_id = stored.document.id
    for path in ("/search?q=xss", f"/documents/{doc_id}", "/feeds/releases.atom", f"/api/documents/{doc_id}"):
        body = text(client.get(path))
        assert "<script>alert" not in body, path
    assert client.get(f"/api/documents/{doc_id}").get_json()["title"] == XSS


def test_snippet_keeps_only_marks():
    from dossier.web.views.filters import snippet

    assert str(snippet("a <mark>b</mark> &lt;i&gt;")) == "a <mark>b</mark> &lt;i&gt;"
    assert str(snippet("<img src=x onerror=alert(1)>")) == "&lt;img src=x onerror=alert(1)&gt;"


def test_error_pages_keep_their_headers(client):
    response = client.post("/search", data={"q": "water"})
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "HEAD"}
    assert "text/html" in response.content_type


def test_facet_values_with_dot_segments_get_links_that_work(client, services):
    services.add_text("A release about odd topics", {"title": "Odd topics", "topics": ["..", "a/../b", "/x"]})
    page = client.get("/search", query_string={"q": "odd"}).get_data(as_text=True)
    doc_id = re.search(r'href="/documents/(\w+)', page).group(1)
    document = client.get(f"/documents/{doc_id}").get_data(as_text=True)
    links = re.findall(r'href="(/browse/topic[^"]*)"', document)
    paths = [urlsplit(html.unescape(link)).path for link in links]
    assert len(links) == 3 and not any(part in ("", ".", "..") for path in paths for part in path.split("/")[1:])
    for link in links:
        listed = client.get(html.unescape(link))
        assert listed.status_code == 200 and "Odd topics" in listed.get_data(as_text=True), link


def test_absolute_links_use_the_configured_address_whatever_the_host_header(tmp_path):
    from dossier.web import close_services, create_app
    from dossier.core.settings import Config

    app = create_app(Config(data_dir=tmp_path / "d", extract_workers=1, base_url="https://records.example.gov/ag"),
                     TESTING=True)
    try:
        main, _ = app.extensions["dossier"].add_text("A release about water", {"title": "Water"})
        client = app.test_client()
        body = client.get(f"/ag/api/documents/{main.document.id}", headers={"Host": "evil.example"}).get_json()
        assert body["url"] == f"https://records.example.gov/ag/documents/{main.document.id}"
        unprefixed = client.get(f"/api/documents/{main.document.id}", headers={"X-Forwarded-Host": "evil"}).get_json()
        assert unprefixed["download_url"].startswith("https://records.example.gov/ag/documents/")
    finally:
        close_services(app)


def test_a_document_page_lists_documents_like_it_beside_the_links_staff_made(client, services, release):
    main, (complaint, _) = release
    like = services.add_text("Perchlorate found in the aquifer again; groundwater wells closed.",
                             {"title": "Aquifer perchlorate update"}).main.document
    hidden = services.add_text("Perchlorate in the aquifer groundwater, a draft.", {"title": "Draft perchlorate"},
                               release=Release("draft")).main.document
    page = text(client.get(f"/documents/{complaint.id}"))
    similar = page[page.index("Documents like this"):]
    assert like.title in similar and hidden.title not in similar
    assert main.title not in similar            # already linked: listed with the links, not twice
    assert f"related:{complaint.id}" in page.replace("%3A", ":")
