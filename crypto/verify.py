"""The independent verifier, as a command that needs only this package.

    python -m crypto.verify RECORD.json [--tracker TRACKER] [--workers N]
    python -m crypto.verify check-ballot OPENING.json

The first checks an election record (see ``crypto.record``), the transcript
of the key ceremony that made its key when there was one (``crypto.dkg``),
and, with ``--tracker``, that a receipt's tracker is in it; the second checks a ballot
opened for checking in the booth (Benaloh's challenge, ``crypto.ballot``).
Progress goes to stderr, the verdict to stdout; the exit status is 0 when
everything checks out, 1 naming the first thing that does not, 2 when the
file cannot be read. ``flask surveys verify`` runs the same function.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TextIO

from crypto.ballot import answer_to_json, check_opening, read_opening
from crypto.errors import CryptoError, DecodeError
from crypto.record import KEY_MADE_BY_CEREMONY, RecordError, VerifiedRecord, load_record, verify_record

OK = 0
FAILED = 1
UNREADABLE = 2
#: Seconds between two progress lines of the same step.
PROGRESS_EVERY = 2.0


class _Progress:
    """Progress lines on stderr: the first and last of each step, and one every
    PROGRESS_EVERY seconds between (a 2,000-ballot record takes a while)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.last: dict[str, float] = {}

    def __call__(self, step: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done in (0, total) or now - self.last.get(step, 0.0) >= PROGRESS_EVERY:
            self.last[step] = now
            print(f"{step}: {done} of {total}", file=self.stream, flush=True)


def _summary(result: VerifiedRecord) -> str:
    lines = [f"The election record of survey {result.survey_id} checks out."]
    lines.append(f"{result.ballots} ballots: every proof verifies and no tracker repeats.")
    lines.append(f"{result.groups} released sums: each is the sum of its ballots.")
    if result.released:
        lines.append(f"{result.decryptions} decryptions: each is proven, and the released figures "
                     f"are what the sums decrypt to ({result.comments_opened} comments opened).")
    else:
        lines.append("Nothing is released yet: there is no decryption to check.")
    if result.tracker is not None:
        lines.append(f"The tracker {result.tracker} is in the record.")
    return "\n".join(lines)


def check_record_file(path: str | Path, *, tracker: str | None = None, workers: int | None = None,
                      stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Verify the record in ``path``; print the verdict; return the exit status."""
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    try:
        data = Path(path).read_bytes()
    except OSError as problem:
        print(f"Cannot read {path}: {problem.strerror or problem}", file=stderr)
        return UNREADABLE
    try:
        print(f"reading {path}", file=stderr, flush=True)
        record = load_record(data)
        result = verify_record(record, tracker=tracker, on_progress=_Progress(stderr), workers=workers)
    except RecordError as failure:
        print(f"FAILED: {failure}", file=stdout)
        return FAILED
    print(_summary(result), file=stdout)
    if record["parameters"]["key"].get("made_by") == KEY_MADE_BY_CEREMONY:
        # verify_record has checked the transcript and that it makes the record's key.
        print("The trustees made the key together in a key ceremony, with no dealer: its transcript "
              "checks out and makes exactly this key.", file=stdout)
    return OK


def check_opening_file(path: str | Path, *, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Check a ballot opening in ``path``; print what the ballot holds; return the exit status."""
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    try:
        opening = read_opening(Path(path).read_bytes())
    except OSError as problem:
        print(f"Cannot read {path}: {problem.strerror or problem}", file=stderr)
        return UNREADABLE
    except (DecodeError, CryptoError) as bad:
        print(f"FAILED: {bad}", file=stdout)
        return FAILED
    checked = check_opening(opening)
    if not checked.ok:
        print(f"FAILED: {checked.reason}", file=stdout)
        return FAILED
    answers = ", ".join(str(answer_to_json(a)) for a in checked.answers or ())
    print(f"The ballot {opening.tracker} of survey {opening.survey_id} holds exactly the answers shown: "
          f"{answers}.", file=stdout)
    print("It was opened for checking, so it can never be cast.", file=stdout)
    return OK


def main(argv: list[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["check-ballot"]:
        parser = argparse.ArgumentParser(prog="python -m crypto.verify check-ballot",
                                         description="Check a ballot opened for checking in the booth.")
        parser.add_argument("opening", help="the opening the booth let you download (JSON)")
        return check_opening_file(parser.parse_args(arguments[1:]).opening)
    parser = argparse.ArgumentParser(
        prog="python -m crypto.verify",
        description="Check a survey's election record; or 'check-ballot OPENING.json' for an opened ballot.")
    parser.add_argument("record", help="the election record (JSON) downloaded from the results page")
    parser.add_argument("--tracker", help="a receipt's tracker that must be in the record")
    parser.add_argument("--workers", type=int, default=None, help="threads checking ballots (default: one per core)")
    options = parser.parse_args(arguments)
    return check_record_file(options.record, tracker=options.tracker, workers=options.workers)


if __name__ == "__main__":
    sys.exit(main())
