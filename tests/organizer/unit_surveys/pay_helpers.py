"""What the pay survey tests share: members who chose their role long enough ago
to count in it, and a pay survey of the world's unit launched, answered,
closed and released by the server key."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import timedelta

from core.clock import today
from core.extensions import db
from organizer.accounts.models import Account
from organizer.charting.models import BargainingUnit
from organizer.roles import Role
from organizer.unit_surveys import pay
from surveys import ballot_box, tally
from surveys.models import KeyMode, Survey
from tests import factories

#: Settled: older than the breakdown freeze, account and role alike.
LONG_AGO = 200


def member(unit: BargainingUnit, role: str | None, *, email: str | None = None, days_ago: int = LONG_AGO) -> Account:
    """A member with an account opened, and `role` chosen, `days_ago` days ago."""
    account = factories.create_account(Role.MEMBER, unit=unit, email=email)
    account.created_on = today() - timedelta(days=days_ago)
    if role is not None:
        choose(account, role, days_ago=days_ago)
    db.session.flush()
    return account


def choose(account: Account, role: str | None, *, days_ago: int = 0) -> None:
    chosen = pay.choose_role(account, role)
    if chosen is not None:
        chosen.chosen_on = today() - timedelta(days=days_ago)
    db.session.flush()


def crew(unit: BargainingUnit, sizes: Mapping[str, int], *, roles: tuple[str, ...] | None = None,
         organizer: Account) -> dict[str, list[Account]]:
    """The unit's roles declared (`roles`, or those of `sizes`), and `sizes[role]` settled members in each."""
    pay.declare_roles(organizer, unit, roles or tuple(sizes))
    return {role: [member(unit, role) for _ in range(count)] for role, count in sizes.items()}


def standard(unit: BargainingUnit, **changes) -> pay.PaySurveyDetails:
    """The standard pay survey's details, unlocked by the server (so a test can release it)."""
    return dataclasses.replace(pay.standard_details(unit), key_mode=KeyMode.SERVER_KEY, trustee_threshold=None,
                               **changes)


def released_pay_survey(organizer: Account, unit: BargainingUnit, answers: Mapping[Account, int],
                        **changes) -> Survey:
    """The standard pay survey, launched to the unit, answered (band index by member), released."""
    survey = pay.create_pay_survey(organizer, unit, standard(unit, **changes), standard_words=True)
    pay.launch_pay_survey(organizer, survey)
    band = pay.band_question(survey)
    for account, index in answers.items():
        ballot_box.cast(survey, f"account:{account.id}", {
            question.id: index if question is band else 0 for question in survey.questions})
    tally.close(survey)
    assert tally.release_with_server_key(survey), [g.withheld_reason for g in survey.groups]
    return survey
