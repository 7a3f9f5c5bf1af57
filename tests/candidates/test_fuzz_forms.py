"""Fuzzing every form of a job search, the employer's answer and filter on the card,
and signing up (tests/organizer/test_fuzz_forms.py fuzzes the union's): random,
malformed, huge and hostile values never get a 500, and a refused request (4xx)
stores nothing. State builds up across examples on purpose."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.extensions import db
from organizer.signup import services as signup
from tests.candidates import builders
from tests.organizer.test_fuzz_forms import FUZZ, HOSTILE, _check, form_data


@pytest.fixture
def targets(app, search, card_token):
    """The forms each visitor posts, with their fields."""
    weekends = search.requirement_ids[2]
    asked = search.precondition_ids[0]
    with app.app_context():
        sign_up_token = signup.make_token("fuzzed.newcomer@example.net")
        db.session.remove()
    experience_fields = ["what", "achieved", "skills", "scale", "years"]
    return {
        builders.CANDIDATE: [
            ("/candidate/looking", ["looking"]),
            ("/candidate/preferences", ["aspect", "text", "tier"]),
            ("/candidate/proofs", ["kind", "description", "size", "duration", "income", "names_on_purpose"]),
            ("/candidate/experiences", experience_fields),
            (f"/candidate/experiences/{search.experience_ids[1]}/edit", experience_fields),
            ("/candidate/questions", ["text", "kind", "tier", "category"]),
            ("/candidate/jobs", ["title", "listing"]),
            (f"/candidate/jobs/{search.job_id}/requirements", ["listing"]),
            (f"/candidate/requirements/{weekends}/map", [f"r{weekends}-experience_id", f"r{weekends}-how"]),
            (f"/candidate/jobs/{search.job_id}/contact", ["contact"]),
            (f"/candidate/jobs/{search.job_id}/share", ["days"]),
        ],
        "anonymous": [
            (f"/candidate-card/{card_token}/asks/{asked}", [f"ask{asked}-response", f"ask{asked}-how"]),
            ("/sign-up", ["email"]),
            (f"/sign-up/{sign_up_token}", ["display_name", "email", "password", "confirm"]),
        ],
        "card": f"/candidate-card/{card_token}",
    }


def _fuzz_form(app, client, url: str, fields: list[str]) -> None:
    @FUZZ
    @given(data=form_data(fields))
    def fuzz(data):
        _check(app, client, url, data)

    fuzz()


@pytest.mark.parametrize("who", ["anonymous", builders.CANDIDATE])
def test_every_candidate_form_survives_hostile_input(app, login, targets, who, monkeypatch):
    # Sign-up mails, and a budget would soon answer 429 to everything after: lift it to fuzz the form itself.
    monkeypatch.setitem(app.config, "SIGN_UP_ADDRESS_LIMIT", "100000 per hour")
    monkeypatch.setitem(app.config, "SIGN_UP_GLOBAL_LIMIT", "100000 per hour")
    client = app.test_client()
    if who != "anonymous":
        login(client, who)
    for url, fields in targets[who]:
        _fuzz_form(app, client, url, fields)


@FUZZ
@given(query=st.dictionaries(st.sampled_from(["need", "x"]), st.one_of(HOSTILE, st.lists(HOSTILE, max_size=3)),
                             max_size=2))
def test_the_cards_filter_survives_hostile_queries(app, targets, query):
    assert app.test_client().get(targets["card"], query_string=query).status_code in (200, 400)
