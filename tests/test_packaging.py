"""The folders are installed as one namespace, dossier.*, with nothing left out."""
from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("repository", "uploads", "indexer", "core", "cli", "web")


def test_every_package_folder_is_installed_under_dossier():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    folders = sorted(str(p.parent.relative_to(ROOT)) for folder in FOLDERS for p in (ROOT / folder).rglob("__init__.py"))
    assert sorted(config["packages"]) == sorted("dossier." + f.replace("/", ".") for f in folders)
    assert config["package-dir"] == {f"dossier.{folder}": folder for folder in FOLDERS}


def test_the_namespace_is_what_is_imported():
    import dossier.cli
    import dossier.core

    assert Path(dossier.core.__file__).parent == ROOT / "core"
    assert Path(dossier.cli.__file__).parent == ROOT / "cli"
