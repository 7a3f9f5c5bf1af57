"""The first survey, as a new organizer meets it, over HTTP with CSRF on: the
form starts with the key the union can actually use and says what it means; a
trustee survey walks the organizer to the union's key ceremony before any
launch button (no key is dealt at launch);
a vote gets its yes/no question, a preview and a confirmation; a launch says
what it did in one message and the survey's page lists the breakdown notes in
words about people with accounts; bad questions and times are refused with
nothing stored."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from core.clock import utcnow
from core.extensions import db
from core.timezones import to_local
from organizer.accounts.services import find_account_by_email
from organizer.charting.models import Union
from organizer.unit_surveys import services as unit_surveys
from surveys.models import KeyMode, Question, QuestionType, Survey, SurveyState
from surveys.release import plan_segments
from tests import factories
from tests.csrf import post_form, sign_in

SURVEY = {"kind": "pulse", "title": "October pulse", "key_mode": "server_key", "release_threshold": "5",
          "comment_threshold": "10", "standard_questions": "y"}


@pytest.fixture
def organizer(client, world, csrf_on):
    return sign_in(client, world.organizer)


def _surveys_page(world) -> str:
    return f"/units/{world.unit_id}/surveys"


def _create(organizer, world, **changes) -> int:
    response = post_form(organizer, _surveys_page(world), {**SURVEY, **changes})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _survey_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Survey))


def _selected_key_mode(page: str) -> str:
    [checked] = re.findall(r'<input checked[^>]*name="key_mode"[^>]*value="([^"]+)"', page)
    return checked


def _make_the_unions_key(app, world) -> None:
    """The world's organizer and steward make the union's survey key together, 2 of 2."""
    with app.app_context():
        union = db.session.get(Union, world.union_id)
        factories.finished_ceremony(union, [find_account_by_email(world.organizer),
                                            find_account_by_email(world.steward)])
        db.session.commit()


# -- the key a first survey starts with ------------------------------------------------------------

def test_with_no_trustee_ready_the_form_starts_with_the_server_key_and_says_what_it_means(organizer, world):
    page = organizer.get(_surveys_page(world)).get_data(as_text=True)
    assert _selected_key_mode(page) == KeyMode.SERVER_KEY.value
    assert "The union's trustees have not made its survey key yet" in html.unescape(page)
    assert str(unit_surveys.SERVER_KEY_RISK) in page
    assert "Show results only when at least this many people answered" in page
    assert "The release threshold (k)" in page, "the precise term stays, in the help line"


def test_with_the_unions_survey_key_the_form_starts_with_trustees(app, organizer, world):
    _make_the_unions_key(app, world)
    page = organizer.get(_surveys_page(world)).get_data(as_text=True)
    assert _selected_key_mode(page) == KeyMode.TRUSTEES.value
    assert re.search(r'name="trustee_threshold"[^>]*value="2"', page)
    assert "have not made its survey key yet" not in page


def test_a_trustee_survey_walks_the_organizer_to_the_key_ceremony_before_any_launch_button(app, organizer, world,
                                                                                          crowd):
    survey_id = _create(organizer, world, key_mode="trustees", trustee_threshold="2")
    ceremony_page = f'href="/unions/{world.union_id}/survey-key"'
    draft = organizer.get(f"/surveys/{survey_id}").get_data(as_text=True)
    assert "First the trustees make the survey key together." in draft and ceremony_page in draft
    assert "Preview and launch" not in draft and 'href="/trustee/key"' not in draft
    preview = organizer.get(f"/surveys/{survey_id}/launch").get_data(as_text=True)
    assert "First the trustees make the survey key together." in preview and ceremony_page in preview
    assert "Launch: send it to" not in preview and 'name="trustees"' not in preview
    # Who the trustees could be: the union's organizers and stewards, by name.
    with app.app_context():
        names = [find_account_by_email(e).display_name for e in (world.organizer, world.steward)]
    assert all(name in preview for name in names)
    refused = post_form(organizer, f"/surveys/{survey_id}/launch", {})
    assert refused.status_code == 400
    assert "must first make the union's survey key together" in html.unescape(refused.get_data(as_text=True))
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        assert survey.public_key is None and survey.threshold_key is None and not survey.trustees

    switched = post_form(organizer, f"/surveys/{survey_id}", {}, action=f"/surveys/{survey_id}/server-key")
    assert switched.status_code == 302
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        assert (survey.key_mode, survey.trustee_threshold) == (KeyMode.SERVER_KEY, None)
    draft = organizer.get(f"/surveys/{survey_id}").get_data(as_text=True)
    assert "First the trustees make the survey key together." not in draft and "Preview and launch" in draft


# -- one message, and the notes on the page ---------------------------------------------------------

def test_a_launch_says_what_it_did_in_one_message_and_the_page_lists_the_notes(app, organizer, world, crowd):
    survey_id = _create(organizer, world)
    launched = post_form(organizer, f"/surveys/{survey_id}/launch", {})
    assert launched.status_code == 302
    page = organizer.get(launched.headers["Location"]).get_data(as_text=True)
    messages = re.findall(r'<p class="flash flash-\w+">(.*?)</p>', page, re.S)
    assert len(messages) == 1, messages
    assert messages[0].startswith("Launched to 7 members with accounts. It is open now until you close it.")
    # Everyone in the world's unit was charted today, so nobody is broken out yet (the segment freeze).
    notes = re.search(r"<h3>Breakdowns</h3>.*?<ul class=\"help\">(.*?)</ul>", page, re.S).group(1)
    items = re.findall(r"<li>(.*?)</li>", notes, re.S)
    assert items == [
        "No results by department: too few people with accounts in each department to keep every answer among at "
        "least 5.",
        "No results by shift: too few people with accounts in each shift to keep every answer among at least 5.",
    ]


def _voters(groups: dict[tuple[str | None, str | None], int]) -> dict[str, dict[str, str | None]]:
    voters, n = {}, 0
    for (department, shift), count in groups.items():
        for _ in range(count):
            voters[f"voter:{n}"] = {"department": department, "shift": shift}
            n += 1
    return voters


def test_every_kind_of_breakdown_note_the_engine_writes_reads_as_people_with_accounts():
    """The engine's own notes, from its own planner: if its wording changes, this fails
    rather than the page quietly showing engine words again."""
    merged, _ = plan_segments(_voters({("Loading", None): 10, ("Cranes", None): 6, ("Pat's \"annex\"", None): 2}),
                              ("department", "shift"), 5)
    crossed, _ = plan_segments(_voters({("A", "Day"): 8, ("A", "Night"): 2, ("B", "Day"): 2, ("B", "Night"): 8}),
                               ("department", "shift"), 5)
    notes = [unit_surveys.plain_breakdown_note(note) for note in merged.notes + crossed.notes]
    assert notes == [
        "\u201cPat's \"annex\"\u201d (department) has fewer than 5 people with accounts: its answers count under "
        "\u201cOther\u201d.",
        "\u201cCranes\u201d (department) counts under \u201cOther\u201d too, so that \u201cOther\u201d has at least 5 "
        "people with accounts.",
        "No results by shift: too few people with accounts in each shift to keep every answer among at least 5.",
        "No results by shift: together with department, some groups would have fewer than 5 people with accounts.",
    ]
    assert unit_surveys.plain_breakdown_note("A note of another kind.") == "A note of another kind."


# -- a vote ------------------------------------------------------------------------------------------

def test_a_vote_gets_its_yes_no_question_a_preview_and_a_confirmation(app, organizer, world, crowd):
    survey_id = _create(organizer, world, kind="vote", title="Strike authorization")
    with app.app_context():
        [question] = db.session.get(Survey, survey_id).questions
        assert question.type == QuestionType.YES_NO
        assert question.prompt == "Do you vote yes on \u201cStrike authorization\u201d?"
    draft = organizer.get(f"/surveys/{survey_id}").get_data(as_text=True)
    assert "Launch: send it to" not in draft, "the survey's page sends to the preview first"
    preview = organizer.get(f"/surveys/{survey_id}/launch").get_data(as_text=True)
    assert "What members will see" in preview and "Do you vote yes on \u201cStrike authorization\u201d?" in preview
    assert re.search(r'<fieldset class="question" disabled>', preview)
    assert '7 members of <span translate="no">Dock crew</span> with accounts' in preview
    assert "Launch: send it to 7 members" in preview
    with app.app_context():
        assert db.session.get(Survey, survey_id).state == SurveyState.DRAFT, "a preview launches nothing"
    assert post_form(organizer, f"/surveys/{survey_id}/launch", {}).status_code == 302
    with app.app_context():
        assert db.session.get(Survey, survey_id).state == SurveyState.OPEN


def test_a_vote_without_a_yes_no_question_is_refused_at_launch_and_nothing_stored(app, organizer, world, crowd):
    survey_id = _create(organizer, world, kind="vote", title="Strike authorization", standard_questions="")
    assert post_form(organizer, f"/surveys/{survey_id}", {"type": "scale", "prompt": "How sure are you?"},
                     action=f"/surveys/{survey_id}/questions").status_code == 302
    preview = organizer.get(f"/surveys/{survey_id}/launch").get_data(as_text=True)
    assert "A vote needs a yes/no question" in preview and "Launch: send it to" not in preview
    refused = post_form(organizer, f"/surveys/{survey_id}/launch", {})
    assert refused.status_code == 400 and "A vote needs a yes/no question" in refused.get_data(as_text=True)
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        assert survey.public_key is None and survey.eligible_count == 0 and survey.state == SurveyState.DRAFT


# -- questions ---------------------------------------------------------------------------------------

FIVE = "Never\nRarely\nSometimes\nOften\nEvery shift"


@pytest.mark.parametrize("data, words", [
    ({"type": "scale", "prompt": "How often?", "options": "Never\nSometimes\nAlways"},
     "A scale needs 5 labels, one per line from 1 to 5; 3 were given"),
    ({"type": "scale", "prompt": "How often?", "options": FIVE + "\nTwice a shift"}, "6 were given"),
    ({"type": "yes_no", "prompt": "Strike?", "options": "Yes\nNo\nMaybe"}, "This kind of question takes no options"),
    ({"type": "free_text", "prompt": "Anything else?", "options": "x"}, "This kind of question takes no options"),
    ({"type": "single_choice", "prompt": "Which?", "options": "Pay\n\u200b\u200b"},
     "Option 2 is only blank or invisible characters"),
    ({"type": "scale", "prompt": "????"}, "only punctuation or symbols"),
    ({"type": "scale", "prompt": "q" * 501}, "Keep it to 500 characters or fewer: this has 501."),
])
def test_a_question_that_would_lose_or_garble_what_was_typed_is_refused(app, organizer, world, data, words):
    survey_id = _create(organizer, world, standard_questions="")
    response = post_form(organizer, f"/surveys/{survey_id}", data, action=f"/surveys/{survey_id}/questions")
    assert response.status_code == 400 and words in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 0


def test_a_scales_own_labels_are_kept(app, organizer, world):
    survey_id = _create(organizer, world, standard_questions="")
    assert post_form(organizer, f"/surveys/{survey_id}", {"type": "scale", "prompt": "How often?", "options": FIVE},
                     action=f"/surveys/{survey_id}/questions").status_code == 302
    with app.app_context():
        assert db.session.scalars(sa.select(Question.options)).one() == FIVE.splitlines()
    assert "Never · Rarely · Sometimes · Often · Every shift" in organizer.get(f"/surveys/{survey_id}").get_data(
        as_text=True)


# -- titles and times ----------------------------------------------------------------------------------

def _ahead(days: int, hour: int = 17) -> str:
    return (utcnow() + timedelta(days=days)).replace(hour=hour, minute=0).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize("changes, words", [
    ({"title": "\u200b\u200b"}, "only blank or invisible characters"),
    ({"title": "Pulse \u202eesluP"}, "direction text is shown in"),
    ({"title": "t" * 201}, "Keep it to 200 characters or fewer: this has 201."),
    ({"opens_at": "9999-12-31T10:00"}, "Open it within a year from today."),
    ({"opens_at": "0001-01-01T00:00"}, "That day has passed."),
    ({"opens_at": _ahead(-3)}, "That day has passed."),
    ({"closes_at": _ahead(-1)}, "That time has passed"),
    ({"closes_at": "2999-01-01T00:00"}, "Close it within a year of its opening."),
    ({"opens_at": _ahead(300), "closes_at": _ahead(700)}, "Close it within a year of its opening."),
    ({"opens_at": "2026-02-30T10:00"}, "Not a valid datetime value"),
])
def test_a_survey_with_a_bad_title_or_an_impossible_time_is_refused_and_nothing_stored(app, organizer, world,
                                                                                        changes, words):
    response = post_form(organizer, _surveys_page(world), {**SURVEY, **changes})
    assert response.status_code == 400 and words in response.get_data(as_text=True)
    assert _survey_count(app) == 0


def test_times_are_typed_and_shown_in_the_unions_time_zone(app, organizer, world):
    settings = f"/unions/{world.union_id}/settings"
    saved = post_form(organizer, settings, {"zone-time_zone": "Asia/Tokyo"},
                      action=f"/unions/{world.union_id}/settings/time-zone")
    assert saved.status_code == 302
    form = organizer.get(_surveys_page(world)).get_data(as_text=True)
    # The zone's name is marked as a name, not words to translate.
    assert 'In <span translate="no">Asia/Tokyo</span> time.' in form and "(UTC)" not in form
    closes = _ahead(10)
    survey_id = _create(organizer, world, closes_at=closes)
    with app.app_context():
        stored = db.session.get(Survey, survey_id).closes_at
    assert stored.strftime("%Y-%m-%dT%H:%M") == (
        (utcnow() + timedelta(days=10)).replace(hour=8, minute=0).strftime("%Y-%m-%dT%H:%M")), "17:00 in Tokyo"
    local = to_local(stored, "Asia/Tokyo")
    assert f"{local:%a} {local.day} {local:%b %Y}, 17:00 JST" in organizer.get(
        f"/surveys/{survey_id}/launch").get_data(as_text=True)


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "", "../../etc/passwd", "EST5EDT"])
def test_a_time_zone_that_is_not_on_the_list_is_refused(app, organizer, world, zone):
    response = post_form(organizer, f"/unions/{world.union_id}/settings", {"zone-time_zone": zone},
                         action=f"/unions/{world.union_id}/settings/time-zone")
    assert response.status_code == 400 and "Not a valid choice" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Union, world.union_id).time_zone == "America/New_York"
