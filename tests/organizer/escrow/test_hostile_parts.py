"""The trustee's endpoint against hostile bodies: whatever JSON (or garbage) is
posted for a story whose day has come, the answer is a 4xx in words, never a
500, and no part is stored."""

from __future__ import annotations

import base64

import sqlalchemy as sa
from hypothesis import given, strategies as st

from core.extensions import db
from organizer.accounts.services import find_account_by_email
from organizer.charting.models import BargainingUnit, Union
from organizer.escrow.models import StoryReaders
from organizer.escrow.models import StoryPart
from tests.organizer.escrow.builders import save, trustee_key
from tests.organizer.test_fuzz_forms import FUZZ, JSON


def _parts(app) -> int:
    with app.app_context():
        found = db.session.scalar(sa.select(sa.func.count()).select_from(StoryPart))
        db.session.remove()
    return found


def test_hostile_parts_are_refused_cleanly(app, world, login, clock):
    with app.app_context():
        union = db.session.get(Union, world.union_id)
        unit = db.session.get(BargainingUnit, world.unit_id)
        steward, organizer = find_account_by_email(world.steward), find_account_by_email(world.organizer)
        trustee_key(union, [steward, organizer])
        story_id = save(find_account_by_email(world.member), union, unit, readers=StoryReaders.UNION).id
        db.session.commit()
        db.session.remove()
    clock.days_later(10)
    client = login(app.test_client(), world.steward)
    url = f"/stories/{story_id}/part"

    @FUZZ
    @given(body=st.one_of(JSON, st.fixed_dictionaries({"partial": st.one_of(
        st.text(max_size=200), st.binary(max_size=200).map(lambda b: base64.b64encode(b).decode()))})))
    def fuzz(body):
        response = client.post(url, json=body)
        assert 400 <= response.status_code < 500, (body, response.status_code)
        assert isinstance(response.get_json()["error"], str)

    fuzz()
    for raw, kind in [(b"\xff\xfe", "application/json"), (b"{" * 5000, "application/json"),
                      (b"x" * 100_000, "text/plain")]:
        response = client.post(url, data=raw, content_type=kind)
        assert 400 <= response.status_code < 500
    assert _parts(app) == 0
