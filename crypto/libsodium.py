"""rbcl's bundled libsodium, loaded without leaving a copy in the temporary folder.

rbcl ships libsodium as a hex string inside ``rbcl/_sodium.py``, and importing
that module writes the library to a new file in the temporary folder, loads it
and never removes it: every process (each web worker, job run, CLI call and
test run) used to leave megabytes behind. Importing this module, which
``crypto/__init__.py`` does before any module of the package imports rbcl,
loads the same bytes itself and registers the loaded library as
``rbcl._sodium``, the module rbcl takes it from, so rbcl's loader never runs.

Where the library is mapped from:

* on Linux, an anonymous in-memory file (``memfd_create``) opened through
  ``/proc/self/fd``: nothing is written to a disk, a read-only or ``noexec``
  temporary folder does not matter, and there is no path another user could
  have planted a library at or could write to;
* otherwise (or when that is refused), a file in a new folder only this user
  can open (``mkdtemp``, mode 0700), deleted together with the folder as soon
  as the library is mapped: a mapped library stays usable once its file is
  gone.

The bytes are rbcl's own, read from its installed package, never a system
libsodium: the arithmetic stays exactly that of the pinned version
(``crypto.group`` relies on how libsodium 1.0.18 decodes points). If rbcl was
imported before this module, its copy is deleted instead.

``library()`` is the loaded library itself, for the few calls whose return
code matters and which rbcl's wrappers drop (see ``crypto.group``).
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import sys
import tempfile
import types
from pathlib import Path

#: What rbcl imports its loaded library from.
RBCL_LOADER = "rbcl._sodium"
#: The line of ``rbcl/_sodium.py`` (rbcl 1.1.2) that holds the library.
_HEX_OPENING = "sodium_bs = bytes.fromhex('"


def bundled_library() -> bytes:
    """The shared library rbcl bundles, read without importing rbcl."""
    spec = importlib.util.find_spec("rbcl")
    if spec is None or spec.origin is None:
        raise ImportError("rbcl is not installed")
    source = Path(spec.origin).with_name("_sodium.py").read_text(encoding="ascii")
    start = source.find(_HEX_OPENING)
    end = source.find("'", start + len(_HEX_OPENING))
    if start < 0 or end < 0:
        raise ImportError(f"rbcl's bundled libsodium is no longer where crypto/libsodium.py looks for it "
                          f"({_HEX_OPENING!r} in {Path(spec.origin).with_name('_sodium.py')})")
    return bytes.fromhex(source[start + len(_HEX_OPENING):end])


def _load_from_memory(library: bytes) -> ctypes.CDLL:
    descriptor = os.memfd_create("libsodium", os.MFD_CLOEXEC)
    try:
        with open(descriptor, "wb", closefd=False) as file:
            file.write(library)
        return ctypes.CDLL(f"/proc/self/fd/{descriptor}")
    finally:
        # The mapping outlives the descriptor.
        os.close(descriptor)


def _load_from_private_folder(library: bytes) -> ctypes.CDLL:
    folder = tempfile.mkdtemp(prefix="leverage-libsodium-")
    path = os.path.join(folder, "libsodium.so")
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with open(descriptor, "wb") as file:
            file.write(library)
        return ctypes.CDLL(path)
    finally:
        if os.path.exists(path):
            os.unlink(path)
        os.rmdir(folder)


def load(library: bytes) -> ctypes.CDLL:
    """`library` mapped into this process, leaving no file behind."""
    if hasattr(os, "memfd_create"):
        try:
            return _load_from_memory(library)
        except OSError:
            # No /proc, memfd_create filtered out, or in-memory code forbidden: use a file.
            pass
    return _load_from_private_folder(library)


def library() -> ctypes.CDLL:
    """The libsodium rbcl calls: the one this module loaded, or rbcl's own if it came first."""
    return sys.modules[RBCL_LOADER]._sodium  # type: ignore[attr-defined]


def _install() -> None:
    already = sys.modules.get(RBCL_LOADER)
    if already is not None:
        copy = getattr(already, "lib_path", None)
        if copy and os.path.exists(copy):
            os.unlink(copy)
        return
    loader = types.ModuleType(RBCL_LOADER, "rbcl's libsodium, loaded by crypto.libsodium.")
    loader._sodium = load(bundled_library())  # type: ignore[attr-defined]
    sys.modules[RBCL_LOADER] = loader


_install()
