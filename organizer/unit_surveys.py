"""Surveys of a bargaining unit: the union side of the survey engine.

The engine knows scopes and opaque refs; this module maps them to units and
accounts, decides who may answer (the unit's members with accounts) and who may
hold a key share (the unit's stewards and the union's organizers), and checks
that the actor may act on the unit."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from core.extensions import db
from organizer.errors import NotAllowed
from organizer.models import Account, BargainingUnit, Role, RoleAssignment
from surveys import definitions, launch, scopes, tally
from surveys.keys import trustee_key
from surveys.models import QuestionType, Survey, SurveyKind
from surveys.scopes import Electorate

SCOPE_PREFIX = "unit"
DIMENSIONS = ("department", "shift")

#: Job-quality categories of the product's importance ontology, offered as the pulse's top issues.
ISSUE_CATEGORIES = [
    "Pay", "Benefits", "Scheduling and flexibility", "Job security and working conditions (incl. safety)",
    "Skills and career advancement", "Empowerment and representation", "Organizational culture",
    "Diversity, equity, inclusion and accessibility", "Recruitment and hiring",
]


def unit_scope(unit: BargainingUnit) -> str:
    return unit_scope_of(unit.id)


def unit_scope_of(unit_id: int) -> str:
    return f"{SCOPE_PREFIX}:{unit_id}"


def unit_of(survey: Survey) -> BargainingUnit | None:
    prefix, _, unit_id = survey.scope.partition(":")
    if prefix != SCOPE_PREFIX or not unit_id.isdigit():
        return None
    return db.session.get(BargainingUnit, int(unit_id))


def account_ref(account: Account) -> str:
    """The opaque ref the engine knows an account by, as voter and as trustee."""
    return f"account:{account.id}"


def _account_id(ref: str) -> int | None:
    prefix, _, number = ref.partition(":")
    return int(number) if prefix == "account" and number.isdigit() else None


def electorate(unit: BargainingUnit) -> Electorate:
    """The unit's members with accounts, each with their department and shift."""
    members = db.session.scalars(
        sa.select(Account).join(RoleAssignment)
        .where(RoleAssignment.role == Role.MEMBER, RoleAssignment.unit_id == unit.id))
    voters = {}
    for account in members:
        person = account.person
        voters[account_ref(account)] = {
            "department": person.department.name if person and person.department else None,
            "shift": person.shift.name if person and person.shift else None,
        }
    return Electorate(voters, DIMENSIONS)


def _resolve_scope(scope: str) -> Electorate:
    unit = db.session.get(BargainingUnit, int(scope.partition(":")[2]))
    if unit is None:
        raise LookupError(f"no unit for scope {scope!r}")
    return electorate(unit)


def init_app(app: Flask) -> None:
    scopes.register_resolver(app, SCOPE_PREFIX, _resolve_scope)


def trustee_candidates(unit: BargainingUnit) -> list[Account]:
    """Stewards of the unit and organizers of its union, ready or not."""
    accounts = db.session.scalars(
        sa.select(Account).join(RoleAssignment).where(sa.or_(
            sa.and_(RoleAssignment.role == Role.STEWARD, RoleAssignment.unit_id == unit.id),
            sa.and_(RoleAssignment.role == Role.ORGANIZER, RoleAssignment.union_id == unit.union_id)))
        .distinct())
    return sorted(set(accounts), key=lambda a: a.display_name.casefold())


def has_trustee_key(account: Account) -> bool:
    return trustee_key(account_ref(account)) is not None


def accounts_by_ref(refs: list[str]) -> dict[str, Account]:
    ids = [i for i in (_account_id(ref) for ref in refs) if i is not None]
    found = db.session.scalars(sa.select(Account).where(Account.id.in_(ids))) if ids else []
    return {account_ref(a): a for a in found}


def _require_organizer(actor: Account, unit: BargainingUnit) -> None:
    if unit.union_id not in actor.organizer_union_ids():
        raise NotAllowed("Only the union's organizers can run its surveys.")


def create(actor: Account, unit: BargainingUnit, settings: definitions.SurveySettings,
           standard_questions: bool) -> Survey:
    _require_organizer(actor, unit)
    survey = definitions.create_survey(unit_scope(unit), settings)
    if standard_questions and settings.kind == SurveyKind.PULSE:
        add_standard_pulse_questions(survey)
    return survey


def add_standard_pulse_questions(survey: Survey) -> None:
    definitions.add_question(survey, type=QuestionType.YES_NO, allows_cant_say=True,
                             prompt="If a union vote were held tomorrow, would you vote yes?")
    definitions.add_question(survey, type=QuestionType.SCALE, allows_cant_say=True,
                             prompt="I am willing to take part in collective action to win our demands.")
    definitions.add_question(survey, type=QuestionType.MULTIPLE_CHOICE, options=ISSUE_CATEGORIES, max_choices=3,
                             prompt="Which issues matter most to you? Choose up to three.")
    definitions.add_question(survey, type=QuestionType.FREE_TEXT,
                             prompt="Anything else the organizing committee should hear?")


def launch_for_unit(actor: Account, survey: Survey, trustee_ids: list[int]) -> launch.LaunchReport:
    unit = unit_of(survey)
    _require_organizer(actor, unit)
    allowed = {a.id: a for a in trustee_candidates(unit)}
    if any(i not in allowed for i in trustee_ids):
        raise NotAllowed("Trustees must be stewards of this unit or organizers of the union.")
    people = electorate(unit)
    return launch.launch(survey, people.voters, people.dimensions,
                         [account_ref(allowed[i]) for i in trustee_ids])


def end_voting(actor: Account, survey: Survey) -> bool:
    _require_organizer(actor, unit_of(survey))
    return tally.end_voting(survey)


def tally_and_release(actor: Account, survey: Survey) -> None:
    """Form the approved sums; with the server-held key, decrypt and release them too."""
    _require_organizer(actor, unit_of(survey))
    tally.prepare_release(survey)
    tally.release_with_server_key(survey)
