"""Shared plumbing of the HTTP and fault benchmarks (not imported by the app).

* `Postgres`: a throwaway PostgreSQL server in a temporary folder, listening on
  a Unix socket only (as `.ci/run` starts one), that can be stopped, started
  again and removed.
* `build_app`: the app on that database with its secrets in a temporary
  instance folder, migrated; `app_environment` gives the same settings to
  gunicorn and `flask` subprocesses, so every process uses the same keys.
* `create_unit_with_members` / `create_survey`: a union, a unit and N member
  accounts made quickly (a cheap scrypt setting recorded in each hash), and
  launched server-key surveys.
* `Gunicorn`: the app under gunicorn on 127.0.0.1 and a free port, in its own
  process group so it can be stopped (or killed) as a whole.
* `ClientPool`: separate client processes (threads inside), each holding the
  signed-in sessions of its share of the members; they run lists of requests
  and report every attempt. Standard library only.
* `BallotComposer`: ballots for tally benchmarks, composed from a pool of real
  encrypted answers (each answer with its proofs), so ballots differ byte for
  byte and their answers are known.

Everything here talks to 127.0.0.1 or a Unix socket only. Progress goes to
stderr; scripts print their one JSON object on stdout.
"""

from __future__ import annotations

import hashlib
import http.client
import multiprocessing
import os
import queue
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PASSWORD = "bench password, long enough"
#: Bench accounts only: the strength is recorded in each hash, so the server checks it as written.
FAST_HASH = "scrypt:1024:8:1"
_STARTED = time.monotonic()


def log(message: str) -> None:
    print(f"[{time.monotonic() - _STARTED:7.1f}s] {message}", file=sys.stderr, flush=True)


# -- PostgreSQL -------------------------------------------------------------------------------------


def _pg_bin() -> Path:
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                        key=lambda p: [int(x) for x in re.findall(r"\d+", p.parts[-3])])
    if candidates:
        return candidates[-1].parent
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise RuntimeError("PostgreSQL is not installed (no initdb); install the postgresql package")


class Postgres:
    """A throwaway PostgreSQL server on a Unix socket in a temporary folder."""

    def __init__(self, *, fsync: bool = True, settings: dict[str, str] | None = None) -> None:
        self.bin = _pg_bin()
        self.fsync = fsync
        self.settings = dict(settings or {})
        self.dir = Path(tempfile.mkdtemp(prefix="leverage-bench-pg-"))
        self.data = self.dir / "data"
        self.logfile = self.dir / "server.log"
        self._as = []
        if os.geteuid() == 0:
            # initdb refuses to run as root; the Debian package made a postgres user.
            subprocess.run(["id", "postgres"], check=True, capture_output=True)
            shutil.chown(self.dir, "postgres")
            self._as = ["runuser", "-u", "postgres", "--"]

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@/leverage?host={self.dir}"

    def _run(self, *args: str) -> None:
        subprocess.run([*self._as, *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def init(self) -> Postgres:
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self.start()
        self._run(str(self.bin / "createdb"), "-h", str(self.dir), "-U", "postgres", "leverage")
        return self

    def start(self) -> None:
        options = f"-c listen_addresses='' -c unix_socket_directories='{self.dir}' -c max_connections=200"
        if not self.fsync:
            options += " -c fsync=off"
        for name, value in self.settings.items():
            options += f" -c {name}={value}"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.logfile), "-w", "-o", options,
                  "start")

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def remove(self) -> None:
        subprocess.run([*self._as, str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(self.dir, ignore_errors=True)

    def _postmaster(self) -> int | None:
        try:
            return int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def cpu_seconds(self) -> float:
        """CPU seconds of the server: the postmaster, its live backends, and reaped ones."""
        postmaster = self._postmaster()
        return _cpu_of_tree(postmaster) if postmaster is not None else 0.0

    def pin(self, cpus: set[int]) -> None:
        """Run the server on `cpus` only: its processes now, and every backend it starts later."""
        postmaster = self._postmaster()
        if postmaster is not None:
            pin_process_tree(postmaster, cpus)

    def __enter__(self) -> Postgres:
        return self.init()

    def __exit__(self, *exc: object) -> None:
        self.remove()


def pin_process_tree(root: int, cpus: set[int]) -> None:
    """Run a process, every thread of it and its children's on `cpus` only; what they
    fork or start later inherits it. A process gone meanwhile is skipped."""
    pids = [root]
    try:
        pids += [int(pid) for pid in Path(f"/proc/{root}/task/{root}/children").read_text().split()]
    except OSError:
        pass
    for pid in pids:
        try:
            threads = [int(task) for task in os.listdir(f"/proc/{pid}/task")]
        except OSError:
            continue
        for thread in threads:
            try:
                os.sched_setaffinity(thread, cpus)
            except OSError:
                pass


def _cpu_of_tree(root: int) -> float:
    """User + system CPU seconds of a process, its live children, and its reaped children."""
    ticks = os.sysconf("SC_CLK_TCK")

    def stat(pid: int) -> list[str] | None:
        try:
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None

    fields = stat(root)
    if fields is None:
        return 0.0
    total = sum(int(fields[i]) for i in (11, 12, 13, 14))
    try:
        children = Path(f"/proc/{root}/task/{root}/children").read_text().split()
    except OSError:
        children = []
    for pid in children:
        child = stat(int(pid))
        if child is not None:
            total += int(child[11]) + int(child[12])
    return total / ticks


# -- the app ----------------------------------------------------------------------------------------


_SECRET_NAMES = ("LEVERAGE_SECRET_KEY", "LEVERAGE_DATA_KEYS", "LEVERAGE_DATA_KEY_ID", "LEVERAGE_INDEX_KEY")


def app_environment(database_url: str, instance_path: str) -> dict[str, str]:
    """Environment for this process and every app subprocess: same database, and the keys
    generated once in the temporary instance folder (never any from the caller's environment)."""
    env = dict(os.environ)
    for name in _SECRET_NAMES:
        env.pop(name, None)
    env.update(LEVERAGE_CONFIG="development", LEVERAGE_INSTANCE_PATH=instance_path, DATABASE_URL=database_url,
               # The benches sign hundreds of members in within seconds, a burst no real
               # unit makes; the global sign-in budget is tested, not benchmarked.
               LEVERAGE_LOGIN_GLOBAL_LIMIT="100000 per minute")
    return env


def build_app(database_url: str, instance_path: str, *, migrate: bool = True):
    """The app in this process on `database_url`, schema upgraded by the migrations."""
    for name in _SECRET_NAMES:
        os.environ.pop(name, None)
    os.environ.update(app_environment(database_url, instance_path))
    from core.app import create_app
    from core.extensions import db

    app = create_app("development", {"PASSWORD_HASH_METHOD": FAST_HASH, "SQLALCHEMY_DATABASE_URI": database_url})
    if migrate:
        import logging

        with app.app_context():
            from flask_migrate import upgrade

            level = logging.getLogger().level
            upgrade()
            logging.getLogger().setLevel(level)
            logging.getLogger("alembic").setLevel(logging.WARNING)
            db.session.remove()
    return app


@dataclass
class World:
    union_id: int
    unit_id: int
    organizer_email: str
    member_emails: list[str]
    member_ids: list[int]

    def credentials(self) -> list[tuple[str, str]]:
        return [(email, PASSWORD) for email in self.member_emails]


def create_unit_with_members(app, members: int, *, name: str = "Bench",
                             departments: tuple[str, ...] = ("Loading", "Cranes", "Yard", "Office"),
                             shifts: tuple[str, ...] = ("Day", "Night")) -> World:
    """A union with one unit and `members` member accounts, through the account service."""
    from datetime import timedelta

    from core.clock import today
    from core.extensions import db
    from organizer.accounts import services as accounts
    from organizer.charting import unions
    from organizer.accounts.models import RoleAssignment
    from organizer.charting.models import Person
    from organizer.roles import Role

    tag = secrets.token_hex(3)
    organizer_email = f"organizer-{tag}@bench.example.org"
    emails, ids = [], []
    started = time.monotonic()
    with app.app_context():
        union = accounts.bootstrap_organizer(f"{name} union {tag}", email=organizer_email,
                                             display_name="Bench organizer", password=PASSWORD)
        organizer = accounts.find_account_by_email(organizer_email)
        unit = unions.create_unit(organizer, union, f"{name} unit")
        department_ids = [unions.add_segment(organizer, unit, "department", d).id for d in departments]
        shift_ids = [unions.add_segment(organizer, unit, "shift", s).id for s in shifts]
        union_id, unit_id = union.id, unit.id
        settled_on = today() - timedelta(days=365)
        for i in range(members):
            # People are added directly: the chart service checks each new name
            # against the whole unit (sealed names), which is quadratic in bulk.
            person = Person(unit_id=unit_id, name=f"Bench member {i}", is_member=True,
                            department_id=department_ids[i % len(department_ids)],
                            shift_id=shift_ids[(i // len(department_ids)) % len(shift_ids)])
            db.session.add(person)
            email = f"m{i}-{tag}@bench.example.org"
            account = accounts.create_account(display_name=f"Member {i}", email=email, password=PASSWORD,
                                              person=person, roles=[RoleAssignment(role=Role.MEMBER, unit_id=unit_id)])
            # A unit charted and signed up long ago: breakdowns leave out anyone moved or
            # signed up within unit_surveys.SEGMENT_FREEZE_DAYS, and the benchmarks measure them.
            person.segment_changed_on = account.created_on = settled_on
            emails.append(email)
            ids.append(account.id)
            if (i + 1) % 250 == 0:
                db.session.commit()
                log(f"accounts: {i + 1}/{members}")
        db.session.commit()
        db.session.remove()
    log(f"made a unit with {members} member accounts in {time.monotonic() - started:.1f}s")
    return World(union_id, unit_id, organizer_email, emails, ids)


@dataclass
class SurveyInfo:
    id: int
    #: (question id, "scale" | "single_choice"), in order
    questions: list[tuple[int, str]]
    eligible: int
    public_key: bytes
    context: bytes

    def random_form(self, rng: random.Random) -> tuple[list[tuple[str, str]], list[int]]:
        """Form fields answering every question at random, and the chosen slot per question."""
        fields, slots = [], []
        for question_id, kind in self.questions:
            slot = rng.randrange(5)
            fields.append((f"q{question_id}", str(slot + 1 if kind == "scale" else slot)))
            slots.append(slot)
        return fields, slots


def survey_questions(count: int) -> list[str]:
    """Half scale 1-5, half single choice of 5, alternating."""
    return ["scale" if i % 2 == 0 else "single_choice" for i in range(count)]


def create_survey(app, world: World, kinds: list[str], *, title: str = "Bench survey",
                  closes_at=None, voters: dict | None = None) -> SurveyInfo:
    """A launched, open server-key survey of the unit. With `voters` (ref -> segments), the
    engine is launched directly on those people instead of the unit's members."""
    from core.extensions import db
    from organizer.accounts import services as accounts
    from organizer.unit_surveys import services as unit_surveys
    from organizer.charting.models import BargainingUnit
    from surveys import definitions, launch
    from surveys.models import KeyMode, QuestionType, SurveyKind

    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        organizer = accounts.find_account_by_email(world.organizer_email)
        survey = definitions.create_survey(unit_surveys.unit_scope(unit), definitions.SurveySettings(
            kind=SurveyKind.PULSE, title=title, key_mode=KeyMode.SERVER_KEY, release_threshold=5,
            closes_at=closes_at))
        for i, kind in enumerate(kinds):
            if kind == "scale":
                definitions.add_question(survey, type=QuestionType.SCALE, prompt=f"Statement {i + 1}")
            else:
                definitions.add_question(survey, type=QuestionType.SINGLE_CHOICE, prompt=f"Choice {i + 1}",
                                         options=[f"Option {c}" for c in "ABCDE"])
        if voters is None:
            report = unit_surveys.launch_for_unit(organizer, survey)
        else:
            report = launch.launch(survey, voters, unit_surveys.DIMENSIONS)
        db.session.commit()
        info = SurveyInfo(survey.id, [(q.id, q.type.value) for q in survey.questions], report.eligible,
                          bytes(survey.public_key), survey.context)
        db.session.remove()
    return info


def counts(app, survey_id: int) -> dict[str, int]:
    """Ballots and respondents of a survey accepted so far (stored rows and the pool), read from the database."""
    from core.extensions import db
    from surveys import ballot_box
    from surveys.models import Survey

    with app.app_context():
        try:
            ballots, ledger = ballot_box.counts(db.session.get(Survey, survey_id))
        finally:
            db.session.remove()
    return {"ballots": ballots, "ledger": ledger}


def fingerprints_and_ledger(app, survey_id: int) -> tuple[set[str], set[str]]:
    import sqlalchemy as sa

    from core.extensions import db
    from surveys import ballot_box
    from surveys.models import Ballot, ParticipationEntry, Survey

    with app.app_context():
        try:
            waiting = ballot_box.pending_pool(db.session.get(Survey, survey_id))
            prints = set(db.session.scalars(sa.select(Ballot.fingerprint).where(Ballot.survey_id == survey_id)))
            prints |= waiting.fingerprints()
            refs = set(db.session.scalars(sa.select(ParticipationEntry.voter_ref)
                                          .where(ParticipationEntry.survey_id == survey_id)))
            refs |= set(waiting.respondents)
        finally:
            db.session.remove()
    return prints, refs


# -- gunicorn ---------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """The app under gunicorn on 127.0.0.1:<port>, in its own process group."""

    def __init__(self, env: dict[str, str], *, port: int | None = None, workers: int = 2,
                 worker_class: str = "sync", threads: int = 1, logdir: str | None = None,
                 app: str = "wsgi:app", pythonpath: str | None = None, cpus: set[int] | None = None) -> None:
        #: What gunicorn serves ("module:variable", or "module:factory()"), and a folder to import it from.
        self.app, self.pythonpath = app, pythonpath
        self.env = env
        self.port = port or free_port()
        self.workers, self.worker_class, self.threads = workers, worker_class, threads
        self.logfile = Path(logdir or tempfile.mkdtemp(prefix="leverage-bench-gunicorn-")) / f"gunicorn-{self.port}.log"
        self.process: subprocess.Popen | None = None
        #: The cores the master and its workers run on (all, if None).
        self.cpus = cpus

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def label(self) -> str:
        label = (f"sync, {self.workers} workers" if self.worker_class == "sync"
                 else f"{self.worker_class}, {self.workers} workers x {self.threads} threads")
        return label if self.cpus is None else f"{label}, on {len(self.cpus)} of the machine's cores"

    def start(self, timeout: float = 30.0) -> float:
        """Start and wait until the login page answers; returns the seconds it took."""
        started = time.monotonic()
        command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.port}",
                   "--workers", str(self.workers), "--worker-class", self.worker_class,
                   "--threads", str(self.threads), "--timeout", "120", "--graceful-timeout", "5",
                   "--backlog", "2048", *(["--pythonpath", self.pythonpath] if self.pythonpath else []), self.app]
        handle = open(self.logfile, "ab")
        cpus = self.cpus
        # Set in the child before gunicorn starts, so the workers it forks inherit it.
        pin = (lambda: os.sched_setaffinity(0, cpus)) if cpus is not None else None
        self.process = subprocess.Popen(command, cwd=REPO, env=self.env, stdout=handle, stderr=handle,
                                        start_new_session=True, preexec_fn=pin)
        handle.close()
        deadline = started + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/login", headers={"Connection": "close"})
                status = connection.getresponse().status
                connection.close()
                if status == 200:
                    return time.monotonic() - started
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer within {timeout}s:\n{self.log_tail()}")

    def pids(self) -> list[int]:
        """The master and its workers."""
        if self.process is None:
            return []
        pids = [self.process.pid]
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
            pids += [int(pid) for pid in children]
        except OSError:
            pass
        return pids

    def cpu_seconds(self) -> float:
        """CPU seconds of the master and its workers (live and reaped)."""
        return _cpu_of_tree(self.process.pid) if self.process is not None else 0.0

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def kill(self) -> None:
        """SIGKILL to the whole process group: master and workers die at once."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.logfile.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def log_text(self) -> str:
        try:
            return self.logfile.read_text(errors="replace")
        except OSError:
            return ""


# -- HTTP clients -----------------------------------------------------------------------------------

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_RECEIPT = re.compile(r'id="receipt"[^>]*value="([0-9a-f]{64})"')
#: Errors after which a request may or may not have reached the app.
_CONNECTION_ERRORS = (OSError, http.client.HTTPException)


@dataclass
class Job:
    """One request for one member. `retry_until` (monotonic): retry on connection errors and
    `retry_statuses` until then; every attempt is recorded."""

    id: int
    member: int
    path: str
    form: list[tuple[str, str]] | None = None
    json_body: dict | None = None
    #: The JSON body already encoded, so that the client does not encode it during the run.
    json_bytes: bytes | None = None
    tag: str = ""
    retry_until: float | None = None
    #: Statuses retried (with connection errors) until `retry_until`.
    retry_statuses: tuple[str, ...] = ("503",)


@dataclass
class Attempt:
    outcome: str  # HTTP status as text, or the exception's class name
    started: float
    ended: float
    fingerprint: str | None = None
    snippet: str | None = None


@dataclass
class Result:
    job_id: int
    member: int
    tag: str
    attempts: list[Attempt] = field(default_factory=list)

    @property
    def final(self) -> Attempt:
        return self.attempts[-1]


class _Member:
    def __init__(self, email: str, password: str) -> None:
        self.email, self.password = email, password
        self.cookies: dict[str, str] = {}
        self.csrf: str | None = None

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def absorb(self, response: http.client.HTTPResponse) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if "expires=Thu, 01 Jan 1970" in header or not value:
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value


def _request(port: int, member: _Member, method: str, path: str, *, form=None, json_body=None,
             json_bytes: bytes | None = None, timeout: float = 120.0) -> tuple[int, str]:
    """One request on a fresh connection (no keep-alive, so a failure is never a stale socket)."""
    headers = {"Connection": "close", "Host": f"127.0.0.1:{port}"}
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    elif json_body is not None or json_bytes is not None:
        import json

        body = json_bytes if json_bytes is not None else json.dumps(json_body).encode()
        headers["Content-Type"] = "application/json"
        if member.csrf:
            headers["X-CSRFToken"] = member.csrf
    if member.cookies:
        headers["Cookie"] = member.cookie_header()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        member.absorb(response)
        return response.status, text
    finally:
        connection.close()


def _sign_in(port: int, member: _Member) -> None:
    status, page = _request(port, member, "GET", "/login")
    token = _CSRF.search(page)
    if status != 200 or not token:
        raise RuntimeError(f"login page answered {status}")
    status, _ = _request(port, member, "POST", "/login",
                         form=[("csrf_token", token.group(1)), ("email", member.email),
                               ("password", member.password)])
    if status != 302:
        raise RuntimeError(f"sign-in of {member.email} answered {status}")
    status, page = _request(port, member, "GET", "/my/surveys")
    token = _CSRF.search(page)
    if status != 200 or not token:
        raise RuntimeError(f"surveys page answered {status} after sign-in")
    member.csrf = token.group(1)


def _run_job(port: int, member: _Member, job: Job) -> Result:
    result = Result(job.id, job.member, job.tag)
    while True:
        form = None
        if job.form is not None:
            form = [("csrf_token", member.csrf or ""), *job.form]
        started = time.monotonic()
        try:
            status, text = _request(port, member, "POST", job.path, form=form, json_body=job.json_body,
                                    json_bytes=job.json_bytes)
        except _CONNECTION_ERRORS as error:
            attempt = Attempt(type(error).__name__, started, time.monotonic())
        else:
            attempt = Attempt(str(status), started, time.monotonic())
            found = _RECEIPT.search(text) if status == 200 else None
            if found:
                attempt.fingerprint = found.group(1)
            elif status == 201 and '"fingerprint"' in text:
                attempt.fingerprint = re.search(r'"fingerprint":\s*"([0-9a-f]{64})"', text).group(1)
            if status >= 400:
                attempt.snippet = _page_message(text)
        result.attempts.append(attempt)
        retryable = attempt.outcome in job.retry_statuses or not attempt.outcome.isdigit()
        if not (retryable and job.retry_until is not None and time.monotonic() < job.retry_until):
            return result
        time.sleep(0.2)


def _page_message(text: str) -> str:
    """The heading and first paragraph of an error page, or the start of the body."""
    heading = re.search(r"<h1>(.*?)</h1>", text, re.S)
    paragraph = re.search(r"<p>(.*?)</p>", text, re.S)
    if heading:
        return (heading.group(1).strip() + ": " + (paragraph.group(1).strip() if paragraph else ""))[:300]
    return re.sub(r"\s+", " ", text)[:300]


def _client_main(connection, port: int, threads: int, members: dict[int, tuple[str, str]], progress) -> None:
    """A client process: holds its members' sessions and runs the jobs it is sent."""
    state = {i: _Member(email, password) for i, (email, password) in members.items()}
    while True:
        command, payload = connection.recv()
        if command == "stop":
            return
        cpu_before = sum(os.times()[:2])
        work: queue.Queue = queue.Queue()
        for item in payload:
            work.put(item)
        outputs: list = []
        lock = threading.Lock()

        def worker() -> None:
            while True:
                try:
                    item = work.get_nowait()
                except queue.Empty:
                    return
                if command == "login":
                    try:
                        _sign_in(port, state[item])
                        out = (item, None)
                    except Exception as error:  # noqa: BLE001 - reported to the parent
                        out = (item, f"{type(error).__name__}: {error}")
                else:
                    out = _run_job(port, state[item.member], item)
                with lock:
                    outputs.append(out)
                with progress.get_lock():
                    progress.value += 1

        pool = [threading.Thread(target=worker) for _ in range(threads)]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
        connection.send((outputs, sum(os.times()[:2]) - cpu_before))


class ClientPool:
    """Client processes on loopback; member i belongs to process i % processes."""

    def __init__(self, port: int, credentials: list[tuple[str, str]], *, processes: int = 2,
                 threads: int = 8) -> None:
        context = multiprocessing.get_context("spawn")
        self.progress = context.Value("i", 0)
        self.processes = processes
        self._pipes, self._procs = [], []
        for p in range(processes):
            mine = {i: c for i, c in enumerate(credentials) if i % processes == p}
            parent, child = context.Pipe()
            proc = context.Process(target=_client_main, args=(child, port, threads, mine, self.progress),
                                   daemon=True)
            proc.start()
            self._pipes.append(parent)
            self._procs.append(proc)
        self._busy = False
        self.last_client_cpu_seconds = 0.0

    def pin(self, cpus: set[int]) -> None:
        """Run the client processes (and the threads they start for each run) on `cpus` only."""
        for proc in self._procs:
            pin_process_tree(proc.pid, cpus)

    def _send(self, command: str, items_by_process: list[list]) -> None:
        with self.progress.get_lock():
            self.progress.value = 0
        for pipe, items in zip(self._pipes, items_by_process):
            pipe.send((command, items))
        self._busy = True

    def _gather(self) -> list:
        outputs, cpu = [], 0.0
        for pipe in self._pipes:
            out, seconds = pipe.recv()
            outputs += out
            cpu += seconds
        self._busy = False
        self.last_client_cpu_seconds = cpu
        return outputs

    def login(self, members: list[int], *, rounds: int = 1) -> list[tuple[int, str]]:
        """Sign members in, retrying the failures up to `rounds` times in all; returns the
        last failures. `self.sign_in_failures` counts every failed attempt."""
        self.sign_in_failures = 0
        failures: list[tuple[int, str]] = []
        for attempt in range(rounds):
            if attempt:
                time.sleep(0.5)
            self._send("login", [[m for m in members if m % self.processes == p] for p in range(self.processes)])
            failures = [(m, error) for m, error in self._gather() if error]
            self.sign_in_failures += len(failures)
            members = [m for m, _ in failures]
            if not members:
                break
        return failures

    def start(self, jobs: list[Job]) -> None:
        self._send("run", [[j for j in jobs if j.member % self.processes == p] for p in range(self.processes)])

    def wait(self) -> list[Result]:
        return sorted(self._gather(), key=lambda r: r.job_id)

    def run(self, jobs: list[Job]) -> list[Result]:
        self.start(jobs)
        return self.wait()

    def close(self) -> None:
        for pipe in self._pipes:
            try:
                pipe.send(("stop", None))
            except OSError:
                pass
        for proc in self._procs:
            proc.join(timeout=5)
            if proc.is_alive():
                proc.kill()


def machine_busy_seconds() -> float:
    """CPU seconds spent by every process on the machine (all cores) since boot."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


# -- figures ----------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def latency_ms(values: list[float]) -> dict[str, float | None]:
    return {f"p{q}": (round(percentile(values, q) * 1000, 1) if values else None) for q in (50, 95, 99)}


def steady_rate(end_times: list[float], trim: float = 0.1) -> float | None:
    """Completions per second between the first and last `trim` share of completions."""
    if len(end_times) < 10:
        return None
    ordered = sorted(end_times)
    lo, hi = int(len(ordered) * trim), int(len(ordered) * (1 - trim)) - 1
    span = ordered[hi] - ordered[lo]
    return (hi - lo) / span if span > 0 else None


# -- composed ballots -------------------------------------------------------------------------------


class BallotComposer:
    """Ballots composed from a pool of real encrypted answers.

    The pool holds, for every question position and every answer to it,
    `per_answer` real encryptions (one-hot ciphertexts with their 0/1 proofs
    and sum proof) made by `crypto.ballot.encrypt_ballot` under the survey's key
    and context. A composed ballot takes, for each question, a random answer and
    one of its pooled encryptions, laid out exactly as `serialize` lays them
    out. Their bytes and fingerprints differ, their answers are known, and the
    tally sums them like any stored ballot (it reads ciphertexts, not proofs).
    They are not valid ballots: every proof is bound to all the ciphertexts of
    the ballot it was made in, so the ballot box would refuse such a patchwork
    (Cortier-Smyth ballot copying). What is checked instead: every pooled
    encryption comes from a ballot that verifies, and a composed sample has the
    exact layout of the question list.
    """

    def __init__(self, public_key: bytes, context: bytes, kinds: list[str], *, per_answer: int = 8,
                 seed: int = 7) -> None:
        from crypto.ballot import QuestionSpec, encrypt_ballot, serialize
        from crypto.elgamal import PublicKey

        self.key = PublicKey.from_bytes(public_key)
        self.context = context
        self.specs = [QuestionSpec.scale(5) if k == "scale" else QuestionSpec.single_choice(5) for k in kinds]
        self.kinds = kinds
        self.rng = random.Random(seed)
        self.segments: list[list[list[bytes]]] = [[[] for _ in range(5)] for _ in kinds]
        self.sources: list[bytes] = []
        started = time.monotonic()
        for slot in range(5):
            for _ in range(per_answer):
                answers = [slot + 1 if k == "scale" else slot for k in kinds]
                data = serialize(encrypt_ballot(self.key, context, self.specs, answers))
                self.sources.append(data)
                self.header = data[:3]
                for q, segment in enumerate(self._split(data)):
                    self.segments[q][slot].append(segment)
        self.pool_seconds = time.monotonic() - started
        self.pool_ballots = 5 * per_answer
        self.seen: set[str] = set()

    @staticmethod
    def _split(data: bytes) -> list[bytes]:
        from crypto.elgamal import CIPHERTEXT_SIZE
        from crypto.proofs import DisjunctiveProof

        slot_size = CIPHERTEXT_SIZE + DisjunctiveProof.size(2)
        offset, parts = 3, []
        while offset < len(data):
            slots, branches = data[offset], data[offset + 1]
            end = offset + 2 + slots * slot_size + branches * DisjunctiveProof.size(1)
            parts.append(data[offset:end])
            offset = end
        return parts

    def compose(self) -> tuple[bytes, str, list[int]]:
        """(payload, fingerprint, chosen slot per question); never the same bytes twice."""
        for _ in range(1000):
            slots = [self.rng.randrange(5) for _ in self.kinds]
            payload = self.header + b"".join(self.rng.choice(self.segments[q][s]) for q, s in enumerate(slots))
            fingerprint = hashlib.sha256(payload).hexdigest()
            if fingerprint not in self.seen:
                self.seen.add(fingerprint)
                return payload, fingerprint, slots
        raise RuntimeError("the pool is too small for this many distinct ballots")

    def check_sample(self, payloads: list[bytes]) -> bool:
        from crypto.ballot import deserialize, tally_serialized, verify_ballot

        sources_verify = all(verify_ballot(self.key, self.context, self.specs, deserialize(p)) for p in self.sources)
        tally_serialized(self.specs, payloads)  # raises unless each has the question list's exact layout
        return sources_verify


def insert_composed_ballots(app, survey_id: int, composer: BallotComposer, respondents: list[tuple[str, str]],
                            *, batch: int = 400) -> dict[str, list[list[int]]]:
    """Ledger entries and composed ballots for (voter ref, cell) pairs, bulk-inserted
    (executemany), each batch in one transaction as the ballot box writes them.
    Returns the expected slot counts per cell: cell -> question -> slot."""
    import sqlalchemy as sa

    from core.extensions import db
    from surveys.models import Ballot, ParticipationEntry
    from surveys.pool import pad_cell

    expected: dict[str, list[list[int]]] = {}
    sample: list[bytes] = []
    started = time.monotonic()
    with app.app_context():
        for start in range(0, len(respondents), batch):
            ledger, ballots = [], []
            for ref, cell in respondents[start:start + batch]:
                payload, fingerprint, slots = composer.compose()
                if len(sample) < 3:
                    sample.append(payload)
                tally = expected.setdefault(cell, [[0] * 5 for _ in composer.kinds])
                for q, slot in enumerate(slots):
                    tally[q][slot] += 1
                ledger.append({"survey_id": survey_id, "voter_ref": ref})
                # As the pool moves them: the cell sealed, for the mix at close to read.
                ballots.append({"id": secrets.token_bytes(16), "survey_id": survey_id, "sealed_cell": pad_cell(cell),
                                "payload": payload, "fingerprint": fingerprint})
            db.session.execute(sa.insert(ParticipationEntry), ledger)
            db.session.execute(sa.insert(Ballot), ballots)
            db.session.commit()
            done = min(start + batch, len(respondents))
            if done % (batch * 10) == 0 or done == len(respondents):
                log(f"inserted {done}/{len(respondents)} composed ballots")
        db.session.remove()
    if not composer.check_sample(sample):
        raise RuntimeError("a pooled encryption does not verify")
    log(f"composed and inserted {len(respondents)} ballots in {time.monotonic() - started:.1f}s "
        f"(sources verified)")
    return expected


def eligible_cells(app, survey_id: int) -> list[tuple[str, str]]:
    import sqlalchemy as sa

    from core.extensions import db
    from surveys.models import EligibleVoter

    with app.app_context():
        rows = [(ref, cell) for ref, cell in db.session.execute(
            sa.select(EligibleVoter.voter_ref, EligibleVoter.cell).where(EligibleVoter.survey_id == survey_id)
            .order_by(EligibleVoter.voter_ref))]
        db.session.remove()
    return rows


def synthetic_voters(count: int, *, first: int = 1_000_000) -> dict[str, dict[str, str]]:
    """Opaque voter refs with departments and shifts, for engine-level benchmarks."""
    departments, shifts = ("Loading", "Cranes", "Yard", "Office"), ("Day", "Night")
    return {f"account:{first + i}": {"department": departments[i % 4], "shift": shifts[(i // 4) % 2]}
            for i in range(count)}


def check_released(app, survey_id: int, expected: dict[str, list[list[int]]]) -> dict:
    """Compare every approved group's released counts with the expected counts of its cells."""
    from core.extensions import db
    from surveys.definitions import ballot_questions
    from surveys.models import Survey

    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        question_ids = [str(q.id) for q in ballot_questions(survey)]
        groups, mismatches = [], []
        for group in survey.groups:
            want_respondents = sum(sum(expected.get(cell, [[0]])[0]) for cell in group.cells)
            entry = {"key": group.key, "approved": group.is_approved, "respondents": group.respondents}
            if group.respondents != want_respondents:
                mismatches.append(f"{group.key}: {group.respondents} respondents, expected {want_respondents}")
            if group.is_approved:
                for q, question_id in enumerate(question_ids):
                    want = [sum(expected[c][q][s] for c in group.cells if c in expected) for s in range(5)]
                    got = (group.counts or {}).get(question_id)
                    if got != want:
                        mismatches.append(f"{group.key} q{question_id}: released {got}, expected {want}")
            groups.append(entry)
        state = survey.state.value
        db.session.remove()
    return {"state": state, "groups": groups, "mismatches": mismatches[:10], "ok": not mismatches and
            state == "released" and any(g["key"] == "all" and g["approved"] for g in groups)}
