"""Importing a chart from a CSV file, timed through the three requests an
organizer makes; prints one JSON object.

A union with one unit (four departments, two shifts) and an organizer is set up,
and optionally `--existing N` coworkers already on the chart (charted through
the chart service, as an earlier import would). A CSV file of `--rows`
coworkers (5,000 by default: name, department, shift, personal email and phone,
assessment, notes, and one column left out) is then uploaded, its columns
matched and its rows checked, and imported, through the Flask test client as
the organizer's browser would post them, CSRF tokens included. For each step:
seconds, SQL statements, and how many coworkers' rows were opened (a loaded
`Person`); the duplicate checks go through the unit's roster, so a clean file
opens none, whatever the unit's size. The import is then checked: every row
charted, the roster's headcount, one audit entry.

Goal (issue 15): 5,000 rows imported in under 30 s. The figure is reported,
never asserted (`within_goal`).

Run from the repository root: ``.venv/bin/python bench/chart_import.py``
(SQLite in a temporary folder). Options: ``--rows N``, ``--existing N``,
``--database-url postgresql+psycopg://...`` (a database the bench may fill),
``--json-out FILE``.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import platform
import random
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import _harness as h  # noqa: E402

GOAL_ROWS = 5_000
GOAL_SECONDS = 30
DEPARTMENTS = ("Picking", "Packing", "Loading", "Returns")
SHIFTS = ("Days", "Nights")
FIRST = ("Maria", "Ahmed", "Lena", "Jamal", "Sofia", "Wei", "Kwame", "Ana", "Tomasz", "Priya", "Luis", "Grace")
LAST = ("Lopez", "Okafor", "Nguyen", "Kowalski", "Haddad", "Smith", "Garcia", "Mensah", "Ito", "Reyes")

_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
_UPLOAD = re.compile(r'name="upload" type="hidden" value="([^"]+)"')


def coworker_file(rows: int, seed: int = 15) -> bytes:
    """A CSV file as a spreadsheet saves it: a header row, then one coworker a row."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Employee name", "Department", "Shift", "Personal email", "Cell", "Assessment", "Notes",
                     "Badge number"])
    for n in range(rows):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        writer.writerow([f"{first} {last} {n}", rng.choice(DEPARTMENTS), rng.choice(SHIFTS),
                         f"{first.lower()}.{last.lower()}.{n}@example.net",
                         f"+1 555 {rng.randint(100, 999)} {rng.randint(1000, 9999)}", rng.randint(0, 5),
                         rng.choice(("", "", "Talked at the break", "Wants the night differential")),
                         f"B{rng.randint(10000, 99999)}"])
    return out.getvalue().encode("utf-8")


class Meter:
    """Statements run and coworkers' rows opened while a block runs."""

    def __init__(self, engine) -> None:
        import sqlalchemy as sa

        from organizer.charting.models import Person

        self.statements = 0
        self.people_opened = 0
        sa.event.listen(engine, "before_cursor_execute", self._statement)
        sa.event.listen(Person, "load", self._loaded)

    def _statement(self, *args) -> None:
        self.statements += 1

    def _loaded(self, *args) -> None:
        self.people_opened += 1

    def measure(self, action):
        self.statements = self.people_opened = 0
        started = time.perf_counter()
        result = action()
        return result, {"seconds": round(time.perf_counter() - started, 3), "statements": self.statements,
                        "people_rows_opened": self.people_opened}


def setup(app, existing: int) -> tuple[int, str]:
    """The union, its unit and organizer, and `existing` coworkers on the chart."""
    from core.extensions import db
    from organizer.accounts import services as accounts
    from organizer.charting import people, unions

    email = "organizer@bench.example.org"
    with app.app_context():
        union = accounts.bootstrap_organizer("Bench union", email=email, display_name="Bench organizer",
                                             password=h.PASSWORD)
        organizer = accounts.find_account_by_email(email)
        unit = unions.create_unit(organizer, union, "Warehouse")
        for name in DEPARTMENTS:
            unions.add_segment(organizer, unit, "department", name)
        for name in SHIFTS:
            unions.add_segment(organizer, unit, "shift", name)
        for start in range(0, existing, 1000):
            people.add_many(organizer, unit, [people.PersonDetails(name=f"Already charted {n}",
                                                                   email=f"charted{n}@example.org")
                                              for n in range(start, min(existing, start + 1000))],
                            named_in_audit=False)
            h.log(f"existing coworkers: {min(existing, start + 1000)}/{existing}")
        db.session.commit()
        unit_id = unit.id
        db.session.remove()
    return unit_id, email


def run(app, rows: int, existing: int) -> dict:
    import sqlalchemy as sa

    from core.extensions import db
    from organizer.audit.models import AuditAction, AuditEntry
    from organizer.charting import roster
    from organizer.charting.models import BargainingUnit, Person

    unit_id, email = setup(app, existing)
    client = app.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    signed_in = client.post("/login", data={"csrf_token": _CSRF.search(login_page).group(1), "email": email,
                                            "password": h.PASSWORD})
    assert signed_in.status_code == 302, "the bench organizer could not sign in"
    with app.app_context():
        meter = Meter(db.engine)
    data = coworker_file(rows)
    base = f"/units/{unit_id}/chart/import"
    token = _CSRF.search(client.get(base).get_data(as_text=True)).group(1)
    steps = {}

    uploaded, steps["upload"] = meter.measure(lambda: client.post(
        base, data={"csrf_token": token, "file": (io.BytesIO(data), "coworkers.csv"), "pasted": ""},
        content_type="multipart/form-data"))
    assert uploaded.status_code == 200, uploaded.get_data(as_text=True)[-2000:]
    carried = _UPLOAD.search(uploaded.get_data(as_text=True)).group(1)
    answers = {"csrf_token": token, "upload": carried, "has_header": "y", "column_0": "name",
               "column_1": "department", "column_2": "shift", "column_3": "email", "column_4": "phone",
               "column_5": "assessment", "column_6": "notes", "column_7": "nothing"}
    checked, steps["check"] = meter.measure(lambda: client.post(f"{base}/check", data=answers))
    assert checked.status_code == 200 and "Import " in checked.get_data(as_text=True), "the check found problems"
    saved, steps["import"] = meter.measure(lambda: client.post(f"{base}/save", data=answers))
    assert saved.status_code == 302, saved.get_data(as_text=True)[-2000:]

    with app.app_context():
        unit = db.session.get(BargainingUnit, unit_id)
        headcount = roster.summaries([unit])[unit_id].headcount
        charted = db.session.scalar(sa.select(sa.func.count()).select_from(Person).where(Person.unit_id == unit_id))
        entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == AuditAction.CHART_IMPORTED)).all()
        db.session.remove()
    total = sum(step["seconds"] for step in steps.values())
    return {
        "rows": rows, "existing": existing, "file_bytes": len(data), "carried_chars": len(carried),
        "steps": steps, "total_seconds": round(total, 3),
        "charted_after": charted, "roster_headcount_after": headcount, "audit_entries": len(entries),
        "all_charted": charted == headcount == existing + rows and len(entries) == 1,
        "goal": {"rows": GOAL_ROWS, "seconds": GOAL_SECONDS},
        "within_goal": rows >= GOAL_ROWS and steps["import"]["seconds"] < GOAL_SECONDS,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=GOAL_ROWS)
    parser.add_argument("--existing", type=int, default=0)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--json-out", default=None)
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="leverage-bench-import-"))
    try:
        url = args.database_url or f"sqlite:///{folder / 'bench.db'}"
        app = h.build_app(url, str(folder / "instance"))
        h.log(f"importing {args.rows} rows into a unit of {args.existing}")
        figures = run(app, args.rows, args.existing)
        with app.app_context():
            from core.extensions import db

            figures["database"] = db.engine.dialect.name
            db.engine.dispose()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    figures["python"] = platform.python_version()
    text = json.dumps(figures, indent=2)
    print(text)
    if args.json_out:
        Path(args.json_out).write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
