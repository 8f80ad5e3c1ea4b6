"""Memory a document leaves behind in a long-lived extraction worker must not fail the next one.

Found with the corpus: extracting pdf/scanned/doctor__2003-judicial-watch.pdf three times in one
worker grows its RSS 412 -> 598 -> 852 MB and the third run fails "out of memory (limit 1024 MB)";
pypdf's garbage stays in the worker, which RLIMIT_AS then counts against the next document. The
built case below makes the same growth deterministic with an extractor that keeps 200 MB per call.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from dossier.indexer.extract import ExtractionPool, register
from tests.hostile import leaky_extractor


def test_a_bloated_worker_is_replaced_before_it_fails_an_innocent_document(tmp_path: Path) -> None:
    register(leaky_extractor.MIME, leaky_extractor.REF)
    doc = tmp_path / "doc.txt"
    doc.write_text("an innocent document")
    with ExtractionPool(workers=1, time_limit=20, memory_limit=768 * 2**20) as pool:
        results = [pool.extract(doc, leaky_extractor.MIME) for _ in range(5)]
    assert [r.status for r in results] == ["extracted"] * 5, [r.error for r in results]


def test_a_title_is_found_without_reading_a_big_upload_into_memory(tmp_path: Path) -> None:
    import tracemalloc

    from dossier.uploads import sniff
    from dossier.uploads.names import title_from

    page = tmp_path / "big.html"
    with open(page, "wb") as handle:
        handle.write(b"<html><head><title>Big page</title></head><body>")
        handle.write(b"<p>filler</p>" * (50 * 2**20 // 13))
    tracemalloc.start()
    try:
        assert title_from(page, sniff.HTML, "big.html") == "Big page"
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2**20, f"{peak / 2**20:.0f} MB held to read a title"
