"""Benchmark of the election record's verifier; prints one JSON object.

A server-key survey of 20 questions of 5 options (half scale 1-5, half single
choice, as bench/surveys.py) gets 2,000 real ballots: each encrypted and proven
by `crypto.ballot.encrypt_ballot` (on every core), stored as the ballot pool
moves them (ledger entries beside, cells sealed), mixed at close like any
survey and released with the server key, its counts checked against the
answers given. Its election record is written by `surveys.record` to a file
and checked by the standalone command, `python -m crypto.verify`, in a
subprocess whose progress lines pass through to stderr. Figures: seconds to
write the record, its size, and seconds to verify it (goal: 2 minutes).

Run from the repository root: ``.venv/bin/python bench/record.py``
(``--ballots N`` for another size, ``--quick`` for 200). Uses SQLite in a
temporary folder; no server is started.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import _harness as h  # noqa: E402

QUESTIONS = 20
BALLOTS = 2_000
GOAL_SECONDS = 120


def _encrypt_batch(public_key: bytes, context: bytes, kinds: list[str], seed: int,
                   count: int) -> list[tuple[bytes, list[int]]]:
    """`count` real ballots with random answers, and the slot chosen per question."""
    from crypto.ballot import QuestionSpec, encrypt_ballot, serialize
    from crypto.elgamal import PublicKey

    key = PublicKey.from_bytes(public_key)
    specs = [QuestionSpec.scale(5) if k == "scale" else QuestionSpec.single_choice(5) for k in kinds]
    rng = random.Random(seed)
    made = []
    for _ in range(count):
        slots = [rng.randrange(5) for _ in kinds]
        answers = [s + 1 if k == "scale" else s for s, k in zip(slots, kinds)]
        made.append((serialize(encrypt_ballot(key, context, specs, answers)), slots))
    return made


class RealBallots:
    """What `_harness.insert_composed_ballots` asks of a composer, over ballots made in advance."""

    def __init__(self, kinds: list[str], made: list[tuple[bytes, list[int]]], public_key: bytes,
                 context: bytes) -> None:
        self.kinds, self.made, self.public_key, self.context = kinds, list(made), public_key, context

    def compose(self) -> tuple[bytes, str, list[int]]:
        import hashlib

        payload, slots = self.made.pop()
        return payload, hashlib.sha256(payload).hexdigest(), slots

    def check_sample(self, payloads: list[bytes]) -> bool:
        from crypto.ballot import QuestionSpec, deserialize, verify_ballot
        from crypto.elgamal import PublicKey

        specs = [QuestionSpec.scale(5) if k == "scale" else QuestionSpec.single_choice(5) for k in self.kinds]
        key = PublicKey.from_bytes(self.public_key)
        return all(verify_ballot(key, self.context, specs, deserialize(p)) for p in payloads)


def make_ballots(info: h.SurveyInfo, kinds: list[str], count: int) -> tuple[list[tuple[bytes, list[int]]], float]:
    started = time.monotonic()
    workers = os.cpu_count() or 1
    per_worker = -(-count // workers)
    sizes = [min(per_worker, count - i * per_worker) for i in range(workers) if count - i * per_worker > 0]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        batches = pool.map(_encrypt_batch, [info.public_key] * len(sizes), [info.context] * len(sizes),
                           [kinds] * len(sizes), range(len(sizes)), sizes)
        made = [ballot for batch in batches for ballot in batch]
    seconds = time.monotonic() - started
    h.log(f"encrypted and proved {len(made)} ballots in {seconds:.1f}s on {workers} processes")
    return made, seconds


def close_and_release(app, survey_id: int) -> float:
    from core.extensions import db
    from surveys import tally
    from surveys.models import Survey

    started = time.monotonic()
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        tally.end_voting(survey)
        db.session.commit()
        tally.prepare_release(survey)
        db.session.commit()
        tally.release_with_server_key(survey)
        db.session.commit()
        db.session.remove()
    return time.monotonic() - started


def write_record(app, survey_id: int, path: Path) -> float:
    from core.extensions import db
    from surveys import record
    from surveys.models import Survey

    started = time.monotonic()
    with app.app_context():
        with path.open("w", encoding="utf-8") as out:
            for piece in record.stream(db.session.get(Survey, survey_id)):
                out.write(piece)
        db.session.remove()
    return time.monotonic() - started


def verify(path: Path) -> tuple[int, float, str]:
    """The standalone command on the file, its progress passed through; (status, seconds, verdict)."""
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "crypto.verify", str(path)], cwd=ROOT, stdout=subprocess.PIPE,
                          stderr=None, text=True)
    return done.returncode, time.monotonic() - started, done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ballots", type=int, default=BALLOTS)
    parser.add_argument("--quick", action="store_true", help="200 ballots")
    options = parser.parse_args()
    count = 200 if options.quick else options.ballots
    folder = Path(tempfile.mkdtemp(prefix="leverage-bench-record-"))
    try:
        instance = folder / "instance"
        instance.mkdir()
        app = h.build_app(f"sqlite:///{folder / 'bench.db'}", str(instance))
        world = h.create_unit_with_members(app, 0, name="Record")
        kinds = h.survey_questions(QUESTIONS)
        info = h.create_survey(app, world, kinds, title="Record bench", voters=h.synthetic_voters(count))
        made, encrypt_seconds = make_ballots(info, kinds, count)
        respondents = h.eligible_cells(app, info.id)
        expected = h.insert_composed_ballots(app, info.id, RealBallots(kinds, made, info.public_key, info.context),
                                             respondents)
        release_seconds = close_and_release(app, info.id)
        released = h.check_released(app, info.id, expected)
        path = folder / "record.json"
        write_seconds = write_record(app, info.id, path)
        h.log(f"wrote the record ({path.stat().st_size / 1e6:.1f} MB) in {write_seconds:.1f}s; verifying")
        load_before = os.getloadavg()[0]
        status, verify_seconds, verdict = verify(path)
        result = {
            "ballots": count, "questions": QUESTIONS, "options": 5, "key_mode": "server_key",
            "cores": os.cpu_count(), "python": sys.version.split()[0],
            "encrypt_seconds": round(encrypt_seconds, 1), "close_and_release_seconds": round(release_seconds, 1),
            "released_counts_match": released["ok"],
            "groups_released": sum(g["approved"] for g in released["groups"]),
            "record_megabytes": round(path.stat().st_size / 1e6, 1), "record_write_seconds": round(write_seconds, 1),
            "verify_exit_status": status, "verify_seconds": round(verify_seconds, 1),
            "verify_ms_per_ballot": round(verify_seconds * 1000 / count, 1),
            # Other work on the machine slows the verifier down: the 1-minute load average before and after.
            "load_average": [round(load_before, 1), round(os.getloadavg()[0], 1)],
            "goal_seconds": GOAL_SECONDS, "meets_goal": status == 0 and verify_seconds <= GOAL_SECONDS,
            "verdict": verdict,
        }
        print(json.dumps(result, indent=2))
        if status != 0 or not released["ok"]:
            sys.exit(1)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
