"""A member's profile as a chronology: each achievement names the qualification at hire it
grew from, the profile shows what each qualification became year by year, and a demand
shows the need it answers and where the achievements it rests on came from."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from core.extensions import db
from organizer.accounts import services as accounts
from organizer.charting.models import BargainingUnit
from organizer.demands import services as demands
from organizer.demands.models import Claim, ClaimSection
from organizer.errors import DomainError
from organizer.roles import Role
from tests import factories

OTHER_MEMBER = "coworker@example.org"


def _member(email):
    return accounts.find_account_by_email(email)


def _claim(email, section, text, year=None, grew_from_id=None) -> Claim:
    return demands.add_claim(_member(email), demands.ClaimDetails(section=section, text=text, year=year,
                                                                  grew_from_id=grew_from_id))


@pytest.fixture
def coworker(app, world):
    with app.app_context():
        factories.create_account(Role.MEMBER, unit=db.session.get(BargainingUnit, world.unit_id), email=OTHER_MEMBER)
        db.session.commit()
    return OTHER_MEMBER


def test_achievements_line_up_under_the_qualification_they_grew_from(app, world):
    with app.app_context():
        forklift = _claim(world.member, ClaimSection.HIRE, "Certified on the reach truck.", 2019)
        first_aid = _claim(world.member, ClaimSection.HIRE, "First aid certificate.", 2019)
        later = _claim(world.member, ClaimSection.PERFORMANCE, "Ran the cold-store picks alone.", 2023, forklift.id)
        earlier = _claim(world.member, ClaimSection.PERFORMANCE, "Trained two drivers.", 2021, forklift.id)
        _claim(world.member, ClaimSection.PERFORMANCE, "Never missed a shift.", 2022)
        lines = demands.lineages(demands.claims_of(_member(world.member)))
        assert [(line.qualification.id, [a.id for a in line.achievements]) for line in lines] == [
            (forklift.id, [earlier.id, later.id]), (first_aid.id, [])]


@pytest.mark.parametrize("section, source, year, message", [
    (ClaimSection.NEED, "hire", 2024, "Only an achievement"),
    (ClaimSection.PERFORMANCE, "performance", 2024, "your own qualifications"),
    (ClaimSection.PERFORMANCE, "coworker", 2024, "your own qualifications"),
    (ClaimSection.PERFORMANCE, "hire", 2018, "after this achievement"),
])
def test_a_link_that_breaks_the_chronology_is_refused(app, world, coworker, section, source, year, message):
    with app.app_context():
        sources = {"hire": _claim(world.member, ClaimSection.HIRE, "Certified on the reach truck.", 2019),
                   "performance": _claim(world.member, ClaimSection.PERFORMANCE, "Trained two drivers.", 2021),
                   "coworker": _claim(coworker, ClaimSection.HIRE, "Welding ticket.", 2015)}
        db.session.commit()
        before = db.session.scalar(sa.select(sa.func.count()).select_from(Claim))
        with pytest.raises(DomainError, match=message):
            _claim(world.member, section, "Needs a back brace for the freezer.", year, sources[source].id)
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Claim)) == before


def test_removing_a_qualification_keeps_what_grew_from_it(app, world):
    with app.app_context():
        hire = _claim(world.member, ClaimSection.HIRE, "Certified on the reach truck.", 2019)
        achievement = _claim(world.member, ClaimSection.PERFORMANCE, "Trained two drivers.", 2021, hire.id)
        db.session.commit()
        demands.remove_item(_member(world.member), hire)
        db.session.commit()
        db.session.expire_all()
        kept = db.session.get(Claim, achievement.id)
        assert kept is not None and kept.grew_from_id is None


def test_the_profile_page_shows_hire_to_now_and_relinks_an_achievement(app, client, world, login):
    login(client, world.member)
    client.post("/my/profile", data={"section": "hire", "year": "2019", "text": "Certified on the reach truck."})
    client.post("/my/profile", data={"section": "hire", "year": "2020", "text": "Speaks Spanish and Tagalog."})
    with app.app_context():
        truck, languages = db.session.scalars(sa.select(Claim.id).order_by(Claim.id)).all()
    assert client.post("/my/profile", data={"section": "performance", "year": "2022", "grew_from_id": str(truck),
                                            "text": "Trained two drivers."}).status_code == 302
    page = client.get("/my/profile").data.decode()
    hire_to_now = page.split('id="hire-to-now"', 1)[1].split("</section>", 1)[0]
    assert "Certified on the reach truck." in hire_to_now and "Trained two drivers." in hire_to_now
    assert "Speaks Spanish" not in hire_to_now  # nothing grew from it yet

    with app.app_context():
        achievement = db.session.scalar(sa.select(Claim).where(Claim.section == ClaimSection.PERFORMANCE))
        achievement_id = achievement.id
    prefix = f"claim{achievement_id}"
    token = re.search(rf'name="{prefix}-csrf_token"[^>]*value="([^"]+)"', page)
    form = {f"{prefix}-grew_from_id": str(languages)} | ({f"{prefix}-csrf_token": token.group(1)} if token else {})
    assert client.post(f"/claims/{achievement_id}/grew-from", data=form).status_code == 302
    with app.app_context():
        assert db.session.get(Claim, achievement_id).grew_from_id == languages

    # A number that is none of the member's qualifications is refused with a reason; nothing changes.
    refused = client.post(f"/claims/{achievement_id}/grew-from", data={**form, f"{prefix}-grew_from_id": "999"})
    assert refused.status_code == 400 and "qualifications at hire" in refused.data.decode()
    with app.app_context():
        assert db.session.get(Claim, achievement_id).grew_from_id == languages


def test_nobody_else_relinks_a_members_achievement(app, client, world, login, coworker):
    with app.app_context():
        hire = _claim(world.member, ClaimSection.HIRE, "Certified on the reach truck.", 2019)
        achievement = _claim(world.member, ClaimSection.PERFORMANCE, "Trained two drivers.", 2021, hire.id)
        db.session.commit()
        achievement_id, hire_id = achievement.id, hire.id
    login(client, coworker)
    response = client.post(f"/claims/{achievement_id}/grew-from", data={f"claim{achievement_id}-grew_from_id": ""})
    assert response.status_code == 404
    with app.app_context():
        assert db.session.get(Claim, achievement_id).grew_from_id == hire_id


def test_a_demand_shows_the_need_it_answers_and_where_its_achievement_came_from(app, client, world, login):
    with app.app_context():
        hire = _claim(world.member, ClaimSection.HIRE, "Certified on the reach truck.", 2019)
        achievement = _claim(world.member, ClaimSection.PERFORMANCE, "Trained two drivers.", 2021, hire.id)
        need = _claim(world.member, ClaimSection.NEED, "A back brace for the freezer shifts.")
        db.session.commit()
        ids = [achievement.id, need.id]
    login(client, world.member)
    form_page = client.get("/my/demands/new").data.decode()
    assert "Need: A back brace for the freezer shifts." in form_page
    assert client.post("/my/demands/new", data={
        "text": "Will you buy back braces for the freezer crew? By when?", "kind": "demand", "tier": "important",
        "basis": "needs", "category": "security_conditions", "claim_ids": [str(i) for i in ids]}).status_code == 302
    shown = client.get("/my/demands").data.decode()
    assert "The need it answers:" in shown
    assert re.search(r"Trained two drivers\..*grew from a qualification at hire:.*Certified on the reach truck\.",
                     shown, re.S)
