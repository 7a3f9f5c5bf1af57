"""Every page each role reaches, timed at three unit sizes; prints one JSON object.

For each size (coworkers charted in the demo warehouse: 150, 2,000 and 10,000)
a database is seeded with the scale demo (`flask seed-scale`, see
`organizer/demo_scale.py`): about a fifth of the unit members with accounts,
two released pulse rounds answered by most of them, three released
endorsement surveys, about three demands per ten account holders. Then, through
the Flask test client, the demo organizer, the steward and a member (Lena,
who has demands and a profile) each sign in and request every page their role
reaches, including the chart filtered by a department and, where the chart
offers them, a name search and its last page, and the organizer adds one
person through the form. The organizer also opens the unit's conversations
(with 2,000 conversations and 1,000 follow-ups at 10,000 people: see
`seed-scale`), searched and over 90 days, a coworker's conversations and the
forms, and records a conversation; the committee member (member1, for their
own department) opens their home, the unit's conversations and the chart. The unit's demands and the bargaining summary are
requested at their first page, at their last where their pager offers one,
and (the demands) filtered; the summary's downloads as they are served (the
PDF as the job prepared it: before the pages are requested, the organizer
asks for the PDF and the job `prepare_bargaining_pdfs` runs once, timed, as
`prepared_pdf`); the steward opens a demand's combining page, records an
answer from the employer (each a new one, so each ranks the summary again, as
a real answer does) and asks for the PDF again (now older than the demands);
the member writes a demand (each ranks the unit's summary again).
Each page is requested once to warm up, then
`--repeat` times (20 by default). For each page: p50 and p95 in milliseconds
and the SQL statements one request runs (SQLAlchemy's `before_cursor_execute`
event), with their range when requests differ; and the p50 and p95 of the
processor time each request took in this process (`cpu_p50_ms`, `cpu_p95_ms`),
which, unlike the clock, other work on a shared machine does not inflate.

Goal (issue 12): p95 at most 50 ms for every page at 10,000 people, on SQLite
and on PostgreSQL, and statement counts that do not grow with the unit. The
figures are reported, never asserted: `over_goal` lists the pages above it at
the largest size, `statements_grow` those whose count changes between the
smallest and largest size.

Run from the repository root: ``.venv/bin/python bench/pages.py`` (SQLite).
Options: ``--quick`` (150 and 2,000 people, 5 requests a page), ``--sizes
150,2000``, ``--repeat N``, ``--database-url postgresql+psycopg://...`` (a
database the bench may fill; it makes one database per size beside it, named
``<database>_<size>``, and drops them after), ``--cache-dir DIR`` (keep the
seeded databases and their keys there and reuse them while the code that made
them is unchanged; each run works on a copy, so adding people leaves the cache
as it was) and ``--json-out FILE``.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import math
import os
import platform
import re
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import _harness as h  # noqa: E402

SIZES = (150, 2_000, 10_000)
QUICK_SIZES = (150, 2_000)
REPEAT = 20
QUICK_REPEAT = 5
GOAL_P95_MS = 50
GOAL_AT_PEOPLE = 10_000
#: The demo login each role signs in as (organizer/demo.py); Lena has demands, a profile and a released endorsement.
SIGN_INS = {"organizer": "organizer@example.org", "steward": "steward@example.org", "member": "member2@example.org",
            "committee": "member1@example.org"}
#: The chart's name search: its field, and a last name of the demo's list to look for.
SEARCH_FIELD = "search"
SEARCHED_NAME = "Okafor"
#: What a cached database depends on: a change to any of these sources rebuilds it.
SEED_SOURCES = ("migrations", "core", "crypto", "surveys", "organizer", "config.py")

#: The session's CSRF token, from any form's hidden field (a prefixed form's too: `demand3-csrf_token`).
_CSRF = re.compile(r'<input[^>]*\bname="(?:[\w-]+-)?csrf_token"[^>]*\bvalue="([^"]+)"')


@dataclass
class Page:
    name: str
    path: str
    #: Form fields for a POST (the CSRF token is added; "{serial}" in a value becomes the
    #: request's serial number, so each post differs); None for a GET.
    form: dict[str, str] | None = None
    expected: tuple[int, ...] = (200,)
    #: The page a POST's CSRF token is read from, when it is not `path` itself.
    token_from: str | None = None
    #: The name the form takes its CSRF token under (a prefixed form's is prefixed too).
    token_field: str = "csrf_token"
    times: list[float] = field(default_factory=list)
    #: Processor time of each request (this process's), which other work on the machine does not inflate.
    cpu_times: list[float] = field(default_factory=list)
    statements: list[int] = field(default_factory=list)
    statuses: set[int] = field(default_factory=set)

    def figures(self) -> dict:
        figures = {"path": self.path, "p50_ms": round(statistics.median(self.times) * 1000, 1),
                   "p95_ms": round(nearest_rank(self.times, 95) * 1000, 1),
                   "cpu_p50_ms": round(statistics.median(self.cpu_times) * 1000, 1),
                   "cpu_p95_ms": round(nearest_rank(self.cpu_times, 95) * 1000, 1),
                   "statements": int(statistics.median(self.statements))}
        if min(self.statements) != max(self.statements):
            figures["statements_range"] = [min(self.statements), max(self.statements)]
        if not self.statuses <= set(self.expected):
            figures["unexpected_status"] = sorted(self.statuses - set(self.expected))
        return figures


def nearest_rank(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


# -- the databases ----------------------------------------------------------------------------------


def sources_fingerprint() -> str:
    digest = hashlib.sha256()
    for name in SEED_SOURCES:
        root = h.REPO / name
        for path in sorted([root] if root.is_file() else root.rglob("*.py")):
            digest.update(str(path.relative_to(h.REPO)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


class Databases:
    """Where each size's seeded database lives: SQLite files in the work folder,
    or PostgreSQL databases beside the one given. With a cache folder, seeded
    databases are kept there (pristine) and each run works on a copy."""

    def __init__(self, work: Path, cache: Path | None, postgres_url: str | None) -> None:
        self.work, self.cache, self.postgres_url = work, cache, postgres_url
        self.fingerprint = sources_fingerprint()
        self.made: list[str] = []

    @property
    def instance(self) -> Path:
        """The instance folder: the data keys every seeded database was sealed with."""
        return (self.cache or self.work) / "instance"

    @property
    def kind(self) -> str:
        return "postgresql" if self.postgres_url else "sqlite"

    def _marker(self, size: int) -> Path | None:
        if not self.cache:
            return None
        return self.cache / (f"postgresql-{self._base_database()}-{size}.json" if self.postgres_url
                             else f"sqlite-{size}.json")

    def cached(self, size: int) -> bool:
        marker = self._marker(size)
        return marker is not None and marker.exists() and json.loads(marker.read_text()).get(
            "fingerprint") == self.fingerprint and self._exists(self._seeded_name(size))

    def remember(self, size: int, shape: dict) -> None:
        marker = self._marker(size)
        if marker is not None:
            marker.write_text(json.dumps({"fingerprint": self.fingerprint, "shape": shape}))

    def remembered_shape(self, size: int) -> dict:
        return json.loads(self._marker(size).read_text())["shape"]

    # SQLite: names are files; PostgreSQL: names are databases on the given server.
    def _seeded_name(self, size: int) -> str:
        if self.postgres_url:
            return f"{self._base_database()}_{size}"
        return str((self.cache or self.work) / f"pages-{size}.db")

    def seeded_url(self, size: int) -> str:
        """Where the seed goes: the cache's copy when caching, else the one the run uses."""
        return self._url(self._seeded_name(size))

    def fresh_seed_target(self, size: int) -> str:
        self._drop(self._seeded_name(size))
        self._create(self._seeded_name(size))
        return self.seeded_url(size)

    def run_url(self, size: int) -> str:
        """The database the pages are requested from (a copy of the cached one when caching)."""
        if not self.cache:
            return self.seeded_url(size)
        name = (f"{self._base_database()}_{size}_run" if self.postgres_url
                else str(self.work / f"pages-{size}-run.db"))
        self._drop(name)
        if self.postgres_url:
            self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{self._seeded_name(size)}"')
        else:
            shutil.copyfile(self._seeded_name(size), name)
        self.made.append(name)
        return self._url(name)

    def _base_database(self) -> str:
        from sqlalchemy.engine import make_url

        return make_url(self.postgres_url).database

    def _url(self, name: str) -> str:
        if not self.postgres_url:
            return f"sqlite:///{name}"
        from sqlalchemy.engine import make_url

        return make_url(self.postgres_url).set(database=name).render_as_string(hide_password=False)

    def _admin(self, statement: str) -> object:
        import sqlalchemy as sa

        engine = sa.create_engine(self.postgres_url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                found = connection.execute(sa.text(statement))
                return found.all() if found.returns_rows else None
        finally:
            engine.dispose()

    def _exists(self, name: str) -> bool:
        if not self.postgres_url:
            return Path(name).exists()
        return bool(self._admin(f"SELECT 1 FROM pg_database WHERE datname = '{name}'"))

    def _create(self, name: str) -> None:
        if self.postgres_url:
            self._admin(f'CREATE DATABASE "{name}"')
        if not self.cache:
            self.made.append(name)

    def _drop(self, name: str) -> None:
        if self.postgres_url:
            self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        else:
            Path(name).unlink(missing_ok=True)

    def remove_made(self) -> None:
        for name in self.made:
            self._drop(name)


def seed(app, size: int) -> dict:
    """The scale demo at `size`, committed; returns its shape."""
    from core.extensions import db
    from organizer import demo_scale

    started = time.monotonic()
    progress = demo_scale.ProgressLine()
    with app.app_context():
        try:
            demo_scale.seed_scaled_demo_union(size, on_progress=progress)
            db.session.commit()
        finally:
            progress.close()
            db.session.remove()
    seconds = time.monotonic() - started
    h.log(f"seeded {size:,} people in {seconds:.0f} s")
    return {**shape_of(app), "seeded_in_seconds": round(seconds, 1)}


def shape_of(app) -> dict:
    import sqlalchemy as sa

    from core.extensions import db
    from organizer.accounts.models import RoleAssignment
    from organizer.charting.models import BargainingUnit, Person
    from organizer.demands.models import Demand
    from organizer.demo import WAREHOUSE
    from surveys import ballot_box
    from surveys.models import Survey, SurveyKind, SurveyState

    with app.app_context():
        try:
            unit = db.session.scalar(sa.select(BargainingUnit).where(BargainingUnit.name == WAREHOUSE))
            def count(query: sa.Select) -> int:
                return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))

            released = db.session.scalars(sa.select(Survey).where(
                Survey.scope == f"unit:{unit.id}", Survey.state == SurveyState.RELEASED).order_by(Survey.id)).all()
            return {
                "charted": count(sa.select(Person.id).where(Person.unit_id == unit.id)),
                "member_accounts": count(sa.select(RoleAssignment.id).where(
                    RoleAssignment.unit_id == unit.id, RoleAssignment.role == "member")),
                "released_pulse_ballots": [ballot_box.counts(s)[0] for s in released if s.kind == SurveyKind.PULSE],
                "released_endorsement_ballots": [ballot_box.counts(s)[0] for s in released
                                                 if s.kind == SurveyKind.ENDORSEMENT],
                "demands": count(sa.select(Demand.id).where(Demand.unit_id == unit.id)),
            }
        finally:
            db.session.remove()


# -- the pages --------------------------------------------------------------------------------------


@dataclass
class Ids:
    union: int
    unit: int
    department: int
    shift: int
    pulse: int
    endorsement: int
    person: int
    demand: int
    #: A coworker with conversations and a follow-up (the demo's first one-on-one).
    talked: int = 0
    #: The organizer's account (who holds the conversation the bench records), and the union's today.
    organizer: int = 0
    today: str = ""


def ids_of(app) -> Ids:
    import sqlalchemy as sa

    from core.extensions import db
    from organizer.accounts import services as accounts
    from organizer.charting.models import BargainingUnit, Department, Person, Shift
    from organizer.conversations import services as conversations
    from organizer.conversations.models import Conversation
    from organizer.demands.models import Demand
    from organizer.demo import WAREHOUSE
    from surveys.models import Survey, SurveyKind, SurveyState

    with app.app_context():
        try:
            unit = db.session.scalar(sa.select(BargainingUnit).where(BargainingUnit.name == WAREHOUSE))
            released = sa.select(Survey.id).where(Survey.scope == f"unit:{unit.id}",
                                                  Survey.state == SurveyState.RELEASED).order_by(Survey.id.desc())
            lena = accounts.find_account_by_email(SIGN_INS["member"])
            return Ids(
                union=unit.union_id, unit=unit.id,
                department=db.session.scalar(sa.select(sa.func.min(Department.id))
                                             .where(Department.unit_id == unit.id)),
                shift=db.session.scalar(sa.select(sa.func.min(Shift.id)).where(Shift.unit_id == unit.id)),
                pulse=db.session.scalar(released.where(Survey.kind == SurveyKind.PULSE).limit(1)),
                endorsement=db.session.scalar(released.where(Survey.kind == SurveyKind.ENDORSEMENT).limit(1)),
                # The last charted coworker: someone the demo gave no account.
                person=db.session.scalar(sa.select(sa.func.max(Person.id)).where(Person.unit_id == unit.id)),
                demand=db.session.scalar(sa.select(sa.func.min(Demand.id)).where(Demand.account_id == lena.id)),
                talked=db.session.scalar(sa.select(Conversation.person_id).where(Conversation.unit_id == unit.id)
                                         .order_by(Conversation.id).limit(1)),
                organizer=accounts.find_account_by_email(SIGN_INS["organizer"]).id,
                today=conversations.union_today(unit.union).isoformat(),
            )
        finally:
            db.session.remove()


def pages_for(role: str, ids: Ids, extras: dict[str, str]) -> list[Page]:
    """Every page the role reaches; `extras` are the pages found on others (`extras_for`)."""
    unit, union = ids.unit, ids.union
    demands, summary = f"/units/{unit}/demands", f"/units/{unit}/summary"
    answer_field = f"demand{ids.demand}-"
    conversations, talked = f"/units/{unit}/conversations", f"/people/{ids.talked}"
    shared = [
        Page("home", "/"),
        Page("my surveys", "/my/surveys"),
        Page("pulse results", f"/surveys/{ids.pulse}/results"),
        Page("pulse receipts", f"/surveys/{ids.pulse}/receipts"),
        Page("email setting", "/account/notifications"),
        Page("password", "/account/password"),
    ]
    if role == "organizer":
        return shared + [
            Page("trustee key", "/trustee/key"),
            Page("dashboard", f"/unions/{union}"),
            Page("chart, all rows", f"/units/{unit}/chart"),
            Page("chart, one department", f"/units/{unit}/chart?department={ids.department}"),
            Page("chart, members of one shift", f"/units/{unit}/chart?shift={ids.shift}&membership=yes"),
            *[Page(name, path) for name, path in extras.items() if name.startswith("chart")],
            Page("add a person (form)", f"/units/{unit}/people/new"),
            Page("add one person", f"/units/{unit}/people/new", expected=(302,), form={
                "department_id": str(ids.department), "shift_id": str(ids.shift), "assessment": "0"}),
            Page("edit a person", f"/people/{ids.person}/edit"),
            Page("invite a person", f"/people/{ids.person}/invite"),
            Page("departments and shifts", f"/units/{unit}/segments"),
            Page("strength", f"/units/{unit}/strength"),
            Page("unit surveys", f"/units/{unit}/surveys"),
            Page("pulse, manage", f"/surveys/{ids.pulse}"),
            Page("endorsement, manage", f"/surveys/{ids.endorsement}"),
            Page("endorsement results", f"/surveys/{ids.endorsement}/results"),
            Page("endorsement requests", f"/units/{unit}/endorsements"),
            Page("unit demands", demands),
            Page("unit demands, priority ones", f"{demands}?kind=demand&tier=priority"),
            Page("unit demands, waiting for an answer", f"{demands}?answer=no_answer&category=pay"),
            *[Page(name, path) for name, path in extras.items() if name.startswith("unit demands")],
            Page("bargaining summary", summary),
            *[Page(name, path) for name, path in extras.items() if name.startswith("bargaining summary")],
            Page("bargaining summary, CSV", f"{summary}.csv"),
            Page("bargaining summary, Markdown", f"{summary}.md"),
            Page("bargaining summary, PDF", f"{summary}.pdf"),
            Page("union audit log", f"/unions/{union}/audit"),
            Page("unit audit log", f"/units/{unit}/audit"),
            Page("invitations", f"/unions/{union}/invitations"),
            Page("privacy floors", f"/unions/{union}/settings"),
            Page("unit conversations", conversations),
            Page("unit conversations, 90 days", f"{conversations}?days=90"),
            Page("unit conversations, a name search", f"{conversations}?{SEARCH_FIELD}={SEARCHED_NAME}"),
            Page("a coworker's conversations", f"{talked}/conversations"),
            Page("record a conversation (form)", f"{talked}/conversations/new"),
            Page("set a follow-up (form)", f"{talked}/follow-ups/new"),
            Page("record a conversation", f"{talked}/conversations/new", expected=(302,), form={
                "held_on": ids.today, "held_by_id": str(ids.organizer), "assessment_after": "2",
                "note": "Bench talk number {serial}: asked about the overtime notice."}),
        ]
    if role == "committee":
        return shared + [
            Page("unit conversations (own department)", conversations),
            Page("chart (own department)", f"/units/{unit}/chart"),
        ]
    if role == "steward":
        return shared + [
            Page("trustee key", "/trustee/key"),
            Page("steward unit page", f"/steward/units/{unit}"),
            Page("unit demands", demands),
            *[Page(name, path) for name, path in extras.items() if name.startswith("unit demands")],
            Page("bargaining summary", summary),
            *[Page(name, path) for name, path in extras.items() if name.startswith("bargaining summary")],
            Page("unit audit log", f"/units/{unit}/audit"),
            Page("my demands", "/my/demands"),
            Page("combine a demand (form)", f"/demands/{ids.demand}/same-as"),
            # Last: each answer is a change to the demands, which ranks the summary again.
            Page("record an employer's answer", f"/demands/{ids.demand}/response", expected=(302,),
                 token_from=demands, token_field=f"{answer_field}csrf_token", form={f"{answer_field}response": "partly",
                                           f"{answer_field}note": "Answer {serial} at the table"}),
            # The CSRF token is the session's: any page with a form gives it.
            Page("prepare the PDF (button)", f"{summary}/prepare-pdf", expected=(302,), token_from=demands, form={}),
        ]
    return shared + [
        Page("my demands", "/my/demands"),
        Page("new demand (form)", "/my/demands/new"),
        Page("edit a demand", f"/demands/{ids.demand}/edit"),
        Page("my profile", "/my/profile"),
        Page("endorsement results", f"/surveys/{ids.endorsement}/results"),
        # Last: each new demand ranks the unit's whole summary again as it commits.
        Page("write a demand", "/my/demands/new", expected=(302,), form={
            "text": "Will you answer the bench's question number {serial}? By when?", "kind": "demand",
            "tier": "important", "basis": "collective", "category": "pay"}),
    ]


def _last_page(text: str, path: str) -> str | None:
    """The link to the last page in a list's pager, if it has more than one."""
    pages = {int(number): html.unescape(link)
             for link, number in re.findall(rf'href="({re.escape(path)}\?[^"]*\bpage=(\d+)[^"]*)"', text)}
    return pages[max(pages)] if pages and max(pages) > 1 else None


def extras_for(client, ids: Ids, role: str) -> dict[str, str]:
    """Pages found on others: the chart's name search and its last page (for the
    organizer), and the last pages of the unit's demands and of the summary, where
    their pages offer them (read from the pages themselves: a search field, a pager)."""
    lists = {"unit demands, last page": f"/units/{ids.unit}/demands",
             "bargaining summary, last page": f"/units/{ids.unit}/summary"}
    if role == "organizer":
        lists = {"chart, last page": f"/units/{ids.unit}/chart", **lists}
    elif role != "steward":
        return {}
    extras = {}
    for name, path in lists.items():
        text = client.get(path).get_data(as_text=True)
        if name.startswith("chart") and re.search(rf'<input[^>]*name="{SEARCH_FIELD}"', text):
            extras["chart, name search"] = f"{path}?{SEARCH_FIELD}={SEARCHED_NAME}"
        if (last := _last_page(text, path)) is not None:
            extras[name] = last
    return extras


def prepare_downloads(app) -> dict:
    """The organizer asks for the summary's PDF and the job that prepares PDFs runs once,
    as the job runner would run it; its time is the figure (seconds, not a page's)."""
    import sqlalchemy as sa

    from core.extensions import db
    from core.jobs import registry_of
    from organizer.accounts import services as accounts
    from organizer.bargaining import downloads
    from organizer.charting.models import BargainingUnit
    from organizer.demo import WAREHOUSE

    with app.app_context():
        try:
            unit = db.session.scalar(sa.select(BargainingUnit).where(BargainingUnit.name == WAREHOUSE))
            started = time.perf_counter()
            state = downloads.request_pdf(accounts.find_account_by_email(SIGN_INS["organizer"]), unit)
            db.session.commit()
            asked = time.perf_counter() - started
        finally:
            db.session.remove()
    started = time.perf_counter()
    made = registry_of(app).run(app, "prepare_bargaining_pdfs")
    return {"made_when_asked": state.is_ready, "asking_seconds": round(asked, 2),
            "job_made": made, "job_seconds": round(time.perf_counter() - started, 2)}


def sign_in(client, email: str) -> None:
    from organizer.demo import DEMO_PASSWORD

    token = _CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
    response = client.post("/login", data={"csrf_token": token, "email": email, "password": DEMO_PASSWORD})
    if response.status_code != 302:
        raise RuntimeError(f"signing in as {email} answered {response.status_code}")


def timed_request(client, page: Page, serial: int, statements: list[int]) -> tuple[int, float, float, int]:
    """One request of the page: its status, seconds (on the clock and of the processor),
    and SQL statements. A POST's CSRF token is fetched first, outside the measure."""
    form = None
    if page.form is not None:
        token = _CSRF.search(client.get(page.token_from or page.path).get_data(as_text=True)).group(1)
        form = {page.token_field: token, "name": f"Newcomer {serial:05d} Bench",
                **{name: value.replace("{serial}", str(serial)) for name, value in page.form.items()}}
    before, started, processor = statements[0], time.perf_counter(), time.process_time()
    response = client.get(page.path) if form is None else client.post(page.path, data=form)
    return (response.status_code, time.perf_counter() - started, time.process_time() - processor,
            statements[0] - before)


def measure(app, ids: Ids, repeat: int) -> dict:
    import sqlalchemy as sa

    from core.extensions import db

    with app.app_context():
        engine = db.engine
    statements = [0]

    def count(*_args) -> None:
        statements[0] += 1

    sa.event.listen(engine, "before_cursor_execute", count)
    serial = 0
    figures: dict[str, dict] = {}
    try:
        for role, email in SIGN_INS.items():
            client = app.test_client()
            sign_in(client, email)
            pages = pages_for(role, ids, extras_for(client, ids, role))
            for page in pages:
                for attempt in range(repeat + 1):
                    serial += 1
                    status, seconds, processor, ran = timed_request(client, page, serial, statements)
                    if attempt > 0:  # the first warms up (templates, caches) and is not counted
                        page.statuses.add(status)
                        page.times.append(seconds)
                        page.cpu_times.append(processor)
                        page.statements.append(ran)
            figures[role] = {page.name: page.figures() for page in pages}
            h.log(f"  {role}: {len(pages)} pages")
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    return figures


# -- main -------------------------------------------------------------------------------------------


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Time every page at several unit sizes; print JSON.")
    parser.add_argument("--quick", action="store_true", help="150 and 2,000 people, 5 requests a page")
    parser.add_argument("--sizes", help="comma-separated unit sizes, e.g. 150,2000,10000")
    parser.add_argument("--repeat", type=int, help="timed requests per page (default 20; 5 with --quick)")
    parser.add_argument("--database-url", help="a PostgreSQL database (postgresql+psycopg://...); SQLite otherwise")
    parser.add_argument("--cache-dir", type=Path, help="keep the seeded databases here and reuse them")
    parser.add_argument("--json-out", type=Path, help="also write the JSON to this file")
    arguments = parser.parse_args(argv)
    arguments.sizes = (tuple(int(size) for size in arguments.sizes.split(",")) if arguments.sizes
                       else QUICK_SIZES if arguments.quick else SIZES)
    arguments.repeat = arguments.repeat or (QUICK_REPEAT if arguments.quick else REPEAT)
    return arguments


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(sys.argv[1:] if argv is None else argv)
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="leverage-bench-pages-"))
    if arguments.cache_dir:
        arguments.cache_dir.mkdir(parents=True, exist_ok=True)
    databases = Databases(work, arguments.cache_dir, arguments.database_url)
    databases.instance.mkdir(parents=True, exist_ok=True)
    result: dict = {
        "database": databases.kind,
        # How busy the machine was (the clock's figures rise with it; the processor's do not).
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(),
                    "load_average_at_start": round(os.getloadavg()[0], 2)},
        "repeat": arguments.repeat,
        "goal": {"p95_ms_at_most": GOAL_P95_MS, "at_people": GOAL_AT_PEOPLE,
                 "statements": "the same at every size"},
        "sizes": {},
    }
    try:
        for size in arguments.sizes:
            if databases.cached(size):
                shape = {**databases.remembered_shape(size), "reused_from_cache": True}
                h.log(f"{size:,} people: reusing the cached database")
            else:
                h.log(f"{size:,} people: seeding")
                app = h.build_app(databases.fresh_seed_target(size), str(databases.instance))
                shape = seed(app, size)
                databases.remember(size, shape)
                _dispose(app)
            app = h.build_app(databases.run_url(size), str(databases.instance))
            ids = ids_of(app)
            h.log(f"{size:,} people: preparing the summary's PDF")
            ready = prepare_downloads(app)
            h.log(f"{size:,} people: requesting pages")
            result["sizes"][str(size)] = {"unit": shape, "prepared_pdf": ready,
                                          "pages": measure(app, ids, arguments.repeat)}
            _dispose(app)
    finally:
        databases.remove_made()
        shutil.rmtree(work, ignore_errors=True)
    result.update(summary(result["sizes"]))
    result["total_seconds"] = round(time.monotonic() - started, 1)
    text = json.dumps(result, indent=2)
    print(text)
    if arguments.json_out:
        arguments.json_out.write_text(text + "\n")
    return 0


def _dispose(app) -> None:
    from core.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def summary(sizes: dict[str, dict]) -> dict:
    """Pages above the goal at the largest size, and pages whose statement count changes with the size."""
    if not sizes:
        return {}
    smallest, largest = sizes[min(sizes, key=int)]["pages"], sizes[max(sizes, key=int)]["pages"]
    over = [f"{role}: {name} ({figures['p95_ms']} ms)" for role, pages in largest.items()
            for name, figures in pages.items() if figures["p95_ms"] > GOAL_P95_MS]
    grow = [f"{role}: {name} ({smallest[role][name]['statements']} -> {figures['statements']})"
            for role, pages in largest.items() for name, figures in pages.items()
            if name in smallest.get(role, {}) and figures["statements"] != smallest[role][name]["statements"]]
    unexpected = [f"{size} {role}: {name} {figures['unexpected_status']}" for size, figures_of in sizes.items()
                  for role, pages in figures_of["pages"].items() for name, figures in pages.items()
                  if "unexpected_status" in figures]
    return {"largest_size": int(max(sizes, key=int)), "over_goal": over, "statements_grow": grow,
            "unexpected_status": unexpected}


if __name__ == "__main__":
    sys.exit(main())
