"""A scan whose old OCR layer is bad (letters with vowels, so not symbol soup) is recognised
again; the recognised text replaces the layer's where Tesseract is sure of it."""
from __future__ import annotations

import re
from pathlib import Path

from tests.ocr.test_ocr import ok, search, show
from tests.scanmaker import make_scan_pdf_with_layer

PAGES = [
    "NOTICE OF MOTION AND MOTION TO DISMISS\n"
    "The defendants move to dismiss the complaint for lack of standing.\n"
    "The plaintiffs have not shown an injury that the court can redress.\n"
    "The motion is based on this notice and the memorandum of points.\n"
    "Oral argument is requested on the date the clerk sets for hearing.",
    "MEMORANDUM OF POINTS AND AUTHORITIES\n"
    "The plaintiffs ask for a preliminary injunction against the water\n"
    "authority of Sunland Park, which delivers water to the city and its\n"
    "residents under a contract approved by the state engineer in 2004.\n"
    "They claim that the authority did not give notice of the new rates.",
]
TIMES = 5      # each page's text, again, in its layer: enough words to judge


def misread(text: str) -> str:
    """What a poor scanner's OCR makes of it: a digit in the middle of every third word of four
    letters or more ("wa1er"); words still, so not the symbol soup the garble detector refuses."""
    count = iter(range(10**6))
    return re.sub(r"\b([A-Za-z]{2})[A-Za-z]([A-Za-z]+)",
                  lambda m: m[0] if next(count) % 3 else f"{m[1]}1{m[2]}", text)


def test_a_bad_ocr_layer_is_recognised_again_and_its_phrase_found(dossier, tmp_path: Path):
    layers = [" ".join([misread(page.replace("\n", " "))] * TIMES) for page in PAGES]
    scan = make_scan_pdf_with_layer(tmp_path / "motion.pdf", PAGES, layers)
    [doc_id] = ok(dossier("add", scan)).stdout.split()
    assert show(dossier, doc_id)["text_status"] == "ocr_pending"
    assert search(dossier, '"water authority of Sunland Park"')["total"] == 0

    ok(dossier("ocr", doc_id))
    shown = show(dossier, doc_id)
    assert shown["text_status"] == "ocr"
    assert [p["engine"] for p in shown["text_pages"]] == ["tesseract", "tesseract"]
    [hit] = search(dossier, '"water authority of Sunland Park"')["hits"]
    assert (hit["id"], hit["pages"]) == (doc_id, [2])


def test_a_page_tesseract_reads_nothing_on_keeps_its_layer(dossier, tmp_path: Path):
    layers = [" ".join([misread(PAGES[0].replace("\n", " "))] * TIMES),
              " ".join([misread(PAGES[1].replace("\n", " "))] * TIMES) + " Kilimanjaro"]
    scan = make_scan_pdf_with_layer(tmp_path / "motion.pdf", [PAGES[0], ""], layers)   # page 2: a blank image
    [doc_id] = ok(dossier("add", scan)).stdout.split()
    ok(dossier("ocr", doc_id))
    shown = show(dossier, doc_id)
    assert [p["engine"] for p in shown["text_pages"]] == ["tesseract", "pypdf"]
    assert search(dossier, '"lack of standing"')["hits"][0]["pages"] == [1]
    assert search(dossier, "Kilimanjaro")["hits"][0]["pages"] == [2]


def test_the_corpus_financial_disclosure_with_a_bad_ocr_layer_is_recognised(dossier, corpus: Path, monkeypatch):
    monkeypatch.setenv("DOSSIER_EXTRACT_TIMEOUT", "300")     # pypdf takes 10-20 s on it, more on a busy machine
    [doc_id] = ok(dossier("add", corpus / "pdf/scanned/doctor__2003-judicial-watch.pdf")).stdout.split()
    assert show(dossier, doc_id)["text_status"] == "ocr_pending"
    assert search(dossier, '"certify that all information"')["total"] == 0     # "tliat all\"infonnation"

    ok(dossier("ocr", doc_id))
    assert show(dossier, doc_id)["text_status"] == "ocr"
    [hit] = search(dossier, '"certify that all information"')["hits"]
    assert hit["pages"] == [9]


def test_born_digital_filings_are_not_taken_for_bad_ocr(dossier, corpus: Path):
    # The born-digital PDFs of the corpus with the most words that look like misreadings
    # (0.1-0.2% of their words): bench/ocr_layers.py.
    for name in ("filings/cl__nda_document.pdf",
                 "opinions/cl__Diaz_v._Create_and_Construct__LLC_Appeals_Board_Opinion.pdf",
                 "filings/xray__gov.uscourts.cand.332800.198.1.pdf"):
        [doc_id] = ok(dossier("add", corpus / "pdf" / name)).stdout.split()
        assert show(dossier, doc_id)["text_status"] == "extracted", name
