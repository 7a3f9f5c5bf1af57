"""The prepared summary: each change to what the summary is made of stores, as it
commits, the same items a fresh ranking gives; a rolled-back change stores
nothing; the transaction that made a change reads its own items; the stored row
is sealed; one of an unknown format is ranked afresh and stored again by the job."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.extensions import db
from organizer.accounts import services as accounts
from organizer.bargaining import downloads, prepared, ranking, summary
from organizer.bargaining.models import PreparedSummary
from organizer.charting.models import BargainingUnit
from organizer.demands import services as demands
from organizer.demands.models import Basis, Category, Demand, DemandKind, EmployerResponse, Tier
from surveys import ballot_box, tally
from surveys.models import EligibleVoter
from tests.dumps import raw_database


def _details(text, *, tier=Tier.PRIORITY, category=Category.PAY, kind=DemandKind.DEMAND, named=False):
    return demands.DemandDetails(kind=kind, tier=tier, basis=Basis.COLLECTIVE, category=category, text=text,
                                 is_attributable=named)


@pytest.fixture
def people(app_ctx, world, crowd):
    find = accounts.find_account_by_email
    return {"unit": db.session.get(BargainingUnit, world.unit_id), "members": [find(world.member)] +
            [find(e) for e in crowd], "steward": find(world.steward), "organizer": find(world.organizer)}


def _stored(unit) -> bytes | None:
    return db.session.execute(sa.select(PreparedSummary.items).where(PreparedSummary.unit_id == unit.id)).scalar()


def _as_ranked_now(unit) -> bytes:
    return ranking.encode(ranking.rank(unit))


def _committed(people) -> bytes:
    db.session.commit()
    stored = _stored(people["unit"])
    assert stored == _as_ranked_now(people["unit"]), "the stored items are not those of the demands now"
    return stored


def _texts(stored: bytes) -> list[str]:
    return [item.demand.text for item in ranking.StoredRanking.decode(stored).ranked().items]


def test_each_change_to_the_demands_stores_their_items_as_it_commits(people):
    a, b = people["members"][:2]
    steward, unit = people["steward"], people["unit"]
    first = demands.create_demand(a, _details("Will you pay nights extra?", named=True))
    before = _committed(people)
    assert _texts(before) == ["Will you pay nights extra?"]

    second = demands.create_demand(b, _details("Will you heat the bay?", tier=Tier.DEALBREAKER))
    assert _texts(_committed(people)) == ["Will you heat the bay?", "Will you pay nights extra?"]
    demands.record_response(steward, first, EmployerResponse.REFUSES, "Not this year")
    answered = _committed(people)
    assert "Not this year" in answered.decode()
    demands.mark_same_as(steward, second, first)
    assert _texts(_committed(people)) == ["Will you pay nights extra?"]
    demands.mark_same_as(steward, second, None)
    demands.update_demand(b, second, _details("Will you heat the bay by December?", tier=Tier.NICE_TO_HAVE))
    assert _texts(_committed(people)) == ["Will you pay nights extra?", "Will you heat the bay by December?"]
    demands.remove_item(b, second)
    assert _texts(_committed(people)) == ["Will you pay nights extra?"]
    # The name shown where its author allowed it follows the account.
    a.display_name = "Lena, renamed"
    assert "Lena, renamed" in _committed(people).decode()
    assert unit.id  # the unit is still there


def test_an_endorsement_survey_released_stores_the_backing_it_gives(people):
    author, organizer, unit = people["members"][0], people["organizer"], people["unit"]
    demand = demands.create_demand(author, _details("Will you raise night pay?"))
    demands.request_endorsement(author, demand)
    asked = _committed(people)
    assert "waiting for an organizer" in asked.decode()
    survey = demands.launch_endorsement_survey(organizer, unit, demand.subject_ref).survey
    assert "Coworkers are weighing in" in _committed(people).decode()
    for ref in db.session.scalars(sa.select(EligibleVoter.voter_ref).where(EligibleVoter.survey_id == survey.id)):
        ballot_box.cast(survey, ref, {q.id: 5 for q in survey.questions})
    db.session.commit()
    tally.close(survey)
    tally.release_with_server_key(survey)
    voters = db.session.scalar(sa.select(sa.func.count()).select_from(EligibleVoter)
                               .where(EligibleVoter.survey_id == survey.id))
    released = ranking.StoredRanking.decode(_committed(people)).item(0)
    assert released.backing.is_known and released.backing.answers == voters


def test_an_account_deleted_takes_its_demands_out_of_the_stored_items(people):
    a, b = people["members"][:2]
    demands.create_demand(a, _details("Will you pay nights extra?"))
    demands.create_demand(b, _details("Will you heat the bay?"))
    _committed(people)
    db.session.delete(b)  # the database's cascade removes the demands, which no flush sees
    assert _texts(_committed(people)) == ["Will you pay nights extra?"]


def test_a_rolled_back_change_stores_nothing_and_a_reader_sees_its_own_change(people):
    a = people["members"][0]
    demands.create_demand(a, _details("Will you pay nights extra?"))
    stored = _committed(people)
    demands.create_demand(a, _details("Will you heat the bay?"))
    # Not yet committed: this transaction's summary has it, the stored items do not.
    assert len(summary.build(people["steward"], people["unit"]).items) == 2
    assert _stored(people["unit"]) == stored
    db.session.rollback()
    assert _stored(people["unit"]) == stored
    assert len(summary.build(people["steward"], people["unit"]).items) == 1


def test_the_summary_pages_read_the_stored_items(people, monkeypatch):
    a = people["members"][0]
    demands.create_demand(a, _details("Will you pay nights extra?"))
    db.session.commit()

    def no_ranking(unit):
        raise AssertionError("ranked again, though the stored items are current")

    monkeypatch.setattr(ranking, "rank", no_ranking)
    page = summary.summary_page(people["steward"], people["unit"])
    assert [item.demand.text for block in page.blocks for _, item in block.rows] == ["Will you pay nights extra?"]
    assert list(page.tier_counts) == list(Tier) and page.tier_counts[Tier.PRIORITY] == (1, 0)


def test_the_stored_items_are_sealed(people, world):
    a = people["members"][0]
    demands.create_demand(a, _details("Will you pay the forklift drivers extra?", named=True))
    db.session.commit()
    raw = db.session.execute(sa.text("SELECT items FROM prepared_summaries")).scalar()
    dump = raw_database(db.engine.url)
    for secret in ("forklift drivers", a.display_name):
        assert secret.encode() not in bytes(raw) and secret.encode() not in dump


def test_items_of_an_unknown_format_are_ranked_afresh_and_stored_again_by_the_job(people):
    a, unit = people["members"][0], people["unit"]
    demands.create_demand(a, _details("Will you pay nights extra?"))
    db.session.commit()
    db.session.execute(PreparedSummary.__table__.update().values(items=b'{"format": 99}'))
    db.session.commit()
    assert [i.demand.text for i in summary.build(people["steward"], unit).items] == ["Will you pay nights extra?"]
    downloads.prepare_pdfs()
    db.session.commit()
    assert _stored(unit) == _as_ranked_now(unit)


def test_a_unit_whose_items_were_never_stored_is_ranked_when_read_and_by_the_job(people):
    a, unit = people["members"][0], people["unit"]
    demands.create_demand(a, _details("Will you pay nights extra?"))
    db.session.commit()
    db.session.execute(PreparedSummary.__table__.delete())
    db.session.commit()
    assert len(summary.build(people["steward"], unit).items) == 1
    assert prepared.prepare_missing() == 1
    db.session.commit()
    assert _stored(unit) == _as_ranked_now(unit)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Demand)) == 1


def test_an_answer_recorded_rewrites_its_line_in_place_to_what_ranking_anew_gives(people, monkeypatch):
    a, b = people["members"][:2]
    steward = people["steward"]
    first = demands.create_demand(a, _details("Will you pay nights extra?", named=True))
    follower = demands.create_demand(b, _details("Will nights be paid extra?"))
    demands.create_demand(b, _details("Will you heat the bay?", tier=Tier.DEALBREAKER))
    demands.mark_same_as(steward, follower, first)
    _committed(people)
    real_rank = ranking.rank
    monkeypatch.setattr(ranking, "rank", lambda unit: pytest.fail("ranked whole for an answer"))
    demands.record_response(steward, first, EmployerResponse.PARTLY, "Nights only, from May")
    demands.record_response(steward, follower, EmployerResponse.REFUSES, None)  # not shown: it follows `first`
    db.session.commit()
    monkeypatch.setattr(ranking, "rank", real_rank)
    assert _stored(people["unit"]) == _as_ranked_now(people["unit"])
    assert "Nights only, from May" in _stored(people["unit"]).decode()
