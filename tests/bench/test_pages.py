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
    # At this size only the chart has a second page (the demands and the summary fit on one).
    extras = {"organizer": {"chart, name search": "", "chart, last page": ""}}
    for role in bench_pages.SIGN_INS:
        expected = {page.name for page in bench_pages.pages_for(role, dummy, extras.get(role, {}))}
        assert set(figures[role]) == expected, role
        for name, page in figures[role].items():
            assert 0 < page["p50_ms"] <= page["p95_ms"], (role, name)
            assert 0 < page["cpu_p50_ms"] <= page["cpu_p95_ms"], (role, name)
            assert page["statements"] > 0, (role, name)
            assert "unexpected_status" not in page, (role, name)
    assert printed["unexpected_status"] == []


def test_the_unit_measured_has_the_seeded_shape(printed):
    unit = printed["sizes"][str(PEOPLE)]["unit"]
    assert unit["charted"] == PEOPLE
    assert len(unit["released_pulse_ballots"]) == 2 and all(unit["released_pulse_ballots"])
    assert unit["demands"] > 0


def test_the_summarys_pdf_is_prepared_before_the_pages_and_served_ready(printed):
    measured = printed["sizes"][str(PEOPLE)]
    ready = measured["prepared_pdf"]
    # A summary this small has its PDF made when the organizer asks; the job then has nothing to do.
    assert ready["made_when_asked"] and ready["job_made"] == 0 and ready["job_seconds"] >= 0
    served = measured["pages"]["organizer"]["bargaining summary, PDF"]
    assert "unexpected_status" not in served


def test_the_lists_last_pages_are_found_from_their_pagers(bench_pages):
    pager = ('<p class="pager">Showing 1–25 of 590 · page 1 of 24 · <a href="/units/3/demands?kind=demand&amp;page=2" '
             'rel="next">Next</a> · <a href="/units/3/demands?kind=demand&amp;page=24">Last</a></p>')
    assert bench_pages._last_page(pager, "/units/3/demands") == "/units/3/demands?kind=demand&page=24"
    assert bench_pages._last_page(pager, "/units/3/summary") is None
    assert bench_pages._last_page("<p>one page</p>", "/units/3/demands") is None


def test_the_summary_names_pages_over_the_goal(bench_pages):
    page = {"path": "/", "p50_ms": 1.0, "p95_ms": bench_pages.GOAL_P95_MS + 1, "statements": 3}
    sizes = {"40": {"pages": {"member": {"home": {**page, "statements": 2}}}},
             "10000": {"pages": {"member": {"home": page}}}}
    summary = bench_pages.summary(sizes)
    assert summary["over_goal"] == [f"member: home ({bench_pages.GOAL_P95_MS + 1} ms)"]
    assert summary["statements_grow"] == ["member: home (2 -> 3)"]
