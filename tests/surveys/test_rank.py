"""Rank questions in the survey engine: defined with a number of places no
larger than the options (refused with a message otherwise), answered through
the ballot box by the server and from a device, a forged ranking refused with
nothing stored, tallied per cell, released under the same rules as any
question, shown as a ranking by points (Borda) with the counts by place and
intervals, all worked out here by hand; and the election record of a rank
survey verifies, and fails once a rank figure or ballot is changed."""

from __future__ import annotations

import base64
import copy
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from core.extensions import db
from crypto import ballot as crypto_ballot
from crypto.elgamal import PublicKey
from crypto.record import RecordError, verify_record
from surveys import ballot_box, definitions, launch, record, results, tally
from surveys.ballot_box import CANT_SAY
from surveys.definitions import ballot_questions, question_spec
from surveys.errors import BallotRejected, SurveyError
from surveys.models import KeyMode, Question, QuestionType, Survey, SurveyKind, SurveyState
from surveys.stats import wilson_interval
from tests.crypto.test_rank import cells, forged_ballot_of
from tests.surveys.helpers import voters

ROOT = Path(__file__).resolve().parents[2]
PEOPLE = voters(8, ("A", "B"))
REFS = list(PEOPLE)
OPTIONS = ["Pay", "Safety", "Breaks", "Respect"]
#: Six ballots, by hand: the options in order (indices into OPTIONS), or "can't say".
RANKINGS = [[0, 1, 2], [1, 0], [2], [0, 2, 3], CANT_SAY, [1, 3, 0]]
#: Per option, how many put it 1st, 2nd and 3rd in RANKINGS.
BY_PLACE = {"Pay": (2, 1, 1), "Safety": (2, 1, 0), "Breaks": (1, 1, 1), "Respect": (0, 1, 1)}
#: 3 points for a first place, 2 for a second, 1 for a third.
POINTS = {"Pay": 3 * 2 + 2 * 1 + 1 * 1, "Safety": 3 * 2 + 2 * 1, "Breaks": 3 + 2 + 1, "Respect": 2 + 1}


def rank_survey(*, k: int = 5, places: int = 3, allows_cant_say: bool = True) -> Survey:
    survey = definitions.create_survey("test:1", definitions.SurveySettings(
        kind=SurveyKind.BARGAINING, title="Priorities", key_mode=KeyMode.SERVER_KEY, release_threshold=k))
    definitions.add_question(survey, type=QuestionType.YES_NO, prompt="Would you vote yes?")
    definitions.add_question(survey, type=QuestionType.RANK, prompt="What comes first?", options=OPTIONS,
                             max_ranked=places, allows_cant_say=allows_cant_say)
    return survey


def answers_of(survey: Survey, ranking) -> dict[int, object]:
    yes_no, ranked = survey.questions
    return {yes_no.id: True, ranked.id: ranking}


def device_payload(survey: Survey, ranking) -> bytes:
    """What a device sends: the ballot encrypted outside the ballot box."""
    return crypto_ballot.serialize(crypto_ballot.encrypt_ballot(
        PublicKey.from_bytes(survey.public_key), survey.context,
        [question_spec(q) for q in ballot_questions(survey)], [True, ranking]))


# ------------------------------------------------------------------ defining


def test_a_rank_question_keeps_its_places_and_its_shape(app_ctx):
    survey = rank_survey()
    ranked = survey.questions[1]
    assert (ranked.type, ranked.max_ranked, ranked.options) == (QuestionType.RANK, 3, OPTIONS)
    assert question_spec(ranked) == crypto_ballot.QuestionSpec.rank(4, 3, allows_cant_say=True)
    # The question form sends the number of places as max_choices.
    other = definitions.add_question(survey, type=QuestionType.RANK, prompt="And then?", options=OPTIONS,
                                     max_choices=4)
    assert other.max_ranked == 4


@pytest.mark.parametrize("shape, words", [
    (dict(options=OPTIONS, max_ranked=5), "more places than options"),
    (dict(options=OPTIONS, max_ranked=0), "at least 1 place"),
    (dict(options=[f"Option {i}" for i in range(20)], max_ranked=11), "at most 10"),
    (dict(options=["Pay"], max_ranked=1), "between 2 and 20 options"),
    (dict(options=["Pay", "pay"], max_ranked=1), "must be different"),
])
def test_impossible_rank_questions_are_refused_with_a_message(app_ctx, shape, words):
    survey = rank_survey()
    with pytest.raises(SurveyError, match=words) as refused:
        definitions.add_question(survey, type=QuestionType.RANK, prompt="Order these", **shape)
    assert refused.value.field in ("max_choices", "options")
    assert len(survey.questions) == 2, "nothing is added"


def test_a_rank_question_is_written_again_with_its_options(app_ctx):
    survey = rank_survey()
    ranked = survey.questions[1]
    definitions.write_wording(survey, "es", definitions.SurveyWording("Prioridades"), {
        ranked.id: definitions.QuestionWording("¿Qué va primero?", ("Salario", "Seguridad", "Descansos", "Respeto"))})
    assert ranked.options_in("es") == ["Salario", "Seguridad", "Descansos", "Respeto"]
    with pytest.raises(SurveyError, match="4 options"):
        definitions.write_wording(survey, "es", definitions.SurveyWording(), {
            ranked.id: definitions.QuestionWording("¿Qué va primero?", ("Salario",))})


# ------------------------------------------------------------------ answering


@pytest.fixture
def open_survey(app_ctx) -> Survey:
    survey = rank_survey()
    launch.launch(survey, PEOPLE, ("department",))
    return survey


@pytest.mark.parametrize("ranking", [[0, 0], [1, 2, 3, 0], [4], [], "Pay", [True]])
def test_a_ranking_that_repeats_or_overflows_is_refused_and_nothing_is_stored(open_survey, ranking):
    with pytest.raises(BallotRejected):
        ballot_box.cast(open_survey, REFS[0], answers_of(open_survey, ranking))
    assert ballot_box.counts(open_survey) == (0, 0)


@pytest.mark.parametrize("placed, why", [
    ({(0, 0): 1, (0, 1): 1}, "Pay first and second: its row sums to 2"),
    ({(0, 0): 1, (1, 0): 1}, "Pay and Safety both first: the first place's column sums to 2"),
    ({(0, 0): 1, (2, 2): 1}, "a third place with no second"),
])
def test_a_forged_device_ballot_is_refused_and_nothing_is_stored(open_survey, placed, why):
    specs = [question_spec(q) for q in ballot_questions(open_survey)]
    key = PublicKey.from_bytes(open_survey.public_key)
    forged = forged_ballot_of(key, open_survey.context, specs, [[1, 0], cells(4, 3, placed)])
    with pytest.raises(BallotRejected, match="proofs do not verify"):
        ballot_box.cast_encrypted(open_survey, REFS[0], forged, {})
    with pytest.raises(BallotRejected, match="could not be decoded"):
        ballot_box.cast_encrypted(open_survey, REFS[0], device_payload(open_survey, [0])[:-1], {})
    assert ballot_box.counts(open_survey) == (0, 0), why
    # The same forger's honest ballot is taken: only the lie is refused.
    honest = forged_ballot_of(key, open_survey.context, specs, [[1, 0], cells(4, 3, {(2, 0): 1, (0, 1): 1})],
                              honest=True)
    ballot_box.cast_encrypted(open_survey, REFS[0], honest, {})
    assert ballot_box.counts(open_survey) == (1, 1)


def _released(survey: Survey) -> Survey:
    for ref, ranking in zip(REFS, RANKINGS):
        if ref in (REFS[1], REFS[3]):  # two of them from a device, the rest through the server
            ballot_box.cast_encrypted(survey, ref, device_payload(survey, ranking), {})
        else:
            ballot_box.cast(survey, ref, answers_of(survey, ranking))
    tally.close(survey)
    tally.release_with_server_key(survey)
    assert survey.state == SurveyState.RELEASED
    return survey


def test_sums_per_cell_are_the_counts_by_place_worked_out_by_hand(open_survey):
    survey = _released(open_survey)
    ranked = survey.questions[1]
    whole = results.released(survey).whole
    counts = whole.counts_for(ranked)
    assert len(counts) == 4 * 3
    assert results.counts_by_option(ranked, counts) == tuple(BY_PLACE[o] for o in OPTIONS)
    # Each department has 4 eligible and 3 respondents: below k, withheld like any other question's.
    assert all(not group.is_shown for group in results.released(survey).breakdown_groups)


def test_the_ranking_is_by_points_with_counts_by_place_and_intervals(open_survey):
    survey = _released(open_survey)
    view = results.results_of(survey)
    rank_result = next(q for q in view.whole.questions if q.question.type == QuestionType.RANK)
    ranking = rank_result.ranking
    assert [o.label for o in ranking.options] == ["Pay", "Safety", "Breaks", "Respect"]
    assert {o.label: o.points for o in ranking.options} == POINTS == {"Pay": 9, "Safety": 8, "Breaks": 6, "Respect": 3}
    assert {o.label: o.by_place for o in ranking.options} == BY_PLACE
    n = len(RANKINGS)
    for option in ranking.options:
        chosen = sum(BY_PLACE[option.label])
        assert (option.chosen.count, option.chosen.share) == (chosen, chosen / n)
        assert (option.chosen.low, option.chosen.high) == wilson_interval(chosen, n)
    assert (ranking.cant_say.count, ranking.cant_say.share) == (1, 1 / n)
    assert ranking.points == (3, 2, 1)
    assert "3 points" in ranking.scoring() and "1 point" in ranking.scoring()
    assert [row.count for row in rank_result.rows] == [4, 3, 3, 2, 1]


def _question(places: int, allows_cant_say: bool = False) -> Question:
    # A question as the engine stores it, not added to any survey: rank_result reads only its words and shape.
    return Question(type=QuestionType.RANK, prompt="Order these", options=["A", "B", "C"], max_choices=places,
                    allows_cant_say=allows_cant_say, translations={})


def test_a_tie_in_points_goes_to_more_first_places_then_to_the_order_of_the_question(app_ctx):
    # A: 2 firsts = 4 points; B: 4 seconds = 4 points; C: 4 points from 1 first and 2 seconds... by hand:
    #            1st 2nd
    counts = (2, 0,   # A: 2·2         = 4
              0, 4,   # B: 4·1         = 4
              1, 2)   # C: 1·2 + 2·1   = 4
    ranking = results.rank_result(_question(2), counts, respondents=6)
    assert [(o.label, o.points) for o in ranking.options] == [("A", 4), ("C", 4), ("B", 4)]
    even = results.rank_result(_question(1), (3, 3, 0), respondents=6)
    assert [o.label for o in even.options] == ["A", "B", "C"]
    assert even.chosen_heading() == "Put it first" and even.cant_say is None
    with pytest.raises(ValueError):
        results.rank_result(_question(2), (1, 2, 3), respondents=6)


# ------------------------------------------------------------------ the election record


def test_the_record_of_a_rank_survey_verifies_and_a_changed_rank_figure_or_ballot_fails(open_survey):
    survey = _released(open_survey)
    document = record.build(survey)
    assert verify_record(document).ballots == len(RANKINGS)
    ranked = str(survey.questions[1].id)
    assert document["release"]["counts"][0]["questions"][ranked] == [c for o in OPTIONS for c in BY_PLACE[o]]

    moved = copy.deepcopy(document)
    cells = moved["release"]["counts"][0]["questions"][ranked]
    cells[0], cells[1] = cells[1], cells[0]  # one first place read as a second
    with pytest.raises(RecordError, match=f"question {ranked}"):
        verify_record(moved)

    respecified = copy.deepcopy(document)
    entry = next(q for q in respecified["parameters"]["questions"] if q["kind"] == "rank")
    entry["allows_cant_say"] = False
    with pytest.raises(RecordError):
        verify_record(respecified)

    tampered = copy.deepcopy(document)
    payload = bytearray(base64.b64decode(tampered["ballots"][0]["ballot"]))
    payload[len(payload) - 40] ^= 1  # inside the rank answer's line proofs, the ballot's last part
    tampered["ballots"][0]["ballot"] = base64.b64encode(bytes(payload)).decode()
    with pytest.raises(RecordError):
        verify_record(tampered)
    db.session.rollback()


def test_the_standalone_verifier_checks_a_rank_survey_and_names_a_changed_rank_figure(open_survey, tmp_path):
    survey = _released(open_survey)
    document = record.build(survey)
    path = tmp_path / "record.json"
    path.write_text(json.dumps(document))
    # Run where nothing but the crypto package is importable, as a union's own auditor would.
    alone = tmp_path / "auditor"
    shutil.copytree(ROOT / "crypto", alone / "crypto", ignore=shutil.ignore_patterns("__pycache__"))
    checked = subprocess.run([sys.executable, "-m", "crypto.verify", str(path)], cwd=alone, capture_output=True,
                             text=True, timeout=300)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"ballot proofs: {len(RANKINGS)} of {len(RANKINGS)}" in checked.stderr
    ranked = str(survey.questions[1].id)
    document["release"]["counts"][0]["questions"][ranked][3] += 1  # one more "Safety first" than the sums hold
    path.write_text(json.dumps(document))
    failed = subprocess.run([sys.executable, "-m", "crypto.verify", str(path)], cwd=alone, capture_output=True,
                            text=True, timeout=300)
    assert failed.returncode == 1 and f"the released counts of question {ranked}" in failed.stdout
    db.session.rollback()
