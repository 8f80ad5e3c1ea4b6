"""What was read from a document, through the Flask app: the upload form, the API's sources, the
edit page's marks, filing results and the case page's caption."""
from __future__ import annotations

import pytest

from tests.web.conftest import csrf

pytestmark = pytest.mark.corpus

MOTION = "pdf/filings/xray__gov.uscourts.cand.320086.220.3.pdf"
PHOTO = "photos/exif__long_description.jpg"


def upload(signed_in, corpus, **fields):
    data = {"csrf_token": csrf(signed_in, "/upload"), "attachment_count": "2",
            "release_text": "AG joins the Micron case\nThe office filed a brief today.", "date": "2019-06-10",
            "att-0-file": (open(corpus / MOTION, "rb"), "doctor Alquist NV 18.pdf"),
            "att-1-file": (open(corpus / PHOTO, "rb"), "IMG 2041.jpg"), **fields}
    response = signed_in.post("/upload", data=data, content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["Location"].rsplit("/", 1)[1]


def test_upload_form_reads_what_staff_left_empty_and_keeps_what_they_typed(signed_in, services, corpus):
    release_id = upload(signed_in, corpus, **{"att-0-court": "N.D. Cal. (San Francisco)"})
    motion, photo = (services.repo.get(a.id) for a in services.repo.links(release_id).attachments)
    assert motion.court == "N.D. Cal. (San Francisco)" and motion.sources["court"] == "typed"
    assert motion.date == "2019-06-07" and motion.sources["date"] == "document"
    assert motion.title != "doctor Alquist NV 18"
    assert photo.kind == "photo"                                  # from the bytes: the form's type was left to the file
    assert photo.date == "2008-07-31" and photo.title.startswith("Operation Mountain Viper")
    page = signed_in.get(f"/documents/{motion.id}").get_data(as_text=True)
    assert "Read from the document" in page and "case number" in page


def test_api_carries_the_sources(signed_in, services, corpus, token):
    release_id = upload(signed_in, corpus)
    motion_id = services.repo.links(release_id).attachments[0].id
    record = signed_in.get(f"/api/documents/{motion_id}", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert record["sources"]["date"] == "document" and record["case_number"] == "3:17-cv-06932"
    assert record["parties"] == "MICRON TECHNOLOGY, INC. v. UNITED MICROELECTRONICS CORPORATION"


def test_edit_page_marks_what_was_read_and_saving_it_unchanged_keeps_it_read(signed_in, services, corpus):
    release_id = upload(signed_in, corpus)
    motion_id = services.repo.links(release_id).attachments[0].id
    page = signed_in.get(f"/documents/{motion_id}/edit").get_data(as_text=True)
    assert page.count("Read from the document") >= 4
    doc = services.repo.get(motion_id)
    form = {"csrf_token": csrf(signed_in, f"/documents/{motion_id}/edit"), "kind": doc.kind, "title": doc.title,
            "date": doc.date, "court": doc.court, "case_number": doc.case_number, "doc_type": doc.doc_type,
            "parties": doc.parties}
    assert signed_in.post(f"/documents/{motion_id}/edit", data=dict(form, date="2019-06-08")).status_code == 303
    after = services.repo.get(motion_id)
    assert after.sources["date"] == "typed" and after.sources["court"] == "document"


def test_filing_results_and_the_case_page(signed_in, services, corpus):
    upload(signed_in, corpus)
    results = signed_in.get("/search?q=Jinhua&kind=filing").get_data(as_text=True)
    assert "N.D. Cal." in results and "No. 3:17-cv-06932" in results and "28 pages" in results
    case = signed_in.get("/cases/3:17-cv-06932").get_data(as_text=True)
    assert "MICRON TECHNOLOGY, INC. v. UNITED MICROELECTRONICS CORPORATION" in case


def test_a_chosen_file_is_read_without_being_stored(signed_in, services, corpus):
    data = {"csrf_token": csrf(signed_in, "/upload"), "part": "attachment",
            "file": (open(corpus / MOTION, "rb"), "motion.pdf")}
    response = signed_in.post("/upload/read", data=data, content_type="multipart/form-data")
    assert response.status_code == 200
    read = response.get_json()
    assert read["kind"] == "filing"
    assert read["fields"]["date"] == "2019-06-07" and read["where"]["date"] == "e-filing stamp"
    assert read["fields"]["court"] == "N.D. Cal."
    assert list(services.repo.iter_documents()) == []                      # nothing stored
    assert not any((services.repo.data_dir / "tmp").iterdir())             # nor left in tmp
    photo = {"csrf_token": csrf(signed_in, "/upload"), "file": (open(corpus / PHOTO, "rb"), "IMG 2041.jpg")}
    assert signed_in.post("/upload/read", data=photo, content_type="multipart/form-data").get_json()["fields"][
        "date"] == "2008-07-31"


def test_reading_a_file_needs_staff_and_a_csrf_token(client, corpus):
    data = {"file": (open(corpus / MOTION, "rb"), "motion.pdf")}
    assert client.post("/upload/read", data=data, content_type="multipart/form-data").status_code in (302, 303, 400,
                                                                                                       401, 403)
