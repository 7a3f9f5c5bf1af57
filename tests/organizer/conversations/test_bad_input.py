"""Bad input on the one-on-one pages never gets a 500 and never leaves anything
behind: each refusal the issue names (an owner outside the union, a due day long
past, a coworker of another union, a note too long, issues the list does not
hold) answered with its message and nothing stored; hostile values in every
field; and a refusal raised after the service has written, with a commit hooked
onto the end of the request, leaves no conversation, no follow-up, no audit
entry and the chart's assessment as it was."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import request_finished
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.extensions import db
from organizer.accounts import services as accounts
from organizer.charting.models import BargainingUnit, Person
from organizer.conversations import services
from organizer.errors import DomainError
from tests import factories
from tests.organizer.conversations.helpers import NOTE, STEP, follow_up, stored


@pytest.fixture
def setting(app, world):
    """Ids the requests need: the organizer, the steward, the other union's organizer and coworker, a follow-up."""
    with app.app_context():
        organizer = accounts.find_account_by_email(world.organizer)
        other_unit = db.session.get(BargainingUnit, world.other_unit_id)
        stranger = factories.create_person(other_unit, "Across Town")
        made = follow_up(organizer, db.session.get(Person, world.person_id))
        db.session.commit()
        ids = {"organizer": organizer.id, "steward": accounts.find_account_by_email(world.steward).id,
               "other_organizer": accounts.find_account_by_email(world.other_organizer).id,
               "stranger": stranger.id, "follow_up": made.id, "person": world.person_id,
               "today": services.union_today(other_unit.union)}
        db.session.remove()
    return ids


def _conversation(setting, **overrides) -> dict:
    data = {"held_on": setting["today"].isoformat(), "held_by_id": str(setting["organizer"]), "issues": ["pay"],
            "assessment_after": "2", "note": NOTE, "next_step": "", "owner_id": str(setting["organizer"]),
            "due_on": ""}
    return {**data, **overrides}


def _stored(app, setting) -> tuple:
    """What a refusal must leave as it was: the tables' counts, and the coworker's assessment."""
    with app.app_context():
        found = (*stored(), db.session.get(Person, setting["person"]).assessment)
        db.session.remove()
    return found


BAD_CONVERSATIONS = {
    "a note too long": ({"note": "x" * (services.NOTE_MAX + 1)}, "characters or fewer"),
    "an issue the list does not hold": ({"issues": ["pay", "free pizza"]}, "is not one of them"),
    "a day still to come": ({"held_on": "{tomorrow}"}, "day still to come"),
    "a day long past": ({"held_on": "2019-01-01"}, "within the last"),
    "no day": ({"held_on": ""}, "Give the day"),
    "a day that is no day": ({"held_on": "2026-13-45"}, "Not a valid date"),
    "held by another union's organizer": ({"held_by_id": "{other_organizer}"}, "Choose who held"),
    "held by the unit's steward": ({"held_by_id": "{steward}"}, "Choose who held"),
    "held by no account": ({"held_by_id": "abc"}, "Choose who held"),
    "held by an id no row can have": ({"held_by_id": "99999999999999999999"}, "Choose who held"),
    "an assessment off the scale": ({"assessment_after": "9"}, "Not a valid choice"),
    "a next step for someone outside the union": (
        {"next_step": STEP, "owner_id": "{other_organizer}", "due_on": "{tomorrow}"}, "outside the union"),
    "a next step for the unit's steward": (
        {"next_step": STEP, "owner_id": "{steward}", "due_on": "{tomorrow}"}, "outside the union"),
    "a next step due long ago": ({"next_step": STEP, "due_on": "2020-01-01"}, "long past"),
    "a next step with no day": ({"next_step": STEP, "due_on": ""}, "Give the day it is due"),
}


def _filled(value, setting):
    tomorrow = (setting["today"] + timedelta(days=1)).isoformat()
    if isinstance(value, str):
        return value.format(tomorrow=tomorrow, steward=setting["steward"], other_organizer=setting["other_organizer"])
    return value


@pytest.mark.parametrize("case", list(BAD_CONVERSATIONS))
def test_a_bad_conversation_is_refused_with_its_message_and_nothing_stored(app, world, setting, login, case):
    overrides, message = BAD_CONVERSATIONS[case]
    client = login(app.test_client(), world.organizer)
    before = _stored(app, setting)
    data = _conversation(setting, **{"assessment_after": "5", **{k: _filled(v, setting) for k, v in overrides.items()}})
    response = client.post(f"/people/{world.person_id}/conversations/new", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _stored(app, setting) == before


def test_the_good_conversation_those_cases_start_from_is_stored(app, world, setting, login):
    client = login(app.test_client(), world.organizer)
    before = _stored(app, setting)
    response = client.post(f"/people/{world.person_id}/conversations/new",
                           data=_conversation(setting, assessment_after="5", next_step=STEP,
                                              due_on=(setting["today"] + timedelta(days=1)).isoformat()))
    assert response.status_code == 302
    conversations, follow_ups, entries, assessment = _stored(app, setting)
    assert (conversations, follow_ups, assessment) == (before[0] + 1, before[1] + 1, 5)
    assert entries == before[2] + 2  # the conversation and the follow-up (no chart edit naming the coworker)


def test_a_conversation_with_a_coworker_of_another_union_is_refused(app, world, setting, login):
    client = login(app.test_client(), world.organizer)
    before = _stored(app, setting)
    for url in (f"/people/{setting['stranger']}/conversations/new", f"/people/{setting['stranger']}/follow-ups/new"):
        assert client.post(url, data=_conversation(setting)).status_code == 404
        assert client.get(url).status_code == 404
    assert client.get(f"/people/{setting['stranger']}/conversations").status_code == 404
    assert _stored(app, setting) == before
    # The service says the same to a caller that got past the loader.
    with app.app_context():
        with pytest.raises(DomainError):
            services.record_conversation(accounts.find_account_by_email(world.organizer),
                                         db.session.get(Person, setting["stranger"]), services.ConversationDetails(
                                             held_on=setting["today"], held_by_id=setting["organizer"]))


@pytest.mark.parametrize(("owner", "due_on", "message"), [
    ("{steward}", "{tomorrow}", "outside the union"),
    ("{other_organizer}", "{tomorrow}", "outside the union"),
    ("999999", "{tomorrow}", "outside the union"),
    ("9223372036854775808", "{tomorrow}", "outside the union"),
    ("-1", "{tomorrow}", "outside the union"),
    ("{organizer}", "2020-01-01", "long past"),
])
def test_a_bad_follow_up_is_refused_with_its_message_and_nothing_stored(app, world, setting, login, owner,
                                                                         due_on, message):
    client = login(app.test_client(), world.organizer)
    before = _stored(app, setting)
    fill = {"organizer": setting["organizer"], **{k: setting[k] for k in ("steward", "other_organizer")}}
    data = {"next_step": STEP, "owner_id": owner.format(**fill),
            "due_on": _filled(due_on, setting)}
    response = client.post(f"/people/{world.person_id}/follow-ups/new", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _stored(app, setting) == before


def test_another_unions_organizer_cannot_mark_a_follow_up_done(app, world, setting, login):
    client = login(app.test_client(), world.other_organizer)
    assert client.post(f"/follow-ups/{setting['follow_up']}/done").status_code == 404
    with app.app_context():
        assert services.coworker_history(accounts.find_account_by_email(world.organizer),
                                         db.session.get(Person, world.person_id)).open_follow_ups


@pytest.mark.parametrize("query", ["?days=0", "?days=366", "?days=abc", "?search=%01", "?search=" + "x" * 121])
def test_bad_questions_on_the_unit_page_are_a_400_with_the_page(app, world, login, query):
    client = login(app.test_client(), world.organizer)
    response = client.get(f"/units/{world.unit_id}/conversations{query}")
    assert response.status_code == 400
    assert "Not spoken to lately" in response.get_data(as_text=True)


HOSTILE = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.sampled_from(["", " ", "0", "-1", "99999999999999999999", "NaN", "None", "<script>alert(1)</script>",
                     "' OR 1=1 --", "\x00", "\u202e", "2026-13-45", "1900-01-01", "9999-12-31", "pay", "y"]),
    st.text(min_size=2000, max_size=5000),
    st.integers().map(str),
)
FUZZ = settings(max_examples=30, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])


def test_hostile_values_never_get_a_500_and_a_refusal_stores_nothing(app, world, setting, login):
    client = login(app.test_client(), world.organizer)
    targets = [(f"/people/{world.person_id}/conversations/new",
                ["held_on", "held_by_id", "issues", "assessment_after", "note", "next_step", "owner_id", "due_on"]),
               (f"/people/{world.person_id}/follow-ups/new", ["next_step", "owner_id", "due_on"]),
               (f"/follow-ups/{setting['follow_up']}/done", ["next"]),
               (f"/units/{world.unit_id}/conversations", ["days", "search"])]

    @FUZZ
    @given(st.sampled_from(targets), st.data())
    def post(target, data):
        url, fields = target
        values = {field: data.draw(HOSTILE, label=field) for field in fields}
        before = _stored(app, setting)
        response = (client.get(url, query_string=values) if url.endswith("/conversations")
                    else client.post(url, data=values))
        assert response.status_code < 500, f"{url} {values!r}: {response.status_code}"
        if 400 <= response.status_code < 500:
            assert _stored(app, setting) == before, f"{url} refused {values!r} yet stored something"
        if response.status_code == 302:
            assert response.headers["Location"].startswith("/"), "never sent to another site"

    post()


LATE = "Refused after the write, by a rule checked last."


@pytest.fixture
def commit_at_end_of_request(app):
    def commit(sender, response, **extra):
        db.session.commit()
    with request_finished.connected_to(commit, app):
        yield


def _refusing_after(real):
    def service(*args, **kwargs):
        real(*args, **kwargs)
        db.session.flush()
        raise DomainError(LATE)
    return service


@pytest.mark.parametrize(("attribute", "path", "data"), [
    ("record_conversation", "/people/{person}/conversations/new", "conversation"),
    ("add_follow_up", "/people/{person}/follow-ups/new", "follow-up"),
    ("mark_done", "/follow-ups/{follow_up}/done", "done"),
])
def test_a_refusal_after_the_write_rolls_the_write_back(app, world, setting, login, monkeypatch,
                                                        commit_at_end_of_request, attribute, path, data):
    client = login(app.test_client(), world.organizer)
    tomorrow = (setting["today"] + timedelta(days=1)).isoformat()
    posted = {"conversation": _conversation(setting, assessment_after="5", next_step=STEP, due_on=tomorrow),
              "follow-up": {"next_step": STEP, "owner_id": str(setting["organizer"]), "due_on": tomorrow},
              "done": {}}[data]
    url = path.format(person=world.person_id, follow_up=setting["follow_up"])
    before = _stored(app, setting)
    monkeypatch.setattr(services, attribute, _refusing_after(getattr(services, attribute)))
    response = client.post(url, data=posted, follow_redirects=True)
    assert response.status_code in (200, 400)
    assert LATE in response.get_data(as_text=True)
    assert _stored(app, setting) == before


@pytest.mark.parametrize("path", ["/units/{huge}/conversations", "/people/{huge}/conversations",
                                  "/people/{huge}/conversations/new", "/people/{huge}/follow-ups/new"])
def test_an_id_no_row_can_have_is_a_404_not_a_500(app, world, login, path):
    client = login(app.test_client(), world.organizer)
    assert client.get(path.format(huge=10**20)).status_code == 404
    assert client.post(f"/follow-ups/{10**20}/done").status_code == 404
