"""The question bank (organizer/unit_surveys/question_bank.py): an organizer
starts the standard bargaining survey or the stay interview with one button
and launches it from its preview with a second; each is written in English and
Spanish; the bargaining survey ranks the job-quality categories (top three)
and asks satisfaction 1 to 5 with each; the new-survey form's "standard
questions" gives a bargaining survey the same questions. Only the unit's
organizers may start one; an unknown one is a 404."""

from __future__ import annotations

import re

import pytest

from core import i18n
from core.extensions import db
from organizer.accounts import services as accounts
from organizer.charting.models import BargainingUnit
from organizer.ontology import Category
from organizer.unit_surveys import question_bank
from organizer.unit_surveys import services as unit_surveys
from surveys import definitions
from surveys.models import KeyMode, QuestionType, Survey, SurveyKind, SurveyState
from tests.organizer.unit_surveys.helpers import create_pulse_draft

ENGLISH_CATEGORIES = [str(category.label) for category in Category]


def _start(client, world, key: str):
    return client.post(f"/units/{world.unit_id}/surveys/standard/{key}")


def test_the_bargaining_survey_starts_in_one_click_and_launches_in_a_second(app, client, world, login, crowd):
    login(client, world.organizer)
    page = client.get(f"/units/{world.unit_id}/surveys").data.decode()
    assert "Start a bargaining survey" in page and "Start a stay interview" in page
    started = _start(client, world, "bargaining")
    assert started.status_code == 302 and re.search(r"/surveys/\d+/launch$", started.headers["Location"])
    preview = client.get(started.headers["Location"])
    assert preview.status_code == 200
    text = preview.data.decode()
    assert "Which parts of the job should we bargain for first?" in text
    assert all(f">{label}</label>" in text for label in ENGLISH_CATEGORIES[:3])  # the rank's selects, previewed
    launched = client.post(started.headers["Location"], data={})
    assert launched.status_code == 302
    with app.app_context():
        survey_id = int(started.headers["Location"].split("/")[-2])
        survey = db.session.get(Survey, survey_id)
        assert survey.state == SurveyState.OPEN and survey.kind == SurveyKind.BARGAINING
        assert survey.key_mode == KeyMode.SERVER_KEY  # the union has no survey key yet
        assert survey.release_threshold == survey_union_floor(survey)


def survey_union_floor(survey: Survey) -> int:
    return unit_surveys.unit_of(survey).union.floor_for(survey.kind)


def test_the_bargaining_questions_rank_the_categories_and_ask_satisfaction_with_each(app_ctx, world):
    unit = db.session.get(BargainingUnit, world.unit_id)
    organizer = accounts.find_account_by_email(world.organizer)
    with i18n.in_language("en"):
        survey = unit_surveys.start_standard_survey(organizer, unit, "bargaining")
    ranked, *scales, comment = survey.questions
    assert (ranked.type, ranked.options, ranked.max_ranked, ranked.allows_cant_say) == (
        QuestionType.RANK, ENGLISH_CATEGORIES, 3, True)
    assert question_bank.category_ranking(survey) is ranked
    assert [q.type for q in scales] == [QuestionType.SCALE] * len(Category)
    assert [q.prompt for q in scales] == [f"{label}: how satisfied are you today?" for label in ENGLISH_CATEGORIES]
    assert all(q.options == [str(label) for label in question_bank.SATISFACTION_LABELS] for q in scales)
    assert comment.type == QuestionType.FREE_TEXT
    # Everything is written in Spanish too, from the catalogue.
    assert survey.title == "Bargaining priorities" and survey.title_in("es") == "Prioridades para la negociación"
    assert not survey.missing_wording("es")
    with i18n.in_language("es"):
        spanish_categories = [str(category.label) for category in Category]
    assert ranked.options_in("es") == spanish_categories != ENGLISH_CATEGORIES
    assert scales[0].prompt_in("es").startswith(spanish_categories[0])


def test_the_stay_interview_ranks_what_would_make_members_stay(app_ctx, world):
    unit = db.session.get(BargainingUnit, world.unit_id)
    organizer = accounts.find_account_by_email(world.organizer)
    with i18n.in_language("es"):
        survey = unit_surveys.start_standard_survey(organizer, unit, "stay")
    ranked, year, comment = survey.questions
    assert survey.kind == SurveyKind.PULSE and survey.recurrence_weeks is None
    assert survey.language == "es" and survey.title == "Entrevista de permanencia"
    assert survey.title_in("en") == "Stay interview"
    assert (ranked.type, ranked.max_ranked, len(ranked.options)) == (QuestionType.RANK, 3, 6)
    assert ranked.options_in("en") == ["Better feedback on my work", "A more flexible schedule", "Training",
                                       "Experience in other kinds of work", "Creative work",
                                       "Working with strong colleagues"]
    assert year.type == QuestionType.SCALE and year.options == definitions.default_scale_labels("es")
    assert comment.type == QuestionType.FREE_TEXT
    assert question_bank.category_ranking(survey) is None
    assert not survey.missing_wording("en")


def test_the_new_survey_forms_standard_questions_give_a_bargaining_survey_the_bank(app, client, world, login):
    login(client, world.organizer)
    survey_id = create_pulse_draft(client, world, kind="bargaining", title="Spring priorities")
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        assert question_bank.category_ranking(survey) is not None
        assert len(survey.questions) == 1 + len(Category) + 1


@pytest.mark.parametrize("who, status", [("member", 403), ("steward", 403), ("other_organizer", 404)])
def test_only_the_units_organizers_start_one(app, client, world, login, who, status):
    login(client, getattr(world, who))
    assert _start(client, world, "bargaining").status_code == status
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Survey)) == 0


def test_an_unknown_standard_survey_is_not_found(client, world, login):
    login(client, world.organizer)
    assert _start(client, world, "pension").status_code == 404


def test_a_rank_questions_options_are_written_again_on_the_wording_page(app, client, world, login):
    login(client, world.organizer)
    started = _start(client, world, "stay")
    survey_id = int(started.headers["Location"].split("/")[-2])
    page = client.get(f"/surveys/{survey_id}/wording/es")
    assert page.status_code == 200
    with app.app_context():
        ranked = db.session.get(Survey, survey_id).questions[0]
        assert ranked.type == QuestionType.RANK
        box = re.search(rf'<textarea[^>]*name="q{ranked.id}_options"[^>]*>(.*?)</textarea>', page.data.decode(), re.S)
        assert box and box.group(1).split()[:2] == ["Mejores", "comentarios"]


def test_an_organizers_own_rank_question_asks_no_more_places_than_options(app, client, world, login):
    login(client, world.organizer)
    survey_id = create_pulse_draft(client, world, standard_questions="")
    data = {"type": "rank", "prompt": "What comes first?", "options": "Pay\nHeat\nBreaks", "max_choices": "4"}
    refused = client.post(f"/surveys/{survey_id}/questions", data=data)
    assert refused.status_code == 400
    assert "cannot have more places than options: this question has 3 options" in refused.data.decode()
    taken = client.post(f"/surveys/{survey_id}/questions", data={**data, "max_choices": "2"})
    assert taken.status_code == 302
    with app.app_context():
        (question,) = db.session.get(Survey, survey_id).questions
        assert (question.type, question.max_ranked, question.options) == (QuestionType.RANK, 2, ["Pay", "Heat", "Breaks"])
    page = client.get(f"/surveys/{survey_id}").data.decode()
    assert "(put in order, top 2)" in page
