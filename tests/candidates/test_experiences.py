"""Experiences without employers: no employer field anywhere, and words that seem to
name an organisation are saved with a warning beside them, never refused."""

from __future__ import annotations

from html import unescape

import pytest
import sqlalchemy as sa

from candidates.models import Experience
from candidates.names import organisation_names
from core.extensions import db
from tests.candidates import builders


@pytest.mark.parametrize(("text", "names"), [
    ("Ran the dock for Acme Logistics Inc, 40 trucks a day.", ["Acme Logistics Inc"]),
    ("Kept the books at Harbor & Sons Ltd.", ["Harbor & Sons Ltd"]),
    ("Trabajé dos años en Almacenes Sol S.L. en el turno de noche.", ["Almacenes Sol S.L."]),
    ("Nordlicht GmbH: Lagerleitung", ["Nordlicht GmbH"]),
    ("Picked orders at Northwind Traders for three years.", ["Northwind Traders"]),
    ("Drove for Uber on weekends, then delivered for DoorDash.", ["Uber", "DoorDash"]),
    ("Two peak seasons at Amazon.", ["Amazon"]),
    # Ordinary sentences: no capitalised name after a preposition, days and months, a lone capital.
    ("Led a crew of six at night.", []),
    ("At Christmas I ran the peak season for the whole floor.", []),
    ("Worked for Monday to Friday shifts, and for three years.", []),
    ("Trained new hires on the sorter; I kept the safety log.", []),
    ("Loaded trucks at the depot, picked apples in autumn.", []),
])
def test_the_check_finds_organisation_names_and_leaves_ordinary_words(text, names):
    assert organisation_names(text) == names


def test_there_is_no_employer_field():
    columns = {column.name for column in Experience.__table__.columns}
    assert columns == {"id", "profile_id", "what", "achieved", "skills", "scale", "years"}
    assert not any("employer" in name or "company" in name for name in columns)


def test_an_experience_naming_an_organisation_is_saved_with_a_warning(app, search, login):
    client = login(app.test_client(), builders.CANDIDATE)
    response = client.post("/candidate/experiences", follow_redirects=True, data={
        "what": "Ran receiving at Bluewater Distribution LLC", "achieved": "Cut unloading time by a third",
        "skills": "receiving, scheduling", "scale": "12 doors", "years": "4"})
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert "Experience added. It seems to name an organisation (“Bluewater Distribution LLC”)" in html
    with app.app_context():
        saved = db.session.scalar(sa.select(Experience).order_by(Experience.id.desc()))
        assert saved.what == "Ran receiving at Bluewater Distribution LLC" and saved.years == 4
        experience_id = saved.id
    # The warning stays beside it on the list, and on its edit page, until the words change.
    listed = unescape(client.get("/candidate/experiences").get_data(as_text=True))
    block = listed[listed.index(f'id="experience-{experience_id}"'):]
    assert "This seems to name an organisation" in block[:block.index("</section>")]
    edited = client.post(f"/candidate/experiences/{experience_id}/edit", follow_redirects=True, data={
        "what": "Ran receiving at a regional distribution centre", "years": "4"})
    assert "seems to name" not in unescape(edited.get_data(as_text=True)).split(f'id="experience-{experience_id}"')[1]


def test_an_experience_with_no_name_in_it_gets_no_warning(app, search, login):
    client = login(app.test_client(), builders.CANDIDATE)
    response = client.post("/candidate/experiences", follow_redirects=True, data={
        "what": "Planned the doors and the truck order every night", "years": "2"})
    assert "seems to name" not in unescape(response.get_data(as_text=True))


def test_an_experience_of_someone_else_is_not_there(app, search, stranger_search, login):
    client = login(app.test_client(), builders.STRANGER)
    theirs = search.experience_ids[0]
    assert client.get(f"/candidate/experiences/{theirs}/edit").status_code == 404
    assert client.post(f"/candidate/experiences/{theirs}/edit", data={"what": "Taken over"}).status_code == 404
    assert client.post(f"/candidate/experiences/{theirs}/remove").status_code == 404
    with app.app_context():
        assert db.session.get(Experience, theirs).what == builders.WORDS["experience_dock"]


def test_years_are_a_number_of_years(app, search, login):
    client = login(app.test_client(), builders.CANDIDATE)
    for years in ("-1", "61", "many"):
        assert client.post("/candidate/experiences", data={"what": "Drove a forklift", "years": years}).status_code == 400
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Experience)) == 3
