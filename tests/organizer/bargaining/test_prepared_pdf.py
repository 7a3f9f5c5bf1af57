"""The summary's PDF, made ahead: a small summary's at once when asked for, a long
one's by the job (which makes it once, then again only when the summary has
changed); the page says when it was made and whether it is as new as the
demands; an older one is sent only when asked for as such, named "outdated";
the file is sealed at rest."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.extensions import db
from core.jobs import registry_of
from organizer.accounts import services as accounts
from organizer.bargaining import downloads, exports
from organizer.demands import services as demands
from organizer.demands.models import Basis, Category, Demand, DemandKind, EmployerResponse, Tier
from tests.dumps import raw_database


def _write(world, text: str, email: str | None = None) -> int:
    author = accounts.find_account_by_email(email or world.member)
    demand = demands.create_demand(author, demands.DemandDetails(
        DemandKind.DEMAND, Tier.PRIORITY, Basis.COLLECTIVE, Category.PAY, text))
    db.session.commit()
    return demand.id


@pytest.fixture
def steward(app, world, login):
    return login(app.test_client(), world.steward)


def _summary_page(client, world) -> str:
    return client.get(f"/units/{world.unit_id}/summary").get_data(as_text=True)


def test_a_small_summary_has_its_pdf_made_when_asked_and_sent_while_it_is_as_new(app, world, steward, crowd):
    with app.app_context():
        _write(world, "Will you pay nights extra?")
    url = f"/units/{world.unit_id}/summary.pdf"
    assert "Prepare the PDF" in _summary_page(steward, world)
    not_ready = steward.get(url)
    assert not_ready.status_code == 200 and not_ready.mimetype == "text/html"
    assert "The PDF is not ready" in not_ready.get_data(as_text=True)

    assert steward.post(f"/units/{world.unit_id}/summary/prepare-pdf").status_code == 302
    page = _summary_page(steward, world)
    assert "shows the summary as it is now" in page and f'href="{url}"' in page
    sent = steward.get(url)
    assert sent.mimetype == "application/pdf" and sent.data.startswith(b"%PDF-")
    assert "-prepared-" in sent.headers["Content-Disposition"]
    assert "outdated" not in sent.headers["Content-Disposition"]
    with app.app_context():
        raw = raw_database(db.engine.url)
    assert sent.data[:200] not in raw, "the PDF is stored in the clear"


def test_a_pdf_older_than_the_demands_is_sent_only_when_asked_for_as_such(app, world, steward, crowd):
    with app.app_context():
        _write(world, "Will you pay nights extra?")
    steward.post(f"/units/{world.unit_id}/summary/prepare-pdf")
    with app.app_context():
        _write(world, "Will you heat the bay?", crowd[0])  # the PDF on file no longer shows every demand
    url = f"/units/{world.unit_id}/summary.pdf"
    page = _summary_page(steward, world)
    assert "The PDF on file is from" in page and f'href="{url}"' not in page
    assert f'href="{url}?outdated=yes"' in page
    held_back = steward.get(url)
    assert held_back.mimetype == "text/html" and "changed since" in held_back.get_data(as_text=True)
    asked = steward.get(f"{url}?outdated=yes")
    assert asked.mimetype == "application/pdf" and "-outdated.pdf" in asked.headers["Content-Disposition"]
    # Asked for again, it is made anew and sent as current.
    steward.post(f"/units/{world.unit_id}/summary/prepare-pdf")
    assert "outdated" not in steward.get(url).headers["Content-Disposition"]


def test_a_long_summarys_pdf_is_made_by_the_job_once_and_again_when_it_changes(
        app, world, steward, crowd, monkeypatch):
    monkeypatch.setattr(downloads, "AT_ONCE_ITEMS", 0)  # every summary is long
    made = []
    real_to_pdf = exports.to_pdf
    monkeypatch.setattr(exports, "to_pdf", lambda built: made.append(len(built.items)) or real_to_pdf(built))
    with app.app_context():
        demand_id = _write(world, "Will you pay nights extra?")
    assert steward.post(f"/units/{world.unit_id}/summary/prepare-pdf").status_code == 302
    assert made == [] and "being prepared" in _summary_page(steward, world)
    registry = registry_of(app)
    assert registry.run(app, "prepare_bargaining_pdfs") == 1 and made == [1]
    assert "shows the summary as it is now" in _summary_page(steward, world)
    assert registry.run(app, "prepare_bargaining_pdfs") == 0 and made == [1], "the job made it again for nothing"
    with app.app_context():
        demands.record_response(accounts.find_account_by_email(world.steward),
                                db.session.get(Demand, demand_id), EmployerResponse.PARTLY, "Nights only")
        db.session.commit()
    assert "The PDF on file is from" in _summary_page(steward, world)
    assert registry.run(app, "prepare_bargaining_pdfs") == 1 and made == [1, 1]
    assert steward.get(f"/units/{world.unit_id}/summary.pdf").mimetype == "application/pdf"


def test_only_the_units_readers_prepare_or_fetch_its_pdf(app, world, login, crowd):
    with app.app_context():
        _write(world, "Will you pay nights extra?")
    member = login(app.test_client(), world.member)
    assert member.post(f"/units/{world.unit_id}/summary/prepare-pdf").status_code == 403
    assert member.get(f"/units/{world.unit_id}/summary.pdf?outdated=yes").status_code == 403
    outsider = login(app.test_client(), world.other_organizer)
    assert outsider.post(f"/units/{world.unit_id}/summary/prepare-pdf").status_code == 404
    with app.app_context():
        stored = db.session.scalar(sa.text("SELECT count(*) FROM prepared_downloads"))
    assert stored == 0, "a refused request stored something"


def test_the_job_is_registered_under_its_fixed_id(app):
    job = registry_of(app).get("prepare_bargaining_pdfs")
    assert job.func is downloads.prepare_pdfs and job.every_seconds == 60


@pytest.mark.parametrize("taking_back", ["demand removed", "name no longer allowed", "account deleted"])
def test_what_a_member_takes_back_takes_the_pdf_made_with_it(app, world, steward, crowd, taking_back):
    with app.app_context():
        author = accounts.find_account_by_email(crowd[0])
        demand = demands.create_demand(author, demands.DemandDetails(
            DemandKind.DEMAND, Tier.PRIORITY, Basis.COLLECTIVE, Category.PAY, "Will you pay nights extra?",
            is_attributable=True))
        _write(world, "Will you heat the bay?")
        db.session.commit()
        demand_id = demand.id
    steward.post(f"/units/{world.unit_id}/summary/prepare-pdf")
    with app.app_context():
        assert db.session.scalar(sa.text("SELECT count(*) FROM prepared_downloads")) == 1
        author = accounts.find_account_by_email(crowd[0])
        demand = db.session.get(Demand, demand_id)
        if taking_back == "demand removed":
            demands.remove_item(author, demand)
        elif taking_back == "name no longer allowed":
            demands.update_demand(author, demand, demands.DemandDetails(
                DemandKind.DEMAND, Tier.PRIORITY, Basis.COLLECTIVE, Category.PAY, "Will you pay nights extra?"))
        else:
            db.session.delete(author)
        db.session.commit()
        assert db.session.scalar(sa.text("SELECT count(*) FROM prepared_downloads")) == 0
    assert steward.get(f"/units/{world.unit_id}/summary.pdf?outdated=yes").mimetype == "text/html"
    assert "Prepare the PDF" in _summary_page(steward, world)


def test_an_answer_recorded_keeps_the_older_pdf_on_offer(app, world, steward, crowd):
    with app.app_context():
        demand_id = _write(world, "Will you pay nights extra?")
    steward.post(f"/units/{world.unit_id}/summary/prepare-pdf")
    with app.app_context():
        demands.record_response(accounts.find_account_by_email(world.steward), db.session.get(Demand, demand_id),
                                EmployerResponse.SUPPORTS, None)
        db.session.commit()
    assert steward.get(f"/units/{world.unit_id}/summary.pdf?outdated=yes").mimetype == "application/pdf"
