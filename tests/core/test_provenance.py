"""Who wins, through the real upload path (the `dossier` command, a real repository, index and
extraction workers): typed values are kept, read ones fill what staff left empty, a photo with no
date takes its release's, and `dossier metadata --refresh` never touches what was typed."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.corpus

MOTION = "pdf/filings/xray__gov.uscourts.cand.320086.220.3.pdf"      # Case 3:17-cv-06932-MMC Document 220-3 Filed 06/07/19
ARMY_PHOTO = "photos/exif__long_description.jpg"                       # taken 2008-07-31, with a caption
UNDATED_PHOTO = "photos/exif__orientation_portrait_8.jpg"              # no date in its EXIF
GPS_PHOTO = "photos/exif__gps_DSCN0010.jpg"


def ok(result, code: int = 0):
    assert result.exit_code == code, (result.stdout, result.stderr)
    return result


def show(dossier, doc_id: str) -> dict:
    return json.loads(ok(dossier("show", doc_id, "--json")).stdout)


def add(dossier, corpus: Path, *args: str) -> list[str]:
    return ok(dossier("add", corpus / "seed" / "release.txt", "--kind", "release", *args)).stdout.split()


def test_read_values_fill_what_staff_left_empty(dossier, corpus):
    release, motion, photo = add(dossier, corpus, "--date", "2018-06-19",
                                 "--attach", corpus / MOTION, "--attach", corpus / UNDATED_PHOTO)
    filing = show(dossier, motion)
    assert (filing["date"], filing["court"], filing["case_number"], filing["doc_type"]) == \
        ("2019-06-07", "N.D. Cal.", "3:17-cv-06932", "motion")
    assert filing["parties"] == "MICRON TECHNOLOGY, INC. v. UNITED MICROELECTRONICS CORPORATION"
    assert filing["sources"] == {name: "document" for name in
                                 ("date", "court", "case_number", "doc_type", "parties", "title")}
    assert show(dossier, release)["sources"]["date"] == "typed"
    picture = show(dossier, photo)
    assert picture["date"] == "2018-06-19" and picture["sources"]["date"] == "inherited"
    assert "Sunland Park, NM" in show(dossier, release)["places"]


def test_typed_values_win_over_the_document(dossier, corpus):
    release, = add(dossier, corpus)
    motion = ok(dossier("add", corpus / MOTION, "--date", "2019-06-10", "--court", "N.D. Cal. (San Francisco)",
                        "--title", "Jinhua's motion to dismiss")).stdout.split()[0]
    filing = show(dossier, motion)
    assert (filing["date"], filing["court"], filing["title"]) == \
        ("2019-06-10", "N.D. Cal. (San Francisco)", "Jinhua's motion to dismiss")
    assert filing["sources"]["date"] == filing["sources"]["court"] == filing["sources"]["title"] == "typed"
    assert filing["case_number"] == "3:17-cv-06932" and filing["sources"]["case_number"] == "document"


def test_a_photo_keeps_its_own_date_and_a_filing_never_inherits(dossier, corpus):
    release, motion, photo = add(dossier, corpus, "--date", "2020-01-01",
                                 "--attach", corpus / MOTION, "--attach", corpus / ARMY_PHOTO)
    picture = show(dossier, photo)
    assert picture["date"] == "2008-07-31" and picture["sources"]["date"] == "document"
    assert picture["title"].startswith("Operation Mountain Viper") and len(picture["title"]) <= 150
    assert show(dossier, motion)["date"] == "2019-06-07"


def test_no_gps_is_read_or_published(dossier, corpus, data_dir):
    import sqlite3

    release, photo = add(dossier, corpus, "--attach", corpus / GPS_PHOTO)
    record = ok(dossier("show", photo, "--json")).stdout.lower()
    with sqlite3.connect(data_dir / "dossier.sqlite3") as conn:
        reading = conn.execute("SELECT reading FROM documents WHERE id = ?", (photo,)).fetchone()[0].lower()
    assert json.loads(reading)["values"]["date"] == "2008-10-22"
    for text in (record, reading):
        assert "gpsinfo" not in text and "latitude" not in text and "longitude" not in text


def test_an_edit_makes_a_field_typed_and_refresh_keeps_it(dossier, corpus, data_dir):
    release, motion = add(dossier, corpus, "--attach", corpus / MOTION)
    ok(dossier("edit", motion, "--court", "N.D. Cal. (Oakland)"))
    ok(dossier("metadata", "--all"))
    filing = show(dossier, motion)
    assert filing["court"] == "N.D. Cal. (Oakland)" and filing["sources"]["court"] == "typed"
    assert filing["date"] == "2019-06-07" and filing["sources"]["date"] == "document"


def test_reindex_reads_again_what_an_older_reader_read(dossier, corpus, data_dir):
    import sqlite3

    release, motion = add(dossier, corpus, "--attach", corpus / MOTION)
    with sqlite3.connect(data_dir / "dossier.sqlite3") as conn:   # as an older reader left it
        conn.execute("UPDATE documents SET date = '2001-01-01', reading = '{\"version\": 0}' WHERE id = ?", (motion,))
    ok(dossier("reindex"))
    assert show(dossier, motion)["date"] == "2019-06-07"


def test_the_same_bytes_again_change_nothing_read(dossier, corpus, tmp_path):
    release, motion = add(dossier, corpus, "--attach", corpus / MOTION)
    copy = tmp_path / "motion.pdf"
    shutil.copy(corpus / MOTION, copy)
    result = ok(dossier("add", copy, "--court", "C.D. Cal."))
    assert "court (stored: N.D. Cal.; sent: C.D. Cal.)" in result.stdout + result.stderr
    assert show(dossier, motion)["court"] == "N.D. Cal."


def test_a_document_left_unread_by_a_crash_is_read_by_the_next_command(dossier, corpus, data_dir):
    import sqlite3

    release, motion = add(dossier, corpus, "--attach", corpus / MOTION)
    forget = "UPDATE documents SET date = NULL, court = NULL, reading = NULL, sources = '{}' WHERE id = ?"
    with sqlite3.connect(data_dir / "dossier.sqlite3") as conn:   # stored and indexed, then killed before reading
        conn.execute(forget, (motion,))
    ok(dossier("check"))                 # just now: the process adding it may still be at work, left to it
    assert show(dossier, motion)["date"] is None
    with sqlite3.connect(data_dir / "dossier.sqlite3") as conn:   # ... the crash was minutes ago
        conn.execute("UPDATE documents SET added_at = '2026-01-01T00:00:00Z' WHERE id = ?", (motion,))
    ok(dossier("check"))
    filing = show(dossier, motion)
    assert (filing["date"], filing["court"]) == ("2019-06-07", "N.D. Cal.")


def test_a_photo_follows_its_release_date_until_staff_type_one(dossier, corpus):
    release, photo = add(dossier, corpus, "--date", "2018-06-19", "--attach", corpus / UNDATED_PHOTO)
    ok(dossier("edit", release, "--date", "2018-06-20"))
    assert show(dossier, photo)["date"] == "2018-06-20"
    ok(dossier("edit", photo, "--date", "2018-06-01"))
    ok(dossier("edit", release, "--date", "2018-07-01"))
    picture = show(dossier, photo)
    assert picture["date"] == "2018-06-01" and picture["sources"]["date"] == "typed"
