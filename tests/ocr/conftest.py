"""OCR tests run the real Tesseract. CI installs it (scripts/setup.sh), so there a missing one fails."""
from __future__ import annotations

import os
import shutil

import pytest


@pytest.fixture(autouse=True)
def tesseract() -> None:
    if shutil.which("tesseract") is None:
        message = "tesseract is not installed (scripts/setup.sh installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
