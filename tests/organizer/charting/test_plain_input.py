"""Names and days on the chart, and the settings page, as an organizer types
them, over HTTP with CSRF on: names made only of invisible characters or
carrying direction overrides are refused, a name with a zero-width space at
its end is the same name, a card signed on a day still to come or long before
anyone charted is refused, and the settings speak of people, not of k. Every
refusal stores nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from core.clock import today
from core.extensions import db
from organizer.charting.models import BargainingUnit, Department, Person, Shift, Union
from tests.csrf import post_form, sign_in

PERSON = {"name": "Alex Rivera", "department_id": "", "shift_id": "", "assessment": "1"}


@pytest.fixture
def organizer(client, world, csrf_on):
    return sign_in(client, world.organizer)


def _names(app) -> list[str]:
    with app.app_context():
        return sorted(p.name for p in db.session.scalars(sa.select(Person)))


@pytest.mark.parametrize("changes, words", [
    ({"name": "\u200b\u200b\u200b"}, "only blank or invisible characters"),
    ({"name": "\u3164"}, "only blank or invisible characters"),
    ({"name": "\u115f\u1160 \ufeff"}, "only blank or invisible characters"),
    ({"name": "--"}, "only punctuation or symbols"),
    ({"name": "Alex \u202eareviR"}, "direction text is shown in"),
    ({"name": "\u2067Alex\u2069"}, "direction text is shown in"),
    ({"is_member": "y", "card_signed_on": (today() + timedelta(days=30)).isoformat()},
     "a card cannot be signed on a day still to come"),
    ({"is_member": "y", "card_signed_on": "1900-05-01"}, "Give a day between 1 Jan 1950 and today"),
    ({"is_member": "y", "card_signed_on": "9999-12-31"}, "a card cannot be signed on a day still to come"),
    ({"notes": "n" * 2001}, "Keep it to 2000 characters or fewer: this has 2001."),
])
def test_a_coworker_with_a_blank_or_disguised_name_or_an_impossible_day_is_refused(app, organizer, world,
                                                                                     changes, words):
    before = _names(app)
    response = post_form(organizer, f"/units/{world.unit_id}/people/new", {**PERSON, **changes})
    assert response.status_code == 400 and words in response.get_data(as_text=True)
    assert _names(app) == before


def test_the_person_form_leaves_its_limits_to_the_server(organizer, world):
    page = organizer.get(f"/units/{world.unit_id}/people/new").get_data(as_text=True)
    assert "maxlength" not in page and "minlength" not in page


def test_invisible_edges_are_trimmed_so_a_lookalike_is_the_same_coworker(app, organizer, world):
    lookalike = {**PERSON, "name": "\u200bJordan Example\ufeff"}
    response = post_form(organizer, f"/units/{world.unit_id}/people/new", lookalike)
    assert response.status_code == 400 and "already on the chart" in response.get_data(as_text=True)
    assert post_form(organizer, f"/units/{world.unit_id}/people/new",
                     {**PERSON, "name": "\u200bAlex Rivera\u00a0"}).status_code == 302
    assert "Alex Rivera" in _names(app)


def test_a_card_signed_today_is_fine(app, organizer, world):
    assert post_form(organizer, f"/units/{world.unit_id}/people/new",
                     {**PERSON, "is_member": "y", "card_signed_on": today().isoformat()}).status_code == 302


@pytest.mark.parametrize("name, words", [
    ("\u200b", "only blank or invisible characters"),
    ("Loading\u200b", "already has a department"),
    ("Load\u202eing", "direction text is shown in"),
    ("!!!", "only punctuation or symbols"),
])
def test_a_department_that_is_blank_a_lookalike_or_disguised_is_refused(app, organizer, world, name, words):
    response = post_form(organizer, f"/units/{world.unit_id}/segments", {"kind": "department", "name": name})
    assert response.status_code == 400 and words in response.get_data(as_text=True)
    with app.app_context():
        assert sum(db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (Department, Shift)) == 8


@pytest.mark.parametrize("name", ["\u2800", "\u202eYard"])
def test_a_unit_with_a_blank_or_disguised_name_is_refused(app, organizer, world, name):
    response = post_form(organizer, f"/unions/{world.union_id}", {"name": name},
                         action=f"/unions/{world.union_id}/units")
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(BargainingUnit)) == 2


def test_the_settings_speak_of_people_and_keep_the_precise_term_in_the_help(organizer, world):
    page = organizer.get(f"/unions/{world.union_id}/settings").get_data(as_text=True)
    assert "Show pulse, bargaining and vote results only when at least this many people answered" in page
    assert "The release threshold (k) for those surveys." in page
    assert '<option selected value="America/New_York">America/New York</option>' in page


def test_a_union_chooses_its_time_zone(app, organizer, world):
    response = post_form(organizer, f"/unions/{world.union_id}/settings", {"zone-time_zone": "America/Chicago"},
                         action=f"/unions/{world.union_id}/settings/time-zone")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Union, world.union_id).time_zone == "America/Chicago"
        assert db.session.get(Union, world.other_union_id).time_zone == "America/New_York"
