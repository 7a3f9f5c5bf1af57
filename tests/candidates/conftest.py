"""The candidates' fixtures: a candidate in no union with a whole job search, and a
second one (a stranger to the first) with their own; ids only, like the world's."""

from __future__ import annotations

import pytest

from core.extensions import db
from tests.candidates import builders


@pytest.fixture
def search(app) -> builders.Search:
    with app.app_context():
        built = builders.job_search(builders.candidate_account())
        db.session.commit()
        db.session.remove()
    return built


@pytest.fixture
def stranger_search(app) -> builders.Search:
    with app.app_context():
        built = builders.job_search(builders.candidate_account(builders.STRANGER, "Stranger"))
        db.session.commit()
        db.session.remove()
    return built


@pytest.fixture
def card_token(app, search) -> str:
    with app.app_context():
        account = db.session.get(builders.Account, search.account_id)
        token = builders.shared(account, search)
        db.session.commit()
        db.session.remove()
    return token
