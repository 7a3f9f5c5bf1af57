"""The bargaining summary: ranking by the documented score, combined demands
counted once per member, names only with permission, and exports (Markdown,
CSV, PDF) that carry the same content with member text made inert."""

from __future__ import annotations

import csv
import io

from datetime import date

import pytest
import sqlalchemy as sa

from core.extensions import db
from organizer.accounts import services as accounts
from organizer.bargaining import exports, summary
from organizer.charting.models import BargainingUnit
from organizer.demands import services as demands
from organizer.demands.models import Basis, Category, DemandKind, EmployerResponse, Tier
from organizer.errors import DomainError, NotAllowed
from organizer.roles import Role
from surveys import ballot_box, tally
from surveys.models import EligibleVoter
from tests import factories
from tests.organizer.bargaining.pdf_reading import read_pdf


def _details(text, *, tier=Tier.PRIORITY, category=Category.PAY, kind=DemandKind.DEMAND, named=False):
    return demands.DemandDetails(kind=kind, tier=tier, basis=Basis.COLLECTIVE, category=category, text=text,
                                 is_attributable=named)


@pytest.fixture
def unit_people(app_ctx, world, crowd):
    find = accounts.find_account_by_email
    return {"unit": db.session.get(BargainingUnit, world.unit_id), "members": [find(world.member)] +
            [find(e) for e in crowd], "steward": find(world.steward), "organizer": find(world.organizer)}


def _endorse(people, author, answer: int) -> None:
    [request] = [r for r in demands.pending_requests(people["organizer"], people["unit"]) if r.author_id == author.id]
    survey = demands.launch_endorsement_survey(people["organizer"], people["unit"], request.key).survey
    for ref in db.session.scalars(sa.select(EligibleVoter.voter_ref).where(EligibleVoter.survey_id == survey.id)):
        ballot_box.cast(survey, ref, {q.id: answer for q in survey.questions})
    tally.close(survey)
    tally.release_with_server_key(survey)


def test_items_are_grouped_by_category_and_ranked_by_the_documented_score(unit_people):
    a, b, c = unit_people["members"][:3]
    backed = demands.create_demand(a, _details("Will you raise night pay?", tier=Tier.PRIORITY))
    demands.request_endorsement(a, backed)
    _endorse(unit_people, a, 5)  # every coworker strongly agrees
    unweighed = demands.create_demand(b, _details("Will you publish the pay scale?", tier=Tier.DEALBREAKER))
    heat = demands.create_demand(c, _details("Will you heat the bay?", category=Category.SECURITY_CONDITIONS,
                                             tier=Tier.NICE_TO_HAVE))
    question = demands.create_demand(c, _details("How are targets set?", kind=DemandKind.QUESTION, tier=Tier.CURIOUS))

    built = summary.build(unit_people["steward"], unit_people["unit"])
    [pay, conditions] = built.demand_sections
    assert (pay.category, conditions.category) == (Category.PAY, Category.SECURITY_CONDITIONS)
    by_id = {item.demand.id: item for item in built.items}
    backing = by_id[backed.id].backing
    assert backing.is_known
    assert by_id[backed.id].score == pytest.approx(backing.weight * Tier.PRIORITY.weight)
    assert by_id[unweighed.id].score == pytest.approx(0.5 * Tier.DEALBREAKER.weight)
    # Strong backing lifts a priority (0.83 x 4) above a dealbreaker nobody has weighed (0.5 x 5).
    assert [i.demand.id for i in pay.items] == [backed.id, unweighed.id]
    assert [i.demand.id for i in conditions.items] == [heat.id]
    assert [i.demand.id for i in built.questions] == [question.id]
    assert built.tier_counts[Tier.CURIOUS] == (0, 1) and built.tier_counts[Tier.DEALBREAKER] == (1, 0)


def test_a_combined_demand_is_listed_once_and_counts_every_member(unit_people):
    a, b = unit_people["members"][:2]
    first = demands.create_demand(a, _details("Will you pay the night differential?", tier=Tier.PRIORITY, named=True))
    same = demands.create_demand(b, _details("Will nights be paid extra?", tier=Tier.DEALBREAKER))
    demands.mark_same_as(unit_people["steward"], same, first)
    built = summary.build(unit_people["steward"], unit_people["unit"])
    [item] = built.items
    assert item.demand.id == first.id and item.raised_by == 2
    assert item.attributed_to == [a.display_name]  # b did not allow their name
    assert item.score == pytest.approx(0.5 * (Tier.PRIORITY.weight + Tier.DEALBREAKER.weight))
    assert built.tier_counts[Tier.DEALBREAKER] == (1, 0)  # still counted per member
    demands.mark_same_as(unit_people["steward"], same, None)
    assert len(summary.build(unit_people["steward"], unit_people["unit"]).items) == 2


def test_combining_is_for_stewards_and_within_one_unit_and_kind(unit_people, world):
    a, b, c = unit_people["members"][:3]
    steward = unit_people["steward"]
    one = demands.create_demand(a, _details("Will you pay nights?"))
    two = demands.create_demand(b, _details("Will you pay nights extra?"))
    question = demands.create_demand(c, _details("How is night pay set?", kind=DemandKind.QUESTION))
    for other in (one, question):
        with pytest.raises(DomainError):
            demands.mark_same_as(steward, one, other)
    demands.mark_same_as(steward, two, one)
    with pytest.raises(DomainError):  # no chains: one already has a demand combined with it
        demands.mark_same_as(steward, one, two)
    other_unit = db.session.get(BargainingUnit, world.other_unit_id)
    outsider = factories.create_account(Role.MEMBER, unit=other_unit)
    elsewhere = demands.create_demand(outsider, _details("Will you pay nights?"))
    with pytest.raises(DomainError):
        demands.mark_same_as(steward, one, elsewhere)
    for actor in (a, unit_people["organizer"]):
        with pytest.raises(NotAllowed):
            demands.mark_same_as(actor, two, None)


def test_members_cannot_build_the_summary(unit_people):
    with pytest.raises(NotAllowed):
        summary.build(unit_people["members"][0], unit_people["unit"])


def _pdf_text(pdf: bytes) -> str:
    return read_pdf(pdf).text.replace("\n", " ")


def test_exports_carry_the_content_and_keep_anonymous_authors_anonymous(unit_people):
    a, b = unit_people["members"][:2]
    hostile = "Will you stop <script>alert(1)</script> [tricks](http://x) *now*?"
    demands.create_demand(a, _details(hostile, named=False))
    named = demands.create_demand(b, _details("=HYPERLINK(\"http://x\") will you pay?", named=True))
    demands.record_response(unit_people["steward"], named, EmployerResponse.REFUSES, "Flat no — not this year")
    built = summary.build(unit_people["steward"], unit_people["unit"])

    markdown = exports.to_markdown(built)
    assert "<script>" not in markdown and r"\<script\>" in markdown
    assert r"\[tricks\]" in markdown and r"\*now\*" in markdown
    assert "Refuses (" in markdown and "): Flat no — not this year" in markdown

    rows = list(csv.DictReader(io.StringIO(exports.to_csv(built))))
    by_text = {row["text"]: row for row in rows}
    assert by_text[hostile]["named"] == ""
    assert by_text["'=HYPERLINK(\"http://x\") will you pay?"]["named"] == b.display_name
    assert all(not row["text"].startswith(("=", "+", "-", "@")) for row in rows)

    pdf = exports.to_pdf(built)
    assert pdf.startswith(b"%PDF-")
    text = _pdf_text(pdf)
    assert "Will you stop" in text and "Flat no" in text and b.display_name in text
    assert b"/URI" not in pdf and b"/Link" not in pdf, "member text made a link in the PDF"

    for export in (markdown, exports.to_csv(built), text):
        assert a.display_name not in export, "an author who did not allow it is named"


def test_every_export_carries_each_answer_with_its_day(unit_people, monkeypatch):
    author, steward = unit_people["members"][0], unit_people["steward"]
    demand = demands.create_demand(author, _details("Will you pay nights extra?"))
    for day, response, note in [(date(2026, 10, 14), EmployerResponse.REFUSES, "Not this year"),
                                (date(2026, 11, 2), EmployerResponse.NO_ANSWER, None),
                                (date(2026, 11, 20), EmployerResponse.PARTLY, "Scheduled nights only")]:
        monkeypatch.setattr(demands, "today", lambda day=day: day)
        demands.record_response(steward, demand, response, note)
    built = summary.build(steward, unit_people["unit"])

    markdown = exports.to_markdown(built)
    assert "Employer's answer: Partly (20 Nov 2026): Scheduled nights only" in markdown
    assert "Earlier answers: No answer (2 Nov 2026); Refuses (14 Oct 2026): Not this year" in markdown

    [row] = csv.DictReader(io.StringIO(exports.to_csv(built)))
    assert (row["employer_response"], row["employer_response_note"], row["responded_on"]) == (
        "partly", "Scheduled nights only", "2026-11-20")
    assert row["earlier_responses"].splitlines() == ["2026-11-02 no_answer", "2026-10-14 refuses: Not this year"]

    text = _pdf_text(exports.to_pdf(built)).replace(" ", "")
    latest, earlier = text.index("Partly(20Nov2026):Schedulednightsonly"), text.index("Earlier:")
    assert latest < earlier < text.index("Noanswer(2Nov2026)") < text.index("Refuses(14Oct2026):Notthisyear")
