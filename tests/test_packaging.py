"""The folders are installed as one namespace, dossier.*, with nothing left out."""
from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
import zipfile
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


def test_a_wheel_builds_without_a_warning_and_holds_only_the_namespace(tmp_path):
    """What `pip install` of a fresh clone builds: setuptools says nothing, and site-packages gets
    `dossier/` alone (nothing generic such as `web/` to collide with another distribution)."""
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for folder in FOLDERS:
        shutil.copytree(ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__"))
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                            "--disable-pip-version-check", "-w", str(tmp_path / "wheel"), str(source)],
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    ours = [line for line in (built.stdout + built.stderr).splitlines()
            if "warning" in line.lower() and "Location 'file:" not in line]   # this machine's pip index config
    assert ours == []
    (wheel,) = (tmp_path / "wheel").glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        assert {name.split("/")[0] for name in archive.namelist()} == {"dossier", wheel.name.split("-py3")[0] + ".dist-info"}
