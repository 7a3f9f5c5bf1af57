"""The members' bargaining priorities in the bargaining summary: the latest
released bargaining priorities survey orders the categories by its Borda
points (a tie keeps the order the scores give) and multiplies each item's
score by 1 + the share of those who answered who put its category in their top
places; a survey not released, released below k, or withheld by differencing
changes nothing; the page, the Markdown, the CSV and the PDF carry the order,
the line of each category (in English and in Spanish, with its plural forms)
and where they come from; a release stores the summary again as it commits,
and the PDF made before it is no longer offered as current; stored priorities
that do not decode are refused.

The unit's seven members answer by hand-chosen rankings (RANKINGS); every
figure below is counted from them by hand."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
import sqlalchemy as sa

from core import i18n
from core.extensions import db
from organizer.accounts import services as accounts
from organizer.bargaining import downloads, exports, prepared, ranking, summary
from organizer.bargaining.models import PreparedSummary
from organizer.charting.models import BargainingUnit
from organizer.demands import services as demands
from organizer.demands.models import Basis, Category, DemandKind, Tier
from organizer.unit_surveys import services as unit_surveys
from surveys import ballot_box, definitions, results
from surveys.ballot_box import CANT_SAY
from surveys.models import KeyMode, QuestionType, Survey, SurveyKind, SurveyState
from tests.organizer.bargaining.pdf_reading import read_pdf

PAY, BENEFITS, SCHEDULING, CONDITIONS = 0, 1, 2, 3  # the categories' places among the question's options
#: The seven members' rankings of the categories (indices of the options, first place first).
RANKINGS = [
    [CONDITIONS, PAY, SCHEDULING],
    [CONDITIONS, SCHEDULING],
    [PAY, CONDITIONS, BENEFITS],
    [SCHEDULING, CONDITIONS],
    [CONDITIONS],
    [PAY, SCHEDULING, CONDITIONS],
    CANT_SAY,
]
ANSWERED = 7
#: By hand from RANKINGS: (1st, 2nd, 3rd) and Borda points, 3 for a first place, 2 for a second, 1 for a third.
#: Conditions: firsts on ballots 1, 2 and 5, seconds on 3 and 4, a third on 6: 9 + 4 + 1 = 14.
#: Pay: firsts on 3 and 6, a second on 1: 6 + 2 = 8. Scheduling: a first on 4, seconds on 2 and 6, a
#: third on 1: 3 + 4 + 1 = 8, as many as pay. Benefits: a third on 3: 1.
BY_PLACE = {Category.SECURITY_CONDITIONS: (3, 2, 1), Category.PAY: (2, 1, 0), Category.SCHEDULING: (1, 2, 1),
            Category.BENEFITS: (0, 0, 1)}
POINTS = {Category.SECURITY_CONDITIONS: 14, Category.PAY: 8, Category.SCHEDULING: 8, Category.BENEFITS: 1}
#: Who put each category in any of their three places: 6, 3, 4 and 1 of the 7.
IN_TOP = {Category.SECURITY_CONDITIONS: 6, Category.PAY: 3, Category.SCHEDULING: 4, Category.BENEFITS: 1}
#: 1 + how many categories have more points: pay and scheduling share the 2nd place.
PLACES = {Category.SECURITY_CONDITIONS: 1, Category.SCHEDULING: 2, Category.PAY: 2, Category.BENEFITS: 4}

#: One demand per category, their tiers chosen so that the scores alone (nobody has weighed any:
#: 0.5 × the tier's weight) order them otherwise than the members do: scheduling 2.5, benefits 2,
#: pay 1.5, conditions 1.
DEMANDS = {Category.SCHEDULING: ("Will you post the schedule two weeks ahead?", Tier.DEALBREAKER),
           Category.BENEFITS: ("Will you pay for dental?", Tier.PRIORITY),
           Category.PAY: ("Will you pay nights extra?", Tier.IMPORTANT),
           Category.SECURITY_CONDITIONS: ("Will you fix the dock doors?", Tier.NICE_TO_HAVE)}
QUESTION = "How are pay rises decided?"
ORDER_BY_SCORE = [Category.SCHEDULING, Category.BENEFITS, Category.PAY, Category.SECURITY_CONDITIONS]
#: By points; pay and scheduling tie at 8, so they keep the order of their scores (scheduling's
#: 2.5 × 11/7 above pay's 1.5 × 10/7), which is not the ontology's order (pay comes first there).
ORDER_BY_MEMBERS = [Category.SECURITY_CONDITIONS, Category.SCHEDULING, Category.PAY, Category.BENEFITS]

LINES = {
    Category.SECURITY_CONDITIONS: "Members ranked it 1st; "
                                  "6 of 7 put it in their top 3. 3 put it first.",
    Category.SCHEDULING: "Members ranked it 2nd; 4 of 7 put it in their top 3. "
                         "1 put it first.",
    Category.PAY: "Members ranked it 2nd; 3 of 7 put it in their top 3. 2 put it first.",
    Category.BENEFITS: "Members ranked it 4th; 1 of 7 put it in their top 3. 0 put it first.",
}
NONE_RELEASED = "No bargaining priorities survey has been released for this unit yet"


@pytest.fixture
def shop(app_ctx, world, crowd):
    find = accounts.find_account_by_email
    unit = db.session.get(BargainingUnit, world.unit_id)
    author = find(world.member)
    for category, (text, tier) in DEMANDS.items():
        demands.create_demand(author, demands.DemandDetails(DemandKind.DEMAND, tier, Basis.COLLECTIVE, category, text))
    demands.create_demand(author, demands.DemandDetails(DemandKind.QUESTION, Tier.CURIOUS, Basis.MARKET, Category.PAY,
                                                        QUESTION))
    db.session.commit()
    return {"unit": unit, "steward": find(world.steward), "organizer": find(world.organizer)}


def _voters(unit) -> list[str]:
    return sorted(unit_surveys.electorate(unit).voters)


def _priorities_survey(shop, rankings, *, voters: list[str] | None = None, release: bool = True) -> Survey:
    """The standard bargaining survey, answered by `voters` (the unit's members, in order) with
    `rankings` and a 3 on every satisfaction scale, closed and, with `release`, released."""
    organizer, unit = shop["organizer"], shop["unit"]
    with i18n.in_language("en"):
        survey = unit_surveys.start_standard_survey(organizer, unit, "bargaining")
    unit_surveys.launch_for_unit(organizer, survey)
    ranked, *scales, comment = survey.questions
    for ref, ranking_given in zip(voters or _voters(unit), rankings):
        ballot_box.cast(survey, ref, {ranked.id: ranking_given, comment.id: "", **{q.id: 3 for q in scales}})
    unit_surveys.end_voting(organizer, survey)
    if release:
        unit_surveys.tally_and_release(organizer, survey)
    db.session.commit()
    return survey


def _built(shop) -> summary.BargainingSummary:
    return summary.build(shop["steward"], shop["unit"])


def _scores(built) -> dict[str, float]:
    return {item.demand.text: item.score for item in built.items}


def _stored(unit) -> bytes | None:
    return db.session.execute(sa.select(PreparedSummary.items).where(PreparedSummary.unit_id == unit.id)).scalar()


def test_without_a_priorities_survey_the_scores_order_the_categories_and_the_page_says_so(shop):
    built = _built(shop)
    assert [section.category for section in built.demand_sections] == ORDER_BY_SCORE
    assert built.priorities is None and NONE_RELEASED in built.priorities_text
    assert built.priority_line(Category.PAY) is None
    assert _scores(built)[DEMANDS[Category.SCHEDULING][0]] == 0.5 * Tier.DEALBREAKER.weight


def test_a_released_survey_orders_the_categories_by_its_borda_points(shop):
    _priorities_survey(shop, RANKINGS)
    built = _built(shop)
    assert built.priorities is not None and built.priorities.answered == ANSWERED
    for category, points in POINTS.items():
        assert built.priorities.of(category).by_place == BY_PLACE[category]
        assert built.priorities.points(category) == points
    assert [section.category for section in built.demand_sections] == ORDER_BY_MEMBERS
    assert {category: built.priority_line(category) for category in LINES} == LINES


def test_it_multiplies_every_score_by_exactly_one_plus_the_share_who_put_the_category_in_their_top_places(shop):
    before = _scores(_built(shop))
    _priorities_survey(shop, RANKINGS)
    after = _scores(_built(shop))
    for category, (text, tier) in DEMANDS.items():
        factor = 1 + IN_TOP[category] / ANSWERED
        assert after[text] == pytest.approx(before[text] * factor, rel=1e-12)
        assert after[text] == pytest.approx(0.5 * tier.weight * factor, rel=1e-12)
    # A question weighs the same: pay's factor, 1 + 3/7.
    assert after[QUESTION] == pytest.approx(0.5 * Tier.CURIOUS.weight * (1 + 3 / 7), rel=1e-12)


def test_a_survey_closed_but_not_released_changes_nothing(shop):
    before = ranking.encode(ranking.rank(shop["unit"]))
    survey = _priorities_survey(shop, RANKINGS, release=False)
    assert survey.state is SurveyState.CLOSED
    assert ranking.encode(ranking.rank(shop["unit"])) == before
    assert _stored(shop["unit"]) == before


def test_a_survey_fewer_than_k_answered_changes_nothing(shop):
    before = ranking.encode(ranking.rank(shop["unit"]))
    survey = _priorities_survey(shop, RANKINGS[:4])
    released = results.released(survey)
    assert survey.state is SurveyState.RELEASED and not released.whole.is_approved  # k is 5: four withheld
    assert ranking.encode(ranking.rank(shop["unit"])) == before
    page = summary.summary_page(shop["steward"], shop["unit"])
    assert page.priorities is None and NONE_RELEASED in page.priorities_text


def test_a_later_survey_withheld_by_differencing_leaves_the_earlier_ones_order(shop):
    first = _priorities_survey(shop, RANKINGS)
    ordered = [section.category for section in _built(shop).demand_sections]
    # The same members but one, each now putting benefits first: set against the first survey,
    # its figures would give the one missing member's answers, so the rules withhold it whole.
    later = _priorities_survey(shop, [[BENEFITS]] * 6, voters=_voters(shop["unit"])[:6])
    released = results.released(later)
    assert later.state is SurveyState.RELEASED and not released.whole.is_approved
    assert "differs from earlier surveys' results by fewer than 5 people" in released.whole.withheld_reason
    built = _built(shop)
    assert built.priorities.survey_id == first.id
    assert [section.category for section in built.demand_sections] == ordered == ORDER_BY_MEMBERS


def test_the_latest_released_survey_is_the_one_followed(shop):
    _priorities_survey(shop, RANKINGS)
    # Every member again (nobody could be singled out): benefits first for all but the last.
    latest = _priorities_survey(shop, [[BENEFITS, PAY]] * 6 + [CANT_SAY])
    built = _built(shop)
    assert built.priorities.survey_id == latest.id
    assert built.priorities.of(Category.BENEFITS).by_place == (6, 0, 0)
    assert [section.category for section in built.demand_sections][:2] == [Category.BENEFITS, Category.PAY]


def test_releasing_stores_the_summary_again_and_outdates_the_pdf_made_before(shop):
    unit, steward = shop["unit"], shop["steward"]
    assert downloads.request_pdf(steward, unit).is_ready
    db.session.commit()
    before = ranking.StoredRanking.decode(_stored(unit))
    assert before.priorities is None
    _priorities_survey(shop, RANKINGS)  # released and committed: the commit prepares the unit
    stored = _stored(unit)
    assert stored == ranking.encode(ranking.rank(unit))
    decoded = ranking.StoredRanking.decode(stored)
    assert decoded.priorities is not None and [c for c, _ in decoded.sections] == ORDER_BY_MEMBERS
    _, state = downloads.pdf_file(steward, unit)
    assert state.is_outdated and not state.is_current, "the PDF made before the release is offered as current"


def test_a_released_bargaining_survey_that_ranks_something_else_is_not_followed(shop):
    """An organizer's own bargaining survey, whose ranking is of other options: no priorities in it."""
    organizer, unit = shop["organizer"], shop["unit"]
    before = ranking.encode(ranking.rank(unit))
    survey = unit_surveys.create(organizer, unit, definitions.SurveySettings(
        kind=SurveyKind.BARGAINING, title="What to fix first", key_mode=KeyMode.SERVER_KEY,
        release_threshold=5), standard_questions=False)
    ranked = definitions.add_question(survey, type=QuestionType.RANK, prompt="What first?",
                                      options=["Heat", "Breaks", "Lockers"], max_ranked=2)
    unit_surveys.launch_for_unit(organizer, survey)
    for ref in _voters(unit):
        ballot_box.cast(survey, ref, {ranked.id: [0, 1]})
    unit_surveys.end_voting(organizer, survey)
    unit_surveys.tally_and_release(organizer, survey)
    db.session.commit()
    assert results.released(survey).whole.is_approved
    assert _stored(unit) == ranking.encode(ranking.rank(unit)) == before


def _page(client, world) -> str:
    return client.get(f"/units/{world.unit_id}/summary").get_data(as_text=True)


def test_the_page_shows_the_order_the_lines_and_where_they_come_from(shop, app, world, login):
    steward = login(app.test_client(), world.steward)
    assert NONE_RELEASED in _page(steward, world)
    _priorities_survey(shop, RANKINGS)
    page = _page(steward, world)
    assert NONE_RELEASED not in page
    assert "The categories are in the order of the members&#39; priorities" in page
    assert "which 7 members answered; points: 1st place: 3 points · 2nd place: 2 points · 3rd place: 1 point" in page
    assert "How many members reported each kind of problem (shown only from 5 members up) changes no score" in page
    headings = re.findall(r'<section class="card"><h3>([^<]+)</h3>\s*<p class="help priority-line">([^<]+)</p>', page)
    assert [(heading, line) for heading, line in headings] == [
        (str(category.label), LINES[category]) for category in ORDER_BY_MEMBERS]


def test_the_markdown_csv_and_pdf_carry_the_order_and_the_lines(shop):
    _priorities_survey(shop, RANKINGS)
    built = _built(shop)

    markdown = exports.to_markdown(built)
    assert re.findall(r"^### (.+)$", markdown, re.M) == [str(category.label) for category in ORDER_BY_MEMBERS]
    for category in ORDER_BY_MEMBERS:
        heading = markdown.index(f"### {category.label}")
        assert markdown.index(f"### {category.label}\n\n_{LINES[category]}_\n") == heading
    assert "The categories are in the order of the members' priorities" in markdown

    rows = list(csv.reader(io.StringIO(exports.to_csv(built))))
    header, items = rows[0], rows[1:]
    # The columns there were stay where they were; the priorities' come after them.
    assert header[:18] == ["section", "category", "rank", "text", "kind", "tier", "basis", "raised_by", "named",
                           "backing_weight", "backing_answers", "backing_agree", "score", "employer_response",
                           "employer_response_note", "responded_on", "earlier_responses", "pay_in_role"]
    assert header[18:23] == ["priority_place", "priority_points", "put_first", "put_in_top", "priorities_answered"]
    by_text = {row[3]: dict(zip(header, row)) for row in items}
    for category, (text, _) in DEMANDS.items():
        row = by_text[text]
        assert (row["priority_place"], row["priority_points"], row["put_first"], row["put_in_top"],
                row["priorities_answered"]) == (str(PLACES[category]), str(POINTS[category]), str(BY_PLACE[category][0]),
                                                str(IN_TOP[category]), "7")
    assert [row[1] for row in items if row[0] == "demand"] == [str(c.label) for c in ORDER_BY_MEMBERS]

    text = " ".join(read_pdf(exports.to_pdf(built)).text.split())
    places = [text.index(LINES[category]) for category in ORDER_BY_MEMBERS]
    assert places == sorted(places), "the PDF's categories are not in the members' order"
    assert "The categories are in the order of the members' priorities" in text


def test_without_priorities_the_exports_say_none_is_released_and_the_csv_leaves_their_columns_empty(shop):
    built = _built(shop)
    assert NONE_RELEASED in exports.to_markdown(built)
    assert NONE_RELEASED in " ".join(read_pdf(exports.to_pdf(built)).text.split())
    rows = list(csv.DictReader(io.StringIO(exports.to_csv(built))))
    assert rows and all(row["priority_place"] == row["put_in_top"] == "" for row in rows)


def test_the_lines_are_spanish_for_a_spanish_reader_with_their_plural_forms(shop):
    _priorities_survey(shop, RANKINGS)
    with i18n.in_language("es"):
        markdown = exports.to_markdown(_built(shop))
    assert ("2.º puesto en las prioridades de los miembros; 3 de 7 la pusieron entre sus 3 primeras. "
            "2 la pusieron en 1.er puesto.") in markdown
    assert "1 de 7 la puso entre sus 3 primeras. 0 la pusieron en 1.er puesto." in markdown  # benefits
    assert "4 de 7 la pusieron entre sus 3 primeras. 1 la puso en 1.er puesto." in markdown  # scheduling
    assert "Las categorías van en el orden de las prioridades de los miembros" in markdown
    assert "members ranked it" not in markdown and "put it first" not in markdown


# -- as stored ---------------------------------------------------------------------------------------

def _with_header(stored: bytes, change) -> bytes:
    header, *lines = stored.split(b"\n")
    raw = json.loads(header)
    change(raw)
    return b"\n".join([json.dumps(raw).encode(), *lines])


def _set(path: list, value):
    def change(raw):
        target = raw["priorities"]
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return change


@pytest.mark.parametrize("change", [
    _set(["by_place", "pay"], [9, 0, 0]),  # more than answered
    _set(["by_place", "pay"], [1, 1]),  # not three places
    _set(["by_place", "pay"], ["2", 1, 0]),  # not a count
    _set(["by_place", "pay"], [-1, 1, 0]),
    _set(["by_place", "pension"], [0, 0, 0]),  # no such category
    _set(["answered"], 0),
    _set(["answered"], True),
    _set(["places"], "3"),
    _set(["closed_on"], "last spring"),
    _set(["by_place"], []),
    lambda raw: raw["priorities"]["by_place"].pop("pay"),  # a category missing
    lambda raw: raw.pop("priorities"),  # the header of another format
    lambda raw: raw.update(priorities=[]),
], ids=["over", "places", "text", "negative", "category", "nobody", "bool", "places-text", "day", "list",
        "missing", "no-key", "not-an-object"])
def test_stored_priorities_that_do_not_decode_are_refused_and_ranked_afresh(shop, change):
    _priorities_survey(shop, RANKINGS)
    stored = _stored(shop["unit"])
    altered = _with_header(stored, change)
    with pytest.raises(ranking.RankingFormatError):
        ranking.StoredRanking.decode(altered)
    db.session.execute(PreparedSummary.__table__.update().values(items=altered))
    db.session.commit()
    read = prepared.stored_or_ranked(shop["unit"])
    assert read.priorities is not None and [c for c, _ in read.sections] == ORDER_BY_MEMBERS


def test_items_stored_before_priorities_existed_are_ranked_afresh_and_stored_again_by_the_job(shop):
    _priorities_survey(shop, RANKINGS)
    stored = _stored(shop["unit"])

    def as_format_2(raw):
        raw["format"] = 2
        raw.pop("priorities")
    db.session.execute(PreparedSummary.__table__.update().values(items=_with_header(stored, as_format_2)))
    db.session.commit()
    assert prepared.stored_or_ranked(shop["unit"]).priorities is not None
    assert prepared.prepare_missing() == 1
    db.session.commit()
    assert _stored(shop["unit"]) == stored
