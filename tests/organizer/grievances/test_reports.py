"""Filing a report and its thread, through the services: what is kept, who can
open it, and every malformed or misdirected thing refused with nothing stored."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
import sqlalchemy as sa

from core.extensions import db
from crypto import reports
from crypto.group import Point, Scalar
from organizer.errors import DomainError, NotAllowed
from organizer.grievances import keys, services
from organizer.grievances.models import Grievance, GrievanceMessage, MessageKind, ProblemKind, Step, StewardKey
from tests.organizer.grievances import helpers
from tests.organizer.grievances.helpers import add, answer, file, filing, made_key, opened


def _counts() -> tuple[int, int]:
    return (db.session.scalar(sa.select(sa.func.count()).select_from(Grievance)),
            db.session.scalar(sa.select(sa.func.count()).select_from(GrievanceMessage)))


def _refused(action, error=DomainError, field=None):
    before = _counts()
    with pytest.raises(error) as refused:
        action()
    db.session.rollback()
    assert _counts() == before, "a refusal stored something"
    if field is not None:
        assert refused.value.field == field
    return refused.value


def test_a_report_opens_for_each_steward_with_a_key_and_for_the_member_only(shop):
    filed = file(shop.member, shop.unit, "The forklift on dock 4 has no brakes.", kind="safety_health")
    db.session.commit()
    grievance = db.session.get(Grievance, filed.grievance.id)
    assert (grievance.kind, grievance.step, grievance.reporter_id) == (ProblemKind.SAFETY_AND_HEALTH, Step.RECEIVED,
                                                                        shop.member.id)
    [steward_text] = helpers.opened(grievance, shop.steward_secret)
    assert json.loads(steward_text)["what"] == "The forklift on dock 4 has no brakes."
    assert opened(grievance, shop.second_secret) == [steward_text]
    assert opened(grievance, filed.member_secret) == [steward_text]
    assert opened(grievance, Scalar.random()) == [None]
    # Sealed to the stewards' current keys and the member's, in that order: nobody else's.
    recipients = reports.parse_message(grievance.messages[0].envelope).recipients
    assert list(recipients) == [Point.base_times(shop.steward_secret).to_bytes(),
                                Point.base_times(shop.second_secret).to_bytes(), grievance.member_key]


def test_a_thread_grows_with_additions_and_answers_each_sealed_to_both_sides(shop):
    filed = file(shop.member, shop.unit)
    add(shop.member, filed.grievance, "It happened again on Saturday.")
    answer(shop.steward, filed.grievance, "We will raise it at step 1 on Monday.")
    db.session.commit()
    grievance = db.session.get(Grievance, filed.grievance.id)
    kinds = [m.kind for m in grievance.messages]
    assert kinds == [MessageKind.REPORT, MessageKind.ADDITION, MessageKind.REPLY]
    member_view, steward_view = opened(grievance, filed.member_secret), opened(grievance, shop.second_secret)
    assert member_view == steward_view
    assert json.loads(member_view[2])["text"] == "We will raise it at step 1 on Monday."
    assert grievance.messages[2].author_id == shop.steward.id and grievance.messages[1].author_id is None


def test_a_lost_passphrase_gives_a_new_key_that_later_answers_are_sealed_to(shop):
    filed = file(shop.member, shop.unit)
    grievance = filed.grievance
    fresh = made_key(reports.member_key_context(grievance.public_id), "a brand new sentence to remember")
    body = json.dumps({"v": 1, "kind": "addition", "text": "", "reply_key": helpers.reports_b64(fresh.made.public_key)})
    envelope = helpers.envelope_for(grievance, MessageKind.ADDITION, body, member_key=fresh.made.public_key)
    services.add_to_report(shop.member, grievance, envelope, fresh.made)
    answer(shop.steward, grievance, "Got it.")
    db.session.commit()
    grievance = db.session.get(Grievance, grievance.id)
    assert grievance.member_key == fresh.made.public_key
    assert json.loads(opened(grievance, fresh.secret)[2])["text"] == "Got it."
    assert opened(grievance, filed.member_secret)[2] is None


def test_a_report_is_refused_without_a_kind(shop):
    details, _ = filing(shop.unit)
    for kind in ("", "overtime", "None"):
        _refused(lambda kind=kind: services.file_report(shop.member, shop.unit, replace(details, kind=kind)),
                 field="kind")


def test_a_unit_with_no_steward_key_cannot_take_a_report_and_says_so(shop):
    details, _ = filing(shop.unit)
    db.session.execute(sa.delete(StewardKey))
    refusal = _refused(lambda: services.file_report(shop.member, shop.unit, details))
    assert "No steward of your unit has made a key" in refusal.message


def test_only_members_of_the_unit_file_there(shop):
    details, _ = filing(shop.unit)
    for outsider in (shop.organizer, shop.steward):
        _refused(lambda outsider=outsider: services.file_report(outsider, shop.unit, details), NotAllowed)


def test_a_forged_envelope_is_refused_and_nothing_is_stored(shop):
    details, _ = filing(shop.unit)
    envelope = details.envelope
    for at in (0, 1, 40, len(envelope) // 2, len(envelope) - 1):
        changed = bytearray(envelope)
        changed[at] ^= 0x04
        _refused(lambda changed=bytes(changed): services.file_report(
            shop.member, shop.unit, replace(details, envelope=changed)), field="envelope")
    for junk in (b"", b"\x01", b"not an envelope at all" * 20, envelope[:-16]):
        _refused(lambda junk=junk: services.file_report(shop.member, shop.unit, replace(details, envelope=junk)),
                 field="envelope")


def test_an_envelope_of_another_report_or_kind_is_refused(shop):
    details, _ = filing(shop.unit)
    other, _ = filing(shop.unit)
    _refused(lambda: services.file_report(shop.member, shop.unit, replace(details, envelope=other.envelope)),
             field="envelope")
    member = made_key(reports.member_key_context(details.report_id))
    reply_context = reports.message_context(details.report_id, "reply")
    as_reply = reports.seal_message(helpers.points([*[s.public_key for s in keys.stewards_on_key(shop.unit)],
                                                    member.made.public_key]), "x", reply_context)
    _refused(lambda: services.file_report(shop.member, shop.unit, replace(details, envelope=as_reply,
                                                                          member_key=member.made)), field="envelope")


def test_an_envelope_missing_a_steward_or_adding_a_stranger_is_refused_naming_the_right_keys(shop):
    stewards = [s.public_key for s in keys.stewards_on_key(shop.unit)]
    stranger = Point.base_times(Scalar.random()).to_bytes()
    for recipients in (stewards[:1], [*stewards, stranger], list(reversed(stewards))):
        details, _ = filing(shop.unit, recipients=recipients)
        refusal = _refused(lambda details=details: services.file_report(shop.member, shop.unit, details),
                           services.KeysChanged)
        assert refusal.recipients == [*stewards, details.member_key.public_key]


def test_the_members_key_must_prove_itself_for_this_report(shop):
    details, _ = filing(shop.unit)
    elsewhere = made_key(reports.member_key_context("0" * 32))
    _refused(lambda: services.file_report(shop.member, shop.unit, replace(details, member_key=replace(
        details.member_key, possession_proof=elsewhere.made.possession_proof))))
    _refused(lambda: services.file_report(shop.member, shop.unit, replace(details, member_key=replace(
        details.member_key, sealed_secret=b"\x01" * 80))))
    _refused(lambda: services.file_report(shop.member, shop.unit, replace(details, member_key=replace(
        details.member_key, public_key=bytes(32)))))


def test_a_report_id_is_fresh_and_well_formed(shop):
    filed = file(shop.member, shop.unit)
    db.session.commit()
    details, _ = filing(shop.unit, report_id=filed.grievance.public_id)
    refusal = _refused(lambda: services.file_report(shop.member, shop.unit, details))
    assert "sent already" in refusal.message
    for bad in ("ABC", "g" * 32, "0" * 31, "0" * 33, "../" + "0" * 29):
        details, _ = filing(shop.unit)
        _refused(lambda bad=bad, details=details: services.file_report(shop.member, shop.unit,
                                                                       replace(details, report_id=bad)))


def test_a_body_too_long_cannot_be_sealed_nor_sent(shop):
    with pytest.raises(ValueError):
        filing(shop.unit, "x" * (reports.MAX_TEXT_BYTES + 1))
    details, _ = filing(shop.unit)
    # Too long for the format: one more block than it allows, however it was made.
    longer = details.envelope + bytes(reports.MAX_PADDED)
    _refused(lambda: services.file_report(shop.member, shop.unit, replace(details, envelope=longer)), field="envelope")


def test_only_the_member_adds_and_withdraws_and_only_stewards_answer(shop):
    filed = file(shop.member, shop.unit)
    db.session.commit()
    grievance = filed.grievance
    for someone in (shop.others[0], shop.steward, shop.organizer):
        _refused(lambda someone=someone: add(someone, grievance, "me too"), NotAllowed)
        _refused(lambda someone=someone: services.withdraw(someone, grievance), NotAllowed)
    for someone in (shop.organizer, shop.others[0], shop.member):
        _refused(lambda someone=someone: answer(someone, grievance, "hello"), NotAllowed)
    services.withdraw(shop.member, grievance)
    assert grievance.step == Step.WITHDRAWN


def test_an_answer_not_sealed_to_the_members_key_is_refused(shop):
    filed = file(shop.member, shop.unit)
    db.session.commit()
    grievance = filed.grievance
    stewards = [s.public_key for s in keys.stewards_on_key(shop.unit)]
    server_key = Point.base_times(Scalar.random()).to_bytes()
    envelope = reports.seal_message(helpers.points([*stewards, server_key]), "x",
                                    services.context_of(grievance, MessageKind.REPLY))
    _refused(lambda: services.reply(shop.steward, grievance, envelope), services.KeysChanged)


def test_a_steward_who_makes_a_key_later_reads_only_what_came_after(shop):
    first = file(shop.member, shop.unit)
    late = helpers.steward_key(shop.keyless)
    second = file(shop.others[0], shop.unit)
    db.session.commit()
    assert opened(first.grievance, late) == [None]
    assert opened(second.grievance, late)[0] is not None
    # A new key retires the old one, which still opens what was sealed to it.
    newer = helpers.steward_key(shop.steward)
    third = file(shop.others[1], shop.unit)
    assert opened(first.grievance, shop.steward_secret)[0] is not None
    assert opened(third.grievance, shop.steward_secret) == [None]
    assert opened(third.grievance, newer)[0] is not None
    assert len(keys.keys_of(shop.steward)) == 2


def test_a_steward_key_must_prove_itself_for_that_steward(shop):
    for someone in (shop.member, shop.organizer):
        with pytest.raises(NotAllowed):
            keys.make_key(someone, made_key(keys.key_context(someone)).made)
    borrowed = made_key(keys.key_context(shop.second))
    with pytest.raises(DomainError):
        keys.make_key(shop.keyless, borrowed.made)
    db.session.rollback()
    reused = made_key(keys.key_context(shop.keyless))
    keys.make_key(shop.keyless, reused.made)
    with pytest.raises(DomainError):
        keys.make_key(shop.keyless, reused.made)


def test_a_member_has_a_bounded_number_of_open_reports(shop, monkeypatch):
    monkeypatch.setattr(services, "MOST_OPEN_REPORTS", 2)
    first = file(shop.member, shop.unit)
    file(shop.member, shop.unit)
    db.session.commit()
    details, _ = filing(shop.unit)
    refusal = _refused(lambda: services.file_report(shop.member, shop.unit, details))
    assert "2 reports open already" in refusal.message
    services.withdraw(shop.member, first.grievance)
    services.file_report(shop.member, shop.unit, details)
    assert len(services.my_reports(shop.member)) == 3
