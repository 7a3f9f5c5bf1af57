"""Import a script of bench/ for its tests. The scripts are not a package, and
bench/ on the path would shadow the engine's `surveys`, so each is loaded from
its file under another name (with the harness it imports as `_harness`)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def load_bench_script(script: str) -> ModuleType:
    """bench/<script>.py, as the module `bench_<script>`."""
    if "_harness" not in sys.modules:
        _load("_harness", BENCH / "_harness.py")
    return _load(f"bench_{script}", BENCH / f"{script}.py")
