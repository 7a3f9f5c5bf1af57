"""Imports point one way (ARCHITECTURE.md): organizer -> surveys -> crypto, and
organizer and surveys -> core. Only the composition root, core/app.py, imports
the feature packages. Inside organizer/, the feature packages are imported
bottom to top (a package imports only itself and the packages below it), and
organizer reaches the engine only through its public modules. Every module
starts with a docstring."""

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


#: organizer/'s layers, bottom to top. `errors`, `roles`, `policy` and `columns`
#: are the floor every package stands on; `demo` (the demo seed) is the roof.
ORGANIZER_LAYERS = [
    {"errors", "roles", "policy", "columns"},
    {"audit"},
    {"charting"},
    {"accounts"},
    {"unit_surveys"},
    {"strength"},
    {"demands"},
    {"bargaining"},
    {"demo"},
]
LAYER_OF = {part: rank for rank, parts in enumerate(ORGANIZER_LAYERS) for part in parts}
#: The engine's modules organizer may import. `models` (and `stats`) stay until the
#: engine offers typed reads of released results (issue 10, item 2); strike them
#: then and this test names every import left to move.
ENGINE_PUBLIC = {"ballot_box", "definitions", "errors", "keys", "launch", "scopes", "tally", "models", "stats"}


def _imported_modules(tree: ast.Module) -> set[str]:
    """Every absolute module an import names, `from a.b import c` as a.b and a.b.c
    (c may be a module), function-local and TYPE_CHECKING imports included."""
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
    return modules


def _project_imports(tree: ast.Module) -> set[str]:
    return {module.split(".")[0] for module in _imported_modules(tree)} & PROJECT


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


ORGANIZER_MODULES = [m for m in MODULES if m.relative_to(ROOT).parts[0] == "organizer"
                     and m != ROOT / "organizer" / "__init__.py"]


def _not_below(own: str, tree: ast.Module) -> set[str]:
    """The organizer packages `own` imports that are not itself, nor below it."""
    rank = LAYER_OF[own]
    found = set()
    for imported in _imported_modules(tree):
        parts = imported.split(".")
        if parts[0] != "organizer" or len(parts) < 2 or parts[1] not in LAYER_OF or parts[1] == own:
            continue
        # The floor's modules may import one another; a feature package, nothing beside it.
        if LAYER_OF[parts[1]] > rank or (LAYER_OF[parts[1]] == rank and rank > 0):
            found.add(parts[1])
    return found


@pytest.mark.parametrize("module", ORGANIZER_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_organizer_packages_import_only_themselves_and_those_below(module: Path):
    own = module.relative_to(ROOT / "organizer").parts[0].removesuffix(".py")
    upward = _not_below(own, ast.parse(module.read_text()))
    assert not upward, f"{module.relative_to(ROOT)} ({own}) imports {sorted(upward)}, above it"


@pytest.mark.parametrize("module", ORGANIZER_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_organizer_reaches_the_engine_through_its_public_modules(module: Path):
    private = {imported for imported in _imported_modules(ast.parse(module.read_text()))
               if imported.split(".")[0] == "surveys" and imported != "surveys"
               and imported.split(".")[1] not in ENGINE_PUBLIC}
    assert not private, f"{module.relative_to(ROOT)} imports the engine's {sorted(private)}"


def test_every_organizer_package_has_a_place_in_the_order():
    parts = {p.name.removesuffix(".py") for p in (ROOT / "organizer").iterdir()
             if (p.is_dir() and (p / "__init__.py").exists()) or (p.suffix == ".py" and p.name != "__init__.py")}
    assert parts == set(LAYER_OF)


def test_the_order_check_sees_upward_and_hidden_imports():
    tree = ast.parse("from organizer.charting import unions\n"
                     "from organizer.demands.models import Demand\n"
                     "def later():\n    from organizer.bargaining import summary\n")
    assert _not_below("accounts", tree) == {"demands", "bargaining"}
    assert _not_below("bargaining", tree) == set()


def test_every_feature_package_says_what_it_is_for():
    for package in ORGANIZER_LAYERS[1:-1]:
        [name] = package
        init = ROOT / "organizer" / name / "__init__.py"
        assert ast.get_docstring(ast.parse(init.read_text())), f"organizer/{name}/__init__.py has no docstring"


def test_the_check_sees_the_packages():
    assert len(MODULES) > 30
    assert len(ORGANIZER_MODULES) > 40


#: The longest a view function may be (ARCHITECTURE.md style rule 2: a view parses,
#: authorizes, calls one service through the unit of work, and responds).
VIEW_MAX_LINES = 30
VIEW_MODULES = sorted((ROOT / "organizer").glob("*/views.py"))


def _long_functions(tree: ast.Module, limit: int) -> dict[str, int]:
    """Every function (helpers and nested ones included), from `def` to its last line, longer than `limit`."""
    return {node.name: node.end_lineno - node.lineno + 1 for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno - node.lineno + 1 > limit}


@pytest.mark.parametrize("module", VIEW_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_views_are_thin(module: Path):
    long = _long_functions(ast.parse(module.read_text()), VIEW_MAX_LINES)
    assert not long, f"{module.relative_to(ROOT)}: functions over {VIEW_MAX_LINES} lines: {long}"


def test_the_length_check_sees_a_long_view():
    body = "\n".join(f"    x{i} = {i}" for i in range(VIEW_MAX_LINES))
    tree = ast.parse(f"def thin():\n    return 1\n\ndef fat():\n{body}\n")
    assert _long_functions(tree, VIEW_MAX_LINES) == {"fat": VIEW_MAX_LINES + 1}
    assert len(VIEW_MODULES) >= 6


#: Views that change data commit through core.views.unit_of_work, never by hand,
#: so that no refusal path can forget the rollback.
def test_views_leave_commit_and_rollback_to_the_unit_of_work():
    for module in VIEW_MODULES:
        text = module.read_text()
        assert "db.session.commit()" not in text, f"{module.relative_to(ROOT)} commits by hand"
