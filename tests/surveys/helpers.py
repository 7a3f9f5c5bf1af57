"""Builders for survey-engine tests: generic scopes and voter refs, no unions."""

from __future__ import annotations

from surveys import definitions, launch
from surveys.models import KeyMode, QuestionType, Survey, SurveyKind


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
          comment_threshold: int = 10, with_comment: bool = True, **settings) -> Survey:
    survey = definitions.create_survey("test:1", definitions.SurveySettings(
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
