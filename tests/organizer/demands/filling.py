"""A unit filled with demands, for the tests of its pages at two sizes.

Members' accounts are written directly (one password hash for all, as the scale
demo does) and their demands as rows, with what pages show beside them mixed in
at random but fixed proportions (a seeded generator): every tier, kind and
category; some named, some combined with another, some resting on claims, some
with the employer's answers (a history of two for some), some asked about in an
open endorsement survey, some waiting for one. The flush hooks see these rows
as they see a service's, so the unit's prepared summary is made on commit."""

from __future__ import annotations

import random
from datetime import date, timedelta

import sqlalchemy as sa

from core.extensions import db
from core.sealing import blind_index
from organizer.accounts import services as accounts
from organizer.accounts.models import Account, RoleAssignment
from organizer.demands.models import (
    Basis,
    Category,
    Claim,
    ClaimSection,
    Demand,
    DemandKind,
    EmployerAnswer,
    EmployerResponse,
    EndorsementState,
    Tier,
)
from organizer.roles import Role
from surveys.models import Survey

_filled = {"serial": 0}


def fill(unit_id: int, demands: int, *, password_of: str, open_survey_id: int | None = None) -> list[int]:
    """Add `demands` demands (two per new member) to the unit and commit; returns their ids."""
    serial = _filled["serial"]
    _filled["serial"] += demands
    rng = random.Random(serial)
    password_hash = accounts.find_account_by_email(password_of).password_hash
    leaders: dict[DemandKind, list[Demand]] = {DemandKind.DEMAND: [], DemandKind.QUESTION: []}
    made = []
    author = None
    survey = db.session.get(Survey, open_survey_id) if open_survey_id is not None else None
    for n in range(demands):
        if n % 2 == 0:
            email = f"filled{serial + n}@example.org"
            author = Account(display_name=f"Filled member {serial + n}", email=email,
                             email_index=blind_index(email), password_hash=password_hash,
                             roles=[RoleAssignment(role=Role.MEMBER, unit_id=unit_id)])
            db.session.add(author)
        kind = DemandKind.QUESTION if rng.random() < 0.2 else DemandKind.DEMAND
        tiers = list(Tier) if kind == DemandKind.QUESTION else [t for t in Tier if t != Tier.CURIOUS]
        demand = Demand(account=author, unit_id=unit_id, kind=kind, tier=rng.choice(tiers),
                        basis=rng.choice(list(Basis)), category=rng.choice(list(Category)),
                        text=f"Will you answer demand {serial + n} of the filled unit?",
                        is_attributable=rng.random() < 0.3)
        if leaders[kind] and rng.random() < 0.3:
            demand.same_as = rng.choice(leaders[kind])
        else:
            leaders[kind].append(demand)
        if rng.random() < 0.3:
            demand.claims = [Claim(account=author, section=ClaimSection.NEED, text=f"Claim {serial + n}.")]
        if rng.random() < 0.3:
            day = date(2026, 10, 1)
            demand.employer_answers = [EmployerAnswer(response=rng.choice(list(EmployerResponse)),
                                                      note=f"Note {serial + n}", recorded_on=day)]
            if rng.random() < 0.5:
                demand.employer_answers.append(EmployerAnswer(response=EmployerResponse.PARTLY, note=None,
                                                              recorded_on=day + timedelta(days=9)))
        chance = rng.random()
        if survey is not None and chance < 0.3:
            demand.endorsement_state, demand.endorsement_survey = EndorsementState.SURVEYED, survey
        elif chance < 0.4:
            demand.endorsement_state, demand.endorsement_requested_on = EndorsementState.REQUESTED, date(2026, 11, 1)
        db.session.add(demand)
        made.append(demand)
    db.session.commit()
    return [demand.id for demand in made]


def demand_count(unit_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Demand).where(Demand.unit_id == unit_id))
