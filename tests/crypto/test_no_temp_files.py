"""Every process Leverage starts leaves the temporary folder as it found it.

rbcl, left to itself, writes a fresh copy of its bundled libsodium (megabytes)
into the temporary folder on every import and never removes it; `crypto`
loads that library without one. Fresh processes are started here with TMPDIR
pointing at an empty folder of the test's own: several at once doing group
arithmetic, the CLI, a migration and a job run, and gunicorn with two workers
answering a request. The folder must still be empty afterwards.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from crypto import libsodium
from crypto.group import GENERATOR_ENCODING

ROOT = Path(__file__).resolve().parents[2]
#: One group operation end to end, and which temporary folder the process used.
GROUP_OPERATION = (
    "import tempfile\n"
    "from crypto.group import Point, Scalar\n"
    "x = Scalar.random()\n"
    "assert Point.base_times(x) * x == Point.base_times(x * x)\n"
    "print(tempfile.gettempdir())\n"
)
#: The app the way gunicorn and `flask --app wsgi` build it, plus one group operation.
APP_AND_OPERATION = "import wsgi\n" + GROUP_OPERATION


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    folder = tmp_path / "tmp"
    folder.mkdir()
    return folder


@pytest.fixture
def environment(tmp_path: Path, scratch: Path) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in {"DATABASE_URL", "LEVERAGE_CONFIG"}}
    env.update(TMPDIR=str(scratch), LEVERAGE_CONFIG="testing", LEVERAGE_INSTANCE_PATH=str(tmp_path / "instance"),
               PYTHONDONTWRITEBYTECODE="1")
    return env


def _run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"{args} failed:\n{done.stderr[-3000:]}"
    return done.stdout


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve_one_request(env: dict[str, str]) -> int:
    """gunicorn with two workers until it answers the home page, then stopped as in production."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    return response.status
            except urllib.error.HTTPError as answered:
                return answered.code
            except OSError:
                assert server.poll() is None, f"gunicorn exited:\n{server.stderr.read()[-3000:]}"
                assert time.monotonic() < deadline, "gunicorn never answered"
                time.sleep(0.2)
    finally:
        server.send_signal(signal.SIGTERM)
        server.communicate(timeout=60)


def test_the_processes_leave_the_temporary_folder_empty(scratch: Path, environment: dict[str, str]) -> None:
    at_once = [subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=environment,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for code in (GROUP_OPERATION, GROUP_OPERATION, APP_AND_OPERATION)]
    for process in at_once:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err[-3000:]
        # Otherwise an empty folder would prove nothing.
        assert out.strip() == str(scratch)
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    assert "jobs" in _run([*flask, "--help"], environment)
    _run([*flask, "db", "upgrade"], environment)
    assert "purge_expired_invitations" in _run([*flask, "jobs", "run-once", "purge_expired_invitations"], environment)
    assert _serve_one_request(environment) < 500

    assert sorted(p.name for p in scratch.iterdir()) == []


def test_a_copy_rbcl_wrote_before_crypto_was_imported_is_deleted(scratch: Path, environment: dict[str, str]) -> None:
    out = _run([sys.executable, "-c", "import rbcl\n" + GROUP_OPERATION], environment)
    assert out.strip() == str(scratch)
    assert list(scratch.iterdir()) == []


def test_without_an_in_memory_file_the_library_is_loaded_from_a_file_deleted_at_once(
        scratch: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*args: object) -> int:
        raise OSError("memfd_create is not allowed here")

    monkeypatch.setattr(os, "memfd_create", refused, raising=False)
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    library = libsodium.load(libsodium.bundled_library())

    assert Path(library._name).is_relative_to(scratch)
    assert library.crypto_core_ristretto255_is_valid_point(GENERATOR_ENCODING) == 1
    assert library.crypto_core_ristretto255_is_valid_point(bytes([1]) * 32) == 0
    assert list(scratch.iterdir()) == []
