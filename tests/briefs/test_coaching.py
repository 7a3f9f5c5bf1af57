"""Coaching a brief: a one-time link the author hands to someone of their union, who then
reads the brief and comments on it until the author stops them; after that the brief
is not found for them, their comments stay, and nothing they send is kept. The bad
cases answer with a clear refusal and store nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from briefs import services
from briefs.models import BriefCoach, BriefComment
from core.extensions import db
from organizer.accounts import services as accounts
from organizer.accounts.models import RoleAssignment
from tests.briefs.conftest import COACH_NAME, HEATERS, make_coach_link


def _rows(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _brief_id(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(BriefCoach.brief_id))


@pytest.fixture
def author(app, briefing, login):
    client = login(app.test_client(), briefing.member)
    client.post("/my/briefs/member", data={"walk_away": "Nothing below $21 an hour."})
    return client


@pytest.fixture
def coached(app, briefing, login, author):
    """The author's client, and the coach's, who accepted a link."""
    link = make_coach_link(author)
    coach = login(app.test_client(), briefing.coach)
    page = coach.get(link)
    assert page.status_code == 200 and "asks you to coach them" in page.get_data(as_text=True)
    assert coach.post(link).status_code == 302
    return author, coach


def test_an_accepted_coach_reads_the_brief_and_the_author_sees_who_coaches(app, coached):
    author, coach = coached
    brief_id = _brief_id(app)
    page = coach.get(f"/briefs/{brief_id}").get_data(as_text=True)
    assert HEATERS in page and "Nothing below $21 an hour." in page and "They won&#39;t negotiate" in page
    assert "coaching since" not in page, "a coach does not see the author's coaching links"
    assert f"/briefs/{brief_id}" in coach.get("/my/coaching").get_data(as_text=True)
    assert COACH_NAME in author.get("/my/briefs/member").get_data(as_text=True)
    # The author reading the coach's address is sent to their own page.
    assert author.get(f"/briefs/{brief_id}").headers["Location"].endswith("/my/briefs/member")


def test_a_link_works_once(app, briefing, login, author):
    link = make_coach_link(author)
    assert login(app.test_client(), briefing.coach).post(link).status_code == 302
    response = login(app.test_client(), briefing.steward).post(link)
    assert response.status_code == 404 and "already used" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(BriefCoach.coach_name)) == COACH_NAME


def test_coach_and_author_comment_and_each_sees_the_other(app, coached):
    author, coach = coached
    brief_id = _brief_id(app)
    assert coach.post(f"/briefs/{brief_id}/comments", data={"text": "Lead with the heaters: it is safety."}).status_code == 302
    assert author.post(f"/briefs/{brief_id}/comments", data={"text": "Thanks, will do."}).status_code == 302
    mine = author.get("/my/briefs/member").get_data(as_text=True)
    assert "Lead with the heaters: it is safety." in mine and COACH_NAME in mine
    theirs = coach.get(f"/briefs/{brief_id}").get_data(as_text=True)
    assert "Thanks, will do." in theirs
    with app.app_context():
        assert db.session.scalars(sa.select(BriefComment.text).order_by(BriefComment.id)).all() == [
            "Lead with the heaters: it is safety.", "Thanks, will do."]


def test_revoking_a_coach_shuts_the_brief_to_them_at_once_and_their_comments_stay(app, coached):
    author, coach = coached
    brief_id = _brief_id(app)
    coach.post(f"/briefs/{brief_id}/comments", data={"text": "Ask for it in writing."})
    with app.app_context():
        coach_id = db.session.scalar(sa.select(BriefCoach.id))
    assert author.post(f"/my/briefs/member/coaches/{coach_id}/revoke").status_code == 302
    assert coach.get(f"/briefs/{brief_id}").status_code == 404
    before = _rows(app, BriefComment)
    assert coach.post(f"/briefs/{brief_id}/comments", data={"text": "One more thing."}).status_code == 404
    assert _rows(app, BriefComment) == before
    assert f"/briefs/{brief_id}" not in coach.get("/my/coaching").get_data(as_text=True)
    mine = author.get("/my/briefs/member").get_data(as_text=True)
    assert "Ask for it in writing." in mine and COACH_NAME in mine
    # Revoking again says so, and changes nothing.
    again = author.post(f"/my/briefs/member/coaches/{coach_id}/revoke", follow_redirects=True)
    assert "That was already stopped." in again.get_data(as_text=True)


def test_a_stopped_link_opens_nothing(app, briefing, login, author):
    link = make_coach_link(author)
    with app.app_context():
        coach_id = db.session.scalar(sa.select(BriefCoach.id))
    author.post(f"/my/briefs/member/coaches/{coach_id}/revoke")
    coach = login(app.test_client(), briefing.coach)
    assert coach.get(link).status_code == 404 and coach.post(link).status_code == 404
    with app.app_context():
        assert db.session.scalar(sa.select(BriefCoach.coach_account_id)) is None


def test_an_expired_link_opens_nothing(app, briefing, login, author, monkeypatch):
    link = make_coach_link(author)
    later = services.today() + timedelta(days=services.INVITATION_DAYS + 1)
    monkeypatch.setattr("briefs.models.today", lambda: later)
    response = login(app.test_client(), briefing.coach).post(link)
    assert response.status_code == 404 and "more than 7 days old" in response.get_data(as_text=True)


def test_the_author_cannot_coach_their_own_brief(app, author):
    link = make_coach_link(author)
    assert author.get(link).status_code == 403
    response = author.post(link)
    assert response.status_code == 403 and "your own brief" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(BriefCoach.coach_account_id)) is None


def test_nobody_outside_the_union_can_coach_a_members_brief(app, briefing, login, author):
    link = make_coach_link(author)
    outsider = login(app.test_client(), briefing.outsider)
    opened = outsider.get(link)
    assert opened.status_code == 403 and "Accept and read the brief" not in opened.get_data(as_text=True)
    response = outsider.post(link)
    assert response.status_code == 403 and "union" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(BriefCoach.coach_account_id)) is None


def test_a_steward_or_organizer_of_the_union_may_coach(app, briefing, world, login, author):
    for email in (world.steward, world.organizer):
        link = make_coach_link(author)
        assert login(app.test_client(), email).post(link).status_code == 302
    assert _rows(app, BriefCoach) == 2


def test_a_coach_who_leaves_the_union_stops_reading(app, briefing, coached):
    _, coach = coached
    brief_id = _brief_id(app)
    with app.app_context():
        account = accounts.find_account_by_email(briefing.coach)
        db.session.execute(sa.delete(RoleAssignment).where(RoleAssignment.account_id == account.id))
        db.session.commit()
    assert coach.get(f"/briefs/{brief_id}").status_code == 404


def test_coaching_someone_already_coached_by_you_is_refused(app, briefing, login, coached):
    author, coach = coached
    link = make_coach_link(author)
    response = coach.post(link)
    assert response.status_code == 400 and "already coach" in response.get_data(as_text=True)
    assert _rows(app, BriefCoach) == 2


def test_someone_who_never_coached_finds_no_brief(app, briefing, world, login, author):
    make_coach_link(author)
    brief_id = _brief_id(app)
    for email in (briefing.coach, world.steward, world.other_organizer):
        client = login(app.test_client(), email)
        assert client.get(f"/briefs/{brief_id}").status_code == 404
        assert client.post(f"/briefs/{brief_id}/comments", data={"text": "Hello there."}).status_code == 404
    assert _rows(app, BriefComment) == 0


def test_a_comment_too_long_or_empty_is_refused_and_not_stored(app, coached):
    _, coach = coached
    brief_id = _brief_id(app)
    for text in ("x" * (services.COMMENT_MAX + 1), "   ", "\u200b\u200b"):
        response = coach.post(f"/briefs/{brief_id}/comments", data={"text": text})
        assert response.status_code == 400
    assert _rows(app, BriefComment) == 0


def test_a_brief_holds_a_few_live_coaching_links_at_most(app, author):
    for _ in range(services.COACHES_MAX):
        make_coach_link(author)
    response = author.post("/my/briefs/member/coaches", follow_redirects=True)
    assert "at most 5 coaches" in response.get_data(as_text=True)
    assert _rows(app, BriefCoach) == services.COACHES_MAX


def test_a_malformed_link_is_not_found(app, briefing, login):
    client = login(app.test_client(), briefing.coach)
    for token in ("short", "x" * 43, "%00" * 20, "a" * 200):
        assert client.get(f"/coach/{token}").status_code == 404
