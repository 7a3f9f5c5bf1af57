"""Builders for survey-engine tests: generic scopes and voter refs, no unions."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import sqlalchemy as sa
from flask import Flask

from core.extensions import db
from core.jobs import registry_of
from surveys import ballot_box, definitions, keys, launch
from surveys.ballot_box import Receipt
from surveys.definitions import ballot_questions
from surveys.models import BallotPool, KeyMode, QuestionType, Survey, SurveyKind, TallyGroup
from surveys.pool import Pool


def voters(count: int, departments: tuple[str, ...] = ("Day",), shifts: tuple[str, ...] = ()) -> dict:
    """`count` voters spread round-robin over departments (and shifts)."""
    people = {}
    for i in range(count):
        segments = {"department": departments[i % len(departments)]}
        if shifts:
            segments["shift"] = shifts[(i // len(departments)) % len(shifts)]
        people[f"voter:{i}"] = segments
    return people


def pulse(*, k: int = 5, key_mode: KeyMode = KeyMode.SERVER_KEY, t: int | None = None,
          comment_threshold: int = 10, with_comment: bool = True, scope: str = "test:1", **settings) -> Survey:
    survey = definitions.create_survey(scope, definitions.SurveySettings(
        kind=SurveyKind.PULSE, title="Pulse", key_mode=key_mode, release_threshold=k,
        comment_threshold=comment_threshold, trustee_threshold=t, **settings))
    definitions.add_question(survey, type=QuestionType.YES_NO, prompt="Would you vote yes?", allows_cant_say=True)
    definitions.add_question(survey, type=QuestionType.SCALE, prompt="How willing are you to act?")
    definitions.add_question(survey, type=QuestionType.MULTIPLE_CHOICE, prompt="Top issues",
                             options=["Pay", "Safety", "Scheduling", "Respect"], max_choices=2)
    if with_comment:
        definitions.add_question(survey, type=QuestionType.FREE_TEXT, prompt="Anything else?")
    return survey


def launched_pulse(people: dict, dimensions=("department", "shift"), trustees=(), **kwargs) -> Survey:
    survey = pulse(**kwargs)
    launch.launch(survey, people, dimensions, trustees)
    return survey


def answers(survey: Survey, yes: bool, scale: int, issues=(0,), comment: str = "") -> dict:
    yes_no, willing, top, *text = survey.questions
    result = {yes_no.id: yes, willing.id: scale, top.id: list(issues)}
    if text:
        result[text[0].id] = comment
    return result


# -- answering in bulk ----------------------------------------------------------------------------

def answer_plan(i: int) -> tuple[bool, int, tuple[int, ...]]:
    """The i-th respondent's (yes, scale, issues): varied, and easy to recount by hand."""
    return i % 3 != 0, 1 + i % 5, (i % 4,) if i % 2 else (i % 4, (i + 1) % 4)


def cast_all(survey: Survey, refs: Iterable[str],
             comment: Callable[[int], str] = lambda i: "") -> list[Receipt]:
    """Each ref answers once, following `answer_plan` by position."""
    receipts = []
    for i, ref in enumerate(refs):
        yes, scale, issues = answer_plan(i)
        receipts.append(ballot_box.cast(survey, ref, answers(survey, yes, scale, issues, comment=comment(i))))
    return receipts


def expected_counts(survey: Survey, refs: list[str], group: TallyGroup) -> dict[str, list[int]]:
    """Recount, from the answers given, what `group` should show."""
    yes_no, scale, top = ballot_questions(survey)
    counts = {str(yes_no.id): [0, 0, 0], str(scale.id): [0] * 5, str(top.id): [0] * 4}
    for i, ref in enumerate(refs):
        if ballot_box.eligibility(survey, ref).cell not in group.cells:
            continue
        yes, value, issues = answer_plan(i)
        counts[str(yes_no.id)][0 if yes else 1] += 1
        counts[str(scale.id)][value - 1] += 1
        for issue in issues:
            counts[str(top.id)][issue] += 1
    return counts


def row_count(model, survey: Survey | None = None) -> int:
    query = sa.select(sa.func.count()).select_from(model)
    if survey is not None:
        query = query.where(model.survey_id == survey.id)
    return db.session.scalar(query)


def alter_pool(survey: Survey, change: Callable[[Pool], None]) -> None:
    """Change what waits in a survey's pool, as damage on disk (or an attacker
    holding the application key) would: the engine must cope with what it finds."""
    row = db.session.get(BallotPool, survey.id)
    pool = Pool.from_bytes(row.sealed, survey.id)
    change(pool)
    row.sealed = pool.to_bytes()
    db.session.flush()


# -- trustees -------------------------------------------------------------------------------------

def passphrase(trustee_ref: str) -> str:
    return f"a long trustee passphrase for {trustee_ref}"


def register_trustees(*trustee_refs: str) -> None:
    for ref in trustee_refs:
        keys.register_trustee_key(ref, passphrase(ref))


# -- jobs -----------------------------------------------------------------------------------------

def run_job(app: Flask, job_id: str) -> object:
    """Run a registered job as the scheduler does: its own app context, session and commit.

    The test's own session commits first (SQLite allows one writer) and forgets
    what it loaded afterwards, so it sees what the job did."""
    db.session.commit()
    result = registry_of(app).run(app, job_id)
    db.session.expire_all()
    return result
