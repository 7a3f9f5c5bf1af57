"""Imports point one way (ARCHITECTURE.md): organizer -> surveys -> crypto, and
organizer and surveys -> core. Only the composition root, core/app.py, imports
the feature packages. Every module starts with a docstring."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: package -> project packages it may import
ALLOWED = {
    "core": {"core", "crypto", "config"},
    "crypto": {"crypto"},
    "surveys": {"surveys", "core", "crypto"},
    "organizer": {"organizer", "surveys", "core", "crypto"},
}
COMPOSITION_ROOT = ROOT / "core" / "app.py"
PROJECT = set(ALLOWED) | {"config", "wsgi", "tests", "bench"}
MODULES = sorted(p for package in ALLOWED for p in (ROOT / package).rglob("*.py"))


def _project_imports(tree: ast.Module) -> set[str]:
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots & PROJECT


@pytest.mark.parametrize("module", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_point_one_way(module: Path):
    package = module.relative_to(ROOT).parts[0]
    allowed = ALLOWED[package] | ({"organizer", "surveys"} if module == COMPOSITION_ROOT else set())
    upward = _project_imports(ast.parse(module.read_text())) - allowed
    assert not upward, f"{module.relative_to(ROOT)} imports {sorted(upward)}"


@pytest.mark.parametrize("module", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_module_says_what_it_is_for(module: Path):
    tree = ast.parse(module.read_text())
    assert ast.get_docstring(tree), f"{module.relative_to(ROOT)} has no module docstring"


def test_the_check_sees_the_packages():
    assert len(MODULES) > 30
