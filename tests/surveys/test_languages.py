"""Surveys in more than one language, in the engine: a draft written again in
Spanish keeps its questions' shape (the number of options is refused unless it
matches, and a refusal writes nothing), each word falls back to the survey's
own language, the standard scale labels come in each language, a launched
survey's words are fixed, one tally counts ballots whatever the member read,
the next round of a recurring pulse keeps the Spanish, the election record
carries both wordings (and stays as it was for a survey in English alone) and
verifies, and the migration adds and removes the columns with the rows kept."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from core.app import create_app
from core.extensions import db
from crypto.record import verify_record
from surveys import definitions, launch, record, tally
from surveys.booth import booth_parameters
from surveys.definitions import QuestionWording, SurveyWording
from surveys.errors import SurveyError
from surveys.models import QuestionType, Survey, SurveyState
from surveys.scopes import Electorate
from tests.surveys.helpers import cast_all, pulse, run_job, voters

ROOT = Path(__file__).resolve().parents[2]
PEOPLE = voters(12, ("A", "B"))
REFS = list(PEOPLE)

SPANISH_TOP_ISSUES = ("Salario", "Seguridad", "Horarios", "Respeto")


def _in_spanish(survey: Survey) -> None:
    """The helpers' pulse (yes/no, standard scale, four issues, a comment) written again in Spanish."""
    yes_no, scale, issues, comment = survey.questions
    definitions.write_wording(survey, "es", SurveyWording("Pulso", "Dinos cómo va el trabajo."), {
        yes_no.id: QuestionWording("¿Votarías que sí?"),
        scale.id: QuestionWording("¿Qué tan dispuesto estás a actuar?"),
        issues.id: QuestionWording("Temas principales", SPANISH_TOP_ISSUES),
        comment.id: QuestionWording("¿Algo más?"),
    })


def test_each_word_reads_in_spanish_where_it_is_written_and_in_english_where_not(app_ctx):
    survey = pulse()
    yes_no, scale, issues, comment = survey.questions
    definitions.write_wording(survey, "es", SurveyWording(title="Pulso"), {
        issues.id: QuestionWording("Temas principales", SPANISH_TOP_ISSUES)})
    assert (survey.title_in("es"), survey.title_in("en"), survey.title_language("es")) == ("Pulso", "Pulse", "es")
    assert survey.intro_in("es") is None
    assert issues.prompt_in("es") == "Temas principales" and issues.options_in("es") == list(SPANISH_TOP_ISSUES)
    assert issues.prompt_in("en") == "Top issues" and issues.options_in("en") == ["Pay", "Safety", "Scheduling",
                                                                                  "Respect"]
    assert yes_no.prompt_in("es") == "Would you vote yes?" and yes_no.language_in("es") == "en"
    assert [q.position + 1 for q in survey.missing_wording("es")] == [1, 2, 4]
    assert survey.missing_wording("en") == []


def test_options_in_another_number_are_refused_and_nothing_is_written(app_ctx):
    survey = pulse()
    yes_no, scale, issues, comment = survey.questions
    with pytest.raises(SurveyError) as refused:
        definitions.write_wording(survey, "es", SurveyWording(title="Pulso"), {
            yes_no.id: QuestionWording("¿Votarías que sí?"),
            issues.id: QuestionWording("Temas principales", ("Salario", "Seguridad", "Horarios"))})
    assert refused.value.field == f"q{issues.id}_options"
    assert "Question 3 has 4 options" in refused.value.message and "3 were given" in refused.value.message
    db.session.refresh(survey)
    assert survey.translations == {} and all(q.translations == {} for q in survey.questions)


@pytest.mark.parametrize("wording, field", [
    (QuestionWording("", ("Salario", "Seguridad", "Horarios", "Respeto")), "prompt"),
    (QuestionWording("Temas", ("Salario", "salario", "Horarios", "Respeto")), "options"),
    (QuestionWording("x" * 501, ("Salario", "Seguridad", "Horarios", "Respeto")), "prompt"),
])
def test_a_bad_question_wording_is_refused_beside_its_field(app_ctx, wording, field):
    survey = pulse()
    issues = survey.questions[2]
    with pytest.raises(SurveyError) as refused:
        definitions.write_wording(survey, "es", SurveyWording(), {issues.id: wording})
    assert refused.value.field == f"q{issues.id}_{field}"
    assert issues.translations == {}


def test_a_scale_with_the_standard_labels_takes_them_in_spanish_and_one_with_its_own_needs_them(app_ctx):
    survey = pulse()
    scale = survey.questions[1]
    definitions.write_wording(survey, "es", SurveyWording(), {scale.id: QuestionWording("¿Actuarías?")})
    assert scale.options_in("es") == ["Muy en desacuerdo", "En desacuerdo", "Neutral", "De acuerdo", "Muy de acuerdo"]
    assert scale.options == definitions.DEFAULT_SCALE_LABELS, "its own words stay as they were"
    own = definitions.add_question(survey, type=QuestionType.SCALE, prompt="How often?",
                                   options=["Never", "Rarely", "Sometimes", "Often", "Always"])
    with pytest.raises(SurveyError, match="has 5 options"):
        definitions.write_wording(survey, "es", SurveyWording(), {own.id: QuestionWording("¿Con qué frecuencia?")})


def test_a_survey_written_in_spanish_takes_spanish_standard_labels_and_english_as_its_other_language(app_ctx):
    survey = pulse(language="es")
    scale = survey.questions[1]
    assert scale.options == ["Muy en desacuerdo", "En desacuerdo", "Neutral", "De acuerdo", "Muy de acuerdo"]
    with pytest.raises(SurveyError, match="written in Spanish already"):
        definitions.write_wording(survey, "es", SurveyWording(title="Pulso"))
    definitions.write_wording(survey, "en", SurveyWording(title="Pulse"), {scale.id: QuestionWording("Act?")})
    assert scale.options_in("en") == definitions.DEFAULT_SCALE_LABELS


def test_an_unknown_language_is_refused(app_ctx):
    survey = pulse()
    with pytest.raises(SurveyError, match="languages offered"):
        definitions.write_wording(survey, "fr", SurveyWording(title="Sondage"))
    with pytest.raises(SurveyError, match="languages offered"):
        definitions.create_survey("test:1", definitions.SurveySettings(
            kind=survey.kind, title="T", key_mode=survey.key_mode, release_threshold=5, language="xx"))


def test_a_launched_survey_s_words_are_fixed(app_ctx):
    survey = pulse()
    launch.launch(survey, PEOPLE, ("department",))
    with pytest.raises(SurveyError, match="Only a draft can be changed"):
        definitions.write_wording(survey, "es", SurveyWording(title="Pulso"))
    assert survey.translations == {}


def test_the_ballot_has_one_shape_and_one_tally_whatever_the_language(app_ctx):
    english, spanish = pulse(scope="test:en"), pulse(scope="test:es")
    _in_spanish(spanish)
    for survey in (english, spanish):
        launch.launch(survey, PEOPLE, ("department",))
    shape = {key: value for key, value in booth_parameters(english).items()
             if key not in ("survey_id", "public_key", "context", "questions", "comments")}
    assert shape == {key: value for key, value in booth_parameters(spanish).items() if key in shape}
    assert ([{k: v for k, v in q.items() if k != "question_id"} for q in booth_parameters(english)["questions"]]
            == [{k: v for k, v in q.items() if k != "question_id"} for q in booth_parameters(spanish)["questions"]])
    cast_all(spanish, REFS)
    tally.close(spanish)
    tally.release_with_server_key(spanish)
    assert spanish.state == SurveyState.RELEASED and spanish.groups[0].respondents == len(REFS)


def test_the_next_round_of_a_recurring_pulse_keeps_its_spanish(app, app_ctx, electorates):
    electorates["test:unit"] = Electorate(PEOPLE, ("department",))
    first = pulse(scope="test:unit", recurrence_weeks=2)
    _in_spanish(first)
    launch.launch(first, PEOPLE, ("department",))
    cast_all(first, REFS[:10])
    tally.close(first)
    tally.release_with_server_key(first)
    first.opens_at = first.opens_at - timedelta(weeks=2, days=1)
    first.closes_at = first.opens_at + timedelta(weeks=1)
    assert run_job(app, "open_next_pulse_rounds") == 1
    second = db.session.scalar(sa.select(Survey).where(Survey.series_id == first.id, Survey.round_number == 2))
    assert second.language == "en" and second.title_in("es") == "Pulso"
    assert second.intro_in("es") == "Dinos cómo va el trabajo."
    assert [q.prompt_in("es") for q in second.questions] == [q.prompt_in("es") for q in first.questions]
    assert second.questions[2].options_in("es") == list(SPANISH_TOP_ISSUES)
    assert second.missing_wording("es") == []


def _released_in_two_languages() -> Survey:
    survey = pulse(comment_threshold=10)
    _in_spanish(survey)
    launch.launch(survey, PEOPLE, ("department",))
    cast_all(survey, REFS)
    tally.close(survey)
    tally.release_with_server_key(survey)
    return survey


def test_the_record_carries_both_wordings_and_verifies(app, app_ctx, runner, tmp_path):
    survey = _released_in_two_languages()
    document = record.build(survey)
    description = document["parameters"]["description"]
    assert description["language"] == "en"
    assert description["translations"]["es"]["title"] == "Pulso"
    issues = description["questions"][2]
    assert issues["prompt"] == "Top issues" and issues["translations"]["es"]["options"] == list(SPANISH_TOP_ISSUES)
    assert verify_record(document).ballots == len(REFS)
    # As an auditor runs it: the crypto package alone, on the downloaded record.
    db.session.commit()
    path = tmp_path / "record.json"
    assert runner.invoke(args=["surveys", "record", str(survey.id), "--output", str(path)]).exit_code == 0
    alone = tmp_path / "auditor"
    shutil.copytree(ROOT / "crypto", alone / "crypto", ignore=shutil.ignore_patterns("__pycache__"))
    script = subprocess.run([sys.executable, "-m", "crypto.verify", str(path)], cwd=alone, capture_output=True,
                            text=True, timeout=300)
    assert script.returncode == 0, script.stdout + script.stderr
    assert json.loads(path.read_text())["parameters"]["description"]["translations"]["es"]["intro"]


def test_the_record_of_a_survey_in_english_alone_describes_it_as_before(app_ctx):
    survey = pulse(comment_threshold=10)
    launch.launch(survey, PEOPLE, ("department",))
    cast_all(survey, REFS)
    tally.close(survey)
    tally.release_with_server_key(survey)
    description = record.build(survey)["parameters"]["description"]
    assert set(description) == {"title", "kind", "questions"}
    assert all(set(q) == {"question_id", "type", "prompt", "options"} for q in description["questions"])


def test_the_migration_adds_the_languages_and_takes_them_away_with_the_rows_kept(tmp_path):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'languages.db'}"})
    with app.app_context():
        upgrade(revision="0023_key_ceremony")
        db.session.execute(sa.text(
            "INSERT INTO surveys (id, scope, kind, title, state, key_mode, release_threshold, comment_threshold,"
            " round_number, eligible_count, device_encryption_required)"
            " VALUES (1, 'unit:1', 'pulse', 'Before languages', 'draft', 'server_key', 5, 10, 1, 0, 0)"))
        db.session.execute(sa.text(
            "INSERT INTO survey_questions (id, survey_id, position, type, prompt, options, max_choices,"
            " allows_cant_say) VALUES (1, 1, 0, 'yes_no', 'Would you vote yes?', '[\"Yes\", \"No\"]', 1, 0)"))
        db.session.commit()
        upgrade(revision="0024_survey_languages")
        survey = db.session.get(Survey, 1)
        assert (survey.language, survey.translations, survey.questions[0].translations) == ("en", {}, {})
        assert survey.title_in("es") == "Before languages"
        db.session.remove()
        downgrade(revision="0023_key_ceremony")
        with db.engine.connect() as connection:
            columns = {c["name"] for c in db.inspect(connection).get_columns("surveys")}
            question_columns = {c["name"] for c in db.inspect(connection).get_columns("survey_questions")}
            kept = connection.execute(sa.text("SELECT title FROM surveys")).scalars().all()
        assert "language" not in columns and "translations" not in columns | question_columns
        assert kept == ["Before languages"]
        db.engine.dispose()
