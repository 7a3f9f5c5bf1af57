"""House rules for crypto/: a pure library with documented modules."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "crypto"
ALLOWED_THIRD_PARTY = {"cryptography", "rbcl"}
MODULES = sorted(PACKAGE.glob("*.py"))


def _imported_roots(tree: ast.Module) -> set[str]:
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.name)
def test_crypto_imports_only_stdlib_cryptography_rbcl_and_itself(module: Path) -> None:
    tree = ast.parse(module.read_text())
    foreign = {
        root
        for root in _imported_roots(tree)
        if root not in sys.stdlib_module_names
        and root not in ALLOWED_THIRD_PARTY
        and root != "crypto"
    }
    assert not foreign, f"{module.name} imports {sorted(foreign)}"


@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.name)
def test_every_module_starts_with_a_docstring(module: Path) -> None:
    assert ast.get_docstring(ast.parse(module.read_text())), f"{module.name} has no docstring"
