"""The union's survey key, through its services: only the union's organizers
start and stop a ceremony, among the union's stewards and organizers; the
pages' words say how far it is, who is late, who sent a bad piece; a trustee
survey launched in the union uses the key; a change of trustees says which
surveys remain decryptable by whom; late trustees are reminded once per step."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from core.clock import today
from core.extensions import db
from crypto import dkg
from crypto.group import Point, Scalar
from organizer import demo
from organizer.accounts.models import RoleAssignment
from organizer.accounts.services import account_ref, find_account_by_email
from organizer.audit.models import AuditAction, AuditEntry
from organizer.ceremony import services as ceremonies
from organizer.ceremony.models import CeremonyAnnouncement
from organizer.charting.models import BargainingUnit, Union
from organizer.errors import DomainError, NotAllowed
from organizer.roles import Role
from organizer.unit_surveys import services as unit_surveys
from surveys import ceremony, tally
from surveys.ceremony import CeremonyError, CeremonyState
from surveys.models import KeyCeremony, KeyMode, SurveyKind, SurveyState, SurveyTrustee
from tests import factories
from tests.organizer.notifications.builders import answer, close, turn_on_email
from tests.surveys.ceremony_helpers import PythonTrustee
from tests.surveys.helpers import run_job


def _account(email: str):
    return find_account_by_email(email)


def _union(world) -> Union:
    return db.session.get(Union, world.union_id)


def _unit(world) -> BargainingUnit:
    return db.session.get(BargainingUnit, world.unit_id)


def _ids(emails) -> list[int]:
    return [_account(email).id for email in emails]


def _python(emails) -> list[PythonTrustee]:
    return [PythonTrustee(account_ref(_account(email))) for email in emails]


def _start(world, trustees, threshold: int = 2):
    return ceremonies.start(_account(world.organizer), _union(world), _ids(trustees.emails), threshold)


def _finish(world, trustees, threshold: int = 2):
    started = _start(world, trustees, threshold)
    for step in (PythonTrustee.join, PythonTrustee.deal, PythonTrustee.check):
        for trustee in _python(trustees.emails):
            step(trustee, started.id)
    return ceremony.status(started.id)


def _pulse(world, title: str = "Heat check"):
    organizer, unit = _account(world.organizer), _unit(world)
    survey = unit_surveys.create(organizer, unit, unit_surveys.settings_within_floors(
        unit.union, kind=SurveyKind.PULSE, title=title, intro=None, key_mode=KeyMode.TRUSTEES, release_threshold=None,
        comment_threshold=None, trustee_threshold=2, opens_at=None, closes_at=None, recurrence_weeks=None),
        standard_questions=True)
    unit_surveys.launch_for_unit(organizer, survey)
    return survey


# -- starting and stopping -----------------------------------------------------------------------

def test_organizers_start_a_ceremony_among_the_unions_stewards_and_organizers(app_ctx, world, trustees):
    started = _start(world, trustees)
    assert started.state == CeremonyState.JOINING and started.threshold == 2
    assert set(started.trustee_refs) == {account_ref(_account(e)) for e in trustees.emails}
    assert started.scope == f"union:{world.union_id}"
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == AuditAction.KEY_CEREMONY_STARTED)).one()
    assert entry.union_id == world.union_id and "2 of 3 trustees" in entry.description


def test_the_candidates_are_the_unions_organizers_and_the_stewards_of_all_its_units(app_ctx, world, trustees):
    union = _union(world)
    other_unit = BargainingUnit(union_id=union.id, name="Yard", created_on=today())
    db.session.add(other_unit)
    db.session.flush()
    yard_steward = factories.create_account(Role.STEWARD, unit=other_unit)
    elsewhere = factories.create_account(Role.STEWARD, unit=db.session.get(BargainingUnit, world.other_unit_id))
    candidates = {a.id for a in ceremonies.trustee_candidates(union)}
    assert yard_steward.id in candidates and elsewhere.id not in candidates
    assert _account(world.member).id not in candidates
    assert candidates == {*_ids(trustees.emails), yard_steward.id}


@pytest.mark.parametrize("who", ["steward", "other_organizer", "member"])
def test_only_the_unions_organizers_start_one(app_ctx, world, trustees, who):
    with pytest.raises(NotAllowed):
        ceremonies.start(_account(getattr(world, who)), _union(world), _ids(trustees.emails), 2)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(KeyCeremony)) == 0


def test_a_member_or_someone_of_another_union_cannot_be_chosen(app_ctx, world, trustees):
    for outsider in (world.member, world.other_organizer):
        with pytest.raises(NotAllowed):
            ceremonies.start(_account(world.organizer), _union(world), _ids((*trustees.emails[:2], outsider)), 2)
    with pytest.raises(DomainError):
        ceremonies.start(_account(world.organizer), _union(world), [], 2)
    with pytest.raises(CeremonyError):
        ceremonies.start(_account(world.organizer), _union(world), _ids(trustees.emails), 1)


def test_an_organizer_stops_a_ceremony_of_their_own_union_only(app_ctx, world, trustees):
    started = _start(world, trustees)
    other = ceremony.start(f"union:{world.other_union_id}", [account_ref(_account(world.other_organizer)),
                                                            "account:999"], 2)
    with pytest.raises(NotAllowed):
        ceremonies.stop(_account(world.organizer), _union(world), other.id)
    stopped = ceremonies.stop(_account(world.organizer), _union(world), started.id)
    assert stopped.state == CeremonyState.FAILED
    assert "An organizer stopped it" in ceremonies.view_of(stopped).failure_words


# -- what the pages say --------------------------------------------------------------------------

def test_the_progress_line_and_who_is_late(app_ctx, world, trustees):
    started = _start(world, trustees)
    first, second, third = _python(trustees.emails)
    first.join(started.id)
    page = ceremonies.union_key_page(_account(world.organizer), _union(world))
    assert page.running.progress == "1 of 3 trustees has joined"
    assert page.running.step_number == 1 and not page.running.is_stalled
    second.join(started.id)
    db.session.get(KeyCeremony, started.id).step_started_on = today() - timedelta(days=ceremonies.STALLED_AFTER_DAYS)
    late = ceremonies.union_key_page(_account(world.organizer), _union(world)).running
    assert late.progress == "2 of 3 trustees have joined"
    assert late.is_stalled and late.waiting_names == ["Sam Second"]


def test_a_bad_dealer_is_named_on_the_page(app_ctx, world, trustees):
    started = _start(world, trustees)
    trustees_ = _python(trustees.emails)
    for trustee in trustees_:
        trustee.join(started.id)
    context = bytes(db.session.get(KeyCeremony, started.id).context)
    keys = [Point.from_bytes(k) for k in trustees_[0].material(started.id).personal_keys]

    def spoil_the_first_piece(dealing: dkg.Dealing, secret: Scalar) -> dkg.Dealing:
        wrong = dkg.seal_share(Scalar(7), keys[0], context, dealing.dealer, 1)
        unsigned = dkg.Dealing(dealing.dealer, dealing.commitments, dealing.constant_proof,
                               (wrong, *dealing.sealed_shares[1:]), b"")
        return dkg.sign_dealing(context, unsigned, secret)

    bad_dealer = next(t for t in trustees_ if t.material(started.id).trustee_index == 2)
    for trustee in trustees_:
        trustee.deal(started.id, spoil_the_first_piece if trustee is bad_dealer else None)
    accuser = next(t for t in trustees_ if t.material(started.id).trustee_index == 1)
    failed = accuser.check(started.id)
    words = ceremonies.view_of(failed).failure_words
    names = ceremonies.names_of(failed)
    assert words.startswith(f"{names[bad_dealer.ref]} sent a piece of the key that does not match")
    assert names[accuser.ref] in words
    page = ceremonies.union_key_page(_account(world.organizer), _union(world))
    assert page.running is None and page.current is None and page.earlier[0].failure_words == words
    assert page.last_failed is page.earlier[0]


def test_the_words_for_the_quorum():
    assert ceremonies.quorum_words(2, 3).startswith("2 of 3 must take part to open the results")
    assert "If one of them loses their passphrase, the others can still open" in ceremonies.quorum_words(2, 3)
    assert "If any one of them loses their passphrase, results can no longer" in ceremonies.quorum_words(3, 3)
    assert "Up to 2 of them" in ceremonies.quorum_words(2, 4)


# -- surveys made with the key -------------------------------------------------------------------

def test_a_trustee_survey_launched_in_the_union_uses_its_key(app_ctx, world, trustees):
    done = _finish(world, trustees)
    survey = _pulse(world)
    assert survey.key_made_in_ceremony and survey.key_ceremony_id == done.id
    assert survey.threshold_key == ceremony.joint_key(done.id).to_bytes()
    assert "each in their own browser" in unit_surveys.who_can_decrypt(survey)
    check = unit_surveys.launch_check(_pulse_draft(world), _unit(world))
    assert check.union_key.id == done.id and check.can_launch and not check.needs_union_key
    assert [a.display_name for a in check.key_trustees] == sorted(
        (_account(e).display_name for e in trustees.emails), key=str.casefold)


def test_without_the_unions_key_a_trustee_survey_is_not_launched_and_no_key_is_dealt(app_ctx, world, trustees, crowd):
    draft = _pulse_draft(world)
    check = unit_surveys.launch_check(draft, _unit(world))
    assert check.needs_union_key and not check.can_launch and check.union_key is None
    assert {a.id for a in check.possible_trustees} == set(_ids(trustees.emails))
    with pytest.raises(DomainError, match="must first make the union's survey key together"):
        unit_surveys.launch_for_unit(_account(world.organizer), draft)
    assert draft.public_key is None and draft.threshold_key is None and not draft.trustees
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyTrustee)) == 0
    # A union may still let the server unlock a pulse by itself, and every result says so.
    unit_surveys.switch_to_server_key(_account(world.organizer), draft)
    unit_surveys.launch_for_unit(_account(world.organizer), draft)
    assert draft.key_mode == KeyMode.SERVER_KEY and draft.public_key is not None
    assert unit_surveys.who_can_decrypt(draft).startswith("Decrypted by the server alone")
    # Once the trustees have made the key, the same kind of draft launches with it.
    done = _finish(world, trustees)
    assert _pulse(world).key_ceremony_id == done.id


def _pulse_draft(world):
    organizer, unit = _account(world.organizer), _unit(world)
    return unit_surveys.create(organizer, unit, unit_surveys.settings_within_floors(
        unit.union, kind=SurveyKind.PULSE, title="Draft", intro=None, key_mode=KeyMode.TRUSTEES, release_threshold=None,
        comment_threshold=None, trustee_threshold=2, opens_at=None, closes_at=None, recurrence_weeks=None),
        standard_questions=True)


def test_a_change_of_trustees_says_which_surveys_remain_decryptable_by_whom(app_ctx, world, trustees, crowd):
    _finish(world, trustees)
    survey = _pulse(world)
    answer(survey, [_account(e) for e in crowd[:5]])
    close(survey, _account(world.organizer))
    # The second steward steps down; the steward gives their part.
    db.session.execute(sa.delete(RoleAssignment).where(RoleAssignment.account_id == _account(trustees.emails[2]).id))
    steward = _python([world.steward])[0]
    steward.decrypt(survey)
    [holders] = ceremonies.survey_holders(_union(world))
    assert (holders.survey.id, holders.given, holders.gone, holders.threshold) == (survey.id, 1, 1, 2)
    assert holders.can_give == [_account(world.organizer).display_name] and holders.can_open
    page = ceremonies.union_key_page(_account(world.organizer), _union(world))
    assert page.departed == ["Sam Second"]
    # The organizer too leaves office: one part given, nobody left to give the second.
    db.session.execute(sa.delete(RoleAssignment).where(RoleAssignment.account_id == _account(world.organizer).id))
    [stuck] = ceremonies.survey_holders(_union(world))
    assert not stuck.can_open and stuck.gone == 2


def test_the_trustees_surveys_page_lists_the_step_that_needs_them(app_ctx, world, trustees):
    started = _start(world, trustees)
    first, *_ = _python(trustees.emails)
    [mine] = unit_surveys.key_ceremonies_of(first.ref)
    assert mine.needs_them and mine.union.id == world.union_id
    first.join(started.id)
    [mine] = unit_surveys.key_ceremonies_of(first.ref)
    assert not mine.needs_them
    assert [v.status.id for v in ceremonies.ceremonies_needing(_account(trustees.emails[1]))] == [started.id]


def test_the_browser_task_is_offered_only_at_the_trustees_turn(app_ctx, world, trustees, crowd):
    _finish(world, trustees)
    survey = _pulse(world)
    steward = _account(world.steward)
    assert unit_surveys.browser_decryption_or_none(survey, account_ref(steward)) is None
    answer(survey, [_account(e) for e in crowd[:5]])
    close(survey, _account(world.organizer))
    task = ceremonies.decryption_task(steward, survey)
    assert task.targets == tuple(t.to_bytes() for t in tally.decryption_targets(survey))


# -- reminders -----------------------------------------------------------------------------------

def _notices(outbox) -> list[tuple[str, str]]:
    words = {"next step needs you": "turn", "A reminder": "reminder"}
    found = []
    for message in outbox.messages():
        text = " ".join(message.get_content().split())
        found += [(message["To"], kind) for phrase, kind in words.items() if phrase in text]
    return sorted(found)


def test_trustees_are_told_their_turn_once_and_reminded_once_when_late(app, app_ctx, world, trustees, outbox):
    turn_on_email(*trustees.emails)
    started = _start(world, trustees)
    db.session.commit()
    assert run_job(app, "nudge_ceremony_trustees") == 3
    assert run_job(app, "nudge_ceremony_trustees") == 0
    assert _notices(outbox) == sorted((email, "turn") for email in trustees.emails)
    first = next(t for t in _python(trustees.emails) if t.material(started.id).trustee_index == 1)
    first.join(started.id)
    db.session.get(KeyCeremony, started.id).step_started_on = today() - timedelta(days=ceremonies.REMIND_AFTER_DAYS)
    db.session.commit()
    assert run_job(app, "nudge_ceremony_trustees") == 2
    assert run_job(app, "nudge_ceremony_trustees") == 0
    reminded = sorted(to for to, kind in _notices(outbox) if kind == "reminder")
    joined = next(e for e in trustees.emails if account_ref(_account(e)) == first.ref)
    assert reminded == sorted(e for e in trustees.emails if e != joined)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CeremonyAnnouncement)) == 2


def test_a_notice_names_no_union_and_no_trustee(app, app_ctx, world, trustees, outbox):
    turn_on_email(*trustees.emails)
    _start(world, trustees)
    db.session.commit()
    run_job(app, "nudge_ceremony_trustees")
    raw = outbox.raw().decode()
    assert _union(world).name not in raw and "Sam Second" not in raw
    assert all(m["Subject"] == str(ceremonies.notifications.SUBJECT) for m in outbox.messages())


# -- the demo -------------------------------------------------------------------------------------

class DemoTrustee(PythonTrustee):
    """A demo trustee's browser: it opens their part with the passphrase the demo prints."""

    @property
    def passphrase(self) -> str:
        return demo.DEMO_TRUSTEE_PASSPHRASE


def test_the_demo_has_a_survey_key_two_of_its_three_trustees_unlock_with_the_printed_passphrase(app_ctx):
    union = demo.seed_demo_union()
    key = unit_surveys.union_key(union)
    trustees = [_account(email) for email in demo.DEMO_TRUSTEES]
    assert key is not None and key.state == CeremonyState.DONE
    assert (key.threshold, key.trustee_count) == (2, 3)
    assert set(key.trustee_refs) == {account_ref(a) for a in trustees}
    assert demo.DEMO_TRUSTEE_PASSPHRASE in demo.logins_text() and len(demo.DEMO_TRUSTEE_PASSPHRASE) >= 12
    # A trustee survey the new organizer launches uses it, and two trustees' browsers release it.
    warehouse = next(unit for unit in union.units if unit.name == demo.WAREHOUSE)
    organizer = _account(demo.DEMO_TRUSTEES[0])
    survey = unit_surveys.create(organizer, warehouse, unit_surveys.settings_within_floors(
        union, kind=SurveyKind.PULSE, title="Heat check", intro=None, key_mode=KeyMode.TRUSTEES,
        release_threshold=None, comment_threshold=None, trustee_threshold=2, opens_at=None, closes_at=None,
        recurrence_weeks=None), standard_questions=True)
    unit_surveys.launch_for_unit(organizer, survey)
    assert survey.key_ceremony_id == key.id
    answer(survey, [_account(f"member{n}@example.org") for n in range(1, 6)])
    close(survey, organizer)
    steward, steward2 = (DemoTrustee(account_ref(_account(e))) for e in demo.DEMO_TRUSTEES[1:])
    assert steward.decrypt(survey) == 1 and steward2.decrypt(survey) == 2
    assert survey.state == SurveyState.RELEASED
