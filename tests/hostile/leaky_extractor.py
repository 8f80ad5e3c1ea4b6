"""A test-only extractor that keeps memory after it returns, like a parser with caches or a
fragmented heap: each call leaves LEAK_MB more in the worker. Workers import it by name."""
from __future__ import annotations

from pathlib import Path

from dossier.indexer.extract import Extraction

MIME = "application/x-dossier-test-leak"
REF = "tests.hostile.leaky_extractor:extract"
LEAK_MB = 200
_kept: list[bytearray] = []


def extract(path: Path) -> Extraction:
    _kept.append(bytearray(LEAK_MB * 2**20))
    return Extraction((path.read_text(),), "extracted")
