"""The brief's services without HTTP, each with its explicit actor: refusals carry their
field and status and write nothing; a coach's view never holds the author's coaching links."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from briefs import services, sources
from briefs.errors import BriefRefused, NotAllowed, NotFound
from briefs.models import Brief
from core.extensions import db
from organizer.accounts import services as accounts


@pytest.fixture
def people(app_ctx, briefing):
    return (accounts.find_account_by_email(briefing.member), accounts.find_account_by_email(briefing.coach),
            sources.source("member"))


def test_too_long_words_are_refused_beside_their_field_before_anything_is_made(people):
    member, _, source = people
    for details, field in ((services.BriefDetails(None, None, "w" * (services.WALK_AWAY_MAX + 1)), "walk_away"),
                           (services.BriefDetails("a" * (services.ASK_FIRST_MAX + 1), None, None), "ask_first"),
                           (services.BriefDetails(None, None, None, {"too_much": "r" * 1001}), "response_too_much")):
        with pytest.raises(BriefRefused) as refused:
            services.save(member, source, details)
        assert refused.value.field == field and refused.value.status == 400
    with pytest.raises(BriefRefused) as refused:
        services.add_risk(member, source, "no", None)
    assert refused.value.field == "worst_case"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Brief)) == 0


def test_the_author_as_coach_and_a_second_revocation_are_refused(people):
    member, coach, source = people
    invitation, _ = services.invite_coach(member, source)
    with pytest.raises(NotAllowed) as refused:
        services.accept(member, source, invitation)
    assert refused.value.status == 403
    services.accept(coach, source, invitation)
    services.revoke(member, invitation)
    with pytest.raises(BriefRefused, match="already stopped"):
        services.revoke(member, invitation)


def test_a_revoked_coach_can_neither_read_nor_comment(people):
    member, coach, source = people
    invitation, _ = services.invite_coach(member, source)
    services.accept(coach, source, invitation)
    brief = invitation.brief
    services.comment(coach, brief, source, "Lead with safety.")
    services.revoke(member, invitation)
    assert not services.may_read(coach, brief, source)
    with pytest.raises(NotFound) as refused:
        services.comment(coach, brief, source, "One more.")
    assert refused.value.status == 404
    with pytest.raises(NotFound):
        services.brief_for_reader(coach, brief.id)
    assert [c.text for c in brief.comments] == ["Lead with safety."]


def test_only_the_author_sees_the_coaching_links_and_each_reader_sees_their_own_comments_as_theirs(people):
    member, coach, source = people
    invitation, _ = services.invite_coach(member, source)
    services.accept(coach, source, invitation)
    services.invite_coach(member, source)
    services.comment(coach, invitation.brief, source, "Lead with safety.")
    as_author = services.own_view(member, source)
    as_coach = services.view_of(source, member.id, member.display_name, invitation.brief, reader_id=coach.id)
    assert [(c.is_coaching, c.is_pending) for c in as_author.coaches] == [(True, False), (False, True)]
    assert as_coach.coaches == []
    assert as_author.comments[0].by == coach.display_name and not as_author.comments[0].by_reader
    assert as_coach.comments[0].by_reader
