"""What the document page and the API say of a scan before and after OCR."""
from __future__ import annotations

from tests.scanmaker import make_scan_pdf
from tests.web.conftest import accounts, app, client, config, services, signed_in, staff, token  # noqa: F401  (the web fixtures)
from dossier.core import Upload


def test_the_page_says_ocr_is_pending_then_that_the_text_was_recognised(client, services, tmp_path):
    scan = make_scan_pdf(tmp_path / "letter.pdf", ["Dear Counsel,", "We write about the settlement terms."])
    stored, _ = services.add(Upload(scan, "letter.pdf", {}))
    doc_id = stored.document.id
    page = client.get(f"/documents/{doc_id}").get_data(as_text=True)
    assert "its text is being recognised automatically" in page and "(0 of its 2 pages so far)" in page

    services.recognise(doc_id)
    page = client.get(f"/documents/{doc_id}").get_data(as_text=True)
    assert "Text recognised automatically; it may contain errors (confidence" in page
    assert "settlement terms" in page
    record = client.get(f"/api/documents/{doc_id}").get_json()
    assert record["text_status"] == "ocr" and record["ocr_confidence"] > 80
    assert [p["engine"] for p in record["text_pages"]] == ["tesseract", "tesseract"]



def test_the_api_takes_the_languages_of_an_uploads_scans(client, token, tmp_path):
    scan = make_scan_pdf(tmp_path / "carta.pdf", ["Estimado fiscal:"])
    headers = {"Authorization": f"Bearer {token}"}
    bad = client.post("/api/documents", headers=headers, data={"ocr_languages": "../../etc", "file": (scan.open("rb"), "c.pdf")})
    assert bad.status_code == 400 and bad.get_json()["error"]["message"].startswith("OCR languages")
    response = client.post("/api/documents", headers=headers,
                           data={"ocr_languages": "spa+eng", "file": (scan.open("rb"), "carta.pdf")})
    assert response.status_code == 201
    assert (response.get_json()["ocr_languages"], response.get_json()["text_status"]) == ("spa+eng", "ocr_pending")


def test_the_upload_form_warns_staff_of_a_scan(signed_in, tmp_path):
    from tests.web.conftest import csrf

    scan = make_scan_pdf(tmp_path / "exhibit.pdf", ["EXHIBIT A"])
    data = {"csrf_token": csrf(signed_in, "/upload"), "attachment_count": "2",
            "release_text": "AG files exhibits\nThe office filed its exhibits.", "title": "AG files exhibits",
            "att-0-file": (scan.open("rb"), "exhibit.pdf"), "att-0-kind": "filing"}
    response = signed_in.post("/upload", data=data, content_type="multipart/form-data")
    assert response.status_code == 303
    page = signed_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "Scanned, without text that can be read: exhibit.pdf." in page


def test_a_filing_with_one_scanned_page_says_which_page_was_recognised(client, services, tmp_path):
    from pypdf import PdfReader, PdfWriter

    from tests.pdfmaker import make_pdf
    typed = make_pdf(tmp_path / "typed.pdf", ["Motion to dismiss", "Argument", "Conclusion"])
    scan = make_scan_pdf(tmp_path / "exhibit.pdf", ["Exhibit A: the signed lease"])
    writer = PdfWriter()
    for page in [*PdfReader(typed).pages[:2], *PdfReader(scan).pages, PdfReader(typed).pages[2]]:
        writer.add_page(page)
    mixed = tmp_path / "motion.pdf"
    with mixed.open("wb") as out:
        writer.write(out)
    stored, _ = services.add(Upload(mixed, "motion.pdf", {}))
    doc_id = stored.document.id
    page = client.get(f"/documents/{doc_id}").get_data(as_text=True)
    assert "Some pages of this file are scans" in page and "This file is a scan" not in page
    services.recognise(doc_id)
    page = client.get(f"/documents/{doc_id}").get_data(as_text=True)
    assert "The text of page 3 was recognised automatically (the other pages carry their own)" in page
    assert "signed lease" in page
