"""The unit's temperature check: only a recurring pulse, or a one-off pulse an
organizer marks, feeds the strength card's support, participation and trend; a
newer one-off pulse is named on the card, never silently put in its place."""

from __future__ import annotations

import re

import pytest

from core.extensions import db
from organizer.accounts import services as accounts
from organizer.bargaining import exports, summary
from organizer.charting.models import BargainingUnit
from organizer.errors import DomainError, NotAllowed
from organizer.roles import Role
from organizer.strength import metrics, temperature
from organizer.strength.models import TemperatureCheck
from surveys.models import Survey
from tests import factories
from tests.organizer.strength.units import charted_unit, released_pulse


def test_a_newer_one_off_pulse_does_not_replace_the_recurring_one(app_ctx):
    unit, _ = charted_unit(12)
    recurring = released_pulse(unit, with_accounts=10, answered=9, yes=6, closed_days_ago=20, title="Monthly pulse")
    one_off = released_pulse(unit, with_accounts=10, answered=5, yes=0, closed_days_ago=2, recurring=False,
                             title="Night shift question")
    result = metrics.unit_strength(unit)
    assert result.pulse == recurring and result.one_off_pulse == one_off
    assert (result.support.count, result.support.total) == (6, 9)
    card = result.card
    assert card.pulse_title == "Monthly pulse"
    assert "“Night shift question”" in card.not_counted
    assert ("Not counted", card.not_counted) in card.lines()


def test_a_unit_with_only_one_off_pulses_has_no_temperature_check_yet(app_ctx):
    unit, _ = charted_unit(12)
    released_pulse(unit, with_accounts=10, answered=9, yes=9, recurring=False)
    result = metrics.unit_strength(unit)
    assert result.pulse is None and result.support is None and result.participation is None
    assert result.support_note.startswith("No temperature check yet")
    assert all(item.source is not metrics.EvidenceSource.PULSE for item in result.evidence)
    assert result.card.not_counted is not None


def test_a_marked_one_off_pulse_counts_and_can_be_unmarked(app_ctx):
    unit, organizer = charted_unit(12)
    recurring = released_pulse(unit, with_accounts=10, answered=9, yes=6, closed_days_ago=20)
    one_off = released_pulse(unit, with_accounts=10, answered=8, yes=8, closed_days_ago=2, recurring=False)
    assert temperature.set_temperature_check(organizer, one_off, True) is True
    temperature.set_temperature_check(organizer, one_off, True)  # twice is once
    assert db.session.query(TemperatureCheck).count() == 1
    result = metrics.unit_strength(unit)
    assert result.pulse == one_off and result.one_off_pulse is None
    assert (result.support.count, result.support.total) == (8, 8)
    assert temperature.one_off_pulses(unit) == [(one_off, True)]
    temperature.set_temperature_check(organizer, one_off, False)
    assert metrics.unit_strength(unit).pulse == recurring


def test_only_organizers_mark_and_only_released_one_off_pulses(app_ctx, world):
    unit, organizer = charted_unit(12)
    recurring = released_pulse(unit, with_accounts=10, answered=9, yes=6)
    one_off = released_pulse(unit, with_accounts=10, answered=9, yes=6, recurring=False)
    with pytest.raises(DomainError):
        temperature.set_temperature_check(organizer, recurring, True)
    outsider = accounts.find_account_by_email(world.organizer)
    with pytest.raises(NotAllowed):
        temperature.set_temperature_check(outsider, one_off, True)
    steward = factories.create_account(Role.STEWARD, unit=unit)
    with pytest.raises(NotAllowed):
        temperature.set_temperature_check(steward, one_off, True)
    assert db.session.query(TemperatureCheck).count() == 0


def test_the_summary_trend_follows_the_recurring_series(app_ctx):
    unit, _ = charted_unit(12)
    first = released_pulse(unit, with_accounts=10, answered=9, yes=5, closed_days_ago=40)
    released_pulse(unit, with_accounts=10, answered=9, yes=7, closed_days_ago=12, next_round_of=first)
    released_pulse(unit, with_accounts=10, answered=6, yes=1, closed_days_ago=1, recurring=False)
    steward = factories.create_account(Role.STEWARD, unit=unit)
    built = summary.build(steward, unit)
    assert built.strength.pulse.series_id == first.id
    assert built.trend.rounds == 2 and built.trend_chart is not None
    # The trend's shares are of those the rounds asked, not of the unit: it says so, so
    # that it never reads as contradicting the card's participation of the whole unit.
    chart = str(built.trend_chart)
    assert "Answered, of those asked" in chart and "among members with accounts" in chart
    assert ">Participation<" not in chart
    assert "| Answered, of those asked |" in exports.to_markdown(built)


def test_organizers_mark_the_temperature_check_on_the_strength_page(app, client, world, login):
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        one_off_id = released_pulse(unit, with_accounts=6, answered=5, yes=4, recurring=False,
                                    title="Heat in the bay").id
        db.session.commit()
    login(client, world.organizer)
    page = client.get(f"/units/{world.unit_id}/strength").data.decode()
    assert "“Heat in the bay”" in page and "Count it as the temperature check" in page
    url = f"/surveys/{one_off_id}/temperature-check"
    assert client.post(url, data={"counts": "maybe"}).status_code == 400
    assert client.post(url, data={"counts": "yes"}).status_code == 302
    page = client.get(f"/units/{world.unit_id}/strength").data.decode()
    # The title sits in the sentence marked as text a member typed.
    assert "Temperature check: “Heat in the bay”" in re.sub(r"<[^>]+>", "", page) and "Stop counting it" in page
    steward = login(app.test_client(), world.steward)
    assert steward.post(url, data={"counts": "no"}).status_code == 403
    other = login(app.test_client(), world.other_organizer)
    assert other.post(url, data={"counts": "no"}).status_code == 404
    with app.app_context():
        assert [mark.survey_id for mark in db.session.query(TemperatureCheck)] == [one_off_id]
        assert db.session.get(Survey, one_off_id).recurrence_weeks is None
    assert client.post(url, data={"counts": "no"}).status_code == 302
    with app.app_context():
        assert db.session.query(TemperatureCheck).count() == 0
