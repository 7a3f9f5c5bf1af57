"""A job's requirements: pasted or typed and split into items, a whole web page
refused with its length said, each requirement mapped to the candidate's own
experiences (someone else's is not there: 404), and the unmapped ones shown."""

from __future__ import annotations

from html import unescape

import pytest
import sqlalchemy as sa

from candidates import jobs
from candidates.errors import CandidateRefused
from candidates.models import Job, Match, Requirement
from core.extensions import db
from tests.candidates import builders
from tests.candidates.builders import WORDS


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_pasted_listing_splits_into_its_items():
    listing = ("About the role:\n\nRequirements:\n• Two years leading a crew\n- Forklift certification\n"
               "* Comfortable with a scanner\n1. Weekend availability\n2) A clean driving record\n"
               "a) Good with numbers\nSafety first • Team player\n   \n---\n")
    assert jobs.split_requirements(listing) == [
        "Two years leading a crew", "Forklift certification", "Comfortable with a scanner", "Weekend availability",
        "A clean driving record", "Good with numbers", "Safety first", "Team player"]


def test_a_100000_character_paste_is_refused_with_its_length_and_nothing_is_stored(app, search, login):
    client = login(app.test_client(), builders.CANDIDATE)
    before = (_count(app, Job), _count(app, Requirement))
    page = ("- Lift 50 pounds safely\n" * 5000)[:100_000]
    for url, data in [("/candidate/jobs", {"title": "A long one", "listing": page}),
                      (f"/candidate/jobs/{search.job_id}/requirements", {"listing": page})]:
        response = client.post(url, data=data)
        assert response.status_code == 400
        assert ("This is 100000 characters long: paste only the listing's requirements, up to 10000 characters."
                in unescape(response.get_data(as_text=True)))
    assert (_count(app, Job), _count(app, Requirement)) == before


def test_the_service_refuses_a_long_listing_itself_in_words(app_ctx):
    with pytest.raises(CandidateRefused) as refused:
        jobs.split_requirements("x" * 100_000)
    assert refused.value.message == ("This is 100,000 characters long: paste only the listing's requirements, "
                                     "up to 10,000 characters.")
    with pytest.raises(CandidateRefused, match="41 requirements"):
        jobs.split_requirements("\n".join(f"Requirement {n}" for n in range(41)))
    with pytest.raises(CandidateRefused, match="Requirement 2 is longer"):
        jobs.split_requirements("Short\n" + "y" * 501)


def test_requirements_are_added_to_the_end_of_the_list(app, search, login):
    client = login(app.test_client(), builders.CANDIDATE)
    response = client.post(f"/candidate/jobs/{search.job_id}/requirements", data={"listing": "- Night shifts\n- Lifting"})
    assert response.status_code == 302
    with app.app_context():
        texts = [r.text for r in db.session.get(Job, search.job_id).requirements]
    assert texts[-2:] == ["Night shifts", "Lifting"] and len(texts) == 5


def test_a_listing_of_headings_only_finds_no_requirement(app, search, login):
    client = login(app.test_client(), builders.CANDIDATE)
    response = client.post(f"/candidate/jobs/{search.job_id}/requirements", data={"listing": "Requirements:\n---"})
    assert response.status_code == 400
    assert "No requirement found" in unescape(response.get_data(as_text=True))


def test_mapping_to_someone_elses_experience_is_a_404_and_stores_nothing(app, search, stranger_search, login):
    client = login(app.test_client(), builders.CANDIDATE)
    weekends = search.requirement_ids[2]
    foreign = stranger_search.experience_ids[0]
    before = _count(app, Match)
    for experience_id in (foreign, 99999999, 2**40):
        response = client.post(f"/candidate/requirements/{weekends}/map",
                               data={f"r{weekends}-experience_id": str(experience_id), f"r{weekends}-how": "Mine now."})
        assert response.status_code == 404
    # Someone else's requirement is not there either.
    response = client.post(f"/candidate/requirements/{stranger_search.requirement_ids[0]}/map", data={})
    assert response.status_code == 404
    assert _count(app, Match) == before


def test_mapping_an_experience_says_how_and_mapping_again_rewrites_the_how(app, search, login):
    client = login(app.test_client(), builders.CANDIDATE)
    weekends, stock = search.requirement_ids[2], search.experience_ids[2]
    for how in ("Worked every busy season's weekends.", "Worked weekends for a whole year."):
        response = client.post(f"/candidate/requirements/{weekends}/map",
                               data={f"r{weekends}-experience_id": str(stock), f"r{weekends}-how": how})
        assert response.status_code == 302
    with app.app_context():
        [match] = db.session.scalars(sa.select(Match).where(Match.requirement_id == weekends)).all()
        assert (match.experience_id, match.how) == (stock, "Worked weekends for a whole year.")


def test_the_job_page_shows_the_unmapped_requirements_honestly(app, search, login):
    html = unescape(login(app.test_client(), builders.CANDIDATE).get(f"/candidate/jobs/{search.job_id}")
                    .get_data(as_text=True))
    assert "2 of 3 met by your experience" in html
    weekends = html[html.index(f'id="requirement-{search.requirement_ids[2]}"'):]
    assert "Not met by any of your experience yet." in weekends[:weekends.index("</li>")]
    lead = html[html.index(f'id="requirement-{search.requirement_ids[0]}"'):]
    assert WORDS["how_lead"] in lead[:lead.index("</li>")]


def test_removing_an_experience_unmaps_it_and_the_requirement_stays(app, search, login):
    client = login(app.test_client(), builders.CANDIDATE)
    assert client.post(f"/candidate/experiences/{search.experience_ids[0]}/remove").status_code == 302
    with app.app_context():
        assert db.session.get(Requirement, search.requirement_ids[0]) is not None
        assert db.session.get(Match, search.match_ids[0]) is None


def test_a_job_of_someone_else_is_not_there(app, search, stranger_search, login):
    client = login(app.test_client(), builders.STRANGER)
    for url in (f"/candidate/jobs/{search.job_id}", f"/candidate/jobs/{search.job_id}/card"):
        assert client.get(url).status_code == 404
    for url in (f"/candidate/jobs/{search.job_id}/share", f"/candidate/jobs/{search.job_id}/remove",
                f"/candidate/matches/{search.match_ids[0]}/remove",
                f"/candidate/requirements/{search.requirement_ids[0]}/remove"):
        assert client.post(url, data={"days": "7"}).status_code == 404
    assert _count(app, Match) == 4
