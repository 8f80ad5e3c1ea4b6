"""The `dossier` command: a thin edge over the core (``core.Dossier``), one module per area."""
from __future__ import annotations

import os
import sys

from . import accounts, alerts, documents, ocr, publishing, searching, server, upkeep  # noqa: F401  (each registers its commands)
from .app import cli


def main() -> None:
    os.umask(0o077)          # every file of the data folder, the index's included, is the owner's only
    _keep_children_light()
    cli(prog_name="dossier")


def _keep_children_light() -> None:
    """A spawned child (the import's storing process, extraction workers) first
    re-runs the parent's main module; here that is the `dossier` script, which
    imports Flask, Whoosh and numpy (~0.5 s of CPU per child). They need none
    of it: without a file or spec, ``__main__`` is not re-run."""
    main = sys.modules["__main__"]
    for name in ("__file__", "__spec__"):
        if getattr(main, name, None) is not None:
            setattr(main, name, None)
