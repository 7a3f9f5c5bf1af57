"""Pay surveys of a unit: the standard one in two clicks, in English and
Spanish; bad roles and bands refused with the form's error and nothing stored;
a launch broken down by the roles members chose themselves, a fresh choice
(a puppet's) counted in the whole only; and the results page, where a role
with fewer than k answers says only that."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from core import i18n
from core.clock import today
from core.extensions import db
from organizer.accounts import services as accounts
from organizer.charting.models import BargainingUnit
from organizer.unit_surveys import pay
from surveys.models import Survey, SurveyKind, SurveyState
from surveys.pay import ROLE, Band
from surveys.release import SegmentPlan
from tests.organizer.unit_surveys import pay_helpers


@pytest.fixture
def crew(app, world):
    """Six pickers, five packers and six leads (the world's member the last of them), settled in
    their roles: every member of the unit holds one. Nothing else of pay yet."""
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        organizer = accounts.find_account_by_email(world.organizer)
        people = pay_helpers.crew(unit, {"Picker": 6, "Packer": 5, "Lead": 5}, organizer=organizer)
        own = accounts.find_account_by_email(world.member)
        own.created_on = own.created_on.replace(year=own.created_on.year - 1)
        pay_helpers.choose(own, "Lead", days_ago=pay_helpers.LONG_AGO)
        people["Lead"].append(own)
        db.session.commit()
        ids = {role: [account.id for account in members] for role, members in people.items()}
        db.session.remove()
    return ids


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_the_standard_pay_survey_is_two_clicks_in_english_and_spanish(app, client, world, login, crew):
    login(client, world.organizer)
    page = client.get(f"/units/{world.unit_id}/surveys")
    assert b"Start the standard pay survey" in page.data
    made = client.post(f"/units/{world.unit_id}/surveys/pay/standard")  # the first click
    assert made.status_code == 302
    survey_id = int(made.headers["Location"].rsplit("/", 1)[1])
    launched = client.post(f"/surveys/{survey_id}/launch", data={})  # the second (the launch page's button)
    assert launched.status_code == 302, launched.data

    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        assert (survey.kind, survey.state) == (SurveyKind.PAY, SurveyState.OPEN)
        band, tenure, hours = survey.questions
        assert band.options[0] == "$15 to $16" and band.options[-1] == "$40 and over" and len(band.options) == 26
        assert band.options_in("es")[0] == "$15 a $16" and band.options_in("es")[-1] == "$40 o más"
        assert not band.allows_cant_say and tenure.allows_cant_say and hours.allows_cant_say
        assert band.prompt_in("es") != band.prompt and tenure.prompt_in("es") != tenure.prompt
        assert survey.title_in("es") == "Encuesta de salarios"
        assert pay.pay_scale_of(survey).band_list[0] == Band(1500, 1600)
        plan = SegmentPlan.from_json(survey.segment_plan)
        assert plan.dimensions == (ROLE,)
        assert {cell[ROLE] for cell in plan.cells.values()} == {"Picker", "Packer", "Lead"}


def _form(**changes) -> dict:
    data = {"title": "Pay survey", "language": "en", "basis": "hourly", "roles": "Picker\nPacker\nLead",
            "band_mode": "steps", "band_start": "15", "band_width": "1", "band_count": "25", "open_top": "y",
            "with_tenure": "y", "with_hours": "y", "key_mode": "server_key", "release_threshold": "5"}
    return {key: value for key, value in {**data, **changes}.items() if value is not None}


@pytest.mark.parametrize("changes, message", [
    ({"band_mode": "list", "band_list": "15-16\n15.50-17\n17+"}, "overlap"),
    ({"band_mode": "list", "band_list": "15-16\n16.50-17\n17+"}, "a gap"),
    ({"band_mode": "list", "band_list": "15-15\n15-16"}, "holds no pay"),
    ({"band_width": "0"}, "wider than nothing"),
    ({"band_count": "60", "open_top": "y"}, "at most 60"),
    ({"band_mode": "list", "band_list": "\n".join(f"{i}-{i + 1}" for i in range(61))}, "at most 60"),
    ({"band_mode": "list", "band_list": "15-16\nabout 17"}, "is not a band"),
    ({"band_start": "fifteen"}, "Write an amount"),
    ({"roles": "Picker\nPacker\npicker"}, "given twice"),
    ({"roles": "Picker"}, "at least two roles"),
    ({"roles": "Picker\nOther"}, "small roles are counted in"),
    ({"release_threshold": "2"}, "at least 5"),
])
def test_bad_roles_and_bands_are_refused_beside_the_form_and_nothing_is_stored(app, client, world, login, changes,
                                                                               message):
    login(client, world.organizer)
    with app.app_context():
        before = (_count(Survey), _count(pay.PayScale), _count(pay.UnitPayRoles))
    response = client.post(f"/units/{world.unit_id}/surveys/pay", data=_form(**changes))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert (_count(Survey), _count(pay.PayScale), _count(pay.UnitPayRoles)) == before


def test_good_bands_of_ones_own_make_a_draft_with_them(app, client, world, login):
    login(client, world.organizer)
    response = client.post(f"/units/{world.unit_id}/surveys/pay", data=_form(
        basis="yearly", band_mode="list", band_list="30,000-35,000\n35,000-40,000\n40,000+", with_hours=None))
    assert response.status_code == 302
    with app.app_context():
        survey = db.session.scalar(sa.select(Survey).where(Survey.kind == SurveyKind.PAY))
        scale = pay.pay_scale_of(survey)
        assert scale.basis == pay.PayBasis.YEARLY
        assert scale.band_list == (Band(3_000_000, 3_500_000), Band(3_500_000, 4_000_000), Band(4_000_000))
        band, tenure = survey.questions
        assert (scale.band_question_id, scale.tenure_question_id, scale.hours_question_id) == (band.id, tenure.id, None)
        assert not any(q.subject_ref for q in survey.questions), "no question reads as being about a member's item"
        assert pay.band_question(survey).options == ["$30,000 to $35,000", "$35,000 to $40,000", "$40,000 and over"]
        assert pay.declared_roles(db.session.get(BargainingUnit, world.unit_id)) == ["Picker", "Packer", "Lead"]


def test_a_role_filled_with_fresh_choices_just_before_launch_is_not_broken_out(app_ctx, world):
    """A rogue organizer's puppets (old accounts) choose the target's role on the eve of the survey:
    they count in the whole only, so the role holds the target alone and is folded into "Other"."""
    unit = db.session.get(BargainingUnit, world.unit_id)
    organizer = accounts.find_account_by_email(world.organizer)
    pay_helpers.crew(unit, {"Picker": 6, "Packer": 5}, roles=("Picker", "Packer", "Night lead"), organizer=organizer)
    target = pay_helpers.member(unit, "Night lead")
    puppets = [pay_helpers.member(unit, None) for _ in range(4)]
    for puppet in puppets:
        pay_helpers.choose(puppet, "Night lead", days_ago=0)
    voters = pay.pay_electorate(unit, pay.declared_roles(unit)).voters
    assert voters[accounts.account_ref(target)] == {ROLE: "Night lead"}
    assert all(voters[accounts.account_ref(p)] == {ROLE: None} for p in puppets)

    survey = pay.create_pay_survey(organizer, unit, pay_helpers.standard(unit))
    facts = pay.launch_facts(survey, unit)
    lead = next(role for role in facts.roles if role.role == "Night lead")
    assert (lead.settled, lead.fresh, lead.kept) == (1, 4, False)
    pay.launch_pay_survey(organizer, survey)
    plan = SegmentPlan.from_json(survey.segment_plan)
    assert "Night lead" not in {cell[ROLE] for cell in plan.cells.values()}
    assert {cell[ROLE] for cell in plan.cells.values()} >= {"Picker", "Packer"}


def test_a_pay_survey_is_launched_only_by_role(app_ctx, world, crew):
    from organizer.unit_surveys import services as unit_surveys
    from organizer.errors import DomainError

    unit = db.session.get(BargainingUnit, world.unit_id)
    organizer = accounts.find_account_by_email(world.organizer)
    survey = pay.create_pay_survey(organizer, unit, pay_helpers.standard(unit))
    with pytest.raises(DomainError, match="broken down by role"):
        unit_surveys.launch_for_unit(organizer, survey)
    assert survey.public_key is None


def _answers(crew_ids: dict[str, list[int]], bands: dict[str, list[int]], answering: dict[str, int] | None = None):
    answers = {}
    for role, ids in crew_ids.items():
        for index, account_id in enumerate(ids[:(answering or {}).get(role, len(ids))]):
            answers[db.session.get(accounts.Account, account_id)] = bands[role][index % len(bands[role])]
    return answers


def test_the_results_show_each_role_and_only_not_enough_answers_below_k(app, client, world, login, crew):
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        organizer = accounts.find_account_by_email(world.organizer)
        # Pickers 4, 5, 5, 6, 7, 8 ($19..$23); packers 2 ($17) and 3 ($18); two of the five leads, 10 ($25).
        survey = pay_helpers.released_pay_survey(organizer, unit, _answers(
            crew, {"Picker": [4, 5, 5, 6, 7, 8], "Packer": [2, 2, 3, 3, 3], "Lead": [10]}, {"Lead": 2}))
        db.session.commit()
        survey_id = survey.id
    login(client, world.member)
    page = client.get(f"/surveys/{survey_id}/results").get_data(as_text=True)
    # Packers (5: 17 17 18 18 18): the 2nd, 3rd and 4th answers: under $18, $18 to $19, $18.
    packers = page.split("Pay bands in Packer")[1]
    assert "under $18 an hour" in packers and "$18 to $19 an hour" in packers and "$18 an hour" in packers
    rows = page.split("By role")[1].split("</table>")[0]
    lead_row = rows.split("Lead")[1].split("</tr>")[0]
    assert "Not enough answers" in lead_row and "$" not in lead_row
    # The pickers are the whole minus the packers and the two leads: withheld, so the leads stay hidden.
    picker_row = rows.split("Picker")[1].split("</tr>")[0]
    assert "subtraction" in picker_row and "$" not in picker_row
    assert "Pay bands in Picker" not in page and "Pay bands in Lead" not in page
    # The whole unit (13): answers 4, 7 and 10 of 2 2 3 3 3 4 5 5 6 7 8 10 10.
    whole = page.split("The whole unit")[1].split("By role")[0]
    assert "under $19 an hour" in whole and "$20 to $21 an hour" in whole and "$22 an hour" in whole
    assert "the 7th (half of 14, rounded up)" in page


def test_the_results_page_reads_in_spanish(app, client, world, login, crew):
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        organizer = accounts.find_account_by_email(world.organizer)
        survey = pay_helpers.released_pay_survey(organizer, unit, _answers(
            crew, {"Picker": [4], "Packer": [2], "Lead": [10]}))
        db.session.commit()
        survey_id = survey.id
    login(client, world.member)
    client.post("/language", data={"language-language": "es", "language-next": "/"})
    page = client.get(f"/surveys/{survey_id}/results").get_data(as_text=True)
    with app.test_request_context(), i18n.in_language("es"):
        assert str(pay.STANDARD_TITLE) in page
    assert "El salario del medio" in page and "El cuarto de arriba empieza en" in page and "la hora" in page


def test_a_draft_whose_pay_question_was_removed_cannot_launch(app_ctx, world, crew):
    from organizer.errors import DomainError
    from surveys import definitions

    unit = db.session.get(BargainingUnit, world.unit_id)
    organizer = accounts.find_account_by_email(world.organizer)
    survey = pay.create_pay_survey(organizer, unit, pay_helpers.standard(unit))
    definitions.remove_question(survey, pay.band_question(survey))
    db.session.expire_all()
    assert pay.band_question(survey) is None
    assert pay.launch_facts(survey, unit).blockers
    with pytest.raises(DomainError, match="lost its pay question"):
        pay.launch_pay_survey(organizer, survey)
    assert survey.public_key is None


def test_a_members_own_role_and_its_day_are_sealed_at_rest(app_ctx, world, crew):
    rows = db.session.execute(sa.text("SELECT role, chosen_on FROM member_pay_roles")).all()
    assert len(rows) == 17
    for role, chosen_on in rows:
        raw = bytes(role) + bytes(chosen_on)
        assert not any(name.encode() in raw for name in ("Picker", "Packer", "Lead"))
        assert (today() - timedelta(days=pay_helpers.LONG_AGO)).isoformat().encode() not in bytes(chosen_on)
