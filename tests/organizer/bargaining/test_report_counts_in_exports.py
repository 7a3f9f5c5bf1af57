"""How many members reported each kind of problem, in the bargaining summary's
Markdown, CSV and PDF: only the figures `grievances.counts` released (from k
members up, never moved by fewer than k), never the count of the reports as
they stand; with none released, the exports say why; and a new release makes
the PDF on file older than the summary, so it is never served as current."""

from __future__ import annotations

import csv
import io

import pytest

from core.extensions import db
from core.i18n import format_day
from organizer.accounts import services as accounts
from organizer.bargaining import downloads, exports, summary
from organizer.charting.models import BargainingUnit
from organizer.demands import services as demands
from organizer.demands.models import Basis, Category, DemandKind, Tier
from organizer.grievances import counts
from organizer.grievances.rules import rules_of
from organizer.roles import Role
from tests import factories
from tests.organizer.bargaining.pdf_reading import read_pdf
from tests.organizer.grievances.helpers import file, steward_key

NOTHING_YET = "Nothing to show yet: a figure is shown once at least 5 members stand behind it."


@pytest.fixture
def shop(app_ctx, world):
    """The world's unit, its steward with a key to receive reports, a demand, and twelve members."""
    unit = db.session.get(BargainingUnit, world.unit_id)
    steward = accounts.find_account_by_email(world.steward)
    steward_key(steward)
    author = accounts.find_account_by_email(world.member)
    demands.create_demand(author, demands.DemandDetails(DemandKind.DEMAND, Tier.PRIORITY, Basis.COLLECTIVE,
                                                        Category.PAY, "Will you pay the Saturdays owed?"))
    members = [factories.create_account(Role.MEMBER, unit=unit) for _ in range(12)]
    db.session.commit()
    assert unit.union.release_threshold == 5
    return {"unit": unit, "steward": steward, "members": members}


def _report(members, kind="wage_hour") -> None:
    for member in members:
        file(member, member.roles[0].unit, kind=kind)
    db.session.commit()


def _release() -> int:
    made = counts.release_counts()
    db.session.commit()
    return made


def _exports(shop) -> tuple[str, list[dict], str]:
    built = summary.build(shop["steward"], shop["unit"])
    rows = list(csv.DictReader(io.StringIO(exports.to_csv(built))))
    return exports.to_markdown(built), rows, " ".join(read_pdf(exports.to_pdf(built)).text.split())


def _since(shop) -> str:
    return format_day(rules_of(shop["unit"].union).counted_since)


def test_below_k_no_export_shows_a_figure_and_each_says_why(shop):
    _report(shop["members"][:4])
    assert _release() == 0
    markdown, rows, pdf = _exports(shop)
    assert "## Problems members reported" in markdown and NOTHING_YET in markdown
    assert "Problems members reported" in pdf and NOTHING_YET in pdf
    for text in (markdown, pdf):
        assert "reported a problem" not in text
    assert [row for row in rows if row["section"] == "reported"] == []


def test_released_figures_appear_in_every_export(shop):
    _report(shop["members"][:5])
    _report(shop["members"][:5], kind="safety_health")
    assert _release() == 1
    since = _since(shop)
    whole = f"5 members reported a problem at work since {since}"
    wages = f"5 members reported a problem with pay and hours since {since}"
    safety = f"5 members reported a problem with safety and health since {since}"
    markdown, rows, pdf = _exports(shop)
    for sentence in (whole, wages, safety):
        assert f"- {sentence}" in markdown
        assert sentence in pdf
    assert NOTHING_YET not in markdown and NOTHING_YET not in pdf
    reported = [(row["kind"], row["members_reported"], row["reported_since"], row["text"])
                for row in rows if row["section"] == "reported"]
    since_iso = rules_of(shop["unit"].union).counted_since.isoformat()
    assert sorted(reported) == sorted([("all", "5", since_iso, whole), ("wage_hour", "5", since_iso, wages),
                                       ("safety_health", "5", since_iso, safety)])
    # The items' rows are as before: nothing of the reports in them.
    [item] = [row for row in rows if row["section"] == "demand"]
    assert item["members_reported"] == item["reported_since"] == ""


def test_the_exports_show_the_figure_released_not_the_reports_as_they_stand(shop):
    _report(shop["members"][:5])
    _release()
    _report(shop["members"][5:8])  # eight members now; a figure moves only by k or more
    assert _release() == 0
    markdown, rows, pdf = _exports(shop)
    since = _since(shop)
    assert f"5 members reported a problem with pay and hours since {since}" in markdown
    assert "8 members" not in markdown and "8 members" not in pdf
    assert {row["members_reported"] for row in rows if row["section"] == "reported"} == {"5"}


def test_a_new_release_makes_the_pdf_on_file_older_than_the_summary(shop):
    unit, steward = shop["unit"], shop["steward"]
    assert downloads.request_pdf(steward, unit).is_ready
    db.session.commit()
    _report(shop["members"][:4])
    _release()
    assert downloads.pdf_file(steward, unit)[1].is_current, "four reports, nothing released: the PDF is as new"
    _report(shop["members"][4:5])
    assert _release() == 1
    content, state = downloads.pdf_file(steward, unit)
    assert content is not None and state.is_outdated, "a PDF without the released figures is served as current"
    assert downloads.request_pdf(steward, unit).is_ready
    db.session.commit()
    content, state = downloads.pdf_file(steward, unit)
    assert state.is_current
    assert "5 members reported a problem at work" in " ".join(read_pdf(content).text.split())
