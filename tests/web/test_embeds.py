"""The embed viewer (the one page other sites may frame) and oEmbed 1.0 with its discovery links."""
from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from dossier.core import Release, Upload

BASE = "http://localhost"


def text(response) -> str:
    return response.get_data(as_text=True)


def oembed(client, url: str, **params):
    return client.get("/oembed", query_string={"url": url, **params})


def test_the_embed_may_be_framed_by_any_site_and_no_other_page_may(client, release):
    main, (complaint, _) = release
    embed = client.get(f"/documents/{complaint.id}/embed")
    assert embed.status_code == 200
    assert "frame-ancestors *" in embed.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in embed.headers
    for path in ("/search", f"/documents/{complaint.id}", f"/documents/{complaint.id}/pages/1", f"/documents/{main.id}",
                 "/documents/nosuch/embed?page=x"):
        other = client.get(path)
        assert "frame-ancestors 'none'" in other.headers["Content-Security-Policy"], path
        assert other.headers["X-Frame-Options"] == "DENY", path


def test_the_embed_shows_a_page_with_previous_next_and_a_link_back(client, release):
    _, (complaint, _) = release
    page = text(client.get(f"/documents/{complaint.id}/embed?page=2"))
    assert f'src="/documents/{complaint.id}/pages/2.webp?width=800"' in page
    assert 'alt="Image of page 2 of Complaint"' in page and "Page 2 of 3" in page
    assert f'href="/documents/{complaint.id}/embed" rel="prev"' in page
    assert f'href="/documents/{complaint.id}/embed?page=3" rel="next"' in page
    assert f'href="{BASE}/documents/{complaint.id}/pages/2" target="_blank" rel="noopener"' in page
    assert '<meta name="robots" content="noindex">' in page and "<script" not in page
    assert client.get(f"/documents/{complaint.id}/embed?page=0").status_code == 400
    beyond = client.get(f"/documents/{complaint.id}/embed?page=4")
    assert beyond.status_code == 404 and "frame-ancestors *" in beyond.headers["Content-Security-Policy"]


def test_a_text_release_embeds_its_text(client, release):
    main, _ = release
    page = text(client.get(f"/documents/{main.id}/embed"))
    assert "The Attorney General filed suit over contaminated groundwater." in page and ".webp" not in page


def test_a_draft_is_never_embeddable_by_the_public_and_a_withdrawn_one_says_so(app, client, signed_in, services,
                                                                              make_pdf):
    pdf = make_pdf("draft.pdf", ["A draft complaint about zanzibarquux"])
    _, (draft,) = services.add_text("Draft release", {"title": "Draft"},
                                    [Upload(pdf, "draft.pdf", {"kind": "filing"})], release=Release("draft"))
    public = app.test_client()
    embed = public.get(f"/documents/{draft.document.id}/embed")
    assert embed.status_code == 404 and "zanzibarquux" not in text(embed)
    staff = signed_in.get(f"/documents/{draft.document.id}/embed")                          # staff: as the document
    assert staff.status_code == 200 and f"/documents/{draft.document.id}/pages/1.webp" in text(staff)
    assert oembed(signed_in, f"{BASE}/documents/{draft.document.id}").status_code == 404      # oEmbed: public only
    pdf = make_pdf("gone.pdf", ["A complaint filed in error"])
    gone, _ = services.add(Upload(pdf, "gone.pdf", {"kind": "filing", "title": "Filed in error"}))
    services.withdraw(gone.document.id, "Filed under the wrong case")
    withdrawn = public.get(f"/documents/{gone.document.id}/embed")
    assert withdrawn.status_code == 410 and "Filed under the wrong case" in text(withdrawn)
    assert "frame-ancestors *" in withdrawn.headers["Content-Security-Policy"]
    assert oembed(public, f"{BASE}/documents/{gone.document.id}").status_code == 404


def test_oembed_answers_a_rich_embed_of_the_page_asked_for(client, release):
    _, (complaint, _) = release
    response = oembed(client, f"{BASE}/documents/{complaint.id}/pages/2", format="json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    assert {k: body[k] for k in ("version", "type", "title", "provider_name")} == \
        {"version": "1.0", "type": "rich", "title": "Complaint", "provider_name": "Dossier"}
    frame = re.fullmatch(r'<iframe src="([^"]+)" width="(\d+)" height="(\d+)" title="Complaint" loading="lazy"></iframe>',
                         body["html"])
    assert frame, body["html"]
    assert html.unescape(frame.group(1)) == f"{BASE}/documents/{complaint.id}/embed?page=2"
    assert (int(frame.group(2)), int(frame.group(3))) == (body["width"], body["height"])
    assert body["thumbnail_url"] == f"{BASE}/documents/{complaint.id}/thumbnail.webp"
    assert body["thumbnail_width"] == 200 and body["thumbnail_height"] > 200          # a page is taller than wide
    thumbnail = client.get(urlsplit(body["thumbnail_url"]).path)
    thumbnail.close()
    assert thumbnail.status_code == 200
    whole = oembed(client, f"{BASE}/documents/{complaint.id}").get_json()            # the document: page 1
    assert f"/documents/{complaint.id}/embed&#34;" in whole["html"] or \
        f'/documents/{complaint.id}/embed"' in whole["html"]
    again = oembed(client, f"{BASE}/documents/{complaint.id}/embed?page=3").get_json()
    assert "embed?page=3" in again["html"]


@pytest.mark.parametrize("maxwidth, maxheight", [(300, None), (None, 400), (250, 300), (2000, 2000)])
def test_oembed_honours_maxwidth_and_maxheight(client, release, maxwidth, maxheight):
    _, (complaint, _) = release
    params = {k: v for k, v in {"maxwidth": maxwidth, "maxheight": maxheight}.items() if v}
    body = oembed(client, f"{BASE}/documents/{complaint.id}", **params).get_json()
    assert body["width"] <= (maxwidth or 10**6) and body["height"] <= (maxheight or 10**6)
    assert body["width"] > 100 and f'width="{body["width"]}" height="{body["height"]}"' in body["html"]


def test_oembed_refuses_what_it_cannot_embed(client, release):
    _, (complaint, _) = release
    for url in ("", "not a url", f"{BASE}/documents/nosuchdocument", f"{BASE}/search?q=water",
                f"https://elsewhere.example/documents/{complaint.id}", f"{BASE}/documents/{complaint.id}/pages/9",
                f"{BASE}/documents/{complaint.id}/original"):
        response = oembed(client, url)
        assert response.status_code == 404, url
        assert response.get_json()["error"]["code"] == "not_found"
    for fmt in ("xml", "yaml", ""):
        assert oembed(client, f"{BASE}/documents/{complaint.id}", format=fmt).status_code == 501, fmt
    bad = oembed(client, f"{BASE}/documents/{complaint.id}", maxwidth="wide")
    assert bad.status_code == 400 and "maxwidth" in bad.get_json()["error"]["message"]


def discovery(page: str) -> str | None:
    found = re.search(r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"', page)
    return html.unescape(found.group(1)) if found else None


def test_document_and_reader_pages_name_their_oembed_in_their_head(client, signed_in, services, release, make_pdf):
    _, (complaint, _) = release
    for path in (f"/documents/{complaint.id}", f"/documents/{complaint.id}/pages/2"):
        page = text(client.get(path))
        link = discovery(page)
        assert link and page.index(link.split("?")[0].replace("&", "&amp;")) < page.index("</head>"), path
        asked = parse_qs(urlsplit(link).query)
        assert asked["format"] == ["json"] and asked["url"] == [BASE + path]
        assert client.get(link).status_code == 200
    pdf = make_pdf("draft.pdf", ["A draft complaint"])
    draft, _ = services.add(Upload(pdf, "draft.pdf", {"kind": "filing"}), release=Release("draft"))
    assert discovery(text(signed_in.get(f"/documents/{draft.document.id}"))) is None     # nothing to embed yet


def test_a_title_is_escaped_in_the_oembed_html_and_the_embed(client, services, make_pdf):
    pdf = make_pdf("xss.pdf", ["A filing with a hostile title"])
    stored, _ = services.add(Upload(pdf, "xss.pdf", {"kind": "filing", "title": '"><script>alert(1)</script>'}))
    body = oembed(client, f"{BASE}/documents/{stored.document.id}").get_json()
    assert body["title"] == '"><script>alert(1)</script>'
    assert "<script>" not in body["html"] and 'title="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in body["html"]
    assert "<script>" not in text(client.get(f"/documents/{stored.document.id}/embed"))


def test_a_public_thumbnail_may_be_shown_by_other_sites_a_draft_s_only_here(app, signed_in, services, release,
                                                                           make_pdf):
    _, (complaint, _) = release
    public = app.test_client().get(f"/documents/{complaint.id}/thumbnail.webp")
    public.close()
    assert public.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    pdf = make_pdf("draft.pdf", ["A draft complaint"])
    draft, _ = services.add(Upload(pdf, "draft.pdf", {"kind": "filing"}), release=Release("draft"))
    staff = signed_in.get(f"/documents/{draft.document.id}/thumbnail.webp")
    staff.close()
    assert staff.status_code == 200 and staff.headers["Cross-Origin-Resource-Policy"] == "same-origin"
