"""`flask surveys ...`: the election record from the command line.

`flask surveys verify RECORD [--tracker T]` runs the same verifier as the
standalone `python -m crypto.verify` (it reads only the file, never the
database), and `flask surveys record SURVEY_ID [--output FILE]` writes the
record of a closed survey, as the results page offers it for download.
"""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from core.extensions import db
from crypto import verify
from surveys import record
from surveys.errors import SurveyError
from surveys.models import Survey

surveys_cli = AppGroup("surveys", help="Surveys' election records.")


@surveys_cli.command("verify")
@click.argument("record_file", metavar="RECORD", type=click.Path(dir_okay=False))
@click.option("--tracker", help="A receipt's tracker that must be in the record.")
@click.option("--workers", type=int, default=None, help="Threads checking ballots (default: one per core).")
def verify_record(record_file: str, tracker: str | None, workers: int | None) -> None:
    """Check an election record; exit non-zero naming the first thing that fails."""
    sys.exit(verify.check_record_file(record_file, tracker=tracker, workers=workers))


@surveys_cli.command("record")
@click.argument("survey_id", type=int)
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-",
              help="Where to write the record (default: standard output).")
def write_record(survey_id: int, output) -> None:
    """Write the election record of a closed survey."""
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        raise click.ClickException(f"There is no survey {survey_id}.")
    try:
        pieces = record.stream(survey)
    except SurveyError as refused:
        raise click.ClickException(refused.message) from None
    for piece in pieces:
        output.write(piece)
    output.write("\n")
