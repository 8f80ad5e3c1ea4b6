"""Images have no text layer to extract; only their metadata is searchable."""
from __future__ import annotations

from pathlib import Path

from dossier.indexer.extract.result import Extraction


def extract_image(path: Path) -> Extraction:
    return Extraction((), "not_applicable")
