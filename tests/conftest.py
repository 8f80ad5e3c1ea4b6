"""Shared fixtures: data folders, the real CLI, the corpus where it exists."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]


def corpus_path() -> Path | None:
    configured = os.environ.get("DOSSIER_CORPUS")
    path = Path(configured) if configured else ROOT.parent / "shared" / "corpus"
    return path if (path / "manifest.tsv").is_file() else None


@pytest.fixture
def corpus() -> Path:
    path = corpus_path()
    if path is None:
        pytest.skip("../shared/corpus is not beside this checkout (set DOSSIER_CORPUS to point at it)")
    return path


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def dossier(data_dir: Path, monkeypatch):
    """Run the real `dossier` command in-process against a fresh data folder."""
    from dossier.cli import cli

    monkeypatch.delenv("DOSSIER_DATA", raising=False)
    monkeypatch.setenv("DOSSIER_EXTRACT_WORKERS", "2")

    def run(*args: str, input: str | bytes | None = None, data: Path | None = data_dir):
        prefix = ["--data", str(data)] if data is not None else []
        return CliRunner().invoke(cli, [*prefix, *map(str, args)], input=input, catch_exceptions=False)

    return run
