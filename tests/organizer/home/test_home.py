"""The home page leads with what needs the person: surveys to answer with their
closing dates and new results (member), surveys waiting for their part
(trustee; the surveys page, too, stops offering to decrypt once it is given),
endorsement requests, surveys closing soon and units without a recent pulse
(organizer). Drawing it stores nothing but one date per account."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from core.clock import today, utcnow
from core.extensions import db
from core.timezones import format_local
from organizer.accounts.services import account_ref
from organizer.charting.models import BargainingUnit
from organizer.demands import services as demands
from organizer.demands.models import Basis, Category, DemandKind, Tier
from organizer.home import services as home
from organizer.unit_surveys import services as unit_surveys
from surveys import ballot_box
from surveys.models import Survey
from tests.organizer.notifications.builders import SURVEY_TITLE, account, answer, close, give_part, unit_pulse


def _needs_section(client) -> str:
    """The "Needs you now" card of the signed-in person's home page."""
    page = client.get("/").data.decode()
    start = page.index('id="needs-you"')
    return page[start:page.index("</section>", start)]


def _unit_and_organizer(world):
    return db.session.get(BargainingUnit, world.unit_id), account(world.organizer)


def test_a_member_sees_open_surveys_with_their_closing_date_until_answered(app, client, login, world, crowd):
    closes = utcnow() + timedelta(days=5)
    with app.app_context():
        unit, organizer = _unit_and_organizer(world)
        survey_id = unit_pulse(unit, organizer, closes_at=closes).id
        db.session.commit()
    login(client, world.member)
    waiting = _needs_section(client)
    assert f'href="/surveys/{survey_id}/answer"' in waiting and SURVEY_TITLE in waiting
    # In the union's time zone, as every survey time is shown.
    with app.app_context():
        zone = db.session.get(BargainingUnit, world.unit_id).union.time_zone
    assert f"closes {format_local(closes, zone)}" in waiting

    with app.app_context():
        answer(db.session.get(Survey, survey_id), [account(world.member)])
        db.session.commit()
    assert SURVEY_TITLE not in _needs_section(client)
    assert "Nothing is waiting for you right now." in _needs_section(client)


def test_new_results_are_shown_until_a_visit_after_their_release_day(app, client, login, world, crowd, monkeypatch):
    with app.app_context():
        unit, organizer = _unit_and_organizer(world)
        survey = unit_pulse(unit, organizer)
        answer(survey, [account(address) for address in crowd[:5]])
        close(survey, organizer)
        survey_id = survey.id
        db.session.commit()
    login(client, world.member)
    results_link = f'href="/surveys/{survey_id}/results"'
    assert results_link in _needs_section(client)
    assert results_link in _needs_section(client), "released today: still new for the rest of the day"
    with app.app_context():
        assert account(world.member).results_seen_on == today() - timedelta(days=1)

    monkeypatch.setattr(home, "today", lambda: date.today() + timedelta(days=1))
    assert results_link in _needs_section(client), "the first visit after the release day shows it once more"
    assert results_link not in _needs_section(client)
    with app.app_context():
        assert account(world.member).results_seen_on == today()


def test_results_released_before_the_account_existed_are_not_news(app, client, login, world, crowd):
    with app.app_context():
        unit, organizer = _unit_and_organizer(world)
        survey = unit_pulse(unit, organizer)
        answer(survey, [account(address) for address in crowd[:5]])
        close(survey, organizer)
        survey.released_on = account(world.member).created_on - timedelta(days=1)
        db.session.commit()
    login(client, world.member)
    assert SURVEY_TITLE not in _needs_section(client)


def _all_rows() -> dict[str, set[tuple]]:
    with db.engine.connect() as connection:
        # Each value as its repr: JSON columns load as dicts, which cannot go in a set.
        return {table.name: {tuple(map(repr, row)) for row in connection.execute(sa.select(table))}
                for table in db.metadata.sorted_tables}


def test_drawing_the_home_page_stores_nothing_but_the_results_date(app, client, login, world, crowd):
    with app.app_context():
        unit, organizer = _unit_and_organizer(world)
        released = unit_pulse(unit, organizer, title="Released pulse")
        answer(released, [account(address) for address in crowd[:5]])
        close(released, organizer)
        unit_pulse(unit, organizer)  # open, and not answered by the member
        db.session.commit()
    login(client, world.member)
    with app.app_context():
        before = _all_rows()
    page = _needs_section(client)
    assert SURVEY_TITLE in page and "Released pulse" in page
    with app.app_context():
        after = _all_rows()
        member_id = account(world.member).id
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {"accounts"}, "whether the member answered is read, never written"
    [old] = before["accounts"] - after["accounts"]
    [new] = after["accounts"] - before["accounts"]
    columns = [column.name for column in db.metadata.tables["accounts"].columns]
    assert dict(zip(columns, old))["id"] == repr(member_id)
    assert [name for name, was, now in zip(columns, old, new) if was != now] == ["results_seen_on"]


def test_a_trustee_sees_a_survey_waiting_for_their_part_until_they_give_it(app, client, login, world, crowd):
    with app.app_context():
        unit, organizer = _unit_and_organizer(world)
        steward = account(world.steward)
        survey = unit_pulse(unit, organizer, trustees=[organizer, steward])
        answer(survey, [account(address) for address in crowd[:5]])
        close(survey, organizer)
        survey_id = survey.id
        db.session.commit()
    login(client, world.steward)
    decrypt_link = f'href="/surveys/{survey_id}/decrypt"'
    assert decrypt_link in _needs_section(client)
    assert decrypt_link in client.get("/my/surveys").data.decode()
    with app.app_context():
        give_part(db.session.get(Survey, survey_id), account(world.steward))
        db.session.commit()
    assert decrypt_link not in _needs_section(client), "no decrypt link once the part is given"
    surveys_page = client.get("/my/surveys").data.decode()
    assert decrypt_link not in surveys_page and "your part is given" in surveys_page
    organizer_client = app.test_client()
    login(organizer_client, world.organizer)
    assert decrypt_link in _needs_section(organizer_client), "the other trustee is still needed"


def test_a_trustee_is_not_asked_before_the_totals_are_formed(app, client, login, world, crowd):
    with app.app_context():
        unit, organizer = _unit_and_organizer(world)
        survey = unit_pulse(unit, organizer, trustees=[organizer, account(world.steward)])
        answer(survey, [account(address) for address in crowd[:5]])
        # Voting ended, the totals not yet formed (the close job does that next).
        assert unit_surveys.end_voting(organizer, survey)
        survey_id = survey.id
        db.session.commit()
    login(client, world.steward)
    assert f"/surveys/{survey_id}/decrypt" not in _needs_section(client)


def test_an_organizer_sees_requests_surveys_closing_soon_and_units_without_a_pulse(app, client, login, world, crowd):
    login(client, world.organizer)
    unit_chart = _needs_section(client)
    assert "Dock crew" in unit_chart and "No pulse yet" in unit_chart

    with app.app_context():
        unit, organizer = _unit_and_organizer(world)
        survey_id = unit_pulse(unit, organizer, closes_at=utcnow() + timedelta(days=2)).id
        author = account(crowd[0])
        demand = demands.create_demand(author, demands.DemandDetails(
            kind=DemandKind.DEMAND, tier=Tier.PRIORITY, basis=Basis.COLLECTIVE, category=Category.PAY,
            text="Will you pay the night differential on every night shift?"))
        demands.request_endorsement(author, demand)
        db.session.commit()
    needs = _needs_section(client)
    assert f'href="/units/{world.unit_id}/endorsements"' in needs and "1 endorsement request waiting" in needs
    assert f'href="/surveys/{survey_id}"' in needs and SURVEY_TITLE in needs, "closing in two days"
    assert "No pulse" not in needs, "a pulse opened today"

    other = app.test_client()
    login(other, world.other_organizer)
    elsewhere = _needs_section(other)
    assert "Dock crew" not in elsewhere and "Elsewhere" in elsewhere


@pytest.mark.parametrize("days_ago, needs_pulse", [(home.PULSE_GAP_DAYS + 1, True), (home.PULSE_GAP_DAYS - 1, False)])
def test_a_unit_needs_a_pulse_after_the_gap(app, world, crowd, days_ago, needs_pulse):
    with app.app_context():
        unit, organizer = _unit_and_organizer(world)
        survey = unit_pulse(unit, organizer, closes_at=utcnow() + timedelta(days=10))
        survey.opened_on = today() - timedelta(days=days_ago)
        found = home.unit_needs(organizer, unit)
        assert found.needs_pulse is needs_pulse and found.last_pulse_on == survey.opened_on
        assert found.closing_soon == [], "closing in ten days is not soon"


def test_a_scheduled_pulse_is_not_a_missing_one(app, world, crowd):
    with app.app_context():
        unit, organizer = _unit_and_organizer(world)
        unit_pulse(unit, organizer, opens_at=utcnow() + timedelta(days=1), closes_at=utcnow() + timedelta(days=8))
        assert home.unit_needs(organizer, unit).needs_pulse is False


def test_someone_without_email_is_offered_it_and_someone_with_it_is_not(app, client, login, world):
    login(client, world.member)
    assert 'href="/account/notifications"' in _needs_section(client)
    client.post("/account/notifications", data={"wants_email": "y"})
    assert 'href="/account/notifications"' not in _needs_section(client)


def test_answered_is_read_from_the_ledger(app, world, crowd):
    with app.app_context():
        unit, organizer = _unit_and_organizer(world)
        survey = unit_pulse(unit, organizer)
        member = account(world.member)
        assert home.surveys_to_answer(member) == [survey]
        answer(survey, [member])
        assert ballot_box.has_answered(survey, account_ref(member))
        assert home.surveys_to_answer(member) == []
