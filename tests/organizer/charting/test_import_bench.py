"""bench/chart_import.py runs end to end at a small size and prints one JSON object:
seconds, statements and coworkers' rows opened for each of the import's three
requests, and a check that every row was charted once."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

from tests.bench.loading import BENCH, load_bench_script


def test_the_bench_imports_every_row_and_opens_no_coworker_to_find_duplicates():
    done = subprocess.run([sys.executable, str(BENCH / "chart_import.py"), "--rows", "300", "--existing", "1200"],
                          cwd=BENCH.parent, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    printed = json.loads(done.stdout)
    assert (printed["rows"], printed["existing"]) == (300, 1200)
    assert printed["all_charted"] and printed["charted_after"] == 1500 == printed["roster_headcount_after"]
    assert set(printed["steps"]) == {"upload", "check", "import"}
    for step in printed["steps"].values():
        assert step["seconds"] > 0 and step["statements"] > 0
        # The duplicate checks ask the roster: a clean file opens none of the 1,200 coworkers already charted.
        assert step["people_rows_opened"] == 0
    assert printed["within_goal"] is False, "300 rows are not the goal's 5,000, whatever the time"


def test_the_benchs_file_is_what_a_spreadsheet_saves():
    bench = load_bench_script("chart_import")
    rows = list(csv.reader(io.StringIO(bench.coworker_file(20).decode("utf-8"), newline="")))
    assert len(rows) == 21 and len({row[0] for row in rows[1:]}) == 20 and len({len(row) for row in rows}) == 1
    assert rows[0][-1] == "Badge number", "one column the import leaves out"
