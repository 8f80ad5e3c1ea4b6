"""The import arrows stay honest: web -> uploads -> repository, web -> indexer -> repository."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("repository", "uploads", "indexer", "web")
ALLOWED = {
    "repository": set(),
    "uploads": {"repository"},
    "indexer": {"repository"},
    "web": {"repository", "uploads", "indexer"},
}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def modules(package: str):
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", PACKAGES)
def test_layers_only_import_downwards(package):
    wrong = {}
    for path in modules(package):
        bad = (imports_of(path) & set(PACKAGES)) - ALLOWED[package] - {package}
        if bad:
            wrong[str(path.relative_to(ROOT))] = sorted(bad)
    assert wrong == {}


@pytest.mark.parametrize("package", ["repository", "uploads", "indexer"])
def test_only_web_imports_flask(package):
    users = [str(p.relative_to(ROOT)) for p in modules(package) if imports_of(p) & {"flask", "werkzeug"}]
    assert users == []
