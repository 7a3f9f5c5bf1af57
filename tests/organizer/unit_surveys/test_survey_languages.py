"""Surveys in two languages, through the pages: the organizer writes a draft's
Spanish on its own page (a count of options that does not match is refused,
and nothing is written), the survey's page and the launch page say which
questions lack it, members answer in English and in Spanish, each reading
their own (answer page, receipt, lists), and the released results count both
as one; a survey with no Spanish reads in English to a Spanish member; the
standard questions (the pulse's, a vote's, an endorsement survey's) come with
their Spanish from the catalogue."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from core.extensions import db
from organizer.accounts import services as accounts
from organizer.charting.models import BargainingUnit
from organizer.demands import services as demands
from organizer.demands.models import Basis, Category, DemandKind, Tier
from organizer.ontology import Category as IssueCategory
from surveys.models import Survey
from tests.factories import PASSWORD
from tests.organizer.unit_surveys.helpers import create_pulse_draft

SPANISH = {"Accept-Language": "es-MX,es;q=0.9"}
ENGLISH = {"Accept-Language": "en"}
SPANISH_SCALE = ["Muy en desacuerdo", "En desacuerdo", "Neutral", "De acuerdo", "Muy de acuerdo"]




def _question_ids(app, survey_id: int) -> list[int]:
    with app.app_context():
        return [q.id for q in db.session.get(Survey, survey_id).questions]


def _spanish_words(app, survey_id: int, **changes) -> dict[str, str]:
    """The wording form of a standard pulse (whose Spanish comes with it) as an organizer sends it
    back: the title and questions 1 and 3 written in their own Spanish, questions 2 and 4 emptied
    (their readers get the English)."""
    yes_no, scale, issues, comment = _question_ids(app, survey_id)
    return {"title": "Pulso de octubre", "intro": "Tus respuestas son anónimas.",
            f"q{yes_no}_prompt": "¿Votarías hoy por el sindicato?",
            f"q{scale}_prompt": "", f"q{scale}_options": "", f"q{comment}_prompt": "",
            f"q{issues}_prompt": "¿Qué temas pesan más?",
            f"q{issues}_options": "\n".join(f"Tema {n}" for n in range(1, 10)), **changes}


def _spanish_survey(app, client, world) -> int:
    survey_id = create_pulse_draft(client, world)
    written = client.post(f"/surveys/{survey_id}/wording/es", data=_spanish_words(app, survey_id))
    assert written.status_code == 302, written.data
    return survey_id


def _signed_in(app, email: str, reader: dict[str, str]):
    """A member signed in from a browser that asks for `reader`'s language: a new account takes it."""
    member = app.test_client()
    assert member.post("/login", data={"email": email, "password": PASSWORD}, headers=reader).status_code == 302
    return member


def _wording(app, survey_id: int) -> list:
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        return [survey.translations, *(q.translations for q in survey.questions)]


def _answers(page: str) -> dict[str, object]:
    names = sorted(set(re.findall(r'name="(q\d+)"', page)), key=lambda name: int(name[1:]))
    yes_no, willing, issues, comment = names
    return {yes_no: "yes", willing: "4", issues: ["0", "2"], comment: ""}


def test_the_organizer_writes_the_spanish_and_the_pages_say_what_it_lacks(app, client, world, login, crowd):
    login(client, world.organizer)
    survey_id = create_pulse_draft(client, world)
    form = client.get(f"/surveys/{survey_id}/wording/es")
    assert form.status_code == 200 and "Question 3 in Spanish" in form.get_data(as_text=True)
    assert client.post(f"/surveys/{survey_id}/wording/es", data=_spanish_words(app, survey_id)).status_code == 302
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        yes_no, scale, issues, comment = survey.questions
        assert survey.title_in("es") == "Pulso de octubre" and survey.intro_in("es") == "Tus respuestas son anónimas."
        assert issues.options_in("es") == [f"Tema {n}" for n in range(1, 10)]
        assert scale.prompt_in("es") == scale.prompt, "left empty: the survey's own words"
    page = client.get(f"/surveys/{survey_id}").get_data(as_text=True)
    assert page.count("Not written in Spanish.") == 2
    assert "Questions 2 and 4 are not written in Spanish" in page
    assert "¿Votarías hoy por el sindicato?" in page
    launching = client.get(f"/surveys/{survey_id}/launch").get_data(as_text=True)
    assert ("Questions 2 and 4 are not written in Spanish: members who read Leverage in Spanish will see them in "
            "English.") in launching
    assert client.post(f"/surveys/{survey_id}/launch", data={}).status_code == 302, "partly written still launches"
    assert client.get(f"/surveys/{survey_id}/wording/es").status_code == 302, "launched: its words are fixed"


@pytest.mark.parametrize("changes, message", [
    ({"q{issues}_options": "Salario\nSeguridad"}, "Question 3 has 9 options, and its wording in Spanish must have "
                                                   "as many, one per line in the same order; 2 were given."),
    ({"q{issues}_prompt": ""}, "Question 3: write the question in Spanish too, or clear its options."),
    ({"title": "x" * 201}, "Keep it to 200 characters or fewer"),
])
def test_bad_spanish_is_refused_with_a_message_and_nothing_is_written(app, client, world, login, changes, message):
    login(client, world.organizer)
    survey_id = create_pulse_draft(client, world)
    issues = _question_ids(app, survey_id)[2]
    words = _spanish_words(app, survey_id, **{name.format(issues=issues): value for name, value in changes.items()})
    before = _wording(app, survey_id)
    assert before[2]["es"]["prompt"], "the standard questions come with their Spanish"
    response = client.post(f"/surveys/{survey_id}/wording/es", data=words)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _wording(app, survey_id) == before


def test_only_the_survey_s_other_language_has_a_wording_page(app, client, world, login):
    login(client, world.organizer)
    survey_id = create_pulse_draft(client, world)
    assert client.get(f"/surveys/{survey_id}/wording/en").status_code == 404, "its own language"
    assert client.get(f"/surveys/{survey_id}/wording/fr").status_code == 404
    spanish_id = create_pulse_draft(client, world, language="es", title="Pulso de octubre")
    assert client.get(f"/surveys/{spanish_id}/wording/en").status_code == 200
    assert client.get(f"/surveys/{spanish_id}/wording/es").status_code == 404


def test_members_answer_in_english_and_in_spanish_and_the_results_count_them_as_one(app, client, world, login,
                                                                                    crowd):
    login(client, world.organizer)
    survey_id = _spanish_survey(app, client, world)
    assert client.post(f"/surveys/{survey_id}/launch", data={}).status_code == 302
    members = {}
    for number, email in enumerate(crowd):
        reader = SPANISH if number % 2 else ENGLISH
        member = members[reader["Accept-Language"]] = _signed_in(app, email, reader)
        listed = member.get("/my/surveys", headers=reader).get_data(as_text=True)
        page = member.get(f"/surveys/{survey_id}/answer", headers=reader).get_data(as_text=True)
        if reader is SPANISH:
            assert "Pulso de octubre" in listed and "Pulso de octubre" in page
            assert "¿Votarías hoy por el sindicato?" in page and "Tema 3" in page
            assert "4 · De acuerdo" not in page, "question 2 has no Spanish: its English prompt and labels"
            assert "I am willing to take part in collective action" in page and "4 · Agree" in page
            assert "If a union vote were held tomorrow" not in page
        else:
            assert "October pulse" in listed and "If a union vote were held tomorrow" in page and "Pay" in page
            assert "Pulso de octubre" not in page and "Tema 3" not in page
        receipt = member.post(f"/surveys/{survey_id}/answer", data=_answers(page), headers=reader)
        assert receipt.status_code == 200
        assert ("Pulso de octubre" if reader is SPANISH else "October pulse") in receipt.get_data(as_text=True)
    assert client.post(f"/surveys/{survey_id}/close").status_code == 302

    english = members["en"].get(f"/surveys/{survey_id}/results").get_data(as_text=True)
    assert re.search(r"Yes</th>\s*<td class=\"num\"[^>]*>6</td>", english), "six yes, three read each language"
    assert re.search(r">Pay</span></th>\s*<td class=\"num\"[^>]*>6</td>", english)
    assert "6 of 7" in english
    spanish = members[SPANISH["Accept-Language"]].get(f"/surveys/{survey_id}/results").get_data(as_text=True)
    assert "¿Votarías hoy por el sindicato?" in spanish and "Pulso de octubre" in spanish
    assert re.search(r"Sí</th>\s*<td class=\"num\"[^>]*>6</td>", spanish)
    assert re.search(r">Tema 1</span></th>\s*<td class=\"num\"[^>]*>6</td>", spanish)
    assert re.search(r">Tema 3</span></th>\s*<td class=\"num\"[^>]*>6</td>", spanish)


def test_a_survey_with_no_spanish_reads_in_english_to_a_spanish_member(app, client, world, login, crowd):
    login(client, world.organizer)
    survey_id = create_pulse_draft(client, world, standard_questions="")
    issues = {"type": "single_choice", "prompt": "Which shift do you work?", "options": "Early\nLate"}
    assert client.post(f"/surveys/{survey_id}/questions", data=issues).status_code == 302
    page = client.get(f"/surveys/{survey_id}").get_data(as_text=True)
    assert "Nothing is written in Spanish yet: members who read Leverage in Spanish will see the whole survey in " \
           "English." in page
    assert client.post(f"/surveys/{survey_id}/launch", data={}).status_code == 302
    member = _signed_in(app, crowd[0], SPANISH)
    page = member.get(f"/surveys/{survey_id}/answer", headers=SPANISH).get_data(as_text=True)
    assert '<html lang="es"' in page and "Enviar mis respuestas" in page
    assert "October pulse" in page and "Which shift do you work?" in page and "Late" in page
    assert re.search(r'<span translate="no" lang="en">Which shift do you work\?</span>', page)


def test_the_standard_pulse_comes_with_its_spanish(app, client, world, login):
    login(client, world.organizer)
    survey_id = create_pulse_draft(client, world)
    with app.app_context():
        yes_no, scale, issues, comment = db.session.get(Survey, survey_id).questions
        assert yes_no.prompt == "If a union vote were held tomorrow, would you vote yes?"
        assert yes_no.prompt_in("es") == "Si mañana hubiera una votación sindical, ¿votarías que sí?"
        assert scale.prompt_in("es") == "Participaría en acciones colectivas para ganar nuestras demandas."
        assert scale.options_in("es") == SPANISH_SCALE
        assert issues.prompt_in("es") == "¿Qué temas te importan más? Elige hasta tres."
        with app.test_request_context(), force_locale("es"):
            categories = [str(category.label) for category in IssueCategory]
        assert issues.options_in("es") == categories and categories[0] == "Salario"
        assert issues.options == [str(category.label) for category in IssueCategory], "English, outside a request"
        assert comment.prompt_in("es") == "¿Algo más que el comité organizador deba saber?"
        assert db.session.get(Survey, survey_id).missing_wording("es") == []


def test_a_survey_written_in_spanish_keeps_the_standard_questions_english_as_its_other_language(app, client, world,
                                                                                                login):
    login(client, world.organizer)
    survey_id = create_pulse_draft(client, world, language="es", title="Pulso de octubre")
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        yes_no, scale, *_ = survey.questions
        assert survey.language == "es" and yes_no.prompt.startswith("Si mañana hubiera una votación sindical")
        assert scale.options == SPANISH_SCALE
        assert yes_no.prompt_in("en") == "If a union vote were held tomorrow, would you vote yes?"
    page = client.get(f"/surveys/{survey_id}", headers=ENGLISH).get_data(as_text=True)
    assert "Written in Spanish." in page and "The title is not written in English" in page


def test_a_vote_s_question_comes_in_both_languages(app, client, world, login):
    login(client, world.organizer)
    survey_id = create_pulse_draft(client, world, kind="vote", title="Strike authorization")
    with app.app_context():
        [question] = db.session.get(Survey, survey_id).questions
        assert question.prompt == "Do you vote yes on \u201cStrike authorization\u201d?"
        assert question.prompt_in("es") == "¿Votas que sí a \u201cStrike authorization\u201d?"


def test_an_endorsement_survey_comes_in_both_languages(app, app_ctx, world, crowd):
    find = accounts.find_account_by_email
    unit, author = db.session.get(BargainingUnit, world.unit_id), find(world.member)
    demand = demands.create_demand(author, demands.DemandDetails(
        DemandKind.DEMAND, Tier.PRIORITY, Basis.NEEDS, Category.SECURITY_CONDITIONS, "Will you heat the bay?"))
    demands.request_endorsement(author, demand)
    survey = demands.launch_endorsement_survey(find(world.organizer), unit, demand.subject_ref).survey
    assert survey.title == "Back a coworker's demand"
    assert survey.title_in("es") == "Respalda la demanda de un compañero o compañera"
    assert survey.intro_in("es").startswith("Un compañero o compañera pidió a la unidad que opine.")
    [question] = survey.questions
    assert question.prompt_in("es") == "¿Cuánto respaldas esta demanda?"
    assert question.options == ["Strongly disagree", "Disagree", "Neither", "Agree", "Strongly agree"]
    assert question.options_in("es")[2] == "Ni de acuerdo ni en desacuerdo"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Survey)) == 1
