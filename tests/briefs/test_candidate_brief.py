"""A job seeker's brief, from their preconditions and questions to employers: kept apart
from the same account's member brief, coached by any other account (a job seeker need
not be in a union, nor their coach), and for accounts with a job search only."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from briefs.models import Brief
from candidates import profiles
from candidates.models import LookingStatus
from core.extensions import db
from ontology import Category, DemandKind, Tier
from organizer.accounts import services as accounts
from tests.briefs.conftest import HEATERS, LINK

PAY_FLOOR = "Will you put at least $24 an hour in the offer letter?"
REMOTE = "Will you let me work from home two days a week?"
TEAM = "How many people would I work with each day?"


@pytest.fixture
def seeker(app, briefing):
    """The world's member, who also keeps a job search with three asks."""
    with app.app_context():
        member = accounts.find_account_by_email(briefing.member)
        profile = profiles.set_looking(member, LookingStatus.OPEN_TO_OFFERS)
        for kind, tier, category, text in ((DemandKind.DEMAND, Tier.NICE_TO_HAVE, Category.SCHEDULING, REMOTE),
                                           (DemandKind.QUESTION, Tier.CURIOUS, Category.CULTURE, TEAM),
                                           (DemandKind.DEMAND, Tier.DEALBREAKER, Category.PAY, PAY_FLOOR)):
            profiles.add_precondition(member, profile, profiles.PreconditionDetails(kind, tier, category, text))
        db.session.commit()
    return briefing.member


def test_a_job_seekers_brief_is_made_from_their_preconditions_only(app, seeker, login):
    client = login(app.test_client(), seeker)
    page = client.get("/my/briefs/candidate").get_data(as_text=True)
    assert page.index(PAY_FLOOR) < page.index(REMOTE) < page.index(TEAM)
    assert HEATERS not in page, "the union's demands stay out of a job seeker's brief"
    assert "Your questions to employers" in page
    md = client.get("/my/briefs/candidate/brief.md").get_data(as_text=True)
    assert f"## What to ask for first\n\n1. {PAY_FLOOR}\n" in md and f"## What you can give up\n\n1. {REMOTE}\n" in md
    assert PAY_FLOOR not in client.get("/my/briefs/member").get_data(as_text=True)


def test_the_two_briefs_of_one_account_are_kept_apart(app, seeker, login):
    client = login(app.test_client(), seeker)
    client.post("/my/briefs/member", data={"walk_away": "The union's line."})
    client.post("/my/briefs/candidate", data={"walk_away": "My own line."})
    with app.app_context():
        assert sorted((b.source, b.walk_away) for b in db.session.scalars(sa.select(Brief))) == [
            ("candidate", "My own line."), ("member", "The union's line.")]
    assert "My own line." not in client.get("/my/briefs/member").get_data(as_text=True)


def test_anyone_else_may_coach_a_job_seeker_even_outside_the_union(app, seeker, briefing, login):
    author = login(app.test_client(), seeker)
    made = author.post("/my/briefs/candidate/coaches").get_data(as_text=True)
    assert "Anyone with an account can accept it" in made
    link = "/coach/" + LINK.search(made).group(2)
    outsider = login(app.test_client(), briefing.outsider)
    accepted = outsider.post(link)
    assert accepted.status_code == 302
    assert PAY_FLOOR in outsider.get(accepted.headers["Location"]).get_data(as_text=True)
    # The same outsider still cannot coach the member's brief.
    member_link = "/coach/" + LINK.search(author.post("/my/briefs/member/coaches").get_data(as_text=True)).group(2)
    assert outsider.post(member_link).status_code == 403


def test_only_an_account_with_a_job_search_keeps_a_job_seekers_brief(app, world, login):
    assert login(app.test_client(), world.member).get("/my/briefs/candidate").status_code == 403
    assert login(app.test_client(), world.other_organizer).post(
        "/my/briefs/candidate", data={"walk_away": "x"}).status_code == 403
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Brief)) == 0


def test_the_questions_page_leads_to_the_brief(app, seeker, login):
    page = login(app.test_client(), seeker).get("/candidate/questions").get_data(as_text=True)
    assert 'href="/my/briefs/candidate"' in page
