"""The reader, page images, thumbnails and the page API over real PDFs, real renders and the app."""
from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from dossier.core import Release, Upload


def text(response) -> str:
    return response.get_data(as_text=True)


def fetch(client, url, **kwargs):
    """The response, read whole and closed (an image is sent from its file)."""
    response = client.get(url, **kwargs)
    response.get_data()
    response.close()
    return response


def test_the_reader_shows_one_page_with_its_image_text_and_neighbours(client, release):
    main, (complaint, _) = release
    page = text(client.get(f"/documents/{complaint.id}/pages/2"))
    assert "Page 2 of 3" in page and "Jurisdiction and venue" in page
    assert "Complaint first page" not in page and "perchlorate" not in page      # only the page looked at
    assert f'src="/documents/{complaint.id}/pages/2.webp?width=800"' in page
    assert 'alt="Image of page 2; its text follows below."' in page
    assert f'rel="prev" href="/documents/{complaint.id}/pages/1"' in page
    assert f'rel="next" href="/documents/{complaint.id}/pages/3"' in page
    assert page.count(f'/documents/{complaint.id}/pages/3.webp?width=200') == 1   # the strip
    assert " style=" not in page and "<style" not in page and "<script>" not in page
    assert page.index("Details") < page.index("Text of page 2")                  # details first on a phone


def test_a_query_lists_the_matching_pages_and_draws_the_hits(client, release):
    _, (complaint, _) = release
    page = text(client.get(f"/documents/{complaint.id}/pages/3?q=perchlorate"))
    assert "1 page match “perchlorate”" in page
    assert f'href="/documents/{complaint.id}/pages/3?q=perchlorate"' in page
    assert "<mark>perchlorate</mark>" in page
    rects = re.findall(r'<rect class="reader__hit" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/>', page)
    assert len(rects) == 1 and all(0 < float(v) < 1 for v in rects[0])
    none = text(client.get(f"/documents/{complaint.id}/pages/1?q=zebrafish"))
    assert "No page matches “zebrafish”" in none


def test_go_to_page_and_pages_that_do_not_exist(client, release):
    _, (complaint, _) = release
    response = client.get(f"/documents/{complaint.id}/pages?page=99&q=venue")
    assert response.status_code == 302 and response.headers["Location"].endswith("/pages/3?q=venue")
    assert client.get(f"/documents/{complaint.id}/pages/4").status_code == 404
    assert client.get(f"/documents/{complaint.id}/pages/0").status_code == 404
    assert client.get(f"/documents/{complaint.id}/pages?page=x").status_code == 400


def test_page_images_have_fixed_widths_an_etag_and_a_long_lifetime(client, release):
    _, (complaint, _) = release
    url = f"/documents/{complaint.id}/pages/1.webp"
    response = fetch(client, url, query_string={"width": 200})
    assert response.status_code == 200 and response.mimetype == "image/webp"
    assert Image.open(io.BytesIO(response.data)).width == 200
    assert "public" in response.headers["Cache-Control"] and "max-age=86400" in response.headers["Cache-Control"]
    again = fetch(client, url, query_string={"width": 200}, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    assert client.get(url, query_string={"width": 400}).status_code == 400
    assert client.get(url, query_string={"width": "wide"}).status_code == 400
    assert client.get(f"/documents/{complaint.id}/pages/9.webp").status_code == 404
    thumb = fetch(client, f"/documents/{complaint.id}/thumbnail.webp")
    assert thumb.status_code == 200 and Image.open(io.BytesIO(thumb.data)).width == 200


def test_the_thumbnail_is_drawn_when_the_upload_is_stored(services, release):
    _, (complaint, _) = release
    folder = services.page_images.folder(complaint.sha256)
    assert [p.name for p in folder.glob("*.webp")] == ["1-200-v1.webp"]


def test_a_typed_release_has_text_but_no_page_images(client, release):
    main, _ = release
    assert client.get(f"/documents/{main.id}/thumbnail.webp").status_code == 404
    page = text(client.get(f"/documents/{main.id}/pages/1"))
    assert "The Attorney General filed suit" in page and ".webp" not in page.split("Nearby pages")[0].split("</header>")[-1]


def test_drafts_images_are_not_served_to_the_public(app, client, staff, services, make_pdf):
    from tests.web.conftest import sign_in

    signed_in_other = app.test_client()
    sign_in(signed_in_other, *staff)
    pdf = make_pdf("secret.pdf", ["A draft complaint"])
    stored, (filing,) = services.add_text("Draft release", {"title": "Draft"},
                                          [Upload(pdf, "secret.pdf", {"kind": "filing"})], release=Release("draft"))
    for path in (f"/documents/{filing.document.id}/pages/1.webp", f"/documents/{filing.document.id}/thumbnail.webp",
                 f"/documents/{filing.document.id}/pages/1", f"/api/documents/{filing.document.id}/pages/1"):
        assert client.get(path).status_code == 404, path
        response = fetch(signed_in_other, path)
        assert response.status_code == 200, path
        if path.endswith(".webp"):
            assert "private" in response.headers["Cache-Control"]


def test_the_page_api_gives_text_images_and_word_boxes(client, release):
    _, (complaint, _) = release
    body = client.get(f"/api/documents/{complaint.id}/pages/3").get_json()
    assert body["page"] == 3 and body["page_count"] == 3 and "perchlorate" in body["text"]
    assert set(body["image_urls"]) == {"200", "800", "1600"}
    assert body["image_urls"]["800"].endswith(f"/documents/{complaint.id}/pages/3.webp?width=800")
    words = {w["text"].strip("."): w["box"] for w in body["words"]}
    left, top, right, bottom = words["perchlorate"]
    assert 0 <= left < right <= 1 and 0 <= top < bottom <= 1
    missing = client.get(f"/api/documents/{complaint.id}/pages/4")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"


@pytest.mark.corpus
def test_a_hostile_pdf_shows_its_text_and_preview_unavailable_never_a_500(tmp_path, corpus, monkeypatch):
    """A render that times out (a time limit no render can meet): the reader still answers, with
    the page's text and the note; the image URL answers 404 with a placeholder."""
    from dossier.core.settings import Config
    from dossier.web import close_services, create_app

    app = create_app(Config(data_dir=tmp_path / "data", extract_workers=1, render_timeout=0.0005), TESTING=True)
    try:
        filing = corpus / "pdf/filings/xray__gov.uscourts.cacd.579818.150.2.pdf"
        stored, _ = app.extensions["dossier"].add(Upload(filing, filing.name, {"kind": "filing"}))
        client = app.test_client()
        page = client.get(f"/documents/{stored.document.id}/pages/2")
        assert page.status_code == 200
        body = text(page)
        assert "Preview unavailable" in body and "DAVIDSON" in body and ".webp?width=800" not in body
        image = client.get(f"/documents/{stored.document.id}/pages/2.webp")
        assert image.status_code == 404 and image.mimetype == "image/svg+xml"
        assert client.get(f"/documents/{stored.document.id}/thumbnail.webp").status_code == 404
    finally:
        close_services(app)
