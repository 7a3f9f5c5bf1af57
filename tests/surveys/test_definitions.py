"""Defining and launching surveys: settings that could never protect anyone are
refused, questions are checked, only an unlaunched draft can be changed, and
the lifecycle draft -> open -> closed -> released only moves forward."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from core.clock import utcnow
from surveys import definitions, launch, tally
from surveys.errors import SurveyError
from surveys.models import EligibleVoter, KeyMode, QuestionType, SurveyKind, SurveyState, SurveyStateError
from tests.surveys.helpers import cast_all, launched_pulse, pulse, row_count, voters

SETTINGS = definitions.SurveySettings(kind=SurveyKind.PULSE, title="Pulse", key_mode=KeyMode.SERVER_KEY,
                                      release_threshold=5, comment_threshold=10)


@pytest.mark.parametrize("changes, field", [
    ({"release_threshold": 1}, "release_threshold"),
    ({"release_threshold": 0}, "release_threshold"),
    ({"release_threshold": 5, "comment_threshold": 4}, "comment_threshold"),
    ({"key_mode": KeyMode.TRUSTEES, "trustee_threshold": None}, "trustee_threshold"),
    ({"key_mode": KeyMode.TRUSTEES, "trustee_threshold": 0}, "trustee_threshold"),
    ({"opens_at": utcnow() + timedelta(days=2), "closes_at": utcnow() + timedelta(days=1)}, "closes_at"),
    ({"kind": SurveyKind.VOTE, "recurrence_weeks": 4}, "recurrence_weeks"),
    ({"recurrence_weeks": 0}, "recurrence_weeks"),
    ({"recurrence_weeks": 53}, "recurrence_weeks"),
])
def test_impossible_settings_are_refused(app_ctx, changes, field):
    with pytest.raises(SurveyError) as refused:
        definitions.create_survey("test:1", replace(SETTINGS, **changes))
    assert refused.value.field == field


@pytest.mark.parametrize("t", [1, 0, -3])
def test_a_trustee_quorum_below_two_is_refused_and_nothing_stored(app_ctx, t):
    trustees = replace(SETTINGS, key_mode=KeyMode.TRUSTEES, trustee_threshold=t)
    with pytest.raises(SurveyError) as refused:
        definitions.create_survey("test:1", trustees)
    assert refused.value.field == "trustee_threshold"
    assert (t != 0) == ("at least 2 trustees" in refused.value.message)
    assert definitions.surveys_in_scope("test:1") == []


def test_a_draft_cannot_be_changed_to_a_quorum_of_one(app_ctx):
    survey = definitions.create_survey("test:1", replace(SETTINGS, key_mode=KeyMode.TRUSTEES, trustee_threshold=2))
    with pytest.raises(SurveyError, match="at least 2 trustees"):
        definitions.update_settings(survey, replace(SETTINGS, key_mode=KeyMode.TRUSTEES, trustee_threshold=1))
    assert survey.trustee_threshold == 2


def test_a_new_survey_is_a_draft_that_starts_its_own_series(app_ctx):
    survey = definitions.create_survey("test:1", SETTINGS)
    assert survey.state == SurveyState.DRAFT and survey.is_editable
    assert survey.series_id == survey.id and survey.round_number == 1


def test_endorsements_default_to_a_lower_threshold():
    assert SurveyKind.ENDORSEMENT.default_threshold == 3
    assert SurveyKind.PULSE.default_threshold == 5


# -- questions -----------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs", [
    {"type": QuestionType.SINGLE_CHOICE, "prompt": "Pick", "options": ["Only one"]},
    {"type": QuestionType.SINGLE_CHOICE, "prompt": "Pick", "options": ["Same", "same"]},
    {"type": QuestionType.MULTIPLE_CHOICE, "prompt": "Pick", "options": ["A", "B"], "max_choices": 3},
    {"type": QuestionType.MULTIPLE_CHOICE, "prompt": "Pick", "options": ["A", "B"], "max_choices": 0},
    {"type": QuestionType.YES_NO, "prompt": "   "},
])
def test_malformed_questions_are_refused(app_ctx, kwargs):
    survey = definitions.create_survey("test:1", SETTINGS)
    with pytest.raises(SurveyError):
        definitions.add_question(survey, **kwargs)
    assert survey.questions == []


def test_questions_get_their_fixed_options(app_ctx):
    survey = definitions.create_survey("test:1", SETTINGS)
    scale = definitions.add_question(survey, type=QuestionType.SCALE, prompt="How much?", options=[" ", ""])
    yes_no = definitions.add_question(survey, type=QuestionType.YES_NO, prompt="Yes?", options=["Maybe"])
    text = definitions.add_question(survey, type=QuestionType.FREE_TEXT, prompt="Say", options=["x"],
                                    allows_cant_say=True)
    assert scale.options == definitions.DEFAULT_SCALE_LABELS, "a scale given no labels takes the standard five"
    assert yes_no.options == ["Yes", "No"]
    assert text.options == [] and not text.allows_cant_say
    assert definitions.ballot_questions(survey) == [scale, yes_no]


def test_a_scales_own_five_labels_are_kept_as_written(app_ctx):
    survey = definitions.create_survey("test:1", SETTINGS)
    labels = ["Never", "Rarely", "Sometimes", "Often", "Every shift"]
    scale = definitions.add_question(survey, type=QuestionType.SCALE, prompt="How often?", options=labels)
    assert scale.options == labels


@pytest.mark.parametrize("labels, words", [
    (["Never", "Rarely", "Often"], "3 were given"),
    (["Always"], "1 was given"),
    ([f"Point {i}" for i in range(6)], "6 were given"),
    (["Low", "low", "Mid", "High", "Top"], "its own label"),
])
def test_a_scale_with_other_than_five_labels_is_refused_not_replaced(app_ctx, labels, words):
    survey = definitions.create_survey("test:1", SETTINGS)
    with pytest.raises(SurveyError, match=words) as refused:
        definitions.add_question(survey, type=QuestionType.SCALE, prompt="How often?", options=labels)
    assert refused.value.field == "options"
    assert survey.questions == []


VOTE = replace(SETTINGS, kind=SurveyKind.VOTE, title="Strike authorization")


def test_the_standard_vote_question_is_a_yes_or_no_on_the_title(app_ctx):
    survey = definitions.create_survey("test:1", VOTE)
    question = definitions.add_standard_vote_question(survey)
    assert (question.type, question.options) == (QuestionType.YES_NO, ["Yes", "No"])
    assert question.prompt == "Do you vote yes on \u201cStrike authorization\u201d?"
    assert not question.allows_cant_say
    launch.launch(survey, voters(10), [])
    assert survey.state == SurveyState.OPEN


def test_a_vote_without_a_yes_or_no_question_cannot_launch(app_ctx):
    survey = definitions.create_survey("test:1", VOTE)
    definitions.add_question(survey, type=QuestionType.SCALE, prompt="How sure are you?")
    with pytest.raises(SurveyError, match="A vote needs a yes/no question"):
        launch.launch(survey, voters(10), [])
    assert survey.public_key is None and row_count(EligibleVoter, survey) == 0
    pulse_survey = definitions.create_survey("test:1", SETTINGS)
    definitions.add_question(pulse_survey, type=QuestionType.SCALE, prompt="How sure are you?")
    launch.launch(pulse_survey, voters(10), [])  # only a vote needs one


def test_removing_a_question_renumbers_the_rest(app_ctx):
    survey = pulse()
    first, second, *_ = survey.questions
    definitions.remove_question(survey, first)
    assert [q.position for q in survey.questions] == list(range(len(survey.questions)))
    assert survey.questions[0] is second


def test_a_question_of_another_survey_cannot_be_removed(app_ctx):
    survey, other = pulse(), pulse()
    with pytest.raises(SurveyError):
        definitions.remove_question(survey, other.questions[0])


# -- launch --------------------------------------------------------------------------------------

def test_launch_with_fewer_than_k_eligible_people_is_refused_and_stores_nothing(app_ctx):
    survey = pulse(k=5)
    with pytest.raises(SurveyError, match="4 people"):
        launch.launch(survey, voters(4), ["department"])
    assert survey.state == SurveyState.DRAFT and survey.public_key is None
    assert row_count(EligibleVoter, survey) == 0


def test_a_survey_of_free_text_only_cannot_launch(app_ctx):
    survey = definitions.create_survey("test:1", SETTINGS)
    definitions.add_question(survey, type=QuestionType.FREE_TEXT, prompt="Say anything")
    with pytest.raises(SurveyError):
        launch.launch(survey, voters(10), [])


def test_launch_snapshots_the_eligible_people_and_opens_now(app_ctx):
    survey = pulse()
    report = launch.launch(survey, voters(12, ("A", "B")), ["department"])
    assert report.opens_now and report.eligible == 12
    assert survey.state == SurveyState.OPEN and survey.opened_on is not None
    assert row_count(EligibleVoter, survey) == 12 == survey.eligible_count
    assert survey.public_key is not None and survey.segment_plan["dimensions"] == ["department"]


def test_a_survey_cannot_be_launched_twice(app_ctx):
    survey = launched_pulse(voters(10))
    with pytest.raises(SurveyError):
        launch.launch(survey, voters(10), [])


def test_a_scheduled_survey_stays_a_draft_until_its_time(app_ctx):
    survey = pulse(opens_at=utcnow() + timedelta(days=1))
    report = launch.launch(survey, voters(10), [])
    assert not report.opens_now and survey.state == SurveyState.DRAFT
    assert not launch.open_if_due(survey)
    survey.opens_at = utcnow() - timedelta(minutes=1)
    assert launch.open_if_due(survey) and survey.state == SurveyState.OPEN


def test_an_unlaunched_draft_never_opens_by_itself(app_ctx):
    survey = pulse(opens_at=utcnow() - timedelta(days=1))
    assert not launch.open_if_due(survey)
    assert survey.state == SurveyState.DRAFT


# -- only drafts change --------------------------------------------------------------------------

def _edits(survey):
    return [
        lambda: definitions.add_question(survey, type=QuestionType.YES_NO, prompt="One more?"),
        lambda: definitions.remove_question(survey, survey.questions[0]),
        lambda: definitions.update_settings(survey, replace(SETTINGS, release_threshold=2, comment_threshold=2)),
    ]


@pytest.mark.parametrize("edit", range(3), ids=["add_question", "remove_question", "update_settings"])
def test_an_open_survey_cannot_be_edited(app_ctx, edit):
    survey = launched_pulse(voters(10))
    questions_before = [q.id for q in survey.questions]
    with pytest.raises(SurveyError):
        _edits(survey)[edit]()
    assert [q.id for q in survey.questions] == questions_before
    assert survey.release_threshold == 5


@pytest.mark.parametrize("edit", range(3), ids=["add_question", "remove_question", "update_settings"])
def test_a_launched_survey_waiting_to_open_cannot_be_edited(app_ctx, edit):
    # Launch fixed its key, its people and a breakdown planned for this k: lowering
    # k now, or changing its questions, would break what launch promised.
    survey = launched_pulse(voters(10), opens_at=utcnow() + timedelta(days=1))
    assert survey.state == SurveyState.DRAFT and not survey.is_editable
    with pytest.raises(SurveyError):
        _edits(survey)[edit]()
    assert survey.release_threshold == 5 and len(survey.questions) == 4


def test_a_draft_can_be_edited(app_ctx):
    survey = pulse()
    definitions.update_settings(survey, replace(SETTINGS, title="Renamed", release_threshold=6,
                                                comment_threshold=12))
    assert survey.title == "Renamed" and survey.release_threshold == 6


# -- states --------------------------------------------------------------------------------------

def test_state_transitions_only_move_forward(app_ctx):
    survey = pulse()
    with pytest.raises(SurveyStateError):
        survey.mark_closed()
    with pytest.raises(SurveyStateError):
        survey.mark_released()
    launch.launch(survey, voters(10), [])
    with pytest.raises(SurveyStateError):
        survey.mark_open()
    with pytest.raises(SurveyStateError):
        survey.mark_released()
    tally.close(survey)
    assert survey.state == SurveyState.CLOSED
    with pytest.raises(SurveyStateError):
        survey.mark_open()
    assert tally.release_with_server_key(survey)
    assert survey.state == SurveyState.RELEASED
    for move in (survey.mark_open, survey.mark_closed, survey.mark_released):
        with pytest.raises(SurveyStateError):
            move()


def test_closing_is_idempotent_and_a_released_survey_stays_released(app_ctx):
    survey = launched_pulse(voters(10))
    cast_all(survey, list(voters(10))[:6])
    tally.close(survey)
    groups = len(survey.groups)
    tally.close(survey)
    assert len(survey.groups) == groups
    assert tally.release_with_server_key(survey)
    tally.close(survey)
    assert not tally.release_with_server_key(survey)
    assert survey.state == SurveyState.RELEASED and len(survey.groups) == groups


def test_launch_refuses_a_survey_whose_closing_time_has_passed(app_ctx):
    survey = pulse(closes_at=utcnow() - timedelta(minutes=1))
    with pytest.raises(SurveyError, match="closing time has already passed"):
        launch.launch(survey, voters(10), ["department"])
    assert survey.public_key is None and survey.state == SurveyState.DRAFT
