"""surveys.booth: the page's parameters are exactly what the booth's JavaScript
needs to make a ballot and comments the ballot box accepts for this survey,
and an opened ballot is checked against this survey's own key and questions."""

from __future__ import annotations

import base64
import json

import pytest

from crypto.ballot import QuestionKind
from surveys import ballot_box, booth, definitions, launch
from surveys.definitions import ballot_questions, question_spec
from surveys.errors import SurveyNotOpen
from surveys.models import QuestionType, Survey
from tests.crypto.test_browser_vectors import run_js
from tests.surveys.helpers import pulse, voters

PEOPLE = voters(6)


def every_kind_of_question(survey: Survey) -> None:
    """Beside the pulse's yes/no (can't say), scale and multiple choice (up to 2 of 4), and its comment."""
    definitions.add_question(survey, type=QuestionType.SINGLE_CHOICE, prompt="Which shift?",
                             options=["Early", "Late", "Night"], allows_cant_say=True)
    definitions.add_question(survey, type=QuestionType.FREE_TEXT, prompt="What would you change?")
    definitions.add_question(survey, type=QuestionType.MULTIPLE_CHOICE, prompt="Which days?",
                             options=["Mon", "Tue", "Wed"], max_choices=3, allows_cant_say=True)


@pytest.fixture
def survey(app_ctx) -> Survey:
    survey = pulse()
    every_kind_of_question(survey)
    launch.launch(survey, PEOPLE, ("department",), ())
    return survey


def test_the_parameters_describe_the_ballot_questions_in_ballot_order(survey):
    params = booth.booth_parameters(survey)
    assert json.loads(json.dumps(params)) == params
    assert params["version"] == 1 and params["survey_id"] == survey.id
    assert base64.b64decode(params["public_key"]) == survey.public_key
    assert base64.b64decode(params["context"]) == survey.context
    in_order = ballot_questions(survey)
    assert [q["question_id"] for q in params["questions"]] == [q.id for q in in_order]
    for entry, question in zip(params["questions"], in_order):
        spec = question_spec(question)
        assert QuestionKind[entry["kind"].upper()] is spec.kind
        assert (entry["options"], entry["max_choices"], entry["allows_cant_say"]) == \
            (spec.options, spec.max_choices, spec.allows_cant_say)
    assert [entry["kind"] for entry in params["questions"]] == \
        ["yes_no", "scale", "multiple_choice", "single_choice", "multiple_choice"]
    free_text = [q for q in survey.questions if q.is_free_text]
    assert [c["question_id"] for c in params["comments"]] == [q.id for q in free_text]
    for entry, question in zip(params["comments"], free_text):
        assert base64.b64decode(entry["context"]) == ballot_box.comment_context(survey, question.id)
    assert params["max_comment"] == ballot_box.MAX_COMMENT


def test_a_survey_without_a_key_has_no_parameters(app_ctx):
    with pytest.raises(SurveyNotOpen):
        booth.booth_parameters(pulse())


def test_a_ballot_the_javascript_makes_from_the_parameters_is_accepted(survey):
    params = booth.booth_parameters(survey)
    answers = ["cant_say", 4, [1, 3], 2, "cant_say"]
    ballot, = run_js("encrypt", params=params, answer_sets=[answers])
    texts = {entry["question_id"]: f"note for {entry['question_id']}" for entry in params["comments"]}
    sealed = run_js("seal", params=params, comments=[{"question_id": q, "text": t} for q, t in texts.items()])
    comments = {q: base64.b64decode(s) for q, s in zip(texts, sealed)}
    receipt = ballot_box.cast_encrypted(survey, "voter:0", base64.b64decode(ballot["payload"]), comments)
    assert receipt.fingerprint == ballot["tracker"]
    assert ballot_box.has_answered(survey, "voter:0")


def test_an_opening_checks_against_its_own_survey_only(survey, app_ctx):
    params = booth.booth_parameters(survey)
    answers = [True, 1, [], 0, [0, 2]]
    ballot, = run_js("encrypt", params=params, answer_sets=[answers])
    document = json.dumps(ballot["opening"]).encode()
    checked = booth.check_opening(survey, document)
    assert checked.ok, checked.reason
    assert list(checked.answers) == [True, 1, (), 0, (0, 2)]

    other = pulse(scope="test:2")
    every_kind_of_question(other)
    launch.launch(other, PEOPLE, ("department",), ())
    refused = booth.check_opening(other, document)
    assert not refused.ok and "another survey" in refused.reason

    # A document that carries made-up parameters for this survey's id is not taken at its word.
    forged = json.loads(document)
    forged["parameters"]["questions"][1]["options"] = 7
    refused = booth.check_opening(survey, json.dumps(forged).encode())
    assert not refused.ok and refused.reason
    assert not booth.check_opening(survey, b"not json").ok
