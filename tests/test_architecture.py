"""The import arrows stay honest.

    web/ (HTTP) ──┐
                  ├──► core/ ──► uploads/ ──► repository/
    cli/ (dossier)┘         └──► indexer/ ──► repository/

The edges import only the core (and `dossier serve` the web app); only web/ imports Flask; only
cli/ imports click; no module imports another that imports it back, directly or round a cycle.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("repository", "uploads", "indexer", "core", "cli", "web")
ALLOWED = {
    "repository": set(),
    "uploads": {"repository"},
    "indexer": {"repository"},
    "core": {"repository", "uploads", "indexer"},
    "web": {"core"},
    "cli": {"core", "web"},        # web: only `dossier serve`, which runs the web app (checked below)
}
FRAMEWORKS = {"flask": {"web"}, "werkzeug": {"web"}, "click": {"cli"}, "gunicorn": {"web"}, "waitress": {"web"}}
# Password hashing is a library function of werkzeug's, with nothing of HTTP in it.
FRAMEWORK_EXCEPTIONS = {("core/accounts.py", "werkzeug.security")}


def _runtime_nodes(tree: ast.AST):
    """Every node but those under `if TYPE_CHECKING:` (imports for annotations only: never run)."""
    todo = [tree]
    while todo:
        node = todo.pop()
        yield node
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            todo.extend(node.orelse)
        else:
            todo.extend(ast.iter_child_nodes(node))


NAMESPACE = "dossier."      # the folders are installed as dossier.core, dossier.web, ...


def _ours(name: str) -> str:
    return name[len(NAMESPACE):] if name.startswith(NAMESPACE) else name


def imported_modules(path: Path) -> set[str]:
    """Module names the file imports at run time, relative imports resolved and our own named
    by their folder (dossier.core.app -> core.app)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    names: set[str] = set()
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
                names.add(module)
                names.update(f"{module}.{alias.name}" for alias in node.names)
            elif node.module:
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {_ours(name) for name in names}


def modules(package: str):
    return sorted((ROOT / package).rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("package", PACKAGES)
def test_layers_only_import_downwards(package):
    wrong = {}
    for path in modules(package):
        tops = {name.split(".")[0] for name in imported_modules(path)}
        bad = (tops & set(PACKAGES)) - ALLOWED[package] - {package}
        if bad:
            wrong[rel(path)] = sorted(bad)
    assert wrong == {}


def test_the_command_line_reaches_the_web_app_only_to_serve_it():
    users = [rel(p) for p in modules("cli") if any(n.split(".")[0] == "web" for n in imported_modules(p))]
    assert users == ["cli/server.py"]


@pytest.mark.parametrize("framework, owners", sorted(FRAMEWORKS.items()))
def test_only_its_edge_imports_a_framework(framework, owners):
    users = []
    for package in set(PACKAGES) - owners:
        for path in modules(package):
            hits = {n for n in imported_modules(path) if n.split(".")[0] == framework}
            hits = {n for n in hits if (rel(path), n.rsplit(".", 1)[0]) not in FRAMEWORK_EXCEPTIONS
                    and (rel(path), n) not in FRAMEWORK_EXCEPTIONS}
            if hits:
                users.append(rel(path))
    assert users == []


def _graph() -> dict[str, set[str]]:
    paths = {module_name(p): p for package in PACKAGES for p in modules(package)}
    graph = {}
    for name, path in paths.items():
        targets = set()
        for imported in imported_modules(path):
            # "from .x import y": y may be a name in x, or the module x.y; take the module that exists.
            while imported and imported not in paths:
                imported = imported.rpartition(".")[0]
            if imported and imported != name:
                targets.add(imported)
        graph[name] = targets
    return graph


def test_no_module_imports_one_that_imports_it_back():
    graph = _graph()
    # A package's __init__ re-exports its modules; a module importing a sibling through the
    # package is the package's own arrangement, not a cycle between files.
    cycles = []
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if _is_parent_package(target, node):
                continue
            if state.get(target) == 1:
                cycles.append(stack[stack.index(target):] + [target])
            elif target not in state:
                visit(target, stack)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [])
    assert cycles == []


def _is_parent_package(target: str, node: str) -> bool:
    return node.startswith(target + ".")
