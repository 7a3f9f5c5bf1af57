"""Fuzzing every form and the encrypted-ballot endpoint: random, malformed,
huge and hostile values never get a 500, and a refused request (4xx) stores
nothing. State builds up across examples on purpose: later examples meet the
data earlier ones managed to create."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefs import services as briefs
from briefs import sources as brief_sources
from core.extensions import db
from organizer.accounts import invitations
from organizer.accounts import services as accounts
from organizer.accounts.services import account_ref
from organizer.charting.models import BargainingUnit, Person
from organizer.demands import services as demands
from organizer.demands.models import Basis, Category, ClaimSection, DemandKind, Tier
from organizer.roles import Role
from surveys import definitions, keys, launch, tally
from surveys.models import KeyMode, QuestionType, SurveyKind
from tests import factories
from tests.organizer.grievances import helpers as grievance_helpers

HOSTILE = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.sampled_from(["", " ", "0", "-1", "99999999999999999999", "1e308", "NaN", "None", "null", "true",
                     "<script>alert(1)</script>", "' OR 1=1 --", "\x00", "\u202e", "%00", "../../etc/passwd",
                     "2026-13-45", "2026-11-28T25:61", "cant", "yes", "no", "organizer", "server_key"]),
    st.text(min_size=2000, max_size=5000).map(lambda s: s * 2),
    st.integers().map(str),
)
VALUE = st.one_of(HOSTILE, st.lists(HOSTILE, max_size=4))
FUZZ = settings(max_examples=25, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])


def _table_counts() -> dict[str, int]:
    return {table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


@pytest.fixture
def targets(app, world):
    """Everything the forms need, and the form fields each one takes."""
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        organizer = accounts.find_account_by_email(world.organizer)
        steward = accounts.find_account_by_email(world.steward)
        members = [accounts.find_account_by_email(world.member)] + [
            factories.create_account(Role.MEMBER, unit=unit) for _ in range(5)]
        _, token = invitations.invite(organizer, db.session.get(Person, world.person_id), Role.MEMBER)
        scope = f"unit:{unit.id}"
        settings_ = definitions.SurveySettings(kind=SurveyKind.PULSE, title="Fuzz", key_mode=KeyMode.SERVER_KEY,
                                               release_threshold=5)
        draft, open_ = definitions.create_survey(scope, settings_), definitions.create_survey(scope, settings_)
        for survey in (draft, open_):
            definitions.add_question(survey, type=QuestionType.YES_NO, prompt="Yes?", allows_cant_say=True)
            definitions.add_question(survey, type=QuestionType.MULTIPLE_CHOICE, prompt="Which?",
                                     options=["A", "B", "C"], max_choices=2)
            definitions.add_question(survey, type=QuestionType.FREE_TEXT, prompt="Say")
            # A ranking: its selects (q<id>-<option>) and its "can't say" box are fuzzed with the rest.
            definitions.add_question(survey, type=QuestionType.RANK, prompt="Order?", options=["A", "B", "C"],
                                     max_ranked=2, allows_cant_say=True)
        launch.launch(open_, {account_ref(m): {"department": None} for m in members}, ["department"])
        keys.register_trustee_key(account_ref(steward), "steward trustee passphrase")
        keys.register_trustee_key(account_ref(organizer), "organizer trustee passphrase")
        trusted = definitions.create_survey(scope, definitions.SurveySettings(
            kind=SurveyKind.VOTE, title="Vote", key_mode=KeyMode.TRUSTEES, release_threshold=5, trustee_threshold=2))
        definitions.add_question(trusted, type=QuestionType.YES_NO, prompt="Strike?")
        launch.launch(trusted, {account_ref(m): {"department": None} for m in members}, ["department"],
                      [account_ref(steward), account_ref(organizer)])
        tally.close(trusted)
        author = members[1]
        claim = demands.add_claim(author, demands.ClaimDetails(ClaimSection.NEED, "A licence course."))
        demand = demands.create_demand(author, demands.DemandDetails(
            DemandKind.DEMAND, Tier.PRIORITY, Basis.COLLECTIVE, Category.PAY, "Will you pay nights?",
            claim_ids=[claim.id]))
        demands.request_endorsement(author, demand)
        # The author's negotiation brief: a worst case of their own, a coach's link (the steward's to
        # accept) and one to stop.
        brief_source = brief_sources.source("member")
        own_risk = briefs.add_risk(author, brief_source, "They ask who else is asking.", None)
        (_, coach_token), (stoppable, _) = (briefs.invite_coach(author, brief_source),
                                            briefs.invite_coach(author, brief_source))
        db.session.commit()
        demand_fields = ["text", "kind", "tier", "basis", "category", "claim_ids", "is_attributable"]
        questions = [f"q{q.id}" for q in open_.questions]
        questions += [f"q{q.id}-{i}" for q in open_.questions if q.type == QuestionType.RANK for i in range(3)]
        person_fields = ["name", "department_id", "shift_id", "assessment", "is_member", "card_signed_on",
                         "email", "phone", "notes"]
        member_email = members[1].email
        result = {
            "anonymous": [("/login", ["email", "password"]),
                          (f"/invite/{token}", ["display_name", "email", "password", "confirm"])],
            world.organizer: [
                (f"/unions/{world.union_id}/units", ["name"]),
                (f"/units/{world.unit_id}/segments", ["kind", "name"]),
                (f"/units/{world.unit_id}/people/new", person_fields),
                (f"/people/{world.person_id}/edit", person_fields),
                (f"/people/{world.person_id}/invite", ["role"]),
                (f"/units/{world.unit_id}/surveys",
                 ["kind", "title", "intro", "key_mode", "trustee_threshold", "release_threshold",
                  "comment_threshold", "opens_at", "closes_at", "recurrence_weeks", "standard_questions"]),
                (f"/surveys/{draft.id}/questions", ["type", "prompt", "options", "max_choices", "allows_cant_say"]),
                (f"/surveys/{draft.id}/launch", ["trustees"]),
                (f"/surveys/{draft.id}/wording/es", ["title", "intro", *(f"q{q.id}_{part}" for q in draft.questions
                                                                     for part in ("prompt", "options"))]),
                ("/account/password", ["current_password", "new_password", "confirm"]),
                ("/trustee/key", ["passphrase", "confirm"]),
                (f"/units/{world.unit_id}/endorsements/launch", ["request", "days_open"]),
                (f"/units/{world.unit_id}/strength", ["kind", "held_on", "participants", "headcount"]),
                (f"/unions/{world.union_id}/settings", ["results", "endorsements", "comments"]),
                (f"/segments/department/{unit.departments[0].id}/rename", [f"department{unit.departments[0].id}-name"]),
            ],
            member_email: [(f"/surveys/{open_.id}/answer", questions),
                           ("/my/demands/new", demand_fields), (f"/demands/{demand.id}/edit", demand_fields),
                           ("/my/profile", ["section", "year", "text", "grew_from_id"]),
                           (f"/claims/{claim.id}/grew-from", [f"claim{claim.id}-grew_from_id"]),
                           ("/account/delete", ["password", "understood"])],
            world.steward: [(f"/surveys/{trusted.id}/decrypt", ["passphrase"]),
                            (f"/demands/{demand.id}/response", [f"demand{demand.id}-response", f"demand{demand.id}-note"]),
                            (f"/demands/{demand.id}/same-as", [f"demand{demand.id}-same_as"])],
        }
        result["ballot"] = (member_email, f"/surveys/{open_.id}/ballot")
        # Reports of problems at work: the steward has a key, the member a report; the sealed forms get
        # anything at all in their hidden fields, the steps and the union's rules anything in theirs.
        grievance_helpers.steward_key(steward)
        report = grievance_helpers.file(members[1], unit).grievance
        sealed_fields = ["envelope", "new_member_key", "new_member_key_proof", "new_member_sealed_secret"]
        result[member_email] += [
            (f"/my/reports/new?unit={unit.id}", ["report_id", "kind", "envelope", "member_key", "member_key_proof",
                                                "member_sealed_secret"]),
            (f"/my/reports/{report.public_id}/add", sealed_fields)]
        result[world.steward] += [("/steward/report-key", ["key", "key_proof", "sealed_secret"]),
                                  (f"/grievances/{report.public_id}/reply", ["envelope"]),
                                  (f"/grievances/{report.public_id}/step", ["step", "began_on", "due_on"]),
                                  (f"/grievances/{report.public_id}/copies", ["copies"])]
        result[world.organizer] += [
            (f"/unions/{world.union_id}/grievance-rules", ["days_received", "days_investigating", "days_step_1",
                                                           "days_step_2", "days_arbitration", "counted_since"]),
            (f"/unions/{world.union_id}/grievance-rules/referrals", ["name", "helps_with", "reach"])]
        result["chart"] = f"/units/{world.unit_id}/chart"
        brief_fields = ["ask_first", "trade", "walk_away", "response_wont_negotiate", "response_too_much",
                        "response_answer_now", f"response_own{own_risk.id}"]
        result[member_email] += [("/my/briefs/member", brief_fields), ("/my/briefs/member/risks", ["worst_case", "response"]),
                                 (f"/briefs/{own_risk.brief_id}/comments", ["text"]), ("/my/briefs/member/coaches", []),
                                 (f"/my/briefs/member/coaches/{stoppable.id}/revoke", []),
                                 (f"/my/briefs/member/risks/{own_risk.id}/remove", [])]
        result[world.steward] += [(f"/coach/{coach_token}", []), (f"/briefs/{own_risk.brief_id}/comments", ["text"])]
        # Stories in escrow: writing one (a member, an organizer), recording the union's recognition.
        story_fields = ["title", "text", "hidden_names", "unit_id", "readers", "reader_ids", "opening", "opens_on"]
        result[world.organizer] += [(f"/unions/{world.union_id}/stories/new", story_fields),
                                    (f"/unions/{world.union_id}/recognition", ["recognised_on", "understood"])]
        result[member_email].append((f"/unions/{world.union_id}/stories/new", story_fields))
        # Pay surveys: an organizer's roles and bands (and the standard one), a member's own role.
        pay_fields = ["title", "language", "intro", "basis", "roles", "band_mode", "band_start", "band_width",
                      "band_count", "open_top", "band_list", "with_tenure", "with_hours", "key_mode",
                      "trustee_threshold", "release_threshold"]
        result[world.organizer] += [(f"/units/{world.unit_id}/surveys/pay", pay_fields),
                                    (f"/units/{world.unit_id}/surveys/pay/standard", [])]
        result[member_email].append(("/my/role", ["role"]))
        # The question bank's standard surveys (a button each), a known one and an unknown one.
        result[world.organizer] += [(f"/units/{world.unit_id}/surveys/standard/bargaining", []),
                                    (f"/units/{world.unit_id}/surveys/standard/unknown", [])]
        db.session.remove()
    return result


@st.composite
def form_data(draw, fields: list[str]):
    chosen = draw(st.lists(st.sampled_from(fields), unique=True)) if fields else []
    data = {name: draw(VALUE) for name in chosen}
    if draw(st.booleans()):
        data[draw(st.text(min_size=1, max_size=12))] = draw(VALUE)
    return data


def _check(app, client, url: str, data) -> None:
    with app.app_context():
        before = _table_counts()
    response = client.post(url, data=data)
    assert response.status_code < 500, f"POST {url} with {data!r} answered {response.status_code}"
    if 400 <= response.status_code < 500:
        with app.app_context():
            assert _table_counts() == before, f"refused POST {url} stored something"


@pytest.mark.parametrize("who", ["anonymous", "organizer", "member", "steward"])
def test_every_form_survives_hostile_input(app, world, login, targets, who):
    email = {"organizer": world.organizer, "steward": world.steward, "anonymous": "anonymous"}.get(who)
    if who == "member":
        email = next(key for key in targets if isinstance(key, str) and key.startswith("member"))
    client = app.test_client()
    if who != "anonymous":
        login(client, email)
    for url, fields in targets[email]:
        _fuzz_form(app, client, url, fields)


def _fuzz_form(app, client, url: str, fields: list[str]) -> None:
    @FUZZ
    @given(data=form_data(fields))
    def fuzz(data):
        _check(app, client, url, data)

    fuzz()


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)


@FUZZ
@given(body=st.one_of(JSON, st.fixed_dictionaries({"payload": st.one_of(st.text(), st.binary().map(
    lambda b: __import__("base64").b64encode(b).decode()))}, optional={"comments": JSON})))
def test_ballot_endpoint_survives_hostile_json(app, world, login, targets, body):
    email, url = targets["ballot"]
    client = login(app.test_client(), email)
    with app.app_context():
        before = _table_counts()
    response = client.post(url, json=body)
    assert response.status_code < 500
    if response.status_code >= 400:
        with app.app_context():
            assert _table_counts() == before


@FUZZ
@given(query=st.dictionaries(st.sampled_from(["department", "shift", "assessment", "x"]), HOSTILE, max_size=3))
def test_chart_filters_survive_hostile_queries(app, world, login, targets, query):
    client = login(app.test_client(), world.organizer)
    assert client.get(targets["chart"], query_string=query).status_code in (200, 400)


def test_raw_garbage_bodies_are_refused_cleanly(app, world, login, targets):
    email, url = targets["ballot"]
    client = login(app.test_client(), email)
    for body, content_type in [(b"\xff\xfe\x00", "application/json"), (b"{" * 5000, "application/json"),
                               (b"payload=%%%", "application/x-www-form-urlencoded"), (b"x" * 2_000_000, "text/plain")]:
        response = client.post(url, data=body, content_type=content_type)
        assert 400 <= response.status_code < 500
