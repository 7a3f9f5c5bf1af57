"""Fault injection on the ballot box and the jobs; prints one JSON summary.

Each scenario is a function that returns its findings with `ok`:

1. `gunicorn_killed`: gunicorn (master and workers) gets SIGKILL in the middle
   of a load of answers and is started again. Every ballot a client saw a
   receipt for is in the database, ledger == ballots (no half-written ballot),
   every member ends answered exactly once, and answers are accepted again
   after the restart.
2. `job_runner_killed`: `flask jobs run-once close_due_surveys` gets SIGKILL
   while it is closing a survey with thousands of ballots, and is run again;
   then the release job is killed and run again. The survey is closed and
   tallied once: the expected tally groups, no duplicates, released counts equal
   the answers composed, and further runs change nothing.
3. `postgres_restarted`: PostgreSQL stops (fast shutdown) in the middle of a
   load and starts again a few seconds later. Requests during the outage fail
   cleanly (503 with the "database is not answering" page, never a 500), the
   app recovers by itself, and nothing is half-written.

Clients retry on connection errors and 503 (a retry after an ambiguous failure
may rightly get 409: the first attempt was saved). Exits non-zero if any
scenario fails. Run from the repository root: ``.venv/bin/python bench/faults.py``.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import _harness as h  # noqa: E402

MEMBERS = 600
QUESTIONS = 5
FAULT_AFTER = 200  # answers completed before the fault
CLOSE_BALLOTS = 5000
GUNICORN = dict(workers=3, worker_class="sync", threads=1)


class Context:
    def __init__(self) -> None:
        self.instance = tempfile.mkdtemp(prefix="leverage-faults-")
        self.pg = h.Postgres(fsync=True)
        self.pg.init()
        self.env = h.app_environment(self.pg.url, self.instance)
        self.app = h.build_app(self.pg.url, self.instance)
        self.world = h.create_unit_with_members(self.app, MEMBERS)
        self.port = h.free_port()
        self.pool: h.ClientPool | None = None

    def server(self) -> h.Gunicorn:
        return h.Gunicorn(self.env, port=self.port, logdir=self.instance, **GUNICORN)

    def signed_in_pool(self) -> h.ClientPool:
        if self.pool is None:
            self.pool = h.ClientPool(self.port, self.world.credentials(), processes=2, threads=8)
            failures = self.pool.login(list(range(MEMBERS)))
            if failures:
                raise RuntimeError(f"{len(failures)} sign-ins failed, e.g. {failures[0]}")
        return self.pool

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
        self.pg.remove()
        shutil.rmtree(self.instance, ignore_errors=True)


def _answer_jobs(info: h.SurveyInfo, retry_seconds: float, retry_statuses: tuple[str, ...] = ("503",)) -> list[h.Job]:
    rng = random.Random(info.id)
    deadline = time.monotonic() + retry_seconds
    members = list(range(MEMBERS))
    rng.shuffle(members)
    return [h.Job(n, m, f"/surveys/{info.id}/answer", form=info.random_form(rng)[0], retry_until=deadline,
                  retry_statuses=retry_statuses)
            for n, m in enumerate(members)]


def _wait_progress(pool: h.ClientPool, count: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while pool.progress.value < count and time.monotonic() < deadline:
        time.sleep(0.02)


def _ledger_checks(ctx: Context, info: h.SurveyInfo, results: list[h.Result], recovered_after: float) -> dict:
    """What every load scenario must keep: receipts stored, ledger == ballots, each member once."""
    prints, refs = h.fingerprints_and_ledger(ctx.app, info.id)
    counts = h.counts(ctx.app, info.id)
    receipts = [a.fingerprint for r in results for a in r.attempts if a.outcome == "200" and a.fingerprint]
    member_ref = {i: f"account:{account_id}" for i, account_id in enumerate(ctx.world.member_ids)}
    outcomes: dict[str, int] = {}
    for r in results:
        for a in r.attempts:
            outcomes[a.outcome] = outcomes.get(a.outcome, 0) + 1
    accepted_twice = [r.member for r in results if sum(a.outcome == "200" for a in r.attempts) > 1]
    unfinished = [r.member for r in results if r.final.outcome not in ("200", "409")]
    # A 409 is right only after an earlier attempt that may have been saved.
    suspicious_409 = [r.member for r in results if r.final.outcome == "409" and len(r.attempts) == 1]
    saved_despite_failure = sum(1 for r in results if r.final.outcome == "409" and len(r.attempts) > 1)
    not_in_ledger = [m for m in range(MEMBERS) if member_ref[m] not in refs]
    accepted_after_recovery = sum(1 for r in results for a in r.attempts
                                  if a.outcome == "200" and a.started > recovered_after)
    checks = {
        "every_receipt_in_database": all(p in prints for p in receipts),
        "ballots_equal_ledger": counts["ballots"] == counts["ledger"],
        "every_member_in_ledger_once": not not_in_ledger and counts["ledger"] == MEMBERS and not accepted_twice,
        "every_request_finished_with_200_or_409": not unfinished,
        "accepted_after_recovery": accepted_after_recovery > 0,
        "no_500": not any(o.startswith("5") and o != "503" for o in outcomes),
    }
    return {
        "attempt_outcomes": outcomes,
        "receipts": len(receipts),
        "final_counts": counts,
        "saved_although_the_client_saw_a_failure": saved_despite_failure,
        "accepted_after_recovery": accepted_after_recovery,
        "first_attempt_409_without_earlier_attempt": len(suspicious_409),
        "checks": checks,
    }


def _server_errors(log_text: str, limit: int = 6) -> list[str]:
    """The distinct exception lines gunicorn's log recorded (tracebacks' last lines)."""
    lines = [line.strip() for line in log_text.splitlines()
             if re.match(r"^\s*([\w.]+(Error|Exception|Shutdown|Failure)|sqlalchemy\.exc\.\w+|psycopg\.\S+):", line)]
    seen: list[str] = []
    for line in lines:
        short = line[:240]
        if short not in seen:
            seen.append(short)
    return seen[:limit]


# -- 1. gunicorn killed -------------------------------------------------------------------------------

def gunicorn_killed(ctx: Context) -> dict:
    info = h.create_survey(ctx.app, ctx.world, h.survey_questions(QUESTIONS), title="Fault: gunicorn killed")
    server = ctx.server()
    server.start()
    pool = ctx.signed_in_pool()
    pool.start(_answer_jobs(info, retry_seconds=90))
    _wait_progress(pool, FAULT_AFTER)
    killed_at = time.monotonic()
    h.log(f"gunicorn_killed: SIGKILL to gunicorn's process group after {pool.progress.value} answers")
    server.kill()
    time.sleep(2.0)
    restart_seconds = server.start()
    recovered = time.monotonic()
    h.log(f"gunicorn_killed: started again ({restart_seconds:.1f}s to answer)")
    results = pool.wait()
    server.stop()
    found = _ledger_checks(ctx, info, results, recovered)
    failed_during = sum(1 for r in results for a in r.attempts
                        if not a.outcome.isdigit() and killed_at - 1 < a.ended < recovered + 1)
    found.update({
        "killed_after_answers": FAULT_AFTER,
        "down_seconds": round(recovered - killed_at, 1),
        "connection_failures_around_the_kill": failed_during,
    })
    found["ok"] = all(found["checks"].values())
    return found


# -- 2. job runner killed -----------------------------------------------------------------------------

def _flask(env: dict[str, str], *args: str, log_path: Path) -> subprocess.Popen:
    """`flask --app wsgi <args>` as its own process, output to `log_path`."""
    handle = open(log_path, "ab")
    process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=h.REPO, env=env,
                               stdout=handle, stderr=handle)
    handle.close()
    return process


def _writing_backends(app) -> list[int]:
    """Client backends (other than ours) inside a transaction that has written something."""
    import sqlalchemy as sa

    from core.extensions import db

    with app.app_context():
        try:
            return list(db.session.scalars(sa.text(
                "SELECT pid FROM pg_stat_activity WHERE backend_type = 'client backend' "
                "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL")))
        finally:
            db.session.remove()


def _client_backends(app) -> list[int]:
    import sqlalchemy as sa

    from core.extensions import db

    with app.app_context():
        try:
            return list(db.session.scalars(sa.text(
                "SELECT pid FROM pg_stat_activity WHERE backend_type = 'client backend' "
                "AND pid <> pg_backend_pid() AND application_name = '' AND state <> 'idle'")))
        finally:
            db.session.remove()


def _set_closing_time(app, survey_id: int, when) -> None:
    from core.extensions import db
    from surveys.models import Survey

    with app.app_context():
        db.session.get(Survey, survey_id).closes_at = when
        db.session.commit()
        db.session.remove()


def _survey_state(app, survey_id: int) -> dict:
    import sqlalchemy as sa

    from core.extensions import db
    from surveys.models import Survey, TallyGroup

    with app.app_context():
        try:
            survey = db.session.get(Survey, survey_id)
            groups = db.session.execute(sa.select(TallyGroup.key, TallyGroup.counts)
                                        .where(TallyGroup.survey_id == survey_id)).all()
            return {"state": survey.state.value, "groups": len(groups), "distinct_group_keys": len({g[0] for g in groups}),
                    "groups_with_counts": sum(1 for g in groups if g[1] is not None),
                    "closed_on": str(survey.closed_on) if survey.closed_on else None,
                    "released_on": str(survey.released_on) if survey.released_on else None}
        finally:
            db.session.remove()


def _expected_group_count(app, survey_id: int) -> int:
    from core.extensions import db
    from surveys.models import Survey
    from surveys.release import SegmentPlan, candidate_groups

    with app.app_context():
        try:
            return len(candidate_groups(SegmentPlan.from_json(db.session.get(Survey, survey_id).segment_plan)))
        finally:
            db.session.remove()


def _run_job(env: dict[str, str], job: str, log_path: Path, timeout: float = 240) -> tuple[int, str]:
    process = _flask(env, "jobs", "run-once", job, log_path=log_path)
    process.wait(timeout=timeout)
    tail = log_path.read_text(errors="replace").strip().splitlines()
    return process.returncode, (tail[-1] if tail else "")


def job_runner_killed(ctx: Context) -> dict:
    from core.clock import utcnow

    kinds = h.survey_questions(20)
    info = h.create_survey(ctx.app, ctx.world, kinds, title="Fault: job killed",
                           voters=h.synthetic_voters(CLOSE_BALLOTS + 500))
    composer = h.BallotComposer(info.public_key, info.context, kinds, per_answer=6, seed=3)
    chosen = random.Random(5).sample(h.eligible_cells(ctx.app, info.id), CLOSE_BALLOTS)
    expected = h.insert_composed_ballots(ctx.app, info.id, composer, chosen)
    expected_groups = _expected_group_count(ctx.app, info.id)
    # Due now: launch refuses a closing time already past, so it is set after launch.
    _set_closing_time(ctx.app, info.id, utcnow())
    logs = Path(ctx.instance)
    found: dict[str, object] = {"ballots": CLOSE_BALLOTS, "survey": "20 questions of 5 options, composed ballots",
                                "expected_groups": expected_groups}

    # Voting ends in its own committed transaction, then the tally runs in another:
    # kill the job once the survey reads as closed and summing is under way.
    process = _flask(ctx.env, "jobs", "run-once", "close_due_surveys", log_path=logs / "close-killed.log")
    started = time.monotonic()
    wrote_at = None
    while process.poll() is None and time.monotonic() - started < 120:
        if wrote_at is None and _survey_state(ctx.app, info.id)["state"] == "closed":
            wrote_at = time.monotonic()
        if wrote_at is not None and time.monotonic() - wrote_at > 1.0:
            break
        time.sleep(0.05)
    still_running = process.poll() is None
    if still_running:
        process.send_signal(signal.SIGKILL)
        process.wait()
    h.log(f"job_runner_killed: close job {'killed' if still_running else 'ended before the kill'} "
          f"{time.monotonic() - started:.1f}s after start")
    deadline = time.monotonic() + 15
    while _writing_backends(ctx.app) and time.monotonic() < deadline:
        time.sleep(0.1)
    after_kill = _survey_state(ctx.app, info.id)
    found["close_killed_mid_way"] = still_running and wrote_at is not None
    found["after_close_killed"] = after_kill

    t0 = time.monotonic()
    code, line = _run_job(ctx.env, "close_due_surveys", logs / "close-rerun.log")
    found["close_rerun"] = {"exit": code, "output": line, "seconds": round(time.monotonic() - t0, 1)}
    after_close = _survey_state(ctx.app, info.id)
    found["after_close_rerun"] = after_close

    # Kill the release job while it decrypts (it writes only at the end), then run it again.
    process = _flask(ctx.env, "jobs", "run-once", "release_server_key_surveys", log_path=logs / "release-killed.log")
    started = time.monotonic()
    seen_at = None
    while process.poll() is None and time.monotonic() - started < 60:
        if seen_at is None and _client_backends(ctx.app):
            seen_at = time.monotonic()
        if seen_at is not None and time.monotonic() - seen_at > 0.2:
            break
        time.sleep(0.02)
    release_killed = process.poll() is None
    if release_killed:
        process.send_signal(signal.SIGKILL)
        process.wait()
    after_release_kill = _survey_state(ctx.app, info.id)
    found["release_killed_before_finishing"] = release_killed
    found["after_release_killed"] = after_release_kill
    consistent_after_release_kill = (
        (after_release_kill["state"] == "closed" and after_release_kill["groups_with_counts"] == 0)
        or (after_release_kill["state"] == "released"
            and after_release_kill["groups_with_counts"] == after_release_kill["groups"]))

    code_r, line_r = _run_job(ctx.env, "release_server_key_surveys", logs / "release-rerun.log")
    found["release_rerun"] = {"exit": code_r, "output": line_r}
    released = h.check_released(ctx.app, info.id, expected)
    code_again, line_again = _run_job(ctx.env, "close_due_surveys", logs / "close-again.log")
    code_again_r, line_again_r = _run_job(ctx.env, "release_server_key_surveys", logs / "release-again.log")
    final = _survey_state(ctx.app, info.id)
    found["third_runs"] = {"close": line_again, "release": line_again_r}
    found["final"] = final
    found["released_mismatches"] = released["mismatches"]
    found["checks"] = {
        "close_was_killed_mid_way": bool(found["close_killed_mid_way"]),
        "kill_left_survey_closed_and_untallied": after_kill["state"] == "closed" and after_kill["groups"] == 0,
        "rerun_closed_with_expected_groups": (code == 0 and after_close["state"] == "closed"
                                              and after_close["groups"] == expected_groups
                                              and after_close["distinct_group_keys"] == expected_groups),
        "release_kill_left_a_consistent_state": consistent_after_release_kill,
        "released_counts_match": released["ok"] and code_r == 0,
        "further_runs_change_nothing": (code_again == 0 and code_again_r == 0 and line_again.endswith(": 0")
                                        and line_again_r.endswith(": 0") and final["groups"] == expected_groups
                                        and final["state"] == "released"),
    }
    found["ok"] = all(found["checks"].values())
    return found


# -- 3. PostgreSQL restarted --------------------------------------------------------------------------

def postgres_restarted(ctx: Context) -> dict:
    info = h.create_survey(ctx.app, ctx.world, h.survey_questions(QUESTIONS), title="Fault: PostgreSQL restarted")
    server = ctx.server()
    server.start()
    log_before = len(server.log_text())
    pool = ctx.signed_in_pool()
    # 500s are retried too (and still fail the scenario), so that recovery is tested either way.
    pool.start(_answer_jobs(info, retry_seconds=90, retry_statuses=("503", "500")))
    _wait_progress(pool, FAULT_AFTER)
    h.log(f"postgres_restarted: stopping PostgreSQL (fast) after {pool.progress.value} answers")
    down_at = time.monotonic()
    ctx.pg.stop("fast")
    stopped_at = time.monotonic()
    time.sleep(3.0)
    ctx.pg.start()
    up_at = time.monotonic()
    h.log(f"postgres_restarted: PostgreSQL up again after {up_at - down_at:.1f}s")
    results = pool.wait()
    server_log = server.log_text()[log_before:]
    server.stop()
    found = _ledger_checks(ctx, info, results, up_at)
    during = [a for r in results for a in r.attempts if down_at <= a.ended <= up_at + 1.0]
    outage: dict[str, int] = {}
    for a in during:
        outage[a.outcome] = outage.get(a.outcome, 0) + 1
    pages: dict[str, int] = {}
    for r in results:
        for a in r.attempts:
            if a.outcome.startswith("5"):
                key = f"{a.outcome} {a.snippet or ''}"[:160]
                pages[key] = pages.get(key, 0) + 1
    clean_503 = [a for a in during if a.outcome == "503"]
    found.update({
        "outage_seconds": round(up_at - down_at, 1),
        "shutdown_seconds": round(stopped_at - down_at, 1),
        "outcomes_during_outage": outage,
        "error_pages": pages,
        "server_exceptions_logged": _server_errors(server_log),
    })
    # A ballot saved while the client was told the request failed: the member lost the receipt
    # (and a 503 page would say "Nothing was saved"). Timing-dependent, so it may not show every run.
    saved_but_error = [r.member for r in results if r.final.outcome == "409"
                       and any(a.outcome.startswith("5") for a in r.attempts)]
    found["saved_but_answered_with_an_error_page"] = len(saved_but_error)
    found["checks"]["outage_answered_with_503"] = bool(clean_503) and all(
        "not answering" in (a.snippet or "") for a in clean_503)
    found["checks"]["no_saved_ballot_answered_with_an_error"] = not saved_but_error
    found["ok"] = all(found["checks"].values())
    return found


def main() -> int:
    started = time.monotonic()
    summary: dict[str, object] = {"database": "postgresql (fsync on), Unix socket",
                                  "gunicorn": f"{GUNICORN['worker_class']}, {GUNICORN['workers']} workers",
                                  "members": MEMBERS}
    ctx = Context()
    scenarios = {}
    try:
        for scenario in (gunicorn_killed, job_runner_killed, postgres_restarted):
            h.log(f"scenario {scenario.__name__}")
            try:
                scenarios[scenario.__name__] = scenario(ctx)
            except Exception as error:  # noqa: BLE001 - a crashed scenario is a failed one
                scenarios[scenario.__name__] = {"ok": False, "error": f"{type(error).__name__}: {error}"}
            h.log(f"scenario {scenario.__name__}: {'ok' if scenarios[scenario.__name__]['ok'] else 'FAILED'}")
    finally:
        ctx.close()
    summary["scenarios"] = scenarios
    summary["failed"] = [name for name, found in scenarios.items() if not found["ok"]]
    summary["ok"] = not summary["failed"]
    summary["total_seconds"] = round(time.monotonic() - started, 1)
    print(json.dumps(summary, indent=2))
    return 0 if summary["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
