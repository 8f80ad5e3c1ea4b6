"""A deleted or corrupted index is rebuilt from the repository; spool files left by a crash are swept."""
from __future__ import annotations

import json
import os
import shutil
import time

import pytest

from .conftest import dossier, rows, text_doc, write_manifest

DOCS = 6


@pytest.fixture
def filled(tmp_path):
    data = tmp_path / "data"
    docs = [text_doc("idx") for _ in range(DOCS)]
    imported = dossier(data, "import", str(write_manifest(tmp_path / "in", docs)))
    assert imported.returncode == 0, imported.stderr
    return data, docs


def all_found(data, docs) -> bool:
    for doc in docs:
        result = dossier(data, "search", doc.word, "--json")
        assert result.returncode == 0, result.stderr
        if json.loads(result.stdout)["total"] != 1:
            return False
    return True


def test_deleted_index_is_rebuilt_on_next_start(filled):
    data, docs = filled
    shutil.rmtree(data / "index")
    assert all_found(data, docs)
    assert len(rows(data)) == DOCS
    assert dossier(data, "check").returncode == 0


def test_index_missing_its_schema_version_is_rebuilt(filled):
    data, docs = filled
    (data / "index" / "SCHEMA_VERSION").unlink()
    assert all_found(data, docs)


@pytest.mark.parametrize("which", ["toc", "terms", "stored", "postings"])
def test_garbage_segment_file_is_detected_and_rebuilt(filled, which):
    data, docs = filled
    suffix = {"toc": ".toc", "terms": ".trm", "stored": "._stored.col", "postings": ".pst"}[which]
    victims = [p for p in (data / "index").iterdir() if p.name.endswith(suffix)]
    assert victims
    for path in victims:
        path.write_bytes(os.urandom(max(path.stat().st_size, 64)))
    # The next command must notice, rebuild from the repository, and lose nothing.
    assert all_found(data, docs)
    checked = dossier(data, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_spool_files_left_by_a_crash_are_swept_and_never_documents(filled):
    data, docs = filled
    tmp = data / "tmp"
    stale, fresh = tmp / "spool-crashed", tmp / "spool-in-progress"
    stale.write_bytes(docs[0].data[:10])
    fresh.write_bytes(b"still being written by another process")
    old = time.time() - 2 * 3600
    os.utime(stale, (old, old))
    checked = dossier(data, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert not stale.exists(), "a spool file left by a crash is never cleaned up"
    assert fresh.exists(), "a spool file another process may still be writing was removed"
    assert len(rows(data)) == DOCS
