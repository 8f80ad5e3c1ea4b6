"""Where the shared corpus of real documents lies (demo data, tests, benchmarks read it in place)."""
from __future__ import annotations

import os
from pathlib import Path

# The checkout's parent holds shared/ beside it: <parent>/shared/corpus.
_BESIDE_CHECKOUT = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def corpus_dir() -> Path | None:
    """$DOSSIER_CORPUS, else ../shared/corpus beside the checkout, when it holds a manifest."""
    configured = os.environ.get("DOSSIER_CORPUS")
    candidate = Path(configured) if configured else _BESIDE_CHECKOUT
    return candidate if (candidate / "manifest.tsv").is_file() else None
