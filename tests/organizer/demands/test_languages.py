"""Demands in the reader's language: a Spanish member's form, the demand's tier,
kind, category and basis on their page, the services' refusals and the flashes
are Spanish, while the demand's own words stay as the member wrote them; a
steward reading in Spanish sees the employer's answer in Spanish words and its
day written the Spanish way."""

from __future__ import annotations

from datetime import date

from core.extensions import db
from organizer.accounts import services as accounts
from organizer.demands import services as demands
from organizer.demands.models import Basis, Category, DemandKind, EmployerResponse, Tier

GOOD = {"text": "Will you heat the loading bay before December? By when?", "kind": "demand",
        "tier": "dealbreaker", "basis": "needs", "category": "security_conditions"}


def _in_spanish(app, login, email: str):
    client = login(app.test_client(), email)
    client.post("/language", data={"language-language": "es", "language-next": "/"})
    return client


def test_a_spanish_member_writes_a_demand_in_spanish_words(app, world, login):
    member = _in_spanish(app, login, world.member)
    form = member.get("/my/demands/new").get_data(as_text=True)
    assert "Tu demanda, como una pregunta que la empresa tiene que contestar" in form
    assert "Innegociable: Me iría o haría huelga por esto" in form

    refused = member.post("/my/demands/new", data={**GOOD, "text": "Heat the bay now"})
    assert refused.status_code == 400
    assert "Escríbela como una pregunta que la empresa tiene que contestar" in refused.get_data(as_text=True)

    saved = member.post("/my/demands/new", data=GOOD, follow_redirects=True).get_data(as_text=True)
    assert "Demanda guardada." in saved
    for spanish in ("Innegociable", "Estabilidad en el empleo y condiciones de trabajo (incl. seguridad)",
                    "se basa en las necesidades", "Respaldo de los compañeros"):
        assert spanish in saved, spanish
    assert GOOD["text"] in saved and "Dealbreaker" not in saved


def test_a_spanish_steward_reads_the_employers_answer_in_spanish(app, world, login, monkeypatch):
    with app.app_context():
        demand = demands.create_demand(accounts.find_account_by_email(world.member), demands.DemandDetails(
            DemandKind.DEMAND, Tier.DEALBREAKER, Basis.NEEDS, Category.SECURITY_CONDITIONS, GOOD["text"]))
        monkeypatch.setattr(demands, "today", lambda: date(2026, 11, 20))
        demands.record_response(accounts.find_account_by_email(world.steward), demand, EmployerResponse.PARTLY,
                                "Nights only")
        db.session.commit()
    page = _in_spanish(app, login, world.steward).get(f"/units/{world.unit_id}/demands").get_data(as_text=True)
    assert "Respuesta de la empresa" in page and "En parte" in page and "(registrada el 20 nov 2026)" in page
    assert "Nights only" in page, "the steward's note stays as written"
    assert "Partly" not in page and "recorded 2026-11-20" not in page
