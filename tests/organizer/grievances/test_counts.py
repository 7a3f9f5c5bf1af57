"""How many members reported, counted, never exposed: no figure behind fewer
than k members, none that moves by fewer than k since the last one shown, none
that lets the reports of fewer than k be worked out by subtracting one figure
from another; each member counted once; and the job that releases them does
nothing twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from core.clock import today
from core.extensions import db
from organizer.accounts import services as accounts
from organizer.accounts.models import Account, RoleAssignment
from organizer.grievances import counts, rules
from organizer.grievances.models import CountRelease, Grievance
from organizer.roles import Role
from tests import factories
from tests.organizer.grievances.helpers import file


@pytest.fixture
def crowd(shop):
    """Twenty members of the unit; the union's k is its results floor (5)."""
    assert shop.unit.union.release_threshold == 5
    members = [factories.create_account(Role.MEMBER, unit=shop.unit) for _ in range(20)]
    db.session.commit()
    return members


def _report(members, kind="wage_hour"):
    for member in members:
        file(member, members[0].roles[0].unit, kind=kind)
    db.session.commit()


def _shown(shop) -> dict[str, int]:
    released = counts.released_counts(shop.unit)
    shown = {figure.kind.value: figure.members for figure in released.kinds}
    if released.whole is not None:
        shown["all"] = released.whole.members
    return shown


def _release() -> int:
    made = counts.release_counts()
    db.session.commit()
    return made


def test_no_figure_is_shown_below_k(shop, crowd):
    _report(crowd[:4])
    assert _release() == 0
    assert counts.released_counts(shop.unit).is_empty
    _report(crowd[4:5])
    assert _release() == 1
    assert _shown(shop) == {"all": 5, "wage_hour": 5}


def test_a_figure_moves_only_by_k_or_more(shop, crowd):
    _report(crowd[:5])
    _release()
    _report(crowd[5:6])
    assert _release() == 0, "6 would tell that one more member reported since 5"
    assert _shown(shop) == {"all": 5, "wage_hour": 5}
    _report(crowd[6:9])
    assert _release() == 0
    _report(crowd[9:10])
    assert _release() == 1
    assert _shown(shop) == {"all": 10, "wage_hour": 10}


def test_a_member_who_reports_twice_counts_once(shop, crowd):
    _report(crowd[:4])
    _report(crowd[:4], kind="wage_hour")
    _report(crowd[:4], kind="safety_health")
    assert _release() == 0, "twelve reports from four members are four members"
    assert db.session.query(Grievance).count() == 12


def test_a_kind_is_withheld_when_the_rest_would_be_fewer_than_k_by_subtraction(shop, crowd):
    _report(crowd[:5], kind="wage_hour")
    _report(crowd[5:8], kind="safety_health")
    _release()
    # All kinds: 8. Pay and hours alone would be 5, and 8 - 5 would tell that 3 reported something else.
    assert _shown(shop) == {"all": 8}


def test_kinds_that_leave_k_or_more_each_are_shown_together(shop, crowd):
    _report(crowd[:5], kind="wage_hour")
    _report(crowd[5:10], kind="safety_health")
    _release()
    assert _shown(shop) == {"all": 10, "wage_hour": 5, "safety_health": 5}


def test_later_figures_are_set_against_the_earlier_ones(shop, crowd):
    _report(crowd[:5], kind="wage_hour")
    _report(crowd[5:8], kind="safety_health")
    _release()
    _report(crowd[8:10], kind="safety_health")
    _release()
    # Safety (5: the 3 and 2 more) isolates nobody against the 8 shown. All kinds (10) moved by only 2 from 8;
    # and pay and hours (5) would still tell, against the 8, that 3 reported something else.
    assert _shown(shop) == {"all": 8, "safety_health": 5}
    _report(crowd[10:15], kind="scheduling")
    _release()
    # All kinds moved by 7 and is shown; scheduling (5) is not: 15 - 5 - 8 would give the 2 latest safety reports.
    assert _shown(shop) == {"all": 15, "safety_health": 5}


def test_every_release_is_judged_against_all_the_earlier_ones(shop, crowd, monkeypatch):
    _report(crowd[:10])
    _release()
    # Counting from later leaves 9 of the 10 shown: 10 - 9 would single one member out.
    first = db.session.scalars(db.select(Grievance).order_by(Grievance.id)).first()
    first.filed_on = today() - timedelta(days=40)
    stored = rules.deadlines_of(shop.unit.union)
    rules.set_deadlines(shop.organizer, shop.unit.union, rules.Deadlines(stored.days, today() - timedelta(days=10)))
    db.session.commit()
    assert _release() == 0
    assert _shown(shop) == {"all": 10, "wage_hour": 10}
    figures = counts.released_counts(shop.unit)
    assert figures.whole.since == stored.counted_since


def test_the_job_releases_nothing_twice(shop, crowd):
    _report(crowd[:6])
    assert _release() == 1
    assert _release() == 0
    assert db.session.query(CountRelease).count() == 1


def test_the_sentence_names_the_kind_the_count_and_the_day(shop, crowd):
    _report(crowd[:5])
    _release()
    figure = counts.released_counts(shop.unit).kinds[0]
    day = shop.unit.union.created_on
    assert figure.sentence.startswith("5 members reported a problem with pay and hours since ")
    assert str(day.year) in figure.sentence


def test_the_strength_page_and_the_summary_show_released_counts_only(app, world, login, shop_between_requests):
    with shop_between_requests as s:
        crowd = [factories.create_account(Role.MEMBER, unit=s.unit) for _ in range(5)]
        _report(crowd[:4])
        _release()
        fifth = crowd[4].email
    organizer = login(app.test_client(), world.organizer)
    steward = login(app.test_client(), world.steward)
    strength = organizer.get(f"/units/{world.unit_id}/strength").get_data(as_text=True)
    assert "Problems members reported" in strength and "reported a problem" not in strength
    with shop_between_requests as s:
        file(accounts.find_account_by_email(fifth), s.unit)
        db.session.commit()
        _release()
    for client, page in ((organizer, "strength"), (steward, "summary")):
        html = client.get(f"/units/{world.unit_id}/{page}").get_data(as_text=True)
        assert "5 members reported a problem with pay and hours since" in html, page
        assert "No overtime pay for Saturdays" not in html


def test_no_figure_leaves_fewer_than_k_members_on_leverage_who_did_not_report(shop, crowd):
    """Organizers know who has an account: "all but two of the members on Leverage reported"
    would be as good as naming who did."""
    on_leverage = db.session.scalars(sa.select(Account).join(RoleAssignment).where(
        RoleAssignment.role == Role.MEMBER, RoleAssignment.unit_id == shop.unit.id).order_by(Account.id)).all()
    assert len(on_leverage) >= 20
    _report(on_leverage[:-2])
    assert _release() == 0
    assert counts.released_counts(shop.unit).is_empty
    _report(on_leverage[-2:])
    assert _release() == 1, "everyone reported: no group of fewer than k is left to work out"
    assert _shown(shop)["all"] == len(on_leverage)
