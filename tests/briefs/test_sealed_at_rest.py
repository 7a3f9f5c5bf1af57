"""A brief's words never reach the database in the clear (PRIVACY.md invariant 6):
after a member writes a brief, a coach accepts and both comment, the raw database
(the SQLite files, or a pg_dump) holds none of what they wrote, nor their names as
the brief keeps them, nor the brief's kind; the audit log gains no entry from any
of it; and deleting the author's account deletes the brief."""

from __future__ import annotations

import sqlalchemy as sa

from briefs.models import Brief, BriefCoach, BriefComment
from core.extensions import db
from organizer.audit.models import AuditEntry
from tests.briefs.conftest import make_coach_link
from tests.dumps import raw_database
from tests.factories import PASSWORD

SECRETS = {
    "ask_first": "Start with the Zanzibar heater clause",
    "trade": "Give up the Quetzalcoatl locker plan",
    "walk_away": "Walk out below 23 Ouagadougou dollars",
    "response": "Answer with the Kilimanjaro petition count",
    "worst_case": "They bring the Vladivostok consultant",
    "own_response": "Ask for the Tegucigalpa minutes",
    "coach_comment": "Mention the Reykjavik heat survey first",
    "author_comment": "Noted, Timbuktu order it is",
}


def test_a_briefs_words_are_sealed_at_rest_and_leave_no_audit_entry(app, briefing, login):
    with app.app_context():
        audit_before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
    author = login(app.test_client(), briefing.member)
    assert author.post("/my/briefs/member", data={
        "ask_first": SECRETS["ask_first"], "trade": SECRETS["trade"], "walk_away": SECRETS["walk_away"],
        "response_too_much": SECRETS["response"]}).status_code == 302
    assert author.post("/my/briefs/member/risks", data={
        "worst_case": SECRETS["worst_case"], "response": SECRETS["own_response"]}).status_code == 302
    coach = login(app.test_client(), briefing.coach)
    assert coach.post(make_coach_link(author)).status_code == 302
    with app.app_context():
        brief_id = db.session.scalar(sa.select(Brief.id))
    assert coach.post(f"/briefs/{brief_id}/comments", data={"text": SECRETS["coach_comment"]}).status_code == 302
    assert author.post(f"/briefs/{brief_id}/comments", data={"text": SECRETS["author_comment"]}).status_code == 302
    with app.app_context():
        brief = db.session.get(Brief, brief_id)
        # The app reads it all back ...
        assert (brief.walk_away, brief.source, brief.comments[0].text) == (
            SECRETS["walk_away"], "member", SECRETS["coach_comment"])
        names = [brief.author_name, brief.coaches[0].coach_name]
        raw = raw_database(db.engine.url)
        audit_after = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
        stored_source = db.session.execute(sa.text("SELECT source FROM briefs")).scalar_one()
    # ... and the database holds none of it.
    for label, secret in [*SECRETS.items(), ("author name", names[0]), ("coach name", names[1])]:
        for encoding in ("utf-8", "utf-16-le"):
            assert secret.encode(encoding) not in raw, f"{label} is readable in the raw database"
    assert isinstance(stored_source, bytes | memoryview) and b"member" not in bytes(stored_source)
    assert audit_after == audit_before
    assert b"Harbor Workers United" in raw, "the search itself finds what is stored in the clear"


def test_deleting_the_authors_account_deletes_the_brief_and_a_coachs_keeps_the_comments(app, briefing, login):
    author = login(app.test_client(), briefing.member)
    author.post("/my/briefs/member", data={"walk_away": "Not below 21."})
    coach = login(app.test_client(), briefing.coach)
    coach.post(make_coach_link(author))
    with app.app_context():
        brief_id = db.session.scalar(sa.select(Brief.id))
    coach.post(f"/briefs/{brief_id}/comments", data={"text": "Good plan."})
    assert coach.post("/account/delete", data={"password": PASSWORD, "understood": "y"}).status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(BriefCoach)) == 0
        assert db.session.scalars(sa.select(BriefComment.author_account_id)).all() == [None]
    assert "A former coach" in author.get("/my/briefs/member").get_data(as_text=True)
    assert author.post("/account/delete", data={"password": PASSWORD, "understood": "y"}).status_code == 302
    with app.app_context():
        for model in (Brief, BriefComment):
            assert db.session.scalar(sa.select(sa.func.count()).select_from(model)) == 0
