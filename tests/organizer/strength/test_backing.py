"""Coworker backing as people read it: the share who agree (4 or 5 of 5) with the
number who answered, "5 of 6 coworkers agree"; the shrunk weight stays for the
ranking and is explained where the ranking is, never shown as a share."""

from __future__ import annotations

import csv
import io
import re
from types import SimpleNamespace

import pytest

from core.extensions import db
from organizer.accounts import services as accounts
from organizer.accounts.services import account_ref
from organizer.bargaining import exports, summary
from organizer.charting.models import BargainingUnit
from organizer.demands import services as demands
from organizer.demands.models import Basis, Category, DemandKind, Tier
from organizer.strength import metrics
from organizer.strength.card import percent
from organizer.unit_surveys.services import unit_scope
from surveys import ballot_box, definitions, launch, tally
from surveys.models import KeyMode, QuestionType, SurveyKind

AGREEMENT = ["Strongly disagree", "Disagree", "Neither", "Agree", "Strongly agree"]


@pytest.mark.parametrize("counts, agreeing", [
    ([0, 1, 0, 2, 3, 4], (5, 6)),       # "can't say" (the last slot) is no answer
    ([0, 0, 0, 0, 3], (3, 3)),
    ([2, 2, 2, 0, 0, 0], (0, 6)),
    ([0, 0, 5, 1, 0], (1, 6)),
])
def test_the_share_who_agree_counts_the_top_two_points(counts, agreeing):
    assert metrics.agreeing_from_counts(counts) == agreeing


def test_no_agreement_answer_gives_no_share():
    assert metrics.agreeing_from_counts([0, 0, 0, 0, 0, 3]) is None


def _item(ref: str) -> SimpleNamespace:
    """What `backings` asks of a claim or demand (the demands package, above, provides the real ones)."""
    return SimpleNamespace(subject_ref=ref, survey_being_answered=None, awaits_endorsement_survey=False)


def _released_endorsement(unit, ref: str, agreement: list) -> None:
    survey = definitions.create_survey(unit_scope(unit), definitions.SurveySettings(
        kind=SurveyKind.ENDORSEMENT, title="Back a coworker's demand", key_mode=KeyMode.SERVER_KEY,
        release_threshold=SurveyKind.ENDORSEMENT.default_threshold))
    question = definitions.add_question(survey, type=QuestionType.SCALE, options=AGREEMENT, allows_cant_say=True,
                                        prompt="Will you heat the loading bay?", subject_ref=ref)
    voters = {f"coworker:{n}": {} for n in range(len(agreement))}
    launch.launch(survey, voters, [])
    for voter, answer in zip(voters, agreement):
        ballot_box.cast(survey, voter, {question.id: answer})
    tally.close(survey)
    tally.release_with_server_key(survey)


def test_backing_reads_as_the_share_who_agree_with_n(app_ctx, app, world):
    unit = db.session.get(BargainingUnit, world.unit_id)
    answers = [5, 4, 5, 2, 4, 5, ballot_box.CANT_SAY]  # five of six agree; one can't say
    _released_endorsement(unit, "demand:900", answers)
    backing = metrics.backings(unit, [_item("demand:900")])["demand:900"]
    given = [a for a in answers if a != ballot_box.CANT_SAY]
    assert (backing.agree, backing.answers) == (sum(a >= 4 for a in given), len(given)) == (5, 6)
    assert backing.mean_agreement == pytest.approx(sum(given) / len(given))
    words = backing.words
    assert words.headline == "5 of 6 coworkers agree"
    assert words.average == f"on average {sum(given) / len(given):.1f} of 5"
    assert exports.backing_text(backing) == f"5 of 6 coworkers agree (answered agree or strongly agree); {words.average}"

    with app.test_request_context():
        macro = app.jinja_env.get_template("_macros/context.html").module.backing_text
        html = str(macro(backing))
    text = re.sub(r"<[^>]+>", "", html)
    assert "5 of 6 coworkers agree" in text and words.average in text
    assert f'title="{words.agree_term}"' in html.replace("&#39;", "'")
    # The ranking weight is not a share of anyone: it appears nowhere on the page as one.
    assert percent(backing.weight) not in text and "mean agreement" not in text


def test_the_ranking_weight_is_explained_where_the_ranking_is(app_ctx, world):
    # Both are read in the language of whoever looks: compared as the words of this moment.
    assert str(metrics.WEIGHT_RULE) in str(summary.SCORE_RULE)
    assert "not the share who agree" in str(metrics.WEIGHT_RULE)
    assert str(metrics.PRIOR_ANSWERS) in str(metrics.WEIGHT_RULE)


def test_the_summary_and_its_csv_carry_the_share_who_agree_beside_the_ranking_weight(app_ctx, world, crowd):
    find = accounts.find_account_by_email
    unit, author, organizer = db.session.get(BargainingUnit, world.unit_id), find(world.member), find(world.organizer)
    demand = demands.create_demand(author, demands.DemandDetails(
        DemandKind.DEMAND, Tier.PRIORITY, Basis.NEEDS, Category.SECURITY_CONDITIONS, "Will you heat the bay?"))
    demands.request_endorsement(author, demand)
    survey = demands.launch_endorsement_survey(organizer, unit, demand.subject_ref).survey
    given = dict(zip(sorted(crowd), [5, 4, 2, 5, 4, ballot_box.CANT_SAY]))
    for email, answer in given.items():
        ballot_box.cast(survey, account_ref(find(email)), {q.id: answer for q in survey.questions})
    tally.close(survey)
    tally.release_with_server_key(survey)

    built = summary.build(find(world.steward), unit)
    [item] = built.items
    assert (item.backing.agree, item.backing.answers) == (4, 5)
    assert item.score == pytest.approx(item.backing.weight * Tier.PRIORITY.weight)  # ranked by the weight
    [row] = list(csv.DictReader(io.StringIO(exports.to_csv(built))))
    assert (row["backing_agree"], row["backing_answers"]) == ("4", "5")
    assert row["backing_weight"] == f"{item.backing.weight:.3f}"
    assert "Coworker backing: 4 of 5 coworkers agree" in exports.to_markdown(built)
