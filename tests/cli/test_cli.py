"""The `dossier` command end to end: real SQLite, real originals, real Whoosh index, real PDFs."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tests.pdfmaker import make_glyph_named_pdf, make_pdf
from tests.uploads import samples

RELEASE = """AG Balderas Files Suit Over Family Separation

Sunland Park, NM - Attorney General Hector Balderas joined a motion demanding an end to
family separation at the southern border.
"""


@pytest.fixture
def files(tmp_path: Path) -> Path:
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "release.txt").write_text(RELEASE, encoding="utf-8")
    make_pdf(folder / "complaint.pdf", [
        "UNITED STATES DISTRICT COURT\nDISTRICT OF NEW MEXICO\nComplaint for declaratory relief",
        "The plaintiffs state the facts.\nThe agency ignored the statute.",
        "Prayer for relief: the court should halt the detention of asylum\nseekers at once.",
    ])
    (folder / "photo.png").write_bytes(samples.png())
    return folder


def ok(result, code: int = 0):
    assert result.exit_code == code, (result.stdout, result.stderr)
    return result


def add_release(dossier, files: Path) -> list[str]:
    result = ok(dossier("add", files / "release.txt", "--kind", "release", "--title", "AG Balderas files suit",
                        "--office", "New Mexico Office of the Attorney General", "--topic", "immigration",
                        "--person", "Hector Balderas", "--place", "Sunland Park, NM", "--date", "2018-06-19",
                        "--attach", files / "complaint.pdf", "--attach", files / "photo.png"))
    return result.stdout.split()


def search(dossier, *args) -> dict:
    return json.loads(ok(dossier("search", *args, "--json")).stdout)


def test_add_prints_the_release_then_each_attachment(dossier, files):
    release, complaint, photo = add_release(dossier, files)
    shown = json.loads(ok(dossier("show", release, "--json")).stdout)
    assert shown["title"] == "AG Balderas files suit" and shown["kind"] == "release"
    assert shown["people"] == ["Hector Balderas"] and shown["date"] == "2018-06-19"
    assert shown["text_status"] == "extracted" and shown["mime"] == "text/plain"
    assert [a["id"] for a in shown["links"]["attachments"]] == [complaint, photo]
    assert [a["kind"] for a in shown["links"]["attachments"]] == ["filing", "photo"]
    filing = json.loads(ok(dossier("show", complaint, "--json")).stdout)
    assert filing["links"]["attached_to"] == [{"id": release, "kind": "release", "title": "AG Balderas files suit"}]
    assert (filing["page_count"], filing["text_status"], filing["mime"]) == (3, "extracted", "application/pdf")
    assert filing["sha256"] == hashlib.sha256((files / "complaint.pdf").read_bytes()).hexdigest()
    shown = json.loads(ok(dossier("show", photo, "--json")).stdout)
    assert (shown["text_status"], shown["layer_status"]) == ("ocr_pending", "not_applicable")   # OCR follows


def test_search_finds_the_page_of_a_hit_and_counts_facets(dossier, files):
    release, complaint, _ = add_release(dossier, files)
    result = search(dossier, "asylum seekers")
    assert [h["id"] for h in result["hits"]] == [complaint]
    assert result["hits"][0]["pages"] == [3]
    assert "<mark>" in result["hits"][0]["snippet"]
    result = search(dossier, "family separation", "--kind", "release", "--year", "2018")
    assert [h["id"] for h in result["hits"]] == [release]
    assert set(result) == {"query", "total", "page", "per_page", "hits", "facets", "suggestion", "read_as", "repairs",
                           "corrected_from"}
    assert result["per_page"] == 10
    assert {"value": "release", "count": 1} in result["facets"]["kind"]


def test_the_same_file_again_is_the_same_document(dossier, files):
    release, *_ = add_release(dossier, files)
    again = ok(dossier("add", files / "release.txt", "--title", "Another title"))
    assert again.stdout.split() == [release]
    assert "already stored" in again.stderr
    assert json.loads(ok(dossier("show", release, "--json")).stdout)["title"] == "AG Balderas files suit"


def test_get_writes_the_original_byte_for_byte(dossier, files, tmp_path):
    _, complaint, _ = add_release(dossier, files)
    ok(dossier("get", complaint, "-o", tmp_path / "out.pdf"))
    assert (tmp_path / "out.pdf").read_bytes() == (files / "complaint.pdf").read_bytes()


def test_link_delete_restore_and_purge(dossier, files):
    release, complaint, photo = add_release(dossier, files)
    ok(dossier("link", complaint, photo))
    related = json.loads(ok(dossier("show", photo, "--json")).stdout)["links"]["related"]
    assert [r["id"] for r in related] == [complaint]
    ok(dossier("delete", complaint))
    assert search(dossier, "asylum")["total"] == 0
    assert "dossier restore" in ok(dossier("show", complaint)).stdout   # staff still see it, marked deleted
    ok(dossier("restore", complaint))
    assert search(dossier, "asylum")["total"] == 1
    ok(dossier("delete", complaint))
    ok(dossier("purge"))
    ok(dossier("show", complaint), 4)
    ok(dossier("restore", complaint), 4)
    assert ok(dossier("check")).stdout == ""


def test_exit_codes(dossier, files, tmp_path):
    ok(dossier("show", "nosuchdoc0"), 4)
    ok(dossier("get", "nosuchdoc0"), 4)
    ok(dossier("add", files / "release.txt", "--date", "yesterday"), 2)
    ok(dossier("search", "x", "--sort", "sideways"), 2)
    ok(dossier("frobnicate"), 2)
    lying = tmp_path / "lying.pdf"
    lying.write_bytes(samples.png())
    result = ok(dossier("add", lying), 3)
    assert "type_mismatch" in result.stderr and "lying.pdf" in result.stderr
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert "empty" in ok(dossier("add", empty), 3).stderr
    result = ok(dossier("add", files / "release.txt", "--attach", files / "complaint.pdf", "--attach", lying), 3)
    assert "refused (type_mismatch): Attachment 2, lying.pdf, is a PNG image, not a PDF document" in result.stderr
    assert "Nothing was stored" in result.stderr
    assert search(dossier, "")["total"] == 0     # a release with a refused attachment is not stored at all
    assert ok(dossier("check")).stdout == ""


def test_data_folder_from_option_before_or_after_the_command_or_environment(dossier, files, tmp_path, monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    ok(dossier("add", files / "release.txt", "--data", elsewhere, data=None))
    assert (elsewhere / "dossier.sqlite3").is_file()
    assert search(dossier, "--data", elsewhere, "")["total"] == 1
    monkeypatch.setenv("DOSSIER_DATA", str(elsewhere))
    assert json.loads(ok(dossier("search", "", "--json", data=None)).stdout)["total"] == 1


def test_check_finds_a_corrupted_original(dossier, files, data_dir):
    _, complaint, _ = add_release(dossier, files)
    sha = json.loads(ok(dossier("show", complaint, "--json")).stdout)["sha256"]
    original = data_dir / "originals" / sha[:2] / sha[2:4] / sha
    original.chmod(0o644)
    original.write_bytes(b"%PDF-1.4 tampered")
    result = ok(dossier("check"), 1)
    assert f"corrupt_original: the original of {complaint}" in result.stdout
    result = ok(dossier("get", complaint, "-o", data_dir.parent / "copy.pdf"), 1)
    assert "is damaged" in result.stderr and not (data_dir.parent / "copy.pdf").exists()
    original.unlink()
    result = ok(dossier("get", complaint, "-o", data_dir.parent / "copy.pdf"), 1)
    assert f"original {sha} is missing" in result.stderr


def test_reindex_from_nothing_gives_the_same_results_as_incremental_indexing(dossier, files, data_dir):
    add_release(dossier, files)
    queries = ["", "asylum", "family separation", "court", "prayer"]
    before = [search(dossier, q) for q in queries]
    ok(dossier("reindex"))
    assert [search(dossier, q) for q in queries] == before
    ok(dossier("merge"))
    assert [search(dossier, q) for q in queries] == before
    import shutil
    shutil.rmtree(data_dir / "index")
    assert [search(dossier, q) for q in queries] == before   # rebuilt on start, from the repository


def test_import_manifest_reports_bad_lines_and_resumes_without_duplicates(dossier, files, tmp_path):
    manifest = tmp_path / "files" / "manifest.jsonl"
    lines = [
        {"file": "release.txt", "kind": "release", "title": "Suit", "date": "2018-06-19",
         "topics": ["immigration"], "attachments": [
             {"file": "complaint.pdf", "kind": "filing", "doc_type": "complaint", "court": "D.N.M.",
              "case_number": "1:18-cv-00428-RB"}]},
        "this is not json",
        {"file": "missing.pdf"},
        {"file": "photo.png", "kind": "photo", "date": "not a date"},
    ]
    manifest.write_text("\n".join(json.dumps(x) if isinstance(x, dict) else x for x in lines) + "\n")
    result = ok(dossier("import", manifest), 1)
    assert "line 2: -: bad_line" in result.stderr
    assert "line 3:" in result.stderr and "missing.pdf: unreadable" in result.stderr
    assert "line 4:" in result.stderr and "invalid_metadata" in result.stderr
    assert "2 added, 0 already stored, 3 skipped" in result.stderr
    filing = search(dossier, "", "--case_number", "18-cv-00428")["hits"]
    assert [h["title"] for h in filing] == ["complaint"]
    result = ok(dossier("import", manifest), 1)
    assert "0 added, 2 already stored, 3 skipped" in result.stderr
    assert search(dossier, "")["total"] == 2


def test_import_folder_guesses_kinds(dossier, files):
    result = ok(dossier("import", files))
    assert "3 added" in result.stderr
    kinds = {f["value"]: f["count"] for f in search(dossier, "")["facets"]["kind"]}
    assert kinds == {"release": 1, "filing": 1, "photo": 1}


def test_encrypted_and_truncated_pdfs_are_stored_with_their_text_status(dossier, tmp_path):
    locked = make_pdf(tmp_path / "locked.pdf", ["sealed text"], password="secret")
    whole = make_pdf(tmp_path / "whole.pdf", ["a motion to dismiss"] * 4).read_bytes()
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(whole[: len(whole) // 2])
    statuses = {}
    for path in (locked, truncated):
        doc_id = ok(dossier("add", path)).stdout.split()[0]
        shown = json.loads(ok(dossier("show", doc_id, "--json")).stdout)
        statuses[path.name] = (shown["text_status"], shown["kind"])
    assert statuses["locked.pdf"] == ("encrypted", "filing")
    assert statuses["truncated.pdf"][0] == "failed"
    assert ok(dossier("check")).exit_code == 0


def test_search_without_json_is_a_readable_table(dossier, files):
    release, *_ = add_release(dossier, files)
    out = ok(dossier("search", "family")).stdout
    assert out.splitlines()[0] == "1 result(s), showing 1-1"
    assert release in out and "AG Balderas files suit" in out and "*family*" in out.lower()


def test_get_writes_nothing_of_a_damaged_original(dossier, files, data_dir, tmp_path):
    release, complaint, _ = add_release(dossier, files)
    shown = json.loads(ok(dossier("show", complaint, "--json")).stdout)
    stored = data_dir / "originals" / shown["sha256"][:2] / shown["sha256"][2:4] / shown["sha256"]
    stored.chmod(0o600)
    stored.write_bytes(stored.read_bytes()[:-10] + b"x" * 10)
    to_stdout = ok(dossier("get", complaint), 1)
    assert to_stdout.stdout_bytes == b"" and "damaged" in to_stdout.stderr
    ok(dossier("get", complaint, "-o", tmp_path / "copy.pdf"), 1)
    assert not (tmp_path / "copy.pdf").exists()
    ok(dossier("add", files / "complaint.pdf"))                 # the same bytes again: repaired
    ok(dossier("get", complaint, "-o", tmp_path / "copy.pdf"))
    assert (tmp_path / "copy.pdf").read_bytes() == (files / "complaint.pdf").read_bytes()
    ok(dossier("check"))


def test_a_manifest_line_nested_too_deeply_is_skipped(dossier, files, tmp_path):
    manifest = tmp_path / "manifest.jsonl"
    manifest.write_text("[" * 100_000 + "]" * 100_000 + "\n" + json.dumps({"file": str(files / "release.txt")}) + "\n")
    result = ok(dossier("import", manifest), 1)
    assert "line 1: -: bad_line: nested too deeply to read" in result.stderr
    assert "1 added" in result.stderr


def test_show_names_the_engine_of_each_page(dossier, tmp_path):
    path = make_glyph_named_pdf(tmp_path / "order.pdf", ["IT IS ORDERED that the stay is lifted. " * 4, ""])
    [doc_id] = ok(dossier("add", path)).stdout.split()
    shown = json.loads(ok(dossier("show", doc_id, "--json")).stdout)
    assert [(p["page"], p["engine"]) for p in shown["text_pages"]] == [(1, "pdfium"), (2, None)]
    assert "1 pdfium; 2 no text" in ok(dossier("show", doc_id)).stdout
    assert search(dossier, '"stay is lifted"')["total"] == 1
