"""OCR end to end through the `dossier` command: scans the tests type, the real Tesseract."""
from __future__ import annotations

import json
import time
from pathlib import Path

from PIL import Image

from tests.scanmaker import make_scan_image, make_scan_pdf
from tests.uploads import samples


def ok(result, code: int = 0):
    assert result.exit_code == code, (result.stdout, result.stderr)
    return result


def show(dossier, doc_id: str) -> dict:
    return json.loads(ok(dossier("show", doc_id, "--json")).stdout)


def search(dossier, query: str) -> dict:
    return json.loads(ok(dossier("search", query, "--json")).stdout)


def test_a_scan_waits_for_ocr_then_a_phrase_is_found_on_its_second_page(dossier, tmp_path: Path):
    scan = make_scan_pdf(tmp_path / "order.pdf", [
        "UNITED STATES DISTRICT COURT\nDISTRICT OF NEW MEXICO\nORDER",
        "The plaintiffs ask for a preliminary injunction\nagainst the water authority of Sunland Park.",
    ])
    [doc_id] = ok(dossier("add", scan)).stdout.split()
    assert show(dossier, doc_id)["text_status"] == "ocr_pending"
    assert search(dossier, '"water authority"')["total"] == 0

    assert f"{doc_id}: ocr" in ok(dossier("ocr", doc_id)).stdout
    shown = show(dossier, doc_id)
    assert (shown["text_status"], shown["layer_status"]) == ("ocr", "empty")
    assert shown["ocr_confidence"] > 80
    assert [p["engine"] for p in shown["text_pages"]] == ["tesseract", "tesseract"]
    [hit] = search(dossier, '"water authority of Sunland Park"')["hits"]
    assert (hit["id"], hit["pages"]) == (doc_id, [2])


def test_spanish_words_are_read_and_found(dossier, tmp_path: Path):
    scan = make_scan_pdf(tmp_path / "comunicado.pdf", [
        "La fiscalía presentó una acción civil contra la compañía\npor la contaminación del río Grande."])
    [doc_id] = ok(dossier("add", scan)).stdout.split()
    ok(dossier("ocr", doc_id))
    assert search(dossier, "fiscalía")["total"] == 1
    assert search(dossier, '"acción civil"')["total"] == 1
    assert search(dossier, "contaminación")["total"] == 1


def test_an_image_keeps_its_text_only_when_it_is_text(dossier, tmp_path: Path):
    letter = make_scan_image(tmp_path / "letter.png", "Dear Attorney General,\nwe write about the water rights\nof the pueblo.")
    photo = tmp_path / "photo.png"
    photo.write_bytes(samples.png())
    [letter_id] = ok(dossier("add", letter)).stdout.split()
    [photo_id] = ok(dossier("add", photo)).stdout.split()
    ok(dossier("ocr", "--all"))
    assert show(dossier, letter_id)["text_status"] == "ocr"
    assert search(dossier, '"water rights"')["total"] == 1
    assert show(dossier, photo_id)["text_status"] == "not_applicable"     # no text: back to what it was


def test_a_decompression_bomb_is_refused_in_time(dossier, tmp_path: Path):
    bomb = tmp_path / "bomb.png"
    Image.new("1", (30_000, 30_000), 1).save(bomb, optimize=True)     # 900 megapixels in ~100 KB
    assert bomb.stat().st_size < 2 * 2**20
    [doc_id] = ok(dossier("add", bomb)).stdout.split()
    started = time.monotonic()
    ok(dossier("ocr", doc_id))
    assert time.monotonic() - started < 20
    shown = show(dossier, doc_id)
    assert shown["text_status"] == "not_applicable" and shown["ocr_confidence"] is None


def test_redo_really_recognises_again_and_reindex_never_does(dossier, tmp_path: Path):
    scan = make_scan_pdf(tmp_path / "notice.pdf", ["NOTICE OF HEARING\nThe hearing is set for June 19."])
    [doc_id] = ok(dossier("add", scan)).stdout.split()
    ok(dossier("ocr", doc_id))
    assert "0 document(s)" in ok(dossier("ocr", doc_id)).stderr          # done once: nothing to do
    ok(dossier("reindex"))
    assert show(dossier, doc_id)["text_status"] == "ocr"
    assert search(dossier, '"notice of hearing"')["total"] == 1
    assert "1 document(s)" in ok(dossier("ocr", doc_id, "--redo", "--languages", "eng")).stderr
    assert search(dossier, '"notice of hearing"')["total"] == 1


def test_a_stamp_only_text_layer_is_recognised(dossier, tmp_path: Path):
    from tests.pdfmaker import make_pdf
    stamp = make_pdf(tmp_path / "stamp.pdf", ["Case 1:12-cv-05708-ER   Document 11   Filed 09/27/13   Page 1 of 1"])
    [doc_id] = ok(dossier("add", stamp)).stdout.split()
    assert show(dossier, doc_id)["text_status"] == "ocr_pending"


def test_check_reports_a_document_waiting_for_ocr_too_long(dossier, data_dir: Path, tmp_path: Path):
    import sqlite3

    [doc_id] = ok(dossier("add", make_scan_pdf(tmp_path / "old.pdf", ["An old scan"]))).stdout.split()
    assert "ocr_stuck" not in dossier("check").stdout
    with sqlite3.connect(data_dir / "dossier.sqlite3") as conn:       # as if no worker had run for a day
        conn.execute("UPDATE documents SET ocr_queued_at = '2026-01-01T00:00:00Z' WHERE id = ?", (doc_id,))
    result = ok(dossier("check"), 1)
    assert f"ocr_stuck: {doc_id} has waited for OCR" in result.stdout


def test_the_languages_asked_for_at_upload_are_kept_and_checked(dossier, tmp_path: Path):
    scan = make_scan_pdf(tmp_path / "aviso.pdf", ["AVISO PÚBLICO\nLa audiencia será el 19 de junio."])
    assert "OCR languages" in ok(dossier("add", scan, "--ocr-languages", "eng; rm -rf"), 2).stderr
    [doc_id] = ok(dossier("add", scan, "--ocr-languages", "spa")).stdout.split()
    assert show(dossier, doc_id)["ocr_languages"] == "spa"
    ok(dossier("ocr", doc_id))
    assert search(dossier, '"audiencia será"')["total"] == 1


def test_what_a_scan_says_about_itself_is_read_once_it_is_recognised(dossier, tmp_path: Path):
    stamp = "Case 1:18-cv-00428-RB Document 12 Filed 06/18/18 Page {} of 2"
    scan = make_scan_pdf(tmp_path / "scan.pdf", [
        stamp.format(1) + "\nUNITED STATES DISTRICT COURT\nFOR THE DISTRICT OF NEW MEXICO\nORDER",
        stamp.format(2) + "\nThe motion is granted.",
    ])
    [doc_id] = ok(dossier("add", scan, "--kind", "filing")).stdout.split()
    assert show(dossier, doc_id)["date"] is None            # nothing to read before OCR
    ok(dossier("ocr", doc_id))
    shown = show(dossier, doc_id)
    assert shown["date"] == "2018-06-18" and shown["case_number"].startswith("1:18-cv-00428")
    assert shown["sources"]["date"] == "document"
