"""Every page of a unit's demands and of its bargaining summary makes as many SQL
statements for a unit of 600 demands as for one of 30: the paged list of the
unit's demands (first, later, filtered and last pages), combining a demand, an
employer's answer recorded (which ranks the summary again as it commits), the
summary's first and last pages, its CSV, Markdown and PDF (ready, or older and
asked for as such) and the button that prepares it, the endorsement requests,
and the home pages that count them.

Past 500 demands on purpose: a list loaded with its relationships 500 parents at
a time takes one more statement per relationship there, and a page that loaded
the unit's demands whole would show it."""

from __future__ import annotations

from itertools import count

from core.extensions import db
from organizer.accounts import services as accounts
from organizer.bargaining import downloads, exports
from organizer.charting.models import BargainingUnit
from organizer.demands import services as demands
from organizer.demands.models import Basis, Category, DemandKind, Tier
from surveys import launch
from tests.organizer.demands.filling import demand_count, fill
from tests.statements import counting_statements

_serial = count()


def _open_endorsement_survey(app, world) -> int:
    """An endorsement survey, open, that some of the filled demands are asked about."""
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        organizer, author = (accounts.find_account_by_email(e) for e in (world.organizer, world.member))
        asked = demands.create_demand(author, demands.DemandDetails(
            DemandKind.DEMAND, Tier.DEALBREAKER, Basis.COLLECTIVE, Category.PAY, "Will you pay every night shift?",
            is_attributable=True))
        demands.request_endorsement(author, asked)
        report: launch.LaunchReport = demands.launch_endorsement_survey(organizer, unit, asked.subject_ref)
        db.session.commit()
        return report.survey.id


def _pages(world, demand_id: int) -> dict[str, tuple[str, str, str, dict | None]]:
    u = world.unit_id
    answer = {f"demand{demand_id}-response": "partly", f"demand{demand_id}-note": "Said at the table, {n}"}
    return {
        "unit's demands": ("organizer", "GET", f"/units/{u}/demands", None),
        "unit's demands, page 2": ("organizer", "GET", f"/units/{u}/demands?page=2", None),
        "unit's demands, filtered": ("organizer", "GET", f"/units/{u}/demands?kind=demand&answer=no_answer", None),
        "unit's demands, past the last page": ("organizer", "GET", f"/units/{u}/demands?page=99999", None),
        "steward's list of the unit's demands": ("steward", "GET", f"/units/{u}/demands", None),
        "combining a demand": ("steward", "GET", f"/demands/{demand_id}/same-as", None),
        "recording an answer": ("steward", "POST", f"/demands/{demand_id}/response?page=2", answer),
        "summary": ("organizer", "GET", f"/units/{u}/summary", None),
        "summary, past the last page": ("organizer", "GET", f"/units/{u}/summary?page=99999", None),
        "steward's summary": ("steward", "GET", f"/units/{u}/summary", None),
        "summary as CSV": ("organizer", "GET", f"/units/{u}/summary.csv", None),
        "summary as Markdown": ("organizer", "GET", f"/units/{u}/summary.md", None),
        "summary as PDF, older, asked for": ("organizer", "GET", f"/units/{u}/summary.pdf?outdated=yes", None),
        "preparing the PDF": ("steward", "POST", f"/units/{u}/summary/prepare-pdf", {}),
        "summary as PDF, ready": ("organizer", "GET", f"/units/{u}/summary.pdf", None),
        "endorsement requests": ("organizer", "GET", f"/units/{u}/endorsements", None),
        "organizer's home": ("organizer", "GET", "/", None),
        "steward's home": ("steward", "GET", "/", None),
        "member's demands": ("member", "GET", "/my/demands", None),
    }


def _statements(app, clients, pages) -> dict[str, int]:
    found = {}
    with counting_statements(app) as counted:
        for label, (who, method, url, data) in pages.items():
            for _ in range(2):  # the second of two, so a first visit's one-off work is not counted
                counted.reset()
                # Each answer in its own words, so each is a new one that ranks the summary again.
                form = None if data is None else {name: value.replace("{n}", str(next(_serial)))
                                                  for name, value in data.items()}
                response = clients[who].open(url, method=method, data=form)
                assert response.status_code in (200, 302), f"{label}: {response.status_code}"
            found[label] = counted.statements
    return found


def _with_an_older_pdf(app, unit_id: int, organizer: str) -> None:
    """A PDF made, then a new demand, so the PDF on file is older than the demands."""
    with app.app_context():
        unit = db.session.get(BargainingUnit, unit_id)
        downloads.request_pdf(accounts.find_account_by_email(organizer), unit)
        db.session.commit()
        fill(unit_id, 1, password_of=organizer)


def test_no_demands_or_summary_page_makes_more_statements_for_a_unit_with_more_demands(
        app, world, login, crowd, monkeypatch):
    # Laying out a PDF is not what is counted here (and takes seconds at 600 demands).
    monkeypatch.setattr(exports, "to_pdf", lambda built: b"%PDF-1.4 counted elsewhere")
    monkeypatch.setattr(downloads, "AT_ONCE_ITEMS", 100_000)
    clients = {who: login(app.test_client(), getattr(world, who)) for who in ("organizer", "steward", "member")}
    survey_id = _open_endorsement_survey(app, world)
    with app.app_context():
        first = fill(world.unit_id, 30, password_of=world.organizer, open_survey_id=survey_id)[0]
    _with_an_older_pdf(app, world.unit_id, world.organizer)
    pages = _pages(world, first)
    small = _statements(app, clients, pages)
    with app.app_context():
        fill(world.unit_id, 570, password_of=world.organizer, open_survey_id=survey_id)
        assert demand_count(world.unit_id) > 600
    _with_an_older_pdf(app, world.unit_id, world.organizer)
    large = _statements(app, clients, pages)
    grew = {label: (small[label], large[label]) for label in pages if large[label] != small[label]}
    assert not grew, f"statements (32 demands, 603 demands): {grew}"
    # And a page of the list is a handful of statements, not one per demand.
    assert large["unit's demands"] <= 25, large
