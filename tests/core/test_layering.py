"""Imports point one way (ARCHITECTURE.md): organizer -> surveys -> crypto, and
organizer and surveys -> core. candidates/ (job seekers) stands on core, crypto
and the shared importance ontology (the top-level `ontology` module), never on
organizer/; organizer reaches candidates/ only from its demo seed, which seeds
the whole house. Only the composition root, core/app.py, imports the feature
packages. Inside organizer/, the feature packages are imported
bottom to top (a package imports only itself and the packages below it), and
organizer reaches the engine only through its public modules. Every module
starts with a docstring."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import ontology
from organizer import ontology as organizer_ontology

ROOT = Path(__file__).resolve().parents[2]
#: package -> project packages it may import
ALLOWED = {
    "core": {"core", "crypto", "config"},
    "crypto": {"crypto"},
    "surveys": {"surveys", "core", "crypto"},
    "organizer": {"organizer", "surveys", "core", "crypto", "ontology", "briefs"},
    "candidates": {"candidates", "core", "crypto", "ontology", "briefs"},
    # The negotiation brief: both domains hand it their items; it knows neither.
    "briefs": {"briefs", "core", "crypto", "ontology"},
    "ontology": {"ontology", "core"},
}
COMPOSITION_ROOT = ROOT / "core" / "app.py"
#: The demo seed sits on top of everything, and seeds a job seeker beside the union.
DEMO_SEED = ROOT / "organizer" / "demo.py"
PROJECT = set(ALLOWED) | {"config", "wsgi", "tests", "bench"}
#: Packages are folders; the ontology is one module at the top.
MODULES = sorted(p for package in ALLOWED for p in (
    [ROOT / f"{package}.py"] if (ROOT / f"{package}.py").is_file() else (ROOT / package).rglob("*.py")))


#: organizer/'s layers, bottom to top. `errors`, `roles`, `policy` and `ontology`
#: (the importance ontology) are the floor every package stands on; `demo` (the demo seed) is the roof,
#: and `demo_scale` (the same demo at a large unit's size) stands on it.
ORGANIZER_LAYERS = [
    {"errors", "roles", "policy", "ontology"},
    {"audit"},
    {"charting"},
    {"accounts"},
    {"signup"},
    {"cards"},
    {"unit_surveys"},
    {"notifications"},
    {"conversations"},
    {"ceremony"},
    {"grievances", "escrow"},
    {"strength"},
    {"demands"},
    {"booth"},
    {"bargaining"},
    {"home"},
    {"demo"},
    {"demo_scale"},
]
LAYER_OF = {part: rank for rank, parts in enumerate(ORGANIZER_LAYERS) for part in parts}
#: The engine's modules organizer may import. Released results, participation and
#: the declared breakdown are read through `results` (typed, frozen values), never
#: from the tally tables; `stats` is a pure helper (Wilson intervals) that the
#: union's own figures (density, assessed support) share with the engine;
#: `booth` gives the answer page what the browser needs to encrypt a ballot;
#: `record` writes a closed survey's election record and its published trackers;
#: `release` holds the rule for small groups (pure functions), which the union's own
#: counts by department and shift (conversations) apply as the engine's breakdowns do;
#: `ceremony` runs key ceremonies, read through its typed statuses;
#: `pay` holds a pay survey's bands and reads its released counts per role as pay scales (pure functions).
ENGINE_PUBLIC = {"ballot_box", "booth", "ceremony", "definitions", "errors", "keys", "launch", "record", "release",
                 "results", "scopes", "stats", "tally", "models", "pay"}
#: Of `surveys.models`, only the engine's public types: the survey a caller defines,
#: launches and shows (with its kind, state and key mode) and its questions. The
#: ledger, ballots, pool, eligible voters, tally groups, comments and trustee rows
#: are the engine's storage: organizer reads them through `surveys.results`.
ENGINE_PUBLIC_MODELS = {"Survey", "SurveyKind", "SurveyState", "KeyMode", "Question", "QuestionType"}


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
    package = module.relative_to(ROOT).parts[0].removesuffix(".py")
    allowed = ALLOWED[package] | ({"organizer", "surveys", "candidates", "briefs"} if module == COMPOSITION_ROOT else set())
    allowed |= {"candidates"} if module == DEMO_SEED else set()
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


def _engine_internals(tree: ast.Module) -> set[str]:
    """What a module imports of the engine beyond its public modules and types: a
    private module, `surveys.models` whole (its tables would come with it), or a
    name of `surveys.models` that is not a public type."""
    private = {imported for imported in _imported_modules(tree)
               if imported.split(".")[0] == "surveys" and imported != "surveys"
               and imported.split(".")[1] not in ENGINE_PUBLIC}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            private.update(alias.name for alias in node.names if alias.name == "surveys.models")
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module == "surveys":
            private.update(f"surveys.{alias.name}" for alias in node.names if alias.name == "models")
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module == "surveys.models":
            private.update(f"surveys.models.{alias.name}" for alias in node.names
                           if alias.name not in ENGINE_PUBLIC_MODELS)
    return private


@pytest.mark.parametrize("module", ORGANIZER_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_organizer_reaches_the_engine_through_its_public_modules(module: Path):
    private = _engine_internals(ast.parse(module.read_text()))
    assert not private, f"{module.relative_to(ROOT)} imports the engine's {sorted(private)}"


def test_the_engine_check_sees_its_tables_imported():
    tree = ast.parse("from surveys.models import Survey, TallyGroup, ParticipationEntry\n"
                     "import surveys.models\n"
                     "from surveys import models, results\n"
                     "def later():\n    from surveys.models import Ballot, BallotPool, EligibleVoter\n"
                     "from surveys.pool import Pool\n")
    assert _engine_internals(tree) == {
        "surveys.models.TallyGroup", "surveys.models.ParticipationEntry", "surveys.models", "surveys.pool",
        "surveys.pool.Pool", "surveys.models.Ballot", "surveys.models.BallotPool", "surveys.models.EligibleVoter"}
    assert _engine_internals(ast.parse("from surveys.models import KeyMode, Question, Survey\n")) == set()


#: The engine's storage, as organizer code or a template would spell it if it read
#: the tables' columns instead of `surveys.results`.
ENGINE_STORAGE = re.compile(r"\.groups\b|segment_plan|encrypted_sums|counts\[str\(|survey\.trustees\b|\.partials\b")
TEMPLATE_FILES = sorted((ROOT / "templates").rglob("*.html"))


def test_the_storage_check_sees_the_engine_decoded():
    decoded = "whole = pulse.groups[0]\nyes = whole.counts[str(question.id)][0]\n{{ survey.segment_plan.notes }}"
    assert set(ENGINE_STORAGE.findall(decoded)) == {".groups", "counts[str(", "segment_plan"}
    assert ENGINE_STORAGE.findall("result.whole.counts_for(question); form.trustees.data") == []


@pytest.mark.parametrize("path", ORGANIZER_MODULES + TEMPLATE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_organizer_and_its_pages_do_not_decode_the_engines_storage(path: Path):
    found = ENGINE_STORAGE.findall(path.read_text())
    assert not found, f"{path.relative_to(ROOT)} reads the engine's storage: {sorted(set(found))}"


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
    # Between the floor and the demo modules (demo, demo_scale), every layer is packages (side by side, at most).
    for name in sorted(name for package in ORGANIZER_LAYERS[1:-2] for name in package):
        init = ROOT / "organizer" / name / "__init__.py"
        assert ast.get_docstring(ast.parse(init.read_text())), f"organizer/{name}/__init__.py has no docstring"


def test_the_check_sees_the_packages():
    assert len(MODULES) > 30
    assert len(ORGANIZER_MODULES) > 40


#: The longest a view function may be (ARCHITECTURE.md style rule 2: a view parses,
#: authorizes, calls one service through the unit of work, and responds).
VIEW_MAX_LINES = 30
VIEW_MODULES = sorted([*(ROOT / "organizer").glob("*/views.py"), ROOT / "candidates" / "views.py",
                       ROOT / "briefs" / "views.py"])


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


# -- job seekers beside the union -------------------------------------------------------------------

CANDIDATE_MODULES = [m for m in MODULES if m.relative_to(ROOT).parts[0] == "candidates"]


def _reaches(tree: ast.Module, packages: set[str]) -> set[str]:
    return {module for module in _imported_modules(tree) if module.split(".")[0] in packages}


@pytest.mark.parametrize("module", CANDIDATE_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_candidates_never_import_the_union(module: Path):
    # A job seeker need not be in a union, and the union's code never learns who is looking for work.
    found = _reaches(ast.parse(module.read_text()), {"organizer", "surveys"})
    assert not found, f"{module.relative_to(ROOT)} imports {sorted(found)}"


@pytest.mark.parametrize("module", [m for m in MODULES if m.relative_to(ROOT).parts[0] in ("core", "ontology")
                                    and m != COMPOSITION_ROOT], ids=lambda p: str(p.relative_to(ROOT)))
def test_core_and_the_ontology_import_neither_domain(module: Path):
    found = _reaches(ast.parse(module.read_text()), {"organizer", "candidates"})
    assert not found, f"{module.relative_to(ROOT)} imports {sorted(found)}"


def test_the_domain_checks_see_a_reach_across():
    tree = ast.parse("from ontology import Tier\nimport core.views\n"
                     "def later():\n    from organizer.accounts.models import Account\n"
                     "from candidates import sharing\n")
    assert _reaches(tree, {"organizer", "surveys"}) == {"organizer.accounts.models", "organizer.accounts.models.Account"}
    assert _reaches(tree, {"organizer", "candidates"}) >= {"candidates", "candidates.sharing"}
    assert len(CANDIDATE_MODULES) >= 8 and ROOT / "ontology.py" in MODULES


def test_the_ontology_is_written_once_and_organizer_only_names_it():
    """organizer/ontology.py re-exports the shared module; a second copy of a tier or a category would drift."""
    for name in ("DemandKind", "Tier", "Basis", "Category", "EmployerResponse"):
        assert getattr(organizer_ontology, name) is getattr(ontology, name)
    tree = ast.parse((ROOT / "organizer" / "ontology.py").read_text())
    assert not [node for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]


# -- the negotiation brief, beside both domains -----------------------------------------------------

BRIEF_MODULES = [m for m in MODULES if m.relative_to(ROOT).parts[0] == "briefs"]


@pytest.mark.parametrize("module", BRIEF_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_brief_imports_neither_domain(module: Path):
    # Members and job seekers hand it their items; a brief never learns whose union or search it serves.
    found = _reaches(ast.parse(module.read_text()), {"organizer", "candidates", "surveys"})
    assert not found, f"{module.relative_to(ROOT)} imports {sorted(found)}"


def test_the_brief_check_sees_the_package():
    assert {m.name for m in BRIEF_MODULES} >= {"models.py", "services.py", "views.py", "exports.py", "sources.py"}
