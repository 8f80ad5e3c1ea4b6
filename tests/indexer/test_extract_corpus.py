"""The extractors over the real corpus in ../shared/corpus (skipped when it is absent).

Everything is extracted once, through an ExtractionPool, by a module fixture;
the tests then check what the manifest says about each file.
"""
from __future__ import annotations

import csv
import os
import time
from pathlib import Path

import pytest

from dossier.indexer.extract import Extraction, ExtractionPool
from dossier.indexer.extract.garble import page_readable
from dossier.repository.models import TEXT_STATUSES

CORPUS = Path(os.environ.get("DOSSIER_CORPUS")
              or Path(__file__).resolve().parents[2].parent / "shared" / "corpus")
MAX_SECS = 5.0   # skip slower real documents (the 391-page exhibit) to keep this file fast
ROBUSTNESS_DIRS = ("pdf/malformed/", "pdf/encrypted/", "pdf/scanned/", "other-formats/")
MIMES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".doc": "application/msword",
    ".wpd": "application/vnd.wordperfect",
}

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not (CORPUS / "manifest.tsv").is_file(),
                       reason=f"corpus not found at {CORPUS} (set DOSSIER_CORPUS)"),
]


def _selected(row: dict[str, str]) -> bool:
    if row["file"].startswith(ROBUSTNESS_DIRS):
        return True
    slow = float(row["extract_secs"] or 0) > MAX_SECS
    return row["file"].startswith("pdf/") and not slow


@pytest.fixture(scope="module")
def manifest() -> dict[str, dict[str, str]]:
    with open(CORPUS / "manifest.tsv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return {row["file"]: row for row in rows if _selected(row)}


@pytest.fixture(scope="module")
def outcomes(manifest: dict[str, dict[str, str]]) -> dict[str, Extraction]:
    # Slowest first, so a long file does not start last and hold up the run.
    order = sorted(manifest.values(), key=lambda row: -float(row["extract_secs"] or 0))
    items = [(row["file"], CORPUS / row["file"], MIMES[Path(row["file"]).suffix]) for row in order]
    started = time.monotonic()
    with ExtractionPool(time_limit=20) as pool:
        results = dict(pool.extract_many(items))
    _print_table(manifest, results, time.monotonic() - started)
    return results


def _print_table(manifest: dict[str, dict[str, str]], results: dict[str, Extraction], secs: float) -> None:
    print(f"\n{len(results)} corpus files in {secs:.1f} s")
    print(f"{'file':<78} {'manifest':<16} {'status':<14} {'pages':>5}  error")
    for name in sorted(results):
        result, row = results[name], manifest[name]
        print(f"{name:<78} {row['has_text']:<16} {result.status:<14} "
              f"{result.page_count if result.page_count is not None else '-':>5}  {result.error or ''}")


def _files(manifest: dict[str, dict[str, str]], **where: str) -> list[str]:
    return [name for name, row in manifest.items() if all(row[k] == v for k, v in where.items())]


def test_every_file_gets_a_valid_status(manifest, outcomes) -> None:
    assert set(outcomes) == set(manifest)
    for name, result in outcomes.items():
        assert result.status in TEXT_STATUSES, name
        if result.status == "failed":
            assert result.error, name


def test_garbled_pdfs_are_detected(manifest, outcomes) -> None:
    garbled = _files(manifest, has_text="garbled")
    assert len(garbled) >= 4
    # Whole, or but for the pages some engine reads (an exhibit's cover page): no soup is kept.
    assert {outcomes[name].status for name in garbled} <= {"garbled", "partial"}
    assert sum(outcomes[name].status == "garbled" for name in garbled) >= 3
    for name in garbled:
        kept = [text for text in outcomes[name].pages if text]
        assert all(page_readable(text) for text in kept), name


def test_no_pdf_with_real_text_is_flagged_garbled(manifest, outcomes) -> None:
    flagged = {name for name, result in outcomes.items() if result.status == "garbled"}
    allowed = set(_files(manifest, has_text="garbled")) | set(_files(manifest, has_text="garbled-ocr"))
    assert flagged <= allowed
    # has_text was measured after decrypting with the known password: those stay locked here.
    real = [name for name in _files(manifest, has_text="yes") if "password='" not in manifest[name]["note"]]
    assert len(real) > 50
    statuses = {name: outcomes[name].status for name in real}
    assert statuses == {name: status for name, status in statuses.items() if status in ("extracted", "partial")}


@pytest.mark.parametrize("kind", ["filing", "opinion"])
def test_page_counts_match_the_manifest(manifest, outcomes, kind: str) -> None:
    names = [name for name in _files(manifest, kind=kind) if manifest[name]["pages"]]
    assert names
    counts = {name: outcomes[name].page_count for name in names}
    assert counts == {name: int(manifest[name]["pages"]) for name in names}


def test_pdfs_with_an_empty_user_password_open(manifest, outcomes) -> None:
    for name in ("pdf/encrypted/pypdf__r6-empty-password.pdf", "pdf/encrypted/pypdf__issue-416.pdf"):
        assert outcomes[name].status == "extracted", (name, outcomes[name])
    assert outcomes["pdf/encrypted/pdfjs__secHandler.pdf"].status in ("extracted", "empty")


def test_pdfs_needing_a_password_are_encrypted(manifest, outcomes) -> None:
    locked = [name for name in _files(manifest, kind="encrypted") if "password='" in manifest[name]["note"]]
    assert len(locked) >= 5
    assert {name: outcomes[name].status for name in locked} == dict.fromkeys(locked, "encrypted")


def test_unreadable_pdfs_fail_with_a_reason(manifest, outcomes) -> None:
    for name in _files(manifest, has_text="unreadable"):
        assert outcomes[name].status in ("failed", "encrypted"), name
        assert outcomes[name].error, name
