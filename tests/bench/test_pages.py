"""bench/pages.py runs end to end at a small size and prints one JSON object with
every page of every role: timings, statement counts, and the status each page
was meant to answer."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.bench.loading import BENCH, load_bench_script

ROOT = BENCH.parent
#: Above one chart page (50 people), so the chart's pager, and its last page, exist.
PEOPLE = 60


@pytest.fixture(scope="module")
def bench_pages():
    return load_bench_script("pages")


@pytest.fixture(scope="module")
def printed() -> dict:
    # Its own process: the bench sets the environment (keys, database) for the app it builds.
    done = subprocess.run([sys.executable, str(BENCH / "pages.py"), "--sizes", str(PEOPLE), "--repeat", "2"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def test_every_page_of_every_role_is_timed_and_counted(bench_pages, printed):
    [size] = printed["sizes"]
    assert size == str(PEOPLE) and printed["repeat"] == 2
    figures = printed["sizes"][size]["pages"]
    dummy = bench_pages.Ids(*range(1, 9))
    extras = {"chart, name search": "", "chart, last page": ""}
    for role in bench_pages.SIGN_INS:
        expected = {page.name for page in bench_pages.pages_for(role, dummy, extras)}
        assert set(figures[role]) == expected, role
        for name, page in figures[role].items():
            assert 0 < page["p50_ms"] <= page["p95_ms"], (role, name)
            assert page["statements"] > 0, (role, name)
            assert "unexpected_status" not in page, (role, name)
    assert printed["unexpected_status"] == []


def test_the_unit_measured_has_the_seeded_shape(printed):
    unit = printed["sizes"][str(PEOPLE)]["unit"]
    assert unit["charted"] == PEOPLE
    assert len(unit["released_pulse_ballots"]) == 2 and all(unit["released_pulse_ballots"])
    assert unit["demands"] > 0


def test_the_summary_names_pages_over_the_goal(bench_pages):
    page = {"path": "/", "p50_ms": 1.0, "p95_ms": bench_pages.GOAL_P95_MS + 1, "statements": 3}
    sizes = {"40": {"pages": {"member": {"home": {**page, "statements": 2}}}},
             "10000": {"pages": {"member": {"home": page}}}}
    summary = bench_pages.summary(sizes)
    assert summary["over_goal"] == [f"member: home ({bench_pages.GOAL_P95_MS + 1} ms)"]
    assert summary["statements_grow"] == ["member: home (2 -> 3)"]
