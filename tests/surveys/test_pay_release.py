"""A pay survey through the engine: answered, mixed, tallied and released like
any other, broken down by role; each role's counts per band and quartiles match
what the answers give by hand; a role with fewer than k answers, a role that
is the whole minus such a role, a role too small at launch, and a role that
differs from an earlier round's by one person all show nothing."""

from __future__ import annotations

import pytest

from surveys import ballot_box, definitions, launch, results, tally
from surveys.models import KeyMode, QuestionType, SurveyKind
from surveys.pay import ROLE, Band, Quarters, bands_in_steps, pay_release
from surveys.release import OTHER

K = 5



@pytest.fixture
def bands(app_ctx) -> tuple[Band, ...]:
    with app_ctx.test_request_context():
        return bands_in_steps(1500, 100, 10, open_top=True)


def _pay_survey(bands: tuple[Band, ...], scope: str = "test:pay"):
    survey = definitions.create_survey(scope, definitions.SurveySettings(
        kind=SurveyKind.PAY, title="Pay survey", key_mode=KeyMode.SERVER_KEY, release_threshold=K))
    definitions.add_question(survey, type=QuestionType.SINGLE_CHOICE, prompt="Your base pay an hour?",
                             options=[f"band {i}" for i in range(len(bands))], most_options=60)
    return survey


def _run(bands, roles: dict[str, str | None], answers: dict[str, int], scope: str = "test:pay"):
    """Launch to `roles` (ref -> role), let `answers` (ref -> band index) answer, close and release."""
    survey = _pay_survey(bands, scope)
    launch.launch(survey, {ref: {ROLE: role} for ref, role in roles.items()}, (ROLE,))
    [question] = survey.questions
    for ref, band in answers.items():
        ballot_box.cast(survey, ref, {question.id: band})
    tally.close(survey)
    assert tally.release_with_server_key(survey)
    return pay_release(results.released(survey), question, bands), survey


def _people(prefix: str, count: int, start: int = 0) -> list[str]:
    return [f"voter:{prefix}{i}" for i in range(start, start + count)]


def test_each_role_shows_its_bands_and_quartiles_as_counted_by_hand(bands):
    pickers, leads = _people("p", 6), _people("l", 5)
    picked = dict(zip(pickers, [2, 3, 3, 4, 5, 6], strict=True))
    led = dict(zip(leads, [7, 8, 8, 9, 10], strict=True))
    release, _ = _run(bands, {**{r: "Picker" for r in pickers}, **{r: "Lead" for r in leads}}, {**picked, **led})

    picker, lead = release.role("Picker"), release.role("Lead")
    assert picker.is_shown and lead.is_shown
    assert picker.counts == (0, 0, 1, 2, 1, 1, 1, 0, 0, 0, 0)
    assert lead.counts == (0, 0, 0, 0, 0, 0, 0, 1, 2, 1, 1)
    # Pickers in order: 2 3 3 4 5 6 (n = 6): answers 2, 3 and 5 (ceil 6/4, 6/2, ceil 18/4).
    assert picker.quarters == Quarters(bottom=3, middle=3, top=5)
    # Leads: 7 8 8 9 10 (n = 5): answers 2, 3 and 4.
    assert lead.quarters == Quarters(bottom=8, middle=8, top=9)
    # Everyone: 2 3 3 4 5 6 7 8 8 9 10 (n = 11): answers 3, 6 and 9.
    assert release.whole.counts == tuple(a + b for a, b in zip(picker.counts, lead.counts, strict=True))
    assert release.whole.quarters == Quarters(bottom=3, middle=6, top=8)
    # The spread: the leads' middle ($23 to $24) is five bands above the pickers' ($18 to $19): $4 to $6.
    assert (release.spread.highest.role, release.spread.lowest.role) == ("Lead", "Picker")
    assert (release.spread.gap.bands_apart, release.spread.gap.least, release.spread.gap.most) == (5, 400, 600)


def test_a_role_below_k_and_the_role_that_is_the_whole_minus_it_are_both_withheld(bands):
    pickers, leads = _people("p", 6), _people("l", 5)
    roles = {**{r: "Picker" for r in pickers}, **{r: "Lead" for r in leads}}
    # Only three leads answer: the whole (9) minus the pickers (6) would be those three.
    answers = {**{r: 3 for r in pickers}, **{r: 9 for r in leads[:3]}}
    release, _ = _run(bands, roles, answers)

    assert release.whole.is_shown and release.whole.respondents == 9
    lead, picker = release.role("Lead"), release.role("Picker")
    assert (lead.is_shown, lead.counts, lead.quarters) == (False, None, None)
    assert lead.respondents == 3 and "fewer than 5 answered" in lead.withheld_reason
    assert (picker.is_shown, picker.counts) == (False, None)
    assert "subtraction" in picker.withheld_reason
    assert release.spread is None


def test_a_role_too_small_at_launch_is_merged_and_never_named(bands):
    pickers, leads, supervisors = _people("p", 6), _people("l", 5), _people("s", 2)
    roles = {**{r: "Picker" for r in pickers}, **{r: "Lead" for r in leads}, **{r: "Supervisor" for r in supervisors}}
    release, survey = _run(bands, roles, {ref: 5 for ref in roles})
    # Two supervisors would make "Other" a group of two: the smallest kept role joins them.
    assert release.role("Supervisor") is None and release.role("Lead") is None
    assert [group.role for group in release.roles] == ["Picker", OTHER]
    other = release.role(OTHER)
    assert other.is_other and other.respondents == 7 and other.is_shown
    assert any("Supervisor" in note for note in results.declared_breakdown(survey).notes)
    # The spread is only between roles of their own, and there is one.
    assert release.spread is None


def test_a_role_one_person_apart_from_an_earlier_round_is_withheld(bands):
    pickers, leads = _people("p", 6), _people("l", 6)
    first, _ = _run(bands, {**{r: "Picker" for r in pickers}, **{r: "Lead" for r in leads}},
                    {**{r: 4 for r in pickers}, **{r: 8 for r in leads}})
    assert first.role("Picker").is_shown and first.role("Lead").is_shown

    # A round later: the same six pickers and one more, and six other leads.
    newcomer, new_leads = "voter:p-new", _people("m", 6)
    second, _ = _run(bands, {**{r: "Picker" for r in [*pickers, newcomer]}, **{r: "Lead" for r in new_leads}},
                     {**{r: 4 for r in pickers}, newcomer: 9, **{r: 8 for r in new_leads}})
    assert second.whole.is_shown, "the whole differs from the first round by seven people"
    picker = second.role("Picker")
    assert not picker.is_shown and picker.counts is None, (
        "this round's pickers minus the first round's are the newcomer alone")
    assert "earlier" in picker.withheld_reason
    # The leads would be the whole minus the first round's pickers and the newcomer: withheld too.
    assert not second.role("Lead").is_shown
