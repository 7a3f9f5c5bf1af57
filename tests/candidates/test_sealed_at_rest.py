"""PRIVACY.md invariant 6 for job seekers: after a whole search is written, shared
and answered, the raw database (the SQLite files, or a pg_dump) holds none of its
words: no preference, proof, experience, requirement, mapping, precondition, job
title, contact detail or answer, and neither the looking status nor the link's token."""

from __future__ import annotations

import sqlalchemy as sa

from candidates.models import CandidateProfile, CardAnswer
from core.extensions import db
from tests.candidates.builders import WORDS
from tests.dumps import raw_database

ANSWER = "We put pay in every letter, tangerine"


def test_no_word_of_a_job_search_reaches_the_database_in_the_clear(app, search, card_token):
    employer = app.test_client()
    response = employer.post(f"/candidate-card/{card_token}/asks/{search.precondition_ids[0]}", data={
        f"ask{search.precondition_ids[0]}-response": "supports", f"ask{search.precondition_ids[0]}-how": ANSWER})
    assert response.status_code == 302
    with app.app_context():
        # The app itself reads everything back.
        assert db.session.scalar(sa.select(CardAnswer)).how == ANSWER
        raw = raw_database(db.engine.url)
    assert len(raw) > 0
    for label, secret in {**WORDS, "answer": ANSWER, "token": card_token}.items():
        for encoding in ("utf-8", "utf-16-le"):
            assert secret.encode(encoding) not in raw, f"{label} is readable in the raw database"


def test_the_looking_status_and_an_answer_seal_to_one_size_whichever_they_are(app, search, card_token):
    with app.app_context():
        statuses = db.session.execute(sa.text("SELECT looking FROM candidate_profiles")).scalars().all()
        incomes = db.session.execute(sa.text("SELECT income FROM candidate_proofs")).scalars().all()
    assert statuses and all(isinstance(value, bytes | memoryview) and b"open" not in bytes(value) for value in statuses)
    assert incomes and b"lt500" not in b"".join(bytes(value) for value in incomes)
    with app.app_context():
        profile = db.session.get(CandidateProfile, search.profile_id)
        sizes = set()
        for status in ("active", "open", "not"):
            profile.looking = type(profile.looking)(status)
            db.session.flush()
            sizes.add(len(bytes(db.session.execute(sa.text("SELECT looking FROM candidate_profiles")).scalar())))
        db.session.rollback()
    assert len(sizes) == 1, "a longer blob would tell which status it is"
