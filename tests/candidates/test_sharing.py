"""The card link as a capability: it opens one job's card, for one employer, until
it expires or is stopped; only its hash is stored; its routes are rate limited;
answers come through it once each and the candidate sees them; views are counted
and nothing else about them is kept."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
import sqlalchemy as sa

from candidates import sharing
from candidates.errors import AlreadyAnswered, CandidateRefused
from candidates.models import CardAnswer, CardLink, Precondition
from core.clock import today
from core.extensions import db
from ontology import EmployerResponse
from tests.candidates import builders
from tests.candidates.builders import WORDS
from tests.dumps import raw_database


def _card(client, token: str, query: str = ""):
    return client.get(f"/candidate-card/{token}{query}")


def _answer(client, token: str, precondition_id: int, response: str = "partly", how: str = "In writing, yes."):
    return client.post(f"/candidate-card/{token}/asks/{precondition_id}",
                       data={f"ask{precondition_id}-response": response, f"ask{precondition_id}-how": how})


def _table_count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_the_link_opens_its_jobs_card_with_no_account(app, search, card_token):
    page = _card(app.test_client(), card_token)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert WORDS["requirement_lead"] in html and WORDS["experience_dock"] in html
    assert WORDS["precondition_pay"] in html
    # The candidate's contact details were added for this employer, so the card shows them.
    assert WORDS["contact"] in html


def test_only_the_tokens_hash_is_stored_and_the_raw_database_holds_no_token(app, search, card_token):
    with app.app_context():
        [link] = db.session.scalars(sa.select(CardLink)).all()
        assert link.token_hash == sharing.hash_token(card_token)
        raw = raw_database(db.engine.url)
    assert card_token.encode() not in raw
    # 256 bits of randomness (43 characters of URL-safe base64): far more than the 128 asked.
    assert len(card_token) >= 43


def test_an_unknown_or_mangled_token_is_a_404_with_words(app, search, card_token):
    client = app.test_client()
    for token in ("x" * 43, card_token[:-1], card_token + "/extra", "short"):
        page = _card(client, token)
        assert page.status_code == 404
        assert "not valid" in page.get_data(as_text=True)


def test_an_expired_link_is_gone_with_the_day_it_expired(app, search, card_token):
    with app.app_context():
        db.session.execute(sa.update(CardLink).values(expires_on=today() - timedelta(days=1)))
        db.session.commit()
    client = app.test_client()
    page = _card(client, card_token)
    assert page.status_code == 410 and "expired" in page.get_data(as_text=True)
    assert _answer(client, card_token, search.precondition_ids[0]).status_code == 410
    assert _table_count(app, CardAnswer) == 0


def test_a_link_works_through_its_last_day(app, search, card_token):
    with app.app_context():
        db.session.execute(sa.update(CardLink).values(expires_on=today()))
        db.session.commit()
    assert _card(app.test_client(), card_token).status_code == 200


def test_a_stopped_link_is_gone_and_takes_no_answer(app, search, card_token, login):
    candidate = login(app.test_client(), builders.CANDIDATE)
    with app.app_context():
        link_id = db.session.scalar(sa.select(CardLink.id))
    assert candidate.post(f"/candidate/links/{link_id}/revoke").status_code == 302
    employer = app.test_client()
    page = _card(employer, card_token)
    assert page.status_code == 410 and "stopped this link" in page.get_data(as_text=True)
    assert _answer(employer, card_token, search.precondition_ids[0]).status_code == 410
    assert _table_count(app, CardAnswer) == 0


def test_only_the_candidate_stops_their_link(app, search, stranger_search, card_token, login):
    stranger = login(app.test_client(), builders.STRANGER)
    with app.app_context():
        link_id = db.session.scalar(sa.select(CardLink.id))
    assert stranger.post(f"/candidate/links/{link_id}/revoke").status_code == 404
    assert _card(app.test_client(), card_token).status_code == 200


def test_one_employer_per_link_a_new_link_stops_the_last(app, search, card_token):
    with app.app_context():
        account = db.session.get(builders.Account, search.account_id)
        second = builders.shared(account, search)
        db.session.commit()
    client = app.test_client()
    assert _card(client, card_token).status_code == 410
    assert _card(client, second).status_code == 200


def test_an_answer_belongs_to_its_link_and_no_other_employer_sees_it(app, search, card_token):
    employer = app.test_client()
    assert _answer(employer, card_token, search.precondition_ids[0], how="Only for the first employer").status_code == 302
    with app.app_context():
        account = db.session.get(builders.Account, search.account_id)
        second = builders.shared(account, search)
        db.session.commit()
    html = _card(app.test_client(), second).get_data(as_text=True)
    assert "Only for the first employer" not in html
    # The second employer is asked the same question afresh.
    assert f'name="ask{search.precondition_ids[0]}-response"' in html


def test_a_link_answers_only_its_own_candidates_questions(app, search, stranger_search, card_token):
    foreign = stranger_search.precondition_ids[0]
    response = _answer(app.test_client(), card_token, foreign)
    assert response.status_code == 404
    assert _table_count(app, CardAnswer) == 0


def test_a_card_shared_with_no_requirements_is_refused_and_nothing_stored(app, search, login):
    client = login(app.test_client(), builders.CANDIDATE)
    created = client.post("/candidate/jobs", data={"title": "A job with no listing yet"})
    job_id = int(created.headers["Location"].rsplit("/", 1)[-1])
    response = client.post(f"/candidate/jobs/{job_id}/share", data={"days": "14"})
    assert response.status_code == 400
    assert "Add the job's requirements first" in unescape(response.get_data(as_text=True))
    assert _table_count(app, CardLink) == 0


def test_the_link_is_shown_once_and_its_days_are_kept(app, search, login):
    client = login(app.test_client(), builders.CANDIDATE)
    response = client.post(f"/candidate/jobs/{search.job_id}/share", data={"days": "7"})
    assert response.status_code == 200
    url = re.search(r'id="card-link"[^>]*value="([^"]+)"', response.get_data(as_text=True)).group(1)
    token = url.rsplit("/", 1)[-1]
    with app.app_context():
        link = db.session.scalar(sa.select(CardLink))
        assert link.token_hash == sharing.hash_token(token)
        assert link.expires_on == today() + timedelta(days=7)
    assert token not in client.get(f"/candidate/jobs/{search.job_id}").get_data(as_text=True)


def test_an_answer_is_given_once_a_second_is_refused_with_409(app, search, card_token):
    employer = app.test_client()
    precondition = search.precondition_ids[0]
    first = _answer(employer, card_token, precondition, "partly", "The pay, yes; the schedule, no.")
    assert first.status_code == 302
    again = _answer(app.test_client(), card_token, precondition, "supports", "All of it, after all.")
    assert again.status_code == 409
    assert "answered already" in again.get_data(as_text=True)
    with app.app_context():
        [kept] = db.session.scalars(sa.select(CardAnswer)).all()
        assert (kept.response.value, kept.how) == ("partly", "The pay, yes; the schedule, no.")


def test_two_answers_at_once_make_one(app, search, card_token):
    """The unique (link, precondition) pair decides, not a read made before the write."""
    with app.app_context():
        link = sharing.find_link(card_token)
        precondition = db.session.get(Precondition, search.precondition_ids[0])
        assert link.answers == []  # read as a racing request read them, before the other's write
        db.session.execute(sa.insert(CardAnswer).values(link_id=link.id, precondition_id=precondition.id,
                                                        response=EmployerResponse.SUPPORTS, answered_on=today()))
        with pytest.raises(AlreadyAnswered):
            sharing.answer(link, precondition, EmployerResponse.REFUSES, None)
        db.session.rollback()


def test_the_candidate_sees_each_answer_beside_its_question(app, search, card_token, login):
    _answer(app.test_client(), card_token, search.precondition_ids[0], "refuses", "We never put pay in letters.")
    page = login(app.test_client(), builders.CANDIDATE).get(f"/candidate/jobs/{search.job_id}")
    html = page.get_data(as_text=True)
    block = html[html.index(f'id="ask-{search.precondition_ids[0]}"'):]
    block = block[:block.index("</div>")]
    assert WORDS["precondition_pay"] in block
    assert "Refuses" in block and "We never put pay in letters." in block
    # The question nobody answered says so.
    other = html[html.index(f'id="ask-{search.precondition_ids[1]}"'):]
    assert "Not answered yet." in other[:other.index("</div>")]


def test_views_are_counted_not_identified(app, search, card_token, login):
    employer = app.test_client()
    agent = "Mozilla/5.0 (X11) TellTaleBrowser/97.3"
    for _ in range(3):
        employer.get(f"/candidate-card/{card_token}", headers={"User-Agent": agent})
    # Narrowing the card down is not another opening.
    employer.get(f"/candidate-card/{card_token}?need={search.requirement_ids[0]}")
    with app.app_context():
        assert db.session.scalar(sa.select(CardLink.view_count)) == 3
        raw = raw_database(db.engine.url)
        columns = {column.name for column in CardLink.__table__.columns}
    assert b"TellTaleBrowser" not in raw
    assert columns == {"id", "job_id", "token_hash", "created_on", "expires_on", "revoked_on", "view_count"}
    page = login(app.test_client(), builders.CANDIDATE).get(f"/candidate/jobs/{search.job_id}")
    assert "opened 3 times" in page.get_data(as_text=True)


def test_the_links_routes_are_rate_limited_per_link(app, search, card_token, monkeypatch):
    monkeypatch.setitem(app.config, "CARD_LINK_LIMIT", "3 per minute")
    client = app.test_client()
    assert [_card(client, card_token).status_code for _ in range(3)] == [200, 200, 200]
    limited = _card(client, card_token)
    assert limited.status_code == 429 and "opened too many times" in limited.get_data(as_text=True)
    assert _answer(client, card_token, search.precondition_ids[0]).status_code == 429
    assert _table_count(app, CardAnswer) == 0
    # Another link has a budget of its own.
    with app.app_context():
        account = db.session.get(builders.Account, search.account_id)
        second = builders.shared(account, search)
        db.session.commit()
    assert _card(client, second).status_code == 200


def test_guessing_tokens_spends_one_budget_over_every_link(app, search, card_token, monkeypatch):
    monkeypatch.setitem(app.config, "CARD_LINKS_LIMIT", "4 per minute")
    client = app.test_client()
    guesses = [_card(client, f"{n:043d}").status_code for n in range(4)]
    assert guesses == [404] * 4
    assert _card(client, card_token).status_code == 429


def test_stopping_a_link_twice_says_so(app, search, card_token):
    with app.app_context():
        account = db.session.get(builders.Account, search.account_id)
        link = db.session.scalar(sa.select(CardLink))
        sharing.revoke(account, link)
        with pytest.raises(CandidateRefused):
            sharing.revoke(account, link)
        db.session.rollback()
