"""Shared fixtures of the brief's tests: the world's member with demands of every tier,
a coworker in the same unit to coach them, and helpers that make and accept a coaching
link through the pages."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from core.extensions import db
from organizer.accounts import services as accounts
from organizer.charting.models import BargainingUnit
from organizer.demands import services as demands
from organizer.demands.models import Basis, Category, DemandKind, Tier
from organizer.roles import Role
from tests import factories

#: The member's demands, in the order they write them (kind, tier, category, words).
DEMANDS = [
    (DemandKind.DEMAND, Tier.NICE_TO_HAVE, Category.SCHEDULING, "Will you let us swap shifts in the app?"),
    (DemandKind.DEMAND, Tier.DEALBREAKER, Category.SECURITY_CONDITIONS, "Will you fix the bay heaters before winter?"),
    (DemandKind.QUESTION, Tier.PRIORITY, Category.PAY, "How is the night differential worked out?"),
    (DemandKind.DEMAND, Tier.PRIORITY, Category.PAY, "Will you pay the night differential on every shift?"),
    (DemandKind.QUESTION, Tier.CURIOUS, Category.CULTURE, "Who decides the break schedule each week?"),
    (DemandKind.DEMAND, Tier.IMPORTANT, Category.CAREER, "Will you pay for the forklift licence course?"),
]
HEATERS, HOW_PAID, NIGHTS, FORKLIFT, SWAP, BREAKS = (DEMANDS[1][3], DEMANDS[2][3], DEMANDS[3][3], DEMANDS[5][3],
                                                    DEMANDS[0][3], DEMANDS[4][3])

COACH_EMAIL = "coach@example.org"
COACH_NAME = "Rosalind Coachwell"


@dataclass(frozen=True)
class Briefing:
    member: str
    coach: str
    outsider: str
    steward: str


@pytest.fixture
def briefing(app, world) -> Briefing:
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        member = accounts.find_account_by_email(world.member)
        for kind, tier, category, text in DEMANDS:
            demands.create_demand(member, demands.DemandDetails(kind, tier, Basis.COLLECTIVE, category, text))
        factories.create_account(Role.MEMBER, unit=unit, email=COACH_EMAIL, display_name=COACH_NAME)
        db.session.commit()
    return Briefing(member=world.member, coach=COACH_EMAIL, outsider=world.other_organizer, steward=world.steward)


LINK = re.compile(r'value="(https?://[^"]*/coach/([A-Za-z0-9_-]+))"')


def make_coach_link(client) -> str:
    """As the signed-in author: make a coaching link through the page; its path."""
    response = client.post("/my/briefs/member/coaches")
    assert response.status_code == 200, response.status_code
    found = LINK.search(response.get_data(as_text=True))
    assert found, "the page shows the link"
    return f"/coach/{found.group(2)}"
