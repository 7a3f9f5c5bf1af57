"""Every route of the app against every kind of visitor.

A route added without an entry here fails `test_every_route_is_in_the_matrix`,
so no page ships without someone deciding who may see it.
"""

from __future__ import annotations

import pytest

from core.extensions import db
from organizer import invitations
from organizer.models import Account, Person, Role

ACTORS = ("anonymous", "member", "steward", "other_organizer", "organizer")

# Expected status per actor, in ACTORS order. 302 for anonymous is the redirect to sign in.
ORGANIZER_ONLY_GET = (302, 403, 403, 404, 200)
ORGANIZER_ONLY_POST = (302, 403, 403, 404, 302)

#: endpoint -> (method, url template, expected statuses)
MATRIX: dict[str, tuple[str, str, tuple[int, ...]]] = {
    "static": ("GET", "/static/css/app.css", (200, 200, 200, 200, 200)),
    "home.index": ("GET", "/", (302, 200, 200, 200, 200)),
    "auth.login": ("GET", "/login", (200, 302, 302, 302, 302)),
    "auth.logout": ("POST", "/logout", (302, 302, 302, 302, 302)),
    "auth.change_password": ("GET", "/account/password", (302, 200, 200, 200, 200)),
    "auth.accept_invitation": ("GET", "/invite/{token}", (200, 200, 200, 200, 200)),
    "organizing.dashboard": ("GET", "/unions/{union_id}", ORGANIZER_ONLY_GET),
    "organizing.create_unit": ("POST", "/unions/{union_id}/units", (302, 403, 403, 404, 400)),
    "organizing.segments": ("GET", "/units/{unit_id}/segments", ORGANIZER_ONLY_GET),
    "organizing.unit_chart": ("GET", "/units/{unit_id}/chart", ORGANIZER_ONLY_GET),
    "organizing.add_person": ("GET", "/units/{unit_id}/people/new", ORGANIZER_ONLY_GET),
    "organizing.edit_person": ("GET", "/people/{person_id}/edit", ORGANIZER_ONLY_GET),
    "organizing.remove_person": ("POST", "/people/{person_id}/remove", ORGANIZER_ONLY_POST),
    "organizing.invite_person": ("GET", "/people/{person_id}/invite", ORGANIZER_ONLY_GET),
    "organizing.union_invitations": ("GET", "/unions/{union_id}/invitations", ORGANIZER_ONLY_GET),
    "organizing.revoke_invitation": ("POST", "/invitations/{invitation_id}/revoke", ORGANIZER_ONLY_POST),
    "steward.unit": ("GET", "/steward/units/{unit_id}", (302, 403, 200, 403, 403)),
}


def test_every_route_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints == set(MATRIX), "add the new route to MATRIX with the status each visitor gets"


def test_matrix_methods_match_the_routes(app):
    for rule in app.url_map.iter_rules():
        method = MATRIX[rule.endpoint][0]
        assert method in rule.methods, f"{rule.endpoint} does not accept {method}"


def _ids(app, world) -> dict[str, object]:
    with app.app_context():
        person = db.session.get(Person, world.person_id)
        organizer = next(a for a in db.session.scalars(db.select(Account)) if a.email == world.organizer)
        invitation, token = invitations.invite(organizer, person, Role.MEMBER)
        db.session.commit()
        ids = {"union_id": world.union_id, "unit_id": world.unit_id, "person_id": world.person_id,
               "invitation_id": invitation.id, "token": token}
        db.session.remove()
    return ids


@pytest.mark.parametrize("endpoint", sorted(MATRIX))
@pytest.mark.parametrize("actor", ACTORS)
def test_route_answers_each_actor_as_expected(app, world, login, endpoint, actor):
    method, template, expected = MATRIX[endpoint]
    url = template.format(**_ids(app, world))
    client = app.test_client()
    if actor != "anonymous":
        login(client, getattr(world, actor))
    response = client.open(url, method=method)
    response.close()
    assert response.status_code == expected[ACTORS.index(actor)], (
        f"{actor} {method} {url}: got {response.status_code}"
    )
    if actor == "anonymous" and response.status_code == 302 and endpoint not in ("auth.logout",):
        assert response.headers["Location"].startswith("/login")
