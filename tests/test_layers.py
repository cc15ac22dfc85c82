"""The layers point one way: core ← accounts ← articles ← trust, predictions ← api,
notices ← newsroom; nothing imports newsroom (the tooling under tools/ included), and the
product imports nothing of the tooling (the settings read the environment; tools/devenv.py
fills it)."""

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# What each package may import of the project's own packages.
ALLOWED = {
    "core": set(),
    "accounts": {"core"},
    "articles": {"core", "accounts"},
    "trust": {"core", "accounts", "articles"},
    "predictions": {"core", "accounts", "articles"},
    "api": {"core", "accounts", "articles", "trust", "predictions"},
    "notices": {"core", "accounts", "articles", "trust", "predictions"},
    "newsroom": {"core", "accounts", "articles", "trust", "predictions", "api", "notices"},
    "tools": {"core", "accounts", "articles", "trust", "predictions"},
}
PROJECT = set(ALLOWED)


def imported_packages(package):
    """The project's packages that modules of ``package`` import, each with where it is
    first imported, and how many modules were read."""
    found, modules = {}, sorted((REPO / package).rglob("*.py"))
    for path in modules:
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.partition(".")[0]
                if top in PROJECT and top != package:
                    found.setdefault(top, f"{path.relative_to(REPO)}:{node.lineno}")
    return found, len(modules)


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_a_package_imports_only_the_layers_below_it(package):
    imports, modules = imported_packages(package)
    assert modules > 1, f"{package} was not read"
    forbidden = {name: where for name, where in imports.items() if name not in ALLOWED[package]}
    assert forbidden == {}


def calls_to_register_story_extensions(path):
    """Lines of ``path`` that register story extensions (articles/extensions.py)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    direct = any(
        isinstance(node, ast.ImportFrom)
        and node.module == "articles.extensions"
        and any(alias.name == "register" for alias in node.names)
        for node in ast.walk(tree)
    )
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (
            (
                isinstance(node.func, ast.Attribute)
                and node.func.attr == "register"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "extensions"
            )
            or (direct and isinstance(node.func, ast.Name) and node.func.id == "register")
        )
    ]


def test_only_the_composition_root_fills_the_story_extension_point():
    callers = {
        str(path.relative_to(REPO)): lines
        for package in [*ALLOWED, "tests"]
        for path in sorted((REPO / package).rglob("*.py"))
        if (lines := calls_to_register_story_extensions(path))
    }
    assert list(callers) == ["newsroom/apps.py"]
