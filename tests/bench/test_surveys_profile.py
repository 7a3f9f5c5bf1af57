"""bench/surveys.py's profile files libsodium's time as libsodium's.

rbcl compiles some of its wrappers at import, and those report "<string>" as
their source file; by file name alone the variable-base multiplication, the
costliest call a ballot makes, counted as the standard library's.
"""

from __future__ import annotations

import cProfile
import pstats

import pytest

from crypto.group import Point, Scalar
from tests.bench.loading import BENCH, load_bench_script


@pytest.fixture(scope="module")
def bench_surveys():
    return load_bench_script("surveys")


def _profile_of_group_arithmetic() -> dict:
    profiler = cProfile.Profile()
    scalar = Scalar.random()
    point = Point.base_times(scalar)
    profiler.enable()
    for _ in range(200):
        point = point * scalar
    profiler.disable()
    return pstats.Stats(profiler).stats  # type: ignore[attr-defined]


def test_variable_base_multiplication_is_filed_under_libsodium(bench_surveys) -> None:
    stats = _profile_of_group_arithmetic()
    # The case this is about: rbcl's multiplication really does report "<string>".
    compiled = [label for label in stats if label[0] == "<string>"]
    assert [name for _, _, name in compiled] == ["crypto_scalarmult_ristretto255_allow_scalar_zero"]

    by_package = bench_surveys.own_time_by_package(stats)
    total = sum(by_package.values())
    assert by_package[bench_surveys.LIBSODIUM] / total > 0.6
    assert by_package.get("python stdlib", 0.0) / total < 0.05
    assert set(bench_surveys.CRYPTO_PACKAGES) <= set(by_package)


def test_other_compiled_code_stays_where_it_was(bench_surveys) -> None:
    labels = frozenset({("<string>", 747, "crypto_scalarmult_ristretto255_allow_scalar_zero")})
    package = bench_surveys.profile_package
    assert package(("<string>", 747, "crypto_scalarmult_ristretto255_allow_scalar_zero"), labels) == bench_surveys.LIBSODIUM
    assert package(("<string>", 1, "<module>"), labels) == "python stdlib"
    assert package(("~", 0, "<built-in method _hashlib.openssl_sha512>"), labels) == "other built-ins"
    assert package((str(BENCH.parent / "crypto" / "group.py"), 230, "__mul__"), labels) == "crypto/ (app code)"
