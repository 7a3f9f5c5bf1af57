"""The engine's typed read API (`surveys.results`): a released result is the
whole group and its breakdowns, with respondents, eligible people, approval,
the reason a group is withheld and counts keyed by question; nothing is a
result before release, and participation exists only once a survey has closed
(PRIVACY.md invariants 4, 9 and 10)."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from surveys import ballot_box, definitions, keys, launch, results, tally
from surveys.definitions import ballot_questions
from surveys.models import KeyMode, QuestionType, Survey, SurveyKind
from tests.surveys.helpers import (
    cast_all,
    expected_counts,
    launched_pulse,
    passphrase,
    pulse,
    register_trustees,
    voters,
)


def _released_pulse(people: dict, answering: int, **kwargs) -> Survey:
    survey = launched_pulse(people, **kwargs)
    cast_all(survey, list(people)[:answering], comment=lambda i: f"comment {i}")
    tally.close(survey)
    assert tally.release_with_server_key(survey)
    return survey


# -- released ---------------------------------------------------------------------------------------

def test_nothing_is_a_released_result_before_release(app_ctx):
    people = voters(12)
    survey = launched_pulse(people)
    cast_all(survey, list(people)[:10])
    assert results.released(survey) is None
    tally.close(survey)
    assert results.released(survey) is None
    assert tally.release_with_server_key(survey)
    assert results.released(survey) is not None


def test_a_released_result_holds_the_counts_of_each_question_keyed_by_question(app_ctx):
    people = voters(16, ("A", "B"))
    survey = _released_pulse(people, 12, dimensions=("department",))
    refs = list(people)[:12]
    result = results.released(survey)
    assert result.survey is survey and result.eligible == 16
    assert (result.whole.dimension, result.whole.respondents, result.whole.eligible) == (None, 12, 16)
    assert result.whole.is_approved and result.whole.is_shown and result.whole.withheld_reason is None
    tally_groups = {group.label: group for group in survey.groups}
    for group in (result.whole, *result.breakdown_groups):
        expected = expected_counts(survey, refs, tally_groups[group.label])
        assert {counted.question.id: counted.counts for counted in group.questions} == {
            int(question_id): tuple(counts) for question_id, counts in expected.items()}
        for question in ballot_questions(survey):
            assert group.counts_for(question) == tuple(expected[str(question.id)])
    assert list(result.breakdowns) == ["department"]
    assert [(g.label, g.respondents, g.eligible) for g in result.breakdowns["department"]] == [("A", 6, 8),
                                                                                              ("B", 6, 8)]
    free_text = next(q for q in survey.questions if q.is_free_text)
    assert result.whole.counts_for(free_text) is None


def test_a_withheld_group_carries_its_reason_and_no_counts(app_ctx):
    people = voters(12, ("A", "B"))
    survey = _released_pulse(people, 4, dimensions=("department",), k=5)
    result = results.released(survey)
    assert not result.whole.is_approved and not result.whole.is_shown
    assert result.whole.questions is None and result.whole.withheld_reason
    assert result.whole.respondents == 4
    assert all(group.counts_for(question) is None
               for group in (result.whole, *result.breakdown_groups) for question in ballot_questions(survey))
    view = results.results_of(survey)
    assert not view.whole.is_shown and view.whole.group.withheld_reason == result.whole.withheld_reason


def test_a_released_result_cannot_be_altered(app_ctx):
    result = results.released(_released_pulse(voters(10), 8, dimensions=()))
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.eligible = 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.whole.respondents = 1


def test_results_of_refuses_a_survey_not_yet_released(app_ctx):
    survey = launched_pulse(voters(10))
    with pytest.raises(ValueError, match="only once released"):
        results.results_of(survey)


# -- latest released ---------------------------------------------------------------------------------

def test_latest_released_is_the_last_closed_of_that_kind_in_that_scope(app_ctx):
    assert results.latest_released("test:1", SurveyKind.PULSE) is None
    older = _released_pulse(voters(10), 8, dimensions=())
    newer_id_closed_first = _released_pulse(voters(10), 9, dimensions=())
    newer_id_closed_first.closed_on = date(2000, 1, 1)
    _released_pulse(voters(10), 10, dimensions=(), scope="test:2")
    latest = results.latest_released("test:1", SurveyKind.PULSE)
    assert latest.survey is older and latest.whole.respondents == 8
    assert results.latest_released("test:1", SurveyKind.VOTE) is None
    assert results.latest_released("test:2", SurveyKind.PULSE).whole.respondents == 10


def _endorsement(subject_ref: str, answering: int) -> Survey:
    survey = definitions.create_survey("test:1", definitions.SurveySettings(
        kind=SurveyKind.ENDORSEMENT, title="Endorse", key_mode=KeyMode.SERVER_KEY, release_threshold=3))
    definitions.add_question(survey, type=QuestionType.SCALE, prompt="Do you back this?", subject_ref=subject_ref,
                             allows_cant_say=True)
    # Different people each time: the overlap rule would withhold a round that differs by one person.
    people = {f"{subject_ref}:{answering}:{i}": {"department": "Day"} for i in range(6)}
    launch.launch(survey, people, ())
    [question] = survey.questions
    for i, ref in enumerate(list(people)[:answering]):
        ballot_box.cast(survey, ref, {question.id: 1 + i % 5})
    tally.close(survey)
    assert tally.release_with_server_key(survey)
    return survey


def test_latest_released_about_finds_the_newest_question_on_each_subject(app_ctx):
    assert results.latest_released_about("test:1", SurveyKind.ENDORSEMENT, []) == {}
    _endorsement("claim:1", 4)
    newest = _endorsement("claim:1", 5)
    other = _endorsement("claim:2", 3)
    found = results.latest_released_about("test:1", SurveyKind.ENDORSEMENT, ["claim:1", "claim:2", "claim:3"])
    assert set(found) == {"claim:1", "claim:2"}
    question, result = found["claim:1"]
    assert result.survey is newest and question.survey is newest
    assert sum(result.whole.counts_for(question)) == 5
    assert found["claim:2"][1].survey is other
    assert results.latest_released_about("test:2", SurveyKind.ENDORSEMENT, ["claim:1"]) == {}
    assert results.latest_released_about("test:1", SurveyKind.PULSE, ["claim:1"]) == {}


# -- participation --------------------------------------------------------------------------------

def test_participation_exists_only_once_the_survey_has_closed(app_ctx):
    people = voters(12)
    survey = launched_pulse(people)
    assert results.participation(survey) is None
    cast_all(survey, list(people)[:7])
    assert results.participation(survey) is None  # no live count while open, however many answered
    tally.close(survey)
    assert results.participation(survey) == results.Participation(eligible=12, answered=7)
    tally.release_with_server_key(survey)
    assert results.participation(survey) == results.Participation(eligible=12, answered=7)


def test_a_draft_has_no_participation(app_ctx):
    survey = definitions.create_survey("test:1", definitions.SurveySettings(
        kind=SurveyKind.PULSE, title="Draft", key_mode=KeyMode.SERVER_KEY, release_threshold=5))
    assert results.participation(survey) is None


# -- the declared breakdown and comments ------------------------------------------------------------

def test_the_declared_breakdown_is_known_from_launch(app_ctx):
    people = voters(12, ("A", "B"))
    draft = pulse()
    assert results.declared_breakdown(draft) is None
    launch.launch(draft, people, ("department", "shift"))
    breakdown = results.declared_breakdown(draft)
    assert breakdown.dimensions == ("department",)
    assert any("shift" in note for note in breakdown.notes)


def test_released_comments_come_in_their_batch_order_and_only_once_released(app_ctx):
    people = voters(12)
    survey = launched_pulse(people, comment_threshold=10)
    cast_all(survey, list(people)[:11], comment=lambda i: f"comment {i}")
    assert results.released_comments(survey) == []
    tally.close(survey)
    assert results.released_comments(survey) == []
    tally.release_with_server_key(survey)
    released = results.released_comments(survey)
    [free_text] = [q for q in survey.questions if q.is_free_text]
    assert sorted(c.text for c in released) == sorted(f"comment {i}" for i in range(11))
    assert {c.question_id for c in released} == {free_text.id}
    view = results.results_of(survey)
    assert view.comments[free_text.id] == [c.text for c in released]


# -- trustees ------------------------------------------------------------------------------------

def test_trustees_are_read_as_who_holds_which_share_and_who_has_decrypted(app_ctx):
    register_trustees("trustee:a", "trustee:b", "trustee:c")
    people = voters(10)
    survey = launched_pulse(people, dimensions=(), key_mode=KeyMode.TRUSTEES, t=2,
                            trustees=("trustee:a", "trustee:b", "trustee:c"))
    server_keyed = launched_pulse(voters(10), dimensions=(), scope="test:2")
    assert keys.trustees_of(server_keyed) == []
    assert [(t.trustee_ref, t.share_index, t.has_decrypted) for t in keys.trustees_of(survey)] == [
        ("trustee:a", 1, False), ("trustee:b", 2, False), ("trustee:c", 3, False)]
    cast_all(survey, list(people)[:8])
    tally.close(survey)
    tally.contribute(survey, "trustee:b", passphrase("trustee:b"))
    assert [t.has_decrypted for t in keys.trustees_of(survey)] == [False, True, False]
    assert keys.surveys_held("trustee:b") == [survey] and keys.surveys_held("trustee:z") == []
