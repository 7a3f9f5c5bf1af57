"""Reports passed on to stewards who made their key later (organizer/grievances/copies.py):
a newer steward reads earlier reports once a steward who can open them has copied each
message's key for them in their browser, and not before; the server never holds a
report's key in the clear; a forged, misplaced or duplicate copy, or one for someone who
is not one of the unit's stewards now, is refused in words with nothing stored; and an
anonymous report stays anonymous to the newer steward."""

from __future__ import annotations

import base64
import json
import secrets

import pytest
import sqlalchemy as sa

from core.extensions import db
from crypto import reports
from crypto.group import Point, Scalar
from organizer.accounts.models import RoleAssignment
from organizer.errors import DomainError, NotAllowed
from organizer.grievances import copies, keys
from organizer.grievances.models import Grievance, KeyCopy, MessageKind
from organizer.roles import Role
from tests.csrf import sign_in, token_of
from tests.dumps import raw_database
from tests.organizer.grievances.helpers import (
    add,
    answer,
    content_key_of,
    copies_made,
    file,
    opened_by_copy,
    pass_on,
    steward_key,
)

WHAT = "The night lead takes our break minutes and calls it a favour"
JSON = {"Accept": "application/json"}


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _copies() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(KeyCopy))


def _thread(shop):
    """A report of the shop's member, answered and added to, sealed to the two stewards who had keys."""
    grievance = file(shop.member, shop.unit, WHAT, name=None).grievance
    answer(shop.steward, grievance, "Which night? We can meet at the gate.")
    add(shop.member, grievance, "Every Thursday, since March.")
    db.session.commit()
    return grievance


def _refused(action, error=DomainError):
    before = _copies()
    with pytest.raises(error) as refused:
        action()
    db.session.rollback()
    assert _copies() == before, "a refusal stored something"
    return refused.value


def test_a_later_steward_reads_the_earlier_thread_after_a_copy_and_not_before(shop):
    grievance = _thread(shop)
    newcomer = steward_key(shop.keyless)
    db.session.commit()
    assert opened_by_copy(grievance, newcomer) == [None, None, None], "sealed before their key: closed to them"
    newcomer_key = Point.base_times(newcomer).to_bytes()
    lacking = copies.missing(grievance, shop.steward)
    assert [(m.index, m.keys) for m in lacking] == [(i, (newcomer_key,)) for i in range(3)]
    assert copies.missing(grievance, shop.keyless) == [], "they hold nothing yet, so they pass nothing on"

    made = pass_on(shop.second, shop.second_secret, grievance)
    db.session.commit()
    assert len(made) == 3
    grievance = db.session.get(Grievance, grievance.id)
    texts = opened_by_copy(grievance, newcomer)
    assert json.loads(texts[0])["what"] == WHAT
    assert json.loads(texts[1])["text"] == "Which night? We can meet at the gate."
    assert json.loads(texts[2])["text"] == "Every Thursday, since March."
    assert copies.missing(grievance, shop.steward) == []
    # The member chose to stay anonymous: the newer steward reads no name either.
    assert json.loads(texts[0])["name"] is None
    # What was sealed after the newer steward's key needs no copy: it is sealed to them.
    answer(shop.steward, grievance, "Filed at step 1.")
    db.session.commit()
    assert json.loads(opened_by_copy(grievance, newcomer)[3])["text"] == "Filed at step 1."
    assert copies.missing(grievance, shop.steward) == []


def test_a_steward_given_a_copy_can_pass_it_on_in_turn(shop):
    grievance = _thread(shop)
    third = steward_key(shop.keyless)
    pass_on(shop.steward, shop.steward_secret, grievance)
    db.session.commit()
    # Both first stewards leave; a fourth joins; the third, who reads through copies, passes it on.
    for leaving in (shop.steward, shop.second):
        db.session.execute(sa.delete(RoleAssignment).where(RoleAssignment.account_id == leaving.id,
                                                           RoleAssignment.role == Role.STEWARD))
    fourth = shop.others[0]
    db.session.add(RoleAssignment(role=Role.STEWARD, unit_id=shop.unit.id, account_id=fourth.id))
    db.session.commit()
    fourth_secret = steward_key(fourth)
    db.session.commit()
    assert [m.keys for m in copies.missing(grievance, shop.keyless)] == [
        (Point.base_times(fourth_secret).to_bytes(),)] * 3
    pass_on(shop.keyless, third, grievance)
    db.session.commit()
    assert json.loads(opened_by_copy(db.session.get(Grievance, grievance.id), fourth_secret)[0])["what"] == WHAT


def test_a_steward_who_made_a_new_key_reads_again_once_given_a_copy(shop):
    grievance = _thread(shop)
    fresh = steward_key(shop.steward)  # lost their passphrase: the old key is retired
    db.session.commit()
    assert opened_by_copy(grievance, fresh) == [None, None, None]
    assert [m.keys for m in copies.missing(grievance, shop.second)] == [(Point.base_times(fresh).to_bytes(),)] * 3
    pass_on(shop.second, shop.second_secret, grievance)
    db.session.commit()
    assert json.loads(opened_by_copy(db.session.get(Grievance, grievance.id), fresh)[0])["what"] == WHAT


def test_the_server_never_holds_a_reports_key_in_the_clear(app, world, login, shop_between_requests):
    """The report's content key is known to this test only: it is in no stored byte (raw or opened with
    the app's keys), nor in what the steward's browser posts, before or after the copy."""
    with shop_between_requests as s:
        key = secrets.token_bytes(32)
        grievance = file(s.member, s.unit, WHAT, content_key=key).grievance
        answer(s.steward, grievance, "Seen. Which night lead?")
        newcomer = steward_key(s.keyless)
        db.session.commit()
        assert content_key_of(grievance, grievance.messages[0], s.steward_secret) == key
        posted, answered = copies_made(s.steward, s.steward_secret, grievance)
        public_id = grievance.public_id
    client = login(app.test_client(), world.steward)
    form = {"copies": json.dumps([{"message": c.message, "copy": b64(c.copy)} for c in (posted, answered)])}
    assert key not in json.dumps(form).encode() and b64(key) not in json.dumps(form)
    response = client.post(f"/grievances/{public_id}/copies", data=form, headers=JSON)
    assert response.status_code == 201 and response.json == {"copied": 2}
    with shop_between_requests as s:
        grievance = db.session.get(Grievance, grievance.id)
        assert json.loads(opened_by_copy(grievance, newcomer)[0])["what"] == WHAT
        assert json.loads(opened_by_copy(grievance, newcomer)[1])["text"] == "Seen. Which night lead?"
        stored = [bytes(v) for row in db.session.execute(sa.text(
            "SELECT copy FROM grievance_key_copies")) for v in row]
        opened_rows = [c.copy for m in grievance.messages for c in m.copies] + [m.envelope for m in grievance.messages]
        for blob in (raw_database(db.engine.url), *stored, *opened_rows):
            assert key not in blob and b64(key).encode() not in blob and key.hex().encode() not in blob
        # A control: the copy as the browser made it is what is kept (sealed again at rest).
        assert opened_rows[0] == posted.copy and posted.copy[:64] not in raw_database(db.engine.url)


def test_a_forged_misplaced_or_duplicate_copy_is_refused_with_nothing_stored(shop):
    grievance = _thread(shop)
    other = file(shop.others[0], shop.unit, "Another report").grievance
    newcomer = steward_key(shop.keyless)
    db.session.commit()
    [first, *_] = copies_made(shop.steward, shop.steward_secret, grievance)
    context = reports.message_context(grievance.public_id, MessageKind.REPORT.value)
    key = content_key_of(grievance, grievance.messages[0], shop.steward_secret)
    envelope = grievance.messages[0].envelope
    stranger = Scalar.random()
    changed = bytearray(first.copy)
    changed[120] ^= 1
    forged = [
        [copies.PostedCopy(0, bytes(changed))],
        # Another report's copy, posted to this one.
        [copies.PostedCopy(0, copies_made(shop.steward, shop.steward_secret, other)[0].copy)],
        # ... or another message of this thread's.
        [copies.PostedCopy(1, first.copy)],
        [copies.PostedCopy(7, first.copy)],
        # Signed by a key that holds nothing (an outsider who somehow had the content key).
        [copies.PostedCopy(0, reports.rewrap(stranger, key, envelope, context, Point.base_times(newcomer)))],
        # Signed by the other steward, posted by this one.
        [copies.PostedCopy(0, reports.rewrap(shop.second_secret, key, envelope, context,
                                             Point.base_times(newcomer)))],
    ]
    for posted in forged:
        assert "does not check out" in _refused(lambda: copies.pass_on(shop.steward, grievance, posted)).message
    # For someone who is not one of the unit's stewards now: an outsider, the organizer.
    for target in (Point.base_times(stranger), Point.base_times(Scalar.random())):
        posted = [copies.PostedCopy(0, reports.rewrap(shop.steward_secret, key, envelope, context, target))]
        refused = _refused(lambda: copies.pass_on(shop.steward, grievance, posted))
        assert "not the key of one of this unit's stewards" in refused.message
    # The same copy twice in one post, or again once kept.
    assert "can open it already" in _refused(lambda: copies.pass_on(shop.steward, grievance, [first, first])).message
    copies.pass_on(shop.steward, grievance, [first])
    db.session.commit()
    again = reports.rewrap(shop.steward_secret, key, envelope, context, Point.base_times(newcomer))
    assert "can open it already" in _refused(
        lambda: copies.pass_on(shop.steward, grievance, [copies.PostedCopy(0, again)])).message
    assert "sent nothing" in _refused(lambda: copies.pass_on(shop.steward, grievance, [])).message
    # Only the unit's stewards pass a report on.
    _refused(lambda: copies.pass_on(shop.organizer, grievance, [first]), NotAllowed)
    assert _copies() == 1


def test_a_removed_steward_gets_no_new_copy(shop):
    grievance = _thread(shop)
    leaving = steward_key(shop.keyless)
    db.session.commit()
    db.session.execute(sa.delete(RoleAssignment).where(RoleAssignment.account_id == shop.keyless.id,
                                                       RoleAssignment.role == Role.STEWARD))
    db.session.commit()
    assert copies.missing(grievance, shop.steward) == [], "nobody current lacks it"
    context = reports.message_context(grievance.public_id, MessageKind.REPORT.value)
    key = content_key_of(grievance, grievance.messages[0], shop.steward_secret)
    posted = [copies.PostedCopy(0, reports.rewrap(shop.steward_secret, key, grievance.messages[0].envelope, context,
                                                  Point.base_times(leaving)))]
    assert "not the key of one of this unit's stewards" in _refused(
        lambda: copies.pass_on(shop.steward, grievance, posted)).message
    # Nor does a retired key: a copy goes to a steward's current key only.
    old_key = keys.current_key(shop.second).public_key
    steward_key(shop.second)
    db.session.commit()
    assert all(old_key not in m.keys for m in copies.missing(grievance, shop.steward))


def test_the_pages_offer_to_pass_on_and_a_forged_copy_is_refused_over_http(app, world, shop_between_requests, csrf_on):
    with shop_between_requests as s:
        grievance = file(s.member, s.unit, WHAT).grievance
        steward_key(s.keyless)
        db.session.commit()
        public_id, member = grievance.public_id, s.member
        who = [member.display_name, member.email, f"account:{member.id}"]
        [posted] = copies_made(s.steward, s.steward_secret, grievance)
        newcomer = {"name": s.keyless.display_name, "key": b64(keys.current_key(s.keyless).public_key)}
    client = sign_in(app.test_client(), world.steward)
    unit_page = client.get(f"/units/{world.unit_id}/grievances").get_data(as_text=True)
    material = json.loads(unit_page.split('id="grievance-material">', 1)[1].split("</script>", 1)[0])
    [offered] = material["reports"]
    assert offered["url"] == f"/grievances/{public_id}/copies"
    assert [(m["message"], m["to"]) for m in offered["messages"]] == [(0, [newcomer["key"]])]
    assert newcomer in material["stewards"]
    page = client.get(f"/grievances/{public_id}").get_data(as_text=True)
    assert json.loads(page.split('id="grievance-material">', 1)[1].split("</script>", 1)[0])["missing"] == [
        {"message": 0, "to": [newcomer["key"]]}]
    for html in (unit_page, page):
        assert "data-grievance-pass-on" in html
        assert not [trace for trace in who if trace in html], "nothing of who filed"

    token = token_of(client, f"/grievances/{public_id}")
    changed = bytearray(posted.copy)
    changed[-1] ^= 1
    for body, words in (([{"message": 0, "copy": b64(bytes(changed))}], "does not check out"),
                        ("not json", "needs JavaScript"), ([{"message": "0", "copy": b64(posted.copy)}],
                                                           "needs JavaScript")):
        refused = client.post(f"/grievances/{public_id}/copies", headers=JSON,
                              data={"csrf_token": token, "copies": body if isinstance(body, str) else json.dumps(body)})
        assert refused.status_code == 400 and words in refused.json["error"], refused.json
    expired = client.post(f"/grievances/{public_id}/copies", headers=JSON,
                          data={"csrf_token": "stale", "copies": json.dumps([{"message": 0, "copy": b64(posted.copy)}])})
    assert expired.status_code == 400 and "expired" in expired.json["error"]
    other = sign_in(app.test_client(), world.member)
    assert other.post(f"/grievances/{public_id}/copies", headers=JSON, data={
        "csrf_token": token_of(other, "/my/reports/new"),
        "copies": json.dumps([{"message": 0, "copy": b64(posted.copy)}])}).status_code == 403
    with shop_between_requests:
        assert _copies() == 0
    kept = client.post(f"/grievances/{public_id}/copies", headers=JSON, data={
        "csrf_token": token, "copies": json.dumps([{"message": 0, "copy": b64(posted.copy)}])})
    assert kept.status_code == 201
    # Nothing left to pass on: the offer is gone.
    assert "data-grievance-pass-on" not in client.get(f"/units/{world.unit_id}/grievances").get_data(as_text=True)
