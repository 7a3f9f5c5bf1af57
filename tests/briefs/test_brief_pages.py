"""A member's brief through its pages: made from their own demands, saved, extended
with worst cases of their own, refused clearly (and with nothing stored) when the
input is bad, and linked from "Your demands"."""

from __future__ import annotations

import sqlalchemy as sa

from briefs import services, sources
from briefs.models import Brief, BriefRisk
from core.extensions import db
from organizer.accounts import services as accounts
from organizer.demands import services as demands
from organizer.demands.models import Basis, Category, DemandKind, Tier
from tests.briefs.conftest import FORKLIFT, HEATERS, HOW_PAID, NIGHTS, SWAP


def _counts(app) -> dict[str, int]:
    with app.app_context():
        return {table: db.session.scalar(sa.select(sa.func.count()).select_from(sa.table(table)))
                for table in ("briefs", "brief_risks", "brief_coaches", "brief_comments")}


def test_your_demands_leads_to_the_brief(app, briefing, login):
    client = login(app.test_client(), briefing.member)
    page = client.get("/my/demands").get_data(as_text=True)
    assert 'href="/my/briefs/member"' in page and "Get ready for the meeting" in page


def test_the_page_groups_the_members_own_demands_and_suggests_the_order(app, briefing, login):
    client = login(app.test_client(), briefing.member)
    page = client.get("/my/briefs/member").get_data(as_text=True)
    # Dealbreakers, then priorities (the demand before the question), then important, then nice to have.
    headings = [page.index(h) for h in ("<h3>Dealbreakers</h3>", "<h3>Priorities</h3>", "<h3>Important</h3>",
                                        "<h3>Nice to have</h3>")]
    assert headings == sorted(headings)
    asks = [page.index(text) for text in (HEATERS, NIGHTS, HOW_PAID, FORKLIFT, SWAP)]
    assert asks == sorted(asks)
    with app.app_context():
        view = services.own_view(accounts.find_account_by_email(briefing.member), sources.source("member"))
    assert view.ask_first == f"1. {HEATERS}\n2. {NIGHTS}\n3. {HOW_PAID}\n4. {FORKLIFT}"
    assert view.trade == f"1. {SWAP}" and view.ask_first_suggested and view.trade_suggested
    assert [risk.key for risk in view.risks] == ["wont_negotiate", "too_much", "answer_now"]
    assert view.brief is None, "looking saves nothing"


def test_another_members_demands_are_not_in_the_brief(app, briefing, world, login):
    with app.app_context():
        coworker = accounts.find_account_by_email(briefing.coach)
        demands.create_demand(coworker, demands.DemandDetails(
            DemandKind.DEMAND, Tier.DEALBREAKER, Basis.COLLECTIVE, Category.PAY, "Will you double the coach's pay?"))
        db.session.commit()
    client = login(app.test_client(), briefing.member)
    assert "double the coach" not in client.get("/my/briefs/member").get_data(as_text=True)
    own = login(app.test_client(), briefing.coach).get("/my/briefs/member").get_data(as_text=True)
    assert "double the coach" in own and HEATERS not in own


def test_saving_keeps_edits_and_an_untouched_suggestion_keeps_following_the_demands(app, briefing, login):
    client = login(app.test_client(), briefing.member)
    response = client.post("/my/briefs/member", data={
        "ask_first": f"1. {NIGHTS}\n2. {HEATERS}", "trade": f"1. {SWAP}", "walk_away": "Nothing below $21 an hour.",
        "response_wont_negotiate": "Ask when they will, and tell the steward.", "response_answer_now": ""})
    assert response.status_code == 302
    with app.app_context():
        member = accounts.find_account_by_email(briefing.member)
        brief = services.find_brief(member, sources.source("member"))
        assert brief.ask_first == f"1. {NIGHTS}\n2. {HEATERS}"
        assert brief.trade is None, "the suggestion saved unchanged stays the suggestion"
        assert brief.walk_away == "Nothing below $21 an hour."
        assert {r.standard.value: r.response for r in brief.risks} == {
            "wont_negotiate": "Ask when they will, and tell the steward.", "too_much": None, "answer_now": None}
        demands.create_demand(member, demands.DemandDetails(
            DemandKind.DEMAND, Tier.NICE_TO_HAVE, Basis.COLLECTIVE, Category.BENEFITS, "Will you add lockers by the bay?"))
        db.session.commit()
        view = services.own_view(member, sources.source("member"))
    assert view.trade == f"1. {SWAP}\n2. Will you add lockers by the bay?"
    assert view.ask_first == f"1. {NIGHTS}\n2. {HEATERS}" and not view.ask_first_suggested
    page = client.get("/my/briefs/member").get_data(as_text=True)
    assert "Nothing below $21 an hour." in page and "Ask when they will, and tell the steward." in page


def test_emptying_a_box_brings_the_suggestion_back(app, briefing, login):
    client = login(app.test_client(), briefing.member)
    client.post("/my/briefs/member", data={"ask_first": "Only the heaters."})
    client.post("/my/briefs/member", data={"ask_first": ""})
    with app.app_context():
        view = services.own_view(accounts.find_account_by_email(briefing.member), sources.source("member"))
    assert view.ask_first_suggested and view.ask_first.startswith(f"1. {HEATERS}")


def test_too_long_text_is_refused_beside_its_box_and_nothing_is_stored(app, briefing, login):
    client = login(app.test_client(), briefing.member)
    before = _counts(app)
    for data in ({"walk_away": "x" * (services.WALK_AWAY_MAX + 1)},
                 {"response_too_much": "y" * (services.RESPONSE_MAX + 1)},
                 {"ask_first": "z " * services.ASK_FIRST_MAX}):
        response = client.post("/my/briefs/member", data=data)
        assert response.status_code == 400
        assert "characters or fewer" in response.get_data(as_text=True)
    assert _counts(app) == before
    response = client.post("/my/briefs/member/risks", data={"worst_case": "w" * 301})
    assert response.status_code == 400 and _counts(app) == before
    response = client.post("/my/briefs/member/risks", data={"worst_case": "   "})
    assert response.status_code == 400 and _counts(app) == before


def test_a_worst_case_of_ones_own_is_added_answered_and_removed(app, briefing, login):
    client = login(app.test_client(), briefing.member)
    assert client.post("/my/briefs/member/risks", data={
        "worst_case": "They ask who else is asking.", "response": "Say it is the whole unit."}).status_code == 302
    assert client.post("/my/briefs/member/risks", data={"worst_case": "they ask WHO else is asking."}).status_code == 400
    with app.app_context():
        own = db.session.scalar(sa.select(BriefRisk).where(BriefRisk.standard.is_(None)))
        standard = db.session.scalar(sa.select(BriefRisk).where(BriefRisk.standard.is_not(None)))
        own_id, standard_id = own.id, standard.id
        assert own.worst_case == "They ask who else is asking." and own.response == "Say it is the whole unit."
    page = client.get("/my/briefs/member").get_data(as_text=True)
    assert f'name="response_own{own_id}"' in page and "Say it is the whole unit." in page
    client.post(f"/my/briefs/member/risks/{standard_id}/remove")
    assert _counts(app)["brief_risks"] == 4, "a standard worst case stays"
    assert client.post(f"/my/briefs/member/risks/{own_id}/remove").status_code == 302
    assert _counts(app)["brief_risks"] == 3


def test_someone_elses_worst_case_is_not_found(app, briefing, login):
    login(app.test_client(), briefing.member).post("/my/briefs/member/risks", data={"worst_case": "They shout."})
    with app.app_context():
        risk_id = db.session.scalar(sa.select(BriefRisk.id).where(BriefRisk.standard.is_(None)))
    other = login(app.test_client(), briefing.coach)
    assert other.post(f"/my/briefs/member/risks/{risk_id}/remove").status_code == 404
    assert _counts(app)["brief_risks"] == 4


def test_a_brief_with_no_demands_says_there_is_nothing_to_brief_yet(app, world, login):
    client = login(app.test_client(), world.member)
    page = client.get("/my/briefs/member").get_data(as_text=True)
    assert "There is nothing to brief yet." in page and "Write your demands first" in page
    assert "Nothing yet." not in page.split("There is nothing")[0]


def test_only_members_keep_a_members_brief_and_an_unknown_kind_is_not_found(app, world, login):
    assert login(app.test_client(), world.steward).get("/my/briefs/member").status_code == 403
    assert login(app.test_client(), world.organizer).post("/my/briefs/member", data={"walk_away": "x"}).status_code == 403
    assert login(app.test_client(), world.member).get("/my/briefs/nothing").status_code == 404
    assert _counts(app)["briefs"] == 0


def test_one_brief_per_member_however_often_they_save(app, briefing, login):
    client = login(app.test_client(), briefing.member)
    for walk_away in ("First", "Second"):
        client.post("/my/briefs/member", data={"walk_away": walk_away})
    client.post("/my/briefs/member/risks", data={"worst_case": "They cancel the meeting."})
    with app.app_context():
        assert [b.walk_away for b in db.session.scalars(sa.select(Brief))] == ["Second"]
