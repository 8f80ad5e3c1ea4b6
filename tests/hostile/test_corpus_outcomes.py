"""Every hostile corpus file through the real intake: stored with a valid text_status or rejected
with a typed code, within the time limit and the memory limit, as its manifest row predicts.

Files: every row of ../shared/corpus/manifest.tsv under pdf/malformed/, pdf/encrypted/, pdf/scanned/,
other-formats/ and photos/, read in place. The expected outcome is derived from the row (has_text, subtype,
note, pages) by `expected()` below. The same run, rendered, is docs/hostile-outcomes.md
(scripts/hostile_outcomes.py); the last test checks that the committed table is up to date.

Garbled-text detection against the manifest's has_text column (every `garbled` caught, no `yes`
flagged) is measured over the whole PDF corpus in tests/indexer/test_extract_corpus.py
(test_garbled_pdfs_are_detected, test_no_pdf_with_real_text_is_flagged_garbled); not repeated here.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from dossier.repository.models import TEXT_STATUSES
from tests.hostile import harness

CORPUS = harness.corpus_root()
ROWS = harness.hostile_rows(CORPUS) if CORPUS else []
TIME_LIMIT = 30.0           # the slowest hostile file (a 9-page garbage-OCR scan) takes 10-20 s on 2 cores
MEMORY_MB = 1024
QUIET_MB = 300              # what a file that extracts in under a second may cost a worker
RECYCLE_ABOVE = 250 * harness.MB
DOCS_TABLE = Path(__file__).resolve().parents[2] / "docs" / "hostile-outcomes.md"
UPLOAD_TYPES = {".docx"}    # of other-formats/: .doc and .wpd are not on the allow-list

pytestmark = pytest.mark.corpus


def expected(row: dict[str, str], corpus: Path) -> set[str]:
    """The outcomes a manifest row allows, as 'stored/STATUS' or 'rejected/CODE'."""
    name, has_text, subtype, note = row["file"], row["has_text"], row["subtype"], row["note"]
    if name.startswith("photos/"):
        return {"stored/not_applicable"}     # real camera JPEGs, four with broken or hostile EXIF
    if name.startswith("other-formats/"):
        return {"stored/extracted"} if Path(name).suffix in UPLOAD_TYPES else {"rejected/unsupported_type"}
    if subtype == "empty" or row["bytes"] == "0":
        return {"rejected/empty"}
    if subtype == "wrong-extension":
        return {"rejected/type_mismatch"}
    with open(corpus / name, "rb") as handle:
        if b"%PDF-" not in handle.read(1024):
            # No PDF signature where readers look for one: its bytes are not recognisably a PDF,
            # so a .pdf name is a lie (fuzzer crashers, a broken header) -- even if pypdf copes.
            return {"rejected/type_mismatch"}
    if "password='" in note or has_text == "encrypted-locked":
        return {"stored/encrypted"}
    if has_text == "unreadable":
        return {"stored/failed", "stored/encrypted"} if name.startswith("pdf/encrypted/") else {"stored/failed"}
    # has_text is pypdf's verdict: PDFium, the second engine, may read pages pypdf garbles or fails on.
    second_engine = {"stored/partial", "stored/extracted"}
    if has_text == "garbled":
        return {"stored/garbled"} | second_engine
    if has_text == "garbled-ocr":
        # OCR noise is mostly real letters: the symbol-soup detector may pass it as text.
        return {"stored/garbled", "stored/extracted", "stored/partial"}
    if has_text == "no":
        errors = re.search(r"full extract: (\d+) page error", note)
        if errors and row["pages"] and int(errors.group(1)) == int(row["pages"]):
            return {"stored/failed"} | second_engine     # every page raised: pypdf read nothing
        return {"stored/empty"} | second_engine
    return {"stored/extracted", "stored/partial"}   # yes, minimal, header-only, ocr, ocr-noisy


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory) -> dict[str, harness.Outcome]:
    if CORPUS is None:
        pytest.skip("../shared/corpus is not beside this checkout (set DOSSIER_CORPUS to point at it)")
    scratch = tmp_path_factory.mktemp("hostile-corpus")
    results = {}
    with harness.fresh_services(scratch, time_limit=TIME_LIMIT, memory_mb=MEMORY_MB) as services:
        for row in ROWS:
            harness.recycle_if_bloated(services, RECYCLE_ABOVE)
            harness.warm_up(services, scratch)
            results[row["file"]] = harness.add_file(services, CORPUS / row["file"], label=row["file"])
    return results


def _params():
    if not ROWS:
        return [pytest.param(None, marks=pytest.mark.skip(
            reason="../shared/corpus is not beside this checkout (set DOSSIER_CORPUS to point at it)"))]
    return [pytest.param(row, id=row["file"]) for row in ROWS]


def test_the_corpus_has_hostile_files() -> None:
    if CORPUS is None:
        pytest.skip("../shared/corpus is not beside this checkout (set DOSSIER_CORPUS to point at it)")
    assert len(ROWS) >= 70
    assert {row["file"].split("/")[1] if row["file"].startswith("pdf/") else row["file"].split("/")[0]
            for row in ROWS} == {"malformed", "encrypted", "scanned", "other-formats", "photos"}


@pytest.mark.parametrize("row", _params())
def test_hostile_corpus_file(row: dict[str, str], outcomes: dict[str, harness.Outcome]) -> None:
    outcome = outcomes[row["file"]]
    assert outcome.result in expected(row, CORPUS), (outcome.result, outcome.message, row["note"])
    if outcome.stored:
        assert outcome.status in TEXT_STATUSES
        if outcome.status in ("failed", "encrypted"):
            assert outcome.message, "a failed or encrypted document says why"
        if outcome.status in ("extracted", "partial", "garbled", "empty") and row["pages"] \
                and not row["file"].startswith("pdf/encrypted/"):
            assert outcome.pages == int(row["pages"])
    else:
        assert outcome.message
    assert outcome.secs < TIME_LIMIT, f"took {outcome.secs:.1f} s"
    if outcome.peak_rss is not None:
        slow = float(row["extract_secs"] or 0) >= 1.0
        bound = MEMORY_MB if slow else QUIET_MB
        assert outcome.peak_rss < bound * harness.MB, f"worker peaked at {outcome.peak_rss / harness.MB:.0f} MB"


def test_the_committed_outcome_table_is_current(outcomes: dict[str, harness.Outcome]) -> None:
    """docs/hostile-outcomes.md says what this run did (outcome per file; timings are not compared)."""
    assert DOCS_TABLE.is_file(), "run scripts/hostile_outcomes.py"
    committed = {}
    for line in DOCS_TABLE.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\| `([^`]+)` \| [^|]* \| \*\*([^*]+)\*\* \|", line)
        if match:
            committed[match.group(1)] = match.group(2)
    current = {name: outcome.result for name, outcome in outcomes.items()}
    assert committed == current, "behaviour changed: run scripts/hostile_outcomes.py and review the diff"
