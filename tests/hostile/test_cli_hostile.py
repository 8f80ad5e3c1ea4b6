"""The same hostile files through the real `dossier` command: typed exit codes, nothing crashes."""
from __future__ import annotations

import json
from pathlib import Path

from tests.hostile import builders as build
from tests.uploads import samples


def test_add_rejects_a_zero_byte_file_with_exit_3(dossier, tmp_path: Path) -> None:
    result = dossier("add", build.write(tmp_path / "nothing.pdf", b""))
    assert result.exit_code == 3, result.output
    assert "empty" in result.stderr


def test_add_stores_a_flate_bomb_as_failed_and_check_stays_clean(dossier, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("DOSSIER_EXTRACT_TIMEOUT", "20")
    result = dossier("add", build.write(tmp_path / "bomb.pdf", build.flate_bomb_pdf()))
    assert result.exit_code == 0, result.output
    doc_id = result.stdout.splitlines()[0]
    shown = json.loads(dossier("show", doc_id, "--json").stdout)
    assert shown["text_status"] == "failed" and "Limit reached" in shown["text_error"]
    assert dossier("check").exit_code == 0


def test_import_of_a_folder_of_hostile_files_stores_or_reports_each(dossier, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("DOSSIER_EXTRACT_TIMEOUT", "20")
    folder = tmp_path / "in"
    folder.mkdir()
    files = {
        "loop.pdf": build.page_tree_loop_pdf(), "deep.pdf": build.deep_content_nesting_pdf(),
        "bomb.docx": build.docx_zip_bomb(), "huge.png": build.png_bomb(), "empty.pdf": b"",
        "photo.pdf": samples.png(), "ok.pdf": build.text_pdf("an ordinary release"),
    }
    for name, data in files.items():
        build.write(folder / name, data)
    result = dossier("import", folder)
    assert result.exit_code == 1, result.output        # partial: two files skipped
    assert "5 added, 0 already stored, 2 skipped" in result.stderr
    assert "empty.pdf: empty:" in result.stderr and "photo.pdf: type_mismatch:" in result.stderr
    assert dossier("check").exit_code == 0
