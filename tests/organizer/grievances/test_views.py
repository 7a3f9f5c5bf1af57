"""The report pages over HTTP: what each one shows whom, the script's posts and
their JSON answers, the plain posts without the script, and every refusal
answered in words with nothing stored."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from core.clock import today
from core.extensions import db
from crypto import reports
from crypto.group import Point
from organizer.grievances import keys
from organizer.grievances.models import Grievance, GrievanceMessage, Referral, Step, StewardKey
from tests.csrf import sign_in, token_of
from tests.organizer.grievances.helpers import file, filing, made_key

JSON = {"Accept": "application/json"}


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _report_form(details) -> dict:
    return {"report_id": details.report_id, "kind": details.kind, "envelope": b64(details.envelope),
            "member_key": b64(details.member_key.public_key), "member_key_proof": b64(details.member_key.possession_proof),
            "member_sealed_secret": b64(details.member_key.sealed_secret)}


@pytest.fixture
def clients(app, world, login, shop_ids):
    return {name: login(app.test_client(), email) for name, email in (
        ("member", world.member), ("steward", world.steward), ("organizer", world.organizer),
        ("keyless", shop_ids.keyless), ("other", shop_ids.others[0]))}


@pytest.fixture
def shop(shop_between_requests):
    return shop_between_requests


def _material(html: str) -> dict:
    return json.loads(html.split('id="grievance-material">', 1)[1].split("</script>", 1)[0])


def test_the_report_page_names_the_stewards_and_hands_the_script_their_keys_not_codes(app, world, shop, clients):
    """The page's script seals to the keys in its material and works out each code from them: a code the
    server wrote would be the server's word, which a swapped key would carry along."""
    html = clients["member"].get("/my/reports/new").get_data(as_text=True)
    with shop as s:
        stewards = [(s.steward, s.steward_secret), (s.second, s.second_secret)]
        assert _material(html)["stewards"] == [{"name": steward.display_name, "key": b64(Point.base_times(secret).to_bytes())}
                                               for steward, secret in stewards]
        for steward, secret in stewards:
            assert steward.display_name in html
            assert reports.key_fingerprint(Point.base_times(secret)) not in html
        assert html.count("data-steward-code") == 2
        assert "Not yet able to read reports" in html and s.keyless.display_name in html
    assert "could find out that you sent a report" in html
    # What the member writes has no field name: a browser never sends it.
    for marker in ('data-report="what"', 'data-report="wanted"', 'data-report="name"', "data-passphrase"):
        tag = html.split(marker, 1)[0].rsplit("<", 1)[1]
        assert " name=" not in tag, marker


def test_a_unit_with_no_steward_key_says_so_plainly_and_offers_no_form(app, shop, clients):
    with app.app_context():
        db.session.execute(sa.delete(StewardKey))
        db.session.commit()
    html = clients["member"].get("/my/reports/new").get_data(as_text=True)
    assert "have not set up their keys for reports yet" in html
    assert "data-grievance-form" not in html


def test_the_script_files_a_report_and_is_sent_on_to_it(app, shop, clients):
    with shop as s:
        details, _ = filing(s.unit)
    response = clients["member"].post("/my/reports/new", data=_report_form(details), headers=JSON)
    assert response.status_code == 201
    assert response.json["next"] == f"/my/reports/{details.report_id}"
    page = clients["member"].get(response.json["next"]).get_data(as_text=True)
    assert "Your report is sent, sealed to your stewards." in page and "Received" in page


def test_a_post_without_the_script_is_refused_in_words_and_stores_nothing(app, shop, clients):
    response = clients["member"].post("/my/reports/new", data={"kind": "wage_hour"})
    assert response.status_code == 400
    assert "needs JavaScript" in response.get_data(as_text=True)
    response = clients["member"].post("/my/reports/new", data={"kind": "wage_hour"}, headers=JSON)
    assert response.status_code == 400 and "needs JavaScript" in response.json["error"]
    with app.app_context():
        assert _count(Grievance) == 0


def test_a_report_with_no_kind_is_refused(app, shop, clients):
    with shop as s:
        details, _ = filing(s.unit)
    response = clients["member"].post("/my/reports/new", data={**_report_form(details), "kind": ""}, headers=JSON)
    assert response.status_code == 400
    assert response.json["error"] == "Choose what the problem is about."
    with app.app_context():
        assert _count(Grievance) == 0


def test_keys_that_changed_meanwhile_are_named_for_the_script_to_seal_again(app, shop, clients):
    with shop as s:
        details, _ = filing(s.unit, recipients=[Point.base_times(s.steward_secret).to_bytes()])
    response = clients["member"].post("/my/reports/new", data=_report_form(details), headers=JSON)
    assert response.status_code == 400 and response.json["field"] == "recipients"
    assert response.json["recipients"] == [b64(Point.base_times(s).to_bytes()) for s in
                                           (shop.steward_secret, shop.second_secret)] + [
        b64(details.member_key.public_key)]
    # ... by name too, for the script to show with the codes it works out before the member sends again.
    with shop as s:
        assert response.json["stewards"] == [{"name": steward.display_name, "key": b64(Point.base_times(secret).to_bytes())}
                                             for steward, secret in ((s.steward, s.steward_secret),
                                                                     (s.second, s.second_secret))]
    with app.app_context():
        assert _count(Grievance) == 0


def test_a_forged_envelope_is_refused_over_http(app, shop, clients):
    with shop as s:
        details, _ = filing(s.unit)
    form = _report_form(details)
    forged = bytearray(details.envelope)
    forged[-1] ^= 1
    for envelope in (b64(bytes(forged)), "not base64!", b64(b"\x01" * 40), "A" * 100_000):
        response = clients["member"].post("/my/reports/new", data={**form, "envelope": envelope}, headers=JSON)
        assert response.status_code == 400, envelope[:20]
        assert response.json["error"]
    with app.app_context():
        assert _count(Grievance) == 0


def test_the_page_refuses_a_post_without_its_token(app, world, shop, csrf_on):
    client = sign_in(app.test_client(), world.member)
    token = token_of(client, "/my/reports/new")
    with shop as s:
        details, _ = filing(s.unit)
    response = client.post("/my/reports/new", data=_report_form(details), headers=JSON)
    assert response.status_code == 400 and "expired" in response.json["error"]
    response = client.post("/my/reports/new", data={**_report_form(details), "csrf_token": token}, headers=JSON)
    assert response.status_code == 201


def test_the_member_reads_their_report_page_and_nobody_else_does(app, shop, clients):
    with shop as s:
        grievance = file(s.member, s.unit).grievance
        public_id, code = grievance.public_id, grievance.code
        db.session.commit()
    page = clients["member"].get(f"/my/reports/{public_id}").get_data(as_text=True)
    assert "Your passphrase for this report" in page and "Withdraw my report" in page
    listing = clients["member"].get("/my/reports").get_data(as_text=True)
    assert code in listing
    for who in ("other", "steward", "organizer"):
        assert clients[who].get(f"/my/reports/{public_id}").status_code == 404, who
    for bad in ("nope", "0" * 32, public_id.upper()):
        assert clients["member"].get(f"/my/reports/{bad}").status_code == 404


def test_the_steward_pages_list_open_the_report_and_take_steps(app, world, shop, clients):
    with shop as s:
        public_id = file(s.member, s.unit).grievance.public_id
        db.session.commit()
    listing = clients["steward"].get(f"/units/{world.unit_id}/grievances").get_data(as_text=True)
    assert "Pay and hours" in listing and "You have no key" not in listing
    assert "You have no key for members' reports yet" in clients["keyless"].get(
        f"/units/{world.unit_id}/grievances").get_data(as_text=True)
    page = clients["steward"].get(f"/grievances/{public_id}").get_data(as_text=True)
    assert "Your passphrase for members' reports" in page and "Move it to" in page
    moved = clients["steward"].post(f"/grievances/{public_id}/step", data={"step": "investigating"})
    assert moved.status_code == 302
    skipped = clients["steward"].post(f"/grievances/{public_id}/step", data={"step": "arbitration"})
    assert skipped.status_code == 400 and "the next step is Step 1" in skipped.get_data(as_text=True)
    past = (today() - timedelta(days=1)).isoformat()
    late = clients["steward"].post(f"/grievances/{public_id}/step", data={"step": "step_1", "due_on": past})
    assert late.status_code == 400 and "has passed already" in late.get_data(as_text=True)
    with app.app_context():
        grievance = db.session.scalar(sa.select(Grievance).where(Grievance.public_id == public_id))
        assert grievance.step == Step.INVESTIGATING and len(grievance.steps) == 2
    for who in ("organizer", "member", "other"):
        assert clients[who].get(f"/grievances/{public_id}").status_code in (403, 404), who


def test_a_steward_answers_through_the_script(app, shop, clients):
    with shop as s:
        grievance = file(s.member, s.unit).grievance
        public_id = grievance.public_id
        to = [Point.from_bytes(k) for k in (*[on.public_key for on in keys.stewards_on_key(s.unit)],
                                             grievance.member_key)]
        envelope = reports.seal_message(to, json.dumps({"v": 1, "kind": "reply", "text": "On it."}),
                                        reports.message_context(public_id, "reply"))
        db.session.commit()
    response = clients["steward"].post(f"/grievances/{public_id}/reply", data={"envelope": b64(envelope)},
                                       headers=JSON)
    assert response.status_code == 201 and response.json["next"] == f"/grievances/{public_id}"
    as_organizer = clients["organizer"].post(f"/grievances/{public_id}/reply", data={"envelope": b64(envelope)},
                                             headers=JSON)
    assert as_organizer.status_code in (403, 404)
    with app.app_context():
        assert _count(GrievanceMessage) == 2


def test_a_steward_makes_a_key_on_its_page(app, world, shop, clients):
    with shop as s:
        context = keys.key_context(s.keyless)
    made = made_key(context).made
    form = {"key": b64(made.public_key), "key_proof": b64(made.possession_proof), "sealed_secret": b64(made.sealed_secret)}
    assert "You have no key yet" in clients["keyless"].get("/steward/report-key").get_data(as_text=True)
    wrong = clients["keyless"].post("/steward/report-key", data={**form, "key_proof": b64(bytes(64))})
    assert wrong.status_code == 400 and "does not check out" in wrong.get_data(as_text=True)
    assert clients["keyless"].post("/steward/report-key", data=form).status_code == 302
    page = clients["keyless"].get("/steward/report-key").get_data(as_text=True)
    # The page's script works the code out from the key, and checks that key against the passphrase.
    material = _material(page)
    assert material["public_key"] == b64(made.public_key)
    assert material["unlock"] == [{"sealedSecret": b64(made.sealed_secret), "context": b64(context)}]
    assert reports.key_fingerprint(Point.from_bytes(made.public_key)) not in page
    assert "data-grievance-fingerprint" in page
    assert clients["member"].get("/steward/report-key").status_code == 403


def test_organizers_set_the_rules_and_the_places_members_see(app, world, shop, clients):
    rules_page = f"/unions/{world.union_id}/grievance-rules"
    assert clients["organizer"].get(rules_page).status_code == 200
    saved = clients["organizer"].post(rules_page, data={
        "days_received": 3, "days_investigating": 10, "days_step_1": 10, "days_step_2": 15, "days_arbitration": 30,
        "counted_since": today().isoformat()})
    assert saved.status_code == 302
    refused = clients["organizer"].post(rules_page, data={
        "days_received": 0, "days_investigating": 10, "days_step_1": 10, "days_step_2": 15, "days_arbitration": 30,
        "counted_since": today().isoformat()})
    assert refused.status_code == 400
    added = clients["organizer"].post(f"{rules_page}/referrals", data={
        "name": "Wage Claims Office", "helps_with": "unpaid wages and overtime", "reach": "+1 555 0100 2000"})
    assert added.status_code == 302
    assert "Wage Claims Office" in clients["member"].get("/my/reports/new").get_data(as_text=True)
    with app.app_context():
        referral_id = db.session.scalar(sa.select(Referral.id))
    assert clients["steward"].post(f"/grievance-referrals/{referral_id}/remove").status_code == 403
    assert clients["organizer"].post(f"/grievance-referrals/{referral_id}/remove").status_code == 302
    with app.app_context():
        assert _count(Referral) == 0
    assert clients["steward"].get(rules_page).status_code == 403


def test_the_home_pages_lead_to_the_reports(app, world, shop, clients):
    member_home = clients["member"].get("/").get_data(as_text=True)
    assert "Report a problem at work" in member_home and "/my/reports/new?unit=" in member_home
    steward_home = clients["steward"].get("/").get_data(as_text=True)
    assert f"/units/{world.unit_id}/grievances" in steward_home


def test_a_withdrawn_report_takes_no_more(app, shop, clients):
    with shop as s:
        grievance = file(s.member, s.unit).grievance
        public_id = grievance.public_id
        db.session.commit()
    assert clients["member"].post(f"/my/reports/{public_id}/withdraw").status_code == 302
    page = clients["member"].get(f"/my/reports/{public_id}").get_data(as_text=True)
    assert "Withdrawn" in page and "Add to your report" not in page
    again = clients["member"].post(f"/my/reports/{public_id}/withdraw")
    assert again.status_code == 302
    with app.app_context():
        assert len(db.session.scalar(sa.select(Grievance)).steps) == 2


def test_the_report_page_warns_that_anonymity_is_thin_in_a_unit_with_fewer_than_k_members(app, shop, clients):
    """Six members of the shop have accounts: from k = 7 up, even an anonymous report leaves its
    steward fewer than k people to guess among, and the page says so before the member chooses."""
    assert 'id="report-few"' not in clients["member"].get("/my/reports/new").get_data(as_text=True)
    with shop as s:
        s.unit.union.release_threshold = 7
        db.session.commit()
    html = clients["member"].get("/my/reports/new").get_data(as_text=True)
    assert 'id="report-few"' in html
    assert "Fewer than 7 members of your unit are on Leverage" in html
