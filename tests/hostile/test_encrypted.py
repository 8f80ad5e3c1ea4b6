"""Encrypted PDFs built by the test (RC4 and AES): an empty user password opens, anything else is flagged.

The corpus's encrypted PDFs are covered row by row in test_corpus_outcomes.py.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.conftest import assert_stored, text_of
from tests.pdfmaker import make_pdf

PAGES = ["Stipulated protective order", "Exhibit list, second page"]


@pytest.mark.parametrize("aes", [True, False], ids=["aes256", "rc4"])
def test_owner_password_only_opens_and_is_extracted(add, services, tmp_path: Path, aes: bool) -> None:
    data = make_pdf(tmp_path / "src.pdf", PAGES, owner_password="owner-secret", aes=aes).read_bytes()
    name = f"owner-only-{'aes' if aes else 'rc4'}.pdf"
    outcome = add(name, data)
    assert_stored(outcome, "extracted")
    assert outcome.pages == 2
    text = text_of(services, outcome, name)
    assert "Stipulated protective order" in text and "Exhibit list" in text


@pytest.mark.parametrize("aes", [True, False], ids=["aes256", "rc4"])
def test_user_password_is_stored_and_flagged_encrypted(add, services, tmp_path: Path, aes: bool) -> None:
    data = make_pdf(tmp_path / "src.pdf", PAGES, password="user-secret", aes=aes).read_bytes()
    name = f"locked-{'aes' if aes else 'rc4'}.pdf"
    outcome = add(name, data)
    assert_stored(outcome, "encrypted")
    assert outcome.message == "needs a password"
    assert text_of(services, outcome, name) == ""
    [doc] = [d for d in services.repo.iter_documents() if d.filename == name]
    assert Path(services.repo.original_path(doc)).read_bytes() == data  # the original is kept as is
