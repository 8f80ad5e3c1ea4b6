"""Pages built to be found: the sitemap lists exactly what the public may see, robots.txt points
at it, and document pages carry JSON-LD, a canonical link and link-preview tags."""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

from dossier.core import OPERATOR, Release
from dossier.web.views import crawlers

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def locations(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/xml"
    return [loc.text for loc in ET.fromstring(response.data).iter(f"{SITEMAP}loc")]


def doc_ids(urls: list[str]) -> set[str]:
    return {url.rsplit("/", 1)[-1] for url in urls}


def structured(html: str) -> dict:
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(block)


def test_the_sitemap_lists_exactly_the_public_documents(client, services, release):
    main, attachments = release
    draft = services.add_text("A draft.", {"title": "Draft"}, release=Release("draft")).main.document
    gone = services.add_text("Soon withdrawn.", {"title": "Withdrawn"}).main.document
    services.withdraw(gone.id, "Filed in error", actor=OPERATOR)
    deleted = services.add_text("Soon deleted.", {"title": "Deleted"}).main.document
    services.delete(deleted.id, actor=OPERATOR)
    listed = locations(client, "/sitemap.xml")
    assert doc_ids(listed) == {main.id, *(a.id for a in attachments)} and len(listed) == 3
    assert draft.id not in doc_ids(listed) and gone.id not in doc_ids(listed)
    robots = client.get("/robots.txt").get_data(as_text=True)
    assert "Sitemap: http://localhost/sitemap.xml" in robots
    assert "Disallow: /upload" in robots and "Disallow: /preview/" in robots


def test_past_the_limit_the_sitemap_is_an_index_of_files(client, services, monkeypatch):
    added = {services.add_text(f"Release {n}.", {"title": f"Release {n}"}).main.document.id for n in range(5)}
    monkeypatch.setattr(crawlers, "SITEMAP_URLS", 2)
    files = locations(client, "/sitemap.xml")
    assert [f.rsplit("/", 1)[-1] for f in files] == ["sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml"]
    listed = [url for f in files for url in locations(client, f.replace("http://localhost", ""))]
    assert len(listed) == 5 and doc_ids(listed) == added
    assert client.get("/sitemap-4.xml").status_code == 404 and client.get("/sitemap-0.xml").status_code == 404


def test_a_release_page_is_a_news_article_naming_its_attachments(client, release):
    main, (complaint, exhibit) = release
    html = client.get(f"/documents/{main.id}").get_data(as_text=True)
    data = structured(html)
    assert data["@context"] == "https://schema.org" and data["@type"] == "NewsArticle"
    assert data["headline"] == "State sues polluters over groundwater" and data["datePublished"] == main.published_at
    assert data["publisher"] == {"@type": "Organization", "name": "Environmental Protection"}
    assert [(m["name"], m["encodingFormat"]) for m in data["associatedMedia"]] == [
        ("Complaint", "application/pdf"), ("Exhibit A", "application/pdf")]
    assert data["associatedMedia"][0]["contentUrl"].endswith(f"/documents/{complaint.id}/original")
    assert f'<link rel="canonical" href="http://localhost/documents/{main.id}">' in html
    assert '<meta property="og:title" content="State sues polluters over groundwater">' in html
    # A link preview shows the release's first attachment's first page, drawn without its file's metadata.
    image = f"http://localhost/documents/{complaint.id}/pages/1.webp?width=800"
    assert f'<meta property="og:image" content="{image}">' in html and '<meta property="og:image:alt" content="Complaint">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    with client.get(image.removeprefix("http://localhost")) as drawn:
        assert drawn.status_code == 200 and drawn.mimetype == "image/webp"


def test_a_filing_page_is_part_of_its_release(client, release):
    main, (complaint, _) = release
    data = structured(client.get(f"/documents/{complaint.id}").get_data(as_text=True))
    assert data["@type"] == "DigitalDocument" and data["identifier"] == "1:19-cv-00123"
    assert data["isPartOf"] == [{"@type": "NewsArticle", "headline": main.title,
                                 "url": f"http://localhost/documents/{main.id}"}]
    assert data["description"] == "Complaint first page"


def test_unpublished_pages_tell_machines_nothing(signed_in, services):
    draft = services.add_text("Embargoed words.", {"title": "Embargoed"}, release=Release("draft")).main.document
    html = signed_in.get(f"/documents/{draft.id}").get_data(as_text=True)
    assert 'content="noindex"' in html and "ld+json" not in html and "og:title" not in html
