"""Attacks on the stored ballots (PRIVACY.md invariant 1): given a copy of the
database — the SQLite file read byte by byte, or PostgreSQL with its system
columns — and the list of who took part, every ordering signal the storage
gives away pairs ballots with voters no better than chance.

People cast in a known random order; the test keeps the truth (whose receipt
is whose) and then tries to recover it from storage alone, pairing the i-th
ballot with the i-th respondent under every ordering it can read: SQLite rowid
and physical position in the file (the leaf cell and the last overflow page),
PostgreSQL `ctid` and `xmin`. Under chance the number of right pairs of a
random permutation is about Poisson(1); the bound below (8 right of 40) is met
by chance about once in 100,000 tries, while the landed-before-the-pool
storage paired 13 of 13."""

from __future__ import annotations

import itertools
import secrets
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.extensions import db
from surveys import ballot_box, pool, tally
from surveys.models import Ballot, BallotPool, ParticipationEntry
from tests.surveys.helpers import answers, launched_pulse, voters

PEOPLE = voters(40, ("Packing", "Receiving", "Shipping", "Returns"), ("Day", "Night"))
#: Most right pairs one ordering may give before the test calls it a leak (see the docstring).
CHANCE_BOUND = 8


@pytest.fixture
def small_pool(monkeypatch):
    """A pool of 4, so 40 answers move through storage in many batches before close."""
    monkeypatch.setattr(pool, "MAX_ANONYMITY", 4)
    monkeypatch.setattr(pool, "MIN_ANONYMITY", 4)


def _cast_in_random_order(survey) -> dict[str, str]:
    """Everyone answers, in an order unrelated to their refs; returns fingerprint -> voter."""
    order = list(PEOPLE)
    secrets.SystemRandom().shuffle(order)
    truth = {}
    for i, ref in enumerate(order):
        receipt = ballot_box.cast(survey, ref, answers(survey, i % 2 == 0, 1 + i % 5, (i % 4,), comment=f"c{i}"))
        truth[receipt.fingerprint] = ref
        db.session.commit()  # each answer its own transaction, as over HTTP
    return truth


def _right_pairs(ballots_in_order: list[str], voters_in_order: list[str], truth: dict[str, str]) -> int:
    assert len(ballots_in_order) == len(voters_in_order) == len(truth)
    return sum(truth[fingerprint] == ref for fingerprint, ref in zip(ballots_in_order, voters_in_order, strict=True))


def _ballot_orderings(survey) -> dict[str, list[str]]:
    rows = db.session.execute(sa.select(Ballot.id, Ballot.fingerprint, Ballot.payload)
                              .where(Ballot.survey_id == survey.id)).all()
    orderings = {"random key": [f for _, f, _ in sorted(rows, key=lambda r: bytes(r[0]))]}
    if db.engine.dialect.name == "sqlite":
        raw = Path(db.engine.url.database).read_bytes()
        # Where each ballot's first and last bytes sit in the file: its leaf cell and its last overflow page.
        orderings["file position of the cell"] = [f for f, p in sorted(
            ((f, bytes(p)) for _, f, p in rows), key=lambda fp: raw.index(fp[1][:48]))]
        orderings["file position of the overflow"] = [f for f, p in sorted(
            ((f, bytes(p)) for _, f, p in rows), key=lambda fp: raw.index(fp[1][-48:]))]
    else:
        for column in ("ctid", "xmin::text::bigint"):
            orderings[column] = list(db.session.scalars(sa.text(
                f"SELECT fingerprint FROM survey_ballots WHERE survey_id = :s ORDER BY {column}, id"),
                {"s": survey.id}))
    return orderings


def _voter_orderings(survey) -> dict[str, list[str]]:
    orderings = {"ref": sorted(db.session.scalars(sa.select(ParticipationEntry.voter_ref)
                                                   .where(ParticipationEntry.survey_id == survey.id)))}
    if db.engine.dialect.name == "sqlite":
        orderings["rowid"] = list(db.session.scalars(sa.text(
            "SELECT voter_ref FROM survey_participation WHERE survey_id = :s ORDER BY rowid"), {"s": survey.id}))
    else:
        for column in ("ctid", "xmin::text::bigint"):
            orderings[column] = list(db.session.scalars(sa.text(
                f"SELECT voter_ref FROM survey_participation WHERE survey_id = :s ORDER BY {column}, voter_ref"),
                {"s": survey.id}))
    return orderings


def test_while_voting_is_open_no_ballot_and_no_respondent_is_a_row_of_its_own(app_ctx):
    survey = launched_pulse(PEOPLE, dimensions=("department",))
    truth = _cast_in_random_order(survey)
    # Forty answers with the default pool: everything waits in one sealed, shuffled value.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ballot).where(Ballot.survey_id == survey.id)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ParticipationEntry)
                             .where(ParticipationEntry.survey_id == survey.id)) == 0
    sealed = bytes(db.session.execute(sa.text("SELECT sealed FROM survey_ballot_pools WHERE survey_id = :s"),
                                      {"s": survey.id}).scalar_one())
    for ref in truth.values():
        assert ref.encode() not in sealed, "a respondent is readable in the stored pool"
    waiting = ballot_box.pending_pool(survey)
    assert {b.fingerprint for b in waiting.ballots} == set(truth)
    # The pool's own order is not the order of answering (one chance in 40!).
    assert [b.fingerprint for b in waiting.ballots] != list(truth)
    assert waiting.respondents != list(truth.values())


def test_after_close_no_ordering_in_storage_pairs_ballots_with_voters(app_ctx, small_pool):
    survey = launched_pulse(PEOPLE, dimensions=("department", "shift"))
    truth = _cast_in_random_order(survey)
    tally.close(survey)
    db.session.commit()
    ballots, voters_ = _ballot_orderings(survey), _voter_orderings(survey)
    best = max(((_right_pairs(b, v, truth), name_b, name_v) for (name_b, b), (name_v, v)
                in itertools.product(ballots.items(), voters_.items())))
    assert best[0] < CHANCE_BOUND, f"{best[1]} against {best[2]} pairs {best[0]} of {len(truth)}"
    # No stored ballot carries a cell, sealed or not, and none differs in size.
    assert db.session.execute(sa.select(sa.func.count()).select_from(Ballot).where(
        Ballot.survey_id == survey.id, sa.or_(Ballot.cell.is_not(None), Ballot.sealed_cell.is_not(None)))).scalar() == 0
    sizes = set(db.session.scalars(sa.select(sa.func.length(Ballot.payload)).where(Ballot.survey_id == survey.id)))
    assert len(sizes) == 1
    assert db.session.get(BallotPool, survey.id) is None


def test_after_close_every_row_of_the_survey_carries_one_transaction_stamp(app_ctx, small_pool):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("transaction ids are PostgreSQL's; SQLite's signals are checked by the test above")
    survey = launched_pulse(PEOPLE, dimensions=("department",))
    _cast_in_random_order(survey)
    tally.close(survey)
    db.session.commit()
    for table in ("survey_ballots", "survey_participation", "survey_sealed_comments"):
        stamps = db.session.scalars(sa.text(f"SELECT DISTINCT xmin::text FROM {table} WHERE survey_id = :s"),
                                    {"s": survey.id}).all()
        assert len(stamps) == 1, f"{table} rows were written by {len(stamps)} transactions"


def test_while_open_moved_batches_keep_cells_sealed_and_sizes_equal(app_ctx, small_pool):
    survey = launched_pulse(PEOPLE, dimensions=("department", "shift"))
    _cast_in_random_order(survey)
    stored = db.session.execute(sa.select(Ballot.cell, sa.func.length(Ballot.sealed_cell),
                                          sa.func.length(Ballot.payload)).where(Ballot.survey_id == survey.id)).all()
    assert len(stored) >= 32  # most of the 40 moved out of a pool of 4 to 8
    assert {cell for cell, _, _ in stored} == {None}
    assert len({sealed for _, sealed, _ in stored}) == 1, "a sealed cell's length would tell cells apart"
    assert len({size for _, _, size in stored}) == 1
    raw_cells = db.session.scalars(sa.text("SELECT sealed_cell FROM survey_ballots WHERE survey_id = :s"),
                                   {"s": survey.id}).all()
    padded = {pool.pad_cell(cell) for cell in survey.segment_plan["cells"]}
    assert not any(cell in bytes(blob) for blob in raw_cells for cell in padded)


def test_counts_reconcile_at_every_step(app_ctx, small_pool):
    survey = launched_pulse(PEOPLE, dimensions=())
    for i, ref in enumerate(PEOPLE):
        ballot_box.cast(survey, ref, answers(survey, True, 3))
        stored_ballots = db.session.scalar(sa.select(sa.func.count()).select_from(Ballot)
                                           .where(Ballot.survey_id == survey.id))
        stored_respondents = db.session.scalar(sa.select(sa.func.count()).select_from(ParticipationEntry)
                                               .where(ParticipationEntry.survey_id == survey.id))
        waiting = ballot_box.pending_pool(survey)
        assert stored_ballots == stored_respondents
        assert len(waiting.ballots) == len(waiting.respondents)
        assert ballot_box.counts(survey) == (i + 1, i + 1)
        assert len(waiting.ballots) <= 7
    tally.close(survey)
    assert ballot_box.counts(survey) == (40, 40)
    assert survey.groups[0].respondents == 40
