"""The review's attacks, replayed through HTTP as an attacker would run them
(PRIVACY.md: attack classes). Each must fail: the decryption oracle, and
differencing two surveys that are not rounds of one series."""

from __future__ import annotations

import base64
import re

from core.extensions import db
from crypto import ballot as crypto_ballot
from crypto import sealing
from crypto.elgamal import PublicKey
from surveys import ballot_box, tally
from surveys.definitions import ballot_questions, question_spec
from surveys.models import Survey
from tests.factories import PASSWORD
from tests.organizer.unit_surveys.helpers import create_pulse_draft
from tests.organizer.unit_surveys.test_survey_views import _answer_form


def _launch(client, world, login, **overrides) -> int:
    login(client, world.organizer)
    survey_id = create_pulse_draft(client, world, **overrides)
    assert client.post(f"/surveys/{survey_id}/launch").status_code == 302
    client.post("/logout")
    return survey_id


def _answer(app, login, email, survey_id, yes: bool = True) -> None:
    member = login(app.test_client(), email)
    form = _answer_form(member, survey_id)
    yes_no = min(form, key=lambda name: int(name[1:]))
    form[yes_no] = "yes" if yes else "no"
    assert member.post(f"/surveys/{survey_id}/answer", data=form).status_code == 200


def test_a_comment_that_names_a_victims_ciphertext_is_refused_and_never_decrypted(app, world, login, crowd):
    survey_id = _launch(app.test_client(), world, login)
    victim, attacker = crowd[0], crowd[1]
    _answer(app, login, victim, survey_id, yes=False)
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        # The attacker is assumed to have read the victim's ballot (here from the pool, with the app key).
        [victims_ballot] = ballot_box.pending_pool(survey).ballots
        alpha = crypto_ballot.deserialize(victims_ballot.payload).answers[0].ciphertexts[0].alpha.to_bytes()
        public_key = PublicKey.from_bytes(survey.public_key)
        comment_question = survey.questions[-1]
        honest = sealing.seal_text(public_key, "just a comment",
                                   ballot_box.comment_context(survey, comment_question.id))
        payload = crypto_ballot.serialize(crypto_ballot.encrypt_ballot(
            public_key, survey.context, [question_spec(q) for q in ballot_questions(survey)], [True, 3, [1]]))
    # The honest comment's proof and body, with the victim's alpha as its key point.
    forged = honest[:1] + alpha + honest[33:]
    response = login(app.test_client(), attacker).post(f"/surveys/{survey_id}/ballot", json={
        "payload": base64.b64encode(payload).decode(),
        "comments": {str(comment_question.id): base64.b64encode(forged).decode()}})
    assert response.status_code == 400 and "proof" in response.get_json()["error"]
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        assert ballot_box.counts(survey) == (1, 1), "nothing of the forged ballot was stored"
        assert not ballot_box.has_answered(survey, f"account:{_account_id(attacker)}")
    for email in crowd[1:]:
        _answer(app, login, email, survey_id)
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        tally.end_voting(survey)
        tally.prepare_release(survey)
        targets = {point.to_bytes() for point in tally.decryption_targets(survey)}
        assert alpha not in targets, "the victim's ciphertext would be decrypted"
        db.session.rollback()


def _account_id(email: str) -> int:
    from organizer.accounts import services as accounts

    return accounts.find_account_by_email(email).id


def test_two_one_off_surveys_differing_by_one_person_withhold_the_second_with_the_reason(app, world, login, crowd):
    """The review's differencing: two unrelated pulses with the same question, the
    second's respondents the first's minus the target; the difference would be
    the target's answer."""
    organizer = login(app.test_client(), world.organizer)
    target = world.member
    first = _launch(app.test_client(), world, login, title="First pulse")
    for email in [target, *crowd]:
        _answer(app, login, email, first, yes=email != target)
    assert organizer.post(f"/surveys/{first}/close").status_code == 302
    page = organizer.get(f"/surveys/{first}/results").data.decode()
    assert re.search(r"Yes</th>\s*<td class=\"num\"[^>]*>6</td>", page), "the first is released: 7 answered"

    second = _launch(app.test_client(), world, login, title="Another pulse, not a round of the first")
    for email in crowd:  # everyone but the target
        _answer(app, login, email, second)
    assert organizer.post(f"/surveys/{second}/close").status_code == 302
    page = organizer.get(f"/surveys/{second}/results").data.decode()
    assert "No results can be shown" in page
    assert re.search(r"earlier|another|subtraction", page), "the organizer is told why"
    assert not re.search(r"Yes</th>\s*<td class=\"num\"[^>]*>6</td>", page)
    with app.app_context():
        whole = db.session.get(Survey, second).groups[0]
        assert not whole.is_approved and whole.counts is None


def _settle(app, emails: list[str], departments: list[str], days: int = 60) -> None:
    """These members were charted, placed and signed up long ago."""
    from datetime import timedelta

    from core.clock import today
    from organizer.accounts import coworkers
    from organizer.accounts import services as accounts
    from organizer.charting.models import Department

    with app.app_context():
        for email, department in zip(emails, departments, strict=True):
            account = accounts.find_account_by_email(email)
            person = coworkers.person_of(account)
            person.department_id = db.session.scalar(
                db.select(Department.id).where(Department.unit_id == person.unit_id, Department.name == department))
            person.segment_changed_on = account.created_on = today() - timedelta(days=days)
        db.session.commit()


def test_the_sock_puppet_journey_does_not_reveal_the_target(app, world, login, crowd):
    """The review's journey, through the pages alone: chart four fake coworkers,
    invite them and open the links oneself, move the target and the four into a
    new department "Audit", launch a pulse broken down by department, have the
    puppets answer "no", and read the "Audit" group."""
    from organizer.accounts import coworkers
    from organizer.accounts import services as accounts
    from organizer.charting.models import Department, Person

    _settle(app, crowd, ["Loading", "Cranes"] * 3)
    _settle(app, [world.member], ["Loading"])
    organizer = login(app.test_client(), world.organizer)
    assert organizer.post(f"/units/{world.unit_id}/segments",
                          data={"kind": "department", "name": "Audit"}).status_code in (200, 302)
    with app.app_context():
        audit_id = db.session.scalar(db.select(Department.id).where(Department.name == "Audit"))
        target_person = coworkers.person_of(accounts.find_account_by_email(world.member)).id
    puppets = []
    for i in range(4):
        assert organizer.post(f"/units/{world.unit_id}/people/new", data={
            "name": f"Puppet {i}", "department_id": str(audit_id), "shift_id": "", "assessment": "0"}).status_code == 302
        with app.app_context():
            person_id = db.session.scalar(db.select(Person.id).order_by(Person.id.desc()).limit(1))
        invited = organizer.post(f"/people/{person_id}/invite", data={"role": "member"})
        link = re.search(rb'value="(http://[^"]+/invite/[^"]+)"', invited.data).group(1).decode()
        email = f"puppet{i}@example.org"
        accepted = app.test_client().post(link.split("localhost", 1)[1], data={
            "display_name": f"Puppet {i}", "email": email, "password": PASSWORD, "confirm": PASSWORD})
        assert accepted.status_code == 302, "the organizer completes the puppet's invitation itself"
        puppets.append(email)
    # The target is moved in beside them.
    moved = organizer.post(f"/people/{target_person}/edit", data={
        "name": "The target", "department_id": str(audit_id), "shift_id": "", "assessment": "0"})
    assert moved.status_code == 302

    survey_id = _launch(app.test_client(), world, login, title="Monthly pulse")
    for email in puppets:
        _answer(app, login, email, survey_id, yes=False)
    _answer(app, login, world.member, survey_id, yes=True)
    for email in crowd:
        _answer(app, login, email, survey_id, yes=True)
    assert organizer.post(f"/surveys/{survey_id}/close").status_code == 302
    page = organizer.get(f"/surveys/{survey_id}/results").data.decode()
    assert "Audit" not in page, "the puppets' department is shown as a group"
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        shown = {group.label for group in survey.groups if group.is_approved}
        assert "Audit" not in shown
        # What is shown holds real coworkers beside the target: the whole unit, and the
        # long-settled departments (the target and the puppets count in neither).
        assert "Everyone" in shown
        for group in survey.groups:
            if group.is_approved and group.dimension == "department":
                assert group.label in ("Loading", "Cranes")
