"""Thumbnails wherever people choose a document: results, release pages (each attachment, and
photos shown), case and browse pages, the upload result; a placeholder, never a broken image,
for a document without one."""
from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from dossier.core import Release, Upload

GPS_IFD = 0x8825


def text(response) -> str:
    return response.get_data(as_text=True)


def fetch(client, url):
    """The response, read whole and closed (an image is sent from its file)."""
    response = client.get(url)
    response.get_data()
    response.close()
    return response


def images(page: str) -> dict[str, str]:
    """Each <img> of a thumbnail box, by its src: the whole tag."""
    return {src: tag for tag, src in re.findall(r'(<a class="thumb"[^>]*><img src="([^"]+)"[^>]*>)', page)}


def assert_thumbnail(page: str, doc, alt: str) -> None:
    tag = images(page)[f"/documents/{doc.id}/thumbnail.webp"]
    assert f'alt="{alt}"' in tag and 'width="100" height="130"' in tag and 'loading="lazy"' in tag, tag


def test_results_show_each_pdf_s_first_page_and_a_placeholder_for_text(client, release):
    main, (complaint, exhibit) = release
    page = text(client.get("/search"))
    assert_thumbnail(page, complaint, "First page of Complaint")
    assert_thumbnail(page, exhibit, "First page of Exhibit A")
    assert f"/documents/{main.id}/thumbnail.webp" not in page           # a typed release has no image
    assert page.count('<span class="thumb thumb--none" aria-hidden="true"></span>') == 1
    image = fetch(client, f"/documents/{complaint.id}/thumbnail.webp")
    assert image.status_code == 200 and Image.open(io.BytesIO(image.data)).width == 200


def test_case_and_browse_pages_show_thumbnails(client, release):
    _, (complaint, exhibit) = release
    assert_thumbnail(text(client.get("/cases/1:19-cv-00123")), complaint, "First page of Complaint")
    browse = text(client.get("/browse/doc_type/exhibit"))
    assert_thumbnail(browse, exhibit, "First page of Exhibit A")


@pytest.mark.corpus
def test_a_release_page_shows_each_attachment_and_its_photos_without_their_exif(client, services, make_pdf, corpus):
    photo = corpus / "photos/exif__gps_DSCN0010.jpg"
    with Image.open(photo) as original:
        assert original.getexif().get_ifd(GPS_IFD)             # the original says where it was taken
    complaint = make_pdf("complaint.pdf", ["Complaint about the border"])
    main, (filing, picture) = services.add_text(
        "AG visits the border\nThe Attorney General met officers.", {"title": "AG visits the border"},
        [Upload(complaint, "complaint.pdf", {"kind": "filing", "title": "Complaint"}),
         Upload(photo, "border.jpg", {"kind": "photo", "title": "Officers at the border"})])
    page = text(client.get(f"/documents/{main.document.id}"))
    assert_thumbnail(page, filing.document, "First page of Complaint")
    assert_thumbnail(page, picture.document, "Photo: Officers at the border")
    photos = page.split('id="photos-heading"')[1].split("</section>")[0]
    large = f"/documents/{picture.document.id}/pages/1.webp?width=800"
    tag = re.search(rf'<img src="{re.escape(large)}"[^>]*>', photos).group(0)
    width, height = map(int, re.search(r'width="(\d+)" height="(\d+)"', tag).groups())
    served = fetch(client, large)
    shown = Image.open(io.BytesIO(served.data))
    assert 'alt="Officers at the border"' in tag and 'loading="lazy"' in tag
    assert abs(width / height - shown.width / shown.height) < 0.01         # the box has the photo's shape
    assert b"Exif" not in served.data and not shown.getexif().get_ifd(GPS_IFD) and not shown.getexif()
    assert f"/documents/{filing.document.id}/pages/1.webp" not in photos   # a PDF is not a photo
    own = text(client.get(f"/documents/{picture.document.id}"))            # the photo's own page: drawn too
    assert f'<img src="{large}"' in own and f'<img src="/documents/{picture.document.id}/original"' not in own


def test_a_page_that_could_not_be_drawn_shows_the_placeholder(tmp_path, make_pdf):
    """A render that times out (a limit no render meets): lists show the box, never the image."""
    from dossier.core.settings import Config
    from dossier.web import close_services, create_app

    app = create_app(Config(data_dir=tmp_path / "data", extract_workers=1, render_timeout=0.0005), TESTING=True)
    try:
        pdf = make_pdf("slow.pdf", ["A filing whose page is never drawn"])
        app.extensions["dossier"].add(Upload(pdf, "slow.pdf", {"kind": "filing", "title": "Slow filing"}))
        page = text(app.test_client().get("/search"))
        assert "Slow filing" in page and ".webp" not in page and "thumb--none" in page
    finally:
        close_services(app)


def test_drafts_thumbnails_show_to_staff_only(client, signed_in, services, make_pdf, app):
    pdf = make_pdf("draft.pdf", ["A draft complaint"])
    main, (filing,) = services.add_text("Draft release", {"title": "Draft"},
                                        [Upload(pdf, "draft.pdf", {"kind": "filing", "title": "Draft filing"})],
                                        release=Release("draft"))
    staff_page = text(signed_in.get("/search"))
    assert f"/documents/{filing.document.id}/thumbnail.webp" in staff_page
    public = text(app.test_client().get("/search"))
    assert "thumbnail.webp" not in public and "Draft filing" not in public


def test_the_upload_result_shows_a_thumbnail_for_each_part(signed_in, release, tmp_path):
    from tests.web.conftest import csrf

    _, (complaint, _) = release
    same = tmp_path / "complaint.pdf"                   # the bytes the fixture stored
    response = signed_in.post("/upload", data={
        "csrf_token": csrf(signed_in, "/upload"), "release_text": "A new release about the aquifer",
        "title": "Aquifer release", "publication": "published",
        "att-0-file": (same.open("rb"), "complaint.pdf"), "att-0-court": "D. Colo."},
        content_type="multipart/form-data")
    page = text(response)
    assert response.status_code == 200 and "Details that differ" in page
    assert_thumbnail(page, complaint, "First page of Complaint")
    assert 'thumb thumb--none' in page                                      # the typed release: the box


def test_a_thumbnail_not_drawn_yet_is_drawn_when_the_list_asks_for_it(client, services, release):
    """Page images are derived data, deletable at any time (and an import draws none): the list
    still shows the image, whose route draws it on request."""
    import shutil

    _, (complaint, _) = release
    shutil.rmtree(services.page_images.root)
    page = text(client.get("/search"))
    assert_thumbnail(page, complaint, "First page of Complaint")
    image = fetch(client, f"/documents/{complaint.id}/thumbnail.webp")
    assert image.status_code == 200 and Image.open(io.BytesIO(image.data)).width == 200
