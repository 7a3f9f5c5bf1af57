"""Load test of the ballot box over HTTP; prints one JSON object.

Starts the app under gunicorn against a throwaway PostgreSQL server, makes
1,000 eligible members with accounts, signs them in, and has them submit the
answer form of a 5-question survey concurrently from separate client processes
on loopback, with 200 duplicate attempts mixed in (100 sent at the same moment
as the member's first answer, 100 sent later). Prints ballots per second,
latency percentiles, outcomes by kind, and the final counts; then closes the
survey, releases it with the server key and checks the released counts against
the answers that were accepted.

Exits non-zero unless ballots == ledger entries == distinct members with a
receipt == 1,000, no duplicate was accepted, every receipt is in the database,
the released counts match, and no answer was a 500.

Run from the repository root: ``.venv/bin/python bench/load.py``.
"""

from __future__ import annotations

import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import _harness as h  # noqa: E402

MEMBERS = 1000
DUPLICATES = 200
QUESTIONS = 5
GUNICORN = ("sync", 3, 1)  # the fastest setting in bench/surveys.py on a 2-core machine
CLIENT_PROCESSES = 2
CLIENT_THREADS = 8


def build_jobs(info: h.SurveyInfo, members: int, duplicates: int, rng: random.Random):
    """First answers in random order; half the duplicates right beside the member's first
    answer (sent concurrently), half at least 150 jobs later. Returns jobs and answers by job id."""
    order = list(range(members))
    rng.shuffle(order)
    doubled = rng.sample(order, duplicates)
    concurrent, later = set(doubled[: duplicates // 2]), doubled[duplicates // 2:]
    jobs: list[h.Job] = []
    answers: dict[int, list[int]] = {}
    path = f"/surveys/{info.id}/answer"

    def add(member: int, tag: str) -> None:
        fields, slots = info.random_form(rng)
        job = h.Job(len(jobs), member, path, form=fields, tag=tag)
        answers[job.id] = slots
        jobs.append(job)

    for member in order:
        add(member, "first")
        if member in concurrent:
            add(member, "duplicate_concurrent")
    position = {job.member: i for i, job in enumerate(jobs) if job.tag == "first"}
    for member in later:
        fields, slots = info.random_form(rng)
        at = min(len(jobs), position[member] + 150 + rng.randrange(100))
        jobs.insert(at, h.Job(-1, member, path, form=fields, tag="duplicate_later"))
        answers[-1 - member] = slots
    # Renumber after the inserts, keeping each job's answers.
    renumbered: dict[int, list[int]] = {}
    for i, job in enumerate(jobs):
        renumbered[i] = answers[job.id if job.id >= 0 else -1 - job.member]
        job.id = i
    return jobs, renumbered


def main() -> int:
    started = time.monotonic()
    instance = tempfile.mkdtemp(prefix="leverage-load-")
    pg = h.Postgres(fsync=True)
    server = pool = None
    result: dict[str, object] = {}
    try:
        pg.init()
        app = h.build_app(pg.url, instance)
        world = h.create_unit_with_members(app, MEMBERS)
        kinds = h.survey_questions(QUESTIONS)
        info = h.create_survey(app, world, kinds, title="Load test")
        worker_class, workers, threads = GUNICORN
        server = h.Gunicorn(h.app_environment(pg.url, instance), workers=workers, worker_class=worker_class,
                            threads=threads, logdir=instance)
        server.start()
        pool = h.ClientPool(server.port, world.credentials(), processes=CLIENT_PROCESSES, threads=CLIENT_THREADS)
        t0 = time.monotonic()
        failures = pool.login(list(range(MEMBERS)))
        if failures:
            raise RuntimeError(f"{len(failures)} sign-ins failed, e.g. {failures[0]}")
        sign_in_seconds = time.monotonic() - t0
        h.log(f"{MEMBERS} members signed in in {sign_in_seconds:.1f}s")

        jobs, answers = build_jobs(info, MEMBERS, DUPLICATES, random.Random(2024))
        h.log(f"submitting {len(jobs)} answers ({DUPLICATES} duplicates) to survey {info.id}")
        t0 = time.monotonic()
        results = pool.run(jobs)
        wall = time.monotonic() - t0

        by_kind: dict[str, dict[str, int]] = {}
        accepted_by_member: dict[int, list[h.Result]] = {}
        latencies_all, latencies_accepted, accepted_ends = [], [], []
        five_hundreds = []
        for r in results:
            kind = by_kind.setdefault(r.tag, {})
            kind[r.final.outcome] = kind.get(r.final.outcome, 0) + 1
            latencies_all.append(r.final.ended - r.final.started)
            if r.final.outcome == "200" and r.final.fingerprint:
                accepted_by_member.setdefault(r.member, []).append(r)
                latencies_accepted.append(r.final.ended - r.final.started)
                accepted_ends.append(r.final.ended)
            if r.final.outcome.startswith("5"):
                five_hundreds.append({"tag": r.tag, "status": r.final.outcome, "page": r.final.snippet})
        accepted = [r for rs in accepted_by_member.values() for r in rs]
        # Concurrent duplicates really raced when both requests were in flight at once.
        firsts = {r.member: r.final for r in results if r.tag == "first"}
        overlapping = sum(1 for r in results if r.tag == "duplicate_concurrent"
                          and r.final.started < firsts[r.member].ended and firsts[r.member].started < r.final.ended)
        counts = h.counts(app, info.id)
        prints, _ = h.fingerprints_and_ledger(app, info.id)
        receipts_missing = sum(1 for r in accepted if r.final.fingerprint not in prints)
        twice = sorted(m for m, rs in accepted_by_member.items() if len(rs) > 1)
        h.log(f"{len(accepted)} accepted in {wall:.1f}s; outcomes {by_kind}; counts {counts}")

        # Close, release, and check the counts against the answers that were accepted.
        refs = dict(h.eligible_cells(app, info.id))
        expected: dict[str, list[list[int]]] = {}
        for r in accepted:
            cell = refs[f"account:{world.member_ids[r.member]}"]
            tally = expected.setdefault(cell, [[0] * 5 for _ in kinds])
            for q, slot in enumerate(answers[r.job_id]):
                tally[q][slot] += 1
        from core.extensions import db
        from surveys import tally as tally_service
        from surveys.models import Survey

        with app.app_context():
            survey = db.session.get(Survey, info.id)
            tally_service.close(survey)
            tally_service.release_with_server_key(survey)
            db.session.commit()
            db.session.remove()
        released = h.check_released(app, info.id, expected)

        checks = {
            "ballots_equal_ledger": counts["ballots"] == counts["ledger"],
            "ledger_equals_distinct_submitters": counts["ledger"] == len(accepted_by_member),
            "every_member_answered_once": len(accepted_by_member) == MEMBERS and not twice,
            "no_duplicate_accepted": not twice,
            "every_receipt_in_database": receipts_missing == 0,
            "no_500": not five_hundreds,
            "released_counts_match_accepted_answers": released["ok"],
        }
        rate = h.steady_rate(accepted_ends)
        result = {
            "database": "postgresql (fsync on), Unix socket",
            "gunicorn": server.label,
            "clients": f"{CLIENT_PROCESSES} processes x {CLIENT_THREADS} threads, a new loopback connection per request",
            "survey": f"{QUESTIONS} questions of 5 options, server-held key",
            "members": MEMBERS,
            "requests": len(jobs),
            "duplicates": {"sent_concurrently": DUPLICATES // 2, "sent_later": DUPLICATES - DUPLICATES // 2,
                           "concurrent_pairs_in_flight_together": overlapping},
            "sign_in_seconds": round(sign_in_seconds, 1),
            "wall_seconds": round(wall, 1),
            "ballots_per_second": round(len(accepted) / wall, 1),
            "steady_ballots_per_second": round(rate, 1) if rate else None,
            "latency_ms_accepted": h.latency_ms(latencies_accepted),
            "latency_ms_all_requests": h.latency_ms(latencies_all),
            "outcomes_by_kind": by_kind,
            "errors_5xx": five_hundreds[:10],
            "final_counts": {**counts, "distinct_submitters": len(accepted_by_member),
                             "receipts_seen": len(accepted), "receipts_missing_from_database": receipts_missing},
            "released": {"state": released["state"], "groups": len(released["groups"]),
                         "mismatches": released["mismatches"]},
            "checks": checks,
            "ok": all(checks.values()),
        }
    finally:
        if pool is not None:
            pool.close()
        if server is not None:
            server.stop()
        pg.remove()
        shutil.rmtree(instance, ignore_errors=True)
    result["total_seconds"] = round(time.monotonic() - started, 1)
    print(json.dumps(result, indent=2))
    return 0 if result.get("ok") else 1


if __name__ == "__main__":
    sys.exit(main())
