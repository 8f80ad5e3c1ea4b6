"""Text that is not valid Unicode, at every door: it is made valid or refused before storage,
and a row that is already bad never stops a command or a start."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.hostile import builders as build
from tests.pdfmaker import make_pdf

LONE = "\ud83d"        # half of a UTF-16 surrogate pair: not encodable as UTF-8


def ok(result, code: int = 0):
    assert result.exit_code == code, (result.stdout, result.stderr)
    return result


def search(dossier, *args) -> dict:
    return json.loads(ok(dossier("search", *args, "--json")).stdout)


@pytest.fixture
def hostile_pdf(tmp_path: Path) -> Path:
    return build.write(tmp_path / "lone-surrogate.pdf", build.lone_surrogate_pdf())


def test_a_pdf_whose_text_holds_a_lone_surrogate_is_stored_whole_and_harms_nothing(dossier, hostile_pdf):
    doc_id = ok(dossier("add", hostile_pdf)).stdout.split()[0]
    shown = json.loads(ok(dossier("show", doc_id, "--json")).stdout)
    assert shown["text_status"] == "extracted"
    found = search(dossier, "hello world")
    assert [h["id"] for h in found["hits"]] == [doc_id]
    assert LONE not in json.dumps(found, ensure_ascii=False)
    ok(dossier("check"))
    ok(dossier("reindex"))
    assert search(dossier, "hello")["total"] == 1
    ok(dossier("delete", doc_id))
    assert search(dossier, "hello")["total"] == 0


def test_a_folder_import_meeting_such_a_pdf_imports_and_indexes_every_good_file(dossier, tmp_path, hostile_pdf):
    folder = tmp_path / "folder"
    folder.mkdir()
    hostile_pdf.rename(folder / "b-lone.pdf")
    make_pdf(folder / "a-good.pdf", ["groundwater perchlorate complaint"])
    (folder / "c-good.txt").write_text("Aquifer release\nThe office sued over the aquifer.", encoding="utf-8")
    result = ok(dossier("import", folder))
    assert "3 added, 0 already stored, 0 skipped" in result.stderr
    assert search(dossier, "perchlorate")["total"] == 1
    assert search(dossier, "aquifer")["total"] == 1
    assert search(dossier, "hello")["total"] == 1


def test_a_manifest_line_with_a_lone_surrogate_is_skipped_with_its_reason(dossier, tmp_path):
    (tmp_path / "good.txt").write_text("Good release\nAbout the aquifer.", encoding="utf-8")
    (tmp_path / "bad.txt").write_text("Bad release\nAbout the border.", encoding="utf-8")
    manifest = tmp_path / "manifest.jsonl"
    manifest.write_text(json.dumps({"file": "bad.txt", "title": "Bad " + LONE}) + "\n"
                        + json.dumps({"file": "good.txt", "topics": ["water"]}) + "\n", encoding="utf-8")
    result = ok(dossier("import", manifest), 1)
    assert "line 1: bad.txt: invalid_metadata: has details that cannot be stored (title:" in result.stderr
    assert "not valid text" in result.stderr
    assert search(dossier, "aquifer")["total"] == 1
    assert search(dossier, "border")["total"] == 0


def test_a_command_line_value_that_is_not_utf8_is_refused_and_nothing_is_stored(dossier, tmp_path):
    release = tmp_path / "release.txt"
    release.write_text("A release\nAbout the aquifer.", encoding="utf-8")
    # What Python makes of the argument $'bad\xff' on a UTF-8 system (surrogateescape).
    result = ok(dossier("add", release, "--topic", "bad\udcff"), 2)
    assert "topics" in result.stderr and "not valid text" in result.stderr
    assert search(dossier, "")["total"] == 0


def _poison(data_dir: Path, doc_id: str) -> None:
    """Rows as an older Dossier (or a hand edit) could have left them: a list value holding an
    escaped lone surrogate, and a title and a page text whose bytes are not UTF-8."""
    with sqlite3.connect(data_dir / "dossier.sqlite3") as conn:
        conn.execute("UPDATE documents SET topics = ?, title = CAST(X'42616420FF20726F77' AS TEXT), indexed = 0 "
                     "WHERE id = ?", (json.dumps([LONE, "water"]), doc_id))
        conn.execute("UPDATE pages SET text = CAST(X'6171756966657220FE20776174657273' AS TEXT) "
                     "WHERE document_id = ?", (doc_id,))


def test_rows_that_are_already_bad_never_stop_a_command_or_a_start(dossier, data_dir, tmp_path):
    release = tmp_path / "release.txt"
    release.write_text("A release\nAbout the aquifer.", encoding="utf-8")
    other = tmp_path / "other.txt"
    other.write_text("Another release\nAbout the border.", encoding="utf-8")
    bad = ok(dossier("add", release)).stdout.split()[0]
    good = ok(dossier("add", other)).stdout.split()[0]
    _poison(data_dir, bad)

    assert search(dossier, "border")["total"] == 1          # the start's catch-up met the bad row
    shown = json.loads(ok(dossier("show", bad, "--json")).stdout)
    assert shown["topics"] == ["\ufffd", "water"]
    checked = ok(dossier("check"), 1)
    assert f"invalid_text: {bad}" in checked.stdout
    ok(dossier("reindex"))
    assert search(dossier, "aquifer")["total"] == 1
    ok(dossier("show", good))
    ok(dossier("delete", bad))
    assert search(dossier, "aquifer")["total"] == 0

    from dossier.web import close_services, create_app
    from dossier.core.settings import Config

    ok(dossier("restore", bad))
    app = create_app(Config(data_dir=data_dir, extract_workers=1), TESTING=True)
    try:
        client = app.test_client()
        assert client.get(f"/documents/{bad}").status_code == 200
        assert client.get("/search?q=aquifer").status_code == 200
        assert client.get(f"/api/documents/{bad}").status_code == 200
    finally:
        close_services(app)


def test_a_row_the_index_cannot_take_is_skipped_with_its_reason_and_the_rest_are_indexed(dossier, data_dir, tmp_path):
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text("First release\nAbout the aquifer.", encoding="utf-8")
    second.write_text("Second release\nAbout the border.", encoding="utf-8")
    bad = ok(dossier("add", first)).stdout.split()[0]
    with sqlite3.connect(data_dir / "dossier.sqlite3") as conn:
        conn.execute("UPDATE documents SET date = '18/06/2018', indexed = 0 WHERE id = ?", (bad,))
    ok(dossier("add", second))                       # its catch-up met the bad row first
    assert search(dossier, "border")["total"] == 1
    checked = ok(dossier("check"), 1)
    assert f"unindexable: {bad} could not be indexed" in checked.stdout and "YYYY-MM-DD" in checked.stdout
    assert "missing_index_entry" not in checked.stdout
    ok(dossier("reindex"))                           # tries it again, skips it again
    assert search(dossier, "border")["total"] == 1
