"""Who can open a report: its unit's stewards with a key, and its member; nobody
else. An organizer who is not a steward, an operator holding every key the
application holds (the database read through the app's keys, and the keys
themselves), and every other member each try, with everything they can reach,
and open nothing. An anonymous report stays anonymous to the stewards through
their answers and steps; and a copy of the database carries no report text."""

from __future__ import annotations

import base64
import json

import pytest
import sqlalchemy as sa

from core.extensions import db
from crypto import reports
from crypto.errors import SealError
from crypto.group import ORDER, Point, Scalar
from crypto.sealing import open_with_passphrase
from organizer.grievances import services
from organizer.grievances.models import Grievance, GrievanceMessage, Step, StewardKey
from organizer.grievances.services import StepChange
from tests.dumps import raw_database
from tests.organizer.grievances.helpers import PASSPHRASE, add, answer, file, opened

WHAT = "Supervisor Dmitri Quillfeather docks our breaks every Tuesday"
NAME = "Odalys Brightwater-Nakamura"
WANTED = "Give back the twenty minutes"


def _scalar_candidates(data: bytes) -> list[Scalar]:
    """Every 32-byte window of `data`, read as a secret scalar (little-endian, reduced): wherever a key could
    hide in what is stored, it is among these."""
    found = []
    for at in range(0, max(len(data) - 31, 0)):
        scalar = Scalar(int.from_bytes(data[at:at + 32], "little") % ORDER)
        if not scalar.is_zero():
            found.append(scalar)
    return found


def _opens(grievance: Grievance, candidates) -> bool:
    for secret in candidates:
        if any(text is not None for text in opened(grievance, secret)):
            return True
    return False


@pytest.fixture
def filed(shop):
    filed = file(shop.member, shop.unit, WHAT, name=None)
    db.session.commit()
    return filed


def test_the_stewards_and_the_member_open_it(shop, filed):
    for secret in (shop.steward_secret, shop.second_secret, filed.member_secret):
        assert WHAT in opened(filed.grievance, secret)[0]


def test_an_organizer_who_is_not_a_steward_cannot_open_it(app, world, login, shop_between_requests):
    with shop_between_requests as s:
        grievance = file(s.member, s.unit, WHAT).grievance
        public_id = grievance.public_id
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(StewardKey).where(
            StewardKey.account_id == s.organizer.id)) == 0, "an organizer who is not a steward holds no report key"
    # No page of the report is theirs.
    client = login(app.test_client(), world.organizer)
    for page in (f"/grievances/{public_id}", f"/my/reports/{public_id}", f"/units/{world.unit_id}/grievances"):
        response = client.get(page)
        assert response.status_code in (403, 404), page
        assert WHAT.encode() not in response.data
    # What their pages do show is a count at most, never a word of it.
    for page in (f"/units/{world.unit_id}/strength", f"/units/{world.unit_id}/summary", "/"):
        response = client.get(page)
        assert response.status_code == 200 and WHAT.encode() not in response.data and public_id.encode() not in response.data


def test_an_operator_holding_the_apps_keys_cannot_open_it(app, shop, filed):
    grievance = db.session.get(Grievance, filed.grievance.id)
    # Everything the database holds, opened with the application's keys (the ORM does that), and those keys.
    held = [app.config["SECRET_KEY"].encode() if isinstance(app.config["SECRET_KEY"], str) else app.config["SECRET_KEY"],
            app.config["INDEX_KEY"], *app.config["DATA_KEYS"].values()]
    for row in db.session.scalars(sa.select(StewardKey)):
        held += [row.public_key, row.sealed_secret]
    for row in db.session.scalars(sa.select(Grievance)):
        held += [row.member_key, row.member_sealed_secret, row.reporter_ref.encode()]
    for row in db.session.scalars(sa.select(GrievanceMessage)):
        held.append(row.envelope)
    candidates = [c for data in held if isinstance(data, bytes) for c in _scalar_candidates(data)]
    assert len(candidates) > 100, "the attack tried a good many values"
    assert not _opens(grievance, candidates)
    # The sealed secrets do not open with any of the app's keys standing for a passphrase.
    for sealed in [r.sealed_secret for r in db.session.scalars(sa.select(StewardKey))] + [grievance.member_sealed_secret]:
        for guess in (app.config["SECRET_KEY"], *(base64.b64encode(k).decode() for k in app.config["DATA_KEYS"].values())):
            with pytest.raises(SealError):
                open_with_passphrase(sealed, guess, associated_data=b"")
    # ... while the passphrase itself, which only the browser ever held, does (the check can see an opening).
    assert reports.check_sealed_secret(grievance.member_sealed_secret)
    secret = open_with_passphrase(grievance.member_sealed_secret, PASSPHRASE,
                                  associated_data=reports.member_key_context(grievance.public_id))
    assert WHAT in opened(grievance, Scalar.from_bytes(secret))[0]


def test_every_other_member_cannot_open_it(app, world, login, shop_between_requests):
    with shop_between_requests as s:
        filed = file(s.member, s.unit, WHAT)
        public_id, code = filed.grievance.public_id, filed.grievance.code
        their_secrets = [file(other, s.unit, "my own problem").member_secret for other in s.others]
        db.session.commit()
        assert not _opens(db.session.get(Grievance, filed.grievance.id), their_secrets)
        others = [other.email for other in s.others]
    for email in others:
        client = login(app.test_client(), email)
        for page in (f"/my/reports/{public_id}", f"/grievances/{public_id}"):
            response = client.get(page)
            assert response.status_code in (403, 404), (email, page)
            assert WHAT.encode() not in response.data
        listing = client.get("/my/reports").get_data(as_text=True)
        assert public_id not in listing and code not in listing
        assert listing.count("/my/reports/") - listing.count("/my/reports/new") == 1, "their own report only"


def _steward_sees(app, login, email: str, pages: list[str]) -> str:
    client = login(app.test_client(), email)
    seen = ""
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        seen += response.get_data(as_text=True)
    return seen


def test_an_anonymous_report_stays_anonymous_through_answers_and_steps(app, world, login, shop_between_requests):
    with shop_between_requests as s:
        filed = file(s.member, s.unit, WHAT, name=None)
        grievance = filed.grievance
        answer(s.steward, grievance, "Which shift? We can meet at the gate.")
        services.move(s.steward, grievance, StepChange(Step.INVESTIGATING.value, None, None))
        add(s.member, grievance, "The early shift.")
        answer(s.second, grievance, "Thanks. Filing at step 1.")
        services.move(s.second, grievance, StepChange(Step.STEP_1.value, None, None))
        second_report = file(s.member, s.unit, "And the heat in bay 2.", kind="safety_health").grievance
        db.session.commit()
        member = s.member
        who = [member.display_name, member.email, f"account:{member.id}", services.reporter_ref(member)]
        ids = (grievance.public_id, second_report.public_id)
        member_keys = (base64.b64encode(grievance.member_key).decode(), base64.b64encode(second_report.member_key).decode())
        assert member_keys[0] != member_keys[1], "two reports of one member share no key"
        texts = opened(db.session.get(Grievance, grievance.id), s.steward_secret)
        stewards = (s.steward.email, s.second.email)
    pages = [f"/units/{world.unit_id}/grievances", f"/grievances/{ids[0]}", f"/grievances/{ids[1]}", "/",
             f"/steward/units/{world.unit_id}"]
    for email in stewards:
        seen = _steward_sees(app, login, email, pages)
        for trace in who:
            assert trace not in seen, f"{email} sees {trace!r}"
        # Each report's page names its own member key, never the other's: nothing links the two.
        first_page = _steward_sees(app, login, email, [f"/grievances/{ids[0]}"])
        assert member_keys[0] in first_page and member_keys[1] not in first_page
    # Inside, what the stewards open says nothing of who either, since the member chose so.
    assert all(member.display_name not in text for text in texts)
    assert json.loads(texts[0])["name"] is None


def test_a_report_whose_member_chose_to_be_known_names_them_inside_only(app, world, login, shop_between_requests):
    with shop_between_requests as s:
        grievance = file(s.member, s.unit, WHAT, name=NAME).grievance
        db.session.commit()
        public_id = grievance.public_id
        assert json.loads(opened(grievance, s.steward_secret)[0])["name"] == NAME
    seen = _steward_sees(app, login, world.steward, [f"/grievances/{public_id}"])
    assert NAME not in seen, "the name is inside the sealed report, not on the page"


def test_a_copy_of_the_database_carries_no_report_text(app, shop):
    grievance = file(shop.member, shop.unit, WHAT, name=NAME).grievance
    answer(shop.steward, grievance, "Reply about " + WANTED)
    add(shop.member, grievance, "Addition about Quillfeather")
    db.session.commit()
    envelopes = [m.envelope for m in db.session.get(Grievance, grievance.id).messages]
    member_key = grievance.member_key
    raw = raw_database(db.engine.url)
    for secret in (WHAT, NAME, WANTED, "Quillfeather", "Dmitri", "wage_hour"):
        for encoding in ("utf-8", "utf-16-le"):
            assert secret.encode(encoding) not in raw, f"{secret!r} is readable in the raw database"
    # Even the envelopes and the member's key are sealed again at rest: none is there as the browser made it.
    for blob in (*envelopes, member_key):
        assert blob[:64] not in raw
    # A control: the search finds what is in the clear.
    assert grievance.public_id.encode() in raw


def test_the_sealed_columns_hold_no_clear_value(app, shop):
    file(shop.member, shop.unit, WHAT)
    db.session.commit()
    row = db.session.execute(sa.text("SELECT reporter_id, kind, step, filed_on, due_on FROM grievances")).one()
    assert all(isinstance(value, (bytes, memoryview)) and len(bytes(value)) > 16 for value in row)
    sizes = {len(bytes(value)) for value in db.session.execute(sa.text("SELECT kind FROM grievances")).scalars()}
    file(shop.others[0], shop.unit, WHAT, kind="other")
    file(shop.others[1], shop.unit, WHAT, kind="harassment")
    db.session.commit()
    sizes |= {len(bytes(v)) for v in db.session.execute(sa.text("SELECT kind FROM grievances")).scalars()}
    assert len(sizes) == 1, "every kind seals to one size"


def test_the_steward_page_material_carries_nothing_of_the_account(app, world, login, shop_between_requests):
    with shop_between_requests as s:
        grievance = file(s.member, s.unit, WHAT).grievance
        db.session.commit()
        public_id, member_key = grievance.public_id, grievance.member_key
        member_name = s.member.display_name
        member_sealed = base64.b64encode(grievance.member_sealed_secret).decode()
        own = {base64.b64encode(k.sealed_secret).decode() for k in db.session.scalars(
            sa.select(StewardKey).where(StewardKey.account_id == s.steward.id))}
    client = login(app.test_client(), world.steward)
    html = client.get(f"/grievances/{public_id}").get_data(as_text=True)
    material = json.loads(html.split('id="grievance-material">', 1)[1].split("</script>", 1)[0])
    assert set(material) == {"report_id", "unlock", "messages", "member_key", "stewards", "context", "missing",
                             "copies_url"}
    assert material["messages"] and all(set(m) == {"kind", "sealed", "context", "copies"}
                                        for m in material["messages"])
    # The steward's page hands over only the steward's own sealed secrets, never the member's.
    assert {u["sealedSecret"] for u in material["unlock"]} == own
    assert member_sealed not in html
    assert material["member_key"] == base64.b64encode(member_key).decode()
    assert Point.from_bytes(base64.b64decode(material["member_key"]))
    # The stewards an answer is sealed to are named by their own names and keys: nothing of the member.
    assert all(set(s) == {"name", "key"} for s in material["stewards"])
    assert member_name not in json.dumps(material)
