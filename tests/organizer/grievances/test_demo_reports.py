"""The demo's reports (organizer/demo.py): steward@ and steward2@ have keys that open with
the printed passphrase, as the key page's own do in the browser; the demo members' reports
are sealed to them, one anonymous and one named, of different kinds, one at investigating
with a deadline; each member opens their own report with the same passphrase; and the
printed logins say so."""

from __future__ import annotations

import json

import sqlalchemy as sa

from core.clock import today
from core.extensions import db
from crypto import reports
from crypto.group import Scalar
from crypto.sealing import open_with_passphrase
from organizer import demo
from organizer.accounts import services as accounts
from organizer.grievances import keys, services
from organizer.grievances.models import Grievance, MessageKind, Step
from tests.organizer.grievances.helpers import opened


def _steward_secret(email: str) -> Scalar:
    """The steward's secret as their browser opens it on the key page: with the passphrase, under their context."""
    steward = accounts.find_account_by_email(email)
    key = keys.current_key(steward)
    assert reports.check_sealed_secret(key.sealed_secret)
    return Scalar.from_bytes(open_with_passphrase(key.sealed_secret, demo.DEMO_REPORT_PASSPHRASE,
                                                  associated_data=keys.key_context(steward)))


def test_the_demo_stewards_open_the_demo_members_reports_with_the_printed_passphrase(app_ctx):
    demo.seed_demo_union()
    db.session.commit()
    grievances = list(db.session.scalars(sa.select(Grievance).order_by(Grievance.id)))
    assert 2 <= len(grievances) <= 3
    secrets = {accounts.find_account_by_email(email).id: _steward_secret(email) for email in demo.DEMO_REPORT_STEWARDS}
    seen = []
    for grievance in grievances:
        [steward] = keys.stewards_on_key(grievance.unit)
        texts = opened(grievance, secrets[steward.account_id])
        assert None not in texts, "every message opens for the unit's steward"
        report = json.loads(texts[0])
        assert report["what"] and report["reply_key"]
        seen.append((grievance, report))
        # The member opens their own, with the same passphrase, as their report page does.
        member_secret = Scalar.from_bytes(open_with_passphrase(
            grievance.member_sealed_secret, demo.DEMO_REPORT_PASSPHRASE,
            associated_data=reports.member_key_context(grievance.public_id)))
        assert opened(grievance, member_secret) == texts
    names = [report["name"] for _, report in seen]
    assert None in names and any(name for name in names), "one anonymous, one named"
    assert len({grievance.kind for grievance, _ in seen}) == len(seen), "each of another kind"
    investigating = [g for g, _ in seen if g.step == Step.INVESTIGATING]
    assert investigating and all(g.due_on is not None and g.due_on >= today() for g in investigating)
    assert any(m.kind == MessageKind.REPLY for g in investigating for m in g.messages), "answered by its steward"
    # Nothing waits in anyone's email, and the filing days lie in the past.
    assert all(m.is_announced for g in grievances for m in g.messages)
    assert all(g.filed_on < today() for g in grievances)
    # Reports from the warehouse reach steward@, from the drivers steward2@: no one else holds a key.
    units = {g.unit.name for g in grievances}
    assert demo.WAREHOUSE in units
    assert {services.reporter_ref(accounts.find_account_by_email(e)) for e, *_ in demo.DEMO_REPORTS} == {
        g.reporter_ref for g in grievances}


def test_the_printed_logins_name_the_report_passphrase():
    text = demo.logins_text()
    assert "Reports from members" in text and demo.DEMO_REPORT_PASSPHRASE in text
    for email in demo.DEMO_REPORT_STEWARDS:
        assert email.split("@")[0] in text
